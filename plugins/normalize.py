"""Built-in plugin: normalize written English into the words a narrator says.

Stage 2 of the text chain. Numbers, money, measures, dates, times, years, phone numbers,
ranges, Roman numerals, abbreviations and symbols are rewritten in one regex pass with a
callback per kind; each callback reads the surrounding text to decide between readings
("in 1897" is a year, "1897 people" a quantity; "St. Paul" is a saint, "Main St." a street).

Sentence ends survive: an abbreviation loses its period unless that period also ends the
sentence ("at 5 p.m. Then" -> "at five PM. Then"; after a.m., p.m. and etc. a number starts
one too: "at 3:45pm. 24/7 support"). Mark placeholders are never matched, so they stay
exactly where they are. Text in other languages is left alone.

Options (``[options.normalize]``): ``dates = "mdy"`` (default, 03/04/2024 is March fourth)
or ``"dmy"`` (the fourth of March).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from math import gcd
from typing import Any

from sonicpipe.dictionaries import abbreviations

from sonicpipe.config import ConfigError, Settings
from sonicpipe.hookspecs import hookimpl
from sonicpipe.model import MARK_RE, Document, is_english
from sonicpipe.numwords import cardinal, decimal, digits, fraction, ordinal, plural, year

__version__ = "0.1.0"
sonicpipe_options = ("dates",)

DATE_ORDERS = ("mdy", "dmy")


def _words(text: str) -> tuple[str, ...]:
    """The words of a space-separated list."""
    return tuple(text.split())


# -- tables -----------------------------------------------------------------------------------

MONTHS = _words(
    "January February March April May June July August September October November December"
)
MONTH_OF = {m[:3].lower(): m for m in MONTHS} | {"sept": "September"}
CURRENCIES = {  # symbol: unit, units, subunit, subunits
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("US dollar", "US dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "NZ$": ("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "HK$": ("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "Rs.": ("rupee", "rupees", "paisa", "paise"),
    "Rs": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", "jeon", "jeon"),
    "₽": ("ruble", "rubles", "kopeck", "kopecks"),
    "₿": ("bitcoin", "bitcoins", "satoshi", "satoshis"),
    "USD": ("US dollar", "US dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "JPY": ("yen", "yen", "sen", "sen"),
    "CAD": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "AUD": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
    "INR": ("rupee", "rupees", "paisa", "paise"),
    "CNY": ("yuan", "yuan", "fen", "fen"),
}
# ISO codes: written before an amount ("EUR 5") like a symbol, or after it ("5 EUR", "$5 CAD").
CURRENCY_CODES = tuple(code for code in CURRENCIES if code.isalpha())
MULTIPLIERS = {
    "k": "thousand", "K": "thousand", "m": "million", "M": "million", "mn": "million",
    "b": "billion", "B": "billion", "bn": "billion", "t": "trillion", "T": "trillion",
    "tn": "trillion", "thousand": "thousand", "million": "million", "billion": "billion",
    "trillion": "trillion", "lakh": "lakh", "crore": "crore", "lakh crore": "lakh crore",
}  # fmt: skip
PER = {
    "mo": "month", "yr": "year", "wk": "week", "hr": "hour", "h": "hour", "d": "day",
    "l": "liter",  # "€/l" (but "5 l" may be a list's: no unit of its own)
}  # fmt: skip
# Times a bare number is counted per: "1,000/min", "3/day" (a unit's own: "5 mg/day", "$3/mo").
BARE_PER = {
    "s": "second", "sec": "second", "min": "minute", "h": "hour", "hr": "hour", "day": "day",
    "wk": "week", "week": "week", "mo": "month", "month": "month", "yr": "year", "year": "year",
}  # fmt: skip
# A price per thousand, million or billion: "$0.10/1M tokens", "$15/M tokens", "$2/1K calls".
PER |= {"1k": "thousand"} | {
    f"{one}{letter}": MULTIPLIERS[letter] for one in ("", "1") for letter in "KMB"
}


def _units() -> dict[str, tuple[str, str]]:
    """Unit symbols written after a number: symbol -> (singular, plural)."""
    table: dict[str, tuple[str, str]] = {}

    def add(symbols: str, one: str, many: str | None = None) -> None:
        for symbol in symbols.split("|"):
            table[symbol] = (one, many or one + "s")

    for prefix, name in (("k", "kilo"), ("c", "centi"), ("m", "milli"), ("µ", "micro"),
                         ("μ", "micro"), ("n", "nano"), ("", "")):  # fmt: skip
        add(prefix + "m", name + "meter")
        add(prefix + "g", name + "gram")
    del table["nm"], table["cg"], table["ng"]
    add("nm", "nanometer")
    add("m²|sq m", "square meter")
    add("km²|sq km", "square kilometer")
    add("cm²", "square centimeter")
    add("mm²|sq mm", "square millimeter")
    add("m³|cu m", "cubic meter")
    add("km³", "cubic kilometer")
    add("cm³|cc", "cubic centimeter")
    add("mm³", "cubic millimeter")
    add("ft|ft.|′", "foot", "feet")
    add("ft²|sq ft|sq. ft.", "square foot", "square feet")
    add("ft³|cu ft|cu. ft.", "cubic foot", "cubic feet")
    add('in.|″|"|in', "inch", "inches")  # '"' only where it closes no quotation: see _number
    add("in²|sq in|sq. in.", "square inch", "square inches")
    add("in³|cu in|cu. in.", "cubic inch", "cubic inches")
    add("mi|mi.", "mile")
    add("nmi", "nautical mile")  # and "nm" near the sea or the air: see _number_unit_words
    add("sq mi|sq. mi.", "square mile")
    add("yd|yd.|yds|yds.", "yard")
    add("lb|lb.|lbs|lbs.", "pound")
    add("oz|oz.", "ounce")
    add("L|ltr", "liter")
    add("ml|mL", "milliliter")
    add("dL|dl", "deciliter")
    add("cl|cL", "centiliter")
    add("gal|gal.", "gallon")
    add("qt|qt.|qts|qts.", "quart")
    add("bbl|bbls", "barrel")
    add("c.", "cup")  # only before a lower-case word: see _number
    add("tsp|tsp.", "teaspoon")
    add("pkg|pkg.|pkgs|pkgs.", "package")  # a recipe's: "1 pkg (8 oz)", "2 doz.", "2 lg eggs"
    add("doz|doz.", "dozen", "dozen")
    add("lg|lg.", "large", "large")
    add("tbsp|tbsp.|Tbsp|Tbsp.|tbs", "tablespoon")
    add("ms", "millisecond")
    add("µs|μs", "microsecond")
    add("ns", "nanosecond")
    add("s|sec|sec.|secs|secs.", "second")
    add("min|min.|mins|mins.", "minute")
    add("h|hr|hr.|hrs|hrs.", "hour")
    add("wk|wk.|wks|wks.", "week")
    add("mo.|mos|mos.", "month")
    add("yr|yr.|yrs|yrs.", "year")
    add("y/o|y.o.", "year-old", "years old")
    add("bp|bps", "basis point")
    add("pp", "percentage point")  # "up 3.5pp" (before a number "pp." is pages)
    add("pts|pts.", "point")
    add("mph", "mile per hour", "miles per hour")
    add("mpg", "mile per gallon", "miles per gallon")
    add("lb-ft|lb.-ft.|lb ft", "pound-foot", "pound-feet")
    add("Nm|N·m", "newton meter")
    add("ppg", "point per game", "points per game")
    add("ov|ovs", "over")  # a cricket innings' overs: "245/6 (50 ov)"
    add("rpg", "rebound per game", "rebounds per game")
    add("apg", "assist per game", "assists per game")
    add("reb|rebs", "rebound")  # a box score's line: "28 pts, 10 reb, 5 ast, 3 stl, 2 blk"
    add("ast|asts", "assist")
    add("stl|stls", "steal")
    add("blk|blks", "block")
    add("km/h|kph|kmh", "kilometer per hour", "kilometers per hour")
    add("m/s", "meter per second", "meters per second")
    add("m/s²|m/s2", "meter per second squared", "meters per second squared")
    add("ft/s", "foot per second", "feet per second")
    for prefix, name in (("K", "kilo"), ("k", "kilo"), ("M", "mega"), ("G", "giga"),
                         ("T", "tera"), ("P", "peta")):  # fmt: skip
        add(prefix + "B", name + "byte")
        add(prefix + "B/s", name + "byte per second", name + "bytes per second")
        add(prefix + "bps", name + "bit per second", name + "bits per second")
        add(prefix + "Hz", name + "hertz", name + "hertz")
        add(prefix + "W", name + "watt")
        add(prefix + "Wh", name + "watt hour")
    add("Hz", "hertz", "hertz")
    for prefix, name in (("Ki", "kibi"), ("Mi", "mebi"), ("Gi", "gibi"), ("Ti", "tebi")):
        add(prefix + "B", name + "byte")
    add("V", "volt")
    add("W", "watt")  # only written on the number, before no capital: see _number
    add("mV", "millivolt")
    add("kV", "kilovolt")
    add("mAh", "milliamp hour")
    add("mA", "milliamp")
    add("dB", "decibel")
    add("rpm", "revolution per minute", "revolutions per minute")
    add("psi", "pound per square inch", "pounds per square inch")
    add("mmHg", "millimeter of mercury", "millimeters of mercury")
    add("mcg", "microgram")
    add("mEq", "milliequivalent")
    add("mmol", "millimole")
    add("µmol|μmol", "micromole")
    add("mol", "mole")
    add("kcal", "kilocalorie")
    add("cal", "calorie")
    add("hp", "horsepower", "horsepower")
    add("fps", "frame per second", "frames per second")
    add("bpm", "beat per minute", "beats per minute")
    add("px", "pixel")
    add("MP|Mpx", "megapixel")  # "a 48MP camera"
    add("ppm", "part per million", "parts per million")
    add("ppb", "part per billion", "parts per billion")
    add("IU", "international unit")  # "1,000 IU daily" of a vitamin
    add("x", "times", "times")
    add("k", "thousand", "thousand")
    add("bn", "billion", "billion")
    add("%|pc", "percent", "percent")  # "a 3pc rise", as UK papers write it
    for currency, (one, many, _, _) in CURRENCIES.items():
        add(currency, one, many)  # after an amount: "5 EUR", "5$"
    add("¢", "cent")
    add("p", "penny", "pence")  # only written on the number: "99p"; see the number branch
    return table


UNITS = _units()
# Units of a length or an area: a measure in one qualifies any noun after it ("3 nm chips").
SIZES = frozenset(
    unit
    for unit, (one, _) in UNITS.items()
    if re.fullmatch(r"(?:square )?(?:\w*meter|foot|inch|(?:nautical )?mile|yard)", one)
)
DEGREE_SCALES = {"C": "Celsius", "F": "Fahrenheit", "K": "Kelvin"}
# Parts of a penny in old British money: "1/2d." is a halfpenny, "2 1/2d." two and a half pence.
HALFPENCE = dict.fromkeys(("1/2", "½"), "a halfpenny") | dict.fromkeys(("1/4", "¼"), "a farthing")
HALFPENCE |= dict.fromkeys(("3/4", "¾"), "three farthings")
PART_OF_PENNY = dict.fromkeys(("1/2", "½"), "a half") | dict.fromkeys(("1/4", "¼"), "a quarter")
PART_OF_PENNY |= dict.fromkeys(("3/4", "¾"), "three-quarter")
COMPASS = {"N": "north", "S": "south", "E": "east", "W": "west"}
VULGAR = {
    "½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
    "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8),
    "⅝": (5, 8), "⅞": (7, 8),
}  # fmt: skip
FRACTION_DENOMINATORS = frozenset((*range(2, 11), 12, 16, 32, 64, 100))
SYMBOLS = {
    "&": "and", "&&": "and", "&c.": "et cetera", "@": "at", "=": "equals", "×": "times",
    "÷": "divided by", "±": "plus or minus", "≈": "approximately", "≠": "is not equal to",
    "≤": "less than or equal to", "≥": "greater than or equal to", "§": "section",
    "§§": "sections", "¶": "paragraph", "№": "number", "‰": "per mille", "%": "percent",
    "°": "degrees", "+": "plus", "+/-": "plus or minus", "+/−": "plus or minus",
    "<": "less than", ">": "more than", "<=": "less than or equal to",
    ">=": "greater than or equal to", "~": "about", "²": "squared", "³": "cubed",
    "©": "copyright", "™": "trademark", "®": "registered", "∞": "infinity", "→": "to",
    "⌘": "Command", "⌥": "Option", "⇧": "Shift", "⌃": "Control",
}  # fmt: skip
# "≥" and "≤" with nothing to compare on their left: "(≥ 18)", "age ≥ 18" (but "x ≥ 5", "a ≤ b").
COMPARISONS = {"≥": "at least", "≤": "at most", ">=": "at least", "<=": "at most"}
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
# Two superscript digits or more, or one that is no "²" or "³" (those are read as symbols).
SUPERSCRIPT_RUN = "(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]{2,}|[⁰¹⁴⁵⁶⁷⁸⁹]|(?<=[⁻⁺])[²³])"
BRAND_MARKS = "™®"  # said only on their own: a narrator reads "Acme™" as "Acme"
# A sign right after its own word is not said again: "Copyright © 2024", "Infinity ∞".
ECHOED_SIGNS = "©™®∞§¶№‰"

# A number counts as a quantity, not a year, when a plural noun follows it.
IRREGULAR_PLURALS = frozenset(
    _words(
        "people men women children persons feet teeth mice geese sheep fish deer cattle head "
        "horse soldiers troops pounds dollars"
    )
)
NOT_PLURAL_NOUNS = frozenset(
    _words(
        "was has is as us his its this thus always perhaps does goes yes less unless "
        "across besides towards afterwards whereas"
    )
)
# The other end of a range of "Ns": "5s-10s", "the 80s-90s".
SECONDS_RANGE_BEFORE = re.compile(r"(?<![\w.,])(\d{1,3})s[-–]$")
SECONDS_RANGE_AFTER = re.compile(r"[-–]\d{1,3}s(?![\w'’])")
# Words before "30s" that make it a time in seconds, not a decade ("the timeout is 30s", "wait
# 10s", "every 30s"; but "in the 30s", "in her 30s", "80s music").
SECONDS_BEFORE = frozenset(
    _words(
        "is was be are were of every after wait waits waited within for take takes took than "
        "under over last lasts lasted in rest hold holds timeout"
    )
)
# Nouns after "5s" or "30s" that make it a time in seconds: "the 5s timeout", "a 30s delay"
# (but "the 5s and 6s", "the 30s boom"). Not those a decade describes as often: "90s video",
# "80s ads", "60s clips".
TIMED_NOUNS = frozenset(
    _words(
        "timeout timeouts delay delays interval intervals wait pause pauses countdown cooldown "
        "window windows exposure exposures lag latency ttl"
    )
)
TIMED_NOUN_BEFORE = re.compile(  # "set the timeout to 30s"
    rf"(?<![A-Za-z])(?i:{'|'.join(sorted(TIMED_NOUNS))})[ \t\xa0](?:to|at)[ \t\xa0]$"
)
# Words before a number that make it a year.
YEAR_WORDS = frozenset(
    _words(
        "in of since by from until till through to before after during around circa c ca year "
        "summer spring autumn fall winter early late mid between and the born died about than b "
        "d ad est established"
    )
)
# Words before a number from 1900 that make it a year even before a plural ("our 2024 results").
POSSESSIVES = frozenset(_words("its our their his her my your"))
# Lower-case words after a bare number that make it a year ("1897 was", "1897 saw").
AFTER_YEAR = frozenset(
    _words(
        "was is saw brought marked began begun ended came had has will would proved became "
        "the a an he she it they we i you and when while there"
    )
)
# Words before a number that make it a label, read as a plain cardinal ("page 1234") or, for
# three or four digits, in pairs like a year ("room 1204": twelve oh four).
LABEL_WORDS = frozenset(
    _words(
        "no number page pages p pp chapter verse line item figure fig table version model size rank"
    )
)
# Words before a version number, whose parts are read as numbers ("version 3.11": three point
# eleven).
VERSION_WORDS = frozenset(_words("version versions v ver release update rev python ios android"))
# Software named before its version, as written, case and all ("Kubernetes 1.29": one point
# twenty-nine; "Go 1.22", but "go 1.25 miles").
SOFTWARE_NAMES = frozenset(
    _words(
        "Kubernetes Docker Terraform Ansible Helm Istio Nginx Go Rust Node Deno Java Kotlin Scala "
        "Swift Ruby Rails Perl PHP Lua Elixir Erlang Haskell GHC Zig Dart Flutter TypeScript "
        "Django Flask FastAPI React Angular Vue Svelte Vite Webpack Electron Laravel Symfony "
        "Spring WordPress Drupal PostgreSQL Postgres MySQL MariaDB Redis MongoDB SQLite Kafka "
        "Spark Hadoop Elasticsearch Debian Fedora macOS Chrome Firefox Safari Xcode Git GCC Clang "
        "LLVM OpenSSL OpenSSH NumPy pandas PyTorch TensorFlow Gradle Maven npm pip"
    )
)
# Names before "N/M" that make it two versions, not a date: "Windows 10/11", "iOS 17/18".
VERSIONED_NAMES = VERSION_WORDS | frozenset(_words("windows macos ubuntu java node php ie"))
# A version range's or list's start, so that its end is read as a version too: "Python
# 3.8-3.12", "Kubernetes 1.29 and 1.30", "Python 3.11, 3.12 or 3.13". So is a bound after
# such a word: "Python >=3.10", "Python >=3.8,<3.13".
VERSION_RANGE_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?:(?i:{'|'.join(sorted(VERSION_WORDS))})|{'|'.join(sorted(SOFTWARE_NAMES))})"
    rf"[ \t]?(?:(?:\d+\.\d+(?:,[ \t]?(?:(?:and|or)[ \t])?|[ \t]?(?:[-–]|to |and |or )[ \t]?))+"
    rf"|(?:[<>=!~^]{{1,2}}[ \t]?\d+(?:\.\d+)*,[ \t]?)*[<>=!~^]{{1,2}}[ \t]?)$"
)
# An IPv4 address, and what stands before the colon of a port: "127.0.0.1:8000", "localhost:3000".
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IP_ADDRESS = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
HOST_BEFORE = re.compile(rf"(?:(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}|(?<![\w.])localhost)$")
# Words before four dotted numbers that make them no IP address: "version 1.2.3.4".
NOT_ADDRESS_WORDS = VERSION_WORDS | LABEL_WORDS | frozenset(_words("section sec clause article"))
PAIRED_LABELS = frozenset(
    _words(
        "room flight route highway bus platform gate channel apartment apt suite ste train port "
        "boeing iso rfc"  # "Boeing 737": seven thirty-seven; "ISO 8601" eighty-six oh one
        " rtx gtx rx"  # a graphics card's model: "RTX 4090" forty ninety, "GTX 1080" ten eighty
    )
)
# "K", "M" and "B" after a bare number are thousand, million and billion only before one of these
# count nouns (maybe after one of BIG_COUNT_ADJECTIVES): "50K users", "5M users", "70B
# parameters". Any plural will not do, since "3M" is a company ("3M shares fell", "3M reports"),
# "2B" a pencil, "12B" a seat and "5K" a race ("a 5K run", "4K screens"), and after a label word
# ("Seat 12B", "Figure 2.1B") the letter is always kept.
BIG_COUNT_NOUNS = frozenset(
    _words(
        "users people views downloads parameters subscribers customers units visitors followers "
        "streams players copies records rows tokens dollars years viewers listeners readers "
        "installs members residents euros pounds yen yuan rupees francs transistors devices "
        "requests queries messages images photos videos songs apps accounts passengers vehicles "
        "households homes jobs votes doses cases deaths barrels tonnes tons"
    )
)
# A count of people before "8.9m" or "250M" in its sentence makes it millions: "a population of
# 8.9m", "Unemployment rose to 1.5m", "users hit 250M".
MILLIONS_BEFORE = re.compile(
    r"(?<![A-Za-z])(?i:population|unemployment|unemployed|jobless|viewers|voters|subscribers"
    r"|residents|users|customers|visitors|members|audience|downloads|installs|followers"
    r"|listeners|players|streams|payrolls|jobs)(?![A-Za-z])(?:[^.;!?\n]|\.\d)*$"
)
# Plurals after "100m" that name races in meters, not a count in millions ("the 400m hurdles").
RACES = frozenset(_words("hurdles relays heats sprints splits repeats intervals"))
BIG_COUNT_ADJECTIVES = frozenset(_words("active monthly daily weekly new unique registered paying"))
BIG_LABELS = (
    LABEL_WORDS
    | PAIRED_LABELS
    | frozenset(
        _words("seat row unit terminal level floor block section lot bay pier dock box locker")
    )
)
# "2d" and "3d" are the old ordinals ("the 2d of May", "the 2d mate", "his 3d edition") except
# before one of these nouns, which only modern text puts after them ("a 2d array", "2d and 3d
# graphics"): there they are dimensions, read like "2D" ("two D"). Nouns an old text may number
# ("the 2d figure", "2d scene", "2d view", "2d engine") are left out.
DIMENSION_NOUNS = frozenset(
    _words(
        "array arrays matrix matrices tensor tensors model models modeling modelling printer "
        "printers printing printed graphics game games animation animations animated plot plots "
        "plotting chart charts image images shape shapes scan scans scanner scanning render "
        "renders rendering object objects vector vectors grid grids geometry mesh meshes movie "
        "movies film films glasses effects texture textures coordinates sprite sprites canvas "
        "space platformer physics ultrasound visualization visualisation convolution display "
        "displays camera cameras art artist artists design designer software world worlds"
    )
)
# How far from a Roman list number the number before or after it is looked for, in characters.
ROMAN_LIST_REACH = 2000
ROMAN_TRIGGERS = _words(
    "chapter book part volume vol act scene section article appendix psalm canto war phase "
    "stage level tier class round title lesson unit episode bowl type no number series "
    "division league apollo gemini mark mk rule schedule annex figure fig table plate "
    "letter stave epistle lecture sermon essay issue grade form olympiad chap sect bk pt art"
)
# A label and its Roman number before "of" and the total: "Part I of II", "Book 3 of IV".
OF_TOTAL_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:{'|'.join(ROMAN_TRIGGERS)})\.?[ \t](?:[IVXLCDM]+|\d+)[ \t]$"
)
REGNAL_NAMES = frozenset(
    _words(
        "henry edward george william richard james charles elizabeth mary victoria anne john "
        "stephen louis philip philippe francis frederick ferdinand leopold joseph peter paul "
        "catherine nicholas alexander ivan boris napoleon pius leo gregory benedict innocent "
        "clement urban boniface sixtus julius eugene constantine justinian theodosius otto "
        "conrad rudolf maximilian sigismund wenceslaus casimir gustav gustavus christian "
        "frederik haakon olaf harald magnus eric erik carl karl alfonso juan carlos felipe "
        "fernando isabella manuel pedro sancho umberto vittorio victor emmanuel amadeus ludwig "
        "wilhelm friedrich franz ramesses ramses thutmose amenhotep seti ptolemy antiochus "
        "darius xerxes cyrus artaxerxes mehmed suleiman selim murad osman malcolm duncan david "
        "robert kenneth harold edmund edgar matilda margaret juliana beatrix willem albert "
        "baudouin rainier rama hassan jean henri guillaume pepin lothair hugh boleslaw stefan "
        "ladislaus bela andrew matthias sebastian simeon michael feodor fyodor dmitri vasili "
        "sophia christina kristina adolf martin sergius marcellus felix celestine nicholas "
        "adrian hadrian honorius lucius"
    )
)
# Names whose letter after a given name is no numeral.
LETTER_NAMES = frozenset(("Malcolm X",))
# A given name (one of REGNAL_NAMES), maybe with a middle name or initial, before a surname
# and its generation: "Henry Ford II", "John D. Smith III" (but "Star Trek II").
GIVEN_NAME_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:{'|'.join(sorted(REGNAL_NAMES))})(?-i:[ \t](?:[A-Z]\.|[A-Z][a-z]+))?[ \t]$"
)
DETERMINERS = frozenset(
    _words("the this that these those his her its our their my your each every one another")
)
# Words after "the 5 km" that show it is no noun phrase of its own ("the 5 km were long").
NOT_NOUNS = frozenset(
    _words(
        "was were is are be been in on of at to for from by with and or but as than that "
        "which who per each away ahead later long"
    )
)
# Plurals a measure describes with no article before it ("make 3 cm cuts", "in 5 kg bags",
# "60W-100W bulbs"), and their singulars ("1 x 2kg bag"); not those it counts out ("add 200 g
# walnuts", "100 g oats").
_MEASURED_PLURALS = _words(
    "cuts pieces slices chunks cubes strips lengths sections segments squares rounds "
    "portions bags sacks bottles jars cans tins boxes packs packets cartons tubs containers "
    "tanks drums barrels jugs rolls sheets boards planks tiles panels pipes tubes cables "
    "wires hoses screws bolts nails holes gaps steps runs walks hikes rides races laps loops "
    "climbs trips bulbs batteries amps speakers heaters motors engines chargers adapters "
    "drives cards sticks intervals increments doses tablets capsules pills"
)
MEASURED_NOUNS = frozenset(_MEASURED_PLURALS) | {
    word[:-3] + "y" if word.endswith("ies") else word[:-2] if word.endswith("xes") else word[:-1]
    for word in _MEASURED_PLURALS
}
# Words after a measure that show it qualifies no noun, but is said of something: a verb, a
# preposition, a determiner or an adverb ("the 5 km were long", "the 10 km took an hour", "5 km
# a day", "ran 5 km today", "20 nm offshore", "5 km north of here"); see _attributive.
NOT_QUALIFIED = NOT_NOUNS | frozenset(
    _words(
        "am being has have had will would shall should can could may might must do does did x "
        "into onto upon over under above below beneath beyond behind across along around "
        "about through past near via toward towards against among between during within "
        "without inside outside after before since until till like plus minus nor so yet if "
        "when while though although because unless whereas then it he she we they you i me "
        "him us them there here now today tonight tomorrow yesterday ago again already still "
        "once twice soon too also not no just even instead apart back home abroad aside "
        "ashore aloft inland offshore onshore overhead underground underwater upstream "
        "downstream uphill downhill upwind downwind overboard up down off out more less "
        "round further farther total overall altogether apiece max maximum min minimum tops "
        "north south east west northeast northwest southeast southwest next extra "
        "together alone straight overnight left remaining short a an the these those some any "
        "all both every my your his its their one two three four five six seven eight nine ten "
        "take takes took go goes went come comes came seem seems seemed feel feels felt look "
        "looks looked last lasts lasted cost costs mean means meant make makes made get gets got "
        "lie lies lay remain remains remained separate separates separated equal equals"
    )
)
# Nouns among words ending like adverbs ("ran 5 km daily", "10 m westward"; but "a 12 V
# supply").
ADVERB_ENDINGS = ("ly", "ward", "wards")
NOUNS_LIKE_ADVERBS = frozenset(_words("supply assembly family rally belly jelly fly ward wards"))
# Words of size between a measure and the noun it qualifies: "3 m long cables", "a 3 nm thick
# layer" (but "it is 10 cm wide", "the room is 4 m square").
DIMENSION_WORDS = frozenset(_words("long wide tall high deep thick thin broad square"))
# Words that follow the pronoun "I" (so "Peter I think" is not Peter the First).
AFTER_PRONOUN_I = frozenset(
    _words(
        "am have had will would shall should can could must may might do did don't didn't think "
        "know thought knew said say see saw suppose guess believe feel felt hope wish want "
        "wanted mean meant told tell love loved hate like liked got get went go come came "
        "could've i'm i've i'll i'd"
    )
)
FUNCTION_WORDS = frozenset(
    _words(
        "the a an in of and or to for on at by with from but if as is was it he she we they you "
        "this that i my his her our their its not no so be"
    )
)
# Words after a number from 2010 to 2039 that keep it a quantity: "send 2025 more", "2016 of
# them"; any other singular lower-case word makes it a year ("2025 revenue").
COUNT_WORDS = (
    NOT_NOUNS
    | FUNCTION_WORDS
    | frozenset(_words("more less fewer extra additional other new yen yuan won baht rand"))
)
# Abbreviations read only before a number (they are also ordinary words: "no.", "fig.").
NUMBER_ABBREVIATIONS = {
    "No.": "number", "no.": "number", "Nos.": "numbers", "nos.": "numbers", "p.": "page",
    "pp.": "pages", "Fig.": "figure", "fig.": "figure", "Art.": "article",
    "art.": "article", "Sec.": "section", "sec.": "section", "Eq.": "equation",
    "eq.": "equation", "Ex.": "example", "Vol.": "volume", "vol.": "volume", "c.": "circa",
    "b.": "born", "d.": "died", "Chap.": "chapter", "Sect.": "section", "Bk.": "book",
    "Pt.": "part", "Ref.": "reference", "ref.": "reference", "Tel.": "telephone",
    "tel.": "telephone", "Est.": "estimated", "est.": "estimated", "para.": "paragraph",
    "Para.": "paragraph", "paras.": "paragraphs", "Paras.": "paragraphs",
}  # fmt: skip
# Listed lower-case abbreviations also read capitalized before a number ("Approx. 5 kg"); only
# these, which are no names: "Ed.", "Oz." and "Ca." are also a name, a land and a state ("from
# Ed. 3 boxes arrived", "The Wizard of Oz. 2 of us cried"); "Ca." is circa only before a year.
CAPITALIZED_BEFORE_NUMBER = frozenset(_words("Approx. Ext. Incl. Ch. Vs."))
# Number abbreviations that are also nouns: "the ref. 5 minutes later" is the referee (but "our
# ref. 2024/118" is a reference).
NOUN_ABBREVIATIONS = frozenset(_words("ref."))
# "Est." before a year: "Est. 1999" (but "est. 1500 people" are estimated).
FOUNDED = {"Est.": "Established", "est.": "established"}
# Day abbreviations that are also words: read only before a date ("Sat., March 3")
DAY_ABBREVIATIONS = {"Wed.": "Wednesday", "Sat.": "Saturday", "Sun.": "Sunday"}
# ... or after one of these words: "closed Wed.", "open until Sun.", "on Wed." (a capital after
# "on" is no verb: "he sat on Sat.")
DAY_WORDS = frozenset(
    _words("by until till next last every closed open through on from since before after")
)
# Abbreviations that stand before a name; their period never ends a sentence mid-paragraph.
PREFIX_ABBREVIATIONS = frozenset(
    _words(
        "Mr. Mrs. Ms. Messrs. Mme. Mlle. Dr. Drs. Prof. Rev. Hon. Fr. St. Sts. Gen. Capt. Lt. "
        "Col. Maj. Sgt. Cpl. Pvt. Adm. Cmdr. Gov. Sen. Rep. Pres. Supt. Insp. Det. Atty. Mt. "
        "Ft. e.g. i.e. cf. viz. vs. v. ca. approx. esp. incl. inc. excl. Vol. vol. Ch. ch. pp. "
        "Nos. trans."
    )
)
# Abbreviations whose period, before a number, ends the sentence ("at 3:45pm. 24/7 support",
# "pens, paper, etc. 3 of us"). Others have a number after them within a sentence ("2 lb.
# 3 oz.", "Mon.-Fri. 9 to 5", "Acme Inc. 2023 report").
END_BEFORE_NUMBER_RE = re.compile(r"[AaPp]\.?[Mm]\.|[Ee]tc\.")
# Words that go on with a sentence after "p.m." (news style: "at 5 p.m. Friday").
AFTER_CLOCK = frozenset(
    _words(
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Eastern Pacific Central Mountain "
        "Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun"
    )
)
TIME_ZONES = frozenset(
    _words("UTC GMT BST CET CEST EET IST JST AEST ET CT MT PT EST EDT CST CDT MST MDT PST PDT")
)
# US states whose abbreviation is also a word, or a name's initials (so not in
# en-abbreviations.tsv): the state only after a place and a comma, or in a party label
# ("Boston, Mass.", "Springfield, Ill.", "(D-Wash.)"); "a critical mass.", "after Mass.", "Miss.
# Smith" and "I felt ill." stay. The segmenter takes none of them for an abbreviation.
STATE_WORDS = {
    "Mass.": "Massachusetts", "Wash.": "Washington", "Pa.": "Pennsylvania", "Ill.": "Illinois",
    "Miss.": "Mississippi", "Ind.": "Indiana", "Ore.": "Oregon", "Tex.": "Texas",
    "Va.": "Virginia", "Del.": "Delaware", "La.": "Louisiana", "Mo.": "Missouri",
    "Mont.": "Montana", "Me.": "Maine", "N.D.": "North Dakota", "S.D.": "South Dakota",
}  # fmt: skip
# Words before a comma that are no place: "Well, Pa. said no", "Oh, Miss. Smith".
INTERJECTIONS = frozenset(_words("Well Oh Ah Okay OK Sure Thanks However Anyway Indeed"))
PLACE_BEFORE = re.compile(r"(?:\b([A-Z][A-Za-z]*[a-z]),[ \t]|\b[DRI]-)$")  # "McAllen, "
# Abbreviations read by their place: after a name or a number, or before a name.
AFTER_NAME = {"St.": "Street", "Dr.": "Drive", "Sr.": "Senior", "Ste.": "Suite"}
BEFORE_NAME = {"St.": "Saint", "Dr.": "Doctor", "Sr.": "Sister", "Ste.": "Saint"}
# A name's suffix: after a surname its period ends no sentence only before a word that names
# what is named after the person (see NAME_CONTINUATIONS: "Martin Luther King Jr. Day", "John
# Smith Sr. High School", "MLK Jr. Boulevard"); before any other capitalised word a new
# sentence starts ("Robert Downey Jr. Marvel hired him", "met John Smith Jr. Then he left").
# Not after a surname it is a nickname, going on with the name after it unless that is a
# sentence starter ("Griffey Sr. and Jr. Smith", "Jr. Smith won"; but "I saw Jr. He waved").
NAME_SUFFIXES = frozenset(_words("Jr. Sr."))
# Words that go on with a name after its suffix: what is named after a person, or the first
# word of it ("King Jr. Federal Building", "Smith Sr. High School").
NAME_CONTINUATIONS = frozenset(
    _words(
        "Day Days Holiday Week Month High Middle Elementary Junior Senior Primary Secondary "
        "School Schools Academy College University Institute Center Centre Library Hall Building "
        "Federal National Memorial Museum Hospital Clinic Foundation Fund Trust Award Awards "
        "Prize Medal Scholarship Fellowship Lecture Chair Professor Professorship Park Plaza "
        "Square Stadium Arena Field Gym Pool Airport Station Bridge Tunnel Boulevard Blvd "
        "Avenue Ave Street St Drive Dr Road Rd Highway Hwy Parkway Expressway Freeway Way Lane "
        "Place Circle Court Trail Tower Towers Estate House Home Homes Collection Papers Archive "
        "Archives Band Orchestra Quartet Trio Show Hour Cup Classic Invitational Tournament"
    )
)
# Words that start a sentence after "Main St." (so the period is kept as a sentence end): no
# name follows "St." or "Dr." ("Main St. Everyone was there", "Take Main St. Go left").
SENTENCE_STARTERS = frozenset(
    _words(
        "The A An It He She They We I You This That There Then But And So In On At When While "
        "After Before His Her Their Our My Its If As Now Later Next Soon These Those Your Me "
        "Us Them What Why How Where Who Which Every Everyone Everybody Everything Each All Some "
        "Someone Somebody Something Nobody Nothing No Not Yes Many Most Few Both Also Still "
        "Yet Or For With From To By Once Today Tonight Tomorrow Yesterday Here Please Go Turn "
        "Take Walk Keep Look Let Do"
    )
)


# The starts of a screenplay's slugline, said in full: "INT./EXT." is a scene inside and out.
SLUGLINES = {
    "INT": "Interior", "EXT": "Exterior", "INT/EXT": "Interior and exterior",
    "I/E": "Interior and exterior", "EXT/INT": "Exterior and interior",
}  # fmt: skip


# Words written short that are said in full: keys, growth in finance ("+3% YoY") and the
# architecture x86-64 (not "eighty-six to sixty-four").
SAID = {
    "Ctrl": "Control", "Cmd": "Command", "YoY": "year over year", "QoQ": "quarter over quarter",
    "MoM": "month over month", "y/y": "year over year", "q/q": "quarter over quarter",
    "m/m": "month over month", "w/o": "without", "w/": "with", "P/E": "P E",
    "x86_64": "x eighty-six sixty-four",
    "x86-64": "x eighty-six sixty-four",
}  # fmt: skip


# -- the pattern ------------------------------------------------------------------------------

# One space, never two (a blank line separates paragraphs): H; one or none: HO (as H with "?").
# One class of these six compiles slowly: for a class that mixes characters above U+00FF with
# more than two runs of others, re tables all 65,536 (0.25 ms), and the patterns hold some 150
# spaces. So H keeps the thin and the narrow no-break space in a class of their own, which a
# flag's group ("(?-i:", idle here) keeps re from merging back into the other; HO adds an empty
# alternative, which re runs faster than "?" after a group. They match just what the one class
# does, and the module imports 20 ms faster. Where a space repeats, or is tried at every word
# (WORD_GUARD), the one class (SPACE_CLASS) matches faster.
_SPACES_LOW, _SPACES_HIGH = r" \t\xa0\n", r"\u2009\u202f"
SPACE_CLASS = f"[{_SPACES_LOW}{_SPACES_HIGH}]"
H = f"(?:[{_SPACES_LOW}]|(?-i:[{_SPACES_HIGH}]))"
HO = f"(?:[{_SPACES_LOW}]|(?-i:[{_SPACES_HIGH}])|)"
LB = r"(?<![^\W_])"  # not after a letter or digit
RB = r"(?![^\W_])"  # not before a letter or digit
# Just after one to three letters written on a number: a unit, a clock's am/pm or an ordinal's
# suffix ("5kW-10kW", "9am-5pm", "1st-3rd"); _dash tells them from a name's ("2A-3B").
AFTER_LETTERS_ON_NUMBER = r"(?<=\d[^\W\d_])|(?<=\d[^\W\d_]{2})|(?<=\d[^\W\d_]{3})"
# Thousands grouped by spaces. A no-break, narrow no-break or thin space between digit groups is
# a thousands separator (SI style: "10\u202f000"), so such groups always join. A plain space also
# separates the items of a list ("1 2 3", "rooms 101 102", "3 100 dollar bills"), so groups
# with plain spaces join only when one of them is 000 ("1 000", "10 000", "1 500 000"), which
# a list item hardly ever is: "10 500" stays two numbers. Either way every group after a lead
# of 1-3 digits has exactly three, and groups followed by more digits are not joined. (In the
# text chain the cleanup plugin has already written no-break groups with commas.)
SPACED_INT = (
    r"(?<!\d)\d{1,3}+(?:[\xa0\u202f\u2009]\d{3}){1,11}+(?![\xa0\u202f\u2009]?\d)"
    r"|(?<!\d)\d{1,3}+(?: \d{3}){0,10}? 000(?: \d{3}){0,10}+(?!\d)"
)
GROUP_SPACES = str.maketrans(dict.fromkeys(" \xa0\u202f\u2009", ","))
INT = rf"{SPACED_INT}|\d{{1,3}}(?:,\d{{3}}){{1,11}}+(?!,\d)|\d{{1,36}}"  # longer runs: in pieces
NUM = rf"(?:{INT})(?:\.\d+)?"
# An amount written in the European way, where no English number reads the same: thousands
# grouped by periods and cents after a comma ("1.234,56"), or cents alone after a comma
# ("12,50"; English groups thousands by three digits).
EURO_NUM = r"\d{1,3}+(?:\.\d{3})*+,\d\d(?!\d|[.,]\d)"
EURO_DIGITS = str.maketrans(".,", ",.")  # "1.234,56" -> "1,234.56"
# A comma before three digits, before a currency written after the amount, is a decimal comma
# after a lone 0 ("0,289 €") or in a price per liter, as fuel is priced in Europe ("1,899 €/l":
# one point eight nine nine euros per liter); else it groups thousands ("1,899 €").
EURO_THOUSANDTHS = re.compile(r"\d,\d{3}")
LITERS = ("l", "L", "ltr", "liter", "litre")
# Before "€" or "EUR", thousands grouped by periods have no cents: "1.500 €" (one can write
# "€1.500" for one and a half euros, but puts the sign after the amount only the European way)
EURO_GROUPS = rf"[1-9]\d{{0,2}}+(?:\.\d{{3}})++(?!\d|[.,]\d)(?={HO}(?:€|EUR)(?!\w))"
AMPM = rf"(?P<{{0}}>[AaPp])\.?{HO}[Mm]\.?{RB}"
MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# All-caps month abbreviations are months only in a date, before a day or a year ("APR 5",
# "DEC. 2024"): elsewhere they are initialisms ("6.5% APR", "the MAR report").
MONTH_CAPS_RE = r"(?:JAN|FEB|MAR|APR|MAY|JUNE?|JULY?|AUG|SEPT?|OCT|NOV|DEC)"
DATE_NUMBER_AFTER = re.compile(rf"{HO}(?:\d{{1,2}}|\d{{4}})(?![\d%]|[.,]\d)")
# Units read only when written on a number: "a 27in monitor", "99p" (but "5 in the morning")
ATTACHED_UNITS = ("in", "p")
UNIT_RE = "|".join(
    re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if u not in ATTACHED_UNITS
)
# A number and a unit of length or area, as the second side of a size: "3 m" in "5 m x 3 m".
SIZE_MEASURE = (
    rf"\d[\d.,]*(?:{HO}(?:"
    + "|".join(
        re.escape(u)
        for u in sorted(SIZES, key=len, reverse=True)
        if u[0].isalpha() and u != "in"  # "5 in" spaced is no inch ("by 4 in the end")
    )
    + r")|in)(?!\w)"
)
SIZE_MEASURE_RE = re.compile(SIZE_MEASURE)
CURRENCY_RE = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))
MULT_RE = "|".join(sorted(MULTIPLIERS, key=len, reverse=True))
DAY_RE = r"Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun"
DAY_OF = {
    "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
    "sat": "Saturday", "sun": "Sunday",
}  # fmt: skip
VULGAR_RE = "[" + "".join(VULGAR) + "]"
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|"
    "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR"
)
# A state's postal code after a place and a comma is said as its name: "Austin, TX" (see
# _state; "DC" is said as written).
STATE_NAMES = dict(
    zip(
        US_STATES.replace("|DC", "").split("|"),
        [
            "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
            "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
            "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
            "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
            "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina",
            "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
            "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia",
            "Washington", "West Virginia", "Wisconsin", "Wyoming", "Puerto Rico",
        ],
        strict=True,
    )
)  # fmt: skip
# Codes that are also words or a degree after a name ("Jane Doe, MD"): a state only after a
# place that follows a preposition, or before a ZIP code.
WORD_STATES = frozenset(_words("OK OR IN ME HI OH ID MD MA PA"))
PLACE_AFTER_PREPOSITION = re.compile(
    r"(?<![A-Za-z])(?:in|to|from|of|near|at|outside|around|based|born|via)"
    r"(?:[ \t][A-Z][A-Za-z]*[a-z]){1,3},[ \t]$"
)
PART_RE = "|".join(re.escape(part) for part in PART_OF_PENNY)

FILE_EXTENSIONS = (
    "py|ts|tsx|jsx|json|md|txt|html|css|yaml|yml|toml|sh|go|rs|java|cpp|rb|php|csv|xml|sql|ini|"
    "cfg|log|pdf|png|jpg|jpeg|gif|svg|zip|ipynb"
)

# A compass point after a distance, before "of" and a place: "3 km N of here", "5 miles W of
# the river", "5 W of Lima" (but "5 W of power": watts).
BEARING = r"[NS]{1,2}[EW]|[EW][NS][EW]|[NSEW]"
DISTANCE_WORDS = (
    rf"(?:(?:nautical{H})?miles?|kilomet(?:er|re)s?|met(?:er|re)s?|yards?|feet|leagues?|blocks?)"
)
PLACE_AFTER = rf"{H}of{H}(?:here|there|town|us|the{H}|[A-Z])"
# Words before a bare number that make it no distance: "the 5 W of the story", "page 5 E of".
NO_DISTANCE_BEFORE = DETERMINERS | LABEL_WORDS | {"a", "an"}

BRANCHES = {
    # A US ZIP code after a city and a state's postal code: "Beverly Hills, CA 90210",
    # "Washington, DC 20500-0001" (but "OK 10000 people").
    "zip": (
        rf"(?=\d{{5}})(?<=[A-Z] )(?<=\w, (?:{US_STATES}) )(?P<zn>\d{{5}})(?:-(?P<z4>\d{{4}}))?"
        r"(?![\w-]|[.,]\d)"
    ),
    "vanity": (
        r"(?<![\w+-])(?P<vone>1[-. ])?(?P<varea>8(?:00|88|77|66|55|44|33)|900)-"
        r"(?P<vword>(?(vone)[A-Z][A-Za-z]+|[A-Z]{3,})(?:-[A-Z][A-Za-z]*)*)(?![\w-])"
    ),
    # An ISBN, said digit group by digit group: "978-3-16-148410-0" (ISBN-13, 13 digits in 5
    # groups), "0-306-40615-2" (ISBN-10, 10 in 4, the last maybe X), with or without "ISBN"
    # before it; unhyphenated only after "ISBN" ("ISBN 9780306406157").
    "isbn": (
        r"(?<![\w.,+-])(?:97[89]-(?=[\d-]{13}(?![\w-]))\d{1,5}-\d{1,7}-\d{1,7}-\d"
        r"|(?=[\d-]{12}[\dX](?![\w-]))\d{1,5}-\d{1,7}-\d{1,7}-[\dX]"
        r"|(?:(?<=ISBN )|(?<=ISBN: )|(?<=ISBN-1[03] )|(?<=ISBN-1[03]: ))"
        r"(?:97[89]\d{10}|\d{9}[\dX]))"
        r"(?![\w-]|[.,]\d)"
    ),
    "phone": (
        rf"(?P<pmain>(?<![\w+-])(?:\+\d{{1,3}}{HO})?(?:\(\d{{3}}\){HO}|(?:1[ .-])?\d{{3}}[ .-])"
        rf"\d{{3}}[ .-]\d{{4}}(?![\w-])"
        rf"|(?<![\w+-])\+\d{{1,3}}(?:[ .-]\d{{1,4}}){{2,5}}(?![\w-])"
        rf"|(?<![\w+-])\+\d{{1,3}}[ .-]\d{{1,4}}[ .-]\d{{5,8}}(?![\w-])"  # "+49 30 1234567"
        rf"|(?<![\w.,-])\d{{3}}-\d{{4}}(?![\w-])"
        rf"|(?<![\w.,+-])0\d{{2,4}}(?:[ .-]\d{{3,4}}){{1,2}}(?![\w-])"
        rf"|(?<![\w.,+-])0\d{{4}} \d{{6}}(?![\w-])"  # a UK mobile or town: "07700 900123"
        rf"|\((?<![\w+-]\()0\d{{2,4}}\){HO}\d{{3,4}}[ .-]\d{{3,4}}(?![\w-]))"  # "(020) 7946 0958"
        rf"(?:,?{HO}(?:x|ext\.?|extension){HO}(?P<ext>\d{{1,5}})(?!\w))?"
        rf"(?!{H}(?:hrs?|hours)(?!\w))"  # "0900-1700 hrs": times on the 24-hour clock
    ),
    "isodate": (
        r"(?<![\w./-])(?P<iy>\d{4})(?P<is>[-/.])(?P<im>\d{1,2})(?P=is)(?P<id>\d{1,2})"
        # a timestamp's time: "2024-03-15T14:30:00Z", "...T09:05:30.123+02:00"
        r"(?:(?<=-\d\d)T(?P<ih>[01]\d|2[0-3]):(?P<imin>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?"
        r"(?P<iz>Z|[+-]\d\d:?\d\d)?)?(?![\w/-]|\.\d)"
    ),
    "slashdate": (
        r"(?<![\w/.-])(?P<sa>\d{1,2})(?P<ss>[/.-])(?P<sb>\d{1,2})(?P=ss)(?P<sy>\d{4}|\d{2})"
        r"(?![\w/]|\.\d)"
    ),
    # Three or more measures to choose from: "128/256/512 GB" (the last is read with its unit)
    "options": (
        rf"(?<![\w./])(?:\d{{1,6}}(?:\.\d+)?/){{2,}}+"
        rf"(?=\d{{1,6}}(?:\.\d+)?{HO}(?:{UNIT_RE})(?!\w))"
    ),
    "time": (
        rf"(?<![\w:.,])(?P<th>\d{{1,2}})(?::(?P<tm>\d{{2}})(?::(?P<ts>\d{{2}}))?(?:\.(?P<tcs>\d{{1,3}}))?"
        rf"(?![\d:]|\.\d|,\d{{3}})"  # "3:52.01": a race time in minutes, seconds and hundredths
        rf"|\.(?P<tm2>\d{{2}})(?={HO}[AaPp]\.?{HO}[Mm]{RB}|(?<=0\d\.[0-5]\d)(?![\w.,]\d|\w)))"
        rf"(?:{HO}{AMPM.format('tap')})?"
        rf"|(?<![\w:.,])(?P<th2>\d{{1,2}}){HO}{AMPM.format('tap2')}"
    ),
    "ampm": rf"{LB}(?P<ap>[AaPp])\.{HO}[Mm]\.",
    "feet": (
        rf"(?<![\w.])(?:(?P<ft>\d{{1,2}})['′]{HO}(?P<inch>\d{{1,2}}(?:\.\d+)?)(?:\"|″|'')"
        rf"|(?P<ft2>\d{{1,2}}){HO}ft\.?{H}(?P<inch2>\d{{1,2}}){HO}in(?P<indot>\.)?(?!\w))"
    ),
    "lsd": (  # pre-decimal British money: "£1 17s. 9d.", "2s. 6d."
        rf"(?:£(?P<lp>\d{{1,7}}){H}|(?<![\w.]))(?P<ls>\d{{1,2}})s\.?"
        rf"(?:,?{H}(?P<ld>\d{{1,2}})d\.?)?(?!\w)(?(lp)|(?(ld)|(?!)))"
    ),
    # Old British money without the "£ s. d." of "lsd", only where no other reading fits: pence
    # with their period ("6d.", "1/2d.", "2 1/2d."; "2d."/"3d." only inside a sentence, since
    # "May 2d." is a date), shillings with a period inside a sentence ("1s. and", never the
    # "60s."), "l." after a sum ("2,000 l.", but "2 l. of water") and "L" before a sum grouped
    # in thousands ("L100,000", never "L2" or "L150").
    "oldmoney": (
        rf"(?<![\w.,/])(?:(?P<dn>\d?[014-9]|\d?[23](?=(?:-|{H})?(?:{PART_RE})d\.|d\.(?:,|{H}[a-z])))"
        rf"(?:(?:-|{H})?(?P<df>{PART_RE}))?|(?P<df2>{PART_RE}))d\.(?!\w)"
        rf"|(?<![\w.,])(?!(?:[2-9]0)s)(?P<sn>\d{{1,2}})s\.(?=,|{H}[a-z])"
        rf"|(?<![\w.,])(?P<ln>{INT}){HO}l\.(?!\w)(?!{H}of\b)"
        rf"|(?<![\w.])L(?P<lL>\d{{1,3}}(?:,\d{{3}})+)(?![\w,]|\.\d)"
    ),
    "money": (
        rf"(?P<mneg>(?<![\w.\-–—])[-−+~])?(?<![^\W_])(?P<cur>{CURRENCY_RE})"
        # a code is no currency before a number on a letter that is no multiplier: "USD 24h"
        rf"(?!(?<=[A-Z]{{3}}){HO}[\d.,]+(?!(?:{MULT_RE}){RB})[^\W\d_]){HO}"
        rf"(?:(?P<mneg2>[-−])|(?P<mpar>\())?"  # "$-3", and a loss in accounts: "$(45.2)"
        rf"(?P<amt>{EURO_NUM}|{NUM}|\.\d+)(?(mpar)\))(?:{HO}(?P<mult>{MULT_RE}){RB})?"
        rf"(?:{HO}[-–—]{HO}(?:{CURRENCY_RE})?(?P<amt2>{EURO_NUM}|{NUM})"
        rf"(?:{HO}(?P<mult2>{MULT_RE}){RB})?)?"
        rf"(?:{H}(?P<code>{'|'.join(CURRENCY_CODES)})(?!\w))?"  # "$5 CAD": the code says which
        rf"(?:{HO}/{HO}(?P<per>[a-z]{{1,6}}|1?[KMB]|1k|[dcm]?L|kWh){RB}"  # "$3/mo", "$0.10/1M"
        rf"(?:{HO}/{HO}(?P<per_b>[a-z]{{1,6}}){RB})?)?"  # "$25/user/mo"
    ),
    # Scientific notation: "1e-3", "6.02E23" (a learning rate, a constant)
    "sci": r"(?<![\w.])(?P<scm>\d{1,3}(?:\.\d+)?)[eE](?P<sce>[-+−]?\d{1,3})(?!\w|\.\d)",
    # A duration written in one word: "2h30m" is two hours and thirty minutes, "45m30s"
    "compact": (
        r"(?<![\w.])(?=\d{1,3}[hm]\d)(?:(?P<cph>\d{1,3})h)?(?:(?P<cpm>\d{1,3})m)?"
        r"(?:(?P<cps>\d{1,3})s)?(?!\w)"
        # and a clock time written the French way: "16h30" is sixteen thirty ("2h30" stays: a
        # duration as often)
        r"|(?<![\w.])(?P<ceh>1\d|2[0-3])h(?P<cem>[0-5]\d)(?!\w)"
    ),
    # A time ago written short, as feeds write it: "2d ago" is two days ago, "10m ago" ten
    # minutes ago (not the second, ten meters).
    "ago": rf"(?<![\w.])(?P<agon>\d{{1,3}}){HO}(?P<agou>mo|[smhdwy])(?={H}ago(?![\w'’]))",
    # A hexadecimal literal is said "hex" and its digits one by one: "0x1F" is hex one F
    "hex": r"(?<![\w.])0[xX](?P<hx>[0-9A-Fa-f]{1,16})(?!\w|\.\w)",
    # A decimal out of 5, 10 or 100 is a rating: "4.5/5 stars", "7.5/10" (no date, no fraction)
    "rating": r"(?<![\w.,/])(?P<rtn>\d{1,2}\.\d{1,2})/(?P<rtd>5|10|100)(?![\w/]|[.,]\d)",
    "fraction": (
        rf"(?:(?:(?<![\w/.,])|(?<=FY))(?:(?P<fw>\d{{1,9}})(?:{H}|-))?(?P<fn>\d{{1,9}})[/⁄]"
        rf"(?P<fd>\d{{1,9}})"
        rf"(?![\w/]|[.,]\d)|(?<![\w.,])(?:(?P<vw>\d{{1,9}}){HO})?(?P<vf>{VULGAR_RE}))"
        rf"(?:{HO}(?P<funit>{UNIT_RE})(?!\w))?"
    ),
    # US retirement plans and tax-exempt bodies named by their tax-code section: "401(k)" is
    # four oh one k, "501(c)(3)" five oh one c three.
    # (and written without brackets: "401k", "403b", never four hundred one thousand)
    "taxcode": (
        r"(?<![\w.])(?P<tcn>401|403|457|501)(?:\((?P<tcl>[a-z])\)(?:\((?P<tcp>\d)\))?"
        r"|(?<=40[13])(?P<tcl2>[kKbB]))(?![\w(])"
    ),
    # A numbered provision's subdivisions: "§ 12(b)(3)" is twelve B three, "Article 6(1)(f)" six
    # one F, "Rule 23(b)(2)(iii)" twenty-three B two three; one numbered subdivision only after
    # a provision's name ("s. 3(1)", see PROVISIONS): "2(3)" may be a product.
    "subsection": (
        r"(?<![\w.])(?P<ssn>\d{1,5})(?P<ssp>(?:\((?:[a-z]{1,4}|[A-Z]|\d{1,2})\)){1,6}+)(?!\w)"
    ),
    # A dotfile or a bare extension: "your .env", ".gitignore", "a .py file"
    "dotfile": (
        rf"(?<![\w./-])\.(?:env|gitignore|dockerignore|bashrc|zshrc|npmrc|profile"
        rf"|{FILE_EXTENSIONS}|js)(?![\w-]|\.\w)"
    ),
    "shortyear": (  # "the '90s", "class of '97", "Q3'24", "'65-'68"
        r"(?:(?<![^\W_])|(?<=Q[1-4])|(?<=H[12])|(?<=FY))['’‘](?P<sy2>\d{2})(?P<sys>s)?"
        r"(?:[-–]['’‘](?P<sy3>\d{2})(?(sys)s))?(?![\w'’]|[.,]\d)"
    ),
    "number": (
        # "+0:45": a time's gap; "~5pm", "~5:30": about a time (the sign is a symbol then)
        rf"(?P<sign>(?<![\w.,%°\-–—])[-−+±~](?!(?<=\+)\d{{1,2}}:\d\d"
        rf"|(?<=~)\d{{1,2}}(?::\d\d|{HO}[AaPp]\.?{HO}[Mm]{RB})))?"
        rf"(?P<n>(?=\d{{1,3}}+[.,]\d)(?:{EURO_NUM}(?={HO}(?:{CURRENCY_RE})(?!\w))"
        rf"|(?P<egroups>{EURO_GROUPS}))|(?:{INT})(?:\.\d+)*|(?<![\w.,])\.\d+)"
        rf"(?:(?P<ordsuf>st|nd|rd|th|ST|ND|RD|TH|(?<=[23])d|(?<=[23])D(?={H}[A-Z]{{2}})){RB}"
        rf"|(?P<plural>['’]?s){RB}|(?P<agent>er)(?P<agents>s?){RB}"
        rf"|(?P<deg>{HO}[°º˚](?:{HO}(?P<scale>[CFK])(?!\w)|{HO}(?P<compass>[NSEW])(?!\w))?)"
        rf"|(?P<usp>{HO}|-(?=[^\W\d]{{2}}))(?P<unit>{UNIT_RE}|(?<=\d)(?:{'|'.join(ATTACHED_UNITS)}))(?P<upow>\^[23](?!\d))?(?!\w)"
        rf"(?<!{H}W(?={PLACE_AFTER}))"  # "5 W of here": west, not watts
        rf"(?:(?P<unit2>{HO}/{HO}(?P<per2>[a-z]{{1,6}}|[dcm]?L|kWh){RB}(?:/(?P<per3>[a-z]{{1,6}}){RB})?)"
        # "x" or "by" after a unit of letters and before a number ("5 m x 3 m", "500 mg x 2"),
        # or a dash ("5 kg-10 kg", "5 kg - 10 kg")
        rf"|(?<![^\W_]x)(?<=[^\W\d_])(?P<ujoint>(?P<dimx>{HO}[x×]{HO}(?=\d)|{H}by{H}(?={SIZE_MEASURE}))"
        rf"|(?P<udash>{HO}[–—]{HO}|-|{H}-{H})(?=[$£€¥]?\d)))?"
        rf"|(?P<big>[KMB]){RB}|(?P<bscale>[CF]){RB}"
        rf"|(?P<wild>\.x){RB}"
        rf"|{HO}/{HO}(?P<bper>{'|'.join(BARE_PER)}){RB})?"  # "1,000/min", "3/day"
        # a distance's compass point: "25 km SW of the city", "5 miles W of here", "5 W of
        # here" (not after the units _number reads apart)
        rf"(?:(?<![\"Wx])(?<!c\.)(?P<distance>{H}{DISTANCE_WORDS})?{H}(?P<bearing>{BEARING})"
        rf"(?={PLACE_AFTER}))?"
    ),
    "dash": (
        rf"(?:(?<=[\d%])|(?<=\d°)|(?<=[AaPp][Mm])|(?<=[AaPp]\.[Mm]\.)|{AFTER_LETTERS_ON_NUMBER})"
        # before a number, a version ("v1.2-v1.4"), a quarter or half ("Q1-Q3", "H1-H2") or a
        # month and day ("April 30-May 1")
        rf"(?:{HO}[–—]{HO}|-|{H}-{H})"
        # or a lone letter after a coefficient ("4x - y", see ALGEBRA_BEFORE)
        rf"(?=[$£€¥]?\.?\d|v\d+\.\d|(?<=[QH][1-4][-–])[QH][1-4](?!\w)|{MONTH_RE}\.?{H}\d"
        rf"|(?<=\dx - )[a-z](?!\w))"
    ),
    "by": rf"(?:(?<=\d)|(?<=\d[\"″′']))(?:{HO}[x×]{HO})(?=\d)",  # "12\" x 8\""
    # A version's pre-release after its number: "2.0.1-beta.3" is two point zero point one beta
    # three, "1.0-rc1" one point zero RC one.
    "prerelease": r"(?<=\d)-(?P<pre>alpha|beta|rc|pre|preview|dev)\.?(?=\d+(?!\w|\.\d))",
    # "3:1", and a scale "1:1000" or "1:50,000" (no time: "1:" before three digits or more)
    "ratio": r"(?<=\d):(?=\d(?!\d))|(?<=(?<![\w.:,])1):(?=\d{3}|\d{1,3},\d{3})",
    # "10^3", "2^-4"; a power of 2 or 3 is said like "²" and "³" ("x^2" is x squared), but
    # not a power of ten ("5 x 10^3": five times ten to the power of three)
    "power": (
        r"(?<=[A-Za-z\d)])\^(?:(?<!(?<!\d)10\^)(?P<pow>[23])(?![\w^]|\.\d)"
        r"|(?=[-−]?[A-Za-z\d(]))"
    ),
    # Superscript digits: a power after a number, a bracket or a lone letter ("10²³", "x⁴",
    # "2⁻³"; a lone "²" or "³" is the symbol's), else a footnote's number after a word or
    # punctuation, which is not said ("as shown¹²", "the end.⁴", "fast²"; but "mc²" and
    # "m/sec²" are squared).
    "superscript": (
        rf"(?:(?<=[\d)])|(?<=(?<![A-Za-z])[A-Za-z]))(?P<sup>[⁻⁺]?{SUPERSCRIPT_RUN})"
        rf"|(?:(?<=[A-Za-z]{{3}})(?<!/[A-Za-z]{{3}})|(?<=[.,;:!?\"”’\]]))(?P<note>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
        rf"|(?<=[A-Za-z]{{2}})(?P<note2>{SUPERSCRIPT_RUN})"
    ),
    # A spaced hyphen between a variable (a lone small letter, not "a") and a number, another
    # variable or a bracket: "x - 3 = 0", "y - x" (a dash after a number is the dash branch's).
    "minus": r"(?<=(?<![\w.'’])[b-z] )-(?= (?:\d|[a-z](?![\w'’])|\())",
    "hostport": r":(?<=[\dt]:)(?=\d{2,5}(?!\w|[.,]\d))",  # "localhost:3000", "127.0.0.1:80"
    "arith": rf"(?<=\d){H}(?P<op>[/*]){H}(?=[-−]?\d)",
    # A Roman numeral numbering a list, at a paragraph start or after ";" or ":" ("I. The
    # Huzza Porpoise.", "numbered: I., the GRAMPUS; II., the BLACK FISH"); see _romanitem.
    "romanitem": r"(?:(?<![^\n])|(?<=[;:] ))(?P<ri>[IVX]{1,7})\.(?=,? \S)",
    "roman": (
        rf"(?P<rw>[A-Za-z]{{2,12}}+(?:\.(?<=(?:No|no|Ch|ch|Mk|Pt|Bk)\.)|\.(?<=(?:Vol|vol|Art|Fig)\.)"
        rf"|\.(?<=(?:Chap|Sect)\.))?){H}"
        rf"(?P<rn>[IVXLCDM]+|[ivxlcdm]+){RB}(?!['’](?:m|d|ll|ve|re)\b)(?P<rdot>\.)?"
        rf"|(?<![^\n])(?P<rh>[IVXLCDM]+)(?=\.?[ \t]*(?:\n|\Z))"
    ),
    # A file name with a common extension: "config.py", "README.md", "next.config.js" (but a
    # name like "Node.js" is left to the dictionaries). It starts with letters and a period, as
    # WORD_GUARD lets through.
    "filename": (
        rf"(?<![A-Za-z\d@./-])(?=[A-Za-z]{{1,12}}+\.)(?:[A-Za-z\d-]+\.)*"
        rf"(?:[A-Za-z\d-]+\.(?:{FILE_EXTENSIONS})|[a-z\d-]+\.js)(?![\w-]|\.\w)"
    ),
    # A screenplay's slugline, at a line's or a sentence's start or after a colon ("CUT TO: INT.
    # KITCHEN", as lines run together), before a place in capitals:
    # "EXT. GARDEN - DAY" is Exterior GARDEN - DAY (not "Extension.", which would end a
    # sentence), "INT. KITCHEN" Interior KITCHEN; no period is kept, so the line stays one
    # sentence. "ext. 42" in a phone number is an extension, as before.
    "slugline": (
        r"(?:(?<![^\n])|(?<=[.!?:] ))(?P<slug>INT\.?/EXT|EXT\.?/INT|INT|EXT|I/E)\."
        r"(?=[ \t]+[A-Z\d][^a-z\n]{0,40}?[A-Z]{2})"
    ),
    "state": rf"(?<=[a-z], )(?:{'|'.join(STATE_NAMES)})(?![\w'’&-]|\.\w)",
    "worldwar": r"(?<![^\W_])WW(?P<ww>II?)(?![\w'’])",
    "month": (
        rf"(?<![^\W_])(?:(?P<mon>Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?={H}\d)"
        rf"|(?P<moncaps>(?!MAY|JUNE|JULY){MONTH_CAPS_RE})(?={H}(?:\d{{1,2}}|\d{{4}})(?![\d%]|[.,]\d)))"
    ),
    # A range of months: "Jan–Mar 2024", "May-June" (January to March, May to June).
    "monthrange": (
        rf"(?<![^\W_])(?P<mr1>{MONTH_RE})\.?{HO}[-–]{HO}(?P<mr2>{MONTH_RE})(?P<mr2dot>\.)?"
        r"(?![\w'’-])"
    ),
    "degreescale": r"(?<=degrees )(?P<sc>[CFK])(?![\w'’]|\.\w)",  # "350 degrees F": Fahrenheit
    "initialism": rf"(?:(?<=%)|(?<=%{H}))APR(?![\w'’])",  # "6.5% APR": A P R, never April
    "days": (
        rf"(?<![^\W_])(?:(?P<d1>{DAY_RE})(?:day|\.)?{HO}[-–]{HO}(?P<d2>{DAY_RE})(?P<d2end>day|\.)?"
        # "Mon-Fri"; one day before a time, hours or a date: "Sat 10am", "Sat 9-1", "Tue 3/14"
        rf"(?!\w)"
        rf"|(?P<d3>Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"
        rf"(?=,?{H}(?:\d{{1,2}}(?::\d\d|{HO}[AaPp]\.?[Mm](?!\w)|/\d{{1,2}}(?!\d))"
        rf"|(?:1?\d|2[0-4])[-–](?:1?\d|2[0-4])(?::\d\d)?(?!\d|[.,:]\d)"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?{H}{MONTH_RE}(?![a-z])|{MONTH_RE}\.?{H}\d)))"
    ),
    "said": rf"(?:{'|'.join(map(re.escape, SAID))})(?![\w'’])",  # "Ctrl+C": Control plus C
    "vnum": rf"{LB}v(?=\d+\.\d)",  # "v3.2": version three point two (but "V8", "v1")
    "bare": (  # "Mr Smith", "Dr Who"; "vs" before anything: "3% vs 2%", "cats vs dogs"
        rf"{LB}(?P<btitle>Mr|Mrs|Ms|Dr|St|Prof|Capt|Col|Gen|Lt|Sgt|Mt|Revd|vs)"
        rf"(?={H}(?:[A-Z]|(?<=vs[ \t\xa0])[\w$£€¥]))"
    ),
    "abbr": (
        r"(?<![\w.])(?:et al\.|[A-Za-z]{1,3}+\.(?:[A-Za-z]{1,3}+\.)+|[A-Za-z]{1,7}+\.)"
        r"(?![^\W\d])"  # a digit may follow: "No.1"
    ),
    # "<<"/">>" that the markup stage left (not a "<<p|h|o|n|e|s>>" pronunciation): a shift
    # between operands ("x << 2"), else a quotation mark ("<< Bonjour >>"), so that no stray
    # pair reaches Sonic, which would take "<< two >>" for phonemes.
    "shift": r"<<|>>",
    "symbol": (
        r"&c\.|§§|&&|[&@×÷±≈≠≤≥§¶№‰°²³©™®∞→⌘⌥⇧⌃]|(?<![=<>!])=(?![=>])|%|\+/[-−]|\+|~(?=\d)"
        r"|(?<![<>=!-])[<>]=?(?= ?[-−]?\d)"  # "x<5", "<5", "y >= 10"; not "->" (an arrow)
        r"|(?<![^\s(])[<>]=?(?= ?[$£€¥]\d)"  # "> $5M" (but "<td>$0")
    ),
    # A slash between an all-caps name and a version or another name is not said: "HTTP/2",
    # "HTTP/1.1", "TCP/IP" (but "N/A", "I/O", "km/h" and "24/7" are read as before).
    "joint": (  # and a lens's f-number: "f/2.8" is f two point eight
        r"(?<=[A-Z]{2})/(?=[A-Z]{2}|\d+(?:\.\d+)?(?![\w/]|\.\d))"
        r"|(?<=(?<![\w.])f)/(?=\d{1,2}(?:\.\d)?(?![\w/]|\.\d))"
    ),
    # A slash between measures written on their numbers is "or": "128GB/256GB", "5mg/10mg"
    "unitslash": rf"(?:{AFTER_LETTERS_ON_NUMBER})/(?=\d)",
    # An underscore inside a name is said, as in an address: "max_retries", "get_user_by_id".
    "underscore": r"(?<=[^\W_])_++(?=[^\W_])",
    # "C#", "#1", and a hashtag or a handle, whose words are said apart: "#MondayMotivation"
    # is hashtag Monday Motivation, "@BBCBreaking" at BBC Breaking, "@jenny_smith" at jenny
    # underscore smith.
    "hash": (
        r"(?<=[A-G])#(?!\w)|#(?=\d)"
        r"|(?<![\w&])(?P<tagsign>[#@])(?P<tag>[A-Za-z][A-Za-z\d_]*+)(?![\w@]|[-+.'’]\w)"
    ),
    "echo": "|".join(rf"(?i:{SYMBOLS[sign]}){HO}{sign}" for sign in ECHOED_SIGNS),
}
AGO_UNITS = {
    "s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year",
}  # fmt: skip
# Where a branch of the word family may start: a capital, "v" ("vs") or "x" ("x86"), else a
# word followed by a period (abbreviations, "a.m.", "No. II"), by a Roman numeral ("chapter
# iv") or by an echoed sign ("copyright ©"); or "et al.", "y/y" (and "q/q", "m/m"), "w/", or
# an echoed sign's name of two words. Most words of prose are none of these and fail here at once.
WORD_GUARD = (
    rf"(?<![^\W_])(?=[A-Zvx]|[A-Za-z]{{1,12}}+(?:\."
    rf"|{SPACE_CLASS}(?:[IVXLCDM]+|[ivxlcdm]+)(?![^\W_])|{SPACE_CLASS}?[{ECHOED_SIGNS}])"
    rf"|et al\.|[mqy]/[mqy]|w/"
    + "".join(
        f"|(?i:{SYMBOLS[sign].replace(' ', SPACE_CLASS)})"
        for sign in ECHOED_SIGNS
        if " " in SYMBOLS[sign]
    )
    + ")"
)
# Each family of branches sits behind a cheap guard, so most positions fail at once; a family
# may nest another behind a narrower guard. (The signs between numbers are looked for at a
# space only when one of them follows it: "5 - 3", "2 x 4".)
Family = tuple[str, tuple["str | Family", ...]]
FAMILIES: tuple[Family, ...] = (
    (r"(?=[\d$£€¥₹₩₽₿+(\-−±~.'’‘½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞UACNHEGJIL]|Rs)",
     ((r"(?=\d)", ("isbn", "zip", "vanity")), "phone",
      (r"(?=\d)", ("isodate", "slashdate", "options", "time", "feet", "rating", "sci", "hex",
                   "compact", "ago")),
      "lsd", "oldmoney", "money", "fraction", "taxcode", "subsection", "dotfile",
      "shortyear", "number")),
    (WORD_GUARD,
     ("echo", "filename", (r"(?=[EI][NX/])", ("slugline",)), "romanitem", "roman",
      ("(?=[A-Zv])", ("state", "worldwar", "monthrange", "month", "degreescale", "initialism",
                         "days", "bare", "vnum")),
      (r"(?=[AaPp]\.)", ("ampm",)), (r"(?=[CMPQYxmqwy])", ("said",)), "abbr")),
    (r"(?=[-–—x×:/*]|[ \t\xa0\u2009\u202f\n][-–—x×/*])"
     rf"(?:(?<=[\dhdtMm.%\"″′'°])|{AFTER_LETTERS_ON_NUMBER})",
     ("dash", "prerelease", "by", "ratio", "hostport", "arith")),
    ("(?=[&@=×÷±≈≠≤≥§¶№‰°²³©™®∞→⌘⌥⇧⌃%+~<>#^/_⁰¹⁴⁵⁶⁷⁸⁹⁻⁺]|-(?<=[b-z] -) )",
     ("shift", "hash", "superscript", "symbol", "joint", "unitslash", "underscore", "power",
      "minus")),
)  # fmt: skip


def _alternatives(families: tuple[str | Family, ...]) -> str:
    return "|".join(
        f"(?P<{item}>{BRANCHES[item]})" if isinstance(item, str)
        else f"{item[0]}(?:{_alternatives(item[1])})"
        for item in families
    )  # fmt: skip


PATTERN = re.compile(_alternatives(FAMILIES))
MONTH_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?P<month>{MONTH_RE}|{MONTH_CAPS_RE})\.?,?{H}(?:the{H})?$"
)
MONTH_DAY_BEFORE = re.compile(rf"(?<![A-Za-z]){MONTH_RE}\.?{H}\d{{1,2}}(?:st|nd|rd|th)?,?{H}$")
MONTH_AFTER = re.compile(rf"{H}(?P<of>of{H})?(?P<month>{MONTH_RE}|[A-Z]{{3,9}})(?![a-z])")
MONTH_RANGE_BEFORE = re.compile(
    rf"(?<![A-Za-z]){MONTH_RE}\.?{H}\d{{1,2}}(?:st|nd|rd|th)?{HO}[-–]{HO}$"
)
# N/M is a score, not a date or a fraction, when it is no more than M and no "of" follows
# ("3/10 of a mile" is a fraction), and the words around say so: "stars" or "rating" after it,
# or "rated", "scored", "rate us", "rated us" before it ("Rate us 5/5 stars", "rated 4/5"); out
# of ten or a hundred it always is ("8/10"), out of five only after "a", "got" or "gave" ("got
# 3/5"). Otherwise "5/5" stays May fifth and "3/5" three fifths.
SCORE_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:(?:rated|scored)(?:{H}(?:it|us|them|this|me|him|her))?|rate{H}us){H}$"
)
SCORE_AFTER = frozenset(_words("star stars rating ratings"))
OUT_OF_FIVE_BEFORE = frozenset(_words("a got gave"))
# Words before N/M that make it a date, not a fraction: "due 3/4", "on 3/4" (but "3/4 of").
DATE_BEFORE = frozenset(_words("due on until since"))
MILITARY_TIME = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
_TIME_RANGE_DASH = rf"(?:{HO}[-–]{HO}|{H}to{H})"
MILITARY_RANGE_AFTER = re.compile(
    rf"{_TIME_RANGE_DASH}\d{{4}}{H}(?:hrs?|hours)(?!\w)"
)  # "-1700 hrs"
MILITARY_RANGE_BEFORE = re.compile(
    rf"(?<!\d)(?:[01]\d|2[0-3])[0-5]\d{_TIME_RANGE_DASH}$"
)  # "0900-"
NUMBER_AFTER = re.compile(rf"{HO}(?:[#\d]|[+(]\d)")  # "No. 5", "No.1", "Tel. +44", "Tel. (555)"
COUNT_AFTER = re.compile(rf"{HO}\d+(?={H}[a-z])")  # "the ref. 5 minutes later"
YEAR_AFTER = re.compile(rf"{HO}[12]\d{{3}}(?!\w|[.,]\d)")
# Names of provisions before a number with one numbered subdivision: "s. 3(1)", "Article 17(2)".
PROVISIONS = frozenset(
    _words(
        "s ss section sections art article articles rule rules reg regulation regulations "
        "clause clauses para paragraph paragraphs sch schedule"
    )
)
# Words before a phone number, which is read digit by digit: "call 911", "Tel. 555 1234", "Our
# number is 555 000 123". After "call", "dial" and "text" any number is one; after the others
# only one of PHONE_DIGITS digits or more ("The fax: 12 pages were sent"). The cleanup plugin
# uses them to keep no-break spaces in a phone number.
PHONE_WORDS = (
    r"(?<![A-Za-z])(?i:(?P<dial>call|dial|text)|tel|telephone|fax|phone"
    r"|(?:our|my|your|their)\s(?:phone\s|fax\s)?number(?:\sis)?)\.?:?"
)
PHONE_BEFORE = re.compile(rf"{PHONE_WORDS}{SPACE_CLASS}+(?P<groups>(?:\d{{2,4}}{H})*)$")
# A short code for text messages, read digit by digit like a phone number: "Text STOP to 55555",
# "SMS 72345" (four to six digits after "text", "txt" or "SMS", or up to three words and "to"
# after them), but not before a plural noun ("text your team to 10000 people").
SHORT_CODE_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:text|txt|sms)(?:(?:{H}[\w'’]+){{0,3}}{H}to)?{H}$"
)
# Words before a code of four to eight digits, read digit by digit: "Your code is 482910",
# "PIN: 1234", "zip code 90210".
CODE_BEFORE = re.compile(rf"(?<![A-Za-z])(?:(?i:code|passcode)|PIN|OTP)(?:{H}(?:is|was))?:?{H}$")
# Nouns after an emergency number that make it one: "the 911 call", "a 999 operator".
EMERGENCY_NOUNS = frozenset(
    _words("call calls caller callers dispatcher dispatchers operator operators center line")
)
PHONE_GROUPS_AFTER = re.compile(rf"(?:{H}\d{{2,4}}(?!\d))*")
PHONE_DIGITS = 7
# Area codes said as a number, not digit by digit: "1-800-555-0199" is "one, eight hundred, five
# five five, ...", and "1-800-FLOWERS" (a vanity number) "one eight hundred flowers".
HUNDRED_AREA_CODES = ("800", "900")
SAID_HOURS = ("noon", "midnight", "hours")  # "12:00 noon" needs no "o'clock"
# The end of a time range; a start before an end on the 12-hour clock leaves "o'clock" to the
# end ("9:00-5:00": nine to five o'clock), but not before "17:00" (nine o'clock to seventeen
# hundred).
TIME_RANGE_AFTER = re.compile(
    rf"{HO}(?:[-–—]{HO}|to{H})(?P<end>\d{{1,2}})(?::\d\d|{HO}[AaPp]\.?{HO}[Mm]{RB})"
)
# h:mm:ss is a duration or a place in a recording ("ran it in 1:02:05", "1:02:03 long", "at
# 1:02:03 into the video") or a clock time ("at 10:42:13", a log's "2024-05-01 08:15:30",
# "14:30:00 UTC"); the words around decide. Failing them an hour of 13 or more is a clock time
# and a smaller one a duration: in prose a clock time nearly always comes with "at", a date or
# a time zone, while a bare "1:00:00" or "0:05:30" is a running time or a recording position.
DURATION_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:in|lasted|lasting|lasts|took|takes|ran|runs|clocked|time{H}of"
    rf"|duration:?|length:?){H}$"
)
DURATION_AFTER = re.compile(rf"{H}(?:long|into|video|film|movie|recording|track|episode)\b")
CLOCK_TIME_BEFORE = re.compile(
    rf"(?:(?<![A-Za-z])(?i:at|by|until|till|since|from)|\d{{4}}-\d\d?-\d\d?"
    rf"|\d\d?/\d\d?/\d{{2,4}}|{MONTH_RE}\.?{H}\d\d?(?:st|nd|rd|th)?,?{H}\d{{4}},?){H}$"
)
# The start of a range or of a size before its end: "5-" in "a 5-10 kg bag", "5 kg to " in "a 5
# kg to 10 kg bag", "120 x " in "a 120 x 60 cm desk".
RANGE_START_BEFORE = re.compile(
    rf"(?<![\w.,])(?:[$£€¥]?\d[\d.,]*(?:{HO}[^\W\d_]{{1,3}}|[\"″′'])?"  # 'a 9" x 13" pan'
    rf"(?:{HO}[-–—x×]{HO}|{H}(?:to|by){H}))+$"
)
RANGE_END_AFTER = re.compile(  # "-100W" in "60W-100W bulbs", "-10 kg" in "5 kg-10 kg bags"
    rf"(?:(?:{HO}[-–—]{HO}|{H}to{H})[$£€¥]?\d[\d.,]*(?:{HO}[^\W\d_]{{1,3}}(?![^\W\d_]))?"
    rf"|(?:{HO}[x×]{HO}|{H}by{H})(?:{SIZE_MEASURE}|\d[\d.,]*[\"″′']))+"  # " x 3 m" in "5 m x 3 m"
)
# Hours before "25m" make it minutes: "1h 25m", "3 hrs 5m".
HOURS_BEFORE = re.compile(rf"\d{HO}(?:h|hrs?){HO}$")
# A kitchen's (or a timer's) verb around "10m" makes it minutes: "simmer for 10m", "cook time:
# 15m", "10m-15m to cook", "5m or until golden", "3m per side" (but "a 10m rope", "swim 10m").
_TIMED_VERBS = (
    r"cook|bake|boil|simmer|roast|fry|grill|broil|steam|poach|braise|sear|toast|saut[eé]|rest"
    r"|marinate|steep|brew|chill|cool|soak|proof|prove|knead|stir|whisk|blend|microwave"
    r"|freeze|infuse|reduce|wait|timer|prep"
)
MINUTES_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:{_TIMED_VERBS})(?:s|e?d|ing)?(?:{H}time)?:?"
    rf"(?:{H}(?:for|about|another|around|approx\.?|in)){{0,2}}{H}(?:[\d.]+m?{HO}[-–]{HO})?$"
)
# What goes on with a name after its abbreviation's period (see _goes_on): a share class or
# series, or a German firm's form, after a company's suffix ("Alphabet Inc. Class A", "GmbH &
# Co. KG"); after a place's state, a day ending the clause or with its time ("in Atlanta, Ga.
# Thursday.", "Ga. Thursday night"; but "Ga. Thursday was hot" starts a sentence).
COMPANY_SUFFIXES = frozenset(_words("Inc. Corp. Co. Ltd."))
COMPANY_GOES_ON = re.compile(rf"{H}(?:(?:Class|Series){H}[A-Z]|KGaA|KG)(?![\w'’])")
DAY_GOES_ON = re.compile(
    rf"{H}(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    rf"(?:[.,;:!?]|{H}(?:morning|afternoon|evening|night)(?![\w'’])|$)"
)
# Words of money make "3m" on a number millions, as "$3m" is: before it in its sentence ("raised
# ~3m in funding", "valued at 3m", "Revenue: 3m") or after it, maybe past "in" or "of" and one
# word ("a 3m seed round", "3m in new funding"); but not before a word of size or place ("paid
# for 3m of rope", "3m long"), nor as a measure of a noun ("the budget's 3m wall") or of time
# ("the deal took ~3m"). "3M" is a company ("investors in 3M"): it is millions only right after
# a verb of money ("raised 3M").
_MONEY = r"rais(?:e|es|ed|ing)|secur(?:e|es|ed|ing)|cost(?:s|ing)?|paid|pay(?:s|ing)?|worth"
MONEY_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:{_MONEY}|fund(?:s|ed|ing)?|financing|invest(?:s|ed|ing|ments?|ors?)"
    r"|valu(?:ed|ation)|revenues?|sales|turnover|profits?|loss(?:es)?|earnings|income|budget"
    r"|deal|spen[dt]|spending|debt|loans?|grants?|fined|settle(?:d|ment)|salary|bonus|contract"
    r"|capital|donat(?:ed|ions?)|dividends?|sold|sells?|selling|bought|buys?|fetch(?:ed|es)?"
    r"|auction(?:ed)?|price[ds]?|bid)(?![A-Za-z])(?:[^.;!?\n]|\.\d)*$"
)
MONEY_VERB_BEFORE = re.compile(rf"(?<![A-Za-z])(?i:{_MONEY}){H}$")
MONEY_AFTER = re.compile(
    rf"{H}(?:(?:in|of){H})?(?:[a-z]+{H})?(?:funding|financing|investment|round|raise|valuation"
    r"|budget|revenue|sales|profit|loss|deal|contract|fine|settlement|payout|bonus|salary"
    r"|package|grant|loan|debt|capital|cash|bid|offer|takeover|buyout|fee|prize)(?![\w'’])"
)
TIME_BEFORE = re.compile(rf"(?<![A-Za-z])(?:in|takes?|took|taking|lasts?|lasted){H}$")
NO_MONEY_AFTER = DIMENSION_WORDS | frozenset(_words("of away ahead above below apart off"))
# "~" and a word of time before "3m" make it minutes ("CI runs in ~3m", "takes ~5m", "wait
# for ~2m"), unless a word of size or place follows ("in ~3m of water", "for ~3m long").
MINUTES_APPROX_BEFORE = re.compile(rf"(?<![A-Za-z])(?:in|for|takes?|took|taking){H}$")
NO_MINUTES_AFTER = frozenset(
    _words("of deep long high wide tall thick away above below from across off up down")
)
MINUTES_AFTER = re.compile(
    rf"(?:{HO}[-–]{HO}[\d.]+m)?,?{H}(?:to{H}(?i:{_TIMED_VERBS})|(?:or{H})?until|(?:per|each|on"
    rf"{H}each){H}side)(?![A-Za-z])"
)
# Before a number, what makes the "W" on it west rather than watts: a road's word ("Route 9W",
# "Exit 12W"), a road's letters and hyphen ("I-35W") or a latitude ("45N 93W").
WEST_BEFORE = re.compile(
    rf"(?:(?<!\w)(?:Route|Rte|Exit|Hwy|Highway|Interstate|US|SR)\.?{H}"
    r"|(?<!\w)[A-Z]{1,3}[-–]"
    rf"|\d°?{HO}[NS],?{H})$"  # "45N 93W", "45.1° N, 93.2° W"
)
# The letters written on a number before a range's dash: a unit ("5kW-10kW"), a clock time
# ("9am-5pm", "9 am-5 pm") or an ordinal ("1st-3rd"); but no name ("2A-3B").
LETTERS_BEFORE_DASH = re.compile(rf"\d{HO}([^\W\d_]{{1,3}})$")
# "between" and a range's start before its dash, read "and": "between 9-5", "between 10am-2pm",
# "between 5mg-10mg".
BETWEEN_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:between){H}[$£€¥]?[\d.,:]+(?:{HO}(?:[AaPp]\.?[Mm]\.?|[^\W\d_]{{1,3}}))?$"
)
# A number between two dashes: "4-4-2", "68-70-69-71" (a series, not a range).
SERIES_BEFORE = re.compile(r"\d-\d{1,3}$")
SERIES_AFTER = re.compile(r"\d{1,3}-\d")
EVEN_ODDS = re.compile(r"(?<![\w.,])50-50(?!\w|[.,]\d)")
CLOCK_BEFORE = re.compile(r":\d\d$")
BY_AFTER = re.compile(rf"{HO}\d")  # "120 x 60": a size, not "120 x" (times)
SUM_AFTER = re.compile(rf"{HO}[\d.,]+{HO}=")  # "3 x 4 = 12": times
# A weight or a volume after "x" is what a count of packs holds, no size: "2 x 400g tins" is
# two times four hundred gram tins, "2 x 5 mg" two times five milligrams ("120 x 60 cm" is by).
COUNT_TIMES_BEFORE = re.compile(rf"\d{HO}[x×]{HO}$")  # "2 x " before "330ml cans"
# A number written on "x" is a variable's coefficient, not "times", between operands of a sum:
# "3x + 2y" is three x plus two y, "y = -3x", "2x - 1 = 0", "3x^2" (but "2x faster", "4x zoom",
# "Speedup = 3x", "(3x)", "2x-4x zoom", "2x/day"). An operand is a number (on a letter or
# not), a lone letter or a bracket; an operator an arithmetic sign or a relation, a hyphen
# only spaced or before no "Nx" ("2x-4x" is a range).
_OPERAND = r"(?:\d+(?:\.\d+)?[A-Za-z]?|(?<![A-Za-z])[A-Za-z]|[)²³])"
_OPERATOR = rf"(?:{HO}[+=<>≤≥≠*−]{HO}|{H}-{H})"
COEFFICIENT_BEFORE = re.compile(r"\dx$")
ALGEBRA_BEFORE = re.compile(rf"{_OPERAND}{_OPERATOR}$")
ALGEBRA_AFTER = re.compile(
    rf"(?:{_OPERATOR}|-(?!\d+(?:\.\d+)?x))[-−]?(?:\d|[A-Za-z](?![A-Za-z])|\()"
)
TAG_BEFORE = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?$")  # "<p" before ">10 9 8"
POSSESSIVE_BEFORE = re.compile(rf"\w['’]s?{H}$")  # "TSMC's " before "3 nm process"
PACK_AFTER = re.compile(
    rf"{HO}[\d.,]+{HO}(?:"
    + "|".join(
        re.escape(unit)
        for unit, (one, _) in UNITS.items()
        if one.endswith(("gram", "liter", "ounce", "pound", "gallon", "quart", "spoon"))
    )
    + r")(?!\w)"
)
POWER_BEFORE = re.compile(r"\^[-−]?\d+\s*$")  # a dash after a power is minus: "2^31 - 1"
# An identifier's code and first number before a dash: "CVE-2023-12345", "ISO-8601-1", or a
# model's name and number, "DDR4-3200", "PC5-38400" (no range; but "FY23-24" is one).
ID_BEFORE = re.compile(r"(?<![\w-])(?:[A-Z]{2,}[A-Z\d]*-|(?!FY|CY)[A-Z]{2,}[A-Z\d]*?)\d+$")
# "Boeing 737-" before "800", and a standard's number before its part: "ISO 8859-1"
MODEL_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?:Boeing{H}\d{{3}}|(?:ISO|IEC|IEEE|DIN|EN){H}\d{{3,5}})$"
)
CLOCK_AFTER = re.compile(rf"{HO}(?:o'clock|[AaPp]\.?{HO}[Mm]\b|:\d)")
DAY_RANGE_AFTER = re.compile(
    rf"{HO}[-–]{HO}\d{{1,2}}(?:st|nd|rd|th)?{H}(?P<month>{MONTH_RE})(?![a-z])"
)
# The noun after "2d" or "3d", past more dimensions: "2d and 3d graphics", "2d/3d plots".
DIMENSION_AFTER = re.compile(
    rf"(?:{HO}/{HO}\d[dD]|{H}(?:and|or){H}\d[dD])*(?:-|{H})(?P<noun>[A-Za-z]+)"
)
ERA_AFTER = re.compile(rf"{HO}(?:AD|A\.D\.|BC|B\.C\.|BCE|B\.C\.E\.|CE|C\.E\.)(?!\w)")
# An era or "the year" before a number makes it a year of any size: "A.D. 890", "Anno 1652",
# "in the year 890" (eight ninety).
ERA_BEFORE = re.compile(rf"(?<![\w.])(?:AD|A\.D\.|[Aa]nno|the{H}year){H}$")
# A quarter, half or fiscal year before a number from 1900 makes it a year: "Q3 2024", "FY2024".
FISCAL_PERIOD_BEFORE = re.compile(rf"(?<![\w.])(?:Q[1-4]|H[12]|FY|CY),?{HO}$")
WORD_BEFORE = re.compile(rf"([A-Za-z]+)\.?{SPACE_CLASS}*$")
# A label read in pairs just before a number, or before a code in capitals: "Room 1204",
# "Flight BA 117", "the port is 8080" (but "took flight. The 650 MPs").
PAIRED_LABEL_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?i:{'|'.join(sorted(PAIRED_LABELS))})\.?{H}(?:(?:[A-Z\d]{{1,3}}|is|was){H})?$"
)
WORD_AFTER = re.compile(rf"{H}([A-Za-z]+(?:['’][a-z]+)?)")
YEAR_RANGE_AFTER = re.compile(rf"{HO}[-–—]{HO}\d{{2,4}}(?!\d)")
YEAR_RANGE_BEFORE = re.compile(  # "1914-", "between 2010 and ", "From 2010 to "
    rf"\d{{4}}{HO}[-–—]{HO}$|(?<![A-Za-z])(?i:between{H}\d{{4}}{H}and|from{H}\d{{4}}{H}to){H}$"
)
# A house number or "on", "off", "along" before a name: "10 Downing St.", "on Baker St."; but
# "on Mount St. Helens", and a day is no street: "On Friday Dr. Lee", "on Christmas Eve St. Nick".
NOT_STREET_NAMES = (
    rf"(?:Mount|Lake|Fort|Port|Cape|Mont|San|Santa|{MONTH_RE}|(?:Mon|Tues|Wednes|Thurs|Fri|Satur"
    r"|Sun)day|Christmas|Easter|Thanksgiving|Halloween|Hanukkah|Passover|Ramadan|Diwali|Eid"
    r"|Day|Eve|Morning|Afternoon|Evening|Night|Weekend)"
)
ADDRESS_BEFORE = re.compile(
    rf"(?:\d+[A-Za-z]?|(?<![A-Za-z])(?:[Oo]n|[Oo]ff|[Aa]long)){H}"
    rf"(?:(?!{NOT_STREET_NAMES}{H})[A-Z][a-z]+{H}){{1,2}}$"
)
# Words before a blood pressure: "BP 120/80", "blood pressure was 90/60".
PRESSURE_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?:BP|(?i:blood{H}pressure))(?:{H}(?:was|is|of|at))?:?{H}$"
)
ORDINAL_BEFORE = re.compile(rf"\d(?:st|nd|rd|th){H}$")  # "17th " before "c.": century
ORDINAL_AFTER = re.compile(rf"{H}\d{{1,3}}(?:st|nd|rd|th){RB}")  # "W. 42nd St."
STREETS = frozenset(_words("Avenue Boulevard Road Lane Highway Parkway Square Court"))
# What may follow a street and continue the address, so "Street" takes a comma, not a period:
# "12 Elm St. Apt. 4", "42 Oak Dr. Springfield, IL", "Main St. #4", "Pennsylvania Ave. NW".
ADDRESS_AFTER = re.compile(
    rf"{H}(?:(?:Apt|Ste|Suite|Unit|Fl|Floor|Bldg|Building|Rm|Room|NW|NE|SW|SE)\b|#\d"
    rf"|(?!{'|'.join(SENTENCE_STARTERS)}\b)(?:[A-Z][a-z]+{H}){{0,2}}[A-Z][a-z]+,{H}[A-Z\d])"
)
CLOSERS = "\"'”’)]}_*"
OPENERS = "\"'“‘(["
BRACKETS = {"(": ")", "[": "]"}
MAX_ASIDE = 200  # characters a bracketed aside is looked through for its end
SPACES = " \t\xa0\u2009\u202f\r\n"
LEADERS = SPACES + OPENERS + "_*"  # what may stand between a sentence end and its next word
WORD_BEFORE_PERIOD = re.compile(r"[A-Za-z.]+$")
NUMBER_BEFORE_UNIT = re.compile(rf"\d{HO}$")


# -- context helpers --------------------------------------------------------------------------


def _word_before(text: str, start: int) -> str:
    match = WORD_BEFORE.search(text, max(0, start - 24), start)
    return match.group(1) if match else ""


def _word_after(text: str, end: int) -> str:
    match = WORD_AFTER.match(text, end)
    return match.group(1) if match else ""


def _skip(text: str, pos: int, chars: str) -> int:
    """The first position at or after ``pos`` that is neither a mark nor one of ``chars``."""
    while pos < len(text) and (text[pos] in chars or MARK_RE.match(text, pos)):
        pos += 1
    return pos


def _ends_sentence(text: str, end: int, before_number: bool = False) -> bool:
    """Whether a period just before ``end`` also ends the sentence.

    It does before a capital letter (also after an opening quote), before a digit if
    ``before_number`` (see END_BEFORE_NUMBER_RE), at the end of the text and at a paragraph
    break. Before a bracket it does only if the bracket holds a sentence of its own, as the
    sentence splitter reads it: "at Acme Corp. (He left.)", not "Acme Corp. (NYSE: ACME) rose".
    """
    pos = _skip(text, end, CLOSERS)
    after = _skip(text, pos, SPACES)
    if after == pos:
        return pos >= len(text)
    if after >= len(text) or text.count("\n", pos, after) > 1:
        return True
    if text[after] in BRACKETS:
        aside = BRACKETS[text[after]]
        close = text.find(aside, after, after + MAX_ASIDE)
        if close > 0 and text[close - 1] not in ".!?":
            return False
    after = _skip(text, after, OPENERS)
    return after < len(text) and (
        text[after].isupper() or (before_number and text[after].isdigit())
    )


def _measure_before(text: str, dash: int) -> bool:
    """Whether the letters before ``dash`` end a measure, a clock time or an ordinal."""
    letters = LETTERS_BEFORE_DASH.search(text, max(0, dash - 5), dash)
    return letters is not None and (
        letters[1] in UNITS or letters[1].lower() in ("am", "pm", "st", "nd", "rd", "th")
    )


def _starts_sentence(text: str, start: int) -> bool:
    """Whether ``start`` begins a sentence: a paragraph start, or after "!", "?" or a period
    that is no abbreviation's ("in 1897. 3 men" but not "see fig. 3" or "beta.1"), or one
    that ends the sentence before a number ("at 5 p.m. 3 men", see END_BEFORE_NUMBER_RE)."""
    pos = start
    while pos and (text[pos - 1] in LEADERS or MARK_RE.match(text, pos - 1)):
        pos -= 1
    if not pos or text.count("\n", pos, start) > 1:
        return True
    if text[pos - 1] in "!?":
        return True
    if text[pos - 1] != "." or pos < 2 or not any(c in SPACES for c in text[pos:start]):
        return False  # a period and no space: "2.0.0-beta.1"
    word = WORD_BEFORE_PERIOD.search(text, max(0, pos - 16), pos - 1)
    if word is None:
        return text[pos - 2].isdigit() or text[pos - 2] in CLOSERS  # "(an article). 550 ankers"
    token = word.group() + "."
    if END_BEFORE_NUMBER_RE.fullmatch(token):
        return _ends_sentence(text, pos, before_number=True)
    unit = word.start()
    if word.group() in UNITS and NUMBER_BEFORE_UNIT.search(text, max(0, unit - 2), unit):
        # a unit read with its number: its period ends the sentence unless it is the unit's
        # own ("at 15 mph. 20% chance", but "2 lb. 3 oz.", "5 min. 30 sec.")
        return token not in UNITS
    title = token
    if token.isupper() and not _is_time_zone(text, word.start(), token):
        title = token[0] + token[1:].lower()  # "EST. 1999", but "at 5 EST. 1999 was"
        if _is_month(title) and title in abbreviations() and DATE_NUMBER_AFTER.match(text, pos):
            return False  # "JAN. 5, 2024"
    return (
        len(token) > 2
        and "." not in token[:-1]
        and token not in abbreviations()
        and token not in CAPITALIZED_BEFORE_NUMBER  # "Approx. 5 kg"
        and not (token == "Ca." and YEAR_AFTER.match(text, pos))  # "Ca. 1850"
        and (title not in NUMBER_ABBREVIATIONS or _is_noun(text, word.start(), token))
        and token not in DAY_ABBREVIATIONS
    )


def _left_operand(text: str, start: int) -> bool:
    """Whether a number, a one-letter name or a bracket stands just before ``start``."""
    return (
        re.search(r"(?:(?<![A-Za-z])[A-Za-z]|[\d)\]])\s*$", text[max(0, start - 8) : start])
        is not None
    )


def _is_phone_number(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is (part of) a phone number (see PHONE_WORDS)."""
    before = PHONE_BEFORE.search(text, max(0, start - 40), start)
    if not before:
        return False
    after = PHONE_GROUPS_AFTER.match(text, end)
    count = sum(c.isdigit() for c in before["groups"] + text[start:end] + after.group())
    return bool(before["dial"]) or count >= PHONE_DIGITS


