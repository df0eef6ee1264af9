"""The registry of Korea's 243 local governments (`scraper/extract/profiles/registry.csv`) and how far
each can be crawled today.

One row per government: the 17 provincial-level ones (특별시, 광역시, 특별자치시, 도, 특별자치도)
and the 226 cities, counties and autonomous districts (시, 군, 구). Names, levels and provinces are
administrative facts; every URL and board family comes with the public source that gives it
(`*_source`), and is left empty where none does. The file is read with the standard csv module
and checked row by row: a bad row is one line naming the file, the line and the column.

How a government is crawled, best first (`crawlability`):

- its `profile` exists and works:   crawlable: bulletins crawl NAME
- a `family` and a press board URL: crawlable with the FAMILY family: bulletins crawl FAMILY --base-url URL
- a press board URL only:           zero-config: bulletins crawl --url URL
- a home page only:                 find the board: bulletins discover HOME_URL
- nothing:                          unknown

A profile named in the registry that does not exist (not written yet, or broken) is not an error:
that government is reported by what else the registry knows of it.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REGISTRY_FILE = Path(__file__).resolve().parent / "registry.csv"
REGISTRY_ENV = "BULLETINS_REGISTRY"  # another registry file (tests, a user's own list)

LEVELS = ("province", "city", "county", "district")
FAMILIES = ("yb-cms", "cs-board", "jsp-board", "egov-bbs", "neocms", "es-board", "rfc3-board")
# the suffix of a name that says its level (시 city, 군 county, 구 autonomous district)
LEVEL_SUFFIX = {"city": "시", "county": "군", "district": "구"}
PROVINCE_SUFFIXES = ("특별시", "광역시", "특별자치시", "도", "특별자치도")

SLUG = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
HANGUL = re.compile(r"^[가-힣]+$")

# What a crawl of each kind is called in the summary, in order.
KINDS = ("profile", "family", "zero-config", "discover", "unknown")


class RegistryError(ValueError):
    """A registry file that cannot be used: one line, naming the file, line and column."""


@dataclass(frozen=True)
class Government:
    code: str  # a stable slug: `seoul`, `jeonnam-naju`
    name_ko: str  # 나주시
    name_en: str  # Naju-si
    level: str  # province | city | county | district
    province: str  # the province's code; empty for a province
    home_page: str = ""
    home_page_source: str = ""
    press_board_url: str = ""
    press_board_source: str = ""
    family: str = ""  # one of FAMILIES (yb-cms, neocms, …), when a source says so
    family_source: str = ""
    profile: str = ""  # a built-in profile that crawls it (it may not exist yet)
    line: int = 0  # where it is in the file

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("line")
        return data


COLUMNS = tuple(f.name for f in fields(Government) if f.name != "line")
URL_COLUMNS = ("home_page", "press_board_url")


@dataclass(frozen=True)
class Crawlability:
    kind: str  # one of KINDS
    how: str  # "crawlable: bulletins crawl naju", …
    sure: str  # the profile's checked mark, or "URL from <source>"
    command: str | None  # the command alone, when there is one

    def to_dict(self) -> dict:
        return asdict(self)


def registry_path(path: str | Path | None = None) -> Path:
    """The registry file: the one given, else $BULLETINS_REGISTRY, else the built-in one."""
    if path is None:
        path = os.environ.get(REGISTRY_ENV) or REGISTRY_FILE
    return Path(path).expanduser()


def load_registry(path: str | Path | None = None) -> list[Government]:
    """Every government of the registry file, in file order; RegistryError on the first bad row."""
    path = registry_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the registry ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None

    reader = csv.reader(text.splitlines(keepends=True), strict=True)

    def bad(line: int, column: str | None, problem: str) -> RegistryError:
        if column is None:
            return RegistryError(f"{path}:{line}: {problem}")
        return RegistryError(f"{path}:{line}: column {COLUMNS.index(column) + 1} ({column}): {problem}")

    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise bad(reader.line_num, None, f"not valid CSV ({exc})") from None
    if header is None:
        raise RegistryError(f"{path}: empty file (a header line of {', '.join(COLUMNS)} is needed)")
    header = [h.strip() for h in header]
    if tuple(header) != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        unknown = [c for c in header if c not in COLUMNS]
        what = (
            f"missing column {', '.join(missing)}"
            if missing
            else f"unknown column {', '.join(unknown)}"
            if unknown
            else "columns out of order"
        )
        raise bad(1, None, f"header: {what} (expected: {','.join(COLUMNS)})")

    found: list[Government] = []
    codes: dict[str, int] = {}
    names: dict[tuple[str, str], int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise bad(reader.line_num, None, f"not valid CSV ({exc})") from None
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(COLUMNS):
            raise bad(line, None, f"{len(cells)} fields, expected {len(COLUMNS)} ({','.join(COLUMNS)})")
        row = dict(zip(COLUMNS, (c.strip() for c in cells)))
        _check_row(row, line, bad)
        if row["code"] in codes:
            raise bad(line, "code", f"{row['code']!r} is already on line {codes[row['code']]}")
        codes[row["code"]] = line
        key = (row["province"], row["name_ko"])
        if key in names:
            raise bad(
                line,
                "name_ko",
                f"{row['name_ko']} is already on line {names[key]}"
                + (f" in {row['province']}" if row["province"] else ""),
            )
        names[key] = line
        found.append(Government(**row, line=line))

    provinces = {g.code for g in found if g.level == "province"}
    for gov in found:
        if gov.province and gov.province not in provinces:
            raise bad(gov.line, "province", f"{gov.province!r} is not the code of a province in this file")
    return found


def _check_row(row: dict[str, str], line: int, bad) -> None:
    code, level, province = row["code"], row["level"], row["province"]
    if not SLUG.match(code):
        raise bad(line, "code", f"{code!r} is not a slug (lowercase letters and hyphens: jeonnam-naju)")
    if not HANGUL.match(row["name_ko"]):
        raise bad(line, "name_ko", f"{row['name_ko']!r} is not a Korean name (나주시)")
    if not row["name_en"]:
        raise bad(line, "name_en", "empty (the romanized name: Naju-si)")
    if level not in LEVELS:
        raise bad(line, "level", f"{level!r} is not one of {', '.join(LEVELS)}")
    if level == "province":
        if province:
            raise bad(line, "province", "must be empty for a province")
        if not row["name_ko"].endswith(PROVINCE_SUFFIXES):
            raise bad(
                line, "name_ko", f"{row['name_ko']} is no province name (ends with {', '.join(PROVINCE_SUFFIXES)})"
            )
    else:
        if not province:
            raise bad(line, "province", f"empty: a {level} belongs to a province")
        if not row["name_ko"].endswith(LEVEL_SUFFIX[level]):
            raise bad(line, "level", f"{level}, but {row['name_ko']} does not end with {LEVEL_SUFFIX[level]}")
        if not code.startswith(province + "-"):
            raise bad(line, "code", f"{code!r} must start with its province ({province}-)")
    for column in URL_COLUMNS:
        url, source = row[column], row[_source_of(column)]
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise bad(line, column, f"{url!r} is not an http(s) URL")
            if not source:
                raise bad(line, _source_of(column), f"empty: say which public source gives {url}")
        elif source:
            raise bad(line, column, f"empty, but {_source_of(column)} names a source")
    if row["family"]:
        if row["family"] not in FAMILIES:
            raise bad(line, "family", f"{row['family']!r} is not one of {', '.join(FAMILIES)}")
        if not row["family_source"]:
            raise bad(line, "family_source", "empty: say which public source shows the board family")
    elif row["family_source"]:
        raise bad(line, "family", "empty, but family_source names a source")
    if row["profile"] and not SLUG.match(row["profile"]):
        raise bad(line, "profile", f"{row['profile']!r} is not a profile name")


def _source_of(column: str) -> str:
    return {"home_page": "home_page_source", "press_board_url": "press_board_source"}[column]


def site_of(url: str) -> str:
    """The registrable domain of a URL: www.gb.go.kr and inseri.gb.go.kr are both gb.go.kr."""
    labels = (urlsplit(url).hostname or "").lower().split(".")
    # .kr has second-level names (go.kr, or.kr, …) and regional ones (seoul.kr, daegu.kr, …)
    keep = 3 if len(labels) >= 3 and labels[-1] == "kr" and labels[-2] in _KR_SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


_KR_SECOND_LEVEL = {
    "go",
    "or",
    "co",
    "ne",
    "re",
    "ac",
    "pe",
    "hs",
    "ms",
    "es",
    "sc",
    "kg",
    "mil",
    "seoul",
    "busan",
    "daegu",
    "incheon",
    "gwangju",
    "daejeon",
    "ulsan",
    "sejong",
    "gyeonggi",
    "gangwon",
    "chungbuk",
    "chungnam",
    "jeonbuk",
    "jeonnam",
    "gyeongbuk",
    "gyeongnam",
    "jeju",
}


def family_base_url(board_url: str, family_profile=None) -> str:
    """The --base-url a board family takes for a board: the board page itself, with its query, for
    families that list the base URL's own page (`[listing] url = ""`: yb-cms, cs-board, neocms,
    es-board, rfc3-board), else the site with the board's query (jsp-board `?boardId=…`, egov-bbs
    `?bbsId=…`). The query goes with every listing request, so a page number the board URL
    happens to carry (the family's pagination parameter: `pageIndex=3`) is left out of it."""
    listing = getattr(family_profile, "listing", None)
    if family_profile is None or listing is None:
        return board_url
    parts = urlsplit(board_url)
    param = listing.pagination.param if listing.pagination.kind in ("param", "offset", "form") else None
    query = parts.query
    if param and any(k == param for k, _ in parse_qsl(query, keep_blank_values=True)):
        query = urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != param])
    if not listing.url:
        return urlunsplit(parts._replace(query=query))
    return urlunsplit((parts.scheme, parts.netloc, "", query, ""))


