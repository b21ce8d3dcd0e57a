"""Claim extraction and attribution with the real spaCy pipeline, on sentences written for these tests and on the
real seed pages (read from ../shared/seeds at run time; skipped when absent)."""

from __future__ import annotations

import pytest

from detector.models import Claim, Document

pytestmark = pytest.mark.slow

PUBLISHER = "Harbour Post"


@pytest.fixture
def claims_of(extractor):
    def run(text: str, outlet: str | None = PUBLISHER) -> list[Claim]:
        doc = Document(doc_id=Document.make_id(text), text=text, source="test.txt", outlet=outlet)
        out = extractor(doc)
        for c in out:  # spans always locate the sentence in the document
            assert text[c.span[0] : c.span[1]] == c.text
            assert c.doc_id == doc.doc_id and c.outlet == outlet
            assert c.claim_id == Claim.make_id(doc.doc_id, c.span)
        return out

    return run


def one(claims: list[Claim], needle: str) -> Claim:
    found = [c for c in claims if needle in c.text]
    assert len(found) == 1, f"{needle!r} in {[c.text for c in claims]}"
    return found[0]


# -- attribution -----------------------------------------------------------------------------------------------
def test_according_to_leading(claims_of):
    (c,) = claims_of("According to Reuters, the city will close three libraries next year.")
    assert c.speaker == "Reuters"
    assert c.relay == (PUBLISHER, "Reuters")
    assert c.assertion == "The city will close three libraries next year."


def test_according_to_trailing(claims_of):
    (c,) = claims_of("The city will close three libraries next year, according to the mayor's office.")
    assert "mayor" in c.speaker
    assert c.assertion == "The city will close three libraries next year."


def test_x_said_that(claims_of):
    (c,) = claims_of("Mayor Ana Ruiz said that the city will close three libraries next year.")
    assert "Ana Ruiz" in c.speaker and "Mayor" in c.speaker
    assert c.relay == (PUBLISHER, c.speaker)
    assert c.assertion == "The city will close three libraries next year."


def test_x_said_on_day_that(claims_of):
    (c,) = claims_of("Mayor Ana Ruiz said on Monday that the city will close three libraries next year.")
    assert "Ana Ruiz" in c.speaker
    assert c.assertion == "The city will close three libraries next year."


def test_quote_first_told_outlet(claims_of):
    (c,) = claims_of("“The city will close three libraries next year,” Ana Ruiz told Reuters.")
    assert c.speaker == "Ana Ruiz"
    assert c.relay == (PUBLISHER, "Reuters", "Ana Ruiz")
    assert "told" not in c.assertion and "Reuters" not in c.assertion


def test_quote_first_assertion_is_clean(claims_of):
    (c,) = claims_of("“The city will close three libraries next year,” Ana Ruiz told Reuters.")
    assert c.assertion == "The city will close three libraries next year."


def test_reports_outlet_relay(claims_of):
    (c,) = claims_of("The city will close three libraries next year to save money, reports Reuters.")
    assert c.speaker == "Reuters"
    assert c.relay == (PUBLISHER, "Reuters")


def test_reports_outlet_is_removed_from_the_assertion(claims_of):
    (c,) = claims_of("The city will close three libraries next year to save money, reports Reuters.")
    assert c.assertion == "The city will close three libraries next year to save money."


def test_denial_relayed_by_reports_outlet_keeps_the_denier(claims_of):
    (c,) = claims_of("The water board denied any plans to drain the reservoir this summer, reports Reuters.")
    assert "water board" in c.speaker
    assert c.relay == (PUBLISHER, "Reuters", c.speaker)


def test_trailing_speaker_is_not_a_subject_inside_the_reported_clause(claims_of):
    # the parser hangs the clause's own subject ("a blaze") on "said" too; the speaker is the one in the frame
    (c,) = claims_of("At least 9 miners were killed when a blaze swept through the Aldric Foods warehouse in Port "
                     "Ellis early on Tuesday, fire chief Ola Brann said.")
    assert c.speaker == "Ola Brann (fire chief)"
    assert c.relay == (PUBLISHER, c.speaker)
    assert c.assertion == ("At least 9 miners were killed when a blaze swept through the Aldric Foods warehouse in "
                           "Port Ellis early on Tuesday.")


def test_stacked_trailing_frames_inner_speaks_outer_relays(claims_of):
    (c,) = claims_of("Three bridges were closed after the flood, transport official Lena Marsh said, the Northern "
                     "Wire Agency reported.")
    assert "Lena Marsh" in c.speaker
    assert c.relay == (PUBLISHER, "Northern Wire Agency", c.speaker)
    assert c.assertion == "Three bridges were closed after the flood."
    (d,) = claims_of("The water level fell by two metres overnight, city spokesman Raul Ines said, Reuters reported.")
    assert "Raul Ines" in d.speaker
    assert d.relay == (PUBLISHER, "Reuters", d.speaker)
    assert d.assertion == "The water level fell by two metres overnight."


def test_reporting_verb_with_a_plain_object_is_an_act_not_a_frame(claims_of):
    # "declared a curfew" is something the governor did: the whole sentence is the claim, never a fragment of it
    text = "Governor Petra Lind declared a curfew in the harbour district on Friday for the rest of the week."
    (c,) = claims_of(text)
    assert c.assertion == text
    (d,) = claims_of("The port authority announced a ban on night fishing near the wreck for the next two months.")
    assert d.assertion == d.text


def test_a_frame_never_leaves_only_a_prepositional_phrase(claims_of):
    (c,) = claims_of("The harbour board did not comment on the latest figures for the winter season.")
    assert c.assertion == c.text


def test_he_said_resolves_to_the_last_named_person(claims_of):
    cs = claims_of(
        "City engineer Tom Lee said the bridge was safe for cars and lorries. "
        "Harbour master Eva Stone said the ferry would keep running through the winter. "
        "The steel beams on the old ferry pier have rusted through in several places, she said. "
        "Lee added that the bridge would be repainted in the spring."
    )
    lee = one(cs, "bridge was safe")
    stone = one(cs, "rusted through")
    assert "Tom Lee" in lee.speaker
    assert "Eva Stone" in stone.speaker and stone.speaker == one(cs, "keep running").speaker
    assert one(cs, "repainted").speaker == lee.speaker  # surname back-reference
    assert "she said" not in stone.assertion


def test_she_says_before_anyone_speaks_is_the_last_person_named_as_a_subject(claims_of):
    cs = claims_of("Harbour master Lena Brandt walked the length of the east pier on Monday morning. "
                   "She says the storm took a third of its beams and the pier cannot take another winter.")
    assert "Lena Brandt" in one(cs, "took a third").speaker


def test_he_said_leading(claims_of):
    cs = claims_of("Mayor Ana Ruiz said on Monday that the city had run out of money for repairs. "
                   "She added that the museum would stay open on weekends.")
    assert "Ana Ruiz" in one(cs, "museum").speaker
    assert one(cs, "museum").assertion == "The museum would stay open on weekends."


