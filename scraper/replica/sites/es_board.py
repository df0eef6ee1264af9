"""The `.es` CMS boards (`board.es` / `gallery.es?mid=…&bid=…`): the `es-board` family.

The markup is 광주광역시's news-site replica (gwangju.py: the gallery of cards, `&nPage=N`, views
`gallery.es?…&act=view&list_no=N`, files `boardDownload.es`), with two differences: the list is
served wherever a board lives — the family's replica at the site root ("/", the base URL the
family tests give), a county's at its own page with its own `mid` and `bid`
(`Site(board="/board.es", mid="a11007000000", bid="0057")`, 광양) — and the view also prints
작성자, as 광양's board does ("작성자 : 농업정책과", the public scraper of it). A family's article
ids carry the host (`127.0.0.1:23101`).
"""

from __future__ import annotations

import copy
import dataclasses

from . import gwangju
from .common import as_int, esc
from .corpus import Post
from .http import SiteRequest, SiteResponse


class Site(gwangju.Site):
    name = "es-board"
    host = "127.0.0.1"
    template = True

    def __init__(self, articles: int = 25, seed: int = 61, board: str = "/", mid: str | None = None,
                 bid: str | None = None):
        super().__init__(articles, seed)
        self.board, self.mid, self.bid = board, mid, bid
        self.generated = self.posts
        # What the source stores: a board family qualifies its ids by the site's host.
        self.posts = [dataclasses.replace(p, id=f"{self.host}:{p.id}") for p in self.generated]

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?", 1)[0] == self.board and "act=view" not in path

    def expected(self, post: Post) -> dict:
        return {}                     # 작성자 printed, as generated

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == self.board and request.query.get("act") != "view":
            if (request.query.get("mid"), request.query.get("bid")) != (self.mid, self.bid):
                return SiteResponse.not_found()   # another board, or none named
            return SiteResponse.html(self.listing(as_int(request.query.get("nPage")) or 1))
        return super().respond(request)

    def listing(self, page: int) -> str:
        # the news site's listing renders `self.posts`: give it the posts as the board numbers them
        shown = copy.copy(self)
        shown.posts = self.generated
        return gwangju.Site.listing(shown, page)

    def view(self, post: Post) -> str:
        department = '<li><span class="tit">부서</span>'
        author = f'<li><span class="tit">작성자</span><span>{esc(post.author)}</span></li>\n\t\t\t'
        return super().view(post).replace(department, author + department, 1)
