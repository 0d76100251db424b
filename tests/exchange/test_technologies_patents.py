"""Russian patent numbers: every way people type them is written one way; anything else is
refused naming the rule."""

from __future__ import annotations

import pytest
from django.utils import translation

from innocluster.exchange.catalogue_patents import check_patent_numbers, normalise_patent_number


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("RU 2712345 C1", "RU 2712345 C1"),
        ("2712345", "RU 2712345"),
        ("RU2712345", "RU 2712345"),
        ("ru2712345c2", "RU 2712345 C2"),
        ("№ 2 712 345", "RU 2712345"),
        ("RU 2712345С1", "RU 2712345 C1"),  # a Cyrillic С typed for the Latin C
        ("RU 212345 U1", "RU 212345 U1"),
        ("212345", "RU 212345"),
        ("RU-212345-U1", "RU 212345 U1"),
    ],
)
def test_accepted_numbers_are_normalised(typed, kept):
    assert normalise_patent_number(typed) == (kept, "")


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("", "7 digits beginning with 2"),
        ("12345678", "7 digits beginning with 2"),
        ("1712345", "7 digits beginning with 2"),
        ("RU 21234 U1", "6 digits"),
        ("RU 212345 C1", "7 digits beginning with 2"),
        ("RU 2712345 B1", "unknown kind code B1"),
        ("US 9712345", "only Russian patents"),
        ("патент", "7 digits beginning with 2"),
    ],
)
@translation.override("en")  # the refusal is read in English
def test_refused_numbers_say_the_rule(typed, rule):
    kept, problem = normalise_patent_number(typed)
    assert kept == "" and rule in problem


def test_a_list_names_each_bad_number_and_each_repeat():
    numbers, errors = check_patent_numbers(["RU 2712345 C1", "abc", "2712345", "RU 212345 U1"])
    assert numbers == ["RU 2712345 C1", "RU 212345 U1"]
    assert [(e.field, e.code) for e in errors] == [
        ("patent_numbers[1]", "invalid_patent_number"),
        ("patent_numbers[2]", "duplicate"),
    ]
    assert "“abc”" in errors[0].message


def test_a_text_of_numbers_one_a_line_or_by_commas():
    numbers, errors = check_patent_numbers("RU 2712345 C1\n2798765, RU 212345 U1")
    assert numbers == ["RU 2712345 C1", "RU 2798765", "RU 212345 U1"] and not errors


def test_not_a_list():
    numbers, errors = check_patent_numbers(2712345)
    assert numbers == [] and errors[0].field == "patent_numbers" and errors[0].code == "type"
