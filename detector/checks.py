"""Explicit, span-level checks on a pair of claims.

Each check looks for one kind of evidence (a number that differs, a denial, a non-confirmation, ...) and returns
``Reason`` records with character spans into the texts it was given, plus numeric features for the pair
classifier. They are deliberately simple and transparent: a fact-checker sees exactly which words triggered them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .models import Reason

__all__ = ["CheckResult", "run_checks", "CHECK_FEATURES", "find_cues"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being has have had do does
    did that this these those it its it's he she they them their his her we our you your i me my not no than then
    there here which who whom whose what when where why how all any some such into over under about after before
    also just only very more most other s said says say told according will would can could may might should
    """.split()
)

NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|n[o']t)\b|\b\w+n['’]t\b", re.IGNORECASE
)
DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial|ials)|reject(?:s|ed|ing)?|refut(?:e|es|ed|ing)|dismiss(?:es|ed|ing)?|"
    r"rebuff(?:s|ed)?|disput(?:e|es|ed|ing)|(?:dis|mis)information|false (?:information|claims?|reports?)|"
    r"fake news|baseless|unfounded|groundless|smear(?:s|ed|ing)?|fabricat(?:ed|ion)|"
    r"no (?:such )?plans?|nothing to do with|categorically)\b",
    re.IGNORECASE,
)
IRREALIS_BEFORE = re.compile(
    # a denial put as a possibility or a prediction is no denial: "it might be easy to dismiss", "he could deny it",
    # "Comcast will deny service" (a modal, or an adjective or verb of intention, right before the cue); nor is a
    # killing threatened, planned or vowed a death toll ("threatened to kill one of the soldiers", "vowed to kill 20")
    r"\b(?:(?:may|might|could|would|should|can|will|must|shall)(?:\s+(?:not|never|also|easily|be))*|"
    r"(?:easy|hard|difficult|tempting|possible|impossible|likely|unlikely|expected|going|set|about|ready|prepared|"
    r"plans?|planned|planning|plott(?:ed|ing)|wants?|wanted|wanting|tries|tried|trying|attempts?|attempted|"
    r"threat(?:en|ens|ened|ening)|vow(?:s|ed|ing)?|pledg(?:e|es|ed|ing)|promis(?:e|es|ed|ing)|"
    r"intend(?:s|ed|ing)?|aim(?:s|ed|ing)?|seek(?:s|ing)?|sought|hop(?:e|es|ed|ing))\s+to)\s+$",
    re.IGNORECASE,
)
NON_CONFIRMATION = re.compile(
    # a source saying it has no evidence for something ("we have not seen them make that decision"): a rebuttal
    r"\b(?:(?:have|has|had)(?: not|n['’]t)(?: yet)? seen|(?:have|has|had) seen no|no (?:evidence|indication|sign)s?|"
    r"not (?:seen|observed) (?:any|them|it)|not aware of|no (?:such )?(?:plans?|decision) (?:has|have) been)\b",
    re.IGNORECASE,
)
UNVERIFIED = re.compile(
    # a reporter flagging that something is not confirmed: hedging, not a rebuttal (Emergent labels it "observing")
    r"\b(?:(?:could|can|would)(?: not|n['’]t) (?:independently )?(?:confirm|verify)|cannot (?:confirm|verify)|"
    r"unable to (?:independently )?(?:confirm|verify)|not (?:been )?(?:independently )?(?:confirmed|verified)|"
    r"unconfirmed|unverified|(?:declined|refused) to (?:confirm|comment))\b",
    re.IGNORECASE,
)
HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|apparently|purportedly|may|might|could|possibly|perhaps|likely|unlikely|"
    r"consider(?:s|ed|ing)?|weigh(?:s|ed|ing)?|examin(?:es|ed|ing)|mull(?:s|ed|ing)?|rumou?r(?:s|ed)?|"
    r"believed|suggest(?:s|ed)?|appears?|seems?|claims?|claimed|according to|sources? (?:say|said)|"
    r"anonymously sourced|indications?)\b",
    re.IGNORECASE,
)