def test_the_report_said_resolves_to_the_last_cited_outlet(claims_of):
    cs = claims_of("The Guardian reported that the dam had cracked during the storm last week. "
                   "The report said the cracks were more than two metres long.")
    assert one(cs, "cracked").speaker == "The Guardian"
    later = one(cs, "two metres")
    assert later.speaker == "The Guardian"
    assert later.relay == (PUBLISHER, "The Guardian")
    assert later.assertion == "The cracks were more than two metres long."


def test_reportedly_inherits_the_cited_outlet(claims_of):
    cs = claims_of("The Guardian reported that the dam had cracked during the storm last week. "
                   "The dam had reportedly been inspected only once in ten years.")
    assert one(cs, "reportedly").speaker == "The Guardian"


def test_reportedly_without_a_cited_outlet_is_the_publishers(claims_of):
    (c,) = claims_of("The dam had reportedly been inspected only once in ten years.")
    assert c.speaker == PUBLISHER


def test_unattributed_sentence_is_the_publishers_own_voice(claims_of):
    (c,) = claims_of("The new ferry line between the two islands opened on Saturday morning.")
    assert c.speaker == PUBLISHER and c.relay == (PUBLISHER,)
    (d,) = claims_of("The new ferry line between the two islands opened on Saturday morning.", outlet=None)
    assert d.speaker is None and d.relay == ()


def test_denial_verb_keeps_the_denial_in_the_assertion(claims_of):
    (c,) = claims_of("The regional water board denied that the dam had cracked during the storm last week.")
    assert "water board" in c.speaker
    assert "denied" in c.assertion and "cracked" in c.assertion
    (d,) = claims_of("The ministry rejected reports that it plans to sell the northern forest.")
    assert "ministry" in d.speaker.lower() and "rejected" in d.assertion


def test_quote_spanning_sentences_belongs_to_whoever_opened_it(claims_of):
    cs = claims_of("Harbour master Lena Brandt warned that “the old pier cannot carry another winter of storms. "
                   "If the council waits until spring, the whole east side will have to close.” "
                   "The council meets on Thursday to discuss the harbour budget.")
    assert "Lena Brandt" in one(cs, "old pier").speaker
    assert one(cs, "waits until spring").speaker == one(cs, "old pier").speaker
    assert one(cs, "council meets").speaker == PUBLISHER


def test_quote_closed_by_its_speaker_belongs_to_them(claims_of):
    cs = claims_of("“The old pier cannot carry another winter of storms. "
                   "The whole east side will have to close,” harbour master Lena Brandt said.")
    assert all("Lena Brandt" in c.speaker for c in cs) and len(cs) == 2


def test_speaker_named_inside_a_quotation_is_relayed_by_its_owner(claims_of):
    """Brandt opens a quotation; the next sentence, still inside it, names the engineers she quotes: her source,
    not the publisher's."""
    cs = claims_of("Harbour master Lena Brandt warned that “the east pier lost a third of its beams in the storm. "
                   "Engineers believe the pier will not survive another winter without repairs.” "
                   "The council said the pier would stay open until March.")
    brandt = one(cs, "a third of its beams")
    assert "Lena Brandt" in brandt.speaker
    eng = one(cs, "Engineers believe")
    assert eng.speaker == "Engineers"
    assert eng.relay == (PUBLISHER, brandt.speaker, "Engineers")
    council = one(cs, "stay open until March")
    assert council.relay == (PUBLISHER, council.speaker) and "council" in council.speaker.lower()


def test_speaker_named_after_a_quotation_closes_owns_it(claims_of):
    cs = claims_of("“The east pier lost a third of its beams in the storm. "
                   "Engineers believe the pier will not survive another winter,” harbour master Lena Brandt said.")
    for c in cs:
        assert "Lena Brandt" in c.speaker and c.relay == (PUBLISHER, c.speaker), (c.text, c.relay)
    assert len(cs) == 2


@pytest.mark.parametrize("opening, closing", [('"', '"'), ("``", "''")], ids=["straight", "typewriter"])
def test_quotation_in_straight_or_typewriter_marks_belongs_to_whoever_closes_it(claims_of, opening, closing):
    cs = claims_of(f"{opening}The east pier lost a third of its beams in the storm. It cannot take another winter,"
                   f"{closing} harbour master Lena Brandt said. The council meets on Thursday to discuss the harbour "
                   "budget.")
    assert "Lena Brandt" in one(cs, "a third of its beams").speaker
    assert one(cs, "another winter").speaker == one(cs, "a third of its beams").speaker
    assert one(cs, "council meets").speaker == PUBLISHER


def test_a_paragraph_without_a_quotation_mark_ends_an_unclosed_quotation(claims_of):
    cs = claims_of('Harbour master Lena Brandt warned that "the east pier lost a third of its beams in the storm.\n\n'
                   "The council meets on Thursday to discuss the harbour budget.\n\n"
                   'Mayor Jon Ek said the town would "find the money somehow.')
    assert "Lena Brandt" in one(cs, "a third of its beams").speaker
    assert one(cs, "council meets").speaker == PUBLISHER
    assert "Jon Ek" in one(cs, "find the money").speaker


@pytest.mark.parametrize("opening, closing", [('"', '"'), ("``", "''"), ("“", "”")],
                         ids=["straight", "typewriter", "curly"])
@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["line", "blank-line"])
@pytest.mark.parametrize("paragraphs", [2, 3])
def test_a_quotation_reopened_at_each_paragraph_belongs_to_whoever_closes_it(claims_of, opening, closing, gap,
                                                                               paragraphs):
    """Wire style: a quotation over several paragraphs opens each of them again and closes only in the last. The
    mark that opens a paragraph inside the quotation reopens it; it is not the quotation closing."""
    quoted = [f"{opening}The ferry company sold the spare boat in the spring to cover its debts.",
              f"{opening}Now one breakdown cancels every crossing on the island route for a week.",
              f"{opening}We warned the council about this twice last year,{closing} skipper Ola Dahl said."]
    text = gap.join(["The island ferry was cancelled again on Tuesday.", *quoted[-paragraphs:],
                     "The next crossing is planned for Friday morning."])
    cs = claims_of(text)
    for needle in ("spare boat", "one breakdown", "warned the council")[-paragraphs:]:
        assert "Ola Dahl" in one(cs, needle).speaker, needle
    assert one(cs, "cancelled again").speaker == PUBLISHER
    assert one(cs, "next crossing").speaker == PUBLISHER


@pytest.mark.parametrize("opening, closing", [('"', '"'), ("``", "''"), ("“", "”")],
                         ids=["straight", "typewriter", "curly"])
