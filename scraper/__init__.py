"""The Scrapy project of bulletin-archiver: spiders, page objects, capture, pipelines, CLI."""

import os

# Scrapy's cookie middleware tells a site's domain from a public suffix (`go.kr`) with tldextract,
# whose extractor downloads the Public Suffix List from the web on first use. A crawler must contact
# no host it was not asked to crawl (and works offline): tldextract's documented setting
# TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS, empty, makes every extractor made after this use the list
# snapshot bundled with tldextract. Scrapy makes its extractor when its cookie module is first
# imported, which is after this package (the settings module) is. A user who sets the variable
# (to a local copy of the list, say) keeps theirs. tests/test_hostile.py checks it.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
