"""Articles read in a second process while the crawl's own process fetches, archives and stores.

Reading an article (its page object's `to_item()`: fields, sanitizing, language) is about a third
of a crawl's CPU. With a second CPU, the spider's callback hands the page over
(scraper.extract.pages.portable) and awaits its article; the crawl's process fetches meanwhile.
The article is the one the page object gives in the crawl's process: the same class, built from
the same answer and page parameters.

Setting BULLETINS_EXTRACT_PROCESSES: how many processes read articles. "auto" (the default) is
one on a machine with two CPUs or more, else none, started once the crawl's process has read
START_AFTER articles itself: a reading process costs 1.5 CPU seconds to start (imports,
langdetect's profiles), more than a nightly run of a few dozen new articles saves. A number N
starts N with the crawl; 0 reads every article in the crawl's process. The processes serve every
crawl of the process (`bulletins crawl --all`).
A page the other process cannot take (a page class it cannot import) is read here. A reading
process that ends (killed, out of memory) has its pages read here, and the log says so; another
takes its place, up to RESTARTS times a process, then every page is read here. No page is lost.

The pages go over a pipe, read on the reactor's own loop: no thread in the crawl's process. In the
reading process, a thread takes the pages in as they come, so the crawl never waits to send one.
A reader owes at most OWED_AT_MOST articles at once; past that the crawl's process reads the page
itself, so the two share the work and the crawl never holds a queue of pages in memory (24
sources side by side fetch pages faster than one process reads them).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import atexit
import os
import pickle
import queue
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

from scraper.extract.items import ArticleRecord
from scraper.extract.pages import portable
from scraper.extract.pages.base import ArticlePageBase

log = logging.getLogger(__name__)

SETTING = "BULLETINS_EXTRACT_PROCESSES"
PICKLE = pickle.HIGHEST_PROTOCOL


def processes_wanted(value) -> int:
    """The setting's number of processes: "auto" (or unset) is 1 with two CPUs or more, else 0."""
    if is_auto(value):
        return 1 if (os.cpu_count() or 1) >= 2 else 0
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{SETTING} must be a number of processes or 'auto', got {value!r}") from None
    if count < 0:
        raise ValueError(f"{SETTING} must be 0 or more, got {count}")
    return count


def is_auto(value) -> bool:
    return value in (None, "", "auto")


class ReaderGone(Exception):
    """The reading process ended (killed, out of memory): its pages are read in the crawl's."""


def serve(connection) -> None:
    """The reading process: pages in, articles out, until the crawl's process closes the pipe."""
    # Ctrl-C reaches the whole process group: the crawl's process stops the crawl and closes the
    # socket, which ends this one without a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pages: queue.SimpleQueue = queue.SimpleQueue()

    def take_in() -> None:
        while True:
            try:
                pages.put(connection.recv_bytes())
            except (EOFError, OSError):
                pages.put(None)
                return

    threading.Thread(target=take_in, name="pages-in", daemon=True).start()
    from scraper.extract.language import detect_language

    detect_language("Loads the language profiles before the first article comes.")
    while (data := pages.get()) is not None:
        number, work = pickle.loads(data)
        try:
            answer = (number, True, portable.article(work))
        except Exception as exc:  # to_item never raises by design; a class not found here may
            answer = (number, False, f"{type(exc).__name__}: {exc}")
        try:
            connection.send_bytes(pickle.dumps(answer, PICKLE))
        except OSError:
            return


