"""README "Add a new region", as a user follows it: probe a listing, save the draft profile,
crawl with it, crawl again the next night."""

from __future__ import annotations

import json

import pytest

from scraper.replica.sites import SiteServer, site_for

from .conftest import run_cli

LISTING = "/Main/page.do?mnu_uid=6792&dept_code=&dept_name=&BD_CODE=bbs_bodo&bdName=&cmd=1&Start=0"


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    folder = tmp_path_factory.mktemp("add-region")
    profiles = folder / "profiles"
    profiles.mkdir()
    site = site_for("gyeongbuk", articles=25)
    env = {"BULLETINS_PROFILE_DIRS": str(profiles)}
    with SiteServer(site) as server:
        probe = run_cli("probe", server.base_url + LISTING, "--json", cwd=folder)
        draft = json.loads(probe.stdout)["draft_profile"]
        name = next(line.split('"')[1] for line in draft.splitlines() if line.startswith("name ="))
        (profiles / f"{name}.toml").write_text(draft, encoding="utf-8")
        sources = run_cli("sources", cwd=folder, env=env)
        first = run_cli("crawl", name, cwd=folder, env=env)
        before = len(server.requests)
        again = run_cli("crawl", name, cwd=folder, env=env)
        later = server.requests[before:]
    return dict(site=site, folder=folder, name=name, probe=probe, sources=sources, first=first,
                again=again, later=later)


def test_the_draft_profile_names_a_new_source(walkthrough):
    assert walkthrough["probe"].returncode == 0, walkthrough["probe"].stderr
    assert walkthrough["name"] in walkthrough["sources"].stdout.split()


def test_a_crawl_with_the_saved_draft_stores_every_post_exactly(walkthrough):
    import sqlite3

    assert walkthrough["first"].returncode == 0, walkthrough["first"].stdout + walkthrough["first"].stderr
    con = sqlite3.connect(walkthrough["folder"] / "data" / "bulletins.sqlite")
    rows = {r[0]: r[1:] for r in con.execute(
        "select board_id, title, author, published, views, body_text from article")}
    site = walkthrough["site"]
    assert set(rows) == {str(p.id) for p in site.posts}
    for post in site.posts:
        assert rows[str(post.id)] == (post.title, post.author, post.posted.date().isoformat(), post.views,
                                      "\n\n".join(post.paragraphs))


def test_the_next_nights_crawl_with_the_draft_is_incremental(walkthrough):
    assert walkthrough["again"].returncode == 0, walkthrough["again"].stderr
    views = [path for _, path, _ in walkthrough["later"] if "cmd=2" in path]
    assert views == []  # the listing's dates tell every stored post is settled
    assert "articles: 0 parsed" in walkthrough["again"].stdout
