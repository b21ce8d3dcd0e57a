"""The pair classifier (fit/predict on synthetic features, JSON round trip, errors) and the shipped parameters."""

from __future__ import annotations

import json

import numpy as np
import pytest

from detector.errors import ParamsError
from detector.models import LABELS
from detector.scoring import (
    DEFAULT_PARAMS,
    PIPELINE_FEATURES,
    RULE_MIN_SUPPORT,
    FeatureBatch,
    LexicalScorer,
    PairClassifier,
    PipelineScorer,
    _params_path,
    calibration_names,
    labels_from_proba,
    load_params,
    load_scorer,
    rebuttal_rule,
    select_calibration,
)

FEATURES = ("f0", "f1", "f2")


def separable(n_per: int = 40, seed: int = 0):
    """Four well-separated Gaussian blobs, one per label, in three features."""
    rng = np.random.default_rng(seed)
    centers = np.array([[4, 0, 0], [0, 4, 0], [0, 0, 4], [-4, -4, -4]], dtype=float)
    X = np.vstack([c + 0.5 * rng.standard_normal((n_per, 3)) for c in centers])
    y = [lab for lab in LABELS for _ in range(n_per)]
    return X, y, centers


@pytest.fixture(scope="module")
def fitted():
    X, y, centers = separable()
    return PairClassifier(features=FEATURES).fit(X, y), X, y, centers


def test_init_only_stores_arguments():
    clf = PairClassifier(features=FEATURES, C=0.5, cv=3, random_state=7)
    assert (clf.features, clf.C, clf.cv, clf.random_state) == (FEATURES, 0.5, 3, 7)
    assert not [k for k in vars(clf) if k.endswith("_")]


def test_fit_returns_self_and_learns(fitted):
    clf, X, y, centers = fitted
    assert isinstance(clf, PairClassifier)
    assert clf.fit(X, y) is clf
    for attr in ("coef_", "intercept_", "temperature_", "threshold_", "C_", "cv_"):
        assert hasattr(clf, attr), attr
    assert clf.coef_.shape == (len(LABELS), len(FEATURES))
    assert 0 < clf.threshold_ < 1
    assert clf.cv_["n"] == len(y) and clf.cv_["accuracy"] > 0.95


def test_predictions_on_separable_data(fitted):
    clf, X, y, centers = fitted
    P = clf.predict_proba(X)
    assert P.shape == (len(X), len(LABELS))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-9)
    assert np.all((P >= 0) & (P <= 1))
    assert (np.array(clf.predict(X)) == np.array(y)).mean() > 0.95
    assert clf.predict(centers) == list(LABELS)


def test_json_round_trip_gives_identical_predictions(fitted):
    clf, X, _, _ = fitted
    d = json.loads(json.dumps(clf.to_dict()))  # through real JSON text
    back = PairClassifier.from_dict(d)
    assert back.features == FEATURES
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), atol=1e-6)
    assert back.predict(X) == clf.predict(X)
    assert back.to_dict() == d


def test_unfitted_classifier_names_its_class():
    clf = PairClassifier(features=FEATURES)
    for call in (lambda: clf.predict_proba(np.zeros((1, 3))), lambda: clf.predict(np.zeros((1, 3))), clf.to_dict):
        with pytest.raises(ParamsError, match="PairClassifier is not fitted"):
            call()


def test_bad_labels_list_the_allowed_ones():
    X, y, _ = separable(10)
    y[0] = "maybe"
    with pytest.raises(ValueError) as exc:
        PairClassifier(features=FEATURES).fit(X, y)
    msg = str(exc.value)
    assert "maybe" in msg
    for lab in LABELS:
        assert lab in msg


def test_bad_shape_is_a_value_error():
    X, y, _ = separable(10)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        PairClassifier(features=("a", "b")).fit(X, y)


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda d: d.pop("coef"), "malformed"),
        (lambda d: d.update(labels=["yes", "no"]), "labels"),
        (lambda d: d.update(coef=[[0.0]]), "coef has shape"),
        (lambda d: d.update(temperature="hot"), "malformed"),
    ],
)
def test_from_dict_rejects_malformed_parameters(fitted, mutate, match):
    d = fitted[0].to_dict()
    mutate(d)
    with pytest.raises(ParamsError, match=match):
        PairClassifier.from_dict(d)


