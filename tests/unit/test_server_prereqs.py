from pathlib import Path

import pytest

from guanxi.config import Settings
from guanxi.errors import ConfigError
from guanxi.graph import server as server_mod
from guanxi.graph.server import LocalServer


def _settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(home=tmp_path / "home", neo4j_dist=tmp_path / "dist", **kw)


def test_missing_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(server_mod.shutil, "which", lambda _name: None)
    with pytest.raises(ConfigError, match="Java not found"):
        LocalServer(_settings(tmp_path)).java()


def test_missing_maven_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_mod.shutil, "which", lambda _name: None)
    with pytest.raises(ConfigError, match="Maven not found"):
        LocalServer(_settings(tmp_path)).ensure_dist()


def test_external_uri_means_no_local_server(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NEO4J_URI is set"):
        LocalServer(_settings(tmp_path, neo4j_uri="bolt://db.example:7687"))


def test_conf_binds_loopback_and_password_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    srv = LocalServer(_settings(tmp_path, bolt_port=17687, http_port=17474))
    conf = srv.write_conf().read_text()
    assert "server.bolt.listen_address=127.0.0.1:17687" in conf
    assert "server.http.listen_address=127.0.0.1:17474" in conf
    assert "server.default_listen_address=127.0.0.1" in conf
    monkeypatch.setattr(srv, "_admin", lambda args: None)
    pw = srv.ensure_password()
    assert len(pw) >= 24
    assert (srv.password_file.stat().st_mode & 0o777) == 0o600
    assert srv.ensure_password() == pw  # stable across calls
