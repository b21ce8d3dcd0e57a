"""Cleaning scraped news text: page furniture out, one story per document.

Scraped pages carry menus, newsletter forms, donation appeals, author boxes and "Read more" teasers around the
story, and aggregator pages carry several unrelated stories one after another. ``split_stories`` turns such a
page into ``Story`` records: the story's paragraphs (separated by a blank line), its headline, and whatever the
page says about who published it and when (a byline, an "Author:" line, a closing source line such as
"-https://www.zerohedge.com/" or "GLOBAL TIMES").

The rules are general, not per-site: a line is furniture when it is a known web boilerplate phrase (one list,
``_FURNITURE_PHRASES`` / ``_FURNITURE_PATTERNS``), when it is mostly navigation words, or when it has no letters.
Markers such as "Read more" or "Comments" end a story's page once a story has been read: what follows is
skipped until another page starts (a "Skip to content" header, or a headline followed by a byline or reading
time). A "Read more" or "Related articles" box inside the article (a few teaser headlines, then more of the
article) is dropped and the story goes on. Hard-wrapped lines are joined back into paragraphs; headings, labels,
bare links and a live blog's "14:05 GMT" stay apart. A story starts at its first prose paragraph; the
headline-like line just before it is its title; headline-like lines left dangling at its end (teasers) are
dropped. A closing source signature ends a story, and prose after it starts another.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urlparse

from .outlets import canonical_outlet, find_outlet_mentions, outlet_from_url

__all__ = ["Story", "normalize_text", "is_furniture", "find_date", "split_stories", "dateline_length"]


@dataclass(frozen=True, slots=True)
class Story:
    """One story cut out of a page. ``outlet``/``url``/``published`` are what the page's own text says."""

    text: str  # paragraphs separated by one blank line
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD


# -- boilerplate vocabulary (the one place to extend) --------------------------------------------------------------

# Whole lines that are page furniture, compared case-folded with surrounding punctuation stripped.
_FURNITURE_PHRASES = frozenset(
    s.strip()
    for s in """
    featured|more|newsletters|newsletter|all newsletters|podcasts|all podcasts|news feed|newsfeed|edit post|avatar
    |video|videos|photos|gallery|comments|sections|follow us|subscribe|subscribe now|sign up|log in|login|sign in
    |register|menu|search|share|share this|share this article|share on facebook|share on twitter|tweet|email|print
    |advertisement|ad|sponsored|sponsored content|more news|latest|latest news|trending|top stories|home|close
    |back to top|accept|accept all|cookie settings|privacy policy|terms of use|terms of service|contact us|about us
    |skip to content|skip to main content|jump to content|read more|show more|load more|see more|see all|view all
    |most popular|most read|editors' picks|editor's picks|editors picks|related|related articles|related stories
    |related news|recommended|recommended for you|you may also like|more stories|more from|leave a comment
    |join the conversation|listen|listen to this article|toggle navigation|open menu|next|previous|next article
    |previous article|copy link|link copied|donate|support us|become a member|opinion|analysis|live|breaking news
    |related coverage|related content|recommended reading|see also|also read|read also|more on this story
    """.split("|")
)

# Lines that end a page's content once a story has been read: what follows is comments, teasers, footers.
_TERMINAL_PHRASES = frozenset(
    s.strip()
    for s in """
    read more|show more|load more|most popular|most read|comments|editors' picks|editor's picks|editors picks
    |related|related articles|related stories|related news|recommended|recommended for you|you may also like
    |more stories|more from|more news|leave a comment|join the conversation|latest news|top stories|trending
    |related coverage|related content|recommended reading|see also|also read|read also
    """.split("|")
)

# Markers of a box of links to other stories that pages put inside an article as well as under it: one ends the
# story only when no more of the article follows the box (see ``_article_resumes``).
_INLINE_TEASER_MARKERS = frozenset(
    s.strip()
    for s in """
    read more|related|related articles|related stories|related news|related coverage|related content|recommended
    |recommended reading|more stories|see also|also read|read also|more on this|more on this story
    """.split("|")
)

# A link to another story inside or under this one ("Related: ..."): furniture, and an outlet it names is that
# story's, not this one's.
_TEASER_PREFIX = (r"^(?:(?:read|see) (?:more|also)|also (?:read|see)"
                  r"|related(?: (?:articles?|stories|news|coverage|content|reading))?|recommended(?: reading)?"
                  r"|more on this(?: story)?)\s*:")