def _is_time_zone(text: str, start: int, token: str) -> bool:
    """Whether ``token`` at ``start`` is a time zone after a time: "at 5 p.m. EST."."""
    before = text[max(0, start - 8) : start]
    return (
        token[:-1] in TIME_ZONES and re.search(r"(?:\d|[AaPp]\.?[Mm]\.?)\s*$", before) is not None
    )


def _after_place(text: str, start: int) -> bool:
    """Whether ``start`` follows a place and a comma ("Boston, "; not "Yes, " nor "Sunday, ")
    or a party's letter ("(D-"): where a state's abbreviation stands (see STATE_WORDS)."""
    place = PLACE_BEFORE.search(text, max(0, start - 24), start)
    return place is not None and place[1] not in SENTENCE_STARTERS | AFTER_CLOCK | INTERJECTIONS


def _goes_on(token: str, text: str, start: int, end: int) -> bool:
    """Whether the name that the abbreviation ``token`` at ``text[start:end]`` ends goes on
    after its period (see COMPANY_GOES_ON, DAY_GOES_ON): "Alphabet Inc. Class A", "in
    Atlanta, Ga. Thursday."; but "He joined Apple Inc. The company grew"."""
    if token in COMPANY_SUFFIXES:
        return COMPANY_GOES_ON.match(text, end) is not None
    return DAY_GOES_ON.match(text, end) is not None and _after_place(text, start)


