"""Curated name lists shipped in ``resources/`` (see resources/SOURCES.md) and lookups on them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..records import ENTITY_LABELS

RESOURCES = Path(__file__).parent / "resources"


@lru_cache(maxsize=1)
def load_gazetteers() -> dict[str, tuple[str, ...]]:
    """label -> names, read from resources/gazetteer_<label>.txt."""
    out = {}
    for label in ENTITY_LABELS + ("method_nocase",):
        path = RESOURCES / f"gazetteer_{label}.txt"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        out[label] = tuple(line.strip() for line in lines if line.strip())
    return out


# Label priority when a name is listed under several labels.
_ORDER = ("dataset", "metric", "method", "task")


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    lower: dict[str, str] = {}
    gaz = load_gazetteers()
    for label in reversed(_ORDER):
        for name in gaz[label]:
            exact[name] = label
            if " " in name or "-" in name:
                lower[name.lower()] = label
    for name in gaz["method_nocase"]:
        lower.setdefault(name.lower(), "method")
    return exact, lower


def lookup(name: str) -> str | None:
    """Label of ``name`` in the gazetteers: exact spelling first, then (multi-word or lower-case
    entries) case-insensitively; None when unknown."""
    exact, lower = _index()
    if name in exact:
        return exact[name]
    return lower.get(name.lower())
