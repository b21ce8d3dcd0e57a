"""Span-level checks: numbers, dates, negation, denial, non-confirmation, hedging, and where their spans point."""

from __future__ import annotations

import pytest

from detector.checks import _CASUALTY, _CASUALTY_VERBS, CHECK_FEATURES, days_between, quantities, run_checks


def reasons_of(result, kind):
    return [r for r in result.reasons if r.kind == kind]


def assert_spans_point_at_cues(result, text_a, text_b):
    """Every reason with a span must point at the words its detail quotes (or starts with)."""
    for r in result.reasons:
        if r.span is None:
            continue
        text = text_a if r.side == "a" else text_b
        cue = text[r.span[0] : r.span[1]]
        assert cue, r
        if "“" in r.detail:
            assert r.detail.split("“", 1)[1].rstrip("”") == cue, r
        elif " vs " in r.detail:  # "A's figures vs B's figures": the cue is on its own side's half
            mine = r.detail.split(" vs ", 1)[0 if r.side == "a" else 1]
            assert cue in mine.split(" (")[0].split(", "), r
        else:
            assert r.detail.startswith(cue), r


def test_features_are_complete_and_bounded():
    r = run_checks("The ferry carried 40 cars.", "The ferry did not carry 4 cars.")
    assert set(r.features) == set(CHECK_FEATURES)
    assert all(0.0 <= v <= 4.0 for v in r.features.values())
    assert 0.0 <= r.features["tok_jaccard"] <= 1.0 and 0.0 < r.features["len_ratio"] <= 1.0


# -- numbers ---------------------------------------------------------------------------------------------------
def test_numbers_mismatch_100_vs_10_drones():
    a, b = "The factory will deliver 100 drones in April.", "The factory will deliver 10 drones in April."
    r = run_checks(a, b)
    assert r.features["num_mismatch"] == 1.0 and r.features["num_match"] == 0.0
    (ra, rb) = reasons_of(r, "number")
    assert (ra.side, a[slice(*ra.span)]) == ("a", "100")
    assert (rb.side, b[slice(*rb.span)]) == ("b", "10")
    assert "drone" in ra.detail
    assert_spans_point_at_cues(r, a, b)


def test_figures_are_compared_as_sets_per_unit():
    # two figures for one unit on both sides are not "six vs two months"
    # (lengths of time: "six months after a second dose" would be a point in time, no figure at all)
    a = "Adults need a booster within six months of a second dose, or within two months of a single shot."
    b = "Boosters are due within six months of the second shot or within two months of the first."
    r = run_checks(a, b)
    assert (r.features["num_mismatch"], r.features["num_match"]) == (0.0, 1.0)
    # a figure only one side gives is detail, not disagreement
    r = run_checks("The ferry carried 60 passengers and 12 cars.", "It had 60 passengers on board.")
    assert (r.features["num_mismatch"], r.features["num_match"]) == (0.0, 1.0)


def test_a_mismatch_reason_names_both_figures_once_with_every_span():
    a = "The coast guard said the ferry carried 60 passengers."
    b = "Officials said 200 passengers were on the ferry, or 210 passengers by another count."
    r = run_checks(a, b)
    found = reasons_of(r, "number")
    assert {x.detail for x in found} == {"60 vs 200, 210 (passenger)"}
    assert sorted((x.side, (a if x.side == "a" else b)[slice(*x.span)]) for x in found) == [
        ("a", "60"), ("b", "200"), ("b", "210")]
    assert_spans_point_at_cues(r, a, b)


def test_percent_and_money_mismatch_reasons_do_not_repeat_the_unit():
    r = run_checks("Sales rose 12 per cent.", "Sales rose 15 percent.")
    assert {x.detail for x in reasons_of(r, "number")} == {"12 per cent vs 15 percent"}


