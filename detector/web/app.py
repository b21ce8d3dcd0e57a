"""The review queue as an ASGI app: ``create_app(db_path)`` -> FastAPI application.

Pages (server-rendered, Jinja2 with autoescape on): ``/`` the queue, ``/pair/{id}`` one pair with its verdict form,
``/cluster/{n}`` a cluster grouped by source. JSON: ``/api/pairs``, ``/api/pairs/{id}``, ``POST
/api/pairs/{id}/verdict``. Errors are ``{"error": {"status": ..., "message": ...}}`` (an HTML page for browsers).

Lost updates: the verdict form and the JSON API send the verdict ``version`` they showed (``review.Verdict``); a
write over a change the reviewer has not seen gets a 409 (the page shows who changed it to what, and offers to
reload or to apply anyway). A JSON client that sends no ``version`` writes whatever the pair's state.

Security (issue 4): every POST carries a CSRF token tied to the session cookie (HMAC with a per-process secret);
with ``token`` set, every request must present it (``?token=`` once, which sets a cookie, or ``Authorization:
Bearer``); responses carry a strict Content-Security-Policy, so only our own script and style load.
"""


import hashlib
import hmac
import re
import secrets
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

from ..errors import CrossclaimError
from ..export import safe_url
from ..models import ECHO, LABELS, gives_different_figures
from ..review import (
    STATUSES,
    UNREVIEWED,
    VERDICTS,
    QueueFilter,
    QueueItem,
    ReviewError,
    StaleVerdict,
    Verdict,
    cluster_view,
    context_of,
    count_queue,
    facets,
    figure_differences,
    get_item,
    get_verdict,
    neighbours,
    queue,
    reason_detail,
    set_verdict,
    status_counts,
    verdict_log,
)
from ..store import Database
from .render import highlight, kind_class, pct

__all__ = ["create_app"]