def test_labels_from_proba_threshold_rule():
    P = np.array([
        [0.40, 0.30, 0.20, 0.10],  # above the threshold: contradicts
        [0.30, 0.10, 0.50, 0.10],  # below: the most likely other label (neutral)
        [0.34, 0.33, 0.00, 0.33],  # below, though the largest: agrees (first of the tied others)
        [0.35, 0.05, 0.10, 0.50],  # exactly at the threshold: contradicts, though unrelated is larger
    ])
    assert labels_from_proba(P, 0.35) == ["contradicts", "neutral", "agrees", "contradicts"]
    assert labels_from_proba(P, 0.9) == ["agrees", "neutral", "agrees", "unrelated"]
    assert labels_from_proba(P, 0.0) == ["contradicts"] * 4
    assert labels_from_proba(np.zeros((0, 4)), 0.5) == []


def test_load_scorer_unknown_name():
    with pytest.raises(ValueError, match="pipeline, nli, lexical"):
        load_scorer("magic")


def test_load_params_errors(tmp_path):
    with pytest.raises(ParamsError, match="not found"):
        load_params(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(ParamsError, match="not valid JSON"):
        load_params(bad)


def test_params_fitted_with_another_embedder_need_it_named(fake_embedder):
    """Similarity features from the default embedder would be on another scale than the fit's: refused, not
    silently scored; given explicitly (the user's choice), the mismatch is only logged."""
    import copy

    from detector.scoring import PipelineScorer

    d = copy.deepcopy(load_params())
    d["calibrations"]["news"]["embedder"] = "my-own-embedder"
    with pytest.raises(ParamsError, match="pass it with `--embedder my-own-embedder`"):
        PipelineScorer(params=d)
    fake_embedder.name = "my-own-embedder"
    PipelineScorer(params=d, embedder=fake_embedder)
    PipelineScorer(params=load_params())  # the shipped file names the default embedder: no model needs naming


# -- the shipped parameters ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped():
    path = _params_path(None)
    if not path.exists():
        pytest.skip(f"no shipped parameters yet at {path}")
    assert path.name == DEFAULT_PARAMS
    return load_params()


def _heads(cal: dict) -> dict[str, dict]:
    """A calibration's fitted pipeline classifiers, one per pair kind ("heads")."""
    return cal["pipeline"]["heads"]


SHIPPED_CALIBRATIONS = ["news", "claimdiff", "climate-fever", "sick", "snli", "anli"]


def test_shipped_params_load(shipped):
    assert shipped["format"] == "crossclaim-pair-scorer/2"
    assert calibration_names(shipped) == SHIPPED_CALIBRATIONS and shipped["default_calibration"] == "news"
    for name in SHIPPED_CALIBRATIONS:
        _, cal = select_calibration(shipped, name)
        assert cal["nli_backend"] == "aegis-onnx", name
        classifiers = [PairClassifier.from_dict(h) for h in _heads(cal).values()]
        classifiers.append(PairClassifier.from_dict(cal["lexical"]))
        for clf in classifiers:
            P = clf.predict_proba(np.zeros((2, len(clf.features))) + np.asarray(clf.mean_))
            np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-9)
            assert 0 < clf.threshold_ < 1
    # only news has article bodies (FNC-1), so only news has a body head
    assert set(_heads(select_calibration(shipped, "news")[1])) == {"sentence", "body"}


def test_shipped_params_fit_the_current_pipeline(shipped):
    """The shipped file matches the code: every head was fitted on today's features, and the scorers load."""
    for name in SHIPPED_CALIBRATIONS:
        for head_name, head in _heads(select_calibration(shipped, name)[1]).items():
            assert tuple(head["features"]) == PIPELINE_FEATURES, (name, head_name)
    assert load_scorer("pipeline").threshold > 0 and load_scorer("pipeline").calibration == "news"
    assert load_scorer("lexical").threshold > 0
    assert load_scorer("pipeline", calibration="snli").calibration == "snli"


