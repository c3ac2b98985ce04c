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
import zlib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
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


def _touch_ids(task: pd.Series, rm: pd.Series, person: pd.Series, at: pd.Series,
               channel: pd.Series) -> list[str]:  # fmt: skip
    """A touch's default id: a hash of its task, RM, person, time (ns) and channel."""
    keys = (task.fillna("") + "|" + rm.fillna("") + "|" + person.fillna("") + "|"
            + at.astype("int64").astype(str) + "|" + channel.fillna(""))  # fmt: skip
    return ["T-" + hashlib.sha1(k.encode()).hexdigest()[:16] for k in keys.tolist()]


def _row_errors(name: str, typed: pd.DataFrame, mask: pd.Series, column: str,
                values: pd.Series, why: str) -> list[RowError]:  # fmt: skip
    return [
        RowError(name, int(r), column, v, why)
        for r, v in zip(typed.loc[mask, ROW], values.loc[mask], strict=True)
    ]


def _check(client: Gateway, ts: TaskScope, df: pd.DataFrame, name: str) -> tuple[list, list]:
    """Typed, checked touch rows ready to write, and the row errors (vectorised: a
    100,000-row file is checked in about a second)."""
    typed, errors = validate_family(TOUCHES, df)
    at, bad_at = _parse_at(typed["at"])
    errors += _row_errors(name, typed, bad_at, "at", typed["at"],
                          "not a time (expected YYYY-MM-DD or ISO 8601)")  # fmt: skip
    task = typed["task_id"]
    access = pd.DataFrame(
        client.read("campaigns.task_access", ids=sorted(set(task.dropna()))),
        columns=[
            "id",
            "found",
            "rm",
            "branch",
            "campaign",
            "campaign_status",
            "company",
            "eid",
            "rm_eid",
        ],  # fmt: skip
    ).set_index("id")
    t_found = task.map(access["found"]).fillna(False).astype(bool)
    t_rm, t_branch = task.map(access["rm"]), task.map(access["branch"])
    t_rm_eid = task.map(access["rm_eid"])
    if ts.everything:
        visible = t_found
    elif ts.role == "rm":
        visible = t_found & (t_rm == ts.rm)
    else:
        visible = t_found & t_branch.isin(sorted(ts.scope.branches))
    bad_task = task.notna() & ~visible
    errors += _row_errors(name, typed, bad_task, "task_id", task, "no such task in your scope")
    closed = visible & (task.map(access["campaign_status"]) == "closed")
    errors += _row_errors(name, typed, closed, "task_id", task, "the task's campaign is closed")
    person = typed["person_id"]
    people = client.read("campaigns.persons_found", ids=sorted(set(person.dropna())))
    found = {r["id"]: r["eid"] for r in people}
    bad_person = person.notna() & ~person.isin(list(found))
    errors += _row_errors(name, typed, bad_person, "person_id", person, "no such person")
    given = typed["rm_id"]
    rm_ids = sorted(set(given.dropna()))
    rm_rows = client.read("campaigns.rms_info", ids=rm_ids)
    rms = {r["id"]: r["branch"] for r in rm_rows}
    rm_eids = {r["id"]: r["eid"] for r in rm_rows}
    bad_rm = given.notna() & ~given.isin(list(rms))
    errors += _row_errors(name, typed, bad_rm, "rm_id", given, "no such RM")
    rm = given.where(given.notna(), t_rm)
    if ts.role == "rm":
        other = rm.notna() & (rm != ts.rm) & ~bad_rm & ~bad_task
        errors += _row_errors(name, typed, other, "rm_id", rm, "an RM logs their own touches")
        bad_rm = bad_rm | other
    ok = ~(typed[BAD] | bad_at | bad_task | closed | bad_person | bad_rm) & at.notna()
    if not ok.any():
        return [], [e for e in errors if e.severity == "error"]
    sub = typed.loc[ok]
    at_ok, rm_ok = at.loc[ok], rm.loc[ok]
    ids = sub["id"].where(sub["id"].notna(), None).tolist()
    made = _touch_ids(sub["task_id"], rm_ok, sub["person_id"], at_ok, sub["channel"])
    paths = [
        [x.strip() for x in p.replace(">", ";").split(";") if x.strip()] or None if p else None
        for p in sub["path"].tolist()
    ]
    branch = rm_ok.map(rms).where(rm_ok.map(rms).notna(), t_branch.loc[ok])
    cols = {
        "id": [i or m for i, m in zip(ids, made, strict=True)],
        "task": sub["task_id"].tolist(),
        "t": task.loc[ok].map(access["eid"]).tolist(),
        "r": given.loc[ok].map(rm_eids).where(given.loc[ok].notna(), t_rm_eid.loc[ok]).tolist(),
        "p": sub["person_id"].map(found).tolist(),
        "rm": rm_ok.tolist(),
        "person": sub["person_id"].tolist(),
        "at": list(at_ok.dt.to_pydatetime()),
        "channel": sub["channel"].tolist(),
        "outcome": sub["outcome"].tolist(),
        "note": sub["note"].tolist(),
        "path": paths,
        "branch": branch.tolist(),
        "campaign": task.loc[ok].map(access["campaign"]).tolist(),
    }
    keys = list(cols)
    rows = [dict(zip(keys, vals, strict=True)) for vals in zip(*cols.values(), strict=True)]
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


#: concurrent writers of a touch import (each takes the touches of some RMs)
WRITERS = 2


def _write_touches(
    client: Gateway, rows: list[dict[str, Any]], name: str, load_id: str, at: datetime
) -> None:
    """Write touches in batches by :data:`WRITERS` transactions at once, split by RM: a
    task belongs to one RM, so the writers lock different tasks and RMs (a clash on a
    person is a deadlock the driver retries), and Python packs one batch while Neo4j
    writes another."""
    parts: list[list[dict[str, Any]]] = [[] for _ in range(WRITERS)]
    for r in rows:
        parts[zlib.crc32(str(r["rm"]).encode()) % WRITERS].append(r)

    def write(part: list[dict[str, Any]]) -> int:
        return client.write_batches(
            "campaigns.write_touches", part, batch_size=5_000, source=name, load_id=load_id,
            at=at,
        )  # fmt: skip

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(write, [p for p in parts if p]))


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
    _write_touches(client, new, name, load_id, at)
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
