"""Field-level accuracy of the zero-config extractor on pages with known answers.

Two sources of pages:
- the evaluation set (`tests/eval/`): `articles/NAME.html` + `articles/NAME.json` and
  `listings/NAME.html` + `listings/NAME.json`, hand-written pages of real board families, each
  with traps, and a gold file; a gold file's "group" (default "eval") sorts pages into groups,
  e.g. "holdout" for pages written after the extractor and never tuned against;
- the real captured pages in `../shared/real-pages/` (beside the repository), with the gold
  values of that folder's README, when the folder is present (never copied into the project).

Article fields scored: title, date, author, views, body_start, body_end, attachments (names, and
URLs when the gold file lists them). A gold value of null means "not on the page": the field is
right only when nothing is found. Listing fields: kind, ids, notices, dates, pagination, next
(the next page's URL; the call for `javascript`; `param=N` for a posted `form`).
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .cascade import extract_article
from .document import squash
from .listing.guess import extract_listing

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SET = REPO / "tests" / "eval"
REAL_PAGES = REPO.parent / "shared" / "real-pages"
ARTICLE_FIELDS = ("title", "date", "author", "views", "body_start", "body_end", "attachments")
LISTING_FIELDS = ("kind", "ids", "notices", "dates", "pagination", "next")

# Gold values of ../shared/real-pages/README.md ("Expected values on the view pages"; the listing
# facts of its file table).
REAL_ARTICLES: dict[str, dict] = {
    "gyeongbuk_gb_go_kr_press_view.html": {
        "url": "https://www.gb.go.kr/Main/page.do?mnu_uid=6792&BD_CODE=bbs_bodo&cmd=2&B_NUM=506274201",
        "board": "gb.go.kr CMS",
        "title": "경북도, 하수 중 항생제 내성균 및 내성 유전자 조사 결과 발표",
        "date": "2026-01-07",
        "author": "황희영",
        "department": "보건환경연구원 감염병연구부 감염병조사과",
        "views": 24,
        "body_start": "- 하수 분석을 통한 도내 항생제 내성균 분포 특성 확인 - 경상북도는",
        "body_end": "기초자료로 활용할 예정이다”고 밝혔다.",
        "attachments": ["경북도, 하수 중 항생제 내성균 및 내성 유전자 조사 결과 발표.hwp"],
    },
    "shinan_go_kr_press_view_th_td_table.html": {
        "url": "https://www.shinan.go.kr/home/www/openinfo/participation_07/participation_07_03/show/138492",
        "board": "wscms",
        "title": '신안군, 의료·요양·돌봄 통합지원 시범사업 통합지원회의 개최.."통합지원계획 검토 및 서비스 연계 방안 집중 논의"',
        "date": "2025-12-12",
        "author": "노인건강과",
        "department": "노인건강과",
        "views": 42,
        "body_start": "신안군은 12월 12일 신안군보건소 회의실에서",
        "body_end": "자료제공: 노인건강과 노인복지팀 (240-8940)",
        "attachments": ["보도자료(신안군 의료요양돌봄 통합지원회의 개최).hwp"],
    },
    "gangjin_go_kr_press_view_dl.html": {
        "url": "https://www.gangjin.go.kr/www/government/news/press?idx=647621&mode=view",
        "board": "YB CMS",
        "title": "“새로 열린 기차 타고 강진 가자”",
        "date": "2025-12-10",
        "author": None,
        "department": None,
        "views": 52,
        "body_start": "“새로 열린 기차 타고 강진 가자” 남도해양관광열차 부산관광객 초청 팸투",
        "body_end": "참가자들이 가우도 앞에서 자리를 함께 했다.",
        "attachments": ["2- 기차여행 재단.jpg"],
    },
    "mokpo_www.mokpo.go.kr_press_view.html": {
        "url": "https://www.mokpo.go.kr/www/mokpo_news/press_release/report_material?idx=541194&mode=view",
        "board": "YB CMS",
        "title": "목포향기나는교회, 유달동 어려운 이웃에 온수매트 전달",
        "date": "2025-12-09",
        "author": "유달동",
        "department": "유달동",
        "views": 28,
        "body_start": "목포향기나는교회(담임목사 박진)는 지난 8일, 저소득 취약계층을 위해 온수매트",
        "body_end": "맞춤형복지팀장 이명희 270-4730, 주무관 백계훈 270-4724)",
        "attachments": ["5.목포향기나는교회, 유달동 어려운 이웃에 온수매트 전달(유달동).jpg"],
    },
    "naju_www.naju.go.kr_press_view.html": {
        "url": "https://www.naju.go.kr/www/administration/reporting/coverage?idx=591764&mode=view",
        "board": "YB CMS",
        "title": "꽃소마루 나주혁신점-빛가람동, ‘한돈·가족 외식권 후원’ 협약",
        "date": "2025-12-05",
        "author": "빛가람동",
        "department": "빛가람동",
        "views": 36,
        "body_start": "내년 12월까지 지역아동센터 3곳에 780만 원 상당 한돈 지원",
        "body_end": "후원하는 협약을 체결했다. (사진 제공-나주시)",
        # the name the page shows: a caption cut short, with no extension ([jpg,474.7 KB] beside it)
        "attachments": [
            "나주시 빛가람동은 지난 2일 꽃소마루 나주혁신점과 매월 빛가람·빛누리·한아름지역아동센터에 한돈을, "
            "빛가람동 거주 위탁·조손가정에 가족 외식권을 2026년 12월까지 후원하는 협약을"
        ],
    },
}
REAL_LISTINGS: dict[str, dict] = {
    "gyeongbuk_gb_go_kr_press_list.html": {
        "url": "https://www.gb.go.kr/Main/page.do?mnu_uid=6792&BD_CODE=bbs_bodo&cmd=1",
        "board": "gb.go.kr CMS",
        "kind": "listing",
        "count": 10,
        "first_id": "506274201",
        "last_id": "506258001",
        "pagination": {"mechanism": "offset", "param": "Start"},
    },
    "gangjin_go_kr_press_list_cards.html": {
        "url": "https://www.gangjin.go.kr/www/government/news/press",
        "board": "YB CMS",
        "kind": "listing",
        "count": 15,
        "first_id": "647621",
        "pagination": {
            "mechanism": "query",
            "param": "page",
            "next": "https://www.gangjin.go.kr/www/government/news/press?page=2",
        },
    },
    "korea_kr_pressRelease_list.html": {
        "url": "https://www.korea.kr/briefing/pressReleaseList.do",
        "board": "korea.kr",
        "kind": "listing",
        "count": 20,
        "first_id": "156738805",
        "last_id": "156738778",
        "pagination": {"mechanism": "javascript", "param": "pageIndex", "next": "pageLink(2)"},
    },
    "gwangju_www.gwangju.go.kr_notice_list.html": {
        "url": "https://www.gwangju.go.kr/boardList.do?boardId=BD_0000000022&pageId=www789",
        "board": "Gwangju/Jeonnam JSP board",
        "kind": "listing",
        "count": 10,
        "first_id": "16222",
        "last_id": "16213",
        "pagination": {
            "mechanism": "form",
            "param": "movePage",
            "next": "movePage=2",
            "next_request_url": "https://www.gwangju.go.kr/boardList.do",
            "method": "POST",
        },
    },
    "naju_www.naju.go.kr_press_list.html": {
        "url": "https://www.naju.go.kr/www/administration/reporting/coverage",
        "board": "YB CMS",
        "kind": "listing",
        "ids": ["591764", "591763", "591762", "591733", "591714", "591683", "591668", "591667", "591664", "591658"],
        "dates": {
            i: "2025-12-05"
            for i in (
                "591764",
                "591763",
                "591762",
                "591733",
                "591714",
                "591683",
                "591668",
                "591667",
                "591664",
                "591658",
            )
        },
        "pagination": {
            "mechanism": "query",
            "param": "page",
            "next": "https://www.naju.go.kr/www/administration/reporting/coverage?page=2",
        },
    },
    "jindo_www.jindo.go.kr_press_list.html": {
        "url": "https://www.jindo.go.kr/home/board/B0016.cs?m=626",
        "board": ".cs CMS (jindo.go.kr)",
        "kind": "listing",
        "ids": ["178408", "178407", "178365", "178351", "178350"],
        "dates": {
            "178408": "2025-12-09",
            "178407": "2025-12-09",
            "178365": "2025-12-08",
            "178351": "2025-12-08",
            "178350": "2025-12-08",
        },
        "pagination": {
            "mechanism": "query",
            "param": "pageIndex",
            "next": "https://www.jindo.go.kr/home/board/B0016.cs?categoryId=0&m=626&searchCondition=&searchKeyword=&&pageIndex=2",
        },
    },
}


@dataclass
class Case:
    name: str
    group: str  # "real" or "eval"
    kind: str  # "article" or "listing"
    path: Path
    gold: dict

    @property
    def url(self) -> str:
        return self.gold["url"]

    @property
    def board(self) -> str:
        """The board family the page belongs to (gold `board`), for the per-family table."""
        return self.gold.get("board") or "other"

    @property
    def encoding(self) -> str | None:
        return self.gold.get("encoding")

    def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass
class Result:
    case: Case
    field: str
    expected: object
    found: object
    ok: bool
    rule: str | None = None


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    ms: dict[str, float] = field(default_factory=dict)  # article case name -> ms to extract

    def select(self, kind: str, group: str | None = None, name: str | None = None) -> list[Result]:
        return [
            r
            for r in self.results
            if r.case.kind == kind and (group is None or r.case.group == group) and (name is None or r.field == name)
        ]

    def accuracy(self, kind: str = "article", group: str | None = None, name: str | None = None) -> float | None:
        chosen = self.select(kind, group, name)
        return sum(r.ok for r in chosen) / len(chosen) if chosen else None

    def by_board(self) -> dict[str, dict[str, tuple[int, int, int]]]:
        """board -> kind -> (pages, fields right, fields scored), boards by name."""
        out: dict = {}
        for r in self.results:
            pages, right, n = out.setdefault(r.case.board, {}).get(r.case.kind, (set(), 0, 0))
            pages.add(r.case.name)
            out[r.case.board][r.case.kind] = (pages, right + r.ok, n + 1)
        return {
            board: {kind: (len(p), right, n) for kind, (p, right, n) in sorted(kinds.items())}
            for board, kinds in sorted(out.items(), key=lambda kv: kv[0].lower())
        }

    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.ok]

    def groups(self, kind: str) -> list[str]:
        order = {"real": 0, "eval": 1, "holdout": 2}
        return sorted({r.case.group for r in self.results if r.case.kind == kind}, key=lambda g: (order.get(g, 3), g))

    def as_dict(self) -> dict:
        out: dict = {}
        for kind, names in (("article", ARTICLE_FIELDS), ("listing", LISTING_FIELDS)):
            section: dict = {"overall": self.accuracy(kind), "fields": {}, "groups": {}}
            for name in names:
                section["fields"][name] = self.accuracy(kind, name=name)
            for group in self.groups(kind):
                section["groups"][group] = {
                    "pages": len({r.case.name for r in self.select(kind, group)}),
                    "overall": self.accuracy(kind, group),
                    "fields": {name: self.accuracy(kind, group, name) for name in names},
                }
            out[kind + "s"] = section
        out["boards"] = {
            board: {
                kind + "s": {"pages": pages, "right": right, "fields": n} for kind, (pages, right, n) in kinds.items()
            }
            for board, kinds in self.by_board().items()
        }
        out["ms_median"] = statistics.median(self.ms.values()) if self.ms else None
        out["failures"] = [
            {
                "page": f"{r.case.group}/{r.case.name}",
                "field": r.field,
                "expected": r.expected,
                "found": r.found,
                "rule": r.rule,
            }
            for r in self.failures()
        ]
        return out


def load_cases(eval_dir: Path | None = DEFAULT_SET, real_dir: Path | None = REAL_PAGES) -> list[Case]:
    """The evaluation set's pages, then the real pages that are present."""
    cases: list[Case] = []
    if eval_dir is not None:
        for kind in ("article", "listing"):
            folder = Path(eval_dir) / (kind + "s")
            for gold_path in sorted(folder.glob("*.json")):
                html = gold_path.with_suffix(".html")
                if html.exists():
                    gold = json.loads(gold_path.read_text())
                    cases.append(Case(gold_path.stem, gold.get("group", "eval"), kind, html, gold))
    if real_dir is not None and Path(real_dir).is_dir():
        for kind, table in (("article", REAL_ARTICLES), ("listing", REAL_LISTINGS)):
            for filename, gold in table.items():
                path = Path(real_dir) / filename
                if path.exists():
                    cases.append(Case(path.stem, "real", kind, path, gold))
    return cases


