"""Replicas of the boards the site profiles cover, each reproducing its site's mechanics.

Every site renders the same kind of generated posts (`corpus.posts`) in its own markup and
navigation, and is served by `SiteServer` on loopback. A profile's replica is the class `Site` of
the module named after it (`seoul` -> `scraper.replica.sites.seoul:Site`, `egov-bbs` ->
`...egov_bbs:Site`), and tests/test_site_replicas.py crawls every one of them. A `Site` has
`posts` (what a crawl of it stores, ids as stored), `per_page`, `is_listing(method, path, body)`,
and where its board prints a post otherwise than generated, `expected(post)` and `body(post)`.
"""

from __future__ import annotations

from .corpus import Post, posts
from .http import SiteRequest, SiteResponse, SiteServer

_NOT_REPLICAS = ("common", "corpus", "http")


def site_module(profile: str) -> str:
    """The module holding the replica of a profile (it may not exist)."""
    return f"{__name__}.{profile.replace('-', '_')}"


def replica_names() -> list[str]:
    """Every profile with a replica: each module of this package holding a class `Site`, named
    after its profile (dashes as underscores)."""
    import importlib
    import pkgutil

    found = set()
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_") or module.name in _NOT_REPLICAS:
            continue
        if hasattr(importlib.import_module(f"{__name__}.{module.name}"), "Site"):
            found.add(module.name.replace("_", "-"))
    return sorted(found)


def site_for(profile: str, **options):
    """A new replica site for the named profile (options: articles, seed...)."""
    import importlib

    return importlib.import_module(site_module(profile)).Site(**options)


__all__ = ["Post", "posts", "SiteRequest", "SiteResponse", "SiteServer", "replica_names", "site_for", "site_module"]
