"""Cluster items (ECB+ and JSONL) and the clustering metrics on tiny examples."""

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
