"""Synthetic bulletin articles for the research-scale benchmarks: deterministic, Korean and English.

    from synthetic_articles import synthetic_records, load_synthetic
    for record in synthetic_records(1000, seed=7): ...          # storage.database.articles.ArticleRecord
    rows_per_s = load_synthetic("sqlite:///x.sqlite", 100_000, seed=7)

`synthetic_records(n, seed)` yields `n` records; the same `(n, seed)` always gives the same
records, and a smaller `n` gives a prefix of a larger one (one `random.Random(seed)` drawn in
order). What they look like:

* six sources (``SOURCES``): Korean-only boards, English-only boards and one mixed board
  (about 60 % Korean, 40 % English overall); board ids count up per source from 1;
* published dates spread uniformly over 2018-01-01 … 2026-10-31; English articles carry the
  ``[JUN. 2022]`` issue prefix (``issue_month``, ``headline`` set), Korean ones do not;
* bodies of about 1–3 KB of UTF-8 (4–12 paragraphs separated by blank lines), built from
  templates filled with a vocabulary of cities, fields and programmes, so a word such as
  "반도체" or "semiconductor" occurs in a fraction of the articles, not in all of them;
  ``body_html`` is the same paragraphs in ``<p>`` elements;
* views, author, language and probability, a synthetic WARC pointer (file, offset, record id)
  per article, ~1 in 8 articles with an attachment.

`load_synthetic(database_url, n, seed)` stores them through `storage.database.articles.save_article`
(commits of ``batch`` articles, like the crawl's storage pipeline) and returns rows/s.
"""

from __future__ import annotations

import datetime
import time
import uuid
from random import Random
from typing import Iterator

from storage.database.articles import ArticleRecord, AttachmentRecord

__all__ = ["SOURCES", "synthetic_records", "load_synthetic"]

# name -> (host, share of Korean articles)
SOURCES = {
    "gyeonggi-en": ("english.gg.go.kr", 0.0),
    "gyeonggi-ko": ("gnews.gg.go.kr", 1.0),
    "seoul-ko": ("mediahub.seoul.go.kr", 1.0),
    "busan-en": ("english.busan.go.kr", 0.0),
    "incheon-ko": ("www.incheon.go.kr", 1.0),
    "jeju-mixed": ("www.jeju.go.kr", 0.5),
}
_SOURCE_WEIGHTS = (0.22, 0.22, 0.18, 0.12, 0.14, 0.12)

FIRST_DAY = datetime.date(2018, 1, 1)
LAST_DAY = datetime.date(2026, 10, 31)
MONTH_ABBR = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

