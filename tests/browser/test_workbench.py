"""The network workbench in headless Chromium at 1280x800, driven as a person would: search
"科技", open the company, expand its shareholders (the count is on the button), select a
person and read the intimacy evidence, start a path there and select a second node (the
path is highlighted), export a PNG (of the canvas's size) and a CSV (a row per visible
element), reopen the shared URL, hide with Delete and undo, switch to English; an RM of
another branch reopening the same URL sees what is outside their scope left out or masked.
Screenshots of each step are kept under ``tmp/artefacts/workbench/`` (or
``$GUANXI_ARTEFACTS``)."""

from __future__ import annotations

import csv
import os
import re
import struct
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from guanxi.access.users import UserStore
from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from tests.browser.test_pages import _sign_in, browser, server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = Path(os.environ.get("GUANXI_ARTEFACTS", ROOT / "tmp" / "artefacts")) / "workbench"
#: P-A (张三, CA's chairman) holds 90% of CA, a second person 10%: CA's two shareholders
HOLDERS = """
MATCH (pa:Person {id: 'P-A'}), (ca:Company {id: 'CA'})
CREATE (pa)-[:HOLDS_SHARES {pct: 90.0}]->(ca)
CREATE (:Person {id: 'P-C', name: '王五'})-[:HOLDS_SHARES {pct: 10.0}]->(ca)
"""
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def rm_b_key(server: tuple[str, str], settings: Settings, tmp_path: Path) -> str:  # noqa: F811
    """A key of an RM of branch BB (CA, RM-A and their facts are branch BA's)."""
    s = Settings(**{**settings.model_dump(), "users_file": tmp_path / "users.json"})
    return UserStore(s).add("rm_b", "rm", "BB")


def _body(drv, name: str) -> str | None:  # noqa: ANN001
    """An attribute of the current document's body, read in the page: no element handle
    that a navigation can leave behind (Chrome 156 reported one as "Node with given id does
    not belong to the document", a WebDriverException the waits do not ignore)."""
    return drv.execute_script(
        "return document.body ? document.body.getAttribute(arguments[0]) : null", name
    )


def _shot(drv, name: str) -> None:  # noqa: ANN001
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    drv.save_screenshot(str(ARTEFACTS / f"{name}.png"))


def _click_node(drv, node_id: str) -> None:  # noqa: ANN001
    """Click the node where the canvas draws it (the layout settles first)."""
    WebDriverWait(drv, 20).until(lambda d: _body(d, "data-settled") == "1")
    pos = drv.execute_script(
        "var p = network.getPositions([arguments[0]])[arguments[0]];return network.canvasToDOM(p);",
        node_id,
    )
    canvas = drv.find_element(By.CSS_SELECTOR, "#wb-canvas canvas")
    rect = drv.execute_script("return arguments[0].getBoundingClientRect();", canvas)
    actions = ActionBuilder(drv)
    actions.pointer_action.move_to_location(
        int(rect["left"] + pos["x"]), int(rect["top"] + pos["y"])
    ).click()
    actions.perform()


def _open_workbench(drv, base: str, key: str, query: str = "") -> WebDriverWait:  # noqa: ANN001
    _sign_in(drv, base, key)
    drv.set_window_size(1280, 800)
    drv.get(base + "/ui/workbench" + query)
    wait = WebDriverWait(drv, 30, ignored_exceptions=(StaleElementReferenceException,))
    wait.until(lambda d: _body(d, "data-ready") == "1")
    return wait


def _download(folder: Path, suffix: str, timeout: float = 20) -> Path:
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file arrived in {folder}: {list(folder.iterdir())}")