MODAL = re.compile(
    # the event is put as a possibility, not as something that happened or was decided
    r"\b(?:may|might|could|possibly|perhaps|potential(?:ly)?|consider(?:s|ed|ing)?|weigh(?:s|ed|ing)?|"
    r"examin(?:es|ed|ing)|mull(?:s|ed|ing)?|whether|prepar(?:es|ing) to)\b",
    re.IGNORECASE,
)
_ALLEGATION = r"(?:claims?|reports?|allegations?|accusations?|suggestions?|rumou?rs?|complaints?)"
INQUIRY = re.compile(
    # the claim is that someone is looking into an allegation, not the allegation: "investigators are examining claims
    # (that) the firm dumped waste", "police are investigating an allegation by two workers that ...", "a probe has
    # been launched into claims that ...", "police are looking into whether ..."
    r"\b(?:(?:investigat|examin|prob)(?:e|es|ed|ing)|review(?:s|ed|ing)?|look(?:s|ed|ing)? into|"
    r"(?:inquiry|investigation|probe|review)(?:\s+(?:has|have|had|was|were|is|are|been|being|be|now|already))*"
    r"(?:\s+(?:launched|opened|ordered|started|begun|set up))?\s+(?:into|of))\s+"
    r"(?:(?:the|these|those|a|an)\s+)?"
    rf"(?:{_ALLEGATION}\s+(?:that|of)\b|{_ALLEGATION}\s+(?:by|from)\s+(?:[\w'’.-]+\s+){{1,5}}?that\b|"
    rf"{_ALLEGATION}(?=\s+(?:the|a|an|his|her|its|their|he|she|they|it)\b|\s+(?-i:[A-Z]))|whether\b)",
    re.IGNORECASE,
)
"""The allegation right after the verb or noun of an inquiry; ``that`` may be left out ("examining claims the ministry
paid ...") when a clause follows, and a short "by ..." phrase may come between ("allegations by two workers that")."""

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?|\d{{1,2}}\s+(?:{_MONTHS})\.?(?:\s+(?:19|20)\d\d)?|"
    rf"(?:{_MONTHS})\.?\s+(?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH_BEFORE = re.compile(
    # a month that starts a word, or in capitals glued to the word before it (scraped text: "LeaderSEPT. 2, 2014")
    rf"(?:\b(?P<in>in\s+)?|(?-i:(?<=[a-z])(?=[A-Z])))(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_WORD_AFTER = re.compile(r"\s+([a-z][\w-]*)")
_MONTH_DAY = re.compile(rf"(?:{_MONTHS})\.?\s+(\d{{1,2}})", re.IGNORECASE)


def _day_of_month(text: str, start: int, end: int) -> bool:
    """Whether the figure at ``start:end`` is the day of a date after a month name ("on March 20", "Feb. 23, 2024").
    After "in" and a month, a figure that a counted word follows is a count: "In March 20 workers were laid off"
    (one says "in March" but "on March 20"). Both the date check and the figures ask here."""
    m = _MONTH_BEFORE.search(text, max(0, start - 16), start)
    if m is None:
        return False
    if m.group("in") and (w := _WORD_AFTER.match(text, end)) and w.group(1) not in STOP:
        return False
    return True


_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
_WORDNUM = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000,
}
NUMBER = re.compile(
    r"(?<![\w-])(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w-]*-\w)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|k|m)\b)?(?:\s*(?P<pct>%|percent|per cent))?"
    r"(?P<after>(?:\s+[A-Za-z][\w-]*){0,4})",
    re.IGNORECASE,
)
ENTITY = re.compile(r"\b(?:[A-Z][\w'’.-]*[A-Za-z0-9]|[A-Z])(?:\s+(?:of\s+|the\s+)?[A-Z][\w'’.-]*[A-Za-z0-9])*")
_NOT_ENTITY = frozenset(
    "The A An But And Or If In On At For With From As It He She They We I This That These Those While When Also "
    "However Earlier Later Until According After Before Some Many Most Frankly Likely Overall".split()
)


