"""Pieces every replica site shares: robots.txt, HTML escaping, paging, file responses."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from .corpus import Post, PostFile
from .http import SiteResponse

ROBOTS = "User-agent: *\nDisallow: /admin/\n"


def esc(text: str | None) -> str:
    return escape(text or "", quote=True)


def robots() -> SiteResponse:
    return SiteResponse(200, ROBOTS.encode(), "text/plain; charset=utf-8")


def page_slice(items: list, page: int, per_page: int) -> list:
    """Rows of 1-based page `page`; an out-of-range page repeats the last one, as real boards do."""
    last = max(1, -(-len(items) // per_page))
    page = min(max(page, 1), last)
    return items[(page - 1) * per_page: page * per_page]


def paragraphs_html(post: Post, tag: str = "p") -> str:
    return "\n".join(f"<{tag}>{esc(p)}</{tag}>" for p in post.paragraphs)


def file_response(file: PostFile, *, charset: str = "utf-8") -> SiteResponse:
    """An attachment; `charset` utf-8 sends RFC 5987 `filename*`, anything else sends the raw
    bytes of the name in that charset (older Korean servers send EUC-KR this way)."""
    if charset.lower() in ("utf-8", "utf8"):
        disposition = f"attachment; filename*=UTF-8''{quote(file.name, safe='')}"
    else:
        disposition = 'attachment; filename="' + file.name.encode(charset).decode("latin-1") + '"'
    return SiteResponse(200, file.data, file.content_type, headers=[("Content-Disposition", disposition)])


def as_int(text: str | None) -> int:
    """A query or form number as a board's server reads it: anything unreadable is 0."""
    try:
        return int(text or 0)
    except ValueError:
        return 0
