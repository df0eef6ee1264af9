"""세종특별자치시 (sejong.go.kr) 보도자료: the table board `/bbs/R0071/list.do`.

What public code says (ainaju618-blip/koreanewskorea scrapers/_disabled/sejong/sejong_scraper.py):
the list is `/bbs/R0071/list.do`, paged by `?pageIndex=N`; rows `table tbody tr`, pinned notices
are rows whose class holds `notice`, the article link is the row's first `<a>` (a plain href; a
`새로운글` mark after new titles), the date in the fourth cell; the view's text is in
`div.bbs--view--content`.

Conventional, not documented: the view URL `/bbs/R0071/view.do?nttId=N`, the other columns
(번호, 제목, 담당부서, 등록일, 조회수), the view's header and its li labels (담당부서, 작성자, 등록일,
조회수, in the board's BEM class style), the download URL, ten rows a page, a page past the end
showing the last one again, site menus and footer.
"""

from __future__ import annotations

from .common import BoardReplica, paging, esc, page_slice, paragraphs_html
from .corpus import Post, notices, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
LIST = "/bbs/R0071/list.do"
VIEW = "/bbs/R0071/view.do"
DOWNLOAD = "/bbs/R0071/download.do"

MENU = """<header id="header"><nav class="gnb"><ul>
	<li><a href="/kor/sub01.do">세종소식</a><ul><li><a href="/bbs/R0071/list.do">보도자료</a></li><li><a href="/bbs/R0001/list.do">공지사항</a></li></ul></li>
	<li><a href="/kor/sub02.do">분야별정보</a></li></ul></nav></header>"""

FOOTER = """<div class="page--manager"><ul><li><strong>담당부서</strong><span>대변인</span></li>
<li><strong>등록일</strong><span>2025-12-29</span></li></ul></div>
<footer id="footer"><address>(30151) 세종특별자치시 한누리대로 2130 (보람동) 대표전화 044-120</address></footer>"""


class Site(BoardReplica):
    name = "sejong"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 53, pinned: bool = True):
        self._posts(posts(articles, seed, first_id=118901, id_step=11), notices(first_id=100201) if pinned else [])

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?", 1)[0] == LIST

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == LIST:
            return self.listed(request.query.get("pageIndex"))
        if request.path == VIEW:
            return self.shown(self.post(request.query.get("nttId")))
        if request.path == DOWNLOAD:
            return self.sent(self.file(request.query.get("nttId"), request.query.get("fileSn")))
        return None

    def _row(self, post: Post, number: str, page: int, new: bool) -> str:
        mark = ' <span class="bbs--new"><img src="/images/bbs/icon_new.gif" alt="새로운글"></span>' if new else ""
        cls = "bbs--notice notice" if post.notice else "bbs--item"
        return f"""	<tr class="{cls}">
		<td class="bbs--num">{number}</td>
		<td class="bbs--subject"><a href="{VIEW}?nttId={post.id}&amp;pageIndex={page}">{esc(post.title)}{mark}</a></td>
		<td class="bbs--dept">{esc(post.department)}</td>
		<td class="bbs--date">{post.posted:%Y.%m.%d}</td>
		<td class="bbs--hit">{post.views:,}</td>
	</tr>"""

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.regular), page, PER_PAGE)
        top = len(self.regular) - (current - 1) * PER_PAGE
        newest = self.regular[0].posted.date() if self.regular else None
        rows = [self._row(p, "공지", current, False) for p in self.notices]
        rows += [self._row(p, str(top - k), current, p.posted.date() == newest)
                 for k, p in enumerate(page_slice(self.regular, page, PER_PAGE))]
        links = "".join(f'<strong class="active">{n}</strong>' if n == current else
                        f'<a href="{LIST}?pageIndex={n}">{n}</a>' for n in range(1, pages + 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 세종특별자치시</title></head>
<body>
{MENU}
<main id="contents">
<div class="bbs--list">
<table>
	<caption>보도자료 목록: 번호, 제목, 담당부서, 등록일, 조회수</caption>
	<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>등록일</th><th>조회수</th></tr></thead>
	<tbody>
{chr(10).join(rows)}
	</tbody>
</table>
</div>
<div class="bbs--paging">{links}</div>
</main>
{FOOTER}
</body></html>"""

    def view(self, post: Post) -> str:
        files = "".join(
            f'<li><a href="{DOWNLOAD}?nttId={post.id}&amp;fileSn={k}" class="bbs--file">{esc(f.name)}</a>'
            f' <a href="/synap/view.do?nttId={post.id}&amp;fileSn={k}" class="bbs--preview">바로보기</a></li>'
            for k, f in enumerate(post.files, 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(post.title)} | 보도자료 | 세종특별자치시</title></head>
<body>
{MENU}
<main id="contents">
<div class="bbs--view">
	<div class="bbs--view--header">
		<h3 class="bbs--view--title">{esc(post.title)}</h3>
		<ul class="bbs--view--info">
			<li><strong>담당부서</strong><span>{esc(post.department)}</span></li>
			<li><strong>작성자</strong><span>{esc(post.author)}</span></li>
			<li><strong>등록일</strong><span>{post.posted:%Y.%m.%d %H:%M}</span></li>
			<li><strong>조회수</strong><span>{post.views:,}</span></li>
		</ul>
	</div>
	<div class="bbs--view--content">
{paragraphs_html(post)}
	</div>
	<div class="bbs--view--file"><strong>첨부파일</strong><ul>{files}</ul></div>
</div>
<div class="bbs--btn"><a href="{LIST}">목록</a></div>
</main>
{FOOTER}
</body></html>"""
