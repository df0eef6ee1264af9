"""경상남도 (www.gyeongnam.go.kr) 보도자료: the rfc3 CMS board of dom_board.py with the `.gyeong`
extension, board BBS_0000060 under menu DOM_000000135002001000, and the `categoryCode1=A`
parameter its links carry (koreanewskorea scrapers/_disabled/gyeongnam/gyeongnam_scraper.py and
SCRAPER_SPEC.md); article ids (dataSid) of eight digits as on the site's other boards."""

from __future__ import annotations

from .dom_board import DomBoardSite


class Site(DomBoardSite):
    name = "gyeongnam"
    ext = "gyeong"
    board_id = "BBS_0000060"
    menu_cd = "DOM_000000135002001000"
    extra_query = {"categoryCode1": "A"}
    site_name = "경상남도"
    address = "(51154) 경상남도 창원시 의창구 중앙대로 300"
    first_id = 43120011
    id_step = 97

    def __init__(self, articles: int = 25, seed: int = 37):
        super().__init__(articles, seed)