CITIES = [
    ("Suwon", "수원시"), ("Seongnam", "성남시"), ("Yongin", "용인시"), ("Goyang", "고양시"),
    ("Hwaseong", "화성시"), ("Bucheon", "부천시"), ("Ansan", "안산시"), ("Namyangju", "남양주시"),
    ("Anyang", "안양시"), ("Pyeongtaek", "평택시"), ("Siheung", "시흥시"), ("Paju", "파주시"),
    ("Gimpo", "김포시"), ("Uijeongbu", "의정부시"), ("Hanam", "하남시"), ("Gwangmyeong", "광명시"),
    ("Haeundae", "해운대구"), ("Suyeong", "수영구"), ("Yeonsu", "연수구"), ("Bupyeong", "부평구"),
    ("Jongno", "종로구"), ("Mapo", "마포구"), ("Gangnam", "강남구"), ("Seogwipo", "서귀포시"),
]
PARTNERS = [
    ("Mongolia", "몽골"), ("Vietnam", "베트남"), ("Indonesia", "인도네시아"), ("Japan", "일본"),
    ("China", "중국"), ("the United States", "미국"), ("Germany", "독일"), ("Thailand", "태국"),
    ("India", "인도"), ("Uzbekistan", "우즈베키스탄"), ("France", "프랑스"), ("Australia", "호주"),
]
# (English field, English programme, Korean field, Korean programme, Korean beneficiaries)
FIELDS = [
    ("international cooperation", "International Cooperation Network", "국제협력", "국제협력네트워크", "해외 자매도시"),
    ("youth employment", "Youth Job Guarantee", "청년 일자리", "청년일자리보장제", "청년"),
    ("semiconductor industry", "Semiconductor Cluster", "반도체 산업", "반도체클러스터", "중소기업"),
    ("carbon neutrality", "Carbon Neutral Roadmap", "탄소중립", "탄소중립추진단", "도민"),
    ("public transport", "Late-Night Bus Service", "대중교통", "심야버스운행", "통근자"),
    ("elderly care", "Senior Care Service", "노인 돌봄", "어르신돌봄서비스", "어르신"),
    ("childcare", "Public Childcare Centers", "보육", "공공어린이집", "영유아 가정"),
    ("tourism", "Regional Tourism Festival", "관광", "지역관광축제", "관광객"),
    ("smart farming", "Smart Farm Expo", "스마트농업", "스마트팜박람회", "농업인"),
    ("disaster safety", "Flood Prevention Plan", "재난안전", "풍수해대책", "주민"),
    ("public health", "Infectious Disease Response", "보건의료", "감염병대응센터", "의료진"),
    ("housing", "Affordable Housing Project", "주거복지", "기본주택사업", "무주택 가구"),
    ("culture and arts", "Arts Support Program", "문화예술", "예술인지원사업", "예술인"),
    ("startups", "Global Startup Center", "창업", "글로벌창업센터", "스타트업"),
    ("marine environment", "Coastal Cleanup Campaign", "해양환경", "해안정화활동", "어업인"),
    ("digital inclusion", "Digital Literacy Classes", "디지털 포용", "디지털배움터", "고령층"),
]
OFFICES = [("Provincial Government", "도청"), ("City Hall", "시청"), ("District Office", "구청")]

EN_TITLES = [
    "{region} to Strengthen {program} in {city}",
    "{region} Expands {field_t} Support for {n} Districts",
    "{region} and {partner} Agree to Cooperate on {field_t}",
    "{city} Selected for {program}",
    "{program} Draws {count:,} Applicants",
    "{region} Hosts {field_t} Forum in {city}",
    "Applications Open for the {year} {program}",
]
EN_PARAS = [
    "The {region} {office} announced on {md} that it will expand the {program} to {n} districts, including {city} and {city2}, with a budget of {budget} billion won.",
    "Under the plan, officials will review the results of the {program} with experts, residents and civic groups at the end of the year and adjust the support where needed.",
    "The province has been working with partner regions in {partner} since {since}, and the two sides have signed agreements on {field} and on exchanges between young people.",
    "About {count:,} residents are expected to benefit from the programme, which gives priority to households that have had difficulty receiving support in the past.",
    "Applications can be submitted through the {region} website or at the community service centers of each district until {md2}.",
    "In the first half of the year, the {office} held briefing sessions in {city} and {city2} to listen to residents and reflected their suggestions in the final plan.",
    "Participants toured facilities in {city}, attended a conference on {field}, and shared their experiences with officials and experts from {partner}.",
    "Experts who took part in the meeting said that cooperation between local governments is essential for {field}, and they proposed a joint working group.",
    "“We will make sure that residents can feel the difference in their daily lives,” said an official of the {office}. “The {program} is only the first step.”",
    "The province plans to evaluate the performance of the programme every six months and to extend it to more cities and counties if it proves effective.",
    "For more information, contact the {field_t} Division of the {region} {office} at +82-31-8008-{tel}.",
]
KO_TITLES = [
    "{region_ko}, {program_ko} 본격 추진",
    "{region_ko}, {n}개 시군 {benef_ko} 대상 {field_ko} 지원 확대",
    "{region_ko}, {partner_ko}[와] {field_ko} 분야 업무협약 체결",
    "{city_ko}·{city2_ko} 등 {n}곳 {program_ko} 대상지 선정",
    "{region_ko} {office_ko}, {field_ko} 정책 도민 의견 수렴 토론회 개최",
    "{year}년 {program_ko} 예산 {budget}억 원 투입",
]
KO_PARAS = [
    "{region_ko}[은] {benef_ko}[을] 대상으로 {program_ko} 사업을 본격 추진한다고 {md_ko} 밝혔다.",
    "이번 사업은 {n}개 시군의 {benef_ko}[을] 대상으로 하며, 총 {budget}억 원의 예산이 투입된다.",
    "{office_ko}[은] {year2}년까지 {field_ko} 지원 대상을 단계적으로 확대하고, 시군과 협력해 현장 중심의 지원 체계를 마련할 계획이다.",
    "신청은 {md2_ko}까지 누리집 또는 해당 시군 담당 부서를 통해 할 수 있으며, 자세한 내용은 공고문에서 확인할 수 있다.",
    "앞서 {office_ko}[은] 지난해 {city_ko}[와] {city2_ko}에서 시범사업을 추진해 {count:,}여 명에게 혜택을 제공한 바 있다.",
    "이날 행사에는 {office_ko}[와] 시군 관계자, 관련 분야 전문가 등 {n2}여 명이 참석해 사업 추진 현황을 공유하고 개선 방안을 논의했다.",
    "{region_ko}[은] {since}년부터 {partner_ko}[와] 우호 협력 관계를 맺고 {field_ko}, 청소년, 문화 등 다양한 분야에서 교류를 이어오고 있다.",
    "{office_ko}[은] 사업 성과를 매년 평가해 효과가 큰 분야를 중심으로 지원을 늘리고, 주민 의견을 반영해 제도를 보완할 방침이다.",
    "특히 올해는 그동안 지원을 받지 못했던 사각지대를 발굴하는 데 중점을 두고, 행정복지센터와 협력해 대상자를 적극 찾아낼 계획이다.",
    "담당 부서 관계자는 “이번 {program_ko} 사업이 {benef_ko}에게 실질적인 도움이 되기를 기대한다”며 “앞으로도 체감할 수 있는 정책을 지속적으로 발굴하겠다”고 말했다.",
    "자세한 사항은 {region_ko} {field_ko} 담당 부서(031-8008-{tel})로 문의하면 된다.",
]
REGIONS = {  # source -> (English region, Korean region)
    "gyeonggi-en": ("Gyeonggi-do", "경기도"), "gyeonggi-ko": ("Gyeonggi-do", "경기도"),
    "seoul-ko": ("Seoul", "서울시"), "busan-en": ("Busan", "부산시"),
    "incheon-ko": ("Incheon", "인천시"), "jeju-mixed": ("Jeju", "제주도"),
}
_JOSA = {"을": ("을", "를"), "와": ("과", "와"), "은": ("은", "는")}


