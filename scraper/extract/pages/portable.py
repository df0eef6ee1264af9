"""Page objects as plain data, so another process can build the same page and read its article.

A crawl reads its articles in a second process when the machine has a second CPU
(scraper.crawl.extraction): the crawl's process builds the page object (scrapy-poet), and sends
`job(page)` over; the other process calls `article(job)`, which builds the page again from the
same answer and page parameters and returns its `to_item()`.

A job holds the page's class as a recipe (pickled once per class): the class itself, by its
import path, or for a profile's generated class (`for_profile`) the profile and the base class
it was made from. The answer goes as it was received: URL, status, headers (text, as web-poet
holds them), body and the encoding asked for, if any.
"""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass
from typing import Any

from web_poet import HttpResponse, HttpResponseHeaders, PageParams

from ..items import ArticleRecord
from .base import ArticlePageBase


@dataclass(frozen=True)
class PageJob:
    recipe: bytes  # the page class, pickled (class_recipe)
    url: str
    status: int | None
    headers: tuple[tuple[str, str], ...]
    body: bytes
    encoding: str | None
    page_params: dict[str, Any]


@functools.lru_cache(maxsize=256)
def class_recipe(cls: type[ArticlePageBase]) -> bytes:
    """The page class as bytes another process turns back into it (`page_class`): raises
    pickle's errors (PicklingError, AttributeError, TypeError) for a class it cannot find by name."""
    made_from = cls.__dict__.get("made_from")  # (profile, base) of a for_profile class
    if made_from is None and cls.__module__ == "__main__":  # the other process's __main__ is not ours
        raise pickle.PicklingError(f"{cls!r} is defined in __main__")
    recipe = ("profile", *made_from) if made_from else ("class", cls)
    data = pickle.dumps(recipe, protocol=pickle.HIGHEST_PROTOCOL)
    if made_from is None and pickle.loads(data)[1] is not cls:
        raise pickle.PicklingError(f"{cls!r} is not found again under its name")
    return data


@functools.lru_cache(maxsize=256)
def page_class(recipe: bytes) -> type[ArticlePageBase]:
    """The class `class_recipe` wrote: each is made once per process."""
    kind, *parts = pickle.loads(recipe)
    if kind == "profile":
        from .declarative import for_profile

        profile, base = parts
        return for_profile(profile, base)
    return parts[0]


def job(page: ArticlePageBase) -> PageJob:
    """What `article` needs to read the page's article in another process. The answer is the one
    the page was built from (before any charset mending, which the page does again)."""
    response = page.received or page.response
    return PageJob(
        recipe=class_recipe(type(page)),
        url=str(response.url),
        status=response.status,
        headers=tuple(response.headers.items()),
        body=bytes(response.body),
        encoding=response._encoding,
        page_params=dict(page.page_params),
    )


def article(work: PageJob) -> ArticleRecord:
    """The article of the page `work` describes, as the page's own `to_item()` reads it."""
    response = HttpResponse(
        url=work.url,
        body=work.body,
        status=work.status,
        headers=HttpResponseHeaders(work.headers),
        encoding=work.encoding,
    )
    return page_class(work.recipe)(response, PageParams(work.page_params)).to_item()