def norm(text) -> str:
    return squash(str(text)) if text is not None else ""


def score_article(
    gold: dict, found: dict, rules: dict | None = None
) -> list[tuple[str, object, object, bool, str | None]]:
    """(field, expected, found, ok, rule) for each scored field.

    `found` has the keys of Extraction.as_json(): title, date (ISO), author, views, body,
    attachments ([{name, url}]) — other extractors are scored through the same dict.
    """
    rules = rules or {}
    body = norm(found.get("body"))
    out = []
    for name in ARTICLE_FIELDS:
        if name not in gold:
            continue
        expected = gold[name]
        if name in ("title", "author"):
            got = found.get(name)
            ok = norm(got) == norm(expected) if expected is not None else not got
            out.append((name, expected, got, ok, rules.get(name)))
        elif name == "date":
            got = found.get("date")
            out.append((name, expected, got, got == expected, rules.get("date")))
        elif name == "views":
            got = found.get("views")
            out.append((name, expected, got, got == expected, rules.get("views")))
        elif name == "body_start":
            got = body[: len(norm(expected)) + 20] if body else None
            out.append((name, expected, got, bool(body) and body.startswith(norm(expected)), rules.get("body")))
        elif name == "body_end":
            got = body[-len(norm(expected)) - 20 :] if body else None
            out.append((name, expected, got, bool(body) and body.endswith(norm(expected)), rules.get("body")))
        elif name == "attachments":
            items = found.get("attachments") or []
            names = sorted(norm(a["name"]) for a in items)
            ok = names == sorted(norm(n) for n in expected)
            if ok and gold.get("attachment_urls"):
                ok = sorted(a["url"] for a in items) == sorted(gold["attachment_urls"])
            out.append((name, expected, [a["name"] for a in items], ok, rules.get("attachments")))
    return out


