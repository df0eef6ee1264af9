"""The registry of Korea's 243 local governments (scraper/extract/profiles/registry.csv) and
`bulletins sources --registry`: the facts it holds, where its URLs come from, and what it tells a
user to run for each government."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest

from scraper.extract.profiles import load_profiles
from scraper.replica.sites import SiteServer, es_board, neocms, rfc3_board
from scraper.extract.profiles.registry import (COLUMNS, FAMILIES, REGISTRY_FILE, RegistryError, crawlability,
                              family_base_url, load_registry, site_of)

from .conftest import run_cli
from .profile_harness import REAL_PAGES

REGISTRY = load_registry(REGISTRY_FILE)
BY_CODE = {g.code: g for g in REGISTRY}
PROVINCES = [g for g in REGISTRY if g.level == "province"]
LOCAL = [g for g in REGISTRY if g.level != "province"]

# Cities, counties and autonomous districts per province since 2023-07-01 (군위군 moved from
# 경상북도 to 대구광역시); 세종 and 제주 have none (제주시 and 서귀포시 are administrative cities).
PER_PROVINCE = {
    "seoul": 25, "busan": 16, "daegu": 9, "incheon": 10, "gwangju": 5, "daejeon": 5, "ulsan": 5,
    "sejong": 0, "gyeonggi": 31, "gangwon": 18, "chungbuk": 11, "chungnam": 15, "jeonbuk": 14,
    "jeonnam": 22, "gyeongbuk": 22, "gyeongnam": 18, "jeju": 0,
}


def test_the_registry_holds_the_17_provinces_and_226_local_governments():
    assert len(REGISTRY) == 243
    assert len(PROVINCES) == 17 and len(LOCAL) == 226
    assert Counter(g.level for g in LOCAL) == {"city": 75, "county": 82, "district": 69}
    assert len({g.code for g in REGISTRY}) == 243
    names = Counter((g.province, g.name_ko) for g in REGISTRY)
    assert [key for key, n in names.items() if n > 1] == []
    # the same name in two provinces is two governments (중구 of Seoul, Busan, Daegu, …)
    assert sum(1 for g in LOCAL if g.name_ko == "중구") == 6
    assert {BY_CODE["gangwon-goseong"].name_ko, BY_CODE["gyeongnam-goseong"].name_ko} == {"고성군"}


def test_every_local_government_is_in_one_of_the_17_provinces_with_the_known_counts():
    codes = {p.code for p in PROVINCES}
    assert codes == set(PER_PROVINCE)
    assert all(g.province in codes for g in LOCAL)
    assert Counter(g.province for g in LOCAL) == {k: v for k, v in PER_PROVINCE.items() if v}
    assert BY_CODE["daegu-gunwi"].name_ko == "군위군"       # in 대구 since July 2023
    assert not any(g.name_ko == "군위군" for g in LOCAL if g.province == "gyeongbuk")
    names = {p.code: p.name_ko for p in PROVINCES}
    assert names["gangwon"] == "강원특별자치도" and names["jeonbuk"] == "전북특별자치도"


def test_codes_and_english_names_follow_one_rule():
    """A city's code is its province's and its romanized name without -si/-gun/-gu, so a code
    can be guessed from the name and a typo in either shows up here."""
    suffix = {"city": "-si", "county": "-gun", "district": "-gu"}
    for g in LOCAL:
        assert g.name_en.endswith(suffix[g.level]), g
        assert g.code == f"{g.province}-{g.name_en.removesuffix(suffix[g.level]).lower()}", g
    assert BY_CODE["jeonnam-naju"].name_en == "Naju-si"


def test_every_url_and_family_names_its_public_source():
    for g in REGISTRY:
        for url, source in ((g.home_page, g.home_page_source), (g.press_board_url, g.press_board_source),
                            (g.family, g.family_source)):
            assert bool(url) == bool(source), g
        assert g.family in ("", *FAMILIES), g
    # as many home pages as a public list gives: all of them
    assert all(g.home_page for g in REGISTRY)
    # a family is only said of a board someone has seen, so it comes with that board
    assert all(g.press_board_url for g in REGISTRY if g.family)


def test_every_real_page_named_as_a_source_is_a_listed_real_page():
    readme = REAL_PAGES / "README.md"
    if not readme.exists():
        pytest.skip(f"{readme} is absent (real pages live beside the project, in shared/)")
    listed = readme.read_text(encoding="utf-8")
    named = {m.group(1) for g in REGISTRY
             for source in (g.home_page_source, g.press_board_source, g.family_source)
             for m in re.finditer(r"\.\./shared/real-pages/([^\s,;()]+)", source)}
    assert named, "the registry cites real pages (the Gyeongbuk list, the Naju pages, …)"
    for name in named:
        assert f"| {name} |" in listed, name
        assert (REAL_PAGES / name).exists(), name


def test_a_profile_named_in_the_registry_crawls_that_governments_site():
    profiles = load_profiles("")
    named = [g for g in REGISTRY if g.profile in profiles]
    assert named, "the built-in profiles cover some governments"
    for g in named:
        profile = profiles[g.profile]
        assert not profile.template, g
        sites = {site_of(u) for u in (g.home_page, g.press_board_url) if u}
        assert site_of(profile.base_url) in sites, (g.code, profile.base_url, sites)


def test_the_profiles_of_the_registry_are_the_provinces_and_counties_agreed():
    assert {p.code: p.profile for p in PROVINCES} == {code: code for code in PER_PROVINCE}
    assert {g.code: g.profile for g in LOCAL if g.profile} == {
        "jeonnam-mokpo": "mokpo", "jeonnam-naju": "naju", "jeonnam-gangjin": "gangjin",
        "jeonnam-jindo": "jindo", "jeonnam-sinan": "shinan"}


def test_a_family_board_gets_the_base_url_its_family_takes():
    profiles = load_profiles("")
    for family in ("yb-cms", "jsp-board"):
        if family not in profiles:
            pytest.skip(f"no {family} profile")
    # yb-cms lists the board page itself; jsp-board the site with the board's query
    naju = BY_CODE["jeonnam-naju"]
    assert family_base_url(naju.press_board_url, profiles["yb-cms"]) == naju.press_board_url
    goheung = BY_CODE["jeonnam-goheung"]
    assert goheung.family == "jsp-board"
    assert (family_base_url(goheung.press_board_url, profiles["jsp-board"])
            == "https://www.goheung.go.kr?pageId=www102&boardId=BD_00025")
    crawl = crawlability(goheung, profiles)
    assert crawl.kind == "family"
    assert crawl.command == "bulletins crawl jsp-board --base-url 'https://www.goheung.go.kr?pageId=www102&boardId=BD_00025'"


# What each board family's URLs look like (its template profile says so): a row names a family
# only where its press-board URL shows it, and every URL that shows one names it.
FAMILY_URL = {
    "neocms": re.compile(r"/selectBbsNttList\.do\?(?=.*\bbbsNo=\d+)(?=.*\bkey=\d+)"),
    "es-board": re.compile(r"/(?:board|gallery)\.es\?(?=.*\bmid=)(?=.*\bbid=)"),
    "rfc3-board": re.compile(r"/board/list\.[a-z]+\?(?=.*\bboardId=BBS_)(?=.*\bmenuCd=DOM_)"),
}


def test_every_family_the_registry_knows_is_a_built_in_board_family():
    templates = {name for name, p in load_profiles("").items() if p.template}
    assert set(FAMILIES) == templates


def test_a_family_is_said_of_exactly_the_boards_whose_url_shows_it():
    for family, pattern in FAMILY_URL.items():
        said = {g.code for g in REGISTRY if g.family == family}
        shown = {g.code for g in REGISTRY if pattern.search(g.press_board_url)}
        assert said == shown, family
        for g in REGISTRY:
            if g.family == family:
                assert g.family_source.startswith(f"URL pattern of {g.press_board_source}: "), g
    # NeoCMS: 충청북도 (its own profile) and ten Gyeonggi cities and counties; the .es CMS: 광양;
    # the rfc3 board: 전북 and 경남 (own profiles). 담양's /board/list?domainId=… is not rfc3.
    assert Counter(g.family for g in REGISTRY if g.family in FAMILY_URL) == {
        "neocms": 11, "es-board": 1, "rfc3-board": 2}
    assert BY_CODE["jeonnam-damyang"].family == ""


def test_a_page_number_on_a_board_url_is_not_made_part_of_the_base_url():
    profiles = load_profiles("")
    assert (family_base_url("https://www.guri.go.kr/www/selectBbsNttList.do?bbsNo=42&pageIndex=3&key=393",
                            profiles["neocms"])
            == "https://www.guri.go.kr/www/selectBbsNttList.do?bbsNo=42&key=393")
    assert (family_base_url("https://www.goheung.go.kr/boardList.do?pageId=www102&boardId=BD_00025&movePage=4",
                            profiles["jsp-board"])
            == "https://www.goheung.go.kr?pageId=www102&boardId=BD_00025")


def _family_replica(family: str, board_url: str):
    """The family's replica serving the board at the path and with the query of `board_url`."""
    parts = urlsplit(board_url)
    query = dict(parse_qsl(parts.query))
    if family == "neocms":
        return neocms.Site(articles=14, board=parts.path, bbs_no=query["bbsNo"], key=query["key"])
    if family == "es-board":
        return es_board.Site(articles=14, board=parts.path, mid=query["mid"], bid=query["bid"])
    ext = parts.path.rsplit(".", 1)[1]
    return rfc3_board.Site(articles=14, board=parts.path, ext=ext, board_id=query["boardId"],
                           menu_cd=query["menuCd"])


