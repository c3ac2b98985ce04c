"""The contact-path index on disk: one folder per database, rewritten per graph version.

Building the index reads every party and relationship (36 s at 100k companies), which a
shell's ``guanxi paths`` and every API worker paid on their first call. The build is now
saved beside the data — ``<home>/path-index/<database key hash>/`` — as plain ``.npy``
arrays (opened memory-mapped, so processes on one machine share the pages through the
OS cache) and two Arrow columns (ids, names), with ``meta.json`` naming the graph version
and the day it was built. A process that finds the folder for the current version and
today's date loads it instead of building (the edge strengths decay with the days since
the last contact, so an index of another day is rebuilt).

Writes are atomic: a new version is written to a temporary folder and renamed over the
old one, so a reader never sees half an index. The folder holds bank-internal structure
(who knows whom, which companies are customers): it is created with mode 700, its files
600, like the audit log.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather

from guanxi.config import Settings
from guanxi.scoring.path_index import PathIndex

__all__ = ["index_dir", "save_index", "load_index", "FORMAT"]

log = logging.getLogger(__name__)

#: bumped whenever the files' layout changes; a folder of another format is rebuilt
FORMAT = 1

_ARRAYS = ("label", "nominee", "bank", "degree", "indptr", "indices", "strength")


def index_dir(settings: Settings) -> Path:
    """The folder of the saved index of ``settings``' database (its URI and name)."""
    return settings.home_dir / "path-index" / settings.database_digest


def _version_text(version: tuple[Any, ...]) -> str:
    return json.dumps(list(version), default=str)


def save_index(ix: PathIndex, folder: Path) -> None:
    """Write ``ix`` to ``folder`` atomically (a temporary sibling renamed over it)."""
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        for name in _ARRAYS:
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(getattr(ix, name)))
        kc = [(c, p, s) for c, row in ix.key_contacts.items() for p, s in row.items()]
        kc_arr = np.array(kc, dtype=np.float64).reshape(-1, 3)
        np.save(tmp / "key_contacts.npy", kc_arr)
        table = pa.table({"id": pa.array(ix.ids, pa.string()), "name": pa.array(ix.name)})
        feather.write_feather(table, tmp / "parties.arrow", compression="uncompressed")
        meta = {
            "format": FORMAT,
            "version": _version_text(ix.version),
            "built_at": ix.built_at.isoformat(),
            "parties": len(ix),
        }
        (tmp / "meta.json").write_text(json.dumps(meta))
        for f in tmp.iterdir():
            f.chmod(0o600)
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            shutil.rmtree(old, ignore_errors=True)
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as e:  # a full or read-only disk costs the next process a build, no more
        log.warning("contact-path index not saved to %s: %s", folder, e)
        shutil.rmtree(tmp, ignore_errors=True)


def load_index(
    folder: Path, version: tuple[Any, ...], today: date | None = None
) -> PathIndex | None:
    """The index saved in ``folder`` when it is of ``version``, built ``today`` and of this
    :data:`FORMAT`; ``None`` otherwise (or when unreadable: the caller builds)."""
    today = today or date.today()
    try:
        meta = json.loads((folder / "meta.json").read_text())
        if (
            meta.get("format") != FORMAT
            or meta.get("version") != _version_text(version)
            or meta.get("built_at") != today.isoformat()
        ):
            return None
        arrays = {n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in _ARRAYS}
        table = feather.read_table(folder / "parties.arrow", memory_map=True)
        kc_arr = np.load(folder / "key_contacts.npy")
    except (OSError, ValueError, KeyError) as e:
        log.info("contact-path index in %s not usable (%s): building", folder, e)
        return None
    ids = table.column("id").to_pylist()
    key_contacts: dict[int, dict[int, float]] = {}
    for c, p, s in kc_arr.tolist():
        key_contacts.setdefault(int(c), {})[int(p)] = s
    return PathIndex(
        version=version,
        ids=ids,
        pos={x: i for i, x in enumerate(ids)},
        name=table.column("name").to_pylist(),
        key_contacts=key_contacts,
        built_at=today,
        **arrays,
    )
