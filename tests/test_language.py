import pytest

from scraper.extract.language import detect_language, hangul_share, language_problem

ENGLISH = ("From June 8 to 10, medical staff from Gyeonggi-do visited Mongolia in Central Asia to identify "
           "ways to vitalize international healthcare networks during the post-COVID era.")
KOREAN = "경기도는 6월 8일부터 10일까지 몽골을 방문해 보건의료 국제협력 네트워크 강화 방안을 논의했다고 밝혔다."
MIXED = ("경기도는 6월 8일 Gyeonggi International Cooperation Network (GICN) 회의를 Ulaanbaatar에서 "
         "개최했다. Myongji Hospital, Korea University Ansan Hospital 등이 참여했다.")


def test_english_is_en_with_a_probability():
    lang, prob = detect_language(ENGLISH)
    assert lang == "en" and 0.9 < prob <= 1.0


def test_korean_is_ko():
    assert detect_language(KOREAN)[0] == "ko"


def test_mixed_korean_english_is_ko_where_langdetect_alone_says_en():
    assert hangul_share(MIXED) > 0.3
    assert detect_language(MIXED)[0] == "ko"
    assert {detect_language(MIXED) for _ in range(5)} == {detect_language(MIXED)}


def test_deterministic_on_short_ambiguous_text():
    assert len({detect_language("Suwon Korea") for _ in range(10)}) == 1


def test_nothing_to_judge():
    assert detect_language("") == (None, None)
    assert detect_language("2022 06 24") == (None, None)


def test_undecodable_text_is_in_no_language_with_the_reason():
    """A page of replacement characters was "Bengali, 1.0" to langdetect."""
    garbled = "Gyeonggi " + "\ufffd" * 40 + " " + "\ufffd\ufffd " * 30
    assert detect_language(garbled) == (None, None)
    assert language_problem(garbled) == "undecodable text (100 replacement characters)"


def test_a_stray_replacement_character_in_a_long_text_does_not_hide_its_language():
    text = ENGLISH * 3 + " \ufffd"
    assert language_problem(text) is None
    assert detect_language(text)[0] == "en"


@pytest.mark.parametrize("text", [KOREAN.encode("cp949").decode("latin-1"),
                                  KOREAN.encode("utf-8").decode("latin-1")])
def test_korean_read_in_the_wrong_charset_is_mojibake_not_a_language(text):
    assert detect_language(text) == (None, None)
    assert language_problem(text).startswith("mojibake (")


def test_text_with_a_few_accented_letters_is_judged():
    text = "The café in Suwon served crème brûlée and jalapeño dishes to visitors from Gyeonggi-do."
    assert language_problem(text) is None and detect_language(text)[0] == "en"


# Texts langdetect itself is asked about, in several scripts and shapes: the fast path must give
# its answer to the last digit (same n-grams, same random draws, same arithmetic).
LANGDETECT_TEXTS = [
    ENGLISH, ENGLISH * 20, MIXED, "Suwon Korea", "GYEONGGI PROVINCE NEWS TODAY", "Gyeonggi-do",
    "Le département de Gyeonggi a annoncé une coopération avec la ville de Lyon pour l'été.",
    "Die Provinz Gyeonggi und die Stadt München vereinbaren eine Zusammenarbeit über Kultur.",
    "La provincia de Gyeonggi firmó un acuerdo con Madrid sobre agricultura y educación.",
    "Tỉnh Gyeonggi đã ký thỏa thuận hợp tác với thành phố Hà Nội về nông nghiệp.",
    "京畿道は6月8日から10日までモンゴルを訪問し、保健医療の国際協力について話し合った。",
    "京畿道与蒙古乌兰巴托签署了农业合作协议，双方将加强交流。",
    "Провинция Кёнгидо подписала соглашение о сотрудничестве с Улан-Батором.",
    "จังหวัดคยองกีลงนามข้อตกลงความร่วมมือกับกรุงเทพฯ ด้านการเกษตร",
    "See https://english.gg.go.kr/blog/english-news/1057 or write to press@gg.go.kr today.",
    "Ça va?   Ñandú!\t\tșțی  ạả Ḁḁ — “quoted” words, 2022-06-24, [JUN. 2022] issue",
    "Москва Moscow Москва Moscow Москва", "x",
]


@pytest.mark.parametrize("text", LANGDETECT_TEXTS, ids=lambda t: t[:24])
def test_the_detector_answers_as_langdetect_does(text):
    from langdetect import detect_langs

    from scraper.extract.language import _langdetect

    best = detect_langs(text)[0]
    assert _langdetect().best(text) == (best.lang, best.prob)


def test_the_detector_answers_as_langdetect_does_on_mixed_fragments():
    """Pieces of the texts above cut and joined at random (seeded): other n-gram lists, other
    lengths, other numbers of draws."""
    import random

    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    from scraper.extract.language import _langdetect

    rng = random.Random(13)
    for _ in range(60):
        a, b = rng.choice(LANGDETECT_TEXTS), rng.choice(LANGDETECT_TEXTS)
        text = a[rng.randrange(len(a)):][:rng.randrange(1, 300)] + " " + b[:rng.randrange(1, 300)]
        try:
            ranked = detect_langs(text)
        except LangDetectException:   # no n-gram in the text
            ranked = []
        assert _langdetect().best(text) == ((ranked[0].lang, ranked[0].prob) if ranked else None), text


def test_long_text_is_judged_on_its_first_characters():
    from scraper.extract.language import SAMPLE_CHARS

    text = ENGLISH * 40 + " " + KOREAN * 200
    assert len(text[:SAMPLE_CHARS]) == SAMPLE_CHARS and hangul_share(text) > 0.3
    assert detect_language(text) == detect_language(text[:SAMPLE_CHARS])
    assert detect_language(text)[0] == "en"
