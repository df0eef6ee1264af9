"""The replica of the `egov-bbs` profile (the eGovFrame stock board family): `EgovSite` of
`egov.py` as tests/test_site_replicas.py reads it.

A board family's article ids carry the site and the board (`127.0.0.1:BBSMSTR_…:12345`): one
source holds many boards. `posts` are what a crawl stores, with those ids: the regular posts and
the two notices pinned on every page (the secret post is listed without a link).
"""

from __future__ import annotations

import dataclasses

from .corpus import Post
from .egov import BBS_ID, EgovSite


class Site(EgovSite):
    def __init__(self, articles: int = 23, seed: int = 5, bbs_id: str = BBS_ID):
        super().__init__(articles, seed, bbs_id)
        self.posts = [dataclasses.replace(p, id=f"{self.host}:{self.bbs_id}:{p.id}")
                      for p in [*self.regular, *self.notices]]

    def expected(self, post: Post) -> dict:
        return {"department": None}   # the stock board prints no department