_DAYS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "week": 7.0, "fortnight": 14.0,
         "month": 365.25 / 12, "year": 365.25, "decade": 3652.5}
_TIME_WORD = "|".join(_DAYS)
_DURATION_AFTER = re.compile(rf"\s+({_TIME_WORD})s?\b(?![\s-]+(?:ago|old)\b)", re.IGNORECASE)
"""A time word right after a figure makes it a duration ("48 hours", "two days"), compared in days whatever the
word: 48 hours and two days agree. "Three years old" is an age and "two days ago" a point in time: not durations."""
_RELATIVE = re.compile(
    rf"\s+(?:{_TIME_WORD})s?[\s-]+(?:(?P<point>ago|later|earlier|afterwards?|beforehand|prior)|before|after)\b",
    re.IGNORECASE)
"""A point in time counted from another: from publication ("three days ago", "48 hours ago") or from an event ("the
council voted three days later", "two weeks after the vote", "a day before that"). No quantity at all: two reports
published on different days give different numbers for one moment, and "three days later" and "a week after the
vote" are not two lengths of one thing. With "before" or "after" the time may also be how long something lasted up to
the event ("held for three days before being freed"): ``_SPAN_BEFORE`` tells."""
_SPAN_BEFORE = re.compile(
    r"\b(?:for|lasted|lasting|lasts?|spent|spends?|took|takes?|within|the(?:\s+(?:past|last|next|first|following))?)"
    r"\s+(?:(?:just|only|about|around|nearly|almost|some|over|under|roughly|more than|less than|at least|up to|"
    r"a further|another|the)\s+){0,2}(?:[\w.]+\s+(?:to|or)\s+)?$",
    re.IGNORECASE)
"""Right before a figure of time, a word that makes it a length: "for three days after the crash", "lasted five to 10
minutes before landing", "in the three hours after the video" (then "before" or "after" ends a duration, not a point
in time)."""
_HYPHEN_DURATION = re.compile(
    rf"(?<![\w-])(\d+(?:\.\d+)?|{'|'.join(_WORDNUM)})-({_TIME_WORD})s?\b(?!-)", re.IGNORECASE)
"""A duration written as an adjective: "a six-month inquiry", "a 48-hour curfew" (not "a 12-year-old boy")."""

_NAME_BEFORE = re.compile(r"(?<![\w'’.-])([A-Za-z][\w-]*) $")
_MONTH_NAMES = ("january february march april june july august september october november december "
                "jan feb mar apr jun jul aug sep sept oct nov dec")
_NOT_NAME = STOP | {w.lower() for w in _NOT_ENTITY} | frozenset(
    f"""some around nearly almost over under only another roughly exactly fully least between among every each last
    past next first within since until during per up now still already again even today yesterday tonight monday
    tuesday wednesday thursday friday saturday sunday {_MONTH_NAMES}""".split())
"""Capitalised words that are not names when they come right before a figure ("Around 300 people", "said Monday 12
people ...", "In March 200 workers ..."): the figure after them is a count."""
_PLACE_BEFORE = re.compile(
    r"(?:^|[.!?:;,\"“”(]|\band|\bbut)\s*\b(?:in|at|near|from|across|outside|inside|throughout)\s+$", re.IGNORECASE)
"""A preposition of place or time opening a clause, before the capitalised word: "In Paris 40 people died" (a place,
not a name, whose figure is a count). Mid-clause it says nothing ("a bug in Windows 10", "died from Covid 19")."""
_CASUALTY_VERBS = {"killed": "death", "dead": "death", "died": "death", "die": "death", "dies": "death",
                   "injured": "injury", "wounded": "injury", "hurt": "injury"}
