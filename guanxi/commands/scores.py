"""Scoring commands: ``guanxi ownership``, ``intimacy``, ``contacts``, ``paths``, ``score``.

Each fetches one result through the scorer and prints it as JSON (``--json``) or as text.
"""

from __future__ import annotations

import logging
import time
from typing import Annotated, Any

import typer

from guanxi.commands.output import (
    JsonOpt,
    add_commands,
    answer,
    connect,
    err,
    out,
    print_json,
    print_result,
)

# the scorers are imported inside the commands: they load numpy, pandas and the Neo4j
# driver (~1 s), which `guanxi --help` and the other commands should not wait for

__all__ = ["register"]

log = logging.getLogger(__name__)


def ownership(
    company: Annotated[str, typer.Argument(help="Company id.")],
    threshold: Annotated[float, typer.Option(help="Beneficial-owner %.")] = 25.0,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Holdings as of YYYY-MM-DD (docs/time.md).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Equity penetration, actual controller and beneficial owners of a company."""
    from guanxi.commands.changes import parse_date
    from guanxi.scoring.ownership import company_ownership

    on = parse_date(as_of, "--as-of")
    answer(
        lambda c: company_ownership(c, company, threshold=threshold, as_of=on).to_dict(),
        as_json,
        lambda r: _show_ownership(r, company, threshold),
    )


def _show_ownership(res: dict[str, Any], company: str, threshold: float) -> None:
    ctl = res["controller"]
    out.print(f"[bold]{res['name']}[/] ({company})")
    who = f"{ctl['name']} ({ctl['controller']})" if ctl["controller"] else "no controlling party"
    out.print(f"actual controller: {who} — {ctl['reason']}")
    for o in res["holders"][:10]:
        flag = " [nominee]" if o["nominee"] else ""
        out.print(f"  {o['name']} ({o['id']}): {o['stake']:.2f}% (direct {o['direct']:.2f}%){flag}")
    owners = ", ".join(f"{o['name']} {o['stake']:.1f}%" for o in res["beneficial_owners"])
    out.print(f"beneficial owners ≥{threshold:g}%: {owners or 'none'}")


def intimacy(
    a: Annotated[str, typer.Argument(help="Party id.")],
    b: Annotated[str, typer.Argument(help="Party id.")],
    as_json: JsonOpt = False,
) -> None:
    """Intimacy of two parties (company / person / RM) with its evidence."""
    from guanxi.scoring.intimacy import intimacy_between

    with connect() as c:
        res = intimacy_between(c, a, b)
    if as_json:
        print_json(res.to_dict())
        return
    out.print(f"{a} ~ {b}: {res.score:.3f}  {res.text}", highlight=False)
    for e in res.evidence:
        out.print(f"  {e.kind}: {e.text} (w={e.weight}, s={e.strength:.2f})", highlight=False)


def contacts(
    company: Annotated[str, typer.Argument(help="Company id.")],
    k: Annotated[int, typer.Option("-k", help="How many.")] = 5,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Holdings and roles as of YYYY-MM-DD.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The key contacts of a company, ranked, with reasons."""
    from guanxi.commands.changes import parse_date
    from guanxi.scoring.key_contacts import company_contacts

    on = parse_date(as_of, "--as-of")
    with connect() as c:
        res = company_contacts(c, company, k, as_of=on)
    if as_json:
        print_json({"company": company, "contacts": [x.to_dict() for x in res]})
        return
    for x in res:
        out.print(
            f"{x.rank}. {x.name} ({x.id}) {x.score:.3f}  {'; '.join(x.reasons)}", highlight=False
        )
    if not res:
        out.print("No persons recorded for this company.")


def paths(
    to: Annotated[str, typer.Option("--to", help="Target company or person id.")],
    origin: Annotated[
        str | None, typer.Option("--from", help="RM or Branch id (default: the whole bank).")
    ] = None,
    k: Annotated[int, typer.Option("-k", help="How many paths.")] = 3,
    max_hops: Annotated[int, typer.Option("--max-hops", help="Hop limit.")] = 4,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Relationships as of YYYY-MM-DD.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The top-k warm contact paths to a target; exit 0 with a reason when none."""
    from guanxi.commands.changes import parse_date
    from guanxi.scoring.contact_paths import contact_paths

    on = parse_date(as_of, "--as-of")
    with connect() as c:
        res = contact_paths(c, to, origin, k, max_hops, as_of=on)
    if as_json:
        print_json(res.to_dict())
        return
    out.print(res.reason, highlight=False)
    for i, p in enumerate(res.paths, 1):
        chain = " → ".join(f"{h.source_name or h.source_id} -[{h.rel_type}]" for h in p.hops)
        out.print(f"{i}. {p.score:.4f}  {chain} → {p.hops[-1].target_name}", highlight=False)
        out.print(
            f"   introducer: {p.introducer}; channel: {p.channel} — {p.reason}", highlight=False
        )


def score(
    engine: Annotated[str, typer.Option(help="auto, gds or python.")] = "auto",
    k: Annotated[int, typer.Option("-k", help="Key contacts per company.")] = 5,
    two_hop_min: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Store pairs not directly linked only from this "
            "intimacy on (default: every pair from 0.05; `guanxi intimacy` still "
            "scores any pair on demand). See docs/scaling.md.",
        ),
    ] = None,  # fmt: skip
    processes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes that rank key contacts (default: one per core; each further "
            "one is a forked worker: 2.6 GiB more at 1M companies). See docs/scaling.md.",
        ),
    ] = None,  # fmt: skip
    break_lock: Annotated[
        bool,
        typer.Option(
            help="Take the scoring lock from a run that died holding it (one run at a "
            "time: two would delete each other's results)."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Batch scoring: centrality, intimacy and key contacts, written with one run id."""
    from guanxi.scoring.batch import run_scoring

    t0 = time.perf_counter()
    with connect() as c:
        res = run_scoring(c, engine=engine, k=k, two_hop_min=two_hop_min,
                          processes=processes, break_lock=break_lock,
                          say=lambda m: err.print(m))  # fmt: skip
    res["total_s"] = round(time.perf_counter() - t0, 3)
    print_result(res, as_json, _show_lines)


def _show_lines(res: dict[str, Any]) -> None:
    for key, v in res.items():
        out.print(f"{key}: {v}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the scoring commands to ``app``."""
    add_commands(
        app,
        {"ownership": ownership, "intimacy": intimacy, "contacts": contacts, "paths": paths,
         "score": score},
    )  # fmt: skip
