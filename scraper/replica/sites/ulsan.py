"""울산광역시 (ulsan.go.kr) 보도자료: the `/u/rep/bbs/list.do?bbsId=BBS_0000000000000051` table board.

What public code says (ainaju618-blip/koreanewskorea scrapers/_disabled/ulsan/ulsan_scraper.py):
the list is `/u/rep/bbs/list.do?bbsId=BBS_0000000000000051&mId=001004003000000000`, paged by
`&pageIndex=N`; rows `table tbody tr`, the article link the row's first `<a>` (a plain href), the
date in the fourth cell; the view's text in `div.content_box`.

Conventional, not documented: the view URL `view.do?…&dataId=N`, the other columns (번호, 제목,
담당부서, 작성일, 조회수), the view's dt/dd labels (담당부서, 작성자, 작성일, 조회수), eGovFrame-style
downloads `/u/rep/cmm/fileDown.do?atchFileId=…&fileSn=…`, ten rows a page, a page past the end
showing the last one again, site menus and the footer's page-manager block.
"""

from __future__ import annotations

from .common import BoardReplica, paging, as_int, esc, page_slice, paragraphs_html
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
LIST = "/u/rep/bbs/list.do"
VIEW = "/u/rep/bbs/view.do"
DOWNLOAD = "/u/rep/cmm/fileDown.do"
BBS = "bbsId=BBS_0000000000000051&mId=001004003000000000"

MENU = """<div id="header"><ul class="gnb">
	<li><a href="/u/rep/main.ulsan">울산소식</a><ul><li><a href="/u/rep/bbs/list.do?bbsId=BBS_0000000000000051&amp;mId=001004003000000000">보도자료</a></li>
	<li><a href="/u/rep/bbs/list.do?bbsId=BBS_0000000000000003&amp;mId=001004001000000000">공지사항</a></li></ul></li>
	<li><a href="/u/rep/contents.ulsan">분야별정보</a></li></ul></div>"""

FOOTER = """<div class="page_manager"><dl><dt>담당부서</dt><dd>공보관</dd><dt>작성자</dt><dd>홍보담당</dd><dt>전화번호</dt><dd>052-229-2121</dd></dl></div>
<div id="footer"><address>(44675) 울산광역시 남구 중앙로 201 (신정동) 대표전화 052-120</address></div>"""


def atch_file_id(post: Post) -> str:
    return f"FILE_{post.id:015d}"


class Site(BoardReplica):
    name = "ulsan"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 47):
        self._posts(posts(articles, seed, first_id=1208301, id_step=3))

    def file_key(self, post: Post, number: int) -> tuple[str, int]:
        return (atch_file_id(post), number - 1)

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?", 1)[0] == LIST

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == LIST and request.query.get("bbsId") == "BBS_0000000000000051":
            return self.listed(request.query.get("pageIndex"))
        if request.path == VIEW:
            return self.shown(self.post(request.query.get("dataId")))
        if request.path == DOWNLOAD:
            return self.sent(self.files.get((request.query.get("atchFileId"), as_int(request.query.get("fileSn")))))
        return None

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        top = len(self.posts) - (current - 1) * PER_PAGE
        bbs = BBS.replace("&", "&amp;")
        rows = "\n".join(f"""	<tr>
		<td>{top - k}</td>
		<td class="subject"><a href="{VIEW}?{bbs}&amp;dataId={p.id}&amp;pageIndex={current}">{esc(p.title)}</a></td>
		<td>{esc(p.department)}</td>
		<td>{p.posted:%Y-%m-%d}</td>
		<td>{p.views:,}</td>
	</tr>""" for k, p in enumerate(page_slice(self.posts, page, PER_PAGE)))
        links = "".join(f'<strong>{n}</strong>' if n == current else
                        f'<a href="{LIST}?{bbs}&amp;pageIndex={n}" title="{n}페이지">{n}</a>'
                        for n in range(1, pages + 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 울산광역시</title></head>
<body>
{MENU}
<div id="contents">
<table class="board_list">
	<caption>보도자료: 번호, 제목, 담당부서, 작성일, 조회수</caption>
	<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>작성일</th><th>조회수</th></tr></thead>
	<tbody>
{rows}
	</tbody>
</table>
<div class="paging">{links}</div>
</div>
{FOOTER}
</body></html>"""

    def view(self, post: Post) -> str:
        files = "".join(
            f'<li><a href="{DOWNLOAD}?atchFileId={atch_file_id(post)}&amp;fileSn={k}">{esc(f.name)}</a></li>'
            for k, f in enumerate(post.files))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(post.title)} | 보도자료 | 울산광역시</title></head>
<body>
{MENU}
<div id="contents">
<div class="bbs_view">
	<h4 class="view_title">{esc(post.title)}</h4>
	<dl class="view_info">
		<dt>담당부서</dt><dd>{esc(post.department)}</dd>
		<dt>작성자</dt><dd>{esc(post.author)}</dd>
		<dt>작성일</dt><dd>{post.posted:%Y-%m-%d}</dd>
		<dt>조회수</dt><dd>{post.views:,}</dd>
	</dl>
	<div class="file_box"><strong>첨부파일</strong><ul>{files}</ul></div>
	<div class="content_box">
{paragraphs_html(post)}
	</div>
</div>
<div class="btn_area"><a href="{LIST}?{BBS.replace('&', '&amp;')}">목록</a></div>
</div>
{FOOTER}
</body></html>"""
