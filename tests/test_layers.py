"""The package's imports point one way: down the stages of the data flow (README, "How it fits
together"). Every import of a kg module, lazy ones inside functions included, is checked."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

# lowest first; a module may import its own layer's modules and any layer below
LAYERS = [
    {"kg.errors", "kg.settings", "kg.names", "kg.jsonl", "kg.spill"},
    {"kg.ids", "kg.values", "kg.metrics"},
    {"kg.records"},
    {"kg.results", "kg.ingest", "kg.pwc"},
    {"kg.extract"},
    {"kg.graph", "kg.neo4j"},
    {"kg.build", "kg.export", "kg.api"},
    {"kg.explore"},
    {"kg.cli", "kg.__main__"},
]
SIBLINGS_APART = {("kg.graph", "kg.neo4j"), ("kg.neo4j", "kg.graph")}


def unit(module: str) -> str:
    """The layer entry a module belongs to ('kg.graph.store' -> 'kg.graph')."""
    parts = module.split(".")
    for n in (2, 1):
        name = ".".join(parts[:n])
        if any(name in layer for layer in LAYERS):
            return name
    raise KeyError(module)


def rank(module: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if unit(module) in layer)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(KG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def kg_imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every kg import in a file; 'from . import x' counts as kg.<pkg>.x."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "kg"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kg":
                continue
            if node.module is None or target in ("kg", package):
                found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, target))
    return found


def is_module(name: str) -> bool:
    path = KG.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


FILES = sorted(KG.rglob("*.py"))


def test_every_module_has_a_layer():
    assert [module_name(p) for p in FILES if module_name(p) != "kg" and not _has_unit(module_name(p))] == []


def _has_unit(module: str) -> bool:
    try:
        unit(module)
    except KeyError:
        return False
    return True


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(KG.parent)))
def test_imports_point_down(path):
    importer = module_name(path)
    if importer == "kg":
        return  # the package's face re-exports the public API
    wrong = []
    for line, target in kg_imports(path):
        if target.startswith("kg.") and not is_module(target):
            target = target.rpartition(".")[0]  # 'from .x import name'
        if target == "kg":
            continue  # kg.__version__
        if rank(target) > rank(importer) or (unit(importer), unit(target)) in SIBLINGS_APART:
            wrong.append(f"line {line}: {importer} imports {target}")
    assert wrong == []
