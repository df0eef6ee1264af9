"""A crawl of a board nobody has profiled: `bulletins crawl --url LISTING_URL`.

The zero-config extractor (scraper/extract) finds the article links and the pagination on each
listing page and every field on each article page. The source is named after the site and the
board (`auto-www.gg.go.kr-bbs-board.do-bsIdx-464`), so two boards of one site never share a source
(their article ids overlap), and a nightly run of the same URL is incremental like any other.

What the first listing page teaches is kept for the whole walk: the rows' structure (the article
links' shape and the path to their container), with which every later page is read, so a last
page holding one article under a pinned notice is not taken for a list of page links; and the
pagination, followed on from a later page that shows none. A page number posted through a form
(script-built pagers) counts on from the page the spider asked for, not from what a page prints.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, unquote, urlsplit

import scrapy
from scrapy.http import TextResponse

from scraper.extract import extract_listing
from scraper.extract.pages.base import ListingRow
from scraper.extract.pages.zero_config import ArticlePage, board_id_from_url
from .base import BulletinSpider

PREFIX = "auto-"
MAX_NAME = 100
# Query parameters that say which page of a listing, which search, which order, or which session:
# not which board. Every other parameter with a value names the board (bbsId, boardId, bcIdx,
# menuId, code, bo_table, BD_CODE, mnu_uid...). Compared in lower case.
NOT_THE_BOARD = frozenset(name.lower() for name in (
    # paging
    "page", "pageIndex", "pageNo", "pageNum", "pageNumber", "cpage", "curPage", "currentPage",
    "nowPage", "pg", "p", "Start", "startPage", "offset", "firstIndex", "lastIndex", "pageUnit",
    "pageSize", "listCnt", "listCount", "rows", "rowCount", "recordCountPerPage", "limit",
    "perPage", "per_page", "viewCount", "movePage", "recordCnt",
    # search and order
    "search", "searchWrd", "searchCnd", "searchKeyword", "searchCondition", "searchType",
    "searchValue", "searchKey", "searchText", "keyword", "kwd", "query", "q", "sc", "sv", "sw",
    "stx", "sfl", "sop", "sca", "sst", "sod", "sort", "order", "orderBy", "sdate", "edate",
    "startDate", "endDate",
    # sessions and cache busters
    "jsessionid", "phpsessid", "sid", "_", "t", "ts", "timestamp",
))
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(part: str) -> str:
    return re.sub(r"-{2,}", "-", _UNSAFE.sub("-", part)).strip("-.")


def source_for(url: str) -> str:
    """The source name of the board at this listing URL: `auto-`, the host, the path and the
    parameters naming the board (not its paging, search or session), e.g.
    `https://www.gg.go.kr/bbs/board.do?bsIdx=464&page=2` -> `auto-www.gg.go.kr-bbs-board.do-bsIdx-464`.

    Stable (parameters in name order, whatever the URL's) and readable; characters other than
    letters, digits, `.`, `_` and `-` become `-`. When that lost anything (Korean in the path...),
    or the name would pass MAX_NAME characters, a short hash of the board's key keeps names apart.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "site").lower()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    params = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                    if v.strip() and k.lower() not in NOT_THE_BOARD)
    pieces = [host, *segments, *(x for pair in params for x in pair)]
    safe = [_safe(piece) for piece in pieces]
    name = PREFIX + "-".join(piece for piece in safe if piece)
    key = "\n".join(pieces)
    lossy = any(piece != kept for piece, kept in zip(pieces, safe))
    if lossy or len(name) > MAX_NAME:
        digest = hashlib.sha1(key.encode()).hexdigest()[:8]
        name = name[:MAX_NAME - len(digest) - 1].rstrip("-.") + "-" + digest
    return name


def legacy_source_for(url: str) -> str:
    """The name zero-config sources had before they were named by board too: `auto-<host>`, with
    every run of other characters than letters and digits made `-` (`auto-www-gg-go-kr`)."""
    host = (urlsplit(url).hostname or "site").lower()
    return PREFIX + re.sub(r"[^a-z0-9]+", "-", host).strip("-")


class _Rows:
    def __init__(self, rows):
        self._rows = rows

    def rows(self):
        return self._rows


class ZeroConfigSpider(BulletinSpider):
    """Walks one listing URL's board with no profile (spider argument `url`)."""

    name = "auto"
    description = "any board, with no profile: bulletins crawl --url LISTING_URL"
    listed = False   # not a profile: `bulletins sources` lists the crawled ones from the database

    def __init__(self, *args, url: str | None = None, **kwargs):
        if not url:
            raise ValueError("the zero-config crawl needs a listing URL (--url)")
        parts = urlsplit(url)
        kwargs.setdefault("base_url", f"{parts.scheme}://{parts.netloc}")
        super().__init__(*args, **kwargs)
        self.start_url = url
        self.description = describe(url)  # the source table keeps the URL of the board
        self.links_without_url = 0
        self.row_pattern = None        # the rows' structure, learned on the first listing page
        self.first_pagination = None   # how the first listing page said the board pages

    def listing_request(self, page: int, response=None):
        if page == 1:
            return scrapy.Request(self.start_url, callback=self.parse_listing, errback=self.failed,
                                  cb_kwargs={"page": 1})
        pagination = response.meta["bulletins_guess"].pagination
        # The page number of the page just read: the one asked for, else what the page says.
        number = response.meta.get("bulletins_page_number") or pagination.current or page - 1
        carried = pagination.mechanism is None and self.first_pagination is not None
        if carried:
            pagination = self.first_pagination  # a later page showing no pager: go on as page 1 said
        common = dict(callback=self.parse_listing, errback=self.failed, cb_kwargs={"page": page},
                      meta={"bulletins_page_number": number + 1})
        numbered = pagination.mechanism in ("javascript", "form") and pagination.param and not pagination.step
        if pagination.next_request:
            spec = pagination.next_request
            data = dict(spec.get("data") or {})
            if numbered:
                data[pagination.param] = str(number + 1)  # counted here: a page may print a stale number
            if spec.get("method", "GET").upper() == "POST":
                return scrapy.FormRequest(response.urljoin(spec["url"]), formdata=data, **common)
            return scrapy.FormRequest(response.urljoin(spec["url"]), method="GET", formdata=data, **common)
        if carried:
            if pagination.template and "{n}" in pagination.template:
                value = number * (pagination.step or 1) if pagination.mechanism == "offset" else number + 1
                return scrapy.Request(response.urljoin(pagination.template.replace("{n}", str(value))), **common)
            return None
        if pagination.next_url:
            return scrapy.Request(response.urljoin(pagination.next_url), **common)
        return None

    def listing_page(self, response):
        encoding = response.encoding if isinstance(response, TextResponse) else None
        guess = extract_listing(response.body, response.url, encoding=encoding, pattern=self.row_pattern)
        response.meta["bulletins_guess"] = guess  # for listing_request of the next page
        if self.row_pattern is None and guess.pattern is not None and guess.links:
            self.row_pattern = guess.pattern  # the first page with rows teaches their structure
            self.first_pagination = guess.pagination if guess.pagination.mechanism else None
        rows = []
        for link in guess.links:
            if not link.url:
                self.links_without_url += 1  # a javascript-only link: a profile can say where it goes
                self.count("links_without_url")
                continue
            rows.append(ListingRow(board_id=link.board_id or board_id_from_url(link.url), url=link.url,
                                   title=link.title, author=None, published=link.date, views=None,
                                   notice=link.notice))
        return _Rows(rows)

    def parse_article(self, response, page: ArticlePage, board_id=None):
        # the annotation names the page object scrapy-poet builds for the callback
        return super().parse_article(response, page, board_id)

    def article_id(self, url: str) -> str | None:
        return board_id_from_url(url)

    def article_request(self, row):
        request = super().article_request(row)
        request.meta["page_params"]["board_id"] = row.board_id  # the listing's id, over the URL's
        return request


def zero_config_spider(url: str, name: str | None = None) -> type[ZeroConfigSpider]:
    """A spider class for this listing URL's board, named after site and board (`source_for`),
    or `name` (an `auto-` name of one's choice, such as a board's name from before, `legacy_source_for`).
    Its description names the URL: the source table keeps it (`bulletins sources` shows it)."""
    return type("AutoSpider", (ZeroConfigSpider,), {
        "name": name or source_for(url), "description": describe(url), "__module__": __name__})


DESCRIBED = "no profile (zero-config): "


def describe(url: str) -> str:
    return DESCRIBED + url


def described_url(description: str | None) -> str | None:
    """The listing URL a zero-config source's description names, or None."""
    if description and description.startswith(DESCRIBED):
        return description[len(DESCRIBED):]
    return None


def check_name(name: str) -> str | None:
    """Why `name` cannot name a zero-config source, or None: it starts `auto-`, as they all do,
    and holds letters, digits, `.`, `_` and `-` only, at most MAX_NAME."""
    if not name.startswith(PREFIX) or len(name) <= len(PREFIX):
        return f"a zero-config source's name starts with {PREFIX!r}, got {name!r}"
    if _UNSAFE.search(name) or len(name) > MAX_NAME:
        return (f"a zero-config source's name holds letters, digits, '.', '_' and '-' only, at most "
                f"{MAX_NAME} characters, got {name!r}")
    return None