_TEASER = re.compile(_TEASER_PREFIX, re.IGNORECASE)

# A live blog's time line: "14:05 GMT", "Updated 3:10 pm ET"; and one opening an entry ("15:01 GMT Venn told ...").
_TIME_ZONE = (r"(?:gmt|utc|bst|cet|cest|eet|eest|msk|est|edt|cst|cdt|mst|mdt|pst|pdt|et|ct|mt|pt|ist|jst|kst|aest|"
              r"aedt|local time)(?:\s*[+-]\s*\d{1,2})?")
_TIMESTAMP = re.compile(
    r"^(?:(?:updated|last updated|posted|published|breaking)\s*:?\s*)?(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
    rf"\s*(?:am|pm|a\.m\.|p\.m\.)?\s*{_TIME_ZONE}?$",
    re.IGNORECASE,
)
_LEADING_TIME = re.compile(
    rf"^(\d{{1,2}}[:.]\d{{2}}\s*(?:(?:am|pm|a\.m\.|p\.m\.)\s*{_TIME_ZONE}?|{_TIME_ZONE}))\s*[-–—:|]?\s+(?=(?-i:[A-Z“\"‘]))",
    re.IGNORECASE,
)

# Parts of lines that make the whole line furniture (searched case-insensitively).
_FURNITURE_PATTERNS = re.compile(
    "|".join(
        [
            r"^\d+\s*(?:min|mins|minute|minutes)\.?\s+read$",  # "1 min read"
            r"indicates required",  # newsletter forms
            r"enter (?:your|a valid|a correct|correct) e-?mail",
            r"^please,? enter (?:a )?(?:valid|correct) e-?mail",
            r"successfu?l+y subscribed",
            r"thanks? (?:you )?for (?:signing up|subscribing)",
            r"sign up (?:for|to) (?:our|the|this) .{0,40}newsletter",
            r"support (?:independent|our|quality) journalism",  # donation appeals
            r"\bsupport us (?:for|with|today|now)\b",
            r"for as little as [$€£]",
            r"^(?:(?:visa|mastercard|master card|american ?express|amex|paypal|apple ?pay|google ?pay)[\s,|·]*)+$",
            r"audio is (?:created|generated|produced) with (?:the help of )?ai",
            r"^listen to (?:this|the) (?:article|story)",
            r"^we are the [\w’' -]{0,40}\bteam\b",  # author boxes
            r"feel free to contact us",
            r"^(?:file )?(?:image|photo|picture|illustration|video) (?:of|shows)\b",  # captions
            r"^(?:photo|image|picture|video)(?: credit)?\s*:",
            r"\barrow (?:right|left|up|down)$",  # icon labels
            r"^[\w’' -]{1,30} (?:image|icon|logo)$",  # image alt texts
            r"^(?:©|\(c\)|copyright\b|all rights reserved)",
            r"\bcookies?\b.{0,60}\b(?:accept|consent|policy|settings)\b",
            r"^(?:click|tap) here\b",
            _TEASER_PREFIX,  # inline related links
            r"^(?:this|the) (?:article|story|piece) (?:was|is) (?:originally |first )?(?:re)?published\b.{0,60}$",
            r"^(?:originally|first) published\b.{0,80}$",
            r"^(?:share|follow) (?:on|us on|this on) ",
            r"^(?:this|the) (?:article|story) (?:was|is) (?:originally )?(?:updated|corrected)\b.{0,40}$",
            _TIMESTAMP.pattern,  # a live blog's "14:05 GMT"
        ]
    ),
    re.IGNORECASE,
)

# Words that make up site menus ("War Analysis National Video Field Report Newsletters ...").
_NAV_WORDS = frozenset(
    """
    news war analysis national international world local video videos field report reports newsletters newsletter
    podcasts podcast human story stories company about join the team studio jobs j-school career careers opinion
    opinions business politics economy markets sport sports culture tech technology science health lifestyle
    travel home more latest live features feature featured investigations investigation explainers explainer
    climate media photos gallery contact advertise subscribe subscriptions account sections section menu
    search archive events shop store store podcasts radio tv weather magazine editorial columns and & us
    """.split()
)

