"""The pages in headless Chromium (Debian's chromium + chromium-driver, no downloads):
sign in, search, open an ego network, check its node count, click a node to expand it;
open an ownership tree (controller, chain, nominee, subsidiary) and the contact paths
(introducer of the highlighted path, switching paths, masking for another branch's RM)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from guanxi.access.users import UserStore
from guanxi.api.app import create_app
from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from tests.api.conftest import SEED

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def app_shown(driver) -> bool:
    """``#app`` is displayed; False while the sign-in re-renders the page (the element first
    found can go stale before it is asked, a flake under load)."""
    try:
        return driver.find_element(By.ID, "app").is_displayed()
    except StaleElementReferenceException:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(db: GraphClient, settings: Settings, tmp_path: Path) -> Iterator[tuple[str, str]]:
    db.console(SEED, allow_write=True)
    s = Settings(**{**settings.model_dump(), "users_file": tmp_path / "users.json"})
    key = UserStore(s).add("admin", "admin", "HO")
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(s), host="127.0.0.1", port=port, log_level="warning")
    )
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", key
    srv.should_exit = True
    t.join(10)


@pytest.fixture
def rm_a_key(server: tuple[str, str], settings: Settings, tmp_path: Path) -> str:
    """A key of an RM of branch BA, in the running server's users file."""
    s = Settings(**{**settings.model_dump(), "users_file": tmp_path / "users.json"})
    return UserStore(s).add("rm_a", "rm", "BA")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    if not Path(CHROMIUM).exists() or not Path(DRIVER).exists():
        pytest.fail(
            "Debian chromium and chromium-driver are required: `make setup` installs "
            "them (apt-get install chromium chromium-driver)",
            pytrace=False,
        )
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'chrome'}",
    ):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    yield drv
    drv.quit()


def test_search_open_network_and_expand(server: tuple[str, str], browser) -> None:
    base, key = server
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))

    def body_attr(name: str) -> str | None:
        return browser.find_element(By.TAG_NAME, "body").get_attribute(name)

    browser.get(base + "/ui/")
    browser.find_element(By.NAME, "key").send_keys(key)
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    wait.until(app_shown)
    browser.find_element(By.ID, "q").send_keys("有限公司")
    browser.find_element(By.ID, "go").click()
    wait.until(lambda d: body_attr("data-results") == "3")

    browser.get(base + "/ui/network/CP")
    wait.until(lambda d: body_attr("data-settled") == "1")
    # CP's depth-1 neighbourhood for an admin: CP, CA, CB
    assert body_attr("data-nodes") == "3"
    # no request left this machine: every script is inline
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")

    # click CA on the canvas: it expands to CA's neighbours (chairman, branch, RM, product)
    pos = browser.execute_script(
        "var p = network.getPositions(['CA'])['CA']; return network.canvasToDOM(p);"
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "#mynetwork canvas")
    rect = browser.execute_script("return arguments[0].getBoundingClientRect();", canvas)
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(
        int(rect["left"] + pos["x"]), int(rect["top"] + pos["y"])
    ).click()
    actions.perform()
    wait.until(lambda d: body_attr("data-expanded") == "CA")
    assert int(body_attr("data-nodes")) > 3


#: P-A (张三) holds 90% of CA, so P-A's bloc is CA's 30% of CP against CB's 15%: a relative
#: controller through CA; a nominee holds 40% of CP and never counts; CP holds 70% of CS.
OWNERSHIP = """
MATCH (pa:Person {id: 'P-A'}), (ca:Company {id: 'CA'}), (cp:Company {id: 'CP'}),
      (:Company {id: 'CB'})-[cb:HOLDS_SHARES]->(cp)
SET cb.pct = 15.0
CREATE (pa)-[:HOLDS_SHARES {pct: 90.0}]->(ca)
CREATE (:Company {id: 'HK', name: '香港中央结算（代理人）有限公司'})
       -[:HOLDS_SHARES {pct: 40.0}]->(cp)
CREATE (cp)-[:HOLDS_SHARES {pct: 70.0}]->(:Company {id: 'CS', name: '丁子公司有限公司'})
"""
RED = "#d62728"


