"""The review web app over HTTP (no browser): pages, verdicts, CSRF, token, escaping, error shape, `serve`."""

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from detector.cli_review import serve
from detector.models import Reason
from detector.review import get_verdict, queue, set_verdict, verdict_log
from detector.store import Database
from detector.web import create_app
from tests._review_fixtures import PWN, XSS_STRINGS, add_updated_cnn_article, build_demo_db, build_xss_db

HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def demo(tmp_path):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        ids = [it.pair_id for it in queue(db)]
        keys = [it.pair_key for it in queue(db)]
    return path, ids, keys


@pytest.fixture
def client(demo):
    with TestClient(create_app(demo[0], reviewer="desk")) as c:
        yield c


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def assert_error(resp, status: int, message_part: str = "") -> None:
    assert resp.status_code == status
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message"}
    assert body["error"]["status"] == status and message_part in body["error"]["message"]


# -- pages -------------------------------------------------------------------------------------------------------
def test_queue_lists_flagged_pairs_with_status_counts(client, demo):
    _, ids, _ = demo
    r = client.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    rows = re.findall(r'<tr class="row" data-href="/pair/([0-9a-f]+)', r.text)
    assert rows == ids  # likeliest conflicts first
    assert re.search(r'All <span class="count" data-status="any">4</span>', r.text)
    assert re.search(r'Unreviewed <span class="count" data-status="unreviewed">4</span>', r.text)
    assert '<link rel="stylesheet" href="/static/style.css">' in r.text
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/review.js").status_code == 200


@pytest.mark.parametrize(
    "query, n",
    [("outlet=CNN", 3), ("speaker=Global+Times", 1), ("cluster=2", 1), ("label=any", 7), ("label=echo", 1),
     ("q=disinformation", 2), ("from=2023-02-28", 1), ("status=confirmed", 0), ("cluster=abc", 4),
     ("from=not-a-date", 4), ("label=%3Cscript%3E", 4), ("status=bogus", 4), ("differs=2", 4), ("foo=1", 4)],
)
def test_queue_filters(client, query, n):
    r = client.get(f"/?{query}")
    assert r.status_code == 200
    assert len(re.findall(r'<tr class="row"', r.text)) == n


def _rows(html: str) -> set[str]:
    return set(re.findall(r'<tr class="row" data-href="/pair/([0-9a-f]+)', html))


def test_queue_points_at_pairs_whose_figures_differ(demo):
    import json

    path = demo[0]
    with Database(path) as db:
        rows = db.conn.execute("SELECT pair_id, label, reasons FROM pairs ORDER BY pair_id").fetchall()
    # the demo has two pairs whose number reasons point into a side: figures that differ
    differ = {r["pair_id"] for r in rows if any(x["kind"] == "number" and x.get("side")
                                                    for x in json.loads(r["reasons"]))}
    assert len(differ) == 2
    with TestClient(create_app(path)) as c:
        assert ('<p class="notice" id="figure-differences">2 pairs on one subject give different figures, '
                'whatever their label: <a href="/?differs=1">see them</a></p>') in c.get("/").text
        t = c.get("/?label=any&differs=1").text
        assert _rows(t) == differ
        assert 'id="figure-differences"' not in t  # already looking at them
        assert 'name="differs" value="1" checked' in t
    echo = next(r for r in rows if r["label"] == "echo")
    unrelated, plain = [r for r in rows if r["pair_id"] not in differ and r["label"] != "echo"][:2]
    figure = Reason("number", "40 vs 12 (people)", side="a", span=(0, 2))
    date = Reason("date", "April 2023 vs February 2023", side="a", span=(0, 2))
    same = Reason("number", "the same figures on both sides")  # no side: not a difference
    with Database(path) as db:
        stored = {p.pair_id: p for p in db.pairs()}
        # between sources a date alone does not count (two claims often date different events); on a relay it does
        db.add_pairs([dataclasses.replace(stored[echo["pair_id"]], reasons=stored[echo["pair_id"]].reasons + (date,)),
                      dataclasses.replace(stored[unrelated["pair_id"]], label="unrelated",
                                          reasons=stored[unrelated["pair_id"]].reasons + (figure,)),
                      dataclasses.replace(stored[plain["pair_id"]],
                                          reasons=stored[plain["pair_id"]].reasons + (same, date))], scorer="pipeline")
    with TestClient(create_app(path)) as c:
        notice = ('<p class="notice" id="figure-differences">3 pairs on one subject give different figures '
                  '(1 of them a report relayed by two outlets, in figures or dates), whatever their label: ')
        assert notice in c.get("/").text
        # an unrelated pair is not on one subject, whatever its figures
        assert _rows(c.get("/?label=any&differs=1").text) == differ | {echo["pair_id"]}
        # the filter combines with the others, and a malformed value is ignored
        assert _rows(c.get("/?label=echo&differs=1").text) == {echo["pair_id"]}
        assert len(_rows(c.get("/?label=any&differs=yes").text)) == len(rows)
        # the JSON API says so for each pair, and filters the same way
        listed = c.get("/api/pairs?label=any&limit=100").json()["pairs"]
        assert {p["pair_id"] for p in listed if p["differs"]} == differ | {echo["pair_id"]}
        assert {p["pair_id"] for p in c.get("/api/pairs?label=any&differs=1").json()["pairs"]} == differ | {
            echo["pair_id"]}


