"""경상북도 (gb.go.kr) press releases: card list paged by a row offset, dl/dt/dd view pages.

As on the real site: `ul.report_list > li` cards with the department, phone and a `YY-MM-DD`
date; GET `&Start=0,10,20…` (an offset past the end shows the last page again); view pages at
`page.do?…&cmd=2&B_NUM=…` with dt/dd field blocks (부서명, 전화번호, 작성자, 작성일 `2026-01-07
14:11:54`, 조회수, 첨부파일), the body in `div.cont_view`, `.hwp` files from `download.jsp`, a script
that would put another manager's name in the field block, and previous/next links below.
"""

from __future__ import annotations

from .common import esc, file_response, page_slice, paragraphs_html, robots
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
PAGE = "/Main/page.do"
MENU = "mnu_uid=6792&dept_code=&dept_name=&BD_CODE=bbs_bodo&bdName="


def view_path(post: Post, start: int = 0) -> str:
    return (f"{PAGE}?{MENU}&cmd=2&Start={start}&B_NUM={post.id}&B_STEP={post.id - 1}&B_LEVEL=0"
            f"&key=4&word=&p1=0&p2=0&V_NUM=13418&tbbscode1=bbs_bodo")


class GyeongbukSite:
    name = "gyeongbuk"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 11):
        self.posts = posts(articles, seed, first_id=506258001, id_step=300)
        self.by_id = {p.id: p for p in self.posts}
        self.files = {(p.id, k): f for p in self.posts for k, f in enumerate(p.files, 1)}

    def listing_path(self, start: int = 0) -> str:
        return f"{PAGE}?{MENU}&cmd=1&Start={start}"

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.partition("?")[0] == PAGE and "&cmd=1&" in f"&{path.partition('?')[2]}&"

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == PAGE and request.query.get("cmd") == "1":
            return SiteResponse.html(self.listing(int(request.query.get("Start") or 0)))
        if request.path == PAGE and request.query.get("cmd") == "2":
            post = self.by_id.get(int(request.query.get("B_NUM") or 0))
            return SiteResponse.html(self.view(post)) if post else SiteResponse.not_found()
        if request.path == "/Common/board_egov/download.jsp":
            file = self.files.get((int(request.query.get("B_STEP") or 0) + 1,
                                   int(request.query.get("B_ORDER") or 0)))
            return file_response(file) if file else SiteResponse.not_found()
        return SiteResponse.not_found()

    def listing(self, start: int) -> str:
        rows = page_slice(self.posts, start // PER_PAGE + 1, PER_PAGE)
        cards = "\n".join(f"""
		<li data-aa="" data-bb="true" data-cc="">
			<a href=".{esc(view_path(p, start).removeprefix('/Main'))}" title="{esc(p.title)}">
				<div class="report_img no_img"><img src="/Main/Images/new/ko/board/bodo_img.gif" alt="경상북도 GYEONGSANGBUK-DO"></div>
			</a>
			<div class="report_cont">
				<div class="subject">
					<p><a href=".{esc(view_path(p, start).removeprefix('/Main'))}" title="{esc(p.title)}">{esc(p.title)} <img src="/Images/Main/ic_new.gif" alt="새글"></a></p>
				</div>
				<div class="classify">
				<span>{esc(p.department)}</span> ｜ <span>{esc(p.phone)}</span> ｜ <span>{p.posted:%y-%m-%d}</span>
				</div>
				<div class="cont">{esc(p.paragraphs[0][:120])}...</div>
			</div>
		</li>""" for p in rows)
        pages = -(-len(self.posts) // PER_PAGE)
        current = min(start // PER_PAGE + 1, pages)
        # As on the real site: the current page in <strong>, the others linked by offset.
        links = "&nbsp;".join(
            f"<strong>{n}</strong>" if n == current else
            f'<a href="page.do?{MENU.replace("&", "&amp;")}&amp;cmd=1&amp;key=4&amp;Start={(n - 1) * PER_PAGE}" '
            f'title="{n}페이지로 이동합니다.">{n}</a>' for n in range(1, pages + 1))
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 경상북도</title></head>
<body>
<div id="gnb"><ul><li><a href="/Main/">도정소식</a></li><li><a href="/Main/">보도자료</a></li></ul></div>
<div class="report">
	<ul class="report_list">{cards}
	</ul>
</div>
<div class="pagination">{links}</div>
<footer>경상북도 안동시 풍천면 도청대로 455 · 조회수 1,234,567</footer>
</body></html>"""

    def view(self, post: Post) -> str:
        index = self.posts.index(post)
        prev = self.posts[index + 1] if index + 1 < len(self.posts) else None
        files = "".join(
            f'<a href="/Common/board_egov/download.jsp?B_STEP={post.id - 1}&amp;B_ORDER={k}" class="link_no">'
            f'{esc(f.name)}</a>&nbsp;<a href="/synapview/viewer.jsp?B_STEP={post.id - 1}&amp;B_ORDER={k}">'
            f'<strong>[미리보기]</strong></a><br>' for k, f in enumerate(post.files, 1))
        prev_link = (f'<a href="javascript:moveUrl(\'2\',\'0\',\'{prev.id}\')" class="link33">{esc(prev.title)}</a>'
                     if prev else "글이 없습니다...")
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 경상북도</title>
<script>
$(document).ready(function(){{
	if('bbs_bodo' == 'ngo_notice') {{ $('.manager > dd').html('대변인실 강성진'); }}
}});
</script></head>
<body>
<div id="gnb"><ul><li><a href="/Main/">도정소식</a></li><li><a href="/Main/">보도자료</a></li></ul></div>
<div class="report_view">
	<div class="reportview_cont">
		<div class="subject">
			{esc(post.title)}
		</div>
		<div class="classify_list"><dl>
			<dt><span>부서명</span></dt><dd>{esc(post.department)}</dd>
			<dt><span>전화번호</span></dt><dd>{esc(post.phone)}</dd>
		</dl></div>
		<div class="classify_list"><dl>
			<dt><span>작성자</span></dt><dd>
				{esc(post.author)}
			</dd>
			<dt><span>작성일</span></dt><dd>{post.posted:%Y-%m-%d %H:%M:%S}</dd>
			<dt><span>조회수</span></dt><dd>{post.views}</dd>
		</dl></div>
		<div class="classify_list"><dl>
			<dt><span>첨부파일</span></dt><dd>{files}</dd>
		</dl></div>
	</div>
	<div class="cont_view">
		<!--div class="view_title">{esc(post.title)}</div-->
		{paragraphs_html(post)}
	</div>
</div>
<div class="bbsView">
	<dl class="nav prev"><dt><span>이전글</span></dt><dd>{prev_link}</dd></dl>
</div>
<footer>경상북도 안동시 풍천면 도청대로 455</footer>
</body></html>"""


Site = GyeongbukSite   # the replica of the `gyeongbuk` profile (scraper.replica.sites convention)
