"""The `.cypher` query library (`QueryLibrary`): named queries loaded from `guanxi/graph/queries/`.

Cypher lives in files under ``guanxi/graph/queries/<area>/``. A file holds one or more
queries, each introduced by a ``// name: <area>.<name>``-style header (the name is
used as written) and followed by ``//`` comment lines that say what the query returns and
which ``$params`` it takes. A file without a header is one query named
``<area>.<file stem>``. Code calls queries by name; values always travel as parameters.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from guanxi.errors import QueryError

__all__ = ["NamedQuery", "QueryLibrary", "get_library", "QUERY_DIR"]

log = logging.getLogger(__name__)

QUERY_DIR = Path(__file__).parent / "queries"
_HEADER = re.compile(r"^//\s*name:\s*([\w.\-]+)\s*$")
_PARAM = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class NamedQuery:
    """A query from the library: its name, text, description and parameter names."""

    name: str
    text: str
    description: str
    params: tuple[str, ...]
    path: Path
    #: ``internal`` when the query reads bank-internal facts (a ``// reads: internal`` line);
    #: such a query takes the caller's scope as ``$scope_all``, ``$branches``, ``$lines``
    reads: str = "public"

    @property
    def title(self) -> str:
        """The first line of the description."""
        return self.description.splitlines()[0] if self.description else self.name


def _split(path: Path, area: str) -> list[NamedQuery]:
    lines = path.read_text(encoding="utf-8").splitlines()
    chunks: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    for line in lines:
        m = _HEADER.match(line.strip())
        if m:
            current = (m.group(1), [])
            chunks.append(current)
        elif current is None:
            if line.strip():
                current = (f"{area}.{path.stem}", [line])
                chunks.append(current)
        else:
            current[1].append(line)
    out = []
    for name, body in chunks:
        doc = []
        code = []
        for line in body:
            s = line.strip()
            if not code and s.startswith("//"):
                doc.append(s[2:].strip())
            elif s or code:
                code.append(line)
        text = "\n".join(code).strip()
        if not text:
            raise QueryError(f"Query {name!r} in {path} has no Cypher text")
        params = tuple(dict.fromkeys(_PARAM.findall(text)))
        reads = "public"
        for d in doc:
            if d.lower().startswith("reads:"):
                reads = d.split(":", 1)[1].strip().lower()
        if reads not in ("public", "internal"):
            raise QueryError(f"Query {name!r} in {path}: 'reads:' must be public or internal")
        described = "\n".join(d for d in doc if not d.lower().startswith("reads:")).strip()
        out.append(NamedQuery(name, text, described, params, path, reads))
    return out


_PLACEHOLDER = re.compile(r"\b__[A-Z][A-Z_]*__\b")


class QueryLibrary:
    """All named queries, loaded once from a folder tree of ``.cypher`` files."""

    def __init__(self, root: Path = QUERY_DIR) -> None:
        self.root = root
        self._queries: dict[str, NamedQuery] = {}
        for path in sorted(root.rglob("*.cypher")):
            area = path.parent.relative_to(root).as_posix().replace("/", ".") or "root"
            for q in _split(path, area):
                if q.name in self._queries:
                    raise QueryError(
                        f"Duplicate query name {q.name!r} in {path} "
                        f"and {self._queries[q.name].path}"
                    )
                self._queries[q.name] = q
        log.debug("loaded %d queries from %s", len(self._queries), root)

    def __getitem__(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            from guanxi.errors import NotFound

            raise NotFound(f"No query named {name!r} in the query library") from None

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def names(self, prefix: str = "") -> list[str]:
        """Query names, sorted, optionally those starting with ``prefix``."""
        return sorted(n for n in self._queries if n.startswith(prefix))

    def text_for(self, name: str, **names: str) -> str:
        """The text of ``name`` with each ``__KEY__`` placeholder replaced by the schema label
        or relationship type given as ``KEY=name``, backtick-quoted (Cypher takes no label or
        type as a parameter; a query that names one lets the planner use its index or expand
        only that type).

        Raises
        ------
        QueryError
            When a name is not in the schema, or a placeholder is left without a name.
        """
        from guanxi.graph.schema import get_schema, quote

        schema = get_schema()
        text = self[name].text
        for key, value in names.items():
            if value not in schema.nodes and value not in schema.relationships:
                raise QueryError(f"{value!r} is neither a label nor a relationship type")
            text = text.replace(f"__{key}__", quote(value))
        if left := _PLACEHOLDER.search(text):
            raise QueryError(f"Query {name!r} needs a name for {left.group(0)}")
        return text

    def all(self) -> list[NamedQuery]:
        """Every query, sorted by name."""
        return [self._queries[n] for n in self.names()]


@lru_cache(maxsize=1)
def get_library() -> QueryLibrary:
    """The package's query library (loaded once)."""
    return QueryLibrary()