_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$|[\"”’][.!?…]?$")
_WORDS = re.compile(r"[^\W\d_][\w’'-]*")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"”]+", re.IGNORECASE)
_SKIP_MARKER = re.compile(r"^(?:skip|jump) to (?:main )?content$", re.IGNORECASE)
_READ_TIME = re.compile(r"^\d+\s*(?:min|mins|minute|minutes)\.?\s+read$", re.IGNORECASE)
_BYLINE = re.compile(r"^by\s+\S", re.IGNORECASE)
_DATE_META = re.compile(r"^(?:published|updated|last updated|posted|first published|date)\b", re.IGNORECASE)
_AUTHOR_LINE = re.compile(r"^(?:author|authors|written by|reporting by|posted by)\b", re.IGNORECASE)
# "KYIV, Feb 24, 2023 (Reuters) - ": a city in capitals, maybe a date, maybe the agency (in brackets, or between
# slashes as press-release wires write it: "/PRNewswire/"), then a dash. With the agency named, the city may be
# written as a name ("Paris (AFP) - ", "Madrid, 4 nov (EFE).- ", "Iguala (Mexico) (AFP) - ") or left out ("(CNN) --
# "); see ``_dateline``. The dash follows a space or the agency ("(EFE).- "), never a word ("OSLO-").
_DATELINE = re.compile(
    r"^(?:(?P<caps>[A-Z][A-Z.'’ -]{1,30})"
    r"|(?P<place>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|del|la|las|los|el|da|do|di|du|of|upon|on))*"
    r"(?:\s+\([A-Z][^()\n]{1,30}\)(?=\s*\())?))?"
    r"(?:,(?P<date>[^()/\n–—]{0,40}?))?\s*"
    r"(?:\((?P<who>[^()\n]{2,40})\)|/(?P<wire>[^/\s]{2,40})/)?\s*\.?\s*(?<=[\s)/.])[-–—]+\s+\S"
)
_AGENCY = re.compile(r"[A-Z]{2,8}")  # an agency in brackets that the outlet list does not know: "(UPI)", "(KTVI)"
_TRAILING_URL = re.compile(r"(?:\s+|^)(?:[-–—]\s*){1,6}(?:source:\s*)?((?:https?://|www\.)\S+)\s*$", re.IGNORECASE)
_TRAILING_CAPS = re.compile(r"(?<=[.!?\"”’)])\s+([A-Z][A-Z&’'. -]{1,40}[A-Z])\s*$")
_SIGNATURE_FILLER = re.compile(
    r"\b(?:source|sources|via|originally published (?:at|in|by|on)|first published (?:at|in|by|on)|from)\b"
    r"|[-–—|•·,;:()\[\]/]+",
    re.IGNORECASE,
)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_CANDIDATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{4}\b",
    re.IGNORECASE,
)
_TIME_WORDS = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|\b(?:am|pm|utc|gmt|cet|est|edt)\b",
                         re.IGNORECASE)

MIN_SPLIT_WORDS = 30
"""A story split off after the first must have at least this many words of body, or it is dropped as debris."""


# -- line classification --------------------------------------------------------------------------------------------

