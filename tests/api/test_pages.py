"""The ownership and contact-path pages over HTTP: auth (Bearer or the session cookie), HTML
404/403/401 pages, the controller shown, and paths masked exactly as the API masks them."""

import html
import re

from fastapi.testclient import TestClient

from guanxi.api.deps import SESSION_COOKIE
from tests.api.conftest import auth
from tests.api.test_scoring_endpoints import B_SECRETS

#: branch B's payment CB→CP (an internal fact) as evidence text
B_PAYMENT = "¥700万/20笔"


def _text(page: str) -> str:
    """The visible text of a page: scripts, styles and tags removed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_pages_need_a_key(api: TestClient, keys) -> None:
    for url in ("/ui/ownership/CP", "/ui/paths/CB"):
        r = api.get(url)
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("text/html")
        assert "Sign in" in r.text
        assert api.get(url, headers=auth("gx_nope")).status_code == 401


def test_pages_accept_the_session_cookie(api: TestClient, keys) -> None:
    api.cookies.set(SESSION_COOKIE, keys["rm_a"])
    try:
        assert api.get("/ui/ownership/CP").status_code == 200
        assert api.get("/ui/paths/CB").status_code == 200
    finally:
        api.cookies.clear()


def test_unknown_ids_are_an_html_404(api: TestClient, keys) -> None:
    for url, message in (
        ("/ui/ownership/NOPE", "No company with id 'NOPE'"),
        ("/ui/paths/NOPE", "'NOPE'"),
        ("/ui/network/NOPE", "'NOPE'"),
    ):
        r = api.get(url, headers=auth(keys["rm_a"]))
        assert r.status_code == 404, url
        assert r.headers["content-type"].startswith("text/html")
        assert 'data-status="404"' in r.text
        assert message in _text(r.text)


def test_ownership_page_shows_the_controller_kind_and_reason(api: TestClient, keys) -> None:
    r = api.get("/ui/ownership/CP", headers=auth(keys["rm_b"]))
    assert r.status_code == 200
    own = api.get("/api/v1/companies/CP/ownership", headers=auth(keys["rm_b"])).json()
    text = _text(r.text)
    ctl = own["controller"]
    assert ctl["controller"] == "CA" and ctl["kind"] == "suspected"
    assert "甲科技有限公司" in text and "疑似实际控制人 (suspected)" in text
    assert ctl["reason"] in text
    assert "乙制造有限公司" in text  # the other holder, in the holders table
    assert "30%" in r.text  # the stake as the edge label
    # offline: no script or stylesheet from the network; links to the other pages
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", r.text)
    assert 'href="/ui/paths/CP"' in r.text and 'href="/ui/network/CP"' in r.text


def test_ownership_page_marks_nominees_and_subsidiaries(api: TestClient, keys, bank) -> None:
    bank.console(
        "MATCH (cp:Company {id: 'CP'}) "
        "CREATE (:Company {id: 'HK', name: '香港中央结算（代理人）有限公司'})"
        "-[:HOLDS_SHARES {pct: 40.0}]->(cp) "
        "CREATE (cp)-[:HOLDS_SHARES {pct: 70.0}]->(:Company {id: 'CS', name: '丁子公司有限公司'})",
        allow_write=True,
    )
    r = api.get("/ui/ownership/CP", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    text = _text(r.text)
    # the nominee holds the most, yet never controls: CA is still the (suspected) controller
    assert "名义持有人 nominee" in text
    assert "甲科技有限公司" in _text(r.text.split('id="gx-controller-name"')[1][:200])
    assert "丁子公司有限公司" in text and "70.00%" in text


def test_paths_page_shows_what_the_api_shows(api: TestClient, keys) -> None:
    body = api.get("/api/v1/paths", params={"to": "CB"}, headers=auth(keys["rm_a"])).json()
    r = api.get("/ui/paths/CB", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    text = _text(r.text)
    assert body["paths"]
    for p in body["paths"]:
        assert p["introducer"] in text and p["channel"] in text and p["reason"] in text
        for h in p["hops"]:
            assert h["text"] in text
    assert body["reason"] in text


def test_rm_of_another_branch_sees_the_masked_paths(api: TestClient, keys) -> None:
    admin = api.get("/ui/paths/CB", headers=auth(keys["admin"])).text
    assert "李经理" in admin and B_PAYMENT in admin
    r = api.get("/ui/paths/CB", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    assert [s for s in (*B_SECRETS, B_PAYMENT) if s in r.text] == []
    assert "王经理" in _text(r.text)  # paths start at RM-A, branch A's own RM
    assert "masked: details outside your branch scope" in _text(r.text)


def test_paths_page_refuses_an_origin_outside_scope(api: TestClient, keys) -> None:
    r = api.get("/ui/paths/CB", params={"origin": "RM-B"}, headers=auth(keys["rm_a"]))
    assert r.status_code == 403
    assert "outside your branch scope" in _text(r.text)


def test_search_page_links_the_three_pages(api: TestClient) -> None:
    page = api.get("/ui/").text
    for part in ('"/ui/network/"', '"ownership"', '"paths"'):
        assert part in page
