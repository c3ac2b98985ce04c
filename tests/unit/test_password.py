from pathlib import Path

import pytest

from guanxi.config import Settings
from guanxi.graph.server import LocalServer


def test_generated_passwords_never_look_like_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(200):
        srv = LocalServer(Settings(home=tmp_path / str(i), neo4j_dist=tmp_path / "dist"))
        monkeypatch.setattr(srv, "_admin", lambda args: None)
        pw = srv.ensure_password()
        assert not pw.startswith("-")
        assert pw.isalnum()
