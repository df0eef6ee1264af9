"""scrapy-redis's scheduler, queue and duplicate filter, adapted to Scrapy >= 2.14 and to several
processes sharing one crawl.

What scrapy-redis 0.9.1 does on its own, and what this adapter changes:
- its scheduler counts stats with `spider=` (deprecated since Scrapy 2.14): counted here without,
  under `bulletins/frontier/`;
- its scheduler flushes the queue and fingerprints when a process closes (unless persisting), so
  the first process done would wipe the frontier under its peers: here the last one out clears it;
- with no work left a process closes though a peer may still be parsing a page that schedules
  more: here it waits (spider_idle, DontCloseSpider) until the queue is empty and every live
  process is idle, polling every BULLETINS_REDIS_POLL seconds (its blocking pop,
  SCHEDULER_IDLE_BEFORE_CLOSE, would stall the Twisted reactor, and PriorityQueue ignores it);
- its PriorityQueue pops equal priorities in byte order of the pickled request (article URLs
  before the next listing page): here newest first, as Scrapy's own queue, and atomically with
  leaving the idle set;
- its duplicate filter hashes method, URL and body itself: here Scrapy's request fingerprinter,
  so a request is a duplicate exactly when it would be in a single-process crawl.
"""

from __future__ import annotations

import logging
import os
import socket
from uuid import uuid4

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from .shared import Keys, SharedCrawl

log = logging.getLogger(__name__)


class SharedQueue(PriorityQueue):
    """scrapy-redis's priority queue, ordered and popped through the crawl's scripts."""

    def __init__(self, server, spider, key, crawl: SharedCrawl, serializer=None):
        super().__init__(server, spider, key, serializer=serializer)
        self.crawl = crawl

    def push(self, request) -> None:
        self.crawl.push(self._encode_request(request), request.priority)

    def pop(self, timeout=0):
        data = self.crawl.pop()
        return self._decode_request(data) if data else None


class SharedDupeFilter(RFPDupeFilter):
    """Fingerprints in a Redis set, computed by the crawler's request fingerprinter."""

    def __init__(self, server, key, debug=False, fingerprinter=None):
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    def request_fingerprint(self, request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason=""):
        """The fingerprints are the crawl's, not this process's: SharedCrawl.leave clears them."""


class SharedScheduler(Scheduler):
    """A worker of a crawl shared through Redis (see scraper/crawl/frontier/shared.py)."""

    def __init__(self, crawler, server, *, prefix: str, ttl: int, poll: float):
        # persist: never flush on close (the last worker out clears the keys, see shared.py);
        # idle_before_close 0: never a blocking pop (see spider_idle).
        super().__init__(server, persist=True, idle_before_close=0)
        self.crawler = crawler
        self.stats = crawler.stats
        self.prefix, self.ttl, self.poll = prefix, ttl, poll
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"
        self.crawl: SharedCrawl | None = None
        self.heartbeat = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        server = get_redis_from_settings(settings)
        server.ping()  # fail at the start, not at the first request
        scheduler = cls(crawler, server, prefix=settings.get("BULLETINS_REDIS_PREFIX") or "bulletins",
                        ttl=settings.getint("BULLETINS_REDIS_WORKER_TTL", 60),
                        poll=settings.getfloat("BULLETINS_REDIS_POLL", 0.5))
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        self.spider = spider
        keys = Keys.of(self.prefix, spider.name)
        self.crawl = SharedCrawl(self.server, keys, self.worker, self.ttl)
        self.queue = SharedQueue(self.server, spider, keys.requests, self.crawl, serializer=self.serializer)
        self.df = SharedDupeFilter(self.server, keys.dupefilter, self.crawler.settings.getbool("DUPEFILTER_DEBUG"),
                                   self.crawler.request_fingerprinter)
        fresh, workers = self.crawl.join()
        self.stats.set_value("bulletins/frontier/worker", self.worker)
        if fresh:
            log.info("shared frontier %s: a new crawl, worker %s", keys.requests, self.worker)
        else:
            log.info("shared frontier %s: joined a running crawl (%d workers, %d requests queued), worker %s",
                     keys.requests, workers, len(self.queue), self.worker)
        self.heartbeat = create_looping_call(self.crawl.heartbeat)
        self.heartbeat.start(max(self.ttl / 4, 0.1), now=False)  # a few beats per TTL

    def close(self, reason):
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        if self.crawl is not None and self.crawl.leave():
            log.info("shared frontier: last worker out, crawl state cleared")

    def enqueue_request(self, request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            self.stats.inc_value("bulletins/frontier/filtered")
            return False
        self.queue.push(request)
        self.stats.inc_value("bulletins/frontier/enqueued")
        return True

    def next_request(self):
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("bulletins/frontier/dequeued")
        return request

    # --- ending together ------------------------------------------------------------------

    def spider_idle(self, spider):
        """Nothing to do here: close only when the whole crawl is over, else look again soon."""
        everyone = self.crawl.idle(self._facts(spider))
        if everyone is None:
            self.stats.inc_value("bulletins/frontier/idle_polls")
            self._look_again()
            raise DontCloseSpider
        self._settle(spider, everyone)

    def _facts(self, spider) -> dict:
        get = self.stats.get_value
        return {"listing_pages": get("bulletins/listing_pages", 0), "listing_rows": get("bulletins/listing_rows", 0),
                "walk_complete": bool(getattr(spider, "walk_complete", False)),
                "listing_failed": bool(getattr(spider, "listing_failed", False))}

    def _settle(self, spider, everyone: list[dict]) -> None:
        """The crawl is over: take on what the whole crawl did, for the report and the run record.

        Whether the listing walk was complete is the crawl's, not this process's: another
        process may have read the last listing page, or failed on one."""
        for key in ("listing_pages", "listing_rows"):
            self.stats.set_value(f"bulletins/crawl/{key}", sum(f.get(key, 0) for f in everyone))
        lost = sum(1 for f in everyone if f.get("lost"))
        self.stats.set_value("bulletins/crawl/workers", len(everyone))
        if lost:
            # Whatever a lost worker had taken from the queue was never done: the next crawl
            # must not trust this one's walk (it pages to the end and fetches what is missing).
            self.stats.set_value("bulletins/crawl/workers_lost", lost)
            log.warning("shared frontier: %d worker(s) of this crawl stopped answering (killed?); "
                        "the requests they held are lost to it, and the run is recorded incomplete", lost)
        failed = any(f.get("listing_failed") for f in everyone)
        if hasattr(spider, "walk_complete"):
            spider.listing_failed = failed
            spider.walk_complete = not failed and not lost and any(f.get("walk_complete") for f in everyone)

    def _look_again(self) -> None:
        """Ask the engine for the next request in `poll` seconds, not at its 5 s heartbeat: a peer
        may be about to push work (the engine keeps its call-later on a private slot)."""
        nextcall = getattr(getattr(self.crawler.engine, "_slot", None), "nextcall", None)
        if nextcall is not None:
            nextcall.schedule(self.poll)
