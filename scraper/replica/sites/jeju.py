"""제주특별자치도 (www.jeju.go.kr) 보도자료: a list of `li.board-news__article` cards paged by
`?page=N`, views `list.htm?act=view&seq=N`, the text in `#articleContents.article-contents`, and
the contact and files after it in `div.news-info`.

From public code: the board `/news/bodo/list.htm`, `?page=N`, rows `li > a[href*="list.htm?act=view"]`
whose text ends with the date `YYYY-MM-DD`, the title in `strong`, the view's `작성일 | 2026-01-05
16:10:27` line in a `p`, files as `act=download` links (koreanewskorea scrapers/_disabled/jeju and
SCRAPER_SPEC.md); `<li class="board-news__article"><a href="/news/bodo/list.htm?act=view&amp;
seq=123"><strong class="text-ellipsis">…</strong><span class="date">2026-10-09</span></a></li>`,
`<div id="articleContents" class="article-contents">` opening with a `div.file-preview` iframe,
then `div.news-info` (문의처, files) (the fixtures of a public scraper's tests; an R script reads
`strong.text-ellipsis` off the same list).

Not shown by any source, kept conventional: the view's title heading, its view counter beside the
date, the labels in the contact block, file ids `no=N`, ten cards a page, a page past the end
repeating the last one, the menus and footer. No author is printed.
"""

from __future__ import annotations

from .common import BoardReplica, paging, esc, page_slice, paragraphs_html
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

PER_PAGE = 10
BOARD = "/news/bodo/list.htm"

MENU = """<header id="header"><nav id="gnb"><ul>
	<li><a href="/news/news.htm">제주소식</a><ul><li><a href="/news/bodo/list.htm">보도자료</a></li>
	<li><a href="/news/news/notice.htm">공지사항</a></li></ul></li>
	<li><a href="/open/open.htm">정보공개</a></li>
</ul></nav></header>"""

FOOTER = """<section class="page-manager"><dl><dt>담당부서</dt><dd>공보관</dd><dt>연락처</dt><dd>064-710-2031</dd>
<dt>최종수정일</dt><dd>2025-12-31</dd></dl></section>
<footer id="footer"><address>(63122) 제주특별자치도 제주시 문연로 6 (연동)</address>
<p>Copyright © Jeju Special Self-Governing Province. All rights reserved.</p></footer>"""


class Site(BoardReplica):
    name = "jeju"
    per_page = PER_PAGE

    def __init__(self, articles: int = 25, seed: int = 47):
        self._posts(posts(articles, seed, first_id=1180211, id_step=5))

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?")[0] == BOARD and "act=" not in path

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path != BOARD:
            return None
        act = request.query.get("act")
        if act in ("view", "download"):
            post = self.post(request.query.get("seq"))
            if post is None:
                return SiteResponse.html("<script>alert('삭제되었거나 없는 게시물입니다.');history.back();</script>")
            return self.shown(post) if act == "view" else self.sent(self.file(post.id, request.query.get("no")))
        return self.listed(request.query.get("page"))

    def page(self, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 제주특별자치도</title></head>
<body>
{MENU}
<main id="content">
{content}
</main>
{FOOTER}
</body></html>"""

    def listing(self, page: int) -> str:
        pages, current = paging(len(self.posts), page, PER_PAGE)
        cards = "\n".join(f"""	<li class="board-news__article">
		<a href="{BOARD}?act=view&amp;seq={p.id}">
			<strong class="text-ellipsis">{esc(p.title)}</strong>
			<span class="department">{esc(p.department)}</span>
			<span class="date">{p.posted:%Y-%m-%d}</span>
		</a>
	</li>""" for p in page_slice(self.posts, current, PER_PAGE))
        links = "".join(f'<strong class="active">{n}</strong>' if n == current else
                        f'<a href="?page={n}">{n}</a>' for n in range(1, pages + 1))
        following = f'<a href="?page={current + 1}" class="next">다음</a>' if current < pages else ""
        return self.page(f"""<div class="board-news">
<p class="board-count">총 <em>{len(self.posts)}</em>건</p>
<ul class="board-news__list">
{cards}
</ul>
<nav class="pagination">{links}{following}</nav>
</div>""")

    def view(self, post: Post) -> str:
        files = "\n".join(f'<li><a href="?act=download&amp;seq={post.id}&amp;no={k}" class="file-{f.name.rsplit(".", 1)[-1]}">{esc(f.name)}</a>'
                          f' <a href="?act=preview&amp;seq={post.id}&amp;no={k}" class="btn-preview">미리보기</a></li>'
                          for k, f in enumerate(post.files, 1))
        return self.page(f"""<article class="board-view">
	<header class="article-header">
		<h3 class="article-title">{esc(post.title)}</h3>
		<div class="article-info">
			<p class="date">작성일 | <span>{post.posted:%Y-%m-%d %H:%M:%S}</span></p>
			<p class="hit">조회수 | <span>{post.views:,}</span></p>
		</div>
	</header>
	<div id="articleContents" class="article-contents">
		<div class="file-preview"><iframe title="첨부파일 미리보기" src="?act=preview&amp;seq={post.id}&amp;no=1"></iframe></div>
		{paragraphs_html(post)}
	</div>
	<div class="news-info">
		<dl class="contact"><dt>담당부서</dt><dd>{esc(post.department)}</dd><dt>문의처</dt><dd>{esc(post.phone)}</dd></dl>
		<div class="article-files"><h4>첨부파일</h4><ul>
{files}
		</ul></div>
	</div>
	<div class="board-buttons"><a href="{BOARD}" class="btn-list">목록</a></div>
</article>""")
