"""Page clean-up and story splitting (detector.clean), on our own fixtures and on the real seed pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector.clean import find_date, is_furniture, normalize_text, parse_date_value, split_stories
from detector.ingest import read_text_document

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"

FORBIDDEN = [
    "Subscribe", "indicates required", "Skip to content", "Read more", "Show More", "Featured", "Newsletters",
    "Most popular", "Editors' Picks", "Support independent journalism", "AI assistance", "Pokrovsk", "Olenivka",
]


def seed(prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed pages not found at {SEEDS} (they live outside the repo, in ../shared/seeds)")
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"no seed page {prefix}_*.txt in {SEEDS}")
    return found[0]


def seed_docs(prefix: str):
    path = seed(prefix)
    return read_text_document(path.read_text("utf-8"), source=path.name)


# -- line rules -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "line",
    [
        "Subscribe", "* indicates required", "Enter your email to subscribe", "Successfuly subscribed",
        "Thank you for signing up for this newsletter. We've sent you a confirmation email.", "Read more",
        "Show More", "Most popular", "Editors' Picks", "News Feed", "Follow Us", "Sections", "Edit post", "Avatar",
        "3 min read", "This audio is created with AI assistance", "visa masterCard americanExpress",
        "Support independent journalism in Ukraine. Join us in this fight.", "Podcasts image",
        "All Newsletters Arrow right", "World Politics Business Video Opinion Climate Podcasts Newsletters",
        "About Join the Team Careers Advertise", "File image of a patrol boat.", "Photo: a harbour at dusk", ".",
        "***", "Copyright 2024 Coastal Ledger. All rights reserved.",
        "We are the news team of the Coastal Ledger. We answer every letter.",
    ],
)
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Port authority denies ferry contract was cancelled",
        "The ministry said it would subscribe to the new reporting rules from next year.",
        "China's Foreign Ministry denied the report.",
        "Ukraine Business News",  # too short to call a menu; kept as a possible headline
        "Read more about the inquiry in the council's published minutes, the mayor said.",
        "Video footage shared online showed the crane collapsing onto the quay.",
    ],
)
def test_story_lines_are_not_furniture(line):
    assert not is_furniture(line)


def test_normalize_text_unifies_newlines_and_spaces():
    assert normalize_text("a\u00a0 b\r\nc\u200b d \rlast ") == "a b\nc d\nlast"


# -- dates ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, iso",
    [
        ("by Someone February 24, 2023 6:03 AM 1 min read", "2023-02-24"),
        ("Published 3 March 2021", "2021-03-03"),
        ("Updated: 2022-11-05", "2022-11-05"),
        ("24.02.2023 10:15", "2023-02-24"),
        ("on Feb. 22 the ministry said", None),  # no year: not a publication date
        ("nothing here", None),
    ],
)
def test_find_date(text, iso):
    assert find_date(text) == iso


@pytest.mark.parametrize(
    "value, iso",
    [("2023-02-24T06:03:00Z", "2023-02-24"), ("Feb 24, 2023", "2023-02-24"), ("2023-13-40", None),
     ("soon", None), ("", None)],
)
def test_parse_date_value(value, iso):
    assert parse_date_value(value) == iso


def test_body_date_is_not_the_publication_date():
    text = ("Ministry rejects report\n\nThe ministry on March 2, 2021 rejected the report, calling it false.\n\n"
            "Officials said the talks would go on.")
    (story,) = split_stories(text)
    assert story.published is None
    assert story.title == "Ministry rejects report"


# -- our own scraped pages ------------------------------------------------------------------------------------------

def test_ledger_page_is_one_clean_story():
    (story,) = split_stories((FIXTURES / "ledger_page.txt").read_text("utf-8"))
    assert story.title == "Port authority denies ferry contract was cancelled"
    assert story.outlet == "Associated Press"  # from the byline
    assert story.published == "2024-03-14"  # the byline's date, not "March 2" from the body
    assert story.text.startswith("The regional port authority on Thursday rejected")
    assert story.text.endswith("would be published next week.")
    assert story.text.count("\n\n") == 3  # four paragraphs, blank line between
    for junk in ["lighthouse", "Skip to content", "Featured", "Newsletters", "Listen", "Photo of", "Author:",
                 "Support independent", "Comments", "Most popular", "inbox", "Subscribe", "indicates required",
                 "Successfuly", "Thank you"]:
        assert junk not in story.text, junk


def test_relay_page_splits_at_source_signatures():
    first, second = split_stories((FIXTURES / "relay_page.txt").read_text("utf-8"))
    assert first.outlet == "Reuters"
    assert first.title is None
    assert first.text.endswith('did not reply to questions.')  # signature stripped
    assert "Image of" not in first.text
    assert second.outlet == "Xinhua"
    assert second.title == "Trade minister says new terminal will double cargo capacity by next year"
    assert second.text.startswith("The trade minister told Xinhua")
    assert second.text.endswith("delays at other ports in the region.")
    assert "XINHUA" not in second.text and "reuters.com" not in second.text


def test_teasers_after_read_more_are_dropped():
    (story,) = split_stories((FIXTURES / "teaser_page.txt").read_text("utf-8"))
    assert story.title == "Wind farm approval delayed by bird survey"
    assert story.outlet == "BBC"  # from the author box line
    assert story.text.endswith("start construction next year.")
    for junk in ["Opinion:", "Avatar", "We are the news team", "Firefighters", "episode", "Show More", "Latest"]:
        assert junk not in story.text, junk


def test_article_url_from_source_line_kept_bare_domain_ignored():
    text = ("The council approved the new budget on Monday after a long debate, officials said.\n\n"
            "Source: https://www.reuters.com/world/council-budget-2024-03-11/")
    (story,) = split_stories(text)
    assert story.outlet == "Reuters"
    assert story.url == "https://www.reuters.com/world/council-budget-2024-03-11/"
    assert "reuters.com" not in story.text


def test_hard_wrapped_lines_are_joined_into_paragraphs():
    text = ("The committee said on Monday that the bridge would reopen to traffic\n"
            "before the end of the month, once the last inspections were done.\n\n"
            "Engineers had found cracks in two of the supports in January.")
    (story,) = split_stories(text)
    assert story.text.split("\n\n") == [
        "The committee said on Monday that the bridge would reopen to traffic before the end of the month, once "
        "the last inspections were done.",
        "Engineers had found cracks in two of the supports in January.",
    ]


def test_wrapped_paragraph_opening_the_text_is_joined_across_figures_and_capitals():
    # Wrapped at 72 columns: lines break before a figure, a name and a lower-case word; the first line is prose,
    # not a title.
    text = ("The harbour board said on Thursday that the storm had sunk or damaged\n"
            "14 fishing boats and that Harbour Master Ines Okafor would meet the\n"
            "owners on Friday. Insurers said claims could take months, and the\n"
            "board has asked the ministry for an emergency grant to repair the\n"
            "Western Quay before the summer.")
    (story,) = split_stories(text)
    assert story.title is None
    assert story.text == " ".join(text.split("\n"))


def test_quoted_multiline_field_is_one_sentence():
    (story,) = split_stories("The library said the new reading room\nwould open in the spring.")
    assert story.text == "The library said the new reading room would open in the spring."
    assert story.title is None


def test_headlines_and_one_line_paragraphs_are_not_joined():
    # Scraped text: a headline, a byline, then one paragraph a line with no blank lines; a list of teasers.
    text = ("Harbour board asks for storm grant\nBy Lena Moss\n"
            "The harbour board said on Thursday that the storm had sunk 14 fishing boats.\n"
            "Insurers said claims could take months.\n"
            "More from the coast\nFerry fares to rise in April for island routes\n"
            "12 lighthouses to be repainted this summer, council says")
    (story,) = split_stories(text)
    assert story.title == "Harbour board asks for storm grant"
    assert story.text.split("\n\n") == ["The harbour board said on Thursday that the storm had sunk 14 fishing boats.",
                                         "Insurers said claims could take months."]


def test_related_links_and_republication_notes_are_not_story_text():
    text = ("The museum said on Monday that it would close for repairs until the autumn.\n\n"
            "Related: Storm damage closes the harbour walk, says Reuters\n\n"
            "Visitors with tickets would get a refund, a spokesperson said.\n\n"
            "This article was originally published by Der Spiegel.")
    (story,) = split_stories(text)
    assert story.text == ("The museum said on Monday that it would close for repairs until the autumn.\n\n"
                          "Visitors with tickets would get a refund, a spokesperson said.")
    assert story.outlet == "Der Spiegel"  # from the republication note, not from the related link


@pytest.mark.parametrize(
    "note, outlet",
    [("Also read: Storm damage closes the harbour walk", None),
     ("Related coverage: Ferry fares to rise in April, says Reuters", None),
     ("Originally published by Kyiv Post on March 3, 2024.", "Kyiv Post"),
     ("Originally published on March 3, 2024 by the Kyiv Post.", "Kyiv Post")],
)
def test_link_and_republication_variants_are_not_story_text(note, outlet):
    text = ("The museum said on Monday that it would close for repairs until the autumn.\n\n" + note + "\n\n"
            "Visitors with tickets would get a refund, a spokesperson said.")
    (story,) = split_stories(text)
    assert story.text == ("The museum said on Monday that it would close for repairs until the autumn.\n\n"
                          "Visitors with tickets would get a refund, a spokesperson said.")
    assert story.outlet == outlet


def test_sentence_starting_with_by_is_not_a_byline():
    text = ("By closing the road for a week, the city hopes to finish the repairs before the holiday, the mayor "
            "said on Friday.\n\nTraffic will be diverted through the old town.")
    (story,) = split_stories(text)
    assert story.text.startswith("By closing the road")


def test_short_text_without_prose_is_kept():
    (story,) = split_stories("Ministry denies drone deal with Moscow")
    assert story.text == "Ministry denies drone deal with Moscow"


def test_only_furniture_gives_no_story():
    assert split_stories("Skip to content\nSubscribe\n* indicates required\nRead more\nNews Feed\n") == []


def test_headline_and_byline_after_a_story_start_a_new_one():
    text = (
        "Council backs harbour plan\n\nThe city council voted on Monday to back the harbour plan, officials "
        "said, after a debate that lasted most of the evening and ended with a clear majority.\n\n"
        "Storm closes mountain pass for second day\n\nby Reuters March 3, 2024\n\nThe mountain pass stayed closed "
        "on Tuesday after heavy snow, and the road authority said crews would need at least another day to "
        "clear the drifts and check the tunnels for damage before traffic could return."
    )
    first, second = split_stories(text)
    assert first.title == "Council backs harbour plan" and first.outlet is None
    assert second.title == "Storm closes mountain pass for second day"
    assert second.outlet == "Reuters" and second.published == "2024-03-03"


# -- the real seed pages (read from ../shared/seeds at run time) ----------------------------------------------------

def test_seed_000_one_kyiv_independent_story():
    (doc,) = seed_docs("000")
    assert doc.outlet == "The Kyiv Independent"
    assert doc.published == "2023-02-24"
    assert doc.title == "Der Spiegel: China may provide Russia with drones"
    assert doc.title not in doc.text
    assert doc.text.startswith("According to information obtained by German news outlet Der Spiegel")
    assert "\n\n" in doc.text
    for needle in ["Xi'an Bingo Intelligent Aviation Technology", "100 ZT-180 prototype drones",
                   "the Wall Street Journal reported", "Foreign Ministry denied any plans to provide lethal aid",
                   "Sergey Lavrov in Moscow on Feb. 22."]:
        assert needle in doc.text, needle
    for junk in ["Inside a prison", "War Crimes Investigations Unit", "Author:", "Freedom can be costly",
                 "visa masterCard", "Ukraine Daily", "Thank you for signing up", "1 min read", "Edit post"]:
        assert junk not in doc.text, junk


def test_seed_001_drops_read_more_teasers():
    (doc,) = seed_docs("001")
    assert doc.outlet == "The Kyiv Independent"
    assert doc.title == "NYT: China shipping drones to Russia worth millions"
    assert "more than $12 million worth of drones" in doc.text
    assert doc.text.endswith("told the New York Times.")
    for junk in ["Timothy Ash", "Avatar", "We are the news team", "arson", "The episode covers", "Tomahawks"]:
        assert junk not in doc.text, junk


def test_seed_004_splits_zerohedge_and_global_times():
    first, second = seed_docs("004")
    assert first.outlet == "ZeroHedge"
    assert second.outlet == "Global Times"
    assert second.source.endswith("#2") and not first.source.endswith("#2")
    assert "Xi’an Bingo Intelligent Aviation Technology" in first.text
    assert "we have not seen them make that decision" in first.text
    assert "Morgulov" not in first.text and "zerohedge.com" not in first.text
    assert "File image of" not in first.text
    assert "Igor Morgulov told the Global Times" in second.text
    assert "Der Spiegel" not in second.text and "Kirby" not in second.text
    assert not second.text.rstrip().endswith("GLOBAL TIMES")
    assert second.title is not None and second.title.startswith("If US, German tanks")
    assert second.title not in second.text


def test_no_furniture_left_in_any_seed_story():
    docs = [d for prefix in ("000", "001", "004") for d in seed_docs(prefix)]
    assert len(docs) == 4
    for d in docs:
        for junk in FORBIDDEN:
            assert junk not in d.text, f"{junk!r} left in {d.source}"
        assert "\n\n\n" not in d.text and d.text == d.text.strip()


# -- signatures: datelines, footers, meta lines ------------------------------------------------------------------

@pytest.mark.parametrize(
    "lead, outlet, published",
    [
        ("KYIV, Feb 24, 2023 (Reuters) - Ukraine said on Friday that the strike hit a fuel depot.", "Reuters",
         "2023-02-24"),
        ("WASHINGTON (AP) — The Senate passed the bill late on Tuesday, officials said.", "Associated Press", None),
        ("The US - and its allies - said on Tuesday that the talks had failed.", None, None),
        ("PARIS (AFP) – The Senate passed the bill late on Tuesday, officials said.", "Agence France-Presse", None),
        ("BERLIN (dpa) — The Senate passed the bill late on Tuesday, officials said.", "dpa", None),
        ("MADRID (EFE) - The Senate passed the bill late on Tuesday, officials said.", "EFE", None),
        ("Paris (AFP) - The Senate passed the bill late on Tuesday, officials said.", "Agence France-Presse", None),
        ("Madrid, 4 nov 2024 (EFE).- The Senate passed the bill late on Tuesday, officials said.", "EFE",
         "2024-11-04"),
        ("(CNN) -- The Senate passed the bill late on Tuesday, officials said.", "CNN", None),
        ("Paris - the capital - said on Tuesday that the bill had passed.", None, None),
        ("CHICAGO, March 4, 2024 /PRNewswire/ -- Northwind Energy said on Monday it would build a plant.",
         "PR Newswire", "2024-03-04"),
        # an agency in capitals that the outlet list does not know is the outlet by its initials
        ("WASHINGTON (UPI) -- The Senate passed the bill late on Tuesday, officials said.", "UPI", None),
        ("NEW DELHI, India, Nov. 4, 2024 (UPI) -- The Senate passed the bill late on Tuesday, officials said.",
         "UPI", "2024-11-04"),
        ("OSLO (NTB) - The Senate passed the bill late on Tuesday, officials said.", "NTB", None),
        ("Bergen (Vestland) (NTB) - The Senate passed the bill late on Tuesday, officials said.", "NTB", None),
    ],
)
def test_dateline_gives_outlet_and_date(lead, outlet, published):
    (story,) = split_stories(lead + "\n\nMore details were not released.")
    assert (story.outlet, story.published) == (outlet, published)
    assert story.text.startswith(lead)  # the dateline stays in the text


def test_footer_appeal_naming_the_outlet_is_a_signature():
    text = ("The council approved the new budget on Monday after a long debate, officials said.\n\n"
            "Support independent journalism: become a member of the Kyiv Post today.")
    (story,) = split_stories(text)
    assert story.outlet == "Kyiv Post"
    assert "member" not in story.text


def test_meta_words_opening_a_sentence_are_not_bylines():
    text = ("Updated figures released on Monday show the deficit narrowed to 2 percent.\n\n"
            "Published reports had put it at 3 percent, the ministry said.\n\n"
            "Updated: March 3, 2024 10:00\n\nReporting by Jane Doe; Editing by John Roe")
    (story,) = split_stories(text)
    assert story.text.startswith("Updated figures released")
    assert "Published reports" in story.text
    assert "Editing by" not in story.text and "Updated:" not in story.text


def test_pages_pasted_into_one_file_resume_after_teasers():
    pages = [(FIXTURES / n).read_text("utf-8") for n in ("ledger_page.txt", "teaser_page.txt", "relay_page.txt")]
    # ledger ends in "Comments" (skip mode); the teaser page resumes at headline + "1 min read"; the relay page
    # resumes at a new page header.
    stories = split_stories(pages[0] + "\n" + pages[1] + "\nSkip to content\n" + pages[2])
    assert [s.outlet for s in stories] == ["Associated Press", "BBC", "Reuters", "Xinhua"]
    assert stories[1].title == "Wind farm approval delayed by bird survey"
    assert all("Firefighters" not in s.text and "Subscribe" not in s.text for s in stories)


def test_seed_pages_pasted_together():
    text = "\n\n".join(seed(p).read_text("utf-8") for p in ("000", "001"))
    titles = [s.title for s in split_stories(text)]
    assert titles == ["Der Spiegel: China may provide Russia with drones",
                      "NYT: China shipping drones to Russia worth millions"]


# -- hard-wrapped lines: what joins and what stays apart ------------------------------------------------------------

def paragraphs(text: str) -> list[str]:
    (story,) = split_stories(text)
    return story.text.split("\n\n")


def test_wrapped_line_ending_on_one_word_and_a_full_stop_is_joined():
    text = ("The harbour board said the storm had sunk or damaged fourteen of its fishing\n"
            "boats.\n\n"
            "The ferry operator said it would not sail until the harbour wall was\n"
            "repaired.")
    assert paragraphs(text) == [
        "The harbour board said the storm had sunk or damaged fourteen of its fishing boats.",
        "The ferry operator said it would not sail until the harbour wall was repaired.",
    ]


def test_headings_labels_and_times_are_not_glued_to_a_lower_case_name():
    text = ("Lighthouse keeper retires\n\n"
            "Quarterly figures\n"
            "eBay said on Monday that sales in the region rose 4 percent.\n\n"
            "09:40 BST\n"
            "de Groot told the council the repairs would cost 2 million euros.\n\n"
            "Ferry fares\n"
            "iPad sales at the harbour shop doubled, the shop's owner said.")
    paras = paragraphs(text)
    assert "eBay said on Monday that sales in the region rose 4 percent." in paras
    assert "de Groot told the council the repairs would cost 2 million euros." in paras
    assert "iPad sales at the harbour shop doubled, the shop's owner said." in paras
    assert not any("BST" in p for p in paras)


def test_live_blog_times_are_their_own_lines_and_entries_keep_their_first_word():
    text = ("Storm live: the latest\n\n"
            "10:05 GMT\n"
            "The coastguard said three boats had been towed back to the harbour, and that\n"
            "crews were still searching for a fourth.\n\n"
            "10:20 GMT\n"
            "Harbour master Ines Okafor said the quay would stay closed until Friday.\n\n"
            "10:45 GMT The mayor said emergency shelters had opened in two schools.")
    assert paragraphs(text) == [
        "The coastguard said three boats had been towed back to the harbour, and that crews were still searching "
        "for a fourth.",
        "Harbour master Ines Okafor said the quay would stay closed until Friday.",
        "The mayor said emergency shelters had opened in two schools.",
    ]


def test_a_bare_link_line_does_not_run_into_the_next_sentence():
    # hard-wrapped at 85 columns, with a link on a line of its own
    text = ("The museum said the new wing would open in May. Its director, Ana Lopes, said tickets\n"
            "would go on sale next week and that the opening hours for each day of the spring were\n"
            "listed on the museum's website, together with the prices for families and schools,\n"
            "https://museum.example/new-wing-opening-hours-and-tickets-for-the-spring-season\n"
            "Visitors said they were looking forward to it.")
    paras = paragraphs(text)
    assert paras[-1] == "Visitors said they were looking forward to it."
    assert paras[0].endswith("schools, https://museum.example/new-wing-opening-hours-and-tickets-for-the-spring-season")


def test_two_wrapped_lines_breaking_inside_a_title_and_name_are_joined():
    text = ("The port reported a loss of 12 million euros for the year, according to Chief\n"
            "Operating Officer Mira Sand, who blamed the strikes.\n\n"
            "Fishermen protested on Monday outside the town hall after Mayor Tomas\n"
            "Berg said the quay would be sold to a developer.\n\n"
            "Storm damage worse than feared on the coast, says the harbour board\n"
            "The harbour board said 40 boats had been damaged.")
    (story,) = split_stories(text)
    assert story.title is None
    assert story.text.split("\n\n") == [
        "The port reported a loss of 12 million euros for the year, according to Chief Operating Officer Mira "
        "Sand, who blamed the strikes.",
        "Fishermen protested on Monday outside the town hall after Mayor Tomas Berg said the quay would be sold "
        "to a developer.",
        "Storm damage worse than feared on the coast, says the harbour board",
        "The harbour board said 40 boats had been damaged.",
    ]


# -- "Read more" and "Related" boxes inside an article --------------------------------------------------------------

def test_read_more_line_inside_an_article_does_not_end_it():
    text = ("Harbour closed after storm\n\n"
            "The harbour master said on Monday that the port would stay closed until Friday.\n\n"
            "Read more\n\n"
            "The ferry operator said 12 crossings had been cancelled.\n\n"
            "Insurers said damage to the quay could cost 3 million euros.")
    assert paragraphs(text) == [
        "The harbour master said on Monday that the port would stay closed until Friday.",
        "The ferry operator said 12 crossings had been cancelled.",
        "Insurers said damage to the quay could cost 3 million euros.",
    ]


def test_related_box_of_teaser_headlines_inside_an_article_is_dropped_and_the_article_goes_on():
    text = ("The harbour master said on Monday that the port would stay closed until Friday.\n"
            "RELATED ARTICLES\n"
            "Lighthouse keeper retires after forty years on the rock\n"
            "Ferry fares to rise in April for island routes\n"
            "The ferry operator said 12 crossings had been cancelled.\n"
            "Insurers said damage to the quay could cost 3 million euros.")
    assert paragraphs(text) == [
        "The harbour master said on Monday that the port would stay closed until Friday.",
        "The ferry operator said 12 crossings had been cancelled.",
        "Insurers said damage to the quay could cost 3 million euros.",
    ]


def test_related_teasers_with_blurbs_or_bylines_under_an_article_are_dropped():
    blurbs = ("The harbour master said on Monday that the port would stay closed until Friday.\n\n"
              "Related articles\n\n"
              "Lighthouse keeper retires\n\n"
              "The keeper of the island light said on Sunday that after forty years he would…\n\n"
              "Ferry fares to rise\n\n"
              "The ferry operator said fares for island routes would rise by…")
    bylines = ("The harbour master said on Monday that the port would stay closed until Friday.\n\n"
               "Read more\n\n"
               "Lighthouse keeper retires\n\n"
               "By Lena Moss | 03/04/24 10:12 AM\n\n"
               "The keeper of the island light said on Sunday that he would retire after forty years.")
    for text in (blurbs, bylines):
        assert paragraphs(text) == ["The harbour master said on Monday that the port would stay closed until Friday."]


@pytest.mark.parametrize("tail", [
    # reader comments under the box
    "Related:\nFlood warnings issued for the coastal towns\nHow to get your home ready for a storm\n42 comments\n"
    "Anna P. 2 hours ago\nThe harbour board has been warning about this for years and did nothing.",
    # the outlet's own boilerplate, then its copyright
    "Related\nMeasles cases rise across the region\nWhy vaccination rates are falling\n"
    "The Valley Courier is an independent newsroom funded by readers like you.\n"
    "Our reporters have covered this valley for more than 60 years.\nCopyright 2024 Valley Courier",
    # teasers written as sentences, and nothing after them
    "Related\nInsurers are pulling back from the coast. Here's what owners can do.\n"
    "The council signs the flood bill into law after months of debate.\n"
    "A storm will hit the islands next week, forecasters say.",
])
def test_a_related_box_at_the_end_of_a_page_ends_the_article(tail):
    text = ("Storm closes the harbour\n"
            "The harbour master said on Monday that the port would stay closed until Friday.\n" + tail)
    assert paragraphs(text) == ["The harbour master said on Monday that the port would stay closed until Friday."]


@pytest.mark.parametrize("byline, outlet", [
    ("By Petra Lindqvist, Coastal Press Agency", "Coastal Press Agency"),
    ("By Jane Doe | Harbour Gazette", "Harbour Gazette"),
    ("By Ana Ruiz, Reuters", "Reuters"),
    ("By Kim Lee, Metro Desk", None),  # a desk, not an outlet
    ("By John Smith, Senior Reporter", None),
])
def test_a_byline_names_an_outlet_we_do_not_know_by_its_last_word(byline, outlet):
    stories = split_stories(f"Fire at the mill kills 14\n\n{byline}\n\nThe fire chief said 14 workers were killed "
                            "when the fire swept through the mill on Monday night.")
    assert [s.outlet for s in stories] == [outlet]
