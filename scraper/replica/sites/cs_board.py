"""The `.cs` CMS board (진도군 B0016.cs): the `cs-board` family.

The list as on the real page (../shared/real-pages/jindo_*), written by hand: a search form, then
`form[name=boardListForm] > ul.news_list > li.thumb_news`, each card one link
`?act=read&articleId=N&categoryId=0&m=626&searchCondition=&searchKeyword=&pageIndex=P` holding
`em.news_tit` (a `[분류]` span, the title, a "new" icon), a thumbnail and summary, `span.news_info`
whose department hides in a comment (`<!--기획홍보실 | //-->작성일 : 2025-12-08`) and
`span.news_read` `조회수 : 14`; `div.paginate` links `?…&pageIndex=N`, 5 cards a page.
The view page was not captured: it is modelled as a th/td table (제목, 작성자, 작성일, 조회수) over
`div.view_content` and files from `/cms/download.cs?atchFile=…`, after the public scraper.
"""

from __future__ import annotations

import base64
import dataclasses

from .common import paging, as_int, esc, file_response, page_slice, paragraphs_html, robots
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

CATEGORIES = ("진도소식", "농수축산물 / 진도개", "문화/행사", "행정/교육")


class Site:
    name = "cs-board"
    board = "/"                 # the family's replica: the board is the site root
    menu = "626"
    per_page = 5
    host = "127.0.0.1"
    template = True

    def __init__(self, articles: int = 25, seed: int = 41):
        self.generated = posts(articles, seed, first_id=178001, id_step=7)
        self.by_id = {p.id: p for p in self.generated}
        self.posts = [dataclasses.replace(p, id=f"{self.host}:{p.id}") if self.template else p
                      for p in self.generated]
        self.files = {self.file_key(p, k): f for p in self.generated for k, f in enumerate(p.files, 1)}

    def is_listing(self, method: str, path: str, body: bytes) -> bool:
        where, _, query = path.partition("?")
        return where == self.board and "act=read" not in query

    @staticmethod
    def file_key(post: Post, number: int) -> str:
        return base64.urlsafe_b64encode(f"{post.id}:{number}".encode()).decode().rstrip("=")

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == "/cms/download.cs":
            found = self.files.get(request.query.get("atchFile", ""))
            return file_response(found) if found else SiteResponse.not_found()
        if request.path != self.board:
            return SiteResponse.not_found()
        if request.query.get("act") == "read":
            post = self.by_id.get(as_int(request.query.get("articleId")))
            return SiteResponse.html(self.view(post)) if post else SiteResponse.html(
                "<script>alert('게시물이 존재하지 않습니다.');history.back();</script>", 404)
        return SiteResponse.html(self.listing(as_int(request.query.get("pageIndex")) or 1))

    def page(self, title: str, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(title)} | 군정소식 : 진도군청</title></head>
<body><div id="gnb"><ul><li><a href="{self.board}?m={self.menu}">군정소식</a></li><li><a href="/home/sub.cs?m=1">열린군정</a></li></ul></div>
<div id="contBody">{content}</div>
<div id="contSurvey"><div id="contLicense"><a href="http://www.kogl.or.kr/info/licenseType1.do">공공누리 제1유형</a></div>
<dl class="cont_manager"><dt>담당부서</dt><dd>기획홍보실</dd><dt>최종수정일</dt><dd>2025-12-12</dd></dl></div>
</body></html>"""

    def listing(self, page: int) -> str:
        total, current = paging(len(self.generated), page, self.per_page)
        query = f"categoryId=0&amp;m={self.menu}&amp;searchCondition=&amp;searchKeyword=&amp;"
        cards = "".join(f"""
\t<li class="thumb_news"><a href="?act=read&amp;articleId={p.id}&amp;{query}pageIndex={current}">
\t\t<em class="news_tit">
\t\t\t<span class="styCategory">[{CATEGORIES[p.id % len(CATEGORIES)]}]</span> {esc(p.title)}<span class="inew"><img src="/themes/home/images/content/bbs_ico_new.png" alt="new"></span></em>
\t\t<span class="news_inner">
\t\t\t<span class="news_thumb"><img src="/uploads/board/{p.id}.jpg" alt="{esc(p.title)} 이미지"></span><!-- // news_thumb -->
\t\t\t<span class="news_txt">{esc(p.title)} {esc(p.paragraphs[0][:120])}...</span>
\t\t</span>
\t\t<span class="news_info"><!--{esc(p.department)} | //-->작성일 : {p.posted:%Y-%m-%d}</span>
\t\t<span class="news_read">조회수 : {p.views}</span>
\t</a></li><!-- // news_item -->""" for p in page_slice(self.generated, page, self.per_page))
        pages = "".join(f'<li class="eq{n}"><strong>{n}</strong></li>' if n == current else
                        f'<li class="eq{n}"><a href="?{query}&amp;pageIndex={n}">{n}</a></li>'
                        for n in range(1, total + 1))
        following = (f'<div class="next"><a href="?{query}&amp;pageIndex={current + 1}">next</a></div>'
                     if current < total else "")
        return self.page("목록", f"""<h3 class="comment">전체</h3>
<div class="board_head"><div class="board_info"><em>게시물수 {len(self.generated):,}건</em></div>
<div class="board_search"><form action="?act=list" method="post"><input type="hidden" name="m" value="{self.menu}">
<select name="searchCondition" title="검색조건"><option value="subject">제목</option><option value="writerNm">이름</option></select>
<input class="frm_input" type="text" name="searchKeyword" value=""><input class="frm_submit" type="submit" value="검색"></form></div></div>
<form name="boardListForm" action="{self.board}" method="post"><input type="hidden" name="act" value="">
<ul class="news_list">{cards}
\t</ul><!-- // news_list -->
</form>
<div class="paginate"><div class="pages"><ul>{pages}</ul></div><div class="current_pages"><em>{current}</em> / <span>{total}</span></div>
<div class="page_next page_ctrl">{following}</div></div><!-- // paginate -->""")

    def view(self, post: Post) -> str:
        files = "".join(f'<li><a href="/cms/download.cs?atchFile={self.file_key(post, k)}">{esc(f.name)}</a></li>'
                        for k, f in enumerate(post.files, 1))
        return self.page(post.title, f"""<div class="board_view">
<table class="view_table"><caption>게시물 상세</caption><tbody>
<tr><th scope="row">제목</th><td colspan="3">{esc(post.title)}</td></tr>
<tr><th scope="row">작성자</th><td>{esc(post.author)}</td><th scope="row">작성일</th><td>{post.posted:%Y-%m-%d %H:%M}</td></tr>
<tr><th scope="row">담당부서</th><td>{esc(post.department)}</td><th scope="row">조회수</th><td>{post.views:,}</td></tr>
<tr><th scope="row">첨부파일</th><td colspan="3"><ul class="file_list">{files}</ul></td></tr>
</tbody></table>
<div class="view_content">{paragraphs_html(post)}</div></div>
<div class="board_btn"><a href="?m={self.menu}" class="btn_list">목록</a></div>""")