def test_death_tolls_are_compared_whatever_the_noun():
    a = "At least 40 people have been killed in the flooding, the governor said."
    b = "Twelve people died in the floods, according to the regional office."
    r = run_checks(a, b)
    assert r.features["num_mismatch"] == 1.0
    assert {x.detail for x in reasons_of(r, "number")} == {"40 vs Twelve (death)"}
    assert_spans_point_at_cues(r, a, b)
    assert run_checks("Floods killed 40; 40 dead were counted.", "The toll stands at 40 deaths.").features[
        "num_match"] == 1.0
    # the dead and the injured are different counts; so are the dead and a crowd
    for other in ("Twelve people were injured in the floods.", "About 100 people attended the vigil."):
        assert run_checks(a, other).features["num_mismatch"] == 0.0


def test_the_dead_are_the_object_of_the_killing_not_its_subject():
    units = {s: [(x.value, x.unit) for x in quantities(s)] for s in (
        "The 3 men who killed 40 people were arrested.",
        "Three gunmen killed at least 40 people at the market.",
        "The blast, killing 12 and injuring 30, hit the station.",
        "Three soldiers killed two civilians.",
        "40 people killed in the attack were buried on Sunday.",
    )}
    assert list(units.values()) == [
        [(3.0, "men"), (40.0, "death")],
        [(40.0, "death"), (3.0, "gunmen")],
        [(12.0, "death"), (30.0, "injury")],
        [(3.0, "soldier"), (2.0, "death")],  # both figures, though the first one's window covers the second
        [(40.0, "death")],  # a passive "killed in" still names its own figure
    ]
    # so the killers are not a second death toll against the first
    r = run_checks("The 3 men who killed 40 people were arrested.", "Forty people died in the attack.")
    assert (r.features["num_match"], r.features["num_mismatch"]) == (1.0, 0.0)

def test_a_death_toll_counts_deaths_whatever_follows_it():
    later = "The death toll from the mill fire has risen to 19 after rescuers found five more bodies."
    assert [(x.value, x.unit) for x in quantities(later)] == [(19.0, "death"), (5.0, "body")]
    assert [(x.value, x.unit) for x in quantities("The death toll stood at more than 40 on Tuesday.")] == [
        (40.0, "death")]
    r = run_checks("The fire chief said 14 workers were killed in the mill fire.", later)
    assert {x.detail for x in reasons_of(r, "number")} == {"14 vs 19 (death)"}



def test_a_killing_threatened_planned_or_possible_is_no_toll():
    # what someone threatens, plans or vows to do, or what could happen, has not happened: no dead are counted
    units = {s: [(q.value, q.unit) for q in quantities(s)] for s in (
        "The kidnappers threatened to kill one of the drivers.",
        "The cell was planning to kill 12 guards.",
        "The militia vowed to kill 30 prisoners.",
        "Up to 40 villagers could die in the heat.",
    )}
    assert list(units.values()) == [[(1.0, "driver")], [(12.0, "guard")], [(30.0, "prisoner")],
                                    [(40.0, "villager")]]
    r = run_checks("The kidnappers threatened to kill two of the drivers.", "Gunmen killed five drivers on the road.")
    assert not reasons_of(r, "number")
    # a reported toll stays a toll, also when it is uncertain, and so does a killing done with a purpose
    for text, value in (("At least 12 are feared dead.", 12.0), ("As many as 30 may have died.", 30.0),
                        ("The army used artillery to kill 25 fighters.", 25.0)):
        assert [(q.value, q.unit) for q in quantities(text)] == [(value, "death")], text

def test_no_one_is_a_toll_of_none():
    assert [(x.value, x.unit, x.text) for x in quantities("The ferry sank and no one died, the coast guard said.")] == [
        (0.0, "death", "no one")]
    assert [(x.value, x.unit) for x in quantities("One passenger died when the ferry sank.")] == [(1.0, "death")]
    a, b = "Police said the ferry sank and no one died.", "Officials said the ferry sank and 40 people died."
    r = run_checks(a, b)
    assert {x.detail for x in reasons_of(r, "number")} == {"no one vs 40 (death)"}
    assert_spans_point_at_cues(r, a, b)


