"""extract_article: every field from an ordered cascade of rules, each field naming its rule.

Order, per field (the first rule that yields a valid value wins):
  title       label (제목/Subject) > heading near the field block > JSON-LD headline > og:title /
              twitter:title (site-wide values refused) > heading near the body > <title> tag
              (its article part, when it has one that is not the site name)
  date        label (작성일/등록일/Date/Createdd...) > JSON-LD datePublished > meta
              (article:published_time...) > date printed between title and body > info line >
              class name
  author      label (작성자/Name/Writer) > label of the department (등록부서/부서명: boards
              that print no person name) > JSON-LD author > meta author (site-wide refused) >
              class name > info line
  department  label (담당부서/등록부서/부서명) > info line (a name that reads as a department)
  views       label (조회수/조회/Views/Hit) > JSON-LD interactionStatistic > class name > info line
  body        label (내용/Contents) > longest running-text block (sibling short paragraphs together)
  attachments label (첨부파일/파일1) > file box > links named like files; and links inside the
              body to the site's documents (`//host/…/x.pdf`)

The info line is a line between the title and the body whose items carry no labels
(`홍보담당관 | 2024-03-05 | 153`): read by position only when every item is recognised (one date,
names of a department or person, one bare number after the date: the views).

Labelled values count only inside the article's region (the smallest element holding the field
block and the body) and outside boilerplate, so a footer's page manager or "last updated" date
and a menu's view counter are not the article's. Among several candidates, the one closest in
the tree to the article's date label wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from scraper.extract.fields import parse_count
from scraper.extract.html_text import clean_fragment
from scraper.extract.items import AttachmentRecord
from .attachments import find_attachments
from .body import densest_block, fragment_html
from .dates import parse_when
from .document import Doc, as_doc, contains, lca
from .heuristics import (
    class_field,
    date_between,
    heading_like,
    heading_near,
    info_line,
    region_of,
    title_from_title_tag,
)
from .labels import Pair, find_pairs
from .meta import jsonld_text, jsonld_views, read_meta, site_wide

JSON_KEYS = ("title", "date", "author", "views", "body", "attachments", "rules")


@dataclass
class Extraction:
    """What the zero-config extractor read from one article page, and by which rule."""

    url: str
    title: str | None = None
    published: date | None = None
    published_at: datetime | None = None  # Korea time, when the page prints a time
    author: str | None = None
    department: str | None = None
    views: int | None = None
    body_html: str | None = None
    body_text: str | None = None
    attachments: list[AttachmentRecord] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)  # "title" -> "label:제목"...
    labels: dict[str, str] = field(default_factory=dict)  # printed label -> field (profile drafts)
    elements: dict[str, object] = field(default_factory=dict, repr=False)  # field -> lxml element

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "date": self.published.isoformat() if self.published else None,
            "author": self.author,
            "views": self.views,
            "body": self.body_text,
            "attachments": [{"name": a.name, "url": a.url} for a in self.attachments],
            "rules": dict(self.rules),
        }


def extract_article(html, url: str, *, encoding: str | None = None) -> Extraction:
    """Every field of an article page, with no profile. `html` is text, bytes (decoded with
    `encoding`, the page's <meta charset>, UTF-8 or CP949) or an already parsed Doc."""
    return _Cascade(as_doc(html, url, encoding)).run()


def _depth(el) -> int:
    return sum(1 for _ in el.iterancestors())


class _Cascade:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.out = Extraction(url=doc.url)
        self.meta = read_meta(doc)
        self._info: tuple | None = None

    @property
    def info(self) -> tuple | None:
        """(element, items) of the unlabelled info line between title and body, or None."""
        if self._info is None:
            title, body = self.out.elements.get("title"), self.out.elements.get("body")
            if title is None and self.out.title:
                # a title read off <title> or meta: where the page prints it, as a heading
                title = next(
                    (
                        el
                        for el in self.doc.short_texts.get(self.out.title, ())
                        if el is not None and heading_like(el) and not self.doc.is_boiler(el)
                    ),
                    None,
                )
            found: tuple[object, dict] | tuple[None, None] = (None, None)
            if title is not None:
                found = info_line(self.doc, title, body, self.out.published, limit=None if body is not None else 40)
            self._info = found if found[0] is not None else ()
        return self._info or None

    def set(self, name: str, value, rule: str, element=None) -> bool:
        if value in (None, "", []):
            return False
        setattr(self.out, name, value)
        self.out.rules["date" if name == "published" else name] = rule
        if element is not None:
            self.out.elements[name] = element
        return True

    def run(self) -> Extraction:
        doc, out = self.doc, self.out
        pairs = [p for p in find_pairs(doc) if not doc.is_boiler(p.label_el) and not doc.is_boiler(p.value_el)]
        self._body(pairs)
        body = out.elements.get("body")
        anchor = self._anchor(pairs, body)
        region = region_of(anchor.label_el if anchor else None, body)
        if region is not None and region.tag in ("html", "body"):
            region = None
        # Without a field block the region is found once the title is: what holds title and body.
        self.region = region if anchor is not None else None
        inside = [p for p in pairs if region is None or contains(region, p.label_el)]
        best = {
            name: self._closest([p for p in inside if p.field == name], anchor)
            for name in ("title", "author", "department", "views")
        }
        best["published"] = anchor if anchor is not None and anchor.field == "published" else None
        used = [p for p in best.values() if p is not None]
        for pair in used:
            out.labels[pair.label] = pair.field
        if used:
            block = used[0].label_el
            for pair in used[1:]:
                block = lca(block, pair.label_el)
            out.elements["fields_in"] = block.getparent() if block is used[0].label_el else block
        self._title(best["title"], anchor, body)
        title_el = out.elements.get("title")
        if self.region is None and title_el is not None and body is not None:
            common = lca(title_el, body)
            self.region = common if common is not None and common.tag not in ("html", "body") else None
        self._published(best["published"], body)
        self._author(best["author"], best["department"])
        if best["department"]:
            self.set("department", best["department"].value, best["department"].rule, best["department"].value_el)
        elif self.info and self.info[1]["department"]:
            self.set("department", self.info[1]["department"], "heuristic:info-line", self.info[0])
        self._views(best["views"])
        self._attachments(inside)
        return out

    # -- choosing among labelled candidates ------------------------------------------------
    def _anchor(self, pairs: list[Pair], body) -> Pair | None:
        """The article's date label: the one closest in the tree to the body, best label first."""
        dates = [p for p in pairs if p.field == "published"]
        if not dates:
            dates = [p for p in pairs if p.field in ("views", "author", "department")]
        if not dates:
            return None
        if body is None:
            return min(dates, key=lambda p: (p.rank, p.order))
        return min(dates, key=lambda p: (-_depth(lca(p.label_el, body)), p.rank, p.order))

    @staticmethod
    def _closest(candidates: list[Pair], anchor: Pair | None) -> Pair | None:
        if not candidates:
            return None
        if anchor is None:
            return min(candidates, key=lambda p: (p.rank, p.order))
        return min(candidates, key=lambda p: (-_depth(lca(p.label_el, anchor.label_el)), p.rank, p.order))

    # -- fields ------------------------------------------------------------------------------
    def _body(self, pairs: list[Pair]) -> None:
        labelled = [p for p in pairs if p.field == "body" and len(p.value) >= 20]
        if labelled:
            pair = min(labelled, key=lambda p: (p.rank, p.order))
            element, rule = pair.value_el, pair.rule
            self.out.labels[pair.label] = "body"
        else:
            fields: set[object] = set()
            for p in pairs:
                if p.field != "body":
                    fields.update((p.label_el, p.value_el))
            element, _ = densest_block(self.doc, fields)
            rule = "heuristic:longest-text-block"
        if element is None:
            return
        text, html = clean_fragment(fragment_html(element), self.doc.url)
        if text:
            self.out.elements["body"] = element
            self.out.body_text, self.out.body_html = text, html or None
            self.out.rules["body"] = rule

    def _title(self, pair: Pair | None, anchor: Pair | None, body) -> None:
        doc, meta = self.doc, self.meta
        if pair and self.set("title", pair.value, pair.rule, pair.value_el):
            return
        if anchor is not None:
            el, text = heading_near(doc, anchor.label_el)
            if self.set("title", text, "heuristic:heading-near-fields", el):
                return
        headline = jsonld_text(meta.article, "headline") or jsonld_text(meta.article, "name")
        if headline and not site_wide(doc, meta, headline) and self.set("title", headline, "jsonld:headline"):
            return
        for name in ("og:title", "twitter:title"):
            value = meta.tags.get(name)
            if value and not site_wide(doc, meta, value) and self.set("title", value, f"meta:{name}"):
                return
        if body is not None:
            el, text = heading_near(doc, body)
            if self.set("title", text, "heuristic:heading-near-body", el):
                return
        value = title_from_title_tag(doc)
        if value and not site_wide(doc, meta, value):
            self.set("title", value, "heuristic:title-tag")

    def _published(self, pair: Pair | None, body) -> None:
        doc, meta = self.doc, self.meta
        if pair is not None:
            day, when = parse_when(pair.value)
            if self.set("published", day, pair.rule, pair.value_el):
                self.out.published_at = when
                return
        stamp = jsonld_text(meta.article, "datePublished") or jsonld_text(meta.article, "dateCreated")
        if stamp and self._set_date(stamp, "jsonld:datePublished"):
            return
        found = meta.get(
            "article:published_time",
            "og:article:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "dc.date.issued",
            "dc.date",
            "dcterms.created",
            "date",
        )
        if found and self._set_date(found[1], f"meta:{found[0]}"):
            return
        start = self.out.elements.get("title")
        if start is not None and body is not None:
            el, text = date_between(doc, start, body)
            if text and self._set_date(text, "heuristic:date-near-title", el):
                return
        if self.info and self._set_date(self.info[1]["date"], "heuristic:info-line", self.info[0]):
            return
        if self.region is not None:
            value, name = class_field(doc, "published", self.region, body)
            if value:
                self._set_date(value, f"heuristic:class:{name}")

    def _set_date(self, text: str, rule: str, element=None) -> bool:
        day, when = parse_when(text)
        if self.set("published", day, rule, element):
            self.out.published_at = when
            return True
        return False

    def _author(self, pair: Pair | None, department: Pair | None) -> None:
        doc, meta = self.doc, self.meta
        for p in (pair, department):
            if p is not None and self.set("author", p.value, p.rule, p.value_el):
                return
        name = jsonld_text(meta.article, "author")
        if name and not site_wide(doc, meta, name) and self.set("author", name, "jsonld:author"):
            return
        found = meta.get("article:author", "author", "dc.creator", "byl")
        value: str | None
        if found:
            value = found[1]
            if (
                len(value) <= 40
                and "," not in value
                and "://" not in value
                and not site_wide(doc, meta, value)
                and self.set("author", value, f"meta:{found[0]}")
            ):
                return
        if self.region is not None:
            value, name = class_field(doc, "author", self.region, self.out.elements.get("body"))
            if self.set("author", value, f"heuristic:class:{name}"):
                return
        if self.info:
            self.set("author", self.info[1]["author"], "heuristic:info-line", self.info[0])

    def _views(self, pair: Pair | None) -> None:
        if pair is not None and self.set("views", parse_count(pair.value), pair.rule, pair.value_el):
            return
        if self.set("views", jsonld_views(self.meta.article), "jsonld:interactionStatistic"):
            return
        if self.region is not None:
            value, name = class_field(self.doc, "views", self.region, self.out.elements.get("body"))
            if self.set("views", parse_count(value), f"heuristic:class:{name}"):
                return
        if self.info:
            self.set("views", parse_count(self.info[1]["views"]), "heuristic:info-line", self.info[0])

    def _attachments(self, pairs: list[Pair]) -> None:
        cells = [p.value_el for p in pairs if p.field == "attachments"]
        found, rule, holder = find_attachments(self.doc, cells, self.out.elements.get("body"))
        if found:
            assert rule is not None  # attachments are found by a rule
            self.out.elements["attachments"] = holder
            if rule.startswith("label"):
                label = next(p.label for p in pairs if p.field == "attachments")
                rule = f"label:{label}" + rule[len("label") :]
                self.out.labels[label] = "attachments"
            self.set("attachments", found, rule)
