"""``GET /api/v1/methods``: every scorer's self-description, for any authenticated user."""

import json

from fastapi.testclient import TestClient

from guanxi.scoring import SCORERS
from tests.api.conftest import auth

NAMES = {
    "centrality",
    "intimacy",
    "key_contacts",
    "contact_paths",
    "ownership",
    "groups",
    "circles",
    "risk",
}


def test_methods_need_a_key(api: TestClient) -> None:
    assert api.get("/api/v1/methods").status_code == 401
    assert api.get("/api/v1/methods", headers=auth("gx_nope")).status_code == 401


def test_every_role_sees_every_scorer(api: TestClient, keys: dict[str, str]) -> None:
    for key in keys.values():  # rm, analyst, admin
        r = api.get("/api/v1/methods", headers=auth(key))
        assert r.status_code == 200
        body = r.json()
        assert {m["name"] for m in body} == NAMES
        assert all(set(m) == {"name", "method", "config", "result"} for m in body)
        assert all(m["method"] and m["result"] for m in body)


def test_methods_are_the_scorers_own_descriptions(api: TestClient, keys: dict[str, str]) -> None:
    body = api.get("/api/v1/methods", headers=auth(keys["rm_a"])).json()
    assert [m["name"] for m in body] == [info.name for info in SCORERS]
    for m, info in zip(body, SCORERS, strict=True):
        assert m == {
            "name": info.name,
            "method": info.method,
            "config": json.loads(json.dumps(info.config)),
            "result": info.result,
        }
    by_name = {m["name"]: m for m in body}
    assert by_name["intimacy"]["config"]["hop_discount"] == 0.5
    assert by_name["ownership"]["config"]["beneficial_threshold"] == 25.0
