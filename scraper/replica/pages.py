"""HTML of the replica board: pure functions of the board data and the base URL.

The markup of the listing table, the pagination and the view page is a contract with the page
objects (``scraper/extract/pages``); keep the class names and structure as they are.
"""

from __future__ import annotations

import re
from html import escape

from .board import Board, BoardArticle, stable_hash

__all__ = [
    "BOARD_PATH", "listing_path", "view_path", "listing_title", "format_views", "format_size",
    "robots_txt", "render_home", "render_listing", "render_view", "render_not_found",
    "render_server_error", "render_method_not_allowed", "NEW_GIF", "TITLE_LIMIT",
    "VISITOR_COUNTER", "LAST_UPDATED",
]

BOARD_PATH = "/blog/english-news/"
TITLE_LIMIT = 60
LAST_UPDATED = "2026-11-01"
VISITOR_COUNTER = '<div class="visitor-counter">Today 1,204 · Total 3,623,361</div>'
NEW_ICON = '<img class="new" src="/img/new.gif" alt="new">'
SCRIPT = "<script>ga('send');</script>"
BAD_DATE = "2022-02-30"

# 1x1 transparent GIF for the "new" icon
NEW_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000"
                        "010001000002024401003b")

_PREFIX_RE = re.compile(r"^\[[A-Z]{3}\. \d{4}\] ")


def listing_path(n: int) -> str:
    return BOARD_PATH if n == 1 else f"{BOARD_PATH}page/{n}/"


def view_path(article_id: int) -> str:
    return f"{BOARD_PATH}{article_id}"


def listing_title(title: str, limit: int = TITLE_LIMIT) -> str:
    """The title as the listing shows it: cut at a word boundary and ended with `` ...``.

    The monthly bulletin prefix (``[JUN. 2022] ``) is not counted: the subject after it is cut when
    longer than ``limit`` characters, at the last space within ``limit``.  This reproduces the real
    sample's first line exactly.
    """
    m = _PREFIX_RE.match(title)
    prefix = m.group(0) if m else ""
    subject = title[len(prefix):]
    if len(subject) <= limit:
        return title
    head = subject[:limit + 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut > 0 else subject[:limit]
    return f"{prefix}{head.rstrip()} ..."


def format_views(views: int) -> str:
    return f"{views:,}"


def format_size(nbytes: int) -> str:
    return f"({nbytes / 1024:.1f} KB)"


def robots_txt() -> str:
    return "User-agent: *\nDisallow: /wp-admin/\n"


# --------------------------------------------------------------------------- page frame

def _head(title: str, canonical: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} | Gyeonggi-do</title>\n"
        f'<link rel="canonical" href="{escape(canonical)}">'
        '<meta property="og:title" content="Gyeonggi Provincial Government"></head>\n'
    )


_NAV = ('<header><nav class="gnb"><ul><li><a href="/">Home</a></li>'
        f'<li><a href="{BOARD_PATH}">News</a></li>'
        '</ul></nav></header>\n')

_FOOTER = (f'<footer><p class="updated">Last updated {LAST_UPDATED}</p>'
           '<div class="survey">Were you satisfied with this page? <button>Yes</button></div>'
           '</footer></body></html>\n')


def _page(title: str, canonical: str, main: str, lang: str = "en") -> str:
    return (_head(title, canonical, lang) + "<body>" + _NAV + VISITOR_COUNTER + "\n"
            + f'<main id="content">{main}</main>\n' + _FOOTER)


def render_home(board: Board, base_url: str) -> str:
    latest = "".join(f'<li><a href="{view_path(a.id)}">{escape(listing_title(a.title))}</a></li>'
                     for a in board.articles[:5])
    main = (f'<h2>Gyeonggi-do</h2><p><a href="{BOARD_PATH}">English News</a></p>'
            f'<ul class="latest">{latest}</ul>')
    return _page("Home", base_url + "/", main)


def render_not_found(base_url: str, path: str = "/") -> str:
    return _page("Page not found", base_url + path,
                 '<div class="error-404"><h2>Page not found</h2>'
                 f'<p>The page you requested does not exist. <a href="{BOARD_PATH}">English News</a></p></div>')


