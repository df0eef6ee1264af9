"""Home pages of government sites that lead to replica boards, for `bulletins discover`.

Each site serves a home page with the chrome Korean government portals have (skip links, a
utility bar, banners, quick links, a latest-posts tab box, a footer with 개인정보처리방침 and a
family-site list), its section, sitemap and content pages, and hands the board's paths to a
replica board served from the same site object:

- `MegaMenuHome` ("mega"): a mega-menu of nested ul/li whose second level is hidden with CSS;
  알림소식 > 보도자료 leads to an eGovFrame board (`EgovSite`), and 알림소식 > 공지사항 to a second
  eGovFrame board of the same site (another bbsId), which must not be chosen;
- `ScriptMenuHome` ("jsmenu"): `/` sends the browser on by script to `/kor/main.do`; every menu is `href="javascript:goMenu('/kor/…')"`; the press
  board is one level down, on the 알림마당 section page, opened by `onclick="goBoard('bbs_bodo')"`
  (a page function builds the URL) — the 경상북도 card board (`GyeongbukSite`); a banner links a
  보도자료 of another host;
- `SitemapHome` ("sitemap"): a menu built by script (nothing in the HTML) and a 사이트맵 link;
  the sitemap page lists 군정소식 > 언론보도, the 강진군 card board (`GangjinSite`);
- `EnglishHome` ("english"): `/` is a meta refresh to `/eng/`; News > Press Releases, leading to the Gyeonggi-do English board
  (`scraper.replica.Board`, rendered by `scraper.replica.pages`);
- `NoPressHome` ("none"): menus, a sitemap and sections without any press-release board.

`disallow=("/cop/bbs/",)` adds Disallow lines to the site's robots.txt.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from .common import ROBOTS, esc
from .http import SiteRequest, SiteResponse

FOOTER = """<div id="footer">
 <div class="footer_menu"><ul>
  <li class="privacy"><a href="/{prefix}/contents.do?key=privacy"><strong>개인정보처리방침</strong></a></li>
  <li><a href="/{prefix}/contents.do?key=copyright">저작권정책</a></li>
  <li><a href="/{prefix}/contents.do?key=email">이메일무단수집거부</a></li>
  <li><a href="/{prefix}/contents.do?key=map">찾아오시는 길</a></li>
  <li><a href="/{prefix}/contents.do?key=viewer">뷰어 다운로드</a></li>
 </ul></div>
 <div class="family_site"><label for="family">관련 사이트</label>
  <select id="family" title="관련 사이트 선택"><option>관련 사이트</option><option value="https://www.gov.example">정부24</option></select>
  <button type="button" onclick="window.open(document.getElementById('family').value)">이동</button></div>
 <address>({zip}) {address} <span>대표전화 {phone}</span></address>
 <p class="copyright">Copyright © {name}. All Rights Reserved.</p>
 <div class="mark"><img src="/images/common/wa_mark.png" alt="과학기술정보통신부 웹 접근성 품질인증 마크"></div>
</div>"""

QUICK = """<div class="quick_menu"><h2 class="blind">자주 찾는 서비스</h2><ul>
 <li><a href="/{prefix}/contents.do?key=minwon"><img src="/images/main/quick01.png" alt=""><span>민원안내</span></a></li>
 <li><a href="https://www.gov.example/minwon" target="_blank" title="새창열림"><img src="/images/main/quick02.png" alt=""><span>전자민원</span></a></li>
 <li><a href="/{prefix}/contents.do?key=passport"><img src="/images/main/quick03.png" alt=""><span>여권민원</span></a></li>
 <li><a href="/{prefix}/contents.do?key=report"><img src="/images/main/quick04.png" alt=""><span>생활불편신고</span></a></li>
 <li><a href="/{prefix}/contents.do?key=jobs"><img src="/images/main/quick05.png" alt=""><span>일자리정보</span></a></li>
 <li><a href="/{prefix}/contents.do?key=tour"><img src="/images/main/quick06.png" alt=""><span>문화관광</span></a></li>
