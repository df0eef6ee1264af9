"""Deterministic language detection: seeded langdetect plus a Hangul-share rule.

langdetect alone calls mixed Korean/English text `en` and is random unless seeded, so Korean
is decided first by the share of Hangul among letters.
"""

from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

HANGUL_SHARE_KO = 0.3   # of words; English text quoting a Korean name stays far below
SAMPLE_CHARS = 2000     # langdetect converges long before this; keeps long bodies cheap


def _has_hangul(word: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u3130" <= ch <= "\u318f" for ch in word)


def hangul_share(text: str) -> float:
    """Share of words holding Hangul. Words, not letters: in mixed prose the English names are
    long while every Korean sentence ends in a short Hangul predicate or particle."""
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    if not words:
        return 0.0
    return sum(1 for w in words if _has_hangul(w)) / len(words)


def detect_language(text: str | None) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, probability) or (None, None) when there is nothing to judge."""
    if not text or not text.strip():
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
