"""The JSP board of 광주광역시 (boardList.do / boardView.do): the `jsp-board` family.

The list as on the real page (../shared/real-pages/gwangju_*), written by hand: `form#boardSearchForm`
(POST /boardList.do: pageId, movePage, recordCnt, boardId, search fields), `p.total_num`, a
`div.board_list_head` and `div.board_list_body > div.body_row` rows of divs num / subject (a link
`/boardView.do?pageId=&boardId=…&seq=N&movePage=P&recordCnt=10` whose text is cut with `...`, the
whole title in its title attribute) / writer (a comment and a hidden label before the department)
/ date / file / hit. No page links: an empty `div.paging` and a script `paging(P, PAGES, COUNT)`;
the page number is POSTed as `movePage`. A page past the end shows the last one again; a GET of
the list, or another board's id, shows the first page of the default board as the real site does.
The view page was not captured: a th/td table (제목, 작성자, 작성일, 조회수) over
`div.board_view_content` (public scrapers) and files from `/fileDownload.do?…&fileSn=N`.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs

from .common import paging, as_int, esc, file_response, page_slice, paragraphs_html, robots
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

BOARD_ID = "BD_0000000027"


class Site:
    name = "jsp-board"
    per_page = 10
    host = "127.0.0.1"
    template = True             # ids read host:boardId:seq

    def __init__(self, articles: int = 25, seed: int = 43):
        self.generated = posts(articles, seed, first_id=16001, id_step=1)
        self.by_id = {p.id: p for p in self.generated}
        self.posts = [dataclasses.replace(p, id=f"{self.host}:{BOARD_ID}:{p.id}") if self.template else p
                      for p in self.generated]

    # ------------------------------------------------------------------ the test's questions

    def is_listing(self, method: str, path: str, body: bytes) -> bool:
        return path.partition("?")[0] == "/boardList.do"

    def expected(self, post: Post) -> dict:
        # the board's 작성자 is the posting department
        return {"author": post.department, "department": None}

    # ------------------------------------------------------------------ serving

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == "/boardList.do":
            form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
            page = as_int(form.get("movePage")) if request.method == "POST" else 1
            return SiteResponse.html(self.listing(page or 1))
        if request.path == "/boardView.do":
            post = self.by_id.get(as_int(request.query.get("seq")))
            if post is None or request.query.get("boardId") != BOARD_ID:
                return SiteResponse.html("<script>alert('잘못된 접근입니다.');history.back();</script>", 404)
            return SiteResponse.html(self.view(post))
        if request.path == "/fileDownload.do":
            post = self.by_id.get(as_int(request.query.get("seq")))
            number = as_int(request.query.get("fileSn"))
            if post is None or not 1 <= number <= len(post.files):
                return SiteResponse.not_found()
            return file_response(post.files[number - 1])
        return SiteResponse.not_found()

    def page(self, title: str, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="UTF-8"><title>{esc(title)} | 광주광역시</title></head>
<body><div id="header"><ul class="gnb"><li><a href="/contentsView.do?pageId=www1">소통</a></li></ul></div>
<div class="content">{content}</div>
<div class="satisfy"><div class="charger"><span>자료관리 담당자</span><dl><dt>담당부서 : </dt><dd></dd><dt>연락처 : </dt><dd></dd></dl></div></div>
<div id="footer"><address>광주광역시 서구 내방로 111</address></div></body></html>"""

    def listing(self, page: int) -> str:
        total, current = paging(len(self.generated), page, self.per_page)
        count = len(self.generated)
        first = count - (current - 1) * self.per_page
        rows = "".join(f"""
\t\t\t<div class="body_row">
\t\t\t\t\t<div class="num">
\t\t\t\t\t\t\t<span class="blind">번호</span>
\t\t\t\t\t\t\t{first - k}</div>
\t\t\t\t\t\t<div class="subject">
\t\t\t\t\t\t\t\t<a href="/boardView.do?pageId=&amp;boardId={BOARD_ID}&amp;seq={p.id}&amp;movePage={current}&amp;recordCnt=10" data-view="L" data-seq="{p.id}" title="{esc(p.title)}" >{esc(p.title if len(p.title) <= 40 else p.title[:40] + '...')}</a>
\t\t\t\t\t\t\t</div>
\t\t\t\t\t\t<div class="writer">
\t\t\t\t\t\t\t\t<!-- {esc(p.department)} -->
\t\t\t\t\t\t\t\t\t\t<span class="blind">작성자</span>
\t\t\t\t\t\t\t\t\t\t{esc(p.department)}</div>
\t\t\t\t\t\t<div class="date">
\t\t\t\t\t\t\t<span class="blind">작성일</span>
\t\t\t\t\t\t\t{p.posted:%Y-%m-%d}</div>
\t\t\t\t\t\t\t<div class="file">{'<a href="/fileDownload.do?action=zip&amp;fileSe=BB&amp;boardId=%s&amp;seq=%d" title="파일"><i class="far fa-save"></i></a>' % (BOARD_ID, p.id) if p.files else ''}</div>
\t\t\t\t\t\t<div class="hit">
\t\t\t\t\t\t\t<span class="blind">조회</span>
\t\t\t\t\t\t\t{p.views}</div>
\t\t\t\t\t\t\t</div>""" for k, p in enumerate(page_slice(self.generated, page, self.per_page)))
        return self.page("보도자료", f"""<div class="board_search">
\t\t<form id="boardSearchForm" name="boardSearchForm" method="post" action="/boardList.do">
\t\t\t<input type="hidden" name="pageId" value="">
\t\t\t<input type="hidden" id="movePage" name="movePage" value="{current}">
\t\t\t<input type="hidden" id="recordCnt" name="recordCnt" value="" default="10" />
\t\t\t<input type="hidden" id="boardId" name="boardId" value="{BOARD_ID}">
\t\t\t<fieldset><legend>게시판검색</legend>
\t\t\t<select class="form-style" id="searchTy" name="searchTy" title="검색 구분"><option value="TM" selected>제목+내용</option><option value="U">작성자</option></select>
\t\t\t<input type="text" class="form-style board_sch_txt" id="searchQuery" name="searchQuery" placeholder="검색어" value="" title="검색어">
\t\t\t<button class="board_sch_btn" type="submit">검색</button></fieldset>
\t\t</form></div>
<div class="board_list">
\t\t<p class="total_num">전체게시글 : {count:,} / 전체페이지 : {total:,}</p>
\t\t\t<div class="board_list_head"><div class="num">번호</div><div class="subject">제목</div><div class="writer">작성자</div>
\t\t\t<div class="date">작성일</div><div class="file">파일</div><div class="hit">조회</div></div>
\t<div class="board_list_body">{rows}
\t</div></div>
<div class="paging"></div>
<script>
\t// 페이징 표출 [페이징표출 레이어ID, 페이지 번호, 전체 페이지수, 전체 개수]
\tpaging( {current}, {total}, {count});
\t$('.paging').on('click', 'li a', function(e) {{
\t\te.preventDefault();
\t\t$('#boardSearchForm').find('input[name="movePage"]').val($(this).data('move'));
\t\t$('#boardSearchForm').submit();
\t}});
</script>""")

    def view(self, post: Post) -> str:
        files = "".join(f'<li><a href="/fileDownload.do?fileSe=BB&amp;fileKey={BOARD_ID}%7C{post.id}&amp;fileSn={k}&amp;boardId={BOARD_ID}&amp;seq={post.id}">{esc(f.name)}</a></li>'
                        for k, f in enumerate(post.files, 1))
        return self.page(post.title, f"""<div class="board_view">
<table class="view_table"><caption>게시물 상세</caption><tbody>
<tr><th scope="row">제목</th><td colspan="3">{esc(post.title)}</td></tr>
<tr><th scope="row">작성자</th><td>{esc(post.department)}</td><th scope="row">작성일</th><td>{post.posted:%Y-%m-%d}</td></tr>
<tr><th scope="row">조회수</th><td colspan="3">{post.views:,}</td></tr>
<tr><th scope="row">첨부파일</th><td colspan="3"><ul class="file_list">{files}</ul></td></tr>
</tbody></table>
<div class="board_view_content">{paragraphs_html(post)}</div></div>
<div class="board_btn"><a href="/boardList.do?boardId={BOARD_ID}" class="btn_list">목록</a></div>""")