</ul></div>"""

BANNERS = """<div class="main_visual"><ul class="slide">
 <li><a href="/{prefix}/contents.do?key=vision"><img src="/images/main/visual01.jpg" alt="군민과 함께 여는 새로운 미래"></a></li>
 <li><a href="/{prefix}/contents.do?key=festival"><img src="/images/main/visual02.jpg" alt="2026 가을 축제에 초대합니다"></a></li>
</ul><div class="ctrl"><button type="button" class="prev">이전</button><button type="button" class="stop">정지</button><button type="button" class="next">다음</button></div></div>
<div class="popup_zone"><h2>팝업존</h2><ul>
 <li><a href="/{prefix}/contents.do?key=popup1"><img src="/images/main/pop01.jpg" alt="동절기 재난안전 행동요령 안내"></a></li>
 <li><a href="/{prefix}/contents.do?key=popup2"><img src="/images/main/pop02.jpg" alt="주민참여예산 제안 공모"></a></li>
</ul></div>"""


def _robots(disallow: tuple[str, ...]) -> SiteResponse:
    text = ROBOTS + "".join(f"Disallow: {path}\n" for path in disallow)
    return SiteResponse(200, text.encode(), "text/plain; charset=utf-8")


def _page(title: str, body: str, *, head: str = "", lang: str = "ko") -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/css/common.css">
<style>
#gnb .depth2_wrap {{ display: none; position: absolute; }}
#gnb li.depth1:hover .depth2_wrap, #gnb li.depth1.on .depth2_wrap {{ display: block; }}
.blind {{ position: absolute; width: 1px; height: 1px; overflow: hidden; }}
</style>
{head}
</head>
<body>
{body}
</body>
</html>"""


def _tabs(tabs: list[tuple[str, str, list[tuple[str, str, str]]]]) -> str:
    """A main-page box of latest posts: (tab name, its '더보기' URL, [(title, url, date)])."""
    out = ['<div class="main_board"><h2 class="blind">최신 게시물</h2>']
    for k, (name, more, rows) in enumerate(tabs):
        items = "".join(f'<li><a href="{esc(url)}">{esc(title)}</a><span class="date">{esc(day)}</span></li>'
                        for title, url, day in rows)
        out.append(f'<div class="tab{" on" if k == 0 else ""}"><h3><a href="#tab{k}">{esc(name)}</a></h3>'
                   f'<ul class="list">{items}</ul>'
                   f'<a class="more" href="{esc(more)}" title="{esc(name)} 더보기"><span class="blind">더보기</span>+</a></div>')
    out.append("</div>")
    return "\n".join(out)


class HomeSite:
    """A home page and its pages; `board` answers the board's own paths."""

    kind = ""
    home_path = "/"
    board_path = ""          # the listing URL path (with query) discover must find

    def __init__(self, disallow: tuple[str, ...] = ()):
        self.disallow = tuple(disallow)

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return _robots(self.disallow)
        page = self.page(request)
        if page is not None:
            return page
        return SiteResponse.html(_page("페이지를 찾을 수 없습니다",
                                       '<div class="error"><h1>요청하신 페이지를 찾을 수 없습니다.</h1></div>'), 404)

    def page(self, request: SiteRequest) -> SiteResponse | None:
        raise NotImplementedError

    def content(self, title: str, text: str, chrome: str) -> SiteResponse:
        return SiteResponse.html(_page(title, chrome.replace("{CONTENT}", f'<div id="contents"><h3>{esc(title)}</h3>'
                                                             f"<p>{esc(text)}</p></div>")))


# ------------------------------------------------------------------------------ (a) mega-menu


