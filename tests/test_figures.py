"""Figures that drift between sources, story by story: `detector.figures` and `crossclaim figures` (real SQLite)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from detector.cli import cli
from detector.figures import drifting_figures
from detector.models import Claim, Document
from detector.store import Database

WIRES = [  # (outlet, speaker, published, sentence, cluster)
    ("Northwire", "provincial governor", "2024-03-01",
     "At least 40 people were killed when the ferry capsized, the provincial governor said.", 1),
    ("Southwire", "provincial governor", "2024-03-01",
     "Twelve people died when the ferry capsized, according to the provincial governor.", 1),
    ("Eastwire", "rescue services", "2024-03-02", "Rescue services said 41 people had been killed.", 1),
    ("Eastwire", "rescue services", "2024-03-02", "Rescuers pulled 60 survivors from the lake.", 1),
    ("Northwire", "Northwire", "2024-03-01", "The ferry was built for 200 passengers.", 1),
    ("Southwire", "Southwire", "2024-03-01", "The ferry could carry 200 passengers.", 1),
    # one source giving two figures is not a drift, and neither is a claim outside every cluster
    ("Westwire", "harbour master", "2024-03-01", "The harbour master counted 3 boats at dawn and 5 boats at noon.", 2),
    ("Westwire", "Westwire", "2024-03-01", "Officials said 90 people were killed.", None),
]


def _claims() -> tuple[list[Document], list[Claim], dict[str, int]]:
    docs, claims, clusters = [], [], {}
    for i, (outlet, speaker, published, text, cluster) in enumerate(WIRES):
        doc = Document(doc_id=Document.make_id(f"{i} {text}"), text=text, source=f"wire{i}.txt", outlet=outlet,
                       published=published)
        span = (0, len(text))
        c = Claim(claim_id=Claim.make_id(doc.doc_id, span), doc_id=doc.doc_id, text=text, span=span, assertion=text,
                  context=text, speaker=speaker, outlet=outlet,
                  relay=(outlet, speaker) if speaker != outlet else (outlet,), published=published)
        docs.append(doc)
        claims.append(c)
        if cluster is not None:
            clusters[c.claim_id] = cluster
    return docs, claims, clusters


def test_the_death_toll_is_listed_with_every_source_that_gives_it():
    _, claims, clusters = _claims()
    (toll,) = drifting_figures(claims, clusters)  # passengers agree (200 both), boats come from one source
    assert (toll.cluster, toll.unit) == (1, "death")
    assert [(f.value, f.text, f.claim.outlet) for f in toll.figures] == [
        (12.0, "Twelve", "Southwire"), (40.0, "40", "Northwire"), (41.0, "41", "Eastwire")]
    assert toll.values == [12.0, 40.0]  # 40 and 41 are the same figure within 5%
    # one speaker through two outlets is two sources: a relay whose copies differ
    assert toll.sources == [("provincial governor", "Southwire"), ("provincial governor", "Northwire"),
                            ("rescue services", "Eastwire")]
    for f in toll.figures:  # the span points at the figure in the claim's text
        assert f.claim.text[f.span[0] : f.span[1]] == f.text


def test_figures_within_five_percent_from_every_source_are_no_drift():
    _, claims, clusters = _claims()
    agreeing = [c for c in claims if "Twelve" not in c.text]
    assert drifting_figures(agreeing, clusters) == []


def _store(tmp_path):
    docs, claims, clusters = _claims()
    path = tmp_path / "wires.db"
    with Database(path) as db:
        for d, c in zip(docs, claims):
            db.add_document(d, [c])
        db.set_clusters(clusters)
    return path


def test_figures_command_prints_each_source_and_its_figure(tmp_path):
    path = _store(tmp_path)
    r = CliRunner().invoke(cli, ["figures", "--db", str(path)])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "cluster 1, death: 2 figures from 3 sources"
    assert lines[1] == "  Twelve  provincial governor via Southwire, 2024-03-01"
    assert lines[2] == "          Twelve people died when the ferry capsized, according to the provincial governor."
    assert lines[3] == "  40      provincial governor via Northwire, 2024-03-01"
    assert lines[5] == "  41      rescue services via Eastwire, 2024-03-02"
    assert "passenger" not in r.stdout and "boat" not in r.stdout and "90" not in r.stdout

    rows = [json.loads(x) for x in CliRunner().invoke(cli, ["figures", "--db", str(path), "--format", "jsonl"])
            .stdout.splitlines()]
    assert [(r["cluster"], r["unit"], r["values"], r["n_sources"]) for r in rows] == [(1, "death", [12.0, 40.0], 3)]
    twelve = rows[0]["figures"][0]
    assert (twelve["text"], twelve["value"], twelve["outlet"], twelve["span"]) == ("Twelve", 12.0, "Southwire", [0, 6])
    assert twelve["claim"].startswith("Twelve people died") and (twelve["url"], twelve["ref"]) == (None, None)

    # filters; nothing to show is said on stderr, not as an error
    r = CliRunner().invoke(cli, ["figures", "--db", str(path), "--unit", "drone"])
    assert r.exit_code == 0 and r.stdout == "" and "no figures differ between sources for drone" in r.stderr
    assert CliRunner().invoke(cli, ["figures", "--db", str(path), "--cluster", "1", "--unit", "Death"]).stdout
    r = CliRunner().invoke(cli, ["figures", "--db", str(tmp_path / "missing.db")])
    assert r.exit_code == 1 and "no database at" in r.stderr and not (tmp_path / "missing.db").exists()


def test_the_cluster_page_lists_the_figures_its_sources_give_differently(tmp_path):
    from fastapi.testclient import TestClient

    from detector.web import create_app

    path = _store(tmp_path)
    with TestClient(create_app(path)) as c:
        page = c.get("/cluster/1").text
        section = page[page.index('<section class="figures" id="figures">') : page.index('<div class="groups">')]
        assert "Figures that differ between sources" in section
        assert '<strong class="unit">death</strong>' in section
        assert [x.split("</b>")[0] for x in section.split("<b>")[1:]] == ["Twelve", "40", "41"]
        assert 'provincial governor <span class="muted">via Southwire</span>' in section
        assert "passenger" not in section  # 200 from both wires
        assert 'id="figures"' not in c.get("/cluster/2").text  # one source's two counts are no drift
