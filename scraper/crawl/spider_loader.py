"""Scrapy's spider loader, plus one spider per site profile (setting SPIDER_LOADER_CLASS).

It implements Scrapy's public spider loader interface (`from_settings`, `load`, `list`,
`find_by_request`: scrapy.spiderloader.SpiderLoaderProtocol) over Scrapy's own SpiderLoader,
which finds the spider classes of SPIDER_MODULES."""

from __future__ import annotations

from scrapy.spiderloader import SpiderLoader, get_spider_loader

from scraper.extract.profiles import ProfileError, load_profiles


class ProfileSpiderLoader:
    """Spiders of SPIDER_MODULES, then every profile (built-in and BULLETINS_PROFILE_DIRS) that
    no spider class of the same name already covers.

    A profile that cannot be used (a malformed file, a `view.page` refused or not importable) is
    no spider: it is in `broken`, by name, with its one-line reason, and every other source
    works on."""

    def __init__(self, settings):
        from .spiders.profiled import spider_class

        modules = SpiderLoader.from_settings(settings)
        self.spiders: dict[str, type] = {name: modules.load(name) for name in modules.list()}
        self.broken: dict[str, ProfileError] = {}
        for name, profile in load_profiles(settings.get("BULLETINS_PROFILE_DIRS"), broken=self.broken).items():
            if name in self.spiders:
                continue
            try:
                self.spiders[name] = spider_class(profile)
            except ProfileError as exc:
                self.broken[name] = exc
        for name in set(self.broken) & set(self.spiders):  # a spider class of that name works
            del self.broken[name]

    @classmethod
    def from_settings(cls, settings) -> ProfileSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type:
        try:
            return self.spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return list(self.spiders)

    def find_by_request(self, request) -> list[str]:
        return [name for name, cls in self.spiders.items() if cls.handles_request(request)]


def broken_profiles(settings) -> dict[str, ProfileError]:
    """The profiles of these settings that cannot be used, by source name (empty when the spider
    loader is another one)."""
    return dict(getattr(get_spider_loader(settings), "broken", {}))
