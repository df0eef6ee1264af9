"""An eGovFrame stock board (표준프레임워크 게시판), as many regional sites run it, served in EUC-KR.

The board `BBSMSTR_000000000123` of a site built on the stock common components:
- list `/cop/bbs/selectBoardList.do?bbsId=…` (GET, the menu link) or `POST` with the form
  `bbsId`, `pageIndex` (what `fn_egov_select_linkPage(2)` submits); a `pageIndex` past the end
  shows the last page again; an unknown or missing `bbsId` gives the stock error page;
- `table.board_list` with th 번호/제목/작성자/작성일/조회수; two notices (number cell `공지`)
  pinned on every page; one secret post listed without a link; article links only in
  `onclick="fn_egov_inquire_articledetail('BBSMSTR_…','12345')"` on an `href="#"` or in a
  `javascript:` href; list dates `2026-05-13`, counts `3,623,361`;
- views `/cop/bbs/selectBoardArticle.do?bbsId=…&nttId=…` (GET or POST) only for a session: a
  request without the JSESSIONID cookie the board pages hand out is redirected to the list (each
  refusal is counted in `refused`);
- view th/td pairs 제목, 작성자, 작성일 (`2026.05.13.`), 조회수, 내용, 첨부파일, and a "인기글"
  box above with another 조회수;
- files by `onclick="fn_egov_downFile('FILE_000000000012345','0')"` from
  `/cmm/fms/FileDown.do?atchFileId=…&fileSn=0`, the name in `Content-Disposition` as raw bytes;
- every page `text/html; charset=EUC-KR` with `<meta charset=euc-kr>`, encoded as Java's MS949
  does (CP949: one author's name, 김똠이, has a syllable EUC-KR proper lacks).
"""

from __future__ import annotations

import dataclasses
import secrets
import threading

from .common import esc, file_response, page_slice, robots
from .corpus import Post, notices, posts, secret
from .http import SiteRequest, SiteResponse

BBS_ID = "BBSMSTR_000000000123"
LIST = "/cop/bbs/selectBoardList.do"
VIEW = "/cop/bbs/selectBoardArticle.do"
FILE = "/cmm/fms/FileDown.do"
PER_PAGE = 10
CHARSET = "cp949"            # what the bytes are (MS949)
LABEL = "EUC-KR"             # what the header and the meta tag say
CP949_ONLY_NAME = "김똠이"     # 똠 is not in EUC-KR (KS X 1001), only in CP949


def atch_file_id(post: Post) -> str:
    return f"FILE_{post.id:015d}"


