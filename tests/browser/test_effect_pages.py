"""The effect pages in headless Chromium (issue #16): a campaign's statistics page shows
the funnel, the rates by channel with their intervals, the uplift, the observational
caution and the Kaplan–Meier curves as inline SVG, and the head-office page the
settlement matrix; nothing is fetched from outside."""

from __future__ import annotations

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from guanxi.graph.client import GraphClient
from tests.api.test_campaigns import MORE
from tests.browser.test_pages import app_shown, browser, server  # noqa: F401 - fixtures


def test_stats_and_overview_pages_render_offline(
    server: tuple[str, str],  # noqa: F811
    browser,  # noqa: ANN001, F811
    db: GraphClient,
) -> None:
    base, admin = server
    db.console(MORE, allow_write=True)
    hdr = {"Authorization": f"Bearer {admin}"}
    body = {"name": "页面测试", "owner_branch": "BA", "source": "ids", "id": "CMP-P",
            "ids": [f"T{i}" for i in range(10)], "control_share": 0.3, "seed": 3,
            "start": "2026-11-01", "end": "2027-01-31"}  # fmt: skip
    assert httpx.post(base + "/api/v1/campaigns", json=body, headers=hdr, timeout=60).is_success
    tasks = httpx.get(base + "/api/v1/tasks", params={"campaign": "CMP-P"}, headers=hdr).json()
    for i, t in enumerate(tasks[:3]):
        touch = {"task_id": t["id"], "at": f"2026-11-0{i + 2}T10:00:00+08:00",
                 "channel": "visit", "outcome": "converted" if i == 0 else "meeting"}  # fmt: skip
        assert httpx.post(base + "/api/v1/touches", json=touch, headers=hdr).is_success
    db.console("MATCH (t:Company {id: $c}), (p:Product {code: 'LOAN'}) CREATE (t)"
               "-[:HOLDS_PRODUCT {balance: 1.0e6, since: date('2026-11-02')}]->(p)",
               {"c": tasks[0]["company_id"]}, allow_write=True)  # fmt: skip
    assert httpx.post(base + "/api/v1/campaigns/CMP-P/conversions", headers=hdr).is_success
    assert httpx.post(base + "/api/v1/settlements/2026-11", headers=hdr).is_success

    wait = WebDriverWait(browser, 30)
    browser.get(base + "/ui/")
    browser.find_element(By.NAME, "key").send_keys(admin)
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    wait.until(app_shown)
    browser.get(base + "/ui/campaigns/CMP-P/stats")
    stage = browser.find_element(By.CSS_SELECTOR, "g.gx-stage[data-stage='touched']")
    assert stage.get_attribute("data-count") == "3"
    conv = browser.find_element(By.CSS_SELECTOR, "g.gx-stage[data-stage='converted']")
    assert conv.get_attribute("data-count") == "1"
    visit = browser.find_element(By.CSS_SELECTOR, "#gx-by-channel g.gx-rate[data-key='visit']")
    lo, rate, hi = (float(visit.get_attribute(f"data-{x}")) for x in ("low", "rate", "high"))
    assert lo < rate == 1 / 3 < hi
    assert browser.find_elements(By.CSS_SELECTOR, "#gx-uplift svg.gx-interval")
    assert "observational" in browser.find_element(By.ID, "gx-caution").text
    curves = browser.find_elements(By.CSS_SELECTOR, "polyline.gx-km")
    arms = {e.get_attribute("data-arm") for e in curves}
    assert "treatment" in arms
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")

    browser.get(base + "/ui/effects?month=2026-11")
    assert browser.find_element(By.ID, "gx-status").text == "open"
    cells = browser.find_elements(By.CSS_SELECTOR, "#gx-matrix td[data-cents]")
    assert sum(int(c.get_attribute("data-cents")) for c in cells) > 0
    assert "页面测试" in browser.find_element(By.ID, "gx-campaigns").text
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src^='http'], link[href^='http']")
