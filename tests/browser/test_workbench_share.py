"""The workbench's large shared views and edge width by intimacy (issue 23), in headless
Chromium: a view of 2,000 ids travels deflated in the URL's fragment (`#v=`) and opens with
what the reader may not see left out and counted; the share button writes that form once
the plain query string would be long, and the reader of another branch reopening it sees
RM-A left out. Width by intimacy draws the scored INTIMACY of the two ends where present,
else the recorded strength, and the legend says how many of each."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

from selenium.webdriver.support.ui import Select

from guanxi.graph.client import GraphClient
from tests.browser.test_pages import browser, server  # noqa: F401 - fixtures
from tests.browser.test_workbench import _body, _open_workbench, rm_b_key  # noqa: F401

#: 200 public companies with long ids: their plain URL passes 2,000 characters
MANY = (
    "UNWIND range(1, 200) AS i CREATE (:Company {id: 'CX-LONG-IDENTIFIER-' + toString(1000 + i)})"
)
IDS = [f"CX-LONG-IDENTIFIER-{1000 + i}" for i in range(1, 201)]


def _fragment(view: dict) -> str:
    z = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as CompressionStream writes
    data = z.compress(json.dumps(view).encode()) + z.flush()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _view(url: str) -> dict:
    text = url.split("#v=", 1)[1]
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return json.loads(zlib.decompress(raw, -15))


def test_large_view_is_shared_in_the_fragment_and_rechecked(
    server: tuple[str, str],  # noqa: F811
    rm_b_key: str,  # noqa: F811
    browser,  # noqa: ANN001, F811
    db: GraphClient,
    tmp_path: Path,
) -> None:
    base, admin = server
    db.console(MANY, allow_write=True)
    # a hand-made link of 2,000 ids: 3 real parties and 1,997 that do not exist
    ids = ["CA", "P-A", "RM-A", *(f"NOPE-{i:05d}" for i in range(1997))]
    view = {"v": 1, "n": ids, "l": "force", "c": "label", "s": "none", "w": "stake",
            "hl": [], "ht": [], "m": 0, "lang": "en"}  # fmt: skip
    wait = _open_workbench(browser, base, admin, "#v=" + _fragment(view))
    assert _body(browser, "data-nodes") == "3" and _body(browser, "data-missing") == "1997"
    assert _body(browser, "data-lang") == "en"

    # the share button: a long view goes deflated in the fragment, and reopens the same
    browser.execute_script("WB.act.openIds(arguments[0])", IDS)
    wait.until(lambda d: _body(d, "data-nodes") == "203")
    edges = _body(browser, "data-edges")
    browser.find_element("id", "wb-share").click()
    wait.until(lambda d: _body(d, "data-share"))
    url = _body(browser, "data-share")
    assert "#v=" in url and "?n=" not in url
    shared = _view(url)
    assert sorted(shared["n"]) == sorted(["CA", "P-A", "RM-A", *IDS])
    assert len(url) < len(",".join(shared["n"]))  # shorter than the ids alone
    browser.get(base + "/ui/")
    browser.get(url)
    wait.until(lambda d: _body(d, "data-ready") == "1")
    assert _body(browser, "data-nodes") == "203" and _body(browser, "data-edges") == edges

    # an RM of branch BB opening it: RM-A (branch BA's) left out and counted, never shown
    browser.delete_all_cookies()
    wait = _open_workbench(browser, base, rm_b_key, "#v=" + url.split("#v=", 1)[1])
    assert _body(browser, "data-nodes") == "202" and _body(browser, "data-missing") == "1"
    assert "RM-A" not in browser.execute_script("return WB.nodes.getIds()")


def test_width_by_intimacy_prefers_the_scored_intimacy(
    server: tuple[str, str],  # noqa: F811
    browser,  # noqa: ANN001, F811
    db: GraphClient,
) -> None:
    base, admin = server
    # RM-A knows P-A (recorded strength 0.9) and the scorer wrote 0.3 for the pair;
    # RM-B knows P-B (recorded 0.8), not scored
    db.console(
        "MATCH (r:RelationshipManager {id: 'RM-A'}), (p:Person {id: 'P-A'}) "
        "CREATE (r)-[:INTIMACY {score: 0.3, run_id: 't'}]->(p)",
        allow_write=True,
    )
    wait = _open_workbench(browser, base, admin, "?n=RM-A,P-A,RM-B,P-B&w=intimacy")
    wait.until(lambda d: _body(d, "data-edges") == "2")
    width = browser.execute_script(
        "var w = {}; WB.edges.forEach(function (e) { w[e.id] = e.width; }); return w;"
    )
    assert width["RM-A>KNOWS>P-A"] == 1 + 7 * 0.3  # scored, not the recorded 0.9
    assert width["RM-B>KNOWS>P-B"] == 1 + 7 * 0.8  # recorded: no score for the pair
    legend = browser.find_element("id", "wb-legend-width")
    assert legend.get_attribute("data-scored") == "1"
    assert legend.get_attribute("data-recorded") == "1"
    assert "1 条按亲密度评分" in legend.text and "1 条按记录的关系强度" in legend.text
    # by stake the same edges are drawn thin (no stake): the legend says nothing of intimacy
    Select(browser.find_element("id", "wb-width")).select_by_value("stake")
    wait.until(
        lambda d: d.find_element("id", "wb-legend-width").get_attribute("data-scored") is None
    )
