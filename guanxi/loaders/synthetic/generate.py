"""Orchestration: run the stages, hold out edges, write the files, manifest and truth."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from guanxi.errors import ConfigError, GuanxiError
from guanxi.loaders.synthetic import catalog as cat
from guanxi.loaders.synthetic.bank import build_branches, build_customers, build_product_holdings
from guanxi.loaders.synthetic.companies import build_attributes, build_structure
from guanxi.loaders.synthetic.holdout import hold_out
from guanxi.loaders.synthetic.identity import label_companies
from guanxi.loaders.synthetic.opportunities import plant_opportunities
from guanxi.loaders.synthetic.output import FILES, canonical_frames, relationship_counts, write_csv
from guanxi.loaders.synthetic.ownership import build_ownership
from guanxi.loaders.synthetic.people import build_positions, decision_makers
from guanxi.loaders.synthetic.staff import build_contacts, build_rms
from guanxi.loaders.synthetic.trade import (
    CHAIN_ROLES,
    build_guarantees,
    build_payments,
    build_supply,
)
from guanxi.loaders.synthetic.world import MIN_COMPANIES, GeneratorConfig, World

__all__ = ["generate", "generate_world", "GenerationResult", "Progress"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` before each stage."""

_STAGES = (
    ("companies", lambda w: (build_structure(w), build_attributes(w), label_companies(w))),
    ("ownership", build_ownership),
    ("positions", build_positions),
    ("supply chains", build_supply),
    ("payments", build_payments),
    ("guarantees", build_guarantees),
    ("bank", lambda w: (build_branches(w), build_customers(w), build_product_holdings(w))),
    ("relationship managers", build_rms),
)


@dataclass(frozen=True)
class GenerationResult:
    """What :func:`generate` wrote: the folder, the manifest, rows per file, seconds."""

    out: Path
    manifest: dict
    rows: dict[str, int]
    elapsed: float


def generate_world(cfg: GeneratorConfig, progress: Progress | None = None) -> World:
    """Run every generation stage in memory (no files), including the hold-out."""
    if cfg.companies < MIN_COMPANIES:
        raise ConfigError(f"--companies must be at least {MIN_COMPANIES}, got {cfg.companies}")
    w = World(cfg)
    total = len(_STAGES) + 3
    for i, (name, stage) in enumerate(_STAGES):
        if progress:
            progress(name, i, total)
        t0 = time.perf_counter()
        stage(w)
        log.debug("stage %s: %.2fs", name, time.perf_counter() - t0)
    if progress:
        progress("contacts", len(_STAGES), total)
    dms = decision_makers(w)
    build_contacts(w, dms)
    if progress:
        progress("held-out edges", len(_STAGES) + 1, total)
    w.truth["dms"] = dms
    w.truth["held_out"] = hold_out(w, dms)
    plant_opportunities(w)  # after the hold-out, on its own stream: nothing earlier changes
    return w


def _person_ids(w: World) -> np.ndarray:
    """Keep only persons that take part in some relationship (held-out ones included);
    returns the id of every person index (empty for dropped ones)."""
    f, held = w.frames, w.truth["held_out"]
    c = f["contacts"]
    h = f["holdings"]
    used = np.unique(np.concatenate([
        h.loc[~h["holder_co"], "holder"].to_numpy(), f["positions"]["person"].to_numpy(),
        c["person"].to_numpy(), c.loc[~c["source_is_rm"], "source"].to_numpy(),
        held.loc[held["src_kind"] == "person", "src"].to_numpy(),
        held.loc[held["type"] == "KNOWS", "dst"].to_numpy(),
    ]).astype(np.int64))  # fmt: skip
    w.truth["person_used"] = used
    ids = np.full(w.n_persons, "", dtype=object)
    width = max(7, len(str(len(used))))
    ids[used] = [f"P{i + 1:0{width}d}" for i in range(len(used))]
    return ids