def _sign_in(browser, base: str, key: str) -> None:
    browser.get(base + "/ui/")
    browser.find_element(By.NAME, "key").send_keys(key)
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    # the page swaps the login form for the app: an element may go stale while we look
    WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        app_shown
    )


def _drawn(browser) -> int:
    """How many pixels of the vis canvas are painted (0 for a blank canvas)."""
    return browser.execute_script(
        "var c = document.querySelector('#mynetwork canvas');"
        "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
        "for (var i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n;"
    )


def _settled(browser) -> None:
    WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-settled") == "1"
    )


def test_ownership_tree(server: tuple[str, str], browser, db: GraphClient) -> None:
    base, key = server
    db.console(OWNERSHIP, allow_write=True)
    _sign_in(browser, base, key)
    browser.get(base + "/ui/ownership/CP")
    _settled(browser)
    assert _drawn(browser) > 1000
    assert browser.find_element(By.ID, "gx-controller-name").text == "张三"
    assert browser.find_element(By.ID, "gx-controller-kind").text == "相对控股 (relative)"
    assert "控制表决权30.00%" in browser.find_element(By.ID, "gx-controller-reason").text
    assert "张三 → 甲科技有限公司 → 丙控股有限公司" in browser.find_element(By.ID, "gx-chain").text
    assert "张三" in browser.find_element(By.ID, "gx-owners").text  # 27% ≥ 25%
    assert "丁子公司有限公司" in browser.find_element(By.ID, "gx-subsidiaries").text
    graph = browser.execute_script(
        "return {nodes: nodes.get().map(n => [n.id, n.label]),"
        " red: edges.get().filter(e => e.color === arguments[0]).map(e => e.from + '>' + e.to)};",
        RED,
    )
    labels = dict(graph["nodes"])
    assert set(labels) == {"CP", "CA", "CB", "HK", "P-A", "CS"}
    assert "名义持有人 nominee" in labels["HK"] and "相对控股" in labels["P-A"]
    assert sorted(graph["red"]) == ["CA>CP", "P-A>CA"]  # the control chain
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")
    browser.find_element(By.LINK_TEXT, "contact paths 联络路径").click()
    _settled(browser)
    assert "/ui/paths/CP" in browser.current_url


def test_contact_paths_highlight_and_switch(server: tuple[str, str], browser) -> None:
    base, key = server
    _sign_in(browser, base, key)
    browser.get(base + "/ui/paths/CB?k=3")
    _settled(browser)
    assert _drawn(browser) > 1000
    body = browser.find_element(By.TAG_NAME, "body")
    assert body.get_attribute("data-selected-path") == "0"
    first = browser.find_element(By.CSS_SELECTOR, "#gx-path-0 .gx-introducer")
    assert first.is_displayed() and first.text == "RM 李经理 at branch 北京分行"

    def red_edges() -> list[str]:
        return browser.execute_script(
            "return edges.get().filter(e => e.color === arguments[0])"
            ".map(e => e.from + '>' + e.to);",
            RED,
        )

    assert red_edges() == ["RM-B>CB"]
    browser.find_element(By.CSS_SELECTOR, "button.gx-show[data-path='1']").click()
    assert body.get_attribute("data-selected-path") == "1"
    assert sorted(red_edges()) == ["P-B>CB", "RM-B>P-B"]


def test_contact_paths_of_another_branch_are_masked(
    server: tuple[str, str], browser, rm_a_key: str
) -> None:
    base, _ = server
    _sign_in(browser, base, rm_a_key)
    browser.get(base + "/ui/paths/CB")
    _settled(browser)
    assert _drawn(browser) > 1000
    intro = browser.find_element(By.CSS_SELECTOR, "#gx-path-0 .gx-introducer").text
    assert "王经理" in intro  # branch A's own RM
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "masked: details outside your branch scope" in text
    for secret in ("李经理", "北京分行", "RM-B", "¥700万"):
        assert secret not in browser.page_source
