"""A city board whose pager is built by script: no profile covers it, zero-config crawls it.

Modelled after 광주광역시's CMS (`../shared/real-pages/gwangju_www.gwangju.go.kr_notice_list.html`):
rows are `div.board_list_body > div.body_row` (번호 / 제목 / 작성자 / 작성일 / 조회, each cell
with a visually hidden label), one notice pinned on top of every page (`div.body_row.notice`,
number cell 공지), and the list at `/boardList.do?boardId=…`. How the board pages (`paging`):

- "links": links `/boardList.do?boardId=…&movePage=N` (GET) in `div.paging`: 처음, 이전, the
  numbers, 다음, 마지막 (on the last page, 처음, 이전 and 마지막 are three links with words for
  titles, more of a list than its one article and the notice);
- "hidden-field": as on the real site, no page link in the HTML: an empty `div.paging` that
  `paging(current, totalPages, totalRows)` (a script file the page loads) fills, and a click
  handler that sets the hidden `movePage` field of `form#boardSearchForm` and submits it
  (POST /boardList.do); a GET shows page 1 whatever its query says;
- "function": eGovFrame's `fn_link_page(pageNo)` written on the page (it sets
  `document.listForm.pageIndex` and submits `listForm`, POST) and a pager a script file draws:
  no page link in the HTML either.

A page number past the end shows the last page again. `per_page` rows a page (10): 21 articles
leave one article and the pinned notice on the last page. Views `/boardView.do?boardId=…&seq=N`
print their fields in one unlabelled line, `<p class="info">부서 | 2024-03-05 | 153</p>`, the
text in `div.view_cont`, files in `ul.file_list` from `/fileDownload.do?seq=…&fileNo=…`.
"""

from __future__ import annotations

import dataclasses

from .common import as_int, esc, file_response, page_slice, paragraphs_html, robots
from .corpus import Post, notices, posts
from .http import SiteRequest, SiteResponse

LIST = "/boardList.do"
VIEW = "/boardView.do"
FILE = "/fileDownload.do"
BOARD_ID = "BD_0000000022"
PAGINGS = ("links", "hidden-field", "function")
NOTICE_TITLE = "[공지] 공지사항 게시판 운영 안내"
NOTICE_TEXT = ("광역시 누리집 공지사항 게시판은 시정 소식과 각종 행사, 모집 안내를 시민께 신속하게 전하기 위해 운영됩니다.",
               "게시판 운영 원칙에 어긋나는 글은 관리자가 사전 안내 없이 삭제할 수 있으니 양해하여 주시기 바랍니다.")