def render_server_error() -> str:
    return ("<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body>"
            "<h1>Internal Server Error</h1><p>The server encountered an internal error and was "
            "unable to complete your request.</p></body></html>\n")


def render_method_not_allowed() -> str:
    return ("<!DOCTYPE html><html><head><title>405 Method Not Allowed</title></head><body>"
            "<h1>Method Not Allowed</h1></body></html>\n")


# --------------------------------------------------------------------------- listing

def _shows_new_icon(board: Board, article: BoardArticle) -> bool:
    """The "new" icon: rows of the newest month only; the newest article and ~1 in 10 of the rest."""
    newest = board.articles[0]
    if (article.date.year, article.date.month) != (newest.date.year, newest.date.month):
        return False
    return article.id == newest.id or stable_hash(f"new:{article.id}") % 10 == 0


def _row(board: Board, a: BoardArticle) -> str:
    num = "Notice" if a.notice else str(board.running_number(a.id))
    icon = NEW_ICON if not a.notice and _shows_new_icon(board, a) else ""
    views = "-" if a.quirk == "no-views" else format_views(a.views)
    cls = ' class="notice"' if a.notice else ""
    return (f'<tr{cls}><td class="num">{num}</td>'
            f'<td class="subject"><a href="{view_path(a.id)}">{escape(listing_title(a.title))}</a>{icon}</td>'
            f'<td class="writer">{escape(a.author)}</td><td class="date">{a.date.isoformat()}</td>'
            f'<td class="hit">{views}</td></tr>')


def _pagination(current: int, total: int) -> str:
    first, last = max(1, current - 1), min(total, current + 1)
    parts = []
    for n in range(first, last + 1):
        parts.append(f'<strong class="current">{n}</strong>' if n == current
                     else f'<a href="{listing_path(n)}">{n}</a>')
    if last < total:
        parts.append("…")
    if current < total:
        parts.append(f'<a class="next" href="{listing_path(current + 1)}">Next</a>')
    return '<div class="pagination">' + " ".join(parts) + "</div>"


def render_listing(board: Board, n: int, base_url: str) -> str | None:
    """Listing page ``n`` (1-based), or None when ``n`` is out of range."""
    if not 1 <= n <= board.page_count():
        return None
    rows = [_row(board, a) for a in board.notices] + [_row(board, a) for a in board.listing_page(n)]
    table = ('<table class="board-list">\n'
             ' <thead><tr><th>No</th><th>Title</th><th>Name</th><th>Date</th><th>Views</th></tr></thead>\n'
             ' <tbody>\n' + "".join(f"  {r}\n" for r in rows) + ' </tbody>\n</table>\n')
    main = ('<h2 class="board-title">English News</h2>\n' + table + _pagination(n, board.page_count()) + "\n")
    return _page("English News", base_url + listing_path(n), main)


# --------------------------------------------------------------------------- view

def _decorate(article: BoardArticle, index: int, text: str) -> str:
    """Escaped paragraph text, with inline markup on some English articles (text unchanged)."""
    html = escape(text, quote=False)
    if article.language != "en" or article.notice or article.quirk:
        return html
    h = stable_hash(f"inline:{article.id}")
    if index == 1 and h % 7 == 0:
        html = html.replace("Gyeonggi-do", "<strong>Gyeonggi-do</strong>", 1)
    if index == len(article.paragraphs) - 1 and h % 11 == 0:
        html = html.replace("Gyeonggi-do", '<a href="https://english.gg.go.kr/">Gyeonggi-do</a>', 1)
    return html


def _has_script(article: BoardArticle) -> bool:
    return stable_hash(f"script:{article.id}") % 20 == 0


def _files(article: BoardArticle) -> str:
    if not article.attachments:
        return ""
    items = "".join(
        f'<li><a href="{escape(att.url_path)}">{escape(att.filename)}</a> '
        f'<span class="file-size">{format_size(len(att.data))}</span></li>'
        for att in article.attachments)
    return f'\n <div class="view-files"><h4>Attachments</h4><ul>{items}</ul></div>'


