"""대구광역시 보도자료 on its newsroom (info.daegu.go.kr/newshome): a PHP table board.

What public code says (ainaju618-blip/koreanewskorea scrapers/_disabled/daegu/daegu_scraper.py):
the list is `mtnmain.php?mtnkey=scatelist&mkey=26`, paged by `&bpage=N`; rows are `table tbody tr`
with the title link in the second cell, written relative (`./mtnmain.php?…`, joined to the
`/newshome/` folder), and the date in the last cell; the view page keeps the article in a table
(`table tbody`), with download links.

Conventional, not documented: the view URL's parameters (`mtnkey=articleview…&aid=N`), the other
columns (번호, 부서), the view's th/td labels (부서, 등록일, 조회수; no person is printed), the
download URL, 15 rows a page, a page past the end showing the last one again, menus and footer.
"""

from __future__ import annotations

from .common import BoardReplica, paging, esc, page_slice
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 15
MAIN = "/newshome/mtnmain.php"
DOWNLOAD = "/newshome/download.php"

MENU = """<div id="top"><h1><a href="/newshome/"><img src="/newshome/img/logo.gif" alt="대구시 뉴스룸"></a></h1>
<ul id="gnb"><li><a href="./mtnmain.php?mtnkey=scatelist&amp;mkey=26">보도자료</a></li>
<li><a href="./mtnmain.php?mtnkey=scatelist&amp;mkey=27">해명자료</a></li><li><a href="./mtnmain.php?mtnkey=scatelist&amp;mkey=30">포토뉴스</a></li></ul></div>"""

FOOTER = """<div id="footer"><p>(41911) 대구광역시 중구 공평로 88 (동인동1가) 대표전화 053-803-2114</p>
<p>등록일 2024-01-02 · 조회수 4,567,890</p><p>COPYRIGHT DAEGU METROPOLITAN CITY. ALL RIGHTS RESERVED.</p></div>"""


def view_query(post: Post, bpage: int = 1) -> str:
    return f"mtnkey=articleview&mkey=scatelist&mkey2=26&aid={post.id}&bpage={bpage}&stext="


class Site(BoardReplica):
    name = "daegu"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 37):
        self._posts(posts(articles, seed, first_id=289101, id_step=4))

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.startswith(MAIN + "?") and "mtnkey=scatelist" in path

    def expected(self, post: Post) -> dict:
        return {"author": None}  # the board prints the department only

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == MAIN:
            key = request.query.get("mtnkey")
            if key == "scatelist" and request.query.get("mkey") == "26":
                return self.listed(request.query.get("bpage"))
            if key == "articleview":
                return self.shown(self.post(request.query.get("aid"))) or SiteResponse.html(
                    "<script>alert('해당 기사가 없습니다.');history.back();</script>")
        if request.path == DOWNLOAD:
            return self.sent(self.file(request.query.get("aid"), request.query.get("fno")))
        return None

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        first_number = len(self.posts) - (current - 1) * PER_PAGE
        rows = "\n".join(f"""	<tr>
		<td class="num">{first_number - k}</td>
		<td class="subject"><a href="./mtnmain.php?{esc(view_query(p, current))}">{esc(p.title)}</a></td>
		<td class="dept">{esc(p.department)}</td>
		<td class="date">{p.posted:%Y-%m-%d}</td>
	</tr>""" for k, p in enumerate(page_slice(self.posts, page, PER_PAGE)))
        links = " ".join(f"<b>[{n}]</b>" if n == current else
                         f'<a href="./mtnmain.php?mtnkey=scatelist&amp;mkey=26&amp;bpage={n}">[{n}]</a>'
                         for n in range(1, pages + 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>대구시 뉴스룸 - 보도자료</title></head>
<body>
{MENU}
<div id="content">
<h2>보도자료</h2>
<table class="list" summary="번호, 제목, 부서, 등록일">
	<thead><tr><th>번호</th><th>제목</th><th>부서</th><th>등록일</th></tr></thead>
	<tbody>
{rows}
	</tbody>
</table>
<div class="paging">{links}</div>
</div>
{FOOTER}
</body></html>"""

    def view(self, post: Post) -> str:
        files = "<br>".join(
            f'<a href="./download.php?aid={post.id}&amp;fno={k}"><img src="/newshome/img/icon_file.gif" alt="첨부"> '
            f'{esc(f.name)}</a>' for k, f in enumerate(post.files, 1))
        text = "\n".join(f"<p>{esc(p)}</p>" for p in post.paragraphs)
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>대구시 뉴스룸 - {esc(post.title)}</title></head>
<body>
{MENU}
<div id="content">
<h2>보도자료</h2>
<table class="view" summary="보도자료 상세">
	<tbody>
	<tr><th>제목</th><td colspan="5" class="subject">{esc(post.title)}</td></tr>
	<tr><th>부서</th><td>{esc(post.department)}</td><th>등록일</th><td>{post.posted:%Y-%m-%d %H:%M:%S}</td><th>조회수</th><td>{post.views:,}</td></tr>
	<tr><th>첨부파일</th><td colspan="5" class="file">{files}</td></tr>
	<tr><td colspan="6" class="content">
{text}
	</td></tr>
	</tbody>
</table>
<div class="btn"><a href="./mtnmain.php?mtnkey=scatelist&amp;mkey=26">목록</a></div>
</div>
{FOOTER}
</body></html>"""
