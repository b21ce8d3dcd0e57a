"""Bad inputs through `crossclaim ingest`: each gets a message naming the file (and line) and the problem, the good
inputs beside it still land in the store, the exit status is non-zero only when nothing could be processed, and no
document is ever stored without its claims."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from detector.cli import cli
from detector.store import Database

GOOD = "The harbour board said on Tuesday that the new lighthouse would be switched on in October, a month late."
GOOD_2 = "Ferry operators told the council that the winter timetable would add two extra crossings on Sundays."
ROW_TEXT = "The museum trust said its new wing would open to visitors in the first week of September."


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


def ingest(db: Path, *paths) -> Result:
    return CliRunner().invoke(cli, ["ingest", *map(str, paths), "--db", str(db), "-q"], catch_exceptions=False)


def counts(db: Path) -> tuple[int, int]:
    with Database(db) as store:
        return store.count("documents"), store.count("claims")


def sources(db: Path) -> list[str]:
    with Database(db) as store:
        return sorted(d.source for d in store.documents())


def assert_every_document_has_its_claims(db: Path) -> None:
    """Each stored document holds exactly the claims the extractor gives it: nothing half-written."""
    from detector.claims import ClaimExtractor

    with Database(db) as store:
        docs = store.documents()
        ex = ClaimExtractor()
        for d in docs:
            expected = {c.claim_id for c in ex(d)}
            assert expected, f"test documents are written to yield claims: {d.source}"
            assert {c.claim_id for c in store.claims([d.doc_id])} == expected, d.source
        orphans = store.count("claims", "doc_id NOT IN (SELECT doc_id FROM documents)")
        assert orphans == 0


def _huge(path: Path) -> Path:
    write(path, GOOD + "\n")
    os.truncate(path, 21_000_000)  # sparse: cheap to make, over the 20 MB limit
    return path


# (file name, how to make it, the message after "warning: PATH: ")
BAD_FILES = [
    ("empty.txt", lambda p: write(p, b""), "empty file"),
    ("picture.txt", lambda p: write(p, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00"),
     "binary file, not text"),
    ("latin1.txt", lambda p: write(p, "Le conseil a décidé que le phare serait allumé en octobre.".encode("cp1252")),
     "not valid UTF-8 (byte 0xe9 on line 1, at offset 14); save it as UTF-8"),
    ("truncated.html", lambda p: write(p, "<html><head><title>Harbour news"),
     "no article text found in the HTML (truncated, malformed or not an article page)"),
    ("huge.txt", _huge, "file is 21.0 MB, over the 20 MB limit for one page (--max-page-mb)"),
    ("missing.txt", lambda p: p, "no such file or directory"),
]


@pytest.mark.parametrize("name, make, problem", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_alone_fails_with_a_message_naming_it(tmp_path, name, make, problem):
    bad = make(tmp_path / name)
    db = tmp_path / "s.db"
    r = ingest(db, bad)
    assert r.exit_code == 1
    assert r.stderr == (
        f"warning: {bad}: {problem}\n"
        "0 documents read (0 new, 0 claims stored), 1 problems\n"
        "Error: nothing could be processed\n"
    )
    assert r.stdout == ""
    assert counts(db) == (0, 0)


@pytest.mark.slow
@pytest.mark.parametrize("name, make, problem", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_beside_good_ones(tmp_path, name, make, problem):
    good_a = write(tmp_path / "a.txt", GOOD)
    bad = make(tmp_path / name)
    good_b = write(tmp_path / "b.txt", GOOD_2)
    db = tmp_path / "s.db"
    r = ingest(db, good_a, bad, good_b)
    assert r.exit_code == 0, r.output
    assert f"warning: {bad}: {problem}\n" in r.stderr
    assert r.stderr.endswith("2 documents read (2 new, 2 claims stored), 1 problems\n")
    assert sources(db) == sorted([str(good_a), str(good_b)])
    assert counts(db) == (2, 2)
    assert_every_document_has_its_claims(db)


@pytest.mark.slow
def test_malformed_jsonl_line_names_the_line(tmp_path):
    rows = write(tmp_path / "rows.jsonl", "\n".join([
        json.dumps({"text": ROW_TEXT, "outlet": "Reuters"}),
        '{"text": "The pier was closed, "outlet": ',
        json.dumps({"outlet": "BBC"}),
        json.dumps({"text": GOOD_2, "outlet": "BBC"}),
    ]) + "\n")
    db = tmp_path / "s.db"
    r = ingest(db, rows)
    assert r.exit_code == 0, r.output
    lines = r.stderr.splitlines()
    assert lines[0].startswith(f"warning: {rows}:2: invalid JSON (")
    assert lines[1] == f"warning: {rows}:3: no 'text' or 'html' field"
    assert lines[2] == "2 documents read (2 new, 2 claims stored), 2 problems"
    assert sources(db) == [f"{rows}:1", f"{rows}:4"]
    assert_every_document_has_its_claims(db)


def test_jsonl_message_reads_cleanly(tmp_path):
    rows = write(tmp_path / "rows.jsonl", '{"text": "never closed\n')
    r = ingest(tmp_path / "s.db", rows)
    assert " at at " not in r.stderr


@pytest.mark.slow
def test_malformed_csv_row_names_the_line(tmp_path):
    table = write(tmp_path / "rows.csv", "\n".join([
        "outlet,text",
        f'Reuters,"{ROW_TEXT}"',
        '"BBC","The ferry ran late","an extra field"',
        f'"CNN","{GOOD_2}"',
    ]) + "\n")
    db = tmp_path / "s.db"
    r = ingest(db, table)
    assert r.exit_code == 0, r.output
    assert r.stderr == (
        f"warning: {table}:3: row has 3 fields, the header has 2\n"
        "2 documents read (2 new, 2 claims stored), 1 problems\n"
    )
    assert sources(db) == [f"{table}:2", f"{table}:4"]
    assert_every_document_has_its_claims(db)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("rows.jsonl", '{"text": "broken\n', ":1: invalid JSON ("),
        ("rows.csv", 'outlet,text\n"BBC","The ferry ran late","extra"\n', ":2: row has 3 fields, the header has 2"),
    ],
)
def test_file_with_only_bad_rows_fails(tmp_path, name, content, message):
    path = write(tmp_path / name, content)
    db = tmp_path / "s.db"
    r = ingest(db, path)
    assert r.exit_code == 1
    assert r.stderr.startswith(f"warning: {path}{message}")
    assert r.stderr.endswith("Error: nothing could be processed\n")
    assert counts(db) == (0, 0)


def test_all_bad_inputs_together(tmp_path):
    bads = [make(tmp_path / name) for name, make, _ in BAD_FILES]
    db = tmp_path / "s.db"
    r = ingest(db, *bads)
    assert r.exit_code == 1
    for path, (_, _, problem) in zip(bads, BAD_FILES):
        assert f"warning: {path}: {problem}\n" in r.stderr
    assert f"{len(bads)} problems" in r.stderr and r.stderr.endswith("Error: nothing could be processed\n")
    assert counts(db) == (0, 0)


@pytest.mark.slow
def test_reingesting_is_a_no_op_and_still_succeeds(tmp_path):
    good = write(tmp_path / "a.txt", GOOD)
    db = tmp_path / "s.db"
    assert ingest(db, good).exit_code == 0
    r = ingest(db, good, tmp_path / "missing.txt")
    assert r.exit_code == 0  # the document was processed (already stored), so this is not a failure
    assert r.stderr.endswith("1 documents read (0 new, 0 claims stored), 1 problems\n")
    assert counts(db) == (1, 1)


@pytest.mark.slow
def test_failed_extraction_leaves_no_document_behind(tmp_path, monkeypatch):
    """A document whose claim extraction crashes is reported and left out; the others are stored whole."""
    from detector.claims import ClaimExtractor

    real = ClaimExtractor._claims

    def flaky(self, doc, parsed):
        if "EXPLODE" in doc.text:
            raise RuntimeError("parser fell over")
        return real(self, doc, parsed)

    monkeypatch.setattr(ClaimExtractor, "_claims", flaky)
    good_a = write(tmp_path / "a.txt", GOOD)
    bad = write(tmp_path / "b.txt", "The crane operator said the EXPLODE test would run on the quay next week.")
    good_c = write(tmp_path / "c.txt", GOOD_2)
    db = tmp_path / "s.db"
    r = ingest(db, good_a, bad, good_c)
    assert r.exit_code == 0, r.output
    assert f"warning: {bad}: claim extraction failed: parser fell over\n" in r.stderr
    assert r.stderr.endswith("3 documents read (2 new, 2 claims stored), 1 problems\n")
    assert sources(db) == sorted([str(good_a), str(good_c)])
    monkeypatch.setattr(ClaimExtractor, "_claims", real)
    assert_every_document_has_its_claims(db)
    # fixed, the same input is picked up on the next run
    r = ingest(db, good_a, bad, good_c)
    assert r.exit_code == 0 and counts(db) == (3, 3)


@pytest.mark.parametrize("command", ["ingest", "scan", "claims"])
def test_max_page_mb_sets_the_limit_of_one_page(tmp_path, command):
    page = write(tmp_path / "page.txt", GOOD + "\n" + GOOD_2 + "\n")
    args = [command, str(page), "--max-page-mb", "0.0001", *(["--db", str(tmp_path / "s.db")] * (command != "claims"))]
    r = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert r.exit_code == 1
    assert f"warning: {page}: file is 0.0 MB, over the 0.0001 MB limit for one page (--max-page-mb)\n" in r.stderr
    assert r.stderr.endswith("Error: nothing could be processed\n")
    r = CliRunner().invoke(cli, [command, str(page), "--max-page-mb", "0"])
    assert r.exit_code == 2 and "Invalid value for '--max-page-mb'" in r.stderr
