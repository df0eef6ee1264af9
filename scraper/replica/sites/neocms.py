"""NeoCMS boards (`selectBbsNttList.do?bbsNo=…&key=…`): the `neocms` family.

The markup is 충청북도's replica (chungbuk.py: the NeoCMS table skin and view skin), served
wherever a board lives: the family's replica has its board at the site root ("/", the base URL
the family tests give), a county's at its own path with its own `bbsNo` and `key`
(`Site(board="/main/selectBbsNttList.do", bbs_no="73", key="256")`, 안양). The board's views and
files sit beside its list (`./selectBbsNttView.do`, `./downloadBbsFile.do`), and a request that
names another board is refused, as the province's replica does. A family's article ids carry the
host (`127.0.0.1:310021`).
"""

from __future__ import annotations

import dataclasses

from . import chungbuk
from .common import as_int
from .http import SiteRequest, SiteResponse


class Site(chungbuk.Site):
    name = "neocms"
    host = "127.0.0.1"
    template = True

    def __init__(self, articles: int = 25, seed: int = 47, pinned: bool = True, board: str = "/",
                 bbs_no: str = "65", key: str = "429"):
        super().__init__(articles, seed, pinned)
        self.board, self.bbs_no, self.key = board, bbs_no, key
        self.folder = board.rsplit("/", 1)[0] + "/"
        self.generated = self.posts
        # What the source stores: a board family qualifies its ids by the site's host.
        self.posts = [dataclasses.replace(p, id=f"{self.host}:{p.id}") for p in self.generated]

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?")[0] == self.board

    def _names_this_board(self, request: SiteRequest, required: bool) -> bool:
        given = (request.query.get("key"), request.query.get("bbsNo"))
        return given == (self.key, self.bbs_no) or (not required and given == (None, None))

    def route(self, request: SiteRequest) -> SiteResponse | None:
        if request.path == self.board:
            # the family's board at the root is asked for with no query (the base URL has none)
            if not self._names_this_board(request, required=self.board != "/"):
                return None
            return self.listed(request.query.get("pageIndex"))
        if request.path == self.folder + "selectBbsNttView.do":
            if not self._names_this_board(request, required=True):
                return None
            return self.shown(self.post(request.query.get("nttNo"))) or SiteResponse.html(
                "<script>alert('존재하지 않는 게시물입니다.');history.back();</script>")
        if request.path == self.folder + "downloadBbsFile.do":
            return self.sent(self.files.get(as_int(request.query.get("atchmnflNo"))))
        return None

    def page(self, content: str) -> str:
        # the province's pages name its own board (key=429&bbsNo=65): name this one instead
        return super().page(content).replace(chungbuk.BOARD, f"key={self.key}&bbsNo={self.bbs_no}")
