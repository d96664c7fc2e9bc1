"""The explorer's logic: search and page data over a knowledge graph's records.

One module per concern, imports pointing one way (``index`` ← ``views``; ``html`` and ``search``
below them; ``console``, ``exports`` and ``stores`` stand alone):

- :mod:`.index`: the :class:`Index`, built once from ``KnowledgeGraph.records()``
- :mod:`.search`: the search box (:func:`search`, :class:`Hit`, the scorer, :func:`title_key`)
- :mod:`.views`: pure functions over an Index: every page's tables and views, unit-testable
  without Streamlit (the UI files in ``app/`` only lay them out)
- :mod:`.html`: inert text, links to pages, annotated abstracts, one-line summaries
- :mod:`.console`: the read-only, bounded SPARQL and Cypher consoles
- :mod:`.exports`: downloads of the graph or a neighbourhood (GEXF, GraphML, Turtle, JSON-LD)
- :mod:`.stores`: which stores the explorer may open

``from kg import explore; explore.X`` reaches every public name below; none of these modules
imports pandas, networkx, pyoxigraph, neo4j or streamlit before a function needs it.
"""

from __future__ import annotations

from ..ids import slug
from ..names import search_key, title_key
from .console import CypherConsole, QueryResult, cypher_console, example_queries, query_parameters, run_sparql
from .exports import (
    EXPORT_FORMATS,
    NETWORKX_TRIPLES,
    export_bytes,
    export_size,
    neighbourhood_subgraph,
    store_triples,
    whole_graph_is_small,
)
from .html import (
    CONFLICT_KINDS,
    annotate_html,
    claim_summary,
    conflict_heading,
    entity_anchor,
    entity_url,
    inert,
    page_url,
)
from .index import ClaimRow, Index, PaperSummary, build_index, contradicted_claims, index_records_file, index_store
from .search import KINDS, Hit, search
from .stores import store_under
from .views import (
    BOARD_COLUMNS,
    CLAIM_COLUMNS,
    DIRECTION_TEXT,
    FILTER_CHOICES,
    GAIN_COLUMNS,
    GENERIC_BASELINES,
    PAPER_COLUMNS,
    SOTA_COLUMNS,
    Board,
    EntityView,
    PaperView,
    board_frame,
    boards,
    claim_filter_choices,
    claim_filter_options,
    claims_frame,
    compare_claims,
    compared_methods,
    conflict_methods,
    conflicts_of,
    contradicted_count,
    date_key,
    direction_text,
    entity_count,
    entity_table,
    entity_view,
    filter_claims,
    gains_frame,
    gains_table,
    headline_claims,
    home_stats,
    iter_entity_names,
    measure_text,
    neighbourhood,
    node_id,
    opponents,
    paper_view,
    papers_by_date,
    papers_matching,
    related_entities,
    resolve_entity,
    select_claims,
    select_gains,
    sota_frame,
    timeline,
    top_entities,
)

__all__ = [
    "BOARD_COLUMNS", "CLAIM_COLUMNS", "CONFLICT_KINDS", "DIRECTION_TEXT", "EXPORT_FORMATS", "FILTER_CHOICES", "GAIN_COLUMNS",
    "GENERIC_BASELINES", "KINDS", "NETWORKX_TRIPLES", "PAPER_COLUMNS", "SOTA_COLUMNS", "Board", "ClaimRow", "CypherConsole", "EntityView", "Hit", "Index",
    "PaperSummary", "PaperView", "QueryResult", "annotate_html", "board_frame", "boards", "build_index", "claim_filter_choices", "claim_filter_options",
    "claim_summary", "claims_frame", "compare_claims", "compared_methods", "conflict_heading", "conflict_methods", "conflicts_of",
    "contradicted_claims", "contradicted_count", "cypher_console", "date_key", "direction_text", "entity_anchor", "entity_count", "entity_table",
    "entity_url", "entity_view", "example_queries", "export_bytes", "export_size", "filter_claims", "gains_frame", "gains_table",
    "headline_claims", "home_stats", "index_records_file", "index_store", "inert", "iter_entity_names", "measure_text", "neighbourhood",
    "neighbourhood_subgraph", "node_id", "opponents", "page_url", "paper_view", "papers_by_date", "papers_matching", "query_parameters", "related_entities",
    "resolve_entity", "run_sparql", "search", "search_key", "select_claims", "select_gains", "slug", "sota_frame", "store_triples", "store_under",
    "timeline", "title_key", "top_entities", "whole_graph_is_small",
]