def test_pair_page_shows_both_sides_in_context(client, demo):
    _, ids, _ = demo
    r = client.get(f"/pair/{ids[0]}?outlet=CNN", headers=HTML)
    assert r.status_code == 200
    t = r.text
    assert '<div class="speaker">Der Spiegel</div>' in t
    assert '<div class="speaker">John Kirby (US National Security Council)</div>' in t
    assert "relay: The Kyiv Independent → Der Spiegel" in t
    assert '<span class="ctx">The White House responded on Monday. </span>' in t
    assert ('<mark class="hl hl-non_confirmation" title="non_confirmation: Kirby: has not seen China move that way">'
            "has not seen</mark>") in t
    assert ('<a class="srclink" href="https://kyivindependent.com/spiegel-china-drones-russia/" target="_blank" '
            'rel="noopener noreferrer nofollow">') in t
    assert "<time>2023-02-23</time>" in t and "<time>2023-02-27</time>" in t
    assert 'class="docref"' not in t  # the documents came without the input's own ids
    assert f'href="/cluster/1?pair={ids[0]}"' in t
    for key, name in (("c", "Confirmed"), ("f", "False alarm"), ("t", "Temporal update"), ("n", "Needs more")):
        assert f'data-key="{key}"' in t and f"<kbd>{key}</kbd> {name}</button>" in t
    # next/previous follow the filtered queue (outlet=CNN)
    assert re.search(r'id="next" rel="next" href="/pair/[0-9a-f]+\?outlet=CNN"', t)
    assert "1 of 3" in t


def test_pair_page_shows_each_sides_ref_beside_its_source(tmp_path):
    path = build_demo_db(tmp_path / "refs.db", refs={"kyiv.txt": "KI-2023/0223 <07> & 'x'"})
    with Database(path) as db:
        first = queue(db)[0]
    assert (first.pair.a.outlet, first.pair.b.outlet) == ("The Kyiv Independent", "CNN")
    with TestClient(create_app(path)) as c:
        t = c.get(f"/pair/{first.pair_id}", headers=HTML).text
    side_a, side_b = t.split('<article class="side side-b">')
    ref = '<div class="docref" title="Input record id">ref KI-2023/0223 &lt;07&gt; &amp; &#39;x&#39;</div>'
    assert t.count('class="docref"') == 1 and ref in side_a  # side A's document has a ref, escaped as text...
    assert side_a.index('class="srclink"') < side_a.index(ref) < side_a.index("</footer>")  # under its link
    assert "docref" not in side_b and "KI-2023" not in side_b  # ...CNN's has none: nothing extra


def test_api_and_cluster_page_carry_each_sides_url_and_ref(tmp_path):
    path = build_demo_db(tmp_path / "refs.db", refs={"kyiv.txt": "KI-2023/0223 <07>"})
    with Database(path) as db:
        first = queue(db)[0]
    with TestClient(create_app(path)) as c:
        listed = c.get("/api/pairs?limit=1").json()["pairs"][0]
        one = c.get(f"/api/pairs/{first.pair_id}").json()
        cluster = c.get(f"/cluster/{first.pair.cluster}", headers=HTML).text
    for d in (listed, one):
        assert d["pair_id"] == first.pair_id
        assert (d["a"]["url"], d["a"]["ref"]) == ("https://kyivindependent.com/spiegel-china-drones-russia/",
                                                  "KI-2023/0223 <07>")
        cnn = "https://edition.cnn.com/2023/02/27/politics/china-russia-drones-kirby/"
        assert (d["b"]["url"], d["b"]["ref"]) == (cnn, None)
    # every claim of the cluster links to its own article; only the Kyiv Independent's has a ref
    claims = cluster.split('<li class="cclaim">')[1:]
    assert claims and all('class="srclink"' in li for li in claims)
    kyiv = [li for li in claims if "kyivindependent.com" in li]
    ref = '<span class="docref" title="Input record id">ref KI-2023/0223 &lt;07&gt;</span>'
    assert len(kyiv) == 1 and ref in kyiv[0]
    assert cluster.count('class="docref"') == 1


