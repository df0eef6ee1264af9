"""충청북도 (www.chungbuk.go.kr) 보도자료 on the NeoCMS board software (hanshinit `selectBbsNtt…`):
a table listing paged by `&pageIndex=N`, relative view links `./selectBbsNttView.do?key=…&bbsNo=…
&nttNo=N…`, and a `table.p-table` view.

From public code: the board `/www/selectBbsNttList.do?bbsNo=65&key=429`, its `pageIndex` pages,
the title links in `td.p-subject a` pointing at `./selectBbsNttView.do?key=429&bbsNo=65&nttNo=N`,
a `YYYY-MM-DD` date after each link, the text in the view's content cell (a public TypeScript
collector of this board and an R script that walked its pages; koreanewskorea
scrapers/_disabled/chungbuk and SCRAPER_SPEC.md name the same software at bbsNo=60&key=421);
the NeoCMS view skin (`bbsSkin/normal/view.ftl` of a public NeoCMS site): the subject cell's
`span.p-table__subject_text` and `div.p-author__info` of `<span class="p-split"><em
class="skip">작성자 :</em> …</span>`, `작성일 :` with a `<time>`, `조회 :` with an icon and a
number; th/td rows for the other fields (담당부서); files in `ul.p-attach` as
`./downloadBbsFile.do?atchmnflNo=N` links holding an icon span and the name; the text in
`td.p-table__content`; the list parameters of its links (searchCtgry, searchCnd, searchKrwd,
pageIndex, integrDeptCode).

Not shown by any source, kept conventional: the other list cells and their classes, ten rows a
page, two notices pinned on every page (number cell 공지), a page past the end repeating the last.
"""

from __future__ import annotations

from .common import BoardReplica, paging, as_int, esc, page_slice, paragraphs_html
from .corpus import Post, notices, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
LIST = "/www/selectBbsNttList.do"
VIEW = "/www/selectBbsNttView.do"
DOWNLOAD = "/www/downloadBbsFile.do"
BOARD = "key=429&bbsNo=65"

MENU = """<div id="header"><ul id="gnb">
	<li><a href="/www/contents.do?key=422">도정소식</a><ul><li><a href="/www/selectBbsNttList.do?bbsNo=65&amp;key=429">보도자료</a></li>
	<li><a href="/www/selectBbsNttList.do?bbsNo=1&amp;key=428">공지사항</a></li></ul></li>
	<li><a href="/www/contents.do?key=500">정보공개</a></li>
</ul></div>"""

FOOTER = """<div class="p-satisfaction"><dl><dt>담당부서</dt><dd>대변인실</dd><dt>문의</dt><dd>043-220-2061</dd>
<dt>최종수정일</dt><dd>2025-12-22</dd></dl></div>
<div id="footer"><address>(28515) 충청북도 청주시 상당구 상당로 82 (문화동)</address>
<p>COPYRIGHT (C) CHUNGCHEONGBUK-DO. ALL RIGHTS RESERVED.</p></div>"""


