"""Pair scoring: NLI scores + explicit checks -> calibrated label probabilities and reasons.

Shaped like a scikit-learn estimator (see STYLE.md): ``PairClassifier`` stores its settings in ``__init__``,
learns in ``fit`` (attributes with a trailing ``_``) and is saved as small JSON, never a pickle. The shipped
parameters are in ``detector/params/pair_scorer.json``; ``crossclaim calibrate`` reproduces them.

Three scorers share one interface, ``predict_proba(list[TextPair]) -> (n, 4)`` with columns ``LABELS``:

- ``pipeline``: the shipped classifier over NLI (both directions), embedding similarity and the checks;
- ``nli``: the raw NLI model alone (p(contradicts) = mean of both directions; the rest is "neutral");
- ``lexical``: a classifier over the checks' surface features only, as a baseline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from embeddings.base import DEFAULT_MODEL as DEFAULT_EMBEDDER

from .checks import CHECK_FEATURES, days_between, run_checks
from .errors import ParamsError
from .models import LABELS, Claim, Reason, ScoredPair, juxtaposed
from .nli import DEFAULT_NLI, NliBackend, cached, contradiction_column, load_nli

__all__ = [
    "TextPair",
    "PairClassifier",
    "PipelineScorer",
    "NliScorer",
    "LexicalScorer",
    "load_scorer",
    "calibrate",
    "score_claim_pairs",
    "PIPELINE_FEATURES",
    "LEXICAL_FEATURES",
    "SCORERS",
    "DEFAULT_PARAMS",
    "select_calibration",
    "calibration_names",
]

SCORERS = ("pipeline", "nli", "lexical")
DEFAULT_PARAMS = "pair_scorer.json"
PIPELINE_FEATURES: tuple[str, ...] = (
    "nli_ab", "nli_ba", "nli_max", "nli_min", "cos", "cos_x_nli", *CHECK_FEATURES,
    "denial_x_cos", "nonconf_x_cos", "neg_x_nli", "rebuttal_x_cos",
)
HEADS = ("sentence", "body")
"""The pipeline classifier has two heads: sentence pairs (claims, headlines) and claim-vs-article-body pairs
(scored on the body's best sentences). They behave differently enough (an article's best-matching sentence is
similar to almost any headline) that one set of weights serves both badly."""
LEXICAL_FEATURES: tuple[str, ...] = CHECK_FEATURES
LONG_TEXT_WORDS = 60  # longer texts (article bodies) are scored on their best-matching sentences
N_EVIDENCE = 2
RULE_MIN_SUPPORT = 10  # labelled pairs showing the rebuttal pattern needed before its precision is trusted
FLAG_FEATURES = frozenset({
    "num_mismatch", "num_match", "date_mismatch", "neg_asym", "neg_any", "denial", "non_confirmation", "hedge",
    "rebuttal", "denial_x_cos", "nonconf_x_cos", "neg_x_nli", "rebuttal_x_cos",
})
"""Features that are zero for most pairs: a check that fired (a flag or a small count), or a flag times a score."""
MIN_FLAG_SCALE = 0.5
"""The least spread a flag feature is standardised by: that of a flag present in half the pairs. Standardising a
flag seen in 2 of 1,500 fit pairs by its own spread (0.04) would multiply its weight by 27 wherever it fires, so a
check the fit data barely has would dominate every pair it fires on."""
MIN_FLAG_SUPPORT = 10
"""The fewest fit pairs a flag feature must fire on to get a weight. A weight learnt from one or two pairs is
noise that decides every later pair the flag fires on (the rule of thumb for logistic regression is ten events per
variable): "have not seen" is in no pair of the news data, and two reviewed pairs with it would otherwise set its
weight alone. A flag under the limit is left out of the fit (weight 0) and named in the head's ``left_out``; the
head's ``flag_support`` counts the fit pairs each flag fires on."""
FLAG_NAMES = {
    "num_mismatch": "different figures", "num_match": "the same figures", "date_mismatch": "different dates",
    "neg_asym": "a negation on one side", "neg_any": "a negation", "denial": "a denial",
    "non_confirmation": "does not confirm (“have not seen”)", "hedge": "hedged",
    "rebuttal": "a rebuttal (one side denies or has not seen what the other asserts)",
    "denial_x_cos": "a denial, by similarity", "nonconf_x_cos": "does not confirm, by similarity",
    "neg_x_nli": "a negation, by NLI", "rebuttal_x_cos": "a rebuttal, by similarity",
}
"""What each flag feature is called where a person reads it (the reasons ``scan`` shows)."""


@dataclass(frozen=True, slots=True)
class TextPair:
    """Two texts to compare, with optional publication dates (ISO)."""

    text_a: str
    text_b: str
    date_a: str | None = None
    date_b: str | None = None