def score_listing(gold: dict, guess) -> list[tuple[str, object, object, bool, str | None]]:
    links = [link for link in guess.links]
    ids = [link.board_id for link in links]
    out: list[tuple[str, object, object, bool, str | None]] = [
        ("kind", gold["kind"], guess.kind, guess.kind == gold["kind"], None)
    ]
    if "ids" in gold:
        out.append(("ids", gold["ids"], ids, ids == gold["ids"], None))
    else:
        ok = (
            len(ids) == gold["count"]
            and (not ids or ids[0] == gold.get("first_id", ids[0]))
            and (not ids or ids[-1] == gold.get("last_id", ids[-1]))
        )
        summary = f"{len(ids)} ids {ids[0] if ids else '-'}…{ids[-1] if ids else '-'}"
        expected = f"{gold['count']} ids {gold.get('first_id', '?')}…{gold.get('last_id', '?')}"
        out.append(("ids", expected, summary, ok, None))
    if "notices" in gold:
        notices = [link.board_id for link in links if link.notice]
        out.append(("notices", gold["notices"], notices, notices == gold["notices"], None))
    if "dates" in gold:
        dates = {link.board_id: link.date.isoformat() if link.date else None for link in links}
        wrong = {k: (v, dates.get(k)) for k, v in gold["dates"].items() if dates.get(k) != v}
        out.append(
            (
                "dates",
                f"{len(gold['dates'])} dates",
                f"{len(gold['dates']) - len(wrong)} right" + (f", e.g. {next(iter(wrong.items()))}" if wrong else ""),
                not wrong,
                None,
            )
        )
    pag = gold.get("pagination") or {}
    p = guess.pagination
    mech_ok = p.mechanism == pag.get("mechanism") and ("param" not in pag or p.param == pag["param"])
    out.append(
        (
            "pagination",
            f"{pag.get('mechanism')} {pag.get('param') or ''}".strip(),
            f"{p.mechanism} {p.param or ''}".strip(),
            mech_ok,
            p.description,
        )
    )
    if "next" in pag:
        nxt = p.next_call if p.mechanism == "javascript" else p.next_url
        if p.mechanism == "form":
            nxt = f"{p.param}={p.next_request['data'].get(p.param)}" if p.next_request else None
        ok = nxt == pag["next"]
        if ok and pag.get("next_request_url"):
            ok = (
                bool(p.next_request)
                and p.next_request["url"] == pag["next_request_url"]
                and p.next_request["method"] == pag.get("method", p.next_request["method"])
            )
        out.append(("next", pag["next"], nxt, ok, None))
    return out


