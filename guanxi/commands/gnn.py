"""GNN commands: ``guanxi train``, ``lookalikes``, ``recommend``, ``prospects``."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from guanxi.commands.output import JsonOpt, add_commands, answer, connect, err, out, print_result
from guanxi.config import get_settings

# guanxi.gnn.* are imported inside the commands: training loads torch (seconds) and the
# applications the Neo4j driver, which `guanxi --help` should not wait for

__all__ = ["register"]

log = logging.getLogger(__name__)


def train(
    epochs: Annotated[int, typer.Option(min=1, help="Training epochs.")] = 20,
    max_steps: Annotated[
        int, typer.Option(min=0, help="Cap on optimiser steps over all epochs (0: no cap).")
    ] = 1200,
    early_stop: Annotated[
        bool,
        typer.Option(help="Stop before the cap once the loss is flat (docs/gnn.md, Step budget)."),
    ] = True,
    device: Annotated[
        str,
        typer.Option(help="cpu, cuda, cuda:N or auto (a GPU when one is visible)."),
    ] = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Train the link-prediction GNN, save it with its card, write embeddings back."""
    from guanxi.gnn.runs import train_and_publish
    from guanxi.gnn.train import TrainConfig, pick_device

    pick_device(device)  # a bad --device fails before the graph is read
    s = get_settings()
    cfg = TrainConfig(epochs=epochs, max_steps=max_steps or None, device=device)
    if not early_stop:
        cfg.plateau_window = 0
    bar = Progress("{task.description:<11}", BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=err, disable=as_json)  # fmt: skip
    tasks: dict[str, Any] = {}

    def progress(stage: str, n: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.advance(tasks[stage], n)

    with connect(s) as c, bar:
        res = train_and_publish(c, s.home_dir, cfg, progress=progress)
    print_result(res, as_json, _show_training)


def _show_training(res: dict[str, Any]) -> None:
    out.print(f"[bold]{res['run_id']}[/] saved in {res['model_dir']}")
    out.print(f"loss {res['losses'][0]} → {res['losses'][-1]} in {res['train_seconds']} s "
              f"({res['steps']} steps, stopped: {res['stopped']})")  # fmt: skip
    for name, m in res["metrics"].items():
        out.print(f"  {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in m.items()))
    out.print(f"written: {res['written']}")


def lookalikes(
    company: Annotated[str, typer.Argument(help="Company id.")],
    k: Annotated[int, typer.Option("-k", help="How many.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Companies most like COMPANY (vector index), with the reasons and their shares."""
    from guanxi.gnn import apps

    answer(
        lambda c: apps.lookalikes(c, company, k).to_dict(),
        as_json,
        lambda r: _show_lookalikes(r, company),
    )


def _show_lookalikes(res: dict[str, Any], company: str) -> None:
    out.print(f"[bold]{res.get('name') or company}[/] ({company})")
    for o in res["lookalikes"]:
        out.print(f"  {o['score']:.3f} {o['name']} ({o['id']})")
        for r in o.get("why") or []:
            out.print(f"      {r['share']:>4.0%} {r['kind']}: {r['text']}")


def recommend(
    company: Annotated[str, typer.Argument(help="Company id.")],
    k: Annotated[int, typer.Option("-k", help="Lookalikes to consult.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Products COMPANY does not hold but its lookalikes and neighbours do."""
    from guanxi.gnn import apps

    answer(lambda c: apps.recommend(c, company, k).to_dict(), as_json, _show_recommendations)


def _show_recommendations(res: dict[str, Any]) -> None:
    for p in res["products"]:
        out.print(f"  {p['score']:.2f} {p['name']} ({p['code']}): {'; '.join(p['reasons'])}")
    if not res["products"]:
        err.print("no recommendation")


def prospects(
    branch: Annotated[str | None, typer.Option(help="Branch id (default: all).")] = None,
    k: Annotated[int, typer.Option("-k", help="Prospects per branch.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Non-customers ranked per branch by their prospect score, with reasons."""
    from guanxi.gnn import apps

    answer(lambda c: apps.prospects(c, branch, k).to_dict(), as_json, _show_prospects)


def _show_prospects(res: dict[str, Any]) -> None:
    for b, items in res["branches"].items():
        out.print(f"[bold]{b}[/]")
        for p in items:
            out.print(f"  {p['score']:.2f} {p['name']} ({p['id']}): {'; '.join(p['reasons'])}")


def register(app: typer.Typer) -> None:
    """Add the GNN commands to ``app``."""
    add_commands(
        app,
        {"train": train, "lookalikes": lookalikes, "recommend": recommend, "prospects": prospects},
    )