def _is_noun(text: str, start: int, token: str) -> bool:
    """Whether the abbreviation ``token`` at ``start`` is a word, before a count of things:
    "the ref." (see NOUN_ABBREVIATIONS), or "no." ending a sentence ("The answer is no. 5
    people agreed"; but "ranked no. 5 in the world")."""
    if token != "no." and (
        token not in NOUN_ABBREVIATIONS or _word_before(text, start).lower() not in ("the", "a")
    ):
        return False
    count = COUNT_AFTER.match(text, start + len(token))
    return count is not None and _is_plural_noun(_word_after(text, count.end()))


def _in_name(text: str, start: int, end: int) -> bool:
    """Whether the name suffix at ``text[start:end]`` goes on with a capitalised word (see
    NAME_SUFFIXES): "King Jr. Day", "and Jr. Smith"; not "Downey Jr. Marvel", "Jr. Then"."""
    after = _word_after(text, end)
    if not after[:1].isupper() or after in SENTENCE_STARTERS:
        return False
    return after in NAME_CONTINUATIONS or not _word_before(text, start)[:1].isupper()


def _says_version(text: str, start: int, end: int | None = None) -> bool:
    """Whether the number at ``start`` is a version by the word before it: a word like
    "version" (see VERSION_WORDS) or a name of software (see SOFTWARE_NAMES); with the
    number's ``end``, a name only if no plural or scale word follows ("Go 1.22 is out", but
    "Go 1.25 miles north" and "Taylor Swift 1.25 million", where the name counts nothing)."""
    word = _word_before(text, start)
    if word.lower() in VERSION_WORDS:
        return True
    if word not in SOFTWARE_NAMES:
        return False
    after = "" if end is None else _word_after(text, end)
    return not (_is_plural_noun(after) or after.lower() in MULTIPLIERS)