def evaluate(cases: list[Case], repeat: int = 1) -> Report:
    """Run the zero-config extractor on every case; `repeat` > 1 times the article runs."""
    report = Report()
    for case in cases:
        html = case.read()
        if case.kind == "article":
            times = []
            for _ in range(max(1, repeat)):
                start = time.perf_counter()
                extraction = extract_article(html, case.url, encoding=case.encoding)
                times.append((time.perf_counter() - start) * 1000)
            report.ms[f"{case.group}/{case.name}"] = statistics.median(times)
            found = extraction.as_json()
            for name, expected, got, ok, rule in score_article(case.gold, found, extraction.rules):
                report.results.append(Result(case, name, expected, got, ok, rule))
        else:
            guess = extract_listing(html, case.url, encoding=case.encoding)
            for name, expected, got, ok, rule in score_listing(case.gold, guess):
                report.results.append(Result(case, name, expected, got, ok, rule))
    return report


def check_floors(report: Report, floors: dict) -> list[str]:
    """Messages for every accuracy below its pinned floor (empty when all hold)."""
    problems = []
    for kind in ("article", "listing"):
        section = floors.get(kind + "s", {})
        for key, floor in section.items():
            if key == "real":
                continue
            value = report.accuracy(kind) if key == "overall" else report.accuracy(kind, name=key)
            if value is not None and value + 1e-9 < floor:
                problems.append(f"{kind} {key}: {value:.3f} < floor {floor}")
        real = section.get("real")
        if real is not None:
            value = report.accuracy(kind, "real")
            if value is not None and value + 1e-9 < real:
                problems.append(f"{kind} real pages: {value:.3f} < floor {real}")
    return problems


