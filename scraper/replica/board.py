"""Board data for the Gyeonggi-do English press board replica (source ``gyeonggi-en``).

Everything is generated from ``random.Random(seed)`` except the reference bulletin, which is parsed
from ``sample_article.txt`` (a copy of the real June 2022 sample).  The same ``(articles, seed)``
always gives the same board.

Layout of a default board (``Board()``: 300 regular articles, seed 20220624):

* regular articles dated 2021-01 ... 2023-12 (every month has some when ``articles >= 36``),
  ids ascending with date from 1001; ``Board.articles`` is newest first;
* ~65 % English (title prefix ``[JUN. 2022] ``), ~25 % Korean, ~10 % mixed (Korean with English
  names/terms);
* ~1 in 5 articles carries PDF/HWP attachments;
* two pinned English notices, ids 901 and 902, dated 2021-01;
* three quirk articles, one each (chosen by date, see ``_QUIRK_TARGETS``):
  ``malformed`` (broken view-page HTML), ``no-views`` (no Views field; ``-`` in the listing),
  ``bad-date`` (view page shows the impossible date ``2022-02-30``).

Opt-in, for soak benchmarks (``benchmarks/soak.py``): ``Board(attachment_every=3, payloads=4)``
keeps the same articles but gives exactly every third regular article (the 3rd, 6th, ... oldest)
one attachment and every other regular article none, and draws the attachments' bytes from 4
distinct payloads (picked by a hash of the article id), so many attachments share the same
bytes under distinct URLs. The notices are unchanged.
"""

from __future__ import annotations

import datetime
import re
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from random import Random
from urllib.parse import quote

__all__ = ["Attachment", "BoardArticle", "Board", "SampleBulletin", "load_sample",
           "bulletin_prefix", "SAMPLE_PATH"]

SAMPLE_PATH = Path(__file__).with_name("sample_article.txt")

FIRST_ID = 1001
NOTICE_IDS = (901, 902)
START_MONTH = (2021, 1)
MONTHS_SPAN = 36  # 2021-01 ... 2023-12

MONTH_ABBR = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


@dataclass(frozen=True)
class Attachment:
    filename: str
    url_path: str          # /wp-content/uploads/YYYY/MM/<percent-encoded filename>
    content_type: str      # application/pdf or application/x-hwp
    data: bytes


@dataclass(frozen=True)
class BoardArticle:
    id: int
    title: str                         # full title (listing shows it cut)
    author: str
    date: datetime.date
    views: int
    paragraphs: tuple[str, ...]
    language: str                      # "en", "ko" or "mixed"
    attachments: tuple[Attachment, ...]
    notice: bool
    quirk: str | None                  # None, "malformed", "no-views", "bad-date"


def bulletin_prefix(date: datetime.date) -> str:
    """Monthly bulletin prefix of English titles: ``[JUN. 2022] ``."""
    return f"[{MONTH_ABBR[date.month - 1]}. {date.year}] "


# --------------------------------------------------------------------------- the sample bulletin

@dataclass(frozen=True)
class SampleBulletin:
    listing_title: str          # line 1 of the file, cut with " ..."
    title: str                  # full title
    author: str
    date: datetime.date
    views: int
    paragraphs: tuple[str, ...]


_FIELD_RE = re.compile(r"^\s*•\s*(Name|Date|Views)\s+(.*?)\s*$")
_PREFIX_RE = re.compile(r"^\[[A-Z]{3}\. \d{4}\] ")