@pytest.mark.parametrize("text, denies", [
    ("The ministry denied the reports.", True),
    ("The ministry continued to deny the reports.", True),
    ("While it might be easy to dismiss an incident like this, the league's record is poor.", False),
    ("The ministry could not deny the reports.", False),
    ("The ministry will reject the bid, analysts expect.", False),
    ("The company will deny service to users who do not pay.", False),
    ("Officials said the claims would be baseless.", False),
    ("The union threatened to reject the offer.", False),
])
def test_a_denial_put_as_a_possibility_is_no_denial(text, denies):
    other = "The league suspended the presenter for three weeks."
    r = run_checks(text, other)
    assert bool(reasons_of(r, "denial")) is denies
    assert (r.features["denial"], r.features["rebuttal"]) == ((1.0, 1.0) if denies else (0.0, 0.0))


def test_same_numbers_match():
    r = run_checks("The factory will deliver 100 drones.", "Officials said 100 drones would be delivered.")
    assert (r.features["num_match"], r.features["num_mismatch"]) == (1.0, 0.0)
    assert [x.detail for x in reasons_of(r, "number")] == ["the same figures on both sides"]


def test_numbers_with_different_units_are_not_compared():
    r = run_checks("The factory has 100 workers.", "The factory will deliver 10 drones.")
    assert (r.features["num_match"], r.features["num_mismatch"]) == (0.0, 0.0)


def test_years_are_not_numbers():
    (q,) = quantities("In 2023 the yard built 40 boats.")
    assert (q.value, q.unit) == (40.0, "boat")
    r = run_checks("The bridge opened in 2019.", "The bridge opened in 2021.")
    assert r.features["num_mismatch"] == 0.0 and not reasons_of(r, "number")


def test_money_with_scale():
    (q,) = quantities("Exports reached $12 million last year.")
    assert (q.value, q.unit, q.text) == (12_000_000.0, "usd", "$12 million")
    a, b = "Exports reached $12 million last year.", "Exports reached $2 million last year."
    r = run_checks(a, b)
    assert r.features["num_mismatch"] == 1.0
    assert [a[slice(*x.span)] if x.side == "a" else b[slice(*x.span)] for x in reasons_of(r, "number")] == [
        "$12 million", "$2 million"]
    # the same amount written differently matches
    assert run_checks("It cost $12 million.", "It cost $12,000,000.").features["num_match"] == 1.0


def test_thousands_separators_and_percent():
    qs = quantities("The port handled 1,200 ships and grew 12.5 percent.")
    assert [(q.value, q.unit) for q in qs] == [(1200.0, "ship"), (12.5, "percent")]


def test_day_of_a_date_is_not_a_number():
    assert not quantities("The talks began on Feb. 23 in Geneva.")


def test_unit_skips_model_codes():
    (q,) = quantities("Bingo agreed to build 100 ZT-180 prototype drones by April.")
    assert (q.value, q.unit) == (100.0, "drone")


def test_a_figure_in_a_name_is_not_a_count():
    # after a maker or a product name, or glued to letters, a number names a model, not how many there are
    for text in ("Airlines grounded their Boeing 737 jets on Friday.", "The Windows 10 update reached users.",
                 "The Apollo 11 film drew crowds.", "Patients with Covid 19 were moved.", "The Boeing 737 MAX 8 left.",
                 "Pilots flew the F-35 and Su-25 jets.", "Covid-19 cases rose.", "The G20 summit opened.",
                 "An A320 landed."):
        assert [q.text for q in quantities(text)] == [], text
    a = "Airlines grounded their Boeing 737 jets after the crash, the regulator said."
    b = "The regulator said 40 jets were grounded after the crash."
    r = run_checks(a, b)
    assert (r.features["num_mismatch"], r.features["num_match"]) == (0.0, 0.0) and not reasons_of(r, "number")
    r = run_checks("Militants launched 100 ZT-180 drones overnight.", "Militants launched 100 drones overnight.")
    assert (r.features["num_mismatch"], r.features["num_match"]) == (0.0, 1.0)
    # capitalised words that are no names keep the count after them; so does a headline capitalising every word
    for text, value in (("Around 300 people died in the quake.", 300.0), ("Police said Monday 12 people died.", 12.0),
                        ("Killing 12 people, the blast shook the port.", 12.0), ("Storm Kills 12 Hikers In Alps", 12.0),
                        ("Russia's 40 jets flew past.", 40.0)):
        assert [q.value for q in quantities(text)] == [value], text


