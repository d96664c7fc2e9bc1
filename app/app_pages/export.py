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
    nodes, edges = explore.export_size(graph, centre)
    st.caption(f"{nodes:,} nodes and {edges:,} edges in the networkx view (GEXF/GraphML); the RDF keeps every triple about them.")
    fmt_label = st.radio("Format", list(FORMATS), horizontal=True, key="fmt")
    fmt, mime = FORMATS[fmt_label]
    try:
        data = exported(_ui.current_store(), _ui.store_stamp(), fmt, centre)
    except Exception as error:  # report the failing export, keep the page up
        st.error(f"Export failed: {_ui.inert(error)}")
    else:
        stem = "papers-kg" if centre is None else f"papers-kg-{centre[0]}-{explore.slug(centre[1])}"
        st.download_button(f"Download {fmt_label} · {len(data) / 1024:.1f} KiB", data, file_name=f"{stem}.{fmt}",
                           mime=mime, type="primary", icon=":material/download:", key="download")
        with st.expander("Preview (first 3,000 characters)"):
            st.code(data[:3000].decode("utf-8", "replace"), language="xml" if fmt in ("gexf", "graphml") else "turtle" if fmt == "ttl" else "json")