def load_sample(path: Path | str = SAMPLE_PATH) -> SampleBulletin:
    """Parse the reference bulletin: listing title, field block, body paragraphs."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines()
    listing_title = lines[0].strip()
    fields: dict[str, str] = {}
    i = 1
    while i < len(lines):
        m = _FIELD_RE.match(lines[i])
        if m:
            fields[m.group(1)] = m.group(2)
        elif lines[i].strip() and fields:
            break
        i += 1
    body = "\n".join(lines[i:])
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())
    prefix = _PREFIX_RE.match(listing_title)
    title = (prefix.group(0) if prefix else "") + paragraphs[0]
    cut = listing_title.removesuffix("...").rstrip()
    if not title.startswith(cut):  # pragma: no cover - guards the copy of the sample
        raise ValueError(f"sample body does not complete the listing title {listing_title!r}")
    return SampleBulletin(
        listing_title=listing_title,
        title=title,
        author=fields["Name"],
        date=datetime.date.fromisoformat(fields["Date"]),
        views=int(fields["Views"].replace(",", "")),
        paragraphs=paragraphs,
    )


# --------------------------------------------------------------------------- vocabulary

CITIES = [
    ("Suwon", "수원시"), ("Seongnam", "성남시"), ("Yongin", "용인시"), ("Goyang", "고양시"),
    ("Hwaseong", "화성시"), ("Bucheon", "부천시"), ("Ansan", "안산시"), ("Namyangju", "남양주시"),
    ("Anyang", "안양시"), ("Pyeongtaek", "평택시"), ("Siheung", "시흥시"), ("Paju", "파주시"),
    ("Gimpo", "김포시"), ("Uijeongbu", "의정부시"), ("Hanam", "하남시"), ("Gwangmyeong", "광명시"),
    ("Gunpo", "군포시"), ("Osan", "오산시"), ("Yangju", "양주시"), ("Icheon", "이천시"),
    ("Guri", "구리시"), ("Anseong", "안성시"), ("Pocheon", "포천시"), ("Uiwang", "의왕시"),
    ("Yangpyeong", "양평군"), ("Yeoju", "여주시"), ("Dongducheon", "동두천시"),
    ("Gwacheon", "과천시"), ("Gapyeong", "가평군"), ("Yeoncheon", "연천군"),
]

PARTNERS = [
    ("Mongolia", "Ulaanbaatar", "몽골", "울란바토르"),
    ("Vietnam", "Hanoi", "베트남", "하노이"),
    ("Indonesia", "West Java", "인도네시아", "서자바주"),
    ("Japan", "Kanagawa Prefecture", "일본", "가나가와현"),
    ("China", "Liaoning Province", "중국", "랴오닝성"),
    ("the United States", "Washington State", "미국", "워싱턴주"),
    ("Germany", "Brandenburg", "독일", "브란덴부르크주"),
    ("Thailand", "Bangkok", "태국", "방콕"),
    ("India", "Maharashtra", "인도", "마하라슈트라주"),
    ("Uzbekistan", "Tashkent", "우즈베키스탄", "타슈켄트"),
]

# Each topic: English field / program / department / beneficiaries / actions / goals / title objects,
# then the Korean counterparts.
TOPICS = [
    dict(
        field="international cooperation", program="Gyeonggi International Cooperation Network",
        abbr="GICN", dept="International Cooperation Division",
        benef="partner regions and overseas Korean communities",
        actions=["strengthen exchanges with partner regions in Asia and Europe",
                 "expand joint projects with sister provinces abroad",
                 "send a delegation of public officials and experts to partner regions"],
        goals=["build lasting networks that benefit residents on both sides",
               "raise the international profile of the province and its companies"],
        objs=["International Cooperation Network with Partner Regions in Asia",
              "Exchanges with Sister Provinces after Two Years of Online Meetings",
              "Ties with Partner Regions"],
        field_ko="국제협력", program_ko="경기 국제협력 네트워크", dept_ko="국제협력과",
        benef_ko="해외 자매결연 지역과 재외동포 단체", short_ko="국제협력"),
    dict(
        field="healthcare", program="Medical Gyeonggi", abbr="MG", dept="Health Policy Division",
        benef="public hospitals and medical staff in the province",
        actions=["run training programs for foreign medical staff at provincial hospitals",
                 "expand public healthcare services for vulnerable residents",
                 "open night-time pediatric clinics in more cities and counties"],
        goals=["ensure that every resident has access to quality medical care",
               "strengthen the public healthcare system after the pandemic"],
        objs=["Public Healthcare Services for Children and Elderly Residents",
              "Medical Staff Training Program with Hospitals in Partner Countries",
              "Night-time Pediatric Clinics"],
        field_ko="보건의료", program_ko="메디컬 경기", dept_ko="보건건강국",
        benef_ko="도내 공공병원과 의료진", short_ko="의료협력"),
    dict(
        field="start-up growth", program="Gyeonggi Startup Platform", abbr="GSP",
        dept="Economic Policy Division", benef="young entrepreneurs and small businesses",
        actions=["provide office space and mentoring to early-stage start-ups in Pangyo",
                 "connect promising start-ups with global investors",
                 "offer low-interest loans to small business owners"],
        goals=["create quality jobs for young people in the province",
               "help local companies grow into global businesses"],
        objs=["Support for Start-ups at Pangyo Techno Valley and Gwanggyo Techno Valley",
              "Global Investment Program for Promising Start-ups",
              "Low-interest Loans for Small Businesses Hit by High Interest Rates"],
        field_ko="창업 지원", program_ko="경기 스타트업 플랫폼", dept_ko="경제정책과",
        benef_ko="청년 창업가와 소상공인", short_ko="창업지원"),
    dict(
        field="climate action", program="Gyeonggi RE100", abbr="RE100", dept="Climate Policy Division",
        benef="industrial complexes, farms and public buildings",
        actions=["install solar panels on public buildings and parking lots",
                 "support small factories switching to renewable energy",
                 "expand charging stations for electric vehicles"],
        goals=["achieve carbon neutrality in the province by 2050",
               "reduce greenhouse gas emissions and fine dust"],
        objs=["Renewable Energy Transition at Industrial Complexes across the Province",
              "Carbon Neutrality Roadmap",
              "Electric Vehicle Charging Stations in Apartment Complexes"],
        field_ko="기후위기 대응", program_ko="경기 RE100", dept_ko="기후환경정책과",
        benef_ko="산업단지와 농가, 공공건물", short_ko="탄소중립"),
    dict(
        field="housing", program="Gyeonggi Basic Housing", abbr="GBH", dept="Housing Policy Division",
        benef="young people, newlyweds and low-income households",
        actions=["supply long-term public rental housing near subway stations",
                 "provide rent support to young people living alone",
                 "repair old houses of low-income households"],
        goals=["ease the housing burden of residents",
               "provide stable homes for young people and newlyweds"],
        objs=["Long-term Public Rental Housing near Subway Stations",
              "Rent Support for Young People and Newlyweds",
              "Housing Repair Program"],
        field_ko="주거복지", program_ko="경기 기본주택", dept_ko="주택정책과",
        benef_ko="청년과 신혼부부, 저소득 가구", short_ko="주거지원"),
    dict(
        field="transportation", program="Great Train Express", abbr="GTX", dept="Railway Planning Division",
        benef="commuters in the Seoul metropolitan area",
        actions=["speed up construction of new express railway lines",
                 "introduce demand-responsive buses in rural areas",
                 "extend late-night bus routes to Seoul"],
        goals=["cut commuting times for residents",
               "improve public transportation in areas with few bus routes"],
        objs=["Construction of Express Railway Lines to Seoul",
              "Demand-responsive Buses in Rural Areas",
              "Late-night Bus Routes"],
        field_ko="교통", program_ko="광역급행철도", dept_ko="철도정책과",
        benef_ko="수도권 출퇴근 도민", short_ko="교통개선"),
    dict(
        field="agriculture", program="Gyeonggi Smart Farm", abbr="GSF", dept="Agricultural Policy Division",
        benef="young farmers and farming households",
        actions=["build smart farms that use sensors and automated systems",
                 "supply eco-friendly school meals made with local produce",
                 "provide basic income to farmers in the province"],
        goals=["secure a new generation of farmers",
               "raise the income of farming households"],
        objs=["Smart Farms for Young Farmers",
              "Eco-friendly School Meals with Local Produce",
              "Farmers' Basic Income Program in Yeoncheon"],
        field_ko="농업", program_ko="경기 스마트팜", dept_ko="농업정책과",
        benef_ko="청년 농업인과 농가", short_ko="스마트팜"),
    dict(
        field="culture and tourism", program="Gyeonggi Tourism Week", abbr="GTW", dept="Tourism Division",
        benef="domestic and foreign tourists",
        actions=["hold cultural festivals near the DMZ",
                 "launch walking tours of historic sites in the province",
                 "support local museums and art galleries"],
        goals=["attract more tourists to the province",
               "revitalize local economies through tourism"],
        objs=["DMZ Peace Festival with Concerts and Walking Tours",
              "Tours of Historic Sites including Hwaseong Fortress",
              "Support for Local Museums and Galleries"],
        field_ko="문화관광", program_ko="경기 관광주간", dept_ko="관광산업과",
        benef_ko="국내외 관광객", short_ko="관광활성화"),
    dict(
        field="semiconductors", program="Gyeonggi Semiconductor Cluster", abbr="GSC",
        dept="Industrial Policy Division", benef="semiconductor companies and their suppliers",
        actions=["build a semiconductor industrial cluster in the southern part of the province",
                 "train engineers for the semiconductor industry",
                 "help small suppliers develop materials, parts and equipment"],
        goals=["keep the province at the heart of the global chip industry",
               "create high-paying jobs for young engineers"],
        objs=["Semiconductor Cluster in Yongin and Pyeongtaek",
              "Training Program for Semiconductor Engineers",
              "Support for Small Suppliers of Materials, Parts and Equipment"],
        field_ko="반도체", program_ko="경기 반도체 클러스터", dept_ko="산업정책과",
        benef_ko="반도체 기업과 협력업체", short_ko="반도체"),
    dict(
        field="welfare", program="Gyeonggi Youth Basic Income", abbr="YBI", dept="Welfare Policy Division",
        benef="24-year-old residents and elderly people living alone",
        actions=["pay basic income to young residents in local currency",
                 "provide care services to elderly people living alone",
                 "expand support for people with disabilities"],
        goals=["build a safety net that leaves no resident behind",
               "support the independence of young people"],
        objs=["Youth Basic Income for 24-year-old Residents",
              "Care Services for Elderly People Living Alone",
              "Support for People with Disabilities"],
        field_ko="복지", program_ko="경기 청년기본소득", dept_ko="복지정책과",
        benef_ko="만 24세 청년과 홀몸 어르신", short_ko="복지"),
]

EN_TITLE_TEMPLATES = [
    "Gyeonggi-do to Strengthen {obj}",
    "Gyeonggi-do to Expand {obj}",
    "Gyeonggi-do Launches {obj} in {n} Cities and Counties",
    "{governor} Announces Plans for {obj}",
    "Gyeonggi-do and {partner_region} Agree to Cooperate on {field_t}",
    "{city} Selected for {program}",
    "{program} Draws {count:,} Applicants",
    "Gyeonggi-do Hosts {program} Forum in {city}",
    "Gyeonggi-do Expands {field_t} Support",
    "Gyeonggi-do Signs MOU with {partner_region} to Promote {field_t} and Exchanges between Residents",
    "Applications Open for {obj}",
]

EN_LEAD = [
    "Gyeonggi-do announced on {md_pub} that it will {action} in an effort to {goal}.",
    "Gyeonggi-do will {action} this year, the provincial government said on {md_pub}, explaining that the plan is intended to {goal}.",
    "From {md} to {md_end}, officials from Gyeonggi-do visited {partner_region} in {partner_country} to {action} and to discuss ways to {goal}.",
]
EN_BODY = [
    "The program will be carried out in {n} cities and counties, including {city} and {city2}, with a total budget of {budget} billion won funded by the province and local governments.",
    "Under the plan, the {dept} will {action} and review the results with experts, residents and civic groups at the end of the year.",
    "The province has been working with {partner_region} in {partner_country} since {since}, and the two sides have signed agreements on {field} and on exchanges between young people.",
    "About {count:,} residents are expected to benefit from the program, which gives priority to {benef} who have had difficulty receiving support in the past.",
    "Applications can be submitted through the Gyeonggi-do website or at the local community service centers of each city and county until {md2}.",
    "In the first half of the year, the province held briefing sessions in {city} and {city2} to listen to the opinions of {benef} and reflected their suggestions in the final plan.",
    "The {program} was introduced in {since} and has since become one of the most popular policies of the province, according to a survey of residents conducted last year.",
    "Participants toured facilities in {city}, attended a conference on {field}, and shared their experiences with officials and experts from {partner_country}.",
    "The province plans to evaluate the performance of the program every six months and to expand it to more cities and counties if it proves effective.",
    "Experts who took part in the meeting said that cooperation between local governments is essential to {goal}, and they proposed a joint working group.",
]
EN_QUOTE = [
    "“We will {action} so that residents can feel the difference in their daily lives,” said {governor}. “Gyeonggi-do will continue to {goal}.”",
    "“This is an important step to {goal},” said an official from the {dept}. “We will work closely with the cities and counties to make sure the program reaches {benef}.”",
]
EN_CLOSE = [
    "Gyeonggi-do will continue to {action} and plans to announce additional measures in the second half of the year.",
    "More information is available from the {dept} of Gyeonggi-do or on the provincial government website.",
    "The province expects the program to {goal} and will share the results with other local governments across the country.",
]

KO_TITLE_TEMPLATES = [
    "경기도, {program_ko} 본격 추진",
    "경기도, 도내 {n}개 시군 {benef_ko} 대상 {short_ko} 사업 시행",
    "경기도, {partner_region_ko}[와] {field_ko} 분야 업무협약 체결",
    "{city_ko}·{city2_ko} 등 {n}곳 {program_ko} 대상지 선정",
    "경기도 {dept_ko}, {short_ko} 정책 도민 의견 수렴을 위한 토론회 개최",
    "{governor_ko}, {field_ko} 현장 점검…“도민 체감 정책 마련하라”",
    "경기도, {year}년 {short_ko} 예산 {budget}억 원 투입",
]
KO_LEAD = [
    "경기도가 {benef_ko}[을] 대상으로 {program_ko} 사업을 본격 추진한다.",
    "경기도는 {md_ko} {city_ko}에서 ‘{program_ko} 추진 보고회’[을] 개최했다고 {pub_ko} 밝혔다.",
    "경기도는 {partner_country_ko} {partner_region_ko}[와] {field_ko} 분야 교류 협력을 강화하기로 했다고 {pub_ko} 밝혔다.",
]
KO_BODY = [
    "이번 사업은 도내 {n}개 시군의 {benef_ko}[을] 대상으로 하며, 총 {budget}억 원의 예산이 투입된다.",
    "도는 {year2}년까지 {short_ko} 지원 대상을 단계적으로 확대하고, 시군과 협력해 현장 중심의 지원 체계를 마련할 계획이다.",
    "신청은 {md2_ko}까지 경기도 누리집 또는 해당 시군 담당 부서를 통해 할 수 있으며, 자세한 내용은 공고문에서 확인할 수 있다.",
    "앞서 도는 지난해 {city_ko}[와] {city2_ko}에서 시범사업을 추진해 {count:,}여 명에게 혜택을 제공한 바 있다.",
    "이날 행사에는 도와 시군 관계자, 관련 분야 전문가 등 {n2}여 명이 참석해 사업 추진 현황을 공유하고 개선 방안을 논의했다.",
    "도는 {since}년부터 {partner_region_ko}[와] 우호 협력 관계를 맺고 {field_ko}, 청소년, 문화 등 다양한 분야에서 교류를 이어오고 있다.",
    "도는 사업 성과를 매년 평가해 효과가 큰 분야를 중심으로 지원을 늘리고, 도민 의견을 반영해 제도를 보완할 방침이다.",
    "특히 올해는 그동안 지원을 받지 못했던 사각지대를 발굴하는 데 중점을 두고, 읍면동 행정복지센터와 협력해 대상자를 적극 찾아낼 계획이다.",
]
KO_QUOTE = [
    "{dept_ko} 관계자는 “이번 사업이 {benef_ko}에게 실질적인 도움이 되기를 기대한다”라며 “앞으로도 도민이 체감할 수 있는 정책을 지속적으로 발굴하겠다”고 말했다.",
    "{governor_ko}[은] “{field_ko} 분야에서 경기도가 대한민국을 선도할 수 있도록 모든 행정력을 집중하겠다”고 강조했다.",
]
KO_CLOSE = [
    "자세한 사항은 경기도 {dept_ko}(031-8008-{tel})로 문의하면 된다.",
    "도는 하반기에도 관련 사업을 확대 추진할 예정이다.",
]

MIXED_EN_TERMS = [
    ("Gyeonggi International Cooperation Network", "GICN"),
    ("Medical Gyeonggi Conference", "MGC"),
    ("Global Startup Center", "GSC"),
    ("Gyeonggi Smart Farm Expo", "GSFE"),
    ("K-Content Fair", "KCF"),
    ("DMZ Peace Forum", "DPF"),
    ("Gyeonggi Business Center", "GBC"),
]
MIXED_ORGS = ["Asralt Med Hospital", "Korea University Ansan Hospital", "Pangyo Techno Valley",
              "Gyeonggi Business & Science Accelerator", "KOTRA", "Samsung Electronics",
              "SK hynix", "Hanoi University of Science and Technology", "Seattle Chamber of Commerce"]
MIXED_TITLE_TEMPLATES = [
    "경기도, {partner_region}서 {term} ({abbr}) 회의 개최",
    "경기도, {term} 참가 기업 {n}곳 모집",
    "경기도-{org}, {field_ko} 분야 MOU 체결",
    "{term} 성료…{partner_region} 등 {n}개국 참여",
]
MIXED_SENTENCES = [
    "경기도는 {md_ko} {term} ({abbr}) 회의를 {partner_region}에서 개최했다.",
    "이번 행사에는 {org}, {org2} 등 {n}개 기관 관계자가 참석해 {field_ko} 분야 협력 방안을 논의했다.",
    "도는 {term} 참여 기관을 올해 {n2}곳으로 늘리고, {partner_region} 현지에 협력 창구를 운영할 계획이다.",
    "{org} 관계자는 “경기도와의 협력을 통해 {field_ko} 분야에서 실질적인 성과를 기대한다”고 말했다.",
    "행사 기간 동안 참가자들은 {city_ko}에 있는 {org2} 시설을 방문하고 {field_ko} 현장을 둘러봤다.",
    "도는 {term} 결과를 바탕으로 {partner_country_ko} 등 해외 지역과의 교류를 확대하고, 도내 기업의 해외 진출을 적극 지원할 방침이다.",
]

EN_AUTHORS = ["관리자"] * 6 + ["gg_mgr"]
KO_AUTHORS = ["대변인실", "홍보기획관", "뉴스콘텐츠팀", "관리자"]

PDF_NAMES_EN = ["Gyeonggi_Press_Release_{ymd}.pdf", "{slug}_fact_sheet.pdf",
                "GG_English_Newsletter_{mon}{year}.pdf", "{slug}_{ymd}.pdf"]
HWP_NAMES_EN = ["Press_Release_{ymd}.hwp"]
PDF_NAMES_KO = ["{ymd}_보도자료.pdf", "붙임_{short_ko}_안내문.pdf"]
HWP_NAMES_KO = ["보도자료({short_ko}).hwp", "붙임_{program_ko}_추진계획.hwp", "{ymd}_보도자료({short_ko}).hwp"]

# Quirk articles: the regular article nearest to each date (English, no attachments preferred).
_QUIRK_TARGETS = (
    ("bad-date", datetime.date(2022, 2, 28)),
    ("malformed", datetime.date(2022, 9, 15)),
    ("no-views", datetime.date(2023, 3, 15)),
)

_JOSA_RE = re.compile(r"(.)([’”'\")]*)\[(을|이|은|와|으로)\]")
_JOSA = {"을": ("을", "를"), "이": ("이", "가"), "은": ("은", "는"), "와": ("과", "와"),
         "으로": ("으로", "로")}


def _josa(text: str) -> str:
    """Resolve ``word[을]`` markers to 을/를 (이/가, 은/는, 과/와, 으로/로) after the last syllable."""
    def pick(m: re.Match) -> str:
        ch, quotes, key = m.group(1), m.group(2), m.group(3)
        if "가" <= ch <= "힣":
            jong = (ord(ch) - 0xAC00) % 28
            closed = jong != 0 and not (key == "으로" and jong == 8)  # ㄹ takes 로
        else:
            closed = ch in "013678LMNRlmnr"
        return ch + quotes + _JOSA[key][0 if closed else 1]
    return _JOSA_RE.sub(pick, text)


def _body(rng: Random, v: dict, n_par: int, lead: list[str], body: list[str],
          quote: list[str], close: list[str]) -> list[str]:
    """``n_par`` paragraphs: lead, body sentences (each used once), maybe a quote, a closing line."""
    pool = [s.format(**v) for s in rng.sample(body, len(body))]
    paras = [rng.choice(lead).format(**v) + " " + pool.pop()]
    with_quote = rng.random() < 0.6
    middle = n_par - 2 - with_quote
    for i in range(middle):
        left = middle - i
        k = max(1, min(3, len(pool) // left)) if pool else 0
        if k == 0:
            break
        paras.append(" ".join(pool.pop() for _ in range(k)))
    if with_quote:
        paras.insert(min(2, len(paras)), rng.choice(quote).format(**v))
    paras.append(rng.choice(close).format(**v))
    return paras


def _governor(date: datetime.date) -> tuple[str, str]:
    if date < datetime.date(2021, 10, 26):
        return "Governor Lee Jae-myung", "이재명 경기도지사"
    if date < datetime.date(2022, 7, 1):
        return "Acting Governor Oh Byung-kwon", "오병권 경기도지사 권한대행"
    return "Governor Kim Dong-yeon", "김동연 경기도지사"


_SMALL_WORDS = {"and", "or", "of", "for", "in", "on", "to", "the", "a", "with"}


def _title_case(text: str) -> str:
    words = text.split()
    return " ".join(w if (i and w in _SMALL_WORDS) else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
                    for i, w in enumerate(words))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


# --------------------------------------------------------------------------- attachments

def _pdf_bytes(rng: Random, size: int, text: str) -> bytes:
    """A small, structurally valid one-page PDF, padded to about ``size`` bytes."""
    safe = re.sub(r"[^ -~]", "?", text).replace("\\", "").replace("(", "[").replace(")", "]")
    content = f"BT /F1 14 Tf 56 780 Td ({safe[:80]}) Tj ET".encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    pad = max(0, size - 900)
    objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (pad, rng.randbytes(pad)))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _hwp_bytes(rng: Random, size: int) -> bytes:
    """Bytes that look like an HWP 5.0 file (OLE compound document header, then noise)."""
    header = (_OLE_MAGIC + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00\x06\x00" + bytes(10))
    return header + rng.randbytes(max(0, size - len(header)))


# --------------------------------------------------------------------------- the board

class Board:
    """The whole replica board, generated from a seed.  See the module docstring."""

    per_page: int = 10

    def __init__(self, articles: int = 300, seed: int = 20220624, new: int = 0,
                 redesign: bool = False, attachment_every: int = 0, payloads: int = 0):
        """`new` adds that many articles after the newest, leaving the rest unchanged: the same
        board a few days later, for incremental crawls. `redesign` renders view pages with new
        markup for the date and the body, as a site that changed under the crawler.

        `attachment_every=N` (0: off) gives exactly every Nth regular article in id order (new
        ones included) one attachment and the others none; titles, bodies and dates stay those
        of the same board without it (quirks avoid articles with attachments, so they may move).
        `payloads=M` (with `attachment_every`; 0: every attachment has bytes of its own) makes
        those attachments share M distinct payloads, each attachment carrying one picked by a
        hash of its article id, under its own URL: repeated payloads, as a board that attaches
        the same forms to many articles. Picked so, rather than in turn, first uses of payloads
        keep turning up all along a crawl. The defaults change nothing."""
        self.redesign = redesign
        if articles < 4:
            raise ValueError("a board needs at least 4 regular articles (sample + 3 quirks)")
        if attachment_every < 0 or payloads < 0 or (payloads and not attachment_every):
            raise ValueError("attachment_every and payloads must be >= 0, payloads only with "
                             "attachment_every")
        self.attachment_every, self.payloads = attachment_every, payloads
        self._payloads = _shared_payloads(seed, payloads)
        self.seed = seed
        self.sample = load_sample()
        rng = Random(seed)

        # 1. slots: (date, tie-break, language, is_sample), spread evenly over the 36 months
        slots = []
        for i in range(articles - 1):
            y, m = divmod(START_MONTH[0] * 12 + START_MONTH[1] - 1 + i * MONTHS_SPAN // (articles - 1), 12)
            m += 1
            last_day = (datetime.date(y + m // 12, m % 12 + 1, 1) - datetime.timedelta(days=1)).day
            date = datetime.date(y, m, rng.randint(1, last_day))
            r = rng.random()
            lang = "en" if r < 0.65 else "ko" if r < 0.90 else "mixed"
            slots.append((date, rng.random(), lang, False))
        slots.append((self.sample.date, rng.random(), "en", True))
        slots.sort(key=lambda s: (s[0], s[1]))

        # 2. content, in id (= date) order
        used_paths: set[str] = set()
        ascending: list[BoardArticle] = []
        for k, (date, _, lang, is_sample) in enumerate(slots):
            aid = FIRST_ID + k
            if is_sample:
                s = self.sample
                art = BoardArticle(aid, s.title, s.author, s.date, s.views, s.paragraphs, "en",
                                   (), False, None)
                self.sample_id = aid
            else:
                art = self._generate(rng, aid, date, lang, used_paths)
            ascending.append(art)
        if attachment_every:   # before the quirks, which prefer articles without attachments
            ascending = [self._every_nth(a, k, used_paths) for k, a in enumerate(ascending)]

        # 3. quirks, one each
        taken = {self.sample_id}
        quirk_ids: dict[str, int] = {}
        for quirk, target in _QUIRK_TARGETS:
            def rank(a: BoardArticle) -> tuple:
                return (a.language != "en", bool(a.attachments), a.date.month != target.month,
                        abs((a.date - target).days), -a.id)
            best = min((a for a in ascending if a.id not in taken), key=rank)
            taken.add(best.id)
            quirk_ids[quirk] = best.id
            idx = best.id - FIRST_ID
            ascending[idx] = replace(best, quirk=quirk)
        self.malformed_id = quirk_ids["malformed"]
        self.no_views_id = quirk_ids["no-views"]
        self.bad_date_id = quirk_ids["bad-date"]

        notices = self._notices(rng, used_paths)
        later = Random(seed + 1)
        newest = ascending[-1]
        for k in range(new):
            date = newest.date + datetime.timedelta(days=1 + k // 3)
            lang = "en" if later.random() < 0.65 else "ko"
            article = self._generate(later, newest.id + 1 + k, date, lang, used_paths)
            if attachment_every:
                article = self._every_nth(article, len(ascending), used_paths)
            ascending.append(article)

        self.articles: list[BoardArticle] = ascending[::-1]
        self.notices: list[BoardArticle] = notices
        self.by_id: dict[int, BoardArticle] = {a.id: a for a in self.notices}
        self.by_id.update((a.id, a) for a in ascending)
        self._position = {a.id: i for i, a in enumerate(self.articles)}
        self.attachments: dict[str, Attachment] = {
            att.url_path: att for a in self.by_id.values() for att in a.attachments}

    # ---------------------------------------------------------------- queries

    def page_count(self) -> int:
        return max(1, -(-len(self.articles) // self.per_page))

    def listing_page(self, n: int) -> list[BoardArticle]:
        """Regular (non-notice) rows of listing page ``n`` (1-based); [] when out of range."""
        if n < 1:
            return []
        return self.articles[(n - 1) * self.per_page: n * self.per_page]

    def months(self) -> list[str]:
        return sorted({f"{a.date:%Y-%m}" for a in self.articles})

    def running_number(self, article_id: int) -> int:
        """The listing ``No`` of a regular article: total count for the newest, 1 for the oldest."""
        return len(self.articles) - self._position[article_id]

    def page_of(self, article_id: int) -> int:
        """Listing page on which a regular article appears."""
        return self._position[article_id] // self.per_page + 1

    def older(self, article_id: int) -> BoardArticle | None:
        i = self._position.get(article_id)
        return self.articles[i + 1] if i is not None and i + 1 < len(self.articles) else None

    def newer(self, article_id: int) -> BoardArticle | None:
        i = self._position.get(article_id)
        return self.articles[i - 1] if i else None

    def __repr__(self) -> str:
        return f"Board(articles={len(self.articles)}, seed={self.seed})"

    # ---------------------------------------------------------------- generation

    def _generate(self, rng: Random, aid: int, date: datetime.date, lang: str,
                  used_paths: set[str]) -> BoardArticle:
        topic = rng.choice(TOPICS)
        country, region, country_ko, region_ko = rng.choice(PARTNERS)
        (city, city_ko), (city2, city2_ko) = rng.sample(CITIES, 2)
        gov, gov_ko = _governor(date)
        later = date + datetime.timedelta(days=rng.randint(7, 40))
        earlier = date - datetime.timedelta(days=rng.randint(4, 9))
        event_end = earlier + datetime.timedelta(days=rng.randint(1, 3))
        term, abbr = rng.choice(MIXED_EN_TERMS)
        org, org2 = rng.sample(MIXED_ORGS, 2)
        v = dict(
            topic, action=rng.choice(topic["actions"]), goal=rng.choice(topic["goals"]),
            obj=rng.choice(topic["objs"]), field_t=_title_case(topic["field"]),
            partner_country=country, partner_region=region,
            partner_country_ko=country_ko, partner_region_ko=region_ko,
            city=city, city2=city2, city_ko=city_ko, city2_ko=city2_ko,
            governor=gov, governor_ko=gov_ko,
            md=f"{MONTH_NAMES[earlier.month - 1]} {earlier.day}",
            md2=f"{MONTH_NAMES[later.month - 1]} {later.day}",
            md_end=f"{MONTH_NAMES[event_end.month - 1]} {event_end.day}",
            md_pub=f"{MONTH_NAMES[date.month - 1]} {date.day}", pub_ko=f"{date.month}월 {date.day}일",
            md_ko=f"{earlier.month}월 {earlier.day}일", md2_ko=f"{later.month}월 {later.day}일",
            n=rng.randint(3, 31), n2=rng.randint(20, 300), count=rng.randrange(500, 60000, 10),
            budget=rng.randint(5, 950), since=rng.randint(1998, 2019), year=date.year,
            year2=date.year + rng.randint(1, 4), tel=rng.randint(2000, 4999),
            term=term, abbr=abbr, org=org, org2=org2,
        )

        if lang == "en":
            subject = rng.choice(EN_TITLE_TEMPLATES).format(**v)
            title = bulletin_prefix(date) + subject
            author = rng.choice(EN_AUTHORS)
            n_par = rng.randint(3, 8)
            repeat_subject = rng.random() < 0.3   # like the sample: body opens with the subject line
            paras = _body(rng, v, n_par - repeat_subject, EN_LEAD, EN_BODY, EN_QUOTE, EN_CLOSE)
            if repeat_subject:
                paras.insert(0, subject)
        elif lang == "ko":
            title = _josa(rng.choice(KO_TITLE_TEMPLATES).format(**v))
            author = rng.choice(KO_AUTHORS)
            n_par = rng.randint(3, 8)
            paras = [_josa(p) for p in _body(rng, v, n_par, KO_LEAD, KO_BODY, KO_QUOTE, KO_CLOSE)]
        else:  # mixed: Korean sentences carrying English names and terms
            title = rng.choice(MIXED_TITLE_TEMPLATES).format(**v)
            author = rng.choice(KO_AUTHORS)
            mixed = [MIXED_SENTENCES[0]] + rng.sample(MIXED_SENTENCES[1:], rng.randint(2, 4))
            korean = rng.sample(KO_BODY, len(mixed))
            paras = [_josa(f"{m} {k}".format(**v)) for m, k in zip(mixed, korean)]
            paras.append(_josa(rng.choice(KO_CLOSE).format(**v)))

        views = int(rng.expovariate(1 / 350)) + rng.randint(3, 60)
        if rng.random() < 0.04:
            views = rng.randint(1000, 25000)

        attachments: tuple[Attachment, ...] = ()
        if rng.random() < 0.2:
            attachments = tuple(self._attachment(rng, date, lang, v, used_paths, title)
                                for _ in range(1 if rng.random() < 0.8 else 2))
        return BoardArticle(aid, title, author, date, views, tuple(paras), lang, attachments,
                            False, None)

    def _attachment(self, rng: Random, date: datetime.date, lang: str, v: dict,
                    used_paths: set[str], title: str) -> Attachment:
        pdf = rng.random() < (0.75 if lang == "en" else 0.3)
        if lang == "en":
            pattern = rng.choice(PDF_NAMES_EN if pdf else HWP_NAMES_EN)
        else:
            pattern = rng.choice(PDF_NAMES_KO if pdf else HWP_NAMES_KO)
        name = pattern.format(ymd=f"{date:%Y%m%d}", slug=_slug(v["field"]).capitalize(),
                              mon=MONTH_ABBR[date.month - 1].capitalize(), year=date.year,
                              short_ko=v["short_ko"], program_ko=v["program_ko"].replace(" ", ""))
        size = rng.randint(2 * 1024, 40 * 1024)
        data = _pdf_bytes(rng, size, title) if pdf else _hwp_bytes(rng, size)
        return _make_attachment(name, date, "application/pdf" if pdf else "application/x-hwp",
                                data, used_paths)

    def _every_nth(self, article: BoardArticle, position: int, used_paths: set[str]) -> BoardArticle:
        """`article`, at `position` (0-based, id order) among the regular articles, with one
        attachment if it is an Nth one (`attachment_every`), else none."""
        every = self.attachment_every
        if (position + 1) % every:
            return replace(article, attachments=()) if article.attachments else article
        if self._payloads:
            pdf, data = self._payloads[stable_hash(f"payload:{article.id}") % len(self._payloads)]
        else:   # bytes of its own, the same for this article whatever the board's size
            own = Random(f"{self.seed}:attachment:{article.id}")
            pdf = own.random() < 0.5
            size = own.randint(2 * 1024, 40 * 1024)
            data = _pdf_bytes(own, size, article.title) if pdf else _hwp_bytes(own, size)
        if article.language == "en":
            name = f"Press_Release_{article.date:%Y%m%d}_{article.id}.{'pdf' if pdf else 'hwp'}"
        else:
            name = f"{article.date:%Y%m%d}_보도자료_{article.id}.{'pdf' if pdf else 'hwp'}"
        attachment = _make_attachment(name, article.date, "application/pdf" if pdf else "application/x-hwp",
                                      data, used_paths)
        return replace(article, attachments=(attachment,))

    def _notices(self, rng: Random, used_paths: set[str]) -> list[BoardArticle]:
        n1 = BoardArticle(
            NOTICE_IDS[0], "Gyeonggi-do English News Now Publishes a Monthly Bulletin of Provincial Press Releases",
            "관리자", datetime.date(2021, 1, 4), 1234,
            ("From January 2021, the English news board of Gyeonggi-do publishes a monthly bulletin that collects the most important press releases of the provincial government.",
             "Each bulletin title starts with the month and year of the issue, for example [JAN. 2021], so that readers can easily find the news of a given month.",
             "Readers who have questions about the bulletin or who would like to suggest topics are welcome to contact the Gyeonggi-do Public Relations Office."),
            "en", (), True, None)
        guide = _make_attachment("Subscription_Guide_Gyeonggi_English_News.pdf",
                                 datetime.date(2021, 1, 11), "application/pdf",
                                 _pdf_bytes(rng, 6 * 1024, "Subscription guide"), used_paths)
        n2 = BoardArticle(
            NOTICE_IDS[1], "How to Subscribe to the Gyeonggi-do English Newsletter and Receive Bulletins by E-mail",
            "관리자", datetime.date(2021, 1, 11), 3_021,
            ("Residents, foreign nationals and anyone interested in Gyeonggi-do can subscribe to the English newsletter free of charge through the provincial government website.",
             "Subscribers receive the monthly bulletin by e-mail together with information about events, festivals and support programs for foreign residents in the province.",
             "The attached guide explains the subscription process step by step."),
            "en", (guide,), True, None)
        return [n1, n2]


def _shared_payloads(seed: int, count: int) -> list[tuple[bool, bytes]]:
    """`count` distinct attachment payloads, (is PDF, bytes): PDF and HWP in turn, 8-40 KB."""
    rng = Random(f"{seed}:payloads")
    payloads = []
    for k in range(count):
        size = rng.randint(8 * 1024, 40 * 1024)
        pdf = k % 2 == 0
        data = _pdf_bytes(rng, size, f"Shared attachment {k + 1}") if pdf else _hwp_bytes(rng, size)
        payloads.append((pdf, data))
    return payloads


def _make_attachment(name: str, date: datetime.date, content_type: str, data: bytes,
                     used_paths: set[str]) -> Attachment:
    """Build an attachment under /wp-content/uploads/YYYY/MM/, renaming like WordPress (-2, -3)."""
    stem, dot, ext = name.rpartition(".")
    candidate, k = name, 1
    while True:
        path = f"/wp-content/uploads/{date:%Y}/{date:%m}/{quote(candidate, safe='')}"
        if path not in used_paths:
            used_paths.add(path)
            return Attachment(candidate, path, content_type, data)
        k += 1
        candidate = f"{stem}-{k}{dot}{ext}"


def stable_hash(value: object) -> int:
    """A process-independent hash (``hash()`` of str is salted per process)."""
    return zlib.crc32(str(value).encode("utf-8"))
