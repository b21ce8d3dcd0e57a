"""Labelled text pairs: one interchange format, readers for the public datasets, grouped dev splits.

Every reader returns ``list[LabelledPair]`` with labels from ``detector.models.LABELS``. The label mapping of each
dataset, and which rows are skipped rather than refused, is documented in docs/EVALUATION.md.

>>> pairs = read_pairs("../shared/datasets/fnc-1")            # format detected from the folder's files
>>> fit, dev = dev_split(pairs, fraction=0.2, seed=0)         # held out by Body ID
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from detector.errors import InputError
from detector.models import LABELS

log = logging.getLogger("crossclaim.eval")

# FNC-1 bodies and ANLI contexts are longer than csv's default 128 KiB field limit allows for in the worst case.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """Two texts and the gold relation of ``text_b`` to ``text_a`` (one of LABELS).

    ``group`` ties pairs that must land on the same side of a split (an FNC-1 body, an Emergent claim, a
    ClaimDiff topic); ``None`` means the pair is its own group.
    """

    id: str
    text_a: str
    text_b: str
    label: str
    source_a: str | None = None
    source_b: str | None = None
    date_a: str | None = None
    date_b: str | None = None
    group: str | None = None
    same_story: bool | None = None  # one page or topic cluster juxtaposed the texts (exports from a scan say so)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(LabelledPair))
REQUIRED: tuple[str, ...] = ("id", "text_a", "text_b", "label")

FORMATS: tuple[str, ...] = (
    "jsonl", "csv", "fnc1", "emergent", "claimdiff", "sick", "snli", "anli", "climate-fever",
)

FNC1_LABELS = {"agree": "agrees", "disagree": "contradicts", "discuss": "neutral", "unrelated": "unrelated"}
EMERGENT_LABELS = {"for": "agrees", "against": "contradicts", "observing": "neutral"}
NLI_LABELS = {
    "entailment": "agrees", "neutral": "neutral", "contradiction": "contradicts",
    "e": "agrees", "n": "neutral", "c": "contradicts",
}
CLIMATE_FEVER_LABELS = {"SUPPORTS": "agrees", "REFUTES": "contradicts", "NOT_ENOUGH_INFO": "neutral"}
FILE_FORMATS = ("jsonl", "csv")  # the generic formats read one file; every dataset format also reads a folder
_SNLI_NAME = re.compile(r"(s1|s2|labels)\.(\w+)$")


# ---------------------------------------------------------------------------------------------------------------
# Entry points


def read_pairs(path: str | Path, format: str | None = None, *, limit: int | None = None,
               seed: int = 0) -> list[LabelledPair]:
    """Read labelled pairs from a file or dataset folder.

    ``format`` is one of FORMATS, or None to detect it (``detect_format``). ``limit`` keeps a label-stratified
    random sample of that many pairs (same ``seed``, same sample), in file order.
    Raises InputError naming the file and line for a row that cannot be used.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    fmt = format or detect_format(path)
    if fmt not in _READERS:
        raise InputError(str(path), f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if fmt in FILE_FORMATS and path.is_dir():
        raise InputError(str(path), f"format {fmt} reads a file, not a folder")
    try:
        pairs = _READERS[fmt](path)
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except OSError as e:
        raise InputError(e.filename or str(path), e.strerror or str(e)) from None
    if not pairs:
        raise InputError(str(path), f"no labelled pairs found (read as {fmt})")
    _check_unique_ids(pairs, str(path))
    if limit is not None:
        pairs = sample_pairs(pairs, limit, seed=seed)
    return pairs


def not_utf8(path: Path) -> InputError:
    """The error for a file, or the first file in a dataset folder, that is not UTF-8 text: it names the file, the
    line and the byte offset of the first undecodable byte (a decoder's own offset is only into its buffer)."""
    for f in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
        data = f.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return InputError(str(f), f"not UTF-8 text ({exc.reason} at byte {exc.start}); is it a binary file?",
                              data.count(b"\n", 0, exc.start) + 1)
    return InputError(str(path), "not UTF-8 text")


def detect_format(path: str | Path) -> str:
    """Guess a file's (or dataset folder's) format from its names and header. Raises InputError if unsure."""
    path = Path(path)
    if path.is_dir():
        names = {p.name for p in path.iterdir()}
        if any(n.endswith("_stances.csv") for n in names):
            return "fnc1"
        if any(n.startswith("url-versions") and n.endswith(".csv") for n in names):
            return "emergent"
        if "ClaimDiff-S" in names or any(n.startswith("ClaimDiff-") and n.endswith(".json") for n in names):
            return "claimdiff"
        if any(_is_snli(path, m.group(2)) for m in map(_SNLI_NAME.match, names) if m and m.group(1) == "labels"):
            return "snli"
        if any(n.startswith("SICK") and n.endswith(".txt") for n in names):
            return "sick"
        if any(n.startswith("ANLI") and n.endswith(".csv") for n in names):
            return "anli"
        if any(n.startswith("climate-fever") and n.endswith(".jsonl") for n in names):
            return "climate-fever"
        raise InputError(str(path), "cannot tell which dataset this folder holds; pass --format")
    name = path.name
    m = _SNLI_NAME.match(name)
    if m and _is_snli(path.parent, m.group(2)):
        return "snli"
    if name.startswith("ClaimDiff-") and name.endswith(".json"):
        return "claimdiff"
    if name.endswith(".jsonl") or name.endswith(".json"):
        first = _first_json_record(path)
        if first is not None and "evidences" in first and "claim" in first:
            return "climate-fever"
        return "jsonl"
    header = _first_line(path)
    if "\x00" in header:
        raise InputError(str(path), "not UTF-8 text (it holds NUL bytes: UTF-16, or a binary file?)", 1)
    if "\t" in header and {"sentence_A", "sentence_B", "entailment_label"} <= set(header.split("\t")):
        return "sick"
    cols = set(next(csv.reader([header]), []))
    if {"Headline", "Body ID", "Stance"} <= cols:
        return "fnc1"
    if {"claimHeadline", "articleHeadline", "articleHeadlineStance"} <= cols:
        return "emergent"
    if {"context", "statement", "gold_label"} <= cols:
        return "anli"
    if set(REQUIRED) <= cols:
        return "csv"
    raise InputError(str(path), f"cannot tell the format from the header {header[:80]!r}; pass --format")


def input_files(path: str | Path, format: str | None = None) -> list[Path]:
    """The files a reader reads for ``path`` (e.g. FNC-1 stances and bodies), for ``data_hash``."""
    path = Path(path)
    fmt = format or detect_format(path)
    if fmt == "fnc1":
        stances = _fnc_stances_file(path)
        return [stances, _fnc_bodies_file(stances)]
    if fmt == "emergent":
        main = _emergent_file(path)
        edata = _emergent_outlets_file(main)
        return [main] + ([edata] if edata and edata != main else [])
    if fmt == "claimdiff":
        return list(_claimdiff_files(path))
    if fmt == "snli":
        return list(_snli_files(path))
    if path.is_dir():
        pattern = {"sick": "SICK*.txt", "anli": "ANLI*.csv", "climate-fever": "climate-fever*.jsonl"}.get(fmt)
        if pattern is None:
            raise InputError(str(path), f"format {fmt} reads a file, not a folder")
        return sorted(path.glob(pattern))
    return [path]


def data_hash(paths: Iterable[str | Path]) -> str:
    """sha256 over the bytes of the files (folders: every file inside), in order of file name.

    Sorting by name, not full path, means the same data gives the same hash wherever it is stored.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p])
    h = hashlib.sha256()
    for f in sorted(set(files), key=lambda f: (f.name, str(f))):
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def write_pairs(pairs: Sequence[LabelledPair], path: str | Path) -> None:
    """Write pairs in the generic format: JSONL, or CSV when the name ends in .csv. Empty optionals are left out."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=COLUMNS)
            w.writeheader()
            for p in pairs:
                w.writerow({k: ("" if v is None else v) for k, v in asdict(p).items()})
        return
    with open(path, "w", encoding="utf-8") as fh:
        for p in pairs:
            d = {k: v for k, v in asdict(p).items() if v is not None}
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------------------------
# Splits and samples


def group_of(pair: LabelledPair) -> str:
    return pair.group if pair.group is not None else f"id:{pair.id}"


def in_dev(group: str, *, fraction: float = 0.2, seed: int = 0) -> bool:
    """Whether a group is on the dev side: a stable hash of (seed, group), so every run splits alike."""
    digest = hashlib.sha256(f"{seed}\x1f{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def dev_split(pairs: Sequence[LabelledPair], *, fraction: float = 0.2,
              seed: int = 0) -> tuple[list[LabelledPair], list[LabelledPair]]:
    """Split into (fit, dev) by group: every pair of a group lands on the same side.

    About ``fraction`` of the groups (not exactly of the pairs) go to dev.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be in (0, 1), got {fraction!r}")
    fit, dev = [], []
    for p in pairs:
        (dev if in_dev(group_of(p), fraction=fraction, seed=seed) else fit).append(p)
    return fit, dev


def normalise_text(text: str) -> str:
    """Lower case, letters and digits only, single spaces: the key for spotting one headline in two datasets."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def news_fit_dev(fnc_pairs: Sequence[LabelledPair], emergent_pairs: Sequence[LabelledPair], *,
                 fraction: float = 0.2, seed: int = 0) -> tuple[list[LabelledPair], list[LabelledPair],
                                                               list[LabelledPair]]:
    """Fit and dev sides for FNC-1 and Emergent together, so that neither dev set leaks into fitting.

    FNC-1 was built from Emergent: many FNC-1 headlines are Emergent article headlines. Dev sides are the plain
    ``dev_split`` of each (FNC-1 by Body ID, Emergent by claimId). The fit side is both datasets' fit sides, less
    every FNC-1 pair whose headline (normalised) is an Emergent dev claim or headline, and every Emergent pair
    whose claim or headline is the headline of a related (not "unrelated") FNC-1 dev pair. FNC-1 "unrelated"
    pairs put a headline beside a random body, so they say nothing about that headline's story and would, if
    counted, remove most of Emergent (nearly every FNC-1 headline has some unrelated pair on the dev side).
    Returns (fit, fnc_dev, emergent_dev).
    """
    fnc_fit, fnc_dev = dev_split(fnc_pairs, fraction=fraction, seed=seed)
    em_fit, em_dev = dev_split(emergent_pairs, fraction=fraction, seed=seed)
    held_by_emergent = {normalise_text(t) for p in em_dev for t in (p.text_a, p.text_b)}
    held_by_fnc = {normalise_text(p.text_a) for p in fnc_dev if p.label != "unrelated"}
    fit = [p for p in fnc_fit if normalise_text(p.text_a) not in held_by_emergent]
    fit += [p for p in em_fit
            if normalise_text(p.text_a) not in held_by_fnc and normalise_text(p.text_b) not in held_by_fnc]
    n_dropped = len(fnc_fit) + len(em_fit) - len(fit)
    log.info("news_fit_dev: %d fit pairs; %d dropped as they share a headline with the other set's dev side",
             len(fit), n_dropped)
    return fit, fnc_dev, em_dev