@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["line", "blank-line"])
def test_a_lead_in_quotation_over_two_paragraphs_is_the_lead_in_speakers(claims_of, opening, closing, gap):
    """'Kovacs said in a statement:' then a quotation that the first paragraph leaves open and the second reopens and
    closes: both paragraphs are his. (The tokenizer cuts a paragraph-opening '``' in two; the cut must not start a
    sentence.)"""
    text = gap.join([
        "The island ferry was cancelled again on Tuesday, the third time this month.",
        "Skipper Tomas Kovacs said in a statement:",
        f"{opening}The ferry company sold the spare boat in the spring to cover its debts. One breakdown now "
        "cancels every crossing for a week.",
        f"{opening}We warned the island council about this twice last year and nobody answered.{closing}",
        "The next crossing is planned for Friday morning."])
    cs = claims_of(text)
    for needle in ("spare boat", "One breakdown", "twice last year"):
        assert "Tomas Kovacs" in one(cs, needle).speaker, needle
    assert one(cs, "next crossing").speaker == PUBLISHER
    assert not [c for c in cs if "in a statement" in c.text]


@pytest.mark.parametrize("opening, closing", [('"', "''"), ("``", '"')],
                         ids=["straight-typewriter", "typewriter-straight"])
def test_straight_and_typewriter_marks_pair_with_each_other(claims_of, opening, closing):
    """Some feeds open a quotation with one kind of mark and close it with the other: the frame after it is no
    quotation, and names the speaker."""
    cs = claims_of(f"{opening}The east pier lost a third of its beams in the storm,{closing} harbour master Lena "
                   "Brandt said. The council meets on Thursday to discuss the harbour budget.")
    pier = one(cs, "a third of its beams")
    assert "Lena Brandt" in pier.speaker
    assert pier.assertion == "The east pier lost a third of its beams in the storm."
    assert one(cs, "council meets").speaker == PUBLISHER


def test_relative_and_generic_pronouns_are_not_speakers(claims_of):
    cs = claims_of("The harbour's press officer Mia Holm, who confirmed the closure on Monday, gave no date for the "
                   "repairs. The ferry runs from the west pier, which said nothing about delays to passengers. "
                   "When you think about it, the pier has been closing for ten years.")
    assert [c.speaker for c in cs] == [PUBLISHER] * 3


def test_passive_reporting_verbs_name_their_agent_not_their_subject(claims_of):
    cs = claims_of("The east pier is believed to have lost a third of its beams in the storm. "
                   "The closure of the pier was announced on Monday by the harbour authority. "
                   "The date of the repairs has not been confirmed by the harbour authority. "
                   "The skipper was told by coast guard officers that the pier would stay closed until March. "
                   "A video of the damaged pier was posted online by the harbour authority.")
    assert one(cs, "is believed").speaker == PUBLISHER
    announced = one(cs, "was announced")
    assert announced.speaker == "harbour authority"
    assert announced.assertion == announced.text  # the whole sentence is what the authority says
    assert one(cs, "not been confirmed").speaker == PUBLISHER
    assert one(cs, "was told by").speaker == "coast guard officers"
    assert one(cs, "posted online").speaker == PUBLISHER  # posting a video says nothing


def test_reporting_as_a_job_or_posting_a_picture_is_not_a_statement(claims_of):
    cs = claims_of("Harbour master Lena Brandt posted a photo of the broken beams on Monday morning. "
                   "The reporter Tomas Ek was reporting from the harbour when the east pier collapsed. "
                   "“The pier is finished and the council knows it,” Brandt wrote on Tuesday.")
    assert one(cs, "posted a photo").speaker == PUBLISHER
    assert one(cs, "was reporting from").speaker == PUBLISHER
    assert one(cs, "The pier is finished").speaker == "Brandt"


def test_relative_clauses_and_claimed_lives_do_not_frame_the_sentence(claims_of):
    cs = claims_of("The storm has claimed four lives along the coast since Sunday. "
                   "The east pier, which engineers say lost a third of its beams, will stay closed until March. "
                   "The ferry was taken to the west pier, where the coast guard told the crew the east side was "
                   "unsafe.")
    assert one(cs, "claimed four lives").speaker == PUBLISHER
    assert one(cs, "which engineers say").speaker == PUBLISHER
    assert one(cs, "where the coast guard told").speaker == "coast guard"


def test_he_or_she_is_first_the_subject_earlier_in_the_same_sentence(claims_of):
    cs = claims_of("Mayor Jon Ek said the pier would be repaired by the spring. "
                   "In 2019, former harbour master Lena Brandt angered the council when she said the pier could not "
                   "be saved.")
    assert "Jon Ek" in one(cs, "repaired by the spring").speaker
    assert "Lena Brandt" in one(cs, "could not be saved").speaker


def test_the_role_is_an_earlier_speaker_only_when_their_title_fits(claims_of):
    cs = claims_of("Harbour authority spokesman Piet Vos said the ferry would stop running on Friday. "
                   "The spokesman added that repairs would take a month.\n\n"
                   "The fisheries minister said the harbour would stay open to fishing boats.\n\n"
                   "The police said two divers had been hurt under the pier.\n\n"
                   "The mayor said the town would pay for a new pier by 2027.\n\n"
                   "The United Nations envoy told the BBC that aid ships could still dock in the bay.\n\n"
                   "The housing minister said 40 families had been moved out of the harbour flats.\n\n"
                   "The fisheries minister added that the fish market would open on Saturday.")
    vos = one(cs, "stop running").speaker
    assert "Piet Vos" in vos
    assert one(cs, "take a month").speaker == vos  # "the spokesman" is the named spokesman
    assert one(cs, "fishing boats").speaker == "fisheries minister"  # not the spokesman
    assert one(cs, "two divers").speaker == "police"
    assert one(cs, "new pier").speaker == "mayor"  # "the police" is no person the mayor could be
    envoy = one(cs, "aid ships")
    assert envoy.speaker == "United Nations envoy" and envoy.relay == (PUBLISHER, "BBC", envoy.speaker)
    assert one(cs, "40 families").speaker == "housing minister"  # another minister than the fisheries one
    assert one(cs, "fish market").speaker == "fisheries minister"


@pytest.mark.parametrize("named, later", [("spokesperson", "spokeswoman"), ("spokesman", "spokesperson"),
                                          ("envoy", "diplomat"), ("chairwoman", "chair")])
def test_words_for_one_post_mean_the_same_person_either_way(claims_of, named, later):
    cs = claims_of(f"The harbour board's {named}, Ines Okafor, said the quay had been closed for repairs. "
                   f"The {later} said the work would be finished in June.")
    assert "Ines Okafor" in one(cs, "finished in June").speaker


def test_a_description_by_any_title_given_with_a_name_is_that_person(claims_of):
    cs = claims_of("Sheriff Dana Whitlock said two deputies had been placed on leave after the crash on Route 9. "
                   "District Attorney Ray Ossian said his office would review the footage from both patrol cars. "
                   "The sheriff said the deputies had been on duty for fourteen hours. "
                   "The district attorney added that no charges would be filed before the spring.")
    whitlock, ossian = one(cs, "placed on leave").speaker, one(cs, "review the footage").speaker
    assert "Dana Whitlock" in whitlock and "Ray Ossian" in ossian
    assert one(cs, "fourteen hours").speaker == whitlock
    assert one(cs, "before the spring").speaker == ossian
    # a word of the title that is not its post is no description of the person
    cs = claims_of("Port Ellis Ferry Company spokesman Olaf Berg said the crossing would reopen on Monday. "
                   "The company said the older of its two ferries would be sold next year.")
    assert "Olaf Berg" not in one(cs, "sold next year").speaker