_HERE = Path(__file__).parent
PAGE_SIZE = 50
SESSION_COOKIE = "crossclaim_session"
TOKEN_COOKIE = "crossclaim_token"
REVIEWER_COOKIE = "crossclaim_reviewer"
VERDICT_NAMES = {
    "confirmed": "Confirmed",
    "false_alarm": "False alarm",
    "temporal_update": "Temporal update",
    "needs_more": "Needs more",
    UNREVIEWED: "Unreviewed",
}
VERDICT_KEYS = {"confirmed": "c", "false_alarm": "f", "temporal_update": "t", "needs_more": "n"}
_FILTER_KEYS = ("label", "status", "outlet", "speaker", "cluster", "from", "to", "q", "differs")
_ID = re.compile(r"^[0-9a-f]{1,64}$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SQL_INT = 2**63 - 1  # SQLite's INTEGER: a bigger Python int cannot even be bound (OverflowError)
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _import_web():
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise CrossclaimError(
            f"the review web app needs FastAPI and Jinja2 ({exc.name} is missing): pip install 'crossclaim[web]'"
        ) from exc


class _Connections:
    """One Database per worker thread: sqlite3 connections must not be shared by concurrent transactions."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        self._all: list[Database] = []
        self._lock = threading.Lock()
        self._generation = 0  # bumped by close(): threads then open fresh connections

    def get(self) -> Database:
        gen, db = getattr(self._local, "db", (None, None))
        if db is None or gen != self._generation:
            db = Database(self.path)
            with self._lock:
                self._all.append(db)
                self._local.db = (self._generation, db)
        return db

    def close(self) -> None:
        with self._lock:
            self._generation += 1
            for db in self._all:
                try:
                    db.close()
                except Exception:  # noqa: BLE001 - closing at shutdown; nothing left to do
                    pass
            self._all.clear()


def _clean_name(name: str | None) -> str | None:
    if not name:
        return None
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()[:80]
    return name or None


_FILTER_CHOICES = {"label": (*LABELS, ECHO, "any"), "status": (*STATUSES, "reviewed", "any")}


def _filter_problem(key: str, value: str) -> str | None:
    """What filter ``key`` takes, when ``value`` is not one of its values; None when it is."""
    if key == "cluster" and not re.fullmatch(r"-?\d{1,9}", value):
        return "a cluster number (a whole number)"
    if key in ("from", "to") and not _DATE.match(value):
        return "a date, YYYY, YYYY-MM or YYYY-MM-DD"
    if key == "differs" and value != "1":
        return "1 (or left out)"
    if key in _FILTER_CHOICES and value not in _FILTER_CHOICES[key]:
        return "one of " + ", ".join(_FILTER_CHOICES[key])
    return None


def _filter_params(params, *, api: tuple[str, ...] | None = None) -> dict[str, str]:
    """The queue filters present in a query string, as strings, dropping empty values.

    The pages drop a malformed value too, as they do a bad page number. The JSON API (``api``: the parameters it
    takes besides the filters) answers 400 instead, naming the parameter and what it takes, also for a parameter
    that is neither, so that a typo does not silently give the default queue.
    """
    from starlette.exceptions import HTTPException

    if api is not None:
        known = (*_FILTER_KEYS, *api)
        unknown = [k for k in dict.fromkeys(params.keys()) if k not in known and k != "token"]
        if unknown:
            raise HTTPException(400, f"unknown parameter {unknown[0][:40]!r}; use {', '.join(known)}")
    out: dict[str, str] = {}
    for k in _FILTER_KEYS:
        v = (params.get(k) or "").strip()
        if not v:
            continue
        problem = _filter_problem(k, v)
        if problem and api is not None:
            raise HTTPException(400, f"{k} must be {problem}; got {v[:40]!r}")
        if problem:
            continue
        out[k] = v[:200]
    return out


def _make_filter(fp: dict[str, str]) -> QueueFilter:
    # no label chosen: contradictions, or with "different figures" any label (as `crossclaim review --differs`):
    # such pairs are often not labelled contradicts (relays, agreeing reports with drifting numbers)
    label = fp.get("label") or ("any" if fp.get("differs") == "1" else "contradicts")
    status = fp.get("status")
    return QueueFilter(
        labels=() if label == "any" else (label,),
        status=None if status in (None, "any") else status,
        outlet=fp.get("outlet"),
        speaker=fp.get("speaker"),
        cluster=int(fp["cluster"]) if "cluster" in fp else None,
        date_from=fp.get("from"),
        date_to=fp.get("to"),
        q=fp.get("q"),
        differs=fp.get("differs") == "1",
    )


def _links(db: Database, items: list[QueueItem]) -> dict[str, tuple[str | None, str | None]]:
    return db.document_links(c.doc_id for it in items for c in (it.pair.a, it.pair.b))


def _int_param(params, name: str, default: int, lo: int, hi: int = _SQL_INT) -> int:
    """An integer query parameter in [lo, hi]; anything else is a 400 saying what is allowed."""
    from starlette.exceptions import HTTPException

    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = int(raw)
    except ValueError:
        v = None
    if v is None or not lo <= v <= hi:
        raise HTTPException(400, f"{name} must be an integer from {lo} to {hi}, got {raw[:40]!r}")
    return v


def _verdict_json(v: Verdict | None) -> dict | None:
    return None if v is None else {
        "status": v.status, "note": v.note, "reviewer": v.reviewer, "updated_at": v.updated_at, "version": v.version,
    }


def _item_json(it: QueueItem, links: dict[str, tuple[str | None, str | None]]) -> dict:
    """One pair for the JSON API. Each side's ``url`` and ``ref`` are its document's, as ingested (None if absent)."""
    def side(c):
        url, ref = links.get(c.doc_id, (None, None))
        return {
            "claim_id": c.claim_id, "text": c.text, "speaker": c.speaker, "outlet": c.outlet,
            "relay": list(c.relay), "published": c.published, "doc": c.doc_id, "span": list(c.span),
            "url": url or None, "ref": ref or None,
        }

    v = it.verdict
    return {
        "pair_id": it.pair_id, "pair_key": it.pair_key, "label": it.pair.label, "score": it.pair.score,
        "p_contradicts": it.p_contradicts, "p_model": it.pair.p_model, "probs": it.pair.probs,
        "cluster": it.pair.cluster, "differs": gives_different_figures(it.pair.label, it.pair.reasons),
        "a": side(it.pair.a), "b": side(it.pair.b), "reasons": [r.to_dict() for r in it.pair.reasons],
        "status": it.status, "version": v.version if v else 0, "verdict": _verdict_json(v),
    }


def create_app(db_path: str | Path, *, token: str | None = None, reviewer: str | None = None):
    """The review app over the database at ``db_path``.

    ``token``: when set, every request must present it (see the module docstring). ``reviewer``: the name verdicts
    are recorded under when the browser has not set one (the page header has a field for it).
    """
    _import_web()
    import jinja2
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
    from starlette.exceptions import HTTPException
    from starlette.staticfiles import StaticFiles

    db_path = str(db_path)
    Database(db_path).close()  # fail now, with a StoreError, if the file is not a usable store; runs migrations
    conns = _Connections(db_path)
    secret = secrets.token_bytes(32)
    default_reviewer = _clean_name(reviewer)
    token_cookie_value = hmac.new(secret, b"token:" + token.encode(), hashlib.sha256).hexdigest() if token else None

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
        autoescape=True,  # never off: every string on these pages may be scraped text
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        VERDICTS=VERDICTS, STATUSES=STATUSES, VERDICT_NAMES=VERDICT_NAMES, VERDICT_KEYS=VERDICT_KEYS,
        LABEL_CHOICES=(*LABELS, ECHO), pct=pct, safe_url=safe_url, kind_class=kind_class,
    )
    env.filters["when"] = lambda t: time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else ""
    env.globals["reason_detail"] = reason_detail

    @asynccontextmanager
    async def lifespan(app):
        yield
        conns.close()

    app = FastAPI(title="crossclaim review", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    app.state.connections = conns

    # -- errors: one JSON shape, an HTML page for browsers ------------------------------------------------------
    def _wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")

    def error_response(request: Request, status: int, message: str, headers: dict | None = None,
                       extra: dict | None = None) -> Response:
        if _wants_html(request):
            html = env.get_template("error.html").render(status=status, message=message, reviewer=None, csrf="")
            return HTMLResponse(html, status_code=status, headers=headers)
        body = {"error": {"status": status, "message": message}, **(extra or {})}
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        return error_response(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        return error_response(request, 400, "invalid request: " + "; ".join(e.get("msg", "") for e in exc.errors()))

    @app.exception_handler(ReviewError)
    async def _review_error(request: Request, exc: ReviewError):
        return error_response(request, 400, str(exc))

    @app.exception_handler(StaleVerdict)
    async def _stale_verdict(request: Request, exc: StaleVerdict):
        # the error shape, plus the verdict that is there now, so a client can show it and decide
        return error_response(request, 409, str(exc), extra={"current": _verdict_json(exc.current)})

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception):
        # a bug still answers in the documented shape, not Starlette's plain-text page (the error is still logged)
        return _secure(error_response(request, 500, f"internal error ({type(exc).__name__}); see the server log"))

    # -- middleware: token, session cookie, security headers ----------------------------------------------------
    @app.middleware("http")
    async def _guard(request: Request, call_next):
        set_token_cookie = False
        if token:
            presented = None
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                presented = auth[7:].strip()
            elif "token" in request.query_params:
                presented = request.query_params["token"]
            if presented is not None:
                ok = hmac.compare_digest(presented.encode(), token.encode())
                set_token_cookie = ok and "token" in request.query_params
            else:
                ok = hmac.compare_digest(request.cookies.get(TOKEN_COOKIE, "").encode(), token_cookie_value.encode())
            if not ok:
                resp = error_response(request, 401, "this crossclaim server needs its token: open it with "
                                      "?token=... once, or send 'Authorization: Bearer ...'",
                                      {"WWW-Authenticate": "Bearer"})
                return _secure(resp)
            if set_token_cookie and request.method in ("GET", "HEAD"):
                # drop the token from the address bar and history; the cookie carries it from now on
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                resp = RedirectResponse(request.url.path + ("?" + urlencode(rest) if rest else ""), status_code=303)
                _set_cookie(resp, TOKEN_COOKIE, token_cookie_value)
                return _secure(resp)
        session = request.cookies.get(SESSION_COOKIE, "")
        new_session = not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", session)
        if new_session:
            session = secrets.token_urlsafe(24)
        request.state.session = session
        request.state.csrf = hmac.new(secret, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()
        response = await call_next(request)
        if new_session:
            _set_cookie(response, SESSION_COOKIE, session)
        if set_token_cookie:
            _set_cookie(response, TOKEN_COOKIE, token_cookie_value)
        return _secure(response)

    def _set_cookie(resp: Response, name: str, value: str, max_age: int | None = None) -> None:
        # Lax, not Strict, for the token cookie too: a ?token= link opened from another site (mail, chat) must
        # still carry it after the redirect and on reload. Lax cookies are not sent on cross-site POSTs, and every
        # POST also needs the session's CSRF token, so Lax gives cross-site requests nothing they can write with.
        resp.set_cookie(name, value, httponly=True, samesite="lax", path="/", max_age=max_age)

    def _secure(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = _CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    def check_csrf(request: Request, presented: str | None) -> None:
        expected = getattr(request.state, "csrf", "")
        if not presented or not request.cookies.get(SESSION_COOKIE) or not hmac.compare_digest(
            presented.encode(), expected.encode()
        ):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")

    def current_reviewer(request: Request) -> str | None:
        return _clean_name(request.cookies.get(REVIEWER_COOKIE)) or default_reviewer

    def render(request: Request, name: str, **ctx) -> HTMLResponse:
        ctx.setdefault("reviewer", current_reviewer(request))
        ctx.setdefault("csrf", request.state.csrf)
        ctx.setdefault("here", request.url.path + ("?" + request.url.query if request.url.query else ""))
        return HTMLResponse(env.get_template(name).render(**ctx))

    def find_item(db: Database, pair_id: str) -> QueueItem:
        it = get_item(db, pair_id) if _ID.match(pair_id) else None
        if it is None:
            raise HTTPException(404, f"no pair {pair_id!r} in this database")
        return it

    # -- pages --------------------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request):
        db = conns.get()
        fp = _filter_params(request.query_params)
        f = _make_filter(fp)
        total = count_queue(db, f)
        n_pages = max(1, -(-total // PAGE_SIZE))
        try:
            page = int(request.query_params.get("page", "1"))
        except ValueError:
            page = 1
        page = min(max(1, page), n_pages)  # past the end (a queue that shrank, or ?page=99999...): its last page
        items = queue(db, f, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        qs = urlencode(fp)
        tabs = []
        for s in ("any", *STATUSES):
            p = {**fp, "status": s} if s != "any" else {k: v for k, v in fp.items() if k != "status"}
            tabs.append((s, urlencode(p)))
        return render(
            request, "queue.html", items=items, fp=fp, qs=qs, counts=status_counts(db, f), tabs=tabs,
            facets=facets(db), page=page, total=total, n_pages=n_pages,
            figure_differences=figure_differences(db),
            page_qs=lambda n: urlencode({**fp, "page": n}), rank0=(page - 1) * PAGE_SIZE,
            # a pair opened from page 2 leads back to page 2 (``pair_page``)
            pair_qs=urlencode({**fp, "page": page}) if page > 1 else qs,
        )

    def pair_context(db: Database, it: QueueItem) -> dict:
        sides = {}
        for name, c in (("a", it.pair.a), ("b", it.pair.b)):
            doc = db.document(c.doc_id)
            before, after = context_of(doc.text if doc else None, c)
            sides[name] = {
                "claim": c, "doc": doc, "before": before, "after": after,
                "html": highlight(c.text, it.pair.reasons, name), "url": safe_url(doc.url) if doc else None,
            }
        return sides

    def render_pair(request: Request, db: Database, it: QueueItem, fp: dict[str, str], *, status_code: int = 200,
                    conflict: dict | None = None) -> HTMLResponse:
        """The pair page; ``conflict`` = the reviewer's refused verdict ({status, note, advance, next}) when someone
        else changed the pair first (409): its forms then carry the reviewer's note and the pair that came next when
        they chose."""
        prev_id, next_id, pos, total = neighbours(db, it.pair_id, _make_filter(fp))
        n_cluster = 0
        if it.pair.cluster is not None:
            n_cluster = db.conn.execute(
                "SELECT count(*) FROM clusters WHERE cluster = ?", (it.pair.cluster,)
            ).fetchone()[0]
        # back to the queue page that holds this pair; when it has left the queue (reviewed under ?status=
        # unreviewed), to the page it was opened from
        try:
            opened_from = max(1, min(int(request.query_params.get("page", "1")), 10**6))
        except ValueError:
            opened_from = 1
        back_page = (pos - 1) // PAGE_SIZE + 1 if pos else opened_from
        back_qs = urlencode({**fp, "page": back_page}) if back_page > 1 else urlencode(fp)
        nav_qs = urlencode({**fp, "page": opened_from}) if opened_from > 1 else urlencode(fp)
        reasons = list(dict.fromkeys((r.kind, r.side, reason_detail(r)) for r in it.pair.reasons))
        resp = render(
            request, "pair.html", it=it, sides=pair_context(db, it), fp=fp, qs=nav_qs, back_qs=back_qs,
            prev_id=prev_id, next_id=next_id, pos=pos, total=total, log=list(reversed(verdict_log(db, it.pair_key))),
            n_cluster=n_cluster, saved=request.query_params.get("saved") in VERDICTS, reasons=reasons,
            conflict=conflict, form_next=(conflict or {}).get("next") or next_id,
        )
        resp.status_code = status_code
        return resp

    @app.get("/pair/{pair_id}", response_class=HTMLResponse)
    def pair_page(request: Request, pair_id: str):
        db = conns.get()
        return render_pair(request, db, find_item(db, pair_id), _filter_params(request.query_params))

    @app.post("/pair/{pair_id}/verdict")
    async def post_verdict(request: Request, pair_id: str):
        form = await request.form()
        check_csrf(request, form.get("csrf"))
        status = str(form.get("status", ""))
        if status not in VERDICTS:
            raise HTTPException(400, f"unknown verdict {status!r}; use one of {', '.join(VERDICTS)}")
        note = str(form.get("note", ""))[:4000]
        advance = form.get("advance") == "1"
        # the version of the verdict the page showed; a form without one (a page from before this field) writes as
        # before, whatever the pair's state
        raw_version = str(form.get("version", "")).strip()
        if raw_version and not re.fullmatch(r"\d{1,18}", raw_version):
            raise HTTPException(400, f"version must be a whole number, got {raw_version[:40]!r}")
        expect = int(raw_version) if raw_version else None
        # the pair that came next on the page the reviewer saw: where Shift + letter goes when the pair has left
        # the filtered queue since (another reviewer's verdict under ?status=unreviewed)
        shown_next = str(form.get("next", ""))
        shown_next = shown_next if _ID.match(shown_next) and shown_next != pair_id else None
        fp = _filter_params(request.query_params)
        who = current_reviewer(request)

        def work():
            db = conns.get()
            it = find_item(db, pair_id)
            _, next_id, pos, _ = neighbours(db, pair_id, _make_filter(fp))  # before the verdict moves it
            if not pos and shown_next and get_item(db, shown_next) is not None:
                next_id = shown_next
            try:
                set_verdict(db, it.pair_key, status, note=note, reviewer=who, expect=expect)
            except StaleVerdict:
                # someone else changed it since this page was loaded: show theirs next to ours, and let the reviewer
                # reload or apply anyway (the forms there carry the new version, and this reviewer's note)
                fresh = find_item(db, pair_id)
                return None, render_pair(request, db, fresh, fp, status_code=409, conflict={
                    "status": status, "note": note, "advance": advance, "next": next_id})
            return next_id, None

        from starlette.concurrency import run_in_threadpool

        next_id, conflict_page = await run_in_threadpool(work)
        if conflict_page is not None:
            return conflict_page
        target = next_id if advance and next_id else pair_id
        keep = {k: v for k, v in request.query_params.items() if k == "page"}
        qs = urlencode({**fp, **keep, "saved": status}) if target == pair_id else urlencode({**fp, **keep})
        return RedirectResponse(f"/pair/{target}" + (f"?{qs}" if qs else ""), status_code=303)

    @app.get("/cluster/{cluster}", response_class=HTMLResponse)
    def cluster_page(request: Request, cluster: int):
        db = conns.get()
        view = cluster_view(db, cluster) if -_SQL_INT - 1 <= cluster <= _SQL_INT else None
        if view is None:
            raise HTTPException(404, f"no cluster {cluster} in this database")
        labels: dict[str, list] = {}
        for it in view.items:  # under the claim listed for each side (an updated article's copy is listed once)
            for c, other in ((it.pair.a, it.pair.b), (it.pair.b, it.pair.a)):
                labels.setdefault(view.listed_as.get(c.claim_id, c.claim_id), []).append((it, other))
        links = db.document_links(c.doc_id for _, claims in view.groups for c in claims)
        return render(request, "cluster.html", view=view, labels=labels, links=links,
                      focus=request.query_params.get("pair", ""))

    @app.post("/reviewer")
    async def post_reviewer(request: Request):
        form = await request.form()
        check_csrf(request, form.get("csrf"))
        nxt = str(form.get("next", "/"))
        if not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
            nxt = "/"
        resp = RedirectResponse(nxt, status_code=303)
        name = _clean_name(str(form.get("name", "")))
        if name:
            _set_cookie(resp, REVIEWER_COOKIE, name, max_age=365 * 86400)
        else:
            resp.delete_cookie(REVIEWER_COOKIE, path="/")
        return resp

    # -- JSON ---------------------------------------------------------------------------------------------------
    @app.get("/api/pairs")
    def api_pairs(request: Request):
        db = conns.get()
        fp = _filter_params(request.query_params, api=("limit", "offset"))
        f = _make_filter(fp)
        limit = _int_param(request.query_params, "limit", 100, 1, 1000)
        offset = _int_param(request.query_params, "offset", 0, 0)
        items = queue(db, f, limit=limit, offset=offset)
        links = _links(db, items)
        return {
            "total": count_queue(db, f), "counts": status_counts(db, f),
            "pairs": [_item_json(it, links) for it in items],
        }

    @app.get("/api/pairs/{pair_id}")
    def api_pair(pair_id: str):
        db = conns.get()
        it = find_item(db, pair_id)
        d = _item_json(it, _links(db, [it]))
        d["log"] = [
            {"status": e.status, "previous": e.previous, "note": e.note, "reviewer": e.reviewer, "at": e.at}
            for e in verdict_log(db, it.pair_key)
        ]
        return d

    @app.post("/api/pairs/{pair_id}/verdict")
    async def api_verdict(request: Request, pair_id: str):
        check_csrf(request, request.headers.get("x-csrf-token"))
        try:
            body = await request.json()
        except ValueError:
            raise HTTPException(400, "send a JSON object {\"status\": ..., \"note\": ...}") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "send a JSON object {\"status\": ..., \"note\": ...}")
        status, note, expect = body.get("status"), body.get("note"), body.get("version")
        if status not in VERDICTS:
            raise HTTPException(400, f"unknown verdict {status!r}; use one of {', '.join(VERDICTS)}")
        if note is not None and not isinstance(note, str):
            raise HTTPException(400, "note must be a string")
        if expect is not None and (isinstance(expect, bool) or not isinstance(expect, int) or expect < 0):
            raise HTTPException(400, f"version must be the verdict version you showed (a whole number, 0 for an "
                                f"unreviewed pair), got {expect!r}")
        who = _clean_name(body.get("reviewer") if isinstance(body.get("reviewer"), str) else None)
        who = who or current_reviewer(request)

        def work():
            db = conns.get()
            it = find_item(db, pair_id)
            entry = set_verdict(db, it.pair_key, status, note=note, reviewer=who, expect=expect)
            return it, get_verdict(db, it.pair_key), entry

        from starlette.concurrency import run_in_threadpool

        it, v, entry = await run_in_threadpool(work)
        return {"pair_id": pair_id, "pair_key": it.pair_key, "status": v.status, "note": v.note,
                "reviewer": v.reviewer, "previous": entry.previous, "updated_at": v.updated_at,
                "version": v.version}

    @app.get("/api/csrf")
    def api_csrf(request: Request):
        """The CSRF token of this session, for scripts that POST to the JSON API."""
        return {"csrf": request.state.csrf}

    return app