def sample_pairs(pairs: Sequence[LabelledPair], n: int, *, seed: int = 0) -> list[LabelledPair]:
    """A label-stratified random sample of ``n`` pairs (all of them if there are fewer), kept in input order.

    Each label gets its share of ``n`` by largest remainder, so small samples keep the rare labels.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n!r}")
    if n >= len(pairs):
        return list(pairs)
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        by_label[p.label].append(i)
    labels = sorted(by_label)
    quota = np.array([len(by_label[lab]) for lab in labels], dtype=float) * n / len(pairs)
    take = np.floor(quota).astype(int)
    for j in np.argsort(-(quota - take), kind="stable")[: n - take.sum()]:
        take[j] += 1
    keep: list[int] = []
    for lab, k in zip(labels, take):
        keep.extend(rng.permutation(by_label[lab])[:k].tolist())
    return [pairs[i] for i in sorted(keep)]


# ---------------------------------------------------------------------------------------------------------------
# Generic format


def _clean(value) -> str | None:
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


def _generic_pair(d: dict, source: str, line: int) -> LabelledPair:
    missing = [k for k in REQUIRED if _clean(d.get(k)) is None]
    if missing:
        raise InputError(source, f"missing or empty {', '.join(missing)}", line)
    if d["label"] not in LABELS:
        raise InputError(source, f"label {d['label']!r} is not one of {', '.join(LABELS)}", line)
    story = _flag(d.get("same_story"), source, line)
    return LabelledPair(**{k: (str(d[k]) if k in REQUIRED else _clean(d.get(k))) for k in COLUMNS if k != "same_story"},
                        same_story=story)


_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


def _flag(value, source: str, line: int) -> bool | None:
    """An optional true/false column (JSON booleans, or true/false, 1/0, yes/no in any case); empty is unknown."""
    if value is None or isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if not v:
        return None
    if v in _TRUE or v in _FALSE:
        return v in _TRUE
    raise InputError(source, f"same_story {value!r} is not true or false", line)


JSON_LINES_HINT = "JSON Lines is expected: one JSON object per line"


def iter_jsonl_objects(path: Path):
    """(line number, object) for each non-blank line of a JSONL file; InputError naming the line otherwise.

    A UTF-8 byte order mark at the start of the file is allowed (Windows editors write one).
    """
    with open(path, encoding="utf-8-sig") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                # e.msg of a control character ends in a dangling "at"; the column is the useful part
                problem = f"not valid JSON ({e.msg.removesuffix(' at')}, column {e.colno})"
                if line.strip() in ("[", "{"):
                    problem += f"; {JSON_LINES_HINT}"
                raise InputError(str(path), problem, line_no) from None
            if not isinstance(d, dict):
                hint = f"; {JSON_LINES_HINT}" if isinstance(d, list) else ""
                raise InputError(str(path), f"each line must be a JSON object, not a {_json_type(d)}{hint}",
                                 line_no)
            yield line_no, d


def _json_type(value) -> str:
    return {list: "list", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(value), "null")


def _check_id(seen: dict[str, int], pair: LabelledPair, source: str, line: int) -> LabelledPair:
    """Record the line of ``pair``'s id; InputError naming both lines when the id was seen before."""
    if pair.id in seen:
        raise InputError(source, f"pair id {pair.id!r} is already used on line {seen[pair.id]}; ids must be unique",
                         line)
    seen[pair.id] = line
    return pair


