"""Site profiles: one small TOML file per source says how its board is walked and read.

A profile declares the listing (URL, GET or POST, HTML or JSON, pagination), how a row gives an
article (link, or an id in an `onclick` turned into a view URL), and the view page's fields
(selectors, or labels such as 작성자 / 조회수 looked up in the page's field block). Fields a
profile leaves out fall back to the zero-config extractor. Where declarations cannot say it, a
profile names a page-object class: one of the project's page modules
(`view.page = "scraper.extract.pages.MODULE:Class"`) or one a package declares in the entry point group
`bulletins.pages`; nothing else is imported (scraper.crawl.spiders.profiled.page_class).

Built-in profiles live beside this module; `BULLETINS_PROFILE_DIRS` (setting or environment,
separated by the OS path separator) adds folders of the user's own. The file format is documented
in README ("Add a new region") and by the built-in profiles themselves.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import field, is_dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urljoin, urlsplit

from pydantic_core import ErrorDetails
from pydantic import BeforeValidator, ConfigDict, Strict, TypeAdapter, ValidationError, field_validator, model_validator
from pydantic.dataclasses import dataclass

BUILTIN_DIR = Path(__file__).parent
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")
FIELDS = ("title", "author", "published", "views", "department")
# `view.page`: a page object class of the project's own page modules, or one an installed package
# declares in this entry point group (scraper.crawl.spiders.profiled.page_class checks and imports it).
PAGE_GROUP = "bulletins.pages"
PAGE_IN_PROJECT = re.compile(r"^scraper\.extract\.pages(\.[a-z_][a-z0-9_]*)+:[A-Za-z_][A-Za-z0-9_]*$")
PAGE_ENTRY_POINT = re.compile(r"^[A-Za-z0-9_.-]+(:[A-Za-z_][A-Za-z0-9_]*)?$")


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the key."""


# The file format is these dataclasses: pydantic checks a profile's tables against them (unknown
# keys refused, types checked, the rules between keys in their validators) and `parse_profile`
# turns its first complaint into one line naming the file, the table and the key.
_STRICT = ConfigDict(extra="forbid")
Str = Annotated[str, Strict()]
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]
# Values of the key = value tables (form fields, headers, selectors): a number is taken as its text.
Text = Annotated[str, BeforeValidator(lambda v: str(v) if type(v) is int else v), Strict()]


def _compiles(pattern: str | None, key: str) -> str | None:
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{key!r} is a bad regular expression ({exc})") from None
    return pattern


def _known(keys, what: str) -> None:
    for key in keys:
        if key not in FIELDS:
            raise ValueError(f"{what}: unknown field {key!r} (known: {', '.join(FIELDS)})")


@dataclass(frozen=True, config=_STRICT)
class Pagination:
    """How listing page N is asked for.

    next_link: follow `selector`'s href; param: `?param=N` from `first`; offset: `param` counts
    rows (`first`, `first+step`, ...); form: POST the listing form with `param=N`; none: one page.
    """

    kind: Literal["next_link", "param", "offset", "form", "none"] = "none"
    param: Str | None = None
    first: Int = 1
    step: Int = 1
    selector: Str | None = None

    @model_validator(mode="after")
    def _needs(self) -> Pagination:
        if self.kind in ("param", "offset", "form") and not self.param:
            raise ValueError(f"kind {self.kind!r} needs 'param'")
        if self.kind == "next_link" and not self.selector:
            raise ValueError("kind 'next_link' needs 'selector'")
        return self