def normalize_text(text: str) -> str:
    """NFC, Unix newlines, no zero-width or non-breaking spaces, single spaces inside lines, stripped lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n\n")
    text = re.sub("[\u2028\x85]", "\n", text)  # line separators a JSON string may carry unescaped
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    text = re.sub(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000\f\v]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _key(line: str) -> str:
    return line.casefold().replace("’", "'").strip(" \t.:;,!|•·»«>-–—*#").strip()


def _n_words(s: str) -> int:
    return len(_WORDS.findall(s))


def is_furniture(line: str) -> bool:
    """Whether a whole line is page furniture (menus, forms, appeals, captions, icon labels...)."""
    if not re.search(r"[^\W\d_]", line):  # no letters at all: ".", "***", "|", "2/5"
        return True
    key = _key(line)
    if key in _FURNITURE_PHRASES:
        return True
    if _FURNITURE_PATTERNS.search(line):
        return True
    return _is_navigation(line)


def _is_navigation(line: str) -> bool:
    if _SENTENCE_END.search(line):
        return False
    words = [w.casefold().replace("’", "'") for w in line.split()]
    if len(words) < 3:
        return False
    nav = sum(1 for w in words if w in _NAV_WORDS)
    return nav / len(words) >= 0.7


def _is_terminal(line: str) -> bool:
    key = _key(line)
    return key in _TERMINAL_PHRASES or bool(re.fullmatch(r"(?:\d+\s+)?comments?\s*\(?\d*\)?", key))


def _article_resumes(paras: list[str], i: int) -> int | None:
    """After a "Read more" or "Related articles" line ``paras[i]`` inside a story: where the article goes on, past
    the box's teaser headlines (as many as eight), or None when what follows is no more of it: nothing, a menu or
    other furniture, teasers with bylines, or a teaser's blurb ("... early this morning and…")."""
    marker = _key(paras[i])
    if marker not in _INLINE_TEASER_MARKERS:
        return None
    box = marker != "read more"  # "Related", "More stories", ...: a list of teasers; "Read more": one link
    headlines = 0  # teasers shaped as headlines seen so far
    j = i + 1
    while j < len(paras) and j - i <= 8:
        q = paras[j]
        if _is_terminal(q) or _is_byline(q) or is_furniture(q) and re.search(r"[^\W\d_]", q):
            return None  # comments ("42 comments"), a teaser's byline, the page's furniture
        if _is_body(q):
            if re.search(r"(?:…|\.\.\.)[\"”’')\]]*$", q) or j + 1 < len(paras) and _is_byline(paras[j + 1]):
                return None
            if box and not headlines and _n_words(q) < 20:
                j += 1  # prose right under a box's title is a teaser written as a sentence, or a photo caption:
                continue  # the article goes on only with a paragraph of real length
            if any(_is_terminal(p) or is_furniture(p) and not _TEASER.match(p) for p in paras[j + 1 : j + 3]):
                return None  # the page's footer ("... funded by readers like you", then the copyright)
            return j
        headlines += _looks_like_headline(q)
        j += 1  # a teaser headline, or a rule of dashes
    return None


def _is_sentence(p: str) -> bool:
    return bool(_SENTENCE_END.search(p))


def _looks_like_headline(p: str) -> bool:
    """A short line that reads like a headline: no closing period or quote, one sentence at most."""
    n = _n_words(p)
    if not 2 <= n <= 30:
        return False
    if re.search(r"[.…][\"”’')\]]*$|[\"”’]$", p):
        return False
    if re.search(r"[.!?]\s+[A-Z“\"]", p):  # several sentences: prose
        return False
    return True


def _is_body(p: str) -> bool:
    """Whether a paragraph is story prose (where a story starts)."""
    if _looks_like_headline(p):
        return False
    return _is_sentence(p) or _n_words(p) >= 25


def _is_byline(p: str) -> bool:
    if _BYLINE.match(p) and _n_words(p) <= 20 and not _is_sentence(p):
        return True
    if _AUTHOR_LINE.match(p) and _n_words(p) <= 15 and (":" in p[:12] or not _is_sentence(p)):
        return True
    if _DATE_META.match(p) and _n_words(p) <= 15 and _DATE_CANDIDATE.search(p):
        return True
    # A date on its own ("February 24, 2023 6:03 AM", "Updated 24.02.2023")
    m = _DATE_CANDIDATE.search(p)
    if m and _n_words(p) <= 10:
        rest = _TIME_WORDS.sub(" ", p[: m.start()] + " " + p[m.end():])
        rest = re.sub(r"\b\d+\s*min(?:ute)?s?\s+read\b", " ", rest, flags=re.IGNORECASE)
        return _n_words(rest) <= 2
    return False


@lru_cache(maxsize=4096)
def find_date(text: str) -> str | None:
    """The first full date (day, month and year) written in ``text``, as ``YYYY-MM-DD``; None if there is none.

    Only call it on a byline, dateline or metadata value: a date in a story's body is an event date, not the
    publication date. Parsing is dateparser's; the regex only finds where a date is written.
    """
    import dateparser  # ~0.1 s to import; only needed when there is a date to read

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False}
    for m in _DATE_CANDIDATE.finditer(text):
        cand = m.group(0)
        if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{4}", cand) and "." in cand:
            settings = {**settings, "DATE_ORDER": "DMY"}  # 24.02.2023 is European
        try:
            d = dateparser.parse(cand, languages=["en"], settings=settings)
        except Exception:  # dateparser raises assorted errors on odd input; a bad date is just no date
            d = None
        if d is not None and 1990 <= d.year <= date.today().year + 1:
            return d.date().isoformat()
    return None


