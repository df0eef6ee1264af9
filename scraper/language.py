"""Deterministic language detection: seeded langdetect plus a Hangul-share rule.

langdetect alone calls mixed Korean/English text `en` and is random unless seeded, so Korean
is decided first by the share of Hangul among letters. Text that could not be decoded (replacement
characters, bytes read in the wrong charset) is judged to be in no language: langdetect would name
one with certainty (a page of U+FFFD is "Bengali, 1.0").
"""

from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

HANGUL_SHARE_KO = 0.3   # of words; English text quoting a Korean name stays far below
SAMPLE_CHARS = 2000     # langdetect converges long before this; keeps long bodies cheap
# Of the characters that are not white space: more replacement characters (U+FFFD) than this and
# the text is undecodable; more Latin-1 letters and signs than this (U+0080-U+00FF: "ÇÑ±¹¾î" is
# 한국어 in EUC-KR read as Latin-1) and it is mojibake. French or German prose stays far below.
REPLACEMENT_SHARE = 0.01
LATIN1_SHARE = 0.3


def _has_hangul(word: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u3130" <= ch <= "\u318f" for ch in word)


def hangul_share(text: str) -> float:
    """Share of words holding Hangul. Words, not letters: in mixed prose the English names are
    long while every Korean sentence ends in a short Hangul predicate or particle."""
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    if not words:
        return 0.0
    return sum(1 for w in words if _has_hangul(w)) / len(words)


def language_problem(text: str | None) -> str | None:
    """Why the language of `text` cannot be judged though there is text, or None: undecodable
    text (replacement characters beyond 1%) or mojibake (Latin-1 characters beyond 30%)."""
    if not text:
        return None
    shown = sum(1 for ch in text if not ch.isspace())
    if not shown:
        return None
    replaced = text.count("\ufffd")
    if replaced > REPLACEMENT_SHARE * shown:
        return f"undecodable text ({replaced} replacement characters)"
    latin1 = sum(1 for ch in text if "\x80" <= ch <= "\xff")
    if latin1 > LATIN1_SHARE * shown:
        return f"mojibake ({latin1} Latin-1 characters: bytes read in the wrong charset)"
    return None


def detect_language(text: str | None) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, probability), or (None, None) when there is nothing to judge or the text
    is undecodable (language_problem says why)."""
    if not text or not text.strip() or language_problem(text):
        return None, None
    sample = text[:SAMPLE_CHARS]
    share = hangul_share(sample)
    if share >= HANGUL_SHARE_KO:
        return "ko", round(share, 4)
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None, None
    return best.lang, round(best.prob, 4)
