"""The evaluation gate: field-level accuracy of the zero-config extractor may not drop below the
floors pinned in tests/eval/floors.json; `bulletins eval` prints the same figures."""

from __future__ import annotations

import json

import pytest

from scraper.extract import Extraction
from scraper.extract import evaluate as ev
from scraper.extract.evaluate import (ARTICLE_FIELDS, DEFAULT_SET, REAL_PAGES, check_floors, evaluate,
                                      load_cases, score_article, table)

from .conftest import run_cli

FLOORS = json.loads((DEFAULT_SET / "floors.json").read_text())


@pytest.fixture(scope="module")
def report():
    return evaluate(load_cases())


def test_accuracy_meets_the_pinned_floors(report):
    problems = check_floors(report, FLOORS)
    assert not problems, "\n".join(problems + table(report))


def test_floors_are_pinned_at_least_at_95_percent():
    for kind, fields in (("articles", ARTICLE_FIELDS), ("listings", ev.LISTING_FIELDS)):
        assert FLOORS[kind]["overall"] >= 0.95
        assert set(fields) <= set(FLOORS[kind])


def test_the_set_has_realistic_breadth():
    cases = load_cases(DEFAULT_SET, None)
    articles = [c for c in cases if c.kind == "article"]
    assert 15 <= len(articles) <= 40 and len([c for c in cases if c.kind == "listing"]) >= 5
    assert any(c.encoding == "euc-kr" for c in articles)
    for case in articles:
        assert set(ARTICLE_FIELDS) <= set(case.gold), case.name
        assert case.gold["traps"] and case.gold["family"] and case.gold["url"].startswith("http")
    for case in cases:
        assert case.gold.get("board"), f"{case.name}: no board family for the per-family table"


@pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="../shared/real-pages is absent")
def test_real_pages_are_part_of_the_evaluation(report):
    real = {r.case.name for r in report.results if r.case.group == "real"}
    assert {"gyeongbuk_gb_go_kr_press_view", "shinan_go_kr_press_view_th_td_table",
            "gangjin_go_kr_press_view_dl", "korea_kr_pressRelease_list"} <= real
    assert report.accuracy("article", "real") >= FLOORS["articles"]["real"]


@pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="../shared/real-pages is absent")
def test_every_real_page_of_the_readme_is_scored_and_read_right(report):
    """Each view and list page ../shared/real-pages/README.md describes is scored with its gold
    values: every field of the five view pages, every row, date and pager of the six lists."""
    described = {line.split("|")[1].strip() for line in (REAL_PAGES / "README.md").read_text().splitlines()
                 if line.startswith("| ") and line.split("|")[1].strip().endswith(".html")}
    scored = {r.case.path.name for r in report.results if r.case.group == "real"}
    assert described and described <= scored
    real = [r for r in report.results if r.case.group == "real"]
    assert len({r.case.name for r in real if r.case.kind == "article"}) == 5
    assert len({r.case.name for r in real if r.case.kind == "listing"}) == 6
    assert [f"{r.case.name} {r.field}: {r.found!r}" for r in real if not r.ok] == []


def test_the_per_family_table_counts_each_boards_pages(report):
    boards = report.by_board()
    pages = {kind: sum(b[kind][0] for b in boards.values() if kind in b) for kind in ("article", "listing")}
    assert pages == {kind: len({r.case.name for r in report.results if r.case.kind == kind})
                     for kind in ("article", "listing")}
    assert sum(n for b in boards.values() for _, _, n in b.values()) == len(report.results)
    assert sum(right for b in boards.values() for _, right, _ in b.values()) == sum(r.ok for r in report.results)
    lines = table(report)
    assert any(line.startswith("board family") for line in lines)
    assert any(line.startswith("WordPress ") for line in lines)


def test_the_gate_fails_when_extraction_regresses(monkeypatch):
    """A broken extractor (every field missing) is caught by the floors."""
    monkeypatch.setattr(ev, "extract_article", lambda html, url, encoding=None: Extraction(url=url))
    broken = evaluate(load_cases(DEFAULT_SET, None))
    problems = check_floors(broken, FLOORS)
    assert any(p.startswith("article overall") for p in problems)
    assert broken.accuracy("article") < 0.3


def test_scoring_rules():
    gold = {"title": "경북도, 조사 결과 발표", "date": "2026-01-07", "author": None, "views": 24,
            "body_start": "첫 문장 입니다", "body_end": "밝혔다.", "attachments": ["a.hwp"]}
    found = {"title": "경북도,  조사 결과 발표", "date": "2026-01-07", "author": None, "views": 24,
             "body": "첫 문장\n입니다. 그리고 밝혔다.", "attachments": [{"name": "a.hwp", "url": "https://x/a"}]}
    assert all(ok for _, _, _, ok, _ in score_article(gold, found))
    wrong = dict(found, author="홍보담당관", views=3623361, body="메뉴 첫 문장 입니다", attachments=[])
    results = {name: ok for name, _, _, ok, _ in score_article(gold, wrong)}
    assert results == {"title": True, "date": True, "author": False, "views": False, "body_start": False,
                       "body_end": False, "attachments": False}


def test_cli_eval_prints_the_table_and_json():
    result = run_cli("eval", "--no-real")
    assert result.returncode == 0, result.stderr
    assert "overall" in result.stdout and "failures: 0" in result.stdout
    result = run_cli("eval", "--json")
    data = json.loads(result.stdout)
    assert data["articles"]["overall"] >= 0.95 and data["below_floors"] == []
    assert set(data["articles"]["fields"]) == set(ARTICLE_FIELDS)


def test_cli_eval_exit_codes(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("eval", "--set", str(empty), "--no-real")
    assert result.returncode == 2
    assert result.stderr.strip() == f"bulletins: error: no pages with gold files in {empty}"
    impossible = tmp_path / "floors.json"
    impossible.write_text(json.dumps({"articles": {"overall": 1.01}}))
    result = run_cli("eval", "--no-real", "--floors", str(impossible))
    assert result.returncode == 1
    assert "below floor: article overall: 1.000 < floor 1.01" in result.stdout


def test_cli_eval_help():
    result = run_cli("eval", "--help")
    assert result.returncode == 0
    for word in ("--json", "--set", "--floors", "--no-real", "accuracy"):
        assert word in result.stdout