@dataclass(frozen=True, config=_STRICT)
class ListingSpec:
    url: Str
    rows: Str  # CSS (html) or dotted key path (json)
    method: Literal["GET", "POST"] = "GET"
    format: Literal["html", "json"] = "html"
    form: dict[str, Text] = field(default_factory=dict)  # POST fields; "{page}" / "{offset}"
    headers: dict[str, Text] = field(default_factory=dict)
    session_first: Str | None = None  # a page to GET first (session cookie)
    link: Str | None = None  # CSS giving the href, e.g. "a::attr(href)"
    onclick: Str | None = None  # regex over the row's onclick/href, named groups
    view_url: Str | None = None  # template for onclick groups / JSON keys: "{id}"
    id_param: Str | None = None  # query parameter of the view URL holding the id
    id_pattern: Str | None = None  # or a regex over the view URL with group "id"
    fields: dict[str, Text] = field(default_factory=dict)  # title/author/published/views: selector
    notice: Str | None = None  # selector matching pinned notice rows
    notice_text: tuple[Str, ...] = ("공지", "notice", "Notice", "NOTICE")
    number: Str | None = None  # selector of the row's number cell (notice test)
    pagination: Pagination = field(default_factory=Pagination)

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value):
        return value.upper() if isinstance(value, str) else value

    @field_validator("onclick", "id_pattern")
    @classmethod
    def _regex(cls, value, info):
        return _compiles(value, info.field_name)

    @model_validator(mode="after")
    def _rules(self) -> ListingSpec:
        if not (self.link or self.onclick or self.view_url):
            raise ValueError("needs 'link', or 'onclick' with 'view_url', or 'view_url'")
        if self.onclick and not self.view_url:
            raise ValueError("'onclick' needs 'view_url'")
        if not (self.id_param or self.id_pattern or self.onclick or self.format == "json"):
            raise ValueError("needs 'id_param' or 'id_pattern' to tell article ids")
        # `id` names the JSON key holding the article id (HTML rows take it from the link).
        _known([k for k in self.fields if not (k == "id" and self.format == "json")], "fields")
        if self.format == "json" and "id" not in self.fields:
            raise ValueError("a JSON listing needs fields.id (the key holding the article id)")
        return self


@dataclass(frozen=True, config=_STRICT)
class ViewSpec:
    title: Str | None = None
    labels: dict[str, Text] = field(default_factory=dict)  # printed label -> field
    fields_in: Str | None = None  # CSS of the field block(s) labels are looked up in
    fields: dict[str, Text] = field(default_factory=dict)  # field -> selector (wins over labels)
    body: Str | None = None
    attachments: Str | None = None  # CSS of the attachment <a> elements
    attachment_onclick: Str | None = None  # regex over href/onclick, named groups
    attachment_url: Str | None = None  # template for those groups
    attachment_name: Str | None = None  # selector, from each attachment, of its printed name
    page: Str | None = None  # "scraper.extract.pages.MODULE:Class" (or an entry point) instead
    absent: tuple[Str, ...] = ()  # fields this board never prints: not looked for
    version: Int = 1

    @field_validator("labels")
    @classmethod
    def _labels(cls, labels):
        for label, target in labels.items():
            if target not in FIELDS:
                raise ValueError(f"labels: {label!r} maps to unknown field {target!r} (known: {', '.join(FIELDS)})")
        return labels

    @field_validator("fields", "absent")
    @classmethod
    def _fields(cls, value, info):
        _known(value, info.field_name)
        return value

    @field_validator("attachment_onclick")
    @classmethod
    def _regex(cls, value, info):
        return _compiles(value, info.field_name)

    @field_validator("page")
    @classmethod
    def _page(cls, page):
        if page is not None and not (PAGE_IN_PROJECT.match(page) or PAGE_ENTRY_POINT.match(page)):
            raise ValueError(
                f"page {page!r} must be a page object of the project "
                f'("scraper.extract.pages.MODULE:Class") or an entry point of group {PAGE_GROUP!r} '
                '(its name, or its "module:Class")'
            )
        return page

    @model_validator(mode="after")
    def _rules(self) -> ViewSpec:
        if self.attachment_onclick and not self.attachment_url:
            raise ValueError("'attachment_onclick' needs 'attachment_url'")
        return self


@dataclass(frozen=True, config=_STRICT)
class Checked:
    """What a profile's structure was checked against, said by `bulletins sources -v`.

    real_page: the date of the newest article on the real captured pages the profile's tests read
    (`real_pages`, files of ../shared/real-pages); empty when none exists. structure_from: where the
    board's URLs and selectors were learned ("owner/repo: path" of a public scraper, or a page).
    """

    real_page: Str = ""
    real_pages: tuple[Str, ...] = ()
    structure_from: Str = ""

    @field_validator("real_page")
    @classmethod
    def _date(cls, real_page):
        if real_page and not re.match(r"^\d{4}-\d{2}-\d{2}$", real_page):
            raise ValueError('real_page must be a date, such as "2025-12-10"')
        return real_page

    @model_validator(mode="after")
    def _together(self) -> Checked:
        if bool(self.real_page) != bool(self.real_pages):
            raise ValueError("real_page (a date) and real_pages (file names) go together")
        return self

    def mark(self) -> str:
        if self.real_page:
            return f"tested on a real page of {self.real_page}"
        where = f" ({self.structure_from})" if self.structure_from else ""
        return (
            f"structure from public code{where}, not yet checked against the live site: "
            "start with a one-month --since crawl"
        )