_CASUALTY = {**_CASUALTY_VERBS, "death": "death", "deaths": "death", "fatalities": "death", "injuries": "injury"}
"""Casualty words near a figure name what is counted, whatever the noun: "40 people were killed", "twelve died" and
"12 dead" all count deaths, and the toll is the figure outlets most often give differently. The verbs (and "dead")
also say that a figure after a name is a count (``_COUNTED_AFTER``); the nouns do not ("Covid 19 deaths")."""
_COUNTED_AFTER = re.compile(
    r"\s+(?:(?:people|persons|men|women|children|civilians|workers|soldiers|troops|residents|villagers|students|"
    r"protesters|demonstrators|migrants|refugees|prisoners|hostages|miners|officers|policemen)\b|"
    r"(?:(?:were|are|have been|had been)\s+)?"
    # not "dies": it agrees with one thing, so after a name the figure is part of it ("Windows 10 dies next year")
    rf"(?:{'|'.join(sorted(_CASUALTY_VERBS.keys() - {'dies'}))})\b)")
"""Right after a figure, a counted people-noun or a casualty verb makes it a count, whatever name comes before:
"Kabul 25 killed", "Gaza 30 people were killed" (not the nouns "deaths" or "users": "Covid 19 deaths", "iPhone 6
users"; nor a casualty verb after another noun: "Flight 17 passengers were killed")."""


def _designation(text: str, start: int, end: int) -> bool:
    """Whether the figure at ``start:end`` is part of a name rather than a count: "a Boeing 737", "Windows 10",
    "Covid 19", "the 737 MAX 8" (a capitalised word or a product name like "iPhone" right before it). A product name
    (a capital inside the word: "iPhone", "iOS", "MiG") always names a model; a capitalised word does not when it is a
    month or a weekday, a place after a clause-opening preposition ("In Paris 40 people died"), or when people or a
    casualty word follow the figure ("Kabul 25 killed"). In text that capitalises every word (a headline: "Floods
    Kill 40 People") capitals say nothing, and no figure is a name."""
    m = _NAME_BEFORE.search(text, max(0, start - 40), start)
    if m is None:
        return False
    word = m.group(1)
    product = any(ch.isupper() for ch in word[1:]) and any(ch.islower() for ch in word)
    if not (word[0].isupper() or product):
        return False
    if word.lower() in _NOT_NAME:
        return False
    before = text[: m.start(1)].rstrip()
    if (not before or before[-1] in ".!?:;\"“”‘’(") and word.lower().endswith(("ly", "ing")):
        return False  # an adverb or a participle opening a sentence: "Roughly 300 ...", "Killing 12 people, ..."
    if not product and (_PLACE_BEFORE.search(text, max(0, m.start(1) - 30), m.start(1))
                        or _COUNTED_AFTER.match(text, end)):
        return False
    return not _title_case(text)


@lru_cache(maxsize=65536)
def _title_case(text: str) -> bool:
    """No word of four letters or more starts in lower case: a headline in title case, or text in capitals."""
    long = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    return bool(long) and not any(w[0].islower() for w in long)


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    unit: str
    span: tuple[int, int]
    text: str


_TRANSITIVE_CASUALTY = frozenset({"killed", "injured", "wounded", "hurt"})
_ABOUT = r"(?:(?:at least|more than|as many as|up to|about|around|nearly|almost|some|over)\s+)?"
_OBJECT_START = re.compile(
    rf"(?:the|a|an|his|her|their|its)\b|{_ABOUT}(?:\d|(?:dozens|hundreds|scores|thousands|{'|'.join(_WORDNUM)})\b)",
    re.IGNORECASE)
"""What an active casualty verb's object starts with: "3 men who killed 40 people", "gunmen killed the driver"."""
_CASUALTY_BEFORE = re.compile(rf"\b(kill|injur|wound)(?:ed|ing|es|e|s)?\s+{_ABOUT}$", re.IGNORECASE)
"""An active casualty verb right before a figure names what it counts, in any tense: "gunmen killed at least 40
people", "a flood kills 40", "storms injure 12"."""


_TOLL_BEFORE = re.compile(
    # "the death toll has risen to 19", "the toll stood at 40": the figure is the toll, whatever noun follows it
    rf"\b(?:death|casualty|fatality)\s+toll\b[^.;:!?]{{0,60}}?\b(?:to|at|of|reached|hit|is|was)\s+{_ABOUT}$",
    re.IGNORECASE)


