"""Replicas of the boards the site profiles cover, each reproducing its site's mechanics.

Every site renders the same kind of generated posts (`corpus.posts`) in its own markup and
navigation, and is served by `SiteServer` on loopback. `SITES` maps profile names to site classes.
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


def site_for(profile: str, **options):
    """A new replica site for the named profile (options: articles, seed...)."""
    module, _, name = SITES[profile].partition(":")
    return getattr(__import__(module, fromlist=[name]), name)(**options)


__all__ = ["Post", "posts", "SiteRequest", "SiteResponse", "SiteServer", "SITES", "site_for"]
