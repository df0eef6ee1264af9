"""The replica board's opt-in soak options: exactly every Nth article with one attachment, and
attachments sharing a few payloads under distinct URLs (benchmarks/soak.py)."""

from __future__ import annotations

import hashlib
import re
import urllib.request
from collections import Counter

import pytest

from scraper.replica import Board, ReplicaServer
from scraper.replica import pages


def test_every_third_article_and_only_it_carries_one_attachment():
    board = Board(articles=60, attachment_every=3)
    ascending = board.articles[::-1]
    assert [len(a.attachments) for a in ascending] == [1 if k % 3 == 2 else 0 for k in range(60)]
    assert board.notices == Board(articles=60).notices   # the notices keep their own
    assert len(board.attachments) == 20 + 1
    assert len({att.data for att in board.attachments.values()}) == 21   # each its own bytes


def test_payloads_repeat_under_distinct_urls():
    board = Board(articles=90, attachment_every=3, payloads=4)
    regular = [att for a in board.articles for att in a.attachments]
    assert len(regular) == 30 and len({att.url_path for att in regular}) == 30
    shares = Counter(hashlib.sha1(att.data).hexdigest() for att in regular)
    assert len(shares) == 4 and sum(shares.values()) == 30 and min(shares.values()) >= 2
    for att in regular:
        pdf = att.data.startswith(b"%PDF-")
        assert att.content_type == ("application/pdf" if pdf else "application/x-hwp")
        assert att.filename.endswith(".pdf" if att.content_type == "application/pdf" else ".hwp")


def test_the_articles_are_those_of_the_default_board_and_new_ones_follow_the_rule():
    plain, soak = Board(articles=80), Board(articles=80, attachment_every=3, payloads=2)
    assert [(a.id, a.title, a.date, a.paragraphs) for a in plain.articles] == \
        [(a.id, a.title, a.date, a.paragraphs) for a in soak.articles]
    quirks = [soak.by_id[i] for i in (soak.malformed_id, soak.no_views_id, soak.bad_date_id)]
    assert [q.attachments for q in quirks] == [(), (), ()]
    grown = Board(articles=80, new=7, attachment_every=3, payloads=2)
    assert [len(a.attachments) for a in grown.articles[::-1]] == [1 if k % 3 == 2 else 0 for k in range(87)]


def test_defaults_change_nothing():
    assert Board(articles=40).articles == Board(articles=40, attachment_every=0, payloads=0).articles


def test_the_server_serves_them_and_the_view_page_links_them():
    board = Board(articles=12, attachment_every=3, payloads=2)
    article = next(a for a in board.articles if a.attachments)
    att = article.attachments[0]
    with ReplicaServer(board, flaky=False) as server:
        with urllib.request.urlopen(server.url(pages.view_path(article.id))) as resp:
            html = resp.read().decode("utf-8")
        assert re.search(rf'<a href="{re.escape(att.url_path)}">{re.escape(att.filename)}</a>', html)
        with urllib.request.urlopen(server.url(att.url_path)) as resp:
            assert resp.status == 200 and resp.read() == att.data
            assert resp.headers["Content-Type"] == att.content_type


def test_bad_options_are_refused():
    with pytest.raises(ValueError):
        Board(articles=12, payloads=3)
    with pytest.raises(ValueError):
        Board(articles=12, attachment_every=-1)
