"""The eGovFrame "rfc3" board CMS (`/board/list.EXT?boardId=…&menuCd=…`): the `rfc3-board` family.

The markup and URLs are those of dom_board.py (the board of 전북특별자치도 and 경상남도), with
the list served wherever a board lives: the family's replica has it at the site root ("/", the
base URL the family tests give), a site's at its own `/board/list.EXT` with its own board and menu
codes (`Site(ext="jeonbuk", board="/board/list.jeonbuk", board_id="BBS_0000005", …)`). Views and
files stay at `/board/view.EXT` and `/board/download.EXT`. A family's article ids carry the host
(`127.0.0.1:772001`).
"""

from __future__ import annotations

import copy
import dataclasses

from .dom_board import DomBoardSite


class Site(DomBoardSite):
    name = "rfc3-board"
    host = "127.0.0.1"
    template = True

    def __init__(self, articles: int = 25, seed: int = 53, board: str = "/", ext: str = "jeonbuk",
                 board_id: str = "BBS_0000005", menu_cd: str = "DOM_000000102001001000"):
        self.ext, self.board_id, self.menu_cd, self.board = ext, board_id, menu_cd, board
        super().__init__(articles, seed)
        self.generated = self.posts
        # What the source stores: a board family qualifies its ids by the site's host.
        self.posts = [dataclasses.replace(p, id=f"{self.host}:{p.id}") for p in self.generated]

    def path(self, action: str) -> str:
        return self.board if action == "list" else super().path(action)

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.split("?")[0] == self.board

    def listing(self, page: int) -> str:
        # the province's listing renders `self.posts`: give it the posts as the board numbers them
        shown = copy.copy(self)
        shown.posts = self.generated
        return DomBoardSite.listing(shown, page)
