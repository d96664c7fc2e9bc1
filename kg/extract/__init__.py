"""Extraction: papers -> mentions (method/dataset/metric/task), proposed methods and result claims.

``extract_papers`` and ``EXTRACTOR_VERSION`` are the public API; spaCy is imported lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

EXTRACTOR_VERSION = "kg-extract-trained-0.33"

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import extract_papers, output_row

__all__ = ["EXTRACTOR_VERSION", "extract_papers", "output_row"]


def __getattr__(name: str) -> Any:
    if name in ("extract_papers", "output_row", "load_pipeline"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
