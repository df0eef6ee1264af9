"""Probing an unknown board: fetch one page, say what it is, and draft a profile for it.

`fetch` gets a page over http(s) with the project's User-Agent, or reads a local file (a path
or a file:// URL) for offline use. `draft_profile` writes the TOML a user can save and edit:
name, description, base_url, [listing] url/rows/link/pagination, [view] title/fields/body/
attachments. The selectors are guesses from one page each: check them before a crawl.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from email.message import Message
from email.utils import collapse_rfc2231_value
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .cascade import Extraction
from .attachments import is_file_name
from .document import css_path
from .listing.results import ListingGuess

MAX_BYTES = 20 * 1024 * 1024


class FetchError(Exception):
    """The page could not be fetched or read (one line, for the CLI)."""


@dataclass
class Page:
    url: str  # the URL links are joined to (after redirects; file:// for files)
    body: bytes
    encoding: str | None  # from the Content-Type header, when the server sent one


def fetch(target: str, *, user_agent: str, timeout: float = 30.0, base_url: str | None = None) -> Page:
    """The page at `target`: an http(s) URL, a file:// URL or a local path. `base_url` stands in
    for a local file's URL, so its links resolve to the site it was saved from."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        request = urllib.request.Request(
            target,
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "ko,en;q=0.8",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise FetchError(f"{target}: larger than {MAX_BYTES // (1024 * 1024)} MB")
                charset = _charset(response.headers.get("Content-Type"))
                return Page(url=base_url or response.geturl(), body=body, encoding=charset)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{target}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{target}: {reason}") from None
    path = Path(unquote(parts.path)) if parts.scheme == "file" else Path(target)
    if parts.scheme not in ("", "file") and not path.exists():
        raise FetchError(f"{target}: only http(s) URLs, file:// URLs and local files can be probed")
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise FetchError(f"{target}: {exc.strerror or exc}") from None
    return Page(url=base_url or path.resolve().as_uri(), body=body, encoding=None)


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    # an RFC 2231 value (charset*=...) comes as a (charset, language, value) tuple
    return collapse_rfc2231_value(charset) if isinstance(charset, tuple) else charset


def _q(value) -> str:
    """A TOML basic string."""
    return json.dumps("" if value is None else str(value), ensure_ascii=False)


def _inline(table: dict) -> str:
    """A TOML inline table."""
    return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in table.items()) + " }"


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _q(name)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return _inline(value)
    return _q(value)


def profile_name(url: str) -> str:
    host = urlsplit(url).hostname or "board"
    host = re.sub(r"^www\.", "", host)
    name = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-") or "board"
    return name if name[0].isalpha() else f"site-{name}"  # profile names start with a letter


# eGovFrame's article function and its view page (boards.md).
_EGOV_VIEW = {
    "fn_egov_inquire_articledetail": "/cop/bbs/selectBoardArticle.do?bbsId={a0}&nttId={id}",
    "fn_egov_inqire_notice": "/cop/bbs/selectBoardArticle.do?bbsId={a0}&nttId={id}",
}