def _ground_truth(w: World, ids: np.ndarray, frames: dict[str, pd.DataFrame]) -> dict:
    co = w.co
    cid = co["id"].astype(object)
    order = np.argsort(cid, kind="stable")
    dms = w.truth["dms"]
    dcid = cid[dms["company"]]
    o = np.lexsort((dms["rank"].to_numpy(), dcid.astype(str)))
    dcid, dpid = dcid[o], ids[dms["person"].to_numpy()[o]]
    cut = np.flatnonzero(np.r_[True, dcid[1:] != dcid[:-1], True])
    decision = {dcid[a]: dpid[a:b].tolist() for a, b in zip(cut[:-1], cut[1:], strict=True)}
    ctrl = co["ctrl"]
    ctrl_id = np.where(co["ctrl_co"], cid[np.maximum(ctrl, 0)], ids[np.maximum(ctrl, 0)])
    ctrl_out = np.where(ctrl >= 0, ctrl_id, None)
    gid = [f"G{g + 1:06d}" if g >= 0 else None for g in co["group"].tolist()]
    labels = np.array(list(cat.ARCHETYPES) + list(cat.SPECIAL_LABELS), dtype=object)
    arch = np.where(co["arch"] >= 0, co["arch"], len(cat.ARCHETYPES) + co["kind"] - 1)
    roles = np.array(("none", *CHAIN_ROLES), dtype=object)
    held = w.truth["held_out"]
    rm_ids = frames["rms"]["id"].to_numpy()
    hs = held["src"].to_numpy()
    src = np.where(
        held["src_kind"] == "company",
        cid[np.minimum(hs, w.n - 1)],
        np.where(
            held["src_kind"] == "rm",
            rm_ids[np.minimum(hs, len(rm_ids) - 1)],
            ids[np.minimum(hs, len(ids) - 1)],
        ),
    )
    dst = np.where(held["type"] == "KNOWS", ids[held["dst"].clip(upper=len(ids) - 1)],
                   cid[held["dst"].clip(upper=w.n - 1)])  # fmt: skip
    edges = sorted(zip(src.tolist(), dst.tolist(), held["type"].tolist(), strict=True),
                   key=lambda e: (e[2], e[0], e[1]))  # fmt: skip
    return {
        "decision_makers": decision,
        "controller": dict(zip(cid[order].tolist(), ctrl_out[order].tolist(), strict=True)),
        "group": dict(zip(cid[order].tolist(), [gid[i] for i in order.tolist()], strict=True)),
        "guarantee_circles": [[cid[c] for c in ring] for ring in w.truth["circles"]],
        "archetype": dict(zip(cid[order].tolist(), labels[arch[order]].tolist(), strict=True)),
        "chain_role": dict(
            zip(cid[order].tolist(), roles[co["role"][order] + 1].tolist(), strict=True)
        ),  # fmt: skip
        "held_out_edges": [list(e) for e in edges],
        "converters": sorted(cid[w.truth["converters"]].tolist()),
        "opportunities": {
            k: sorted(cid[v].tolist()) for k, v in sorted(w.truth["opportunities"].items())
        },
    }


def generate(
    cfg: GeneratorConfig, out: Path | str, force: bool = False, progress: Progress | None = None
) -> GenerationResult:
    """Generate a synthetic network and write it to ``out`` as canonical files.

    Parameters
    ----------
    cfg : GeneratorConfig
        Size, seed and shares.
    out : pathlib.Path or str
        Folder to write; created when missing.
    force : bool
        Overwrite a folder that already holds a generated network.
    progress : callable, optional
        ``progress(stage, done, total)`` before each stage.

    Returns
    -------
    GenerationResult

    Raises
    ------
    GuanxiError
        When ``out`` already holds a ``manifest.json`` and ``force`` is false.
    ConfigError
        When fewer than 200 companies are asked for.
    """
    t0 = time.perf_counter()
    out = Path(out)
    if (out / "manifest.json").exists() and not force:
        raise GuanxiError(f"'{out}' already holds a generated network; use --force to overwrite")
    w = generate_world(cfg, progress)
    total = len(_STAGES) + 3
    if progress:
        progress("writing files", total - 1, total)
    ids = _person_ids(w)
    frames = canonical_frames(w, ids)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        write_csv(df, out / FILES[name])
    nodes = {"Company": len(frames["companies"]), "Person": len(frames["persons"]),
             "Branch": len(frames["branches"]), "RelationshipManager": len(frames["rms"]),
             "Product": len(frames["products"])}  # fmt: skip
    manifest = {"version": 1, "source": "synthetic", "seed": cfg.seed, "files": dict(FILES),
                "nodes": nodes, "relationships": relationship_counts(frames)}  # fmt: skip
    truth = _ground_truth(w, ids, frames)
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "ground_truth.json").write_text(
        json.dumps(truth, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if progress:
        progress("done", total, total)
    elapsed = time.perf_counter() - t0
    log.info("generated %d companies in %.1fs into %s", cfg.companies, elapsed, out)
    rows = {name: len(df) for name, df in frames.items()}
    return GenerationResult(out=out, manifest=manifest, rows=rows, elapsed=elapsed)