def parse_date_value(value: str) -> str | None:
    """A metadata date value ("2023-02-24T06:03:00Z", "Feb 24, 2023") as ``YYYY-MM-DD``; None if unreadable or
    relative ("yesterday")."""
    value = value.strip()
    if not value:
        return None
    m = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", value)
    if m:
        try:
            return date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            return None
    found = find_date(value)
    if found:
        return found
    import dateparser

    # No relative dates ("yesterday", "2 hours ago"): there is no clock to read them against but the ingest's own.
    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["custom-formats", "absolute-time"]}
    try:
        d = dateparser.parse(value, settings=settings)
    except Exception:
        return None
    return d.date().isoformat() if d is not None else None


def _signature_line(p: str) -> tuple[str | None, str | None] | None:
    """If the line is nothing but a source signature (URLs, outlet names, "Source:"), its (outlet, url)."""
    if _n_words(p) > 12:
        return None
    urls = _URL.findall(p)
    rest = _URL.sub(" ", p)
    mentions = find_outlet_mentions(rest)
    if not urls and not mentions:
        return None
    for _, s, e in reversed(mentions):
        rest = rest[:s] + " " + rest[e:]
    rest = _SIGNATURE_FILLER.sub(" ", rest)
    if re.search(r"[^\W_]", rest):  # words left over: a sentence that names an outlet, not a signature
        return None
    if urls:
        return outlet_from_url(urls[0]), _article_url(urls[0])
    return mentions[0][0], None


def _trailing_signature(p: str) -> tuple[str, str | None, str | None] | None:
    """A source signature closing a paragraph ("... with it. – -https://www.zerohedge.com/", "... account.” GLOBAL
    TIMES"): (paragraph without it, outlet, url)."""
    m = _TRAILING_URL.search(p)
    if m and m.start() > 0:
        url = m.group(1).rstrip(".,;)")
        return p[: m.start()].rstrip(" -–—"), outlet_from_url(url), _article_url(url)
    m = _TRAILING_CAPS.search(p)
    if m and m.group(1).isupper():
        name = canonical_outlet(m.group(1))
        if name:
            return p[: m.start()].rstrip(), name, None
    return None


def _article_url(url: str) -> str | None:
    """The URL if it points at a page (a path), None for a bare site address."""
    url = url.rstrip(".,;)")
    if not url.lower().startswith("http"):
        url = "https://" + url
    try:
        path = urlparse(url).path
    except ValueError:
        return None
    return url if path.strip("/") else None


def _dateline(text: str) -> re.Match | None:
    """The dateline opening ``text``, if any. A city in capitals is one on its own ("OSLO — "); a city written as a
    name, or none, only before an agency ("Paris (AFP) - ", "(CNN) -- "), as "The US - and its allies -" is no
    dateline."""
    m = _DATELINE.match(text)
    if m is None:
        return None
    agency = m.group("who") or m.group("wire")
    named = agency is not None and (canonical_outlet(agency) is not None or _AGENCY.fullmatch(agency) is not None)
    if m.group("caps") is None and not named:
        return None
    return m


def dateline_length(text: str) -> int:
    """How many characters of ``text`` a dateline opening it takes ("LONDON (Reuters) - "), 0 without one."""
    m = _dateline(text)
    return m.end() - 1 if m else 0  # the pattern ends on the story's first character


def _dateline_info(p: str) -> tuple[str | None, str | None]:
    """(outlet, date) from a dateline opening the first paragraph, e.g. "KYIV, Feb 24, 2023 (Reuters) - ": a known
    outlet by its name, an agency in capitals the list does not know by its initials ("OSLO (NTB) - ")."""
    m = _dateline(p)
    if not m:
        return None, None
    who = m.group("who") or m.group("wire")
    if who:  # an agency in capitals that the outlet list does not know ("(UPI)", "(NTB)") is named as written
        who = canonical_outlet(who) or (who if _AGENCY.fullmatch(who) else None)
    return who, find_date(m.group("date")) if m.group("date") else None