def test_workbench_as_a_person_uses_it(
    server: tuple[str, str],  # noqa: F811
    browser,  # noqa: ANN001, F811
    db: GraphClient,
    tmp_path: Path,
) -> None:
    base, admin = server
    db.console(HOLDERS, allow_write=True)
    wait = _open_workbench(browser, base, admin)
    assert browser.execute_script("return [innerWidth, innerHeight]")[0] <= 1280
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")
    assert browser.find_element(By.ID, "wb-lang").text == "English"  # Chinese by default

    # `/` focuses the search box; results come while typing
    browser.find_element(By.TAG_NAME, "body").send_keys("/")
    assert browser.switch_to.active_element.get_attribute("id") == "wb-q"
    browser.switch_to.active_element.send_keys("科技")
    wait.until(lambda d: _body(d, "data-results") == "1")
    hit = browser.find_element(By.CSS_SELECTOR, "#wb-results li[data-id]")
    assert hit.get_attribute("data-id") == "CA" and "甲科技有限公司" in hit.text
    _shot(browser, "01-search")
    hit.click()
    wait.until(lambda d: d.find_element(By.ID, "wb-panel").get_attribute("data-node") == "CA")
    assert _body(browser, "data-nodes") == "1"

    # the counts before expanding: CA's shareholders, 2, inward
    button = wait.until(
        lambda d: d.find_element(By.CSS_SELECTOR, "button[data-type='HOLDS_SHARES'][data-dir='in']")
    )
    assert button.get_attribute("data-count") == "2" and button.text.endswith("← 2")
    _shot(browser, "02-open")
    button.click()
    wait.until(lambda d: _body(d, "data-expanded") == "CA:HOLDS_SHARES:in")
    assert _body(browser, "data-nodes") == "3"
    _shot(browser, "03-expand")

    # the person: profile, and the intimacy evidence with CA in the panel
    _click_node(browser, "P-A")
    wait.until(lambda d: d.find_element(By.ID, "wb-panel").get_attribute("data-evidence"))
    lines = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#wb-panel .wb-evidence li")]
    assert any("90" in x for x in lines), lines  # the 90% shareholding is evidence
    assert "13800000001" in browser.find_element(By.ID, "wb-panel").text  # admin: not masked
    _shot(browser, "04-evidence")

    # a path: open CP as a second starting node, then P-A → CP
    box = browser.find_element(By.ID, "wb-q")
    box.clear()
    box.send_keys("丙控股")
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#wb-results li[data-id='CP']"))
    browser.find_element(By.CSS_SELECTOR, "#wb-results li[data-id='CP']").click()
    wait.until(lambda d: _body(d, "data-nodes") == "4")
    _click_node(browser, "P-A")
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "button[data-act='path-from']")).click()
    _click_node(browser, "CP")
    wait.until(lambda d: _body(d, "data-path") == "P-A>CA>CP")
    assert _body(browser, "data-path-edges") == "2"
    red = browser.execute_script(
        "return WB.edges.get().filter(e => e.color && e.color.color === WB.HIGHLIGHT).length"
    )
    assert red == 2
    _shot(browser, "05-path")

    # exports: a PNG of the canvas's size, a CSV row per visible node and relationship
    dl = tmp_path / "downloads"
    dl.mkdir()
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(dl)}
    )
    browser.find_element(By.ID, "wb-png").click()
    png = _download(dl, ".png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", png[16:24])
    size = browser.execute_script(
        "var c = document.querySelector('#wb-canvas canvas'); return [c.width, c.height];"
    )
    assert [w, h] == size and w > 400 and h > 300
    browser.find_element(By.ID, "wb-csv").click()
    with _download(dl, ".csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    n_nodes, n_edges = int(_body(browser, "data-nodes")), int(_body(browser, "data-edges"))
    assert len(rows) == n_nodes + n_edges
    assert sum(r["kind"] == "node" for r in rows) == n_nodes == 4
    assert {r["id"] for r in rows if r["kind"] == "node"} == {"CA", "CP", "P-A", "P-C"}

    # the shared URL reopens the same view
    browser.find_element(By.ID, "wb-share").click()
    url = _body(browser, "data-share")
    assert url and "n=" in url
    browser.get(url)
    wait.until(lambda d: _body(d, "data-ready") == "1")
    assert _body(browser, "data-nodes") == "4" and _body(browser, "data-edges") == str(n_edges)
    _shot(browser, "06-shared")

    # Delete hides the selection, undo brings it back; Esc clears the selection
    _click_node(browser, "P-C")
    wait.until(lambda d: d.find_element(By.ID, "wb-panel").get_attribute("data-node") == "P-C")
    ActionChains(browser).send_keys(Keys.DELETE).perform()
    wait.until(lambda d: _body(d, "data-nodes") == "3")
    browser.find_element(By.ID, "wb-undo").click()
    wait.until(lambda d: _body(d, "data-nodes") == "4")
    _click_node(browser, "CA")
    wait.until(lambda d: d.find_element(By.ID, "wb-panel").get_attribute("data-node") == "CA")
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait.until(lambda d: d.find_element(By.ID, "wb-panel").get_attribute("data-node") is None)

    # style by rule: the legend follows the colour rule over what is shown
    Select(browser.find_element(By.ID, "wb-colour")).select_by_value("risk")
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#wb-legend [data-legend='none']"))
    assert browser.find_element(By.ID, "wb-legend").get_attribute("data-entries") == "1"
    Select(browser.find_element(By.ID, "wb-colour")).select_by_value("label")
    wait.until(lambda d: d.find_element(By.ID, "wb-legend").get_attribute("data-entries") == "2")

    # the ownership view on the same canvas: P-A's 90% makes it CA's actual controller
    _click_node(browser, "CA")
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "button[data-act='ownership']")).click()
    wait.until(lambda d: _body(d, "data-controller") == "P-A")
    assert browser.find_element(By.ID, "wb-layout").get_attribute("value") == "hier"
    assert "张三（绝对控股）" in browser.find_element(By.ID, "wb-status").text
    _shot(browser, "06b-ownership")

    # English: every word of the interface in one language (the switch names the other one)
    browser.find_element(By.ID, "wb-lang").click()
    wait.until(lambda d: _body(d, "data-lang") == "en")
    assert browser.find_element(By.ID, "wb-lang").text == "中文"
    shown = browser.find_elements(By.CSS_SELECTOR, "[data-i18n]:not(#wb-lang)")
    words = [e.text for e in shown if e.text]
    assert len(words) > 20 and not [x for x in words if CJK.search(x)]
    legend = browser.find_element(By.ID, "wb-legend").text
    assert "Company" in legend and "Person" in legend and not CJK.search(legend)
    _shot(browser, "07-english")


