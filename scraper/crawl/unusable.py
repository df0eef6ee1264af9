"""An answer archived as received but unusable as what was asked for (too large, a corrupt
compressed body...): raised by downloader middlewares after the capture, so the exchange is in the
WARC file; the spider's errback names the URL with this reason and the next run retries it."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class UnusableAnswer(IgnoreRequest):
    """Its text is the reason the summary names, e.g. "too large: more than 5 MB (...)"."""
