"""Pipeline stage 1: read pages from files, folders or stdin and turn them into clean ``Document`` records.

``read_inputs`` never raises for a bad input: an unreadable file, a malformed JSONL line or a CSV row without
text becomes an ``InputProblem`` naming the file (and line), and the other inputs carry on. Every reader ends in
``read_text_document``, which cleans scraped text and cuts it into stories (``detector.clean``).

Formats: ``.txt``; ``.html``/``.htm`` (trafilatura, with its metadata); ``.jsonl`` (one object per line with
``text`` or ``html`` and optional ``outlet``, ``url``, ``published``, ``title``, ``id``); ``.csv`` (the same
columns, header row); folders (recursive, sorted); ``-`` for stdin (JSONL, HTML, CSV
or text: by its first character, or a first line that is a CSV header naming a ``text`` or ``html`` column).

Who published a story, first match wins: the ``outlet=`` override; the input's own metadata (``outlet`` field,
the HTML page's site name); the domain of its URL; signatures in the text (byline, "Author:" line, a dateline's
agency, known or in capitals: "OSLO (NTB) - ", a closing source line or all-caps outlet name, an author box or
footer naming the outlet). A story split off a page after the first keeps its own closing signature over the page's
URL, since aggregator pages relay other outlets.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import logging
import os
import re
import sys
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .clean import parse_date_value, split_stories
from .models import Document, InputProblem
from .outlets import canonical_outlet, outlet_from_url

__all__ = ["IngestResult", "read_inputs", "read_text_document", "SUPPORTED_EXTENSIONS", "MAX_PAGE_BYTES"]

log = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS = (".txt", ".html", ".htm", ".jsonl", ".csv")
STDIN_NAME = "<stdin>"
_FIELDS = ("text", "html", "outlet", "url", "published", "title", "id")
MAX_PAGE_BYTES = 20_000_000  # a page: an HTML or text file, or one JSONL line or CSV field (feeds have no limit)
_HEAD = 65_536  # bytes read first, to tell the kind of stdin and the encoding of a feed

# Problem messages, in one place so the CLI and the tests see the same wording.
NO_SUCH_FILE = "no such file or directory"
BROKEN_LINK = "broken symbolic link (its target is missing, or it is a loop)"
STDIN_TWICE = "stdin can be read only once; this '-' is skipped"
UNSUPPORTED = "unsupported file type '{ext}' (use .txt, .html, .htm, .jsonl, .csv)"
EMPTY_DIR = "no .txt, .html, .htm, .jsonl or .csv files in this directory"
TOO_BIG = "file is {size:.1f} MB, over the {limit:g} MB limit for one page (--max-page-mb)"
LINE_TOO_BIG = "line is over the {limit:g} MB limit for one record (--max-page-mb); skipped"
FIELD_TOO_BIG = "a field of this row is over the {limit:g} MB limit for one record (--max-page-mb); row skipped"
UNREADABLE = "cannot read the file ({reason})"
EMPTY = "empty file"
NO_TEXT = "no text"
NO_TEXT_FURNITURE = "no text (only page furniture: menus, forms, link lists)"
BINARY = "binary file, not text"
NOT_UTF8 = "not valid UTF-8 (byte 0x{byte:02x} on line {line}, at offset {offset}); save it as UTF-8"
BAD_HTML = "no article text found in the HTML (truncated, malformed or not an article page)"
BAD_JSON = "invalid JSON ({msg}, column {col})"
DEEP_JSON = "invalid JSON (nested too deeply)"
NOT_UTF8_LINE = "not valid UTF-8 (byte 0x{byte:02x} at column {col}); save the file as UTF-8"
NOT_UTF8_FIELD = "not valid UTF-8 (byte 0x{byte:02x} in the '{name}' field); save the file as UTF-8"
NOT_OBJECT = "expected a JSON object, got {kind}"
NO_TEXT_FIELD = "no 'text' or 'html' field"
WRONG_TYPE = "field '{name}' must be a string, got {kind}"
NO_TEXT_COLUMN = "no 'text' or 'html' column in the CSV header (found: {found})"
BAD_CSV = "malformed CSV ({msg})"
EXTRA_FIELDS = "row has {n} fields, the header has {m}"
UNCLOSED_QUOTE = "a quoted field opens on this line and never closes; read to the end of the line"
NO_ROWS = "no rows under the CSV header"
NOT_A_FILE = "not a regular file"
BAD_DATE = "published '{value}' is not a date (relative dates such as 'yesterday' are not read); left empty"
BAD_EPOCH = "published {value} is neither a Unix time from 1990 on nor a YYYYMMDD date; left empty"
BAD_DATE_TYPE = "published must be a date or a Unix time, got {kind}; left empty"
DUPLICATE = "same text as {first}; stored once, as that document ({outlet})"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What ``read_inputs`` made of its inputs."""

    documents: list[Document]  # in input order; a repeated document (same doc_id) is kept once
    problems: list[InputProblem]  # one per unusable file, line or row
    n_inputs: int  # files, rows and stdin streams looked at


