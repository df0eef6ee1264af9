"""Articles read in a second process while the crawl's own process fetches, archives and stores.

Reading an article (its page object's `to_item()`: fields, sanitizing, language) is about a third
of a crawl's CPU. With a second CPU, the spider's callback hands the page over
(scraper.extract.pages.portable) and awaits its article; the crawl's process fetches meanwhile.
The article is the one the page object gives in the crawl's process: the same class, built from
the same answer and page parameters.

Setting BULLETINS_EXTRACT_PROCESSES: how many processes read articles. "auto" (the default) is
one on a machine with two CPUs or more (those this process may run on), else none. It starts
when a crawl opens that reads a whole board (a source's first crawl, a full recrawl, neither
narrowed to months: `start_now`), else once the crawls of the process have asked for
START_AFTER articles (`expect`, as their first requests are scheduled) or read that many
themselves: a reading process costs 1.5 CPU seconds to start (imports, langdetect's profiles),
more than a nightly run of a few dozen new articles saves. A number N starts N with the crawl; 0
reads every article in the crawl's process. The processes serve every crawl of the process
(`bulletins crawl --all`).

No page is lost to them. A page the other process cannot take (a page class it cannot find by
name, parameters or an article that do not pickle) is read here. A reading process that cannot
start, or ends (killed, out of memory), has its pages read here, and the log says so; another
takes its place, up to RESTARTS times a process, then every page is read here.

The pages go over a socket, read on the reactor's own loop: no thread in the crawl's process. The
reading process takes the pages in on a thread of its own, started before anything else is
imported there, so the crawl waits to send one only while the socket's buffer is full, which that
thread empties. A reader owes at most OWED_AT_MOST pages (and OWED_BYTES of them) at once; past
that the crawl's process reads the page itself, so the two share the work and the crawl never
holds a queue of pages in memory (24 sources side by side fetch pages faster than one process
reads them). The reading process runs NICENESS steps below the crawl's, so on a busy machine the
crawl's process, which everything waits on, goes first; and in a session of its own: Ctrl-C and a
terminal's signals go to the crawl's process, which stops the crawl and closes the socket, and
that ends the reader.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import itertools
import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from scraper.garbage import collect_less_often

if TYPE_CHECKING:  # imported when first used: a reading process starts taking pages in first
    from scraper.extract.items import ArticleRecord
    from scraper.extract.pages.base import ArticlePageBase
    from scraper.extract.pages.portable import PageJob

log = logging.getLogger(__name__)

SETTING = "BULLETINS_EXTRACT_PROCESSES"
PICKLE = pickle.HIGHEST_PROTOCOL
RESTARTS = 3
START_AFTER = 100  # "auto": articles asked for (or read here) before a reader starts
# Pages a reader holds at once; past it, the crawl's process reads them itself. Enough for the
# pages that come while a reader starts (1.5-2 s; about 260 from a replica on this machine), so
# the crawl's process need not read them (and load langdetect's profiles for them).
OWED_AT_MOST = 512
OWED_BYTES = 16_000_000  # and their bodies' bytes
SOCKET_BUFFER = 4 * 2**20
# The reading process yields to the crawl's when CPUs are short (a busy machine): the crawl's
# process is the one everything waits on, a reader that falls behind only has pages read there.
NICENESS = 5


def is_auto(value) -> bool:
    return value in (None, "", "auto")


def cpus() -> int:
    """The CPUs this process may run on (its affinity: a container's cpuset), else all of them."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def processes_wanted(value) -> int:
    """The setting's number of processes: "auto" (or unset) is 1 with two CPUs or more, else 0."""
    if is_auto(value):
        return 1 if cpus() >= 2 else 0
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{SETTING} must be a number of processes or 'auto', got {value!r}") from None
    if count < 0:
        raise ValueError(f"{SETTING} must be 0 or more, got {count}")
    return count


class ReaderGone(Exception):
    """The reading process ended (killed, out of memory): its pages are read in the crawl's."""


def serve(connection: Connection) -> None:
    """The reading process: pages in, articles out, until the crawl's process closes the socket."""
    pages: queue.SimpleQueue = queue.SimpleQueue()

    def take_in() -> None:
        while True:
            try:
                pages.put(connection.recv_bytes())
            except (EOFError, OSError):
                pages.put(None)
                return

    threading.Thread(target=take_in, name="pages-in", daemon=True).start()
    try:
        os.nice(NICENESS)
    except OSError:
        pass
    collect_less_often()
    from scraper.extract.language import detect_language
    from scraper.extract.pages import portable

    detect_language("Loads the language profiles before the first article comes.")
    while (data := pages.get()) is not None:
        number, work = pickle.loads(data)
        try:
            answer = pickle.dumps((number, True, portable.article(work)), PICKLE)
        except Exception as exc:  # a class not found here, an article that does not pickle
            answer = pickle.dumps((number, False, f"{type(exc).__name__}: {exc}"), PICKLE)
        try:
            connection.send_bytes(answer)
        except OSError:
            return


class Reader:
    """One reading process and the articles it still owes.

    The process is `python -m scraper.crawl.extraction FD`, a plain child of its own: unlike
    multiprocessing's spawn, it never runs the crawl's main script again (a script without a
    `__main__` guard would crawl twice). It gets this process's module path, and ends when this
    process closes the socket, whichever way this process ends."""

    def __init__(self):
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
            end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER)
        path = os.pathsep.join(p for p in sys.path if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL, close_fds=True, start_new_session=True,
                env={**os.environ, "PYTHONPATH": path})
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.connection = Connection(ours.detach())
        self.owed: dict[int, tuple[asyncio.Future, int]] = {}  # number -> (its article, body bytes)
        self.owed_bytes = 0
        self.numbers = itertools.count()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.gone = False

    def busy(self) -> bool:
        return len(self.owed) >= OWED_AT_MOST or self.owed_bytes >= OWED_BYTES

    def read(self, work: PageJob) -> asyncio.Future:
        """The article of `work`, when the reader has read it: raises pickle's errors for a job
        that does not pickle (nothing is then owed)."""
        number = next(self.numbers)
        data = pickle.dumps((number, work), PICKLE)
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
        self.owed[number] = (owed, len(work.body))
        self.owed_bytes += len(work.body)
        try:
            self.connection.send_bytes(data)
        except OSError:
            self._ended()
        return owed

    def _answered(self) -> None:
        try:
            number, ok, value = pickle.loads(self.connection.recv_bytes())
        except (EOFError, OSError):
            self._ended()
            return
        owed, size = self.owed.pop(number, (None, 0))
        self.owed_bytes -= size
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
        for owed, _ in self.owed.values():
            if not owed.done():
                owed.set_exception(ReaderGone())
        self.owed.clear()
        self.owed_bytes = 0

    def close(self, wait: float = 1) -> None:
        """Close the socket (the process then ends) and reap the process, so that its CPU time
        counts in this process's children (wait4, `time`)."""
        self.connection.close()
        try:
            self.process.wait(wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_readers: list[Reader] = []
_starts = 0  # readers started, or tried
_turn = itertools.count()
_read_here = 0  # articles read here while no reader was started ("auto")
_expected = 0  # articles the crawls of the process asked for ("auto")


@atexit.register
def _close_readers() -> None:
    for each in _readers:
        if not each.gone:
            each.close(wait=10)


def reader(processes: int) -> Reader | None:
    """One of the process's `processes` readers, in turn, started when first asked for; None when
    readers ended (or could not start) more than RESTARTS times."""
    global _starts
    _readers[:] = [r for r in _readers if not r.gone]
    while len(_readers) < processes:
        if _starts >= processes + RESTARTS:
            return None
        _starts += 1
        try:
            _readers.append(Reader())
        except (OSError, ValueError, subprocess.SubprocessError) as exc:  # no fork, no interpreter
            log.warning("no process could be started to read articles (%s: %s): they are read in the "
                        "crawl's process", type(exc).__name__, exc)
            return None
    return _readers[next(_turn) % processes] if processes else None


class ExtractionProcesses:
    """The spider's way to an article: `await extraction.item(page)`."""

    def __init__(self, processes: int, crawler=None, start_after: int = 0):
        self.processes = processes
        self.crawler = crawler  # its stats exist from the crawl's start on
        self.start_after = start_after  # articles asked for (or read here) before a reader starts
        self.counts: collections.Counter[str] = collections.Counter()

    @classmethod
    def from_crawler(cls, crawler):
        value = crawler.settings.get(SETTING, "auto")
        processes = processes_wanted(value)
        if not is_auto(value):
            reader(processes)  # started now: ready by the time the first article comes
        return cls(processes, crawler, START_AFTER if is_auto(value) else 0)

    def start_now(self) -> None:
        """The reader starts now, if none runs: a crawl that reads a whole board opens (a source's
        first crawl, a full recrawl), or enough articles were asked for (`expect`)."""
        if self.processes and not _readers:
            reader(self.processes)

    def expect(self) -> None:
        """An article was asked for: with "auto", a reader starts once START_AFTER were."""
        global _expected
        _expected += 1
        if self._enough():
            self.start_now()

    def _enough(self) -> bool:
        return _expected >= self.start_after or _read_here >= self.start_after

    async def item(self, page: ArticlePageBase) -> ArticleRecord:
        from scraper.extract.pages import portable

        global _read_here
        if self.processes:
            try:  # awaiting another process's answer needs asyncio's loop (Scrapy's default reactor)
                asyncio.get_running_loop()
            except RuntimeError:
                self.processes = 0
        if not self.processes:
            return page.to_item()
        if not _readers and not self._enough():
            _read_here += 1  # a small run: no reader started for it
            return self._here(page)
        try:
            work = portable.job(page)
        except (pickle.PicklingError, AttributeError, TypeError):
            return self._here(page)  # a page class found by no name (made in a function, __main__)
        chosen = reader(self.processes)
        if chosen is None or chosen.busy():
            # None: no reader can run. Busy: read this one here rather than hold it in memory
            # behind the others (many sources side by side fetch faster than one process reads).
            return self._here(page)
        try:
            record = await chosen.read(work)
        except (pickle.PicklingError, AttributeError, TypeError):  # page parameters that do not pickle
            return self._here(page)
        except ReaderGone:
            return self._here(page)
        except RuntimeError as exc:  # the other process could not read the page: read it here
            log.warning("%s: read in the crawl's process (%s)", work.url, exc)
            return self._here(page)
        self._count("read_apart")
        return record

    def _here(self, page: ArticlePageBase) -> ArticleRecord:
        self._count("read_here")
        return page.to_item()

    def _count(self, what: str) -> None:
        self.counts[what] += 1
        if self.crawler is not None:
            self.crawler.stats.inc_value(f"bulletins/articles_{what}")


if __name__ == "__main__":  # a reading process: python -m scraper.crawl.extraction FD
    serve(Connection(int(sys.argv[1])))
    # Nothing is left to write: end without tearing down every object the reading made (langdetect's
    # profiles, the parsers' caches), which kept the crawl's process waiting 0.3 s at its exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
