"""경기도 (www.gg.go.kr) press releases: an empty board page, rows by AJAX POST as JSON.

As boards.md and public scrapers of gg.go.kr describe it: `GET /bbs/board.do?bsIdx=469&menuId=1547`
renders the board shell and hands out the JSESSIONID cookie; the rows come from
`POST /ajax/board/getList.do` (form `bsIdx=469&bcIdx=0&menuId=1547&offset=N&limit=10`) answering
`{"total": N, "items": [...]}` with `B_IDX, SUBJECT, WRITER, WRITE_DATE2 (2026.01.07),
IMAGE_IDX, IMAGE_URL` (the first attachment) and `NOTICE_YN`. The page number the visitor sees is a
`#page=2` fragment the browser never sends.

Mechanics reproduced: the AJAX call answers JSON only with `X-Requested-With: XMLHttpRequest`
(without it: an HTML error page with status 200), a `Referer` from the board page and the session
cookie (without them: 403); the two notices are pinned on top of every offset, including offsets
past the end (which hold nothing else); a view without the session cookie is an alert page
sending the visitor back to the board; views print 작성자/담당부서/등록일/조회수 (`3,623,361`) in
a field list, the page also carries a site-wide visitor counter; attachments link relatively
(`../cmmn/download.do?idx=…`) next to a 미리보기 link, and are sent with a percent-encoded
UTF-8 `filename="…"` as Korean Java servers do. (The layout of the view page is designed, not
copied: no real capture of it is at hand.)
"""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import quote

from .common import esc, paragraphs_html, robots, as_int
from .corpus import Post, PostFile, notices, posts
from .http import SiteRequest, SiteResponse

BOARD = "/bbs/board.do"
LIST = "/ajax/board/getList.do"
VIEW = "/bbs/boardView.do"
DOWNLOAD = "/cmmn/download.do"
BS_IDX, MENU_ID = "469", "1547"
SESSION = "JSESSIONID"
FIRST_FILE_IDX = 887001


def board_path() -> str:
    return f"{BOARD}?bsIdx={BS_IDX}&menuId={MENU_ID}"


def view_path(post: Post) -> str:
    return f"{VIEW}?bIdx={post.id}&bsIdx={BS_IDX}&menuId={MENU_ID}"


class GyeonggiSite:
    name = "gyeonggi"
    per_page = 10                             # rows an AJAX answer holds besides the notices

    def __init__(self, articles: int = 25, seed: int = 20):
        # B_IDX values of the size gg.go.kr uses; one post per id, newest first.
        self.regular = posts(articles, seed, first_id=5_800_101, id_step=7)
        self.posts = self.regular            # the regular posts; `Site` adds the notices
        self.notices = [replace(n, author="대변인") for n in notices(first_id=5_799_001)]
        self.by_id = {p.id: p for p in [*self.regular, *self.notices]}
        self.files: dict[int, PostFile] = {}
        self.file_idx: dict[tuple[int, int], int] = {}
        idx = FIRST_FILE_IDX
        for post in self.regular:
            for k, file in enumerate(post.files):
                self.files[idx] = file
                self.file_idx[(post.id, k)] = idx
                idx += 1
        self.sessions: set[str] = set()
        self.refused: list[tuple[str, int]] = []   # (why, status) of every AJAX call refused

    # ------------------------------------------------------------------ routing

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == BOARD:
            return self.board_page()
        if request.path == LIST:
            return self.list_json(request)
        if request.path == VIEW:
            post = self.by_id.get(as_int(request.query.get("bIdx")))
            if post is None:
                return SiteResponse.not_found()
            if not self._has_session(request):
                return SiteResponse.html(_alert("잘못된 접근입니다.", board_path()))
            return SiteResponse.html(self.view(post))
        if request.path == DOWNLOAD:
            file = self.files.get(as_int(request.query.get("idx")))
            return _file_response(file) if file else SiteResponse.not_found()
        return SiteResponse.not_found()

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.partition("?")[0] == LIST

    def _has_session(self, request: SiteRequest) -> bool:
        return request.cookies.get(SESSION) in self.sessions

    # ------------------------------------------------------------------ pages

    def board_page(self) -> SiteResponse:
        token = f"GG{len(self.sessions) + 1:04d}A1B2C3D4E5F6.node1"
        self.sessions.add(token)
        page = f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 경기도청</title></head>
<body>
<div id="header"><a href="/">경기도청</a></div>
<div id="contents">
  <h3>보도자료</h3>
  <form id="boardForm" name="boardForm">
    <input type="hidden" name="bsIdx" value="{BS_IDX}">
    <input type="hidden" name="bcIdx" value="0">
    <input type="hidden" name="menuId" value="{MENU_ID}">
    <input type="hidden" name="isManager" value="false">
    <input type="hidden" name="isCharge" value="false">
    <input type="hidden" name="offset" value="0">
    <input type="hidden" name="limit" value="10">
  </form>
  <ul class="list-board" id="boardList"></ul>
  <div class="paging" id="paging"></div>