def test_a_place_or_a_month_before_a_figure_does_not_make_it_a_name():
    units = {s: [(q.value, q.unit) for q in quantities(s)] for s in (
        "In Porto 18 boats sank overnight, the harbour office said.",  # a place after a clause-opening preposition
        "Last June 300 nurses quit the hospital.",  # a month
        "In April 450 jobs were cut at the plant.",  # a month, and no day of a date
        "Mosul 22 killed in a market bombing, police say",  # a casualty word after the figure
        "Officials said Lagos 70 people lost their homes.",  # people after the figure
    )}
    assert list(units.values()) == [[(18.0, "boat")], [(300.0, "nurse")], [(450.0, "job")], [(22.0, "death")],
                                    [(70.0, "people")]]
    r = run_checks("In Porto 40 people died in the floods, officials said.", "Officials said 12 people died in Porto.")
    assert {x.detail for x in reasons_of(r, "number")} == {"40 vs 12 (death)"}
    # names stay names: mid-clause after a preposition, after a product name, and before a noun that is no person
    for text in ("A bug in Windows 10 let hackers read the files.", "Relatives of those on Flight 370 met in Perth.",
                 "Under Article 5 allies must come to help.", "In iOS 8 users lost their files.",
                 "Many iPhone 6 users complained about bending.", "The Apollo 11 astronauts landed.",
                 "She died from Covid 19 last winter.", "Relatives said Flight 17 passengers were killed at once."):
        assert [q.text for q in quantities(text)] == [], text



@pytest.mark.parametrize("word", sorted(_CASUALTY_VERBS.keys() - {"dies"}))
def test_every_casualty_verb_counts_the_figure_after_a_place(word):
    # one table for both uses: a casualty verb added to it also makes "Kabul 25 <verb>" a count
    found = [(q.value, q.unit) for q in quantities(f"Officials said Kabul 25 {word} in the blast.")]
    assert found == [(25.0, _CASUALTY[word])]


def test_dies_agrees_with_one_thing():
    # after a name and a figure, "dies" makes the two one thing; after "one" it is a toll of one
    assert quantities("Officials said Windows 10 dies next year.") == ()
    assert [(q.value, q.unit) for q in quantities("One dies as a bus overturns.")] == [(1.0, "death")]


def test_the_counted_noun_after_a_casualty_verb_in_any_tense_and_before_a_preposition():
    units = {s: [(q.value, q.unit) for q in quantities(s)] for s in (
        "A car bomb kills 12 people in the capital.",
        "Storms injure 30 across the valley.",
        "Floods kill 40 in southern hill villages.",
        "Rescuers counted 40 in southern hill villages.",  # no noun: the place is not what is counted
        "The army received 31 M1 Abrams tanks last year.",  # a designation and a name before the noun
        "Police arrested 40 Palestinians at the crossing.",  # a capitalised noun that is the counted one
        "Twelve die as a bus overturns.",
    )}
    assert list(units.values()) == [[(12.0, "death")], [(30.0, "injury")], [(40.0, "death")], [(40.0, "")],
                                    [(31.0, "tank")], [(40.0, "palestinian")], [(12.0, "death")]]
    r = run_checks("A car bomb kills 12 people in the capital.", "A car bomb killed 15 people in the capital.")
    assert {x.detail for x in reasons_of(r, "number")} == {"12 vs 15 (death)"}


def test_durations_are_compared_in_days():
    a, b = "The port was shut for 48 hours after the spill.", "The port was shut for two days after the spill."
    r = run_checks(a, b)
    assert (r.features["num_mismatch"], r.features["num_match"]) == (0.0, 1.0)
    a, b = "A six-month inquiry found no fault with the pilots.", "The inquiry took two years and found no fault."
    r = run_checks(a, b)
    assert r.features["num_mismatch"] == 1.0
    assert {x.detail for x in reasons_of(r, "number")} == {"six-month vs two years"}
    assert_spans_point_at_cues(r, a, b)
    assert [(q.value, q.unit) for q in quantities("He was jailed for 18 months.")] == [(547.875, "duration")]
    # an age and a point in time are not durations
    assert quantities("A 12-year-old boy was hurt.") == ()
    assert [(q.value, q.unit) for q in quantities("The boy, 12 years old, left two days ago.")] == [(12.0, "year")]