def test_a_title_with_a_rank_before_its_post_is_another_post(claims_of):
    cs = claims_of("Sheriff Ana Ortiz said the bridge on Route 4 had been closed since dawn. "
                   "Former sheriff Piet Moss told reporters the bridge had been unsafe for a decade. "
                   "The sheriff said the driver of the lorry had been arrested at noon.\n\n"
                   "Assistant District Attorney Lena Park said the driver would be charged on Monday. "
                   "The district attorney said no plea deal had been offered to the driver.")
    ortiz = one(cs, "closed since dawn").speaker
    assert "Ana Ortiz" in ortiz and "Piet Moss" in one(cs, "unsafe for a decade").speaker
    assert one(cs, "arrested at noon").speaker == ortiz  # not the former sheriff named since
    assert "Lena Park" in one(cs, "charged on Monday").speaker
    assert "Lena Park" not in one(cs, "plea deal").speaker
    cs = claims_of("Deputy Sheriff Omar Reyes said the search for the boat had ended at midnight. "
                   "Omar Reyes, the county's deputy sheriff, said two divers had found the hull. "
                   "The deputy sheriff said the hull would be raised on Friday. "
                   "The sheriff said the river would stay closed to boats until the weekend.")
    reyes = one(cs, "ended at midnight").speaker
    assert reyes == "Omar Reyes (Deputy Sheriff)"  # the title is "Deputy Sheriff", not "Sheriff" of his name
    assert one(cs, "found the hull").speaker == reyes  # the same person, however his title is written
    assert one(cs, "raised on Friday").speaker == reyes
    assert one(cs, "closed to boats").speaker == "sheriff"


def test_an_abbreviated_title_is_the_title_written_out(claims_of):
    cs = claims_of("Lt. Gov. Mia Stone said the state would pay for a new levee along the river. "
                   "Gov. Tom Hale said the levee would be finished by 2027. "
                   "The lieutenant governor said the work would start in the summer. "
                   "The governor added that the state had set aside 40 million dollars for it.")
    stone, hale = one(cs, "new levee").speaker, one(cs, "finished by 2027").speaker
    assert "Mia Stone" in stone and "Tom Hale" in hale
    assert one(cs, "start in the summer").speaker == stone
    assert one(cs, "40 million").speaker == hale


def test_a_surname_with_the_same_title_is_the_person_named_before(claims_of):
    cs = claims_of("Mayor Paola Greco said the old bridge would reopen in the spring of next year. "
                   "Mayor Greco said the repairs would cost four million euros in total.")
    greco = one(cs, "reopen in the spring").speaker
    assert greco == "Paola Greco (Mayor)" and one(cs, "four million").speaker == greco


def test_he_or_she_never_means_an_institution_and_it_may(claims_of):
    cs = claims_of("Harbour master Lars Vik said the navy ships had left the port at dawn.\n\n"
                   "The Pentagon said two more ships would be sent to the gulf next week. "
                   "She added that the ships would carry 300 marines.\n\n"
                   "Downing Street said the prime minister would fly to Oslo on Friday. "
                   "He added that the trip would last two days.\n\n"
                   "The Kremlin said the naval drills would end on Sunday afternoon. "
                   "It added that no aircraft had been lost during the drills.")
    assert one(cs, "300 marines").speaker == "Lars Vik (Harbour master)"
    assert one(cs, "two days").speaker == "Lars Vik (Harbour master)"
    assert one(cs, "no aircraft").speaker == "Kremlin"


def test_he_or_she_is_never_an_organisation_and_it_may_be(claims_of):
    cs = claims_of("Station manager Paul Hirst said the platform had been cleared within minutes of the alarm. "
                   "Network Rail said the line between Leeds and York would stay closed until Friday. "
                   "He added that the alarm had been set off by smoke from a passing freight train.\n\n"
                   "Network Rail said the signals near Church Fenton had been damaged by the fire. "
                   "It added that engineers would work through the night to repair them. "
                   "The company said buses would replace trains between the two cities until the weekend.")
    hirst = one(cs, "cleared within minutes").speaker
    assert "Paul Hirst" in hirst
    assert one(cs, "passing freight train").speaker == hirst
    assert one(cs, "through the night").speaker == "Network Rail"
    assert one(cs, "buses would replace").speaker == "Network Rail"


def test_whom_an_office_or_a_spokesperson_speaks_for_is_in_their_name(claims_of):
    (c,) = claims_of("Collins's office said the senator had not been told about the contract before it was signed.")
    assert c.speaker == "Collins's office"
    (c,) = claims_of("A spokesman for the European Commission said the fine would be paid into the bloc's budget.")
    assert c.speaker == "European Commission (spokesman)"
    (c,) = claims_of("Mayor Ruiz's spokesman Tomas Vidal said the mayor would not run for a third term in office.")
    assert c.speaker == "Tomas Vidal (Mayor Ruiz's spokesman)"
    (c,) = claims_of("Kari Nygaard , head of the Bergen Port Authority, said the quay would stay closed until March.")
    assert c.speaker == "Kari Nygaard (head of the Bergen Port Authority)"



def test_someone_unnamed_who_speaks_for_another_is_named_by_them_in_one_form(claims_of):
    cs = claims_of("Sheriff Dan Moreno said the jail would be inspected in May.\n\n"
                   "A spokesman for Moreno said the inspection had been planned for a year.\n\n"
                   "A spokeswoman for Sheriff Dan Moreno said the cells had been painted.\n\n"
                   "Moreno said the jail would hold no more than 200 people.\n\n"
                   "A spokesman for Germany's foreign ministry said the ambassador had been summoned.\n\n"
                   "A European Commission spokesman said the fine would be paid into the bloc's budget.\n\n"
                   "A spokesman for the European Commission said the fine was the largest in ten years.\n\n"
                   "Northwind Energy said its profits had fallen by a third last year. "
                   "A spokesman for the company said its plant in Ohio would close in June.")
    assert one(cs, "planned for a year").speaker == "Dan Moreno (spokesman)"
    assert one(cs, "painted").speaker == "Dan Moreno (spokeswoman)"
    assert "Dan Moreno (Sheriff)" == one(cs, "200 people").speaker  # whom they speak for is not they
    assert one(cs, "summoned").speaker == "Germany's foreign ministry (spokesman)"
    assert one(cs, "bloc's budget").speaker == "European Commission (spokesman)"
    assert one(cs, "ten years").speaker == "European Commission (spokesman)"
    assert one(cs, "plant in Ohio").speaker == "Northwind Energy (spokesman)"
    # "the ... spokesperson" is still the one named before; a deputy spokesman is who "the spokesman" means
    cs = claims_of("Omar Haddad, spokesperson for the Jordanian water ministry, said two wells had run dry. "
                   "The Jordanian water ministry spokesperson said new wells would be dug in May.")
    assert "Omar Haddad" in one(cs, "dug in May").speaker
    cs = claims_of("The harbour board's deputy spokesman, Ines Okafor, said the quay was shut on Monday. "
                   "The spokesman said it would open again on Friday.")
    assert "Ines Okafor" in one(cs, "quay was shut").speaker
    assert one(cs, "open again on Friday").speaker == one(cs, "quay was shut").speaker


