"""Items point to the WARC record they came from, set in one place for every spider.

The capture middleware (scraper/archive/capture) puts each response's RecordLocation in
`response.meta["warc_location"]`; this spider middleware copies it onto the items parsed from
that response (articles: the view page's record; attachment downloads: the response or revisit
record), so spiders only navigate and page objects only read pages.
"""

from __future__ import annotations

from scraper.extract.items import ArticleRecord, AttachmentDownload

META_KEY = "warc_location"


class WarcPointerMiddleware:
    """Spider middleware: the response's WARC record onto each article and attachment item."""

    def process_spider_output(self, response, result):
        location = response.meta.get(META_KEY)
        for item in result:
            yield point(item, location)

    async def process_spider_output_async(self, response, result):
        location = response.meta.get(META_KEY)
        async for item in result:
            yield point(item, location)


def point(item, location):
    if location is None or not isinstance(item, (ArticleRecord, AttachmentDownload)):
        return item
    if item.warc_record_id is None:
        item.warc_file, item.warc_offset, item.warc_record_id = (
            location.filename, location.offset, location.record_id)
        if isinstance(item, ArticleRecord):
            item.captured_at = location.captured_at
    return item
