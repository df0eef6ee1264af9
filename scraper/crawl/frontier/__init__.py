"""Scale-out: one crawl frontier in Redis, shared by crawler processes on one machine or many.

With BULLETINS_REDIS_URL set (setting or environment), the add-on below puts the scheduler's queue
and the duplicate filter in Redis (scrapy-redis, adapted in `scheduler.py`): every process of a
source pops requests from one queue, and a request any of them scheduled is never scheduled again
in that crawl, the first listing page included. A process ends when the shared queue is empty and
every live process is idle (`shared.py`); the last one to leave clears the keys, so the next
crawl starts fresh. Without the setting nothing changes, and scrapy-redis is not even imported.
"""

from __future__ import annotations

import importlib.util
import logging
import os

from scrapy.settings import SETTINGS_PRIORITIES

log = logging.getLogger(__name__)

REDIS_URL_ENV = "BULLETINS_REDIS_URL"


class FrontierError(Exception):
    """The shared frontier cannot be used; the message is one line for the user."""


def redis_url(settings) -> str | None:
    """The Redis URL: the setting, else $BULLETINS_REDIS_URL, else None (no scale-out)."""
    return settings.get("BULLETINS_REDIS_URL") or os.environ.get(REDIS_URL_ENV) or None


def _require_scrapy_redis() -> None:
    if importlib.util.find_spec("scrapy_redis") is None:
        raise FrontierError(f"{REDIS_URL_ENV} is set but scrapy-redis is not installed: "
                            "pip install 'bulletin-archiver[redis]'")


def check_frontier(settings) -> None:
    """Before a crawl: with a Redis URL, fail in one line when scrapy-redis is missing or the
    server does not answer (else the crawl would fail inside the engine, with a traceback)."""
    url = redis_url(settings)
    if not url:
        return
    _require_scrapy_redis()
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=10)
    except ValueError as exc:  # not a redis:// URL
        raise FrontierError(f"cannot use the shared frontier at {_without_password(url)}: {exc}") from None
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FrontierError(f"cannot use the shared frontier at {_without_password(url)}: {reason}") from None
    finally:
        client.close()


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user + ':***' if ':' in credentials else credentials}@{host}"


class RedisFrontier:
    """Scrapy add-on: switches the scheduler to the shared one when a Redis URL is given."""

    def update_settings(self, settings) -> None:
        url = redis_url(settings)
        if not url:
            return
        _require_scrapy_redis()
        # The scheduler builds its own queue and duplicate filter (PREFIX:SOURCE:* keys); it never
        # flushes them on close (SCHEDULER_PERSIST) and never blocks waiting for requests
        # (SCHEDULER_IDLE_BEFORE_CLOSE 0): see scheduler.py for why.
        settings.set("SCHEDULER", "scraper.crawl.frontier.scheduler.SharedScheduler", priority="addon")
        settings.set("REDIS_URL", url, priority="addon")  # read by scrapy-redis's connection helper
        # Another process may download an article's attachment: the article row must be committed
        # before the attachment request reaches the shared queue, or the downloaded size finds no
        # row to go to. A value given on the command line (-s) is the operator's choice.
        current = settings.getpriority("BULLETINS_COMMIT_EVERY") or 0
        if current < SETTINGS_PRIORITIES["cmdline"]:
            settings.set("BULLETINS_COMMIT_EVERY", 1, priority=current)
        database = settings.get("BULLETINS_DATABASE_URL") or os.environ.get("BULLETINS_DATABASE_URL") or ""
        if not database.startswith("postgresql"):
            log.warning("a shared frontier with %s: processes on other machines cannot share it; "
                        "use PostgreSQL (BULLETINS_DATABASE_URL=postgresql+psycopg://...)",
                        database or "the default SQLite file")
