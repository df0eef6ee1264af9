"""YB CMS (ybscript.io) boards of Jeollanam-do counties: the `yb-cms` family and its skins.

Two skins, as on the real pages (../shared/real-pages, naju_* and mokpo_*), written by hand:
- "table" (나주): `table.table_list` rows 번호 (a display number with a comma, not the id) /
  제목 (`a > span`, a new icon) / 등록부서 / 등록일 `2025-12-05` / 조회수, `div.pagination` links
  `?page=N`; views in `div#board_basic_view`: `div.view_title p.title`, `ul.info` li of
  `span.tit` 등록일 `2025.12.05 16:40` / 조회수 / 등록부서, a photo in a first `div.view_box`, the
  text in a second (`<p>` with `<br>` lines), files in `div.view_box.file_area`: `span.name`,
  `span.info [jpg,474.7 KB]`, a button opening `/ybscript.io/common/file_download/IDX/FILE/NAME?pkey=…`.
- "cards" (목포, the skin 강진 also runs): cards with an h3 title, date `2025-12-11` and 조회수;
  views in `div.view_titlebox` (h3, a dl 날짜 `2025.12.09 ` / 조회수 / 담당부서), the text in
  `div.text_viewbox`, files in `div.file_viewbox` as links under `/www/ybscript.io/…` with a
  download counter `(1 hit/ 360.6 KB)`, and a page-info footer naming another department.
Every page ends with the page-info block and a satisfaction survey. A page past the end shows the
last one again. The family's replica serves the board at the site root; a county's at its path.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from .common import as_int, esc, file_response, page_slice, robots
from .corpus import Post, posts
from .http import SiteRequest, SiteResponse

DOWNLOAD = "/ybscript.io/common/file_download"
PKEY = "aP5W26PZN"
FOOTER = """<div class="satisfy_area tp1"><div class="satisfy_top"><ul class="dl">
<li class="toggle_area"><span class="dt toggle_tit">담당부서 및 연락처</span><div class="dd toggle_cnt"><ul class="list"><li>
<span class="dl"><span class="dt">담당부서</span><span class="dd">시민공감홍보실 홍보</span></span>
<span class="dl"><span class="dt">전화</span><span class="dd">061-339-8362</span></span></li></ul></div></li>
<li><span class="dt">최종수정일</span><span class="dd">2025-12-12</span></li></ul></div>
<form name="satisfaction_survey_form" action="/ybscript.io/common/satisfaction_survey" method="post">
<p>이 페이지에서 제공하는 정보에 대하여 만족하십니까?</p>
<input type="radio" name="page_point" id="p1" value="100"><label for="p1">매우만족</label>
<input type="radio" name="page_point" id="p2" value="80"><label for="p2">만족</label></form></div>"""


class Site:
    name = "yb-cms"
    board = "/"                 # the family's replica: the board is the site root
    skin = "table"
    per_page = 10
    download_prefix = ""        # 목포 serves files under /www
    host = "127.0.0.1"          # a family's article ids carry the host (`127.0.0.1:591764`)
    template = True

    def __init__(self, articles: int = 25, seed: int = 31):
        self.generated = posts(articles, seed, first_id=591001, id_step=3)
        self.by_idx = {p.id: p for p in self.generated}
        # What the source stores: a board family qualifies its ids by the site's host.
        self.posts = [dataclasses.replace(p, id=f"{self.host}:{p.id}") if self.template else p
                      for p in self.generated]
        self.files = {self.file_id(p, k): (p, f) for p in self.generated for k, f in enumerate(p.files, 1)}

    # ------------------------------------------------------------------ the test's questions

    def is_listing(self, method: str, path: str, body: bytes) -> bool:
        where, _, query = path.partition("?")
        return where == self.board and "mode=view" not in query

    def body(self, post: Post) -> str:
        return "\n\n".join(post.paragraphs)

    # ------------------------------------------------------------------ serving

    @staticmethod
    def file_id(post: Post, number: int) -> int:
        return post.id * 10 + number

    def download_path(self, post: Post, number: int, name: str) -> str:
        return f"{self.download_prefix}{DOWNLOAD}/{post.id}/{self.file_id(post, number)}/{quote(name)}?pkey={PKEY}"

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == self.board:
            if request.query.get("mode") == "view":
                post = self.by_idx.get(as_int(request.query.get("idx")))
                return SiteResponse.html(self.view(post)) if post else SiteResponse.html(
                    "<script>alert('존재하지 않는 게시물입니다.');history.back();</script>", 404)
            return SiteResponse.html(self.listing(as_int(request.query.get("page")) or 1))
        prefix = self.download_prefix + DOWNLOAD + "/"
        if request.path.startswith(prefix):
            parts = request.path[len(prefix):].split("/")
            found = self.files.get(as_int(parts[1])) if len(parts) == 3 else None
            if found is None or str(found[0].id) != parts[0] or request.query.get("pkey") != PKEY:
                return SiteResponse.not_found()
            return file_response(found[1])
        return SiteResponse.not_found()

    def page_count(self) -> int:
        return max(1, -(-len(self.generated) // self.per_page))

    def page(self, title: str, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{esc(title)} | 보도자료</title>
<meta property="og:title" content="{esc(title)} 보도자료 시정소식 뉴스 홍보">
<meta property="og:description" content="7Jik64qY7J2YIOuJtOyKpA0KDQo=8J+TsA0KDQrsi5zsoJXshozsi50="></head>
<body><div id="header"><ul class="gnb"><li><a href="/www/administration">행정정보</a></li>
<li><a href="{self.board}">보도자료</a></li></ul></div>
<div id="content">{content}</div>
{FOOTER}
<div id="footer"><address>전라남도 (우)58258</address><p>Copyright ©. All Rights Reserved.</p></div>
</body></html>"""

    # ------------------------------------------------------------------ listings

    def listing(self, page: int) -> str:
        total = self.page_count()
        current = min(max(page, 1), total)
        shown = page_slice(self.generated, page, self.per_page)
        rows = self.table(shown, current) if self.skin == "table" else self.cards(shown)
        links = "".join('<a href="#" class="on">%d</a>' % n if n == current else
                        f'<a href="{self.board}?page={n}">{n}</a>' for n in range(1, total + 1))
        following = (f'<a class="btn_text" href="{self.board}?page={current + 1}"><span>다음</span></a>'
                     if current < total else "")
        return self.page("보도자료", f"""{rows}<!-- page navigation : s --><div class="pagination">
<div class="page_link">{links}</div>{following}<div class="page_num">
<input type="text" id="page_now" class="input_base" value="{current}"><span class="split">/</span>
<input type="text" id="page_total" class="input_base" disabled="" value="{total}"></div></div>""")

    def table(self, shown: list[Post], current: int) -> str:
        first = len(self.generated) - (current - 1) * self.per_page
        rows = "".join(f"""<tr>\t<td>{first - k:,}</td>\t<td class= "align_left">
\t\t<a href="{self.board}?idx={p.id}&amp;mode=view"  title="{esc(p.title)} 에 대한 글내용 보기.">
\t\t\t<span>{esc(p.title)}</span><i class="ico_new itid"></i>\t\t</a>      </td>
  <td class="mob_dp_inflex">{esc(p.department)}</td><td class="mob_dp_inflex">{p.posted:%Y-%m-%d}</td>
  <td class="web_only">{p.views:,}</td></tr>""" for k, p in enumerate(shown))
        return f"""<table class="table_list">  <caption>보도자료 게시물. 각 로우는 번호, 제목, 등록부서, 등록일, 조회수로 구성되어 있습니다.</caption>
<thead><tr class="bg-color"><th scope="col">번호</th><th scope="col">제목</th><th scope="col">등록부서</th>
<th scope="col">등록일</th><th scope="col" class="bg_none">조회수</th></tr></thead><tbody>{rows}  </tbody></table>"""

    def cards(self, shown: list[Post]) -> str:
        cards = "".join(f"""<li><a href="?idx={p.id}&amp;mode=view" class="item_cont">
<div class="img_box"><img src="/build/images/{p.id}.jpg/282x160x85/282x160_{p.id}.jpg" alt="{esc(p.title)}"></div>
<div class="txt_box"><h3>{esc(p.title)}</h3><p class="c_sub">{esc(p.paragraphs[0][:60])}</p>
<ul class="c_exp"><li>{p.posted:%Y-%m-%d}</li><li>조회수 <span>{p.views:,}</span></li><li>{esc(p.department)}</li></ul></div></a></li>"""
                        for p in shown)
        return f'<div class="board_list"><ul class="md_list card">{cards}</ul></div>'

    # ------------------------------------------------------------------ views

    def view(self, post: Post) -> str:
        return self.page(post.title, self.view_table(post) if self.skin == "table" else self.view_cards(post))

    def view_table(self, post: Post) -> str:
        text = "<br>\n<br>\n".join(esc(p) for p in post.paragraphs)
        files = "".join(f"""<li><span class="file"><i class="ico_img itid"></i>
<span class="name">{esc(f.name)}</span><span class="info">[{f.name.rsplit('.', 1)[-1]},{len(f.data) / 1024:.1f} KB]</span></span>
<div class="btn_flex tp1 jc_end"><button type="button" class="btn_text" onclick="window.open('{self.download_path(post, k, f.name)}', '_blank')"><span>다운로드</span></button>
<button type="button" class="btn_text" onclick="window.open('/Viewer/{self.file_id(post, k)}', '_blank')"><span>미리보기</span></button></div></li>"""
                        for k, f in enumerate(post.files, 1))
        file_box = (f"""<div class="view_box file_area"><div class="file_tit"><span>첨부파일</span></div>
<div class="file_cnt"><ul class="file_list">{files}</ul></div></div>""" if post.files else "")
        return f"""<div id="board_basic_view">
<div class="view_title"><p class="title">{esc(post.title)}</p><ul class="info">
<li><span class="tit">등록일</span><span class="sub">{post.posted:%Y.%m.%d %H:%M}</span></li>
<li><span class="tit">조회수</span><span class="sub">{post.views:,}</span></li>
<li><span class="tit">등록부서</span><span class="sub">{esc(post.department)}</span></li></ul></div>
<div class="view_box"><img src="./ybmodule.file/board_gov/www_report/1000x1/{post.id}.jpg" alt="{esc(post.title)}"></div><div class="view_box">    <p>{text}</p></div>
{file_box}</div>
<div class="btn_flex btn_page"><button type="button" onclick="location.href='{self.board}?mode=list'"><span>목록</span></button></div>"""

    def view_cards(self, post: Post) -> str:
        text = "<br>\n" + "<br>\n<br>\n".join(esc(p) for p in post.paragraphs) + "<br>\n"
        files = "".join(f"""<li><a href="{self.download_path(post, k, f.name)}" target="_blank" title="{esc(f.name)} 다운로드(새창)">
<span class="icon file_icon down_image">이미지</span> <strong>{esc(f.name)}</strong>
<span class="file_info">({k} hit/ {len(f.data) / 1024:.1f} KB)</span><span class="icon down_icon">다운로드</span></a>
<a href="/viewer2/viewer.php?fn=f&amp;rs=/view/" class="preview_btn"><span class="icon ebook">미리보기</span></a></li>"""
                        for k, f in enumerate(post.files, 1))
        file_box = (f"""<div class="file_viewbox"><div class="left_box"><strong>첨부파일</strong>
<a href="{self.download_prefix}{DOWNLOAD}?pkey={PKEY}&amp;file_type=all&amp;idx={post.id}" class="all_down">전체(Zip)다운로드</a></div>
<div class="right_box"><div class="nomal"><ul>{files}</ul></div></div></div>""" if post.files else "")
        return f"""<div class="board_wrapper"><div class="module_view_box">
<div class="view_titlebox"><h3>{esc(post.title)}</h3><dl>
<dt class="text_hidden">날짜</dt><dd>{post.posted:%Y.%m.%d} </dd>
<dt>조회수</dt><dd>{post.views:,}</dd>
<dt>담당부서</dt><dd>{esc(post.department)}</dd> </dl></div>
<div class="contbox"><div class="viewbox"><div class="image_viewbox"><div class="image_viewbox_inner"><img src="./ybmodule.file/board/{post.id}.jpg" alt="{esc(post.title)}"></div></div><div class="text_viewbox">{text}</div></div>
{file_box}</div>
<div class="board_btn_box align_right"><ul><li class="board_btn_list"><a href="{self.board}" id="v_btn_list">목록</a></li></ul></div></div></div>
<div id="admin_info" class="group"><dl class="admin_info_left"><dt class="part">담당자</dt><dd class="part_cnt"><span>홍보과 홍보기획팀</span></dd>
<dt class="tel">담당전화번호</dt><dd class="tel_cnt"><span>061-270-3221</span></dd></dl></div>"""