def test_a_point_in_time_before_publication_is_no_figure():
    # "three days ago" in a report of the 3rd and "five days ago" in one of the 5th can name the same day
    for text in ("Three days ago the council voted to shut the bridge.", "The council voted 48 hours ago.",
                 "The bridge shut 2 weeks ago, the council said."):
        assert quantities(text) == (), text
    r = run_checks("Three days ago the council voted to shut the bridge.",
                   "Five days ago the council voted to shut the bridge.")
    assert (r.features["num_mismatch"], r.features["num_match"]) == (0.0, 0.0) and not reasons_of(r, "number")



def test_a_point_in_time_after_or_before_another_is_no_figure():
    # "three days later" dates the vote from another event: it is not how long anything lasted
    for text in ("The council voted three days later.", "The ferry sank 2 weeks after the storm.",
                 "Six months before that, the mayor had resigned.", "The mill reopened 48 hours earlier.",
                 "Two years afterwards the pier was rebuilt."):
        assert quantities(text) == (), text
    r = run_checks("The council voted three days later.", "The council voted five days later.")
    assert (r.features["num_mismatch"], r.features["num_match"]) == (0.0, 0.0) and not reasons_of(r, "number")
    # a length stays a length, also when "before" or "after" follows it
    for text, days in (("The strike went on for three days.", 3.0), ("A three-day strike shut the port.", 3.0),
                       ("The blackout lasted 48 hours.", 2.0), ("Crews searched for two weeks after the storm.", 14.0),
                       ("The miners were trapped for about 36 hours before the rescue.", 1.5),
                       ("The flight lasted five to 20 minutes before landing.", 20 / 1440),
                       ("In the three hours after the quake, lines were jammed.", 0.125)):
        assert [q.value for q in quantities(text) if q.unit == "duration"] == [pytest.approx(days)], text

# -- dates -----------------------------------------------------------------------------------------------------
def test_dates_mismatch_and_spans():
    a, b = "The talks began on March 3 in Vienna.", "The talks began on March 9 in Vienna."
    r = run_checks(a, b)
    assert r.features["date_mismatch"] == 1.0
    (ra, rb) = reasons_of(r, "date")
    assert a[slice(*ra.span)] == "March 3" and b[slice(*rb.span)] == "March 9"
    assert_spans_point_at_cues(r, a, b)


def test_same_date_in_other_spelling_is_no_mismatch():
    r = run_checks("The talks began on Feb. 23.", "The talks began on Feb 23.")
    assert r.features["date_mismatch"] == 0.0



def test_in_a_month_a_figure_before_a_counted_word_is_a_count_not_a_day():
    # one writes "in March" but "on March 20": after "in", "March 20 workers" is a month and a count
    a, b = "In March 20 workers were laid off at the mill.", "In March 35 workers were laid off at the mill."
    assert [(q.value, q.unit) for q in quantities(a)] == [(20.0, "worker")]
    r = run_checks(a, b)
    assert {x.detail for x in reasons_of(r, "number")} == {"20 vs 35 (worker)"}
    assert r.features["date_mismatch"] == 0.0 and not reasons_of(r, "date")
    # after "on", with a year, or with no counted word after it, the figure is the day of a date
    for text, day in (("On March 20 workers struck at the mill.", "March 20"),
                      ("March 20, 2024 was the last shift.", "March 20, 2024"),
                      ("In March 20, 2024 the mill shut.", "March 20, 2024"),
                      ("In March 20 the mill shut.", "March 20")):
        assert quantities(text) == (), text
        r = run_checks(text, "The mill shut on April 2.")
        assert [x.detail for x in reasons_of(r, "date")][:1] == [f"{day} vs April 2"], text
    # a month glued to a headline before it is still a month; the end of a name ("Myanmar") is none
    assert quantities("Mill Shuts After Strike VoteMAY 3, 2013") == ()
    assert [(q.value, q.unit) for q in quantities("In Myanmar 20 soldiers fled the base.")] == [(20.0, "soldier")]

