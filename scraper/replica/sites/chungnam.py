"""충청남도 (www.chungnam.go.kr) 보도자료 on its own press system (`cnapcPress`): a table listing
paged by `&pageIndex=N` whose title links `a.tit` point at `view.do?nttId=N…`, and a view made of
`div.board-view-li` items, the last holding the text in `div.board-view-inner`.

From public code: the board `/cnportal/cnapcPressList/cnapcPress/list.do?menuNo=500498`, GET
`pageIndex`, a table of 번호 · 제목 (`a.tit`, nttId) · 바로가기 · 부서 · 제공일자 (`YYYY-MM-DD`) ·
조회, views `/cnportal/cnapcPressList/cnapcPress/view.do?menuNo=500498&nttId=N`, the view's
`.board-view .board-view-li` items with the text in the last one's `.board-view-inner` (an older
layout: `div.content` up to `content-ft`) (two public TypeScript collectors of the board).
koreanewskorea (scrapers/_disabled/chungnam) reads the province's news cards at
`/cnportal/media/article/list.do?menuNo=500181` instead, a different board.

Not shown by any source, kept conventional: the view's labels (부서, 제공일자, 조회수, 첨부파일)
and title heading, the download URL, ten rows a page, a page past the end repeating the last one,
the menus and footer. No author is printed (the list names a department).
"""

from __future__ import annotations

from .common import BoardReplica, paging, esc, page_slice, paragraphs_html
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
BASE = "/cnportal/cnapcPressList/cnapcPress/"
LIST, VIEW, DOWNLOAD = BASE + "list.do", BASE + "view.do", BASE + "fileDown.do"
MENU_NO = "500498"

MENU = """<header id="header"><nav class="gnb"><ul>
	<li><a href="/cnportal/main/contents.do?menuNo=500000">도정소식</a><ul>
	<li><a href="/cnportal/cnapcPressList/cnapcPress/list.do?menuNo=500498">보도자료</a></li>
	<li><a href="/cnportal/media/article/list.do?menuNo=500181">도정뉴스</a></li></ul></li>
	<li><a href="/cnportal/main/contents.do?menuNo=500100">정보공개</a></li>
</ul></nav></header>"""

FOOTER = """<div class="content-ft"><div class="satisfaction"><dl><dt>담당부서</dt><dd>공보관실</dd>
<dt>전화번호</dt><dd>041-635-2042</dd><dt>최종수정일</dt><dd>2025-12-26</dd></dl></div></div>
<footer id="footer"><address>(32255) 충청남도 홍성군 홍북읍 충남대로 21</address>
<p>COPYRIGHT© CHUNGCHEONGNAM-DO. ALL RIGHTS RESERVED.</p></footer>"""


class Site(BoardReplica):
    name = "chungnam"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 53):
        self._posts(posts(articles, seed, first_id=80431, id_step=2))

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?")[0] == LIST

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == LIST and request.query.get("menuNo") == MENU_NO:
            return self.listed(request.query.get("pageIndex"))
        if request.path == VIEW:
            return self.shown(self.post(request.query.get("nttId"))) or SiteResponse.html(
                "<script>alert('존재하지 않는 게시물입니다.');history.back();</script>")
        if request.path == DOWNLOAD:
            return self.sent(self.file(request.query.get("nttId"), request.query.get("fileSn")))
        return None

    def page(self, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 충청남도</title></head>
<body>
{MENU}
<section id="content">
{content}
</section>
{FOOTER}
</body></html>"""

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        first = len(self.posts) - (current - 1) * PER_PAGE
        rows = "\n".join(f"""<tr>
	<td>{first - k}</td>
	<td class="subject"><a href="{VIEW}?nttId={p.id}&amp;menuNo={MENU_NO}&amp;pageIndex={current}" class="tit">{esc(p.title)}</a></td>
	<td><a href="{VIEW}?nttId={p.id}&amp;menuNo={MENU_NO}" target="_blank" title="새창열림" class="btn-go">바로가기</a></td>
	<td>{esc(p.department)}</td>
	<td>{p.posted:%Y-%m-%d}</td>
	<td>{p.views:,}</td>
</tr>""" for k, p in enumerate(page_slice(self.posts, current, PER_PAGE)))
        links = "".join(f'<strong class="on">{n}</strong>' if n == current else
                        f'<a href="{LIST}?menuNo={MENU_NO}&amp;pageIndex={n}">{n}</a>' for n in range(1, pages + 1))
        return self.page(f"""<div class="board-list">
<p class="board-total">전체 <strong>{len(self.posts)}</strong>건</p>
<table class="board-table">
	<caption>보도자료 목록 - 번호, 제목, 바로가기, 부서, 제공일자, 조회</caption>
	<thead><tr><th>번호</th><th>제목</th><th>바로가기</th><th>부서</th><th>제공일자</th><th>조회</th></tr></thead>
	<tbody>
{rows}
	</tbody>
</table>
<div class="paging">{links}</div>
</div>""")

    def view(self, post: Post) -> str:
        files = "".join(f'<li><a href="{DOWNLOAD}?nttId={post.id}&amp;fileSn={k}" class="file">{esc(f.name)}</a></li>'
                        for k, f in enumerate(post.files, 1))
        return self.page(f"""<div class="board-view">
	<div class="board-view-li item title"><h4>{esc(post.title)}</h4></div>
	<div class="board-view-li item info"><ul>
		<li><strong>부서</strong><span>{esc(post.department)}</span></li>
		<li><strong>제공일자</strong><span>{post.posted:%Y-%m-%d}</span></li>
		<li><strong>조회수</strong><span>{post.views:,}</span></li>
	</ul></div>
	<div class="board-view-li item file"><strong>첨부파일</strong><ul>{files}</ul></div>
	<div class="board-view-li">
		<div class="board-view-inner">
		{paragraphs_html(post)}
		</div>
	</div>
</div>
<div class="board-btn"><a href="{LIST}?menuNo={MENU_NO}" class="btn-list">목록</a></div>""")
