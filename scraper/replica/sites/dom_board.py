"""The board software behind www.jeonbuk.go.kr and www.gyeongnam.go.kr (eGovFrame "rfc3" CMS,
`egovframework.rfc3.board`): one markup, each site with its own URL extension and board codes.

What public code shows of it, reproduced here:
- listing `/board/list.EXT?boardId=BBS_…&menuCd=DOM_…`, pages by `&startPage=N` (koreanewskorea
  SCRAPER_SPEC.md and scrapers/_disabled/{jeonbuk,gyeongnam}); a table whose cells carry
  `data-cell-header="작성일 :"` and friends, the date in the fourth cell;
- view `/board/view.EXT?boardId=…&menuCd=…&startPage=1&dataSid=N` (SCRAPER_SPEC.md; other public
  scrapers of both sites), in the board skin's `div.basicView`: `div.titleField h4` and an `ul`
  of `<strong>조회 : </strong><span>…</span>`, `등록일 : `, `작성자 : `; `div.conField` with
  `<span>label</span><p>value</p>` items and the `첨부파일` item whose links are
  `<a href="{fileDown}" title="{fileName} 다운받기" class="file">`; the text in `div.conText`
  (an image paragraph `p.img` first), then the 공공누리 box (the rfc3 skin of a Gyeongnam
  sub-site, as published in a public repository);
- downloads `/board/download.EXT?boardId=…&menuCd=…&dataSid=N&command=update&fileSid=M` (public
  scrapers of both sites).

Not shown by any source, kept conventional: ten rows a page, a page past the end repeating the last
one, the file size printed beside the link (the sub-site skin prints it inside the link text), the
site menus and footer below.
"""

from __future__ import annotations

from urllib.parse import urlencode

from .common import BoardReplica, paging, esc, page_slice, paragraphs_html
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10


