"""The zero-config extractor: article fields and listing structure from any board's HTML.

Pure functions over HTML (no Scrapy): `extract_article(html, url)`, `extract_listing(html, url)`,
`guess_kind(html, url)`. Each page is parsed once with lxml; every field records the rule that
produced it (`Extraction.rules`), so a wrong value can be traced to its rule.
"""

from .cascade import Extraction, extract_article
from .document import Doc, parse
from .listing.guess import extract_listing, guess_kind
from .listing.results import ListingGuess, ListingLink, Pagination

__all__ = [
    "Doc",
    "Extraction",
    "ListingGuess",
    "ListingLink",
    "Pagination",
    "extract_article",
    "extract_listing",
    "guess_kind",
    "parse",
]
