"""The one place that reads environment variables and holds defaults (store, SPARQL endpoint, Bolt).

Everything else asks here, so a default or an environment rule changes in one line.
Light on purpose: standard library only, so ``import kg`` and ``kg --help`` stay fast.
"""

from __future__ import annotations

from pathlib import Path

# Package data: the OWL ontology, the SHACL shapes and the named queries travel inside the wheel.
ONTOLOGY_DIR = Path(__file__).resolve().parent / "ontology"
QUERIES_DIR = ONTOLOGY_DIR / "queries"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
