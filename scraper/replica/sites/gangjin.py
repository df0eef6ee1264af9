"""강진군 (gangjin.go.kr) press releases: a card list paged by `?page=N`, `?idx=…&mode=view` views.

As on the real site: `ul.md_list#news` cards whose link is relative (`?idx=647621&mode=view`), a
title in `p.c_tit`, a subtitle, and `ul.c_exp` with the date `2025-12-10` (after an `N` icon on
the newest), `조회수 <span>50</span>` and `보도자료 등록 <span>…</span>`; `div.md_pagination` links
`?page=N` (a page past the end shows the last page again). View pages keep the title in
`div.view_titlebox h3` and a bare dl beside it (날짜 `2025.12.10 ` with its trailing space, 조회수,
no author), the text in `div.text_viewbox` with `<br><br>` between paragraphs, a photo, then the
file box: a `전체(Zip) 다운로드` button and per file a name and a button opening
`/ybscript.io/common/file_download/IDX/FILE/NAME?pkey=…`. Every page ends with the page-info
block (담당부서 of the web page, 최종업데이트 2025.12.12), a satisfaction survey and site menus.

Not on the captured list, modelled after boards.md: two notices pinned on top of every page
(`li.notice`, a 공지 icon) and a secret post listed as a card without a link.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from .common import esc, file_response, page_slice, robots, as_int
from .corpus import Post, notices, posts, secret
from .http import SiteRequest, SiteResponse

PER_PAGE = 15
BOARD = "/www/government/news/press"
DOWNLOAD = "/ybscript.io/common/file_download"
PKEY = "j6wZJzwYR"
LAST_UPDATED = "2025.12.12"

MENU = """<div id="header"><div class="gnb"><ul>
	<li><a href="/www/government">열린군정</a><ul><li><a href="/www/government/news/press">보도자료</a></li>
	<li><a href="/www/government/news/notice">공지사항</a></li></ul></li>
	<li><a href="/www/field">분야별정보</a></li><li><a href="/www/participation">참여마당</a></li>
</ul></div>
<ul class="util"><li class="print"><a href="?print=true" target="_blank" title="인쇄하기(새창)">인쇄</a></li></ul></div>"""

PAGE_INFO = f"""<div id="public_nuri"><span class="txt">본 저작물은 "공공누리" 제1유형:출처표시 조건에 따라 이용 할 수 있습니다.</span></div>
<div id="page_info">
	<div class="page_info_head">
		<dl>
		<div>  <dt><i class="ico_depart"></i>담당부서</dt><dd>기획홍보실 홍보팀</dd></div><div>  <dt><i class="ico_call"></i>전화</dt><dd>061-430-3054</dd></div>
		<div>
			<dt><i class="ico_time"></i>최종업데이트</dt>
			<dd>{LAST_UPDATED}</dd>
		</div>
		</dl>
	</div>
	<div class="page_info_body">
		<form name="satisfaction_survey_form" id="satisfaction_survey_form" action="/ybscript.io/common/satisfaction_survey" method="post">
		<fieldset class="satisfaction_survey_comment"><div class="top">
			<p class="tit">이 페이지에서 제공하는 정보에 대하여 어느 정도 만족하셨습니까?</p>
			<div class="radio_group">
				<input type="radio" name="satisfaction" id="s5" value="5"><label for="s5">매우만족</label>
				<input type="radio" name="satisfaction" id="s4" value="4"><label for="s4">만족</label>
				<input type="radio" name="satisfaction" id="s3" value="3"><label for="s3">보통</label>
			</div></div>
			<button type="submit">의견남기기</button>
		</fieldset></form>
		<div class="survey_result"><h6 class="h_tit">만족도 조사 결과보기</h6>
			<dl><dt>조회수</dt><dd>1,204</dd><dt>등록일</dt><dd>2025.12.12</dd></dl></div>
	</div>
