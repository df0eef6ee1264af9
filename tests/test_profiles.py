"""The site-profile format: what a user's own profile file gives with nothing else, and the
one-line errors a broken one gets."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import pytest
from web_poet import HttpResponse, PageParams

from scraper.extract.pages.declarative import ArticlePage
from scraper.extract.profiles import ProfileError, load_profile, load_profiles, parse_profile
from scraper.crawl.spiders.profiled import spider_class
from scraper.replica.sites import site_for

from .conftest import run_cli
from .profile_harness import REAL_PAGES as REAL_PAGES_DIR, crawl_site, real_page

REAL_PAGES = REAL_PAGES_DIR / "README.md"

# A region added by a user: the listing declared, the view page left to the zero-config extractor.
MINIMAL = """
name = "my-gb"
description = "Gyeongsangbuk-do press releases, my own profile"
base_url = "https://www.gb.go.kr"

[listing]
url = "/Main/page.do?mnu_uid=6792&dept_code=&dept_name=&BD_CODE=bbs_bodo&bdName=&cmd=1&Start=0"
rows = "ul.report_list > li"
link = "div.subject a::attr(href)"
id_param = "B_NUM"
pagination = { kind = "offset", param = "Start", first = 0, step = 10 }
"""
BASE = {"name": "x", "base_url": "https://x.example",
        "listing": {"url": "/list", "rows": "tr", "link": "a::attr(href)", "id_param": "id"}}


def with_(**changes) -> dict:
    data = {**BASE, "listing": {**BASE["listing"]}}
    for key, value in changes.items():
        if key.startswith("listing_"):
            data["listing"][key[len("listing_"):]] = value
        else:
            data[key] = value
    return data


@pytest.mark.parametrize("data, message", [
    ({k: v for k, v in BASE.items() if k != "base_url"}, "missing key 'base_url' (or set template = true)"),
    (with_(name="Bad Name"), "name 'Bad Name' must be lower-case letters, digits and '-'"),
    (with_(listing_colour="blue"), "[listing]: unknown key 'colour'"),
    (with_(listing_method="PUT"), "[listing]: method must be 'GET' or 'POST'"),
    (with_(listing_pagination={"kind": "offset"}), "[listing.pagination]: kind 'offset' needs 'param'"),
    (with_(listing_pagination={"kind": "pages"}), "[listing.pagination]: kind must be one of"),
    (with_(listing_onclick="fn(('"), "[listing]: 'onclick' is a bad regular expression"),
    (with_(view={"labels": {"작성자": "writer"}}), "[view]: labels: '작성자' maps to unknown field 'writer'"),
    (with_(listing_id_param=None), "[listing]: needs 'id_param' or 'id_pattern' to tell article ids"),
    (with_(view={"absent": ["writer"]}), "[view]: absent: unknown field 'writer'"),
    (with_(checked={"real_page": "Dec 2025", "real_pages": ["x.html"]}), "[checked]: real_page must be a date"),
    (with_(checked={"real_page": "2025-12-10"}), "[checked]: real_page (a date) and real_pages (file names) go together"),
    (with_(listing_rows=3), "[listing]: 'rows' must be str, got int"),
    (with_(listing_pagination={"kind": "offset", "param": "p", "colour": 1}),
     "[listing.pagination]: unknown key 'colour'"),
    (with_(listing_pagination={"kind": "offset", "param": "p", "first": "0"}),
     "[listing.pagination]: 'first' must be int, got str"),
    (with_(listing_pagination={"kind": "next_link"}), "[listing.pagination]: kind 'next_link' needs 'selector'"),
    (with_(listing_link=None), "[listing]: needs 'link', or 'onclick' with 'view_url', or 'view_url'"),
    (with_(listing_onclick="go\\((?P<id>\\d+)\\)"), "[listing]: 'onclick' needs 'view_url'"),
    (with_(listing_format="json"), "[listing]: a JSON listing needs fields.id"),
    (with_(listing_fields={"id": "no"}), "[listing]: fields: unknown field 'id'"),
    (with_(listing_form={"page": ["1"]}), "[listing]: 'form.page' must be str, got list"),
    (with_(listing="/list"), "x.toml: 'listing' must be dict, got str"),
    (with_(view={"page": "os.system('x')"}), "[view]: page \"os.system('x')\" must be a page object"),
    (with_(view={"attachment_onclick": "f\\((?P<n>\\d+)\\)"}), "[view]: 'attachment_onclick' needs 'attachment_url'"),
    (with_(checked={"tested": True}), "x.toml [checked]: unknown key 'tested'"),
    (with_(path="/etc"), "x.toml: unknown key 'path'"),
    ({k: v for k, v in BASE.items() if k != "name"}, "x.toml: missing key 'name'"),
])
def test_a_broken_profile_is_refused_naming_file_and_key(data, message):
    data = {k: v for k, v in data.items()}
    if isinstance(data["listing"], dict):
        data["listing"] = {k: v for k, v in data["listing"].items() if v is not None}
    with pytest.raises(ProfileError) as raised:
        parse_profile(data, "x.toml")
    assert str(raised.value).startswith("x.toml")
    assert message in str(raised.value)


def test_a_profile_is_read_as_written_with_the_formats_conveniences():
    """Numbers in a form table are its text, the method any case, the base URL without its last
    slash, allowed hosts in lower case; left-out tables take their defaults."""
    profile = parse_profile(with_(base_url="https://x.example/", allowed_hosts=["Files.X.example"],
                                  listing_method="post", listing_form={"page": 1, "q": "a"}), "x.toml")
    assert (profile.base_url, profile.allowed_hosts) == ("https://x.example", ("files.x.example",))
    assert (profile.listing.method, profile.listing.form) == ("POST", {"page": "1", "q": "a"})
    assert (profile.listing.pagination.kind, profile.view.version, profile.checked.real_pages) == ("none", 1, ())


def test_every_built_in_profile_loads_and_is_named_after_its_file():
    profiles = load_profiles("")
    assert len(profiles) >= 7
    for name, profile in profiles.items():
        assert profile.path.stem == name
        assert profile.template or profile.base_url.startswith("https://")


TESTS = Path(__file__).parent


def test_a_profile_said_tested_on_a_real_page_has_a_test_reading_that_page():
    """`sources -v` says "tested on a real page" only of profiles whose real pages exist beside the
    project and are read by a test: an entry of that profile for that page in the golden file
    tests/real_pages.toml (tests/test_real_pages.py), or a test module quoting the file's name;
    the others say where their structure came from."""
    real_pages = REAL_PAGES.read_text(encoding="utf-8") if REAL_PAGES.exists() else None
    if real_pages is None:
        pytest.skip(f"{REAL_PAGES} is absent (real pages live beside the project, in shared/)")
    test_text = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py"))
    golden = {(page["profile"], page["file"]) for page in
              tomllib.loads((TESTS / "real_pages.toml").read_text(encoding="utf-8"))["page"] if page.get("expect")}
    tested = [p for p in load_profiles("").values() if p.checked.real_page]
    assert len(tested) >= 4
    for profile in tested:
        for page in profile.checked.real_pages:
            assert f"| {page} |" in real_pages, (profile.name, page)
            assert (profile.name, page) in golden or f'"{page}"' in test_text, f"{profile.name}: no test reads {page}"
    lines = dict(line.split("\t", 1) for line in run_cli("sources", "-v").stdout.splitlines())
    for profile in load_profiles("").values():
        mark = lines[profile.name].rsplit("\t", 1)[1]
        if profile.checked.real_page:
            assert mark == f"tested on a real page of {profile.checked.real_page}"
        else:
            assert mark.startswith("structure from public code (") and "--since" in mark


def test_fields_a_profile_leaves_out_come_from_the_zero_config_extractor(tmp_path):
    (tmp_path / "my-gb.toml").write_text(MINIMAL, encoding="utf-8")
    profile = load_profiles(str(tmp_path))["my-gb"]
    url = "https://www.gb.go.kr/Main/page.do?mnu_uid=6792&cmd=2&Start=0&B_NUM=506274201"
    page = ArticlePage(HttpResponse(url, body=real_page("gyeongbuk_gb_go_kr_press_view.html"),
                                    encoding="utf-8"), profile)
    item = page.to_item()
    assert (item.board_id, item.title, item.published, item.author, item.views) == (
        "506274201", "경북도, 하수 중 항생제 내성균 및 내성 유전자 조사 결과 발표",
        datetime.date(2026, 1, 7), "황희영", 24)
    assert item.body_text.endswith("기초자료로 활용할 예정이다”고 밝혔다.")
    # the body as the zero-config extractor read it: cleaned once, not its HTML cleaned again
    assert (item.body_text, item.body_html) == (page.auto().body_text, page.auto().body_html)
    assert [a.name for a in item.attachments] == ["경북도, 하수 중 항생제 내성균 및 내성 유전자 조사 결과 발표.hwp"]
    assert item.extractor_version == "profile:my-gb/1"


def test_a_profile_without_a_body_selector_keeps_the_body_the_extractor_read(tmp_path):
    """The body comes from the zero-config extractor, as it read it: cleaned once. On this page
    cleaning that HTML again would make the blank line between the last two paragraphs one."""
    from scraper.extract.html_text import clean_fragment

    (tmp_path / "my-gb.toml").write_text(MINIMAL, encoding="utf-8")
    profile = load_profiles(str(tmp_path))["my-gb"]
    assert not profile.view.body
    sentence = "도는 {}일 청년 창업 지원사업 참여자를 모집한다고 밝혔다. 신청은 누리집에서 받는다."
    paragraphs = "".join(f"<p>{sentence.format(n)}</p>\n" for n in range(1, 4))
    html = ("<html><head><meta charset='utf-8'><title>도정 소식</title></head><body>"
            f"<h3 class='title'>청년 창업 지원사업 참여자 모집</h3><div class='view_con'>\n<div>{paragraphs}</div>"
            f"\n<div>{sentence.format(7)} 문의는 일자리경제과로 하면 된다.</div>\n</div></body></html>")
    url = "https://www.gb.go.kr/Main/page.do?mnu_uid=6792&cmd=2&Start=0&B_NUM=7"
    page = ArticlePage(HttpResponse(url, body=html.encode()), profile)
    item = page.to_item(detect=lambda text: ("ko", 1.0))
    assert (item.body_text, item.body_html) == (page.auto().body_text, page.auto().body_html)
    assert "</p>\n\n<p>" in item.body_html and clean_fragment(item.body_html, url)[1] != item.body_html


def test_a_users_profile_folder_adds_a_source_that_crawls(tmp_path, monkeypatch):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "my-gb.toml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setenv("BULLETINS_PROFILE_DIRS", str(folder))
    assert "my-gb" in run_cli("sources").stdout.split()
    site = site_for("gyeongbuk", articles=12)
    crawled = crawl_site("my-gb", site, tmp_path)
    assert crawled.result.returncode == 0, crawled.result.stdout + crawled.result.stderr
    stored = crawled.articles()
    assert set(stored) == {str(p.id) for p in site.posts}
    for post in site.posts:
        row = stored[str(post.id)]
        assert (row["title"], row["published"], row["views"]) == (
            post.title, post.posted.date().isoformat(), post.views)


def test_a_broken_profile_fails_alone_named_and_the_others_crawl(tmp_path, monkeypatch):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "my-gb.toml").write_text(MINIMAL, encoding="utf-8")
    (folder / "bad.toml").write_text(MINIMAL.replace('name = "my-gb"', 'name = "bad"')
                                     + 'colour = "blue"\n', encoding="utf-8")
    (folder / "torn.toml").write_text('name = "torn"\n[listing\n', encoding="utf-8")
    monkeypatch.setenv("BULLETINS_PROFILE_DIRS", str(folder))
    bad_reason = f"{folder / 'bad.toml'} [listing]: unknown key 'colour'"

    listed = run_cli("sources", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert f"bad\tbroken: {bad_reason}" in lines
    [torn] = [line for line in lines if line.startswith("torn\t")]
    assert torn.startswith(f"torn\tbroken: {folder / 'torn.toml'}: not valid TOML (")
    assert "my-gb" in lines and "gyeongbuk" in lines and listed.stderr == ""
    # a nightly run of every source crawls the broken ones too, so that their failure is reported
    runnable = run_cli("sources", "--runnable", cwd=tmp_path).stdout.splitlines()
    assert {"bad", "torn", "my-gb", "gyeongbuk"} <= set(runnable)

    refused = run_cli("crawl", "bad", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"bulletins: error: source 'bad' cannot be crawled: {bad_reason}"]
    assert not (tmp_path / "data").exists()

    site = site_for("gyeongbuk", articles=12)
    crawled = crawl_site("my-gb", site, tmp_path)  # beside the broken files
    assert crawled.result.returncode == 0, crawled.result.stdout + crawled.result.stderr
    assert set(crawled.articles()) == {str(p.id) for p in site.posts}


def test_a_broken_replacement_of_a_built_in_profile_does_not_crawl_the_built_in(tmp_path, monkeypatch):
    (tmp_path / "gyeongbuk.toml").write_text(MINIMAL.replace('name = "my-gb"', 'name = "gyeongbuk"')
                                             .replace('rows = ', 'rowz = '), encoding="utf-8")
    monkeypatch.setenv("BULLETINS_PROFILE_DIRS", str(tmp_path))
    result = run_cli("crawl", "gyeongbuk", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"bulletins: error: source 'gyeongbuk' cannot be crawled: {tmp_path / 'gyeongbuk.toml'} "
        "[listing]: missing key 'rows'"]


def test_a_missing_profile_folder_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETINS_PROFILE_DIRS", str(tmp_path / "nowhere"))
    result = run_cli("sources")
    assert result.returncode == 2
    assert result.stderr.strip() == f"bulletins: error: {tmp_path / 'nowhere'}: profile folder does not exist"


# --- view.page: only the project's page objects, or those a package declares ---------------------


def with_page(page: str, tmp_path: Path):
    path = tmp_path / "paged.toml"
    path.write_text(MINIMAL.replace('name = "my-gb"', 'name = "paged"') + f'\n[view]\npage = "{page}"\n',
                    encoding="utf-8")
    return load_profile(path)


def test_a_page_object_of_the_project_is_used():
    from scraper.extract.pages.gyeonggi_en import ArticlePage as GyeonggiEnPage

    spidercls = spider_class(load_profiles("")["gyeonggi-en"])
    assert spidercls.page_object is GyeonggiEnPage


def test_a_page_outside_the_projects_page_modules_is_never_imported(tmp_path, monkeypatch):
    marker = tmp_path / "imported"
    (tmp_path / "outside_pages.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "from scraper.extract.pages.zero_config import ArticlePage as Page\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    profile = with_page("outside_pages:Page", tmp_path)
    with pytest.raises(ProfileError) as raised:
        spider_class(profile)
    assert str(raised.value) == (
        f"{tmp_path / 'paged.toml'} [view]: page 'outside_pages:Page' is neither a page object of "
        "scraper.extract.pages (\"scraper.extract.pages.MODULE:Class\") nor an entry point of group 'bulletins.pages': "
        "not imported")
    assert not marker.exists()


@pytest.mark.parametrize("page, message", [
    ("os.path:join", "is neither a page object of scraper.extract.pages"),
    ("scraper.extract.pages.declarative:parse_date", "is not a page object class (a subclass of "
                                             "scraper.extract.pages.base.ArticlePageBase)"),
    ("scraper.extract.pages.base:ListingRow", "is not a page object class"),
    ("scraper.extract.pages.nowhere:Page", "cannot be imported (ModuleNotFoundError: No module named "
                                   "'scraper.extract.pages.nowhere')"),
])
def test_a_page_that_is_no_page_object_of_the_project_is_refused(page, message, tmp_path):
    with pytest.raises(ProfileError) as raised:
        spider_class(with_page(page, tmp_path))
    assert str(raised.value).startswith(f"{tmp_path / 'paged.toml'} [view]: page {page!r} ")
    assert message in str(raised.value)


def test_a_page_of_no_module_form_is_refused_when_the_profile_is_read(tmp_path):
    with pytest.raises(ProfileError) as raised:
        with_page("__import__('os').system('true')", tmp_path)
    assert str(raised.value).startswith(f"{tmp_path / 'paged.toml'} [view]: page ")
    assert "must be a page object of the project" in str(raised.value)


def test_a_page_object_a_package_declares_as_an_entry_point_is_used(tmp_path, monkeypatch):
    """An installed distribution (its dist-info on sys.path) declaring the group bulletins.pages."""
    (tmp_path / "board_pages.py").write_text(
        "from scraper.extract.pages.zero_config import ArticlePage\n\n\n"
        "class BoardPage(ArticlePage):\n    pass\n", encoding="utf-8")
    info = tmp_path / "board_pages-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: board-pages\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[bulletins.pages]\nmy-board = board_pages:BoardPage\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for page in ("my-board", "board_pages:BoardPage"):  # by the entry point's name, or its value
        spidercls = spider_class(with_page(page, tmp_path))
        response = HttpResponse(url="http://127.0.0.1/view?id=1", body=b"<html></html>")
        assert spidercls.page_object.__name__ == "BoardPage"  # the class scrapy-poet builds in a crawl
        page = spidercls.page_object(response, PageParams(source=spidercls.name))  # as a crawl makes it
        assert (type(page).__module__, type(page).__name__) == ("board_pages", "BoardPage")
        assert page.to_item().source == "paged"  # its articles go under the profile's own name


def test_a_refused_page_makes_its_source_broken_and_its_crawl_a_one_line_error(tmp_path, monkeypatch):
    with_page("subprocess:Popen", tmp_path)
    monkeypatch.setenv("BULLETINS_PROFILE_DIRS", str(tmp_path))
    reason = (f"{tmp_path / 'paged.toml'} [view]: page 'subprocess:Popen' is neither a page object of "
              "scraper.extract.pages (\"scraper.extract.pages.MODULE:Class\") nor an entry point of group "
              "'bulletins.pages': not imported")
    assert f"paged\tbroken: {reason}" in run_cli("sources", cwd=tmp_path).stdout.splitlines()
    result = run_cli("crawl", "paged", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"bulletins: error: source 'paged' cannot be crawled: {reason}"]


def test_a_board_familys_ids_carry_site_and_board_so_boards_never_share_an_article():
    from scraper.extract.pages.declarative import id_from_url

    family = load_profiles("")["egov-bbs"]
    view = "/cop/bbs/selectBoardArticle.do?bbsId={}&nttId=12345"
    ids = {id_from_url("https://a.example.go.kr" + view.format("BBSMSTR_1"), family),
           id_from_url("https://a.example.go.kr" + view.format("BBSMSTR_2"), family),
           id_from_url("https://b.example.go.kr" + view.format("BBSMSTR_1"), family)}
    assert ids == {"a.example.go.kr:BBSMSTR_1:12345", "a.example.go.kr:BBSMSTR_2:12345",
                   "b.example.go.kr:BBSMSTR_1:12345"}


def test_a_listing_without_dates_is_judged_by_the_stored_dates():
    from scraper.crawl.spiders.zero_config import ZeroConfigSpider

    spider = ZeroConfigSpider(url="http://127.0.0.1:9/list")
    spider.horizon = datetime.date(2026, 10, 1)
    spider.stored = {"old": datetime.date(2024, 1, 5), "recent": datetime.date(2026, 11, 2), "undated": None}
    assert spider.settled("old", None)              # stored long ago: not fetched again
    assert not spider.settled("recent", None)       # inside the horizon: fetched again
    assert not spider.settled("undated", None) and not spider.settled("new", None)
