"""The network workbench page (``/ui/workbench``): one page to search, explore, explain and
export, drawn with vis-network (the renderer pyvis ships) and driven by the workbench
endpoints. The HTML, script, style and Chinese/English dictionary are files under
``guanxi/viz/templates/`` (``workbench.*``) served by the API at ``/ui/static/…`` with
vis-network from the pyvis package: nothing is fetched from the internet.
"""

from __future__ import annotations

import html
import json
import logging
from functools import cache
from importlib.resources import files

from guanxi.viz.templates import fill, template

__all__ = ["render_workbench", "static_asset", "STATIC", "SCRIPTS", "dictionary"]

log = logging.getLogger(__name__)

#: the page's scripts in load order, one job each: words (creates ``WB``), styling and
#: exports, API calls, state (rules, history, the shared view), drawing, actions, side panel
SCRIPTS = (
    "workbench-i18n.js",
    "workbench-view.js",
    "workbench-api.js",
    "workbench-state.js",
    "workbench-draw.js",
    "workbench.js",
    "workbench-panel.js",
)
#: name under /ui/static/ -> (template file or None for vis-network, media type)
STATIC: dict[str, tuple[str | None, str]] = {
    **{name: (name, "text/javascript; charset=utf-8") for name in SCRIPTS},
    "workbench.css": ("workbench.css", "text/css; charset=utf-8"),
    "workbench.i18n.json": ("workbench.i18n.json", "application/json"),
    "vis-network.min.js": (None, "text/javascript; charset=utf-8"),
}


@cache
def _vis() -> bytes:
    lib = files("pyvis").joinpath("lib")
    folder = sorted(p.name for p in lib.iterdir() if p.name.startswith("vis-"))[-1]
    return lib.joinpath(folder, "vis-network.min.js").read_bytes()


def static_asset(name: str) -> tuple[bytes, str] | None:
    """The bytes and media type of the static file ``name`` (None: no such file)."""
    spec = STATIC.get(name)
    if spec is None:
        return None
    source, media = spec
    body = _vis() if source is None else template(source).encode("utf-8")
    return body, media


@cache
def dictionary() -> dict[str, dict[str, str]]:
    """The workbench's words: ``{"zh": {key: text}, "en": {key: text}}`` (same keys)."""
    return json.loads(template("workbench.i18n.json"))


def render_workbench(*, user: str, role: str) -> str:
    """The workbench's HTML for a signed-in ``user`` (the script reads the view from the
    URL and asks the API for everything under the reader's key)."""
    return fill("workbench.html", user=html.escape(user), role=html.escape(role))