class MegaMenuHome(HomeSite):
    """○○군: a mega-menu home whose 알림소식 > 보도자료 is an eGovFrame board."""

    kind = "mega"
    NOTICE_BBS = "BBSMSTR_000000000011"

    def __init__(self, articles: int = 23, disallow: tuple[str, ...] = ()):
        from .egov import BBS_ID, LIST, EgovSite

        super().__init__(disallow)
        self.press = EgovSite(articles=articles)
        self.notice = EgovSite(articles=12, seed=9, bbs_id=self.NOTICE_BBS)
        self.board = self.press
        self.board_path = f"{LIST}?bbsId={BBS_ID}"
        self.notice_path = f"{LIST}?bbsId={self.NOTICE_BBS}"

    MENUS = (
        ("군정소개", 100, (("군수실", 110, ("인사말", "약력", "군정목표")), ("군 현황", 120, ("연혁", "상징물", "조직도")))),
        ("열린군정", 200, (("정보공개", 210, ("사전정보공표", "정보목록")), ("예산·재정", 220, ("예산현황", "재정공시")))),
        ("알림소식", 500, None),
        ("분야별정보", 300, (("복지", 310, ("노인복지", "장애인복지")), ("경제", 320, ("일자리", "소상공인")))),
        ("참여소통", 400, (("군수에게 바란다", 410, ()), ("주민참여예산", 420, ()))),
    )

    def gnb(self) -> str:
        items = []
        for name, menu_id, subs in self.MENUS:
            if subs is None:  # 알림소식: the boards
                second = (f'<li><a href="{self.notice_path}">공지사항</a></li>'
                          f'<li><a href="{self.board_path}">보도자료</a></li>'
                          '<li><a href="/sub.do?menuId=503">고시공고</a></li>'
                          '<li><a href="/sub.do?menuId=504">입찰정보</a></li>'
                          '<li><a href="/sub.do?menuId=505">군정소식지</a>'
                          '<ul class="depth3"><li><a href="/sub.do?menuId=5051">최신호 보기</a></li>'
                          '<li><a href="/sub.do?menuId=5052">지난호 보기</a></li></ul></li>'
                          '<li><a href="/sub.do?menuId=506">카드뉴스</a></li>')
            else:
                second = "".join(
                    f'<li><a href="/sub.do?menuId={sid}">{esc(sub)}</a>'
                    + ('<ul class="depth3">' + "".join(f'<li><a href="/sub.do?menuId={sid}{k}">{esc(t)}</a></li>'
                                                       for k, t in enumerate(thirds, 1)) + "</ul>" if thirds else "")
                    + "</li>" for sub, sid, thirds in subs)
            items.append(f'<li class="depth1"><a href="/sub.do?menuId={menu_id}" class="depth1_a">{esc(name)}</a>'
                         f'<div class="depth2_wrap"><div class="depth2_inner"><strong class="tit">{esc(name)}</strong>'
                         f'<ul class="depth2">{second}</ul></div></div></li>')
        return f'<nav id="gnb"><h2 class="blind">주메뉴</h2><ul class="gnb_list">{"".join(items)}</ul></nav>'

    def chrome(self) -> str:
        return f"""<div id="skipNav"><a href="#contents">본문 바로가기</a> <a href="#gnb">주메뉴 바로가기</a></div>
<div id="header">
 <div class="top_util"><ul>
  <li><a href="/">HOME</a></li><li><a href="/member/login.do">로그인</a></li><li><a href="/member/join.do">회원가입</a></li>
  <li><a href="/sitemap.do">사이트맵</a></li><li><a href="https://eng.county.example/" lang="en">ENGLISH</a></li>
 </ul></div>
 <h1 class="logo"><a href="/"><img src="/images/common/logo.png" alt="○○군"></a></h1>
 <div class="search"><form action="/search.do" method="get"><input type="text" name="q" title="검색어 입력"><button type="submit">검색</button></form></div>
 {self.gnb()}
 <button type="button" class="btn_allmenu">전체메뉴 열기</button>
</div>
<div id="container">{{CONTENT}}</div>
{FOOTER.format(prefix="sub", zip="12345", address="○○도 ○○군 ○○읍 군청길 1", phone="061-123-1234", name="○○군")}"""

    def home(self) -> str:
        press = [(p.title, f"/cop/bbs/selectBoardArticle.do?bbsId={self.press.bbs_id}&nttId={p.id}",
                  f"{p.posted:%Y.%m.%d}") for p in self.press.posts[:4]]
        notices = [(p.title, f"/cop/bbs/selectBoardArticle.do?bbsId={self.notice.bbs_id}&nttId={p.id}",
                    f"{p.posted:%Y.%m.%d}") for p in self.notice.posts[:4]]
        main = (BANNERS.format(prefix="sub") + QUICK.format(prefix="sub")
                + _tabs([("공지사항", self.notice_path, notices), ("보도자료", self.board_path, press),
                         ("고시공고", "/sub.do?menuId=503", [])]))
        return _page("○○군청", self.chrome().replace("{CONTENT}", f'<div id="contents" class="main">{main}</div>'))

    def page(self, request: SiteRequest) -> SiteResponse | None:
        if request.path in ("/", "/main.do", "/index.do"):
            return SiteResponse.html(self.home())
        if request.path.startswith(("/cop/bbs/", "/cmm/fms/")):
            board = self.notice if request.param("bbsId") == self.NOTICE_BBS else self.press
            return board.respond(request)
        if request.path == "/sitemap.do":
            return self.content("사이트맵", "전체 메뉴를 한눈에 볼 수 있습니다.",
                                self.chrome().replace("{CONTENT}", '<div class="sitemap_wrap">' + self.gnb()
                                                      .replace('id="gnb"', 'class="sitemap"') + "</div>{CONTENT}"))
        if request.path in ("/sub.do", "/search.do", "/member/login.do", "/member/join.do") \
                or request.path.startswith("/sub/"):
            return self.content("○○군", "준비 중인 페이지입니다.", self.chrome())
        return None


