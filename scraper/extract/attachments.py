"""Attachments: file names and the URLs that download them.

Looked for in the labelled attachment cell (첨부파일, 파일1, Attachments...), then in boxes named
for files (`md_file_wrap`, `view-files`, `#bo_v_file`), then anywhere outside boilerplate as links
whose text is a file name. A download is an `href`, or a URL inside `onclick`/`javascript:`
(`window.open('/…/file_download/…')`, `location.href='…'`), or eGovFrame's
`fn_egov_downFile('FILE_…','0')` (-> `/cmm/fms/FileDown.do?atchFileId=…&fileSn=0`). The name is the
link's text when it is a file name, else the file name printed in the same item
(강진군 `span.name` beside a download button). Preview and "download all" links are skipped.

Inside the article's body, links to documents of the same site count too, however they are
written (`//host/wp-content/uploads/…/x.pdf`, protocol-relative, with a caption for text: the
name is then the file name in the URL): WordPress posts link their files in the text.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree

from scraper.extract.fields import parse_size
from scraper.extract.items import AttachmentRecord
from scraper.extract.pages.base import guess_type
from .document import Doc, raw_text, squash

EXTENSIONS = (
    "hwp",
    "hwpx",
    "hwt",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "bmp",
    "tif",
    "tiff",
    "zip",
    "7z",
    "alz",
    "egg",
    "txt",
    "csv",
    "mp3",
    "mp4",
    "avi",
    "wmv",
    "hwpml",
    "show",
    "cell",
)
_EXT = "|".join(EXTENSIONS)
FILE_NAME = re.compile(rf"([^\s/\\<>|\"'](?:[^/\\<>|\"\n]{{0,200}}?)\.(?:{_EXT}))(?![A-Za-z0-9])", re.I)
_NAME_ONLY = re.compile(rf"^\s*[^/\\<>|\"\n]{{1,200}}\.(?:{_EXT})\s*$", re.I)
_DOWNLOAD_HINT = re.compile(r"down(?:load)?|filedown|file_down|atchfile|attach|getfile|fileview|fms/", re.I)
_SKIP_TEXT = re.compile(
    r"미리\s*보기|바로\s*보기|미리\s*듣기|뷰어|preview|viewer|전체.*다운|zip\s*다운|"
    r"모두\s*받기|일괄",
    re.I,
)
_SKIP_URL = re.compile(r"viewer|synap|preview|/Viewer/|docview|file_type=all", re.I)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")
_EGOV_DOWN = re.compile(r"fn_egov_downFile\(\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]?(\d+)", re.I)
_FILE_TOKENS = re.compile(r"file|attach|첨부|download", re.I)
_MEDIA = frozenset({"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "mp3", "mp4", "avi", "wmv"})
DOCUMENTS = tuple(e for e in EXTENSIONS if e not in _MEDIA)
ITEM_TAGS = ("li", "tr", "dd", "p", "div", "td")


def is_file_name(text: str) -> bool:
    return bool(_NAME_ONLY.match(text or ""))


def _js_url(doc: Doc, code: str) -> str | None:
    """A download URL written inside a javascript: href or an onclick handler."""
    m = _EGOV_DOWN.search(code)
    if m:
        return doc.join(f"/cmm/fms/FileDown.do?atchFileId={m.group(1)}&fileSn={m.group(2)}")
    for value in _QUOTED.findall(code):
        value = value.strip()
        if value.startswith(("http://", "https://", "/", "./", "../")) and len(value) > 2:
            return doc.join(value)
        if "?" in value and "=" in value and " " not in value:
            return doc.join(value)
    return None


def link_url(doc: Doc, el) -> str | None:
    href = (el.get("href") or "").strip()
    if href and not href.startswith("#") and not href.lower().startswith("javascript:"):
        return doc.join(href)
    code = " ".join(
        filter(
            None,
            [
                href if href.lower().startswith("javascript:") else "",
                el.get("onclick") or "",
                el.get("data-href") or "",
                el.get("data-url") or "",
            ],
        )
    )
    return _js_url(doc, code) if code else None


def _name_from_url(url: str) -> str | None:
    path = unquote(urlsplit(url).path)
    last = path.rsplit("/", 1)[-1]
    return last if is_file_name(last) else None


def _item_of(el, container):
    """The list item, row or cell holding one attachment (a link's closest item under the box)."""
    for a in el.iterancestors():
        if a is container:
            return a
        if a.tag in ITEM_TAGS:
            return a
    return container


_ACTION_TEXT = re.compile(r"^\s*(다운로드|내려\s*받기|받기|download|down|파일\s*받기)\s*$", re.I)
_NAME_CLASS = re.compile(r"(^|[\s_-])(name|file_?nm|file_?name|tit|title|subject)($|[\s_-])", re.I)


def _file_name_element(el) -> str | None:
    """The text of an element inside `el` that is a file name and nothing else (목포 prints an
    icon label "이미지" and a hit counter around the `<strong>` holding the name)."""
    for inner in el.iterdescendants("strong", "span", "b", "em", "p", "div"):
        text = squash(raw_text(inner))
        if is_file_name(text):
            return text
    return None


def _printed_name(el, container) -> str | None:
    """The name printed beside a bare "다운로드" button: the nearest element classed as a name
    around it, within the attachment box (나주 `span.name`, a photo caption cut short, with no
    extension)."""
    for around in el.iterancestors():
        for inner in around.iter(etree.Element):
            if inner.tag in ("a", "button") or not _NAME_CLASS.search(inner.get("class") or ""):
                continue
            text = squash(raw_text(inner))
            if text and not _ACTION_TEXT.match(text):
                return text
        if around is container:
            break
    return None


def _from_container(doc: Doc, container) -> list[AttachmentRecord]:
    found: list[AttachmentRecord] = []
    by_item: dict = {}
    actions = [
        el for el in container.iter("a", "button", "span", "img") if el.tag in ("a", "button") or el.get("onclick")
    ]
    for el in actions:
        url = link_url(doc, el)
        if not url:
            continue
        text = squash(raw_text(el)) or squash(el.get("title") or "")
        if _SKIP_TEXT.search(text) or _SKIP_URL.search(url):
            continue
        item = _item_of(el, container)
        name = None
        if is_file_name(text):
            name = text
        else:
            name = _file_name_element(el) or _file_name_element(item)
            if name is None:
                m = FILE_NAME.search(squash(raw_text(item)))
                name = squash(m.group(1)) if m else _name_from_url(url)
            if name is None and not _DOWNLOAD_HINT.search(url):
                continue
            if name is None and (not text or _ACTION_TEXT.match(text)):
                name = _printed_name(el, container)
        name = name or text or url.rsplit("/", 1)[-1]
        if (item, name) in by_item or any(a.url == url for a in found):
            continue
        record = AttachmentRecord(
            name=name, url=url, size=parse_size(squash(raw_text(item))), content_type=guess_type(name)
        )
        by_item[(item, name)] = record
        found.append(record)
    return found


def _same_site(doc: Doc, url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    site = (urlsplit(doc.url).hostname or "").lower().removeprefix("www.")
    return bool(host) and (host == site or host.endswith("." + site) or site.endswith("." + host))


def body_links(doc: Doc, body) -> list[AttachmentRecord]:
    """Links inside the body to a document of the same site (a file name in the URL's path or as
    the link's text); images only when their text is a file name."""
    found: list[AttachmentRecord] = []
    for a in body.iter("a"):
        url = link_url(doc, a)
        if not url or _SKIP_URL.search(url) or not _same_site(doc, url):
            continue
        text = squash(raw_text(a)) or squash(a.get("title") or "")
        if _SKIP_TEXT.search(text):
            continue
        from_url = _name_from_url(url)
        if is_file_name(text):
            name = text
        elif from_url and from_url.rsplit(".", 1)[-1].lower() in DOCUMENTS:
            name = from_url
        else:
            continue
        if all(r.url != url for r in found):
            found.append(AttachmentRecord(name=name, url=url, content_type=guess_type(name)))
    return found


def find_attachments(doc: Doc, label_cells=(), body=None) -> tuple[list[AttachmentRecord], str | None, object]:
    """(attachments, rule, the element holding them) — `label_cells` are the value cells of
    attachment labels; `body` the article's body, whose links to documents are added."""
    found, rule, holder = _find_attachments(doc, label_cells)
    if body is not None:
        extra = [r for r in body_links(doc, body) if all(f.url != r.url for f in found)]
        if extra:
            found = _in_page_order(doc, found + extra)
            rule = f"{rule}+body-link" if rule else "heuristic:body-link"
            holder = body if holder is None else holder
    return found, rule, holder


def _in_page_order(doc: Doc, records: list[AttachmentRecord]) -> list[AttachmentRecord]:
    """The records in the order their links are printed."""
    first: dict = {}
    for a in doc.root.iter("a"):
        url = link_url(doc, a)
        if url and url not in first:
            first[url] = len(first)
    return sorted(records, key=lambda r: first.get(r.url, len(first)))


def _find_attachments(doc: Doc, label_cells=()) -> tuple[list[AttachmentRecord], str | None, object]:
    found: list[AttachmentRecord] = []
    holder = None
    for cell in label_cells:
        for record in _from_container(doc, cell):
            if all(r.url != record.url for r in found):
                found.append(record)
                holder = cell if holder is None else holder
    if found:
        return found, "label", holder
    boxes: list = []
    box_set: set = set()
    named: dict = {}
    for el, names in doc.named:
        hit = named.get(names)
        if hit is None:
            hit = named[names] = bool(_FILE_TOKENS.search(f"{names[0] or ''} {names[1] or ''}"))
        if hit and el.tag not in ("a", "button", "span", "img", "i"):
            if doc.is_boiler(el) or any(a in box_set for a in el.iterancestors()):
                continue
            boxes.append(el)
            box_set.add(el)
    for box in boxes:
        for record in _from_container(doc, box):
            if all(r.url != record.url for r in found):
                found.append(record)
                holder = box if holder is None else holder
    if found:
        return found, "heuristic:file-box", holder
    for a in doc.root.iter("a"):
        text = squash(raw_text(a))
        if not is_file_name(text) or doc.is_boiler(a):
            continue
        url = link_url(doc, a)
        if url and not _SKIP_URL.search(url) and all(r.url != url for r in found):
            found.append(AttachmentRecord(name=text, url=url, content_type=guess_type(text)))
            holder = a.getparent() if holder is None else holder
    return found, ("heuristic:file-link" if found else None), holder
