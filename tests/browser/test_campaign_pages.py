"""The campaign pages in headless Chromium: an RM's task page lists their tasks with the
recommended approach, a touch logged through its form appears on the campaign page (its
task's touch count and the funnel's "touched" bar), and nothing is fetched from outside."""

from __future__ import annotations

import httpx
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from guanxi.graph.client import GraphClient
from tests.api.test_campaigns import MORE
from tests.browser.test_pages import app_shown, browser, rm_a_key, server  # noqa: F401 - fixtures


def test_task_page_logs_a_touch_seen_on_the_campaign_page(
    server: tuple[str, str],  # noqa: F811
    rm_a_key: str,  # noqa: F811
    browser,  # noqa: ANN001, F811
    db: GraphClient,
) -> None:
    base, admin = server
    db.console(MORE, allow_write=True)
    body = {"name": "浏览器测试", "owner_branch": "BA", "source": "ids", "id": "CMP-B",
            "ids": [f"T{i}" for i in range(10)], "control_share": 0.2, "capacity": 5}  # fmt: skip
    hdr = {"Authorization": f"Bearer {admin}"}
    r = httpx.post(base + "/api/v1/campaigns", json=body, headers=hdr, timeout=60)
    assert r.status_code == 201, r.text
    mine = httpx.get(base + "/api/v1/tasks", params={"rm": "RM-A"}, headers=hdr).json()
    assert mine

    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))
    browser.get(base + "/ui/")
    browser.find_element(By.NAME, "key").send_keys(rm_a_key)
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    wait.until(app_shown)
    browser.get(base + "/ui/tasks")
    shown = [e.get_attribute("data-task") for e in browser.find_elements(By.CSS_SELECTOR, ".task")]
    assert sorted(shown) == sorted(t["id"] for t in mine)  # RM-A's tasks, only theirs
    assert "path" in browser.find_element(By.ID, "gx-tasks").text
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")

    task = mine[0]["id"]
    Select(browser.find_element(By.ID, "gx-task")).select_by_value(task)
    Select(browser.find_element(By.NAME, "outcome")).select_by_value("meeting")
    browser.find_element(By.NAME, "note").send_keys("visited")
    browser.find_element(By.ID, "gx-log").click()
    body_el = browser.find_element(By.TAG_NAME, "body")
    wait.until(lambda d: body_el.get_attribute("data-logged") is not None)
    assert body_el.get_attribute("data-logged") == "1", browser.find_element(
        By.ID, "gx-result"
    ).text

    browser.get(base + "/ui/campaigns/CMP-B")
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-task='{task}'] .gx-touches")
    assert row.text == "1"
    bar = browser.find_element(By.CSS_SELECTOR, "g.gx-stage[data-stage='touched']")
    assert bar.get_attribute("data-count") == "1"
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")