</div>
<div id="footer"><address>전라남도 강진군 강진읍 군청로 111 (우)59241</address>
<p>Copyright © Gangjin-gun. All Rights Reserved.</p></div>"""


def view_query(post: Post) -> str:
    return f"?idx={post.id}&amp;mode=view"


def download_path(post: Post, number: int, name: str) -> str:
    return f"{DOWNLOAD}/{post.id}/{file_id(post, number)}/{quote(name)}?pkey={PKEY}"


def file_id(post: Post, number: int) -> int:
    return post.id * 10 + number


class GangjinSite:
    name = "gangjin"
    per_page = PER_PAGE

    def __init__(self, articles: int = 32, seed: int = 23, secret_post: bool = True,
                 pinned: bool = True):
        self.regular = posts(articles, seed, first_id=647001, id_step=7)
        self.posts = self.regular            # the regular posts (the homepage replicas link them)
        self.notices = notices(first_id=600001) if pinned else []
        # a locked post between the second and third regular cards
        self.secret = secret(647002, self.regular[2].posted) if secret_post and len(self.regular) > 2 else None
        self.listed = list(self.regular)
        if self.secret is not None:
            self.listed.insert(2, self.secret)
        self.by_id = {p.id: p for p in self.regular + self.notices}
        self.files = {file_id(p, k): (p, f) for p in self.by_id.values() for k, f in enumerate(p.files, 1)}

    @property
    def newest(self) -> datetime.date:
        return max(p.posted for p in self.regular).date()

    def listing_path(self, page: int = 1) -> str:
        return BOARD if page == 1 else f"{BOARD}?page={page}"

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.partition("?")[0] == BOARD and "mode=view" not in path

    def page_count(self) -> int:
        return max(1, -(-len(self.listed) // PER_PAGE))

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == BOARD:
            if request.query.get("mode") == "view":
                post = self.by_id.get(as_int(request.query.get("idx")))
                return SiteResponse.html(self.view(post)) if post else SiteResponse.html(
                    "<script>alert('존재하지 않는 게시물입니다.');history.back();</script>", 404)
            return SiteResponse.html(self.listing(as_int(request.query.get("page")) or 1))
        if request.path.startswith(DOWNLOAD + "/"):
            parts = request.path[len(DOWNLOAD) + 1:].split("/")
            found = self.files.get(as_int(parts[1])) if len(parts) == 3 else None
            if found is None or str(found[0].id) != parts[0] or request.query.get("pkey") != PKEY:
                return SiteResponse.not_found()
            return file_response(found[1])
        return SiteResponse.not_found()

    # ------------------------------------------------------------------ pages

    def _card(self, post: Post) -> str:
        day = f"{post.posted:%Y-%m-%d}"
        if post.notice:
            icon = '<span class="icon_box"><i class="ico_notice">공지</i></span>'
        elif post.posted.date() == self.newest:
            icon = '<span class="icon_box"><i class="ico_new">N</i></span>'
        else:
            icon = ""
        body = f"""<div class="card_body"><div class="top"><img src="/images/board/noimage_card_list.jpg" alt="노이미지"></div>
        <div class="mid">            <p class="c_tit">{esc(post.title)}  </p>            <p class="c_sub">{esc(post.paragraphs[0][:60])}
