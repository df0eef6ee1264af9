"""Scrapy settings for bulletin crawls: polite defaults for real government sites.

`scrapy crawl SOURCE` (via scrapy.cfg) and `bulletins crawl SOURCE` both use this module.
Crawls of a replica on loopback lift the delay (see spiders/base.py).
"""

import os
from importlib.metadata import PackageNotFoundError, version

BOT_NAME = "bulletins"
SPIDER_MODULES = ["scraper.crawl.spiders"]
NEWSPIDER_MODULE = "scraper.crawl.spiders"
# Spider classes, plus one spider per site profile: the built-in ones (scraper/extract/profiles/*.toml)
# and the user's own in BULLETINS_PROFILE_DIRS (folders, separated like PATH; None: environment).
SPIDER_LOADER_CLASS = "scraper.crawl.spider_loader.ProfileSpiderLoader"
BULLETINS_PROFILE_DIRS = None

try:
    VERSION = version("bulletin-archiver")
except PackageNotFoundError:  # running from a checkout that was never installed
    VERSION = "0+unknown"

PROJECT_URL = "https://github.com/bulletin-archiver/bulletin-archiver"
BULLETINS_CONTACT = os.environ.get("BULLETINS_CONTACT", "")


def user_agent(contact: str) -> str:
    """Identify ourselves, with a way to reach the operator, as site owners ask of archivers."""
    reach = f"; {contact}" if contact else ""
    return f"bulletin-archiver/{VERSION} (+{PROJECT_URL}{reach})"


USER_AGENT = user_agent(BULLETINS_CONTACT)

# Politeness: government web firewalls block rapid clients.
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay is 1-3 s, so requests do not tick like a clock
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Items per response processed at once: our pipeline is synchronous, so one at a time loses
# nothing, and Scrapy makes that many asyncio tasks for every response (its default 100, or 16,
# cost 1-1.5 s of a 1,830-article crawl's 15: benchmarks/crawl_throughput.py).
CONCURRENT_ITEMS = 1
DOWNLOAD_TIMEOUT = 30
# Our limits by kind (BULLETINS_MAX_PAGE_SIZE, BULLETINS_MAX_ATTACHMENT_SIZE, scraper/crawl/limits) stop
# a download and archive what came; Scrapy's own cap would cancel it and archive nothing.
DOWNLOAD_MAXSIZE = 0
# Only the codings archive readers decode: warcio (`warcio check`, pywb) cannot read br or zstd
# payloads, which Scrapy would ask for when their packages are installed.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "Accept-Encoding": "gzip, deflate",
}
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
BULLETINS_RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubling after
BULLETINS_RETRY_BACKOFF_MAX = 60.0
COOKIES_ENABLED = True  # some boards need the list page's session cookie before a view
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control (2.19) serves code execution over HTTP on localhost and writes its job
# file under the user's home: nothing a nightly job should open. Off, as the telnet console is.
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "scraper.crawl.backoff.RetryBackoffMiddleware": 560,   # just after RetryMiddleware (550)
    # Scrapy's, minus refreshes to javascript: and other schemes (a failed article otherwise)
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scraper.crawl.redirects.UsableMetaRefreshMiddleware": 580,
    "scraper.crawl.limits.SizeLimitMiddleware": 595,  # after capture, before HttpCompression (590)
    "scraper.crawl.conditional.ConditionalRequestMiddleware": 940,  # If-None-Match from the digest index
    "scraper.archive.capture.WarcCaptureMiddleware": 950,    # raw bytes, before decompression (590)
    # scrapy-poet (as its add-on places it): builds the web-poet page object each spider's
    # parse_article names, from the response (header bytes read as Latin-1, not UTF-8) and the
    # request's meta["page_params"]
    "scraper.crawl.page_inputs.InjectionMiddleware": 543,
}

SPIDER_MIDDLEWARES = {
    "scraper.crawl.warc_pointer.WarcPointerMiddleware": 900,  # items point to their WARC record
    "scrapy_poet.RetryMiddleware": 275,  # a page object that raises web_poet's Retry is fetched again
}
ITEM_PIPELINES = {
    "scraper.crawl.pipelines.StoragePipeline": 300,
}
EXTENSIONS = {
    "scraper.garbage.LessFrequentCollection": 0,  # BULLETINS_GC_YOUNG_EVERY
    "scraper.crawl.report.CrawlReport": 0,
    "scraper.crawl.progress.ProgressDisplay": 20,  # a live line on a terminal (BULLETINS_PROGRESS)
    "scraper.archive.packaging.RunPackager": 100,  # CDXJ index + WACZ of the run, on engine_stopped
    # a CrawlRun row per crawl; after the packager, so the row names the run's package, and the
    # crawl's last write: it closes the crawl's database
    "scraper.crawl.runs.RunRecorder": 110,
}