def _casualty_before(text: str, start: int) -> str | None:
    """"death" or "injury" when the figure at ``start`` is the object of a casualty verb, or a death toll's value,
    else None."""
    if _TOLL_BEFORE.search(text, max(0, start - 90), start):
        return "death"
    m = _CASUALTY_BEFORE.search(text, max(0, start - 40), start)
    if m is None or _irrealis(text, m.start()):  # "threatened to kill 20 soldiers" counts no dead
        return None
    return _CASUALTY[m.group(1).lower() + "ed"]


_PREPOSITIONS = frozenset(
    "in on at by for with from into onto over under near across after before during since until within "
    "throughout outside inside".split())
"""Where the words after a figure turn into a prepositional phrase, the counted noun has ended: "a flood kills 40 in
northern province" names no noun ("of" does not end it: "40 of the passengers")."""


def _unit(after: str, rest: str = "") -> str:
    """The counted thing after a number: "ZT-180 prototype drones" -> "drone" (model codes are skipped); a casualty
    word within the next four words wins ("40 people have been killed" -> "death"), unless it is an active verb with
    an object of its own ("the 3 men who killed 40 people": the 40 are the dead) or is put as a possibility or an
    intention ("40 people could die", "20 hostages are going to die"). ``rest`` is the text after
    ``after``."""
    raw = after.split()
    words = [w.lower().strip(".,;:()") for w in raw]
    for i, w in enumerate(words[:4]):
        if w not in _CASUALTY:
            continue
        between = " ".join(raw[:i]) + " "
        if _irrealis(between, len(between)):
            words = words[:i]  # "40 people could die": no toll, and the verb is no counted noun
            break
        following = " ".join([*raw[i + 1 :], rest.lstrip()])
        if w in _TRANSITIVE_CASUALTY and not raw[i].endswith((",", ".", ";", ":")) and _OBJECT_START.match(following):
            break
        return _CASUALTY[w]
    words = words[:3]
    cut = next((i for i, w in enumerate(words) if w in _PREPOSITIONS), len(words))
    cands = [(w, r.lstrip("(\"“‘'")[:1].isupper()) for w, r in zip(words[:cut], raw, strict=False)
             if w and not any(ch.isdigit() for ch in w) and w not in STOP
             and w not in {"such", "more", "than", "per", "each", "to"}]
    if not cands:
        return ""
    plurals = [(w, name) for w, name in cands if w.endswith("s") and not w.endswith("ss") and len(w) > 3]
    # a name between the figure and its noun is not what is counted: "31 M1 Abrams tanks" counts tanks
    w = next((w for w, name in plurals if not name), plurals[0][0] if plurals else cands[0][0])
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    return w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w


