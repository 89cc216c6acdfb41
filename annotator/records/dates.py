"""Date normalisation: the text of a date span → an ISO 8601 value, anchored on the report's date.

``normalize_date("April 5", anchor="2024-04-09")`` → ``DateValue("2024-04-05", "day", ...)``. Values are
``YYYY-MM-DD`` (granularity ``day``), ``YYYY-MM`` (``month``), ``YYYY`` (``year``) or an interval
``start/end`` of two of those (``interval``: "April 5–7" → ``2024-04-05/2024-04-07``).

How: the text is first pre-normalised (Arabic-Indic digits to ASCII; Arabic diacritics removed; Levantine,
Egyptian/Gulf and Maghrebi month names, weekdays and relative words to English), then our own rules read
the common shapes (day/month/year in any order, intervals, "yesterday", "last Friday", "3 days ago",
"last month"), and what they cannot read goes to dateparser (languages en and ar, relative to the anchor,
preferring the past). dateparser is imported lazily: its first call takes ~1.4 s, so call ``warm_up()``
off the GUI thread.

A partial date (no year) takes the anchor's year, or the year before when that would put it more than
31 days after the anchor (news reports mostly speak of the past). Without an anchor, partial and relative
dates are not normalised (``None``): the result never depends on today's date.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from annotator.core.iso_dates import is_iso_value, iso_day
from annotator.records.names import fold_text, normalize_arabic, widen_end


@dataclass(frozen=True)
class DateValue:
    value: str  # ISO 8601: 2024-04-07 | 2024-04 | 2024 | 2024-04-05/2024-04-07
    granularity: str  # day | month | year | interval
    method: str = "rule"  # rule | dateparser

    def to_dict(self) -> dict[str, str]:
        return {"value": self.value, "granularity": self.granularity}


# -- pre-normalisation -------------------------------------------------------------------------------
MONTHS = {name: i + 1 for i, name in enumerate(
    "january february march april may june july august september october november december".split())}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
_MONTH_NAMES = list(MONTHS)[:12]
WEEKDAYS = {name: i for i, name in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}

# after normalize_arabic (alef variants → ا, ى → ي, ة → ه): longest first
_ARABIC_WORDS: list[tuple[str, str]] = sorted({
    # Levantine / Iraqi months
    "كانون الثاني": "january", "شباط": "february", "اذار": "march", "نيسان": "april", "ايار": "may",
    "حزيران": "june", "تموز": "july", "اب": "august", "ايلول": "september", "تشرين الاول": "october",
    "تشرين الثاني": "november", "كانون الاول": "december",
    # Egyptian / Gulf months
    "يناير": "january", "فبراير": "february", "مارس": "march", "ابريل": "april",
    "مايو": "may", "يونيو": "june", "يونيه": "june", "يوليو": "july", "يوليه": "july", "اغسطس": "august",
    "سبتمبر": "september", "اكتوبر": "october", "نوفمبر": "november", "ديسمبر": "december",
    # Maghrebi months
    "جانفي": "january", "فيفري": "february", "افريل": "april", "ماي": "may", "جوان": "june",
    "جويليه": "july", "اوت": "august",
    # weekdays
    "الاثنين": "monday", "الثلاثاء": "tuesday", "الاربعاء": "wednesday", "الخميس": "thursday",
    "الجمعه": "friday", "السبت": "saturday", "الاحد": "sunday",
    # relative words
    "اول امس": "the day before yesterday", "اول من امس": "the day before yesterday",
    "امس": "yesterday", "الامس": "yesterday", "البارحه": "yesterday", "اليوم": "today", "غدا": "tomorrow",
    "الماضي": "last", "الماضيه": "last", "المنصرم": "last", "المنصرمه": "last", "الفائت": "last",
    "الفائته": "last", "الحالي": "this", "الجاري": "this", "هذا": "this", "هذه": "this",
    "الاسبوع": "week", "اسبوع": "week", "الشهر": "month", "العام": "year", "السنه": "year",
    "منذ": "ago", "ايام": "days", "يومين": "2 days", "يوما": "days", "اسابيع": "weeks",
    "بين": "between", "الى": "to", "حتى": "to", "من": "from",
    "واحد": "1", "اثنين": "2", "ثلاثه": "3", "اربعه": "4", "خمسه": "5", "سته": "6", "سبعه": "7",
    "ثمانيه": "8", "تسعه": "9", "عشره": "10",
    "الاول": "1", "الثاني": "2", "الثالث": "3", "الرابع": "4", "الخامس": "5", "السادس": "6", "السابع": "7",
    "الثامن": "8", "التاسع": "9", "العاشر": "10",
    "يوم": "", "في": "", "عام": "", "سنه": "", "شهر": "", "تاريخ": "", "بتاريخ": "",
}.items(), key=lambda kv: -len(kv[0]))
_AR_WORD_RE = re.compile(
    r"(?<![\u0621-\u064a])(?:[وب]?)(" + "|".join(re.escape(k) for k, _ in _ARABIC_WORDS) + r")(?![\u0621-\u064a])")
_AR_LOOKUP = dict(_ARABIC_WORDS)


def prenormalize(text: str) -> str:
    """Lower-cased English-shaped text: digits ASCII, Arabic month/weekday/relative words in English."""
    t = normalize_arabic(text)
    t = re.sub(r"(\d)\s*[مه]ـ?(?![\u0621-\u064a])", r"\1", t)  # 2024م (AD), 1445هـ
    t = _AR_WORD_RE.sub(lambda m: " " + _AR_LOOKUP[m.group(1)] + " ", t)
    t = t.replace("،", ",").replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    t = t.casefold()
    return " ".join(t.split())


# -- our own rules ---------------------------------------------------------------------------------
_MONTH_RE = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"(\d{4})"
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "a": 1, "an": 1}

Partial = tuple[int | None, int | None, int | None]  # (year, month, day)

_PARTIAL_PATTERNS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(rf"^{_MONTH_RE} {_DAY_RE},? {_YEAR_RE}$"), ("m", "d", "y")),
    (re.compile(rf"^{_DAY_RE} {_MONTH_RE},? {_YEAR_RE}$"), ("d", "m", "y")),
    (re.compile(rf"^{_MONTH_RE} {_DAY_RE}$"), ("m", "d")),
    (re.compile(rf"^{_DAY_RE} {_MONTH_RE}$"), ("d", "m")),
    (re.compile(rf"^{_MONTH_RE},? {_YEAR_RE}$"), ("m", "y")),
    (re.compile(rf"^{_DAY_RE},? {_YEAR_RE}$"), ("d", "y")),  # the end of "April 5-7, 2024"
    (re.compile(rf"^{_MONTH_RE}$"), ("m",)),
    (re.compile(rf"^{_YEAR_RE}$"), ("y",)),
    (re.compile(r"^(\d{1,2})$"), ("d",)),
]
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_FILLER = re.compile(r"\b(?:on|the|of|in|at|during|dated|early|late|mid|since|around|about|by)\b|[()\"“”]")
_INTERVAL = re.compile(r"^(?:between|from)?\s*(.+?)\s*(?:-|to|until|till|through|thru|and)\s*(.+)$")


def _clean(t: str) -> str:
    t = _FILLER.sub(" ", t)
    t = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", t)
    t = re.sub(r"\s*,\s*", ", ", t).strip(" ,.;:-")
    # a leading weekday next to a full date ("wednesday, april 10, 2024") says nothing more
    words = t.replace(",", " ").split()
    if len(words) > 1 and words[0] in WEEKDAYS and any(w in MONTHS or w.isdigit() for w in words[1:]):
        t = " ".join(words[1:])
    return " ".join(t.replace(",", ", ").split()).replace(" ,", ",")


def _partial(t: str, language: str | None) -> Partial | None:
    y: int | None  # year, month, day: a full numeric date has all three, a partial one may not
    mo: int | None
    d: int | None
    t = t.strip(" ,")
    m = _NUMERIC.match(t)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 or (b <= 12 and language != "en"):
            d, mo = a, b
        else:
            mo, d = a, b
        return (y, mo, d) if _valid(y, mo, d) else None
    for pattern, fields in _PARTIAL_PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        parts: dict[str, int] = {}
        for name, raw in zip(fields, m.groups(), strict=False):
            parts[name] = MONTHS[raw] if name == "m" and not raw.isdigit() else int(raw)
        y, mo, d = parts.get("y"), parts.get("m"), parts.get("d")
        if fields == ("y",) and not 1000 <= (y or 0) <= 2999:
            return None
        if fields == ("d",) and not 1 <= (d or 0) <= 31:
            return None
        return (y, mo, d) if _valid(y or 2000, mo or 1, d or 1) else None
    return None


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _anchor_year(p: Partial, anchor: date | None) -> tuple[int, int | None, int | None] | None:
    y, m, d = p
    if y is not None:
        return y, m, d
    if anchor is None or m is None:
        return None
    y = anchor.year
    if d is not None:
        try:
            if date(y, m, d) > anchor + timedelta(days=31):
                y -= 1
        except ValueError:
            return None
        return (y, m, d) if _valid(y, m, d) else None
    if (y, m) > (anchor.year, anchor.month + 1):
        y -= 1
    return (y, m, None)


def _iso(p: Partial) -> tuple[str, str]:
    y, m, d = p
    if m is None:
        return f"{y:04d}", "year"
    if d is None:
        return f"{y:04d}-{m:02d}", "month"
    return f"{y:04d}-{m:02d}-{d:02d}", "day"


def _interval(t: str, anchor: date | None, language: str | None) -> DateValue | None:
    m = _INTERVAL.match(t)
    if not m:
        return None
    left, right = _partial(m.group(1), language), _partial(m.group(2), language)
    if left is None or right is None:
        return None
    ly, lm, ld = left
    ry, rm, rd = right
    if ld is not None and rm is None and rd is not None and lm is not None:  # April 5-7
        rm, ry = lm, ry if ry is not None else ly
    if lm is None and ld is not None and rm is not None:  # 5-7 April
        lm = rm
    if ly is None:
        ly = ry
    if ry is None:
        ry = ly
    if (ld is None) != (rd is None) or (lm is None) != (rm is None):
        return None
    left2, right2 = _anchor_year((ly, lm, ld), anchor), _anchor_year((ry, rm, rd), anchor)
    if left2 is None or right2 is None:
        return None
    if ly is None and right2 < left2 and left2[0] == right2[0]:  # "Dec 30 - Jan 2": left is the year before
        left2 = (left2[0] - 1, left2[1], left2[2])
    if right2 < left2:
        return None
    (a, _), (b, _) = _iso(left2), _iso(right2)
    return DateValue(f"{a}/{b}", "interval")


def _relative(t: str, anchor: date | None) -> DateValue | None:
    if anchor is None:
        return None
    words = t.replace(",", " ").split()
    phrase = " ".join(words)
    simple = {"today": 0, "yesterday": -1, "day before yesterday": -2, "tomorrow": 1, "tonight": 0,
              "last night": -1, "this morning": 0, "this evening": 0, "day after tomorrow": 2}
    if phrase in simple:
        return _day(anchor + timedelta(days=simple[phrase]))
    m = re.match(r"^(\d+|" + "|".join(_WORD_NUMBERS) + r") (day|days|week|weeks) ago$", phrase) \
        or re.match(r"^ago (\d+|" + "|".join(_WORD_NUMBERS) + r") (day|days|week|weeks)$", phrase)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _WORD_NUMBERS[m.group(1)]
        return _day(anchor - timedelta(days=n * (7 if m.group(2).startswith("week") else 1)))
    m = re.match(r"^(?:(last|past|previous|this past|this) )?(" + "|".join(WEEKDAYS) + r")(?: (last|this))?$",
                 phrase)
    if m:
        target = WEEKDAYS[m.group(2)]
        back = (anchor.weekday() - target) % 7
        if (m.group(1) in ("last", "past", "previous", "this past") or m.group(3) == "last") and back == 0:
            back = 7
        return _day(anchor - timedelta(days=back))
    if phrase in ("last week", "past week", "previous week", "week last"):
        monday = anchor - timedelta(days=anchor.weekday() + 7)
        return DateValue(f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}", "interval")
    if phrase in ("this week", "week this"):
        monday = anchor - timedelta(days=anchor.weekday())
        return DateValue(f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}", "interval")
    if phrase in ("last month", "past month", "previous month", "month last"):
        first = anchor.replace(day=1) - timedelta(days=1)
        return DateValue(f"{first.year:04d}-{first.month:02d}", "month")
    if phrase in ("this month", "month this", "earlier this month", "month"):
        return DateValue(f"{anchor.year:04d}-{anchor.month:02d}", "month")
    if phrase in ("last year", "past year", "previous year", "year last"):
        return DateValue(f"{anchor.year - 1:04d}", "year")
    if phrase in ("this year", "year this", "earlier this year", "year"):
        return DateValue(f"{anchor.year:04d}", "year")
    return None


def _day(d: date) -> DateValue:
    return DateValue(d.isoformat(), "day")


def _rules(text: str, anchor: date | None, language: str | None) -> DateValue | None:
    t = _clean(prenormalize(text))
    if not t:
        return None
    rel = _relative(t, anchor)
    if rel is not None:
        return rel
    p = _partial(t, language)
    if p is not None:
        if p[1] is None and p[2] is not None:  # a bare day number, or "7, 2024"
            return None
        full = _anchor_year(p, anchor)
        if full is None:
            return None
        value, granularity = _iso(full)
        return DateValue(value, granularity)
    return _interval(t, anchor, language)


# -- dateparser fallback -----------------------------------------------------------------------------
_dateparser_lock = threading.Lock()


def warm_up() -> None:
    """Import dateparser and parse once (~1.4 s the first time): call it off the GUI thread."""
    _with_dateparser("7 April 2024", date(2024, 4, 9), None)
    _with_dateparser("7 ابريل 2024", date(2024, 4, 9), "ar")


def _with_dateparser(text: str, anchor: date | None, language: str | None) -> DateValue | None:
    if anchor is None and _looks_partial(text):
        return None  # the result would depend on today's date
    languages = ["ar", "en"] if language == "ar" else ["en", "ar"]
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if anchor is not None:
        settings["RELATIVE_BASE"] = datetime(anchor.year, anchor.month, anchor.day, 12, 0)
    with _dateparser_lock:  # dateparser's lazy loading is not thread-safe
        from dateparser.date import DateDataParser  # noqa: PLC0415 (slow import, only when our rules fail)

        try:
            data = DateDataParser(languages=languages, settings=settings).get_date_data(text)
        except Exception:  # dateparser raises assorted errors on odd input
            return None
    dt, period = data.date_obj, data.period or "day"
    if dt is None:
        return None
    if period == "year":
        return DateValue(f"{dt.year:04d}", "year", "dateparser")
    if period == "month":
        return DateValue(f"{dt.year:04d}-{dt.month:02d}", "month", "dateparser")
    return DateValue(dt.date().isoformat(), "day", "dateparser")


def _looks_partial(text: str) -> bool:
    return not re.search(r"\d{4}", prenormalize(text))


# -- public ----------------------------------------------------------------------------------------
def as_date(value: str | date | datetime | None) -> date | None:
    """An anchor from a report's ``published`` (``YYYY-MM-DD``; ``YYYY-MM`` and ``YYYY`` use the last day)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    try:
        day = iso_day(s, prefix=True)
        if day is not None:
            return day
        if re.fullmatch(r"\d{4}-\d{2}", s):
            y, m = int(s[:4]), int(s[5:7])
            return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))
        if re.fullmatch(r"\d{4}", s):
            return date(int(s), 12, 31)
    except ValueError:
        return None
    return None