def _listing_lines(listing: ListingGuess, base: str) -> list[str]:
    lparts = urlsplit(listing.url)
    path = (lparts.path + (f"?{lparts.query}" if lparts.query else "")) if base else listing.url
    p = listing.pagination
    lines = ["[listing]", f"url = {_q(path)}"]
    if p.mechanism in ("javascript", "form") and p.next_request:
        lines.append(f"method = {_q(p.next_request['method'])}")
        form = {k: v for k, v in p.next_request["data"].items() if k != p.param}
        if form:
            lines.append(f"form = {_inline(form)}")
    lines.append(f"rows = {_q(listing.rows_selector or '')}")
    source = listing.id_source or ()
    first = next((link for link in listing.links if link.url or link.onclick), None)
    if first is not None and first.onclick:
        function = first.onclick.split("(")[0]
        args = re.findall(r"""'[^']*'|"[^"]*"|-?\d+""", first.onclick[len(function) :])
        index = source[1] if source and source[0] == "arg" else len(args) - 1
        groups = []
        for i, arg in enumerate(args):
            name = "id" if i == index else f"a{i}"
            if arg.startswith("'"):
                groups.append(f"'(?P<{name}>[^']*)'")
            elif arg.startswith('"'):
                groups.append(f'"(?P<{name}>[^"]*)"')
            else:
                groups.append(f"(?P<{name}>-?" + r"\d+)")
        pattern = re.escape(function) + r"\(\s*" + r"\s*,\s*".join(groups)
        lines.append(f"onclick = {_q(pattern)}")
        view_url = _EGOV_VIEW.get(function)
        lines.append(
            f"view_url = {_q(view_url or 'TODO: the view page URL with {id}')}"
            + ("" if view_url else f"  # what does {function}() open?")
        )
    else:
        lines.append(f"link = {_q((listing.link_selector or 'a') + '::attr(href)')}")
        if source and source[0] == "param":
            lines.append(f"id_param = {_q(source[1])}")
        elif first is not None and first.url and first.board_id:
            upath = urlsplit(first.url).path
            at = upath.rfind(first.board_id)
            pattern = re.escape(upath[:at]) + "(?P<id>[^/?#]+)" if at >= 0 else "(?P<id>[^/?#]+)/?$"
            lines.append(f"id_pattern = {_q(pattern)}")
    if listing.notice_class:
        lines.append(f"notice = {_q(f'xpath:self::*[contains(@class, {chr(39)}{listing.notice_class}{chr(39)})]')}")
    lines.append(f"pagination = {_inline(_pagination_table(listing))}")
    if p.description:
        lines.append(f"# {p.description}")
    if listing.field_selectors:
        lines += ["", "[listing.fields]"]
        lines += [f"{name} = {_q(css)}" for name, css in listing.field_selectors.items()]
    return lines


def _pagination_table(listing: ListingGuess) -> dict:
    p = listing.pagination
    if p.mechanism == "query":
        return {"kind": "param", "param": p.param}
    if p.mechanism == "offset":
        return {"kind": "offset", "param": p.param, "first": 0, "step": p.step or 1}
    if p.mechanism in ("javascript", "form") and p.param:
        return {"kind": "form", "param": p.param}
    if p.next_selector:
        return {"kind": "next_link", "selector": p.next_selector}
    return {"kind": "none"}


def _attachment_links(view: Extraction) -> str:
    """`a`, narrowed to the download links when they all go to one script ("download.jsp"),
    so preview links beside them are left out."""
    scripts = {urlsplit(a.url).path.rstrip("/").rsplit("/", 1)[-1] for a in view.attachments}
    if len(scripts) == 1:
        script = scripts.pop()
        if script and not is_file_name(unquote(script)):
            return f"a[href*='{script}']"
    return "a"


def draft_profile(listing: ListingGuess | None, view: Extraction | None, *, source_url: str) -> str:
    """TOML text of a draft profile (the format of scraper/extract/profiles) from a listing guess and/or
    an article extraction. Selectors come from one page each: check them."""
    parts = urlsplit(source_url)
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""
    lines = [
        f"# Draft profile written by `bulletins probe` on {date.today().isoformat()} from one page each:",
        "# check every selector and label against a few more pages before a crawl.",
        f"name = {_q(profile_name(source_url))}",
        f"description = {_q('Press releases of ' + (parts.netloc or 'a local file'))}",
        f"base_url = {_q(base or 'TODO: https://the.site')}",
        "",
    ]
    if listing is not None:
        lines += _listing_lines(listing, base) + [""]
    if view is not None:
        lines.append("[view]")
        elements = view.elements
        title = elements.get("title")
        if title is not None and not view.rules.get("title", "").startswith("label:"):
            lines.append(f"title = {_q(css_path(title))}  # {view.rules['title']}")
        block = elements.get("fields_in")
        if block is not None:
            lines.append(f"fields_in = {_q(css_path(block))}")
        labels = {label: name for label, name in view.labels.items() if name not in ("body", "attachments")}
        if labels:
            lines.append(f"labels = {_inline(labels)}")
        body = elements.get("body")
        if body is not None:
            lines.append(f"body = {_q(css_path(body))}  # {view.rules.get('body')}")
        holder = elements.get("attachments")
        if holder is not None:
            lines.append(
                f"attachments = {_q(css_path(holder) + ' ' + _attachment_links(view))}"
                f"  # {view.rules.get('attachments')}"
            )
        lines.append("")
    return "\n".join(lines)
