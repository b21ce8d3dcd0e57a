"""Several reviewers on one SQLite file: no verdict lost, every concurrent change to one pair in the audit trail."""

import multiprocessing
import threading

from fastapi.testclient import TestClient

from detector.review import VERDICTS, queue, verdict_log
from detector.store import Database
from detector.web import create_app
from tests._review_fixtures import build_demo_db

N_WRITERS = 8
N_VERDICTS = 100
SHARED = "shared-pair-key"


def _write_verdicts(path: str, writer: int, barrier) -> None:
    """One reviewer: N_VERDICTS verdicts, every other one on the pair everybody is editing."""
    from detector.review import set_verdict

    with Database(path) as db:
        barrier.wait()
        for j in range(N_VERDICTS):
            key = SHARED if j % 2 == 0 else f"own-{writer}-{j}"
            set_verdict(db, key, VERDICTS[(writer + j) % len(VERDICTS)], note=f"w{writer}-{j}",
                        reviewer=f"reviewer-{writer}")


def _check_nothing_lost(path) -> None:
    with Database(path) as db:
        log = verdict_log(db)
        assert len(log) == N_WRITERS * N_VERDICTS
        assert {e.note for e in log} == {f"w{w}-{j}" for w in range(N_WRITERS) for j in range(N_VERDICTS)}
        shared = verdict_log(db, SHARED)
        assert len(shared) == N_WRITERS * N_VERDICTS // 2
        assert {e.reviewer for e in shared} == {f"reviewer-{w}" for w in range(N_WRITERS)}
        # the trail is a chain: each change names the value the one before it set
        assert shared[0].previous is None
        assert all(b.previous == a.status for a, b in zip(shared, shared[1:]))
        n_verdicts = db.conn.execute("SELECT count(*) FROM verdicts").fetchone()[0]
        assert n_verdicts == 1 + N_WRITERS * N_VERDICTS // 2
        final = db.conn.execute("SELECT status, note FROM verdicts WHERE pair_key = ?", (SHARED,)).fetchone()
        assert (final[0], final[1]) == (shared[-1].status, shared[-1].note)


def test_concurrent_writer_processes_lose_nothing(tmp_path):
    path = str(tmp_path / "reviews.db")
    Database(path).close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(N_WRITERS)
    procs = [ctx.Process(target=_write_verdicts, args=(path, w, barrier)) for w in range(N_WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0] * N_WRITERS
    _check_nothing_lost(path)


def test_concurrent_writer_threads_lose_nothing(tmp_path):
    path = str(tmp_path / "reviews.db")
    Database(path).close()
    barrier = threading.Barrier(N_WRITERS)
    errors: list[BaseException] = []

    def run(w):
        try:
            _write_verdicts(path, w, barrier)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(N_WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    _check_nothing_lost(path)


def test_concurrent_reviewers_through_the_web_app(tmp_path):
    """Eight browsers (own sessions and CSRF tokens) posting verdicts on one pair through one app."""
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        pair_id, key = queue(db)[0].pair_id, queue(db)[0].pair_key
    app = create_app(path)
    n_each = 25
    barrier = threading.Barrier(N_WRITERS)
    statuses: list[int] = []

    def reviewer(w):
        client = TestClient(app)  # own cookie jar = own session and CSRF token
        csrf = client.get("/api/csrf").json()["csrf"]
        barrier.wait()
        for j in range(n_each):
            r = client.post(f"/api/pairs/{pair_id}/verdict", headers={"X-CSRF-Token": csrf},
                            json={"status": VERDICTS[j % 4], "note": f"w{w}-{j}", "reviewer": f"r{w}"})
            statuses.append(r.status_code)

    with TestClient(app):  # runs the app's lifespan once around all of them
        threads = [threading.Thread(target=reviewer, args=(w,)) for w in range(N_WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert statuses == [200] * (N_WRITERS * n_each)
    with Database(path) as db:
        log = verdict_log(db, key)
    assert len(log) == N_WRITERS * n_each
    assert {e.note for e in log} == {f"w{w}-{j}" for w in range(N_WRITERS) for j in range(n_each)}
    assert all(b.previous == a.status for a, b in zip(log, log[1:]))
