"""AppTest: every explorer page renders on a graph built by `kg build`, and the key path works:
search "KAN" -> the KAN method page -> a claim against it -> that claim's paper."""

from __future__ import annotations

from html import unescape

import pytest
from app_support import ENTRY, ROOT, XSS_ID, XSS_TITLE, build_store, page_runner

streamlit_testing = pytest.importorskip("streamlit.testing.v1")
AppTest = streamlit_testing.AppTest

PAGES = ["search", "paper", "method", "entity", "claims", "query", "export"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("app"))


@pytest.fixture
def open_page(store, monkeypatch):
    return page_runner(store, monkeypatch)


def links(at: AppTest) -> list[tuple[str, dict]]:
    """(label, query params) of every page link on the page."""
    found = []
    for element in at.get("page_link"):
        proto = element.proto
        found.append((unescape(proto.label), dict(proto.query_string and [kv.split("=", 1) for kv in proto.query_string.split("&")] or [])))
    return found


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [c.value for c in at.caption]
    parts += [s.value for s in at.subheader] + [label for label, _ in links(at)]
    return unescape("\n".join(parts))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_a_selection(open_page, page):
    at = open_page(page)
    assert at.title or at.markdown


def test_home_shows_the_corpus_in_numbers(open_page):
    at = open_page("search")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Papers"] == "11" and metrics["Claims"] == "13"
    assert any(params.get("method") == "KAN" for _, params in links(at))


def test_search_kan_method_claim_paper(open_page):
    at = open_page("search", q="KAN")
    assert "results for" in text_of(at)
    kan = [params for label, params in links(at) if label.startswith("KAN — 8 papers")]
    assert kan == [{"method": "KAN"}]

    at = open_page("method", **kan[0])
    assert at.title[0].value.endswith("KAN")
    beaten_by = at.dataframe[0].value  # the "Beaten by" table
    row = beaten_by[beaten_by["method_link"].str.contains("MatrixKAN")].iloc[0]
    assert row["value"] == "40x" and "40x relative to KAN" in row["sentence"]
    paper_url = row["paper_link"]
    assert paper_url == "./paper?paper=matrixkan-parallelized-kolmogorov-arnold-network"
    assert ("MatrixKAN: Parallelized Kolmogorov-Arnold Network", {"paper": paper_url.split("=", 1)[1]}) in links(at)

    at = open_page("paper", paper=paper_url.split("=", 1)[1])
    html = unescape("\n".join(m.value for m in at.markdown))
    assert 'title="method: MatrixKAN">MatrixKAN</span>: Parallelized' in html
    assert "speedups of approximately 40x relative to" in html and 'class="kg-claim"' in html
    assert ("MatrixKAN", {"method": "MatrixKAN"}) in links(at)
    claims = at.dataframe[0].value
    assert list(claims["value"]) == ["40x"]


def test_xss_title_is_escaped(open_page):
    at = open_page("paper", paper=XSS_ID)
    heading = next(m.value for m in at.markdown if m.value.startswith('<div class="kg-title">'))
    assert "<script>" not in heading and "&#60;script&#62;alert&#40;1&#41;&#60;&#47;script&#62;" in heading
    assert "<img" not in "\n".join(m.value for m in at.markdown)
    at = open_page("search", q="Revisiting KAN")
    labels = [label for label, _ in links(at)]
    assert XSS_TITLE in labels  # a page link label: inert, shown as text


def test_dataset_page_is_a_leaderboard(open_page):
    at = open_page("entity", dataset="CIFAR-10")
    board = at.dataframe[0].value
    errors = board[board["metric"] == "error"]
    assert list(errors["value"])[:2] == ["1.93%", "4.62%"]
    at.selectbox(key="board_metric").select("accuracy").run()
    assert list(at.dataframe[0].value["method_link"]) == ["./method?method=Wide+ResNet"]
    at = open_page("entity", metric="error")
    assert {m.label: m.value for m in at.metric}["Better is"] == "lower ↓"


def test_claims_browser_filters_and_flags_conflicts(open_page):
    at = open_page("claims")
    assert len(at.dataframe[0].value) == 13
    at.multiselect(key="f_type").select("efficiency").run()
    assert list(at.dataframe[0].value["value"]) == ["40x"]
    at = open_page("claims", conflicts="1")
    frame = at.dataframe[0].value
    assert len(frame) == 2 and frame["conflict"].str.startswith("contradicted by").all()


def test_unknown_selection_warns_and_lists(open_page):
    at = open_page("method", method="No Such Method")
    assert "No method called" in at.warning[0].value
    at = open_page("paper", paper="nope")
    assert "No paper with id" in at.warning[0].value


def test_missing_store_explains_how_to_build(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_STORE", str(tmp_path / "missing"))
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert not at.exception
    assert "Cannot open the graph store" in at.error[0].value
    assert "kg build" in at.info[0].value


@pytest.mark.parametrize("page", ["method", "paper"])
def test_page_runs_on_its_own(store, monkeypatch, page):
    monkeypatch.setenv("KG_STORE", str(store))
    at = AppTest.from_file(str(ROOT / "app" / "app_pages" / f"{page}.py"), default_timeout=60)
    at.query_params.update({"method": "KAN"} if page == "method" else {"paper": XSS_ID})
    at.run()
    assert not at.exception and not at.error
    assert not at.get("page_link")  # not routed: names are shown, not linked


def test_query_console_runs_a_named_example_and_refuses_updates(open_page):
    at = open_page("query", example="methods_outperforming")
    assert at.text_input(key="sparql_methods_outperforming_method").value == "KAN"  # most mentioned method
    at.button(key="sparql_run").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith("2 rows in")
    result = at.dataframe[0].value
    assert set(result["winner"]) == {"./method?method=MLP", "./method?method=XNet"}  # names link to their pages
    assert set(result["paper_id"]) == {"./paper?paper=model-comparisons-xnet-outperforms-kan", f"./paper?paper={XSS_ID}"}
    at.text_area(key="sparql_text_methods_outperforming").set_value("DELETE WHERE { ?s ?p ?o }").run()
    at.button(key="sparql_run").click().run()
    assert "updates are refused" in at.error[0].value


def test_export_neighbourhood_offers_a_download(open_page):
    at = open_page("export", method="MatrixKAN")
    assert at.radio(key="scope").value == "Neighbourhood of one entity"
    assert at.selectbox(key="export_name_method").value == "MatrixKAN"
    assert any("within two links of MatrixKAN" in c.value for c in at.caption)
    preview = at.code[0].value
    assert preview.startswith("<?xml") and 'xmlns="http://gexf.net/1.3"' in preview
    label = at.get("download_button")[0].proto.label
    assert label.startswith("Download GEXF (Gephi) · ") and label.endswith(" KiB")


def test_index_pages_list_entities_with_links(open_page):
    at = open_page("method")
    table = at.dataframe[0].value
    assert table.iloc[0]["name"] == "./method?method=KAN" and table.iloc[0]["papers"] == 8
    at.text_input(key="methods_filter").input("kan").run()
    assert set(at.dataframe[0].value["name"]) == {"./method?method=" + m for m in ("KAN", "U-KAN", "MatrixKAN")}
    at = open_page("entity")
    assert [t.label for t in at.tabs] == ["Datasets (8)", "Tasks (5)", "Metrics (6)"]
