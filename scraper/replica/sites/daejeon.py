"""대전광역시 (daejeon.go.kr) 보도자료: the `drh` table board `boardNormalList.do?boardId=normal_0096`.

What public code says (ainaju618-blip/koreanewskorea scrapers/_disabled/daejeon/daejeon_scraper.py):
the list is `/drh/board/boardNormalList.do?boardId=normal_0096&menuSeq=1631`, paged by
`&pageIndex=N`; rows `table.board_list tbody tr`, the article link the row's first `<a>` (a plain
href), the date in the fifth cell; the view's text in `div.view_content`.

Conventional, not documented: the view URL `boardNormalView.do?…&ntatcSeq=N`, the other columns
(번호, 제목, 담당부서, 첨부, 등록일, 조회수), two notices pinned on every page with 공지 in the number
cell, the view's th/td labels (담당부서, 작성자, 등록일, 조회수), the download URL, ten rows a page,
a page past the end showing the last one again, site menus and footer.
"""

from __future__ import annotations

from .common import BoardReplica, esc, page_slice, paging, paragraphs_html
from .corpus import Post, notices, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
LIST = "/drh/board/boardNormalList.do"
VIEW = "/drh/board/boardNormalView.do"
DOWNLOAD = "/drh/board/boardNormalFileDown.do"
BOARD = "boardId=normal_0096&menuSeq=1631"

MENU = """<div id="header"><ul id="gnb">
	<li><a href="/drh/index.do">대전소식</a><ul><li><a href="/drh/board/boardNormalList.do?boardId=normal_0096&amp;menuSeq=1631">보도자료</a></li>
	<li><a href="/drh/board/boardNormalList.do?boardId=normal_0001&amp;menuSeq=1630">공지사항</a></li></ul></li>
	<li><a href="/drh/field.do">분야별정보</a></li></ul></div>"""

FOOTER = """<div id="footer"><div class="satisfy"><dl><dt>담당부서</dt><dd>대변인실</dd><dt>등록일</dt><dd>2025-12-01</dd></dl></div>
<address>(35242) 대전광역시 서구 둔산로 100 (둔산동) 대표전화 042-120</address></div>"""


class Site(BoardReplica):
    name = "daejeon"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 43, pinned: bool = True):
        # notices are stored once, like any article
        self._posts(posts(articles, seed, first_id=1542001, id_step=17), notices(first_id=1500001) if pinned else [])

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?", 1)[0] == LIST

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == LIST and request.query.get("boardId") == "normal_0096":
            return self.listed(request.query.get("pageIndex"))
        if request.path == VIEW:
            return self.shown(self.post(request.query.get("ntatcSeq")))
        if request.path == DOWNLOAD:
            return self.sent(self.file(request.query.get("ntatcSeq"), request.query.get("fileSn")))
        return None

    def _row(self, post: Post, number: str, page: int) -> str:
        href = f"{VIEW}?{BOARD.replace('&', '&amp;')}&amp;pageIndex={page}&amp;ntatcSeq={post.id}"
        clip = '<img src="/images/drh/board/ico_file.gif" alt="첨부파일">' if post.files else ""
        cls = ' class="notice"' if post.notice else ""
        return f"""	<tr{cls}>
		<td class="num">{number}</td>
		<td class="subject"><a href="{href}" title="{esc(post.title)}">{esc(post.title)}</a></td>
		<td>{esc(post.department)}</td>
		<td>{clip}</td>
		<td class="date">{post.posted:%Y-%m-%d}</td>
		<td>{post.views:,}</td>
	</tr>"""

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.regular), page, PER_PAGE)
        top = len(self.regular) - (current - 1) * PER_PAGE
        rows = [self._row(p, '<span class="ico_notice">공지</span>', current) for p in self.notices]
        rows += [self._row(p, str(top - k), current)
                 for k, p in enumerate(page_slice(self.regular, page, PER_PAGE))]
        links = "".join(f'<strong title="현재 페이지">{n}</strong>' if n == current else
                        f'<a href="{LIST}?{BOARD.replace("&", "&amp;")}&amp;pageIndex={n}">{n}</a>'
                        for n in range(1, pages + 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 대전광역시</title></head>
<body>
{MENU}
<div id="contents">
<h3>보도자료</h3>
<table class="board_list">
	<caption>보도자료 목록: 번호, 제목, 담당부서, 첨부, 등록일, 조회수</caption>
	<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>첨부</th><th>등록일</th><th>조회수</th></tr></thead>
	<tbody>
{chr(10).join(rows)}
	</tbody>
</table>
<div class="paging">{links}</div>
</div>
{FOOTER}
</body></html>"""

    def view(self, post: Post) -> str:
        files = "".join(
            f'<li><a href="{DOWNLOAD}?ntatcSeq={post.id}&amp;fileSn={k}">{esc(f.name)}</a></li>'
            for k, f in enumerate(post.files, 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(post.title)} | 보도자료 | 대전광역시</title></head>
<body>
{MENU}
<div id="contents">
<table class="board_view">
	<caption>보도자료 상세</caption>
	<tbody>
	<tr><th scope="row">제목</th><td colspan="3" class="subject">{esc(post.title)}</td></tr>
	<tr><th scope="row">담당부서</th><td>{esc(post.department)}</td><th scope="row">작성자</th><td>{esc(post.author)}</td></tr>
	<tr><th scope="row">등록일</th><td>{post.posted:%Y-%m-%d %H:%M}</td><th scope="row">조회수</th><td>{post.views:,}</td></tr>
	<tr><th scope="row">첨부파일</th><td colspan="3"><ul class="file_list">{files}</ul></td></tr>
	</tbody>
</table>
<div class="view_content">
{paragraphs_html(post)}
</div>
<div class="btn_area"><a href="{LIST}?{BOARD.replace('&', '&amp;')}">목록</a></div>
</div>
{FOOTER}
</body></html>"""