def _paragraph_ends(text: str, end: int) -> bool:
    """Whether only closing punctuation and space stand between ``end`` and the paragraph end."""
    pos = _skip(text, end, CLOSERS)
    after = _skip(text, pos, SPACES)
    return after >= len(text) or text.count("\n", pos, after) > 1


def _period(text: str, end: int, before_number: bool = False) -> str:
    """The period to keep after an expansion whose source ended with one at ``end``."""
    return "." if _ends_sentence(text, end, before_number) else ""


def _clock_period(text: str, end: int) -> str:
    """The period after "p.m." to keep: a sentence end, but not before a time zone or a day
    ("at 5 p.m. EST", "at 5 p.m. Friday", "9 a.m. Eastern time")."""
    after = _word_after(text, end)
    return "" if after in TIME_ZONES or after in AFTER_CLOCK else _period(text, end, True)


def _is_plural_noun(word: str) -> bool:
    lower = word.lower()
    if lower in IRREGULAR_PLURALS:
        return True
    return (
        word.islower()
        and len(word) > 3
        and lower.endswith("s")
        and not lower.endswith(("ss", "us", "is"))
        and lower not in NOT_PLURAL_NOUNS
    )


def _in_seconds(text: str, start: int, end: int, numeral: str) -> bool:
    """Whether "5s" or "30s" at ``start:end`` is a time in seconds, not a plural ("the 5s")
    or a decade ("the thirties"): before a noun a time describes (see TIMED_NOUNS), or "30s"
    after one of SECONDS_BEFORE, "=", ":", "~" ("timeout=30s") or such a noun and "to" or "at"
    ("the timeout to 30s"), but not before "of" ("10s of thousands")."""
    after = _word_after(text, end)
    if after.lower() in TIMED_NOUNS:
        return True
    if len(numeral) != 2 or after == "of":
        return False
    before = text[max(0, start - 1) : start]
    return (
        before in ("=", ":", "~")
        or _word_before(text, start).lower() in SECONDS_BEFORE
        or TIMED_NOUN_BEFORE.search(text, max(0, start - 16), start) is not None
    )


