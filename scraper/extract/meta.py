"""Meta tags and JSON-LD: cheap, precise when present, and often site-wide on government sites.

Site-wide values are refused: an og:title equal to the site name, to a part of <title> that is
not the article's, to the keywords or to the meta author; a meta author that is the site's
name or a keyword list ("경북도청, 경상북도, 경북, 도청, Gyeongsangbuk-do" on gb.go.kr).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .document import Doc, squash
from .heuristics import title_parts

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "report",
    "pressrelease",
    "posting",
    "socialmediaposting",
    "analysisnewsarticle",
    "reportagenewsarticle",
}
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass
class Meta:
    tags: dict[str, str] = field(default_factory=dict)  # property/name/itemprop (lower) -> content
    article: dict = field(default_factory=dict)  # the page's JSON-LD article object
    site_names: set[str] = field(default_factory=set)  # normalised names of the site

    def get(self, *names: str) -> tuple[str, str] | None:
        """(name, value) of the first of `names` present with a value."""
        for name in names:
            value = self.tags.get(name)
            if value:
                return name, value
        return None


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _load_json(text: str):
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    try:
        return json.loads(text)
    except ValueError:
        try:
            return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
        except ValueError:
            return None


def _objects(data):
    """Every JSON object in a JSON-LD document (lists and @graph flattened)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            if "@graph" in item:
                stack.append(item["@graph"])


def _types(obj: dict) -> set[str]:
    value = obj.get("@type") or []
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def read_meta(doc: Doc) -> Meta:
    meta = Meta()
    for el in doc.root.iter("meta"):
        name = el.get("property") or el.get("name") or el.get("itemprop")
        content = el.get("content")
        if name and content and content.strip():
            meta.tags.setdefault(name.strip().lower(), squash(content))
    for text in doc.jsonld:
        data = _load_json(text)
        if data is None:
            continue
        for obj in _objects(data):
            types = _types(obj)
            if types & ARTICLE_TYPES and not meta.article:
                meta.article = obj
            if types & {"website", "organization", "governmentorganization"} and obj.get("name"):
                meta.site_names.add(_key(str(obj["name"])))
    for name in ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site"):
        if meta.tags.get(name):
            meta.site_names.add(_key(meta.tags[name]))
    for part in title_parts(doc)[1][-1:]:
        meta.site_names.add(_key(part))
    return meta


def site_wide(doc: Doc, meta: Meta, value: str) -> bool:
    """Whether a meta value is the same on every page of the site rather than the article's."""
    key = _key(value)
    if not key:
        return True
    if key in meta.site_names or any(key == _key(s) for s in title_parts(doc)[1]):
        return True
    for name in ("author", "keywords", "description"):
        other = meta.tags.get(name)
        if other and (key == _key(other) or (name == "keywords" and _key(other).startswith(key))):
            return True
    if doc.in_nav(value):
        return True
    # The site's name in front of everything ("경상북도청 - 경상북도청").
    return any(site and (key.startswith(site) and len(key) - len(site) < 4) for site in meta.site_names)


def jsonld_text(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return squash(str(value)) if value not in (None, "") else None


def jsonld_views(obj: dict) -> int | None:
    stats = obj.get("interactionStatistic")
    for stat in stats if isinstance(stats, list) else [stats]:
        if isinstance(stat, dict):
            kind = json.dumps(stat.get("interactionType", "")).lower()
            if "watch" in kind or "view" in kind or "read" in kind or not kind.strip('"'):
                try:
                    return int(str(stat.get("userInteractionCount")).replace(",", ""))
                except ValueError:
                    continue
    return None