class EgovSite:
    name = "egov-bbs"
    per_page = PER_PAGE
    host = "127.0.0.1"        # where SiteServer serves it: a board family's ids carry the host

    def __init__(self, articles: int = 23, seed: int = 5, bbs_id: str = BBS_ID):
        self.bbs_id = bbs_id
        regular = posts(articles, seed, first_id=12001, id_step=7)
        if len(regular) > 1:
            regular[1] = dataclasses.replace(regular[1], author=CP949_ONLY_NAME)
        # A secret post after the sixth: counted and numbered, listed without a link.
        at = min(6, len(regular))
        self.secret = secret(12000, regular[at - 1].posted)
        self.rows = [*regular[:at], self.secret, *regular[at:]]
        self.notices = notices(first_id=11001)
        self.regular = regular
        self.posts = regular                 # the regular posts (the homepage replicas link them)
        self.by_id = {p.id: p for p in [*regular, *self.notices]}
        self.files = {(atch_file_id(p), str(k)): f for p in regular for k, f in enumerate(p.files)}
        self.sessions: set[str] = set()
        self.refused = 0                     # view requests sent back for want of a session
        self._lock = threading.Lock()

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.partition("?")[0] == LIST

    # ------------------------------------------------------------------ routing

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == LIST:
            return self.page(request, self.listing_page)
        if request.path == VIEW:
            return self.page(request, self.view_page)
        if request.path == FILE:
            file = self.files.get((request.param("atchFileId") or "", request.param("fileSn") or ""))
            return file_response(file, charset=LABEL.lower()) if file else self.error(404)
        return self.error(404)

    def page(self, request: SiteRequest, render) -> SiteResponse:
        session = request.cookies.get("JSESSIONID")
        known = session in self.sessions
        if render == self.view_page and not known:
            with self._lock:
                self.refused += 1
            return SiteResponse(302, b"", "text/html; charset=EUC-KR",
                                headers=[("Location", f"{LIST}?bbsId={request.param('bbsId') or ''}")])
        response = render(request)
        if not known:
            session = secrets.token_hex(16).upper()
            with self._lock:
                self.sessions.add(session)
            response.headers.append(("Set-Cookie", f"JSESSIONID={session}; Path=/; HttpOnly"))
        return response

    def html(self, text: str, status: int = 200) -> SiteResponse:
        return SiteResponse(status, text.encode(CHARSET, "xmlcharrefreplace"), f"text/html; charset={LABEL}")

    def error(self, status: int, message: str = "요청하신 페이지를 찾을 수 없습니다.") -> SiteResponse:
        return self.html(self.shell(f'<div class="error"><h2>오류</h2><p>{esc(message)}</p></div>', "오류"), status)

    def listing_page(self, request: SiteRequest) -> SiteResponse:
        if request.param("bbsId") != self.bbs_id:
            return self.error(500, "게시판 정보가 없습니다.")
        index = request.param("pageIndex") or "1"
        return self.html(self.listing(int(index) if index.isdigit() else 1))

    def view_page(self, request: SiteRequest) -> SiteResponse:
        ntt = request.param("nttId") or ""
        post = self.by_id.get(int(ntt)) if ntt.isdigit() and request.param("bbsId") == self.bbs_id else None
        return self.html(self.view(post)) if post else self.error(404, "게시물이 존재하지 않습니다.")

    # ------------------------------------------------------------------ pages

    def shell(self, content: str, title: str = "보도자료") -> str:
        return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="euc-kr">
<title>{esc(title)} | ○○군청</title>
<script type="text/javascript">
function fn_egov_select_linkPage(pageNo) {{
	document.frm.pageIndex.value = pageNo;
	document.frm.action = "{LIST}";
	document.frm.submit();
}}
function fn_egov_inquire_articledetail(bbsId, nttId) {{
	document.subForm.bbsId.value = bbsId;
	document.subForm.nttId.value = nttId;
	document.subForm.action = "{VIEW}";
	document.subForm.submit();
}}
function fn_egov_downFile(atchFileId, fileSn) {{
	window.open("{FILE}?atchFileId=" + atchFileId + "&fileSn=" + fileSn);
}}
</script>
</head>
<body>
<div id="header"><h1><a href="/">○○군청</a></h1>
<ul id="gnb"><li><a href="{LIST}?bbsId={self.bbs_id}">군정소식</a></li><li><a href="/main.do">열린군정</a></li></ul></div>
<div id="container">
<div id="aside"><div class="popular"><h3>인기글</h3><dl><dt>조회수</dt><dd>99,999</dd></dl></div></div>
<div id="content">
<h2>{esc(title)}</h2>
{content}
</div>
</div>
<div id="footer"><p>Copyright ○○군. All rights reserved. 전자정부 표준프레임워크</p></div>
</body>
</html>"""

    def listing(self, page: int) -> str:
        last = max(1, -(-len(self.rows) // PER_PAGE))
        page = min(max(page, 1), last)
        first_number = len(self.rows) - (page - 1) * PER_PAGE
        lines = [self.row(p, "공지", k) for k, p in enumerate(self.notices)]
        lines += [self.row(p, str(first_number - k), k) for k, p in enumerate(page_slice(self.rows, page, PER_PAGE))]
        links = "".join(f'<li><a href="#" onclick="fn_egov_select_linkPage({n}); return false;">{n}</a></li>'
                        if n != page else f"<li><strong>{n}</strong></li>" for n in range(1, last + 1))
        return self.shell(f"""
