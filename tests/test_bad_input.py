"""Bad inputs become InputProblems naming the file (and line); the other inputs are still read; nothing raises."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from detector.ingest import read_inputs
from detector.models import InputProblem

GOOD = "The harbour master said on Monday that the new pier would open in the spring, a year late."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


def read_with_good(tmp_path: Path, bad: Path, **kw):
    """Read the bad input between two good files: the good ones must survive."""
    a = write(tmp_path / "good_a.txt", GOOD)
    b = write(tmp_path / "good_b.txt", GOOD.replace("spring", "autumn"))
    r = read_inputs([a, bad, b], **kw)
    assert [d.source for d in r.documents] == [str(a), str(b)]
    return r


def only_problem(r) -> InputProblem:
    (p,) = r.problems
    return p


def test_missing_path(tmp_path):
    r = read_with_good(tmp_path, tmp_path / "nope.txt")
    p = only_problem(r)
    assert p == InputProblem(str(tmp_path / "nope.txt"), "no such file or directory")
    assert str(p) == f"{tmp_path / 'nope.txt'}: no such file or directory"
    assert r.n_inputs == 3


def test_unsupported_extension(tmp_path):
    p = only_problem(read_with_good(tmp_path, write(tmp_path / "data.xyz", GOOD)))
    assert p.problem == "unsupported file type '.xyz' (use .txt, .html, .htm, .jsonl, .csv)"


def test_empty_file(tmp_path):
    p = only_problem(read_with_good(tmp_path, write(tmp_path / "empty.txt", b"")))
    assert p.problem == "empty file" and p.source.endswith("empty.txt")


@pytest.mark.parametrize("content", ["   \n\n\t  \n", "\ufeff\n"])
def test_whitespace_only(tmp_path, content):
    p = only_problem(read_with_good(tmp_path, write(tmp_path / "blank.txt", content)))
    assert p.problem == "no text"


def test_furniture_only(tmp_path):
    bad = write(tmp_path / "menu.txt", "Skip to content\nNews Feed\nSubscribe\n* indicates required\nRead more\n")
    p = only_problem(read_with_good(tmp_path, bad))
    assert p.problem.startswith("no text")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00",
        bytes(range(256)) * 4,
        b"\x01\x02\x03\x04\x05\x06\x07\x08 mostly control bytes \x0e\x0f\x10\x11\x12\x13\x14",
    ],
)
def test_binary_file(tmp_path, data):
    p = only_problem(read_with_good(tmp_path, write(tmp_path / "photo.txt", data)))
    assert p.problem == "binary file, not text"


def test_latin1_text_is_reported_not_mojibaked(tmp_path):
    bad = write(tmp_path / "latin1.txt", "The caf\u00e9 owner said the harbour was closed.".encode("latin-1"))
    p = only_problem(read_with_good(tmp_path, bad))
    assert p.problem == "not valid UTF-8 (byte 0xe9 on line 1, at offset 7); save it as UTF-8"
    bad = write(tmp_path / "latin1.txt", b"\xef\xbb\xbfThe pier.\nThe caf\xe9 closed.")  # after a BOM, on line 2
    p = only_problem(read_with_good(tmp_path, bad))
    assert p.problem == "not valid UTF-8 (byte 0xe9 on line 2, at offset 20); save it as UTF-8"


def test_utf8_bom_and_utf16_bom_are_fine(tmp_path):
    a = write(tmp_path / "bom8.txt", b"\xef\xbb\xbf" + GOOD.encode())
    b = write(tmp_path / "bom16.txt", GOOD.replace("pier", "quay").encode("utf-16"))
    c = write(tmp_path / "be16.txt", b"\xfe\xff" + GOOD.replace("pier", "dock").encode("utf-16-be"))
    r = read_inputs([a, b, c])
    assert r.problems == []
    assert [d.text for d in r.documents] == [GOOD, GOOD.replace("pier", "quay"), GOOD.replace("pier", "dock")]


def test_html_declared_charset_is_honoured(tmp_path):
    html = ("<html><head><meta charset=\"iso-8859-1\"><title>Caf\u00e9 closes</title></head><body><article>"
            "<p>The caf\u00e9 on the quay closed on Monday after forty years, its owner said, blaming the rent "
            "rise that the council approved last year.</p><p>Regulars said they would miss the place.</p>"
            "</article></body></html>").encode("latin-1")
    r = read_inputs([write(tmp_path / "cafe.html", html)])
    assert r.problems == []
    assert "caf\u00e9 on the quay" in r.documents[0].text


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Broken",
        "<html><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav></body></html>",
        "<<<>>>",
        "<",
    ],
)
def test_truncated_or_empty_html(tmp_path, html):
    p = only_problem(read_with_good(tmp_path, write(tmp_path / "broken.html", html)))
    assert p.problem.startswith("no article text found in the HTML") or p.problem.startswith("no text")


def test_file_over_size_limit(tmp_path):
    big = write(tmp_path / "big.txt", GOOD * 2)
    os.truncate(big, 25_300_000)  # sparse: cheap to make
    p = only_problem(read_with_good(tmp_path, big))
    assert p.problem == "file is 25.3 MB, over the 20 MB limit for one page (--max-page-mb)"


def test_custom_size_limit(tmp_path):
    big = write(tmp_path / "big.txt", GOOD * 30)
    p = only_problem(read_with_good(tmp_path, big, max_bytes=1_500))
    assert p.problem == "file is 0.0 MB, over the 0.0015 MB limit for one page (--max-page-mb)"


def _feed_records(n: int) -> list[dict]:
    """n short news records from distinct outlets, each under 300 bytes."""
    return [{"id": f"r{i}", "outlet": f"Coast Courier {i}",
             "text": f"The ferry operator said on day {i} that crossing number {i} would leave at dawn."}
            for i in range(n)]


@pytest.mark.parametrize("crlf", [False, True])
def test_jsonl_and_csv_feeds_over_the_page_limit_are_read_record_by_record(tmp_path, crlf):
    records = _feed_records(60)
    end = "\r\n" if crlf else "\n"
    jsonl = write(tmp_path / "feed.jsonl", end.join(json.dumps(r) for r in records) + end)
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, ["id", "outlet", "text"], lineterminator=end)
    w.writeheader()
    w.writerows(records)
    csv_path = write(tmp_path / "feed.csv", buf.getvalue())
    assert min(jsonl.stat().st_size, csv_path.stat().st_size) > 5_000
    for path in (jsonl, csv_path):
        r = read_inputs([path], max_bytes=1_000)  # each record is a page; the feed is not
        assert r.problems == []
        assert [d.ref for d in r.documents] == [x["id"] for x in records] and r.n_inputs == 60
        assert r.documents[-1].text == records[-1]["text"] and r.documents[-1].outlet == "Coast Courier 59"
    data = jsonl.read_bytes()  # the same on stdin
    r = read_inputs(["-"], stdin=io.BytesIO(data), max_bytes=1_000)
    assert r.problems == [] and len(r.documents) == 60


def test_a_feed_record_over_the_page_limit_is_skipped_naming_its_line(tmp_path):
    records = _feed_records(3)
    records[1]["text"] = "The ferry operator said the pier was long. " * 3_100  # over 131,072: csv's own floor
    path = write(tmp_path / "feed.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    r = read_inputs([path], max_bytes=1_000)
    assert r.problems == [InputProblem(str(path), "line is over the 0.001 MB limit for one record (--max-page-mb); "
                                                  "skipped", 2)]
    assert [d.ref for d in r.documents] == ["r0", "r2"] and r.n_inputs == 3
    # a CSV field over the limit costs its row only
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, ["id", "outlet", "text"])
    w.writeheader()
    w.writerows(records)
    path = write(tmp_path / "feed.csv", buf.getvalue())
    r = read_inputs([path], max_bytes=1_000)
    assert [d.ref for d in r.documents] == ["r0", "r2"] and r.n_inputs == 3
    assert r.problems == [InputProblem(str(path), "a field of this row is over the 0.001 MB limit for one record "
                                                  "(--max-page-mb); row skipped", 3)]


def test_a_csv_field_is_read_up_to_the_page_limit_and_a_longer_one_skips_its_row(tmp_path):
    story = "The harbour board said the new quay would open in spring. "
    rows = [["r0", "Quay Times", story], ["r1", "Quay Times", "\n".join([story * 40] * 70)],  # 70 lines, 165,000 chars
            ["r2", "Dock Daily", story * 3_000], ["r3", "Pier Post", story * 20], ["r4", "Pier Post", story * 2]]
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([["id", "outlet", "text"], *rows])
    path = write(tmp_path / "feed.csv", buf.getvalue())
    limit = csv.field_size_limit()
    # fields longer than the csv module's own 131,072 characters are read whole under the default page limit
    r = read_inputs([path])
    assert r.problems == [] and [d.ref for d in r.documents] == ["r0", "r1", "r2", "r3", "r4"]
    # under a 0.15 MB limit: r1's field spans 70 lines, r2's one; each costs its row, named by its first line
    r = read_inputs([path], max_bytes=150_000)
    assert [d.ref for d in r.documents] == ["r0", "r3", "r4"] and r.n_inputs == 5
    assert [(p.source, p.line) for p in r.problems] == [(str(path), 3), (str(path), 73)]
    assert all(p.problem.startswith("a field of this row is over the 0.15 MB limit") for p in r.problems)
    # the limit holds below the csv module's default too: a 1,160-character field is over a 1,000-byte page
    r = read_inputs([path], max_bytes=1_000)
    assert [d.ref for d in r.documents] == ["r0", "r4"] and [p.line for p in r.problems] == [3, 73, 74]
    assert csv.field_size_limit() == limit  # the process-wide setting is put back


def test_stdin_over_limit_and_binary():
    r = read_inputs(["-"], stdin=io.BytesIO(b"a" * 101), max_bytes=100)
    assert [p.source for p in r.problems] == ["<stdin>"] and "over the" in r.problems[0].problem
    r = read_inputs(["-"], stdin=io.BytesIO(b"\x00\x01\x02binary"))
    assert r.problems == [InputProblem("<stdin>", "binary file, not text")]
    r = read_inputs(["-"], stdin=io.BytesIO(b""))
    assert r.problems == [InputProblem("<stdin>", "empty file")]


def test_malformed_jsonl_lines_reported_good_lines_kept(tmp_path):
    lines = [
        json.dumps({"text": GOOD, "outlet": "Reuters"}),  # 1 good
        '{"text": "unterminated',  # 2 bad JSON
        "[1, 2, 3]",  # 3 not an object
        json.dumps({"title": "No body here"}),  # 4 no text/html
        json.dumps({"text": 42}),  # 5 wrong type
        json.dumps({"text": 42}),  # 6 wrong type
        "",  # 7 blank: skipped silently
        json.dumps({"text": "   "}),  # 8 empty text
        json.dumps({"html": "<html><body></body></html>"}),  # 9 html with no article
        json.dumps({"text": GOOD.replace("spring", "summer"), "outlet": None}),  # 10 good (null is fine)
        "null",  # 11 not an object
    ]
    path = write(tmp_path / "rows.jsonl", "\n".join(lines) + "\n")
    r = read_inputs([path])
    assert [d.source for d in r.documents] == [f"{path}:1", f"{path}:10"]
    got = {p.line: p.problem for p in r.problems}
    assert all(p.source == str(path) for p in r.problems)
    assert sorted(got) == [2, 3, 4, 5, 6, 8, 9, 11]
    assert got[2].startswith("invalid JSON (Unterminated string")
    assert got[3] == "expected a JSON object, got an array"
    assert got[4] == "no 'text' or 'html' field"
    assert got[5] == "field 'text' must be a string, got int"
    assert got[6] == "field 'text' must be a string, got int"
    assert got[8] == "no text"
    assert got[9].startswith("no article text found in the HTML")
    assert got[11] == "expected a JSON object, got null"
    assert r.n_inputs == 10


def test_csv_without_text_column(tmp_path):
    bad = write(tmp_path / "rows.csv", "outlet,body\nReuters,The pier opens in spring.\n")
    p = only_problem(read_with_good(tmp_path, bad))
    assert p.line is None
    assert p.problem == "no 'text' or 'html' column in the CSV header (found: outlet, body)"


def test_csv_rows_without_text_and_with_extra_fields(tmp_path):
    content = (
        "outlet,text\n"
        f'Reuters,"{GOOD}"\n'  # 2 good
        "BBC,\n"  # 3 no text
        '"CNN","The ferry ran late","extra"\n'  # 4 too many fields
        "\n"  # 5 blank: skipped
        f'"Meduza","{GOOD.replace("spring", "winter")}"\n'  # 6 good
    )
    path = write(tmp_path / "rows.csv", content)
    r = read_inputs([path])
    assert [d.source for d in r.documents] == [f"{path}:2", f"{path}:6"]
    assert [(p.line, p.problem) for p in r.problems] == [(3, "no text"), (4, "row has 3 fields, the header has 2")]


def test_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    r = read_inputs([tmp_path / "empty"])
    assert r.documents == []
    assert [p.problem for p in r.problems] == ["no .txt, .html, .htm, .jsonl or .csv files in this directory"]


def test_unreadable_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    bad = write(tmp_path / "locked.txt", GOOD)
    bad.chmod(0)
    p = only_problem(read_with_good(tmp_path, bad))
    assert p.problem.startswith("cannot read the file")


def test_many_bad_inputs_at_once_never_raise(tmp_path):
    inputs = [
        write(tmp_path / "a.txt", b"\x00\x00"),
        write(tmp_path / "b.jsonl", "{nope\n"),
        write(tmp_path / "c.csv", ""),
        write(tmp_path / "d.html", "<p"),
        tmp_path / "missing.csv",
        write(tmp_path / "e.txt", "\xff\xfe".encode("latin-1") + b"\x00"),
        write(tmp_path / "f.doc", GOOD),
    ]
    r = read_inputs(inputs)
    assert r.documents == []
    assert len(r.problems) == len(inputs)
    assert [Path(p.source).name for p in r.problems] == [Path(i).name for i in inputs]


def test_csv_header_only(tmp_path):
    p = only_problem(read_with_good(tmp_path, write(tmp_path / "rows.csv", "outlet,text\n\n")))
    assert p.problem == "no rows under the CSV header"


def test_fifo_is_not_read(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    p = only_problem(read_with_good(tmp_path, fifo))
    assert p.problem == "not a regular file"


def test_jsonl_bad_byte_rejects_its_line_only(tmp_path):
    good = json.dumps({"text": GOOD}).encode()
    bad = json.dumps({"text": "The caf\u00e9 closed."}, ensure_ascii=False).encode("latin-1")  # é as one Latin-1 byte
    path = write(tmp_path / "rows.jsonl", b"\n".join([good, bad, good.replace(b"spring", b"autumn")]) + b"\n")
    r = read_inputs([path])
    assert [d.source for d in r.documents] == [f"{path}:1", f"{path}:3"]
    message = "not valid UTF-8 (byte 0xe9 at column 18); save the file as UTF-8"
    assert r.problems == [InputProblem(str(path), message, 2)]
    r = read_inputs(["-"], stdin=io.BytesIO(path.read_bytes()))  # the same on stdin
    assert [d.source for d in r.documents] == ["<stdin>:1", "<stdin>:3"] and [p.line for p in r.problems] == [2]


def test_jsonl_bad_byte_after_a_byte_order_mark_rejects_its_line_only(tmp_path):
    good = json.dumps({"text": GOOD}).encode()
    bad = json.dumps({"text": "The caf\u00e9 closed."}, ensure_ascii=False).encode("latin-1")
    path = write(tmp_path / "rows.jsonl", b"\xef\xbb\xbf" + b"\n".join([good, bad, good.replace(b"spring", b"autumn")]))
    r = read_inputs([path])
    assert [d.source for d in r.documents] == [f"{path}:1", f"{path}:3"]
    message = "not valid UTF-8 (byte 0xe9 at column 18); save the file as UTF-8"
    assert r.problems == [InputProblem(str(path), message, 2)]


def test_csv_bad_byte_rejects_its_row_only(tmp_path):
    data = ("id,text\n"
            f'1,"{GOOD}"\n'
            '2,"The caf\u00e9 owner said the quay\nwould close."\n'  # a cp1252 byte inside a two-line field
            f'3,"{GOOD.replace("spring", "autumn")}"\n').encode("cp1252")
    path = write(tmp_path / "rows.csv", data)
    for r, name in ((read_inputs([path]), str(path)), (read_inputs(["-"], stdin=io.BytesIO(data)), "<stdin>")):
        assert [d.ref for d in r.documents] == ["1", "3"]
        message = "not valid UTF-8 (byte 0xe9 in the 'text' field); save the file as UTF-8"
        assert r.problems == [InputProblem(name, message, 3)]


def test_jsonl_lines_end_at_newline_only(tmp_path):
    # U+2028, U+2029 and U+0085 may stand unescaped inside a JSON string; CRLF line ends are fine.
    rows = [{"text": "The ferry was late.\u2028It left at noon."},
            {"text": "The pier\u0085opens in May.\u2029Fares rise."}]
    path = write(tmp_path / "rows.jsonl", "\r\n".join(json.dumps(x, ensure_ascii=False) for x in rows) + "\r\n")
    r = read_inputs([path])
    assert r.problems == []
    assert [d.text for d in r.documents] == ["The ferry was late.\n\nIt left at noon.",
                                             "The pier opens in May.\n\nFares rise."]


def test_jsonl_line_nested_too_deeply(tmp_path):
    path = write(tmp_path / "rows.jsonl", "[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"text": GOOD}) + "\n")
    r = read_inputs([path])
    assert [d.source for d in r.documents] == [f"{path}:2"]
    assert r.problems == [InputProblem(str(path), "invalid JSON (nested too deeply)", 1)]


def test_numeric_id_and_published_are_read(tmp_path):
    rows = [
        {"id": 42, "text": GOOD, "published": 1714608000},  # Unix seconds: 2024-05-02 UTC
        {"id": 43, "text": GOOD.replace("spring", "autumn"), "published": 1714608000000},  # milliseconds
        {"id": 44.0, "text": GOOD.replace("spring", "summer"), "published": 20240314},  # YYYYMMDD
        {"id": "a7", "text": GOOD.replace("spring", "winter"), "published": 12},  # neither: row kept, date not
    ]
    path = write(tmp_path / "rows.jsonl", "\n".join(json.dumps(x) for x in rows) + "\n")
    r = read_inputs([path])
    assert [(d.ref, d.published) for d in r.documents] == [
        ("42", "2024-05-02"), ("43", "2024-05-02"), ("44", "2024-03-14"), ("a7", None)]
    assert r.problems == [InputProblem(
        str(path), "published 12 is neither a Unix time from 1990 on nor a YYYYMMDD date; left empty", 4)]


def test_unix_time_written_as_text_is_read_and_other_types_leave_published_empty(tmp_path):
    path = write(tmp_path / "rows.csv", (
        "published,text\n"
        f'1714608000,"{GOOD}"\n'  # Unix seconds, as CSV writes every value: text
        f'20240314,"{GOOD.replace("spring", "autumn")}"\n'
        f'12,"{GOOD.replace("spring", "summer")}"\n'
    ))
    r = read_inputs([path])
    assert [d.published for d in r.documents] == ["2024-05-02", "2024-03-14", None]
    assert r.problems == [InputProblem(
        str(path), "published 12 is neither a Unix time from 1990 on nor a YYYYMMDD date; left empty", 4)]
    rows = [{"text": GOOD, "published": True}, {"text": GOOD.replace("spring", "autumn"), "published": ["2024"]}]
    path = write(tmp_path / "rows.jsonl", "\n".join(json.dumps(x) for x in rows))
    r = read_inputs([path])
    assert [d.published for d in r.documents] == [None, None]  # the rows are kept
    assert r.problems == [
        InputProblem(str(path), "published must be a date or a Unix time, got true/false; left empty", 1),
        InputProblem(str(path), "published must be a date or a Unix time, got an array; left empty", 2)]


def test_relative_or_unreadable_published_is_left_empty_with_a_warning(tmp_path):
    path = write(tmp_path / "rows.csv", (
        "published,text\n"
        f'yesterday,"{GOOD}"\n'
        f'3 hours ago,"{GOOD.replace("spring", "autumn")}"\n'
        f'not a date,"{GOOD.replace("spring", "summer")}"\n'
        f'"March 5, 2024","{GOOD.replace("spring", "winter")}"\n'
    ))
    r = read_inputs([path])
    assert [d.published for d in r.documents] == [None, None, None, "2024-03-05"]
    note = "is not a date (relative dates such as 'yesterday' are not read); left empty"
    assert [str(p) for p in r.problems] == [f"{path}:2: published 'yesterday' {note}",
                                            f"{path}:3: published '3 hours ago' {note}",
                                            f"{path}:4: published 'not a date' {note}"]


def test_broken_link_and_link_loop_are_named_as_such(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    r = read_inputs([loop, dangling])
    message = "broken symbolic link (its target is missing, or it is a loop)"
    assert r.problems == [InputProblem(str(loop), message), InputProblem(str(dangling), message)]


def test_stdin_named_twice_is_read_once():
    r = read_inputs(["-", "-"], stdin=io.StringIO(GOOD))
    assert [d.source for d in r.documents] == ["<stdin>"]
    assert r.problems == [InputProblem("<stdin>", "stdin can be read only once; this '-' is skipped")]
