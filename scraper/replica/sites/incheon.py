"""인천광역시 (incheon.go.kr) 보도자료: a card list at `/IC010205?curPage=N`, views `/IC010205/view?…`.

What public code says (ainaju618-blip/koreanewskorea scrapers/_disabled/incheon/incheon_scraper.py,
and two small public scrapers of the same page found by the code search): each card is an `<a>`
(`href` `/IC010205/view…`) wrapping `.board-article-group`; in it the title in `strong.subject`
and, in `.board-item-area`, dt/dd pairs with the date beside `제공일자`; pages `?curPage=N`; the
view's text is in `div.board-view-contents`. The list can be searched by `srchMainManagerDeptNm`
(주관부서) and `srchRepTitle`, so the board names a department per release.

Conventional, not documented: the view id parameter `repSeq` and its numbers, the view's title
and dt/dd labels (주관부서, 담당자, 제공일자, 조회수), the download URL, ten cards a page, a page past
the end showing the last one again, the menus and the footer.
"""

from __future__ import annotations

from .common import BoardReplica, paging, esc, page_slice, paragraphs_html
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
BOARD = "/IC010205"
VIEW = "/IC010205/view"
DOWNLOAD = "/comm/fileDownload.do"

MENU = """<header id="header"><nav class="gnb"><ul>
	<li><a href="/IC010000">인천소식</a><ul><li><a href="/IC010205">보도자료</a></li><li><a href="/IC010101">공지사항</a></li></ul></li>
	<li><a href="/IC020000">분야별정보</a></li><li><a href="/IC030000">시민참여</a></li>
</ul></nav></header>"""

FOOTER = """<footer id="footer"><div class="page-manager"><dl><dt>담당부서</dt><dd>대변인 언론담당관</dd>
<dt>전화번호</dt><dd>032-440-3052</dd><dt>최종수정일</dt><dd>2025-12-30</dd></dl></div>
<address>(21554) 인천광역시 남동구 정각로 29 (구월동) 인천광역시청 대표전화 032-120</address></footer>"""


class Site(BoardReplica):
    name = "incheon"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 41):
        self._posts(posts(articles, seed, first_id=10086601, id_step=9))

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?", 1)[0] == BOARD

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == BOARD:
            return self.listed(request.query.get("curPage"))
        if request.path == VIEW:
            return self.shown(self.post(request.query.get("repSeq")))
        if request.path == DOWNLOAD:
            return self.sent(self.file(request.query.get("repSeq"), request.query.get("fileSn")))
        return None

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        cards = "\n".join(f"""		<li>
			<a href="{VIEW}?repSeq={p.id}&amp;curPage={current}&amp;beginDt=&amp;endDt=&amp;srchMainManagerDeptNm=&amp;srchRepTitle=">
				<div class="board-article-group">
					<div class="board-item-area">
						<strong class="subject">{esc(p.title)}</strong>
						<p class="summary">{esc(p.paragraphs[0][:80])}…</p>
						<div class="board-item-info">
							<dl><dt>주관부서</dt><dd>{esc(p.department)}</dd></dl>
							<dl><dt>제공일자</dt><dd>{p.posted:%Y-%m-%d}</dd></dl>
						</div>
					</div>
				</div>
			</a>
		</li>""" for p in page_slice(self.posts, page, PER_PAGE))
        links = "".join(f'<strong class="active">{n}</strong>' if n == current else
                        f'<a href="{BOARD}?curPage={n}">{n}</a>' for n in range(1, pages + 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 인천소식 | 인천광역시</title></head>
<body>
{MENU}
<main id="content">
	<form class="board-search" action="{BOARD}" method="get">
		<input type="text" name="beginDt"> ~ <input type="text" name="endDt">
		<input type="text" name="srchMainManagerDeptNm" title="주관부서"><input type="text" name="srchRepTitle" title="제목">
		<button type="submit">검색</button>
	</form>
	<p class="board-total">총 <strong>{len(self.posts):,}</strong>건</p>
	<ul class="board-article-list">
{cards}
	</ul>
	<div class="board-paging">{links}</div>
</main>
{FOOTER}
</body></html>"""

    def view(self, post: Post) -> str:
        files = "".join(
            f'<li><a href="{DOWNLOAD}?repSeq={post.id}&amp;fileSn={k}" class="file-down">{esc(f.name)}</a></li>'
            for k, f in enumerate(post.files, 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(post.title)} | 보도자료 | 인천광역시</title></head>
<body>
{MENU}
<main id="content">
<div class="board-view">
	<div class="board-view-head">
		<h3 class="board-view-subject">{esc(post.title)}</h3>
		<div class="board-view-info">
			<dl><dt>주관부서</dt><dd>{esc(post.department)}</dd></dl>
			<dl><dt>담당자</dt><dd>{esc(post.author)}</dd></dl>
			<dl><dt>제공일자</dt><dd>{post.posted:%Y-%m-%d}</dd></dl>
			<dl><dt>조회수</dt><dd>{post.views:,}</dd></dl>
		</div>
	</div>
	<div class="board-view-contents">
{paragraphs_html(post)}
	</div>
	<div class="board-view-file"><strong>첨부파일</strong><ul>{files}</ul></div>
	<div class="board-view-btn"><a href="{BOARD}">목록</a></div>
</div>
</main>
{FOOTER}
</body></html>"""