def _josa(text: str) -> str:
    """Resolve '[을]'/'[은]'/'[와]' after the preceding syllable: with a final consonant or not."""
    out = []
    i = 0
    while i < len(text):
        if text[i] == "[" and text[i + 2:i + 3] == "]" and text[i + 1] in _JOSA:
            prev = out[-1] if out else ""
            has_final = "가" <= prev <= "힣" and (ord(prev) - 0xAC00) % 28 != 0
            out.append(_JOSA[text[i + 1]][0 if has_final else 1])
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _slots(rng: Random, source: str, published: datetime.date) -> dict:
    city, city2 = rng.sample(CITIES, 2)
    partner = rng.choice(PARTNERS)
    field_en, program, field_ko, program_ko, benef_ko = rng.choice(FIELDS)
    office = rng.choice(OFFICES)
    region, region_ko = REGIONS[source]
    later = published + datetime.timedelta(days=rng.randint(7, 60))
    return dict(
        region=region, region_ko=region_ko, city=city[0], city2=city2[0], city_ko=city[1],
        city2_ko=city2[1], partner=partner[0], partner_ko=partner[1], field=field_en,
        field_t=field_en.title(), program=program, field_ko=field_ko, program_ko=program_ko,
        benef_ko=benef_ko, office=office[0], office_ko=office[1], n=rng.randint(2, 31),
        n2=rng.randint(20, 300), count=rng.randint(100, 90000), budget=rng.randint(3, 900),
        since=rng.randint(1995, 2017), year=published.year, year2=published.year + rng.randint(1, 5),
        md=f"{published:%B} {published.day}", md2=f"{later:%B} {later.day}",
        md_ko=f"{published.month}월 {published.day}일", md2_ko=f"{later.month}월 {later.day}일",
        tel=f"{rng.randint(2000, 4999)}",
    )