def test_days_between():
    assert days_between("2023-02-22", "2023-02-24") == 2
    assert days_between("2023-02-24", "2023-02-22") == -2
    assert days_between(None, "2023-02-22") is None
    assert days_between("not a date", "2023-02-22") is None


# -- negation, denial, non-confirmation, hedging ---------------------------------------------------------------
def test_negation_asymmetry():
    a, b = "The plant is open to visitors.", "The plant is not open to visitors."
    r = run_checks(a, b)
    assert (r.features["neg_asym"], r.features["neg_any"]) == (1.0, 1.0)
    (neg,) = reasons_of(r, "negation")
    assert neg.side == "b" and b[slice(*neg.span)] == "not"
    both = run_checks("The plant isn't open.", "The plant is not open.")
    assert (both.features["neg_asym"], both.features["neg_any"]) == (0.0, 1.0)
    none = run_checks("The plant is open.", "The plant opened.")
    assert (none.features["neg_asym"], none.features["neg_any"]) == (0.0, 0.0)


def test_denial():
    a = "The ministry denied the report and called it disinformation."
    b = "The ministry plans to sell the land."
    r = run_checks(a, b)
    assert r.features["denial"] == 1.0
    assert [a[slice(*x.span)] for x in reasons_of(r, "denial")] == ["denied", "disinformation"]
    assert all(x.side == "a" for x in reasons_of(r, "denial"))
    assert run_checks(b, "The ministry rejected the claims as baseless.").features["denial"] == 1.0
    assert run_checks(b, b).features["denial"] == 0.0
    assert_spans_point_at_cues(r, a, b)


def test_a_stance_on_both_sides_is_not_one_against_the_other():
    deny = "The ministry denied that Beijing has any plans to send weapons."
    unseen = "Kirby said that we have not seen them make that decision."
    for a, b in ((deny, unseen), (unseen, deny), (deny, "The ministry rejected the claims as baseless.")):
        r = run_checks(a, b)
        f = r.features
        assert (f["denial"], f["non_confirmation"], f["rebuttal"]) == (0.0, 0.0, 0.0), (a, b)
        assert {x.side for x in r.reasons if x.kind in ("denial", "non_confirmation")} == {"a", "b"}  # cues shown
    # one side with both cues, the other asserting: both count
    f = run_checks(deny + " " + unseen, "Beijing agreed to send weapons.").features
    assert (f["denial"], f["non_confirmation"], f["rebuttal"]) == (1.0, 1.0, 1.0)


def test_non_confirmation():
    a = "The agency said it has not seen any sign of the shipment."
    b = "The shipment left the port on Monday."
    r = run_checks(a, b)
    assert r.features["non_confirmation"] == 1.0
    (nc,) = reasons_of(r, "non_confirmation")
    assert a[slice(*nc.span)] == "has not seen" and nc.side == "a"
    assert run_checks("We have not seen them move in that direction.", b).features["non_confirmation"] == 1.0
    # a reporter's "could not confirm" is hedging (Emergent labels it "observing"), not a source's rebuttal
    for s in ("Officials could not confirm the figure.", "The claim remains unverified."):
        f = run_checks(s, b).features
        assert f["non_confirmation"] == 0.0 and f["hedge"] >= 1.0, s
    assert_spans_point_at_cues(r, a, b)


def test_hedging():
    a = "The company reportedly may ship the parts next month."
    b = "The company shipped the parts last month."
    r = run_checks(a, b)
    assert r.features["hedge"] == 2.0
    assert [a[slice(*x.span)] for x in reasons_of(r, "hedging")] == ["reportedly", "may"]
    assert run_checks(b, b).features["hedge"] == 0.0