class DomBoardSite(BoardReplica):
    """A press board of the rfc3 CMS. Subclasses set the site's extension, board and menu codes,
    its name and address, and the range of its article ids (dataSid)."""

    ext = "jeonbuk"
    board_id = "BBS_0000005"
    menu_cd = "DOM_000000102001001000"
    site_name = "전북특별자치도"
    address = "전북특별자치도 전주시 완산구 효자로 225"
    first_id = 772001
    id_step = 13
    extra_query: dict[str, str] = {}   # parameters the board's own links carry (categoryCode1)
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 31):
        self._posts(posts(articles, seed, first_id=self.first_id, id_step=self.id_step))

    def file_key(self, post: Post, number: int) -> tuple[int, int]:
        return (post.id, self.file_sid(post, number))

    # ------------------------------------------------------------------ URLs

    def path(self, action: str) -> str:
        return f"/board/{action}.{self.ext}"

    def query(self, **extra) -> str:
        values = {"boardId": self.board_id, "menuCd": self.menu_cd, **self.extra_query, **extra}
        return urlencode(values)

    def listing_path(self, page: int = 1) -> str:
        return f"{self.path('list')}?{self.query(**({'startPage': page} if page > 1 else {}))}"

    def view_path(self, post: Post, page: int = 1) -> str:
        return f"{self.path('view')}?{self.query(startPage=page, dataSid=post.id)}"

    def file_sid(self, post: Post, number: int) -> int:
        return post.id * 7 + number

    def download_path(self, post: Post, number: int) -> str:
        return (f"{self.path('download')}?{self.query(dataSid=post.id, command='update')}"
                f"&fileSid={self.file_sid(post, number)}")

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.startswith(self.path("list") + "?")

    # ------------------------------------------------------------------ serving

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.query.get("boardId") not in (None, self.board_id):
            return None
        if request.path == self.path("list"):
            return self.listed(request.query.get("startPage"))
        if request.path == self.path("view"):
            return self.shown(self.post(request.query.get("dataSid"))) or SiteResponse.html(
                "<script>alert('게시물이 존재하지 않습니다.');history.back();</script>")
        if request.path == self.path("download") and request.query.get("command") == "update":
            return self.sent(self.file(request.query.get("dataSid"), request.query.get("fileSid")))
        return None

    # ------------------------------------------------------------------ pages

    def frame(self, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | {esc(self.site_name)}</title></head>
<body>
<div id="header"><ul class="gnb">
	<li><a href="/index.{self.ext}?menuCd=DOM_000000102000000000">도정소식</a>
		<ul><li><a href="{esc(self.listing_path())}">보도자료</a></li><li><a href="/index.{self.ext}?menuCd=DOM_000000102002000000">공지사항</a></li></ul></li>
	<li><a href="/index.{self.ext}?menuCd=DOM_000000103000000000">정보공개</a></li>
</ul></div>
<div id="container"><div class="subCnt">
{content}
</div></div>
<div id="satisfaction"><dl><dt>담당부서</dt><dd>대변인실</dd><dt>최종수정일</dt><dd>2025-12-30</dd></dl></div>
<div id="footer"><address>{esc(self.address)}</address><p>COPYRIGHT (C) {esc(self.site_name)}. ALL RIGHTS RESERVED.</p></div>
</body></html>"""

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        rows = page_slice(self.posts, current, PER_PAGE)
        first_number = len(self.posts) - (current - 1) * PER_PAGE
        body = "\n".join(f"""		<tr>
			<td data-cell-header="번호 :">{first_number - k}</td>
			<td class="subject" data-cell-header="제목 :"><a href="{esc(self.view_path(p, current))}" title="{esc(p.title)}">{esc(p.title)}</a>{' <img src="/images/board/icon_file.gif" alt="첨부파일">' if p.files else ''}</td>
			<td data-cell-header="담당부서 :">{esc(p.department)}</td>
			<td data-cell-header="작성일 :">{p.posted:%Y-%m-%d}</td>
			<td data-cell-header="조회수 :">{p.views}</td>
		</tr>""" for k, p in enumerate(rows))
        links = "".join(f'<strong title="현재페이지">{n}</strong>' if n == current else
                        f'<a href="{esc(self.listing_path(n))}">{n}</a>' for n in range(1, pages + 1))
        following = (f'<a href="{esc(self.listing_path(current + 1))}" class="next">다음</a>'
                     if current < pages else "")
        return self.frame(f"""<div class="board">
	<p class="total">전체 <strong>{len(self.posts)}</strong>건 [{current}/{pages} 페이지]</p>
	<table class="basicList">
		<caption>보도자료 목록 - 번호, 제목, 담당부서, 작성일, 조회수</caption>
		<thead><tr><th scope="col">번호</th><th scope="col">제목</th><th scope="col">담당부서</th><th scope="col">작성일</th><th scope="col">조회수</th></tr></thead>
		<tbody>
{body}
		</tbody>
	</table>
	<div class="paging">{links}{following}</div>
</div>""")

    def view(self, post: Post) -> str:
        files = "<br />\n".join(
            f'<a href="{esc(self.download_path(post, k))}" title="{esc(f.name)} 다운받기" class="file">{esc(f.name)}</a>'
            f' <span class="size">({len(f.data) / 1024:.1f} kb)</span> '
            f'<a href="/synap/view.{self.ext}?fileSid={self.file_sid(post, k)}" class="viewer">바로보기</a>'
            for k, f in enumerate(post.files, 1))
        attach = (f"""				<li class="w100"><!-- width:100% -->
					<span>첨부파일</span>
					<p>
						<span class="attach">
{files}
						</span>
					</p><!-- attach -->
				</li>""" if post.files else "")
        return self.frame(f"""<!-- s : BOARD -->
<div class="board">
	<div class="basicView"><!-- basicView -->
		<div class="titleField">
			<h4>{esc(post.title)}</h4>
			<ul>
				<li class="t-1"><strong>조회 : </strong><span>{post.views:,}</span></li>
				<li class="t-2"><strong>등록일 : </strong><span>{post.posted:%Y-%m-%d}</span></li>
				<li class="t-3"><strong>작성자 : </strong>
					<span>
						{esc(post.author)}
					</span>
				</li>
			</ul>
		</div>
		<div class="conField">
			<ul>
				<li>
					<span>담당부서</span>
					<p>{esc(post.department)}</p>
				</li>
				<li>
					<span>전화번호</span>
					<p>{esc(post.phone)}</p>
				</li>
{attach}
			</ul>
		</div>
		<div class="conText">
			<!-- 입력 예시 -->
			<p class="img">
			</p><!-- img -->
			{paragraphs_html(post)}<br/>
		</div>
		<div class="cclBox view">
			<div class="codeView">
				<img src="http://www.kogl.or.kr/open/web/images/images_2014/codetype/new_img_opencode1.jpg" alt="{esc(post.title)} 저작물은 공공누리 출처표시 조건에 따라 이용할 수 있습니다.">
				<p>{esc(post.title)} 저작물은 공공누리 "출처표시" 조건에 따라 이용할 수 있습니다.</p>
			</div>
		</div>
	</div>
</div>
<!-- e : BOARD -->
<div class="tBtn tac"><a href="{esc(self.listing_path())}" class="list">목록</a></div>""")
