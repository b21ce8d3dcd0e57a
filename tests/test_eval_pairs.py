"""Readers of labelled pairs, against small fixtures written for these tests in each dataset's layout."""

import json
import shutil

import pytest

from detector.errors import InputError
from detector.models import LABELS
from eval import LabelledPair, data_hash, dev_split, news_fit_dev, read_pairs, write_pairs
from eval.pairs import detect_format, input_files, sample_pairs
from tests._eval_fixtures import eval_fixtures

FX = eval_fixtures()  # the fixtures under their datasets' file names, in a temporary folder


def labels(pairs):
    return [p.label for p in pairs]


@pytest.mark.parametrize("path,fmt", [
    ("generic.jsonl", "jsonl"), ("generic.csv", "csv"), ("fnc1", "fnc1"), ("fnc1/train_stances.csv", "fnc1"),
    ("fnc1-test", "fnc1"), ("fnc1-test/competition_test_stances.csv", "fnc1"), ("emergent", "emergent"),
    ("emergent/edata_train.csv", "emergent"), ("claimdiff", "claimdiff"),
    ("claimdiff/ClaimDiff-W/ClaimDiff-weak-train.json", "claimdiff"), ("sick", "sick"),
    ("sick/SICK_train_trial.txt", "sick"), ("snli", "snli"), ("snli/s2.dev", "snli"), ("anli", "anli"),
    ("anli/ANLI_analysis_r1_dev.csv", "anli"), ("climate-fever", "climate-fever"),
    ("climate-fever/climate-fever.jsonl", "climate-fever"),
])
def test_detect_format(path, fmt):
    assert detect_format(FX / path) == fmt


def test_generic_jsonl_and_csv_read_alike():
    a, b = read_pairs(FX / "generic.jsonl"), read_pairs(FX / "generic.csv")
    assert a == b
    assert a[0] == LabelledPair("g1", "The bridge in Lowtown reopened on Monday.",
                                "Lowtown's bridge remains closed this week.", "contradicts", "Lowtown Herald",
                                "River Post", "2024-03-04", "2024-03-05", "bridge")
    assert a[3].group is None and a[3].source_a is None
    assert labels(a) == ["contradicts", "agrees", "neutral", "unrelated"]


@pytest.mark.parametrize("name,where,problem", [
    ("bad_label.jsonl", ":2:", "label 'refutes' is not one of"),
    ("bad_json.jsonl", ":2:", "not valid JSON"),
    ("missing_text.csv", ":3:", "missing or empty text_a"),
    ("fnc1-bad", "train_stances.csv:3:", "Body ID '99' is not in train_bodies.csv"),
])
def test_bad_rows_name_file_and_line(name, where, problem):
    with pytest.raises(InputError) as e:
        read_pairs(FX / name)
    assert where in str(e.value) and problem in str(e.value)


