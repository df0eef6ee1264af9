"""부산광역시 (busan.go.kr) 보도자료: a card list at `/nbtnewsBU?curPage=N`, views at `/nbtnewsBU/{id}`.

What public code says (ainaju618-blip/koreanewskorea scrapers/_disabled/busan/busan_scraper.py and
its history): the list is `main ul > li` cards, each with a link `/nbtnewsBU/<number>` and a card
text holding the title (a `새로운글` mark after new ones), the department and a `051-…` phone
separated by `| `, and the date `YYYY-MM-DD`; pages are `?curPage=N`. The view's text is in
`div.boardView`, the date beside a `작성일` label, and files download from `/comm/getFile?…`
(links whose `title` carries the file name).

Conventional, not documented: the card and view markup around those facts (class names), the
other view labels (부서, 담당자, 조회수), the getFile parameters, ten cards a page, a page past the
end showing the last page again, site menus and a footer with its own phone and a visitor counter.
"""

from __future__ import annotations

from .common import BoardReplica, esc, page_slice, paging, paragraphs_html
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
BOARD = "/nbtnewsBU"
GET_FILE = "/comm/getFile"

MENU = """<header id="header"><nav id="gnb"><ul>
	<li><a href="/depart/news">부산소식</a><ul><li><a href="/nbtnewsBU">보도자료</a></li><li><a href="/nbnews">공지사항</a></li></ul></li>
	<li><a href="/depart/field">분야별정보</a></li><li><a href="/depart/civil">시민참여</a></li>
</ul></nav></header>
<nav class="location"><ul><li>홈</li><li>부산소식</li><li><strong>보도자료</strong></li></ul></nav>"""

FOOTER = """<footer id="footer"><address>(47545) 부산광역시 연제구 중앙대로 1001(연산동) 대표전화 051-120</address>
<p>작성일 2025-12-31 · 오늘 방문자 12,345 · 조회수 9,876,543</p>
<p>Copyright © Busan Metropolitan City. All Rights Reserved.</p></footer>"""


def view_path(post: Post) -> str:
    return f"{BOARD}/{post.id}"


class Site(BoardReplica):
    name = "busan"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 31):
        self._posts(posts(articles, seed, first_id=1712001, id_step=13))

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?", 1)[0] == BOARD

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == BOARD:
            return self.listed(request.query.get("curPage"))
        if request.path.startswith(BOARD + "/"):
            return self.shown(self.post(request.path[len(BOARD) + 1:]))
        if request.path == GET_FILE and request.query.get("srvcId") == "BBSTY1":
            return self.sent(self.file(request.query.get("upperNo"), request.query.get("fileNo")))
        return None

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        newest = self.posts[0].posted.date() if self.posts else None
        cards = "\n".join(f"""		<li>
			<a href="{view_path(p)}?curPage={current}">
				<p class="tit">{esc(p.title)}{' <img src="/humanframe/theme/busan/images/icon_new.png" alt="새로운글">' if p.posted.date() == newest else ''}</p>
				<p class="txt">{esc(p.paragraphs[0][:90])}…</p>
				<p class="info"><span>{esc(p.department)}</span> | <span>{esc(p.phone)}</span> | <span class="date">{p.posted:%Y-%m-%d}</span></p>
			</a>
		</li>""" for p in page_slice(self.posts, page, PER_PAGE))
        links = "".join(f'<strong title="현재페이지">{n}</strong>' if n == current else
                        f'<a href="{BOARD}?curPage={n}">{n}</a>' for n in range(1, pages + 1))
        following = f'<a class="next" href="{BOARD}?curPage={current + 1}">다음</a>' if current < pages else ""
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 부산광역시</title></head>
<body>
{MENU}
<main id="contents">
	<h3>보도자료</h3>
	<p class="total">전체 <strong>{len(self.posts):,}</strong>건, 현재페이지 {current}/{pages}</p>
	<div class="bbs_news"><ul>
{cards}
	</ul></div>
	<div class="paging">{links}{following}</div>
</main>
{FOOTER}
</body></html>"""

    def view(self, post: Post) -> str:
        files = "".join(
            f'<li><a href="{GET_FILE}?srvcId=BBSTY1&amp;upperNo={post.id}&amp;fileTy=ATTACH&amp;fileNo={k}" '
            f'title="{esc(f.name)} 다운로드">{esc(f.name)}</a> '
            f'<a href="/comm/preview?fileNo={k}&amp;upperNo={post.id}" class="btn_preview">미리보기</a></li>'
            for k, f in enumerate(post.files, 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(post.title)} | 보도자료 | 부산광역시</title></head>
<body>
{MENU}
<main id="contents">
<div class="bbs_view">
	<div class="view_head">
		<h4 class="view_tit">{esc(post.title)}</h4>
		<ul class="view_info">
			<li><strong>부서</strong><span>{esc(post.department)}</span></li>
			<li><strong>담당자</strong><span>{esc(post.author)}</span></li>
			<li><strong>연락처</strong><span>{esc(post.phone)}</span></li>
			<li><strong>작성일</strong><span>{post.posted:%Y-%m-%d %H:%M}</span></li>
			<li><strong>조회수</strong><span>{post.views:,}</span></li>
		</ul>
	</div>
	<div class="boardView">
{paragraphs_html(post)}
	</div>
	<div class="view_file"><strong>첨부파일</strong><ul>{files}</ul></div>
	<div class="btn_area"><a href="{BOARD}" class="btn_list">목록</a></div>
</div>
</main>
{FOOTER}
</body></html>"""