# "By Petra Lindqvist, Coastal Press Agency", "By Ana Ruiz | Valley Gazette": an outlet we do not know by name,
# named in the byline after the author, where its last word says it publishes news
_BYLINE_OUTLET = re.compile(
    r"^[Bb][Yy]\s+[^,|]+?\s*[,|]\s*(?P<outlet>(?:The\s+)?(?:[A-Z][\w&.'’-]*\s+){0,4}"
    r"(?:News|Press|Agency|Times|Post|Herald|Gazette|Courier|Journal|Tribune|Daily|Chronicle|Observer|Telegraph|"
    r"Record|Star|Sun|Mirror|Express|Radio|TV|Television|Network|Wire|Media|Magazine|Bulletin|Dispatch|Standard|"
    r"Register|Sentinel|Examiner|Inquirer|Globe|Mail|Today|Report))\b(?!\s+[A-Z])"
)


def _byline_info(p: str) -> tuple[str | None, str | None]:
    mentions = find_outlet_mentions(p)
    outlet = mentions[0][0] if mentions else None
    if outlet is None:
        for u in _URL.findall(p):
            outlet = outlet_from_url(u)
            break
    if outlet is None:
        m = _BYLINE_OUTLET.match(p)
        outlet = m.group("outlet") if m else None
    return outlet, find_date(p)


# -- paragraphs and stories -----------------------------------------------------------------------------------------

# Words a sentence does not end on: a line ending in one was cut mid-sentence ("... said that" / "Ana Lopes ...").
_CONTINUING_WORDS = frozenset(
    "a an the and or but nor of to that which whose in at by for from with as than into onto between his her its "
    "their our your my about over under after before against during including like such some more most than into "
    "upon within without through across toward towards among amid via per whether because while where when who "
    "whom this these those is are was were be been has have had will would could should can may might".split()
)
_ENDS_CLAUSE = re.compile(r"[.!?:;…\"”’)\]]$")
# A lower-case word opening a line (followed by a space, a comma or a sentence's end), not a domain or a URL
# ("example.org", "https:").
_LOWER_WORD = re.compile(r"([a-z][\w’'-]*)(?=[\s,;:]|[.!?…][\"”’')\]]*(?:\s|$)|$)")
# Lower-case words that open a name ("de Blasio", "van der Berg"): after a short line they start a new one.
_NAME_PARTICLES = frozenset("de del della der den di da das dos du la le van von ten ter bin ibn al el".split())
# Capitalised words of a title that a line may break inside ("... according to Chief" / "Financial Officer ...").
_TITLE_WORDS = frozenset(
    """chief executive financial operating officer mayor minister president secretary governor senator general
    director prime deputy vice foreign interior defence defense health finance spokesman spokeswoman spokesperson
    ambassador commissioner commander chairman chairwoman chair judge justice professor doctor sheriff inspector
    superintendent captain colonel lieutenant sergeant admiral representative rep sen gov attorney police fire
    state national head""".split()
)
# Words a sentence or paragraph opens with, not the rest of a name cut at the line's end.
_SENTENCE_OPENERS = frozenset(
    """the a an he she it they we i you this that these those there in on at but and or so yet as if when while
    after before since however meanwhile also according his her its their our my one some many most""".split()
)
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)
def _cut_in_title(prev: str, line: str) -> bool:
    """Whether ``prev``, a line of prose, breaks inside a title and name that ``line`` goes on with ("... according
    to Chief" / "Financial Officer Dana Price, who ...", "... after Mayor Linda" / "Okafor said ...")."""
    words = prev.split()
    run = 0
    while run < min(len(words), 4) and re.match(r"[A-Z][\w’'-]*$", words[-1 - run]):
        run += 1
    if not run or run == len(words) or not any(w.casefold() in _TITLE_WORDS for w in words[-run:]):
        return False
    if _n_words(prev) < 8 or sum(w[0].islower() for w in words) < len(words) / 2:  # prose, not a title-case headline
        return False
    first = line.split(None, 1)[0]
    return bool(re.match(r"[A-Z][\w’'-]*[,.]?$", first)) and first.rstrip(",.").casefold() not in _SENTENCE_OPENERS


