"""A crawl's process collects garbage less often (scraper.garbage), as its settings say."""

from __future__ import annotations

import gc

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.misc import build_from_crawler

from scraper.archive.reparse.run import ReparseError, reparse
from scraper.crawl.run import make_settings
from scraper.garbage import YOUNG_EVERY, LessFrequentCollection, collect_less_often, collected_less_often


@pytest.fixture
def pythons_own():
    """Python's default thresholds during the test, this process's own again after it."""
    saved, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(700, 10, 10)
    gc.enable()
    yield
    gc.set_threshold(*saved)
    (gc.enable if enabled else gc.disable)()


def crawler(**overrides) -> Crawler:
    settings = make_settings(overrides={"BULLETINS_STORAGE_ENABLED": False, **overrides})
    return Crawler(get_spider_loader(settings).load("gyeonggi-en"), settings)


def test_a_crawl_collects_its_youngest_objects_less_often(pythons_own):
    made = crawler()
    assert made.settings.getwithbase("EXTENSIONS").get("scraper.garbage.LessFrequentCollection") is not None
    build_from_crawler(LessFrequentCollection, made)
    assert gc.get_threshold() == (YOUNG_EVERY, 10, 10)


def test_the_setting_sets_it_and_zero_keeps_pythons_own(pythons_own):
    with pytest.raises(NotConfigured):
        build_from_crawler(LessFrequentCollection, crawler(BULLETINS_GC_YOUNG_EVERY=0))
    assert gc.get_threshold() == (700, 10, 10)
    build_from_crawler(LessFrequentCollection, crawler(BULLETINS_GC_YOUNG_EVERY=5000))
    assert gc.get_threshold() == (5000, 10, 10)


def test_a_larger_threshold_or_collection_switched_off_stays(pythons_own):
    gc.set_threshold(50_000, 20, 20)
    collect_less_often()
    assert gc.get_threshold() == (50_000, 20, 20)
    gc.set_threshold(700, 10, 10)
    gc.disable()
    collect_less_often()
    assert not gc.isenabled() and gc.get_threshold() == (700, 10, 10)


def test_a_reparse_gives_the_callers_thresholds_back(pythons_own, tmp_path):
    with collected_less_often():
        assert gc.get_threshold() == (YOUNG_EVERY, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)
    with pytest.raises(ReparseError, match="no WARC file"):  # ends early, through the same way out
        reparse(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    assert gc.get_threshold() == (700, 10, 10)