</p>            <ul class="c_exp">                <li>{icon}{day}</li>                <li></li>                <li>조회수 <span>{post.views:,}</span></li>                <li>보도자료 등록 <span>{day}</span></li>            </ul>        </div>    </div>"""
        if post.secret:
            return f'<li class="secret">  {body}</li>'  # listed, but no link to open it
        cls = ' class="notice"' if post.notice else ""
        return (f'<li{cls}>  <a href="{view_query(post)}" title="{esc(post.title)} 에 대한 글내용 보기.">  {body}    </a>'
                f'    <div class="card_foot"><div class="md_tag"></div><div class="md_share">'
                f'<button type="button" class="md_btn md_btn_ico ico_facebook share_btn" data-type="facebook"'
                f' data-url="{BOARD}{view_query(post)}" data-title="{esc(post.title)}">'
                f'<span class="sr_only">페이스북 공유하기</span></button></div></div></li>')

    def listing(self, page: int) -> str:
        total = self.page_count()
        current = min(max(page, 1), total)
        cards = "".join(self._card(p) for p in self.notices + page_slice(self.listed, page, PER_PAGE))
        links = "".join(f'<a class="page_link on" href="#">{n}</a>' if n == current else
                        f'<a class="page_link" href="{BOARD}?page={n}">{n}</a>' for n in range(1, total + 1))
        following = (f'<a class="page_navi next" href="{BOARD}?page={current + 1}">다음</a>'
                     if current < total else "")
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 강진군청</title></head>
<body>
{MENU}
<div id="content">
<div class="md_list_sort align_right"><div class="list_info">총 게시글 <b class="num">{len(self.listed):,}</b>건</div></div>
<div id="tab_content_m1" class="tab_content selected"><ul class="md_list" id="news">{cards}</ul></div>
<!-- page navigation START --><div class="md_pagination"><div class="page_links">{links}</div>{following}<div class="page_num">
	<input type="text" id="page_current" class="form_control" value="{current}"><span class="split">/</span>
	<input type="text" id="page_total" class="form_control border_none" disabled="" value="{total}"></div></div>
</div>
{PAGE_INFO}
</body></html>"""

    def view(self, post: Post) -> str:
        text = "<br><br>\n".join(esc(p) for p in post.paragraphs)
        files = "".join(f"""<li>
				<span class="txt ico_{f.name.rsplit('.', 1)[-1]}">
					<span class="name">{esc(f.name)}</span>
					<span class="info">[{f.name.rsplit('.', 1)[-1]},{len(f.data) / 1024:.2f} KB][0 hit]</span>
				</span>
				<div class="md_btn_wrap">
					<button type="button" class="md_btn md_btn_txt md_btn_ico ico_down" title="다운로드" onclick="window.open('{download_path(post, k, f.name)}', '_blank')">다운로드</button>
					<button type="button" class="md_btn md_btn_txt md_btn_ico ico_view" title="새 창 열림" onclick="window.open('/Viewer/{file_id(post, k)}', '_blank')">바로보기</button>
				</div>
			</li>""" for k, f in enumerate(post.files, 1))
        file_box = f"""<div class="md_file_wrap border_top">
			<div class="file_head">
				<strong>첨부파일</strong>
				<button type="button" onclick="location.href='{DOWNLOAD}?pkey={PKEY}&amp;file_type=all&amp;idx={post.id}'" class="md_btn md_btn_xsm" title="파일전체({len(post.files)}개) 압축파일(zip)으로 다운로드(새창)">전체(Zip) 다운로드</button>
			</div>
			<div class="file_body "><ul class="file_list">{files}</ul></div>
		</div>""" if post.files else ""
        index = self.regular.index(post) if post in self.regular else None
        newer = self.regular[index - 1] if index else None
        pager = (f'<a href="{BOARD}?mode=view&amp;idx={newer.id}" class="exception_swipe next_box"><div class="cont_box">'
                 f'<span>다음글</span><span class="title">{esc(newer.title)}</span><span>{newer.posted:%Y.%m.%d}</span></div></a>'
                 if newer else '<a href="#none" class="exception_swipe next_box empty"><span>등록된 글이 없습니다.</span></a>')
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>보도자료 | 강진군청</title></head>
<body>
{MENU}
<div id="content">
<div class="board_wrapper">
	<div class="module_view_box">
		<div class="view_titlebox">
			<h3>{esc(post.title)}</h3>
			<dl>
				<dt class="text_hidden">날짜</dt>
				<dd>{post.posted:%Y.%m.%d} </dd>
				<dt>조회수</dt>
				<dd>{post.views:,}</dd>
				<!--dt></dt-->
				<!--dd></dd-->
				<dt></dt>
				<dd></dd>
				<!--dt>연락처</dt>
				<dd></dd-->
			</dl>
		</div>
		<div class="contbox">
		<div class="viewbox"><div class="text_viewbox">{text}</div><div class="image_viewbox"><div class="image_viewbox_inner"><img src="./ybmodule.file/board_www/www_press/980x1x100/{post.id}.jpg" alt="ㅇ"></div></div></div>
		{file_box}
		<div class="md_tag"></div></div>
		<div class="board_btn_box align_right"><ul><li class="board_btn_list"><a href="{BOARD}" id="v_btn_list">목록</a></li></ul></div>
		<div class="board_view_pager">{pager}</div>
	</div>
</div>
</div>
{PAGE_INFO}
</body></html>"""


class Site(GangjinSite):
    """The replica of the `gangjin` profile as tests/test_site_replicas.py reads it: `posts` are
    what a crawl stores, the regular posts and the pinned notices (the secret post is listed
    without a link); the board prints no author."""

    def __init__(self, articles: int = 32, seed: int = 23, secret_post: bool = True, pinned: bool = True):
        super().__init__(articles, seed, secret_post, pinned)
        self.posts = [*self.regular, *self.notices]

    def expected(self, post: Post) -> dict:
        return {"author": None}
