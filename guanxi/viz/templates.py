"""The page templates under ``guanxi/viz/templates/`` (HTML pages and the pages' scripts).

A template marks what is filled in as ``__NAME__``; :func:`fill` replaces each marker with
its value in one pass (a value is never scanned for markers), so escaping is the caller's:
``html.escape`` for text in HTML, :func:`js_json` for data in a script.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["template", "fill", "js_json"]

log = logging.getLogger(__name__)

_MARKER = re.compile(r"__([A-Z][A-Z_]*?)__")


@cache
def template(name: str) -> str:
    """The text of the template ``name`` (e.g. ``index.html``), read once."""
    return files("guanxi.viz").joinpath("templates", name).read_text(encoding="utf-8")


def fill(name: str, **values: str) -> str:
    """Template ``name`` with every ``__KEY__`` marker replaced by ``values["key"]``.

    Raises
    ------
    KeyError
        When the template has a marker that ``values`` does not fill.
    """
    return _MARKER.sub(lambda m: values[m.group(1).lower()], template(name))


def js_json(value: Any) -> str:
    """``value`` as a JavaScript literal that is safe inside a ``<script>`` element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
