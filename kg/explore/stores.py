"""Which stores the explorer may open: only those under its store root (:func:`kg.settings.store_root`)."""

from __future__ import annotations

import os
from pathlib import Path


def store_under(path: str, root: str | Path) -> Path | None:
    """``path`` (relative paths are taken from ``root``; ``..`` taken lexically) with the links of its
    folder resolved, if it and what it points to lie under ``root``; else None."""
    root = Path(root).resolve()
    lexical = Path(os.path.normpath(root / Path(path).expanduser()))
    if lexical == root:
        return root
    # The last component stays a name: a store is a link to its current version, and the app must
    # keep following the link to see rebuilds. Both it and its target must lie under the root.
    chosen = lexical.parent.resolve() / lexical.name
    inside = chosen.parent.is_relative_to(root) and chosen.resolve().is_relative_to(root)
    return chosen if inside else None
