"""Site profiles: one small TOML file per source says how its board is walked and read.

A profile declares the listing (URL, GET or POST, HTML or JSON, pagination), how a row gives an
article (link, or an id in an `onclick` turned into a view URL), and the view page's fields
(selectors, or labels such as 작성자 / 조회수 looked up in the page's field block). Fields a
profile leaves out fall back to the zero-config extractor. Where declarations cannot say it, a
profile names a page-object class: one of the project's page modules
(`view.page = "scraper.pages.MODULE:Class"`) or one a package declares in the entry point group
`bulletins.pages`; nothing else is imported (scraper.spiders.profiled.page_class).

Built-in profiles live beside this module; `BULLETINS_PROFILE_DIRS` (setting or environment,
separated by the OS path separator) adds folders of the user's own. The file format is documented
in README ("Add a new region") and by the built-in profiles themselves.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

BUILTIN_DIR = Path(__file__).parent
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")
FIELDS = ("title", "author", "published", "views", "department")
PAGINATION_KINDS = ("next_link", "param", "offset", "form", "none")
# `view.page`: a page object class of the project's own page modules, or one an installed package
# declares in this entry point group (scraper.spiders.profiled.page_class checks and imports it).
PAGE_GROUP = "bulletins.pages"
PAGE_IN_PROJECT = re.compile(r"^scraper\.pages(\.[a-z_][a-z0-9_]*)+:[A-Za-z_][A-Za-z0-9_]*$")
PAGE_ENTRY_POINT = re.compile(r"^[A-Za-z0-9_.-]+(:[A-Za-z_][A-Za-z0-9_]*)?$")


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Pagination:
    """How listing page N is asked for.

    next_link: follow `selector`'s href; param: `?param=N` from `first`; offset: `param` counts
    rows (`first`, `first+step`, ...); form: POST the listing form with `param=N`; none: one page.
    """

    kind: str = "none"
    param: str | None = None
    first: int = 1
    step: int = 1
    selector: str | None = None


@dataclass(frozen=True)
class ListingSpec:
    url: str
    method: str = "GET"
    format: str = "html"                      # or "json"
    form: dict[str, str] = field(default_factory=dict)   # POST fields; "{page}" / "{offset}"
    headers: dict[str, str] = field(default_factory=dict)
    session_first: str | None = None          # a page to GET first (session cookie)
    rows: str = ""                            # CSS (html) or dotted key path (json)
    link: str | None = None                   # CSS giving the href, e.g. "a::attr(href)"
    onclick: str | None = None                # regex over the row's onclick/href, named groups
    view_url: str | None = None               # template for onclick groups / JSON keys: "{id}"
    id_param: str | None = None               # query parameter of the view URL holding the id
    id_pattern: str | None = None             # or a regex over the view URL with group "id"
    fields: dict[str, str] = field(default_factory=dict)  # title/author/published/views: selector
    notice: str | None = None                 # selector matching pinned notice rows
    notice_text: tuple[str, ...] = ("공지", "notice", "Notice", "NOTICE")
    number: str | None = None                 # selector of the row's number cell (notice test)
    pagination: Pagination = field(default_factory=Pagination)


@dataclass(frozen=True)
class ViewSpec:
    title: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # printed label -> field
    fields_in: str | None = None              # CSS of the field block(s) labels are looked up in
    fields: dict[str, str] = field(default_factory=dict)  # field -> selector (wins over labels)
    body: str | None = None
    attachments: str | None = None            # CSS of the attachment <a> elements
    attachment_onclick: str | None = None     # regex over href/onclick, named groups
    attachment_url: str | None = None         # template for those groups
    attachment_name: str | None = None        # selector, from each attachment, of its printed name
    page: str | None = None                   # "scraper.pages.MODULE:Class" (or an entry point) instead
    absent: tuple[str, ...] = ()              # fields this board never prints: not looked for
    version: int = 1


@dataclass(frozen=True)
class Checked:
    """What a profile's structure was checked against, said by `bulletins sources -v`.

    real_page: the date of the newest article on the real captured pages the profile's tests read
    (`real_pages`, files of ../shared/real-pages); empty when none exists. structure_from: where the
    board's URLs and selectors were learned ("owner/repo: path" of a public scraper, or a page).
    """

    real_page: str = ""
    real_pages: tuple[str, ...] = ()
    structure_from: str = ""

    def mark(self) -> str:
        if self.real_page:
            return f"tested on a real page of {self.real_page}"
        where = f" ({self.structure_from})" if self.structure_from else ""
        return (f"structure from public code{where}, not yet checked against the live site: "
                "start with a one-month --since crawl")


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    base_url: str
    listing: ListingSpec
    view: ViewSpec
    charset: str | None = None                # force when the server's header lies or is absent
    template: bool = False                    # a board family: needs --base-url
    politeness: dict[str, Any] = field(default_factory=dict)  # Scrapy settings, spider priority
    # Other hosts the site serves its pages and files from (file servers): host names, each
    # with its subdomains. The site's own host, its `www.` twin, http and https always are.
    allowed_hosts: tuple[str, ...] = ()
    checked: Checked = field(default_factory=Checked)
    path: Path | None = None

    def listing_url(self, base_url: str) -> str:
        return join(base_url, self.listing.url)


def join(base_url: str, path: str) -> str:
    """A profile path (or absolute URL) on the given base URL, which may be a replica."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", path):
        return path
    if not path or path.startswith("?"):
        # "" is the base URL itself, "?q" a query in its place (as a browser joins it): a board
        # family whose base URL is the board's own page (yb-cms: `--base-url https://site/…/press`)
        base = base_url.rstrip("/") if urlsplit(base_url).path.strip("/") else base_url.rstrip("/") + "/"
        return urljoin(base, path) if path else base
    return base_url.rstrip("/") + "/" + path.lstrip("/")