def test_a_file_that_is_not_utf8_is_named_with_the_byte(tmp_path):
    latin1 = tmp_path / "desk.csv"
    latin1.write_bytes("id,text_a,text_b,label\n1,Caf\u00e9 fire,Caf\u00e9 fire out,agrees\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"desk\.csv:2: not UTF-8 text \(invalid continuation byte at byte 28\)"):
        read_pairs(latin1)
    # past the decoder's first buffer, the offset is still the file's
    long = tmp_path / "long.jsonl"
    line = b'{"id": "%d", "text_a": "A ferry sank.", "text_b": "The ferry sank.", "label": "agrees"}\n'
    head = b"".join(line % i for i in range(500))
    bad = b'{"id": "x", "text_a": "'
    long.write_bytes(head + bad + b'\xe9"}\n')
    with pytest.raises(InputError, match=rf"long\.jsonl:501: not UTF-8 text \(.* at byte {len(head + bad)}\)"):
        read_pairs(long)
    # in a dataset folder, the message names the file inside it, not the folder
    folder = tmp_path / "cf"
    folder.mkdir()
    (folder / "climate-fever.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match=r"cf/climate-fever\.jsonl:1: not UTF-8 text"):
        read_pairs(folder)


def test_fnc1_train_and_test_layouts():
    pairs = read_pairs(FX / "fnc1")
    assert labels(pairs) == ["agrees", "contradicts", "neutral", "unrelated", "agrees"]
    assert [p.group for p in pairs] == ["body:3"] * 4 + ["body:8"]
    assert pairs[0].text_a == "Harbour crane falls in Greyport storm"
    assert pairs[0].text_b.startswith("Officials in Greyport") and "No one was hurt" in pairs[0].text_b
    assert pairs[0].id == "train_stances:2"
    test = read_pairs(FX / "fnc1-test")
    assert labels(test) == ["agrees", "contradicts"] and test[0].id == "competition_test_stances:2"


def test_emergent_with_outlets():
    pairs = read_pairs(FX / "emergent")
    assert labels(pairs) == ["agrees", "contradicts", "neutral", "agrees"]
    assert pairs[1] == LabelledPair("emergent:a-2", "A zoo's panda gave birth to triplets",
                                    "Zoo denies panda triplet rumour", "contradicts", source_b="outlet1.example",
                                    group="claim:c-1")
    assert input_files(FX / "emergent") == [FX / "emergent/url-versions-2015-06-14-clean-train.csv",
                                            FX / "emergent/edata_train.csv"]


def test_claimdiff_joins_strength_and_weak_files():
    pairs = read_pairs(FX / "claimdiff")
    assert [(p.id, p.label, p.group) for p in pairs] == [
        ("claimdiff:p1", "agrees", "topic:Harbour strike"), ("claimdiff:p2", "contradicts", "topic:Harbour strike"),
        ("claimdiff:p3", "neutral", "topic:School meals")]
    assert pairs[0].date_a == pairs[0].date_b == "2019-05-02"


def test_claimdiff_needs_both_files(tmp_path):
    (tmp_path / "ClaimDiff-S").mkdir()
    src = FX / "claimdiff/ClaimDiff-S/ClaimDiff-strength-train.json"
    (tmp_path / "ClaimDiff-S" / src.name).write_text(src.read_text())
    with pytest.raises(InputError, match="ClaimDiff-weak-train.json not found"):
        read_pairs(tmp_path / "ClaimDiff-S" / src.name)


def test_nli_sets():
    sick = read_pairs(FX / "sick")
    assert labels(sick) == ["agrees", "contradicts", "neutral"] and sick[0].id == "sick:1"
    assert sick[0].group == sick[1].group != sick[2].group  # same original caption
    anli = read_pairs(FX / "anli")
    assert labels(anli) == ["contradicts", "agrees", "neutral"] and anli[0].id == "anli:u-1"
    assert "She lives in Lund." in anli[0].text_a


def test_snli_skips_unlabelled_lines_with_a_warning(caplog):
    pairs = read_pairs(FX / "snli")
    assert labels(pairs) == ["agrees", "contradicts", "neutral"]
    assert pairs[1].text_b == "The boy is asleep in bed ."
    assert pairs[0].group == pairs[1].group
    assert "skipped 1 lines" in caplog.text


def test_snli_lines_must_align(tmp_path):
    for name in ("s1.dev", "s2.dev", "labels.dev"):
        (tmp_path / name).write_text((FX / "snli" / name).read_text())
    (tmp_path / "s2.dev").write_text("only one line\n")
    with pytest.raises(InputError, match="line-aligned"):
        read_pairs(tmp_path)


def test_climate_fever_one_pair_per_evidence():
    pairs = read_pairs(FX / "climate-fever")
    assert labels(pairs) == ["contradicts", "agrees", "neutral"]
    assert [p.group for p in pairs] == ["claim:7", "claim:7", "claim:12"]
    assert pairs[0].id == "climate-fever:7:Arctic sea ice:4" and pairs[0].source_b == "Arctic sea ice"


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_write_pairs_round_trips(tmp_path, suffix):
    for src in ("fnc1", "emergent", "climate-fever", "generic.jsonl"):
        pairs = read_pairs(FX / src)
        out = tmp_path / f"out{suffix}"
        write_pairs(pairs, out)
        assert read_pairs(out) == pairs


def test_write_pairs_leaves_out_empty_optionals(tmp_path):
    write_pairs(read_pairs(FX / "generic.jsonl")[3:], tmp_path / "x.jsonl")
    assert json.loads((tmp_path / "x.jsonl").read_text()) == {
        "id": "g4", "text_a": "The mayor plans a new budget.", "text_b": "A comet will pass Earth in August.",
        "label": "unrelated"}


def test_data_hash_depends_on_bytes_not_location(tmp_path):
    files = input_files(FX / "fnc1")
    h = data_hash(files)
    assert len(h) == 64 and h == data_hash(reversed(files))
    for f in files:
        (tmp_path / f.name).write_bytes(f.read_bytes())
    assert data_hash(tmp_path.iterdir()) == h == data_hash([tmp_path])
    (tmp_path / "train_bodies.csv").write_bytes(b"changed")
    assert data_hash(tmp_path.iterdir()) != h


def _pairs(n, groups=7):
    return [LabelledPair(f"p{i}", f"a{i}", f"b{i}", LABELS[i % 4], group=f"g{i % groups}") for i in range(n)]


def test_dev_split_is_grouped_and_reproducible():
    pairs = _pairs(400, groups=100)
    fit, dev = dev_split(pairs, fraction=0.3, seed=1)
    assert len(fit) + len(dev) == 400 and {p.group for p in fit}.isdisjoint({p.group for p in dev})
    assert (fit, dev) == dev_split(list(reversed(pairs))[::-1], fraction=0.3, seed=1)
    assert 0.15 < len(dev) / 400 < 0.45
    assert dev != dev_split(pairs, fraction=0.3, seed=2)[1]
    with pytest.raises(ValueError, match="fraction"):
        dev_split(pairs, fraction=1.5)


def test_dev_split_without_group_uses_the_id():
    pairs = [LabelledPair(f"p{i}", "a", "b", "agrees") for i in range(200)]
    _, dev = dev_split(pairs)
    assert 0 < len(dev) < 200


def test_sample_pairs_is_stratified_and_fixed():
    pairs = [LabelledPair(f"p{i}", "a", "b", "unrelated" if i < 90 else "contradicts") for i in range(100)]
    s = sample_pairs(pairs, 20, seed=3)
    assert len(s) == 20 and labels(s).count("contradicts") == 2
    assert s == sample_pairs(pairs, 20, seed=3) and s != sample_pairs(pairs, 20, seed=4)
    assert [p.id for p in s] == sorted((p.id for p in s), key=lambda x: int(x[1:]))  # input order
    assert read_pairs(FX / "generic.jsonl", limit=2, seed=0) == read_pairs(FX / "generic.jsonl", limit=2, seed=0)


def test_news_fit_dev_keeps_dev_headlines_out_of_fit():
    # FNC-1 body b has the headline of Emergent claim b's article: each dev side must remove its twin from fit.
    fnc = [LabelledPair(f"f{b}", f"Headline {b}!", f"body {b}", "agrees", group=f"body:{b}") for b in range(60)]
    emergent = [LabelledPair(f"e{c}", f"claim {c}", f"headline {c}", "agrees", group=f"claim:{c}")
                for c in range(60)]
    fit, fnc_dev, em_dev = news_fit_dev(fnc, emergent, fraction=0.2, seed=0)
    assert fnc_dev == dev_split(fnc)[1] and em_dev == dev_split(emergent)[1]
    dev_bodies = {int(p.id[1:]) for p in fnc_dev}
    dev_claims = {int(p.id[1:]) for p in em_dev}
    assert dev_bodies and dev_claims and dev_bodies != dev_claims
    assert {p.id for p in fit} == ({f"f{i}" for i in range(60) if i not in dev_bodies | dev_claims}
                                   | {f"e{i}" for i in range(60) if i not in dev_bodies | dev_claims})


def test_news_fit_dev_ignores_unrelated_fnc_headlines():
    fnc = [LabelledPair(f"f{b}", "Shared headline", f"body {b}", "unrelated", group=f"body:{b}") for b in range(50)]
    emergent = [LabelledPair(f"e{c}", "shared HEADLINE", f"h{c}", "agrees", group=f"claim:{c}") for c in range(50)]
    fit, fnc_dev, em_dev = news_fit_dev(fnc, emergent)
    assert fnc_dev and em_dev
    assert not [p for p in fit if p.id.startswith("f")]  # its headline is an Emergent dev claim
    assert len([p for p in fit if p.id.startswith("e")]) == 50 - len(em_dev)


GENERIC_ROWS = [
    {"id": "d1", "text_a": "The ferry left at noon.", "text_b": "The ferry never left port.", "label": "contradicts"},
    {"id": "d2", "text_a": "The ferry left at noon.", "text_b": "At noon the ferry sailed.", "label": "agrees"},
]


def _write_generic(path, rows=GENERIC_ROWS):
    if path.suffix == ".csv":
        lines = ["id,text_a,text_b,label"] + [",".join(r.values()) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["labels.csv", "labels.jsonl", "s1.csv", "s2.jsonl"])
def test_generic_file_with_an_snli_name_is_read_by_its_header(tmp_path, name):
    path = _write_generic(tmp_path / name)
    assert detect_format(path) == ("csv" if name.endswith(".csv") else "jsonl")
    assert [p.id for p in read_pairs(path)] == ["d1", "d2"]


def test_snli_name_with_its_sibling_files_is_still_snli(tmp_path):
    for name in ("s1.dev", "s2.dev", "labels.dev"):
        (tmp_path / name).write_text((FX / "snli" / name).read_text())
    assert detect_format(tmp_path / "labels.dev") == detect_format(tmp_path) == "snli"
    # a folder whose s1/labels files are generic pairs is not SNLI
    other = tmp_path / "other"
    other.mkdir()
    for name in ("s1.csv", "s2.csv", "labels.csv"):
        _write_generic(other / name)
    with pytest.raises(InputError, match="cannot tell which dataset"):
        detect_format(other)
    assert detect_format(other / "labels.csv") == "csv"


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_generic_format_on_a_folder_is_refused(tmp_path, fmt):
    _write_generic(tmp_path / f"pairs.{fmt}")
    with pytest.raises(InputError, match=rf"{tmp_path.name}: format {fmt} reads a file, not a folder"):
        read_pairs(tmp_path, fmt)


@pytest.mark.parametrize("data", ["id,text_a,text_b,label\n".encode("utf-16"), b"\x00\x01\x02binary\xff\xfe"])
def test_a_utf16_or_binary_csv_is_not_utf8(tmp_path, data):
    path = tmp_path / "desk.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"desk\.csv:1: not UTF-8 text"):
        read_pairs(path)


def test_utf16_without_byte_order_mark_is_not_utf8(tmp_path):
    path = tmp_path / "desk.csv"
    path.write_bytes("id,text_a,text_b,label\n".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"desk\.csv:1: not UTF-8 text \(it holds NUL bytes"):
        read_pairs(path)


def test_jsonl_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _write_generic(tmp_path / "plain.jsonl").read_bytes())
    assert read_pairs(path) == read_pairs(tmp_path / "plain.jsonl")


@pytest.mark.parametrize("suffix,line,first", [(".jsonl", 3, 1), (".csv", 4, 2)])
def test_duplicate_id_names_both_lines(tmp_path, suffix, line, first):
    path = _write_generic(tmp_path / f"dup{suffix}", [*GENERIC_ROWS, {**GENERIC_ROWS[1], "id": "d1"}])
    with pytest.raises(InputError, match=rf"dup\{suffix}:{line}: pair id 'd1' is already used on line {first}"):
        read_pairs(path)


def test_jsonl_messages_give_the_column_and_the_expected_layout(tmp_path):
    tab = tmp_path / "tab.jsonl"
    tab.write_text('{"id": "t1", "text_a": "A\tB", "text_b": "C", "label": "agrees"}\n')
    with pytest.raises(InputError, match=r"tab\.jsonl:1: not valid JSON \(Invalid control character, column 26\)"):
        read_pairs(tab)
    pretty = tmp_path / "pretty.jsonl"
    pretty.write_text(json.dumps(GENERIC_ROWS, indent=2))
    with pytest.raises(InputError, match=r"pretty\.jsonl:1: not valid JSON .*JSON Lines is expected"):
        read_pairs(pretty)
    one_line = tmp_path / "list.jsonl"
    one_line.write_text(json.dumps(GENERIC_ROWS) + "\n")
    with pytest.raises(InputError, match=r"list\.jsonl:1: each line must be a JSON object, not a list; JSON Lines"):
        read_pairs(one_line)


def test_climate_fever_refuses_an_empty_claim_and_a_repeated_evidence(tmp_path):
    ev = {"evidence_id": "Sea:1", "evidence": "Sea level rose.", "evidence_label": "SUPPORTS", "article": "Sea"}
    path = tmp_path / "climate-fever.jsonl"
    path.write_text(json.dumps({"claim_id": 1, "claim": "Seas are rising.", "evidences": [ev]}) + "\n"
                    + json.dumps({"claim_id": 2, "claim": " ", "evidences": [ev]}) + "\n")
    with pytest.raises(InputError, match=r"climate-fever\.jsonl:2: empty claim"):
        read_pairs(path)
    path.write_text(json.dumps({"claim_id": 1, "claim": "Seas are rising.", "evidences": [ev, ev]}) + "\n")
    with pytest.raises(InputError, match=r"climate-fever\.jsonl:1: pair id 'climate-fever:1:Sea:1' is already used"):
        read_pairs(path)


def test_fnc1_format_on_another_file_says_what_it_reads(tmp_path):
    path = _write_generic(tmp_path / "desk.csv")
    with pytest.raises(InputError, match=r"desk\.csv: format fnc1 reads a \*_stances\.csv file"):
        read_pairs(path, "fnc1")


@pytest.mark.parametrize("sub", ["ClaimDiff-S", "ClaimDiff-W"])
def test_claimdiff_subfolder_reads_both_files(sub):
    assert detect_format(FX / "claimdiff" / sub) == "claimdiff"
    assert read_pairs(FX / "claimdiff" / sub) == read_pairs(FX / "claimdiff")


def test_claimdiff_repeated_pair_id(tmp_path):
    for sub in ("ClaimDiff-S", "ClaimDiff-W"):
        shutil.copytree(FX / "claimdiff" / sub, tmp_path / sub)
    s_file = tmp_path / "ClaimDiff-S" / "ClaimDiff-strength-train.json"
    data = json.loads(s_file.read_text())
    data["data"].append(data["data"][0])
    s_file.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"record 3 repeats pair_id 'p1' of record 0"):
        read_pairs(tmp_path)
