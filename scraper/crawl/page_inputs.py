"""Scrapy's responses as web-poet's HttpResponse, the input of every page object, and the
scrapy-poet middleware that builds page objects for the spiders' callbacks.

scrapy-poet's own provider decodes header bytes as UTF-8 and fails on a header that is not (a
Korean file name in EUC-KR, a cookie in anything): the page object, and so the article, would be
lost. Here header bytes are read as Latin-1, byte for byte, as the WARC records' headers are read
by a reparse: a crawl and a reparse give the page object the same response.
"""

from __future__ import annotations

import inspect

import andi
import scrapy_poet
from scrapy.http import Response
from scrapy_poet.downloadermiddlewares import DEFAULT_PROVIDERS
from scrapy_poet.injection import Injector
from scrapy_poet.injection_errors import UndeclaredProvidedTypeError
from scrapy_poet.page_input_providers import HttpResponseProvider
from web_poet import HttpResponse, HttpResponseHeaders
from web_poet.annotated import AnnotatedInstance
from web_poet.pages import is_injectable


def web_response(response: Response) -> HttpResponse:
    """Scrapy's response as web-poet's (for the pages a spider reads itself too: listings)."""
    return HttpResponse(url=response.url, body=response.body, status=response.status,
                        headers=HttpResponseHeaders.from_bytes_dict(response.headers, encoding="latin-1"))


class WebResponseProvider(HttpResponseProvider):
    """scrapy-poet's provider of HttpResponse, with headers read as Latin-1 (InjectionMiddleware
    below uses it instead of scrapy-poet's own)."""

    def __call__(self, to_provide, response: Response):
        return [web_response(response)]


class PlannedInjector(Injector):
    """scrapy-poet's injector, with each callback's plan, and each provider's, made once instead
    of once a response.

    A callback's plan depends on the request only through URL rules (this project registers
    none) and the dynamic dependencies of meta["inject"] (it uses none): with either, the plan is
    made for each request, as scrapy-poet does. A provider's plan (which of the crawler, spider,
    settings, stats, request and response its `__call__` takes) depends on the provider alone:
    scrapy-poet offers every provider the same six classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plans: dict = {}
        self._needs_response: dict = {}
        self._provider_plans: dict = {}

    def _same_for_every_request(self, request) -> bool:
        return not self.registry.get_rules() and "inject" not in request.meta

    def build_plan(self, request):
        if not self._same_for_every_request(request):
            return super().build_plan(request)
        plan = self._plans.get(request.callback)
        if plan is None:
            plan = self._plans[request.callback] = super().build_plan(request)
        return plan

    async def build_instances_from_providers(self, request, response, plan):
        """scrapy-poet's, but for andi planning each provider's arguments anew for every response
        (0.36 CPU s of a 1,830-article crawl). With SCRAPY_POET_CACHE on, scrapy-poet's own."""
        if self.cache:
            return await super().build_instances_from_providers(request, response, plan)
        offered = self.available_dependencies_for_providers(request, response)
        needed = {cls for cls, _ in plan.dependencies}
        instances: dict = {}
        for provider in self.providers:
            provided = {cls for cls in needed if provider.is_provided(cls)} - instances.keys()
            if not provided:
                continue
            provider_plan = self._provider_plans.get(provider)
            if provider_plan is None:
                provider_plan = self._provider_plans[provider] = andi.plan(
                    provider, is_injectable=is_injectable, externally_provided=offered, full_final_kwargs=False)
            made = provider(set(provided), **provider_plan.final_kwargs(offered))
            if inspect.isawaitable(made):
                made = await made
            by_class = {}
            for obj in made:
                if isinstance(obj, AnnotatedInstance):
                    by_class[obj.get_annotated_cls()] = obj.result
                else:
                    by_class[type(obj)] = obj
            if by_class.keys() - provided:
                raise UndeclaredProvidedTypeError(
                    f"{provider} has returned instances of types {by_class.keys() - provided} that are not among "
                    f"the declared supported classes in the provider: {provided}")
            instances.update(by_class)
            if self.weak_cache.get(request):
                self.weak_cache[request].update(by_class)
            else:
                self.weak_cache[request] = by_class
        return instances

    def is_scrapy_response_required(self, request) -> bool:
        if not self._same_for_every_request(request):
            return super().is_scrapy_response_required(request)
        needed = self._needs_response.get(request.callback)
        if needed is None:
            needed = self._needs_response[request.callback] = super().is_scrapy_response_required(request)
        return needed


# scrapy-poet's providers of page inputs, with ours for HttpResponse (SCRAPY_POET_PROVIDERS adds more)
PROVIDERS = {**{cls: order for cls, order in DEFAULT_PROVIDERS.items() if cls is not HttpResponseProvider},
             WebResponseProvider: 500}


class InjectionMiddleware(scrapy_poet.InjectionMiddleware):
    """scrapy-poet's downloader middleware over PlannedInjector: page objects are built as
    scrapy-poet builds them, without planning the same callback's dependencies 2,600 times a
    crawl (2.2 of a 1,830-article crawl's 41.6 cProfile seconds before)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.injector = PlannedInjector(crawler, default_providers=PROVIDERS, registry=self.registry)