<form name="frm" action="{LIST}" method="post">
<input type="hidden" name="bbsId" value="{self.bbs_id}">
<input type="hidden" name="nttId" value="0">
<input type="hidden" name="pageIndex" value="{page}">
<div class="search_box"><select name="searchCnd" title="검색조건"><option value="0">제목</option><option value="1">내용</option><option value="2">작성자</option></select>
<input name="searchWrd" type="text" size="35" value="" maxlength="35" title="검색어"> <input type="submit" value="조회"></div>
</form>
<form name="subForm" method="post" action="{VIEW}"><input type="hidden" name="bbsId" value=""><input type="hidden" name="nttId" value=""></form>
<p class="total">총 <strong>{len(self.rows)}</strong>건 (페이지 {page}/{last})</p>
<table class="board_list" summary="번호, 제목, 작성자, 작성일, 조회수 목록입니다">
<caption>게시글 목록</caption>
<colgroup><col style="width:8%"><col><col style="width:12%"><col style="width:12%"><col style="width:8%"></colgroup>
<thead><tr><th scope="col">번호</th><th scope="col">제목</th><th scope="col">작성자</th><th scope="col">작성일</th><th scope="col">조회수</th></tr></thead>
<tbody>
{chr(10).join(lines)}
</tbody>
</table>
<div id="paging_div"><ul class="paging_align">{links}</ul></div>""")

    def row(self, p: Post, number: str, k: int) -> str:
        call = f"fn_egov_inquire_articledetail('{self.bbs_id}','{p.id}')"
        if p.secret:
            title = f'<img src="/images/egovframework/com/cop/bbs/icon_lock.gif" alt="비밀글"> {esc(p.title)}'
        elif k % 2:  # the stock list writes both forms
            title = f'<a href="javascript:{call};">{esc(p.title)}</a>'
        else:
            title = f'<a href="#" onclick="{call}; return false;">{esc(p.title)}</a>'
        if p.files:
            title += ' <img src="/images/egovframework/com/cop/bbs/icon_file.gif" alt="첨부파일">'
        tr = '<tr class="notice">' if p.notice else "<tr>"
        return (f"{tr}<td>{number}</td>"
                f'<td class="left">{title}</td><td>{esc(p.author)}</td>'
                f"<td>{p.posted:%Y-%m-%d}</td><td>{p.views:,}</td></tr>")

    def view(self, post: Post) -> str:
        files = "".join(
            f'<a href="#LINK" onclick="javascript:fn_egov_downFile(\'{atch_file_id(post)}\',\'{k}\'); return false;">'
            f"{esc(f.name)}</a>&nbsp;[{len(f.data):,}&nbsp;byte]<br>" for k, f in enumerate(post.files))
        paragraphs = "\n".join(f"<p>{esc(t)}</p>" for t in post.paragraphs)
        return self.shell(f"""
<table class="board_view" summary="제목, 작성자, 작성일, 조회수, 내용, 첨부파일">
<caption>게시글 상세</caption>
<tbody>
<tr><th scope="row">제목</th><td colspan="5">{esc(post.title)}</td></tr>
<tr><th scope="row">작성자</th><td>{esc(post.author)}</td><th scope="row">작성일</th><td>{post.posted:%Y.%m.%d.}</td>
<th scope="row">조회수</th><td>{post.views:,}</td></tr>
<tr><th scope="row">내용</th><td colspan="5" class="cont">
<div id="bbs_cn">
{paragraphs}
</div>
</td></tr>
<tr><th scope="row">첨부파일</th><td colspan="5">{files}</td></tr>
</tbody>
</table>
<div class="btn_area"><a href="{LIST}?bbsId={self.bbs_id}">목록</a></div>""")
