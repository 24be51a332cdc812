"""Numbers to English words: cardinals, ordinals, years, decimals, fractions, digit strings.

Pure functions with American readings (no "and" inside numbers)::

    >>> cardinal(1897)
    'one thousand eight hundred ninety-seven'
    >>> year(1897), ordinal(22), decimal("3.14"), fraction(3, 4)
    ('eighteen ninety-seven', 'twenty-second', 'three point one four', 'three quarters')
"""

from __future__ import annotations

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SCALES = [
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
    "sextillion",
    "septillion",
    "octillion",
    "nonillion",
    "decillion",
]
ORDINAL_OF = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip
DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
MAX_CARDINAL = 10 ** (3 * (len(SCALES) + 1)) - 1


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [ONES[hundreds], "hundred"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{TENS[tens]}-{ONES[ones]}" if ones else TENS[tens])
    elif rest:
        words.append(ONES[rest])
    return words


def cardinal(n: int) -> str:
    """Return ``n`` in words: ``-1205`` -> ``"minus one thousand two hundred five"``."""
    if n < 0:
        return "minus " + cardinal(-n)
    if n < 20:
        return ONES[n]
    if n > MAX_CARDINAL:
        return digits(str(n))
    words: list[str] = []
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    for scale in range(len(groups) - 1, -1, -1):
        if groups[scale]:
            words += _below_thousand(groups[scale])
            if scale:
                words.append(SCALES[scale - 1])
    return " ".join(words)


def ordinal_word(word: str) -> str:
    """Turn the last word of a cardinal into its ordinal: ``"twenty-one"`` -> ``"twenty-first"``."""
    head, sep, last = word.rpartition("-") if "-" in word else word.rpartition(" ")
    if last in ORDINAL_OF:
        last = ORDINAL_OF[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def ordinal(n: int) -> str:
    """Return the ordinal of ``n`` in words: ``22`` -> ``"twenty-second"``."""
    return ordinal_word(cardinal(n))


def plural(words: str) -> str:
    """Pluralize a number in words: ``"nineteen ninety"`` -> ``"nineteen nineties"``."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith(("x", "s")):
        return words + "es"
    return words + "s"


def year(n: int) -> str:
    """Read ``n`` the way years are said: 1897 -> "eighteen ninety-seven", 2000 -> "two thousand".

    1905 -> "nineteen oh five", 1900 -> "nineteen hundred", 2024 -> "twenty twenty-four",
    476 -> "four seventy-six"; years 2001-2009 and anything outside 100-9999 read as cardinals.
    """
    if not 100 <= n <= 9999 or 2000 <= n <= 2009 or n % 1000 == 0:
        return cardinal(n)
    high, low = divmod(n, 100)
    if low == 0:
        return f"{cardinal(high)} hundred"
    if low < 10:
        return f"{cardinal(high)} oh {ONES[low]}"
    return f"{cardinal(high)} {cardinal(low)}"


def digits(text: str, zero: str = "zero") -> str:
    """Read a string of digits one by one: ``"4051"`` -> ``"four zero five one"``.

    Characters other than digits are skipped; ``zero`` is the word for 0 (``"oh"`` for phones).
    """
    return " ".join(zero if int(c) == 0 else ONES[int(c)] for c in text if c.isdecimal())


def decimal(text: str) -> str:
    """Read a decimal: ``"3.14"`` -> ``"three point one four"``, ``".5"`` -> ``"point five"``.

    Commas grouping thousands are allowed in the integer part; a leading ``-`` reads "minus".
    """
    sign = ""
    if text[:1] in "-−":
        sign, text = "minus ", text[1:]
    whole, _, frac = text.partition(".")
    whole = whole.replace(",", "")
    head = cardinal(int(whole)) if whole else ""
    if not frac:
        return sign + head
    tail = "point " + digits(frac)
    return sign + (f"{head} {tail}" if head else tail)


def fraction(numerator: int, denominator: int) -> str:
    """Read a fraction: 1/2 -> "one half", 3/4 -> "three quarters", 5/8 -> "five eighths"."""
    head = cardinal(numerator)
    if denominator in DENOMINATORS:
        one, many = DENOMINATORS[denominator]
    else:
        one = ordinal(denominator).removeprefix("one ")  # "hundredth", not "one hundredth"
        many = plural(one)
    return f"{head} {one if abs(numerator) == 1 else many}"  # "minus one half"
