"""Python's cyclic garbage collector, run less often in the processes that crawl and read pages.

CPython 3.11 collects its youngest generation each time 700 more container objects were made
than freed, the middle one every 10 of those, and the whole heap every 10 of those once it grew
by a quarter. A crawl makes millions of short-lived objects (requests, responses, ORM rows), and
its heap holds Scrapy, Twisted, SQLAlchemy and lxml: a 1,830-article crawl spent 0.85 CPU s of its
process in 860 collections, 0.5 s of it in six whole-heap ones (85 ms each). Collecting the
youngest generation every YOUNG_EVERY instead, from the crawl's start, took 0.44 s (540
collections, four of the whole heap, some of them during start-up), with no change in what is
collected: objects in reference cycles are freed a little later, nothing else. The peak RSS of
24 sources crawled side by side (24,014 articles) went from 476 to 504 MB, growing at the same
1.1 MB per 1,000 articles (benchmarks/README.md).

`BULLETINS_GC_YOUNG_EVERY` (0: Python's own setting) sets it for a crawl's whole process (the
extension below, for `bulletins crawl` and `scrapy crawl` alike); its reading process and a
reparse's processes use YOUNG_EVERY, a reparse only while it runs.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_EVERY = 2000


def collect_less_often(young_every: int = YOUNG_EVERY) -> None:
    """Collect the youngest generation once `young_every` more objects were made than freed,
    unless Python already waits longer (a larger threshold, set before) or collection is off:
    those stay as they are."""
    first, *older = gc.get_threshold()
    if gc.isenabled() and 0 < first < young_every:
        gc.set_threshold(young_every, *older)


@contextmanager
def collected_less_often(young_every: int = YOUNG_EVERY) -> Iterator[None]:
    """collect_less_often() for the block; the thresholds before it are put back after (a
    reparse called in a process that goes on, a test's)."""
    before = gc.get_threshold()
    collect_less_often(young_every)
    try:
        yield
    finally:
        gc.set_threshold(*before)


class LessFrequentCollection:
    """A crawl's process collects garbage less often (BULLETINS_GC_YOUNG_EVERY)."""

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy.exceptions import NotConfigured  # here: a reading process imports no Scrapy

        young_every = crawler.settings.getint("BULLETINS_GC_YOUNG_EVERY", YOUNG_EVERY)
        if young_every <= 0:
            raise NotConfigured("BULLETINS_GC_YOUNG_EVERY is 0: Python's own collection thresholds")
        collect_less_often(young_every)
        return cls()