# --------------------------------------------------------------------------- loading


def _take(table: dict, key: str, kind, where: str, default=None, required=False):
    if key not in table:
        if required:
            raise ProfileError(f"{where}: missing key {key!r}")
        return default
    value = table.pop(key)
    if kind is float and isinstance(value, int):
        value = float(value)
    if not isinstance(value, kind):
        raise ProfileError(f"{where}: {key!r} must be {getattr(kind, '__name__', kind)}, "
                           f"got {type(value).__name__}")
    return value


def _strings(value: dict, where: str) -> dict[str, str]:
    bad = [k for k, v in value.items() if not isinstance(v, (str, int))]
    if bad:
        raise ProfileError(f"{where}: {bad[0]!r} must be a string")
    return {str(k): str(v) for k, v in value.items()}


def _leftover(table: dict, where: str) -> None:
    if table:
        raise ProfileError(f"{where}: unknown key {sorted(table)[0]!r}")


def _regex(pattern: str | None, where: str) -> str | None:
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ProfileError(f"{where}: bad regular expression ({exc})") from None
    return pattern


def parse_profile(data: dict, where: str, path: Path | None = None) -> Profile:
    data = dict(data)
    name = _take(data, "name", str, where, required=True)
    if not NAME.match(name):
        raise ProfileError(f"{where}: name {name!r} must be lower-case letters, digits and '-'")
    description = _take(data, "description", str, where, "")
    base_url = _take(data, "base_url", str, where, "")
    template = _take(data, "template", bool, where, False)
    if not base_url and not template:
        raise ProfileError(f"{where}: missing key 'base_url' (or set template = true)")
    charset = _take(data, "charset", str, where)
    politeness = _take(data, "politeness", dict, where, {})
    allowed_hosts = _take(data, "allowed_hosts", list, where, [])
    if not all(isinstance(h, str) and HOST.match(h) for h in allowed_hosts):
        raise ProfileError(f"{where}: 'allowed_hosts' must be host names, such as \"file.gg.go.kr\"")

    raw_checked = dict(_take(data, "checked", dict, where, {}))
    cw = f"{where} [checked]"
    checked = Checked(real_page=_take(raw_checked, "real_page", str, cw, ""),
                      real_pages=tuple(_take(raw_checked, "real_pages", list, cw, [])),
                      structure_from=_take(raw_checked, "structure_from", str, cw, ""))
    _leftover(raw_checked, cw)
    if checked.real_page and not re.match(r"^\d{4}-\d{2}-\d{2}$", checked.real_page):
        raise ProfileError(f"{cw}: real_page must be a date, such as \"2025-12-10\"")
    if bool(checked.real_page) != bool(checked.real_pages):
        raise ProfileError(f"{cw}: real_page (a date) and real_pages (file names) go together")

    raw_listing = dict(_take(data, "listing", dict, where, required=True))
    lw = f"{where} [listing]"
    raw_pagination = dict(_take(raw_listing, "pagination", dict, lw, {}))
    pw = f"{where} [listing.pagination]"
    pagination = Pagination(
        kind=_take(raw_pagination, "kind", str, pw, "none"),
        param=_take(raw_pagination, "param", str, pw),
        first=_take(raw_pagination, "first", int, pw, 1),
        step=_take(raw_pagination, "step", int, pw, 1),
        selector=_take(raw_pagination, "selector", str, pw),
    )
    _leftover(raw_pagination, pw)
    if pagination.kind not in PAGINATION_KINDS:
        raise ProfileError(f"{pw}: kind must be one of {', '.join(PAGINATION_KINDS)}")
    if pagination.kind in ("param", "offset", "form") and not pagination.param:
        raise ProfileError(f"{pw}: kind {pagination.kind!r} needs 'param'")
    if pagination.kind == "next_link" and not pagination.selector:
        raise ProfileError(f"{pw}: kind 'next_link' needs 'selector'")
    listing = ListingSpec(
        url=_take(raw_listing, "url", str, lw, required=True),
        method=_take(raw_listing, "method", str, lw, "GET").upper(),
        format=_take(raw_listing, "format", str, lw, "html"),
        form=_strings(_take(raw_listing, "form", dict, lw, {}), lw),
        headers=_strings(_take(raw_listing, "headers", dict, lw, {}), lw),
        session_first=_take(raw_listing, "session_first", str, lw),
        rows=_take(raw_listing, "rows", str, lw, required=True),
        link=_take(raw_listing, "link", str, lw),
        onclick=_regex(_take(raw_listing, "onclick", str, lw), lw),
        view_url=_take(raw_listing, "view_url", str, lw),
        id_param=_take(raw_listing, "id_param", str, lw),
        id_pattern=_regex(_take(raw_listing, "id_pattern", str, lw), lw),
        fields=_strings(_take(raw_listing, "fields", dict, lw, {}), lw),
        notice=_take(raw_listing, "notice", str, lw),
        notice_text=tuple(_take(raw_listing, "notice_text", list, lw, list(ListingSpec.notice_text))),
        number=_take(raw_listing, "number", str, lw),
        pagination=pagination,
    )
    _leftover(raw_listing, lw)
    if listing.method not in ("GET", "POST"):
        raise ProfileError(f"{lw}: method must be GET or POST")
    if listing.format not in ("html", "json"):
        raise ProfileError(f"{lw}: format must be html or json")
    if not (listing.link or listing.onclick or listing.view_url):
        raise ProfileError(f"{lw}: needs 'link', or 'onclick' with 'view_url', or 'view_url'")
    if listing.onclick and not listing.view_url:
        raise ProfileError(f"{lw}: 'onclick' needs 'view_url'")
    if not (listing.id_param or listing.id_pattern or listing.onclick or listing.format == "json"):
        raise ProfileError(f"{lw}: needs 'id_param' or 'id_pattern' to tell article ids")
    for key in listing.fields:
        # `id` names the JSON key holding the article id (HTML rows take it from the link).
        if key not in FIELDS and not (key == "id" and listing.format == "json"):
            raise ProfileError(f"{lw}: fields: unknown field {key!r} (known: {', '.join(FIELDS)})")
    if listing.format == "json" and "id" not in listing.fields:
        raise ProfileError(f"{lw}: a JSON listing needs fields.id (the key holding the article id)")

    raw_view = dict(_take(data, "view", dict, where, {}))
    vw = f"{where} [view]"
    view = ViewSpec(
        title=_take(raw_view, "title", str, vw),
        labels=_strings(_take(raw_view, "labels", dict, vw, {}), vw),
        fields_in=_take(raw_view, "fields_in", str, vw),
        fields=_strings(_take(raw_view, "fields", dict, vw, {}), vw),
        body=_take(raw_view, "body", str, vw),
        attachments=_take(raw_view, "attachments", str, vw),
        attachment_onclick=_regex(_take(raw_view, "attachment_onclick", str, vw), vw),
        attachment_url=_take(raw_view, "attachment_url", str, vw),
        attachment_name=_take(raw_view, "attachment_name", str, vw),
        page=_take(raw_view, "page", str, vw),
        absent=tuple(_take(raw_view, "absent", list, vw, [])),
        version=_take(raw_view, "version", int, vw, 1),
    )
    _leftover(raw_view, vw)
    for label, target in view.labels.items():
        if target not in FIELDS:
            raise ProfileError(f"{vw}: labels: {label!r} maps to unknown field {target!r} "
                               f"(known: {', '.join(FIELDS)})")
    for key in view.fields:
        if key not in FIELDS:
            raise ProfileError(f"{vw}: fields: unknown field {key!r} (known: {', '.join(FIELDS)})")
    for key in view.absent:
        if key not in FIELDS:
            raise ProfileError(f"{vw}: absent: unknown field {key!r} (known: {', '.join(FIELDS)})")
    if view.attachment_onclick and not view.attachment_url:
        raise ProfileError(f"{vw}: 'attachment_onclick' needs 'attachment_url'")
    if view.page is not None and not (PAGE_IN_PROJECT.match(view.page) or PAGE_ENTRY_POINT.match(view.page)):
        raise ProfileError(f"{vw}: page {view.page!r} must be a page object of the project "
                           f"(\"scraper.pages.MODULE:Class\") or an entry point of group {PAGE_GROUP!r} "
                           "(its name, or its \"module:Class\")")
    _leftover(data, where)
    return Profile(name=name, description=description, base_url=base_url.rstrip("/"),
                   listing=listing, view=view, charset=charset, template=template,
                   politeness=politeness, allowed_hosts=tuple(h.lower() for h in allowed_hosts),
                   checked=checked, path=path)


