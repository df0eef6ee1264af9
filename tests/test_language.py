import pytest

from scraper.language import detect_language, hangul_share, language_problem

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