@lru_cache(maxsize=65536)
def quantities(text: str) -> tuple[Quantity, ...]:
    """Numbers with their unit noun: "100 ZT-180 prototype drones" -> (100, "drone"), "$12 million" -> 1.2e7 usd."""
    out = []
    for m in NUMBER.finditer(text):
        raw = m.group("num").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        if YEAR.fullmatch(m.group("num")) and not m.group("cur") and not m.group("scale"):
            continue  # a year is a date, handled by the date check
        # skip the day of a "Feb. 23" date ("In March 200 workers ..." is no date: a day is at most 31)
        if value <= 31 and _day_of_month(text, m.start(), m.end("num")):
            continue
        plain = not (m.group("cur") or m.group("scale") or m.group("pct"))
        if plain and re.fullmatch(r"\d+", m.group("num")) and _designation(text, m.start(), m.end("num")):
            continue  # "a Boeing 737", "Windows 10": a name, not a count
        if plain and _relative_time(text, m.start(), m.end("num")):
            continue
        duration = _DURATION_AFTER.match(text, m.end("num")) if plain else None
        if duration:
            out.append(_duration(text, value, duration.group(1), m.start(), duration.end()))
            continue
        scale = (m.group("scale") or "").lower()
        value *= _SCALE.get(scale, 1.0)
        if m.group("pct"):
            unit = "percent"
        elif m.group("cur"):
            unit = {"$": "usd", "€": "eur", "£": "gbp"}[m.group("cur")]
        else:
            unit = _casualty_before(text, m.start()) or _unit(m.group("after") or "", text[m.end() :])
        end = m.end("pct") if m.group("pct") else (m.end("scale") if m.group("scale") else m.end("num"))
        out.append(Quantity(value, unit, (m.start(), end), text[m.start() : end]))
    for m in _HYPHEN_DURATION.finditer(text):
        n = m.group(1).lower()
        value = float(_WORDNUM[n]) if n in _WORDNUM else float(n)
        out.append(_duration(text, value, m.group(2), m.start(), m.end()))
    # the window is a lookahead, so "three soldiers killed two civilians" finds both figures
    for m in re.finditer(r"\b(" + "|".join(_WORDNUM) + r")(?=\s+((?:[A-Za-z][\w-]*\s+){0,3}[A-Za-z][\w-]*))", text,
                         re.I):
        if _relative_time(text, m.start(), m.end(1)):
            continue
        unit = _casualty_before(text, m.start()) or _unit(m.group(2), text[m.end(2) :])
        no = _NO_ONE.search(text, 0, m.start()) if m.group(1).lower() == "one" else None
        if no:  # "no one died" is a toll of none, not of one
            out.append(Quantity(0.0, unit, (no.start(), m.end(1)), text[no.start() : m.end(1)]))
            continue
        value = float(_WORDNUM[m.group(1).lower()])
        duration = _DURATION_AFTER.match(text, m.end(1))
        if duration:
            out.append(_duration(text, value, duration.group(1), m.start(), duration.end()))
            continue
        out.append(Quantity(value, unit, m.span(1), m.group(1)))
    return tuple(out)


def _relative_time(text: str, start: int, end: int) -> bool:
    """Whether the figure at ``start:end`` counts the time to a point from another ("three days later", "48 hours
    ago", "two weeks after the vote"), rather than a length ("for two weeks after the vote")."""
    m = _RELATIVE.match(text, end)
    return m is not None and (m.group("point") is not None or not _SPAN_BEFORE.search(text, max(0, start - 40), start))


def _duration(text: str, value: float, word: str, start: int, end: int) -> Quantity:
    """A duration in days, its text the figure with its time word ("48 hours", "six-month")."""
    return Quantity(value * _DAYS[word.lower()], "duration", (start, end), text[start:end])


_NO_ONE = re.compile(r"\bno[\s-]+$", re.IGNORECASE)

_SELF_DESCRIBING = frozenset({"percent", "usd", "eur", "gbp", "duration"})  # units the figure's own text already shows


def same_value(x: float, y: float) -> bool:
    """Two figures are the same when within 5% of each other (rounding: "nearly 200" and "198")."""
    return abs(x - y) <= 0.05 * max(abs(x), abs(y), 1e-9)


def _figures(qs: list[Quantity]) -> str:
    return ", ".join(dict.fromkeys(q.text for q in qs))


@lru_cache(maxsize=65536)
def _tokens(text: str) -> frozenset[str]:
    return frozenset({w.lower().strip("'’.") for w in _WORD.findall(text)} - STOP)