def test_rm_of_another_branch_sees_masked_items_masked(
    server: tuple[str, str],  # noqa: F811
    rm_b_key: str,
    browser,  # noqa: ANN001, F811
    db: GraphClient,
) -> None:
    base, _ = server
    db.console(HOLDERS, allow_write=True)
    # a view shared by someone of branch BA: RM-A (BA's RM) and BA1 are outside BB's scope
    wait = _open_workbench(browser, base, rm_b_key, "?n=CA,P-A,RM-A,BA1,CP")
    assert _body(browser, "data-missing") == "2"
    assert _body(browser, "data-nodes") == "3"
    assert "2" in browser.find_element(By.ID, "wb-status").text
    ids = browser.execute_script("return WB.nodes.getIds()")
    assert sorted(ids) == ["CA", "CP", "P-A"]
    # CA's bank relationships (BA1's customer, RM-A manages it, its products) are not counted
    _click_node(browser, "CA")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#wb-panel .wb-counts button"))
    types = {
        b.get_attribute("data-type")
        for b in browser.find_elements(By.CSS_SELECTOR, "#wb-panel .wb-counts button")
    }
    assert types == {"HOLDS_SHARES", "SERVES_AS"}
    # the person's phone is shown as masked, never its value
    _click_node(browser, "P-A")
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#wb-panel tr[data-masked='phone']"))
    panel = browser.find_element(By.ID, "wb-panel").text
    assert "13800000001" not in panel and "已屏蔽" in panel
    # the intimacy evidence through RM-A (BA's RM) is counted, not shown
    wait.until(lambda d: d.find_element(By.ID, "wb-panel").get_attribute("data-evidence"))
    masked = browser.find_element(By.CSS_SELECTOR, "#wb-panel li[data-masked='evidence']")
    assert masked.text.startswith("1 条证据") and "王经理" not in panel
    _shot(browser, "08-other-branch-masked")