def _read_jsonl(path: Path) -> list[LabelledPair]:
    seen: dict[str, int] = {}
    return [_check_id(seen, _generic_pair(d, str(path), line_no), str(path), line_no)
            for line_no, d in iter_jsonl_objects(path)]


def _read_csv(path: Path) -> list[LabelledPair]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [k for k in REQUIRED if k not in (reader.fieldnames or [])]
        if missing:
            raise InputError(str(path), f"header lacks column(s) {', '.join(missing)}", 1)
        seen: dict[str, int] = {}
        return [_check_id(seen, _generic_pair(row, str(path), reader.line_num), str(path), reader.line_num)
                for row in reader]


# ---------------------------------------------------------------------------------------------------------------
# Dataset readers


def _map_label(mapping: dict[str, str], value: str, source: str, line: int) -> str:
    try:
        return mapping[value.strip()]
    except KeyError:
        raise InputError(source, f"label {value!r} is not one of {', '.join(mapping)}", line) from None


def _fnc_stances_file(path: Path) -> Path:
    if path.is_file():
        if not path.name.endswith("_stances.csv"):
            raise InputError(str(path), "format fnc1 reads a *_stances.csv file (with its *_bodies.csv beside it) "
                                        "or a folder holding them")
        return path
    found = sorted(p for p in path.glob("*_stances.csv") if "unlabeled" not in p.name)
    if not found:
        raise InputError(str(path), "no *_stances.csv file in this folder")
    # The train split when it is there; a folder with only the competition test files reads those.
    return next((p for p in found if p.name == "train_stances.csv"), found[0])


