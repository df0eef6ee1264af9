"""광주광역시 보도자료 on its news site (news.gwangju.go.kr): a photo-gallery board of an `.es` CMS.

What public code says (ainaju618-blip/koreanewskorea scrapers/_disabled/gwangju/gwangju_scraper.py
and its history): the list is `gallery.es?mid=a40205000000&bid=0009&cg_code=C02`, paged by
`&nPage=N`; each article is a link holding `list_no=` (`.gallery_list a`) whose text is the title
(a `새로운글` mark after new ones); the view's text is in `div.board_view_body` (or `div.view_content`),
the date beside `등록일` in a span or li.

Conventional, not documented (what `.es` boards commonly print): view links
`gallery.es?mid=…&bid=0009&act=view&list_no=N&nPage=…`, the card's thumbnail and date, the view's
li labels (부서, 등록일, 조회수; no person is printed), downloads `boardDownload.es?bid=0009&list_no=N
&seq=K`, twelve cards a page, a page past the end showing the last one again, menus and footer.
"""

from __future__ import annotations

from .common import BoardReplica, paging, esc, page_slice, paragraphs_html
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 12
GALLERY = "/gallery.es"
DOWNLOAD = "/boardDownload.es"
BOARD = "mid=a40205000000&bid=0009"

MENU = """<div id="header"><ul id="gnb">
	<li><a href="/gallery.es?mid=a40205000000&amp;bid=0009&amp;cg_code=C02">보도자료</a></li>
	<li><a href="/board.es?mid=a40201000000&amp;bid=0001">광주소식</a></li><li><a href="/gallery.es?mid=a40203000000&amp;bid=0003">포토뉴스</a></li>
</ul></div>"""

FOOTER = """<div class="manager"><ul><li><span class="tit">담당부서</span><span>대변인실</span></li>
<li><span class="tit">등록일</span><span>2025-12-31</span></li></ul></div>
<div id="footer"><address>(61945) 광주광역시 서구 내방로 111 (치평동) 대표전화 062-120</address></div>"""


def view_href(post: Post, page: int) -> str:
    return f"{GALLERY}?{BOARD}&amp;act=view&amp;list_no={post.id}&amp;nPage={page}&amp;cg_code=C02".replace(
        "&bid", "&amp;bid")


class Site(BoardReplica):
    name = "gwangju"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 59):
        self._posts(posts(articles, seed, first_id=23101, id_step=2))

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?", 1)[0] == GALLERY and "act=view" not in path

    def expected(self, post: Post) -> dict:
        return {"author": None}  # the board prints the department only

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.query.get("bid") != "0009":
            return None
        if request.path == GALLERY:
            if request.query.get("act") == "view":
                return self.shown(self.post(request.query.get("list_no"))) or SiteResponse.html(
                    "<script>alert('게시물이 존재하지 않습니다.');history.back();</script>")
            return self.listed(request.query.get("nPage"))
        if request.path == DOWNLOAD:
            return self.sent(self.file(request.query.get("list_no"), request.query.get("seq")))
        return None

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        newest = self.posts[0].posted.date() if self.posts else None
        cards = "\n".join(f"""		<li>
			<a href="{view_href(p, current)}">
				<span class="img"><img src="/thumbnail/gallery/0009/{p.id}_1.jpg" alt=""></span>
				<strong class="subject">{esc(p.title)}</strong>{' <img src="/images/board/icon_new.gif" alt="새로운글">' if p.posted.date() == newest else ''}
				<span class="date">{p.posted:%Y-%m-%d}</span>
			</a>
		</li>""" for p in page_slice(self.posts, page, PER_PAGE))
        board = BOARD.replace("&", "&amp;")
        links = "".join(f'<strong>{n}</strong>' if n == current else
                        f'<a href="{GALLERY}?{board}&amp;nPage={n}&amp;cg_code=C02">{n}</a>'
                        for n in range(1, pages + 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 &lt; 광주광역시 뉴스</title></head>
<body>
{MENU}
<div id="contents">
<div class="category"><a href="{GALLERY}?{board}&amp;cg_code=C01">전체</a> <a class="on" href="{GALLERY}?{board}&amp;cg_code=C02">보도자료</a></div>
<div class="gallery_list"><ul>
{cards}
</ul></div>
<div class="paging">{links}</div>
</div>
{FOOTER}
</body></html>"""

    def view(self, post: Post) -> str:
        files = "".join(
            f'<li><a href="{DOWNLOAD}?bid=0009&amp;list_no={post.id}&amp;seq={k}">{esc(f.name)}</a></li>'
            for k, f in enumerate(post.files, 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(post.title)} &lt; 보도자료 &lt; 광주광역시 뉴스</title></head>
<body>
{MENU}
<div id="contents">
<div class="board_view">
	<div class="board_view_head">
		<h3 class="subject">{esc(post.title)}</h3>
		<ul class="info">
			<li><span class="tit">부서</span><span>{esc(post.department)}</span></li>
			<li><span class="tit">등록일</span><span>{post.posted:%Y-%m-%d %H:%M}</span></li>
			<li><span class="tit">조회수</span><span>{post.views:,}</span></li>
		</ul>
	</div>
	<div class="board_view_file"><strong>첨부파일</strong><ul>{files}</ul></div>
	<div class="board_view_body">
{paragraphs_html(post)}
	</div>
</div>
<div class="btn"><a href="{GALLERY}?{BOARD.replace('&', '&amp;')}&amp;cg_code=C02">목록</a></div>
</div>
{FOOTER}
</body></html>"""
