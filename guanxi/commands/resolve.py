"""``guanxi resolve``: one entity per real party (docs/resolution.md).

``guanxi resolve`` scores candidate pairs (Splink) and writes them as ``SAME_AS``
candidates and a review file; ``resolve apply FILE`` merges the accepted pairs and rejects
the rejected ones; ``resolve undo MERGE_ID`` reverses one merge; ``resolve merges`` lists
them. Every step is an operator's write of public party data and leaves a ``cli`` audit
record (who merged what).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from guanxi.commands.output import JsonOpt, audit_cli, command, connect, out, print_result

__all__ = ["register", "resolve_app"]

log = logging.getLogger(__name__)

resolve_app = typer.Typer(
    name="resolve",
    help="Entity resolution: candidate SAME_AS pairs, a review file, merges and undo.",
    invoke_without_command=True,
)

Label = Annotated[str, typer.Option("--label", help="Company or Person.")]


@resolve_app.callback()
def propose_command(
    ctx: typer.Context,
    source: Annotated[
        str | None, typer.Option("--source", help="Only pairs with a party of this source.")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Match weight (log2 odds) to propose.")
    ] = None,
    label: Label = "Company",
    review: Annotated[
        Path, typer.Option("--review", help="Review file to write (.csv or .xlsx).")
    ] = Path("resolve_review.csv"),
    as_json: JsonOpt = False,
) -> None:
    """Score candidate pairs, write them as SAME_AS candidates and a review file (mark
    each row's decision accept or reject, then `guanxi resolve apply FILE`)."""
    if ctx.invoked_subcommand is not None:
        return
    _propose(source, threshold, label, review, as_json)


def _propose(
    source: str | None, threshold: float | None, label: str, review: Path, as_json: bool
) -> None:
    import pandas as pd

    from guanxi.errors import GuanxiError
    from guanxi.loaders.matcher import MATCH_THRESHOLD
    from guanxi.loaders.resolution import propose
    from guanxi.loaders.review import write_review

    th = MATCH_THRESHOLD if threshold is None else threshold
    try:
        with connect() as c:
            report, _ = propose(c, label, threshold=th, source=source)
            cands = pd.DataFrame(c.read("resolve.candidates", run_id=None))
    except GuanxiError as e:
        from guanxi.commands.output import fail

        raise fail(e, as_json) from e
    if not cands.empty:
        cands = cands[cands["label"] == label]
    write_review(cands, review)
    data = {**report.to_dict(), "open_candidates": len(cands), "review": str(review)}
    audit_cli("resolve", None, "resolve.propose", {"label": label, "source": source,
              "threshold": th}, None, 200)  # fmt: skip
    print_result(data, as_json, _show)


def _show(res: dict[str, Any]) -> None:
    out.print(
        f"{res['candidates']} candidate pairs written (run {res['run_id']}); "
        f"{res['open_candidates']} open for review in {res['review']}",
        highlight=False,
    )


@command(resolve_app, "apply")
def apply_command(
    review: Annotated[Path, typer.Argument(help="The review file with decisions filled in.")],
    as_json: JsonOpt = False,
) -> None:
    """Apply a reviewed file: merge the accepted pairs onto one canonical party, mark the
    rejected ones (never proposed again). A bad decision value: exit 4, nothing applied."""
    import getpass

    from guanxi.loaders.resolution import apply_decisions
    from guanxi.loaders.review import read_review

    decisions = read_review(review)
    with connect() as c:
        report = apply_decisions(c, decisions, by=f"operator:{getpass.getuser()}")
    data = report.to_dict()
    audit_cli("resolve apply", None, "resolve.apply", {"file": str(review),
              "merged": len(report.merged), "rejected": report.rejected}, None, 200)  # fmt: skip
    print_result(data, as_json, _show_apply)


def _show_apply(res: dict[str, Any]) -> None:
    out.print(f"{len(res['merged'])} merged, {res['rejected']} rejected", highlight=False)
    for m in res["merged"]:
        out.print(f"  {m['merge_id']}: {m['duplicate']} → {m['canonical']}", highlight=False)
    for s in res["skipped"]:
        out.print(f"  skipped {s}", highlight=False)


@command(resolve_app, "undo")
def undo_command(
    merge_id: Annotated[str, typer.Argument(help="The merge to undo (guanxi resolve merges).")],
    as_json: JsonOpt = False,
) -> None:
    """Undo one merge: its relationships go back to the source record, which becomes the
    party it was. Exit 1 (NotFound) when there is no such open merge."""
    import getpass

    from guanxi.loaders.resolution import undo

    with connect() as c:
        n = undo(c, merge_id, by=f"operator:{getpass.getuser()}")
    audit_cli("resolve undo", None, "resolve.undo", {"merge_id": merge_id}, None, 200)
    print_result({"merge_id": merge_id, "restored": n}, as_json, _show_undo)


def _show_undo(res: dict[str, Any]) -> None:
    out.print(f"{res['merge_id']}: {res['restored']} relationships restored", highlight=False)


@command(resolve_app, "merges")
def merges_command(
    status: Annotated[
        str | None, typer.Option("--status", help="merged or undone (default: all).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the merges, newest first."""
    with connect() as c:
        rows = c.read("resolve.merges", status=status)
    print_result({"merges": rows}, as_json, _show_merges)


def _show_merges(res: dict[str, Any]) -> None:
    for m in res["merges"]:
        out.print(
            f"{m['id']}  {m['status']:<7} {m['duplicate']} → {m['canonical']} "
            f"({m['label']}, {m['moved']} relationships) by {m['merged_by']} {m['merged_at']}",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add the ``resolve`` command group to ``app``."""
    app.add_typer(resolve_app, name="resolve")