@lru_cache(maxsize=65536)
def entities(text: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    out = []
    for m in ENTITY.finditer(text):
        s = m.group(0)
        words = s.split()
        while words and words[0] in _NOT_ENTITY:
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        if len(name) < 2 or (m.start() == 0 and len(words) == 1 and name.lower() in STOP):
            continue
        out.append((name, (m.end() - len(name), m.end())))
    return tuple(out)


@lru_cache(maxsize=65536)
def _norm_entity(e: str) -> str:
    e = e.lower().replace("’", "'")
    e = re.sub(r"'s$", "", e)
    e = re.sub(r"^(?:the|u\.s\.|us) ", "", e)
    return {"u.s": "united states", "u.s.": "united states", "us": "united states", "moscow": "russia",
            "beijing": "china", "kremlin": "russia", "kyiv": "ukraine", "kiev": "ukraine",
            "washington": "united states"}.get(e, e)


@lru_cache(maxsize=65536)
def find_cues(pattern: re.Pattern, text: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    return tuple((m.group(0), m.span()) for m in pattern.finditer(text))


def _realis(found: tuple[tuple[str, tuple[int, int]], ...], text: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    """The cues not put as a possibility or an intention (``IRREALIS_BEFORE`` right before them)."""
    return tuple(c for c in found if not _irrealis(text, c[1][0]))


def _irrealis(text: str, at: int) -> bool:
    """Whether the word at ``at`` is put as a possibility, a prediction or an intention: a modal ("could die"), or
    a verb or adjective of intention with "to" ("threatened to kill", "plans to kill") right before it."""
    return IRREALIS_BEFORE.search(text, max(0, at - 40), at) is not None


@lru_cache(maxsize=65536)
def _dates(text: str) -> tuple[tuple[str, tuple[int, int], date | None], ...]:
    out = []
    for m in DATE.finditer(text):
        day = _MONTH_DAY.fullmatch(m.group(0))
        if day and not _day_of_month(text, m.start() + day.start(1), m.start() + day.end(1)):
            continue  # "In March 20 workers were laid off": a month and a count, no date
        out.append((m.group(0), m.span(), None))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class CheckResult:
    features: dict[str, float]
    reasons: tuple[Reason, ...]


CHECK_FEATURES: tuple[str, ...] = (
    "tok_jaccard", "ent_jaccard", "num_mismatch", "num_match", "date_mismatch", "neg_asym", "neg_any",
    "denial", "non_confirmation", "hedge", "len_ratio", "rebuttal",
)


def run_checks(text_a: str, text_b: str, *, spans_a: str | None = None, spans_b: str | None = None) -> CheckResult:
    """Run every check on the pair. Spans in reasons point into ``spans_a``/``spans_b`` (default the texts)."""
    sa = spans_a if spans_a is not None else text_a
    sb = spans_b if spans_b is not None else text_b
    reasons: list[Reason] = []
    ta, tb = _tokens(text_a), _tokens(text_b)
    tok_j = len(ta & tb) / max(1, len(ta | tb))

    ea = {_norm_entity(e): (e, sp) for e, sp in entities(text_a)}
    eb = {_norm_entity(e): (e, sp) for e, sp in entities(text_b)}
    ent_j = len(ea.keys() & eb.keys()) / max(1, len(ea.keys() | eb.keys()))
    shared = sorted(ea.keys() & eb.keys())
    if shared:
        reasons.append(Reason("entity", "both name " + ", ".join(ea[k][0] for k in shared[:5])))

    # numbers: the figures each side gives for one counted thing. A unit whose figures on the two sides share no
    # value is a mismatch (the classic "100 vs 10 drones"); sharing one is a match. Figures are compared as sets,
    # not each against each: "the 737 MAX 8" on both sides is not a mismatch of 737 against 8, and a figure only
    # one side gives is detail, not disagreement.
    qa, qb = quantities(sa), quantities(sb)
    mism = match = 0
    for unit in dict.fromkeys(q.unit for q in qa if q.unit):
        xs = [q for q in qa if q.unit == unit]
        ys = [q for q in qb if q.unit == unit]
        if not ys:
            continue
        if any(same_value(x.value, y.value) for x in xs for y in ys):
            match = 1
            continue
        mism = 1
        detail = f"{_figures(xs)} vs {_figures(ys)}" + ("" if unit in _SELF_DESCRIBING else f" ({unit})")
        reasons += [Reason("number", detail, "a", x.span) for x in xs]
        reasons += [Reason("number", detail, "b", y.span) for y in ys]
    if match and not mism:
        reasons.append(Reason("number", "the same figures on both sides"))

    da, db = _dates(sa), _dates(sb)
    date_mism = 0
    if da and db:
        na = {d[0].lower().replace(".", "") for d in da}
        nb = {d[0].lower().replace(".", "") for d in db}
        if not (na & nb):
            date_mism = 1
            detail = f"{da[0][0]} vs {db[0][0]}"
            reasons += [Reason("date", detail, "a", da[0][1]), Reason("date", detail, "b", db[0][1])]

    def cues(pattern: re.Pattern, kind: str, label: str, *, realis: bool = False) -> tuple[int, int]:
        ca, cb = find_cues(pattern, sa), find_cues(pattern, sb)
        if realis:  # only what a source does: not a denial someone might, could or will make
            ca, cb = _realis(ca, sa), _realis(cb, sb)
        for side, found in (("a", ca), ("b", cb)):
            for word, span in found[:3]:
                reasons.append(Reason(kind, f"{label}: “{word}”", side, span))
        return len(ca), len(cb)

    neg_a, neg_b = cues(NEGATION, "negation", "negation")
    den_a, den_b = cues(DENIAL, "denial", "denial", realis=True)
    non_a, non_b = cues(NON_CONFIRMATION, "non_confirmation", "does not confirm")
    hed_a, hed_b = cues(HEDGE, "hedging", "hedged")
    unv_a, unv_b = cues(UNVERIFIED, "hedging", "not confirmed")
    hed_a, hed_b = hed_a + unv_a, hed_b + unv_b
    # rebuttal: exactly one side denies, or says it has seen no evidence, and the other asserts without negation.
    # "We have not seen them decide" clashes with "they agreed to build", not with "they may be weighing it":
    # a non-confirmation only rebuts a claim that is not itself put as a possibility.
    # Nor does anything rebut a claim that someone is looking into an allegation ("investigators are examining
    # claims that ..."): it reports the inquiry, and the allegation is not its source's assertion.
    modal_a, modal_b = bool(find_cues(MODAL, sa)), bool(find_cues(MODAL, sb))
    inquiry_a, inquiry_b = bool(find_cues(INQUIRY, sa)), bool(find_cues(INQUIRY, sb))

    def rebuts(den: int, non: int, other_neg: bool, other_modal: bool, other_inquiry: bool) -> bool:
        if other_neg or other_inquiry:
            return False
        return den > 0 or (non > 0 and not other_modal)

    # A denial or a non-confirmation is a stance against the other side only when that side takes no such stance
    # itself: a ministry's "no plans" and an official's "we have not seen them decide" say the same thing. The
    # features count one-sided stances; the cues on both sides stay in the reasons.
    neg_side_a, neg_side_b = den_a > 0 or non_a > 0, den_b > 0 or non_b > 0
    rebuttal = (rebuts(den_a, non_a, neg_side_b or neg_b > 0, modal_b, inquiry_b) and not neg_side_b) or (
        rebuts(den_b, non_b, neg_side_a or neg_a > 0, modal_a, inquiry_a) and not neg_side_a)
    la, lb = max(1, len(text_a.split())), max(1, len(text_b.split()))
    feats = {
        "tok_jaccard": tok_j,
        "ent_jaccard": ent_j,
        "num_mismatch": float(mism),
        "num_match": float(match),
        "date_mismatch": float(date_mism),
        "neg_asym": float((neg_a > 0) != (neg_b > 0)),
        "neg_any": float(neg_a > 0 or neg_b > 0),
        "denial": float((den_a > 0 and not neg_side_b) or (den_b > 0 and not neg_side_a)),
        "non_confirmation": float((non_a > 0 and not neg_side_b) or (non_b > 0 and not neg_side_a)),
        "hedge": float(min(4, hed_a + hed_b)),
        "len_ratio": min(la, lb) / max(la, lb),
        "rebuttal": float(rebuttal),
    }
    return CheckResult(feats, tuple(reasons))


def days_between(a: str | None, b: str | None) -> int | None:
    """Days from date a to date b (ISO strings), or None if either is missing."""
    if not a or not b:
        return None
    try:
        return (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days
    except ValueError:
        return None