class Reader:
    """One reading process and the articles it still owes.

    The process is `python -m scraper.crawl.extraction FD`, a plain child of its own: unlike
    multiprocessing's spawn, it never runs the crawl's main script again (a script without a
    `__main__` guard would crawl twice), and it ends when the crawl's process closes the socket,
    whichever way that process ends."""

    def __init__(self):
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(theirs.fileno())], pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.connection = Connection(ours.detach())
        self.owed: dict[int, asyncio.Future] = {}
        self.numbers = itertools.count()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.gone = False

    def read(self, work: portable.PageJob) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        owed = loop.create_future()
        if self.gone:
            owed.set_exception(ReaderGone())
            return owed
        if self.loop is not loop:
            if self.loop is not None and not self.loop.is_closed():
                self.loop.remove_reader(self.connection.fileno())
            self.loop = loop
            loop.add_reader(self.connection.fileno(), self._answered)
        number = next(self.numbers)
        self.owed[number] = owed
        try:
            self.connection.send_bytes(pickle.dumps((number, work), PICKLE))
        except OSError:
            self._ended()
        return owed

    def _answered(self) -> None:
        try:
            number, ok, value = pickle.loads(self.connection.recv_bytes())
        except (EOFError, OSError):
            self._ended()
            return
        owed = self.owed.pop(number, None)
        if owed is not None and not owed.done():
            owed.set_result(value) if ok else owed.set_exception(RuntimeError(value))

    def _ended(self) -> None:
        if not self.gone:
            self.gone = True
            if self.loop is not None and not self.loop.is_closed():
                self.loop.remove_reader(self.connection.fileno())
            self.close()
            log.warning("the process reading articles ended (exit code %s): the %d articles it owed are "
                        "read in the crawl's process", self.process.returncode, len(self.owed))
        for owed in self.owed.values():
            if not owed.done():
                owed.set_exception(ReaderGone())
        self.owed.clear()

    def close(self, wait: float = 1) -> None:
        """Close the socket (the process then ends) and reap the process, so that its CPU time
        counts in this process's children (wait4, `time`)."""
        self.connection.close()
        try:
            self.process.wait(wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


RESTARTS = 3
START_AFTER = 100  # "auto": articles the crawl's process reads before it starts a reader
_read_here = 0
OWED_AT_MOST = 16  # pages a reader holds at once; past it, the crawl's process reads them itself
_readers: list[Reader] = []
_started = itertools.count()
_turn = itertools.count()


@atexit.register
def _close_readers() -> None:
    for each in _readers:
        if not each.gone:
            each.close(wait=10)


def reader(processes: int) -> Reader | None:
    """One of the process's `processes` readers, in turn, started when first asked for; None when
    readers ended more than RESTARTS times."""
    _readers[:] = [r for r in _readers if not r.gone]
    while len(_readers) < processes:
        if next(_started) >= processes + RESTARTS:
            return None
        _readers.append(Reader())
    return _readers[next(_turn) % processes] if processes else None


class ExtractionProcesses:
    """The spider's way to an article: `await extraction.item(page)`."""

    def __init__(self, processes: int, crawler=None, start_after: int = 0):
        self.processes = processes
        self.crawler = crawler  # its stats exist from the crawl's start on
        self.start_after = start_after  # articles this process reads before a reader starts

    @classmethod
    def from_crawler(cls, crawler):
        value = crawler.settings.get(SETTING, "auto")
        processes = processes_wanted(value)
        if not is_auto(value):
            reader(processes)  # started now: ready by the time the first article comes
        return cls(processes, crawler, START_AFTER if is_auto(value) else 0)

    async def item(self, page: ArticlePageBase) -> ArticleRecord:
        if self.processes:
            try:  # awaiting another process's answer needs asyncio's loop (Scrapy's default reactor)
                asyncio.get_running_loop()
            except RuntimeError:
                self.processes = 0
        if not self.processes:
            return page.to_item()
        global _read_here
        if _read_here < self.start_after and not _readers:
            _read_here += 1  # a small run: no reader started for it
            self._count("read_here")
            return page.to_item()
        try:
            work = portable.job(page)
        except (pickle.PicklingError, AttributeError, TypeError):
            self._count("read_here")  # a page class found by no name (made in a function)
            return page.to_item()
        chosen = reader(self.processes)
        if chosen is None or len(chosen.owed) >= OWED_AT_MOST:
            # None: readers died too often. Owing many already: read this one here rather than
            # hold its answer in memory behind theirs (many sources side by side fetch faster
            # than one process reads).
            self._count("read_here")
            return page.to_item()
        try:
            record = await chosen.read(work)
        except ReaderGone:
            self._count("read_here")
            return page.to_item()
        except RuntimeError as exc:  # the other process could not build the page: read it here
            log.warning("%s: read in the crawl's process (%s)", work.url, exc)
            self._count("read_here")
            return page.to_item()
        self._count("read_apart")
        return record

    def _count(self, what: str) -> None:
        if self.crawler is not None:
            self.crawler.stats.inc_value(f"bulletins/articles_{what}")


if __name__ == "__main__":  # a reading process: python -m scraper.crawl.extraction FD
    serve(Connection(int(sys.argv[1])))