class _Problem(Exception):
    """Internal: this input (or line) cannot be used, for the reason given."""

    def __init__(self, problem: str, line: int | None = None):
        super().__init__(problem)
        self.problem, self.line = problem, line


# -- public API ---------------------------------------------------------------------------------------------------

def read_inputs(
    inputs: Sequence[str | os.PathLike],
    *,
    outlet: str | None = None,
    stdin: typing.TextIO | typing.BinaryIO | None = None,
    max_bytes: int = MAX_PAGE_BYTES,
) -> IngestResult:
    """Read files, folders and ``-`` (stdin) into documents, collecting a problem for each bad input.

    ``outlet`` overrides the publisher of every document. ``max_bytes`` caps each page: an HTML or text file (or
    stdin), and each line of a JSONL feed and field of a CSV feed. Feeds are read record by record, so their own
    size has no limit.
    """
    reader = _Reader(outlet=outlet, stdin=stdin, max_bytes=max_bytes)
    for item in inputs:
        reader.read_input(item)
    return IngestResult(documents=reader.documents, problems=reader.problems, n_inputs=reader.n_inputs)


def read_text_document(
    text: str,
    *,
    source: str,
    outlet: str | None = None,
    url: str | None = None,
    published: str | None = None,
    title: str | None = None,
) -> list[Document]:
    """Clean scraped plain text and cut it into stories, one ``Document`` each (none if there is no text).

    The keyword arguments are what is known about the page from outside its text; they win over what the text
    says. Split stories get ``source#2``, ``source#3``...; ``published`` must be ISO (``YYYY-MM-DD``) or
    something dateparser reads.
    """
    return _documents(text, source=source, outlet=outlet, url=url, published=published, title=title)


# -- building documents ---------------------------------------------------------------------------------------------

def _documents(
    text: str,
    *,
    source: str,
    outlet: str | None = None,
    url: str | None = None,
    published: str | None = None,
    title: str | None = None,
    meta_outlet: str | None = None,
    ref: str | None = None,
) -> list[Document]:
    """``outlet`` is an override for every story; ``meta_outlet`` (site name) and ``url`` describe the page."""
    stories = split_stories(text)
    url = url.strip() if isinstance(url, str) and url.strip() else None
    page_published = parse_date_value(published) if published else None
    forced = _outlet_name(outlet)
    page_outlet = _outlet_name(meta_outlet) or outlet_from_url(url)
    title = " ".join(title.split()) if title and title.strip() else None
    ref = ref.strip() if ref and ref.strip() else None
    docs = []
    for i, story in enumerate(stories):
        first = i == 0
        if forced:
            who = forced
        elif first:
            who = page_outlet or story.outlet
        else:  # a later story on an aggregator page: its own signature says whom it relays
            who = story.outlet or page_outlet
        docs.append(
            Document(
                doc_id=Document.make_id(story.text),
                text=story.text,
                source=source if first else f"{source}#{i + 1}",
                outlet=who,
                url=(url or story.url) if first else story.url,
                published=(page_published or story.published) if first else (story.published or page_published),
                title=(title or story.title) if first else story.title,
                ref=ref,
            )
        )
    return docs


