"""The review UI in a real headless Chromium (Playwright + Debian's /usr/bin/chromium), over a live uvicorn server.

Acceptance (issue 4): open the queue on a store built from the example corpus by the real `crossclaim scan`, open a
pair, confirm it with the keyboard, reload and see it kept, filter by outlet, keep a screenshot in
tests/artifacts/. CROSSCLAIM_UPDATE_SCREENSHOT=1 also refreshes docs/review-queue.png. The same loop runs on a
small hand-built store, and a hostile store checks that no scraped string executes.
"""

import os
import shutil
import socket
import threading
import time

import pytest

from detector.review import QueueFilter, count_queue, get_verdict, queue
from detector.store import Database
from detector.web import create_app
from tests._review_fixtures import ROOT, XSS_STRINGS, build_demo_db, build_scanned_db, build_xss_db, pipeline_available

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SHOT = ROOT / "docs" / "review-queue.png"

if not os.path.exists(CHROMIUM):
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright: pip install playwright")
uvicorn = pytest.importorskip("uvicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app under uvicorn in a background thread, on a free 127.0.0.1 port."""

    def __init__(self, app):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def _page(browser, **context_args):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, **context_args)
    page = ctx.new_page()
    dialogs: list[str] = []

    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(15_000)
    return ctx, page, dialogs


@pytest.fixture(scope="module")
def scanned_db(tmp_path_factory):
    if not pipeline_available():
        pytest.skip("`crossclaim scan` or examples/drone-reports is not there yet (pipeline issue)")
    return build_scanned_db(tmp_path_factory.mktemp("scan") / "drones.db")


@pytest.fixture(params=["fixture", "scanned"])
def review_db(request, tmp_path):
    if request.param == "scanned":
        src = request.getfixturevalue("scanned_db")
        dst = tmp_path / "drones.db"
        shutil.copy(src, dst)  # each test gets its own copy: verdicts must not leak between tests
        return dst
    return build_demo_db(tmp_path / "demo.db")


def _queue_ids(page) -> list[str]:
    return page.eval_on_selector_all("#queue tr.row", "rows => rows.map(r => r.dataset.href.split('?')[0])")


def test_review_loop_in_the_browser(browser, review_db, request):
    with Database(review_db) as db:
        flagged = queue(db)
    assert flagged, "the store has no flagged pairs to review"
    with LiveServer(create_app(review_db, reviewer="desk")) as srv:
        ctx, page, dialogs = _page(browser)
        try:
            page.goto(srv.url + "/")
            assert _queue_ids(page) == [f"/pair/{it.pair_id}" for it in flagged[:50]]
            assert page.inner_text('.tab.active .count') == str(len(flagged))

            # keyboard: select the first row, open it
            page.keyboard.press("j")
            page.keyboard.press("Enter")
            page.wait_for_url(f"**/pair/{flagged[0].pair_id}")
            assert page.locator(".side").count() == 2
            assert page.text_content("#current-status") == "Unreviewed"

            # "c" confirms; the page comes back with the verdict
            page.keyboard.press("c")
            page.wait_for_url("**saved=confirmed")
            assert page.text_content("#current-status") == "Confirmed"
            page.reload()
            assert page.text_content("#current-status") == "Confirmed"
            assert "by desk" in page.inner_text(".verdict .current")
            with Database(review_db) as db:
                v = get_verdict(db, flagged[0].pair_key)
                assert (v.status, v.reviewer) == ("confirmed", "desk")

            # j goes to the next pair of the queue, k comes back
            if len(flagged) > 1:
                page.keyboard.press("j")
                page.wait_for_url(f"**/pair/{flagged[1].pair_id}*")
                page.keyboard.press("k")
                page.wait_for_url(f"**/pair/{flagged[0].pair_id}*")

            # back to the queue: the count moved; filter by an outlet through the form
            page.keyboard.press("u")
            page.wait_for_url(srv.url + "/")
            assert page.inner_text('.tab.status-confirmed .count') == "1"
            outlet = next(o for it in flagged for o in (it.pair.a.outlet, it.pair.b.outlet) if o)
            page.select_option("#f-outlet", outlet)
            page.click(".filters button[type=submit]")
            page.wait_for_url("**outlet=*")
            expected = [it for it in flagged if outlet in (it.pair.a.outlet, it.pair.b.outlet)]
            assert _queue_ids(page) == [f"/pair/{it.pair_id}" for it in expected[:50]]
            for row in page.locator("#queue tr.row").all():
                assert outlet in row.inner_text()

            # the screenshot: the whole queue, one confirmed
            page.goto(srv.url + "/?label=any")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"review-queue-{request.node.callspec.id}.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            page.goto(srv.url + f"/pair/{flagged[0].pair_id}")
            page.screenshot(path=str(ARTIFACTS / f"review-pair-{request.node.callspec.id}.png"), full_page=True)
            # the scanned corpus runs after the fixture, so its screenshot wins when it runs
            if os.environ.get("CROSSCLAIM_UPDATE_SCREENSHOT") == "1":
                DOCS_SHOT.parent.mkdir(exist_ok=True)
                shutil.copy(shot, DOCS_SHOT)
            assert dialogs == []
        finally:
            ctx.close()


