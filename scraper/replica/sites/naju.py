"""나주시 (naju.go.kr) 보도자료: the yb-cms replica in its table skin, at the board's own path."""

from __future__ import annotations

from .yb_cms import Site as YbCmsSite


class Site(YbCmsSite):
    name = "naju"
    board = "/www/administration/reporting/coverage"
    skin = "table"
    per_page = 10
    template = False
