"""강원특별자치도 (state.gwd.go.kr) 보도자료: a table of `tr[data-prboard-seq]` rows, pages POSTed as
`pageIndex=N` (15 rows), views `?seq=N` on the board URL, a div-table view (`skinTb-*` cells)
with the text in `skinTb-conts` and the files in `attachFile`.

From public code: the board URL `/portal/briefing/pressRelease` and `?seq=` views (koreanewskorea
scrapers/_disabled/gangwon and SCRAPER_SPEC.md; a public TypeScript collector whose row pattern
is `<tr data-prboard-seq="N">… <td class="skinTb-sbj"><a href="/portal/briefing/pressRelease?seq=N">
… <td class="skinTb-date">YYYY-MM-DD</td>`); pages POSTed `pageIndex=N`, 15 a page, the
department in `td.skinTb-part`, the number in the first cell, the view's `#content-bx` with
`.skinTb-name` (author) and `.skinTb-date`, files `/egf/bp/common/front/ID/download` whose link
text ends in `(다운로드: N)` and whose title is `NAME 다운로드`, and the `copyright-bx` below
(a public Python crawler of the board and the TypeScript collector).

Not shown by any source, kept conventional: the view's title cell (`skinTb-sbj`, as in the list),
the labels of the view's cells, the time after the view's date, a page past the end repeating the
last one, the menus and footer.
"""

from __future__ import annotations

from .common import BoardReplica, paging, as_int, esc, page_slice, paragraphs_html
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 15
BOARD = "/portal/briefing/pressRelease"
DOWNLOAD = "/egf/bp/common/front/"

MENU = """<header id="header-bx"><nav class="gnb"><ul>
	<li><a href="/portal/briefing">도정브리핑</a><ul><li><a href="/portal/briefing/pressRelease">보도자료</a></li>
	<li><a href="/portal/briefing/notice">공지사항</a></li></ul></li>
	<li><a href="/portal/government">열린도정</a></li>
</ul></nav></header>"""

FOOTER = """<div class="satisfaction-bx"><dl><dt>담당부서</dt><dd>대변인실</dd><dt>연락처</dt><dd>033-249-2084</dd>
<dt>최종수정일</dt><dd>2025-12-29</dd></dl></div>
<footer id="footer-bx"><address>(24266) 강원특별자치도 춘천시 중앙로 1 (봉의동)</address>
<p>Copyright © Gangwon State. All rights reserved.</p></footer>"""


class Site(BoardReplica):
    name = "gangwon"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 41):
        self._posts(posts(articles, seed, first_id=250401, id_step=3))

    @staticmethod
    def file_id(post: Post, number: int) -> int:
        return 1_180_000 + post.id * 4 + number

    def file_key(self, post: Post, number: int) -> int:
        return self.file_id(post, number)

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return method == "POST" and path.split("?")[0] == BOARD

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == BOARD:
            seq = request.query.get("seq")
            if seq is not None and request.method == "GET":
                return self.shown(self.post(seq)) or SiteResponse.html(
                    "<script>alert('잘못된 접근입니다.');location.href='/portal/briefing/pressRelease';</script>")
            return self.listed(request.param("pageIndex"))
        if request.path.startswith(DOWNLOAD) and request.path.endswith("/download"):
            return self.sent(self.files.get(as_int(request.path[len(DOWNLOAD):-len("/download")])))
        return None

    def page(self, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 - 강원특별자치도</title></head>
<body>
{MENU}
<div id="content-bx">
{content}
</div>
{FOOTER}
</body></html>"""

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        first_number = len(self.posts) - (current - 1) * PER_PAGE
        rows = "\n".join(f"""<tr data-prboard-seq="{p.id}">
	<td class="skinTb-num">{first_number - k}</td>
	<td class="skinTb-sbj"><a href="{BOARD}?seq={p.id}" title="{esc(p.title)} 상세보기">{esc(p.title)}</a></td>
	<td class="skinTb-part">{esc(p.department)}</td>
	<td class="skinTb-file">{'<span class="ico-file">첨부파일 있음</span>' if p.files else ''}</td>
	<td class="skinTb-date">{p.posted:%Y-%m-%d}</td>
</tr>""" for k, p in enumerate(page_slice(self.posts, current, PER_PAGE)))
        links = "".join(f'<strong>{n}</strong>' if n == current else
                        f'<a href="#none" onclick="fnLinkPage({n}); return false;">{n}</a>'
                        for n in range(1, pages + 1))
        return self.page(f"""<form id="searchForm" name="searchForm" method="post" action="{BOARD}">
	<input type="hidden" name="pageIndex" id="pageIndex" value="{current}">
</form>
<div class="skinTb-total">총 <strong>{len(self.posts)}</strong>건</div>
<table class="skinTb">
	<caption>보도자료 목록: 번호, 제목, 담당부서, 첨부, 등록일</caption>
	<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>첨부</th><th>등록일</th></tr></thead>
	<tbody>
{rows}
	</tbody>
</table>
<div class="paging-bx">{links}</div>
<script>function fnLinkPage(n){{ document.searchForm.pageIndex.value = n; document.searchForm.submit(); }}</script>""")

    def view(self, post: Post) -> str:
        files = "\n".join(
            f'<li><a href="{DOWNLOAD}{self.file_id(post, k)}/download" title="{esc(f.name)} 다운로드">'
            f'<span class="ico-{f.name.rsplit(".", 1)[-1]}"></span>{esc(f.name)} <em>(다운로드: {k + 2})</em></a></li>'
            for k, f in enumerate(post.files, 1))
        return self.page(f"""<div class="skinTb skinTb-view">
	<div class="skinTb-tr"><div class="skinTb-th">제목</div><div class="skinTb-td skinTb-sbj">{esc(post.title)}</div></div>
	<div class="skinTb-tr">
		<div class="skinTb-th">작성자</div><div class="skinTb-td skinTb-name">{esc(post.author)}</div>
		<div class="skinTb-th">등록일</div><div class="skinTb-td skinTb-date">{post.posted:%Y-%m-%d %H:%M}</div>
	</div>
	<div class="skinTb-tr"><div class="skinTb-td skinTb-conts">
{paragraphs_html(post)}
	</div></div>
	<div class="skinTb-tr"><div class="skinTb-th">첨부파일</div><div class="skinTb-td attachFile"><ul>
{files}
	</ul></div></div>
</div>
<div class="copyright-bx"><p>강원특별자치도청이 창작한 저작물은 공공누리 제1유형 조건에 따라 이용할 수 있습니다.</p></div>
<div class="btn-bx"><a href="{BOARD}" class="btn-list">목록</a></div>""")
