"""Test databases for the review queue, built through the store's public API.

``build_demo_db`` writes a small drone-reports store (the shapes ``crossclaim scan`` writes: documents, attributed
claims with spans, clusters, scored pairs with reasons). ``build_xss_db`` writes one whose every scraped string is
hostile. The browser acceptance test uses the real ``crossclaim scan`` instead when the pipeline is there.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

from detector.models import Claim, Document, Reason, ScoredPair
from detector.store import Database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "drone-reports"
PWN = "window.__pwned = (window.__pwned || 0) + 1"


def _doc(text: str, outlet: str | None, url: str | None, published: str | None, title: str | None, source: str,
         ref: str | None = None):
    return Document(doc_id=Document.make_id(text), text=text, source=source, outlet=outlet, url=url,
                    published=published, title=title, ref=ref)


def _claim(doc: Document, sentence: str, speaker: str | None, relay: tuple[str, ...] = (), position: int = 0,
           context: str | None = None, assertion: str | None = None) -> Claim:
    start = doc.text.index(sentence)
    span = (start, start + len(sentence))
    return Claim(
        claim_id=Claim.make_id(doc.doc_id, span), doc_id=doc.doc_id, text=sentence, span=span,
        assertion=assertion or sentence, context=context or sentence, speaker=speaker, outlet=doc.outlet,
        relay=relay or ((doc.outlet,) if doc.outlet else ()), published=doc.published, position=position,
    )


def _span(claim: Claim, needle: str) -> tuple[int, int]:
    i = claim.text.index(needle)
    return (i, i + len(needle))


def _probs(contradicts: float, agrees: float, neutral: float, unrelated: float) -> dict[str, float]:
    return {"contradicts": contradicts, "agrees": agrees, "neutral": neutral, "unrelated": unrelated}


def demo_records() -> tuple[list[tuple[Document, list[Claim]]], list[ScoredPair], dict[str, int]]:
    """Documents with their claims, scored pairs and the cluster assignment of the demo store."""
    kyiv = _doc(
        "Berlin. China is negotiating with the Russian military about supplying 100 kamikaze drones, according to "
        "Der Spiegel. The drones could be delivered by April, the magazine reported. Kyiv has asked its partners "
        "to raise the issue with Beijing.",
        "The Kyiv Independent", "https://kyivindependent.com/spiegel-china-drones-russia/", "2023-02-23",
        "Spiegel: China negotiating drone deliveries to Russia", "kyiv.txt",
    )
    zh = _doc(
        "Der Spiegel reported that Chinese drone maker Xi'an Bingo Intelligent Aviation Technology is negotiating "
        "to produce 100 ZT-180 prototype drones for the Russian army. The report cited unnamed sources.",
        "ZeroHedge", "https://www.zerohedge.com/geopolitical/china-drones-bingo", "2023-02-24",
        "China's Bingo to make drones for Russia, Spiegel says", "zerohedge.txt",
    )
    cnn = _doc(
        "The White House responded on Monday. John Kirby said the United States has not seen China move in "
        "that direction. China's Foreign Ministry rejected the reports as disinformation and said Beijing has "
        "never supplied weapons to either side. Officials will keep watching, Kirby added.",
        "CNN", "https://edition.cnn.com/2023/02/27/politics/china-russia-drones-kirby/", "2023-02-27",
        "White House says no sign of Chinese weapons for Russia", "cnn.txt",
    )
    wsj = _doc(
        "US and European officials said China is weighing whether to send lethal aid to Russia. The officials "
        "did not give a timeline.",
        "The Wall Street Journal", "https://www.wsj.com/articles/china-weighs-lethal-aid-russia", "2023-02-25",
        "China weighs sending lethal aid to Russia", "wsj.txt",
    )
    gt = _doc(
        "China has never provided weapons to parties in the conflict, the Global Times said in an editorial. "
        "The paper called the drone reports a smear.",
        "Global Times", "https://www.globaltimes.cn/page/202302/drones.shtml", "2023-02-26",
        "GT editorial: drone reports a smear", "gt.txt",
    )
    nyt = _doc(
        "Customs records show Chinese companies exported drones worth $12 million to Russia in 2022. Most were "
        "small civilian models.",
        "The New York Times", "https://www.nytimes.com/2023/03/01/business/china-drones-russia.html", "2023-03-01",
        "Chinese drones reach Russia through trade", "nyt.txt",
    )
    c_kyiv = _claim(kyiv, "China is negotiating with the Russian military about supplying 100 kamikaze drones, "
                    "according to Der Spiegel.", "Der Spiegel", ("The Kyiv Independent", "Der Spiegel"), 1)
    c_zh = _claim(zh, "Der Spiegel reported that Chinese drone maker Xi'an Bingo Intelligent Aviation Technology is "
                  "negotiating to produce 100 ZT-180 prototype drones for the Russian army.", "Der Spiegel",
                  ("ZeroHedge", "Der Spiegel"))
    c_kirby = _claim(cnn, "John Kirby said the United States has not seen China move in that direction.",
                     "John Kirby (US National Security Council)", ("CNN", "John Kirby (US National Security Council)"),
                     1, context="John Kirby said the United States has not seen China move in that direction "
                     "(supplying drones to Russia).")
    c_fm = _claim(cnn, "China's Foreign Ministry rejected the reports as disinformation and said Beijing has never "
                  "supplied weapons to either side.", "China's Foreign Ministry",
                  ("CNN", "China's Foreign Ministry"), 2)
    c_wsj = _claim(wsj, "US and European officials said China is weighing whether to send lethal aid to Russia.",
                   "US and European officials", ("The Wall Street Journal", "US and European officials"))
    c_gt = _claim(gt, "China has never provided weapons to parties in the conflict, the Global Times said in an "
                  "editorial.", "Global Times")
    c_nyt = _claim(nyt, "Customs records show Chinese companies exported drones worth $12 million to Russia in 2022.",
                   "The New York Times")

    def sp(a, b, label, probs, reasons=(), cluster=1):
        return ScoredPair(a=a, b=b, label=label, probs=probs, reasons=tuple(reasons), cluster=cluster)

    pairs = [
        sp(c_kyiv, c_kirby, "contradicts", _probs(0.91, 0.02, 0.05, 0.02), [
            Reason("non_confirmation", "Kirby: has not seen China move that way", "b", _span(c_kirby, "has not seen")),
            Reason("number", "100 kamikaze drones", "a", _span(c_kyiv, "100 kamikaze drones")),
            Reason("nli", "NLI contradiction 0.88 (a->b), 0.81 (b->a)"),
        ]),
        sp(c_wsj, c_fm, "contradicts", _probs(0.84, 0.03, 0.10, 0.03), [
            Reason("denial", "rejected as disinformation", "b", _span(c_fm, "rejected the reports as disinformation")),
            Reason("hedging", "weighing whether", "a", _span(c_wsj, "weighing whether")),
        ]),
        sp(c_zh, c_fm, "contradicts", _probs(0.77, 0.05, 0.15, 0.03), [
            Reason("denial", "never supplied weapons", "b", _span(c_fm, "never supplied weapons")),
        ]),
        sp(c_gt, c_nyt, "contradicts", _probs(0.58, 0.07, 0.30, 0.05), [
            Reason("negation", "never provided weapons vs exported drones", "a", _span(c_gt, "never provided")),
            Reason("number", "$12 million", "b", _span(c_nyt, "$12 million")),
        ], cluster=2),
        sp(c_kyiv, c_zh, "echo", _probs(0.01, 0.95, 0.03, 0.01), [
            Reason("relay", "one Der Spiegel report relayed by two outlets"),
        ]),
        sp(c_gt, c_fm, "agrees", _probs(0.04, 0.86, 0.08, 0.02), cluster=2),
        sp(c_wsj, c_kirby, "neutral", _probs(0.30, 0.10, 0.55, 0.05), [
            Reason("temporal", "two days apart: the later statement may be newer news"),
        ]),
    ]
    docs = [
        (kyiv, [c_kyiv]), (zh, [c_zh]), (cnn, [c_kirby, c_fm]), (wsj, [c_wsj]), (gt, [c_gt]), (nyt, [c_nyt]),
    ]
    clusters = {c.claim_id: 1 for c in (c_kyiv, c_zh, c_kirby, c_wsj, c_fm)}
    clusters.update({c_gt.claim_id: 2, c_nyt.claim_id: 2})
    return docs, pairs, clusters


def build_demo_db(path: str | Path, refs: dict[str, str] | None = None) -> Path:
    """The demo store; ``refs`` maps a document's source (``"cnn.txt"``) to its ref (the input's own record id)."""
    path = Path(path)
    docs, pairs, clusters = demo_records()
    refs = refs or {}
    with Database(path) as db:
        for doc, claims in docs:
            db.add_document(dataclasses.replace(doc, ref=refs.get(doc.source)), claims)
        db.set_clusters(clusters)
        db.add_pairs(pairs, scorer="test")
    return path


XSS_STRINGS = {
    "text": f'The <script>{PWN}</script> ministry said <img src=x onerror="{PWN}"> 40 drones arrived.',
    "other": f"Officials said no drones arrived <svg onload=\"{PWN}\"></svg> at all.",
    "speaker": f'<img src=x onerror="{PWN}">Spokes"person',
    "outlet": f"<script>{PWN}</script>Evil Outlet",
    "url": f"javascript:{PWN}",
    "title": f'</title><script>{PWN}</script>',
    "detail": f'<a href="javascript:{PWN}">click</a><img src=x onerror="{PWN}">',
    "kind": f'nli"><script>{PWN}</script>',
    "note": f'<script>{PWN}</script><img src=x onerror="{PWN}">',
    "ref": f'cms-1"><img src=x onerror="{PWN}">',
}


def add_updated_cnn_article(db: Database) -> None:
    """The CNN story again with one sentence appended: a new document whose claims pair up as before (the same
    ``pair_key``s, each scored a little lower than the old document's pair), in the old claims' clusters."""
    docs, pairs, _ = demo_records()
    cnn, old_claims = next((d, cs) for d, cs in docs if d.outlet == "CNN")
    text = cnn.text + " The ministry repeated its position on Tuesday."
    new = Document(doc_id=Document.make_id(text), text=text, source="cnn-updated.txt", outlet=cnn.outlet,
                   url=cnn.url, published="2023-02-28", title=cnn.title)
    moved = {c.claim_id: Claim(**{**{f: getattr(c, f) for f in c.__slots__}, "doc_id": new.doc_id,
                                  "claim_id": Claim.make_id(new.doc_id, c.span), "published": new.published})
             for c in old_claims}
    db.add_document(new, list(moved.values()))
    clusters = db.clusters()
    db.set_clusters({**clusters, **{moved[i].claim_id: n for i, n in clusters.items() if i in moved}})
    again = [ScoredPair(a=moved.get(p.a.claim_id, p.a), b=moved.get(p.b.claim_id, p.b), label=p.label,
                        probs={k: v - 0.01 for k, v in p.probs.items()}, reasons=p.reasons, cluster=p.cluster)
             for p in pairs if p.a.claim_id in moved or p.b.claim_id in moved]
    assert len(again) == 5 and all(p.pair_key in {q.pair_key for q in pairs} for p in again)
    db.add_pairs(again, scorer="test")


def build_xss_db(path: str | Path) -> tuple[Path, str]:
    """A store whose scraped strings all try to run script. Returns (path, pair id)."""
    path = Path(path)
    x = XSS_STRINGS
    text1 = f"Before {x['detail']}. {x['text']} After <b>bold</b>."
    text2 = f"{x['other']} Then {x['title']}."
    d1 = _doc(text1, x["outlet"], x["url"], "2023-02-01", x["title"], "evil1.html", ref=x["ref"])
    d2 = _doc(text2, "Plain Outlet", f"  JaVaScRiPt:{PWN}", "2023-02-02", None, "evil2.html")
    c1 = _claim(d1, x["text"], x["speaker"], (x["outlet"], x["speaker"]), 1)
    c2 = _claim(d2, x["other"], f"<script>{PWN}</script>", ("Plain Outlet",))
    pair = ScoredPair(
        a=c1, b=c2, label="contradicts", probs=_probs(0.9, 0.05, 0.04, 0.01), cluster=7,
        reasons=(
            Reason(x["kind"], x["detail"], "a", _span(c1, "<script>")),
            Reason("number", x["detail"], "a", (0, len(c1.text))),  # overlaps the span above
            Reason("negation", "no drones", "b", _span(c2, "no drones")),
            Reason("denial", x["detail"], "b", (-5, 10_000)),  # out of range: clipped
        ),
    )
    with Database(path) as db:
        db.add_document(d1, [c1])
        db.add_document(d2, [c2])
        db.set_clusters({c1.claim_id: 7, c2.claim_id: 7})
        db.add_pairs([pair], scorer="test")
    return path, pair.pair_id


def pipeline_available() -> bool:
    """True when ``crossclaim scan`` exists (the pipeline issue landed) and the example corpus has files."""
    try:
        from detector import pipeline  # noqa: F401
        from detector.cli import cli
    except Exception:  # noqa: BLE001 - any import failure means: not there yet
        return False
    return "scan" in getattr(cli, "commands", {}) and EXAMPLES.is_dir() and any(EXAMPLES.iterdir())


def build_scanned_db(path: str | Path) -> Path:
    """Run the real ``crossclaim scan examples/drone-reports --db PATH`` (loads the packaged models)."""
    path = Path(path)
    exe = shutil.which("crossclaim", path=str(Path(sys.executable).parent)) or None
    cmd = [exe] if exe else [sys.executable, "-c", "from detector.cli import cli; cli()"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([*cmd, "scan", str(EXAMPLES), "--db", str(path)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"crossclaim scan failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return path