def table(report: Report) -> list[str]:
    """The report as text: per field and overall, per group, then the failures."""
    lines: list[str] = []
    for kind, names in (("article", ARTICLE_FIELDS), ("listing", LISTING_FIELDS)):
        groups = report.groups(kind)
        if not groups:
            continue
        counts = {g: len({r.case.name for r in report.select(kind, g)}) for g in groups}
        head = f"{kind + ' field':<16}" + "".join(f"{f'{g} ({counts[g]})':>16}" for g in groups) + f"{'all':>16}"
        lines += [head, "-" * len(head)]
        for name in (*names, None):
            row = f"{name or 'overall':<16}"
            for group in (*groups, None):
                chosen = report.select(kind, group, name)
                if chosen:
                    right = sum(r.ok for r in chosen)
                    row += f"{f'{right}/{len(chosen)} {100 * right / len(chosen):5.1f}%':>16}"
                else:
                    row += f"{'-':>16}"
            lines.append(row)
        lines.append("")
    boards = report.by_board()
    if boards:
        width = max(len(b) for b in boards) + 2
        head = f"{'board family':<{width}}{'article fields':>22}{'listing fields':>22}"
        lines += [head, "-" * len(head)]
        for board, kinds in boards.items():
            row = f"{board:<{width}}"
            for kind in ("article", "listing"):
                if kind in kinds:
                    pages, right, n = kinds[kind]
                    row += f"{f'{right}/{n} {100 * right / n:5.1f}% ({pages}p)':>22}"
                else:
                    row += f"{'-':>22}"
            lines.append(row)
        lines.append("")
    if report.ms:
        values = sorted(report.ms.values())
        lines.append(
            f"extract_article: median {statistics.median(values):.1f} ms/page, "
            f"max {values[-1]:.1f} ms ({len(values)} pages)"
        )
    failures = report.failures()
    lines.append(f"failures: {len(failures)}")
    by_page = defaultdict(list)
    for r in failures:
        by_page[f"{r.case.group}/{r.case.name}"].append(r)
    for page, results in by_page.items():
        lines.append(f"  {page}")
        for r in results:
            rule = f" [{r.rule}]" if r.rule else ""
            lines.append(f"    {r.field}: expected {_short(r.expected)}, found {_short(r.found)}{rule}")
    return lines


def _short(value, limit: int = 90) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
