"""A multi-outlet news feed from FNC-1 article bodies, to measure the review queue as a desk sees it.

    python -m eval.newsfeed 7,108,324,416 feed.jsonl      # FNC-1 Body IDs, in the order to number the outlets
    crossclaim scan feed.jsonl --db feed.db --format jsonl --top 30

Each body becomes one JSONL record: ``text`` (the body), ``outlet`` "Outlet N" (N = its place in the list) and
``id`` "body:<Body ID>", so every body is a page of its own outlet and all cross-body pairs are cross-source.
A person then judges the flagged pairs (docs/RESULTS.md, "Precision of the flagged conflicts"). Only bodies on the
dev side of the FNC-1 split are accepted: the shipped scorer was fitted on the others, and measuring it on them
would flatter it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def read_bodies(root: Path) -> dict[str, str]:
    """Every FNC-1 training body by Body ID."""
    path = root / "fnc-1" / "train_bodies.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}


def feed(ids: Sequence[str], bodies: dict[str, str]) -> list[dict[str, str]]:
    """One record per body, outlets numbered in the order given. Raises ValueError for an unknown id, a repeated
    one, or a body on the fit side of the split."""
    from .pairs import in_dev

    if len(set(ids)) != len(ids):
        raise ValueError("a Body ID is given twice")
    unknown = [b for b in ids if b not in bodies]
    if unknown:
        raise ValueError(f"no FNC-1 body with Body ID {', '.join(unknown)}")
    fitted = [b for b in ids if not in_dev(f"body:{b}")]
    if fitted:
        raise ValueError(f"Body ID {', '.join(fitted)} is on the fit side of the split (the scorer was fitted on "
                         "it); choose dev-side bodies (`crossclaim eval ../shared/datasets/fnc-1 --split dev "
                         "--convert dev.jsonl` lists them as groups)")
    return [{"text": bodies[b], "outlet": f"Outlet {i}", "id": f"body:{b}"} for i, b in enumerate(ids, 1)]


def main(argv: Sequence[str] | None = None) -> None:
    from .shipped import datasets_root

    ap = argparse.ArgumentParser(prog="python -m eval.newsfeed", description=__doc__.split("\n\n")[0])
    ap.add_argument("bodies", help="FNC-1 Body IDs, comma-separated")
    ap.add_argument("out", type=Path, help="the JSONL feed to write")
    args = ap.parse_args(argv)
    ids = [b.strip() for b in args.bodies.split(",") if b.strip()]
    try:
        records = feed(ids, read_bodies(datasets_root()))
    except (OSError, ValueError) as exc:
        sys.exit(f"error: {exc}")
    with args.out.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} pages from {len(records)} outlets to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
