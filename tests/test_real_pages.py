"""The real captured pages of ../shared/real-pages give, through each profile's page objects, the
values tests/real_pages.toml expects of them: one test per page and expected key, so a failure
names the page and the field. The pages are read through the profile's spider (`listing_page`,
`article_page`), as a crawl reads them: the profile's own page object where it names one, its
charset. The file's format is described at its top; a test checks that it holds no key this
module would not check."""

from __future__ import annotations

import datetime
import functools
import tomllib
from pathlib import Path

import pytest
from web_poet import HttpResponse

from scraper.extract.pages.declarative import ListingPage
from scraper.extract.profiles import load_profiles
from scraper.crawl.spiders.profiled import spider_class

from .profile_harness import real_page

GOLDEN = Path(__file__).with_name("real_pages.toml")
PAGES: list[dict] = tomllib.loads(GOLDEN.read_text(encoding="utf-8"))["page"]
PROFILES = load_profiles("")

ENTRY_KEYS = {"profile", "file", "url", "kind", "base_url", "encoding", "expect"}
VIEW_KEYS = {"board_id", "title", "published", "author", "department", "views", "missing_fields",
             "body_start", "body_end", "body_excludes", "body_html_includes", "attachments",
             "attachment_urls", "attachment_url_start", "attachment_url_end",
             "attachment_content_types", "none"}
LISTING_KEYS = {"count", "ids", "notices", "published_all", "url_each", "url_each_start", "at"}
ROW_KEYS = {"board_id", "title", "published", "views", "author", "url", "notice"}


def page_id(entry: dict) -> str:
    return f"{entry['profile']}:{entry['file']}"


@functools.cache
def spider(profile: str, base_url: str | None):
    cls = spider_class(PROFILES[profile])
    return cls(base_url=base_url) if base_url else cls()


@functools.cache
def read(index: int):
    """The page object (view) or the rows (listing) of the golden file's `index`th page."""
    entry = PAGES[index]
    response = HttpResponse(entry["url"], body=real_page(entry["file"]), encoding=entry.get("encoding", "utf-8"))
    walker = spider(entry["profile"], entry.get("base_url"))
    if entry["kind"] == "view":
        page = walker.page_object(response)  # the page class scrapy-poet builds in a crawl
        return page, page.to_item()
    return ListingPage(response, walker.profile, walker.base_url).rows()


# ---------------------------------------------------------------------- what each key asserts


def check_view(key: str, want, page, item) -> None:
    if key == "department":
        assert page.department == want
    elif key == "none":
        values = {name: page.department if name == "department" else getattr(item, name) for name in want}
        assert values == dict.fromkeys(want), "printed nowhere on the page: must be None"
    elif key == "body_start":
        assert item.body_text.startswith(want), item.body_text[:200]
    elif key == "body_end":
        assert item.body_text.endswith(want), item.body_text[-200:]
    elif key == "body_excludes":
        assert [trap for trap in want if trap in item.body_text] == []
    elif key == "body_html_includes":
        assert [s for s in want if s not in item.body_html] == []
    elif key == "attachments":
        assert [a.name for a in item.attachments] == want
    elif key == "attachment_urls":
        assert [a.url for a in item.attachments] == want
    elif key == "attachment_url_start":
        assert item.attachments and all(a.url.startswith(want) for a in item.attachments), item.attachments
    elif key == "attachment_url_end":
        assert item.attachments and all(a.url.endswith(want) for a in item.attachments), item.attachments
    elif key == "attachment_content_types":
        assert [a.content_type for a in item.attachments] == want
    else:  # board_id, title, published, author, views, missing_fields
        assert getattr(item, key) == want


def check_listing(key: str, want, rows) -> None:
    if key == "count":
        assert len(rows) == want
    elif key == "ids":
        assert [r.board_id for r in rows] == want
    elif key == "notices":
        assert [r.board_id for r in rows if r.notice] == want
    elif key == "published_all":
        assert rows and {r.published for r in rows} == {want}
    elif key == "url_each":
        assert rows and [r.url for r in rows] == [want.format(board_id=r.board_id) for r in rows]
    elif key == "url_each_start":
        assert rows and [r.url for r in rows if not r.url.startswith(want.format(board_id=r.board_id))] == []
    else:  # at.N.field
        _, position, field = key.split(".")
        row = rows[int(position)]
        assert getattr(row, field) == want, (position, row)


# ---------------------------------------------------------------------- the cases

CASES: list[tuple[int, str, object]] = []
for index, entry in enumerate(PAGES):
    for key, want in sorted(entry.get("expect", {}).items()):
        if key == "at" and isinstance(want, dict):
            for position, fields in want.items():
                for field, value in fields.items():
                    CASES.append((index, f"at.{position}.{field}", value))
        else:
            CASES.append((index, key, want))


@pytest.mark.parametrize("index, key, want", CASES, ids=[f"{page_id(PAGES[i])}:{k}" for i, k, _ in CASES])
def test_a_real_page_gives_what_the_golden_file_expects(index, key, want):
    entry = PAGES[index]
    known = VIEW_KEYS if entry["kind"] == "view" else LISTING_KEYS
    assert key.split(".")[0] in known, f"{key}: not a key this test checks (see the file's top)"
    if entry["kind"] == "view":
        page, item = read(index)
        check_view(key, want, page, item)
    else:
        check_listing(key, want, read(index))


def test_the_golden_file_names_real_pages_profiles_and_only_keys_that_are_checked():
    readme = (Path(__file__).resolve().parent.parent.parent / "shared" / "real-pages" / "README.md")
    listed = readme.read_text(encoding="utf-8") if readme.exists() else None
    assert len(PAGES) >= 6
    seen = set()
    for entry in PAGES:
        where = page_id(entry)
        assert set(entry) <= ENTRY_KEYS and {"profile", "file", "url", "kind", "expect"} <= set(entry), where
        assert entry["profile"] in PROFILES, where
        assert entry["kind"] in ("view", "listing"), where
        assert entry["url"].startswith(("https://", "http://")), where
        assert (entry["profile"], entry["file"], entry["url"]) not in seen, f"{where}: twice"
        seen.add((entry["profile"], entry["file"], entry["url"]))
        expect = entry["expect"]
        assert expect, f"{where}: nothing expected"
        if entry["kind"] == "view":
            assert set(expect) <= VIEW_KEYS, (where, set(expect) - VIEW_KEYS)
            assert set(expect.get("none", [])) <= {"title", "author", "department", "published", "views"}
            assert not set(expect.get("none", [])) & set(expect), f"{where}: a field both None and valued"
        else:
            assert set(expect) <= LISTING_KEYS, (where, set(expect) - LISTING_KEYS)
            for position, fields in expect.get("at", {}).items():
                assert position.lstrip("-").isdigit() and set(fields) <= ROW_KEYS, (where, position, fields)
        for key in ("published", "published_all"):
            assert key not in expect or type(expect[key]) is datetime.date, f"{where}: {key} is a TOML date"
        if listed is not None:
            assert f"| {entry['file']} |" in listed, f"{where}: not a page of ../shared/real-pages"