@dataclass(frozen=True, config=_STRICT)
class Profile:
    name: Str
    listing: ListingSpec
    description: Str = ""
    base_url: Str = ""
    view: ViewSpec = field(default_factory=ViewSpec)
    charset: Str | None = None  # force when the server's header lies or is absent
    template: Bool = False  # a board family: needs --base-url
    politeness: dict[str, Any] = field(default_factory=dict)  # Scrapy settings, spider priority
    # Other hosts the site serves its pages and files from (file servers): host names, each
    # with its subdomains. The site's own host, its `www.` twin, http and https always are.
    allowed_hosts: tuple[str, ...] = ()
    checked: Checked = field(default_factory=Checked)
    path: Path | None = None  # the file, set by the loader (no key of the file)

    @field_validator("name")
    @classmethod
    def _name(cls, name):
        if not NAME.match(name):
            raise ValueError(f"name {name!r} must be lower-case letters, digits and '-'")
        return name

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, base_url):
        return base_url.rstrip("/")

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _hosts(cls, hosts):
        if not (isinstance(hosts, (list, tuple)) and all(isinstance(h, str) and HOST.match(h) for h in hosts)):
            raise ValueError("'allowed_hosts' must be host names, such as \"file.gg.go.kr\"")
        return tuple(h.lower() for h in hosts)

    @model_validator(mode="after")
    def _rules(self) -> Profile:
        if not self.base_url and not self.template:
            raise ValueError("missing key 'base_url' (or set template = true)")
        return self

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

_PROFILE = TypeAdapter(Profile)
_TYPES = {
    "string_type": "str",
    "int_type": "int",
    "bool_type": "bool",
    "dict_type": "dict",
    "dataclass_type": "dict",
    "list_type": "list",
    "tuple_type": "list",
}


def _one_line(error: ErrorDetails, where: str) -> str:
    """pydantic's complaint as `FILE [TABLE]: message naming the key`."""
    rest, kind = list(error["loc"]), error["type"]
    table: Any = Profile  # a pydantic dataclass: its fields are in __pydantic_fields__
    tables: list[str] = []
    while rest and isinstance(rest[0], str) and (len(rest) > 1 or kind == "value_error"):
        sub = table.__pydantic_fields__.get(rest[0])
        if sub is None or not is_dataclass(sub.annotation):
            break
        table = sub.annotation
        tables.append(str(rest.pop(0)))
    at = f"{where} [{'.'.join(tables)}]" if tables else where
    key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
    if kind == "value_error":
        message = str(error["ctx"]["error"])
    elif kind == "missing":
        message = f"missing key {key!r}"
    elif kind in ("unexpected_keyword_argument", "extra_forbidden"):
        message = f"unknown key {key!r}"
    elif kind in _TYPES:
        message = f"{key!r} must be {_TYPES[kind]}, got {type(error['input']).__name__}"
    elif kind == "literal_error":
        expected = error["ctx"]["expected"]
        message = f"{key} must be {'one of ' if ', ' in expected else ''}{expected}"
    else:
        message = f"{key!r}: {error['msg']}"
    return f"{at}: {message}"


def parse_profile(data: dict, where: str, path: Path | None = None) -> Profile:
    if "path" in data:  # the loader's own field, no key of the file
        raise ProfileError(f"{where}: unknown key 'path'")
    try:
        return _PROFILE.validate_python({**data, "path": path})
    except ValidationError as exc:
        raise ProfileError(_one_line(exc.errors()[0], where)) from None


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


def load_profiles(extra: str | list | None = None, broken: dict[str, ProfileError] | None = None) -> dict[str, Profile]:
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