@pytest.mark.parametrize("dateline", ["OSLO (Reuters) - ", "OSLO, June 3 (AP) — ", "OSLO — ", "OSLO (NTB) – ",
                                      "OSLO, June 3, 2024 /PRNewswire/ -- ", "OSLO (UPI) -- ", "Oslo (NTB) - ",
                                      "Oslo, 3 jun (NTB).- ", "Bergen (Vestland) (NTB) - ", "(NTB) -- "])
def test_a_wire_dateline_is_not_the_speaker(claims_of, dateline):
    (c,) = claims_of(f"{dateline}The Bank of Norway said on Thursday it would keep interest rates at 4.5 percent.")
    assert c.speaker == "Bank of Norway" and c.relay == (PUBLISHER, c.speaker)
    assert c.text.startswith("The Bank of Norway said")  # the dateline is not part of the claim
    assert not {"OSLO", "Oslo", "Bergen", "Reuters", "AP", "NTB", "UPI", "PRNewswire"} & set(c.entities)
    assert "OSLO" not in c.assertion and c.assertion.endswith("it would keep interest rates at 4.5 percent.")
    (c,) = claims_of(f"{dateline}Three ferries were moved to the west pier after the storm on Sunday.")
    assert c.speaker == PUBLISHER
    assert c.assertion == "Three ferries were moved to the west pier after the storm on Sunday."


def test_a_name_written_like_a_city_is_no_dateline_without_an_agency(claims_of):
    (c,) = claims_of("Bergen - the oldest port on the coast - will close its fish market for the winter, the mayor "
                     "said.")
    assert c.text.startswith("Bergen - the oldest port")
    assert c.speaker == "mayor"


def test_a_passive_trailing_frame_and_a_subordinate_subject_name_no_one(claims_of):
    cs = claims_of("The east pier lost a third of its beams in the storm, it has been reported. "
                   "On the day Lena Brandt was appointed, a local diver released what he claims is a video of the "
                   "damage.")
    assert one(cs, "it has been reported").speaker == PUBLISHER
    assert "Lena Brandt" not in one(cs, "local diver").speaker


def test_unattributed_quote_after_an_attributed_one_continues_that_voice(claims_of):
    cs = claims_of("“We have asked the council for the repair money three times,” harbour master Lena Brandt told "
                   "the Harbour Post. “Each time the council said the budget for the year was already spent.” "
                   "The council did not respond to a request for comment on Monday.")
    assert "Lena Brandt" in one(cs, "asked the council").speaker
    assert one(cs, "Each time").speaker == one(cs, "asked the council").speaker
    assert one(cs, "did not respond").speaker == PUBLISHER


def test_scare_quotes_and_new_paragraphs_do_not_continue_a_voice(claims_of):
    cs = claims_of("Harbour master Lena Brandt said the pier lost two more beams in the storm on Sunday. "
                   "The so-called “temporary” repairs to the pier were made in 2009.\n\n"
                   "“The ferry company will pay half of a new terminal by 2027,” the company said.\n\n"
                   "“The pier will be closed to cars from Monday until the end of the month.”")
    assert "Lena Brandt" in one(cs, "lost two more beams").speaker
    assert one(cs, "temporary").speaker == PUBLISHER
    assert one(cs, "closed to cars").speaker == PUBLISHER


def test_a_lead_in_ending_with_a_colon_gives_what_follows_to_its_speaker(claims_of):
    cs = claims_of("The ferry company was asked about the terminal on Friday.\n\n"
                   "And here is a statement from the Ridgeway Ferry Company:\n\n"
                   "The company has never planned to close the terminal in winter. It will keep its timetable "
                   "for the season, with Tom Ashby hosting and Mara Quinn reporting.\n\n"
                   "The council meets again on Tuesday to discuss the terminal budget.")
    assert not [c for c in cs if c.text.endswith(":")]  # the lead-in itself states nothing
    for needle in ("never planned to close", "keep its timetable"):
        assert one(cs, needle).speaker == "Ridgeway Ferry Company"
        assert one(cs, needle).relay == (PUBLISHER, "Ridgeway Ferry Company")
    assert one(cs, "council meets again").speaker == PUBLISHER  # narration again


def test_a_quotation_after_he_added_colon_is_the_persons(claims_of):
    cs = claims_of("Harbour master Lena Brandt said the pier lost two more beams in the storm on Sunday.\n\n"
                   "She added:\n\n"
                   "“The beams were already rotten when we inspected them last spring. Nobody wanted to pay for "
                   "new ones before the season.”\n\n"
                   "The council has not yet set a date for the repairs to the old pier.")
    assert "Lena Brandt" in one(cs, "already rotten").speaker
    assert "Lena Brandt" in one(cs, "Nobody wanted").speaker
    assert one(cs, "not yet set a date").speaker == PUBLISHER


def test_a_single_quoted_quotation_runs_over_sentences(claims_of):
    cs = claims_of("Harbour master Lena Brandt said the pier lost two more beams in the storm on Sunday.\n\n"
                   "She added: ‘The beams were already rotten last spring. Nobody wanted to pay for new ones. "
                   "The whole pier will have to close before the summer season.\n\n"  # goes on: not closed
                   "‘We warned the council about it three times in writing last year.’\n\n"
                   "The council has not yet set a date for the repairs to the old pier.")
    for needle in ("Nobody wanted", "whole pier", "warned the council"):
        assert "Lena Brandt" in one(cs, needle).speaker, needle
    assert one(cs, "not yet set a date").speaker == PUBLISHER


def test_a_colon_without_a_speaker_or_a_statement_changes_nothing(claims_of):
    cs = claims_of("The council published the list of closures on its website on Monday morning:\n\n"
                   "The old pier will close from June until the end of the summer season.")
    assert one(cs, "list of closures").speaker == PUBLISHER
    assert one(cs, "old pier will close").speaker == PUBLISHER


def test_an_outlet_where_someone_spoke_is_not_the_speaker(claims_of):
    cs = claims_of("On Sunday morning two engineers on CNN doubted that the pier could be repaired this year.\n\n"
                   "Two divers in the Guardian said the beams had rotted through years ago.\n\n"
                   "An article in the Guardian said the council had known about the beams since 2019.")
    assert one(cs, "two engineers").speaker != "CNN"
    divers = one(cs, "Two divers")
    assert divers.speaker == "Two divers"
    assert divers.relay == (PUBLISHER, "The Guardian", "Two divers")
    assert one(cs, "An article").speaker == "The Guardian"