class Site(BoardReplica):
    name = "chungbuk"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 43, pinned: bool = True):
        self._posts(posts(articles, seed, first_id=310021, id_step=9), notices(first_id=298001) if pinned else [],
                    notices_last=True)

    @staticmethod
    def file_no(post: Post, number: int) -> int:
        return 2_400_000 + post.id * 3 + number

    def file_key(self, post: Post, number: int) -> int:
        return self.file_no(post, number)

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?")[0] == LIST

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path in (LIST, VIEW) and (request.query.get("key"), request.query.get("bbsNo")) != ("429", "65"):
            return None
        if request.path == LIST:
            return self.listed(request.query.get("pageIndex"))
        if request.path == VIEW:
            return self.shown(self.post(request.query.get("nttNo"))) or SiteResponse.html(
                "<script>alert('존재하지 않는 게시물입니다.');history.back();</script>")
        if request.path == DOWNLOAD:
            return self.sent(self.files.get(as_int(request.query.get("atchmnflNo"))))
        return None

    def page(self, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 충청북도</title></head>
<body>
{MENU}
<div id="contents">
{content}
</div>
{FOOTER}
</body></html>"""

    @staticmethod
    def params(post: Post, page: int) -> str:
        return (f"?{BOARD}&amp;nttNo={post.id}&amp;searchCtgry=&amp;searchCnd=all&amp;searchKrwd="
                f"&amp;pageIndex={page}&amp;integrDeptCode=")

    def _row(self, post: Post, number: str, page: int) -> str:
        icon = ' <span class="p-icon p-icon__new">새글</span>' if post is self.regular[0] else ""
        return f"""<tr{' class="p-notice"' if post.notice else ''}>
	<td class="p-num">{number}</td>
	<td class="p-subject"><a href="./selectBbsNttView.do{self.params(post, page)}">{esc(post.title)}</a>{icon}</td>
	<td>{esc(post.department)}</td>
	<td><time>{post.posted:%Y-%m-%d}</time></td>
	<td>{post.views:,}</td>
	<td>{'<span class="p-icon p-icon__file">첨부파일</span>' if post.files else '-'}</td>
</tr>"""

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.regular), page, PER_PAGE)
        first = len(self.regular) - (current - 1) * PER_PAGE
        rows = [self._row(p, '<span class="p-icon p-icon__notice">공지</span>', current) for p in self.notices]
        rows += [self._row(p, str(first - k), current)
                 for k, p in enumerate(page_slice(self.regular, current, PER_PAGE))]
        links = "".join(f'<span class="p-page__link active">{n}</span>' if n == current else
                        f'<a href="?{BOARD}&amp;pageIndex={n}" class="p-page__link">{n}</a>'
                        for n in range(1, pages + 1))
        return self.page(f"""<div class="p-wrap bbs bbs__list">
<p class="total">총 <strong>{len(self.regular)}</strong>건, {current}/{pages} 페이지</p>
<table class="p-table simple" data-table="rwd">
	<caption>보도자료 목록 - 번호, 제목, 담당부서, 작성일, 조회수, 첨부</caption>
	<thead><tr><th scope="col">번호</th><th scope="col">제목</th><th scope="col">담당부서</th><th scope="col">작성일</th><th scope="col">조회수</th><th scope="col">첨부</th></tr></thead>
	<tbody class="text_center">
{''.join(rows)}
	</tbody>
</table>
<div class="p-pagination"><div class="p-page">{links}</div></div>
</div>""")

    def view(self, post: Post) -> str:
        files = "".join(f"""
					<li class="p-attach__item">
						<a href="./downloadBbsFile.do?atchmnflNo={self.file_no(post, k)}" class="p-attach__link">
						<span class="p-icon p-icon__{f.name.rsplit('.', 1)[-1]}">{f.name.rsplit('.', 1)[-1]} 문서</span>
						<span>{esc(f.name)}</span>
						</a>
						<a href="./previewBbsFile.do?atchmnflNo={self.file_no(post, k)}" target="_blank" class="p-attach__preview p-button">
						<i class="p-icon p-icon__search"></i> 미리보기
						</a>
					</li>""" for k, f in enumerate(post.files, 1))
        return self.page(f"""<div class="p-wrap bbs bbs__view">
	<table class="p-table block" data-table="rwd" data-tabletype="block" data-breakpoint="760">
		<caption>보도자료 상세보기 - 제목, 작성자, 작성일, 조회수, 담당부서, 첨부파일, 내용 정보 제공</caption>
		<colgroup><col class="w20p"><col></colgroup>
		<tbody class="p-table--th-left">
		<tr>
			<td colspan="2">
				<span class="p-table__subject_text">
					{esc(post.title)}
				</span>
				<div class="p-author__info">
					<span class="p-split"><em class="skip">작성자 :</em>
							{esc(post.author)}
					</span>
					<span class="p-split"><em class="skip">작성일 :</em> <time>{post.posted:%Y-%m-%d}</time></span>
					<span class="p-split"><em class="skip">조회 :</em> <svg width="18" height="15" fill="#959595" focusable="false"><use xlink:href="/common/images/program/p-icon.svg#eye" y="1"></use></svg> <span>{post.views:,}</span></span>
				</div>
			</td>
		</tr>
		<tr>
			<th scope="row">담당부서</th>
			<td>{esc(post.department)}</td>
		</tr>
		<tr>
			<th scope="row">첨부파일</th>
			<td>
				<ul class="p-attach">{files}
				</ul>
			</td>
		</tr>
		<tr>
			<td colspan="2" title="내용" class="p-table__content">
				{paragraphs_html(post)}
			</td>
		</tr>
		</tbody>
	</table>
	<div class="row margin_t_30"><div class="col-12"><a href="./selectBbsNttList.do?{BOARD}" class="p-button p-button--bordered list">목록</a></div></div>
</div>""")