# Storage and archive; None means $BULLETINS_DATABASE_URL / $BULLETINS_WARC_DIR or ./data/...
BULLETINS_DATABASE_URL = None
BULLETINS_WARC_DIR = None
BULLETINS_WARC_PREFIX = "BULLETINS"
BULLETINS_WARC_MAX_SIZE = 1_000_000_000
BULLETINS_WARC_ENABLED = True
# Python's garbage collector sees its youngest objects every 2,000 net allocations, not 700
# (scraper.garbage: 0.85 -> 0.44 CPU s of a 1,830-article crawl); 0 keeps Python's own. It only
# ever raises the threshold, for the crawl's whole process; its reading process uses 2,000.
BULLETINS_GC_YOUNG_EVERY = 2000
BULLETINS_PACKAGE_ENABLED = True  # <warc dir>/indexes/<run>.cdxj and <warc dir>/packages/<run>.wacz
BULLETINS_STORAGE_ENABLED = True
BULLETINS_COMMIT_EVERY = 200
# Revisit records for non-HTML payloads archived before, and conditional re-fetches (ETag,
# Last-Modified) of those; both need the database (BULLETINS_STORAGE_ENABLED).
BULLETINS_DEDUP_ENABLED = True
BULLETINS_DEDUP_CONDITIONAL = True
# Incremental crawls: stored articles older than this many months (this one included) are not
# fetched again; `bulletins crawl --full` fetches everything.
BULLETINS_HORIZON_MONTHS = 2
# Safety caps per run, far above the largest real boards (1,500+ listing pages): a board whose
# listing never ends (every page new ids) stops there, named in the summary, the run incomplete.
BULLETINS_MAX_LISTING_PAGES = os.environ.get("BULLETINS_MAX_LISTING_PAGES") or 20_000
BULLETINS_MAX_ARTICLES = os.environ.get("BULLETINS_MAX_ARTICLES") or 300_000
# Size limits in bytes, on the body received and on its decompressed size (scraper/crawl/limits): pages
# (listings and articles) and attachments. An answer over its limit is archived (cut at the limit,
# WARC-Truncated: length, if it was still coming) and failed as "too large", the run incomplete.
BULLETINS_MAX_PAGE_SIZE = os.environ.get("BULLETINS_MAX_PAGE_SIZE") or 5_000_000
BULLETINS_MAX_ATTACHMENT_SIZE = os.environ.get("BULLETINS_MAX_ATTACHMENT_SIZE") or 100_000_000
# The day (YYYY-MM-DD, Korea time) the horizon counts back from; None: today by the clock. Set it
# ($BULLETINS_TODAY) to re-run a night as of its date; the tests pin it, so none depends on the
# day they run.
BULLETINS_TODAY = os.environ.get("BULLETINS_TODAY") or None
# Processes that read articles (page objects' to_item: fields, sanitizing, language) while the
# crawl's own process fetches and stores (scraper/crawl/extraction): "auto" is one with two CPUs
# or more (else none), started when a source's first crawl or a full recrawl opens, else once 100
# articles were asked for; a number starts that many with the crawl; 0 reads every article in
# the crawl's process.
BULLETINS_EXTRACT_PROCESSES = os.environ.get("BULLETINS_EXTRACT_PROCESSES") or "auto"
# Layout drift: a run fails (exit 1, naming source and field) when listings yield no rows or
# more than this share of its articles lack a required field (title, date, body).
BULLETINS_DRIFT_MAX_MISSING = 0.2
BULLETINS_DRIFT_MIN_ARTICLES = 5
# Scale-out (scraper/crawl/frontier): with a Redis URL here or in $BULLETINS_REDIS_URL, the scheduler and
# the duplicate filter live in Redis (scrapy-redis), shared by every crawler process of a source;
# None keeps Scrapy's own, in memory. Keys are PREFIX:SOURCE:*; a worker whose heartbeat is older
# than WORKER_TTL seconds counts as dead; an idle worker looks for new work every POLL seconds.
ADDONS = {"scraper.crawl.frontier.RedisFrontier": 0}
BULLETINS_REDIS_URL = None
BULLETINS_REDIS_PREFIX = "bulletins"
BULLETINS_REDIS_WORKER_TTL = 60
BULLETINS_REDIS_POLL = 0.5

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
