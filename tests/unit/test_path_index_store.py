"""The contact-path index on disk: what is saved is what is loaded, for its version and day
only, written atomically with private modes (guanxi/scoring/path_index_store.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from guanxi.config import Settings
from guanxi.scoring.path_index_store import index_dir, load_index, save_index
from guanxi.scoring.path_search import PathConfig
from guanxi.scoring.path_search import search as fast_search
from tests.unit.test_scoring_paths import bank_index

DAY = date(2024, 1, 1)


def _saved(tmp_path: Path):
    ix = bank_index(key_contacts=[("T", "P", 0.9), ("T", "Q", 0.4)])
    ix.version = ("stamp-7", 5, 6)
    settings = Settings(_env_file=None, home=tmp_path, bolt_port=7688, neo4j_uri=None)
    folder = index_dir(settings)
    assert folder.parent == tmp_path.resolve() / "path-index" and "7688" not in folder.name
    save_index(ix, folder)
    return ix, folder


def test_a_saved_index_loads_equal_and_searches_the_same(tmp_path: Path) -> None:
    ix, folder = _saved(tmp_path)
    back = load_index(folder, ("stamp-7", 5, 6), today=DAY)
    assert back is not None
    assert back.ids == ix.ids and back.pos == ix.pos and back.name == ix.name
    for a in ("label", "nominee", "bank", "degree", "indptr", "indices", "strength"):
        assert np.array_equal(getattr(back, a), getattr(ix, a)), a
    assert back.key_contacts == ix.key_contacts and back.key_contacts
    cfg = PathConfig()
    ours = fast_search(back, "T", None, 5, cfg)
    assert [p.nodes for p in ours] == [p.nodes for p in fast_search(ix, "T", None, 5, cfg)]
    assert ours  # rm → P → T at least


def test_another_version_day_or_format_is_not_loaded(tmp_path: Path) -> None:
    _, folder = _saved(tmp_path)
    assert load_index(folder, ("stamp-8", 5, 6), today=DAY) is None
    assert load_index(folder, ("stamp-7", 5, 6), today=date(2024, 1, 2)) is None
    meta = folder / "meta.json"
    meta.write_text(meta.read_text().replace('"format": 1', '"format": 0'))
    assert load_index(folder, ("stamp-7", 5, 6), today=DAY) is None
    meta.write_text("{not json")
    assert load_index(folder, ("stamp-7", 5, 6), today=DAY) is None
    assert load_index(tmp_path / "nothing", ("stamp-7", 5, 6), today=DAY) is None


def test_files_are_private_and_a_resave_replaces_the_folder(tmp_path: Path) -> None:
    ix, folder = _saved(tmp_path)
    assert {f.stat().st_mode & 0o777 for f in folder.iterdir()} == {0o600}
    ix.version = ("stamp-9", 5, 6)
    save_index(ix, folder)
    assert load_index(folder, ("stamp-9", 5, 6), today=DAY) is not None
    assert load_index(folder, ("stamp-7", 5, 6), today=DAY) is None
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temp left