def _body(rng: Random, paras: list[str], v: dict, korean: bool) -> list[str]:
    """Paragraphs until the UTF-8 body reaches a drawn size of 1,000–3,000 bytes."""
    target = rng.randint(1000, 3000)
    out: list[str] = []
    size = 0
    while size < target or len(out) < 4:
        text = rng.choice(paras).format(**v)
        text = _josa(text) if korean else text
        out.append(text)
        size += len(text.encode()) + 2
    return out


def synthetic_records(n: int, seed: int = 20260101) -> Iterator[ArticleRecord]:
    """`n` deterministic ArticleRecords (see the module docstring); a prefix for a smaller `n`."""
    rng = Random(seed)
    names = list(SOURCES)
    next_id = dict.fromkeys(names, 0)
    days = (LAST_DAY - FIRST_DAY).days
    for i in range(n):
        source = rng.choices(names, _SOURCE_WEIGHTS)[0]
        host, ko_share = SOURCES[source]
        next_id[source] += 1
        board_id = str(next_id[source])
        published = FIRST_DAY + datetime.timedelta(days=rng.randint(0, days))
        korean = rng.random() < ko_share
        v = _slots(rng, source, published)
        if korean:
            headline = _josa(rng.choice(KO_TITLES).format(**v))
            title, issue_month = headline, None
            paragraphs = _body(rng, KO_PARAS, v, True)
            language, author = "ko", rng.choice(["대변인실", "홍보기획관", "뉴스콘텐츠팀", "관리자"])
        else:
            headline = rng.choice(EN_TITLES).format(**v)
            # the bulletin issue: the month of publication, or the next one
            issue = published.replace(day=1) + datetime.timedelta(days=31 * rng.randint(0, 1))
            issue_month = f"{issue:%Y-%m}"
            title = f"[{MONTH_ABBR[issue.month - 1]}. {issue.year}] {headline}"
            paragraphs = _body(rng, EN_PARAS, v, False)
            language, author = "en", rng.choice(["관리자", "admin", "gg_mgr"])
        attachments = []
        if rng.random() < 0.125:
            attachments.append(AttachmentRecord(
                name=f"{published:%Y%m%d}_{'보도자료' if korean else 'press_release'}.pdf",
                url=f"https://{host}/files/{source}/{board_id}.pdf",
                size=rng.randint(20_000, 2_000_000), content_type="application/pdf"))
        yield ArticleRecord(
            source=source, board_id=board_id, url=f"https://{host}/news/view/{board_id}",
            title=title, issue_month=issue_month, headline=headline, author=author,
            published=published, views=rng.randint(0, 5000), body_text="\n\n".join(paragraphs),
            body_html="".join(f"<p>{p}</p>" for p in paragraphs), language=language,
            language_probability=round(0.9 + rng.random() * 0.1, 6), attachments=attachments,
            warc_file=f"BULLETINS-{published:%Y%m%d}000000-{i // 5000:05d}-bench.warc.gz",
            warc_offset=(i % 5000) * 40_000,
            warc_record_id=f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>",
            captured_at=datetime.datetime(published.year, published.month, published.day, 12,
                                          tzinfo=datetime.timezone.utc),
            extractor_version="synthetic/1",
        )


def load_synthetic(database_url: str, n: int, seed: int = 20260101, batch: int = 200,
                   seen_at: datetime.datetime | None = None) -> float:
    """Store `n` synthetic articles with storage.save_article, one commit per `batch` articles
    (the crawl's storage pipeline does the same); returns articles stored per second, database
    creation excluded."""
    from storage.database.articles import save_article
    from storage.database.db import make_engine, session

    seen_at = seen_at or datetime.datetime(2026, 11, 1, 3, 0, 0, tzinfo=datetime.timezone.utc)
    engine = make_engine(database_url)
    t0 = time.perf_counter()
    with session(engine) as db:
        for i, record in enumerate(synthetic_records(n, seed), 1):
            save_article(db, record, seen_at)
            if i % batch == 0:
                db.commit()
        db.commit()
    seconds = time.perf_counter() - t0
    if not database_url.startswith("postgresql"):
        engine.dispose()
    return n / seconds if seconds > 0 else float("inf")