def normalize_date(text: str, anchor: str | date | datetime | None = None, *,
                   language: str | None = None, use_dateparser: bool = True) -> DateValue | None:
    """The ISO 8601 value of a date expression, or ``None`` when it cannot be read.

    ``anchor`` is the report's publication date (for "April 5", "yesterday", "last Friday");
    ``language`` ('en'/'ar') orders the parsers and decides 04/05/2024 (day first unless 'en').
    Answers are remembered: the result depends on the arguments only, and a corpus repeats its dates
    (dateparser takes milliseconds on what our rules cannot read)."""
    if not text or not text.strip():
        return None
    return _normalize(text, as_date(anchor), language, use_dateparser)


@lru_cache(maxsize=65536)
def _normalize(text: str, a: date | None, language: str | None, use_dateparser: bool) -> DateValue | None:
    result = _rules(text, a, language)
    if result is None and use_dateparser:
        result = _with_dateparser(prenormalize(text), a, language)
        if result is None:
            result = _with_dateparser(text, a, language)
    return result


# -- datelines ---------------------------------------------------------------------------------------
DATELINE_LINES = 6  # non-empty lines looked at
_DATELINE_EXTRA_WORDS = 4  # words allowed beside the date ("BEIRUT,", "Monitoring note,")
_ALONE = (r"(?<![^\W_])", r"(?![^\W_])")  # not inside a word ("_4 April 2024_" in Markdown is fine)
_FULL_DATES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_ALONE[0]}{_MONTH_RE} {_DAY_RE},? {_YEAR_RE}{_ALONE[1]}"), "mdy"),
    (re.compile(rf"{_ALONE[0]}{_DAY_RE} {_MONTH_RE},? {_YEAR_RE}{_ALONE[1]}"), "dmy"),
    (re.compile(rf"{_ALONE[0]}(\d{{4}})-(\d{{2}})-(\d{{2}}){_ALONE[1]}"), "ymd"),
]
_DATELINE_FILLER = {"on", "published", "posted", "updated", "dated", "date", "print", *WEEKDAYS}