class ScriptedSite:
    name = "scripted"

    def __init__(self, articles: int = 25, seed: int = 21, paging: str = "hidden-field", per_page: int = 10):
        if paging not in PAGINGS:
            raise ValueError(f"paging is one of {', '.join(PAGINGS)}, got {paging!r}")
        self.paging, self.per_page = paging, per_page
        self.posts = posts(articles, seed, first_id=16001, id_step=3)
        self.notices = [dataclasses.replace(notices(first_id=15001)[0], title=NOTICE_TITLE, paragraphs=NOTICE_TEXT)]
        self.by_id = {p.id: p for p in [*self.posts, *self.notices]}
        self.files = {(p.id, k): f for p in self.posts for k, f in enumerate(p.files, 1)}

    @property
    def last_page(self) -> int:
        return max(1, -(-len(self.posts) // self.per_page))

    def listing_path(self) -> str:
        return f"{LIST}?boardId={BOARD_ID}&pageId=www789"

    # ------------------------------------------------------------------ routing

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == LIST:
            if request.param("boardId") != BOARD_ID:
                return SiteResponse.html(self.shell("<p class=\"error\">게시판 정보가 없습니다.</p>"), 500)
            return SiteResponse.html(self.listing(self.page_asked(request)))
        if request.path == VIEW:
            post = self.by_id.get(as_int(request.param("seq")))
            return SiteResponse.html(self.view(post)) if post else SiteResponse.not_found()
        if request.path == FILE:
            file = self.files.get((as_int(request.query.get("seq")), as_int(request.query.get("fileNo"))))
            return file_response(file) if file else SiteResponse.not_found()
        return SiteResponse.not_found()

    def page_asked(self, request: SiteRequest) -> int:
        if self.paging == "links":
            return as_int(request.query.get("movePage")) or 1
        if request.method != "POST":
            return 1  # the script-paged boards take the page number from the posted form only
        field = "movePage" if self.paging == "hidden-field" else "pageIndex"
        return as_int(request.form.get(field)) or 1

    # ------------------------------------------------------------------ pages

    def shell(self, content: str, title: str = "공지사항") -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(title)} | 광역시청</title>
<script src="/js/jquery.min.js"></script><script src="/js/paging.js"></script></head>
<body>
<div id="header"><ul class="gnb"><li><a href="{LIST}?boardId={BOARD_ID}&amp;pageId=www789">공지사항</a></li>
<li><a href="/contentsView.do?pageId=www100">시정소식</a></li><li><a href="/contentsView.do?pageId=www200">열린시장실</a></li></ul></div>
<div id="container"><div class="content">
{content}
</div></div>
<div id="footer"><p>Copyright 광역시. All rights reserved.</p></div>
</body></html>"""

    def listing(self, page: int) -> str:
        page = min(max(page, 1), self.last_page)
        rows = page_slice(self.posts, page, self.per_page)
        first_number = len(self.posts) - (page - 1) * self.per_page
        lines = [self.row(p, "공지", page) for p in self.notices]
        lines += [self.row(p, str(first_number - k), page) for k, p in enumerate(rows)]
        return self.shell(f"""
<div class="board_search">{self.form(page)}</div>
<div class="board_list">
	<p class="total_num">전체게시글 : {len(self.posts)} / 전체페이지 : {self.last_page}</p>
	<div class="board_list_head"><div class="num">번호</div><div class="subject">제목</div><div class="writer">작성자</div>
	<div class="date">작성일</div><div class="hit">조회</div></div>
	<div class="board_list_body">
{chr(10).join(lines)}
	</div>
</div>
{self.pager(page)}""")

    def form(self, page: int) -> str:
        if self.paging == "function":
            return f"""<form name="listForm" id="listForm" method="post" action="{LIST}">
	<input type="hidden" name="boardId" value="{BOARD_ID}">
	<input type="hidden" name="pageIndex" value="{page}">
	<input type="text" name="searchWrd" value="" title="검색어"><button type="submit">검색</button>
</form>
<script>
function fn_link_page(pageNo) {{
	document.listForm.pageIndex.value = pageNo;
	document.listForm.action = "{LIST}";
	document.listForm.submit();
}}
</script>"""
        return f"""<form id="boardSearchForm" name="boardSearchForm" method="post" action="{LIST}">
	<input type="hidden" name="pageId" value="">
	<input type="hidden" id="movePage" name="movePage" value="{page}">
	<input type="hidden" id="recordCnt" name="recordCnt" value="" default="10" />
	<input type="hidden" id="boardId" name="boardId" value="{BOARD_ID}">
	<fieldset><legend>게시판검색</legend>
	<select id="searchTy" name="searchTy" title="검색 구분"><option value="TM" selected>제목+내용</option></select>
	<input type="text" id="searchQuery" name="searchQuery" placeholder="검색어" value="" title="검색어">
	<button class="board_sch_btn" type="submit">검색</button></fieldset>
</form>"""

    def pager(self, page: int) -> str:
        if self.paging == "links":
            def link(n: int, text: str, name: str = "") -> str:
                css = f' class="{name}"' if name else ""
                return f'<li{css}><a href="{LIST}?boardId={BOARD_ID}&amp;pageId=www789&amp;movePage={n}">{text}</a></li>'
            links = [link(1, "처음", "first")] + ([link(page - 1, "이전", "prev")] if page > 1 else [])
            links += [f"<li><strong>{n}</strong></li>" if n == page else link(n, str(n))
                      for n in range(1, self.last_page + 1)]
            links += ([link(page + 1, "다음", "next")] if page < self.last_page else [])
            links += [link(self.last_page, "마지막", "last")]
            return f'<div class="paging"><ul>{"".join(links)}</ul></div>'
        if self.paging == "function":
            return f"""<div id="pagination" class="paging"></div>
<script>drawPagination("pagination", {page}, {self.last_page}, "fn_link_page");</script>"""
        return f"""<div class="paging"></div>
<script>
function boardList() {{
	// 페이징 표출 [페이지 번호, 전체 페이지수, 전체 개수]
	paging( {page}, {self.last_page}, {len(self.posts)});
	$('.paging').on('click', 'li a', function(e) {{
		e.preventDefault();
		$('#boardSearchForm').find('input[name="movePage"]').val($(this).data('move'));
		var addInput = $("<input>").attr("type","hidden").attr("id", "pagingFlag").val("Y");
		$('#boardSearchForm').append(addInput);
		$('#boardSearchForm').submit();
	}});
}}
if (window.addEventListener) window.addEventListener("load", boardList, false);
</script>"""

    def row(self, p: Post, number: str, page: int) -> str:
        link = f"{VIEW}?pageId=&amp;boardId={BOARD_ID}&amp;seq={p.id}&amp;movePage={page}&amp;recordCnt=10"
        shown = p.title if len(p.title) <= 40 else p.title[:40] + "..."
        return f"""		<div class="body_row{' notice' if p.notice else ''}">
			<div class="num"><span class="blind">번호</span> {number}</div>
			<div class="subject"><a href="{link}" data-seq="{p.id}" title="{esc(p.title)}">{esc(shown)}</a></div>
			<div class="writer"><span class="blind">작성자</span> {esc(p.department)}</div>
			<div class="date"><span class="blind">작성일</span> {p.posted:%Y-%m-%d}</div>
			<div class="hit"><span class="blind">조회</span> {p.views:,}</div>
		</div>"""

    def view(self, post: Post) -> str:
        files = "".join(f'<li><a href="{FILE}?seq={post.id}&amp;fileNo={k}">{esc(f.name)}</a></li>'
                        for k, f in enumerate(post.files, 1))
        return self.shell(f"""
<div class="board_view">
	<div class="view_head">
		<h3 class="view_title">{esc(post.title)}</h3>
		<p class="info">{esc(post.department)} | {post.posted:%Y-%m-%d} | {post.views:,}</p>
	</div>
	<div class="view_cont">
{paragraphs_html(post)}
	</div>
	<div class="view_file"><ul class="file_list">{files}</ul></div>
	<div class="btn_area"><a href="{LIST}?boardId={BOARD_ID}&amp;pageId=www789">목록</a></div>
</div>""", post.title)