def crawlability(
    gov: Government, profiles: Mapping[str, object], broken: Mapping[str, object] | None = None
) -> Crawlability:
    """How `gov` is crawled with the sources at hand: `profiles` maps working source names to
    their Profile (or None for a source with no profile file), `broken` the unusable ones."""
    note = ""
    if gov.profile:
        if gov.profile in profiles:
            profile = profiles[gov.profile]
            if profile is not None and getattr(profile, "template", False):
                note = f" (profile {gov.profile} is a board family, it needs --base-url)"
            else:
                checked = getattr(profile, "checked", None)
                sure = checked.mark() if checked is not None else "a spider of its own"
                command = f"bulletins crawl {gov.profile}"
                return Crawlability("profile", f"crawlable: {command}", sure, command)
        elif gov.profile in (broken or {}):
            note = f" (profile {gov.profile} is broken: see `bulletins sources`)"
        else:
            note = f" (profile {gov.profile} does not exist)"
    if gov.family and gov.press_board_url and gov.family in profiles:
        base = family_base_url(gov.press_board_url, profiles[gov.family])
        command = f"bulletins crawl {gov.family} --base-url '{base}'"
        return Crawlability(
            "family",
            f"crawlable with the {gov.family} family: {command}{note}",
            f"URL from {gov.press_board_source}; family from {gov.family_source}",
            command,
        )
    if gov.press_board_url:
        command = f"bulletins crawl --url '{gov.press_board_url}'"
        return Crawlability(
            "zero-config", f"zero-config: {command}{note}", f"URL from {gov.press_board_source}", command
        )
    if gov.home_page:
        command = f"bulletins discover '{gov.home_page}'"
        return Crawlability("discover", f"find the board: {command}{note}", f"URL from {gov.home_page_source}", command)
    return Crawlability("unknown", f"unknown{note}", "", None)


def summary(rows: list[tuple[Government, Crawlability]], where: str = "") -> str:
    """`243 governments: 22 crawlable by a profile, 3 by a family, 14 zero-config, 204 with a
    home page only (bulletins discover), 0 unknown`."""
    counts = {kind: 0 for kind in KINDS}
    for _, crawl in rows:
        counts[crawl.kind] += 1
    missing = sorted({g.profile for g, c in rows if g.profile and c.kind != "profile"})
    text = (
        f"{len(rows)} government{'' if len(rows) == 1 else 's'}{where}: {counts['profile']} crawlable by a profile, "
        f"{counts['family']} by a family, {counts['zero-config']} zero-config, "
        f"{counts['discover']} with a home page only (bulletins discover), {counts['unknown']} unknown"
    )
    if missing:
        text += f"; profiles named but not usable: {', '.join(missing)}"
    return text
