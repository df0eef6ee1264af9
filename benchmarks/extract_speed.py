"""Zero-config extraction against trafilatura: ms/page and field accuracy on the same pages.

    .venv/bin/pip install -e '.[bench]'      # trafilatura 2.3.1 (with htmldate)
    .venv/bin/python benchmarks/extract_speed.py [--repeat 5] [--no-real] [--json]

Pages: the real view pages of ../shared/real-pages (when present) and the article pages of the
evaluation set (tests/eval/articles). The `profile` column is the path a profiled source takes
(its site profile's page object), on the pages of profiled sites only (the real pages). Each extractor is one function from (html bytes, url,
encoding) to the dict of Extraction.as_json() (title, date, author, views, body, attachments);
fields it cannot give are None / []. Add an extractor by adding one function to EXTRACTORS.
Scores come from scraper.extract.evaluate.score_article, as `bulletins eval` computes them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.extract import extract_article  # noqa: E402
from scraper.extract.document import decode  # noqa: E402
from scraper.extract.evaluate import DEFAULT_SET, REAL_PAGES, load_cases, score_article  # noqa: E402

FIELDS = ("title", "date", "author", "views", "body_start", "body_end", "attachments")
Extractor = Callable[[bytes, str, "str | None"], dict]


def zero_config(html: bytes, url: str, encoding: str | None) -> dict:
    return extract_article(html, url, encoding=encoding).as_json()


def trafilatura_extractor(html: bytes, url: str, encoding: str | None) -> dict:
    import trafilatura  # the `bench` extra; it finds dates with htmldate

    doc = trafilatura.bare_extraction(decode(html, encoding), url=url, with_metadata=True)
    data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    return {"title": data.get("title"), "date": data.get("date"), "author": data.get("author"),
            "views": None, "body": data.get("text"), "attachments": [], "rules": {}}


_PROFILES: dict[str, object] = {}


def profile_path(html: bytes, url: str, encoding: str | None) -> dict | None:
    """The site profile's page object (selectors and labels) on pages of a profiled site; None
    elsewhere: those pages are left out of this column. Language detection is left out, as the
    other extractors do none."""
    from urllib.parse import urlsplit

    from scrapy.http import HtmlResponse

    from scraper.extract.pages.declarative import ArticlePage
    from scraper.extract.profiles import load_profiles

    if not _PROFILES:
        _PROFILES.update((urlsplit(p.base_url).hostname.removeprefix("www."), p)
                         for p in load_profiles("").values() if p.base_url and not p.view.page)
    profile = _PROFILES.get((urlsplit(url).hostname or "").removeprefix("www."))
    if profile is None:
        return None
    item = ArticlePage(HtmlResponse(url, body=html, encoding=encoding or "utf-8"), profile).to_item(
        detect=lambda text: (None, None))
    return {"title": item.title, "date": item.published.isoformat() if item.published else None,
            "author": item.author, "views": item.views, "body": item.body_text,
            "attachments": [{"name": a.name, "url": a.url} for a in item.attachments], "rules": {}}


EXTRACTORS: dict[str, Extractor] = {
    "zero-config": zero_config,
    "trafilatura": trafilatura_extractor,
    "profile": profile_path,
}


def available(names: list[str]) -> dict[str, Extractor]:
    chosen = {}
    for name in names:
        if name == "trafilatura":
            try:
                importlib.import_module("trafilatura")
            except ImportError as exc:
                print(f"skipping trafilatura ({exc}); install the bench extra: pip install -e '.[bench]'",
                      file=sys.stderr)
                continue
        chosen[name] = EXTRACTORS[name]
    return chosen


def run(extractors: dict[str, Extractor], cases, repeat: int) -> dict:
    """{extractor: {"ms"/"cpu": {page: median wall/CPU ms}, "ok": {field: [bool per page]},
    "by_group": {group: [bool per field and page]}}}"""
    results = {name: {"ms": {}, "cpu": {}, "ok": {f: [] for f in FIELDS}, "by_group": {}} for name in extractors}
    for case in cases:
        html = case.read()
        for name, extract in extractors.items():
            if name == "profile" and case.group != "real":
                continue  # profiles follow the real sites; an eval page borrowing a site's URL is not it
            if extract(html, case.url, case.encoding) is None:  # warm-up (imports, caches)
                continue  # no such page for this extractor (a site with no profile)
            times, cpu = [], []
            for _ in range(repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                found = extract(html, case.url, case.encoding)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            page = f"{case.group}/{case.name}"
            results[name]["ms"][page] = statistics.median(times)
            results[name]["cpu"][page] = statistics.median(cpu)
            for field, _, _, ok, _ in score_article(case.gold, found):
                results[name]["ok"][field].append(ok)
                results[name]["by_group"].setdefault(case.group, []).append(ok)
    return results


def report(results: dict, cases) -> list[str]:
    names = list(results)
    groups = {}
    for case in cases:
        groups[case.group] = groups.get(case.group, 0) + 1
    lines = [f"pages: {len(cases)} ({', '.join(f'{n} {g}' for g, n in groups.items())})", ""]
    width = 22
    lines.append(f"{'':<22}" + "".join(f"{name:>{width}}" for name in names))
    def cell(values, fmt="{:.1f}") -> str:
        return fmt.format(values) if not isinstance(values, tuple) else " / ".join(fmt.format(v) for v in values)

    lines.append(f"{'ms/page, wall / CPU':<22}" + "".join(f"{'':>{width}}" for _ in names))
    for group in (None, *groups):
        label = f"  median, {group or 'all'}"
        row = f"{label:<22}"
        for n in names:
            wall = [v for k, v in results[n]["ms"].items() if group is None or k.startswith(group + "/")]
            cpu = [v for k, v in results[n]["cpu"].items() if group is None or k.startswith(group + "/")]
            row += (f"{cell((statistics.median(wall), statistics.median(cpu))):>{width}}" if wall
                    else f"{'-':>{width}}")
        lines.append(row)
    row = f"{'  max, all':<22}"
    for n in names:
        row += f"{cell((max(results[n]['ms'].values()), max(results[n]['cpu'].values()))):>{width}}"
    lines.append(row)
    for field in (*FIELDS, None):
        row = f"{field or 'overall':<22}"
        for name in names:
            oks = ([ok for f in FIELDS for ok in results[name]["ok"][f]] if field is None
                   else results[name]["ok"][field])
            row += f"{f'{sum(oks)}/{len(oks)} {100 * sum(oks) / len(oks):5.1f}%':>{width}}" if oks else f"{'-':>{width}}"
        lines.append(row)
    for group in groups:
        row = f"{'overall, ' + group:<22}"
        for name in names:
            oks = results[name]["by_group"].get(group, [])
            row += f"{f'{sum(oks)}/{len(oks)} {100 * sum(oks) / len(oks):5.1f}%':>{width}}" if oks else f"{'-':>{width}}"
        lines.append(row)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per page and extractor (median)")
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="evaluation set folder")
    parser.add_argument("--no-real", action="store_true", help="leave ../shared/real-pages out")
    parser.add_argument("--extractor", action="append", choices=list(EXTRACTORS),
                        help="extractors to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    cases = [c for c in load_cases(args.set, None if args.no_real else REAL_PAGES) if c.kind == "article"]
    if not cases:
        print(f"no article pages in {args.set}", file=sys.stderr)
        return 2
    extractors = available(args.extractor or list(EXTRACTORS))
    results = run(extractors, cases, max(1, args.repeat))
    if args.json:
        out = {name: {"ms_median": statistics.median(r["ms"].values()), "ms": r["ms"],
                      "cpu_ms_median": statistics.median(r["cpu"].values()),
                      "accuracy": {f: sum(v) / len(v) for f, v in r["ok"].items() if v}}
               for name, r in results.items()}
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print("\n".join(report(results, cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