def _possessive(text: str, start: int, numeral: str) -> bool:
    """Whether "N's" at ``start`` is a name's possessive, not a plural ("the 1990's", "in
    the 80's"): the number goes with a capitalised word before it that starts no sentence
    ("iPhone 15's camera", "Apollo 11's crew", "Windows 11's menu") and names no decade."""
    word = _word_before(text, start)
    return (
        not numeral.endswith("0")
        and text[start - 1 : start] == " "
        and word[:1].isalpha()
        and not word.islower()
        and word not in SENTENCE_STARTERS
        and not _is_month(word)
    )


def _counts_plural(text: str, start: int, end: int, numeral: str) -> bool:
    """Whether "Ns" at ``start:end`` is a plural ("the 747s", "the 1990s", "80s music"), not a
    time in seconds ("wait 5s", "a 30s delay"). Both ends of a range are read as its first
    is, with the words around the whole range: "5s-10s" seconds, "the 80s-90s" decades."""
    if before := SECONDS_RANGE_BEFORE.search(text, max(0, start - 5), start):
        start, numeral = before.start(), before[1]
    elif after := SECONDS_RANGE_AFTER.match(text, end):
        end = after.end()
    return (
        numeral.replace(",", "").isdigit()
        and (numeral.endswith("0") or _word_before(text, start).lower() == "the")
        and not _in_seconds(text, start, end, numeral)
    )


# A code after "#" that numbers something, not a hashtag: "order #A12345" (but "#G7", "#F1").
ORDER_NUMBER = re.compile(r"[A-Z]{1,2}\d{3,}")
# Where a name written in CamelCase parts splits: "MondayMotivation", "BBCBreaking"
CAMEL_PARTS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
QUOTE_MARK = re.compile(r'(?<!\d)"')


def _closes_quote(text: str, pos: int) -> bool:
    """Whether the '"' at ``pos`` closes a quotation opened earlier in its paragraph (the
    marks after a digit before it are taken for inches)."""
    start = text.rfind("\n\n", 0, pos) + 1
    return len(QUOTE_MARK.findall(text, start, pos)) % 2 == 1


def _millions_before(text: str, start: int, end: int) -> bool:
    """Whether a count of people before the number at ``start`` in its sentence makes "m" or
    "M" on it millions (see MILLIONS_BEFORE), unless a noun follows that it names or measures
    ("users of the 3M plant", "users ran the 100m sprint")."""
    after = _word_after(text, end)
    return (not after or after.lower() in COUNT_WORDS) and bool(
        MILLIONS_BEFORE.search(text, max(0, start - 40), start)
    )


def _money_millions(text: str, start: int, end: int, capital: bool = False) -> bool:
    """Whether words of money make "m" (``capital``: "M") on the number at ``start`` ending at
    ``end`` millions (see MONEY_BEFORE)."""
    if MONEY_AFTER.match(text, end):
        return not capital
    if (
        _word_after(text, end).lower() in NO_MONEY_AFTER
        or _word_before(text, start).lower() in DETERMINERS | {"a", "an"}
        or TIME_BEFORE.search(text, max(0, start - 10), start)
    ):
        return False  # "3m of rope", "a 3m fence", "the deal took ~3m"
    if capital:
        return MONEY_VERB_BEFORE.search(text, max(0, start - 12), start) is not None
    return MONEY_BEFORE.search(text, max(0, start - 40), start) is not None


def _counts_big(text: str, start: int, end: int) -> bool:
    """Whether "M" or "B" just before ``end`` is million or billion (see BIG_COUNT_NOUNS)."""
    if _word_before(text, start).lower() in BIG_LABELS:
        return False
    if _millions_before(text, start, end) or _money_millions(text, start, end, capital=True):
        return True  # "Daily active users hit 250M", "Downloads: 1.5M", "raised 3M"
    for _ in range(3):  # "5M users", "2B monthly active users"
        after = WORD_AFTER.match(text, end)
        if not after or after.group(1) not in BIG_COUNT_ADJECTIVES:
            break
        end = after.end()
    return bool(after) and after.group(1) in BIG_COUNT_NOUNS


def _in_roman_list(text: str, start: int, value: int) -> bool:
    """Whether the number before or after ``value`` numbers a list item near ``start``."""
    neighbours = "|".join(_to_roman(n) for n in (value - 1, value + 1) if n)
    item = re.compile(rf"(?:(?<![^\n])|(?<=[;:] ))(?:{neighbours})\.(?=,? \S)")
    return item.search(text, max(0, start - ROMAN_LIST_REACH), start + ROMAN_LIST_REACH) is not None


def _pair(n: int) -> str:
    """A number of three digits read in pairs ("192" one ninety-two), a smaller one whole."""
    return year(n) if 100 <= n <= 999 else cardinal(n)


def _roman_value(text: str) -> int | None:
    """The value of a canonical Roman numeral, None if ``text`` is not one."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    upper = text.upper()
    total = 0
    for i, char in enumerate(upper):
        value = values[char]
        total += -value if i + 1 < len(upper) and values[upper[i + 1]] > value else value
    return total if 0 < total < 4000 and _to_roman(total) == upper else None


def _to_roman(n: int) -> str:
    out = []
    for value, symbol in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                          (4, "IV"), (1, "I")):  # fmt: skip
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def _clock(hour: int, minute: int) -> str:
    """A time on the 24-hour clock: "fourteen thirty", "nine oh five", "seventeen hundred"."""
    if minute == 0:
        return f"{cardinal(hour)} hundred" if hour else "midnight"
    return f"{cardinal(hour)} {'oh ' if minute < 10 else ''}{cardinal(minute)}"


def _offset(zone: str) -> str:
    """A UTC offset: "+02:00" -> "plus two", "-05:30" -> "minus five thirty"."""
    hours, minutes = int(zone[1:3]), int(zone[-2:])
    sign = "plus" if zone[0] == "+" else "minus"
    return f"{sign} {cardinal(hours)}" + (f" {cardinal(minutes)}" if minutes else "")


def _short_year(digits_: str) -> str:
    """A year written with two digits: "97" ninety-seven, "08" two thousand eight."""
    n = int(digits_)
    return year(2000 + n) if digits_[0] == "0" else cardinal(n)


def _year_end(n: int, written: str) -> str:
    """The year ``n`` ending a range, as ``written``: "2024" or "00" whole, "24" as
    twenty-four, "01" as oh one."""
    short = n % 100
    if len(written) > 2 or short == 0:
        return year(n)
    return f"oh {cardinal(short)}" if short < 10 else cardinal(short)


def _military_time(hhmm: str) -> str:
    """ "0800" -> "oh eight hundred", "1430" -> "fourteen thirty"."""
    hour, minute = int(hhmm[:2]), int(hhmm[2:])
    head = cardinal(hour) if hour >= 10 else f"oh {cardinal(hour)}" if hour else "zero"
    tail = (
        "hundred" if minute == 0 else f"oh {cardinal(minute)}" if minute < 10 else cardinal(minute)
    )
    return f"{head} {tail}"


def _hours_range(a: str, b: str) -> bool:
    """Whether ``a``-``b`` is a range of times on the 24-hour clock on the hour or half hour."""
    return (
        all(len(t) == 4 and MILITARY_TIME.fullmatch(t) and t.endswith(("00", "30")) for t in (a, b))
        and b > a
    )


def _is_military(text: str, start: int, numeral: str) -> bool:
    """Whether ``numeral`` at ``start``, before "hours", is a time on the 24-hour clock: four
    digits of one, led by zero, after "at" or ending a range ("0800", "at 1430", "0900-1700")."""
    return MILITARY_TIME.fullmatch(numeral) is not None and (
        numeral[0] == "0"
        or _word_before(text, start).lower() == "at"
        or MILITARY_RANGE_BEFORE.search(text, max(0, start - 8), start) is not None
    )


def _duration(hours: int, minutes: int, seconds: int, attributive: bool = False) -> str:
    """ "one hour, two minutes and five seconds"; the parts that are zero are left out. Before
    a noun (``attributive``) each is singular, as a measure is: "a two hour, fifteen minute and
    thirty second marathon"."""
    parts = [
        _with_unit(cardinal(n), str(n), UNITS[unit], attributive)
        for n, unit in ((hours, "h"), (minutes, "min"), (seconds, "s"))
        if n
    ]
    if len(parts) < 2:
        return parts[0] if parts else "zero seconds"
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _is_duration(m: re.Match[str]) -> bool:
    """Whether the h:mm:ss time ``m`` is a duration, not a clock time (see DURATION_BEFORE)."""
    text, start, end = m.string, m.start(), m.end()
    hour = int(m["th"])
    if hour > 23 or DURATION_BEFORE.search(text, max(0, start - 24), start):
        return True
    if DURATION_AFTER.match(text, end):
        return True
    if CLOCK_TIME_BEFORE.search(text, max(0, start - 24), start):
        return False
    return hour < 13 and _word_after(text, end) not in TIME_ZONES