def _outlet_name(name: str | None) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    name = " ".join(name.split())
    if re.fullmatch(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+/?", name, re.IGNORECASE):  # a site name that is a domain
        return outlet_from_url(name)
    return canonical_outlet(name) or name


def _html_documents(
    html: str,
    *,
    source: str,
    outlet: str | None,
    url: str | None = None,
    published: str | None = None,
    title: str | None = None,
    ref: str | None = None,
) -> list[Document]:
    """Extract the article from a page with trafilatura; ``url``/``published``/``title`` given by the caller win
    over the page's own metadata.

    The page's date comes from its markup only (meta tags, JSON-LD, ``<time>``, date elements, the URL):
    trafilatura's default extensive search also reads dates written in the article, and with ``original_date`` it
    takes the oldest, so "In 1998 the bridge was built" dated the page 1998-01-01. A date written in the text is
    read by ``split_stories`` where it is a byline or a dateline ("Published: 14 March 2024"), never from the body.
    """
    import trafilatura  # lxml and friends: only when there is HTML to read

    markup_dates = {"original_date": True, "extensive_search": False, "max_date": date.today().isoformat()}
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True, favor_precision=True,
            deduplicate=False, date_extraction_params=markup_dates,
        )
    except Exception as exc:  # lxml raises on some broken markup; that is the input's problem, not ours
        log.info("%s: trafilatura failed: %s", source, exc)
        doc = None
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise _Problem(BAD_HTML)
    if not (published and parse_date_value(published)):
        published = getattr(doc, "date", None) or _htmldate(html)
    docs = _documents(
        text,
        source=source,
        outlet=outlet,
        url=url if url and url.strip() else getattr(doc, "url", None),
        published=published,
        title=title if title and title.strip() else getattr(doc, "title", None),
        meta_outlet=getattr(doc, "sitename", None),
        ref=ref,
    )
    if not docs:
        raise _Problem(NO_TEXT_FURNITURE)
    return docs


