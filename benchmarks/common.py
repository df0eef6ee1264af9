"""What the benchmark scripts share: the replica in its own process, and a process's peak memory."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the project, when it is not installed

from scraper.processes import start, stop  # noqa: E402  (stop: for the benchmark scripts too)


def start_replica(articles: int, *options: str) -> tuple[subprocess.Popen, str]:
    """`python -m scraper.replica` on a free loopback port: (process, base URL).

    `options` are more command-line options of the replica (``"--attachment-every", "3"``).
    (The replica's sockets are TCP_NODELAY: Nagle's algorithm held each answer ~40 ms, so crawls
    of it measured the replica's waits rather than their own work.)
    """
    proc = start(
        [sys.executable, "-m", "scraper.replica", "--host", "127.0.0.1", "--port", "0",
         "--articles", str(articles), "--no-flaky", *options],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base_url = proc.stdout.readline().strip()
    proc.stdout.readline()  # the description line; "stopped" comes at the end
    if not base_url.startswith("http://127.0.0.1:"):
        stop(proc)
        raise RuntimeError(f"replica did not start (first line {base_url!r})")
    return proc, base_url


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (Linux), else ru_maxrss.

    Not ru_maxrss first: a child started by subprocess inherits its parent's peak in ru_maxrss,
    so a child of a large parent would report the parent's memory, not its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux



# --------------------------------------------------------------------------- where the CPU goes

# (category, substrings of a frame's file name). A sample goes to the category of its innermost
# frame that matches one, so a category nested in another (language detection inside a page
# object) keeps its own time; but anything under packaging is packaging (it reads WARC files with
# warcio), imports apart. Frames of no category (Scrapy, Twisted, asyncio) pass the sample on outwards; a sample
# with no matching frame at all is Scrapy's (or the reactor's) own.
PACKAGING = "packaging (CDXJ, WACZ)"
CATEGORIES = (
    ("language detection", ("/scraper/extract/language.py", "/langdetect/")),
    ("sanitizing", ("/scraper/extract/html_text.py", "/nh3/", "/bs4/")),
    ("page objects built (scrapy-poet)", ("/scrapy_poet/", "/andi/")),
    ("extraction", ("/scraper/extract/", "/parsel/", "/web_poet/", "/scraper/crawl/spiders/",
                    "/scraper/archive/reparse/")),
    (PACKAGING, ("/scraper/archive/packaging.py", "/storage/webarchive/cdxj.py", "/storage/webarchive/wacz.py",
                 "/cdxj_indexer/", "/storage/webarchive/unpackaged.py")),
    ("WARC (write; read in reparse)", ("/scraper/archive/capture.py", "/storage/webarchive/warc.py", "/warcio/",
                                       "/scraper/crawl/warc_pointer.py", "/scraper/crawl/limits.py")),
    ("database (rows, FTS index)", ("/storage/", "/scraper/crawl/pipelines.py", "/scraper/crawl/database.py",
                                    "/scraper/crawl/runs.py", "/sqlalchemy/", "/sqlmodel/", "/alembic/")),
    ("start-up (imports)", ("<frozen importlib",)),
)
IMPORTS = CATEGORIES[-1][0]
SCRAPY = "Scrapy, Twisted, asyncio and the rest"


class StackSampler:
    """A statistical profiler of this process's main thread: every `interval` seconds of CPU
    time (ITIMER_PROF) the current stack is classified by CATEGORIES. Unlike cProfile it adds no
    cost to each call, so the shares are those of a normal run (about 1 % overhead at 5 ms).
    C code (lxml, nh3, SQLite) is charged to the Python frame that called it."""

    def __init__(self, interval: float = 0.005):
        import signal

        self.interval = interval
        self.phase = "start-up"
        self.samples: dict[tuple[str, str], int] = {}   # (phase, category) -> samples
        self._signal = signal

    def start(self) -> "StackSampler":
        self._signal.signal(self._signal.SIGPROF, self._sample)
        self._signal.setitimer(self._signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def stop(self) -> list[tuple[str, str, float]]:
        """Stop; [(phase, category, CPU seconds)]. The phase is what `phase` said when the sample
        was taken ("start-up" until the caller changes it)."""
        self._signal.setitimer(self._signal.ITIMER_PROF, 0, 0)
        self._signal.signal(self._signal.SIGPROF, self._signal.SIG_DFL)
        return [(phase, name, count * self.interval) for (phase, name), count in self.samples.items()]

    def _sample(self, signum, frame) -> None:
        name = None
        while frame is not None:
            found = _category(frame.f_code.co_filename)
            if found == PACKAGING and name != IMPORTS:
                name = found
                break
            if name is None:
                name = found
            frame = frame.f_back
        name = name or SCRAPY
        key = (self.phase, name)
        self.samples[key] = self.samples.get(key, 0) + 1


_CATEGORY_OF: dict[str, str | None] = {}


def _category(filename: str) -> str | None:
    try:
        return _CATEGORY_OF[filename]
    except KeyError:
        found = next((name for name, parts in CATEGORIES if any(p in filename for p in parts)), None)
        _CATEGORY_OF[filename] = found
        return found