def _joins(prev: str, line: str, width: int | None, para: str | None = None) -> bool:
    """Whether ``line`` continues ``prev`` (a hard-wrapped paragraph, ``para`` so far) rather than starting a new one.

    A line that ends a sentence never continues, nor does a bare link, a timestamp or other furniture. Otherwise the
    next line continues it when it opens with a word in lower case (after a line of under 40 characters, a heading
    or a label, only a plain lower-case word that opens no name: not "iPhone", "eBay", "de Blasio"), when ``prev``
    stops on a comma or on a word no sentence ends on, or when a line of prose breaks inside a title and name
    ("... according to Chief" / "Financial Officer ..."). A next line opening with a capital or a figure otherwise
    continues it only inside a block hard-wrapped at ``width`` (see ``_wrap_width``), when the next line's first
    word would not have fitted on ``prev``, or is a figure. Headlines, bylines, menus and lists of teaser headlines
    stay apart: they end no sentence and are followed by a capital, and scraped pages put each paragraph on one
    line, of any length.
    """
    para = para or prev
    if (_ENDS_CLAUSE.search(prev) or _BYLINE.match(line) or _URL_LINE.match(prev) or is_furniture(prev)
            or is_furniture(line)):
        return False
    m = _LOWER_WORD.match(line)
    if m:
        if len(para) >= 40:
            return True
        word, rest = m.group(1), line[m.end():].lstrip()
        return word.islower() and not (word in _NAME_PARTICLES and rest[:1].isupper())
    if prev.endswith(",") or prev.rsplit(None, 1)[-1] in _CONTINUING_WORDS:
        return _n_words(prev) >= 3
    if len(prev) >= 40 and _cut_in_title(prev, line):
        return True
    if width is None:
        return False
    first = line.split(None, 1)[0]
    return first[0].isdigit() or len(prev) + 1 + len(first) > width


_MID_SENTENCE_END = re.compile(r"[a-z][.!?][\"”’)]*\s+[\"“]?[A-Z]")


def _wrap_width(lines: list[str]) -> int | None:
    """The width a block of lines was hard-wrapped at (its longest line), or None if it does not look wrapped: at
    least three lines, all but the last nearly as long as the longest, at a width editors and mailers wrap at (50
    to 100 characters), with a sentence ending inside a line, as in running prose."""
    if len(lines) < 3:
        return None
    width = max(map(len, lines))
    if not 50 <= width <= 100 or any(len(line) < 0.7 * width for line in lines[:-1]):
        return None
    return width if any(_MID_SENTENCE_END.search(line) for line in lines) else None


def _paragraphs(text: str) -> list[str]:
    """Lines of the page as paragraphs, with hard-wrapped prose lines joined back together."""
    out: list[str] = []
    for block in re.split(r"\n(?:[ \t]*\n)+", text):
        # a timestamp line in a live blog ("14:05 GMT") is a paragraph of its own, and the lines under it a block
        runs: list[list[str]] = [[]]
        for line in block.split("\n"):
            line = _LEADING_TIME.sub("", line)  # "15:01 GMT Venn told ...": the entry, under its time
            if _TIMESTAMP.match(line):
                runs += [[line], []]
            elif line:
                runs[-1].append(line)
        for lines in runs:
            width = _wrap_width(lines)
            for i, line in enumerate(lines):
                if i and _joins(lines[i - 1], line, width, out[-1]):
                    out[-1] += " " + line
                else:
                    out.append(line)
    return out


@dataclass
class _Draft:
    header: list[str] = field(default_factory=list)  # non-prose lines before the body (title candidates)
    body: list[str] = field(default_factory=list)
    byline_outlet: str | None = None
    dateline_outlet: str | None = None
    closing_outlet: str | None = None
    header_outlet: str | None = None
    footer_outlet: str | None = None
    url: str | None = None
    published: str | None = None
    closed: bool = False

    def close(self, outlet: str | None, url: str | None) -> None:
        self.closed = True
        self.closing_outlet = self.closing_outlet or outlet
        self.url = self.url or url

    def finish(self) -> Story | None:
        body = list(self.body)
        # Headline-like lines dangling after the last paragraph are teasers for other stories.
        while body and (_looks_like_headline(body[-1]) or not _is_sentence(body[-1]) and _n_words(body[-1]) < 25):
            body.pop()
        if not body:
            return None
        title = next((h for h in reversed(self.header) if _looks_like_headline(h) and not _is_navigation(h)), None)
        outlet = (self.byline_outlet or self.dateline_outlet or self.closing_outlet or self.header_outlet
                  or self.footer_outlet)
        return Story(text="\n\n".join(body), title=title, outlet=outlet, url=self.url, published=self.published)


