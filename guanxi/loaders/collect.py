"""Finding and reading the input files of a load, with or without a mapping.

Without a mapping a path is a canonical file (its stem names the family:
``companies.csv``, ``persons.parquet``, ``shareholdings.xlsx``) or a folder: with
``manifest.json`` its ``files`` map families to files, otherwise every canonical file
present is taken. With a mapping, each table's ``file`` glob is matched inside the folders
given, or against the files given.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from guanxi.errors import InvalidData, RowError
from guanxi.loaders.families import FAMILIES, ORDER, family_for_name
from guanxi.loaders.mapping import Mapping, apply_table
from guanxi.loaders.merge import CONFLICTS
from guanxi.loaders.readers import read_table
from guanxi.loaders.validation import FILE

__all__ = ["collect_frames", "canonical_files"]

log = logging.getLogger(__name__)

_SUFFIXES = (".csv", ".parquet", ".xlsx")


def canonical_files(folder: Path) -> tuple[dict[str, Path], str]:
    """Family → file of a canonical folder, and the source name (manifest ``source``)."""
    manifest = folder / "manifest.json"
    if manifest.exists():
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        files = {k: folder / v for k, v in (meta.get("files") or {}).items() if k in FAMILIES}
        return files, str(meta.get("source") or folder.name)
    found = {}
    for name in ORDER:
        for suffix in _SUFFIXES:
            if (folder / f"{name}{suffix}").exists():
                found[name] = folder / f"{name}{suffix}"
                break
    return found, folder.name


def _read(path: Path, label: str, errors: list[RowError], **options: object) -> pd.DataFrame | None:
    try:
        df = read_table(path, name=label, **options)
    except InvalidData as e:
        errors.extend(e.errors)
        return None
    except (OSError, ValueError) as e:
        errors.append(RowError(label, None, None, None, f"cannot read: {e}"))
        return None
    df[FILE] = label
    return df


def _unmapped(paths: list[Path], frames: dict, errors: list[RowError]) -> str:
    source = "files"
    for path in paths:
        if path.is_dir():
            files, source = canonical_files(path)
            if not files:
                errors.append(RowError(path.name, None, None, None, "no canonical files found"))
        else:
            fam = family_for_name(path.name)
            if fam is None:
                errors.append(RowError(path.name, None, None, path.name,
                                       "cannot tell the family from the file name "
                                       f"(expected one of {', '.join(ORDER)}; or use --mapping)"))  # fmt: skip  # noqa: E501
                continue
            files = {fam.name: path}
        for name, file in files.items():
            if not file.exists():
                errors.append(RowError(file.name, None, None, None, "file named in manifest.json is missing"))  # fmt: skip  # noqa: E501
                continue
            df = _read(file, file.name, errors)
            if df is not None:
                frames.setdefault(name, []).append(df)
    return source


def _mapped(paths: list[Path], mapping: Mapping, frames: dict, errors: list[RowError]) -> str:
    seen: set[int] = set()
    for path in paths:
        candidates = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for file in candidates:
            raw: pd.DataFrame | None = None
            for table in mapping.tables_for(file):
                seen.add(id(table))
                label = f"{mapping.source}/{file.name}"
                if raw is None:
                    raw = _read(file, label, errors, **table.read)
                    if raw is None:
                        break
                df = apply_table(table, raw)
                df[FILE] = label
                df[CONFLICTS] = table.conflicts
                frames.setdefault(table.family, []).append(df)
    for table in mapping.tables:
        if id(table) not in seen and not table.optional:
            errors.append(RowError(table.file, None, None, None,
                                   f"no input file matches mapping table {table.file!r}"))  # fmt: skip  # noqa: E501
    return mapping.source


def collect_frames(
    paths: list[Path], mapping: Mapping | None
) -> tuple[dict[str, list[pd.DataFrame]], list[RowError], str]:
    """Read every input as canonical string frames (family → frames with ``_file`` and
    ``_row``). Returns the frames, the read errors (undecodable bytes, unknown files) and
    the source name for provenance."""
    frames: dict[str, list[pd.DataFrame]] = {}
    errors: list[RowError] = []
    for p in paths:
        if not p.exists():
            raise InvalidData(f"No such file or folder: {p}", [RowError(str(p), None, None, None, "not found")])  # fmt: skip  # noqa: E501
    if mapping is None:
        source = _unmapped(paths, frames, errors)
    else:
        source = _mapped(paths, mapping, frames, errors)
    log.info("collected %s", {k: sum(len(d) for d in v) for k, v in frames.items()})
    return frames, errors, source
