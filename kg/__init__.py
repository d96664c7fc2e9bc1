"""papers-kg: a knowledge graph of machine-learning papers built from their abstracts.

``import kg`` stays fast: heavy libraries (spaCy, rdflib, neo4j, streamlit) are
imported only by the functions that use them.
"""

from __future__ import annotations

from .errors import KGError
from .ingest import IngestResult, Problem, ingest
from .records import Claim, Entity, Mention, Paper, PaperRecord, Source

__version__ = "0.1.0"


def __getattr__(name: str):
    """``kg.open`` and ``kg.KnowledgeGraph`` load the graph API (pandas, pyoxigraph) on first use."""
    if name in ("open", "KnowledgeGraph"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


__all__ = [
    "Claim",
    "Entity",
    "IngestResult",
    "KGError",
    "KnowledgeGraph",
    "Mention",
    "Paper",
    "PaperRecord",
    "Problem",
    "Source",
    "__version__",
    "ingest",
    "open",
]