def test_someone_reporting_in_a_with_clause_is_not_the_speaker(claims_of):
    (c,) = claims_of("The station will broadcast the harbour festival live, with Tom Ashby hosting and Mara Quinn "
                     "reporting.")
    assert c.speaker == PUBLISHER


def test_questions_imperatives_and_fragments_are_dropped(claims_of):
    cs = claims_of(
        "Will the city close three libraries next year after all?\n\n"
        "Read the full budget plan on our website today.\n\n"
        "Support independent local journalism and subscribe now.\n\n"
        "Photos: the flooded valley.\n\n"
        "The river rose by two metres overnight and flooded forty homes."
    )
    assert [c.text for c in cs] == ["The river rose by two metres overnight and flooded forty homes."]


def test_paragraph_breaks_end_sentences(claims_of):
    text = ("The city council approved the new budget on Monday evening\n\n"
            "the libraries will stay open until the end of the year\n"
            "The museum will charge an entrance fee from June")
    cs = claims_of(text)
    assert [c.text for c in cs] == [
        "The city council approved the new budget on Monday evening",
        "the libraries will stay open until the end of the year",
        "The museum will charge an entrance fee from June",
    ]
    assert [c.position for c in cs] == sorted(c.position for c in cs)


def test_anaphoric_claim_gets_its_neighbour_as_context(claims_of):
    cs = claims_of("The harbour authority ordered two new tugboats from a yard in Norway. "
                   "They will arrive before the summer season begins.")
    later = one(cs, "They will arrive")
    assert "tugboats" in later.context and later.context.endswith(later.assertion)


def test_anaphoric_claim_keeps_its_context_across_a_paragraph_break(claims_of):
    cs = claims_of("The harbour authority ordered two new tugboats from a yard in Norway.\n\n"
                   "They will arrive before the summer season begins.")
    later = one(cs, "They will arrive")
    assert later.context == f"{one(cs, 'tugboats').assertion} {later.assertion}"


def test_extraction_is_deterministic(claims_of):
    text = "According to Reuters, the city will close three libraries next year. The mayor said the plan was final."
    assert claims_of(text) == claims_of(text)


# -- the real seed pages ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_claims(seeds_dir, extractor):
    from detector.pipeline import extract

    docs, per_doc, problems = extract(sorted(str(p) for p in seeds_dir.glob("*.txt")), extractor=extractor)
    assert not problems, problems
    return docs, [c for cs in per_doc for c in cs]


FURNITURE = ("Subscribe", "indicates required", "Skip to content", "Read more", "Sign up", "Share this")


def test_seed_claims_have_no_page_furniture(seed_claims):
    _, claims = seed_claims
    assert len(claims) > 20
    for c in claims:
        for f in FURNITURE:
            assert f.lower() not in c.text.lower(), c.text


def test_seed_kirby_claim_speaker(seed_claims):
    _, claims = seed_claims
    (kirby,) = [c for c in claims if "have not seen them" in c.text]
    assert "Kirby" in kirby.speaker
    assert kirby.relay[0] == kirby.outlet == "ZeroHedge"


def test_seed_foreign_ministry_denial_speaker(seed_claims):
    _, claims = seed_claims
    (denial,) = [c for c in claims if "denied any plans" in c.text]
    assert "Foreign Ministry" in denial.speaker
    assert "CNN" in denial.relay


def test_seed_bingo_claims_are_der_spiegel_on_both_relaying_pages(seed_claims):
    docs, claims = seed_claims
    bingo = [c for c in claims if "100 ZT-180" in c.text]
    outlets = {c.outlet for c in bingo}
    assert {"The Kyiv Independent", "ZeroHedge"} <= outlets
    for c in bingo:
        assert c.speaker == "Der Spiegel", (c.outlet, c.text)
        assert c.relay == (c.outlet, "Der Spiegel")


def test_seed_quotations_without_their_own_attribution_stay_with_the_ambassador(seed_claims):
    """Global Times: a quotation opened after "He warned that" runs into the next sentence, and two quotations
    follow an attributed one in the same paragraph; none of them is the newspaper's own voice."""
    _, claims = seed_claims
    for needle in ("dirty bomb", "we almost agreed upon", "mutual respect and genuine interest"):
        (c,) = [c for c in claims if needle in c.text]
        assert c.speaker == "Igor Morgulov (Russian Ambassador to China)", (needle, c.speaker)
        assert c.outlet == "Global Times" and c.relay[0] == "Global Times" and c.relay[-1] == c.speaker


def test_long_text_is_parsed_in_pieces_and_read_to_the_end(nlp):
    from detector.claims import ClaimExtractor
    from detector.pipeline import _cut_texts

    paragraphs = [
        "The harbour master said on Monday that the new pier would open in the spring.",
        '"We expect the first ferries in April," Lena Moss told the Coastal Ledger. "The cranes are already here."',
        "The council said the pier had cost 12 million pounds, two million more than planned.",
        "Fishermen said the work had kept them from the quay for most of the winter.",
    ] * 3
    doc = Document(doc_id="long", text="\n\n".join(paragraphs), source="long.txt", outlet="Harbour Post")
    whole = ClaimExtractor(nlp).extract_many([doc])[0]
    pieces = ClaimExtractor(nlp, max_chars=200).extract_many([doc])[0]  # a piece or two paragraphs at a time
    assert [(c.span, c.text, c.speaker) for c in pieces] == [(c.span, c.text, c.speaker) for c in whole]
    assert pieces[-1].text == paragraphs[-1]
    assert all(doc.text[c.span[0]:c.span[1]] == c.text for c in pieces)
    # beyond max_text the claims stop, and the pipeline says so
    short = ClaimExtractor(nlp, max_text=300)
    assert max(c.span[1] for c in short.extract_many([doc])[0]) <= 300
    assert [str(p) for p in _cut_texts([doc], short)] == [
        f"long.txt: text is {len(doc.text):,} characters long; claims are read from the first 300 only"]


def test_according_to_a_report_published_on_a_day_is_the_report(claims_of):
    cs = claims_of("The town lost a third of its fishing fleet in two years, according to the report published on "
                   "12 May 2021.")
    assert one(cs, "fishing fleet").speaker == PUBLISHER
    cs = claims_of("The Guardian said the harbour would close. The fleet had shrunk by half since 2010, according to "
                   "the report published last week.")
    assert one(cs, "shrunk by half").speaker == "The Guardian"
    (c,) = claims_of("The hotel will open in June, according to a report from travel news site Skift.")
    assert "Skift" in c.speaker


