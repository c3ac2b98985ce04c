"""The pages in headless Chromium (Debian's chromium + chromium-driver, no downloads):
sign in, search, open an ego network, check its node count, click a node to expand it."""

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

from guanxi.api.app import create_app
from guanxi.api.users import UserStore
from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from tests.api.conftest import SEED

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


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
    wait.until(lambda d: d.find_element(By.ID, "app").is_displayed())
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
