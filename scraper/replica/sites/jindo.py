"""진도군 (jindo.go.kr) 군정소식: the cs-board replica on board B0016, menu 626."""

from __future__ import annotations

from .cs_board import Site as CsBoardSite


class Site(CsBoardSite):
    name = "jindo"
    board = "/home/board/B0016.cs"
    template = False

    def is_listing(self, method: str, path: str, body: bytes) -> bool:
        return super().is_listing(method, path, body) and "m=626" in path