def test_different_figures_filter_in_the_browser(browser, tmp_path):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        want = [f"/pair/{it.pair_id}" for it in queue(db, QueueFilter(labels=(), differs=True))]
        n_default = count_queue(db, QueueFilter())
    assert len(want) == 2 and n_default == 4
    with LiveServer(create_app(path, reviewer="desk")) as srv:
        ctx, page, dialogs = _page(browser)
        try:
            page.goto(srv.url + "/")
            assert "2 pairs on one subject give different figures" in page.inner_text("#figure-differences")
            page.click("#figure-differences a")
            page.wait_for_url("**differs=1*")
            assert _queue_ids(page) == want
            assert page.is_checked("input[name=differs]")
            assert page.locator("#figure-differences").count() == 0  # already looking at them
            # untick the box and filter again: the default queue (contradictions) comes back
            page.uncheck("input[name=differs]")
            page.click(".filters button[type=submit]")
            page.wait_for_url(lambda url: "differs" not in url)
            assert len(_queue_ids(page)) == n_default
            # ticking the box in the form gives what the notice's link gives, not only the contradictions among them
            page.check("input[name=differs]")
            assert page.text_content("#f-label-default") == "any label (default)"
            page.click(".filters button[type=submit]")
            page.wait_for_url("**differs=1*")
            assert _queue_ids(page) == want
            # a label chosen explicitly still counts
            page.select_option("#f-label", "echo")
            page.click(".filters button[type=submit]")
            page.wait_for_url("**label=echo*")
            assert len(_queue_ids(page)) == 0  # the demo's relay gives the same figures
            assert dialogs == []
        finally:
            ctx.close()


def test_cluster_page_shows_the_figures_sources_give_differently(browser, tmp_path):
    from tests.test_figures import _store

    path = _store(tmp_path)
    with LiveServer(create_app(path, reviewer="desk")) as srv:
        ctx, page, dialogs = _page(browser)
        try:
            page.goto(srv.url + "/cluster/1")
            assert page.text_content("#figures h2") == "Figures that differ between sources"
            line = " ".join(page.inner_text("#figures .figgroup").split())
            assert line == ("Death: Twelve provincial governor via Southwire · 40 provincial governor via Northwire · "
                            "41 rescue services via Eastwire")
            assert page.locator("#figures").is_visible() and dialogs == []
            page.screenshot(path=str(ARTIFACTS / "cluster-figures.png"), full_page=True)
        finally:
            ctx.close()


def test_hostile_scraped_text_never_executes(browser, tmp_path):
    path, pair_id = build_xss_db(tmp_path / "x.db")
    with LiveServer(create_app(path)) as srv:
        # bypass_csp: the page's Content-Security-Policy would block inline script anyway; this checks escaping
        ctx, page, dialogs = _page(browser, bypass_csp=True)
        try:
            for url in ("/", f"/pair/{pair_id}", "/cluster/7", "/?q=%3Cscript%3E&label=any"):
                page.goto(srv.url + url)
                page.wait_for_load_state("load")
                assert page.evaluate("window.__pwned") is None, url
            page.goto(srv.url + "/")
            page.fill("#reviewer-name", '<img src=x onerror="window.__pwned=1">')
            page.click(".who button")
            page.goto(srv.url + f"/pair/{pair_id}")
            page.fill("#note", "<script>window.__pwned = 1</script><svg onload=window.__pwned=1>")
            page.locator("body").click(position={"x": 5, "y": 5})
            page.keyboard.press("n")
            page.wait_for_url("**saved=needs_more")
            page.reload()
            page.wait_for_load_state("load")
            assert page.text_content("#current-status") == "Needs more"
            assert "<script>window.__pwned = 1</script>" in page.inner_text(".verdict")  # shown as text
            assert page.locator(".context .claim script, .context img, .context svg, .verdict script").count() == 0
            hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
            assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
            assert page.locator(".badurl").count() == 2  # the javascript: URLs, as text
            assert page.locator(".docref").all_inner_texts() == [f"ref {XSS_STRINGS['ref']}"]  # side A's ref, as text
            for mark in page.locator("mark").all():  # hovering the highlighted spans runs nothing either
                mark.hover()
            page.goto(srv.url + "/cluster/7")
            for link in page.locator(".pairlabels a").all():
                link.hover()
            assert page.evaluate("window.__pwned") is None
            assert dialogs == []
        finally:
            ctx.close()


