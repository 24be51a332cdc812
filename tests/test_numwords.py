"""Number-to-words readings (American English, no "and" inside numbers)."""

import pytest

from sonicpipe.numwords import cardinal, decimal, digits, fraction, ordinal, plural, year


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (20, "twenty"),
        (42, "forty-two"),
        (100, "one hundred"),
        (101, "one hundred one"),
        (999, "nine hundred ninety-nine"),
        (1000, "one thousand"),
        (1897, "one thousand eight hundred ninety-seven"),
        (13000, "thirteen thousand"),
        (1_000_001, "one million one"),
        (2_500_000_000, "two billion five hundred million"),
        (-40, "minus forty"),
        (10**33, "one decillion"),
    ],
)
def test_cardinal(n: int, words: str) -> None:
    assert cardinal(n) == words


def test_cardinal_beyond_the_named_scales_reads_digits() -> None:
    assert cardinal(10**40) == "one" + " zero" * 40


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "first"),
        (2, "second"),
        (3, "third"),
        (5, "fifth"),
        (8, "eighth"),
        (9, "ninth"),
        (12, "twelfth"),
        (20, "twentieth"),
        (21, "twenty-first"),
        (22, "twenty-second"),
        (100, "one hundredth"),
        (101, "one hundred first"),
        (1000, "one thousandth"),
    ],
)
def test_ordinal(n: int, words: str) -> None:
    assert ordinal(n) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1897, "eighteen ninety-seven"),
        (1900, "nineteen hundred"),
        (1905, "nineteen oh five"),
        (1066, "ten sixty-six"),
        (2000, "two thousand"),
        (2005, "two thousand five"),
        (2010, "twenty ten"),
        (2024, "twenty twenty-four"),
        (1777, "seventeen seventy-seven"),
        (476, "four seventy-six"),
        (800, "eight hundred"),
        (44, "forty-four"),
    ],
)
def test_year(n: int, words: str) -> None:
    assert year(n) == words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("3.14", "three point one four"),
        ("0.5", "zero point five"),
        (".5", "point five"),
        ("1,234.05", "one thousand two hundred thirty-four point zero five"),
        ("-2.5", "minus two point five"),
        ("12", "twelve"),
    ],
)
def test_decimal(text: str, words: str) -> None:
    assert decimal(text) == words


@pytest.mark.parametrize(
    ("num", "den", "words"),
    [
        (1, 2, "one half"),
        (3, 2, "three halves"),
        (1, 4, "one quarter"),
        (3, 4, "three quarters"),
        (2, 3, "two thirds"),
        (1, 8, "one eighth"),
        (5, 16, "five sixteenths"),
        (7, 20, "seven twentieths"),
        (3, 100, "three hundredths"),
        (1, 1000, "one thousandth"),
        (-1, 2, "minus one half"),
        (-3, 4, "minus three quarters"),
    ],
)
def test_fraction(num: int, den: int, words: str) -> None:
    assert fraction(num, den) == words


def test_digits_and_plural() -> None:
    assert digits("555-0199") == "five five five zero one nine nine"
    assert digits("0800", zero="oh") == "oh eight oh oh"
    assert digits("x²1") == "one"
    assert plural("nineteen ninety") == "nineteen nineties"
    assert plural("two thousand") == "two thousands"
    assert plural("six") == "sixes"