# -- the classifier ------------------------------------------------------------------------------------------
class PairClassifier:
    """Multinomial logistic regression on standardised features (flags by at least ``MIN_FLAG_SCALE``),
    temperature-scaled, with a contradiction threshold chosen on out-of-fold predictions. Serialises to JSON."""

    def __init__(self, *, features: Sequence[str] = PIPELINE_FEATURES, C: float | None = None, cv: int = 5,
                 random_state: int = 0):
        self.features = tuple(features)
        self.C = C
        self.cv = cv
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: Sequence[str], groups: Sequence[str] | None = None,
            sample_weight: np.ndarray | None = None) -> PairClassifier:
        """Fit on features X (n, d) and labels y. ``sample_weight`` undoes a sample's class re-balancing: with
        weights true_share / sample_share per label, the fit, the temperature and the threshold all target the
        data's real label distribution, so probabilities stay calibrated."""
        from scipy.optimize import minimize_scalar
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.model_selection import GroupKFold, StratifiedKFold
        from sklearn.preprocessing import StandardScaler

        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.features):
            raise ValueError(f"X must have shape (n, {len(self.features)}), got {X.shape}")
        y = np.asarray(list(y))
        unknown = set(y) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown labels {sorted(unknown)}; allowed: {', '.join(LABELS)}")
        yi = np.array([LABELS.index(v) for v in y])
        w = np.ones(len(yi)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if groups is not None and len(set(groups)) >= self.cv:
            splits = list(GroupKFold(n_splits=self.cv).split(X, yi, groups))
        else:
            splits = list(StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state).split(X, yi))

        floor = np.array([MIN_FLAG_SCALE if f in FLAG_FEATURES else 0.0 for f in self.features])

        flag = np.array([f in FLAG_FEATURES for f in self.features])

        def scaler(rows: np.ndarray | slice) -> StandardScaler:
            sc = StandardScaler().fit(X[rows])
            sc.scale_ = np.maximum(sc.scale_, floor)
            return sc

        def kept(rows: np.ndarray | slice) -> np.ndarray:
            """1 for a feature the fit may weigh, 0 for a flag that fires on too few of these rows."""
            return (~(flag & ((X[rows] != 0).sum(axis=0) < MIN_FLAG_SUPPORT))).astype(np.float64)

        def oof(C: float) -> np.ndarray:
            out = np.zeros((len(yi), len(LABELS)))
            for tr, te in splits:
                sc, keep = scaler(tr), kept(tr)
                m = LogisticRegression(C=C, max_iter=5000).fit(sc.transform(X[tr]) * keep, yi[tr],
                                                               sample_weight=w[tr])
                z = m.decision_function(sc.transform(X[te]) * keep)
                full = np.full((len(te), len(LABELS)), -1e9)
                full[:, m.classes_] = z if z.ndim == 2 else np.c_[-z, z]
                out[te] = full
            return out

        grid = [self.C] if self.C else [0.01, 0.1, 1.0, 10.0]
        best = None
        for C in grid:
            z = oof(C)
            loss = _nll(z, yi, w)
            if best is None or loss < best[0]:
                best = (loss, C, z)
        _, self.C_, z_oof = best
        res = minimize_scalar(lambda t: _nll(z_oof / t, yi, w), bounds=(0.25, 4.0), method="bounded")
        self.temperature_ = float(res.x)
        p_oof = _softmax(z_oof / self.temperature_)
        self.oof_proba_ = p_oof  # out-of-fold probabilities of the training rows (for studies; not serialised)
        # contradiction threshold: the one that maximises out-of-fold contradiction F1
        c = LABELS.index("contradicts")
        is_c = (yi == c).astype(int)
        best_t, best_f = 0.5, -1.0
        for t in np.linspace(0.05, 0.95, 91):
            f = f1_score(is_c, (p_oof[:, c] >= t).astype(int), zero_division=0, sample_weight=w)
            if f > best_f:
                best_t, best_f = float(t), float(f)
        self.threshold_ = best_t
        self.cv_ = {
            "log_loss": float(_nll(z_oof / self.temperature_, yi, w)),
            "contradicts_f1_at_threshold": best_f,
            "accuracy": float((p_oof.argmax(1) == yi).mean()),
            "n": int(len(yi)),
            "counts": {LABELS[k]: int((yi == k).sum()) for k in range(len(LABELS))},
        }
        self.scaler_, keep = scaler(slice(None)), kept(slice(None))
        self.left_out_ = [f for f, k in zip(self.features, keep) if not k]
        self.flag_support_ = {f: int((X[:, j] != 0).sum()) for j, f in enumerate(self.features) if flag[j]}
        model = LogisticRegression(C=self.C_, max_iter=5000).fit(self.scaler_.transform(X) * keep, yi,
                                                                 sample_weight=w)
        coef = np.zeros((len(LABELS), X.shape[1]))
        intercept = np.full(len(LABELS), -30.0)  # a label absent from the data gets ~zero probability
        coef[model.classes_] = model.coef_ if len(model.classes_) > 2 else np.r_[-model.coef_, model.coef_]
        intercept[model.classes_] = (
            model.intercept_ if len(model.classes_) > 2 else np.r_[-model.intercept_, model.intercept_]
        )
        self.coef_, self.intercept_ = coef * keep, intercept
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise ParamsError(f"{type(self).__name__} is not fitted: call fit() or load parameters first")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        self._check_fitted()
        X = np.asarray(X, dtype=np.float64)
        z = ((X - self.mean_) / self.scale_) @ self.coef_.T + self.intercept_
        return _softmax(z / self.temperature_)

    def predict(self, X: np.ndarray) -> list[str]:
        return labels_from_proba(self.predict_proba(X), self.threshold_)

    @property
    def mean_(self) -> np.ndarray:
        return self.scaler_.mean_ if hasattr(self, "scaler_") else self._mean

    @property
    def scale_(self) -> np.ndarray:
        return self.scaler_.scale_ if hasattr(self, "scaler_") else self._scale

    def to_dict(self) -> dict:
        self._check_fitted()
        return {
            "kind": "multinomial-logistic-regression",
            "labels": list(LABELS),
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean_],
            "scale": [round(float(v), 8) for v in self.scale_],
            "coef": [[round(float(v), 8) for v in row] for row in self.coef_],
            "intercept": [round(float(v), 8) for v in self.intercept_],
            "temperature": round(self.temperature_, 6),
            "contradicts_threshold": round(self.threshold_, 4),
            "C": self.C_,
            "left_out": list(getattr(self, "left_out_", [])),
            "flag_support": dict(getattr(self, "flag_support_", {})),
            "cv": self.cv_,
        }

    @classmethod
    def from_dict(cls, d: dict) -> PairClassifier:
        try:
            if list(d["labels"]) != list(LABELS):
                raise ParamsError(f"parameter labels {d['labels']} differ from {list(LABELS)}")
            self = cls(features=d["features"])
            self._mean = np.asarray(d["mean"], dtype=np.float64)
            self._scale = np.asarray(d["scale"], dtype=np.float64)
            self.coef_ = np.asarray(d["coef"], dtype=np.float64)
            self.intercept_ = np.asarray(d["intercept"], dtype=np.float64)
            self.temperature_ = float(d["temperature"])
            self.threshold_ = float(d["contradicts_threshold"])
            self.C_ = d.get("C")
            self.cv_ = d.get("cv", {})
            self.left_out_ = list(d.get("left_out", []))
            self.flag_support_ = dict(d.get("flag_support", {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise ParamsError(f"malformed classifier parameters ({type(exc).__name__}: {exc})") from exc
        if self.coef_.shape != (len(LABELS), len(self.features)):
            raise ParamsError(f"coef has shape {self.coef_.shape}, expected {(len(LABELS), len(self.features))}")
        return self


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _nll(z: np.ndarray, yi: np.ndarray, w: np.ndarray | None = None) -> float:
    p = _softmax(z)
    ll = np.log(np.clip(p[np.arange(len(yi)), yi], 1e-12, 1.0))
    return float(-np.average(ll, weights=w))


def labels_from_proba(P: np.ndarray, threshold: float) -> list[str]:
    """contradicts when p(contradicts) >= threshold, else the most likely of the other labels."""
    c = LABELS.index("contradicts")
    rest = P.copy()
    rest[:, c] = -1
    return [LABELS[c] if p[c] >= threshold else LABELS[int(r.argmax())] for p, r in zip(P, rest)]


# -- features ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _split_long(text: str) -> list[str]:
    if len(text.split()) <= LONG_TEXT_WORDS:
        return [text]
    sents = [s.text.strip() for s in _sentencizer()(text[:20000]).sents]
    sents = [s for s in sents if len(s.split()) >= 4]
    return sents or [text]


@dataclass
class FeatureBatch:
    X: np.ndarray  # (n, len(PIPELINE_FEATURES))
    nli: np.ndarray  # (n, 2): contradiction a->b, b->a
    body: np.ndarray  # (n,) bool: side b was a long text scored on its best sentences


class Featurizer:
    """Computes the pipeline features for text pairs with an embedder and an NLI backend."""

    def __init__(self, *, embedder=None, nli: NliBackend | None = None, batch_size: int = 8):
        self.embedder = embedder
        self.nli = nli
        self.batch_size = batch_size

    def _embedder(self):
        if self.embedder is None:
            from embeddings import load_embedder

            self.embedder = load_embedder()
        return self.embedder

    def _nli(self) -> NliBackend:
        if self.nli is None:
            self.nli = cached(load_nli())
        return self.nli

    def transform(self, pairs: Sequence[TextPair], *, show_progress: bool = False,
                  bodies: bool = True) -> FeatureBatch:
        """Features for text pairs. With ``bodies=False`` every side b is a claim, never an article body to cut
        into sentences (a long claim in context is still one claim: the sentence head scores it)."""
        n = len(pairs)
        if n == 0:
            return FeatureBatch(np.zeros((0, len(PIPELINE_FEATURES))), np.zeros((0, 2)), np.zeros(0, bool))
        # evidence selection: long side-b texts (article bodies) are scored on their N best sentences
        cands = [_split_long(p.text_b) if bodies else [p.text_b] for p in pairs]
        a_short = [p.text_a if len(p.text_a.split()) <= 3 * LONG_TEXT_WORDS else " ".join(p.text_a.split()[:180])
                   for p in pairs]
        uniq = sorted({t for t in a_short} | {s for c in cands for s in c})
        index = {t: i for i, t in enumerate(uniq)}
        V = self._embedder().encode(uniq, show_progress=show_progress)
        evid: list[list[str]] = []
        cos = np.zeros(n)
        for k, (a, c) in enumerate(zip(a_short, cands)):
            va = V[index[a]]
            sims = np.array([float(V[index[s]] @ va) for s in c])
            order = np.argsort(-sims)[:N_EVIDENCE]
            evid.append([c[i] for i in order])
            cos[k] = sims[order[0]]
        prem, hyp, owner = [], [], []
        for k, (a, ev) in enumerate(zip(a_short, evid)):
            for s in ev:
                prem += [a, s]
                hyp += [s, a]
                owner += [k, k]
        nli = self._nli()
        S = nli.scores(prem, hyp, batch_size=self.batch_size, show_progress=show_progress)
        col = contradiction_column(nli)
        ab = np.zeros(n)
        ba = np.zeros(n)
        for j in range(0, len(prem), 2):
            k = owner[j]
            ab[k] = max(ab[k], S[j, col])
            ba[k] = max(ba[k], S[j + 1, col])
        X = np.zeros((n, len(PIPELINE_FEATURES)))
        for k in range(n):
            f = dict(run_checks(a_short[k], " ".join(evid[k])).features)
            f.update(nli_ab=ab[k], nli_ba=ba[k], nli_max=max(ab[k], ba[k]), nli_min=min(ab[k], ba[k]), cos=cos[k])
            f["cos_x_nli"] = cos[k] * f["nli_max"]
            f["denial_x_cos"] = f["denial"] * cos[k]
            f["nonconf_x_cos"] = f["non_confirmation"] * cos[k]
            f["neg_x_nli"] = f["neg_asym"] * f["nli_max"]
            f["rebuttal_x_cos"] = f["rebuttal"] * cos[k]
            X[k] = [f[name] for name in PIPELINE_FEATURES]
        body = np.array([len(c) > 1 for c in cands], dtype=bool)
        return FeatureBatch(X, np.c_[ab, ba], body)


def lexical_features(pairs: Sequence[TextPair]) -> np.ndarray:
    rows = []
    for p in pairs:
        f = run_checks(p.text_a, p.text_b).features
        rows.append([f[name] for name in LEXICAL_FEATURES])
    return np.array(rows, dtype=np.float64).reshape(len(pairs), len(LEXICAL_FEATURES))


def rebuttal_pattern(X: np.ndarray, min_cos: float, same_story: np.ndarray | None = None,
                     min_nli: float | None = None) -> np.ndarray:
    """Rows of sentence-pair features showing the rebuttal pattern on one subject: similarity at least ``min_cos``,
    or ``same_story`` (one page or topic cluster juxtaposed them) where the NLI model sees at least ``min_nli`` of
    conflict in one direction (no ``min_nli``: juxtaposition alone, as parameter files before 2026-12-03 had it)."""
    on_topic = X[:, PIPELINE_FEATURES.index("cos")] >= min_cos
    if same_story is not None:
        juxtaposed = np.asarray(same_story, dtype=bool)
        if min_nli is not None:
            juxtaposed = juxtaposed & (X[:, PIPELINE_FEATURES.index("nli_max")] >= min_nli)
        on_topic = on_topic | juxtaposed
    return (X[:, PIPELINE_FEATURES.index("rebuttal")] > 0) & on_topic


def rebuttal_rule(fb: FeatureBatch, y: np.ndarray) -> dict:
    """Measure the rebuttal pattern on labelled sentence pairs.

    The pattern: one side denies or says it has seen no evidence, the other asserts without negation. Fact-checkers
    treat an official "we have not seen them do that" against a report of it as a conflict, even when the two
    sentences share few words (so NLI and similarity alone score it low). We do not hand-set how much to trust
    it: ``precision`` is the share of labelled pairs showing the pattern that are contradictions (Laplace-smoothed),
    and ``min_cos`` is the 25th percentile of similarity among related (not "unrelated") pairs, so the rule only
    speaks about pairs on one subject. In a scan, two claims quoted on one page, or in one topic cluster, are on
    one subject whatever their similarity (the page itself juxtaposed them) if the NLI model sees at least
    ``min_nli`` of conflict: the 25th percentile of ``nli_max`` among the labelled contradictions. A page juxtaposes
    claims on many subjects (a minister's denial and the death toll), and the labelled data has no juxtaposed pairs
    to measure the rule on, so it asks of them the NLI evidence that three in four real contradictions show.
    """
    sent = ~fb.body
    cos = fb.X[:, PIPELINE_FEATURES.index("cos")]
    related = sent & (y != "unrelated")
    if related.sum() < 20:
        return {}
    min_cos = float(np.percentile(cos[related], 25))
    fires = sent & rebuttal_pattern(fb.X, min_cos)
    n, n_c = int(fires.sum()), int((fires & (y == "contradicts")).sum())
    out = {"n": n, "n_contradicts": n_c, "min_cos": round(min_cos, 4)}
    contra = sent & (y == "contradicts")
    if contra.any():
        out["min_nli"] = round(float(np.percentile(fb.X[contra, PIPELINE_FEATURES.index("nli_max")], 25)), 4)
    if n >= RULE_MIN_SUPPORT:  # fewer labelled pairs do not measure a precision: the rule stays off
        out["precision"] = round((n_c + 1) / (n + 2), 4)
    return out


# -- scorers -------------------------------------------------------------------------------------------------
def _params_path(path: str | Path | None) -> Path:
    if path is not None:
        return Path(path)
    return Path(str(resources.files("detector").joinpath("params", DEFAULT_PARAMS)))


def load_params(path: str | Path | None = None) -> dict:
    p = _params_path(path)
    try:
        return json.loads(p.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ParamsError(
            f"{p}: parameter file not found; run `crossclaim calibrate` (see docs/EVALUATION.md)"
        ) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{p}: not valid JSON ({exc})") from exc


def calibration_names(d: dict) -> list[str]:
    """The calibrations a parameter file holds (a single-calibration file's one is called "default")."""
    cals = d.get("calibrations")
    return list(cals) if isinstance(cals, dict) else ["default"]


def select_calibration(d: dict, name: str | None = None) -> tuple[str, dict]:
    """(name, parameters) of one calibration in a parameter file; ``None`` picks the file's default.

    A parameter file holds one calibration per kind of text it was fitted on (``calibrations``: name ->
    {"pipeline", "lexical", ...}, and ``default_calibration``, the one `scan` uses). Probabilities calibrated on one
    kind of text are not calibrated on another (docs/RESULTS.md measures it), so evaluation on, say, SNLI uses the
    calibration fitted on SNLI's own fit split. A file from before calibrations were named (a bare "pipeline" and
    "lexical") is one calibration, "default".
    """
    if not isinstance(d, dict):
        raise ParamsError("the parameter file is not a JSON object")
    cals = d.get("calibrations")
    if cals is None:
        if name not in (None, "default"):
            raise ParamsError(f"the parameter file has no calibration {name!r}; it has: default")
        return "default", d
    if not isinstance(cals, dict) or not cals:
        raise ParamsError("the parameter file's 'calibrations' is not a non-empty object")
    if name is None:
        name = d.get("default_calibration") or next(iter(cals))
    if name not in cals or not isinstance(cals[name], dict):
        raise ParamsError(f"the parameter file has no calibration {name!r}; it has: {', '.join(cals)}")
    return name, cals[name]


def _fingerprint(calibration: str, params: dict, embedder, nli) -> str:
    """What a stored pair's probabilities depend on: the calibration's parameters, the embedder and the NLI backend.

    A scan re-scores the pairs a store holds under another fingerprint, so a refitted file or another model is
    never mixed silently with scores from the old one.
    """
    import hashlib

    emb = getattr(embedder, "name", None) or DEFAULT_EMBEDDER
    nli_name = getattr(nli, "name", None) or DEFAULT_NLI
    blob = json.dumps([calibration, params, emb, nli_name], sort_keys=True, ensure_ascii=False)
    return f"pipeline:{calibration}:{hashlib.sha256(blob.encode('utf-8')).hexdigest()[:12]}"


class PipelineScorer:
    """The shipped scorer: NLI + similarity + checks through the fitted classifier (one head per pair kind).

    ``calibration`` names which of the parameter file's calibrations to use (default: the file's default, "news"
    for the shipped file); see ``select_calibration``.
    """

    name = "pipeline"

    def __init__(self, *, params: str | Path | dict | None = None, calibration: str | None = None, embedder=None,
                 nli: NliBackend | None = None, batch_size: int = 8):
        self.calibration, d = select_calibration(params if isinstance(params, dict) else load_params(params),
                                                 calibration)
        self.params = d
        try:
            heads = d["pipeline"]["heads"]
        except (KeyError, TypeError) as exc:
            raise ParamsError("the parameter file has no pipeline heads; refit with `crossclaim calibrate`") from exc
        self.heads = {name: PairClassifier.from_dict(h) for name, h in heads.items()}
        self.rule = d["pipeline"].get("rebuttal_rule") or {}
        if not self.heads:
            raise ParamsError("the parameter file has no fitted head")
        for h in self.heads.values():
            if tuple(h.features) != PIPELINE_FEATURES:
                raise ParamsError("the parameter file was fitted on other features; refit with `crossclaim calibrate`")
        self.featurizer = Featurizer(embedder=embedder, nli=nli, batch_size=batch_size)
        fitted_emb = d.get("embedder")
        if embedder is None and fitted_emb and fitted_emb != DEFAULT_EMBEDDER:
            raise ParamsError(
                f"the parameters were fitted with embedder {fitted_emb!r}; pass it with `--embedder {fitted_emb}` "
                "(or refit them for the default with `crossclaim calibrate`)"
            )
        if embedder is not None and fitted_emb and getattr(embedder, "name", fitted_emb) != fitted_emb:
            import logging

            logging.getLogger("crossclaim").warning(
                "the scorer was fitted with embedder %r; similarity features from %r are on another scale, so "
                "refit with `crossclaim calibrate` before trusting the probabilities", fitted_emb, embedder.name)
        fitted_nli = d.get("nli_backend")
        if nli is None and fitted_nli and fitted_nli != DEFAULT_NLI:
            # never load a model just because a parameter file names it: the user says which
            raise ParamsError(
                f"the parameters were fitted with NLI backend {fitted_nli!r}; pass the same backend with "
                f"`--nli {fitted_nli}` (or refit them for the default with `crossclaim calibrate`)"
            )
        if nli is not None and fitted_nli and nli.name != fitted_nli:
            raise ParamsError(
                f"the parameters were fitted with NLI backend {fitted_nli!r}, not {nli.name!r}; "
                "refit them with `crossclaim calibrate --nli ...`"
            )
        self.fingerprint = _fingerprint(self.calibration, d, embedder, nli)

    def head(self, body: bool) -> PairClassifier:
        want = "body" if body else "sentence"
        return self.heads.get(want) or next(iter(self.heads.values()))

    @property
    def threshold(self) -> float:
        return self.head(False).threshold_

    def proba_from_features(self, fb: FeatureBatch, same_story: np.ndarray | None = None
                            ) -> tuple[np.ndarray, list[str]]:
        """Probabilities (n, 4) and labels for a feature batch, each row through its own head.

        ``same_story`` marks pairs known to be on one subject (same page or topic cluster) for the rebuttal rule.
        """
        P, labels, _ = self.proba_and_model(fb, same_story)
        return P, labels

    def proba_and_model(self, fb: FeatureBatch, same_story: np.ndarray | None = None
                        ) -> tuple[np.ndarray, list[str], np.ndarray]:
        """``proba_from_features`` and, third, the classifier's own p(contradicts) before the rebuttal rule."""
        n = len(fb.X)
        P = np.zeros((n, len(LABELS)))
        labels: list[str] = [""] * n
        p_model = np.zeros(n)
        c = LABELS.index("contradicts")
        for body in (False, True):
            rows = np.flatnonzero(fb.body == body)
            if len(rows):
                h = self.head(body)
                P[rows] = h.predict_proba(fb.X[rows])
                p_model[rows] = P[rows, c]
                if not body:
                    story = same_story[rows] if same_story is not None else None
                    self._apply_rule(fb.X[rows], P, rows, story)
                for r, lab in zip(rows, labels_from_proba(P[rows], h.threshold_)):
                    labels[r] = lab
        return P, labels, p_model

    def rule_fires(self, X: np.ndarray, same_story: np.ndarray | None = None) -> np.ndarray:
        """Rows of sentence-pair features where the measured rebuttal rule applies."""
        if not self.rule or "precision" not in self.rule:
            return np.zeros(len(X), dtype=bool)
        return rebuttal_pattern(X, self.rule["min_cos"], same_story, self.rule.get("min_nli"))

    def _apply_rule(self, X: np.ndarray, P: np.ndarray, rows: np.ndarray, same_story=None) -> None:
        """Where the rule fires, p(contradicts) is at least the rule's measured precision: p = max(p_classifier,
        precision), the other labels scaled down to make room. Never lowers a probability.

        A noisy-OR would count the pattern twice (the classifier has the rebuttal features too); on the fit pairs
        where the rule fires it overshot the measured share of contradictions in every calibration (SCORING.md).
        """
        c = LABELS.index("contradicts")
        q = float(self.rule.get("precision", 0.0))
        for r in rows[self.rule_fires(X, same_story)]:
            if P[r, c] >= q:
                continue
            rest = 1.0 - P[r, c]
            P[r] *= (1.0 - q) / rest
            P[r, c] = q

    def predict_proba(self, pairs: Sequence[TextPair], *, show_progress: bool = False) -> np.ndarray:
        fb = self.featurizer.transform(pairs, show_progress=show_progress)
        return self.proba_from_features(fb)[0]

    def predict_labelled(self, pairs: Sequence[TextPair], *, show_progress: bool = False,
                         same_story: Sequence[bool] | None = None) -> tuple[np.ndarray, list[str]]:
        """Probabilities (n, 4) and the scorer's own labels (each head's fitted contradiction threshold).

        ``same_story`` marks the pairs one page or topic cluster juxtaposed (``juxtaposed``), as a scan knows them.
        """
        story = None if same_story is None else np.asarray(same_story, dtype=bool)
        return self.proba_from_features(self.featurizer.transform(pairs, show_progress=show_progress), story)

    def predict(self, pairs, *, show_progress=False) -> list[str]:
        fb = self.featurizer.transform(pairs, show_progress=show_progress)
        return self.proba_from_features(fb)[1]


class NliScorer:
    """The raw NLI model: p(contradicts) = mean contradiction score of both directions; the rest is neutral."""

    name = "nli"
    threshold = 0.5

    def __init__(self, *, nli: NliBackend | None = None, embedder=None, batch_size: int = 8):
        self.featurizer = Featurizer(embedder=embedder, nli=nli, batch_size=batch_size)

    def predict_proba(self, pairs, *, show_progress=False) -> np.ndarray:
        fb = self.featurizer.transform(pairs, show_progress=show_progress)
        p = fb.nli.mean(axis=1)
        P = np.zeros((len(pairs), len(LABELS)))
        P[:, LABELS.index("contradicts")] = p
        P[:, LABELS.index("neutral")] = 1 - p
        return P

    def predict(self, pairs, *, show_progress=False) -> list[str]:
        return labels_from_proba(self.predict_proba(pairs, show_progress=show_progress), self.threshold)

    def predict_labelled(self, pairs, *, show_progress=False) -> tuple[np.ndarray, list[str]]:
        P = self.predict_proba(pairs, show_progress=show_progress)
        return P, labels_from_proba(P, self.threshold)


class LexicalScorer:
    """Baseline: the same classifier over surface features only (overlap, negation, numbers, cue words)."""

    name = "lexical"

    def __init__(self, *, params: str | Path | dict | None = None, calibration: str | None = None, **_):
        self.calibration, d = select_calibration(params if isinstance(params, dict) else load_params(params),
                                                 calibration)
        if "lexical" not in d:
            raise ParamsError("the parameter file has no 'lexical' baseline; refit with `crossclaim calibrate`")
        self.classifier = PairClassifier.from_dict(d["lexical"])

    @property
    def threshold(self) -> float:
        return self.classifier.threshold_

    def predict_proba(self, pairs, *, show_progress=False) -> np.ndarray:
        return self.classifier.predict_proba(lexical_features(pairs))

    def predict(self, pairs, *, show_progress=False) -> list[str]:
        return labels_from_proba(self.predict_proba(pairs), self.threshold)

    def predict_labelled(self, pairs, *, show_progress=False) -> tuple[np.ndarray, list[str]]:
        P = self.predict_proba(pairs)
        return P, labels_from_proba(P, self.threshold)


def load_scorer(name: str = "pipeline", **kwargs):
    """A scorer by name: "pipeline" (default, shipped), "nli" (raw model) or "lexical" (baseline)."""
    if name == "pipeline":
        return PipelineScorer(**kwargs)
    if name == "nli":
        kwargs.pop("params", None)
        kwargs.pop("calibration", None)
        return NliScorer(**kwargs)
    if name == "lexical":
        return LexicalScorer(**kwargs)
    raise ValueError(f"unknown scorer {name!r}; choose one of: {', '.join(SCORERS)}")


def calibrate(pairs: Sequence[TextPair], labels: Sequence[str], groups: Sequence[str] | None = None, *,
              sample_weight: Sequence[float] | None = None, show_progress: bool = False, embedder=None,
              nli: NliBackend | None = None) -> dict:
    """Fit the pipeline classifier and the lexical baseline on labelled pairs; return the JSON-ready parameters."""
    if len(pairs) != len(labels):
        raise ValueError(f"{len(pairs)} pairs but {len(labels)} labels")
    if len(pairs) < 20:
        raise ValueError(f"need at least 20 labelled pairs to fit, got {len(pairs)}")
    feat = Featurizer(embedder=embedder, nli=nli)
    fb = feat.transform(pairs, show_progress=show_progress)
    y = np.asarray(list(labels))
    g = np.asarray(list(groups)) if groups is not None else None
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(list(sample_weight), dtype=np.float64)
    heads = {}
    for name, body in (("sentence", False), ("body", True)):
        rows = np.flatnonzero(fb.body == body)
        if len(rows) < 20 or len(set(y[rows])) < 2:
            continue  # too little of this kind to fit: the other head serves it
        heads[name] = PairClassifier(features=PIPELINE_FEATURES).fit(
            fb.X[rows], y[rows], g[rows] if g is not None else None, sample_weight=sw[rows]
        ).to_dict()
    if not heads:
        raise ValueError("no pair kind has enough labelled pairs (20, with two labels) to fit")
    rule = rebuttal_rule(fb, y)
    lex = PairClassifier(features=LEXICAL_FEATURES).fit(lexical_features(pairs), labels, groups, sample_weight=sw)
    emb = feat._embedder()
    return {
        "format": "crossclaim-pair-scorer/1",
        "nli_backend": feat._nli().name,
        "embedder": getattr(emb, "name", str(emb)),
        "n_pairs": len(pairs),
        "pipeline": {"heads": heads, "rebuttal_rule": rule},
        "lexical": lex.to_dict(),
    }


# -- claims -> scored pairs ----------------------------------------------------------------------------------
_TEMPORAL_DAYS = 3  # a day or two apart is the same news cycle, not an update


def score_claim_pairs(pairs: Sequence[tuple[Claim, Claim]], scorer: PipelineScorer, *,
                      clusters: dict[str, int] | None = None, show_progress: bool = False) -> list[ScoredPair]:
    """Score candidate claim pairs and explain them. Side a is the earlier claim when dates are known."""
    ordered = []
    for a, b in pairs:
        if a.published and b.published and b.published < a.published:
            a, b = b, a
        ordered.append((a, b))
    tps = [TextPair(a.context, b.context, a.published, b.published) for a, b in ordered]
    fb = scorer.featurizer.transform(tps, show_progress=show_progress, bodies=False)
    story = np.array([juxtaposed(a, b, clusters) for a, b in ordered], dtype=bool)
    P, labels, p_model = scorer.proba_and_model(fb, story)
    c = LABELS.index("contradicts")
    out = []
    for k, (a, b) in enumerate(ordered):
        # checks again on the displayed sentences, so reason spans point into claim.text
        chk = run_checks(a.assertion, b.assertion, spans_a=a.text, spans_b=b.text)
        reasons = [Reason("nli", f"NLI contradiction {fb.nli[k, 0]:.2f} (a→b), {fb.nli[k, 1]:.2f} (b→a)")]
        reasons.append(Reason("similarity", f"embedding cosine {fb.X[k, PIPELINE_FEATURES.index('cos')]:.2f}"))
        reasons += list(chk.reasons)
        if not fb.body[k] and scorer.rule_fires(fb.X[k : k + 1], story[k : k + 1])[0]:
            raised = P[k, c] > p_model[k]
            reasons.append(Reason(
                "rebuttal",
                "one source denies or has seen no evidence of what the other asserts; on labelled news pairs this "
                f"pattern is a contradiction {100 * scorer.rule['precision']:.0f}% of the time"
                + (f" (the classifier alone: {p_model[k]:.2f})" if raised else ""),
            ))
        d = days_between(a.published, b.published)
        if labels[k] == "contradicts" and d is not None and d >= _TEMPORAL_DAYS:
            reasons.append(Reason(
                "temporal",
                f"b was published {d} day{'s' if d != 1 else ''} after a ({a.published} → {b.published}): "
                "it may be newer news rather than a contradiction",
            ))
        probs = {lab: float(P[k, i]) for i, lab in enumerate(LABELS)}
        cl = clusters.get(a.claim_id) if clusters else None
        out.append(ScoredPair(a=a, b=b, label=labels[k], probs=probs, reasons=tuple(reasons), cluster=cl,
                              nli=(float(fb.nli[k, 0]), float(fb.nli[k, 1])), features=tuple(fb.X[k]),
                              p_model=float(p_model[k])))
    return out