def _numbered_one(m: re.Match[str]) -> bool:
    """Whether "No. I" is "Number one", not the answer "No." and the pronoun: the numeral has a
    period, and a lower-case word or ",;:" follows ("No. I. is the first"), or the paragraph
    ends there and "No." starts it or follows a word in capitals (the headings "No. I.",
    "LETTER No. I."; but "Was it you? No. I." and '"No. I."' are left)."""
    if not m["rdot"]:
        return False
    text, start, end = m.string, m.start(), m.end()
    after = _skip(text, end, SPACES)
    if after >= len(text) or text.count("\n", end, after) > 1:
        return _numbered_heading(text, start)
    return text[after] in ",;:" or text[after].islower()


def _numbered_heading(text: str, start: int) -> bool:
    """Whether the label at ``start`` starts its paragraph or follows a word in capitals."""
    before = MARK_RE.sub("", text[max(0, start - 24) : start])
    lead = before.rstrip(SPACES)
    if not lead or before.count("\n", len(lead)) > 1:
        return True
    word = lead.rsplit(None, 1)[-1].rstrip(".")
    return word.isalpha() and word.isupper()


def _plausible_roman(numeral: str) -> bool:
    """Whether a valid numeral likely is one: "C" (a grade) or "CD" (a disc) usually is not."""
    letters = set(numeral.upper())
    return letters <= set("IVX") if len(numeral) == 1 else bool(letters & set("IVX"))


def _integer(text: str) -> int:
    return int(text.replace(",", ""))


def number_words(text: str) -> str:
    """Read a plain numeral: cardinal, decimal, dotted (1.2.3) or zero-led (007) digit string."""
    if text.count(".") > 1:
        return " point ".join(number_words(part) for part in text.split("."))
    if "." in text:
        return decimal(text)
    if len(text) > 1 and text[0] == "0":
        return digits(text)
    if "," not in text and len(text) > 15:
        return digits(text)
    return cardinal(_integer(text))


def _with_unit(words: str, numeral: str, unit: tuple[str, str], attributive: bool = False) -> str:
    """Add a unit, singular after "one" or before a noun ("a 5 km walk")."""
    one, many = unit
    singular = attributive or numeral in ("1", "-1", "−1", "+1")
    return f"{words} {one if singular else many}"


# Money near a "p" written on a whole number makes it pence ("costs 99p", "a 50p coin", "£1
# and 20p"); elsewhere it stays a p ("meet at 3p", "a 4p game", "9a-5p"). "142.9p" is pence.
SENTENCE_END_NEAR = re.compile(r"[.!?](?=\s)")
PENCE_NEAR = re.compile(
    r"£|\b(?:cost|costs|costing|price[ds]?|pay|paid|pays|coins?|each|stamps?|cheap(?:er)?"
    r"|sale|save|saving|pence|penny|pound|pounds|quid|sterling|litre|liter|per)\b",
    re.IGNORECASE,
)


# Words of cricket near "245/6" make it runs for wickets: two hundred forty-five for six (see
# _is_cricket); elsewhere it stays as it was read. "runs" alone will not do for a pair that
# may be a date ("the sale runs 3/15").
_CRICKET = (
    r"wickets?|wkts|overs|(?-i:ovs?)|innings|stumps|declared|(?-i:dec)|cricket|batting|batsm[ae]n"
    r"|bowl(?:ed|ing|ers?)|all out"
)
# Words around ".312" that make it a batting average, said "three twelve".
BATTING_WORDS = frozenset(_words("average avg hitter batting batted hit hitting hits obp slugging"))
CRICKET_NEAR = re.compile(rf"\b(?:runs|{_CRICKET})\b", re.IGNORECASE)
CRICKET_PLAY_NEAR = re.compile(rf"\b(?:{_CRICKET})\b", re.IGNORECASE)
# Words of the sea or the air near "20 nm" make it nautical miles ("20 nm offshore", "20 nm
# off the coast", "a ship 20 nm out"), unless words of the very small are near too ("a sea of
# 3 nm chips"); elsewhere it is nanometers ("a wavelength of 20 nm").
NANO_NEAR = re.compile(
    r"\b(?:wavelengths?|light|lasers?|chips?|process|nodes?|transistors?|lithography|wafers?"
    r"|particles?|films?|layers?|thick|pores?|semiconductors?|atoms?|molecules?|nano\w*)\b",
    re.IGNORECASE,
)
NAUTICAL_NEAR = re.compile(
    r"\b(?:offshore|coast(?:al|line)?|shore|sea|seas|port|harbou?r|vessels?|ships?|boats?"
    r"|yachts?|knots|islands?|sail(?:ed|ing)?|nautical|aircraft|airports?|runways?|flights?"
    r"|pilots?|fleet)\b",
    re.IGNORECASE,
)


def _near(text: str, start: int, end: int, words: re.Pattern[str], after: int = 16) -> bool:
    """Whether one of ``words`` is said near ``text[start:end]`` in its sentence: in the 40
    characters before it or the ``after`` characters after it."""
    low = max(0, start - 40)
    if ends := [m.end() for m in SENTENCE_END_NEAR.finditer(text, low, start)]:
        low = ends[-1]
    high = min(len(text), end + after)
    if found := SENTENCE_END_NEAR.search(text, end, high):
        high = found.start()
    return words.search(text, low, high) is not None


def _west(text: str, start: int, end: int, spaced: bool) -> bool:
    """Whether the "W" after the number at ``start`` ending at ``end`` is west, not watts: before
    a name ("350 W Main St.", "350W Elm St."; but written on the number before initials it is
    watts: "a 450W TDP", "a 65W USB-C charger"), after a road's word or a latitude (see
    WEST_BEFORE), or apart from a whole number unless a lower-case word follows ("a 100 W amp",
    "draws 100 W at peak", "standby 0.5 W.")."""
    if WEST_BEFORE.search(text, max(0, start - 12), start):
        return True
    after = _word_after(text, end)
    initials = len(after) > 1 and after.isupper()
    if after[:1].isupper() and (spaced or not initials):
        return True
    return spaced and not after.islower() and "." not in text[start:end]  # "<0.5 W": watts


def _attributive(text: str, start: int, end: int, size: bool = False) -> bool:
    """Whether the measure at ``text[start:end]`` qualifies a noun, and so takes the singular:
    after "a" ("a 5 km walk", "a 5-10 kg bag", "a 120 x 60 cm desk"), before one of
    MEASURED_NOUNS ("3 cm cuts", "1 x 2kg bag"), after a determiner before a noun ("the 3 m
    long cable", "TSMC's 3 nm process"), or before a plural when it is a pack's ("2 x 330ml
    cans") or a ``size``, a length or an area ("a sea of 3 nm chips"). Not when it is said of
    something ("it weighs 10 lb", "the desk is 120 x 60 cm", "it is 10 cm wide", "5 km a
    day", see NOT_QUALIFIED), nor when it counts out an amount ("add 200 g walnuts", "2 x 5
    mg daily")."""
    counted = COUNT_TIMES_BEFORE.search(text, max(0, start - 4), start)  # "2 x " before "5 mg"
    if range_start := RANGE_START_BEFORE.search(text, max(0, start - 40), start):
        start = range_start.start()
    if range_end := RANGE_END_AFTER.match(text, end):
        end = range_end.end()
    before = _word_before(text, start).lower()
    if before in ("a", "an"):
        return True
    after = WORD_AFTER.match(text, end)
    if after and after[1] in DIMENSION_WORDS:  # "3 m long cables": the noun after "long"
        after = WORD_AFTER.match(text, after.end())
    word = after[1] if after else ""
    if word in NOT_QUALIFIED:
        return False
    if word in MEASURED_NOUNS:
        return True
    if before in DETERMINERS or POSSESSIVE_BEFORE.search(text, max(0, start - 4), start):
        return (
            word.isalpha()
            and word.islower()
            and (not word.endswith(ADVERB_ENDINGS) or word in NOUNS_LIKE_ADVERBS)
        )
    # "2 x 330ml cans", "3 nm chips"; but "2 x 5 mg daily", "3 x 2 tbsp sugar", "5 km left"
    return (size or counted is not None) and _is_plural_noun(word)


def _in_algebra(text: str, m: re.Match[str]) -> bool:
    """Whether the number written on "x" of ``m`` is a coefficient in a sum (see
    ALGEBRA_BEFORE): it has a power ("3x^2"), or an operator and an operand after or before it."""
    start = m.start()
    return bool(
        m["upow"]
        or ALGEBRA_AFTER.match(text, m.end())
        or ALGEBRA_BEFORE.search(text, max(0, start - 16), start)
    )


def _per(unit: str) -> str:
    """ "per month" for "/mo", "per pound" for "/lb"."""
    return "per " + (PER.get(unit) or UNITS.get(unit, (unit,))[0])


def _month(name: str) -> str:
    return MONTH_OF.get(name[:4].lower().rstrip("."), MONTH_OF.get(name[:3].lower(), name))


def _date(month: int, day: int, year_words: str, day_first: bool) -> str:
    if day_first:
        return f"the {ordinal(day)} of {MONTHS[month - 1]} {year_words}"
    return f"{MONTHS[month - 1]} {ordinal(day)}, {year_words}"