@pytest.mark.parametrize("code", ["gyeonggi-anyang", "jeonnam-gwangyang", "jeonbuk"])
def test_the_base_url_a_registry_row_gives_crawls_its_familys_board(tmp_path, code):
    """The --base-url `sources --registry` prints for a board, pointed at the family's replica of
    that board (same path, same query): the crawl walks that board and stores every article."""
    gov = BY_CODE[code]
    profiles = load_profiles("")
    crawl = crawlability(gov, profiles)
    if crawl.kind == "family":
        base = re.fullmatch(rf"bulletins crawl {gov.family} --base-url '(.+)'", crawl.command).group(1)
    else:                             # 전북 has a profile of its own: the family's base URL alone
        assert crawl.kind == "profile"
        base = family_base_url(gov.press_board_url, profiles[gov.family])
    parts = urlsplit(base)
    assert parts.hostname == urlsplit(gov.press_board_url).hostname and parts.query
    site = _family_replica(gov.family, gov.press_board_url)
    with SiteServer(site) as server:
        local = urlunsplit(urlsplit(server.base_url)._replace(path=parts.path, query=parts.query))
        result = run_cli("crawl", gov.family, "--base-url", local,
                         "--database-url", f"sqlite:///{tmp_path / 'bulletins.sqlite'}",
                         "--warc-dir", str(tmp_path / "warc"), "--log-level", "WARNING", cwd=tmp_path)
        requests = list(server.requests)
    assert result.returncode == 0, result.stdout + result.stderr
    con = sqlite3.connect(tmp_path / "bulletins.sqlite")
    try:
        stored = {row[0] for row in con.execute("select board_id from article")}
    finally:
        con.close()
    assert stored == {str(p.id) for p in site.posts}
    listings = [path for method, path, body in requests if site.is_listing(method, path, body)]
    assert len(listings) >= 2, requests          # more than one page, each naming the board
    board_query = set(parse_qsl(parts.query))
    assert all(board_query <= set(parse_qsl(urlsplit(path).query)) for path in listings), listings


