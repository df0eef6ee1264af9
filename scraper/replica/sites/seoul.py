"""서울특별시 (www.seoul.go.kr) 보도자료: the `news_report.do?bbsNo=158` board.

What public code says. The ainaju618-blip/koreanewskorea scraper (scrapers/_disabled/seoul/
seoul_scraper.py) drives the page in a browser (`#list/N`, `#view/N` hash routes): rows
`table tbody tr`, the title link in the second cell, the date in the fourth, and on the view a
table whose first date is the article's and whose last `td[colspan]` holds the text, mixed with a
document-viewer/read-aloud bar (`문서보기 … 바로듣기`) and a file list (`첨부파일 … 다운로드: N회`).
Public scrapers of the same board found by the code search fetch it without a browser:
`news_report.do?bbsNo=158&cntPerPage=10&curPage=N` answers the table itself (th 번호/제목/담당부서/
등록일; a file icon `.sib-ico-set-file` whose hidden text `파일있음` sits in the title link; rows of
the mayor's schedule with an empty department), article links are `javascript:fnTbbsView('465874')`
and the view is `news_report.do?bbsNo=158&nttNo=465874`.

Conventional, not documented: the `sib-` class names beyond the file icon, the view's th/td labels
(담당부서, 등록일, 조회수; no person printed), the download URL, ten rows a page, a page past the end
showing the last one again, menus and footer.
"""

from __future__ import annotations

from .common import BoardReplica, paging, esc, page_slice
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
BOARD = "/news/news_report.do"
GET_FILE = "/comm/getFile"
NO_DEPARTMENT = 4            # the index of a post printed without a department (a mayor's schedule)

MENU = """<div id="header"><ul class="gnb">
	<li><a href="/news/news.do">서울소식</a><ul><li><a href="/news/news_report.do">보도자료</a></li><li><a href="/news/news_notice.do">공지사항</a></li></ul></li>
	<li><a href="/realmnews/in/list.do">분야별 새소식</a></li></ul></div>"""

FOOTER = """<div id="footer"><div class="page-info"><dl><dt>담당부서</dt><dd>언론담당관</dd><dt>문의</dt><dd>02-2133-6482</dd>
<dt>등록일</dt><dd>2025-12-30</dd></dl></div>
<address>(04524) 서울특별시 중구 세종대로 110 서울특별시청 전화번호 02-120</address></div>"""


class Site(BoardReplica):
    name = "seoul"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 61):
        self._posts(posts(articles, seed, first_id=465001, id_step=7))
        self.without_department = {self.posts[NO_DEPARTMENT].id} if len(self.posts) > NO_DEPARTMENT else set()

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?", 1)[0] == BOARD and "nttNo=" not in path

    def department(self, post: Post) -> str:
        return "" if post.id in self.without_department else post.department

    def expected(self, post: Post) -> dict:
        # an empty 담당부서 cell is no department: stored as missing (None), never as ""
        return {"author": None, "department": self.department(post) or None}

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.query.get("bbsNo") != "158":
            return None
        if request.path == BOARD:
            if "nttNo" in request.query:
                return self.shown(self.post(request.query.get("nttNo")))
            return self.listed(request.query.get("curPage"))
        if request.path == GET_FILE:
            return self.sent(self.file(request.query.get("upperNo"), request.query.get("fileNo")))
        return None

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        top = len(self.posts) - (current - 1) * PER_PAGE
        icon = ' <span class="sib-ico-set-file"><span class="blind">파일있음</span></span>'
        rows = "\n".join(f"""	<tr>
		<td class="sib-lst-type-basic-num">{top - k}</td>
		<td class="sib-lst-type-basic-subject"><a href="javascript:fnTbbsView('{p.id}');">{esc(p.title)}{icon if p.files else ''}</a></td>
		<td class="sib-lst-type-basic-dept">{esc(self.department(p))}</td>
		<td class="sib-lst-type-basic-date">{p.posted:%Y-%m-%d}</td>
	</tr>""" for k, p in enumerate(page_slice(self.posts, page, PER_PAGE)))
        links = "".join(f'<strong class="sib-pagination-current">{n}</strong>' if n == current else
                        f'<a href="javascript:fnTbbsList({n});">{n}</a>' for n in range(1, pages + 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 서울특별시</title>
<script>function fnTbbsView(nttNo) {{ location.hash = 'view/' + nttNo; }}</script></head>
<body>
{MENU}
<div id="content">
<form id="sibSearchForm" action="{BOARD}" method="get">
	<input type="hidden" name="bbsNo" value="158"><input type="hidden" name="cntPerPage" value="10">
	<input type="hidden" name="curPage" value="{current}">
	<input type="text" name="srchBeginDt" title="시작일"> ~ <input type="text" name="srchEndDt" title="종료일">
	<input type="text" name="srchText" title="검색어"><button type="submit">검색</button>
</form>
<table class="sib-lst-type-basic">
	<caption>보도자료 목록</caption>
	<thead><tr><th scope="col">번호</th><th scope="col">제목</th><th scope="col">담당부서</th><th scope="col">등록일</th></tr></thead>
	<tbody>
{rows}
	</tbody>
</table>
<div class="sib-pagination">{links}</div>
</div>
{FOOTER}
</body></html>"""

    def view(self, post: Post) -> str:
        files = "".join(
            f'<li><a href="{GET_FILE}?srvcId=BBSTY1&amp;upperNo={post.id}&amp;fileTy=ATTACH&amp;fileNo={k}&amp;bbsNo=158">'
            f'{esc(f.name)}</a> <a href="/comm/docViewer?upperNo={post.id}&amp;fileNo={k}" class="sib-btn-doc">문서보기</a>'
            f' <a href="/comm/tts?upperNo={post.id}&amp;fileNo={k}" class="sib-btn-tts">바로듣기</a>'
            f' <span class="sib-file-count">(다운로드: {k * 7}회)</span></li>'
            for k, f in enumerate(post.files, 1))
        file_box = f'<div class="sib-viw-type-basic-file"><strong>첨부파일</strong><ul>{files}</ul></div>' if files else ""
        text = "\n".join(f"<p>{esc(p)}</p>" for p in post.paragraphs)
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(post.title)} | 보도자료 | 서울특별시</title></head>
<body>
{MENU}
<div id="content">
<table class="sib-viw-type-basic">
	<caption>보도자료 상세</caption>
	<thead><tr><th scope="col" colspan="4" class="sib-viw-type-basic-title">{esc(post.title)}</th></tr></thead>
	<tbody>
	<tr><th scope="row">담당부서</th><td>{esc(self.department(post))}</td><th scope="row">등록일</th><td>{post.posted:%Y-%m-%d %H:%M}</td></tr>
	<tr><th scope="row">조회수</th><td colspan="3">{post.views:,}</td></tr>
	<tr><td colspan="4" class="sib-viw-type-basic-cont">
		{file_box}
		<div class="sib-viw-type-basic-text">
{text}
		</div>
	</td></tr>
	</tbody>
</table>
<div class="sib-btn-list"><a href="{BOARD}?bbsNo=158">목록</a></div>
</div>
{FOOTER}
</body></html>"""