def test_according_to_reports_names_the_outlet_or_no_one(claims_of):
    """", according to reports." is no ", X reports." frame, whose "X" would be "according to"; reports "in" an
    outlet are the outlet's, not a venue where "reports" spoke."""
    got = claims_of("The bridge was closed on Monday, according to reports.\n\n"
                    "The ferry was moved to the north pier, according to reports in the Guardian.\n\n"
                    "According to reports in the Guardian, the port will reopen in May.")
    assert [c.speaker for c in got] == ["reports", "The Guardian", "The Guardian"]


def test_a_lead_in_in_the_first_person_is_the_authors(claims_of):
    """"As I wrote in December:" introduces the author's own earlier piece, not the last speaker's words."""
    got = claims_of("The ferry company plans to add a second boat in March, the Guardian reported.\n\n"
                    "As I wrote in December:\n\n"
                    "The company made some smart choices for its first route across the bay.")
    assert [c.speaker for c in got] == ["The Guardian", PUBLISHER]


@pytest.mark.parametrize("marker", ["- ", "• ", "{n}. "], ids=["dash", "bullet", "number"])
@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["line", "blank-line"])
@pytest.mark.parametrize("lead_in, speaker", [("The fisheries ministry listed its demands:", "ministry"),
                                              ("Port director Eva Lind said in a statement:", "Eva Lind")],
                         ids=["listed-demands", "said-in-a-statement"])
def test_a_lead_in_gives_every_item_of_its_list_to_its_speaker(claims_of, marker, gap, lead_in, speaker):
    """Each item of a list opens a line (or a paragraph) of its own: all of them are what the lead-in introduces;
    the paragraph after the list, which opens no item, is narration again."""
    items = ["Every trawler will send its catch figures to the harbour office within a day.",
             "The northern banks will be closed to bottom trawling until next April. Inspectors will check the "
             "nets of every boat that lands in Bergen.",
             "Boats caught without a working tracker will lose their licence for a year."]
    text = gap.join(["The fisheries ministry met the trawler owners in Bergen on Monday.", lead_in,
                     *(marker.format(n=n) + item for n, item in enumerate(items, 1)),
                     "The owners' association has called a meeting for Thursday to discuss the list."])
    cs = claims_of(text)
    for needle in ("catch figures", "bottom trawling", "Inspectors will check", "working tracker"):
        c = one(cs, needle)
        assert speaker in c.speaker, needle
        assert c.assertion.startswith(("Every", "The", "Inspectors", "Boats")), c.assertion  # no list marker
    assert one(cs, "owners' association").speaker == PUBLISHER
    assert one(cs, "met the trawler owners").speaker == PUBLISHER
    assert not [c for c in cs if c.text.endswith(":")]


@pytest.mark.parametrize("ask, answer", [("Q", "A"), ("QUESTION", "ANSWER")])
@pytest.mark.parametrize("intro", [
    "In an interview with the Harbour Post, Defence Minister Ana Ruiz spoke about the navy budget.",
    "The Harbour Post interviewed Defence Minister Ana Ruiz about the navy budget on Monday.",
    "The navy budget was debated in parliament on Monday.",
], ids=["interview-with", "interviewed", "no-one-named"])
def test_in_a_transcript_questions_are_no_claims_and_answers_are_the_interviewees(claims_of, ask, answer, intro):
    """A question is the interviewer's and states nothing, even where it repeats what critics say; an answer is the
    person the page says it interviewed, else the outlet's own. Whom an answer quotes is the interviewee's source."""
    text = "\n\n".join([
        intro,
        f"{ask}: Critics say the navy budget has been cut by a third since 2020. Is that true?",
        f"{answer}: The defence budget has grown by four percent in each of the last three years. The navy will order "
        "two frigates from the Bergen yard.",
        f"{ask}: When will the frigates be delivered?",
        f"{answer}: I told parliament that the first frigate will be delivered in 2027. The navy's auditors said the "
        "Bergen yard was ready for the order.",
        "The opposition has called for a vote on the budget next week."])
    cs = claims_of(text)
    assert not [c for c in cs if "Critics" in c.text or "cut by a third" in c.text]
    named = "Ana Ruiz" in intro
    for needle in ("grown by four percent", "two frigates", "first frigate"):
        c = one(cs, needle)
        assert ("Ana Ruiz" in c.speaker) if named else c.speaker == PUBLISHER, needle
        assert not c.text.startswith(answer) and not c.assertion.startswith(answer)  # the label is no part of it
    auditors = one(cs, "auditors")
    assert "auditors" in auditors.speaker
    assert auditors.relay[:-1] == ((PUBLISHER, one(cs, "two frigates").speaker) if named else (PUBLISHER,))
    assert one(cs, "opposition has called").speaker == PUBLISHER


@pytest.mark.parametrize("sentence, speaker", [
    ("Tesla dismissed 200 workers at its Berlin factory last month, court records show.", "court records"),
    ("The harbour board fired twelve pilots after the collision in March, payroll figures showed.", "payroll figures"),
    ("The court rejected 30 appeals from the ferry workers in the first half of the year.", PUBLISHER),
    ("The government denied entry to 40 refugees at the northern border crossing on Sunday.", PUBLISHER),
    ("The court denied him bail after the second hearing in Bergen on Friday.", PUBLISHER),
    ("The government denied the report that it had turned refugees away at the border.", "government"),
    ("The minister denied having met the lobbyists before the vote in parliament.", "minister"),
    ("Tesla dismissed the reports of layoffs at its Berlin factory as false.", "Tesla"),
    ("The border agency continued to deny that anyone had crossed the river at night.", "border agency"),
    ("The search for the missing trawler continued to puzzle the coastguard for another week.", PUBLISHER),
    ("The Interior Ministry continues to have no reliable information that the convoy crossed the border.",
     "Interior Ministry"),
    ("Divers continued to search the harbour and announced the discovery of a second anchor on Friday.", "Divers"),
    ("The Harbour Authority will continue to update its website as more details become available.", PUBLISHER),
], ids=["dismissed-records-show", "fired-figures-showed", "rejected-appeals", "denied-entry", "denied-bail",
        "denied-the-report", "denied-having", "dismissed-the-reports", "continued-to-deny", "continued-to-puzzle",
        "named-body-continues-to-have-no-information", "continued-and-announced", "named-body-continues-an-act"])
def test_an_act_is_no_speech_and_x_show_names_its_source(claims_of, sentence, speaker):
    """Dismissing workers, rejecting appeals or denying entry is something the subject does, not says: the page
    states it, or the records a trailing "X show(s)" names. Denying or dismissing a claim is speech."""
    (c,) = claims_of(sentence)
    assert c.speaker == speaker
    if "show" in sentence:
        assert "show" not in c.assertion and c.assertion.startswith(sentence.split()[0])


def test_a_lead_in_that_says_something_introduces_its_list_and_stays_a_claim(claims_of):
    cs = claims_of("Health minister Anna Berg said three conditions had to be met before the wards reopen:\n\n"
                   "- Every ward will have two doctors on duty at night.\n"
                   "- The northern wards will stay closed to visitors until the end of April.\n\n"
                   "The hospital board will meet the union on Thursday.")
    assert "Anna Berg" in one(cs, "three conditions").speaker
    for needle in ("two doctors", "northern wards"):
        assert "Anna Berg" in one(cs, needle).speaker, needle
    assert one(cs, "board will meet").speaker == PUBLISHER