def test_spans_point_into_the_display_texts():
    """Checks read the assertions but spans point into the displayed sentences (spans_a / spans_b)."""
    assertion_a = "The depot holds 50 tanks."
    shown_a = "Officials said that the depot holds 50 tanks."
    assertion_b = "The depot does not hold 5 tanks."
    shown_b = "According to the mayor, the depot does not hold 5 tanks."
    r = run_checks(assertion_a, assertion_b, spans_a=shown_a, spans_b=shown_b)
    spans = {(x.kind, x.side): (shown_a if x.side == "a" else shown_b)[slice(*x.span)] for x in r.reasons if x.span}
    assert spans[("number", "a")] == "50"
    assert spans[("number", "b")] == "5"
    assert spans[("negation", "b")] == "not"
    assert_spans_point_at_cues(r, shown_a, shown_b)


def test_rebuttal_needs_one_negative_side_and_a_definite_claim():
    nc = "While there are signs the firm may be weighing it, we have not seen them make that decision."
    definite = "The firm agreed to build 100 drones for the army."
    possible = "The firm may be weighing whether to build drones for the army."
    assert run_checks(definite, nc).features["rebuttal"] == 1.0
    assert run_checks(nc, definite).features["rebuttal"] == 1.0
    # "we have not seen them decide" does not clash with "they may be weighing it"
    assert run_checks(possible, nc).features["rebuttal"] == 0.0
    # a denial does clash with a hedged report
    assert run_checks(possible, "The ministry denied any plans to build drones.").features["rebuttal"] == 1.0
    # two negative sides agree with each other: no rebuttal
    assert run_checks(nc, "The ministry denied any plans to build drones.").features["rebuttal"] == 0.0


@pytest.mark.parametrize("inquiry", [
    "Investigators are examining claims that the mill poured solvent into the lake.",
    "Regulators are looking into reports that the mill poured solvent into the lake.",
    "Police are investigating allegations that the mill poured solvent into the lake.",
    "The agency opened a probe into accusations of solvent dumping by the mill.",
    "Inspectors are examining whether the mill poured solvent into the lake.",
    "Inspectors are examining claims the mill poured solvent into the lake.",
    "Police are investigating an allegation that the mill poured solvent into the lake.",
    "Prosecutors are reviewing allegations that the mill poured solvent into the lake.",
    "A probe has been launched into claims that the mill poured solvent into the lake.",
    "Regulators are looking into allegations by two anglers that the mill poured solvent into the lake.",
    "An investigation was opened into reports the mill poured solvent into the lake.",
])
def test_an_inquiry_into_an_allegation_is_not_rebutted_by_a_denial(inquiry):
    # the claim is that someone looks into the allegation, not the allegation: a denial of it does not rebut it
    for stance in ("The mill denied pouring solvent into the lake.", "We have seen no evidence of solvent dumping."):
        f = run_checks(inquiry, stance).features
        assert f["rebuttal"] == 0.0, (inquiry, stance)
        assert run_checks(stance, inquiry).features["rebuttal"] == 0.0
    # the allegation itself, even hedged, is still rebutted by the denial
    assert run_checks("The mill reportedly poured solvent into the lake.",
                      "The mill denied pouring solvent into the lake.").features["rebuttal"] == 1.0


@pytest.mark.parametrize("assertion", [
    "The mill reportedly poured solvent into the lake.",
    "The mill poured solvent into the lake, investigators found.",
    "Inspectors examined the pipes and found the mill poured solvent into the lake.",
    "The mill poured solvent into the lake, according to claims by two anglers that surfaced on Monday.",
    "Police reviewed footage that shows the mill pouring solvent into the lake.",
])
def test_an_allegation_reported_as_fact_is_still_rebutted(assertion):
    # the inquiry cue is about someone looking into an allegation; a report of what was found is an assertion, and a
    # denial rebuts it (a denial rebuts even a hedged claim, so only the inquiry cue could stop it here)
    stance = "The mill denied pouring solvent into the lake."
    assert run_checks(assertion, stance).features["rebuttal"] == 1.0
    assert run_checks(stance, assertion).features["rebuttal"] == 1.0