def test_shipped_params_record_how_to_reproduce_them(shipped):
    assert shipped["data_hash"] and isinstance(shipped["data_hash"], str)
    assert shipped["command"] == "crossclaim calibrate --recipe shipped"
    for name in SHIPPED_CALIBRATIONS:
        cal = select_calibration(shipped, name)[1]
        assert len(cal["data_hash"]) == 64 and cal["data_files"], name
        assert set(cal["data_files"]) <= set(shipped["data_files"]), name


# -- calibrations ----------------------------------------------------------------------------------------------
def _calibration(fitted_clf, threshold=None) -> dict:
    d = fitted_clf.to_dict()
    if threshold is not None:
        d["contradicts_threshold"] = threshold
    return {"pipeline": {"heads": {"sentence": dict(d, features=list(PIPELINE_FEATURES),
                                                    coef=[[0.0] * len(PIPELINE_FEATURES)] * len(LABELS),
                                                    mean=[0.0] * len(PIPELINE_FEATURES),
                                                    scale=[1.0] * len(PIPELINE_FEATURES))},
                         "rebuttal_rule": {}},
            "lexical": d}


def test_select_calibration_by_name_and_default(fitted):
    clf = fitted[0]
    a, b = _calibration(clf, 0.3), _calibration(clf, 0.6)
    two = {"format": "crossclaim-pair-scorer/2", "default_calibration": "b", "calibrations": {"a": a, "b": b}}
    assert calibration_names(two) == ["a", "b"]
    assert select_calibration(two) == ("b", b) and select_calibration(two, "a") == ("a", a)
    with pytest.raises(ParamsError, match="no calibration 'c'; it has: a, b"):
        select_calibration(two, "c")
    # a file written before calibrations had names is one calibration, "default"
    assert select_calibration(a) == ("default", a) and calibration_names(a) == ["default"]
    with pytest.raises(ParamsError, match="no calibration 'news'; it has: default"):
        select_calibration(a, "news")
    with pytest.raises(ParamsError, match="not a non-empty object"):
        select_calibration({"calibrations": {}})
    # the scorers use the calibration they are given: each has its own threshold
    assert PipelineScorer(params=two, calibration="a").threshold == 0.3
    assert PipelineScorer(params=two).threshold == 0.6 and PipelineScorer(params=two).calibration == "b"
    assert LexicalScorer(params=two, calibration="a").threshold == 0.3
    assert LexicalScorer(params=a).threshold == 0.3


def test_rebuttal_rule_needs_support_to_speak():
    """The rule's precision is measured only when enough labelled pairs show the pattern; else it stays off."""
    n = 60
    X = np.zeros((n, len(PIPELINE_FEATURES)))
    X[:, PIPELINE_FEATURES.index("cos")] = np.linspace(0.2, 0.9, n)
    y = np.array(["neutral"] * n, dtype=object)
    fires = np.arange(n) >= n - RULE_MIN_SUPPORT  # the most similar pairs show the pattern ...
    X[fires, PIPELINE_FEATURES.index("rebuttal")] = 1
    y[fires[:]] = "contradicts"
    y[np.flatnonzero(fires)[:2]] = "agrees"  # ... and 8 of those 10 are contradictions
    rule = rebuttal_rule(FeatureBatch(X, np.zeros((n, 2)), np.zeros(n, bool)), y)
    assert rule["n"] == RULE_MIN_SUPPORT and rule["n_contradicts"] == RULE_MIN_SUPPORT - 2
    assert rule["precision"] == pytest.approx((RULE_MIN_SUPPORT - 2 + 1) / (RULE_MIN_SUPPORT + 2), abs=1e-4)
    X[np.flatnonzero(fires)[0], PIPELINE_FEATURES.index("rebuttal")] = 0  # one pair fewer: no precision
    rule = rebuttal_rule(FeatureBatch(X, np.zeros((n, 2)), np.zeros(n, bool)), y)
    assert rule["n"] == RULE_MIN_SUPPORT - 1 and "precision" not in rule
    scorer = PipelineScorer.__new__(PipelineScorer)
    scorer.rule = rule
    assert not scorer.rule_fires(X).any()