# A registry of one government of each kind, crawled with the built-in profiles.
HEADER = ",".join(COLUMNS)
SMALL = [
    HEADER,
    "testdo,시험도,Siheom-do,province,,https://www.test.go.kr/,a home list,,,,,gangjin",
    "testdo-alpha,알파시,Alpha-si,city,testdo,,,https://www.alpha.go.kr/?bbsId=BBSMSTR_000000000123,"
    "a scraper of it,egov-bbs,\"its article links, fn_egov_inquire_articledetail\",",
    "testdo-beta,베타군,Beta-gun,county,testdo,,,https://www.beta.go.kr/news/press?x=1&y=2,a scraper,,,",
    "testdo-gamma,감마구,Gamma-gu,district,testdo,https://www.gamma.go.kr/,a home list,,,,,",
    "testdo-delta,델타시,Delta-si,city,testdo,https://www.delta.go.kr/,a home list,,,,,nowhere",
    "testdo-epsilon,엡실론군,Epsilon-gun,county,testdo,,,,,,,",
    "othernam,다른남도,Dareunnam-do,province,,,,,,,,",
]


def write_registry(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_sources_registry_says_how_each_government_is_crawled(tmp_path):
    registry = write_registry(tmp_path / "registry.csv", SMALL)
    result = run_cli("sources", "--registry", env={"BULLETINS_REGISTRY": str(registry)})
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(cells) == 6 for cells in lines)
    got = {cells[0]: cells[1:] for cells in lines}
    assert list(got) == ["testdo", "testdo-alpha", "testdo-beta", "testdo-gamma", "testdo-delta",
                         "testdo-epsilon", "othernam"]
    mark = load_profiles("")["gangjin"].checked.mark()
    assert got["testdo"] == ["시험도", "province", "-", "crawlable: bulletins crawl gangjin", mark]
    assert got["testdo-alpha"] == [
        "알파시", "city", "testdo",
        "crawlable with the egov-bbs family: bulletins crawl egov-bbs --base-url "
        "'https://www.alpha.go.kr?bbsId=BBSMSTR_000000000123'",
        "URL from a scraper of it; family from its article links, fn_egov_inquire_articledetail"]
    assert got["testdo-beta"][3:] == ["zero-config: bulletins crawl --url 'https://www.beta.go.kr/news/press?x=1&y=2'",
                                      "URL from a scraper"]
    assert got["testdo-gamma"][3:] == ["find the board: bulletins discover 'https://www.gamma.go.kr/'",
                                       "URL from a home list"]
    # a profile that does not exist is no error: the government is told by what else is known
    assert got["testdo-delta"][3] == ("find the board: bulletins discover 'https://www.delta.go.kr/' "
                                      "(profile nowhere does not exist)")
    assert got["testdo-epsilon"][3:] == ["unknown", "-"]
    assert result.stderr.strip() == (
        "7 governments: 1 crawlable by a profile, 1 by a family, 1 zero-config, 2 with a home page "
        "only (bulletins discover), 2 unknown; profiles named but not usable: nowhere")


