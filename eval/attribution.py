"""Compare two versions of the attribution rules on real news text, by blind judgement of the claims they differ on.

There is no labelled attribution data in ``../shared/datasets``, so a change to ``detector/claims.py`` is measured
as a before/after comparison on real articles: the FNC-1 article bodies (news, with many quotations).

    python -m eval.attribution dump before.tsv [--bodies 600 --skip 0]   # old rules (e.g. on a checkout of main)
    python -m eval.attribution dump after.tsv [--bodies 600 --skip 0]    # the new ones
    python -m eval.attribution sheet before.tsv after.tsv sheet/ [--n 100 --seed 0 --bodies 600 --skip 0]
    # a judge (a person, or a session that sees only sheet/items.json) writes sheet/verdicts.jsonl
    python -m eval.attribution score sheet/

``dump`` writes one line per claim: body id, relay chain (publisher first, speaker last; the publisher is
called "Outlet"), sentence. ``sheet`` draws claims whose attribution differs, shows each in its article
context with the two chains as X and Y in random order (``items.json``), and keeps which is which apart
(``key.json``). A verdict is ``{"item": N, "verdict": "X" | "Y" | "tie_both_right" | "tie_both_wrong"}``;
``score`` counts how often the new rules won, lost or tied. Develop rules on some bodies and measure the result
on others (``--skip``): rules read off the text they are scored on flatter themselves.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

OUTLET = "Outlet"
VERDICTS = ("X", "Y", "tie_both_right", "tie_both_wrong")


def fnc_bodies(root: Path, n: int, skip: int = 0) -> dict[str, str]:
    """``n`` article bodies of FNC-1's training file after the first ``skip``, by Body ID."""
    path = root / "fnc-1" / "train_bodies.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[skip : skip + n]
    return {r["Body ID"]: r["articleBody"] for r in rows}


def dump(bodies: dict[str, str], out: Path) -> int:
    """Extract the claims of every body with the current rules and write them as TSV; returns the claim count."""
    from detector.claims import ClaimExtractor
    from detector.models import Document

    docs = [Document(doc_id=Document.make_id(text), text=text, source=bid, outlet=OUTLET)
            for bid, text in bodies.items()]
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for d, claims in zip(docs, ClaimExtractor().extract_many(docs)):
            for c in claims:
                f.write(f"{d.source}\t{' → '.join(c.relay)}\t{c.text}\n")
                n += 1
    return n


def read_dump(path: Path) -> dict[tuple[str, str], str]:
    out = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            body, relay, text = line.rstrip("\n").split("\t", 2)
            out[(body, text)] = relay
    return out


def sheet(before: dict, after: dict, bodies: dict[str, str], *, n: int, seed: int) -> tuple[list, list, int]:
    """Blind items for ``n`` random claims whose chain differs, the key, and how many differ in all."""
    changed = sorted(k for k in after if k in before and before[k] != after[k])
    rng = random.Random(seed)
    items, key = [], []
    for i, (body, text) in enumerate(rng.sample(changed, min(n, len(changed)))):
        article = bodies[body]
        at = article.find(text)
        context = (f"{article[max(0, at - 700):at]} [[[ {text} ]]] {article[at + len(text):at + len(text) + 250]}"
                   if at >= 0 else f"[[[ {text} ]]]")
        sides = [("before", before[(body, text)]), ("after", after[(body, text)])]
        rng.shuffle(sides)
        items.append({"item": i, "context": context, "X": sides[0][1], "Y": sides[1][1]})
        key.append({"item": i, "X": sides[0][0], "Y": sides[1][0]})
    return items, key, len(changed)


def score(key: list[dict], verdicts: list[dict]) -> Counter:
    """``after`` / ``before`` (which rules the judge preferred), ``tie_both_right``, ``tie_both_wrong``."""
    sides = {k["item"]: k for k in key}
    tally: Counter = Counter()
    for v in verdicts:
        if v["verdict"] not in VERDICTS:
            raise ValueError(f"item {v['item']}: verdict must be one of {', '.join(VERDICTS)}, got {v['verdict']!r}")
        tally[sides[v["item"]][v["verdict"]] if v["verdict"] in ("X", "Y") else v["verdict"]] += 1
    return tally


def main(argv: Sequence[str] | None = None) -> None:
    from .shipped import datasets_root

    ap = argparse.ArgumentParser(prog="python -m eval.attribution", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="claims of FNC-1 bodies with the current rules, as TSV")
    d.add_argument("out", type=Path)
    d.add_argument("--bodies", type=int, default=600)
    d.add_argument("--skip", type=int, default=0, help="start after this many bodies (text the rules were not "
                                                          "developed on)")
    s = sub.add_parser("sheet", help="blind judging sheet of the claims two dumps attribute differently")
    s.add_argument("before", type=Path)
    s.add_argument("after", type=Path)
    s.add_argument("dir", type=Path)
    s.add_argument("--n", type=int, default=100)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--bodies", type=int, default=600)
    s.add_argument("--skip", type=int, default=0)
    c = sub.add_parser("score", help="tally DIR/verdicts.jsonl against DIR/key.json")
    c.add_argument("dir", type=Path)
    args = ap.parse_args(argv)

    if args.cmd == "dump":
        bodies = fnc_bodies(datasets_root(), args.bodies, args.skip)
        n = dump(bodies, args.out)
        print(f"{n} claims from {len(bodies)} FNC-1 bodies -> {args.out}")
    elif args.cmd == "sheet":
        items, key, changed = sheet(read_dump(args.before), read_dump(args.after),
                                    fnc_bodies(datasets_root(), args.bodies, args.skip), n=args.n, seed=args.seed)
        args.dir.mkdir(parents=True, exist_ok=True)
        (args.dir / "items.json").write_text(json.dumps(items, indent=1, ensure_ascii=False), encoding="utf-8")
        (args.dir / "key.json").write_text(json.dumps(key), encoding="utf-8")
        print(f"{changed} claims attributed differently; {len(items)} drawn -> {args.dir}/items.json")
    else:
        key = json.loads((args.dir / "key.json").read_text(encoding="utf-8"))
        with (args.dir / "verdicts.jsonl").open(encoding="utf-8") as f:
            verdicts = [json.loads(line) for line in f if line.strip()]
        tally = score(key, verdicts)
        print(", ".join(f"{k} {tally[k]}" for k in ("after", "before", "tie_both_right", "tie_both_wrong")))


if __name__ == "__main__":
    main(sys.argv[1:])
