"""Finding a government's press-release board from its home page (`bulletins discover`).

The home page is fetched and its menu links are read: plain links, javascript ones
(`href="javascript:goMenu('/kor/…')"`, `onclick="location.href='…'"`, a page function that
builds the URL from its argument) and elements that only carry an `onclick`. A link whose text
(or title, or an image's alt) names a press board is a candidate, ranked by how specific the name
is (`KEYWORDS`: 보도자료 first, "News" last). Each candidate's menu path is read from the
nested lists around it (`알림소식 > 보도자료`) or the heading over its list (a sitemap's boxes).

When the home page names no board outright, a second level is read: the sitemap page (a link
named 사이트맵 / Sitemap) and the section pages of the menus likely to hold it (알림, 소식,
뉴스, 홍보...), and the pages of candidates that turned out not to be listings. Only the home
page's own host (and its `www.` twin) is visited.

Each candidate is probed as `bulletins probe` does: the zero-config extractor reads the page, and
the first one that reads as a board listing (rows, most of them dated) is the board. Its family
is recognised when a template profile's own listing selectors read its rows, and a draft profile
is written by the same code as `bulletins probe`'s.

Every request goes through `PoliteFetcher`: `bulletins probe`'s fetch (the project's
User-Agent), robots.txt obeyed, a delay between requests to a host (lifted on loopback, as a
crawl of a replica lifts it) and a cap on the pages one discovery fetches.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.robotparser import RobotFileParser

from scraper.extract import ListingGuess, extract_article, extract_listing, parse
from scraper.extract.document import Doc, contains, raw_text, squash
from scraper.extract.probe import FetchError, Page, draft_profile, fetch
from scraper.extract.profiles import Profile, load_profiles

# Names of a press-release board, most specific first, with their rank. A menu text equal to one
# (spaces, case and decorations such as 바로가기 aside) gets the rank; one that holds a name in a
# few more characters gets a little less.
KEYWORDS: tuple[tuple[str, int], ...] = (
    ("보도자료", 100), ("보도자료실", 98), ("언론보도자료", 97), ("보도·해명자료", 96), ("보도해명자료", 96),
    ("보도/해명", 94), ("보도해명", 94), ("언론보도", 90), ("Press Releases", 86), ("Press Release", 85),
    ("News", 30),
)
STRONG = 50                       # below this a name is only a hint ("News")
# Menus that hold the press board on Korean sites, most likely first (a second level to read).
SECTION_WORDS = ("알림", "소식", "뉴스", "홍보", "보도", "언론", "news", "media", "소통", "참여", "열린", "정보공개")
SITEMAP_WORDS = ("사이트맵", "sitemap", "site map", "전체메뉴", "전체 메뉴", "all menu")
MAX_PAGES = 20                    # pages one discovery may fetch (robots.txt files aside)
MAX_SECTIONS = 4                  # section pages read when the home page names no board
MAX_PROBES = 6                    # candidates probed

_DOTS = re.compile(r"[·ㆍ•‧∙・]")
_DECORATION = re.compile(r"(?:바로\s*가기|더\s*보기|자세히\s*보기|새\s*창(?:\s*열림)?|열기|닫기|more|\+|›|»|>)+$", re.I)
_JS_LOCATION = re.compile(
    r"""(?:(?:window|document|self|top|parent)\.)?location(?:\.href)?\s*=\s*['"]([^'"]+)['"]"""
    r"""|location\.(?:assign|replace)\(\s*['"]([^'"]+)['"]|window\.open\(\s*['"]([^'"]+)['"]""")
_JS_CALL = re.compile(r"([A-Za-z_$][\w$.]*)\s*\(([^()]*)\)")
_JS_STRING = re.compile(r"""['"]([^'"]*)['"]""")
_URLISH = re.compile(r"^(?:https?://|/|\./|\.\./)|\.(?:do|jsp|php|asp|aspx|html?|cs|wscms)(?:$|[?#])|\?", re.I)
_HTTP_STATUS = re.compile(r": HTTP (\d{3}) ")


def _normal(text: str) -> str:
    text = _DOTS.sub("·", squash(text)).lower()
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\((?:새창|새\s*창\s*열림|newwindow)\)$", "", text)
    return _DECORATION.sub("", text) or text


_KEYS = tuple((_normal(word), rank) for word, rank in KEYWORDS)


def rank_of(text: str) -> int:
    """How surely a menu text names a press-release board (0: not at all)."""
    norm = _normal(text)
    if not norm or len(norm) > 24:
        return 0
    if ">" in norm:  # a breadcrumb-like text: 시정소식>보도자료
        norm = norm.rsplit(">", 1)[-1]
    best = 0
    for key, rank in _KEYS:
        if norm == key:
            best = max(best, rank)
        elif key in norm and len(norm) <= len(key) + 6 and rank >= STRONG:
            best = max(best, rank - 15)
    return best


# ------------------------------------------------------------------------------------ fetching


class Refused(Exception):
    """A URL the discovery will not fetch (robots.txt, another host, the page cap)."""


class PoliteFetcher:
    """`bulletins probe`'s fetch with robots.txt obeyed, a delay per host and a page cap."""

    def __init__(self, *, user_agent: str, timeout: float = 30.0, delay: float = 1.0,
                 max_pages: int = MAX_PAGES, loopback_delay: bool = False):
        self.user_agent, self.timeout, self.delay = user_agent, timeout, delay
        self.max_pages, self.loopback_delay = max_pages, loopback_delay
        self.pages = 0
        self.fetched: list[str] = []       # every URL asked for, robots.txt included, in order
        self._robots: dict[str, RobotFileParser] = {}
        self._last: dict[str, float] = {}

    def _wait(self, url: str) -> None:
        from .spiders.base import is_loopback

        host = urlsplit(url).netloc
        delay = 0.0 if is_loopback(url) and not self.loopback_delay else self.delay
        last = self._last.get(host)
        if last is not None and delay > 0:
            pause = last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def _get(self, url: str) -> Page:
        self._wait(url)
        self.fetched.append(url)
        return fetch(url, user_agent=self.user_agent, timeout=self.timeout)

    def robots(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(key)
        if parser is None:
            parser = RobotFileParser(key + "/robots.txt")
            try:
                page = self._get(key + "/robots.txt")
                text = page.body.decode(page.encoding or "utf-8", "replace")
                parser.parse(text.splitlines())
            except FetchError as exc:
                # As Scrapy's robots.txt middleware and urllib's parser: 401/403 forbid everything,
                # no robots.txt (another 4xx) or none reachable allows everything.
                status = _HTTP_STATUS.search(str(exc))
                if status and status.group(1) in ("401", "403"):
                    parser.disallow_all = True
                else:
                    parser.allow_all = True
            self._robots[key] = parser
        return parser

    def allowed(self, url: str) -> bool:
        return self.robots(url).can_fetch(self.user_agent, url)

    def get(self, url: str) -> Page:
        """The page at `url`; Refused when robots.txt forbids it or the page cap is reached,
        FetchError when it cannot be fetched."""
        if not self.allowed(url):
            raise Refused("disallowed by robots.txt")
        if self.pages >= self.max_pages:
            raise Refused(f"not fetched: the discovery's cap of {self.max_pages} pages was reached")
        self.pages += 1
        return self._get(url)


# ------------------------------------------------------------------------------------ menu links


@dataclass
class MenuLink:
    """A link whose text names a press board (or a section or sitemap page)."""

    text: str
    url: str
    path: list[str]                   # the menu path ending with the link's own text
    rank: int = 0
    level: int = 1                    # 1: on the home page; 2: on a section or sitemap page
    order: int = 0                    # position on its page (ties go to the earlier link)
    verdict: str = ""                 # what probing it found

    def as_json(self) -> dict:
        return {"text": self.text, "url": self.url, "path": list(self.path), "rank": self.rank,
                "level": self.level, "verdict": self.verdict}


def _texts(el) -> list[str]:
    """The names a link goes by: its text, its title, its images' alt texts."""
    out = [squash(raw_text(el))]
    out.append(squash(el.get("title") or ""))
    out += [squash(img.get("alt") or "") for img in el.iter("img")]
    return [t for t in out if t]


def _function_url(doc: Doc, name: str, arg: str) -> str | None:
    """The URL a page function builds from its argument:
    `function goMenu(id) { location.href = '/kor/menu.do?menuId=' + id; }`."""
    short = name.rsplit(".", 1)[-1]
    for script in doc.scripts:
        m = re.search(r"function\s+" + re.escape(short) + r"\s*\(\s*([\w$]+)", script) \
            or re.search(re.escape(short) + r"\s*=\s*function\s*\(\s*([\w$]+)", script)
        if not m:
            continue
        body = script[m.end(): m.end() + 600]
        param = re.escape(m.group(1))
        built = re.search(r"""['"]([^'"]*)['"]\s*\+\s*""" + param + r"""\b(?:\s*\+\s*['"]([^'"]*)['"])?""", body)
        if built:
            return built.group(1) + arg + (built.group(2) or "")
    return None


def link_target(doc: Doc, el) -> str | None:
    """The absolute URL a link or a clickable element opens, javascript read, or None."""
    href = (el.get("href") or "").strip()
    if href and not href.startswith("#") and not href.lower().startswith(("javascript:", "mailto:", "tel:")):
        return doc.join(href)
    codes = [el.get("onclick") or ""]
    if href.lower().startswith("javascript:"):
        codes.insert(0, href[len("javascript:"):])
    for code in codes:
        if not code.strip():
            continue
        m = _JS_LOCATION.search(code)
        if m:
            return doc.join(next(g for g in m.groups() if g))
        for call in _JS_CALL.finditer(code):
            name, args = call.group(1), _JS_STRING.findall(call.group(2))
            if name in ("alert", "confirm", "return", "void"):
                continue
            url = next((a for a in args if _URLISH.search(a)), None)
            if url:
                return doc.join(url)
            if args and args[0]:
                built = _function_url(doc, name, args[0])
                if built:
                    return doc.join(built)
    return None


# Headings that name the menu block itself, not a menu (screen-reader titles).
_GENERIC = re.compile(r"^(?:주\s*메뉴|메인\s*메뉴|전체\s*메뉴|메뉴|하위\s*메뉴|서브\s*메뉴|사이드\s*메뉴|main\s*menu|menu|"
                      r"global\s*navigation|navigation|gnb|lnb|본문|바로가기|skip.*)$", re.I)
_HEAD_TAGS = ("a", "span", "strong", "button", "h2", "h3", "h4", "h5", "em", "p", "dt")


_TOGGLE = re.compile(r"\s*(?:하위\s*메뉴\s*)?(?:열기|닫기|펼치기|접기|새\s*창(?:\s*열림)?|바로\s*가기|\(새\s*창\))$")


def clean_name(text: str) -> str:
    """A menu name without the words of its toggle button or link hint ("군정소식닫기", "소식새창")."""
    text = squash(text)
    while True:
        shorter = _TOGGLE.sub("", text)
        if shorter == text or not shorter:
            return text
        text = shorter


def _li_heading(li, el) -> str | None:
    """The name of a menu item holding `el`: the first text-bearing element of the item that is
    not in a nested list."""
    for child in li.iter(*_HEAD_TAGS):
        if child is el or contains(child, el):
            return None
        if any(a.tag in ("ul", "ol") and a is not li and contains(li, a) for a in child.iterancestors()):
            continue
        text = clean_name(raw_text(child))
        if text and len(text) <= 30:
            return text
    return None


def _list_heading(box) -> str | None:
    """A heading printed just before a list (a sitemap box: `<h3>시정소식</h3><ul>…`)."""
    previous = box.getprevious()
    while previous is not None:
        if isinstance(previous.tag, str):
            if previous.tag in ("h1", "h2", "h3", "h4", "h5", "strong", "dt", "p", "a", "span"):
                text = clean_name(raw_text(previous))
                return text if text and len(text) <= 30 else None
            return None
        previous = previous.getprevious()
    return None


def menu_path(el, own: str) -> list[str]:
    """The names of the menus holding `el`, outermost first, ending with `own`."""
    names: list[str] = []
    for anc in el.iterancestors():
        if anc.tag in ("body", "html"):
            break
        name = None
        if anc.tag == "li":
            name = _li_heading(anc, el)
        elif anc.tag in ("ul", "ol", "dl", "div"):
            name = _list_heading(anc)
        if name and not _GENERIC.match(name) and (not names or names[0] != name):
            names.insert(0, name)
    names = names[-2:]
    if not names or names[-1] != own:
        names.append(own)
    return [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]


def same_site(home: str, url: str) -> bool:
    """Whether `url` is on the home page's host or its `www.` twin (either scheme, same port)."""
    a, b = urlsplit(home), urlsplit(url)
    if b.scheme not in ("http", "https"):
        return False
    return _host(a) == _host(b) and (_port(a) == _port(b) or a.scheme != b.scheme)


def _host(parts) -> str:
    return (parts.hostname or "").lower().removeprefix("www.")


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?([^'";]+)""", re.I)


def redirect_of(doc: Doc) -> str | None:
    """Where a page that only sends the browser on goes: a meta refresh, or a script setting
    `location` on a page with (almost) no links of its own (`index.html` -> `/kor/main.do`)."""
    for meta in doc.root.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            m = _REFRESH_URL.search(meta.get("content") or "")
            if m:
                return doc.join(m.group(1).strip())
    if sum(1 for a in doc.root.iter("a") if a.get("href")) < 3:
        for script in doc.scripts:
            m = _JS_LOCATION.search(script)
            if m:
                return doc.join(next(g for g in m.groups() if g))
    return None


_MENU_NAMES = {"gnb", "lnb", "snb", "tnb", "nav", "navi", "navigation", "menu", "mainmenu", "topmenu",
               "submenu", "depth1", "depth2", "depth3", "sitemap", "allmenu", "gnbmenu"}
_NOT_MENU_NAMES = {"popup", "banner", "bn", "visual", "slide", "slider", "quick", "footer", "family", "util",
                   "board", "tab"}


def in_menu(el) -> bool:
    """Whether `el` is an item of the site's menus (not a banner, a quick link or a post)."""
    menu = False
    for node in (el, *el.iterancestors()):
        names = {t.lower() for t in re.split(r"[\s_-]+", f"{node.get('class') or ''} {node.get('id') or ''}") if t}
        if names & _NOT_MENU_NAMES:
            return False
        if node.tag == "nav" or names & _MENU_NAMES:
            menu = True
    return menu


def _clickables(doc: Doc):
    """Links, and the menu items that open a page by their own `onclick`."""
    taken = set()
    for el in doc.root.iter("a", "area", "button", "li", "span", "div"):
        if el.tag not in ("a", "area"):
            if not el.get("onclick") or len(squash(raw_text(el))) > 30:
                continue
        if any(a in taken for a in el.iterancestors()):
            continue  # an element inside a clickable item already taken
        taken.add(el)
        yield el


def menu_links(doc: Doc, home: str, *, level: int = 1, prefix: tuple[str, ...] = ()):
    """(press-board candidates, section pages, sitemap pages, other hosts' candidates) on a page."""
    found: dict[str, MenuLink] = {}
    sections: dict[str, MenuLink] = {}
    sitemaps: dict[str, MenuLink] = {}
    elsewhere: list[MenuLink] = []
    for order, el in enumerate(_clickables(doc)):
        names = _texts(el)
        if not names:
            continue
        rank, text = max(((rank_of(t), clean_name(t)) for t in names), key=lambda p: p[0])
        url = link_target(doc, el)
        if not url:
            continue
        url = url.split("#", 1)[0]
        if rank:
            path = menu_path(el, text)
            if prefix and path[0] != prefix[-1]:
                path = [*prefix, *path]
            link = MenuLink(text=text, url=url, path=path, rank=rank, level=level, order=order)
            if not same_site(home, url):
                elsewhere.append(link)
                continue
            old = found.get(url)
            if old is None or (link.rank, len(link.path)) > (old.rank, len(old.path)):
                if old is not None:
                    link.order = old.order
                found[url] = link
            continue
        if not same_site(home, url):
            continue
        name = names[0]
        low = name.lower()
        if any(w in low for w in SITEMAP_WORDS) and len(name) <= 20:
            sitemaps.setdefault(url, MenuLink(text=name, url=url, path=[name], level=level, order=order))
            continue
        word = next((i for i, w in enumerate(SECTION_WORDS) if w in low), None)
        if word is not None and len(name) <= 12 and url.rstrip("/") != home.rstrip("/") and in_menu(el):
            sections.setdefault(url, MenuLink(text=name, url=url, path=[name], rank=-word, level=level,
                                              order=order))
    ordered = lambda links: sorted(links, key=lambda l: (-l.rank, -len(l.path), l.order))  # noqa: E731
    return ordered(found.values()), ordered(sections.values()), list(sitemaps.values()), elsewhere


# ------------------------------------------------------------------------------------ probing


@dataclass
class Family:
    name: str
    base_url: str
    rows: int

    @property
    def command(self) -> str:
        import shlex

        return f"bulletins crawl {self.name} --base-url {shlex.quote(self.base_url)}"


@dataclass
class Discovery:
    home: str                         # the home page read (after an entry page's redirect)
    entry: str = ""                   # the URL given
    found: bool = False
    reason: str = ""
    chosen: MenuLink | None = None
    listing: ListingGuess | None = None
    family: Family | None = None
    draft: str = ""
    note: str | None = None
    candidates: list[MenuLink] = field(default_factory=list)
    visited: list[MenuLink] = field(default_factory=list)   # section and sitemap pages read
    elsewhere: list[MenuLink] = field(default_factory=list)  # candidates on other hosts

    @property
    def rows(self) -> int:
        return sum(1 for link in self.listing.links if not link.notice) if self.listing else 0

    @property
    def notices(self) -> int:
        return sum(1 for link in self.listing.links if link.notice) if self.listing else 0

    def as_json(self) -> dict:
        p = self.listing.pagination if self.listing else None
        return {
            "home": self.home, "entry": self.entry, "found": self.found, "reason": self.reason or None,
            "menu_path": self.chosen.path if self.chosen else None,
            "listing_url": self.listing.url if self.listing else None,
            "rows": self.rows, "notices": self.notices,
            "pagination": {"mechanism": p.mechanism, "param": p.param, "rule": p.rule,
                           "description": p.description} if p else None,
            "family": {"name": self.family.name, "base_url": self.family.base_url, "rows": self.family.rows,
                       "command": self.family.command} if self.family else None,
            "draft_profile": self.draft or None,
            "candidates": [c.as_json() for c in self.candidates],
            "sections_read": [c.as_json() for c in self.visited],
            "other_hosts": [c.as_json() for c in self.elsewhere],
        }


def reads_as_board(guess: ListingGuess) -> tuple[bool, str]:
    """Whether a probed page is a board listing: rows (two at least, notices aside), most dated."""
    rows = [link for link in guess.links if not link.notice]
    dated = sum(1 for link in rows if link.date)
    if guess.kind != "listing" or len(rows) < 2:
        return False, f"not a board listing ({len(rows)} article links)"
    if dated * 2 < len(rows):
        return False, f"not a board listing ({len(rows)} links, {dated} dated)"
    return True, f"board listing: {len(rows)} rows"


def recognise_family(page: Page, guess: ListingGuess, profiles: dict[str, Profile]) -> Family | None:
    """The board family (template profile) whose own listing selectors read the rows of this page,
    with the --base-url that crawls this board with it. A family whose listing path this page's
    path ends with is preferred to one that takes the board page as its base URL; then the one
    reading more rows."""
    from scrapy.http import HtmlResponse

    from scraper.extract.pages.declarative import ListingPage

    wanted = max(1, sum(1 for link in guess.links if not link.notice) // 2)
    parts = urlsplit(page.url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    best: tuple | None = None
    for name, profile in sorted(profiles.items()):
        if not profile.template or profile.listing.format != "html":
            continue
        spec_path = urlsplit(profile.listing.url)
        specific = "{" not in spec_path.path and spec_path.path.strip("/") != ""
        if "{" in spec_path.path:
            prefix = ""
        elif parts.path.endswith(spec_path.path):
            prefix = parts.path[: len(parts.path) - len(spec_path.path)].rstrip("/")
        else:
            continue
        base = f"{parts.scheme}://{parts.netloc}{prefix}"
        keys = set(profile.listing.form) | {k for k, _ in parse_qsl(spec_path.query)}
        board = [(k, v) for k, v in query if k in keys]
        base_url = base + (f"?{urlencode(board)}" if board else "")
        encoding = profile.charset or page.encoding
        headers = {"Content-Type": f"text/html; charset={encoding}"} if encoding else {}
        response = HtmlResponse(url=page.url, body=page.body, headers=headers)
        try:
            rows = [r for r in ListingPage(response, profile, base).rows() if not r.notice]
        except Exception:  # a family's selectors that cannot read this page (bad XPath...)
            continue
        if len(rows) >= wanted and (best is None or (specific, len(rows)) > best[0]):
            best = ((specific, len(rows)), Family(name=name, base_url=base_url, rows=len(rows)))
    return best[1] if best else None


class Discoverer:
    def __init__(self, fetcher: PoliteFetcher, *, follow: bool = True, profiles: dict | None = None):
        self.fetcher, self.follow = fetcher, follow
        self.profiles = profiles

    def _page(self, url: str, home: str) -> tuple[Page | None, str]:
        try:
            page = self.fetcher.get(url)
        except Refused as exc:
            return None, str(exc)
        except FetchError as exc:
            return None, f"cannot fetch: {exc}"
        if not same_site(home, page.url):
            return None, f"redirected to another host ({urlsplit(page.url).hostname})"
        return page, ""

    def discover(self, home_url: str) -> Discovery:
        result = Discovery(home=home_url, entry=home_url)
        if not self.fetcher.allowed(home_url):
            result.reason = f"robots.txt of {urlsplit(home_url).netloc} disallows {home_url}"
            return result
        home_page = self.fetcher.get(home_url)  # FetchError goes to the caller
        home = home_page.url
        doc = parse(home_page.body, home, home_page.encoding)
        for _ in range(2):  # an entry page that sends the browser on to the real home page
            target = redirect_of(doc)
            if not target or target.split("#")[0] == home or not same_site(home, target):
                break
            page, why = self._page(target, home)
            if page is None:
                result.reason = f"{home} leads to {target}, which was not read: {why}"
                return result
            home = page.url
            doc = parse(page.body, home, page.encoding)
        result.home = home
        candidates, sections, sitemaps, elsewhere = menu_links(doc, home)
        result.elsewhere += elsewhere
        result.candidates = list(candidates)
        seen = {c.url for c in candidates} | {home}
        weak: list[MenuLink] = []
        not_listings: list[tuple[MenuLink, Page]] = []
        probes = 0

        def probe_all(links: list[MenuLink], now: bool = False) -> bool:
            """Probe the strong candidates (all of them when `now`); True when a board was found."""
            nonlocal probes
            for link in links:
                if link.rank < STRONG and not now:
                    weak.append(link)
                    continue
                if probes >= MAX_PROBES:
                    link.verdict = f"not probed: {MAX_PROBES} candidates were probed already"
                    continue
                probes += 1
                outcome = self._probe(link, home, result)
                if outcome is True:
                    return True
                if outcome is not None and link.level == 1:
                    not_listings.append((link, outcome))
            return False

        def new_links(page: Page, prefix: list[str]) -> list[MenuLink]:
            sub = parse(page.body, page.url, page.encoding)
            more, _, _, other = menu_links(sub, home, level=2, prefix=tuple(prefix))
            result.elsewhere += [o for o in other if o.url not in {e.url for e in result.elsewhere}]
            fresh = [c for c in more if c.url not in seen]
            seen.update(c.url for c in fresh)
            result.candidates += fresh
            return fresh

        if probe_all(candidates):
            return result
        # A second level: the pages of candidates that were not listings (a press section's
        # landing page), then the sitemap and the likeliest sections' pages.
        for holder, page in list(not_listings):
            if probe_all(new_links(page, holder.path)):
                return result
        for section in [*sitemaps[:1], *sections[:MAX_SECTIONS]]:
            if section.url in seen:
                continue
            seen.add(section.url)
            page, why = self._page(section.url, home)
            section.verdict = why or "read"
            result.visited.append(section)
            if page is not None and probe_all(new_links(page, section.path)):
                return result
        weak.sort(key=lambda link: (-link.rank, link.level, -len(link.path), link.order))
        if probe_all(weak, now=True):
            return result
        names = ", ".join(word for word, _ in KEYWORDS)
        if not result.candidates:
            result.reason = f"no press-release menu link found on {home} (looked for: {names})"
        else:
            tried = "; ".join(f"{' > '.join(c.path)} {c.url}: {c.verdict or 'not probed'}"
                              for c in result.candidates[:MAX_PROBES])
            result.reason = f"no board listing with rows behind the press-release links of {home} ({tried})"
        return result

    def _probe(self, link: MenuLink, home: str, result: Discovery):
        """True when `link` leads to a board listing (filled into `result`); else its page, or
        None when it could not be fetched; `link.verdict` says which."""
        page, why = self._page(link.url, home)
        if page is None:
            link.verdict = why
            return None
        guess = extract_listing(page.body, page.url, encoding=page.encoding)
        ok, verdict = reads_as_board(guess)
        link.verdict = verdict
        if not ok:
            return page
        result.found, result.chosen, result.listing = True, link, guess
        profiles = self.profiles if self.profiles is not None else load_profiles(broken={})
        result.family = recognise_family(page, guess, profiles)
        view = None
        first = next((l.url for l in guess.links if l.url and not l.notice), None) \
            or next((l.url for l in guess.links if l.url), None)
        if self.follow and first:
            if not same_site(home, first):
                result.note = f"did not fetch the first article for [view]: another host ({first})"
            else:
                article, why = self._page(first, home)
                if article is not None:
                    view = extract_article(article.body, article.url, encoding=article.encoding)
                else:
                    result.note = f"could not fetch the first article for [view]: {why}"
        result.draft = draft_profile(guess, view, source_url=page.url)
        return True