def test_rebuttal_rule_raises_p_to_its_precision_and_never_lowers_it():
    scorer = PipelineScorer.__new__(PipelineScorer)
    scorer.rule = {"n": 24, "n_contradicts": 21, "min_cos": 0.5, "precision": 0.85}
    X = np.zeros((4, len(PIPELINE_FEATURES)))
    X[:, PIPELINE_FEATURES.index("cos")] = [0.9, 0.9, 0.9, 0.1]
    X[:3, PIPELINE_FEATURES.index("rebuttal")] = [1, 1, 0]
    X[3, PIPELINE_FEATURES.index("rebuttal")] = 1
    P = np.array([[0.05, 0.6, 0.3, 0.05], [0.95, 0.03, 0.01, 0.01], [0.05, 0.6, 0.3, 0.05], [0.05, 0.6, 0.3, 0.05]])
    before = P.copy()
    scorer._apply_rule(X, P, np.arange(4))
    c = LABELS.index("contradicts")
    assert P[0, c] == pytest.approx(0.85)  # fires, classifier below the measured precision: raised to it
    assert P[0, 1:] == pytest.approx(before[0, 1:] * 0.15 / 0.95)  # the rest keep their ratios
    assert np.array_equal(P[1], before[1])  # fires, classifier above: its own, higher p stays (no noisy-OR 0.99)
    assert np.array_equal(P[2], before[2]) and np.array_equal(P[3], before[3])  # no pattern / off topic
    P3 = before.copy()
    scorer._apply_rule(X, P3, np.arange(4), same_story=np.array([False, False, False, True]))
    assert P3[3, c] == pytest.approx(0.85)  # one page or cluster juxtaposed them: on topic whatever the cosine
    assert np.allclose(P.sum(1), 1) and np.allclose(P3.sum(1), 1)


def test_juxtaposed_pairs_need_the_nli_evidence_of_real_contradictions():
    """A page juxtaposes claims on many subjects: a minister's denial and the death toll. Below ``min_cos`` the rule
    only speaks about juxtaposed pairs where the NLI model sees as much conflict as most labelled contradictions."""
    scorer = PipelineScorer.__new__(PipelineScorer)
    scorer.rule = {"n": 24, "n_contradicts": 21, "min_cos": 0.5, "min_nli": 0.7, "precision": 0.85}
    X = np.zeros((4, len(PIPELINE_FEATURES)))
    X[:, PIPELINE_FEATURES.index("rebuttal")] = 1
    X[:, PIPELINE_FEATURES.index("cos")] = [0.2, 0.2, 0.2, 0.9]
    X[:, PIPELINE_FEATURES.index("nli_max")] = [0.03, 0.95, 0.95, 0.03]
    story = np.array([True, True, False, False])
    assert scorer.rule_fires(X, story).tolist() == [False, True, False, True]  # cosine alone still suffices
    del scorer.rule["min_nli"]  # a file from before min_nli: juxtaposition alone, as it was
    assert scorer.rule_fires(X, story).tolist() == [True, True, False, True]


def test_rebuttal_rule_measures_min_nli_on_the_labelled_contradictions():
    n = 40
    X = np.zeros((n, len(PIPELINE_FEATURES)))
    X[:, PIPELINE_FEATURES.index("cos")] = 0.8
    X[:, PIPELINE_FEATURES.index("nli_max")] = np.linspace(0, 1, n)
    y = np.array(["neutral"] * n, dtype=object)
    y[-8:] = "contradicts"
    body = np.zeros(n, bool)
    body[-1] = True  # a body pair's score is not a sentence pair's: left out
    rule = rebuttal_rule(FeatureBatch(X, np.zeros((n, 2)), body), y)
    assert rule["min_nli"] == pytest.approx(np.percentile(np.linspace(0, 1, n)[-8:-1], 25), abs=1e-4)
    rule = rebuttal_rule(FeatureBatch(X, np.zeros((n, 2)), body), np.array(["neutral"] * n, dtype=object))
    assert "min_nli" not in rule  # no contradiction to measure it on


