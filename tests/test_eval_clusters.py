"""Cluster items (ECB+ and JSONL) and the clustering metrics on tiny examples."""

import json
from pathlib import Path

import numpy as np
import pytest

from detector.errors import InputError
from eval.clusters import ClusterItem, b_cubed, evaluate_clusters, read_cluster_items
from tests._eval_fixtures import eval_fixtures

FX = eval_fixtures()  # the fixtures under their datasets' file names, in a temporary folder
DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def test_b_cubed_by_hand():
    gold = ["A", "A", "B", "B", "B"]
    pred = [1, 1, 1, 2, 2]
    # precision per item: 2/3 2/3 1/3 1 1; recall: 1 1 1/3 2/3 2/3 -> both 11/15
    p, r, f = b_cubed(gold, pred)
    assert (p, r, f) == pytest.approx((11 / 15, 11 / 15, 11 / 15))
    assert b_cubed(gold, [7, 7, 3, 3, 3]) == (1.0, 1.0, 1.0)
    assert b_cubed(["A", "A", "B", "B"], [0, 0, 0, 0]) == pytest.approx((0.5, 1.0, 2 / 3))
    assert b_cubed(["A", "A"], [0, 1]) == pytest.approx((1.0, 0.5, 2 / 3))


def test_evaluate_clusters():
    items = [ClusterItem(str(i), "t", c) for i, c in enumerate(["A", "A", "B", "B", "B"])]
    m = evaluate_clusters(items, np.array([1, 1, 1, 2, 2]))
    assert m["n"] == 5 and m["n_clusters"] == 2 and m["gold_n_clusters"] == 2
    assert m["bcubed_f1"] == pytest.approx(11 / 15) and m["primary_metric"] == "bcubed_f1"
    perfect = evaluate_clusters(items, [0, 0, 1, 1, 1])
    assert perfect["ari"] == pytest.approx(1) and perfect["nmi"] == pytest.approx(1)
    with pytest.raises(ValueError, match=r"shape \(5,\)"):
        evaluate_clusters(items, [0, 1])


def test_read_ecbplus_one_item_per_sentence_widest_chain():
    items = read_cluster_items(FX / "ecbplus" / "dev_event_gold_mentions.json")
    assert items == [
        ClusterItem("1_1ecb.xml:0", "A ferry sank off the coast on Sunday .", "FERRY", "1_1ecb.xml"),
        # SEARCH comes first in the sentence but FERRY reaches two documents
        ClusterItem("1_1ecb.xml:1", "Rescuers said they searched all night after the ferry sank .", "FERRY",
                    "1_1ecb.xml"),
        ClusterItem("1_2ecb.xml:0", "The ferry went down near the island , officials said .", "FERRY", "1_2ecb.xml"),
        ClusterItem("1_3ecbplus.xml:0", "A new stadium opened in the capital .", "STADIUM", "1_3ecbplus.xml"),
    ]


def test_read_jsonl_items():
    items = read_cluster_items(FX / "clusters.jsonl")
    assert [(i.id, i.cluster, i.source) for i in items] == [("c1", "ferry", "outlet-a"), ("c2", "ferry", "outlet-b"),
                                                            ("c3", "stadium", None)]


def test_bad_cluster_files(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"id": "1", "text": "t", "cluster": "a"}\n{"id": "2", "text": ""}\n')
    with pytest.raises(InputError, match=r"x.jsonl:2: each line needs"):
        read_cluster_items(bad)
    with pytest.raises(InputError, match="generic.csv: cannot tell the format from the name 'generic.csv'; pass"):
        read_cluster_items(FX / "generic.csv")
    binary = tmp_path / "y.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(InputError, match=r"y.jsonl:1: not UTF-8 text \(invalid start byte at byte 0\)"):
        read_cluster_items(binary)


def test_ecbplus_dev_reads():
    path = DATASETS / "ecbplus" / "dev_event_gold_mentions.json"
    if not path.exists():
        pytest.skip(f"{path} not found (../shared/datasets absent)")
    items = read_cluster_items(path)
    assert len(items) == 346  # sentences with an event mention, as in the dataset's SOURCE.txt
    assert len({i.source for i in items}) == 196


def test_jsonl_items_with_zero_ids_clusters_and_sources(tmp_path):
    path = tmp_path / "zero.jsonl"
    path.write_text('{"id": 0, "text": "The dam burst at dawn.", "cluster": 0, "source": 0}\n'
                    '{"id": 1, "text": "At dawn the dam gave way.", "cluster": 0, "source": "Valley News"}\n')
    items = read_cluster_items(path)
    assert items == [ClusterItem("0", "The dam burst at dawn.", "0", "0"),
                     ClusterItem("1", "At dawn the dam gave way.", "0", "Valley News")]


def test_jsonl_items_refuse_lists_and_repeated_ids(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "The dam burst.", "cluster": ["dam", "flood"]}\n')
    with pytest.raises(InputError, match=r'x\.jsonl:1: cluster must be a string or a whole number, got \["dam"'):
        read_cluster_items(path)
    path.write_text('{"id": "a", "text": "The dam burst.", "cluster": "dam"}\n\n'
                    '{"id": "a", "text": "A dam gave way.", "cluster": "dam"}\n')
    with pytest.raises(InputError, match=r"x\.jsonl:3: id 'a' is already used on line 1"):
        read_cluster_items(path)


def test_jsonl_items_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + (FX / "clusters.jsonl").read_bytes())
    assert read_cluster_items(path) == read_cluster_items(FX / "clusters.jsonl")


MENTION = {"doc_id": "9_1ecb.xml", "sent_id": "2", "full_sentence": "The dam burst at dawn .", "coref_chain": "BURST",
           "tokens_ids": [2]}


@pytest.mark.parametrize("change,problem", [
    ({"tokens_ids": 5}, "mention 1: tokens_ids must be a list of token numbers, got 5"),
    ({"coref_chain": ["BURST"]}, 'mention 1: coref_chain must be a string, got ["BURST"]'),
    ({"sent_id": "x"}, 'mention 1: sent_id must be a sentence number, got "x"'),
    ({"full_sentence": " "}, "mention 1: empty full_sentence"),
    ({"doc_id": None}, "mention 1: doc_id must be a non-empty string, got null"),
])
def test_malformed_ecbplus_mentions_name_file_and_mention(tmp_path, change, problem):
    path = tmp_path / "mentions.json"
    path.write_text(json.dumps([MENTION, {**MENTION, **change}]))
    with pytest.raises(InputError) as e:
        read_cluster_items(path)
    assert str(e.value) == f"{path}: {problem}"


def test_ecbplus_sentence_numbers_and_chains_may_be_ints(tmp_path):
    path = tmp_path / "mentions.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([{**MENTION, "sent_id": 2, "coref_chain": 7}]).encode())
    assert read_cluster_items(path) == [ClusterItem("9_1ecb.xml:2", "The dam burst at dawn .", "7", "9_1ecb.xml")]
