"""Export: the whole graph or one entity's neighbourhood as GEXF, GraphML, Turtle or JSON-LD."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore

FORMATS = {"GEXF (Gephi)": ("gexf", "application/xml"), "GraphML": ("graphml", "application/xml"),
           "Turtle": ("ttl", "text/turtle"), "JSON-LD": ("jsonld", "application/ld+json")}


@st.cache_data(show_spinner="Serialising…", max_entries=16)
def exported(store: str, stamp: float, fmt: str, centre: tuple[str, str] | None) -> bytes:
    graph, _ = _ui.open_store(store)
    return explore.export_bytes(graph, fmt, centre=centre)


@st.cache_data(show_spinner="Counting…", max_entries=64)
def sized(store: str, stamp: float, centre: tuple[str, str] | None) -> tuple[int, int]:
    graph, _ = _ui.open_store(store)
    return explore.export_size(graph, centre)


def deferred(graph, fmt: str):
    """The whole graph's file, made when the download is clicked (a large graph's is not kept)."""
    return lambda: explore.export_bytes(graph, fmt)


loaded = _ui.setup("Export", ":material/download:")
if loaded is not None:
    graph, index = loaded
    st.title("Export")
    st.caption("GEXF and GraphML open in Gephi (colours and sizes included); Turtle and JSON-LD are the RDF itself.")
    kinds = ["method", "dataset", "task", "metric"]
    preset = next(((k, _ui.param(k)) for k in kinds if _ui.param(k)), None)
    scope = st.radio("What", ["Whole graph", "Neighbourhood of one entity"], horizontal=True, key="scope",
                     index=1 if preset else 0)
    centre = None
    if scope != "Whole graph":
        cols = st.columns([1, 3])
        kind = cols[0].selectbox("Type", kinds, key="export_kind", index=kinds.index(preset[0]) if preset else 0)
        names = list(explore.iter_entity_names(index, kind))
        wanted = preset[1] if preset and preset[0] == kind else ""
        name = cols[1].selectbox("Entity", names, key=f"export_name_{kind}", index=names.index(wanted) if wanted in names else 0)
        if name:
            centre = (kind, name)
            st.caption(f"Everything within two links of {_ui.inert(name)}: its claims and papers, and what they link to.")
    eager = centre is not None or explore.whole_graph_is_small(graph)
    if eager:
        nodes, edges = sized(_ui.current_store(), _ui.store_stamp(), centre)
        st.caption(f"{nodes:,} nodes and {edges:,} edges in the networkx view (GEXF/GraphML); the RDF keeps every triple about them.")
    else:
        triples = explore.store_triples(graph)
        st.caption(f"{triples:,} triples: the whole graph's file is made when you click the download "
                   "(GEXF/GraphML hold its networkx view, Turtle and JSON-LD every triple).")
    fmt_label = st.radio("Format", list(FORMATS), horizontal=True, key="fmt")
    fmt, mime = FORMATS[fmt_label]
    if not eager:
        if fmt in ("gexf", "graphml") and (explore.store_triples(graph) or 0) > explore.NETWORKX_TRIPLES:
            st.info(f"{fmt_label} of the whole graph needs its networkx view in memory, too large here; "
                    f"`kg export -f {fmt}` writes it from the command line, or export a neighbourhood.")
        else:
            st.download_button(f"Download {fmt_label} · whole graph, made when clicked", deferred(graph, fmt),
                               file_name=f"papers-kg.{fmt}", mime=mime, type="primary", icon=":material/download:",
                               key="download")
    else:
        try:
            data = exported(_ui.current_store(), _ui.store_stamp(), fmt, centre)
        except Exception as error:  # report the failing export, keep the page up
            st.error(f"Export failed: {_ui.inert(error)}")
        else:
            stem = "papers-kg" if centre is None else f"papers-kg-{centre[0]}-{explore.slug(centre[1])}"
            st.download_button(f"Download {fmt_label} · {len(data) / 1024:.1f} KiB", data, file_name=f"{stem}.{fmt}",
                               mime=mime, type="primary", icon=":material/download:", key="download")
            with st.expander("Preview (first 3,000 characters)"):
                st.code(data[:3000].decode("utf-8", "replace"),
                        language="xml" if fmt in ("gexf", "graphml") else "turtle" if fmt == "ttl" else "json")