# -- the normalizer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EnglishNormalizer:
    """Rewrites English text into spoken words; ``day_first`` reads 03/04/2024 as 3 April."""

    day_first: bool = False

    def __call__(self, text: str) -> str:
        """Return ``text`` normalized."""
        last = [-1, ""]  # where the previous replacement ended, and how

        def replace(m: re.Match[str]) -> str:
            words = HANDLERS[m.lastgroup or ""](self, m)
            if words == m.group():
                return words
            start, end = m.span()
            if start and words[:1].isalnum():
                # keep words apart from a letter or digit before, and from the previous
                # replacement ("C++" -> "C plus plus"), unless that one ended with a space
                adjacent = start == last[0]
                if (adjacent and last[1][-1:].isalnum()) or (
                    not adjacent and text[start - 1].isalnum()
                ):
                    words = " " + words
            if end < len(text) and text[end].isalnum() and words[-1:].isalnum():
                words += " "
            first = len(words) - len(words.lstrip(OPENERS))
            if (
                words[first : first + 1].islower()
                and (not text[start].isalpha() or m.lastgroup == "money")
                and _starts_sentence(text, start)
            ):
                # "Three men", "USD 5m raised": Five million US dollars
                words = words[:first] + words[first].upper() + words[first + 1 :]
            last[:] = [end, words]
            return words

        return PATTERN.sub(replace, text)

    # each handler gets the match and returns its replacement

    def _phone(self, m: re.Match[str]) -> str:
        groups = re.findall(r"\+|\d+", m["pmain"])
        spoken = ["plus" if g == "+" else digits(g, zero="oh") for g in groups]
        if spoken[0] == "plus":
            spoken[:2] = [f"plus {spoken[1]}"]
        if not m.group().startswith(("+", "(")) and len(groups) == 2 and not m["ext"]:
            a, b = groups
            if a[0] == "0" and _hours_range(a, b):  # "0900-1700": times, no phone
                return f"{_military_time(a)} to {_military_time(b)}"
            if int(b) > int(a) and a.endswith("0") and b.endswith("0"):
                return f"{cardinal(int(a))} to {cardinal(int(b))}"
        if len(groups) >= 3 and groups[-3] in HUNDRED_AREA_CODES:
            spoken[-3] = cardinal(int(groups[-3]))  # "1-800-555-0199": one, eight hundred, ...
        if m["ext"]:
            spoken.append(f"extension {digits(m['ext'], zero='oh')}")
        return ", ".join(spoken)

    def _isbn(self, m: re.Match[str]) -> str:
        return _isbn_words(m.group())

    def _zip(self, m: re.Match[str]) -> str:
        """ "CA 90210": nine oh two one oh, digit by digit like a phone number."""
        groups = [g for g in (m["zn"], m["z4"]) if g]
        return ", ".join(digits(g, zero="oh") for g in groups)

    def _vanity(self, m: re.Match[str]) -> str:
        """ "1-800-FLOWERS": one eight hundred flowers."""
        area = m["varea"]
        parts = ["one"] if m["vone"] else []
        parts.append(cardinal(int(area)) if area in HUNDRED_AREA_CODES else digits(area))
        parts.extend(m["vword"].lower().split("-"))
        return " ".join(parts)

    def _isodate(self, m: re.Match[str]) -> str:
        y, mo, d = int(m["iy"]), int(m["im"]), int(m["id"])
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return " ".join(cardinal(int(p)) for p in (m["iy"], m["im"], m["id"]))
        words = _date(mo, d, year(y), self.day_first)
        if m["ih"]:
            words += f", {_clock(int(m['ih']), int(m['imin']))}"
            if zone := m["iz"]:
                words += " UTC" if zone == "Z" else f" UTC {_offset(zone)}"
        return words

    def _slashdate(self, m: re.Match[str]) -> str:
        if (
            m["ss"] == "."
            and len(m["sy"]) == 2
            and (len(m["sa"] + m["sb"]) < 4 or _says_version(m.string, m.start()))
        ):
            return number_words(m.group())  # a version: "4.17.21", "version 10.11.12"
        a, b, y = int(m["sa"]), int(m["sb"]), int(m["sy"])
        if len(m["sy"]) == 2:
            y += 2000 if y < 50 else 1900
        day_first = self.day_first or m["ss"] == "."
        mo, d = (b, a) if day_first else (a, b)
        if mo > 12 and d <= 12:
            mo, d = d, mo
        if not (1 <= mo <= 12 and 1 <= d <= 31):  # "68-70-69": a series, as the dash reads
            joint = ", " if m["ss"] == "-" else " "
            return joint.join(cardinal(int(p)) for p in (m["sa"], m["sb"], m["sy"]))
        return _date(mo, d, year(y), day_first)

    def _time(self, m: re.Match[str]) -> str:
        text = m.string
        hour = int(m["th"] or m["th2"])
        minute_text = m["tm"] or m["tm2"] or ""
        minute = int(minute_text or 0)
        ap = m["tap"] or m["tap2"]
        seconds = int(m["ts"] or 0)
        if m["tcs"]:  # "3:52.01": three fifty-two point zero one; "2:05:30.5" two oh five...
            fields = [f for f in (minute_text, m["ts"]) if f]
            tail = " ".join(
                digits(f, zero="oh") if int(f) < 10 else cardinal(int(f)) for f in fields
            )
            return f"{cardinal(hour)} {tail} point {digits(m['tcs'])}"
        if m["ts"] and not ap and minute <= 59 and seconds <= 59 and _is_duration(m):
            attributive = _word_before(text, m.start()).lower() in ("a", "an") and (
                _word_after(text, m.end()).islower()
            )  # "a 2:15:30 marathon": a two hour, fifteen minute and thirty second marathon
            return _duration(hour, minute, seconds, attributive)
        if hour > 24 or minute > 59:  # a ratio or a verse, not a time: "3:75"
            return f"{cardinal(hour)} {cardinal(minute)}"
        parts = [cardinal(hour)]
        if minute:
            parts.append(f"oh {cardinal(minute)}" if minute < 10 else cardinal(minute))
        elif minute_text and not ap and _word_after(text, m.end()).lower() not in SAID_HOURS:
            if hour > 12 or hour == 0:
                parts.append("hundred")  # "17:00": seventeen hundred
            elif not (end := TIME_RANGE_AFTER.match(text, m.end())) or int(end["end"]) > 12:
                parts.append("o'clock")  # "08:00", "9:00-17:00"; but "9:00-5:00"
        if seconds:
            parts.append(f"and {cardinal(seconds)} seconds")
        if ap:
            parts.append(ap.upper() + "M")
            if m.group().endswith("."):
                parts[-1] += _clock_period(text, m.end())
        return " ".join(parts)

    def _ampm(self, m: re.Match[str]) -> str:
        return m["ap"].upper() + "M" + _clock_period(m.string, m.end())

    def _feet(self, m: re.Match[str]) -> str:
        """ "5'10\"" and "6 ft 2 in" read "five feet ten inches"; before a noun as a height is
        said there, "the six foot five forward"."""
        ft, inch = m["ft"] or m["ft2"], m["inch"] or m["inch2"]
        text, start, end = m.string, m.start(), m.end()
        after = _word_after(text, end)
        if (
            _word_before(text, start).lower() in DETERMINERS | {"a", "an"}
            and after.islower()
            and after not in NOT_QUALIFIED
            and not m["indot"]
        ):
            return f"{cardinal(int(ft))} foot {number_words(inch)}"  # "a 5'10\" man"
        feet = _with_unit(cardinal(int(ft)), ft, UNITS["ft"])
        words = f"{feet} {_with_unit(number_words(inch), inch, UNITS['in.'])}"
        return words + _period(m.string, m.end()) if m["indot"] else words

    def _lsd(self, m: re.Match[str]) -> str:
        parts = [_with_unit(cardinal(int(m["lp"])), m["lp"], UNITS["GBP"])] if m["lp"] else []
        parts.append(_with_unit(cardinal(int(m["ls"])), m["ls"], ("shilling", "shillings")))
        if m["ld"]:
            parts.append("and " + _with_unit(cardinal(int(m["ld"])), m["ld"], ("penny", "pence")))
        words = " ".join(parts)
        return words + _period(m.string, m.end()) if m.group().endswith(".") else words

    def _oldmoney(self, m: re.Match[str]) -> str:
        if m["sn"]:
            return _with_unit(cardinal(int(m["sn"])), m["sn"], ("shilling", "shillings"))
        if pounds := m["ln"] or m["lL"]:
            words = _with_unit(number_words(pounds), pounds, UNITS["GBP"])
            return words + _period(m.string, m.end()) if m["ln"] else words
        half = m["df"] or m["df2"]
        if not m["dn"]:
            words = HALFPENCE[half]
        elif half:
            words = f"{cardinal(int(m['dn']))} and {PART_OF_PENNY[half]} pence"
        else:
            words = _with_unit(cardinal(int(m["dn"])), m["dn"], ("penny", "pence"))
        return words + _period(m.string, m.end())

    def _money(self, m: re.Match[str]) -> str:
        unit = CURRENCIES[m["code"] or m["cur"]]
        attributive = _attributive(m.string, m.start(), m.end())  # "a $5 bill"
        if m["amt2"]:
            # "$5-$10": five to ten dollars; but "$4.10-$4.25" is read out in full
            cents = any(
                not mult and len(amount.partition(".")[2]) == 2
                for amount, mult in ((m["amt"], m["mult"]), (m["amt2"], m["mult2"]))
            )
            first = self._amount(m["amt"], m["mult"], unit, bare=not cents)
            joint = "and" if _word_before(m.string, m.start()).lower() == "between" else "to"
            words = f"{first} {joint} {self._amount(m['amt2'], m['mult2'], unit, attributive)}"
        else:
            words = self._amount(m["amt"], m["mult"], unit, attributive)
        if sign := m["mneg"] or m["mneg2"] or m["mpar"]:  # "-$3", "$-3", "~$5", "$(3)"
            about = _about(m.string, m.start())
            words = {"+": "plus ", "~": about}.get(sign, "minus ") + words
        for per in (m["per"], m["per_b"]):
            if per:
                words += " " + _per(per)
        return words

    def _amount(
        self,
        amount: str,
        mult: str | None,
        unit: tuple[str, ...],
        attributive: bool = False,
        bare: bool = False,
    ) -> str:
        """Read one amount of money; ``bare`` leaves out the currency (the first of a range
        of whole amounts: "five to ten dollars")."""
        one, many, sub_one, sub_many = unit
        if amount[-3:-2] == ",":
            amount = amount.translate(EURO_DIGITS)  # "1.234,56": "1,234.56"
        amount = amount.translate(GROUP_SPACES)
        if mult:
            words = f"{number_words(amount)} {MULTIPLIERS[mult]}"
            return words if bare else f"{words} {one if attributive else many}"
        whole, _, cents = amount.partition(".")
        if len(cents) != 2:
            words = number_words(amount)
            return words if bare else _with_unit(words, amount, (one, many), attributive)
        main = _integer(whole or "0")  # "$.50"
        sub = int(cents)
        if main == 0 and sub:
            return _with_unit(cardinal(sub), cents.lstrip("0"), (sub_one, sub_many), attributive)
        words = _with_unit(cardinal(main), whole, (one, many), attributive)
        if sub and attributive:
            oh = "oh " if sub < 10 else ""  # "the $1.05 fare": one dollar oh five
            return f"{words} {oh}{cardinal(sub)}"  # "a €2.50 fee": a two euro fifty fee
        if sub:
            words += f" and {_with_unit(cardinal(sub), cents.lstrip('0'), (sub_one, sub_many))}"
        return words

    def _sci(self, m: re.Match[str]) -> str:
        """ "1e-3": one times ten to the power of minus three."""
        exponent = m["sce"].lstrip("+")
        sign = "minus " if exponent[0] in "-−" else ""
        power = cardinal(int(exponent.lstrip("-−")))
        return f"{number_words(m['scm'])} times ten to the power of {sign}{power}"

    def _compact(self, m: re.Match[str]) -> str:
        if m["ceh"]:
            return _clock(int(m["ceh"]), int(m["cem"]))
        return _duration(*(int(m[part] or 0) for part in ("cph", "cpm", "cps")))

    def _ago(self, m: re.Match[str]) -> str:
        """ "2d ago": two days ago."""
        unit = AGO_UNITS[m["agou"]]
        return _with_unit(cardinal(int(m["agon"])), m["agon"], (unit, unit + "s"))

    def _hex(self, m: re.Match[str]) -> str:
        """ "0x1F": hex one F; "0xff": hex F F."""
        return "hex " + " ".join(digits(c) if c.isdigit() else c.upper() for c in m["hx"])

    def _options(self, m: re.Match[str]) -> str:
        """ "128/256/": "one hundred twenty-eight, two hundred fifty-six or "."""
        return ", ".join(map(number_words, m.group().split("/")[:-1])) + " or "

    def _rating(self, m: re.Match[str]) -> str:
        return f"{number_words(m['rtn'])} out of {cardinal(int(m['rtd']))}"  # "4.5/5 stars"

    def _fraction(self, m: re.Match[str]) -> str:
        words = self._fraction_words(m)
        if (m["funit"] or "").endswith("."):
            words += _period(m.string, m.end())  # "1/3 oz." at a sentence end
        return words

    def _fraction_words(self, m: re.Match[str]) -> str:
        whole = m["fw"] or m["vw"]
        unit = UNITS.get(m["funit"] or "")
        if m["vf"]:
            num, den = VULGAR[m["vf"]]
        else:
            num, den = int(m["fn"]), int(m["fd"])
            if not whole and PRESSURE_BEFORE.search(m.string, max(0, m.start() - 24), m.start()):
                words = f"{_pair(num)} over {_pair(den)}"  # "BP 120/80": one twenty over eighty
                return f"{words} {unit[1]}" if unit else words
            if not whole and not unit and self._is_cricket(m.string, m.start(), m.end(), num, den):
                return f"{cardinal(num)} for {cardinal(den)}"  # "245/6": runs for wickets
            if not whole and unit and gcd(num, den) > 1:  # "8/16 GB": no fraction is written so
                return f"{cardinal(num)} or {cardinal(den)} {unit[1]}"
            if not whole and not unit and self._is_score(m.string, m.start(), m.end(), num, den):
                return f"{cardinal(num)} out of {cardinal(den)}"  # "rated 8/10"
            if (
                not whole
                and not unit
                and 1900 <= num <= 2099
                and (den == num + 1 or (len(m["fd"]) == 2 and den == (num + 1) % 100))
            ):  # a season or fiscal year: "2023/24", "2009/10", "2023/2024"
                return f"{year(num)} to {_year_end(num + 1, m['fd'])}"
            if (
                not whole
                and not unit
                and _word_before(m.string, m.start()).lower() in VERSIONED_NAMES
            ):
                return f"{cardinal(num)} slash {cardinal(den)}"  # "Windows 10/11"
            if not whole and not unit:
                month, day = (den, num) if self.day_first else (num, den)
                leading_zero = "0" in (m["fn"][0], m["fd"][0])
                not_fraction = den not in FRACTION_DENOMINATORS or num >= den
                dated = (  # "due 3/4", but "on 3/4 of the land"
                    _word_before(m.string, m.start()).lower() in DATE_BEFORE
                    and _word_after(m.string, m.end()) != "of"
                )
                if (leading_zero or not_fraction or dated) and 1 <= month <= 12 and 1 <= day <= 31:
                    return _date(month, day, "", self.day_first).rstrip(", ")  # "5/14", "01/05"
            if den not in FRACTION_DENOMINATORS or num == 0 or (num >= den and den > 4):
                # not a fraction: "24/7", "50/50"
                head = f"{cardinal(int(whole))} " if whole else ""
                words = f"{head}{cardinal(num)} {cardinal(den)}"
                return f"{words} {unit[1]}" if unit else words
        if whole:
            part = "a " + fraction(1, den).split(" ", 1)[1] if num == 1 else fraction(num, den)
            words = f"{cardinal(int(whole))} and {part}"
            return f"{words} {unit[1]}" if unit else words
        words = fraction(num, den)
        if not unit:
            return words
        if num >= den:
            return f"{words} {unit[1]}"
        if m["funit"] in SIZES and _attributive(m.string, m.start(), m.end(), size=True):
            # before its noun: "1/2\" pieces", "a 3/8\" bit": half inch, three eighths inch
            return f"{'half' if (num, den) == (1, 2) else words} {unit[0]}"
        article = "an" if unit[0][0] in "aeiou" or unit[0].startswith("hour") else "a"
        if (num, den) == (1, 2):
            return f"half {article} {unit[0]}"  # "half a teaspoon"
        return f"{words} of {article} {unit[0]}"  # "three quarters of a mile"

    @staticmethod
    def _is_score(text: str, start: int, end: int, num: int, den: int) -> bool:
        """Whether ``num/den`` at ``text[start:end]`` is a score (see SCORE_BEFORE)."""
        after = _word_after(text, end).lower()
        if num > den or after == "of":
            return False
        return (
            den in (10, 100)
            or after in SCORE_AFTER
            or SCORE_BEFORE.search(text, max(0, start - 24), start) is not None
            or (den == 5 and _word_before(text, start).lower() in OUT_OF_FIVE_BEFORE)
        )

    @staticmethod
    def _is_cricket(text: str, start: int, end: int, num: int, den: int) -> bool:
        """Whether ``num/den`` at ``text[start:end]`` is a cricket score with a word of cricket
        near (see CRICKET_NEAR): runs for wickets, "245/6" (or the Australian "6/245"), or
        bowling figures, "5/32"; not "24/7", "3/4 of" nor a date ("on 5/14")."""
        if not min(num, den) <= 10 < max(num, den) or (num, den) == (24, 7):
            return False
        if _word_after(text, end) == "of":
            return False
        if max(num, den) <= 31:  # shaped like a date
            return _word_before(text, start).lower() not in DATE_BEFORE and _near(
                text, start, end, CRICKET_PLAY_NEAR, after=40
            )
        return _near(text, start, end, CRICKET_NEAR, after=40)

    def _taxcode(self, m: re.Match[str]) -> str:
        words = f"{digits(m['tcn'], zero='oh')} {(m['tcl'] or m['tcl2']).lower()}"
        return f"{words} {cardinal(int(m['tcp']))}" if m["tcp"] else words

    def _subsection(self, m: re.Match[str]) -> str:
        """ "12(b)(3)(ii)": twelve B three two; a Roman numeral after a letter is a number."""
        text, start = m.string, m.start()
        words = [self._plain_integer(text, start, m.end("ssn"), int(m["ssn"]))]
        parts = re.findall(r"\((\w+)\)", m["ssp"])
        if (
            len(parts) == 1
            and parts[0].isdigit()
            and _word_before(text, start).lower() not in PROVISIONS
            and not text.endswith("§ ", 0, start)
        ):
            return f"{words[0]}({cardinal(int(parts[0]))})"  # "2(3)": as written
        lettered = False
        for part in parts:
            value = _roman_value(part) if lettered and part.islower() else None
            if part.isdigit() or (value and value <= 10):
                words.append(cardinal(value or int(part)))
            else:
                words.append(part.upper())
                lettered = True
        return " ".join(words)

    def _shortyear(self, m: re.Match[str]) -> str:
        """ "the '90s" -> "the nineties", "class of '97" -> "ninety-seven"."""
        parts = [_short_year(y) for y in (m["sy2"], m["sy3"]) if y]  # "'65-'68", "'60s-'70s"
        words = " to ".join(map(plural, parts) if m["sys"] else parts)
        if m["sys"]:
            return words
        before = m.string[max(0, m.start() - 4) : m.start()]
        if (
            m["sy3"]
            or _word_before(m.string, m.start()).lower() in YEAR_WORDS
            or FISCAL_PERIOD_BEFORE.search(before)  # "Q3'24", "FY'25"
        ):
            return words
        return m.group()[0] + cardinal(int(m["sy2"]))  # an opening quote: "'50 pounds,' he said"

    def _number(self, m: re.Match[str]) -> str:
        words = self._number_words(m)
        if m["dimx"]:
            # "5 m x 3 m" are the sides of a size, "500 mg x 2" times. Each side keeps its unit
            # as written, since the units may differ ("2 m x 50 cm") and '12" x 8"' reads so
            # too; before its noun a size is singular on both sides ("the five meter by three
            # meter room"), said of something plural ("it is five meters by three meters").
            sized = m["unit"] in SIZES and SIZE_MEASURE_RE.match(m.string, m.end())
            return f"{words} {'by' if sized or 'by' in m['dimx'] else 'times'}"
        if m["udash"]:  # "5 kg-10 kg": five to ten kilograms
            return words + _dash_word(m.string, m.start("udash"), m.end("udash"))
        point = m["bearing"]
        if not point:
            return words
        if not (m["unit"] or m["distance"]) and (
            _word_before(m.string, m.start()).lower() in NO_DISTANCE_BEFORE
        ):  # "the 5 W of the story": no distance
            return words + m.string[m.start("bearing") - 1 : m.end()]
        bearing = "".join(COMPASS[letter] for letter in point[-2:])
        words += m["distance"] or ""  # "5 miles W of here"
        return words + (f" {COMPASS[point[0]]}-{bearing}" if len(point) == 3 else f" {bearing}")

    def _number_words(self, m: re.Match[str]) -> str:
        """The number (with what is written on it) of a match of the "number" branch."""
        text = m.string
        if " " in m["n"] and _is_phone_number(text, m.start("n"), m.end("n")):
            return ", ".join(
                digits(g, zero="oh") for g in m["n"].split()
            )  # "number is 555 000 123"
        numeral = m["n"].translate(GROUP_SPACES)  # "10 000" -> "10,000"
        if m["egroups"]:
            numeral = numeral.replace(".", ",")  # "1.500 €" -> "1,500"
        sign = m["sign"] or ""
        prefix = {"-": "minus ", "−": "minus ", "+": "plus ", "±": "plus or minus ",
                  "~": _about(text, m.start()), "": ""}[sign]  # fmt: skip
        dimension = DIMENSION_AFTER.match(text, m.end()) if m["ordsuf"] == "d" else None
        if dimension and dimension["noun"].lower() in DIMENSION_NOUNS:
            return f"{prefix}{number_words(numeral)} D"  # "a 2d array"; "the 2d mate" below
        if m["ordsuf"]:
            words = ordinal(_integer(numeral)) if numeral.replace(",", "").isdigit() else numeral
            return prefix + self._day_month(text, m.start(), m.end(), words)
        if m["plural"]:
            if m["plural"][0] in "'’" and _possessive(text, m.start(), numeral):
                return f"{prefix}{number_words(numeral)}{m['plural']}"  # "iPhone 15's": 15's
            if (
                "'" in m["plural"]
                or "’" in m["plural"]
                or text[m.start() - 1 : m.start()].isalpha()  # a name's: "MP3s", "PS5s"
                or _counts_plural(text, m.start(), m.end(), numeral)
            ):
                return prefix + self._plural_number(numeral)  # "1990s", "the 747s", "MP3s"
            attributive = _attributive(text, m.start(), m.end())  # "a 5s delay"
            return prefix + _with_unit(number_words(numeral), numeral, UNITS["s"], attributive)
        if m["agent"] and numeral.isdigit():  # "the 49ers", "a 76er": forty-niners, seventy-sixer
            words = number_words(numeral)
            return prefix + words + ("r" if words.endswith("e") else "er") + m["agents"]
        if m["deg"]:
            attributive = _attributive(text, m.start(), m.end())
            words = _with_unit(number_words(numeral), numeral, ("degree", "degrees"), attributive)
            if m["scale"]:
                words += " " + DEGREE_SCALES[m["scale"]]
            elif m["compass"]:
                words += " " + COMPASS[m["compass"]]
            return prefix + words
        if m["unit"] == '"' and (m["usp"] or _closes_quote(text, m.end() - 1)):
            return prefix + number_words(numeral) + m["usp"] + '"'  # 'He said "I am 10"'
        if m["unit"] == "c." and not _word_after(text, m.end()).islower():
            return f"{prefix}{number_words(numeral)}{m['usp']}c."  # "in Fig. 3 c. The"
        if m["unit"] == "W" and _west(text, m.start(), m.end(), bool(m["usp"])):
            return f"{prefix}{number_words(numeral)}{m['usp'] or ' '}W"  # "350 W Main St.": west
        if m["unit"] == "p" and len(numeral) > 2 and "." not in numeral:
            return f"{prefix}{year(_integer(numeral))} p"  # "1080p": ten eighty p, no pence
        pence = m["unit"] == "p" and _near(text, m.start(), m.end(), PENCE_NEAR)
        if m["unit"] == "p" and "." not in numeral and not pence:
            return f"{prefix}{number_words(numeral)} p"  # "at 3p", "a 4p game": no money
        if m["unit"] == "x" and not m["usp"] and _in_algebra(text, m):
            power = f" {SYMBOLS['²' if m['upow'] == '^2' else '³']}" if m["upow"] else ""
            return f"{prefix}{number_words(numeral)} x{power}"  # "3x + 2y": three x plus...
        if (
            m["unit"] in ("hr", "hrs", "hr.", "hrs.")
            and sign == ""
            and _is_military(text, m.start(), numeral)
        ):  # "0800 hrs", "at 1430 hrs."
            period = _period(text, m.end()) if m["unit"].endswith(".") else ""
            return f"{_military_time(numeral)} hours{period}"
        if m["unit"] == "x" and m["usp"] and BY_AFTER.match(text, m.end()):
            by = _times_or_by(text, m.end(), False)  # "120 x 60 cm", "5 x 10^3"
            return f"{prefix}{number_words(numeral)} {by}"
        if m["unit"]:
            return prefix + self._number_unit(m, numeral)
        if m["bper"]:  # "1,000/min": one thousand per minute
            return f"{prefix}{number_words(numeral)} per {BARE_PER[m['bper']]}"
        if m["wild"]:  # "Node 18.x": any version 18
            return f"{prefix}{number_words(numeral)} point x"
        if m["bscale"]:  # "35C", "220C/200C fan"; but "Seat 12C", "0x1F"
            words = number_words(numeral)
            start = m.start()
            if (
                len(numeral.partition(".")[0]) > 3  # "2024C"; but "40.3C" is hot
                or (start and text[start - 1].isalnum())
                or _word_before(text, start).lower() in BIG_LABELS
            ):
                return f"{prefix}{words} {m['bscale']}"
            attributive = _attributive(text, start, m.end())  # "a 35C day"
            degrees = _with_unit(words, numeral, ("degree", "degrees"), attributive)
            return f"{prefix}{degrees} {DEGREE_SCALES[m['bscale']]}"
        if m["big"]:  # "5M users" (like "$1.2M"); but "the 3M plant", "Seat 12B", "a 5K run"
            scale = MULTIPLIERS[m["big"]] if _counts_big(text, m.start(), m.end()) else m["big"]
            return f"{prefix}{number_words(numeral)} {scale}"
        if (
            sign == ""
            and numeral.isdigit()
            and 4 <= len(numeral) <= 8
            and CODE_BEFORE.search(text, max(0, m.start() - 24), m.start())
        ):
            return digits(numeral)  # "Your code is 482910": four eight two nine one zero
        if (
            sign == ""
            and numeral.isdigit()
            and 4 <= len(numeral) <= 6
            and SHORT_CODE_BEFORE.search(text, max(0, m.start() - 40), m.start())
            and not _is_plural_noun(_word_after(text, m.end()))
        ):
            return digits(numeral, zero="oh")  # "Text STOP to 55555"
        if (
            numeral[0] == "."
            and len(numeral) == 4
            and (
                _word_after(text, m.end()).lower() in BATTING_WORDS
                or _word_before(text, m.start()).lower() in BATTING_WORDS
            )
        ):  # a batting average: ".312 average" is three twelve, ".095" oh ninety-five
            share = int(numeral[1:])
            return year(share) if share >= 100 else f"oh {cardinal(share)}"
        if sign == "" and _is_isbn13(numeral):
            return _isbn_words(numeral)  # a bare ISBN: "Scan 9780306406157"
        if sign == "" and numeral.isdigit() and len(numeral) <= 4:
            after = _word_after(text, m.end())
            if (
                after.lower() in ("hours", "hrs")
                or after in TIME_ZONES
                or MILITARY_RANGE_AFTER.match(text, m.end())
            ) and _is_military(text, m.start(), numeral):
                # "at 1430 hours", "0800 hours", "0900-1700 hrs", "at 0900 UTC"
                return _military_time(numeral)
            if numeral[0] != "0":
                return self._plain_integer(text, m.start(), m.end(), int(numeral))
        if (
            numeral.count(".") == 3
            and IP_ADDRESS.fullmatch(numeral)
            and _word_before(text, m.start()).lower() not in NOT_ADDRESS_WORDS
        ):
            return prefix + " dot ".join(_pair(int(p)) for p in numeral.split("."))  # "192.168.1.1"
        if numeral.count(".") == 1 and (
            _says_version(text, m.start(), m.end())
            or VERSION_RANGE_BEFORE.search(text, max(0, m.start() - 48), m.start())
        ):  # "Python 3.11", "Kubernetes 1.29", "Python 3.8-3.12"
            return prefix + " point ".join(number_words(p) for p in numeral.split("."))
        return prefix + number_words(numeral)

    def _number_unit(self, m: re.Match[str], numeral: str) -> str:
        unit = m["unit"]
        if m["upow"]:  # "5 m^2" is "5 m²": square meters
            power = "²" if m["upow"] == "^2" else "³"
            if unit + power not in UNITS:
                words = self._number_unit_words(m, numeral, unit)
                return f"{words} {SYMBOLS[power]}"
            unit += power
        return self._number_unit_words(m, numeral, unit)

    def _number_unit_words(self, m: re.Match[str], numeral: str, unit: str) -> str:
        text, start = m.string, m.start()
        end = m.start("ujoint") if m["ujoint"] else m.end()  # the measure's, before "x 3 m"
        if m["usp"] == "-":  # "a 5-km race": five-kilometer
            return f"{number_words(numeral)}-{UNITS[unit][0]}"
        if (
            unit == "m"
            and not m["usp"]
            and (
                (_is_plural_noun(after := _word_after(text, end)) and after not in RACES)
                or _millions_before(text, start, end)
                or _money_millions(text, start, end)
            )
        ):
            # "5m people", "a population of 8.9m", "raised 3m"; but "a 100m sprint", "1.8m tall"
            return f"{number_words(numeral)} million"
        if unit == "m" and (
            HOURS_BEFORE.search(text, max(0, start - 8), start)
            or MINUTES_BEFORE.search(text, max(0, start - 32), start)
            or MINUTES_AFTER.match(text, end)
            or (
                m["sign"] == "~"
                and MINUTES_APPROX_BEFORE.search(text, max(0, start - 10), start)
                and _word_after(text, end).lower() not in NO_MINUTES_AFTER
            )
        ):
            unit = "min"  # "1h 25m", "simmer 10m-15m", "runs in ~3m": minutes
        if (
            unit == "nm"
            and _near(text, start, end, NAUTICAL_NEAR, after=40)
            and not _near(text, start, end, NANO_NEAR, after=40)
        ):
            unit = "nmi"  # "20 nm offshore": nautical miles
        # "a 50p coin" is a fifty pence coin, as said in Britain
        attributive = unit != "p" and _attributive(text, start, end, unit in SIZES)
        if unit in CURRENCIES:  # "12.50 EUR" reads like "€12.50"
            if EURO_THOUSANDTHS.fullmatch(numeral) and (numeral[0] == "0" or m["per2"] in LITERS):
                numeral = numeral.replace(",", ".")  # "1,899 €/l": one point eight nine nine
            words = self._amount(numeral, None, CURRENCIES[unit], attributive)
        else:
            words = _with_unit(number_words(numeral), numeral, UNITS[unit], attributive)
        if m["unit2"]:
            words += " " + _per(m["per2"])
            if m["per3"]:
                words += " " + _per(m["per3"])  # "10 mg/kg/day"
        elif unit.endswith("."):
            words += _period(text, end)
        return words

    def _plural_number(self, numeral: str) -> str:
        """ "1990s" -> "nineteen nineties", "100s" and "1,000s" -> "hundreds", "thousands"."""
        plain = numeral.replace(",", "")
        if re.fullmatch(r"10{2,}", plain):
            return plural(cardinal(int(plain)).removeprefix("one "))
        if numeral.isdigit() and len(numeral) == 4 and numeral.endswith("0"):
            return plural(year(int(numeral)))
        return plural(number_words(numeral))

    def _day_month(self, text: str, start: int, end: int, words: str) -> str:
        """An ordinal day before a month reads "the third of March"."""
        after = MONTH_AFTER.match(text, end)
        if not after or not _is_month(after["month"]):
            return words
        the = _the(text, start)
        return f"{the}{words}" if after["of"] else f"{the}{words} of"

    def _plain_integer(self, text: str, start: int, end: int, n: int) -> str:
        before = text[max(0, start - 24) : start]
        month = MONTH_BEFORE.search(before)
        if n <= 31:
            if month and _is_month(month["month"]) and n >= 1 and not CLOCK_AFTER.match(text, end):
                return ordinal(n)
            if MONTH_RANGE_BEFORE.search(before) and n >= 1:
                return ordinal(n)  # "March 3-5"
            if (after := MONTH_AFTER.match(text, end)) and _is_month(after["month"]):
                return self._day_month(text, start, end, ordinal(n))
            if (after := DAY_RANGE_AFTER.match(text, end)) and _is_month(after["month"]):
                return _the(text, start) + ordinal(n)  # "3-4 October": the third to...
        if (
            _is_phone_number(text, start, end)
            or (n >= 100 and _word_before(text, start).lower() in ("ext", "extension"))
            or (n in (911, 999, 112) and _word_after(text, end).lower() in EMERGENCY_NOUNS)
        ):
            return digits(str(n), zero="oh")  # "call 911", "Tel. 555 1234", "ext. 4321"
        if n >= 100 and PAIRED_LABEL_BEFORE.search(text, max(0, start - 24), start):
            return year(n)  # "Flight BA 117", "Room 1204"
        if self._is_year(text, start, end, n, before):
            return year(n)
        return cardinal(n)

    def _is_year(self, text: str, start: int, end: int, n: int, before: str) -> bool:
        if ERA_AFTER.match(text, end) or ERA_BEFORE.search(before):
            return True
        if not 1000 <= n <= 2999:
            return False
        if n >= 1900 and FISCAL_PERIOD_BEFORE.search(before):
            return True  # "Q3 2024 results" as "It was Q3 2024."; but "Q3 1500 units"
        word = _word_before(text, start).lower()
        if word in LABEL_WORDS:
            return False
        if MONTH_BEFORE.search(before) or MONTH_DAY_BEFORE.search(before):
            return True
        if YEAR_RANGE_BEFORE.search(before) or YEAR_RANGE_AFTER.match(text, end):
            return True
        after = _word_after(text, end)
        if n >= 1900 and (word in POSSESSIVES or before.endswith(("'s ", "’s "))):
            return True  # "its 2024 results", "Apple's 2023 sales"
        if after and _is_plural_noun(after):
            return False  # "1897 people"
        if word in YEAR_WORDS or not after or not after.islower():
            return True  # "in 1897", "Paris, 1897."
        if 2010 <= n <= 2039 and after.isalpha() and after not in COUNT_WORDS:
            return True  # "expect 2025 revenue", "a 2030 target"; but "send 2025 more"
        return after in AFTER_YEAR  # "1897 was a year", but "paid 1897 for it"

    def _dash(self, m: re.Match[str]) -> str:
        return _dash_word(m.string, m.start(), m.end())

    def _prerelease(self, m: re.Match[str]) -> str:
        return " RC " if m["pre"] == "rc" else f" {m['pre']} "

    def _arith(self, m: re.Match[str]) -> str:
        return " divided by " if m["op"] == "/" else " times "  # "10 / 2", "3 * 4"

    def _ratio(self, m: re.Match[str]) -> str:
        return " to "  # "3:1"

    def _by(self, m: re.Match[str]) -> str:
        word = _times_or_by(m.string, m.end(), "×" in m.group())
        return f"{word} " if m.string[m.start() - 1].isalnum() else f" {word} "  # "4' x 8'"

    def _hostport(self, m: re.Match[str]) -> str:
        """The colon before a port, after "localhost" or an IP address."""
        host = HOST_BEFORE.search(m.string, max(0, m.start() - 16), m.start())
        return " colon " if host else m.group()

    def _minus(self, m: re.Match[str]) -> str:
        return "minus"  # "x - 3"

    def _superscript(self, m: re.Match[str]) -> str:
        if m["note"] or m["note2"]:
            return ""  # a footnote's number
        power = m["sup"].translate(SUPERSCRIPT_DIGITS)
        sign = "minus " if power[0] == "-" else ""
        space = "" if m.string[m.start() - 1].isalnum() else " "  # "(a+b)⁵"; else added
        return f"{space}to the power of {sign}{cardinal(int(power.lstrip('+-')))}"  # "10²³"

    def _power(self, m: re.Match[str]) -> str:
        if m["pow"]:
            return " " + SYMBOLS["²" if m["pow"] == "2" else "³"]  # "x^2": x squared
        return " to the power of "  # "10^3"

    def _romanitem(self, m: re.Match[str]) -> str:
        """A list's Roman number, when the number before or after it numbers an item too: "One."
        at a paragraph start (as cleanup reads "1."), else "two," ("; II. the OCTAVO")."""
        text, start = m.string, m.start()
        value = _roman_value(m["ri"])
        if value is None or not _in_roman_list(text, start, value):
            return self._abbreviation(m.group(), text, start, m.end())  # "V. Hugo"
        words = cardinal(value)
        if not start or text[start - 1] == "\n":
            return words.capitalize() + "."
        return words if text.startswith(",", m.end()) else words + ","

    def _roman(self, m: re.Match[str]) -> str:
        if m["rh"]:  # a heading line: "IV."
            value = _roman_value(m["rh"])
            plausible = value is not None and value <= 200 and _plausible_roman(m["rh"])
            return cardinal(value) if plausible else m.group()
        text = m.string
        words = self._roman_reading(m)
        if words is None:  # not a numeral: the word after may still be an abbreviation ("c.")
            tail = m["rn"]
            if m["rw"] == "degrees" and tail == "C":  # "180 degrees C."
                tail = DEGREE_SCALES[tail] + (_period(text, m.end()) if m["rdot"] else "")
            elif m["rdot"]:
                tail = self._abbreviation(tail + ".", text, m.start("rn"), m.end())
            return m.group()[: m.start("rn") - m.start()] + tail
        if m["rdot"] and not re.match(rf"{H}[a-z]", text[m.end() : m.end() + 2]):
            words += "."  # "Chapter IV." keeps its period; "Louis XVI. of France" drops it
        return words

    def _roman_reading(self, m: re.Match[str]) -> str | None:
        text = m.string
        word, numeral = m["rw"], m["rn"]
        value = _roman_value(numeral)
        if value is None or not _plausible_roman(numeral) or (numeral.islower() and value > 100):
            return None  # "CD", "mix"
        if numeral == "I" and _word_after(text, m.end()).lower() in AFTER_PRONOUN_I:
            return None  # "Part I think", "Peter I know"
        key = word.lower().rstrip(".")
        start = m.start()
        if (
            key == "of"
            and numeral.isupper()
            and OF_TOTAL_BEFORE.search(text, max(0, start - 24), start)
        ):
            return f"{word} {cardinal(value)}"  # "Part I of II": one of two
        if word[0].islower() and (numeral.lower() == "i" or key not in ROMAN_TRIGGERS):
            return None  # "in part I", but "see chapter IV"
        if key in ROMAN_TRIGGERS and (
            numeral != "I" or key not in ("no", "number") or _numbered_one(m)
        ):
            # "Chapter IV", "World War II", "Act III, Scene ii", the heading "No. I."; but
            # "No. I refuse."
            return f"{_spoken_label(word)} {cardinal(value)}"
        if not numeral.isupper() or word.endswith("."):
            return None
        if key in REGNAL_NAMES:  # "Henry VIII", "Louis XVI."; but "Malcolm X"
            return None if f"{word} {numeral}" in LETTER_NAMES else f"{word} the {ordinal(value)}"
        if (
            numeral in ("II", "III", "IV")
            and word[0].isupper()
            and GIVEN_NAME_BEFORE.search(text, max(0, start - 32), start)
        ):
            return f"{word} the {ordinal(value)}"  # "Henry Ford II", "John D. Smith III"
        if len(numeral) > 1 and set(numeral) <= set("IVX") and key not in FUNCTION_WORDS:
            return f"{word} {cardinal(value)}"  # "Apollo XI", "Rocky II"; not "Size XL"
        return None

    def _slugline(self, m: re.Match[str]) -> str:
        return SLUGLINES[m["slug"].replace(".", "")]

    def _worldwar(self, m: re.Match[str]) -> str:
        return f"World War {cardinal(len(m['ww']))}"

    def _degreescale(self, m: re.Match[str]) -> str:
        return DEGREE_SCALES[m["sc"]]

    def _state(self, m: re.Match[str]) -> str:
        """ "Austin, TX": Austin, Texas; not in capitals ("Fine, OR ELSE") nor after no place."""
        text, start, code = m.string, m.start(), m.group()
        after = _word_after(text, m.end())
        if (len(after) > 1 and after.isupper()) or not _after_place(text, start):
            return code
        if code in WORD_STATES and not (
            PLACE_AFTER_PREPOSITION.search(text, max(0, start - 40), start)
            or text[m.end() : m.end() + 2].strip().isdigit()
        ):
            return code  # "Fine, OK.", "John, OR Mary"; but "in Tulsa, OK", "Tulsa, OK 74103"
        return STATE_NAMES[code]

    def _monthrange(self, m: re.Match[str]) -> str:
        words = f"{_month(m['mr1'])} to {_month(m['mr2'])}"
        return words + _period(m.string, m.end()) if m["mr2dot"] else words

    def _month(self, m: re.Match[str]) -> str:
        return _month(m["mon"] or m["moncaps"])

    def _initialism(self, m: re.Match[str]) -> str:
        return " ".join(m.group())

    def _days(self, m: re.Match[str]) -> str:
        if m["d3"]:
            if m["d3"] == "Sun" and _word_before(m.string, m.start()).lower() == "the":
                return m.group()  # a paper's or a team's name: "the Sun 3-2"
            return DAY_OF[m["d3"][:3].lower()]
        words = f"{DAY_OF[m['d1'][:3].lower()]} to {DAY_OF[m['d2'][:3].lower()]}"
        return words + _period(m.string, m.end()) if m["d2end"] == "." else words

    def _said(self, m: re.Match[str]) -> str:
        return SAID[m.group()]

    def _vnum(self, m: re.Match[str]) -> str:
        return "version"

    def _bare(self, m: re.Match[str]) -> str:
        return abbreviations().get(m["btitle"] + ".") or m.group()

    def _abbr(self, m: re.Match[str]) -> str:
        return self._abbreviation(m.group(), m.string, m.start(), m.end())

    def _abbreviation(self, token: str, text: str, start: int, end: int) -> str:
        """Expand the abbreviation ``token`` found at ``text[start:end]`` (or leave it)."""
        if _is_time_zone(text, start, token):
            return token
        if token.isupper() and len(token) > 2 and "." not in token[:-1]:  # "DR.", not "U.S."
            after = _word_after(text, end)
            if after and not after.isupper():
                return token  # "brought the MS. to us": a capitalized word, not a title
            title = token[0] + token[1:].lower()
            words = self._abbreviation(title, text, start, end)
            if words == title or (
                words.rstrip(".") in MONTHS and not DATE_NUMBER_AFTER.match(text, end)
            ):
                return token  # "6.5% APR.": no month
            return words if NUMBER_AFTER.match(text, end) else words.upper()  # "EST. 1999"
        if token in ("c.", "C.") and ORDINAL_BEFORE.search(text, max(0, start - 8), start):
            era = ERA_AFTER.match(text, end)  # "the 3rd c. BC": no sentence end
            return "century" + ("" if era else _period(text, end))  # "the 17th c. church"
        if token in NUMBER_ABBREVIATIONS and not _is_noun(text, start, token):
            if NUMBER_AFTER.match(text, end):
                year = YEAR_AFTER.match(text, end) if token in FOUNDED else None
                if year and not _is_plural_noun(_word_after(text, year.end())):
                    return FOUNDED[token]
                return _spoken_label(token)
            if token in ("No.", "no.", "p."):
                return token
        if token[:-1] in COMPASS and len(token) == 2 and ORDINAL_AFTER.match(text, end):
            return COMPASS[token[0]].capitalize()  # "W. 42nd St.": West forty-second Street
        if (
            token == "v."
            and _word_before(text, start)[:1].isupper()
            and _word_after(text, end)[:1].isupper()
        ):
            return "versus"  # a case name: "Roe v. Wade"
        if token in DAY_ABBREVIATIONS:
            if re.match(rf",?{H}(?:{MONTH_RE}|\d)", text[end : end + 8]):
                return DAY_ABBREVIATIONS[token]
            if _word_before(text, start).lower() in DAY_WORDS:  # "closed Wed."
                return DAY_ABBREVIATIONS[token] + _period(text, end)
            return token
        if token in STATE_WORDS:
            if not _after_place(text, start):
                after = _word_after(text, end)
                if token == "Miss." and after[:1].isupper() and after not in SENTENCE_STARTERS:
                    return "Miss"  # a title written with a period: "Miss. Smith"
                return token  # "after Mass.", "Yes, Mass. is at nine"; but "Boston, Mass."
            expansion = STATE_WORDS[token]
        else:
            expansion = abbreviations().get(token)
        if (token in CAPITALIZED_BEFORE_NUMBER and NUMBER_AFTER.match(text, end)) or (
            token == "Ca." and YEAR_AFTER.match(text, end)  # "Ca. 1850", but "to Ca. 5 years"
        ):
            # a listed lowercase abbreviation, capitalized: "Approx. 5 kg"
            lower = token[0].lower() + token[1:]
            expansion = abbreviations().get(lower)
            if expansion and not _starts_sentence(text, start):
                token = lower  # "It weighs Approx. 5 kg": approximately
        if not expansion:
            return token
        if token[0].isupper() and expansion[0].islower():
            expansion = expansion[0].upper() + expansion[1:]  # "Ch. 3": Chapter three
        if token in AFTER_NAME:
            expansion = self._by_name(token, expansion, text, start, end)
            if expansion == AFTER_NAME[token] and ADDRESS_AFTER.match(text, end):
                return expansion + ","  # "12 Elm St. Apt. 4": Elm Street, Apartment four
        elif expansion in STREETS and ADDRESS_AFTER.match(text, end):
            return expansion + ","  # "42 Oak Ave. Apt. 4", "Pennsylvania Ave. NW"
        if expansion in BEFORE_NAME.values() or (
            token in PREFIX_ABBREVIATIONS and expansion not in AFTER_NAME.values()
        ):
            return expansion + ("." if _paragraph_ends(text, end) else "")
        if token in NAME_SUFFIXES and _in_name(text, start, end):
            return expansion  # "King Jr. Day", "and Jr. Smith": no period
        if _goes_on(token, text, start, end):
            return expansion  # "Alphabet Inc. Class A", "Atlanta, Ga. Thursday."
        return expansion + _period(text, end, END_BEFORE_NUMBER_RE.fullmatch(token) is not None)

    def _by_name(self, token: str, default: str, text: str, start: int, end: int) -> str:
        """Read St., Dr., Sr. by their place: after a name or number ("Main St.", "5th St.",
        "John Smith Sr.") or before one ("St. Paul", "Dr. Lee", "Sr. Agnes")."""
        before = text[max(0, start - 2) : start]
        word = _word_before(text, start)
        after_name = before.endswith(" ") and (
            (word[:1].isupper() and word not in SENTENCE_STARTERS)
            or before[0].isdigit()
            or re.search(r"\d(?:st|nd|rd|th)? $", text[max(0, start - 8) : start]) is not None
        )
        nxt = _word_after(text, end)
        before_name = nxt[:1].isupper() and nxt not in SENTENCE_STARTERS
        if after_name and not before_name:
            return AFTER_NAME[token]
        if before_name and not after_name:
            return BEFORE_NAME[token]
        if before_name and (
            ADDRESS_BEFORE.search(text, max(0, start - 40), start) or ADDRESS_AFTER.match(text, end)
        ):
            return AFTER_NAME[token]  # "on Baker St. London is big", "Oak St. Apt. 4"
        return default  # "Mount St. Helens", "John St. Clair"

    def _symbol(self, m: re.Match[str]) -> str:
        symbol = m.group()
        words = SYMBOLS[symbol]
        if symbol == "&c.":
            return words + _period(m.string, m.end())
        text = m.string
        start = m.start()
        if symbol == "°" and not text[max(0, start - 1) : start].strip():
            return words
        if symbol in BRAND_MARKS and start and text[start - 1].isalnum():
            return ""  # "Acme™"
        if symbol in COMPARISONS and not _left_operand(text, start):
            return COMPARISONS[symbol]  # "≥ 18", "age ≥ 18": at least eighteen; but "x ≥ 5"
        if symbol == ">" and TAG_BEFORE.search(text, max(0, start - 40), start):
            return symbol  # "<p>10 9 8": a tag's end
        if symbol == ">" and _left_operand(text, start):
            words = "greater than"  # "x > 4", "5x > 20"; but "> 50 people": more than
        if symbol[0] in "<>" and start and text[start - 1] != " ":
            words = " " + words
        return _about(text, start) if symbol == "~" else words

    def _echo(self, m: re.Match[str]) -> str:
        """ "Copyright ©": the word, without its sign."""
        return m.group().rstrip(ECHOED_SIGNS).rstrip(SPACES)

    def _joint(self, m: re.Match[str]) -> str:
        return " "  # "HTTP/2": HTTP two

    def _filename(self, m: re.Match[str]) -> str:
        return m.group().replace(".", " dot ")  # "config.py": config dot py

    def _dotfile(self, m: re.Match[str]) -> str:
        return "dot " + m.group()[1:]  # ".env": dot env

    def _unitslash(self, m: re.Match[str]) -> str:
        text, start = m.string, m.start()
        degrees = text[start - 1] in "CF" and text[start - 2].isdigit()  # an oven's "180C/160C"
        return " or " if degrees or _measure_before(text, start) else m.group()

    def _underscore(self, m: re.Match[str]) -> str:
        return " underscore "

    def _shift(self, m: re.Match[str]) -> str:
        left = re.search(r"(\w+)\)? ?$", m.string[max(0, m.start() - 40) : m.start()])
        right = re.match(r" ?\(?(\w+)", m.string[m.end() : m.end() + 40])
        operands = [o.group(1) for o in (left, right) if o]
        if len(operands) == 2 and (
            any(o[0].isdigit() for o in operands) or all(len(o) <= 3 for o in operands)
        ):
            return "shifted left by" if m.group() == "<<" else "shifted right by"
        return '"'

    def _hash(self, m: re.Match[str]) -> str:
        if (tag := m["tag"]) and ORDER_NUMBER.fullmatch(tag):
            return f"number {tag}"  # "order #A12345"
        if tag:
            if tag[0].isupper():  # not "iPhone"
                tag = CAMEL_PARTS.sub(" ", tag)
            words = tag.replace("_", " underscore ")
            return f"{'hashtag' if m['tagsign'] == '#' else 'at'} {words}"
        start = m.start()
        return "sharp" if start and m.string[start - 1] in "ABCDEFG" else "number"  # "C#", "#1"