def load_profile(path: Path | str) -> Profile:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from None
    return parse_profile(data, str(path), path)


def profile_dirs(extra: str | list | None = None) -> list[Path]:
    """Built-in profiles, then the user's folders (setting value, else $BULLETINS_PROFILE_DIRS)."""
    if extra is None:
        extra = os.environ.get("BULLETINS_PROFILE_DIRS", "")
    if isinstance(extra, str):
        extra = [p for p in extra.split(os.pathsep) if p]
    return [BUILTIN_DIR, *(Path(p).expanduser() for p in extra)]


def load_profiles(extra: str | list | None = None,
                  broken: dict[str, ProfileError] | None = None) -> dict[str, Profile]:
    """Every profile by name; a user's profile of the same name replaces the built-in one.

    A profile file that cannot be used raises its ProfileError, or, given a `broken` dict, is
    put there under its name (the file's name) and left out: the other sources work on. A folder
    that does not exist always raises."""
    found: dict[str, Profile] = {}
    for folder in profile_dirs(extra):
        if folder != BUILTIN_DIR and not folder.is_dir():
            raise ProfileError(f"{folder}: profile folder does not exist")
        for path in sorted(folder.glob("*.toml")):
            try:
                profile = load_profile(path)
                if path.stem != profile.name:
                    raise ProfileError(f"{path}: file name must be the profile name ({profile.name}.toml)")
            except ProfileError as exc:
                if broken is None:
                    raise
                found.pop(path.stem, None)  # a broken replacement of a profile: not the one replaced
                broken[path.stem] = exc
                continue
            found[profile.name] = profile
            if broken is not None:
                broken.pop(profile.name, None)
    return found
