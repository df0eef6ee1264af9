"""Scrapy's spider loader, plus one spider per site profile (setting SPIDER_LOADER_CLASS)."""

from __future__ import annotations

from scrapy.spiderloader import SpiderLoader, get_spider_loader

from . import ProfileError, load_profiles


class ProfileSpiderLoader(SpiderLoader):
    """Spiders of SPIDER_MODULES, then every profile (built-in and BULLETINS_PROFILE_DIRS) that
    no spider class of the same name already covers.

    A profile that cannot be used (a malformed file, a `view.page` refused or not importable) is
    no spider: it is in `broken`, by name, with its one-line reason, and every other source
    works on."""

    def __init__(self, settings):
        self._profile_dirs = settings.get("BULLETINS_PROFILE_DIRS")
        self.broken: dict[str, ProfileError] = {}
        super().__init__(settings)

    def _load_all_spiders(self) -> None:
        super()._load_all_spiders()
        from ..spiders.profiled import spider_class

        for name, profile in load_profiles(self._profile_dirs, broken=self.broken).items():
            if name in self._spiders:
                continue
            try:
                self._spiders[name] = spider_class(profile)
            except ProfileError as exc:
                self.broken[name] = exc
        for name in set(self.broken) & set(self._spiders):  # a spider class of that name works
            del self.broken[name]


def broken_profiles(settings) -> dict[str, ProfileError]:
    """The profiles of these settings that cannot be used, by source name (empty when the spider
    loader is another one)."""
    return dict(getattr(get_spider_loader(settings), "broken", {}))