# ------------------------------------------------------------------------------ (b) javascript menus


SCRIPT = """<script type="text/javascript">
function goMenu(url) { location.href = url; }
function goBoard(code) { location.href = '/Main/page.do?mnu_uid=6792&BD_CODE=' + code + '&cmd=1&Start=0'; }
function goSite(url) { window.open(url, '_blank'); }
</script>"""


class ScriptMenuHome(HomeSite):
    """○○시: menus opened by javascript; the press board sits under the 알림마당 section page."""

    kind = "jsmenu"
    SECTIONS = (("시정소개", "sub01"), ("열린시정", "sub02"), ("분야별정보", "sub03"), ("알림마당", "sub04"),
                ("참여마당", "sub05"))

    def __init__(self, articles: int = 25, disallow: tuple[str, ...] = ()):
        from .gyeongbuk import GyeongbukSite

        super().__init__(disallow)
        self.board = GyeongbukSite(articles=articles)
        self.board_path = "/Main/page.do?mnu_uid=6792&BD_CODE=bbs_bodo&cmd=1&Start=0"

    def chrome(self) -> str:
        gnb = "".join(
            f'<li><a href="javascript:goMenu(\'/kor/{code}/main.do\');" title="{esc(name)} 메뉴">{esc(name)}</a></li>'
            if k % 2 == 0 else
            f'<li><a href="#none" onclick="goMenu(\'/kor/{code}/main.do\'); return false;">{esc(name)}</a></li>'
            for k, (name, code) in enumerate(self.SECTIONS))
        return f"""{SCRIPT}
<div id="skip"><a href="#container">본문 바로가기</a></div>
<div id="header"><div class="util"><ul>
  <li><a href="javascript:goMenu('/kor/member/login.do');">로그인</a></li>
  <li><button type="button" class="btn_allmenu" aria-expanded="false">전체메뉴</button></li>
  <li><a href="javascript:goSite('https://eng.city.example/');">ENGLISH</a></li></ul></div>
 <h1><a href="javascript:goMenu('/kor/main.do');"><img src="/images/kor/logo.png" alt="○○시"></a></h1>
 <div id="gnb"><ul class="menu">{gnb}</ul></div>
</div>
<div id="container">{{CONTENT}}</div>
{FOOTER.format(prefix="kor", zip="37000", address="○○도 ○○시 시청로 100", phone="054-120", name="○○시")}"""

    def home(self) -> str:
        rows = [("2026년 상반기 시민 안전보험 안내", "/kor/sub04/notice.do?idx=301", "2026.05.11"),
                ("시민 정원사 양성과정 교육생 모집", "/kor/sub04/notice.do?idx=300", "2026.05.08")]
        main = (BANNERS.format(prefix="kor") + QUICK.format(prefix="kor")
                + _tabs([("공지사항", "/kor/sub04/notice.do", rows), ("고시공고", "/kor/sub04/gosi.do", [])])
                + '<div class="banner_zone"><a href="javascript:goSite(\'https://www.province.example/press\');">'
                  '<img src="/images/kor/bn_press.png" alt="도청 보도자료"></a></div>')
        return _page("○○시청", self.chrome().replace("{CONTENT}", f'<div class="main">{main}</div>'))

    def section(self, name: str, code: str) -> str:
        if code == "sub04":
            items = ('<li><a href="#none" onclick="location.href=\'/kor/sub04/notice.do\'">공지사항</a></li>'
                     '<li><a href="#none" onclick="goBoard(\'bbs_bodo\'); return false;">보도자료</a></li>'
                     '<li><a href="javascript:goMenu(\'/kor/sub04/gosi.do\');">고시공고</a></li>'
                     '<li><a href="javascript:goMenu(\'/kor/sub04/letter.do\');">시정소식지</a></li>'
                     '<li><a href="javascript:goMenu(\'/kor/sub04/jobs.do\');">채용정보</a></li>')
        else:
            items = "".join(f'<li><a href="javascript:goMenu(\'/kor/{code}/page{k}.do\');">{esc(name)} {k}</a></li>'
                            for k in range(1, 5))
        lnb = f'<div id="lnb"><h2>{esc(name)}</h2><ul class="lnb_list">{items}</ul></div>'
        body = (f'<div class="location">홈 &gt; {esc(name)}</div>{lnb}<div id="contents"><h3>{esc(name)}</h3>'
                f'<p>{esc(name)} 메뉴입니다. 왼쪽 메뉴에서 원하시는 항목을 선택하세요.</p></div>')
        return _page(f"{name} | ○○시청", self.chrome().replace("{CONTENT}", body))

    def page(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == "/":  # the entry page sends the browser on by script
            return SiteResponse.html('<!DOCTYPE html><html><head><meta charset="utf-8"><title>○○시청</title>'
                                     '<script>location.href = "/kor/main.do";</script></head>'
                                     '<body><noscript><a href="/kor/main.do">○○시청 바로가기</a></noscript></body></html>')
        if request.path == "/kor/main.do":
            return SiteResponse.html(self.home())
        if request.path == "/Main/page.do" or request.path.startswith("/Common/"):
            return self.board.respond(request)
        m = re.fullmatch(r"/kor/(sub\d\d)/main\.do", request.path)
        if m:
            name = dict((c, n) for n, c in self.SECTIONS).get(m.group(1))
            return SiteResponse.html(self.section(name, m.group(1))) if name else None
        if request.path.startswith("/kor/"):
            return self.content("○○시청", "준비 중인 페이지입니다.", self.chrome())
        return None


# ------------------------------------------------------------------------------ (c) sitemap only


class SitemapHome(HomeSite):
    """○○군: a menu drawn by script; only the sitemap page lists 군정소식 > 언론보도."""

    kind = "sitemap"

    def __init__(self, articles: int = 32, disallow: tuple[str, ...] = ()):
        from .gangjin import BOARD, GangjinSite

        super().__init__(disallow)
        self.board = GangjinSite(articles=articles)
        self.board_path = BOARD

    def chrome(self) -> str:
        return f"""<div id="skip_nav"><a href="#contents">본문 바로가기</a></div>
<div id="header"><div class="top_link"><ul>
  <li><a href="/www/login">로그인</a></li><li><a href="/www/sitemap">사이트맵</a></li>
  <li><a href="https://tour.county.example/" target="_blank" title="새창">문화관광</a></li></ul></div>
 <h1 class="logo"><a href="/www"><img src="/images/www/logo.png" alt="○○군청"></a></h1>
 <div id="gnb" data-src="/www/menu.json"><!-- drawn by /js/gnb.js --></div>
 <script src="/js/gnb.js"></script>
</div>
<div id="container">{{CONTENT}}</div>
{FOOTER.format(prefix="www", zip="59241", address="○○도 ○○군 ○○읍 군청로 111", phone="061-430-3114", name="○○군")}"""

    def home(self) -> str:
        rows = [("2026년 군민의 날 기념행사 안내", "/www/government/news/notice?idx=9001&mode=view", "2026-05-12"),
                ("농어민 공익수당 신청 안내", "/www/government/news/notice?idx=9000&mode=view", "2026-05-02")]
        main = (BANNERS.format(prefix="www") + QUICK.format(prefix="www")
                + _tabs([("공지사항", "/www/government/news/notice", rows), ("채용정보", "/www/government/jobs", [])]))
        return _page("○○군청", self.chrome().replace("{CONTENT}", f'<div class="main">{main}</div>'))

    def sitemap(self) -> str:
        boxes = (("군정소개", (("군수실", "/www/mayor", ("인사말", "약력")), ("군정현황", "/www/status", ("연혁",)))),
                 ("열린군정", (("군정소식", "/www/government/news",
                                (("언론보도", self.board_path), ("공지사항", "/www/government/news/notice"),
                                 ("고시공고", "/www/government/news/gosi"))),
                               ("정보공개", "/www/government/open", ("정보목록",)))),
                 ("참여마당", (("군수에게 바란다", "/www/participation/wish", ()),)))
        html = []
        for title, subs in boxes:
            items = []
            for name, url, thirds in subs:
                inner = "".join(f'<li><a href="{esc(t[1] if isinstance(t, tuple) else url + "/" + str(k))}">'
                                f"{esc(t[0] if isinstance(t, tuple) else t)}</a></li>"
                                for k, t in enumerate(thirds, 1))
                items.append(f'<li><a href="{url}">{esc(name)}</a>' + (f"<ul>{inner}</ul>" if inner else "") + "</li>")
            html.append(f'<div class="box"><h3>{esc(title)}</h3><ul class="depth2">{"".join(items)}</ul></div>')
        body = f'<div id="contents"><h2>사이트맵</h2><div class="sitemap_wrap">{"".join(html)}</div></div>'
        return _page("사이트맵 | ○○군청", self.chrome().replace("{CONTENT}", body))

    def page(self, request: SiteRequest) -> SiteResponse | None:
        if request.path in ("/", "/www", "/www/index"):
            return SiteResponse.html(self.home())
        if request.path == self.board_path or request.path.startswith("/ybscript.io/"):
            return self.board.respond(request)
        if request.path == "/www/sitemap":
            return SiteResponse.html(self.sitemap())
        if request.path.startswith("/www/"):
            return self.content("○○군청", "준비 중인 페이지입니다.", self.chrome())
        return None


# ------------------------------------------------------------------------------ (d) English


class EnglishHome(HomeSite):
    """An English portal: News > Press Releases leads to the Gyeonggi-do English board."""

    kind = "english"

    def __init__(self, articles: int = 30, disallow: tuple[str, ...] = ()):
        from ..board import Board
        from ..pages import BOARD_PATH

        super().__init__(disallow)
        self.board = Board(articles=articles)
        self.board_path = BOARD_PATH

    def chrome(self) -> str:
        menus = (("About Gyeonggi", "/eng/about", ("Governor", "History", "Symbols")),
                 ("Living", "/eng/living", ("Healthcare", "Housing", "Education")),
                 ("Business", "/eng/business", ("Investment", "Industrial Complexes")),
                 ("News", "/eng/news", None),
                 ("Travel", "/eng/travel", ("Attractions", "Festivals")))
        items = []
        for name, url, subs in menus:
            if subs is None:
                sub = (f'<li><a href="{self.board_path}">Press Releases</a></li>'
                       '<li><a href="/eng/news/notice">Notice</a></li>'
                       '<li><a href="/eng/news/newsletter">Newsletter</a></li>'
                       '<li><a href="/eng/news/photo">Photo News</a></li>')
            else:
                sub = "".join(f'<li><a href="{url}/{k}">{esc(s)}</a></li>' for k, s in enumerate(subs, 1))
            items.append(f'<li class="depth1"><a href="{url}">{esc(name)}</a>'
                         f'<div class="depth2_wrap"><ul class="sub">{sub}</ul></div></li>')
        return f"""<div id="skip"><a href="#contents">Skip to content</a></div>
<header id="header"><div class="util"><a href="https://www.province.example/">KOREAN</a> <a href="/eng/sitemap">Sitemap</a></div>
 <h1><a href="/"><img src="/images/eng/logo.png" alt="Gyeonggi Province"></a></h1>
 <nav id="gnb"><ul>{"".join(items)}</ul></nav></header>
<div id="container">{{CONTENT}}</div>
<footer id="footer"><ul><li><a href="/eng/privacy"><strong>Privacy Policy</strong></a></li><li><a href="/eng/terms">Terms of Use</a></li>
<li><a href="/eng/contact">Contact Us</a></li></ul>
<address>1 Docheong-ro, Uijeongbu-si, Gyeonggi-do</address><p>Copyright © Gyeonggi Province. All Rights Reserved.</p></footer>"""

    def page(self, request: SiteRequest) -> SiteResponse | None:
        from .. import pages

        base = f"http://{request.headers.get('host', '127.0.0.1')}"
        if request.path == "/":  # a meta refresh to the English portal's home
            return SiteResponse.html('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                                     '<meta http-equiv="refresh" content="0; url=/eng/"><title>Gyeonggi Province</title>'
                                     '</head><body></body></html>')
        if request.path in ("/eng", "/eng/"):
            main = ('<div class="visual"><img src="/images/eng/visual.jpg" alt="Gyeonggi, the center of Korea"></div>'
                    '<div class="quick"><a href="/eng/living/1">Healthcare</a> <a href="/eng/travel/1">Attractions</a>'
                    ' <a href="/eng/news/notice">Notice</a></div>')
            return SiteResponse.html(_page("Gyeonggi Province", self.chrome().replace("{CONTENT}", main), lang="en"))
        m = re.fullmatch(r"/blog/english-news/(?:page/([1-9]\d*)/)?", request.path)
        if m:
            text = pages.render_listing(self.board, int(m.group(1) or 1), base)
            return SiteResponse.html(text) if text is not None else None
        m = re.fullmatch(r"/blog/english-news/([1-9]\d*)", request.path)
        if m:
            text = pages.render_view(self.board, int(m.group(1)), base)
            return SiteResponse.html(text) if text is not None else None
        attachment = {unquote(p): a for p, a in self.board.attachments.items()}.get(unquote(request.path))
        if attachment is not None:
            return SiteResponse(200, attachment.data, attachment.content_type)
        if request.path.startswith("/eng/"):
            return self.content("Gyeonggi Province", "This page is being prepared.", self.chrome())
        return None


# ------------------------------------------------------------------------------ (e) no press board


class NoPressHome(MegaMenuHome):
    """○○면 portal: notices, public announcements and a newsletter, but no press-release board."""

    kind = "none"

    def gnb(self) -> str:
        return super().gnb().replace(f'<li><a href="{self.board_path}">보도자료</a></li>', "") \
            .replace('>카드뉴스<', '>행사안내<')

    def home(self) -> str:
        return super().home().replace('<a href="#tab1">보도자료</a>', '<a href="#tab1">행사안내</a>') \
            .replace('title="보도자료 더보기"', 'title="행사안내 더보기"')


HOMES = {cls.kind: cls for cls in (MegaMenuHome, ScriptMenuHome, SitemapHome, EnglishHome, NoPressHome)}


def home_for(kind: str, **options) -> HomeSite:
    """A new home-page site: "mega", "jsmenu", "sitemap", "english" or "none"."""
    return HOMES[kind](**options)