def test_sample_weights_undo_oversampling_of_a_rare_label():
    # the same data twice: once as drawn, once with the rare label copied 10x and weighted back by 1/10
    rng = np.random.default_rng(1)
    n = 400
    X = rng.normal(size=(n, len(PIPELINE_FEATURES)))
    y = np.array(["unrelated"] * n, dtype=object)
    y[X[:, 0] > 0.3] = "neutral"
    y[X[:, 1] > 1.6] = "contradicts"
    rare = np.flatnonzero(y == "contradicts")
    X2 = np.vstack([X] + [X[rare]] * 9)
    y2 = np.concatenate([y] + [y[rare]] * 9)
    w2 = np.where(y2 == "contradicts", 0.1, 1.0)
    plain = PairClassifier(C=1.0).fit(X, y)
    weighted = PairClassifier(C=1.0).fit(X2, y2, sample_weight=w2)
    unweighted = PairClassifier(C=1.0).fit(X2, y2)
    c = LABELS.index("contradicts")
    mean_plain = plain.predict_proba(X)[:, c].mean()
    # weighting brings the mean contradiction probability back near the plain fit's; ignoring it inflates it
    assert abs(weighted.predict_proba(X)[:, c].mean() - mean_plain) < 0.02
    assert unweighted.predict_proba(X)[:, c].mean() > mean_plain + 0.015


def _cos_only(seed: int, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Pairs with a random similarity and no flag: "agrees" above 0.5, "unrelated" below."""
    X = np.zeros((n, len(PIPELINE_FEATURES)))
    X[:, PIPELINE_FEATURES.index("cos")] = np.random.default_rng(seed).random(n)
    y = np.where(X[:, PIPELINE_FEATURES.index("cos")] > 0.5, "agrees", "unrelated").astype(object)
    return X, y


def test_a_rare_flag_is_standardised_by_at_least_min_flag_scale():
    """A flag seen on 10 of 600 pairs must not be multiplied by its rarity (1/0.13) wherever it fires."""
    from detector.scoring import FLAG_FEATURES, MIN_FLAG_SCALE, MIN_FLAG_SUPPORT

    X, y = _cos_only(3)
    y[:60] = "contradicts"
    flag = PIPELINE_FEATURES.index("num_mismatch")
    X[100 : 100 + MIN_FLAG_SUPPORT, flag] = 1  # just enough pairs to be weighed, none a contradiction
    clf = PairClassifier(C=1.0).fit(X, y)
    assert "num_mismatch" in FLAG_FEATURES and "cos" not in FLAG_FEATURES
    assert "num_mismatch" not in clf.left_out_
    assert clf.scale_[flag] == MIN_FLAG_SCALE  # its own spread is 0.13
    assert clf.scale_[PIPELINE_FEATURES.index("cos")] == pytest.approx(X[:, PIPELINE_FEATURES.index("cos")].std())
    # switching the flag on moves no label's logit by more than about one unit
    on = X[:1].copy()
    on[0, flag] = 1
    z_off = (X[:1] - clf.mean_) / clf.scale_ @ clf.coef_.T
    z_on = (on - clf.mean_) / clf.scale_ @ clf.coef_.T
    assert np.abs(z_on - z_off).max() < 1.5


def test_a_flag_too_few_pairs_show_gets_no_weight_and_is_named():
    """Two reviewed pairs with "have not seen" must not set the weight of every later pair that says it."""
    from detector.scoring import MIN_FLAG_SUPPORT, PairClassifier

    X, y = _cos_only(4)
    flag = PIPELINE_FEATURES.index("non_confirmation")
    shown = np.arange(0, 600, 60)[:MIN_FLAG_SUPPORT - 1]  # one pair short of the limit, every one a contradiction
    X[shown, flag] = 1
    y[shown] = "contradicts"
    y[1::50] = "contradicts"
    c = LABELS.index("contradicts")
    clf = PairClassifier(C=1.0).fit(X, y)
    assert "non_confirmation" in clf.left_out_ and "cos" not in clf.left_out_
    assert np.all(clf.coef_[:, flag] == 0)
    assert clf.flag_support_["non_confirmation"] == MIN_FLAG_SUPPORT - 1
    assert PairClassifier.from_dict(json.loads(json.dumps(clf.to_dict()))).left_out_ == clf.left_out_
    # with one pair more it is weighed, and it pulls towards what those pairs were
    X[301, flag], y[301] = 1, "contradicts"
    weighed = PairClassifier(C=1.0).fit(X, y)
    assert "non_confirmation" not in weighed.left_out_
    assert weighed.coef_[c, flag] > 0.5
