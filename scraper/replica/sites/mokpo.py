"""목포시 (mokpo.go.kr) 보도자료: the yb-cms replica in its card skin (15 cards a page), files
served under /www/ybscript.io/…, at the board's own path."""

from __future__ import annotations

from .yb_cms import Site as YbCmsSite


class Site(YbCmsSite):
    name = "mokpo"
    board = "/www/mokpo_news/press_release/report_material"
    skin = "cards"
    per_page = 15
    download_prefix = "/www"
    template = False

    def __init__(self, articles: int = 25, seed: int = 37):
        super().__init__(articles, seed)