def _dash_word(text: str, start: int, end: int) -> str:
    """The word for the dash at ``text[start:end]`` after a number or a measure: " to " of a
    range, " minus ", " and " after "between", ", " in a series, or the dash as written."""
    dash = text[start:end]
    if text[start - 1].isalpha() and not _measure_before(text, start):
        return dash  # "2A-3B": no measure before the dash
    clock = CLOCK_BEFORE.search(text, max(0, start - 4), start)  # "9:00 - 17:00 = 8 h"
    if (
        dash.strip() == "-"
        and (
            POWER_BEFORE.search(text, max(0, start - 8), start)  # "2^31 - 1"
            or (not clock and "=" in text[end : end + 24].split("\n", 1)[0])
        )
    ):
        return " minus "
    if COEFFICIENT_BEFORE.search(text, max(0, start - 2), start) and ALGEBRA_AFTER.match(
        text, start
    ):
        return " minus "  # "4x - y", "3x - 4": after a coefficient (see ALGEBRA_BEFORE)
    if dash == "-" and (
        ID_BEFORE.search(text, max(0, start - 24), start)
        or MODEL_BEFORE.search(text, max(0, start - 12), start)
    ):
        return " "  # "CVE-2023-12345", "Boeing 787-9": the parts of a name, not a range
    if dash == "-" and EVEN_ODDS.match(text, start - 2):
        return "-"  # "a 50-50 chance": fifty-fifty
    if dash == "-" and (
        SERIES_BEFORE.search(text, max(0, start - 5), start) or SERIES_AFTER.match(text, end)
    ):
        return ", "  # "4-4-2", "68-70-69-71": a series of numbers, no range
    if BETWEEN_BEFORE.search(text, max(0, start - 24), start):
        return " and "  # "between 9-5": between nine and five
    return " to "


def _times_or_by(text: str, end: int, times_sign: bool) -> str:
    """The word for "x" between numbers before ``end``: "by" of sizes ("2x4", "120 x 60 cm"),
    "times" for "×", a power of ten ("5 x 10^3"), a sum ("3 x 4 = 12") or packs of a weight or
    a volume ("2 x 400g tins", see PACK_AFTER)."""
    if (
        times_sign
        or text.startswith("10^", _skip(text, end, " "))
        or SUM_AFTER.match(text, end)
        or PACK_AFTER.match(text, end)
    ):
        return "times"
    return "by"


def _isbn_words(isbn: str) -> str:
    """ "978-3-16-148410-0": nine seven eight, three, one six, ..., digit by digit, a group at a
    time; unhyphenated, a pause after the prefix of an ISBN-13 and before the check digit
    ("9780306406157": nine seven eight, zero three zero ... one five, seven)."""
    if "-" in isbn:
        groups = isbn.split("-")
    else:
        head = 3 if len(isbn) == 13 else 0
        groups = [isbn[:head], isbn[head:-1], isbn[-1]] if head else [isbn[:-1], isbn[-1]]
    return ", ".join(
        " ".join("X" if char == "X" else digits(char) for char in group) for group in groups
    )


def _is_isbn13(numeral: str) -> bool:
    """Whether ``numeral`` is an ISBN-13: 13 digits after 978 or 979 with a right check digit
    (alternate weights 1 and 3 bring the sum to a multiple of ten)."""
    return (
        len(numeral) == 13
        and numeral.isdigit()
        and numeral.startswith(("978", "979"))
        and sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(numeral)) % 10 == 0
    )


def _about(text: str, start: int) -> str:
    """The word for "~" before a number at ``start``: "about", but after an article one that
    fits it ("a ~3m walk": a roughly three meter walk; "an ~8% drop": an approximately)."""
    return {"a": "roughly ", "an": "approximately "}.get(
        _word_before(text, start).lower(), "about "
    )


def _the(text: str, start: int) -> str:
    """ "the " unless the word before ``start`` already is "the"."""
    return "" if _word_before(text, start).lower() == "the" else "the "


def _spoken_label(word: str) -> str:
    """A label before a number, spoken: "No." -> "Number", "vol." -> "volume"."""
    spoken = NUMBER_ABBREVIATIONS.get(word, word)
    return spoken[:1].upper() + spoken[1:] if word[:1].isupper() else spoken


def _is_month(word: str) -> bool:
    """Whether a capitalized or all-caps word names a month ("May", "AUGUST", "Sept")."""
    if not word[:1].isupper():
        return False
    name = word.rstrip(".").lower()
    full = MONTH_OF.get(name[:4] if name.startswith("sept") else name[:3])
    return full is not None and full.lower().startswith(name)


HANDLERS: dict[str, Callable[[EnglishNormalizer, re.Match[str]], str]] = {
    name: getattr(EnglishNormalizer, "_" + name) for name in BRANCHES
}


def normalizer(options: Mapping[str, Any]) -> EnglishNormalizer:
    """Build a normalizer from ``[options.normalize]`` (its keys checked by the plugin host);
    a bad value raises ConfigError."""
    dates = options.get("dates", "mdy")
    if dates not in DATE_ORDERS:
        raise ConfigError(
            f"options.normalize.dates: {dates!r} is not valid; valid: {', '.join(DATE_ORDERS)}"
        )
    return EnglishNormalizer(day_first=dates == "dmy")


def normalize(text: str, language: str = "en", options: Mapping[str, Any] | None = None) -> str:
    """Return ``text`` normalized for ``language`` (unchanged if not English)."""
    if not is_english(language):
        return text
    return normalizer(options or {})(text)


@hookimpl
def sonicpipe_normalize_text(doc: Document, settings: Settings) -> None:
    """Rewrite ``doc.text`` into spoken English words (other languages are left alone)."""
    if is_english(doc.language):
        doc.text = normalizer(settings.plugin_options("normalize"))(doc.text)