def _htmldate(html: str) -> str | None:
    try:
        from htmldate import find_date

        return find_date(html, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # htmldate is best-effort; no date is a fine answer
        return None


# -- decoding -------------------------------------------------------------------------------------------------------

def _decode(data: bytes, *, lenient: bool = False) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16/32 with a BOM. Anything else is a ``_Problem``.

    ``lenient`` (JSONL and CSV, where a line or row is one record): bytes that are not UTF-8 become lone surrogates
    (``surrogateescape``) for the reader to report on their own line or row, instead of rejecting the whole file.
    """
    if not data:
        raise _Problem(EMPTY)
    bom = 0
    if data.startswith(codecs.BOM_UTF8):
        bom = len(codecs.BOM_UTF8)  # UTF-8 all the same: the checks below apply
    else:
        for mark, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
            if data.startswith(mark):
                try:
                    return data.decode(enc)
                except UnicodeDecodeError:
                    raise _Problem(BINARY) from None
    if b"\x00" in data[:65536] or _looks_binary(data[bom:]):
        raise _Problem(BINARY)
    try:
        return data[bom:].decode("utf-8", "surrogateescape" if lenient else "strict")
    except UnicodeDecodeError as exc:
        at = bom + exc.start
        raise _Problem(NOT_UTF8.format(byte=data[at], line=data.count(b"\n", 0, at) + 1, offset=at)) from None


def _peek_text(head: bytes) -> str:
    """The first bytes of an input as text, to tell its kind (the last character may be cut)."""
    for mark, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(mark):
            return head.decode(enc, "ignore")
    return head.decode("utf-8", "replace").lstrip("\ufeff")


class _Joined(io.RawIOBase):
    """``head`` (bytes already read), then the rest of ``stream``, as one binary stream."""

    def __init__(self, head: bytes, stream: typing.BinaryIO):
        self._head, self._stream = memoryview(head), stream

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._stream.read(len(b))
        b[: len(data)] = data
        return len(data)


def _open_text(head: bytes, stream: typing.BinaryIO, *, newline: str) -> typing.TextIO:
    """A feed as text, decoded as it is read, by the rules of ``_decode`` (lenient) judged on its first bytes."""
    if not head:
        raise _Problem(EMPTY)
    for mark, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(mark):
            return io.TextIOWrapper(io.BufferedReader(_Joined(head, stream)), encoding=enc, newline=newline)
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    if b"\x00" in head or _looks_binary(head[bom:]):
        raise _Problem(BINARY)
    return io.TextIOWrapper(io.BufferedReader(_Joined(head, stream)), encoding="utf-8-sig",
                            errors="surrogateescape", newline=newline)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(2, len(head) // 100)


_LONE_SURROGATE = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8, kept by surrogateescape


def _escaped_byte(m: re.Match) -> int:
    """The byte a ``_LONE_SURROGATE`` match stands for."""
    return ord(m.group()) - 0xDC00

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _decode_html(data: bytes) -> str:
    """HTML may declare its encoding (``<meta charset=...>``); honour it when the bytes are not UTF-8."""
    try:
        return _decode(data)
    except _Problem as p:
        if not p.problem.startswith("not valid UTF-8"):
            raise
        m = _META_CHARSET.search(data[:4096])
        if m:
            try:
                return data.decode(m.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        raise


# -- the reader ------------------------------------------------------------------------------------------------------

class _Reader:
    def __init__(self, *, outlet: str | None, stdin, max_bytes: int):
        self.outlet, self.stdin, self.max_bytes = outlet, stdin, max_bytes
        self.documents: list[Document] = []
        self.problems: list[InputProblem] = []
        self.n_inputs = 0
        self._seen: dict[str, Document] = {}
        self._stdin_read = False

    def problem(self, source: str, problem: str, line: int | None = None) -> None:
        log.info("%s%s: %s", source, f":{line}" if line is not None else "", problem)
        self.problems.append(InputProblem(source=source, problem=problem, line=line))

    def add(self, docs: list[Document]) -> None:
        for d in docs:
            first = self._seen.get(d.doc_id)
            if first is None:
                self._seen[d.doc_id] = d
                self.documents.append(d)
            elif d.source != first.source:
                # The id is a hash of the text, so a syndicated copy is one document: say so, and under whom.
                self.problem(d.source, DUPLICATE.format(first=first.source, outlet=first.outlet or "no outlet"))

    def read_input(self, item: str | os.PathLike) -> None:
        if str(item) == "-":
            self.read_stdin()
            return
        path = Path(item)
        name = str(item)
        try:
            if path.is_dir():
                self.read_dir(path)
                return
            if not path.exists():
                self.n_inputs += 1
                self.problem(name, BROKEN_LINK if path.is_symlink() else NO_SUCH_FILE)
                return
        except OSError as exc:  # permission denied on a parent, name too long...
            self.n_inputs += 1
            self.problem(name, UNREADABLE.format(reason=exc.strerror or exc))
            return
        self.read_file(path, name)

    def read_dir(self, root: Path) -> None:
        files = sorted(
            (p for p in root.rglob("*") if p.suffix.lower() in SUPPORTED_EXTENSIONS and p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(root).parts)),
            key=lambda p: p.relative_to(root).as_posix(),
        )
        if not files:
            self.n_inputs += 1
            self.problem(str(root), EMPTY_DIR)
        for p in files:
            self.read_file(p, str(p))

    def read_file(self, path: Path, name: str) -> None:
        self.n_inputs += 1
        ext = path.suffix.lower()
        if ext not in SUPPORTED_EXTENSIONS:
            self.problem(name, UNSUPPORTED.format(ext=path.suffix or "(none)"))
            return
        try:
            if not path.is_file():  # a FIFO or device would block or never end
                self.problem(name, NOT_A_FILE)
                return
            if ext in (".jsonl", ".csv"):
                with path.open("rb") as f:
                    self.read_feed(f, name, ext[1:])
                return
            size = path.stat().st_size
            if size > self.max_bytes:
                self.problem(name, TOO_BIG.format(size=size / 1e6, limit=self.max_bytes / 1e6))
                return
            data = path.read_bytes()
        except OSError as exc:
            self.problem(name, UNREADABLE.format(reason=exc.strerror or exc))
            return
        self.read_bytes(data, name, kind="html" if ext in (".html", ".htm") else ext[1:])

    def read_feed(self, stream: typing.BinaryIO, name: str, kind: str, head: bytes = b"") -> None:
        """A JSONL or CSV feed, read line by line from ``head`` (bytes already read) and the rest of ``stream``."""
        head += stream.read(_HEAD - len(head))
        try:
            text = _open_text(head, stream, newline="\n" if kind == "jsonl" else "")
            self.read_records(text, name, kind)
        except _Problem as p:
            self.problem(name, p.problem)
        except UnicodeDecodeError:  # UTF-16/32 with a bad byte further on
            self.problem(name, BINARY)

    def read_records(self, text: typing.TextIO, name: str, kind: str) -> None:
        # A JSONL or CSV file counts as its rows, not as one more input.
        n_rows = self.read_jsonl(text, name) if kind == "jsonl" else self.read_csv(text, name)
        self.n_inputs += max(n_rows - 1, 0)

    def read_stdin(self) -> None:
        self.n_inputs += 1
        if self._stdin_read:
            self.problem(STDIN_NAME, STDIN_TWICE)
            return
        self._stdin_read = True
        stream = self.stdin if self.stdin is not None else getattr(sys.stdin, "buffer", sys.stdin)
        try:
            head = stream.read(_HEAD)
            if isinstance(head, str):  # a text stream (a program's own; the CLI passes bytes): read as one text
                self.read_stdin_text(head + stream.read())
                return
            peek = _peek_text(head)
            first = peek.lstrip("\ufeff \t\r\n")[:1]
            if first == "{" or (first != "<" and _is_csv_header(peek)):
                self.read_feed(stream, STDIN_NAME, "jsonl" if first == "{" else "csv", head=head)
                return
            data = head + stream.read(self.max_bytes + 1 - len(head)) if len(head) <= self.max_bytes else head
        except (OSError, ValueError) as exc:
            self.problem(STDIN_NAME, UNREADABLE.format(reason=exc))
            return
        if len(data) > self.max_bytes:
            self.problem(STDIN_NAME, TOO_BIG.format(size=len(data) / 1e6, limit=self.max_bytes / 1e6))
            return
        try:
            text = _decode_html(data) if first == "<" else _decode(data)
        except _Problem as p:
            self.problem(STDIN_NAME, p.problem)
            return
        self.read_text(text, STDIN_NAME, "html" if first == "<" else "txt")

    def read_stdin_text(self, raw: str) -> None:
        if len(raw.encode("utf-8", "surrogatepass")) > self.max_bytes:
            self.problem(STDIN_NAME, TOO_BIG.format(size=(self.max_bytes + 1) / 1e6, limit=self.max_bytes / 1e6))
            return
        first = raw.lstrip("\ufeff \t\r\n")[:1]
        kind = "jsonl" if first == "{" else "html" if first == "<" else "csv" if _is_csv_header(raw) else "txt"
        self.read_text(raw, STDIN_NAME, kind)

    def read_bytes(self, data: bytes, name: str, kind: str) -> None:
        try:
            text = _decode_html(data) if kind == "html" else _decode(data, lenient=kind in ("jsonl", "csv"))
        except _Problem as p:
            self.problem(name, p.problem)
            return
        self.read_text(text, name, kind)

    def read_text(self, text: str, name: str, kind: str) -> None:
        text = text.lstrip("\ufeff")
        if not text.strip():
            self.problem(name, NO_TEXT)
            return
        if kind == "txt" and re.match(r"\s*<(?:!doctype html|html[\s>])", text[:512], re.IGNORECASE):
            kind = "html"  # a saved web page with a .txt name
        if kind in ("jsonl", "csv"):
            self.read_records(io.StringIO(text, newline="\n" if kind == "jsonl" else ""), name, kind)
            return
        try:
            if kind == "html":
                docs = _html_documents(text, source=name, outlet=self.outlet)
            else:
                docs = _documents(text, source=name, outlet=self.outlet)
                if not docs:
                    raise _Problem(NO_TEXT_FURNITURE)
        except _Problem as p:
            self.problem(name, p.problem)
            return
        self.add(docs)

    # -- rows ----------------------------------------------------------------------------------------------------
    def read_row(self, row: dict, name: str, line: int) -> None:
        """One JSONL object or CSV row (already a dict of fields)."""
        row = dict(row)
        ref = row.get("id")
        if isinstance(ref, int | float) and not isinstance(ref, bool):  # a numeric record id: 42
            row["id"] = str(int(ref)) if float(ref).is_integer() else str(ref)
        published = row.get("published")
        number = published
        if isinstance(published, str) and re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", published):
            number = float(published)  # a Unix time or YYYYMMDD written as text, as CSV has it
        if isinstance(number, int | float) and not isinstance(number, bool):
            row["published"] = _epoch_date(number)
            if row["published"] is None:
                value = published.strip() if isinstance(published, str) else published
                self.problem(name, BAD_EPOCH.format(value=value), line)
        elif isinstance(published, str) and published.strip() and not parse_date_value(published):
            self.problem(name, BAD_DATE.format(value=" ".join(published.split())[:80]), line)
            row["published"] = None
        elif published is not None and not isinstance(published, str):  # true, a list, an object
            self.problem(name, BAD_DATE_TYPE.format(kind=_json_kind(published)), line)
            row["published"] = None
        for f in _FIELDS:
            v = row.get(f)
            if v is not None and not isinstance(v, str):
                raise _Problem(WRONG_TYPE.format(name=f, kind=type(v).__name__), line)
        text, html = row.get("text"), row.get("html")
        if text is None and html is None:
            raise _Problem(NO_TEXT_FIELD, line)
        source = f"{name}:{line}"
        outlet = self.outlet or row.get("outlet")
        meta = dict(url=row.get("url"), published=row.get("published"), title=row.get("title"), ref=row.get("id"))
        if text is not None and text.strip():
            docs = _documents(text, source=source, outlet=outlet, **meta)
            if not docs:
                raise _Problem(NO_TEXT_FURNITURE, line)
        elif html is not None and html.strip():
            try:
                docs = _html_documents(html, source=source, outlet=outlet, **meta)
            except _Problem as p:
                raise _Problem(p.problem, line) from None
        else:
            raise _Problem(NO_TEXT, line)
        self.add(docs)

    def read_jsonl(self, text: typing.TextIO, name: str) -> int:
        """The objects of a JSONL text opened with ``newline="\\n"``: lines end at \\n only (U+2028, U+2029 and
        U+0085 may stand unescaped inside a JSON string). A line over ``max_bytes`` characters is skipped."""
        n_rows = 0
        line_no = 0
        while line := text.readline(self.max_bytes + 1):
            line_no += 1
            if len(line) > self.max_bytes and not line.endswith("\n"):
                n_rows += 1
                self.problem(name, LINE_TOO_BIG.format(limit=self.max_bytes / 1e6), line_no)
                while (rest := text.readline(self.max_bytes)) and not rest.endswith("\n"):
                    pass
                continue
            line = line.removesuffix("\n").removesuffix("\r")
            if not line.strip():
                continue
            n_rows += 1
            try:
                bad = _LONE_SURROGATE.search(line)
                if bad:
                    raise _Problem(NOT_UTF8_LINE.format(byte=_escaped_byte(bad), col=bad.start() + 1), line_no)
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise _Problem(BAD_JSON.format(msg=exc.msg, col=exc.colno), line_no) from None
                except RecursionError:  # '[[[[...' thousands deep: the parser gives up, the file carries on
                    raise _Problem(DEEP_JSON, line_no) from None
                if not isinstance(obj, dict):
                    raise _Problem(NOT_OBJECT.format(kind=_json_kind(obj)), line_no)
                self.read_row(obj, name, line_no)
            except _Problem as p:
                self.problem(name, p.problem, p.line)
        if not n_rows:
            self.problem(name, NO_TEXT)
        return n_rows

    def read_csv(self, text: typing.TextIO, name: str) -> int:
        """The rows of a CSV text opened with ``newline=""``; a row with a field over ``max_bytes`` characters is
        skipped, and the rows after it are read."""
        # The csv module's field limit is one setting for the whole process (131,072 characters by default, too
        # small for a long article). Here a field may be as long as a page (--max-page-mb, counted in characters as
        # a JSONL line is), so the limit is that while this file is read, and what it was before afterwards.
        previous = csv.field_size_limit(self.max_bytes)
        try:
            return self._read_csv(text, name)
        finally:
            csv.field_size_limit(previous)

    def _read_csv(self, text: typing.TextIO, name: str) -> int:
        rows = self._csv_rows(text, name)
        try:
            _, header = next(rows)
            while header is None or not any(c.strip() for c in header):  # blank lines before the header
                _, header = next(rows)
        except StopIteration:
            self.problem(name, NO_TEXT)
            return 0
        columns = [h.strip().lstrip("\ufeff").lower() for h in header]
        bad = _LONE_SURROGATE.search(",".join(columns))
        if bad:
            self.problem(name, NOT_UTF8_LINE.format(byte=_escaped_byte(bad), col=bad.start() + 1), 1)
            return 0
        if "text" not in columns and "html" not in columns:
            self.problem(name, NO_TEXT_COLUMN.format(found=", ".join(c or "''" for c in columns) or "nothing"))
            return 0
        n_rows = 0
        for line_no, cells in rows:
            if cells is not None and not any(c.strip() for c in cells):
                continue
            n_rows += 1
            if cells is None:  # over the page limit, reported
                continue
            try:
                if len(cells) > len(columns):
                    raise _Problem(EXTRA_FIELDS.format(n=len(cells), m=len(columns)), line_no)
                row = {c: v for c, v in zip(columns, cells) if c in _FIELDS and v.strip()}
                for c, v in row.items():  # a byte that is not UTF-8 costs its row only
                    bad = _LONE_SURROGATE.search(v)
                    if bad:
                        raise _Problem(NOT_UTF8_FIELD.format(byte=_escaped_byte(bad), name=c), line_no)
                if not row.get("text") and not row.get("html"):
                    raise _Problem(NO_TEXT, line_no)
                self.read_row(row, name, line_no)
            except _Problem as p:
                self.problem(name, p.problem, p.line)
        if n_rows == 0:
            self.problem(name, NO_ROWS)
        return n_rows

    def _csv_rows(self, text: typing.TextIO, name: str) -> Iterator[tuple[int, list[str] | None]]:
        """The rows of a CSV file (header first) with the line each starts on; a quoted field may span lines.
        A row skipped (and reported) for a field over the limit comes as None.

        RFC 4180 quoting (``""`` inside a quoted field is one quote); the delimiter (comma, semicolon or tab) is
        sniffed from the header line. A quoted field that never closes would swallow the rest of the file: it is
        reported and read up to the end of its line, and reading resumes on the next. A row with a field over the
        csv module's field limit is reported and skipped up to the line where its quotes close. Any other row the csv
        module cannot read ends the file. Lines are read as the rows need them (``text`` opened with ``newline=""``).
        """
        first = text.readline()
        if not first:
            return
        delimiter = _csv_delimiter(first)
        lines = itertools.chain([first], text)  # physical lines, ends kept (\n, \r\n or \r)
        again: list[str] = []  # lines to read once more: those an unclosed quote swallowed
        row: list[str] = []  # the lines of the row being read

        def take() -> str | None:
            line = again.pop(0) if again else next(lines, None)
            if line is not None:
                row.append(line)
            return line

        def feed():
            while (line := take()) is not None:
                yield line

        start = 1  # the line the next row starts on
        while True:
            # One reader per stretch of the file: after a broken row, a fresh one starts on the next line.
            reader = csv.reader(feed(), delimiter=delimiter)
            while True:
                row.clear()
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    if sum(map(len, row)) <= csv.field_size_limit():
                        self.problem(name, BAD_CSV.format(msg=exc), start)
                        return
                    # a field over the limit: skip its row (to where its quotes close), read on with a fresh reader
                    quotes = sum(line.count('"') for line in row)
                    while quotes % 2 and (line := take()) is not None:
                        quotes += line.count('"')
                    self.problem(name, FIELD_TOO_BIG.format(limit=self.max_bytes / 1e6), start)
                    yield start, None
                    start += len(row)
                    break
                if len(row) > 1 and "".join(row).count('"') % 2:  # quotes come in pairs unless one never closes
                    self.problem(name, UNCLOSED_QUOTE, start)
                    cells = next(csv.reader([row[0].rstrip("\r\n") + '"'], delimiter=delimiter))
                    again[:0] = row[1:]
                    yield start, cells
                    start += 1
                    break
                yield start, cells
                start += len(row)


def _is_csv_header(text: str) -> bool:
    """Whether the first line of ``text`` is a CSV header naming a ``text`` or ``html`` column among others."""
    line = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].rstrip("\r")
    try:
        columns = [c.strip().lower() for c in next(csv.reader([line], delimiter=_csv_delimiter(line)))]
    except (csv.Error, StopIteration):
        return False
    # column names are single words; "Text, html and more" is a sentence
    return len(columns) >= 2 and bool({"text", "html"} & set(columns)) and all(len(c.split()) <= 1 for c in columns)


def _csv_delimiter(header: str) -> str:
    """The header line's delimiter: comma, semicolon or tab (comma when it names one column only)."""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _epoch_date(value: float) -> str | None:
    """A Unix time (seconds, or milliseconds when it is that large) as ``YYYY-MM-DD`` (UTC), or a date written as
    the number YYYYMMDD (20240314, which as seconds would be in 1970); None for anything else."""
    from datetime import UTC, datetime

    if float(value).is_integer() and 19900101 <= value <= 21001231:
        try:
            return date(int(value) // 10000, int(value) // 100 % 100, int(value) % 100).isoformat()
        except ValueError:
            return None

    seconds = value / 1000 if abs(value) >= 1e11 else value
    try:
        d = datetime.fromtimestamp(seconds, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None
    return d.isoformat() if 1990 <= d.year <= date.today().year + 1 else None


def _json_kind(v) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false",
            type(None): "null"}.get(type(v), type(v).__name__)
