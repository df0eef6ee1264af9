"""`bulletins discover HOME_URL`: from a government's home page to its press-release board, as a
user runs it, against replica home pages on loopback (scraper/replica/sites/homepages.py)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from scraper.crawl.discover import link_target, rank_of
from scraper.extract import parse
from scraper.replica.sites import SiteServer
from scraper.replica.sites.egov import BBS_ID
from scraper.replica.sites.homepages import home_for

from .conftest import run_cli

LOOKED_FOR = "(looked for: 보도자료, 보도자료실, 언론보도자료"


def discover(server: SiteServer, *args: str):
    before = len(server.requests)
    result = run_cli("discover", server.base_url + "/", *args, timeout=120)
    return result, [path for _, path, _ in server.requests[before:]]


@pytest.fixture(scope="module")
def runs():
    """One `discover --json` of each replica home (its site, server, result, requests), with the
    servers kept up for the crawls below."""
    out = {}
    servers = []
    for kind in ("mega", "jsmenu", "sitemap", "english", "none"):
        site = home_for(kind)
        server = SiteServer(site).start()
        servers.append(server)
        result, requests = discover(server, "--json")
        out[kind] = dict(site=site, server=server, result=result, requests=requests,
                         data=json.loads(result.stdout))
    yield out
    for server in servers:
        server.stop()


def test_mega_menu_home_leads_to_the_egov_board_and_names_its_family(runs):
    run = runs["mega"]
    base = run["server"].base_url
    assert run["result"].returncode == 0, run["result"].stderr
    data = run["data"]
    assert data["found"] is True
    assert data["menu_path"] == ["알림소식", "보도자료"]
    assert data["listing_url"] == base + run["site"].board_path
    assert data["rows"] >= 5 and data["notices"] == 2
    assert data["pagination"]["mechanism"] == "javascript" and data["pagination"]["param"] == "pageIndex"
    assert data["family"]["name"] == "egov-bbs"
    assert data["family"]["base_url"] == f"{base}?bbsId={BBS_ID}"
    assert data["family"]["command"] == f"bulletins crawl egov-bbs --base-url '{base}?bbsId={BBS_ID}'"


def test_the_notice_board_beside_it_is_never_chosen_nor_probed(runs):
    run = runs["mega"]
    assert run["site"].notice_path not in run["requests"]
    assert all(run["site"].NOTICE_BBS not in path for path in run["requests"])
    assert run["requests"][:2] == ["/robots.txt", "/"]


def test_text_output_names_the_path_the_listing_the_family_and_a_draft(runs):
    run = runs["mega"]
    result, _ = discover(run["server"])
    assert result.returncode == 0, result.stderr
    base = run["server"].base_url
    lines = result.stdout.splitlines()
    assert lines[0] == f"home     {base}/"
    assert "menu     알림소식 > 보도자료" in lines
    assert f"listing  {base}{run['site'].board_path}" in lines
    assert f"family: egov-bbs (bulletins crawl egov-bbs --base-url '{base}?bbsId={BBS_ID}')" in lines
    assert any(line.startswith("pagination: javascript (pageIndex)") for line in lines)
    assert "  [listing]" in lines


def test_javascript_menus_lead_one_level_down_to_the_board(runs):
    run = runs["jsmenu"]
    assert run["result"].returncode == 0, run["result"].stderr
    data = run["data"]
    assert data["home"] == run["server"].base_url + "/kor/main.do"  # `/` sends the browser on by script
    assert data["menu_path"] == ["알림마당", "보도자료"]
    assert data["listing_url"] == run["server"].base_url + run["site"].board_path
    assert data["pagination"]["mechanism"] == "offset" and data["pagination"]["param"] == "Start"
    assert [s["text"] for s in data["sections_read"]] == ["알림마당"]  # the likeliest section first
    assert data["family"] is None
    # the banner's 보도자료 of another host is named, never fetched as the site's board
    assert [o["url"] for o in data["other_hosts"]] == ["https://www.province.example/press"]


def test_a_home_with_only_a_sitemap_link_is_read_through_its_sitemap(runs):
    run = runs["sitemap"]
    assert run["result"].returncode == 0, run["result"].stderr
    data = run["data"]
    assert data["menu_path"] == ["사이트맵", "열린군정", "군정소식", "언론보도"]
    assert data["listing_url"] == run["server"].base_url + run["site"].board_path
    assert run["requests"][:3] == ["/robots.txt", "/", "/www/sitemap"]


def test_an_english_home_leads_to_press_releases_not_to_the_news_section(runs):
    run = runs["english"]
    assert run["result"].returncode == 0, run["result"].stderr
    data = run["data"]
    assert data["home"] == run["server"].base_url + "/eng/"  # `/` is a meta refresh
    assert data["menu_path"] == ["News", "Press Releases"]
    assert data["listing_url"] == run["server"].base_url + run["site"].board_path
    assert "/eng/news" not in run["requests"]
    assert data["family"] is None


def test_a_home_without_a_press_board_exits_1_with_the_reason(runs):
    run = runs["none"]
    base = run["server"].base_url
    assert run["result"].returncode == 1
    assert run["data"]["found"] is False and run["data"]["listing_url"] is None
    errors = run["result"].stderr.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(f"bulletins: no press-release menu link found on {base}/ {LOOKED_FOR}")
    assert "/sitemap.do" in run["requests"]  # it looked one level down before giving up


@pytest.mark.parametrize("kind", ["mega", "jsmenu", "sitemap", "english"])
def test_the_printed_draft_profile_crawls_the_board(runs, kind, tmp_path):
    run = runs[kind]
    draft = run["data"]["draft_profile"]
    name = next(line.split('"')[1] for line in draft.splitlines() if line.startswith("name ="))
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / f"{name}.toml").write_text(draft, encoding="utf-8")
    database = tmp_path / "bulletins.sqlite"
    result = run_cli("crawl", name, "--database-url", f"sqlite:///{database}", "--warc-dir", str(tmp_path / "warc"),
                     cwd=tmp_path, env={"BULLETINS_PROFILE_DIRS": str(profiles), "BULLETINS_TODAY": "2026-06-01"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "status: ok" in result.stdout
    stored = {row[0] for row in sqlite3.connect(database).execute("select title from article")}
    board = run["site"].board
    expected = {a.title for a in getattr(board, "posts", None) or board.articles}
    assert expected <= stored


def test_the_family_command_crawls_the_board(runs, tmp_path):
    run = runs["mega"]
    database = tmp_path / "bulletins.sqlite"
    result = run_cli("crawl", "egov-bbs", "--base-url", run["data"]["family"]["base_url"],
                     "--database-url", f"sqlite:///{database}", "--warc-dir", str(tmp_path / "warc"),
                     cwd=tmp_path, env={"BULLETINS_TODAY": "2026-06-01"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    stored = {row[0] for row in sqlite3.connect(database).execute("select title from article")}
    assert {p.title for p in run["site"].press.posts} <= stored


def test_robots_txt_disallow_is_respected():
    with SiteServer(home_for("mega", disallow=("/cop/bbs/",))) as server:
        result, requests = discover(server, "--json")
    assert result.returncode == 1
    assert requests[0] == "/robots.txt"
    assert not [path for path in requests if path.startswith("/cop/bbs/")]
    candidate = next(c for c in json.loads(result.stdout)["candidates"] if c["text"] == "보도자료")
    assert candidate["verdict"] == "disallowed by robots.txt"
    assert "disallowed by robots.txt" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_home_page_robots_txt_forbids_is_not_fetched():
    with SiteServer(home_for("english", disallow=("/",))) as server:
        result, requests = discover(server)
    assert result.returncode == 1
    assert requests == ["/robots.txt"]
    assert result.stderr.strip() == (f"bulletins: robots.txt of {server.base_url.split('//')[1]} "
                                     f"disallows {server.base_url}/")


@pytest.mark.parametrize("url", ["ftp://www.example.go.kr/", "www.example.go.kr", "http:///index.do"])
def test_a_url_that_is_not_a_site_is_a_usage_error(url):
    result = run_cli("discover", url)
    assert result.returncode == 2
    assert result.stderr.startswith("bulletins: error: HOME_URL must be an http(s) URL")
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_home_exits_1_in_one_line():
    with SiteServer(home_for("none")) as server:
        url = server.base_url + "/"
    result = run_cli("discover", url, timeout=60)  # the server is gone: connection refused
    assert result.returncode == 1
    assert result.stderr.startswith("bulletins: error: cannot fetch ")
    assert len(result.stderr.strip().splitlines()) == 1


# -- the pieces: menu names and javascript links -------------------------------------------------


@pytest.mark.parametrize("text, rank", [
    ("보도자료", 100), ("보도 자료", 100), ("보도자료 바로가기", 100), ("보도·해명자료", 96), ("보도ㆍ해명자료", 96),
    ("언론보도", 90), ("시정소식>보도자료", 100), ("Press Releases", 86), ("News", 30),
    ("공지사항", 0), ("고시공고", 0), ("뉴스레터 구독 신청", 0),
    ("경기도, 보도자료 배포 일정 변경 안내와 언론 브리핑 일정", 0),  # a post's title, not a menu
])
def test_menu_names_are_ranked_by_how_surely_they_name_a_press_board(text, rank):
    assert rank_of(text) == rank


def test_press_names_outrank_news_and_news_outranks_nothing():
    assert rank_of("보도자료") > rank_of("언론보도") > rank_of("Press Release") > rank_of("News") > rank_of("공지사항")


@pytest.mark.parametrize("attrs, url", [
    ('href="/kor/sub04/press.do"', "http://site.example/kor/sub04/press.do"),
    ("href=\"javascript:goMenu('/kor/sub04/press.do');\"", "http://site.example/kor/sub04/press.do"),
    ("href=\"#none\" onclick=\"goMenu('/kor/sub04/press.do'); return false;\"",
     "http://site.example/kor/sub04/press.do"),
    ("href=\"#\" onclick=\"location.href='/board/list.do?bbs=press'\"", "http://site.example/board/list.do?bbs=press"),
    ("href=\"javascript:void(0)\" onclick=\"window.open('/news/press.html')\"", "http://site.example/news/press.html"),
    ("href=\"javascript:fnMenu('M0402');\"", "http://site.example/index.do?menuCd=M0402&amp=1"),
    ('href="javascript:void(0);"', None),
])
def test_javascript_menu_links_are_read_from_the_call(attrs, url):
    html = ("<html><head><script>function fnMenu(code) { location.href = '/index.do?menuCd=' + code + '&amp=1'; }"
            f"</script></head><body><ul id='gnb'><li><a {attrs}>보도자료</a></li></ul></body></html>")
    doc = parse(html, "http://site.example/")
    assert link_target(doc, doc.root.find(".//a")) == url


# -- real pages: the menus that real sites print around their boards -----------------------------


@pytest.mark.parametrize("name, site, path, url", [
    ("gangjin_go_kr_press_list_cards.html", "https://www.gangjin.go.kr",
     ["행정정보", "군정소식", "보도자료"], "/www/government/news/press"),
    ("gyeongbuk_gb_go_kr_press_list.html", "https://www.gb.go.kr", ["도정소식", "경북소식", "보도자료"],
     "/Main/page.do?mnu_uid=6792&LARGE_CODE=720&MEDIUM_CODE=50&SMALL_CODE=10&SMALL_CODE2=60&"),
    ("naju_www.naju.go.kr_press_list.html", "https://www.naju.go.kr", ["열린시정", "시정뉴스룸", "보도자료"],
     "/www/administration/reporting/coverage"),
    ("gwangju_www.gwangju.go.kr_notice_list.html", "https://www.gwangju.go.kr", ["시정소식", "보도자료"],
     "/boardList.do?boardId=BD_0000000027&pageId=www789"),
    ("shinan_go_kr_press_view_th_td_table.html", "https://www.shinan.go.kr", ["열린군정", "신안군뉴스", "보도자료/해명"],
     "/home/www/openinfo/participation_07/participation_07_03/page.wscms"),
])
def test_the_press_board_is_the_first_candidate_in_a_real_sites_menus(name, site, path, url):
    from scraper.crawl.discover import menu_links

    from .profile_harness import real_page

    doc = parse(real_page(name), site + "/")
    candidates = menu_links(doc, site + "/")[0]
    assert (candidates[0].path, candidates[0].url) == (path, site + url)


# -- politeness: the fetcher every discovery request goes through -------------------------------


class _Site:
    """A site answering robots.txt with `robots` (status, text) and every other path with a page."""

    def __init__(self, robots: tuple[int, str]):
        self.robots = robots

    def respond(self, request):
        from scraper.replica.sites import SiteResponse

        if request.path == "/robots.txt":
            return SiteResponse(self.robots[0], self.robots[1].encode(), "text/plain")
        return SiteResponse.html("<html><body><p>page</p></body></html>")


def _fetcher(**options):
    from scraper.crawl.discover import PoliteFetcher

    return PoliteFetcher(user_agent="bulletin-archiver/1 (+test)", timeout=10, **options)


@pytest.mark.parametrize("robots, allowed", [
    ((404, "not found"), True), ((403, "forbidden"), False), ((401, "no"), False),
    ((200, "User-agent: bulletin-archiver\nDisallow: /\n"), False),
    ((200, "User-agent: otherbot\nDisallow: /\n"), True),
])
def test_robots_txt_answers_are_obeyed_as_scrapy_does(robots, allowed):
    from scraper.crawl.discover import Refused

    with SiteServer(_Site(robots)) as server:
        fetcher = _fetcher()
        if allowed:
            assert fetcher.get(server.base_url + "/index.do").body
        else:
            with pytest.raises(Refused, match="robots.txt"):
                fetcher.get(server.base_url + "/index.do")
        asked = [path for _, path, _ in server.requests]
    assert asked == ["/robots.txt", "/index.do"] if allowed else asked == ["/robots.txt"]


def test_requests_to_a_site_are_spaced_by_the_delay_and_capped():
    import time

    from scraper.crawl.discover import Refused

    with SiteServer(_Site((404, ""))) as server:
        fetcher = _fetcher(delay=0.3, loopback_delay=True, max_pages=2)
        start = time.monotonic()
        fetcher.get(server.base_url + "/a")
        fetcher.get(server.base_url + "/b")
        elapsed = time.monotonic() - start
        with pytest.raises(Refused, match="cap of 2 pages"):
            fetcher.get(server.base_url + "/c")
    assert elapsed >= 0.6  # robots.txt, /a, /b: two waits of 0.3 s