@pytest.mark.parametrize("lead_in, speaker", [("The union listed its grievances:", "union"),
                                              ("The audit report set out its main findings:", "audit report"),
                                              ("The report listed its main findings:", "report"),
                                              ("The ministry's key findings:", "ministry")])
@pytest.mark.parametrize("first", [False, True], ids=["after-narration", "first-line"])
def test_a_list_lead_in_naming_a_body_or_a_document_gives_it_the_list(claims_of, lead_in, speaker, first):
    """Any object of "listed"/"set out" introduces a list, and so does a body's or a document's "key findings:";
    a numbered item with an act of its own ("has dismissed 200 workers") is still the lead-in's."""
    text = "\n\n".join([*([] if first else ["The audit of the city hospital was published in Bergen on Monday."]),
                        lead_in,
                        "1. The company has dismissed 200 nurses since March.\n"
                        "2. Two wards were left without a doctor on duty for whole nights.",
                        "The hospital board will discuss the audit on Thursday."])
    cs = claims_of(text)
    for needle in ("dismissed 200", "without a doctor"):
        assert one(cs, needle).speaker == speaker, needle
    assert one(cs, "board will discuss").speaker == PUBLISHER
    assert not [c for c in cs if c.text.endswith(":")]


@pytest.mark.parametrize("lead_in", ["Governor Ana Ruiz spoke to reporters at the scene:",
                                     "Governor Ana Ruiz addressed the crowd outside the town hall:",
                                     "Governor Ana Ruiz told reporters at the scene:"])
def test_a_lead_in_saying_someone_spoke_gives_them_the_quotation(claims_of, lead_in):
    cs = claims_of("A fire destroyed the old market hall in Tarragona on Sunday night.\n\n" + lead_in + "\n\n"
                   "“The fire started in the bakery shortly after midnight. Nobody was inside the hall when the roof "
                   "collapsed.\n\n"
                   "“We will rebuild the market hall within two years, with money from the regional budget.”\n\n"
                   "The police have opened an investigation into the cause of the fire.")
    for needle in ("bakery", "Nobody was inside", "rebuild"):
        assert "Ana Ruiz" in one(cs, needle).speaker, needle
    assert not [c for c in cs if c.text.endswith(":")]
    assert one(cs, "investigation").speaker == PUBLISHER


@pytest.mark.parametrize("ask, answer", [("Q.", "A."), ("Q:", "A:")])
@pytest.mark.parametrize("intro", [
    "Defence Minister Ana Ruiz sat down with The Herald on Monday.",
    "Defence Minister Ana Ruiz spoke to the Post about the navy budget.",
    "Our reporter Jon Ek sat down with Defence Minister Ana Ruiz on Monday.",
], ids=["sat-down-with", "spoke-to", "reporter-sat-down-with"])
def test_a_transcript_with_full_stops_and_short_answers(claims_of, ask, answer, intro):
    """"Q." and "A." label turns as "Q:" and "A:" do; whoever sat down with or spoke to the page is interviewed
    (not "our reporter"); a short answer with a figure or a negation is a claim."""
    cs = claims_of("\n\n".join([
        intro,
        f"{ask} Are the military hospitals full after the floods?",
        f"{answer} The hospitals are not full. We have 400 free beds.",
        "The opposition has called for a vote on the budget next week."]))
    for needle in ("not full", "400 free beds"):
        c = one(cs, needle)
        assert "Ana Ruiz" in c.speaker, needle
        assert not c.text.startswith(answer[0]) and not c.assertion.startswith(answer[0])
    assert not [c for c in cs if "Are the military" in c.text]
    assert one(cs, "opposition").speaker == PUBLISHER


def test_short_sentences_without_a_figure_or_a_negation_are_no_claims(claims_of):
    cs = claims_of("The mayor went home early.\n\nThe pier was closed.\n\nThe pier was not closed.\n\n"
                   "Four ferries sank on Sunday.\n\nIt rained.")
    assert [c.text for c in cs] == ["The pier was not closed.", "Four ferries sank on Sunday."]


def test_a_sentence_inside_a_quotation_keeps_its_speaker_whatever_it_continues(claims_of):
    """The rest of a quotation that goes on after an attributed sentence is still the speaker's, even where it says
    something "continues" (an act, outside a quotation)."""
    cs = claims_of('Dr Lena Moric, a paediatrician from Zadar, said the figures were worrying. "It is worrying that '
                   'boys of 14 smoke every day, that is what we see now. But the kiosks continue to sell cigarettes '
                   'to children in every street."')
    assert "Lena Moric" in one(cs, "kiosks continue").speaker
    assert "Lena Moric" in one(cs, "boys of 14").speaker


@pytest.mark.parametrize("lead_in, speaker", [
    ("The two remaining band members issued a statement on Monday:", "band members"),
    ("After weeks of silence, the brewery gave the following statement to a local paper:", "brewery")])
def test_a_lead_in_and_its_quotation_in_one_sentence_are_the_lead_ins_speakers(claims_of, lead_in, speaker):
    cs = claims_of(f'{lead_in} "We are sad to hear that the old ferry will be scrapped in March. '
                   'The four of us sailed on it every summer for twenty years."\n\n'
                   "The ferry was built in a Bergen shipyard in 1968.")
    first = one(cs, "old ferry")
    assert speaker in first.speaker and first.assertion.startswith("We are sad")
    assert speaker in one(cs, "every summer").speaker
    assert one(cs, "Bergen shipyard").speaker == PUBLISHER


def test_a_lead_in_to_a_picture_is_the_pages_description_of_an_act(claims_of):
    """Posting a picture, a video or a link says nothing: the lead-in is the page's own sentence, and introduces no
    claim of the person's."""
    cs = claims_of("In response, coach Marta Lind has posted the following picture of the team bus being pulled "
                   "out of the river:\n\nThe club said all players were safe and would travel home by train.")
    assert one(cs, "following picture").speaker == PUBLISHER
    assert one(cs, "players were safe").speaker == "club"


def test_the_commissioner_is_not_the_mayor_named_with_them(claims_of):
    """In "Mayor Tom Okafor and Commissioner Ann Hale told reporters", the title after "and" is Hale's: a later "the
    commissioner said" means Hale, not Okafor, named last."""
    cs = claims_of("Fire Commissioner Ann Hale said the blaze started in a kitchen on the third floor.\n\n"
                   "Mayor Tom Okafor and Commissioner Hale told reporters the city would pay for temporary housing.\n\n"
                   "The building had passed its last inspection in March, the commissioner said.")
    assert "Ann Hale" in one(cs, "last inspection").speaker
    assert "Tom Okafor" in one(cs, "temporary housing").speaker