def test_sources_registry_by_province_and_as_json(tmp_path):
    env = {"BULLETINS_REGISTRY": str(write_registry(tmp_path / "registry.csv", SMALL))}
    result = run_cli("sources", "--registry", "--province", "othernam", env=env)
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["othernam"]
    assert result.stderr.startswith("1 government of othernam: 0 crawlable by a profile")

    result = run_cli("sources", "--registry", "--province", "testdo", "--json", env=env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["code"] for r in rows] == ["testdo", "testdo-alpha", "testdo-beta", "testdo-gamma",
                                         "testdo-delta", "testdo-epsilon"]
    alpha = rows[1]
    assert alpha["family"] == "egov-bbs" and alpha["press_board_source"] == "a scraper of it"
    assert alpha["crawl"] == {
        "kind": "family",
        "how": "crawlable with the egov-bbs family: bulletins crawl egov-bbs --base-url "
               "'https://www.alpha.go.kr?bbsId=BBSMSTR_000000000123'",
        "sure": "URL from a scraper of it; family from its article links, fn_egov_inquire_articledetail",
        "command": "bulletins crawl egov-bbs --base-url 'https://www.alpha.go.kr?bbsId=BBSMSTR_000000000123'"}
    assert rows[5]["crawl"] == {"kind": "unknown", "how": "unknown", "sure": "", "command": None}

    wrong = run_cli("sources", "--registry", "--province", "atlantis", env=env)
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == ("bulletins: error: unknown province 'atlantis' "
                                    "(one of: othernam, testdo)")


