"""Replicas of the boards the site profiles cover, each reproducing its site's mechanics.

Every site renders the same kind of generated posts (`corpus.posts`) in its own markup and
navigation, and is served by `SiteServer` on loopback. `SITES` maps the first profiles' names to
site classes; a newer profile's replica is the class `Site` of the module named after it
(`seoul` -> `scraper.replica.sites.seoul:Site`, `yb-cms` -> `...yb_cms:Site`), and
tests/test_site_replicas.py crawls every one of those.
"""

from __future__ import annotations

from .corpus import Post, posts
from .http import SiteRequest, SiteResponse, SiteServer

SITES: dict[str, str] = {
    "egov-bbs": "scraper.replica.sites.egov:EgovSite",
    "gyeongbuk": "scraper.replica.sites.gyeongbuk:GyeongbukSite",
    "gangjin": "scraper.replica.sites.gangjin:GangjinSite",
    "shinan": "scraper.replica.sites.shinan:ShinanSite",
    "gyeonggi": "scraper.replica.sites.gyeonggi:GyeonggiSite",
    "korea-kr": "scraper.replica.sites.korea_kr:KoreaKrSite",
}


def site_module(profile: str) -> str:
    """The module holding the replica of a profile that is not in SITES (it may not exist)."""
    return f"{__name__}.{profile.replace('-', '_')}"


def replica_names() -> list[str]:
    """Every profile with a replica: those of SITES, then each module of this package holding a
    class `Site` (named after its profile, dashes as underscores)."""
    import importlib
    import pkgutil

    found = set(SITES)
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_") or module.name in ("common", "corpus", "http"):
            continue
        if hasattr(importlib.import_module(f"{__name__}.{module.name}"), "Site"):
            found.add(module.name.replace("_", "-"))
    return sorted(found)


def site_for(profile: str, **options):
    """A new replica site for the named profile (options: articles, seed...)."""
    module, _, name = SITES.get(profile, f"{site_module(profile)}:Site").partition(":")
    return getattr(__import__(module, fromlist=[name]), name)(**options)


__all__ = ["Post", "posts", "SiteRequest", "SiteResponse", "SiteServer", "SITES", "replica_names", "site_for", "site_module"]
