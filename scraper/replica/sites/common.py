"""Pieces every replica site shares: robots.txt, HTML escaping, paging, file responses, and
`BoardReplica`, the skeleton of a board (its posts, their lookups, robots.txt and 404s)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from .corpus import Post, PostFile
from .http import SiteRequest, SiteResponse

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


def paging(count: int, page: int, per_page: int) -> tuple[int, int]:
    """(pages, current) of a board of `count` rows: at least one page, `page` kept within them."""
    pages = max(1, -(-count // per_page))
    return pages, min(max(page, 1), pages)


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


class BoardReplica:
    """A replica board's skeleton. `_posts` sets `regular`, `notices`, `posts` (what a crawl
    stores), `by_id` and `files` (keyed by `file_key`); `respond` answers robots.txt and otherwise
    what the subclass's `route(request)` returns, None being a 404."""

    per_page = 10

    def _posts(self, regular: list[Post], notices: list[Post] | tuple = (), *, notices_last: bool = False) -> None:
        self.regular, self.notices = regular, list(notices)
        self.posts = self.regular + self.notices if notices_last else self.notices + self.regular
        self.by_id = {p.id: p for p in self.posts}
        self.files = {self.file_key(p, k): f for p in self.posts for k, f in enumerate(p.files, 1)}

    def file_key(self, post: Post, number: int):
        return (post.id, number)

    def post(self, text_id: str | int | None) -> Post | None:
        return self.by_id.get(as_int(text_id))

    def file(self, post_id: str | int | None, number: str | int | None) -> PostFile | None:
        return self.files.get((as_int(post_id), as_int(number)))

    def shown(self, post: Post | None) -> SiteResponse | None:
        """The post's view page, or None (a 404) where there is no such post."""
        return SiteResponse.html(self.view(post)) if post else None

    @staticmethod
    def sent(file: PostFile | None, **options) -> SiteResponse | None:
        return file_response(file, **options) if file else None

    def listed(self, page: str | None) -> SiteResponse:
        return SiteResponse.html(self.listing(as_int(page) or 1))

    def route(self, request: SiteRequest) -> SiteResponse | None:
        return None

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        answer = self.route(request)
        return SiteResponse.not_found() if answer is None else answer
