"""Query console: read-only SPARQL over the embedded store, or the endpoint of $KG_SPARQL_ENDPOINT
(Cypher when a Bolt server answers)."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore, settings

ROW_LIMIT, TIMEOUT_S = 1000, 10.0


def suggested(param: str, default: str | None, index: explore.Index) -> str:
    """A starting value for a parameter: its default, else the corpus's most mentioned entity."""
    if default is not None:
        return default
    if param == "label":
        return "method"
    top = explore.top_entities(index, "method", 1)
    return top[0][0] if top else ""


def show(result: explore.QueryResult, key: str) -> None:
    rows = len(result.frame)
    st.success(f"{rows} row{'s' if rows != 1 else ''} in {result.seconds * 1000:.0f} ms"
               + (f" (stopped at {ROW_LIMIT})" if result.truncated else ""))
    _ui.result_table(result.frame, key=f"{key}_result")
    _ui.download_csv(result.frame, "query.csv", key=f"{key}_csv")


@st.cache_resource(ttl=60, show_spinner=False)
def _connect(uri: str, bolt_dir: str) -> explore.CypherConsole | None:
    """The Bolt connection, shared by sessions; looked for again after a minute."""
    return explore.cypher_console()


def _sparql_target(graph):
    """Where SPARQL queries go: the endpoint of $KG_SPARQL_ENDPOINT when set, else the store."""
    from kg import api

    endpoint = _ui.sparql_endpoint()
    return api.endpoint(endpoint) if endpoint else graph


def _cypher() -> explore.CypherConsole | None:
    server = settings.neo4j_server()
    return _connect(server.uri if server else "", str(settings.bolt_dir()))


loaded = _ui.setup("Query console", ":material/terminal:")
if loaded is not None:
    graph, index = loaded
    st.title("Query console")
    st.caption(f"Read-only (updates are refused) · at most {ROW_LIMIT} rows · {TIMEOUT_S:g} s timeout. "
               "Start from a named query or write your own; `?param_<name>` variables become inputs.")
    cypher = _cypher()
    tabs = st.tabs(["SPARQL", "Cypher"] if cypher is not None else ["SPARQL"])
    with tabs[0]:
        if _ui.sparql_endpoint():
            st.caption(f"Queries go to the SPARQL endpoint {_ui.inert(_ui.sparql_endpoint())} (`KG_SPARQL_ENDPOINT`).")
        examples = explore.example_queries()
        names = list(examples)
        wanted = _ui.param("example") or "methods_outperforming"
        chosen = st.selectbox("Named query", names, index=names.index(wanted) if wanted in names else 0, key="sparql_example",
                              format_func=lambda n: n.replace("_", " "))
        example = examples[chosen]
        if example.description:
            st.caption(example.description)
        text = st.text_area("SPARQL", value=example.text, height=260, key=f"sparql_text_{chosen}")
        edited = text.strip() != example.text.strip()
        params = explore.query_parameters(text) if edited else tuple(example.params)
        values = {}
        if params:
            for col, param in zip(st.columns(len(params)), params):
                default = None if edited else example.params.get(param)
                values[param] = col.text_input(param, value=suggested(param, default, index),
                                               help=example.param_help.get(param) or None, key=f"sparql_{chosen}_{param}")
        if st.button("Run", type="primary", key="sparql_run", icon=":material/play_arrow:"):
            try:
                result = explore.run_sparql(_sparql_target(graph), text, values, named=None if edited else chosen,
                                            limit=ROW_LIMIT, timeout=TIMEOUT_S)
            except Exception as error:  # a bad query is the user's to fix: say why, keep the console up
                st.error(_ui.inert(f"{type(error).__name__}: {error}"))
            else:
                show(result, "sparql")
    if cypher is not None:
        with tabs[1]:
            st.caption(f"Bolt server {cypher.where} · the same named queries, same parameters and columns.")
            cypher_examples = cypher.examples()
            names = list(cypher_examples) or ["(none)"]
            chosen = st.selectbox("Named query", names, key="cypher_example", format_func=lambda n: n.replace("_", " "),
                                  index=names.index("methods_outperforming") if "methods_outperforming" in names else 0)
            example_text, example_params = cypher_examples.get(chosen, ("MATCH (p:Paper) RETURN count(p) AS papers", {}))
            text = st.text_area("Cypher", value=example_text, height=220, key=f"cypher_text_{chosen}")
            values = {}
            if example_params:
                for col, param in zip(st.columns(len(example_params)), example_params):
                    values[param] = col.text_input(f"${param}", value=suggested(param, example_params[param], index),
                                                   key=f"cypher_{chosen}_{param}")
            if st.button("Run", type="primary", key="cypher_run", icon=":material/play_arrow:"):
                try:
                    show(cypher.run(text, values, limit=ROW_LIMIT, timeout=TIMEOUT_S), "cypher")
                except Exception as error:  # refused write, syntax error, server gone
                    st.error(_ui.inert(f"{type(error).__name__}: {error}"))