@dataclass(frozen=True)
class Dateline:
    """A publication date read from a report's first lines (a guess: the reader found no metadata)."""

    value: str  # YYYY-MM-DD
    line: int  # 1-based line of the text
    text: str  # that line as written


def dateline(text: str) -> Dateline | None:
    """The date of an obvious dateline: a full date (day, month, year; English or Arabic month names) on
    one of the first non-empty lines, alone or beside a few words ("April 9, 2024", "BEIRUT, April 9,
    2024", "Monitoring note, 8 April 2024"). The first line counts only when it is the date alone (a
    title often names the date of an event, not of the report); nothing else is guessed."""
    seen = 0
    for number, raw in enumerate(text[:4000].splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        seen += 1
        if seen > DATELINE_LINES:
            break
        if len(line) > 80:
            continue
        t = prenormalize(line)
        for pattern, order in _FULL_DATES:
            m = pattern.search(t)
            if m is None:
                continue
            parts = dict(zip(order, m.groups(), strict=False))
            month = int(parts["m"]) if parts["m"].isdigit() else MONTHS[parts["m"]]
            year, day = int(parts["y"]), int(parts["d"])
            after = t[m.end():]
            if after.lstrip().startswith(("-", ":")):  # "BEIRUT, April 9, 2024 — The army said …": a lead
                after = ""
            rest = [w for w in re.findall(r"[^\W\d_]+", t[:m.start()] + " " + after)
                    if w not in _DATELINE_FILLER]  # words, not numbers (a time, a channel's number)
            if _valid(year, month, day) and len(rest) <= (0 if seen == 1 else _DATELINE_EXTRA_WORDS):
                return Dateline(date(year, month, day).isoformat(), number, line)
    return None


def granularity_of(value: str) -> str | None:
    """The granularity of a stored ISO value (an annotator may type one in; ``core.iso_dates`` checks it)."""
    if not is_iso_value(value):
        return None
    if "/" in value:
        return "interval"
    return {4: "year", 7: "month", 10: "day"}[len(value)]


# -- dates in running text (suggestions) ------------------------------------------------------------
_ARABIC_MONTHS = [k for k, v in _ARABIC_WORDS if v in MONTHS]
_MONTH_WORD = r"(?:" + "|".join(sorted([*MONTHS, *_ARABIC_MONTHS], key=len, reverse=True)) + r")"
_D, _Y = r"\d{1,2}", r"\d{4}"
_IN_TEXT = re.compile(r"(?<![^\W_])(?:"
                      rf"{_D} {_MONTH_WORD} {_Y}|{_MONTH_WORD} {_D} {_Y}|{_MONTH_WORD} {_Y}|{_D} {_MONTH_WORD}|"
                      rf"{_MONTH_WORD} {_D}|{_Y} \d{{2}} \d{{2}}"
                      r")(?![^\W_])")
# a range of days ("April 5–7", "5–7 April 2024"): folded, its dash is a space, so the text itself must have one
_RANGE_IN_TEXT = re.compile(r"(?<![^\W_])(?:"
                            rf"{_MONTH_WORD} {_D} {_D} {_Y}|{_D} {_D} {_MONTH_WORD} {_Y}|{_MONTH_WORD} {_D} {_D}|"
                            rf"{_D} {_D} {_MONTH_WORD}"
                            r")(?![^\W_])")
_DASHED = re.compile(r"\d\s*[-–—]\s*\d")


def find_dates(text: str, anchor: str | date | datetime | None = None, *,
               language: str | None = None) -> list[tuple[int, int, DateValue]]:
    """Dates written in ``text`` ("8 April 2024", "April 6", "٧ نيسان ٢٠٢٤", "2024-04-07"): code point
    extents with their values, in text order. Matched on the folded text (``names.fold_text``: Arabic
    letter variants and digits, case), so the month names are those ``prenormalize`` knows; each match is
    read by ``normalize_date`` (our rules only) and kept when it has a value."""
    folded, origins = fold_text(text)
    found: list[tuple[int, int, DateValue]] = []
    at = 0
    ranged = _RANGE_IN_TEXT.search(folded)
    while True:
        # the earliest date, a range of days before a day where both start ("April 5" of "April 5–7" was
        # suggested alone, and "7 April 2024" of "5–7 April 2024"); the next range is searched for again
        # only once passed (a search each time scanned the rest of a report with no range, per date)
        if ranged is not None and ranged.start() < at:
            ranged = _RANGE_IN_TEXT.search(folded, at)
        candidates = sorted((c for c in (ranged, _IN_TEXT.search(folded, at)) if c),
                            key=lambda c: (c.start(), c.start() - c.end()))
        if not candidates:
            return found
        for candidate in candidates:
            start = origins[candidate.start()]
            end = widen_end(text, origins[candidate.end() - 1] + 1)
            if candidate.re is _RANGE_IN_TEXT and not _DASHED.search(text[start:end]):
                continue  # "April 5, 7 people": two numbers, not a range
            value = normalize_date(text[start:end], anchor, language=language, use_dateparser=False)
            if value is not None:
                found.append((start, end, value))
                at = candidate.end()
                break
        else:
            at = min(c.end() for c in candidates)
