"""Scrapy's spider loader, plus one spider per site profile (setting SPIDER_LOADER_CLASS)."""

from __future__ import annotations

from scrapy.spiderloader import SpiderLoader

from . import load_profiles


class ProfileSpiderLoader(SpiderLoader):
    """Spiders of SPIDER_MODULES, then every profile (built-in and BULLETINS_PROFILE_DIRS) that
    no spider class of the same name already covers."""

    def __init__(self, settings):
        self._profile_dirs = settings.get("BULLETINS_PROFILE_DIRS")
        super().__init__(settings)

    def _load_all_spiders(self) -> None:
        super()._load_all_spiders()
        from ..spiders.profiled import spider_class

        for name, profile in load_profiles(self._profile_dirs).items():
            if name not in self._spiders:
                self._spiders[name] = spider_class(profile)