def _view_nav(board: Board, article: BoardArticle) -> str:
    parts = []
    older = None if article.notice else board.older(article.id)
    newer = None if article.notice else board.newer(article.id)
    if older:
        parts.append(f'<a class="prev" href="{view_path(older.id)}">Previous</a>')
    parts.append(f'<a class="list" href="{BOARD_PATH}">List</a>')
    if newer:
        parts.append(f'<a class="next" href="{view_path(newer.id)}">Next</a>')
    return '<div class="view-nav">' + " ".join(parts) + "</div>"


def render_view(board: Board, article_id: int, base_url: str) -> str | None:
    """View page of an article (notices included), or None for an unknown id."""
    a = board.by_id.get(article_id)
    if a is None:
        return None
    if a.quirk == "malformed":
        return _render_malformed(board, a, base_url)
    lang = "en" if a.language == "en" else "ko"
    date = BAD_DATE if a.quirk == "bad-date" else a.date.isoformat()
    info = [f"<li><strong>Name</strong> <span>{escape(a.author)}</span></li>",
            f"<li><strong>Date</strong> <span>{date}</span></li>"]
    if a.quirk != "no-views":
        info.append(f"<li><strong>Views</strong> <span>{format_views(a.views)}</span></li>")
    paras = [f"<p>{_decorate(a, i, p)}</p>" for i, p in enumerate(a.paragraphs)]
    if _has_script(a):
        paras.insert(1, SCRIPT)
    main = ('<div class="board-view">\n'
            f' <h3 class="view-title">{escape(a.title)}</h3>\n'
            ' <ul class="view-info">\n' + "".join(f"  {li}\n" for li in info) + " </ul>\n"
            f' <div class="view-content">{"".join(paras)}</div>'
            + _files(a) + "\n " + _view_nav(board, a) + "\n</div>")
    if board.redesign:
        main = (main.replace("<strong>Date</strong>", "<strong>Posted on</strong>")
                .replace('class="view-content"', 'class="article-body"'))
    return _page(a.title, base_url + view_path(a.id), main, lang)


def _render_malformed(board: Board, a: BoardArticle, base_url: str) -> str:
    """Badly broken HTML (unclosed and mis-nested tags, stray ``<``, no ``</body></html>``) that
    still carries the title, the fields and every paragraph."""
    paras = []
    for i, p in enumerate(a.paragraphs):
        text = escape(p, quote=False)
        if i == 1:
            paras.append(f"<p><b><i>{text}</b></i></p>")          # mis-nested
        elif i % 2 == 0:
            paras.append(f"<p>{text}")                            # unclosed
        else:
            paras.append(f"<p><span>{text}</p>")                  # unclosed span
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(a.title)} | Gyeonggi-do\n"                # unclosed title
        f'</title><link rel="canonical" href="{escape(base_url + view_path(a.id))}">'
        '<meta property="og:title" content="Gyeonggi Provincial Government"></head>\n'
        '<body><header><nav class="gnb"><ul><li><a href="/">Home</a><li>'
        f'<a href="{BOARD_PATH}">News</a></ul></nav></header>\n'
        f"{VISITOR_COUNTER}\n"
        '<main id="content"><div class="board-view">\n'
        f' <h3 class="view-title">{escape(a.title)}</h3>\n'
        ' <ul class="view-info">\n'
        f"  <li><strong>Name</strong> <span>{escape(a.author)}</span>\n"
        f"  <li><strong>Date</strong> <span>{a.date.isoformat()}</span>\n"
        f"  <li><strong>Views</strong> <span><b>{format_views(a.views)}</span></b>\n"
        " </ul> < \n"
        f' <div class="view-content">{"".join(paras)}\n'
        f" </div>{_files(a)}\n"
        f" {_view_nav(board, a).replace('</div>', '')}\n"               # view-nav left open
        "</div></main>\n"
        f'<footer><p class="updated">Last updated {LAST_UPDATED}<div class="survey">Were you satisfied '
        "with this page? <button>Yes</button></div></footer>\n"
    )
