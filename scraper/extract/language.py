"""Deterministic language detection: seeded langdetect plus a Hangul-share rule.

langdetect alone calls mixed Korean/English text `en` and is random unless seeded, so Korean
is decided first by the share of Hangul among words, without langdetect. Text that could not be
decoded (replacement characters, bytes read in the wrong charset) is judged to be in no language:
langdetect would name one with certainty (a page of U+FFFD is "Bengali, 1.0").

Other text goes to langdetect's method on its first SAMPLE_CHARS characters, with its profiles
and a fixed seed, but not through its Detector: `_Langdetect` gives the very same answer (the same
n-grams in the same order, the same random draws, the same float operations; the tests compare
the two) five to six times faster (the 1,832 articles of the replica board: 1.9 s, not 10.9 s).
langdetect reads text a character at a time, through a Unicode-block lookup per character; here
each character is normalized once per process and the n-grams of each word once per process too,
and the five draws between two normalizations update the 55 probabilities in one pass.
"""

from __future__ import annotations

import random
import re

from langdetect import DetectorFactory
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.ngram import NGram

DetectorFactory.seed = 0

HANGUL_SHARE_KO = 0.3  # of words; English text quoting a Korean name stays far below
SAMPLE_CHARS = 2000  # langdetect converges long before this; keeps long bodies cheap
# Of the characters that are not white space: more replacement characters (U+FFFD) than this and
# the text is undecodable; more Latin-1 letters and signs than this (U+0080-U+00FF: "ÇÑ±¹¾î" is
# 한국어 in EUC-KR read as Latin-1) and it is mojibake. French or German prose stays far below.
REPLACEMENT_SHARE = 0.01
LATIN1_SHARE = 0.3

_HANGUL = re.compile("[\uac00-\ud7a3\u3130-\u318f]")
_LATIN1 = re.compile("[\x80-\xff]")


def _has_hangul(word: str) -> bool:
    return _HANGUL.search(word) is not None


def hangul_share(text: str) -> float:
    """Share of words holding Hangul. Words, not letters: in mixed prose the English names are
    long while every Korean sentence ends in a short Hangul predicate or particle."""
    if _HANGUL.search(text) is None:
        return 0.0  # no word holds Hangul (and with no word at all the share is 0 too)
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    return sum(1 for w in words if _has_hangul(w)) / len(words) if words else 0.0


def language_problem(text: str | None) -> str | None:
    """Why the language of `text` cannot be judged though there is text, or None: undecodable
    text (replacement characters beyond 1%) or mojibake (Latin-1 characters beyond 30%)."""
    if not text:
        return None
    shown = len("".join(text.split()))  # str.split() and str.isspace() know the same spaces
    if not shown:
        return None
    replaced = text.count("\ufffd")
    if replaced > REPLACEMENT_SHARE * shown:
        return f"undecodable text ({replaced} replacement characters)"
    latin1 = len(_LATIN1.findall(text)) if not text.isascii() else 0
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
    best = _langdetect().best(sample)
    if best is None:
        return None, None
    lang, prob = best
    return lang, round(prob, 4)


class _Normalized(dict):
    """code point -> langdetect's normalized character (NGram.normalize), for str.translate:
    each character is looked up once per process."""

    def __missing__(self, code: int) -> str:
        value = self[code] = NGram.normalize(chr(code))
        return value


