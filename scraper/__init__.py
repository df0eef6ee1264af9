"""The Scrapy project of bulletin-archiver: spiders, page objects, capture, pipelines, CLI."""

from tldextract import TLDExtract
import scrapy.downloadermiddlewares.cookies as _cookies

# Scrapy's cookie middleware splits domains with tldextract, which downloads the Public Suffix
# List from the web on first use. A crawler must contact no host it was not asked to crawl (and
# works offline): use the list snapshot bundled with tldextract instead.
_cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
