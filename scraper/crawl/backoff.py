"""Exponential backoff for retried requests (Scrapy's RetryMiddleware retries at once)."""

from __future__ import annotations

import asyncio

from scrapy.exceptions import NotConfigured


class RetryBackoffMiddleware:
    """Waits BASE * 2**(n-1) seconds (capped) before the n-th retry of a request."""

    def __init__(self, base: float, cap: float):
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler):
        base = crawler.settings.getfloat("BULLETINS_RETRY_BACKOFF_BASE", 2.0)
        if base <= 0:
            raise NotConfigured("retry backoff switched off")
        return cls(base, crawler.settings.getfloat("BULLETINS_RETRY_BACKOFF_MAX", 60.0))

    def delay_for(self, retry_times: int) -> float:
        return min(self.cap, self.base * 2 ** (retry_times - 1)) if retry_times > 0 else 0.0

    async def process_request(self, request):
        delay = self.delay_for(request.meta.get("retry_times", 0))
        if delay:
            await asyncio.sleep(delay)
        return None
