from datetime import date

import pytest

from scraper.extract.fields import (count_problem, date_problem, parse_count, parse_date, parse_month, parse_size,
                            plausible, plausible_count, split_issue)


def test_issue_prefix_of_the_reference_bulletin():
    title = "[JUN. 2022] Gyeonggi-do to Strengthen International Cooperation Network between Korea and Mongolia"
    assert split_issue(title) == (
        "2022-06",
        "Gyeonggi-do to Strengthen International Cooperation Network between Korea and Mongolia",
    )


@pytest.mark.parametrize("title, month", [
    ("[DEC. 2021] Year-end", "2021-12"),
    ("[Sept 2023] Autumn", "2023-09"),
    ("[JAN.2024] Tight", "2024-01"),
])
def test_issue_prefix_variants(title, month):
    assert split_issue(title)[0] == month


@pytest.mark.parametrize("title", ["경기도, 국제협력 강화", "[Notice] Holiday hours", "[ABC. 2022] x", None])
def test_no_issue_prefix_gives_null_month_and_keeps_title(title):
    assert split_issue(title) == (None, title)


@pytest.mark.parametrize("text, expected", [
    ("2022-06-24", date(2022, 6, 24)),
    ("2026.05.13.", date(2026, 5, 13)),
    ("26-01-07", date(2026, 1, 7)),
    ("2025.12.10 ", date(2025, 12, 10)),
    ("2026-01-07 14:11:54", date(2026, 1, 7)),
    ("June 24, 2022", date(2022, 6, 24)),
    ("24 Jun 2022", date(2022, 6, 24)),
])
def test_date_forms_seen_on_boards(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2022-02-30", "", None, "yesterday", "2022-13-01"])
def test_impossible_or_absent_dates_are_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text, expected", [("87", 87), ("3,623,361", 3623361), (" 1,204 ", 1204),
                                            ("-", None), ("", None), (None, None), ("- 5", 5),
                                            ("조회 : -5", -5), ("\u22125", -5)])
def test_counts(text, expected):
    """A sign printed against the number is kept, for count_problem to refuse it."""
    assert parse_count(text) == expected


@pytest.mark.parametrize("count, problem", [
    (0, None), (87, None), (10**12, None), (None, None),
    (-5, "negative count (-5)"),
    (10**12 + 1, "implausible count (1000000000001 is more than 10^12)"),
    (2**63, "implausible count (9223372036854775808 is more than 10^12)"),  # beyond a BIGINT
])
def test_counts_that_cannot_be_a_view_count_are_refused_with_the_reason(count, problem):
    assert count_problem(count) == problem
    assert plausible_count(count) == (None if problem else count)


PAGE_DAY = date(2026, 12, 13)


@pytest.mark.parametrize("day, problem", [
    (date(2022, 6, 24), None), (date(1990, 1, 1), None), (None, None),
    (date(2026, 12, 14), None),  # a release dated the next morning
    (date(1900, 1, 1), "implausible date (1900-01-01 is before 1990-01-01)"),
    (date(1989, 12, 31), "implausible date (1989-12-31 is before 1990-01-01)"),
    (date(2026, 12, 15), "implausible date (2026-12-15 is more than a day after the page's date, 2026-12-13)"),
    (date(2099, 1, 1), "implausible date (2099-01-01 is more than a day after the page's date, 2026-12-13)"),
])
def test_dates_that_cannot_be_a_publication_date_are_refused_with_the_reason(day, problem):
    assert date_problem(day, PAGE_DAY) == problem


def test_plausible_judges_listing_dates_against_the_day_given():
    assert plausible(date(2026, 12, 14), PAGE_DAY)
    assert not plausible(date(2026, 12, 14), date(2026, 12, 12))
    assert not plausible(date(1900, 1, 1), PAGE_DAY)
    assert not plausible(None, PAGE_DAY)


def test_sizes():
    assert parse_size("(12.3 KB)") == round(12.3 * 1024)
    assert parse_size("2 MB") == 2 * 1024 * 1024
    assert parse_size("no size") is None


def test_month_argument():
    assert parse_month("2022-06") == date(2022, 6, 1)
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("June")


@pytest.mark.parametrize("title, month", [("[SEPT. 2023] x", "2023-09"), ("[JUNE 2022] x", "2022-06"),
                                          ("[jun. 2022] x", "2022-06")])
def test_issue_prefix_with_long_or_lower_case_month_names(title, month):
    assert split_issue(title) == (month, "x")


@pytest.mark.parametrize("text", ["24.06.2022", "No. 20220624", "tel 031-8008-2114"])
def test_day_first_dates_and_other_numbers_are_not_taken_for_dates(text):
    assert parse_date(text) is None


def test_one_month_parser_and_span_for_every_command():
    from storage.database.months import month_end, month_span

    assert month_end(date(2023, 12, 1)) == date(2023, 12, 31) and month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert month_span("2022-11", "2022-12") == (date(2022, 11, 1), date(2023, 1, 1))
    assert month_span(None, None) == (None, None)
    for since, until, message in (("2022-6", None, "--since: expected a month as YYYY-MM, got '2022-6'"),
                                  (None, "2022-13", "--until: expected a month as YYYY-MM, got '2022-13'"),
                                  ("2023-01", "2022-12", "--since 2023-01 is after --until 2022-12")):
        with pytest.raises(ValueError) as raised:
            month_span(since, until)
        assert str(raised.value) == message