def test_sources_registry_on_the_built_in_registry():
    result = run_cli("sources", "--registry", env={"BULLETINS_REGISTRY": ""})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 243
    got = {line.split("\t")[0]: line.split("\t") for line in lines}
    assert got["jeonnam-naju"][1:4] == ["나주시", "city", "jeonnam"]
    assert got["seoul-jongno"][4] == "find the board: bulletins discover 'http://www.jongno.go.kr/'"
    counts = re.fullmatch(r"243 governments: (\d+) crawlable by a profile, (\d+) by a family, (\d+) "
                          r"zero-config, (\d+) with a home page only \(bulletins discover\), 0 unknown"
                          r"(; profiles named but not usable: .*)?", result.stderr.strip())
    assert counts, result.stderr
    profile, family, zero, discover = map(int, counts.groups()[:4])
    assert profile + family + zero + discover == 243
    profiles = load_profiles("")
    assert profile == sum(1 for g in REGISTRY if g.profile in profiles)


def test_plain_sources_refuses_registry_options():
    for args in (["--json"], ["--province", "seoul"], ["--registry", "--runnable"]):
        result = run_cli("sources", *args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("bulletins: error: ")


def test_a_broken_registry_is_one_line_naming_file_line_and_column(tmp_path):
    lines = list(SMALL)
    lines[3] = lines[3].replace(",county,", ",shire,")
    registry = write_registry(tmp_path / "registry.csv", lines)
    result = run_cli("sources", "--registry", env={"BULLETINS_REGISTRY": str(registry)})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"bulletins: error: {registry}:4: column 4 (level): 'shire' is not one of province, city, "
        "county, district (the registry file; BULLETINS_REGISTRY names another)"]


BROKEN = [
    (lambda ls: ls[:1] + [ls[1].replace("testdo,", "TestDo,", 1)] + ls[2:], 2, "column 1 (code): 'TestDo' is not a slug"),
    (lambda ls: ls + [ls[3]], 9, "column 1 (code): 'testdo-beta' is already on line 4"),
    (lambda ls: ls + [ls[3].replace("testdo-beta", "testdo-beta-two")], 9,
     "column 2 (name_ko): 베타군 is already on line 4 in testdo"),
    (lambda ls: ls[:3] + [ls[3].replace(",testdo,", ",nowhere,").replace("testdo-beta", "nowhere-beta")] + ls[4:], 4,
     "column 5 (province): 'nowhere' is not the code of a province in this file"),
    (lambda ls: ls[:3] + [ls[3].replace(",a scraper,", ",,")] + ls[4:], 4,
     "column 9 (press_board_source): empty: say which public source gives https://www.beta.go.kr/news/press?x=1&y=2"),
    (lambda ls: ls[:3] + [ls[3].replace("https://www.beta.go.kr/news/press?x=1&y=2", "www.beta.go.kr")] + ls[4:], 4,
     "column 8 (press_board_url): 'www.beta.go.kr' is not an http(s) URL"),
    (lambda ls: ls[:3] + [ls[3].replace(",county,", ",city,")] + ls[4:], 4,
     "column 4 (level): city, but 베타군 does not end with 시"),
    (lambda ls: ls[:3] + [ls[3].replace(",a scraper,,", ",a scraper,yb,")] + ls[4:], 4,
     "column 10 (family): 'yb' is not one of yb-cms, cs-board, jsp-board, egov-bbs, neocms, es-board, rfc3-board"),
    (lambda ls: ls[:3] + [ls[3] + ",extra"] + ls[4:], 4, "13 fields, expected 12"),
    (lambda ls: [ls[0].replace(",profile", "")] + ls[1:], 1, "header: missing column profile"),
]


@pytest.mark.parametrize("edit,line,problem", BROKEN, ids=[b[2].split(":")[0] for b in BROKEN])
def test_the_loader_names_the_line_and_column_of_a_bad_row(tmp_path, edit, line, problem):
    registry = write_registry(tmp_path / "registry.csv", edit(list(SMALL)))
    with pytest.raises(RegistryError) as error:
        load_registry(registry)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{registry}:{line}: {problem}"), message


def test_the_small_registry_loads_and_the_built_in_file_is_plain_csv(tmp_path):
    assert [g.code for g in load_registry(write_registry(tmp_path / "r.csv", SMALL))][:2] == ["testdo", "testdo-alpha"]
    with REGISTRY_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 244