</div>
<script>
function getList(page) {{
  location.hash = 'page=' + page;
  $('#boardForm [name=offset]').val((page - 1) * 10);
  $.ajax({{ url: '{LIST}', type: 'POST', data: $('#boardForm').serialize(), dataType: 'json',
           success: function (data) {{ drawList(data.items); drawPaging(data.total, page); }} }});
}}
</script>
</body></html>"""
        return SiteResponse.html(page, headers=[("Set-Cookie", f"{SESSION}={token}; Path=/; HttpOnly")])

    def list_json(self, request: SiteRequest) -> SiteResponse:
        if request.headers.get("x-requested-with") != "XMLHttpRequest":
            self.refused.append(("x-requested-with", 200))
            return SiteResponse.html(_error_page())
        if BOARD not in request.headers.get("referer", ""):
            self.refused.append(("referer", 403))
            return SiteResponse.html(_error_page(), status=403)
        if not self._has_session(request):
            self.refused.append(("session", 403))
            return SiteResponse.html(_error_page(), status=403)
        form = request.form if request.method == "POST" else request.query
        if form.get("bsIdx") != BS_IDX:
            return _json({"total": 0, "items": []})
        offset, limit = max(as_int(form.get("offset")), 0), as_int(form.get("limit")) or 10
        rows = [*self.notices, *self.regular[offset: offset + limit]]  # past the end: notices only
        return _json({"total": len(self.regular), "items": [self.item(p) for p in rows]})

    def item(self, post: Post) -> dict:
        idx = self.file_idx.get((post.id, 0))
        return {
            "B_IDX": post.id, "BS_IDX": int(BS_IDX), "BC_IDX": 0,
            "SUBJECT": post.title, "WRITER": post.author,
            "WRITE_DATE": f"{post.posted:%Y-%m-%d %H:%M:%S}.0", "WRITE_DATE2": f"{post.posted:%Y.%m.%d}",
            "IMAGE_IDX": idx, "IMAGE_URL": f"{DOWNLOAD}?idx={idx}" if idx else None,
            "NOTICE_YN": "Y" if post.notice else "N", "FILE_CNT": len(post.files),
        }

    def view(self, post: Post) -> str:
        files = "\n".join(
            f'<li><a href="..{DOWNLOAD}?idx={self.file_idx[(post.id, k)]}" class="file-name">{esc(f.name)}</a>'
            f' <a href="..{DOWNLOAD.replace("download", "preview")}?idx={self.file_idx[(post.id, k)]}"'
            f' class="btn-preview" target="_blank">미리보기</a></li>'
            for k, f in enumerate(post.files))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 경기도청</title>
<meta property="og:title" content="경기도청"></head>
<body>
<div id="header"><a href="/">경기도청</a>
  <div class="visit">오늘 방문자 <span>12,408</span> · 조회수 <span>1,234,567</span></div></div>
<div id="contents">
  <h3>보도자료</h3>
  <div class="board-view">
    <div class="view-head">
      <h4 class="view-title">{esc(post.title)}</h4>
      <ul class="view-info">
        <li><span class="tit">작성자</span><span class="txt">{esc(post.author)}</span></li>
        <li><span class="tit">담당부서</span><span class="txt">{esc(post.department)}</span></li>
        <li><span class="tit">연락처</span><span class="txt">{esc(post.phone)}</span></li>
        <li><span class="tit">등록일</span><span class="txt">{post.posted:%Y-%m-%d %H:%M}</span></li>
        <li><span class="tit">조회수</span><span class="txt">{post.views:,}</span></li>
      </ul>
    </div>
    <div class="view-file"><strong>첨부파일</strong><ul>{files or '<li>첨부파일이 없습니다.</li>'}</ul></div>
    <div class="view-cont">
{paragraphs_html(post)}
    </div>
    <div class="view-satisfy"><p>이 페이지에서 제공하는 정보에 만족하십니까?</p></div>
    <div class="btn-area"><a href="{board_path()}#page=1" class="btn-list">목록</a></div>
  </div>
</div>
<div id="footer">경기도 수원시 영통구 도청로 30 · 최종수정일 2025.12.31</div>
</body></html>"""



def _json(data: dict) -> SiteResponse:
    return SiteResponse(200, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                        "application/json;charset=UTF-8")


def _error_page() -> str:
    return """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>경기도청 - 오류</title></head>
<body><div class="error"><h2>요청하신 페이지를 찾을 수 없습니다.</h2>
<p>잘못된 접근이거나 요청하신 페이지의 주소가 변경, 삭제되어 찾을 수 없습니다.</p></div></body></html>"""


def _alert(message: str, target: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><script>alert("{message}");'
            f'location.href="{target}";</script></head><body></body></html>')


def _file_response(file: PostFile) -> SiteResponse:
    """Korean Java servers often percent-encode the UTF-8 name inside a plain `filename="…"`."""
    disposition = f'attachment; filename="{quote(file.name, safe="()")}"'
    return SiteResponse(200, file.data, file.content_type, headers=[("Content-Disposition", disposition)])


class Site(GyeonggiSite):
    """The replica of the `gyeonggi` profile as tests/test_site_replicas.py reads it: `posts` are
    what a crawl stores, the regular posts and the notices pinned on every answer."""

    def __init__(self, articles: int = 25, seed: int = 20):
        super().__init__(articles, seed)
        self.posts = [*self.regular, *self.notices]
