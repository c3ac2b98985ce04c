"""GNN commands: ``guanxi train``, ``lookalikes``, ``recommend``, ``prospects``."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer

from guanxi.errors import GuanxiError
from guanxi.gnn.apps import lookalikes, prospects, recommend

__all__ = ["register"]

log = logging.getLogger(__name__)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def register(app: typer.Typer) -> None:
    """Add the GNN commands to ``app``."""
    from guanxi.cli import err, fail, out, print_json
    from guanxi.config import get_settings
    from guanxi.graph.client import GraphClient

    @app.command("train")
    def train_cmd(
        epochs: Annotated[int, typer.Option(min=1, help="Training epochs.")] = 20,
        max_steps: Annotated[
            int, typer.Option(min=0, help="Cap on optimiser steps over all epochs (0: no cap).")
        ] = 1200,
        device: Annotated[str, typer.Option(help="cpu, cuda or auto.")] = "auto",
        as_json: JsonOpt = False,
    ) -> None:
        """Train the link-prediction GNN, save it with its card, write embeddings back."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        from guanxi.gnn.runs import train_and_publish
        from guanxi.gnn.train import TrainConfig

        s = get_settings()
        cfg = TrainConfig(epochs=epochs, max_steps=max_steps or None, device=device)
        bar = Progress("{task.description:<11}", BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), console=err, disable=as_json)  # fmt: skip
        tasks: dict[str, Any] = {}

        def progress(stage: str, n: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.advance(tasks[stage], n)

        try:
            with GraphClient(s) as c, bar:
                res = train_and_publish(c, s.home_dir, cfg, progress=progress)
        except GuanxiError as e:
            raise fail(e, as_json) from e
        if as_json:
            print_json(res)
            return
        out.print(f"[bold]{res['run_id']}[/] saved in {res['model_dir']}")
        out.print(f"loss {res['losses'][0]} → {res['losses'][-1]} in {res['train_seconds']} s")
        for name, m in res["metrics"].items():
            out.print(f"  {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in m.items()))
        out.print(f"written: {res['written']}")

    @app.command("lookalikes")
    def lookalikes_cmd(
        company: Annotated[str, typer.Argument(help="Company id.")],
        k: Annotated[int, typer.Option("-k", help="How many.")] = 10,
        as_json: JsonOpt = False,
    ) -> None:
        """Companies most like COMPANY (vector index on the GNN embeddings), with reasons."""
        try:
            with GraphClient() as c:
                res = lookalikes(c, company, k)
        except GuanxiError as e:
            raise fail(e, as_json) from e
        if as_json:
            print_json(res)
            return
        out.print(f"[bold]{res.get('name') or company}[/] ({company})")
        for o in res["lookalikes"]:
            out.print(f"  {o['score']:.3f} {o['name']} ({o['id']}): {'; '.join(o['reasons'])}")

    @app.command("recommend")
    def recommend_cmd(
        company: Annotated[str, typer.Argument(help="Company id.")],
        k: Annotated[int, typer.Option("-k", help="Lookalikes to consult.")] = 10,
        as_json: JsonOpt = False,
    ) -> None:
        """Products COMPANY does not hold but its lookalikes and neighbours do."""
        try:
            with GraphClient() as c:
                res = recommend(c, company, k)
        except GuanxiError as e:
            raise fail(e, as_json) from e
        if as_json:
            print_json(res)
            return
        for p in res["products"]:
            out.print(f"  {p['score']:.2f} {p['name']} ({p['code']}): {'; '.join(p['reasons'])}")
        if not res["products"]:
            err.print("no recommendation")

    @app.command("prospects")
    def prospects_cmd(
        branch: Annotated[str | None, typer.Option(help="Branch id (default: all).")] = None,
        k: Annotated[int, typer.Option("-k", help="Prospects per branch.")] = 50,
        as_json: JsonOpt = False,
    ) -> None:
        """Non-customers ranked per branch by their prospect score, with reasons."""
        try:
            with GraphClient() as c:
                res = prospects(c, branch, k)
        except GuanxiError as e:
            raise fail(e, as_json) from e
        if as_json:
            print_json(res)
            return
        for b, items in res["branches"].items():
            out.print(f"[bold]{b}[/]")
            for p in items:
                out.print(f"  {p['score']:.2f} {p['name']} ({p['id']}): {'; '.join(p['reasons'])}")