def test_verdict_form_round_trip(client, demo):
    path, ids, keys = demo
    page = client.get(f"/pair/{ids[0]}?outlet=CNN")
    r = client.post(f"/pair/{ids[0]}/verdict?outlet=CNN",
                    data={"csrf": csrf_of(page.text), "status": "confirmed", "note": "Kirby: no sign"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/pair/{ids[0]}?outlet=CNN&saved=confirmed"
    page = client.get(r.headers["location"])
    assert 'id="current-status">Confirmed</span>' in page.text and "by desk" in page.text
    assert "“Kirby: no sign”" in page.text and "Audit trail (1)" in page.text
    # Shift+letter: record and go to the next pair of the same queue
    r = client.post(f"/pair/{ids[0]}/verdict?outlet=CNN",
                    data={"csrf": csrf_of(page.text), "status": "false_alarm", "advance": "1"},
                    follow_redirects=False)
    with Database(path) as db:
        cnn = [it.pair_id for it in queue(db) if "CNN" in (it.pair.a.outlet, it.pair.b.outlet)]
        assert [(e.status, e.previous, e.reviewer) for e in verdict_log(db, keys[0])] == [
            ("confirmed", None, "desk"), ("false_alarm", "confirmed", "desk")]
    assert r.headers["location"] == f"/pair/{cnn[1]}?outlet=CNN"
    assert re.search(r'Confirmed <span class="count" data-status="confirmed">0</span>', client.get("/").text)
    assert re.search(r'False alarm <span class="count" data-status="false_alarm">1</span>', client.get("/").text)


def test_reviewer_name_comes_from_the_browser(client, demo):
    path, ids, keys = demo
    csrf = csrf_of(client.get("/").text)
    r = client.post("/reviewer", data={"csrf": csrf, "name": " Ana\x00 <b> ", "next": "//evil.example/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"  # no open redirect
    client.post(f"/pair/{ids[1]}/verdict", data={"csrf": csrf, "status": "needs_more"})
    with Database(path) as db:
        assert get_verdict(db, keys[1]).reviewer == "Ana <b>"
    assert 'value="Ana &lt;b&gt;"' in client.get("/").text


def test_cluster_page_groups_claims_by_source(client, demo):
    _, ids, _ = demo
    r = client.get(f"/cluster/1?pair={ids[0]}")
    assert r.status_code == 200
    heads = re.findall(r"<h2>(.*?)</h2>", r.text)
    assert "China&#39;s Foreign Ministry <span class=\"muted\">via CNN</span>" in heads
    assert "Der Spiegel <span class=\"muted\">via ZeroHedge</span>" in heads
    assert r.text.count('<span class="label label-contradicts">') == 3 * 2  # three conflicts, listed on both claims
    assert '<span class="label label-echo">echo</span>' in r.text
    assert 'class="focus"' in r.text
    assert_error(client.get("/cluster/42"), 404, "no cluster 42")


def test_cluster_page_lists_an_updated_articles_pairs_and_claims_once(client, demo):
    path, ids, _ = demo
    before = client.get("/cluster/1").text
    with Database(path) as db:
        add_updated_cnn_article(db)
    r = client.get("/cluster/1")
    heading = re.search(r"<h1>.*?</h1>", r.text, re.S).group(0)
    assert heading == re.search(r"<h1>.*?</h1>", before, re.S).group(0)
    assert "· 5 scored pairs" in heading  # cluster 1's pairs as the queue lists them
    assert r.text.count('<li class="cclaim">') == before.count('<li class="cclaim">') == 5
    fm = "rejected the reports as disinformation"
    assert r.text.count(fm) == before.count(fm) == 1
    links = re.findall(r'<a href="(/pair/[0-9a-f]+\?label=any&amp;cluster=1)">', r.text)
    assert len(links) == 5 * 2  # each pair under both its claims
    for link in set(links):  # every one opens a pair of that queue
        page = client.get(link.replace("&amp;", "&")).text
        assert re.search(r'<span class="pos">\d of 5</span>', page), link


def test_api(client, demo):
    _, ids, keys = demo
    data = client.get("/api/pairs?outlet=CNN&limit=2").json()
    assert data["total"] == 3 and len(data["pairs"]) == 2 and data["counts"]["unreviewed"] == 3
    p = data["pairs"][0]
    assert p["pair_id"] == ids[0] and p["a"]["speaker"] == "Der Spiegel" and p["status"] == "unreviewed"
    assert p["p_model"] is None  # the fixture's pairs were stored without the classifier's own p
    csrf = client.get("/api/csrf").json()["csrf"]
    r = client.post(f"/api/pairs/{ids[0]}/verdict", headers={"X-CSRF-Token": csrf},
                    json={"status": "temporal_update", "note": "newer news"})
    assert r.status_code == 200
    assert r.json() | {"updated_at": 0} == {"pair_id": ids[0], "pair_key": keys[0], "status": "temporal_update",
                                            "note": "newer news", "reviewer": "desk", "previous": None,
                                            "updated_at": 0, "version": 1}
    assert client.get(f"/api/pairs/{ids[0]}").json()["log"][0]["status"] == "temporal_update"
    assert_error(client.post(f"/api/pairs/{ids[0]}/verdict", headers={"X-CSRF-Token": csrf},
                             json={"status": "perhaps"}), 400, "unknown verdict 'perhaps'")
    assert_error(client.post(f"/api/pairs/{ids[0]}/verdict", headers={"X-CSRF-Token": csrf}, content=b"[1"),
                 400, "JSON object")
    assert_error(client.get("/api/pairs?limit=x"), 400, "limit must be an integer from 1 to 1000, got 'x'")


@pytest.mark.parametrize("query, message", [
    ("label=bogus", "label must be one of contradicts, agrees, neutral, unrelated, echo, any; got 'bogus'"),
    ("status=bogus", "status must be one of unreviewed, confirmed, false_alarm, temporal_update, needs_more, "
                     "reviewed, any; got 'bogus'"),
    ("cluster=abc", "cluster must be a cluster number (a whole number); got 'abc'"),
    ("differs=2", "differs must be 1 (or left out); got '2'"),
    ("from=2023-02-28&to=soon", "to must be a date, YYYY, YYYY-MM or YYYY-MM-DD; got 'soon'"),
    ("outlet=CNN&lable=agrees", "unknown parameter 'lable'; use label, status, outlet, speaker, cluster, from, to, "
                                "q, differs, limit, offset"),
])
def test_api_refuses_a_bad_filter_naming_it(client, query, message):
    r = client.get(f"/api/pairs?{query}")
    assert_error(r, 400)
    assert r.json()["error"]["message"] == message


def test_api_takes_empty_filters_and_the_token_as_left_out(client):
    plain = client.get("/api/pairs").json()
    assert client.get("/api/pairs?label=&cluster=&differs=").json() == plain
    assert client.get("/api/pairs?token=whatever").json() == plain  # no token set: the parameter is the guard's


# -- errors ------------------------------------------------------------------------------------------------------
def test_error_shape(client):
    assert_error(client.get("/pair/0000000000000000"), 404, "no pair '0000000000000000'")
    assert_error(client.get("/pair/<script>"), 404)
    assert_error(client.get("/no/such/page"), 404)
    assert_error(client.delete("/"), 405)
    assert_error(client.get("/cluster/notanumber"), 400, "invalid request")
    r = client.get("/pair/0000000000000000", headers=HTML)  # browsers get a page, same status
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html") and "Error 404" in r.text


# -- CSRF --------------------------------------------------------------------------------------------------------
def test_posts_without_the_right_csrf_token_are_refused(client, demo, tmp_path):
    path, ids, keys = demo
    good = csrf_of(client.get("/").text)
    for data in ({"status": "confirmed"}, {"status": "confirmed", "csrf": ""},
                 {"status": "confirmed", "csrf": "0" * 64}, {"status": "confirmed", "csrf": good[:-1] + "x"}):
        assert_error(client.post(f"/pair/{ids[0]}/verdict", data=data), 403, "CSRF")
    assert_error(client.post(f"/api/pairs/{ids[0]}/verdict", json={"status": "confirmed"}), 403, "CSRF")
    assert_error(client.post(f"/api/pairs/{ids[0]}/verdict", json={"status": "confirmed"},
                             headers={"X-CSRF-Token": "nope"}), 403)
    assert_error(client.post("/reviewer", data={"name": "mallory"}), 403)
    # a token from another browser's session does not work in this one
    with TestClient(client.app) as other:
        assert_error(other.post(f"/pair/{ids[0]}/verdict", data={"status": "confirmed", "csrf": good}), 403)
    # a browser gets the same refusal as a page
    r = client.post(f"/pair/{ids[0]}/verdict", data={"status": "confirmed"}, headers=HTML)
    assert r.status_code == 403 and "CSRF" in r.text
    with Database(path) as db:
        assert verdict_log(db) == []


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
    cookie = r.headers["set-cookie"]
    assert "crossclaim_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


# -- token -------------------------------------------------------------------------------------------------------
def test_token_is_required_for_every_request(demo):
    path, ids, _ = demo
    app = create_app(path, token="s3cret-token")
    with TestClient(app) as c:
        for url in ("/", f"/pair/{ids[0]}", "/static/style.css", "/api/pairs", "/cluster/1"):
            r = c.get(url)
            assert_error(r, 401, "token")
            assert r.headers["www-authenticate"] == "Bearer"
        assert_error(c.get("/?token=wrong"), 401)
        assert_error(c.get("/", headers={"Authorization": "Bearer wrong"}), 401)
        assert c.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert_error(c.post(f"/pair/{ids[0]}/verdict", data={"status": "confirmed"}), 401)
        # ?token= once: a cookie, and the token leaves the address bar
        r = c.get("/?token=s3cret-token&outlet=CNN", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/?outlet=CNN"
        assert "crossclaim_token=" in r.headers["set-cookie"] and "s3cret-token" not in r.headers["set-cookie"]
        # Lax, so a ?token= link opened from another site (mail, chat) still works after the redirect; CSRF
        # tokens, not SameSite, keep cross-site POSTs out (below)
        token_cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("crossclaim_token="))
        assert "SameSite=lax" in token_cookie and "HttpOnly" in token_cookie
        page = c.get("/?outlet=CNN")
        assert page.status_code == 200 and c.get("/static/review.js").status_code == 200
        # the token does not replace CSRF
        assert_error(c.post(f"/pair/{ids[0]}/verdict", data={"status": "confirmed"}), 403)
        r = c.post(f"/pair/{ids[0]}/verdict", data={"status": "confirmed", "csrf": csrf_of(page.text)},
                   follow_redirects=False)
        assert r.status_code == 303
    with TestClient(app) as stranger:
        stranger.cookies.set("crossclaim_token", "s3cret-token")  # the raw token is not a valid cookie
        assert_error(stranger.get("/"), 401)


# -- escaping ----------------------------------------------------------------------------------------------------
def parse_tags(html: str) -> list[tuple[str, dict]]:
    """Every start tag a browser's parser would build from ``html``, with its attributes."""
    tags: list[tuple[str, dict]] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    P().feed(html)
    return tags


def test_scraped_strings_are_escaped_everywhere(tmp_path):
    path, pair_id = build_xss_db(tmp_path / "x.db")
    with Database(path) as db:
        set_verdict(db, queue(db)[0].pair_key, "needs_more", note=f"<script>{PWN}</script>",
                    reviewer=f"<img src=x onerror=\"{PWN}\">")
    with TestClient(create_app(path)) as c:
        pages = [c.get(u).text for u in ("/", f"/pair/{pair_id}", "/cluster/7", "/?q=%3Cscript%3E")]
    for html in pages:
        assert "window.__pwned" in html  # the text is shown...
        tags = parse_tags(html)  # ...never as markup
        assert [a for t, a in tags if t == "script"] == [{"src": "/static/review.js", "defer": None}]
        assert not {"img", "svg", "iframe", "object", "embed", "b"} & {t for t, _ in tags}
        assert not [(t, a) for t, a in tags if any(k.startswith("on") for k in a)], "event handler attribute"
        hrefs = [a["href"] for _, a in tags if "href" in a]
        assert hrefs and all(h.startswith(("/", "https://", "http://")) for h in hrefs), hrefs
    pair = pages[1]
    assert '<span class="badurl" title="not an http(s) link; shown as text">javascript:window.__pwned' in pair
    assert "&lt;script&gt;window.__pwned" in pair
    ref = XSS_STRINGS["ref"].replace("&", "&amp;").replace('"', "&#34;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'<div class="docref" title="Input record id">ref {ref}</div>' in pair
    assert pair.count('class="docref"') == 1  # the other document has no ref
    assert f'<span class="docref" title="Input record id">ref {ref}</span>' in pages[2]  # the cluster page too


# -- serve: bind rule ---------------------------------------------------------------------------------------------
@pytest.fixture
def fake_uvicorn(monkeypatch):
    calls = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    return calls


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_serve_refuses_other_hosts_without_a_token(demo, fake_uvicorn, monkeypatch, host):
    monkeypatch.delenv("CROSSCLAIM_TOKEN", raising=False)
    result = CliRunner().invoke(serve, ["--db", str(demo[0]), "--host", host])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: refusing to bind {host} without a token")
    assert "--token" in result.output and fake_uvicorn == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_serve_binds_loopback_without_a_token(demo, fake_uvicorn, monkeypatch, host):
    monkeypatch.delenv("CROSSCLAIM_TOKEN", raising=False)
    result = CliRunner().invoke(serve, ["--db", str(demo[0]), "--host", host, "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert fake_uvicorn == [{"host": host, "port": 8765, "log_level": "warning"}]


def test_serve_binds_other_hosts_with_a_token(demo, fake_uvicorn, monkeypatch):
    monkeypatch.delenv("CROSSCLAIM_TOKEN", raising=False)
    result = CliRunner().invoke(serve, ["--db", str(demo[0]), "--host", "0.0.0.0", "--token", "abc123abc123"])
    assert result.exit_code == 0, result.output
    assert fake_uvicorn[-1]["host"] == "0.0.0.0"
    assert result.stderr == "crossclaim review queue on http://0.0.0.0:8000/?token=abc123abc123 (Ctrl+C to stop)\n"
    monkeypatch.setenv("CROSSCLAIM_TOKEN", "from-the-env")
    assert CliRunner().invoke(serve, ["--db", str(demo[0]), "--host", "0.0.0.0"]).exit_code == 0
    assert len(fake_uvicorn) == 2
    result = CliRunner().invoke(serve, ["--db", str(demo[0]), "--host", "0.0.0.0", "--token", " "])
    assert result.exit_code == 1 and "--token is empty" in result.output


def test_serve_get_answers_one_request(demo, monkeypatch):
    monkeypatch.delenv("CROSSCLAIM_TOKEN", raising=False)
    result = CliRunner().invoke(serve, ["--db", str(demo[0]), "--get", "/api/pairs?outlet=ZeroHedge"])
    assert result.exit_code == 0
    assert '"total":1' in result.stdout
    result = CliRunner().invoke(serve, ["--db", str(demo[0]), "--get", "/pair/ffff", "--token", "t"])
    assert result.exit_code == 1 and '"status":404' in result.stdout


def test_serve_needs_an_existing_db(tmp_path, monkeypatch):
    result = CliRunner().invoke(serve, ["--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "no database at" in result.output
    assert not (tmp_path / "missing.db").exists()


# -- two reviewers on one pair -----------------------------------------------------------------------------------
@pytest.fixture
def alice_and_carol(demo):
    """Two reviewers, each in a browser session of their own, on one store."""
    app = create_app(demo[0])
    with TestClient(app) as alice, TestClient(app) as carol:
        for c, name in ((alice, "alice"), (carol, "carol")):
            c.post("/reviewer", data={"name": name, "csrf": csrf_of(c.get("/").text)})
        yield alice, carol


def test_a_verdict_over_a_change_the_page_did_not_show_is_refused(demo, alice_and_carol):
    path, ids, keys = demo
    alice, carol = alice_and_carol
    stale = alice.get(f"/pair/{ids[1]}?page=2").text  # alice opens the pair first...
    assert 'name="version" value="0"' in stale
    page = carol.get(f"/pair/{ids[1]}").text
    r = carol.post(f"/pair/{ids[1]}/verdict", data={"status": "confirmed", "note": "two sources confirm",
                                                   "version": "0", "csrf": csrf_of(page)})
    assert r.status_code == 200 and "Saved." in r.text
    # ...and answers on her stale page: refused, with what carol did and the way out
    r = alice.post(f"/pair/{ids[1]}/verdict?page=2", headers=HTML,
                   data={"status": "false_alarm", "note": "", "version": "0", "advance": "1",
                         "csrf": csrf_of(stale)})
    assert r.status_code == 409 and 'id="conflict"' in r.text
    box = re.search(r'<div class="conflict".*?</div>', r.text, re.S).group(0)
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", box)).strip()
    assert said.startswith("Not saved: this pair changed while you were looking at it. carol set it to Confirmed (")
    assert ") with the note “two sources confirm”. You chose False alarm. Apply mine anyway" in said
    with Database(path) as db:
        v = get_verdict(db, keys[1])
        assert (v.status, v.note, v.reviewer) == ("confirmed", "two sources confirm", "carol")
        version = v.version
    assert f'href="/pair/{ids[1]}?page=2">Keep theirs and reload</a>' in box
    # "Apply mine anyway" sends the version alice has now seen
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">',
                             re.search(r'<form[^>]*id="apply-anyway-form">.*?</form>', box, re.S).group(0)))
    assert fields | {"csrf": ""} == {"csrf": "", "version": str(version), "status": "false_alarm", "note": "",
                                    "advance": "1", "next": ids[2]}
    r = alice.post(f"/pair/{ids[1]}/verdict?page=2", data=fields, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/pair/{ids[2]}?page=2"
    with Database(path) as db:
        assert [(e.status, e.reviewer) for e in verdict_log(db, keys[1])] == [
            ("confirmed", "carol"), ("false_alarm", "alice")]


def test_the_409_page_keeps_the_note_the_reviewer_typed(demo, alice_and_carol):
    path, ids, keys = demo
    alice, carol = alice_and_carol
    stale = alice.get(f"/pair/{ids[0]}").text
    carol.post(f"/pair/{ids[0]}/verdict", data={"status": "confirmed", "note": "carol checked the wires",
                                                "version": "0", "csrf": csrf_of(carol.get("/").text)})
    r = alice.post(f"/pair/{ids[0]}/verdict", headers=HTML,
                   data={"status": "needs_more", "note": "alice wants the ministry's statement", "version": "0",
                         "csrf": csrf_of(stale)})
    assert r.status_code == 409
    # the main form (any verdict key) carries alice's note against the version now shown; carol's is shown apart
    form = re.search(r'<form[^>]*id="verdict-form">.*?</form>', r.text, re.S).group(0)
    assert re.search(r'<textarea id="note"[^>]*>alice wants the ministry&#39;s statement</textarea>', form)
    with Database(path) as db:
        version = get_verdict(db, keys[0]).version
    assert f'name="version" value="{version}"' in form and "carol checked" not in form
    assert "with the note “carol checked the wires”" in r.text
    # the way out has the keyboard focus
    assert re.search(r'<button type="submit" class="btn" id="apply-anyway" autofocus>', r.text)
    r = alice.post(f"/pair/{ids[0]}/verdict", data={"status": "false_alarm", "version": str(version),
                                                    "note": "alice wants the ministry's statement",
                                                    "csrf": csrf_of(stale)}, follow_redirects=False)
    with Database(path) as db:
        v = get_verdict(db, keys[0])
        assert (v.status, v.note, v.reviewer) == ("false_alarm", "alice wants the ministry's statement", "alice")


def test_apply_anyway_after_shift_letter_opens_the_pair_that_came_next(demo):
    """Under ?status=unreviewed the other reviewer's verdict takes the pair out of the queue: "next" is the pair
    that followed it on the page the reviewer saw, not the top of the queue."""
    path, ids, keys = demo
    app = create_app(path)
    with TestClient(app) as alice, TestClient(app) as carol:
        stale = alice.get(f"/pair/{ids[1]}?status=unreviewed").text
        assert f'<input type="hidden" name="next" value="{ids[2]}">' in stale
        carol.post(f"/pair/{ids[1]}/verdict", data={"status": "confirmed", "version": "0",
                                                    "csrf": csrf_of(carol.get("/").text)})
        r = alice.post(f"/pair/{ids[1]}/verdict?status=unreviewed", headers=HTML,
                       data={"status": "false_alarm", "version": "0", "advance": "1", "next": ids[2],
                             "csrf": csrf_of(stale)})
        assert r.status_code == 409 and "not in this queue" in r.text
        box = re.search(r'<form[^>]*id="apply-anyway-form">.*?</form>', r.text, re.S).group(0)
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', box))
        assert fields["next"] == ids[2]
        r = alice.post(f"/pair/{ids[1]}/verdict?status=unreviewed", data=fields, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/pair/{ids[2]}?status=unreviewed"
        # a next id that is no pair is ignored: the queue's first, as before
        stale = alice.get(f"/pair/{ids[3]}?status=unreviewed").text
        r = alice.post(f"/pair/{ids[1]}/verdict?status=unreviewed", follow_redirects=False,
                       data={"status": "false_alarm", "advance": "1", "next": "0" * 16, "csrf": csrf_of(stale)})
        assert r.headers["location"] == f"/pair/{ids[0]}?status=unreviewed"


def test_the_json_api_refuses_a_stale_version_with_409(client, demo):
    path, ids, keys = demo
    csrf = client.get("/api/csrf").json()["csrf"]
    post = lambda body: client.post(f"/api/pairs/{ids[0]}/verdict", headers={"X-CSRF-Token": csrf}, json=body)  # noqa: E731
    shown = client.get(f"/api/pairs/{ids[0]}").json()
    assert shown["version"] == 0 and shown["verdict"] is None
    first = post({"status": "confirmed", "note": "seen on two wires", "version": 0}).json()
    assert first["version"] > 0
    r = post({"status": "false_alarm", "version": 0})
    assert_error_409 = r.status_code == 409 and set(r.json()) == {"error", "current"}
    assert assert_error_409, r.text
    assert r.json()["error"]["status"] == 409 and "now confirmed by desk" in r.json()["error"]["message"]
    assert r.json()["current"] | {"updated_at": 0} == {"status": "confirmed", "note": "seen on two wires",
                                                       "reviewer": "desk", "updated_at": 0,
                                                       "version": first["version"]}
    assert_error(post({"status": "false_alarm", "version": "1"}), 400, "version must be")
    assert_error(post({"status": "false_alarm", "version": True}), 400, "version must be")
    assert post({"status": "false_alarm", "version": first["version"]}).status_code == 200
    # a client that sends no version writes whatever the state (documented)
    assert post({"status": "needs_more"}).json()["previous"] == "false_alarm"
    with Database(path) as db:
        assert [e.status for e in verdict_log(db, keys[0])] == ["confirmed", "false_alarm", "needs_more"]


# -- bad input ---------------------------------------------------------------------------------------------------
def test_huge_integers_get_a_client_error_in_the_error_shape(client):
    huge = "99999999999999999999999"
    assert_error(client.get(f"/api/pairs?offset={huge}"), 400, f"offset must be an integer from 0 to {2**63 - 1}")
    assert_error(client.get(f"/api/pairs?limit={huge}"), 400, "limit must be an integer from 1 to 1000")
    assert_error(client.get(f"/cluster/{huge}"), 404, f"no cluster {huge}")
    assert_error(client.get(f"/cluster/-{huge}"), 404)
    r = client.get(f"/?page={huge}")  # past the end: the last page
    assert r.status_code == 200 and len(re.findall(r'<tr class="row"', r.text)) == 4


def test_serve_get_reports_errors_as_the_app_answers_them(demo, monkeypatch):
    monkeypatch.delenv("CROSSCLAIM_TOKEN", raising=False)
    result = CliRunner().invoke(serve, ["--db", str(demo[0]), "--get", "/cluster/99999999999999999999999"])
    assert result.exit_code == 1 and '"status":404' in result.stdout and "Traceback" not in result.output

    import detector.web.app as web_app

    def broken(db):
        raise RuntimeError("a bug")

    monkeypatch.setattr(web_app, "facets", broken)
    result = CliRunner().invoke(serve, ["--db", str(demo[0]), "--get", "/"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stdout == ('{"error":{"status":500,"message":"internal error (RuntimeError); '
                             'see the server log"}}\n')


def test_a_note_that_is_not_text_gets_a_400(client, demo):
    path, ids, _ = demo
    csrf = client.get("/api/csrf").json()["csrf"]
    r = client.post(f"/api/pairs/{ids[0]}/verdict", headers={"X-CSRF-Token": csrf, "content-type": "application/json"},
                    content=b'{"status": "confirmed", "note": "seen \\ud800"}')
    assert_error(r, 400, "note is not valid text: character 6 is a lone surrogate")
    r = client.post(f"/api/pairs/{ids[0]}/verdict", headers={"X-CSRF-Token": csrf, "content-type": "application/json"},
                    content=b'{"status": "confirmed", "reviewer": "\\udfff"}')
    assert_error(r, 400, "reviewer is not valid text")
    with Database(path) as db:
        assert verdict_log(db) == []


# -- filters -----------------------------------------------------------------------------------------------------
def test_different_figures_means_any_label_unless_one_is_chosen(client, demo):
    with Database(demo[0]) as db, db.atomic() as conn:  # one of the two pairs whose figures differ: not a conflict
        conn.execute("UPDATE pairs SET label = 'neutral' WHERE pair_id = (SELECT min(pair_id) FROM pairs "
                     "WHERE differs = 1)")
    link = _rows(client.get("/?label=any&differs=1").text)
    assert len(link) == 2
    # what the form sends when the box is ticked and the label left at its default
    page = client.get("/?label=&differs=1").text
    assert _rows(page) == link == _rows(client.get("/?differs=1").text)
    assert '<option value="" selected id="f-label-default"' in page and ">any label (default)</option>" in page
    assert {p["pair_id"] for p in client.get("/api/pairs?differs=1").json()["pairs"]} == link
    # a label chosen explicitly still narrows it
    assert len(_rows(client.get("/?label=contradicts&differs=1").text)) == 1
    assert ">contradicts (default)</option>" in client.get("/").text


def test_search_ignores_case_beyond_ascii_on_the_web(client, demo):
    with Database(demo[0]) as db, db.atomic() as conn:
        conn.execute("UPDATE claims SET speaker = 'Außenministerium Chinas' WHERE speaker = ?",
                     ("China's Foreign Ministry",))
    want = _rows(client.get("/?q=au%C3%9Fenministerium").text)  # außenministerium
    assert len(want) == 2
    for q in ("AU%C3%9FENMINISTERIUM", "AUSSENMINISTERIUM", "Au%C3%9Fenministerium+CHINAS"):
        assert _rows(client.get(f"/?q={q}").text) == want, q
        assert {p["pair_id"] for p in client.get(f"/api/pairs?q={q}").json()["pairs"]} == want, q


# -- paging and navigation ---------------------------------------------------------------------------------------
def test_paging_past_the_end_and_back_from_a_pair(demo, monkeypatch):
    import detector.web.app as web_app

    monkeypatch.setattr(web_app, "PAGE_SIZE", 2)
    path, ids, _ = demo
    with TestClient(create_app(path)) as c:
        last = c.get("/?label=any&page=9").text  # 7 pairs, 2 a page: page 4 is the last
        assert "7 pairs, showing 7–7" in last and "page 4 of 4" in last and "No pairs match" not in last
        assert '<a class="btn ghost" href="/?label=any&amp;page=3">← newer</a>' in last
        page2 = c.get("/?page=2").text
        assert re.findall(r'<tr class="row" data-href="/pair/([0-9a-f]+)\?page=2"', page2) == ids[2:4]
        pair = c.get(f"/pair/{ids[2]}?page=2").text
        assert '<a class="btn ghost" id="back" href="/?page=2"' in pair
        # next/previous keep the way back to the page that holds the pair
        nxt = re.search(r'id="next" rel="next" href="([^"]+)"', pair).group(1).replace("&amp;", "&")
        assert nxt == f"/pair/{ids[3]}?page=2"
        assert '<a class="btn ghost" id="back" href="/"' in c.get(f"/pair/{ids[1]}?page=2").text  # it is on page 1


def test_a_relay_pair_page_says_it_was_not_scored(client):
    """A relay (one source in two outlets) has no model probabilities: its page must not show 0% for every label."""
    echo = client.get("/api/pairs?label=echo").json()["pairs"][0]
    html = client.get(f"/pair/{echo['pair_id']}").text
    assert 'id="relay-note"' in html and "not scored by the model" in html
    assert "P(contradicts)" not in html
    other = client.get("/api/pairs?label=contradicts").json()["pairs"][0]
    assert "P(contradicts)" in client.get(f"/pair/{other['pair_id']}").text
