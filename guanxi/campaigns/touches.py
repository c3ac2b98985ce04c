"""Touches: logged one at a time (API, CLI, the task page's form) or imported from a CRM
export (CSV or Excel), through the loaders' validation.

A touch file has the columns of :data:`TOUCHES` (docs/campaigns.md, "Bulk format"). Every
row is checked before anything is written — types, choices, a parsable time, the task
existing and being the caller's to edit, the RM and the person existing — and any error
rejects the whole file with row-level errors (file, row, column, value, reason). A touch
without an ``id`` gets one from its task, RM, person, time and channel, so re-running an
import writes nothing new. A touch that reached a person updates ``KNOWS`` from the RM
to them (:func:`knows_target`, :data:`ALPHA`), and the graph version changes.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from guanxi.access.campaigns import TaskScope
from guanxi.errors import AccessDenied, InvalidData, RowError
from guanxi.graph.gateway import Gateway
from guanxi.loaders.families import Column, Family
from guanxi.loaders.readers import ROW, read_table
from guanxi.loaders.validation import BAD, FILE, validate_family
from guanxi.records import TouchResult

__all__ = [
    "TOUCHES",
    "CHANNELS",
    "OUTCOMES",
    "ALPHA",
    "knows_target",
    "log_touch",
    "import_touches",
]

log = logging.getLogger(__name__)

OUTCOMES: tuple[str, ...] = (
    "no_answer",
    "contacted",
    "meeting",
    "interested",
    "declined",
    "converted",
)
CHANNELS = ("visit", "phone", "WeChat", "email", "event invitation", "introduction",
            "introduction by a partner", "online-banking message", "other")  # fmt: skip
#: the bulk touch file: a loader family of its own (not loaded by `guanxi load`)
TOUCHES = Family(
    "touches", "node",
    (Column("id"), Column("task_id", required=True), Column("rm_id"), Column("person_id"),
     Column("at", required=True), Column("channel", required=True, choices=CHANNELS),
     Column("outcome", required=True, choices=OUTCOMES), Column("note"), Column("path")),
    ("id",), label="Touch",
)  # fmt: skip
#: the column naming each row's file (the loaders' ``_file``)
ROW_FILE = FILE
#: how far one touch moves KNOWS strength towards its outcome's target
ALPHA = 0.3
_TARGET = {"contacted": 0.5, "declined": 0.3, "meeting": 0.7, "interested": 0.8, "converted": 0.9}


def knows_target(outcome: str) -> float | None:
    """The strength a touch with ``outcome`` pulls ``KNOWS`` towards; None when the person
    was not reached (``no_answer``).

    Notes
    -----
    ``s ← s + α·(target − s)`` per touch in time order, ``α`` = :data:`ALPHA` = 0.3, from
    ``s = 0`` for a person the RM did not know; targets: contacted 0.5, declined 0.3,
    meeting 0.7, interested 0.8, converted 0.9. Two meetings take a stranger to
    0.3·0.7 = 0.21, then 0.21 + 0.3·(0.7 − 0.21) = 0.357.
    """
    return _TARGET.get(outcome)


def _parse_at(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    dt = pd.to_datetime(s, errors="coerce", utc=True, format="ISO8601")
    return dt, s.notna() & dt.isna()


def _touch_id(r: dict[str, Any]) -> str:
    key = "|".join(str(r.get(k) or "") for k in ("task_id", "rm_id", "person_id", "at", "channel"))
    return "T-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def _check(client: Gateway, ts: TaskScope, df: pd.DataFrame, name: str) -> tuple[list, list]:
    typed, errors = validate_family(TOUCHES, df)
    at, bad_at = _parse_at(typed["at"])
    errors += [
        RowError(name, int(r), "at", v, "not a time (expected YYYY-MM-DD or ISO 8601)")
        for r, v in zip(typed.loc[bad_at, ROW], typed.loc[bad_at, "at"], strict=True)
    ]
    typed["at"] = at
    task_ids = sorted(set(typed["task_id"].dropna()))
    access = {r["id"]: r for r in client.read("campaigns.task_access", ids=task_ids)}
    people = set(typed["person_id"].dropna())
    found = {r["id"] for r in client.read("campaigns.persons_found", ids=sorted(people))}
    rm_ids = sorted(set(typed["rm_id"].dropna()))
    rms = {r["id"]: r["branch"] for r in client.read("campaigns.rms_info", ids=rm_ids)}
    rows = []
    for r in typed.to_dict("records"):
        row, errs = r[ROW], []
        t = access.get(r["task_id"])
        if r["task_id"] and (t is None or not t["found"] or not ts.sees_task(t["rm"], t["branch"])):
            errs.append(("task_id", r["task_id"], "no such task in your scope"))
        elif t is not None and t["campaign_status"] == "closed":
            errs.append(("task_id", r["task_id"], f"campaign {t['campaign']} is closed"))
        if r["person_id"] and r["person_id"] not in found:
            errs.append(("person_id", r["person_id"], "no such person"))
        rm = r["rm_id"] or (t or {}).get("rm")
        if r["rm_id"] and r["rm_id"] not in rms:
            errs.append(("rm_id", r["rm_id"], "no such RM"))
        elif ts.role == "rm" and rm and rm != ts.rm:
            errs.append(("rm_id", rm, "an RM logs their own touches"))
        errors += [RowError(name, int(row), c, v, why) for c, v, why in errs]
        if errs or r[BAD] or pd.isna(r["at"]):
            continue
        path = [x for x in (r["path"] or "").replace(">", ";").split(";") if x.strip()]
        rec = {"task": r["task_id"], "rm": rm, "person": r["person_id"],
               "at": r["at"].to_pydatetime(), "channel": r["channel"], "outcome": r["outcome"],
               "note": r["note"], "path": [x.strip() for x in path] or None,
               "branch": rms.get(rm) or t["branch"], "campaign": t["campaign"]}  # fmt: skip
        rec["id"] = r["id"] or _touch_id({**r, "rm_id": rm, "at": rec["at"].isoformat()})
        rows.append(rec)
    return rows, [e for e in errors if e.severity == "error"]


def _knows_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pairs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        if r["person"] and knows_target(r["outcome"]) is not None:
            pairs[(r["rm"], r["person"])].append(r)
    out = []
    for (rm, person), lst in pairs.items():
        lst.sort(key=lambda r: r["at"])
        out.append({
            "rm": rm, "person": person, "branch": lst[0]["branch"],
            "targets": [knows_target(r["outcome"]) for r in lst],
            "first": lst[0]["at"].date(), "last": lst[-1]["at"].date(),
        })  # fmt: skip
    return out


def write_rows(client: Gateway, ts: TaskScope, df: pd.DataFrame, name: str) -> TouchResult:
    """Check and write touch rows (strings with ``_file`` and ``_row``): all or none."""
    if ts.role == "analyst":
        raise AccessDenied("Analysts read campaigns; RMs and managers log touches")
    rows, errors = _check(client, ts, df, name)
    if errors:
        raise InvalidData(f"{name}: {len(errors)} error(s); nothing was written", errors)
    dup = {r["id"] for r in client.read("campaigns.existing_touches", ids=[r["id"] for r in rows])}
    seen: set[str] = set()
    new = []
    for r in rows:
        if r["id"] not in dup and r["id"] not in seen:
            seen.add(r["id"])
            new.append(r)
    at, load_id = datetime.now(UTC), f"touches-{uuid.uuid4().hex[:8]}"
    client.write_batches(
        "campaigns.write_touches", new, batch_size=10_000, source=name, load_id=load_id, at=at
    )
    status: dict[str, bool] = {}
    for r in new:
        status[r["task"]] = status.get(r["task"], False) or r["outcome"] == "converted"
    rows_status = [{"task": t, "converted": v} for t, v in status.items()]
    client.write_batches("campaigns.touch_task_status", rows_status, batch_size=10_000)
    knows = _knows_rows(new)
    client.write_batches("campaigns.update_knows", knows, alpha=ALPHA)
    conversions = 0
    for cid in sorted({r["campaign"] for r in new if r["outcome"] == "converted"}):
        res = client.write("campaigns.detect_conversions", campaign=cid)
        conversions += int(res[0]["conversions"]) if res else 0
    if new:
        client.write("admin.bump_graph_version", why=load_id)
    return TouchResult(len(new), len(rows) - len(new), len(knows), conversions,
                       tuple(r["id"] for r in new[:1000]))  # fmt: skip


def log_touch(client: Gateway, ts: TaskScope, touch: dict[str, Any]) -> TouchResult:
    """Log one touch (``task_id``, ``at``, ``channel``, ``outcome``, optional ``id``,
    ``rm_id``, ``person_id``, ``note``, ``path`` as a list or ``a>b>c``).

    Raises
    ------
    InvalidData
        With the errors of the touch (row 1 of ``api``), nothing written.
    """
    cell = {k: (";".join(v) if isinstance(v, list) else v) for k, v in touch.items()}
    cell = {k: (None if v is None else str(v)) for k, v in cell.items()}
    df = pd.DataFrame([cell])
    df[ROW] = [1]
    df[FILE] = "touch"
    return write_rows(client, ts, df, "touch")


def import_touches(client: Gateway, ts: TaskScope, path: Path, sheet: Any = 0) -> TouchResult:
    """Import a touch file (CSV or Excel) as a whole or not at all.

    Raises
    ------
    InvalidData
        With the row-level errors of the file; nothing is written.
    """
    df = read_table(path, name=path.name, sheet=sheet)
    df[FILE] = path.name
    return write_rows(client, ts, df, path.name)
