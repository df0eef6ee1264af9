"""신안군 (www.shinan.go.kr) 보도자료/해명: a wscms table list paged by `?page=N`, th/label views.

As on the real site: the board at `/home/www/openinfo/participation_07/participation_07_03/
page.wscms?page=N&search=&keyword=` (a page past the end shows the last one again), a
`table#board_list_table` with `td.list_idx` (a `7,373`-style number, a notice icon on the two
notices pinned to every page), `td.list_title` (titles cut with `...`, file and `새로운글` icons),
`td.list_member_name` (the department), `td.list_reg_date` (`2025-12-12`), `td.list_visit`; one
secret post listed without a link. The real list prints root-relative hrefs; this one prints them
relative to the listing (`show/138492?page=1&search=&keyword=`), the pitfall of boards.md: joined
to the site root they give `/show/…`, a 404. View pages at `…/participation_07_03/show/{id}` are
the real `table.show_form` (th/label pairs 번호/조회/등록부서/등록일/제목/내용/파일N, no person
named: the department registers the post), with the 공공누리 block repeating the title, a QR
block naming the post, and the page manager's department below; files at
`/file/wsboard/data/www_bodo/{stamp}.{ext}/{name}?idx=N` with a UTF-8 `filename*`.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import quote_plus

from .common import esc, file_response, page_slice, robots
from .corpus import Post, notices, posts, secret
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
BOARD = "/home/www/openinfo/participation_07/participation_07_03"
LISTING = BOARD + "/page.wscms"
FILES = "/file/wsboard/data/www_bodo/"
TITLE_CUT = 28
ON = ' class="on"'


def cut(title: str) -> str:
    return title if len(title) <= TITLE_CUT else title[:TITLE_CUT] + "..."


class ShinanSite:
    name = "shinan"
    per_page = PER_PAGE

    def __init__(self, articles: int = 24, seed: int = 13):
        regular = posts(articles, seed, first_id=138401, id_step=3)
        # A secret post after the fifth: counted and numbered, never linked.
        at = min(5, len(regular))
        self.secret = secret(138400, regular[at - 1].posted)
        self.rows = [*regular[:at], self.secret, *regular[at:]]
        self.notices = [dataclasses.replace(n, department="기획예산과") for n in notices(first_id=130001)]
        self.regular = regular
        self.posts = regular                 # the regular posts; `Site` adds the notices
        self.by_id = {p.id: p for p in [*regular, *self.notices]}
        # Files by their `idx`, and the path each view page links (`{stamp}.hwp/{name}?idx=N`).
        self.files: dict[int, tuple[Post, int]] = {}
        self.links: dict[int, list[str]] = {}
        for p in regular:
            stamp = 1765529050 - (regular[0].posted - p.posted).days * 86400
            for k, f in enumerate(p.files):
                idx = 118001 + len(self.files)
                self.files[idx] = (p, k)
                ext = f.name.rsplit(".", 1)[-1]
                self.links.setdefault(p.id, []).append(
                    f"{FILES}{stamp}{f'_{k}' if k else ''}.{ext}/{quote_plus(f.name)}?idx={idx}")

    def listing_path(self, page: int = 1) -> str:
        return f"{LISTING}?page={page}&search=&keyword="

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.partition("?")[0] in (LISTING, BOARD)

    # ------------------------------------------------------------------ routing

    def respond(self, request: SiteRequest) -> SiteResponse:
        path = request.path
        if path == "/robots.txt":
            return robots()
        if path in (LISTING, BOARD):  # the board's "목록" button links the bare folder
            page = request.query.get("page") or "1"
            return SiteResponse.html(self.listing(int(page) if page.isdigit() else 1))
        if path.startswith(BOARD + "/show/"):
            ident = path.rsplit("/", 1)[-1]
            post = self.by_id.get(int(ident)) if ident.isdigit() else None
            if post is None:
                return SiteResponse.html(self.shell("<p class=\"error\">존재하지 않는 게시물입니다.</p>"), 404)
            return SiteResponse.html(self.view(post, request.query.get("page") or "1"))
        if path.startswith(FILES):
            found = self.files.get(int(request.query.get("idx") or 0))
            if found is None:
                return SiteResponse.not_found()
            post, k = found
            return file_response(post.files[k])
        return SiteResponse.not_found()

    # ------------------------------------------------------------------ pages

    def shell(self, content: str, title: str = "보도자료/해명") -> str:
        return f"""<!DOCTYPE html><html lang="ko"><head>
	<meta charset="UTF-8">
	<link rel="alternate" type="application/rss+xml" title="RSS feed for 신안-보도자료/해명" href="{BOARD}/rss">
	<title> {esc(title)}  &lt;  신안군뉴스   &lt;  열린군정   &lt; 신안군청 홈페이지  </title>
	<script type="text/javascript" src="/common/js/board.js"></script>