def split_stories(text: str) -> list[Story]:
    """Clean a scraped page and cut it into stories, in page order. An empty list means no story text at all."""
    text = normalize_text(text)
    lines = text.split("\n")
    # Everything before "Skip to content" is the site header: logo, promos, teasers for other stories.
    for i, line in enumerate(lines):
        if _SKIP_MARKER.match(line) and sum(map(len, lines[:i])) < 0.6 * len(text):
            lines = lines[i + 1 :]
            break
    paras = _paragraphs("\n".join(lines))

    drafts: list[_Draft] = []
    cur = _Draft()
    leftovers: list[str] = []  # non-furniture text, for pages with no prose at all

    def have_story() -> bool:
        return bool(cur.body) or any(d.body for d in drafts)

    skipping = False  # after "Read more", "Comments"...: teasers and footers until the next page's story
    last_skipped: str | None = None
    resume_at = 0  # after an inline box of links to other stories, the index where the article goes on
    for i, p in enumerate(paras):
        if i < resume_at:
            continue
        if skipping or (_SKIP_MARKER.match(p) and cur.body):
            # Several pages pasted into one file: a new page's header, or a headline followed by its byline or
            # reading time, starts the next story.
            starts = _SKIP_MARKER.match(p) is not None
            headline = last_skipped if (last_skipped and _looks_like_headline(last_skipped)
                                        and not is_furniture(last_skipped)) else None
            if not starts and headline and (_is_byline(p) or _READ_TIME.match(p)):
                starts = True
            if not starts:
                if not is_furniture(p):
                    last_skipped = p
                continue
            skipping, last_skipped = False, None
            drafts.append(cur)
            cur = _Draft()
            if headline and not _SKIP_MARKER.match(p):
                cur.header.append(headline)
                cur.byline_outlet, cur.published = _byline_info(p) if _is_byline(p) else (None, None)
            continue
        if _is_terminal(p):
            if have_story():
                resumes = _article_resumes(paras, i)
                if resumes is None:
                    skipping = True
                else:
                    resume_at = resumes
            continue
        if is_furniture(p):
            if cur.body or drafts:
                mentions = [] if _TEASER.match(p) else find_outlet_mentions(p)
                if mentions and not cur.footer_outlet:
                    cur.footer_outlet = mentions[0][0]
            continue
        if _is_byline(p):
            outlet, published = _byline_info(p)
            if not cur.body:
                cur.byline_outlet = cur.byline_outlet or outlet
                cur.published = cur.published or published
            elif _AUTHOR_LINE.match(p):  # "Author: ..." under the story closes it
                cur.closed = True
                cur.byline_outlet = cur.byline_outlet or outlet
            elif _BYLINE.match(p) and cur.body and _looks_like_headline(cur.body[-1]):
                # headline + byline after a story: the next story starts here
                title = cur.body.pop()
                drafts.append(cur)
                cur = _Draft(header=[title], byline_outlet=outlet, published=published)
            continue
        sig = _signature_line(p)
        if sig is not None:
            if cur.body and not cur.closed:
                cur.close(*sig)
            elif not cur.body and not cur.closed and not any(d.body for d in drafts):
                cur.header_outlet = cur.header_outlet or sig[0]
                cur.url = cur.url or sig[1]
            # else: a page-level source line after a story that already said where it came from
            continue
        if cur.closed:
            drafts.append(cur)
            cur = _Draft()
        if not cur.body and not _is_body(p):
            cur.header.append(p)
            leftovers.append(p)
            continue
        if not cur.body:
            who, when = _dateline_info(p)
            cur.dateline_outlet = who
            cur.published = cur.published or when
        trailing = _trailing_signature(p)
        if trailing is not None:
            p = trailing[0]
            cur.body.append(p)
            cur.close(trailing[1], trailing[2])
        else:
            cur.body.append(p)
    drafts.append(cur)

    stories: list[Story] = []
    for d in drafts:
        s = d.finish()
        if s is None:
            continue
        if stories and _n_words(s.text) < MIN_SPLIT_WORDS:
            continue
        stories.append(s)
    if not stories and any(_n_words(p) >= 3 for p in leftovers):
        # No prose paragraph anywhere (a one-line note, a headline-only row): keep the text as it is.
        d0 = drafts[0]
        stories.append(Story(text="\n\n".join(leftovers), outlet=d0.byline_outlet or d0.header_outlet,
                             url=d0.url, published=d0.published))
    return stories