def _fnc_bodies_file(stances: Path) -> Path:
    bodies = stances.with_name(stances.name.replace("_stances", "_bodies"))
    if not bodies.exists():
        raise InputError(str(stances), f"its bodies file {bodies.name} is not beside it")
    return bodies


def _read_fnc1(path: Path) -> list[LabelledPair]:
    """FNC-1 stances joined to bodies (train_* and competition_test_* have the same layout). Strict."""
    stances = _fnc_stances_file(path)
    bodies_file = _fnc_bodies_file(stances)
    bodies: dict[str, str] = {}
    with open(bodies_file, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not {"Body ID", "articleBody"} <= set(reader.fieldnames or []):
            raise InputError(str(bodies_file), "header must have Body ID and articleBody", 1)
        for row in reader:
            bodies[row["Body ID"].strip()] = row["articleBody"]
    out = []
    with open(stances, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not {"Headline", "Body ID", "Stance"} <= set(reader.fieldnames or []):
            raise InputError(str(stances), "header must have Headline, Body ID and Stance (unlabelled file?)", 1)
        for row in reader:
            line = reader.line_num
            body_id = (row["Body ID"] or "").strip()
            if body_id not in bodies:
                raise InputError(str(stances), f"Body ID {body_id!r} is not in {bodies_file.name}", line)
            if not (row["Headline"] or "").strip():
                raise InputError(str(stances), "empty Headline", line)
            out.append(LabelledPair(
                id=f"{stances.stem}:{line}", text_a=row["Headline"], text_b=bodies[body_id],
                label=_map_label(FNC1_LABELS, row["Stance"] or "", str(stances), line), group=f"body:{body_id}",
            ))
    return out


def _emergent_file(path: Path) -> Path:
    if path.is_file():
        return path
    found = sorted(path.glob("url-versions-*.csv"))
    if not found:
        raise InputError(str(path), "no url-versions-*.csv file in this folder")
    return found[0]


def _emergent_outlets_file(main: Path) -> Path | None:
    """edata_<split>.csv carries each article's outlet domain; use it when it lies beside the pairs file."""
    if main.name.startswith("edata"):
        return main
    split = re.search(r"-(train|test)\.csv$", main.name)
    candidate = main.with_name(f"edata_{split.group(1) if split else 'all'}.csv")
    return candidate if candidate.exists() else None


def _read_emergent(path: Path) -> list[LabelledPair]:
    """Emergent claim vs article headline. Strict; outlets (source_b) from edata_*.csv when present."""
    main = _emergent_file(path)
    outlets: dict[str, str] = {}
    edata = _emergent_outlets_file(main)
    if edata is not None:
        with open(edata, newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if row.get("articleId") and _clean(row.get("source")):
                    outlets[row["articleId"]] = row["source"].strip()
    out = []
    with open(main, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        need = {"claimHeadline", "articleHeadline", "articleHeadlineStance", "articleId", "claimId"}
        if not need <= set(reader.fieldnames or []):
            raise InputError(str(main), f"header must have {', '.join(sorted(need))}", 1)
        for row in reader:
            line = reader.line_num
            if not (row["claimHeadline"] or "").strip() or not (row["articleHeadline"] or "").strip():
                raise InputError(str(main), "empty claimHeadline or articleHeadline", line)
            out.append(LabelledPair(
                id=f"emergent:{row['articleId']}", text_a=row["claimHeadline"], text_b=row["articleHeadline"],
                label=_map_label(EMERGENT_LABELS, row["articleHeadlineStance"] or "", str(main), line),
                source_b=outlets.get(row["articleId"]) or _clean(row.get("source")),
                group=f"claim:{row['claimId']}",
            ))
    return out


def _claimdiff_files(path: Path) -> tuple[Path, Path]:
    """The strength (S) and weak (W) files of one split, from a folder, or from either file of the pair."""
    if path.is_dir():
        # the dataset folder, or its ClaimDiff-S or ClaimDiff-W subfolder (the other one lies beside it)
        root = path.parent if path.name in ("ClaimDiff-S", "ClaimDiff-W") else path
        split = "train"
    else:
        m = re.match(r"ClaimDiff-(strength|weak)-(.+)\.json$", path.name)
        if not m:
            raise InputError(str(path), "expected a ClaimDiff-strength-*.json or ClaimDiff-weak-*.json file")
        split = m.group(2)
        root = path.parent.parent if path.parent.name in ("ClaimDiff-S", "ClaimDiff-W") else path.parent
    found = []
    for kind, sub in (("strength", "ClaimDiff-S"), ("weak", "ClaimDiff-W")):
        for cand in (root / sub / f"ClaimDiff-{kind}-{split}.json", root / f"ClaimDiff-{kind}-{split}.json"):
            if cand.exists():
                found.append(cand)
                break
        else:
            raise InputError(str(path), f"ClaimDiff-{kind}-{split}.json not found (S and W files are read together)")
    return found[0], found[1]


def _claimdiff_records(path: Path) -> dict[str, tuple[int, dict]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))["data"]
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise InputError(str(path), f"expected a JSON object with a 'data' list ({e})") from None
    out = {}
    for i, d in enumerate(data):
        if not isinstance(d, dict) or not {"pair_id", "claim_a", "claim_b", "relation"} <= set(d):
            raise InputError(str(path), f"record {i} lacks pair_id, claim_a, claim_b or relation")
        if d["pair_id"] in out:
            raise InputError(str(path), f"record {i} repeats pair_id {d['pair_id']!r} of record {out[d['pair_id']][0]}")
        out[d["pair_id"]] = (i, d)
    return out


def _read_claimdiff(path: Path) -> list[LabelledPair]:
    """ClaimDiff S and W files joined on pair_id: S=1 -> agrees, W=1 -> contradicts, neither -> neutral. Strict."""
    s_file, w_file = _claimdiff_files(path)
    strong, weak = _claimdiff_records(s_file), _claimdiff_records(w_file)
    if set(strong) != set(weak):
        odd = sorted(set(strong) ^ set(weak))[0]
        raise InputError(str(w_file), f"S and W files hold different pairs (e.g. pair_id {odd})")
    out = []
    for pid, (_i, s) in strong.items():
        w = weak[pid][1]
        if (s["claim_a"], s["claim_b"]) != (w["claim_a"], w["claim_b"]):
            raise InputError(str(w_file), f"pair_id {pid} has different claims in the S and W files")
        if s["relation"] and w["relation"]:
            raise InputError(str(s_file), f"pair_id {pid} is marked both strengthen and weaken")
        label = "agrees" if s["relation"] else "contradicts" if w["relation"] else "neutral"
        out.append(LabelledPair(
            id=f"claimdiff:{pid}", text_a=s["claim_a"], text_b=s["claim_b"], label=label,
            date_a=_clean(s.get("date")), date_b=_clean(s.get("date")),
            group=f"topic:{s['topic']}" if _clean(s.get("topic")) else None,
        ))
    return out


def _premise_group(text: str) -> str:
    # NLI sets pair one premise with several hypotheses: keep them on one side of a split.
    return "premise:" + hashlib.sha256(normalise_text(text).encode()).hexdigest()[:16]


def _read_sick(path: Path) -> list[LabelledPair]:
    """SICK tab-separated (SICK_train_trial.txt, SICK.txt). Strict."""
    files = [path] if path.is_file() else sorted(path.glob("SICK*.txt"))
    out = []
    for f in files:
        seen: dict[str, int] = {}
        with open(f, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            need = {"pair_ID", "sentence_A", "sentence_B", "entailment_label"}
            if not need <= set(reader.fieldnames or []):
                raise InputError(str(f), f"header must have {', '.join(sorted(need))}", 1)
            for row in reader:
                line = reader.line_num
                if not (row["sentence_A"] or "").strip() or not (row["sentence_B"] or "").strip():
                    raise InputError(str(f), "empty sentence_A or sentence_B", line)
                out.append(_check_id(seen, LabelledPair(
                    id=f"sick:{row['pair_ID']}", text_a=row["sentence_A"], text_b=row["sentence_B"],
                    label=_map_label(NLI_LABELS, (row["entailment_label"] or "").lower(), str(f), line),
                    group=_premise_group(row.get("sentence_A_original") or row["sentence_A"]),
                ), str(f), line))
    return out


def _snli_files(path: Path) -> tuple[Path, Path, Path]:
    if path.is_dir():
        splits = sorted(p.suffix[1:] for p in path.glob("labels.*"))
        if not splits:
            raise InputError(str(path), "no labels.<split> file in this folder")
        split, root = ("dev" if "dev" in splits else splits[0]), path
    else:
        split, root = path.suffix[1:], path.parent
    files = tuple(root / f"{name}.{split}" for name in ("s1", "s2", "labels"))
    for f in files:
        if not f.exists():
            raise InputError(str(path), f"{f.name} is missing (s1/s2/labels files are read together)")
    return files  # type: ignore[return-value]


def _read_snli(path: Path) -> list[LabelledPair]:
    """SNLI as line-aligned s1/s2/labels files. Messy: lines labelled '-' (no consensus) are skipped with a warning."""
    s1_file, s2_file, labels_file = _snli_files(path)
    s1, s2, labels = (f.read_text(encoding="utf-8-sig").splitlines() for f in (s1_file, s2_file, labels_file))
    if not len(s1) == len(s2) == len(labels):
        raise InputError(str(labels_file), f"s1/s2/labels have {len(s1)}/{len(s2)}/{len(labels)} lines; "
                                           "they must be line-aligned")
    out, n_skipped = [], 0
    for i, (a, b, lab) in enumerate(zip(s1, s2, labels), 1):
        if lab.strip() == "-" or not a.strip() or not b.strip():
            n_skipped += 1
            continue
        out.append(LabelledPair(
            id=f"snli-{labels_file.suffix[1:]}:{i}", text_a=a.strip(), text_b=b.strip(),
            label=_map_label(NLI_LABELS, lab, str(labels_file), i), group=_premise_group(a),
        ))
    if n_skipped:
        log.warning("%s: skipped %d lines with no gold label or an empty sentence", labels_file, n_skipped)
    return out


def _read_anli(path: Path) -> list[LabelledPair]:
    """ANLI analysis CSVs (context, statement, gold_label e/n/c, uid). Strict."""
    files = [path] if path.is_file() else sorted(path.glob("ANLI*.csv"))
    out = []
    for f in files:
        seen: dict[str, int] = {}
        with open(f, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            need = {"context", "statement", "gold_label"}
            if not need <= set(reader.fieldnames or []):
                raise InputError(str(f), f"header must have {', '.join(sorted(need))}", 1)
            for row in reader:
                line = reader.line_num
                if not (row["context"] or "").strip() or not (row["statement"] or "").strip():
                    raise InputError(str(f), "empty context or statement", line)
                out.append(_check_id(seen, LabelledPair(
                    id=f"anli:{row.get('uid') or f'{f.stem}:{line}'}", text_a=row["context"],
                    text_b=row["statement"], label=_map_label(NLI_LABELS, row["gold_label"] or "", str(f), line),
                    group=_premise_group(row["context"]),
                ), str(f), line))
    return out


def _read_climate_fever(path: Path) -> list[LabelledPair]:
    """CLIMATE-FEVER: each claim against each of its evidence sentences. Strict."""
    files = [path] if path.is_file() else sorted(path.glob("climate-fever*.jsonl"))
    out = []
    for f in files:
        seen: dict[str, int] = {}
        for line_no, d in iter_jsonl_objects(f):
            try:
                claim, claim_id, evidences = d["claim"], str(d["claim_id"]), list(d["evidences"])
            except (KeyError, TypeError) as e:
                raise InputError(str(f), f"expected a JSON object with claim, claim_id, evidences ({e})",
                                 line_no) from None
            if not isinstance(claim, str) or not claim.strip():
                raise InputError(str(f), "empty claim", line_no)
            for j, ev in enumerate(evidences):
                if not isinstance(ev, dict) or not _clean(ev.get("evidence")):
                    raise InputError(str(f), f"evidence {j} has no text", line_no)
                out.append(_check_id(seen, LabelledPair(
                    id=f"climate-fever:{claim_id}:{ev.get('evidence_id', j)}", text_a=claim,
                    text_b=ev["evidence"],
                    label=_map_label(CLIMATE_FEVER_LABELS, ev.get("evidence_label") or "", str(f), line_no),
                    source_b=_clean(ev.get("article")), group=f"claim:{claim_id}",
                ), str(f), line_no))
    return out


_READERS = {
    "jsonl": _read_jsonl, "csv": _read_csv, "fnc1": _read_fnc1, "emergent": _read_emergent,
    "claimdiff": _read_claimdiff, "sick": _read_sick, "snli": _read_snli, "anli": _read_anli,
    "climate-fever": _read_climate_fever,
}


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _check_unique_ids(pairs: Sequence[LabelledPair], source: str) -> None:
    counts = Counter(p.id for p in pairs)
    dup = next((i for i, c in counts.items() if c > 1), None)
    if dup is not None:
        raise InputError(source, f"pair id {dup!r} occurs {counts[dup]} times; ids must be unique")


def _is_snli(root: Path, split: str) -> bool:
    """Whether s1/s2/labels.<split> all lie in ``root`` and the labels file starts with an NLI label (or '-')."""
    files = [root / f"{name}.{split}" for name in ("s1", "s2", "labels")]
    if not all(f.is_file() for f in files):
        return False
    try:
        first = _first_line(files[2]).strip().lower()
    except InputError:
        return False
    return first in NLI_LABELS or first == "-"


def _first_line(path: Path) -> str:
    """The first line of a text file, for telling its format; InputError if it is not UTF-8."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return fh.readline().rstrip("\r\n")
    except UnicodeDecodeError:
        raise not_utf8(path) from None


def _first_json_record(path: Path) -> dict | None:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for line in fh:
            if line.strip():
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    return None
                return d if isinstance(d, dict) else None
    return None