</head>
<body>
<ul id="skipNavigation"><li><a href="#sub_con">본문 바로가기</a></li></ul>
<div id="header"><h1 id="logo"><a href="/" title="인트로">1004 신안군</a></h1>
	<ul id="gnb"><li><a href="/home/www/openinfo/page.wscms">열린군정</a></li>
	<li><a href="/home/www/openinfo/participation_07/page.wscms">신안군뉴스</a></li>
	<li><a href="/home/www/openinfo/inhabitant_21/page.wscms">이력서등록</a></li></ul>
</div>
<div id="sub_con">
	<div id="title_box"><h3 class="title">보도자료/해명</h3>
		<div class="excel_word"><ul>
			<li><a href="?content_print=xls&amp;page=1&amp;search=&amp;keyword=&amp;title=보도자료/해명"><img alt="현 페이지 엑셀로 다운" src="/images/www/icon/btn_excel.gif"></a></li>
			<li><a href="?content_print=true&amp;page=1&amp;search=&amp;keyword=" target="_blank" title="새창"><img src="/images/www/sub/btn_print.png" alt="현 페이지 인쇄"></a></li>
		</ul></div>
	</div>
	<div id="navigation"><div class="navi_link">
		<p><a href="/home/www/page.wscms">홈</a></p><p><a href="/home/www/openinfo/page.wscms">열린군정</a></p><p><a href="/home/www/openinfo/participation_07/page.wscms">신안군뉴스</a></p><p><a href="{LISTING}">보도자료/해명</a></p>
	</div></div>
	<div id="content">
{content}
	</div>
	<div id="content_bottom">
		<dl id="page_admin"><dt class="page_admin3"><img src="/images/board/page_admin.gif" alt="담당자"></dt><dd class="page_admin3"><ul><li>기획예산과 홍보팀   ☎ <a href="tel:061-240-8365">061-240-8365</a></li></ul></dd></dl>
	</div>
