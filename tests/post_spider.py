"""A board whose listing pages are POSTs (form field pageIndex), as some government boards are.

No such board is configured yet; the replay test runs this file with the project's settings
(`scrapy runspider tests/post_spider.py -a base_url=http://127.0.0.1:PORT` from the repository
root, so scrapy.cfg applies them and every exchange is archived) and replays the pages in pywb.
"""

import scrapy


class PostListingSpider(scrapy.Spider):
    name = "post-listing"
    custom_settings = {"DOWNLOAD_DELAY": 0}  # the test's own server on loopback

    def __init__(self, base_url: str, pages: str = "3", **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.pages = int(pages)

    async def start(self):
        for n in range(1, self.pages + 1):
            yield scrapy.FormRequest(f"{self.base_url}/list", formdata={"pageIndex": str(n)})

    def parse(self, response):
        self.crawler.stats.inc_value("post_listing/pages")
