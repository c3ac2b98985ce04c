"""Probabilistic record linkage of parties with Splink 4 on DuckDB (in-process, offline).

:func:`match_parties` takes party records (``unique_id``, ``label``, ``name`` and, where
known, ``legal_name``, ``listed``, ``companies``) and returns candidate pairs with their
match weight, probability and per-field evidence. The model is Fellegi–Sunter as Splink
implements it: each comparison below has levels; a pair's match weight is
``log2(prior odds) + Σ log2(m/u)`` over the level each comparison lands in, where *m* is
the chance of that level among true matches (set from what the fields mean, below) and
*u* among random pairs (estimated by random sampling of the records, seeded).

Comparisons (features from :mod:`guanxi.loaders.names`):

* ``name`` — the registered or given name's normal form (NFKC, upper case, legal forms
  spelled one way, punctuation dropped): exact / same core (legal forms and bracketed
  asides cut: 有限公司 = 股份有限公司, PTE LTD = PRIVATE LIMITED = LIMITED) / Jaro–Winkler
  of the cores ≥ 0.92 / else.
* ``short`` — a listing's short name (``中国平安``) is the start of the other's core name.
* ``account`` — one side is a managed-account name ("管理人-托管人-产品"): such a record is
  an account at the named institution, not the institution.
* ``share_class`` — both are listings: the same issuer root (``深南电A`` / ``深南电B``:
  an A/B pair) or two different listed issuers.
* ``company`` (persons) — the two person records are tied to a common company (a holder
  and an executive of one company with one name).

Blocking (the pairs compared at all): same label and the same core name, or the same
first four characters of the core, or (listings) the same share-class root, or (persons)
the same name.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pandas as pd

from guanxi.loaders.names import core_name, normal_name, share_class, share_root

__all__ = ["MATCH_THRESHOLD", "party_features", "match_parties"]

log = logging.getLogger(__name__)

#: Default match weight (log2 Bayes factor incl. prior) above which a pair is a candidate.
MATCH_THRESHOLD = 3.5
_PRIOR = 1e-5
_SEED = 18


def party_features(records: pd.DataFrame) -> pd.DataFrame:
    """The matcher's input frame: ``unique_id``, ``label``, ``name``, ``full``, ``core``,
    ``short``, ``key4``, ``root``, ``is_account``, ``companies``."""
    r = records.copy()
    for col, default in (("legal_name", None), ("listed", False), ("neighbours", None)):
        if col not in r.columns:
            r[col] = default
    full_src = r["legal_name"].where(r["legal_name"].notna(), r["name"])
    listed = r["listed"].fillna(False).astype(bool)
    # a listing's short name without its share-class mark (中国平安, 万科, 深南电)
    roots = [share_root(x) or None if ok else None for x, ok in zip(r["name"], listed, strict=True)]
    hood = [sorted(x) if isinstance(x, (list, tuple, set)) else [] for x in r["neighbours"]]
    out = pd.DataFrame(
        {
            "unique_id": r["unique_id"].astype(str),
            "label": r["label"].fillna("Company"),
            "name": r["name"],
            "full": [normal_name(x) or None for x in full_src],
            "core": [core_name(x) or None for x in full_src],
            "short": roots,
            "root": roots,
            "cls": [share_class(x) if ok else None for x, ok in zip(r["name"], listed, strict=True)],  # noqa: E501
            "is_account": [bool(x) and "-" in str(x) for x in r["name"]],
            "neighbours": hood,
        }
    )  # fmt: skip
    out["key4"] = out["core"].str[:4]
    # typed text: an all-missing object column would reach DuckDB as INTEGER
    for col in ("label", "name", "full", "core", "short", "root", "cls", "key4"):
        out[col] = out[col].astype("string")
    return out


def _level(sql: str, label: str, m: float, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, **extra}


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "missing", "is_null_level": True}


def _comparisons() -> list[dict[str, Any]]:
    name = {
        "output_column_name": "name",
        "comparison_description": "registered name",
        "comparison_levels": [
            _null("core_l IS NULL OR core_r IS NULL"),
            # u fixed: two records of different parties with one registered name are about
            # as rare as the name itself; random sampling rarely sees one and then guesses
            # a person's name is shared by many: alone it is no match (needs a company)
            _level(
                "label_l = 'Person' AND full_l = full_r",
                "same person name",
                0.80,
                u_probability=1e-4,
                fix_u_probability=True,
            ),
            _level(
                "full_l = full_r", "same name", 0.80, u_probability=1e-8, fix_u_probability=True
            ),
            # X有限责任公司 next to X股份有限公司 is mostly a parent and its listed company:
            # as likely among non-matches with this core as among matches
            _level(
                "core_l = core_r",
                "same core name (legal form differs)",
                0.05,
                u_probability=0.05,
                fix_u_probability=True,
            ),
            _level("jaro_winkler_similarity(core_l, core_r) >= 0.92", "core names close", 0.05),
            _level("ELSE", "different", 0.10),
        ],
    }
    short = {
        "output_column_name": "short",
        "comparison_description": "listing short name starts the other's name",
        "comparison_levels": [
            _null("short_l IS NULL AND short_r IS NULL"),
            _level(
                "(length(short_l) >= 2 AND starts_with(core_r, short_l)) "
                "OR (length(short_r) >= 2 AND starts_with(core_l, short_r))",
                "short name starts the other",
                0.3,
                # a parent group's name starts with its listed company's short name too
                u_probability=0.01,
                fix_u_probability=True,
            ),
            _level("ELSE", "no", 0.7),
        ],
    }
    account = {
        "output_column_name": "account",
        "comparison_description": "a managed-account name (X-Y-product)",
        "comparison_levels": [
            _level("is_account_l = is_account_r", "both or neither accounts", 0.999),
            _level("ELSE", "one is an account at the other", 0.001),
        ],
    }
    ab = "cls_l <> cls_r"
    officers = "len(list_intersect(neighbours_l, neighbours_r)) >= 2"
    share = {
        "output_column_name": "share_class",
        "comparison_description": "both listings: one issuer's A and B shares, or two issuers",
        "comparison_levels": [
            _null("root_l IS NULL OR root_r IS NULL"),
            _level(
                f"{ab} AND root_l = root_r",
                "A and B listing, same root",
                0.4,
                u_probability=1e-6,
                fix_u_probability=True,
            ),
            _level(
                f"{ab} AND {officers}",
                "A and B listing, two or more common officers",
                0.3,
                u_probability=1e-6,
                fix_u_probability=True,
            ),
            _level(
                f"{ab} AND (contains(coalesce(core_l, '') || short_l, root_r) "
                f"OR contains(coalesce(core_r, '') || short_r, root_l))",
                "A and B listing, one's root within the other's name",
                0.2,
                u_probability=1e-4,
                fix_u_probability=True,
            ),
            _level("ELSE", "two listed issuers", 0.1, u_probability=0.999, fix_u_probability=True),
        ],
    }
    common = "len(list_intersect(neighbours_l, neighbours_r))"
    neighbours = {
        "output_column_name": "neighbours",
        "comparison_description": "common neighbours (a company's officers; a person's companies)",
        "comparison_levels": [
            # companies' officers count in share_class only (group siblings share directors)
            _null("label_l <> 'Person' OR len(neighbours_l) = 0 OR len(neighbours_r) = 0"),
            # u fixed: random person pairs almost never share a company
            _level(
                f"{common} >= 2",
                "two or more in common",
                0.6,
                u_probability=1e-5,
                fix_u_probability=True,
            ),
            _level(
                f"{common} = 1", "one in common", 0.2, u_probability=1e-3, fix_u_probability=True
            ),
            _level("ELSE", "none in common", 0.2, u_probability=0.999, fix_u_probability=True),
        ],
    }
    return [name, short, account, share, neighbours]


def match_parties(
    records: pd.DataFrame, threshold: float = MATCH_THRESHOLD, *, max_pairs: float = 2e6
) -> pd.DataFrame:
    """Candidate pairs among ``records`` with match weight ≥ ``threshold``.

    Returns a frame ``left_id``, ``right_id``, ``label``, ``weight`` (log2 odds),
    ``probability`` and ``evidence`` (JSON: per comparison its level, Bayes factor and the
    two values compared), heaviest first.
    """
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # heavy: import late

    feats = party_features(records)
    cols = ["left_id", "right_id", "label", "weight", "probability", "evidence"]
    if len(feats) < 2:
        return pd.DataFrame(columns=cols)
    settings = SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=_PRIOR,
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=[
            block_on("label", "core"),
            block_on("label", "key4"),
            block_on("label", "root"),
            block_on("label", "name"),
            # a common officer or company (an A/B pair renamed: 威孚高科 / 苏威孚B)
            block_on("label", "neighbours", arrays_to_explode=["neighbours"]),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["name"],
    )
    linker = Linker(feats, settings, db_api=DuckDBAPI())
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=_SEED)
    pred = linker.inference.predict(threshold_match_weight=threshold).as_pandas_dataframe()
    if pred.empty:
        return pd.DataFrame(columns=cols)
    pred = pred[pred["label_l"] == pred["label_r"]]
    evidence = [_evidence(r) for r in pred.to_dict("records")]
    out = pd.DataFrame(
        {
            "left_id": pred["unique_id_l"].astype(str),
            "right_id": pred["unique_id_r"].astype(str),
            "label": pred["label_l"],
            "weight": pred["match_weight"].astype(float).round(3),
            "probability": pred["match_probability"].astype(float).round(6),
            "evidence": evidence,
        }
    )
    return out.sort_values(["weight", "left_id", "right_id"], ascending=[False, True, True],
                           ignore_index=True)  # fmt: skip


_LEVELS = {c["output_column_name"]: c["comparison_levels"] for c in _comparisons()}
_VALUES = {"name": "full", "short": "short", "account": "is_account", "share_class": "root",
           "neighbours": "neighbours"}  # fmt: skip


def _evidence(row: dict[str, Any]) -> str:
    """Per comparison: its level (label), its Bayes factor, the values compared."""
    ev = {}
    for comp, levels in _LEVELS.items():
        gamma = int(row.get(f"gamma_{comp}", -1))
        if gamma < 0:
            continue
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        label = non_null[len(non_null) - 1 - gamma]["label_for_charts"]
        col = _VALUES[comp]
        left, right = row.get(f"{col}_l"), row.get(f"{col}_r")
        ev[comp] = {
            "level": label,
            "bf": round(float(row.get(f"bf_{comp}", 1.0)), 4),
            "left": left.tolist() if hasattr(left, "tolist") else left,
            "right": right.tolist() if hasattr(right, "tolist") else right,
        }
    return json.dumps(ev, ensure_ascii=False)
