"""전라남도 (jeonnam.go.kr) 보도자료: the jsp-board family's URL scheme in the province's markup.

No page of it was captured; modelled after its public scraper (scrapers/_disabled/jeonnam/): list
`/M7124/boardList.do?menuId=jeonnam0201000000` as `table.board_list` rows (번호 / `td.title a` /
담당부서 / `td.date` / 조회), GET `&pageIndex=N`; views `/M7124/boardView.do?seq=N&menuId=…` with a
th/td field table over `div.bbs_view_contnet` (sic) and files from `/M7124/boardDown.do?…`.
"""

from __future__ import annotations

from .common import paging, as_int, esc, file_response, page_slice, paragraphs_html, robots
from .corpus import Post
from .http import SiteRequest, SiteResponse
from .jsp_board import Site as JspBoardSite

MENU = "jeonnam0201000000"
LIST = "/M7124/boardList.do"
VIEW = "/M7124/boardView.do"
DOWN = "/M7124/boardDown.do"


class Site(JspBoardSite):
    name = "jeonnam"
    template = False

    def __init__(self, articles: int = 25, seed: int = 47):
        super().__init__(articles, seed)

    def is_listing(self, method: str, path: str, body: bytes) -> bool:
        return path.partition("?")[0] == LIST

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == LIST and request.query.get("menuId") == MENU:
            return SiteResponse.html(self.listing(as_int(request.query.get("pageIndex")) or 1))
        if request.path == VIEW:
            post = self.by_id.get(as_int(request.query.get("seq")))
            return SiteResponse.html(self.view(post)) if post else SiteResponse.not_found()
        if request.path == DOWN:
            post = self.by_id.get(as_int(request.query.get("seq")))
            number = as_int(request.query.get("fileNo"))
            if post is None or not 1 <= number <= len(post.files):
                return SiteResponse.not_found()
            return file_response(post.files[number - 1])
        return SiteResponse.not_found()

    def listing(self, page: int) -> str:
        total, current = paging(len(self.generated), page, self.per_page)
        first = len(self.generated) - (current - 1) * self.per_page
        rows = "".join(f"""<tr><td>{first - k}</td>
<td class="title"><a href="{VIEW}?seq={p.id}&amp;menuId={MENU}">{esc(p.title)}</a></td>
<td>{esc(p.department)}</td><td class="date">{p.posted:%Y-%m-%d}</td><td>{p.views}</td></tr>"""
                       for k, p in enumerate(page_slice(self.generated, page, self.per_page)))
        pages = "".join(f"<strong>{n}</strong>" if n == current else
                        f'<a href="{LIST}?menuId={MENU}&amp;pageIndex={n}">{n}</a>' for n in range(1, total + 1))
        return self.page("보도자료", f"""<table class="board_list"><caption>보도자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>등록일</th><th>조회</th></tr></thead>
<tbody>{rows}</tbody></table>
<div class="paging">{pages}</div>""")

    def view(self, post: Post) -> str:
        files = "".join(f'<li><a href="{DOWN}?seq={post.id}&amp;fileNo={k}&amp;menuId={MENU}">{esc(f.name)}</a></li>'
                        for k, f in enumerate(post.files, 1))
        return self.page(post.title, f"""<div class="bbs_view">
<table class="view_table"><caption>보도자료 상세</caption><tbody>
<tr><th scope="row">제목</th><td colspan="3">{esc(post.title)}</td></tr>
<tr><th scope="row">작성자</th><td>{esc(post.department)}</td><th scope="row">등록일</th><td>{post.posted:%Y-%m-%d %H:%M}</td></tr>
<tr><th scope="row">조회수</th><td colspan="3">{post.views:,}</td></tr>
<tr><th scope="row">첨부파일</th><td colspan="3"><ul class="file_list">{files}</ul></td></tr>
</tbody></table>
<div class="bbs_view_contnet">{paragraphs_html(post)}</div></div>
<div class="board_btn"><a href="{LIST}?menuId={MENU}" class="btn_list">목록</a></div>""")
