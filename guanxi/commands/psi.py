"""``guanxi psi``: private set intersection of partner lists (docs/privacy.md).

``psi serve`` is the partner's side (holds its register, answers PSI requests on
127.0.0.1); ``psi match`` is the bank's (learns which of its companies are on the
partner's list, or only how many, and with ``--tag`` writes the tag and its provenance).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from guanxi.commands.output import (
    JsonOpt,
    audit_cli,
    command,
    connect,
    err,
    out,
    print_result,
)

__all__ = ["register", "psi_app"]

log = logging.getLogger(__name__)

psi_app = typer.Typer(
    name="psi",
    help="Match partner lists by private set intersection (隐私计算; docs/privacy.md).",
    no_args_is_help=True,
)


@command(psi_app, "serve", audit=False)
def serve(
    set_file: Annotated[
        Path,
        typer.Option(
            "--set", help="The partner's list: CSV (uscc / name, region) or one USCC a line."
        ),
    ],
    port: Annotated[int, typer.Option(help="Port (bound on 127.0.0.1).")] = 8790,
    fpr: Annotated[float, typer.Option(help="False-positive rate of a whole match.")] = 1e-9,
    no_reveal: Annotated[
        bool, typer.Option("--no-reveal", help="Answer the intersection size only.")
    ] = False,
    structure: Annotated[str, typer.Option(help="Setup encoding: gcs or bloom.")] = "gcs",
    rate: Annotated[float, typer.Option(help="Requests per second per client (refill).")] = 0.2,
    burst: Annotated[int, typer.Option(help="Requests a client may make at once.")] = 5,
) -> None:
    """The partner's side: serve PSI matches over the list in --set on 127.0.0.1."""
    # imported here: uvicorn and the PSI library are only needed by this command
    import uvicorn

    from guanxi.psi.candidates import read_keys
    from guanxi.psi.server import create_psi_app

    keys = read_keys(set_file)
    app = create_psi_app(keys, fpr, not no_reveal, structure=structure, rate=rate, burst=burst)
    err.print(
        f"PSI server: {len(keys)} keys, http://127.0.0.1:{port}/psi/v1/match", highlight=False
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info")


@command(psi_app, "match")
def match(
    server: Annotated[str, typer.Option(help="The partner's PSI server, e.g. http://host:8790.")],
    candidates: Annotated[
        str, typer.Option(help="'graph' (every company) or a CSV (id, uscc / name, region).")
    ] = "graph",
    cardinality: Annotated[
        bool, typer.Option("--cardinality", help="Learn only how many match.")
    ] = False,
    tag: Annotated[
        str | None, typer.Option(help="Tag matched companies (needs --partner).")
    ] = None,
    partner: Annotated[str | None, typer.Option(help="The partner's name, for provenance.")] = None,
    org: Annotated[
        str, typer.Option(help="Branch id of the organisation running the match (who may see it).")
    ] = "HO",
    as_json: JsonOpt = False,
) -> None:
    """The bank's side: match companies against a partner's list; with --tag, tag the
    matched companies and record the match (PartnerList, MATCHED_IN)."""
    from guanxi.errors import InvalidData
    from guanxi.psi.candidates import candidates_from_file, candidates_from_graph
    from guanxi.psi.client import match as psi_match

    if tag and not partner:
        raise InvalidData("--tag needs --partner (who the list came from)")
    if tag and cardinality:
        raise InvalidData("--tag needs the matched companies; drop --cardinality")
    if candidates == "graph":
        with connect() as c:
            cands = candidates_from_graph(c)
    else:
        cands = candidates_from_file(Path(candidates))
    result = psi_match(server, cands, reveal=not cardinality)
    data: dict[str, Any] = result.to_dict()
    if tag and partner:
        from guanxi.psi.tag import tag_matches

        with connect() as c:
            data["tagging"] = tag_matches(c, result, tag, partner, ingested_by=org).to_dict()
    # the candidates left the bank (blinded): who, against which server, how many matched
    audit_cli(
        "psi match",
        None,
        f"psi.match {server}",
        {
            "candidates": candidates,
            "count": len(cands),
            "cardinality": cardinality,
            "tag": tag,
            "org": org,
        },
        None,
        200,
    )
    print_result(data, as_json, _show)


def _show(res: dict[str, Any]) -> None:
    what = "matched" if res["reveal"] else "in the intersection (size only)"
    out.print(f"{res['size']} of {res['candidates']} candidates {what}", highlight=False)
    out.print(
        f"fpr {res['fpr']:g}; sent {res['bytes_sent']:,} B, received {res['bytes_received']:,} B;"
        f" {res['seconds']['total']:.2f} s",
        highlight=False,
    )
    for cid in res["matched_ids"][:20]:
        out.print(f"  {cid}", highlight=False)
    if len(res["matched_ids"]) > 20:
        out.print(f"  … {len(res['matched_ids']) - 20} more", highlight=False)
    if "tagging" in res:
        t = res["tagging"]
        line = f"tagged {t['tagged']} companies {t['tag']!r} ({t['list_id']})"
        out.print(f"{line}; {t['removed']} untagged", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``psi`` command group to ``app``."""
    app.add_typer(psi_app, name="psi")
