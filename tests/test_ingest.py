"""Reading every input format into Documents (detector.ingest)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from detector.ingest import IngestResult, read_inputs, read_text_document
from detector.models import Document

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

STORY = (
    "The port authority on Thursday rejected a report that its ferry contract had been cancelled.\n\n"
    "A spokesperson said the agreement remains in force until the end of 2026."
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


# -- plain text ------------------------------------------------------------------------------------------------------

def test_txt_file(tmp_path):
    p = write(tmp_path / "story.txt", "Ferry contract still in force, authority says\n\n" + STORY)
    r = read_inputs([p])
    assert isinstance(r, IngestResult)
    assert r.problems == [] and r.n_inputs == 1
    (d,) = r.documents
    assert d.source == str(p)
    assert d.title == "Ferry contract still in force, authority says"
    assert d.text == STORY
    assert d.doc_id == Document.make_id(STORY)
    assert d.outlet is None and d.published is None


def test_read_text_document_split_sources_and_metadata():
    text = (FIXTURES / "relay_page.txt").read_text("utf-8")
    docs = read_text_document(text, source="page.txt", url="https://www.reuters.com/markets/terminal-deal/",
                              published="2024-05-07T08:00:00Z", title="Firms to share terminal")
    assert [d.source for d in docs] == ["page.txt", "page.txt#2"]
    assert docs[0].url == "https://www.reuters.com/markets/terminal-deal/"
    assert docs[0].title == "Firms to share terminal"
    assert docs[0].published == "2024-05-07"
    assert docs[1].outlet == "Xinhua"  # a later story keeps its own signature over the page URL
    assert docs[1].url is None
    assert docs[1].published == "2024-05-07"  # the page's date, lacking its own


def test_published_keyword_is_normalized():
    (d,) = read_text_document(STORY, source="x", published="March 14, 2024")
    assert d.published == "2024-03-14"


# -- HTML -------------------------------------------------------------------------------------------------------------

def test_html_file_with_metadata():
    r = read_inputs([FIXTURES / "harbour_article.html"])
    assert r.problems == []
    (d,) = r.documents
    assert d.outlet == "Coastal Ledger"  # og:site_name
    assert d.url == "https://www.coastalledger.example/news/2024/03/ferry-contract"
    assert d.published == "2024-03-14"
    assert d.title == "Port authority denies ferry contract was cancelled"
    assert d.text.startswith("The regional port authority on Thursday")
    assert d.title not in d.text
    assert "Subscribe" not in d.text and "Privacy" not in d.text and "Copyright" not in d.text
    assert d.text.count("\n\n") == 3


def test_html_outlet_from_url_when_no_site_name(tmp_path):
    html = (
        "<html><head><title>Budget passes</title>"
        '<link rel="canonical" href="https://www.bbc.co.uk/news/budget-vote-2024">'
        '<meta name="date" content="2024-04-02"></head><body><article>'
        "<h1>Budget passes</h1><p>The assembly passed the budget on Tuesday by a wide margin, ending a week of "
        "talks between the parties about spending on schools and roads.</p><p>The finance minister said the "
        "vote showed broad support for the plan, and the opposition said it would keep pressing for tax cuts.</p>"
        "</article></body></html>"
    )
    (d,) = read_inputs([write(tmp_path / "page.htm", html)]).documents
    assert d.outlet == "BBC"
    assert d.published == "2024-04-02"
    assert "assembly passed the budget" in d.text


def test_a_date_in_the_article_body_is_not_the_page_date(tmp_path):
    body = (
        "<p>The footbridge over the canal, opened in 1987 and last repainted on June 9, 2004, will be shut from "
        "next month while engineers replace its rusted handrails and the worn deck boards.</p>"
        "<p>The council said walkers would be sent along the towpath to the next crossing, a detour of about ten "
        "minutes, and that the work would be finished before the autumn.</p>"
    )
    page = ("<html><head><title>Footbridge to shut</title></head><body><article><h1>Footbridge to shut</h1>{}"
            "</article></body></html>")
    (d,) = read_inputs([write(tmp_path / "page.html", page.format(body))]).documents
    assert "opened in 1987" in d.text
    assert d.published is None  # the years and dates in the story are events, not when it was published
    # a date line at the top of the story is the publication date
    (d,) = read_inputs([write(tmp_path / "dated.html", page.format("<p>Published: 2 May 2024</p>" + body))]).documents
    assert d.published == "2024-05-02"


# -- JSONL and CSV ----------------------------------------------------------------------------------------------------

def test_jsonl_rows(tmp_path):
    rows = [
        {"text": STORY, "outlet": "wsj", "url": "https://example.org/a", "published": "2024-03-14", "title": "T1",
         "id": "a1"},
        {"text": "Officials in the capital said the strike hit an empty warehouse and nobody was hurt."
                 "\n\nThe army said the drone came from the south.", "url": "https://www.cnn.com/2024/x"},
        {"html": (FIXTURES / "harbour_article.html").read_text("utf-8"), "published": "2024-03-15"},
    ]
    p = write(tmp_path / "rows.jsonl", "\n".join(json.dumps(r) for r in rows[:2]) + "\n\n" + json.dumps(rows[2]))
    r = read_inputs([p])
    assert r.problems == []
    assert r.n_inputs == 3
    a, b, c = r.documents
    assert a.source == f"{p}:1" and a.outlet == "The Wall Street Journal" and a.published == "2024-03-14"
    assert a.title == "T1" and a.url == "https://example.org/a"
    assert a.ref == "a1" and b.ref is None and c.ref is None  # the row's own id is kept for the desk's records
    assert b.source == f"{p}:2" and b.outlet == "CNN"
    assert c.source == f"{p}:4"  # line numbers count the blank line
    assert c.outlet == "Coastal Ledger" and c.published == "2024-03-15"  # the row's date beats the page's


def test_csv_rows(tmp_path):
    content = (
        "id,outlet,url,published,title,text\n"
        f'1,Reuters,,2024-03-14,Ferry,"{STORY}"\n'
        '2,,https://www.theguardian.com/world/x,14/03/2024,,"The mayor said the bridge reopens on Friday."\n'
    )
    p = write(tmp_path / "rows.csv", content)
    r = read_inputs([p])
    assert r.problems == []
    a, b = r.documents
    assert a.source == f"{p}:2" and a.outlet == "Reuters" and a.text == STORY and a.title == "Ferry"
    # The first row's quoted text spans lines, so the second row starts on line 5.
    assert b.source == f"{p}:5" and b.outlet == "The Guardian" and b.published == "2024-03-14"
    assert (a.ref, b.ref) == ("1", "2")
    assert r.n_inputs == 2


def test_csv_semicolon_delimited(tmp_path):
    p = write(tmp_path / "rows.csv", "outlet;text\nBBC;The council approved the plan on Monday.\n")
    (d,) = read_inputs([p]).documents
    assert d.outlet == "BBC" and d.text == "The council approved the plan on Monday."


def test_csv_doubled_quotes_are_one_quote(tmp_path):
    # RFC 4180: "" inside a quoted field is one quote, whatever the header line looks like.
    p = write(tmp_path / "rows.csv", 'outlet,text\nHarbour Post,"The board called it ""a dead end"" on Monday."\n')
    (d,) = read_inputs([p]).documents
    assert d.text == 'The board called it "a dead end" on Monday.'


def test_csv_quote_that_never_closes_is_reported_and_the_rows_after_it_read(tmp_path):
    p = write(tmp_path / "rows.csv", (
        "id,text\n"
        "a,The ferry left on time on Monday.\n"
        'b,"The pier will reopen in May, the council said.\n'
        "c,The harbour master said the crane was repaired.\n"
    ))
    r = read_inputs([p])
    assert [str(x) for x in r.problems] == [
        f"{p}:3: a quoted field opens on this line and never closes; read to the end of the line"]
    assert [(d.ref, d.text) for d in r.documents] == [
        ("a", "The ferry left on time on Monday."),
        ("b", "The pier will reopen in May, the council said."),
        ("c", "The harbour master said the crane was repaired."),
    ]
    assert r.documents[2].source == f"{p}:4"


# -- stdin -----------------------------------------------------------------------------------------------------------

def test_stdin_text():
    r = read_inputs(["-"], stdin=io.StringIO(STORY))
    (d,) = r.documents
    assert d.source == "<stdin>" and d.text == STORY and r.n_inputs == 1


def test_stdin_jsonl_bytes():
    data = (json.dumps({"text": STORY, "outlet": "Bloomberg"}) + "\n"
            + json.dumps({"text": "The mayor resigned."})).encode()
    r = read_inputs(["-"], stdin=io.BytesIO(b"\n  " + data))
    assert [d.source for d in r.documents] == ["<stdin>:2", "<stdin>:3"]
    assert r.documents[0].outlet == "Bloomberg"


def test_stdin_html():
    html = (FIXTURES / "harbour_article.html").read_bytes()
    (d,) = read_inputs(["-"], stdin=io.BytesIO(html)).documents
    assert d.outlet == "Coastal Ledger" and d.source == "<stdin>"


def test_stdin_csv_is_read_by_its_header():
    data = 'id;outlet;text\nr1;Harbour Post;"The pier opens in May; fares stay the same."\n'
    (d,) = read_inputs(["-"], stdin=io.BytesIO(data.encode())).documents
    assert (d.source, d.ref, d.outlet, d.text) == (
        "<stdin>:2", "r1", "Harbour Post", "The pier opens in May; fares stay the same.")
    prose = "Text, html and images were lost when the archive server failed, the library said on Monday."
    (d,) = read_inputs(["-"], stdin=io.StringIO(prose)).documents  # a sentence is no header
    assert d.source == "<stdin>" and d.text == prose


def test_stdin_utf16_with_bom():
    (d,) = read_inputs(["-"], stdin=io.BytesIO(STORY.encode("utf-16"))).documents
    assert d.text == STORY


# -- folders, order, duplicates --------------------------------------------------------------------------------------

def test_directory_recursive_sorted_and_filtered(tmp_path):
    root = tmp_path / "pages"
    write(root / "b" / "z.txt", (FIXTURES / "ledger_page.txt").read_text("utf-8"))
    write(root / "a.txt", STORY)
    write(root / "b" / "c" / "relay.TXT", (FIXTURES / "relay_page.txt").read_text("utf-8"))
    write(root / "notes.md", "# not an input")
    write(root / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root / ".hidden" / "x.txt", "Hidden folder text that should not be read at all, said nobody.")
    r = read_inputs([root])
    assert r.problems == []
    assert [Path(d.source).relative_to(root).as_posix() for d in r.documents] == [
        "a.txt", "b/c/relay.TXT", "b/c/relay.TXT#2", "b/z.txt",
    ]
    assert r.n_inputs == 3


def test_duplicates_dropped_in_input_order(tmp_path):
    a = write(tmp_path / "a.txt", STORY)
    b = write(tmp_path / "b.txt", "  " + STORY.replace("\n\n", "\n\n\n") + "\n")
    r = read_inputs([a, b, a])
    assert [d.source for d in r.documents] == [str(a)]
    assert r.n_inputs == 3
    # b is a copy of a under another name; a read twice is not a copy of itself
    assert [str(x) for x in r.problems] == [f"{b}: same text as {a}; stored once, as that document (no outlet)"]


# -- outlet precedence -----------------------------------------------------------------------------------------------

def test_outlet_override_beats_everything(tmp_path):
    rows = write(tmp_path / "r.jsonl", json.dumps({"text": STORY, "outlet": "CNN", "url": "https://www.bbc.com/x"}))
    r = read_inputs([rows, FIXTURES / "harbour_article.html", FIXTURES / "relay_page.txt"], outlet="Reuters")
    assert [d.outlet for d in r.documents] == ["Reuters"] * 4


def test_outlet_precedence_metadata_url_text(tmp_path):
    other = "The mayor said the new tram line opens in June, a month later than planned."
    p = write(tmp_path / "r.jsonl", "\n".join([
        json.dumps({"text": other.replace("June", "March") + "\n\nSource: https://www.zerohedge.com/",
                    "outlet": "Kyiv Post", "url": "https://www.bbc.com/news/x"}),
        json.dumps({"text": other + "\n\nSource: https://www.zerohedge.com/", "url": "https://www.bbc.com/news/x"}),
        json.dumps({"text": STORY + "\n\nSource: https://www.zerohedge.com/"}),
        json.dumps({"text": "by Meduza staff\n\n" + other.replace("June", "July")}),
        json.dumps({"text": other.replace("June", "May"), "outlet": "Some Local Paper"}),
    ]))
    docs = read_inputs([p]).documents
    assert [d.outlet for d in docs] == ["Kyiv Post", "BBC", "ZeroHedge", "Meduza", "Some Local Paper"]


def test_a_dateline_agency_the_outlet_list_does_not_know_is_the_pages_outlet(tmp_path):
    p = write(tmp_path / "wire.txt", "OSLO (NTB) - The harbour board said on Friday that the ferry would run again.")
    r = read_inputs([p])
    (d,) = r.documents
    assert d.outlet == "NTB" and r.problems == []
    # a page that names its outlet keeps it
    (d,) = read_text_document("OSLO (NTB) - The ferry will run again.", source="x", url="https://www.bbc.com/n/1")
    assert d.outlet == "BBC"


def test_unknown_domain_gives_bare_domain(tmp_path):
    p = write(tmp_path / "r.jsonl", json.dumps({"text": STORY, "url": "https://news.example.org/a/b"}))
    (d,) = read_inputs([p]).documents
    assert d.outlet == "news.example.org"


def test_html_saved_as_txt_is_read_as_html(tmp_path):
    html = (FIXTURES / "harbour_article.html").read_text("utf-8")
    (d,) = read_inputs([write(tmp_path / "saved.txt", "\n" + html)]).documents
    assert d.outlet == "Coastal Ledger" and "<p>" not in d.text and d.text.startswith("The regional port")


# -- the same text twice -----------------------------------------------------------------------------------------------

def test_syndicated_copy_is_stored_once_with_a_warning(tmp_path):
    rows = [{"id": "s1", "outlet": "Harbour Post", "text": STORY},
            {"id": "s2", "outlet": "Coastal Ledger", "text": STORY}]
    p = write(tmp_path / "rows.jsonl", "\n".join(json.dumps(x) for x in rows) + "\n")
    r = read_inputs([p])
    (d,) = r.documents
    assert (d.outlet, d.ref) == ("Harbour Post", "s1")
    assert [str(x) for x in r.problems] == [f"{p}:2: same text as {p}:1; stored once, as that document (Harbour Post)"]


def test_reingest_under_another_outlet_says_the_stored_one_is_kept(tmp_path, fresh_db, extractor):
    from detector.pipeline import ingest

    p = write(tmp_path / "story.txt", STORY)
    assert ingest([p], fresh_db, outlet="Harbour Post", extractor=extractor).problems == []
    rep = ingest([p], fresh_db, outlet="Coastal Ledger", extractor=extractor)
    assert rep.n_new == 0
    assert [str(x) for x in rep.problems] == [
        f"{p}: already stored from {p} under Harbour Post; kept as it is (outlet Coastal Ledger not applied)"]
    assert ingest([p], fresh_db, outlet="Harbour Post", extractor=extractor).problems == []


def test_ambiguous_outlet_name_is_kept_as_given(tmp_path):
    # "The Times" is London's or New York's: given explicitly, it stays as given, wherever it is given.
    rows = write(tmp_path / "rows.csv", f'outlet,text\nThe Times,"{STORY}"\nNYT,The mayor said the pier reopens.\n')
    page = write(tmp_path / "page.html", (
        '<html><head><meta property="og:site_name" content="The Times"></head><body><article><p>The harbour '
        "master said on Monday that the new pier would open in the spring, a year later than planned.</p><p>The "
        "council said the delay had cost 2 million pounds.</p></article></body></html>"))
    story = write(tmp_path / "story.txt", "The mayor said the ferry would run again in June.")
    r = read_inputs([rows, page])
    assert [d.outlet for d in r.documents] == ["The Times", "The New York Times", "The Times"]
    (d,) = read_inputs([story], outlet="The Times").documents
    assert d.outlet == "The Times"