def test_a_stale_page_does_not_overwrite_another_reviewers_verdict(browser, tmp_path):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        pair = queue(db)[2]
    with LiveServer(create_app(path)) as srv:
        (actx, alice, adialogs), (cctx, carol, cdialogs) = _page(browser), _page(browser)
        try:
            for page, name in ((alice, "alice"), (carol, "carol")):
                page.goto(srv.url + f"/pair/{pair.pair_id}")
                page.fill("#reviewer-name", name)
                with page.expect_navigation():
                    page.click("form.who button")
            carol.fill("#note", "carol: two sources confirm")
            with carol.expect_navigation():
                carol.click("#v-confirmed")
            # alice's page was loaded before carol's verdict: "f" is refused, and she is told what carol did
            alice.fill("#note", "alice: only one wire has it")
            alice.keyboard.press("Escape")  # leave the note field: keys are shortcuts again
            with alice.expect_navigation():
                alice.keyboard.press("f")
            said = " ".join(alice.text_content("#conflict").split())  # as written, not as styled (upper case)
            assert said.startswith("Not saved: this pair changed while you were looking at it. carol set it to "
                                   "Confirmed (")
            assert ("with the note “carol: two sources confirm”. You chose False alarm with the note “alice: only "
                    "one wire has it”.") in said
            assert alice.text_content("#current-status") == "Confirmed"
            with Database(path) as db:
                v = get_verdict(db, pair.pair_key)
                assert (v.status, v.note, v.reviewer) == ("confirmed", "carol: two sources confirm", "carol")
            # the keyboard is on "Apply mine anyway", and the note field still holds her note, not carol's
            assert alice.evaluate("document.activeElement.id") == "apply-anyway"
            assert alice.input_value("#note") == "alice: only one wire has it"
            # she thinks again: a verdict key now applies her note over carol's verdict
            with alice.expect_navigation():
                alice.keyboard.press("t")
            alice.wait_for_url("**saved=temporal_update")
            assert alice.text_content("#current-status") == "Temporal update"
            with Database(path) as db:
                v = get_verdict(db, pair.pair_key)
                assert (v.status, v.note, v.reviewer) == ("temporal_update", "alice: only one wire has it", "alice")
            assert adialogs == cdialogs == []
        finally:
            actx.close()
            cctx.close()


def test_a_token_link_opened_from_another_site_lets_the_reviewer_in(browser, tmp_path):
    import http.server

    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        first = queue(db)[0]
    with LiveServer(create_app(path, token="s3cret", reviewer="desk")) as srv:
        # a chat or mail page on another site (localhost is not the same site as 127.0.0.1)
        (tmp_path / "site").mkdir()
        (tmp_path / "site" / "index.html").write_text(
            f'<!doctype html><a id="link" href="{srv.url}/pair/{first.pair_id}?token=s3cret">the pair</a>')
        handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path / "site"))  # noqa: E731
        site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=site.serve_forever, daemon=True).start()
        ctx, page, dialogs = _page(browser)
        try:
            page.goto(f"http://localhost:{site.server_address[1]}/index.html")
            page.click("#link")
            page.wait_for_url(f"{srv.url}/pair/{first.pair_id}")  # the token left the address bar
            assert page.text_content("#current-status") == "Unreviewed"
            page.reload()
            assert page.text_content("#current-status") == "Unreviewed"
            page.keyboard.press("c")
            page.wait_for_url("**saved=confirmed")
            assert page.text_content("#current-status") == "Confirmed" and dialogs == []
        finally:
            ctx.close()
            site.shutdown()
            site.server_close()
