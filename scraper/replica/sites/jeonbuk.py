"""전북특별자치도 (www.jeonbuk.go.kr) 보도자료: the rfc3 CMS board of dom_board.py with the
`.jeonbuk` extension, board BBS_0000005 under menu DOM_000000102001001000 (koreanewskorea
scrapers/_disabled/jeonbuk/jeonbuk_scraper.py and SCRAPER_SPEC.md), article ids (dataSid) of six
digits as on the site's other boards."""

from __future__ import annotations

from .dom_board import DomBoardSite


class Site(DomBoardSite):
    name = "jeonbuk"
    ext = "jeonbuk"
    board_id = "BBS_0000005"
    menu_cd = "DOM_000000102001001000"
    site_name = "전북특별자치도"
    address = "(54968) 전북특별자치도 전주시 완산구 효자로 225"
    first_id = 772001
    id_step = 13

    def __init__(self, articles: int = 25, seed: int = 31):
        super().__init__(articles, seed)
