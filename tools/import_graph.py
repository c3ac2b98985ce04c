"""The package dependency graph of ``guanxi``, read from the code, and the layering rule.

    .venv/bin/python tools/import_graph.py          # print the graph and any violation
    .venv/bin/python tools/import_graph.py --write  # refresh the picture in docs/architecture.md

Every ``import`` and ``from … import`` of a ``guanxi`` module (at the top of a module or
inside a function) is an edge from the importing package to the imported one. Packages sit
on the levels of :data:`LEVELS`; a package may import only from packages on lower levels
(and itself), which also rules out cycles. ``tests/unit/test_architecture.py`` checks the
rule, the 300-line limit and that the picture in docs/architecture.md is current.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "guanxi"
DOC = ROOT / "docs" / "architecture.md"
START, END = "<!-- import-graph:start -->", "<!-- import-graph:end -->"
MAX_LINES = 300

#: gateway → access → scoring/gnn/loaders → services → api → commands → cli
LEVELS: dict[str, int] = {
    "guanxi": 0,
    "errors": 0,
    "config": 1,
    "records": 1,
    "graph": 2,
    "access": 3,
    "loaders": 4,
    "scoring": 4,
    "gnn": 4,
    "pipeline": 5,
    "viz": 5,
    "psi": 5,
    "opportunities": 5,
    "campaigns": 5,
    "documents": 5,
    "effects": 5,
    "reports": 5,
    "api": 6,
    "commands": 7,
    "cli": 8,
}


def package_of(module: str) -> str:
    """``guanxi.scoring.intimacy`` → ``scoring``; ``guanxi.cli`` → ``cli``; ``guanxi`` →
    ``guanxi``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(path: Path) -> list[str]:
    """The ``guanxi`` modules a file imports, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "guanxi" or node.module.startswith("guanxi."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("guanxi")]
    return found


def edges() -> Counter[tuple[str, str]]:
    """(importing package, imported package) → number of import statements."""
    out: Counter[tuple[str, str]] = Counter()
    for name, path in modules().items():
        src = package_of(name)
        for target in imports(path):
            dst = package_of(target)
            if dst != src:
                out[(src, dst)] += 1
    return out


def violations() -> list[str]:
    """Imports against the layering rule, and packages missing from :data:`LEVELS`."""
    out = []
    for name in modules():
        if package_of(name) not in LEVELS:
            out.append(f"{name}: package {package_of(name)!r} has no level in LEVELS")
    for name, path in modules().items():
        src = package_of(name)
        for target in imports(path):
            dst = package_of(target)
            if dst != src and LEVELS.get(dst, 99) >= LEVELS.get(src, -1):
                out.append(f"{name} imports {target}: {src} may not depend on {dst}")
    return sorted(set(out))


def long_modules(limit: int = MAX_LINES) -> list[str]:
    """Modules over ``limit`` lines."""
    return [
        f"{name} ({n} lines)"
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > limit
    ]


def mermaid() -> str:
    """The package graph as a Mermaid flowchart, packages grouped by level."""
    used = {p for e in edges() for p in e} | {package_of(m) for m in modules()}
    lines = ["```mermaid", "flowchart BT"]
    for level in sorted(set(LEVELS.values())):
        members = [p for p, lv in LEVELS.items() if lv == level and p in used]
        if members:
            lines.append(f"  subgraph L{level}[level {level}]")
            lines += [f"    {p}" for p in members]
            lines.append("  end")
    for (src, dst), n in sorted(edges().items()):
        lines.append(f"  {src} -->|{n}| {dst}")
    lines.append("```")
    return "\n".join(lines)


def doc_block() -> str:
    return f"{START}\n{mermaid()}\n{END}"


def current_doc_block() -> str | None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if START not in text or END not in text:
        return None
    return text[text.index(START) : text.index(END) + len(END)]


def write_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    old = current_doc_block()
    if old is None:
        raise SystemExit(f"{DOC} has no {START} … {END} block")
    DOC.write_text(text.replace(old, doc_block()), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="refresh docs/architecture.md")
    args = ap.parse_args()
    if args.write:
        write_doc()
    print(mermaid())
    bad = violations() + [f"over {MAX_LINES} lines: {m}" for m in long_modules()]
    for v in bad:
        print("VIOLATION", v, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