class _Langdetect:
    """langdetect's Detector.get_probabilities()[0], as (language, probability) or None, with
    its profiles, parameters and seed. Follows langdetect 1.0.9 step by step:
    append() (URLs and e-mail addresses out, Vietnamese normalized, cut at max_text_length, runs
    of spaces made one), cleaning_text(), _extract_ngrams(), _detect_block(), _sort_probability().
    """

    WORD_CACHE = 200_000  # words whose n-grams are kept; cleared when full

    def __init__(self, factory: DetectorFactory):
        detector = factory.create()
        self.langs = factory.langlist
        self.table = factory.word_lang_prob_map
        self.seed = detector.seed
        self.alpha, self.n_trial = detector.alpha, detector.n_trial
        self.max_text_length = detector.max_text_length
        self.normalized = _Normalized()
        self.words: dict[tuple[str, bool], list[str]] = {}

    def best(self, text: str) -> tuple[str, float] | None:
        ngrams = self.ngrams(self.cleaned(self.appended(text)))
        if not ngrams:
            return None  # langdetect: "No features in text"
        langprob = self.probabilities(ngrams)
        ranked = sorted(
            ((lang, p) for lang, p in zip(self.langs, langprob) if p > Detector.PROB_THRESHOLD),
            key=lambda pair: pair[1],
            reverse=True,
        )  # stable, as Language.__lt__ sorts
        return ranked[0] if ranked else None

    def appended(self, text: str) -> str:
        text = Detector.URL_RE.sub(" ", text)
        text = Detector.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        return _SPACE_RUNS.sub(" ", text[: self.max_text_length])

    @staticmethod
    def cleaned(text: str) -> str:
        """Latin letters out of a text mostly in another script. ('A' to 'z' takes in `[\\]^_` and
        the backquote, as langdetect's; and langdetect's exception for Latin Extended Additional
        compares a block number with a name, so it never holds: every character from U+0300 on
        counts as non-Latin.)"""
        if text.isascii():
            return text
        if len(_A_TO_Z.findall(text)) * 2 < len(_FROM_0300.findall(text)):
            return _A_TO_Z.sub("", text)
        return text

    def ngrams(self, text: str) -> list[str]:
        """_extract_ngrams(): the n-grams of each word between spaces (once normalized), a word
        closed by a space giving those that end with it. langdetect's NGram starts afresh after
        every space, so a word's n-grams depend on the word alone."""
        words = text.translate(self.normalized).split(" ")
        found: list[str] = []
        cache = self.words
        if len(cache) > self.WORD_CACHE:
            cache.clear()
        last = len(words) - 1
        for i, word in enumerate(words):
            if not word:
                continue
            key = (word, i < last)
            grams = cache.get(key)
            if grams is None:
                grams = cache[key] = self._word_ngrams(word + " " if i < last else word)
            found += grams
        return found

    def _word_ngrams(self, chars: str) -> list[str]:
        """NGram.add_char() and the n-gram loop of _extract_ngrams(), from a fresh NGram."""
        table, out = self.table, []
        grams, capital = " ", False
        for ch in chars:
            last = grams[-1]
            if last == " ":
                grams, capital = " ", False
                if ch == " ":
                    continue
            elif len(grams) >= NGram.N_GRAM:
                grams = grams[1:]
            grams += ch
            if ch.isupper():
                if last.isupper():
                    capital = True
            else:
                capital = False
            if capital:
                continue
            for n in range(1, NGram.N_GRAM + 1):
                if len(grams) < n:
                    break
                w = grams[-n:]
                if w != " " and w in table:
                    out.append(w)
        return out

    def probabilities(self, ngrams: list[str]) -> list[float]:
        """_detect_block() after the n-grams: n_trial random walks from the same seed. Each draw
        multiplies prob[j] by weight + row[j], and the walk is normalized (and may stop) after
        the first draw and every fifth after it; so the five draws between two normalizations
        are made in one pass, their products taken in the same order as langdetect's."""
        table, langs, limit = self.table, self.langs, Detector.ITERATION_LIMIT
        langprob = [0.0] * len(langs)
        rnd = random.Random()
        rnd.seed(self.seed)
        # rnd.choice(ngrams), inlined: ngrams[r] for the first r = getrandbits(k) below n, as
        # Random.choice and Random._randbelow_with_getrandbits draw it (the same stream).
        n, bits = len(ngrams), len(ngrams).bit_length()
        getrandbits = rnd.getrandbits

        def row() -> list[float]:
            r = getrandbits(bits)
            while r >= n:
                r = getrandbits(bits)
            return table[ngrams[r]]

        for _ in range(self.n_trial):
            alpha = self.alpha + rnd.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
            w = alpha / Detector.BASE_FREQ
            prob = [1.0 / len(langs) * (w + q) for q in row()]
            prob, top = _normalized(prob)
            drawn = 0
            while top <= Detector.CONV_THRESHOLD and drawn < limit:
                a, b, c, d, e = row(), row(), row(), row(), row()
                prob = [
                    p * (w + qa) * (w + qb) * (w + qc) * (w + qd) * (w + qe)
                    for p, qa, qb, qc, qd, qe in zip(prob, a, b, c, d, e)
                ]
                prob, top = _normalized(prob)
                drawn += 5
            for j, p in enumerate(prob):
                langprob[j] += p / self.n_trial
        return langprob


def _normalized(prob: list[float]) -> tuple[list[float], float]:
    total = sum(prob)
    prob = [p / total for p in prob]
    return prob, max(prob)


_SPACE_RUNS = re.compile(" {2,}")
_A_TO_Z = re.compile("[A-z]")
_FROM_0300 = re.compile("[\u0300-\U0010ffff]")
_DETECTOR: _Langdetect | None = None


def _langdetect() -> _Langdetect:
    """The detector, its profiles loaded on first use (about 0.3 s)."""
    global _DETECTOR
    if _DETECTOR is None:
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        _DETECTOR = _Langdetect(factory)
    return _DETECTOR
