"""The posts every replica site renders: Korean press releases with the quirks real boards have.

Built from the Gyeonggi replica board's generator (scraper/replica/board.py): its Korean and mixed
articles, re-dated with a time of day, given departments and phone numbers, and a few quirks:
two pinned notices, one secret post (listed without a link), one post whose view count runs to
millions (printed `3,623,361`), attachments with Korean file names (.hwp, .pdf).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from random import Random

from ..board import Board

DEPARTMENTS = (
    ("대변인실", "054-880-4325"), ("보건환경연구원 감염병연구부 감염병조사과", "054-339-8233"),
    ("노인건강과", "061-240-8940"), ("관광과", "061-430-3224"), ("일자리경제과", "061-430-3302"),
    ("기획예산담당관", "02-2100-1234"), ("농업정책과", "054-880-3512"), ("해양수산과", "061-240-8621"),
)
PERSONS = ("황희영", "김민수", "이서연", "박지훈", "최유진", "정하늘")
HUGE_VIEWS = 3_623_361


@dataclass(frozen=True)
class PostFile:
    name: str                  # as printed and as sent in Content-Disposition
    data: bytes
    content_type: str


@dataclass(frozen=True)
class Post:
    id: int
    title: str
    author: str | None         # a person, or None where the board prints only a department
    department: str
    phone: str
    posted: datetime.datetime  # Korea time, naive
    views: int
    paragraphs: tuple[str, ...]
    files: tuple[PostFile, ...]
    notice: bool = False
    secret: bool = False


def posts(articles: int = 40, seed: int = 7, first_id: int = 5000, id_step: int = 1) -> list[Post]:
    """`articles` regular posts newest first, then the notices and the secret post are mixed in
    by the caller's listing (see `listing_order`). Deterministic for (articles, seed)."""
    board = Board(articles=max(4, articles * 4), seed=seed)
    rng = Random(seed)
    korean = [a for a in reversed(board.articles) if a.language != "en" and a.quirk is None][:articles]
    out = []
    for k, article in enumerate(korean):
        dept, phone = rng.choice(DEPARTMENTS)
        posted = datetime.datetime.combine(article.date, datetime.time(rng.randint(8, 18),
                                                                      rng.randint(0, 59), rng.randint(0, 59)))
        files = tuple(PostFile(att.filename, att.data, att.content_type) for att in article.attachments)
        out.append(Post(first_id + k * id_step, article.title, rng.choice(PERSONS), dept, phone, posted,
                        HUGE_VIEWS if k == 3 else article.views, article.paragraphs, files))
    out.sort(key=lambda p: p.posted, reverse=True)
    return out


def notices(first_id: int = 100) -> list[Post]:
    posted = datetime.datetime(2021, 1, 4, 9, 0, 0)
    return [
        Post(first_id, "[공지] 보도자료 게시판 이용 안내", "관리자", "대변인실", "054-880-4325", posted, 15_230,
             ("보도자료 게시판은 도정 소식을 신속하게 알리기 위해 운영됩니다.",
              "게시물의 무단 전재 및 재배포를 금지합니다."), (), notice=True),
        Post(first_id + 1, "[공지] 개인정보 처리방침 개정 안내", "관리자", "대변인실", "054-880-4325",
             posted + datetime.timedelta(days=7), 8_113,
             ("개인정보 처리방침이 개정되어 안내드립니다.", "자세한 내용은 첨부파일을 참고하시기 바랍니다."),
             (), notice=True),
    ]


def secret(post_id: int, posted: datetime.datetime) -> Post:
    return Post(post_id, "비공개 글입니다.", None, "대변인실", "054-880-4325", posted, 0,
                ("비공개",), (), secret=True)