</div>
<div id="footer"><address>(58826) 전라남도 신안군 압해읍 천사로 1004 신안군청</address></div>
</body></html>"""

    def listing(self, page: int) -> str:
        last = max(1, -(-len(self.rows) // PER_PAGE))
        page = min(max(page, 1), last)
        rows = page_slice(self.rows, page, PER_PAGE)
        first_number = len(self.rows) - (page - 1) * PER_PAGE
        lines = []
        for p in self.notices:
            lines.append(self.row(p, '<img src="/images/board/notice.gif" alt="공지">', page, ' class="notice"'))
        for k, p in enumerate(rows):
            lines.append(self.row(p, f"{first_number - k:,}", page))
        pages = " ".join(f'<a href="?page={n}&amp;search=&amp;keyword="{ON if n == page else ""}>{n}</a>'
                         for n in range(1, last + 1))
        return self.shell(f"""
		<div class="board_total">전체 <strong>{len(self.rows):,}</strong>건, 현재페이지 <strong>{page}</strong>/{last}</div>
		<table class="list_table" id="board_list_table">
			<caption>보도자료/해명 목록</caption>
			<thead><tr><th scope="col">번호</th><th scope="col">제목</th><th scope="col">등록부서</th><th scope="col">등록일</th><th scope="col">조회</th></tr></thead>
			<tbody>
{chr(10).join(lines)}
			</tbody>
		</table>
		<div class="list_page">{pages}</div>""")

    def row(self, p: Post, number: str, page: int, tr: str = "") -> str:
        if p.secret:
            title = f'<img src="/images/board/icon_secret.gif" alt="비밀글"> {esc(p.title)}'
        else:
            icons = '<img src="/images/board/icon_file.gif" alt="첨부파일" />' if p.files else ""
            title = (f'{icons}<a href="show/{p.id}?page={page}&amp;search=&amp;keyword=" class="">{esc(cut(p.title))}</a>'
                     '<img src="/images/board/new.gif" alt="새로운글" />')
        return f"""			<tr{tr}>
				<td class="list_idx">{number}</td>
				<td class="list_title" style="padding-left:0px;">{title}</td>
				<td class="list_member_name">{esc(p.department)}</td>
				<td class="list_reg_date">{p.posted:%Y-%m-%d}</td>
				<td class="list_visit">{p.views:,}</td>
			</tr>"""

    def view(self, post: Post, page: str = "1") -> str:
        body = "<br>\n<br>\n ".join(esc(t) for t in post.paragraphs)
        files = "".join(f"""
					<tr>
						<th scope="row"><label>파일{k}</label></th>
						<td colspan="3"><img src="/images/ext_img/{f.name.rsplit('.', 1)[-1]}.gif" alt="사용자등록파일" style="vertical-align:middle"><a href="{esc(path)}">{esc(f.name)}</a><span style="padding-left:5px; font-size:11px; color:#005DBF;"> (Down : 1, Size : {len(f.data) / 1024:.1f} KB)</span></td>
					</tr>""" for k, (path, f) in enumerate(zip(self.links.get(post.id, []), post.files), 1))
        return self.shell(f"""
		<table class="show_form">
	<caption>글 내용보기</caption>
	<tbody>
		<tr>
			<th scope="row"><label>번호</label></th>
			<td class="colspan3"><span>{post.id}</span></td>
			<th scope="row"><label>조회</label></th>
			<td class="colspan3"><span>{post.views:,}</span></td>
		</tr>
				<tr>
					<th scope="row"><label>등록부서</label></th>
						<td class="colspan3"><span>{esc(post.department)}</span></td>
			<th scope="row"><label>등록일</label></th>
			<td class="colspan3"><span>{post.posted:%Y-%m-%d %H:%M:%S}</span></td>
		</tr>
				<tr>
			<th scope="row"><label>제목</label></th>
			<td colspan="3"><span>{esc(post.title)}</span></td>
		</tr>
		<tr>
			<th scope="row"><label>내용</label></th>
			<td colspan="3" class="content">
				<!--// 자바스크립트가 작동하면 첨부된 사진이 썸네일형태로 변환되어 보여집니다. //-->
				<span>{body}</span>
							</td>
		</tr>{files}
	</tbody>
</table>
	<div class="codeView01"><img src="/images/kogl/img_opentype01.png" alt="&quot;출처표시&quot;"><span>신안군청</span>이 창작한 <span>{esc(post.title)}</span> 저작물은 공공누리&nbsp;<a href="http://www.kogl.or.kr/open/info/license_info/by.do" target="_blank" title="새창열림">"출처표시" </a>&nbsp;조건에 따라 이용할 수 있습니다.</div>
			<div class="board_button"><ul>
				<li><a href="{BOARD}?page={esc(page)}&amp;search=&amp;keyword=&amp;cate_list_sel="><img src="/images/board/board_list.gif" alt="목록"></a></li>
			</ul></div>
			<div id="qrcode"><dl><dd class="txt"><ul><li>이 QR Code는 <span>『보도자료/해명 {post.id}번』</span>의 정보를 담고 있습니다.</li></ul></dd></dl></div>""",
                          title=post.title)


class Site(ShinanSite):
    """The replica of the `shinan` profile as tests/test_site_replicas.py reads it: `posts` are
    what a crawl stores, the regular posts and the pinned notices; no person is printed, the
    registering department (등록부서) stands for the author."""

    def __init__(self, articles: int = 24, seed: int = 13):
        super().__init__(articles, seed)
        self.posts = [*self.regular, *self.notices]

    def expected(self, post: Post) -> dict:
        return {"author": post.department}
