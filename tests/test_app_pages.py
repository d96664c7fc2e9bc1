"""AppTest: every explorer page renders on a graph built by `kg build`, and the key path works:
search "KAN" -> the KAN method page -> a claim against it -> that claim's paper."""

from __future__ import annotations

import os
import re
from html import unescape
from urllib.parse import quote

import pytest

from app_support import ENTRY, ROOT, XSS_ID, XSS_TITLE, build_store, page_runner

streamlit_testing = pytest.importorskip("streamlit.testing.v1")
AppTest = streamlit_testing.AppTest

PAGES = ["search", "paper", "method", "entity", "claims", "compare", "conflicts", "query", "export"]


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
    assert at.warning[0].value.startswith("1 conflict between papers")
    assert ("Review the conflicts", {}) in links(at)


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


def charts(at: AppTest) -> list:
    """The data of every Vega-Lite chart on the page (st.bar_chart, st.altair_chart), as frames."""
    import pyarrow as pa

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return [pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            for node in walk(at._tree) if getattr(node, "type", "") == "vega_lite_chart" for dataset in node.proto.datasets]


def test_method_page_shows_the_timeline(open_page):
    """The chart of mentions over listing dates is explore.timeline (the named query's answer)."""
    at = open_page("method", method="sharpDARTS")
    [chart] = charts(at)
    assert list(zip(chart["listing_date"], chart["papers"])) == [("Mar 14", 1)]
    at = open_page("method", method="ResNet")  # its papers have no listing date
    assert not charts(at) and "No listing dates known for these papers." in text_of(at)


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
    board = at.dataframe[0].value  # scores only: the 20-30% relative improvement is a gain
    assert list(zip(board["rank"], board["method_link"], board["value"])) == [
        (1, "./method?method=sharpDARTS", "1.93%"), (2, "./method?method=ResNet", "4.62%")]
    assert board["paper"][0] == "./paper?paper=sharpdarts-faster-and-more-accurate-differentiable-architecture-search#" + quote(
        "sharpDARTS: Faster and More Accurate Differentiable Architecture Search", safe="")
    assert "error on CIFAR-10 (%): lower is better." in text_of(at)
    assert "Only papers with a publication date can be placed in time" in at.info[0].value  # no dated scores
    gains = at.dataframe[1].value
    assert list(zip(gains["method_link"], gains["kind"], gains["value"])) == [("./method?method=sharpDARTS", "range", "20-30%")]
    assert len(at.dataframe[2].value) == 5  # every claim naming CIFAR-10
    at = open_page("entity", metric="error")
    assert {m.label: m.value for m in at.metric}["Better is"] == "lower ↓"
    at = open_page("entity", metric="IoU")  # a delta only: no board, the gain is shown
    assert "No scores here." in text_of(at) and list(at.dataframe[0].value["value"]) == ["2%"]


def test_claims_browser_filters_and_flags_conflicts(open_page):
    at = open_page("claims")
    assert len(at.dataframe[0].value) == 13
    at.multiselect(key="f_type").select("efficiency").run()
    assert list(at.dataframe[0].value["value"]) == ["40x"]
    assert list(at.dataframe[0].value["kind"]) == ["ratio"]
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


@pytest.mark.parametrize("page, params", [("method", {"method": "KAN"}), ("paper", {"paper": XSS_ID}),
                                          ("compare", {"a": "KAN", "b": "MLP"}), ("conflicts", {}),
                                          ("entity", {"dataset": "CIFAR-10"})])
def test_page_runs_on_its_own(store, monkeypatch, page, params):
    monkeypatch.setenv("KG_STORE", str(store))
    at = AppTest.from_file(str(ROOT / "app" / "app_pages" / f"{page}.py"), default_timeout=60)
    at.query_params.update(params)
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


# ------------------------------------------------------------------ results views, on papers whose results disagree

RESULTS = ROOT / "tests" / "fixtures" / "records_results.jsonl"


@pytest.fixture(scope="module")
def results_store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("results"), RESULTS)


@pytest.fixture
def open_results(results_store, monkeypatch):
    return page_runner(results_store, monkeypatch)


def summaries(at: AppTest) -> list[str]:
    """The text of the page's summary lines (claims, conflicts)."""
    return [unescape(re.sub(r"<[^>]+>", "", m.value)) for m in at.markdown if m.value.startswith('<div class="kg-summary">')]


def chart_rows(at: AppTest):
    """The data of the page's one Altair chart."""
    import pyarrow as pa

    [chart] = at.get("vega_lite_chart")
    [data] = chart.proto.datasets
    return pa.ipc.open_stream(data.data.data).read_pandas()


def test_leaderboard_ranks_scores_and_links_paper_titles(open_results):
    at = open_results("entity", dataset="ImageNet")
    board = at.dataframe[0].value
    assert list(zip(board["rank"], board["method_link"].str.split("=").str[1], board["value"])) == [
        (1, "DeltaNet", "85.0%"), (2, "BetaNet", "82.5%"), (3, "GammaNet", "81.0%"), (4, "AlphaNet", "80.1%"), (5, "AlphaNet", "78.1%")]
    assert list(board.columns) == ["rank", "method_link", "value", "dataset", "metric", "task", "paper", "date", "sentence"]
    assert board["paper"][2] == "./paper?paper=gammanet-small-and-fast#GammaNet%3A%20Small%20%26%20Fast%20%3CNets%3E"
    assert "top-1 accuracy on ImageNet (%): higher is better." in text_of(at)
    gains = at.dataframe[1].value
    assert list(zip(gains["method_link"], gains["baseline_link"], gains["kind"], gains["value"])) == [
        ("./method?method=AlphaNet", "./method?method=BetaNet", "delta", "1.2%")]


def test_sota_chart_has_every_dated_score_and_the_best_so_far(open_results):
    at = open_results("entity", dataset="ImageNet")
    rows = chart_rows(at)
    assert list(rows["method"]) == ["AlphaNet", "BetaNet", "AlphaNet", "GammaNet"]  # DeltaNet has no date
    assert list(rows["best"]) == [80.1, 82.5, 82.5, 82.5]
    assert list(rows["status"]) == ["new best", "new best", "not a new best", "not a new best"]
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"interpolate": "step-after"' in spec
    assert "Not shown: 1 of the board's scores, from papers without a publication date" in text_of(at)


def test_board_choice_and_metric_direction(open_results):
    at = open_results("entity", task="image classification", by="error")
    assert at.selectbox(key="board_pick").value == "error on CIFAR-10 (%)"  # picked by ?by=
    assert at.selectbox(key="board_pick").options == ["top-1 accuracy on ImageNet (%) · 5 results", "error on CIFAR-10 (%) · 2 results"]
    assert list(at.dataframe[0].value["value"]) == ["2.5%", "3.1%"]  # lower error first
    assert list(chart_rows(at)["best"]) == [3.1, 2.5]
    at.selectbox(key="board_pick").select("top-1 accuracy on ImageNet (%)").run()
    assert len(at.dataframe[0].value) == 5
    at = open_results("entity", metric="top-1 accuracy")
    assert {m.label: m.value for m in at.metric}["Better is"] == "higher ↑"


def test_claims_page_shows_the_board_of_its_filters(open_results):
    at = open_results("claims")
    at.selectbox(key="f_dataset").select("CIFAR-10").run()
    assert len(at.dataframe[0].value) == 2  # the claims
    assert list(at.dataframe[1].value["method_link"]) == ["./method?method=GammaNet", "./method?method=AlphaNet"]
    assert "No gains over a baseline." in text_of(at)


def test_method_page_tables_say_the_kind_of_each_value(open_results):
    at = open_results("method", method="AlphaNet")
    beaten_by, beats = at.dataframe[0].value, at.dataframe[1].value
    assert list(zip(beaten_by["method_link"], beaten_by["value"], beaten_by["kind"])) == [
        ("./method?method=BetaNet", "82.5%", "score"), ("./method?method=GammaNet", "10x", "ratio")]
    assert list(beats["kind"]) == ["score", "delta", "score", "score"]
    assert beats["values"][1] == "1.2% (delta, top-1 accuracy, ImageNet)"
    assert ("BetaNet", {"a": "AlphaNet", "b": "BetaNet"}) in links(at)


def test_method_page_keeps_its_tables_and_graph(open_page):
    """A second visit lays out the tables and the neighbourhood graph of the first (kept in Index.recent),
    the graph as explore.neighbourhood draws it."""
    import sys

    from kg import explore

    first = open_page("method", method="KAN")
    again = open_page("method", method="KAN")
    assert not again.exception and len(again.dataframe) == len(first.dataframe) == 2
    for a, b in zip(first.dataframe, again.dataframe):
        assert a.value.equals(b.value)
    ui, index = sys.modules["_ui"], fixture_index()
    nodes, edges = ui.neighbourhood_graph(index, "method", "KAN")
    assert ui.neighbourhood_graph(index, "method", "KAN") == (nodes, edges)
    graph = explore.neighbourhood(index, "method", "KAN")
    assert [n.id for n in nodes] == list(graph.nodes) and [(e.source, e.to) for e in edges] == list(graph.edges())
    assert next(n for n in nodes if n.id == "method:KAN").size == 30
    assert any(e.color == "#d62728" and e.source == "method:KAN" for e in edges)


def test_compare_shows_claims_both_ways(open_results):
    at = open_results("compare", a="AlphaNet", b="BetaNet")
    frame = at.dataframe[0].value
    assert list(zip(frame["method_link"], frame["baseline_link"])) == [
        ("./method?method=AlphaNet", "./method?method=BetaNet"), ("./method?method=BetaNet", "./method?method=AlphaNet")]
    assert [m.value for m in at.metric] == ["1", "1"]
    quotes = [m.value for m in at.markdown if m.value.startswith('<div class="kg-quote">')]
    assert [unescape(q) for q in quotes] == [f'<div class="kg-quote">{s}</div>' for s in frame["sentence"]]
    at.selectbox(key="a").select("GammaNet").run()
    assert at.selectbox(key="b").options == ["AlphaNet"]
    assert list(at.dataframe[0].value["value"]) == ["10x"]


def test_conflicts_side_by_side(open_results):
    at = open_results("conflicts")
    assert summaries(at) == ["Opposite orderings: AlphaNet vs BetaNet on ImageNet (top-1 accuracy)",
                         "Different scores: AlphaNet on ImageNet (top-1 accuracy)"]
    quotes = [unescape(m.value) for m in at.markdown if m.value.startswith('<div class="kg-quote">')]
    assert "AlphaNet reaches 80.1% top-1 accuracy on ImageNet." in quotes[2]
    assert "In our reproduction, AlphaNet reaches 78.1% top-1 accuracy on ImageNet." in quotes[3]
    assert [label for label, _ in links(at)] == ["AlphaNet: Scaling Convolutions", "BetaNet v2: Better Baselines"] * 2
    at.selectbox(key="conflict_method").select("BetaNet").run()
    assert len(summaries(at)) == 1


def test_no_conflicts_is_an_answer(open_results, tmp_path, monkeypatch):
    at = open_results("conflicts", method="GammaNet")
    assert at.info[0].value == "No conflicting claims involve “GammaNet”."
    assert len(summaries(at)) == 2  # the filter falls back to every conflict
    one_paper = tmp_path / "records.jsonl"
    one_paper.write_text(RESULTS.read_text().splitlines()[0] + "\n")
    at = page_runner(build_store(tmp_path, one_paper), monkeypatch)("conflicts")
    assert at.success[0].value.startswith("No conflicting claims") and not summaries(at)
    assert not at.get("selectbox")


def test_app_fixture_conflict_page(open_page):
    at = open_page("conflicts")
    assert summaries(at) == ["Opposite orderings: KAN vs MLP (accuracy)"]


# ------------------------------------------------------------------ long lists: cut, said so, the rest reachable


@pytest.fixture
def small_limits(open_page, monkeypatch):
    """The pages' list and table limits made small enough for the fixture graph to exceed them."""
    import sys

    open_page("search")  # imports the pages' _ui
    ui = sys.modules["_ui"]
    for name, value in (("LIST_LINKS", 3), ("TABLE_ROWS", 2), ("FILTER_CHOICES", 2), ("CONFLICTS_PAGE", 1), ("CLAIMS_PAGE", 2)):
        monkeypatch.setattr(ui, name, value)
    return open_page


def test_long_lists_are_paged(small_limits):
    at = small_limits("method", method="KAN")  # 8 papers, 3 a page
    papers = [("★ " if relation == "proposes" else "") + title for _, title, relation, _ in kan_papers()]
    box = at.number_input(key="papers_page")
    assert box.max == 3 and "Papers 1–3 of 8." in text_of(at)
    assert [label for label, params in links(at) if "paper" in params][-3:] == papers[:3]
    at = box.set_value(3).run()
    assert "Papers 7–8 of 8." in text_of(at)
    assert [label for label, params in links(at) if "paper" in params][-2:] == papers[6:]


def test_long_claim_tables_say_where_the_rest_is(small_limits):
    at = small_limits("claims")
    assert len(at.dataframe[0].value) == 2 and "The table shows 2 at a time (choose the page below); narrow" in text_of(at)
    at = small_limits("entity", dataset="CIFAR-10")  # 5 claims name it
    assert "The first 2 of 5 claims; download the CSV for them all, or narrow them on the Claims page" in text_of(at)
    assert ("Claims naming CIFAR-10", {"dataset": "CIFAR-10"}) in links(at)
    at = small_limits("claims", dataset="CIFAR-10")  # that link's page: every claim naming it
    assert at.selectbox(key="f_dataset").value == "CIFAR-10" and "5 of 13 claims" in text_of(at)


def test_claims_table_pages_through_every_claim(small_limits):
    from kg import explore

    every = explore.claims_frame(fixture_index(), explore.select_claims(fixture_index()))
    at = small_limits("claims")  # 13 claims, 2 a page
    box = at.number_input(key="claims_page")
    assert box.max == 7 and "Claims 1–2 of 13." in text_of(at)
    assert list(at.dataframe[0].value["sentence"]) == list(every["sentence"][:2])
    at = box.set_value(2).run()
    assert "Claims 3–4 of 13." in text_of(at)
    assert list(at.dataframe[0].value["sentence"]) == list(every["sentence"][2:4])
    at = at.number_input(key="claims_page").set_value(7).run()
    assert "Claims 13–13 of 13." in text_of(at) and list(at.dataframe[0].value["sentence"]) == list(every["sentence"][12:])
    assert at.get("download_button")  # the CSV of all 13
    at = at.multiselect(key="f_type").select("efficiency").run()  # a filter leaving one claim: no pages
    assert not at.exception and len(at.dataframe[0].value) == 1 and not at.number_input


def test_claim_filter_takes_a_typed_value_left_out_of_its_list(small_limits):
    listed = small_limits("claims").selectbox(key="f_method").options
    rare = next(m for m in explore_options(None) if m not in listed)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.session_state["f_method"] = rare  # what typing it in the box sends (AppTest's set_value takes listed options only)
    at.switch_page("app_pages/claims.py")
    at.run()
    assert not at.exception and at.selectbox(key="f_method").value == rare
    from kg import explore

    expected = explore.select_claims(fixture_index(), method=rare)
    assert f"{len(expected)} of 13 claims" in text_of(at)
    assert list(at.dataframe[0].value["sentence"]) == [row.claim.sentence for row in expected][:2]


def test_claim_filters_list_the_most_claimed_and_take_any_other(small_limits):
    at = small_limits("claims")
    methods = at.selectbox(key="f_method")
    assert len(methods.options) == 3 and methods.options[0] == ""  # "" (any) and the two named by most claims
    assert "type the name of any other" in methods.help
    rare = next(m for m in explore_options(at) if m not in methods.options)
    at = small_limits("claims", method=rare)  # a value left out of the list, from the URL
    assert at.selectbox(key="f_method").value == rare
    from kg import explore

    assert f"{len(explore.select_claims(fixture_index(), method=rare))} of 13 claims" in text_of(at)


def fixture_index():
    """The explorer's index of the store the pages open."""
    import kg
    from kg import explore

    return explore.index_store(kg.open(os.environ["KG_STORE"]))


def explore_options(at: AppTest) -> list[str]:
    """Every method a claim of the fixture graph names (the claims filter's full list)."""
    from kg import explore

    return explore.claim_filter_options(fixture_index())["method"]


def kan_papers() -> list[tuple[str, str, str, str]]:
    from kg import explore

    return explore.entity_view(fixture_index(), "method", "KAN").paper_rows


def test_conflicts_are_paged(open_results, monkeypatch):
    import sys

    every = summaries(open_results("conflicts"))
    assert len(every) == 2
    monkeypatch.setattr(sys.modules["_ui"], "CONFLICTS_PAGE", 1)
    at = open_results("conflicts")
    assert summaries(at) == every[:1] and "Conflicts 1–1 of 2." in text_of(at)
    at = at.number_input(key="conflicts_page").set_value(2).run()
    assert summaries(at) == every[1:]


def test_paper_list_is_paged_and_filtered(small_limits):
    from kg import explore

    at = small_limits("paper")
    assert at.number_input(key="papers_page").max == 4 and "11 of 11 papers, newest first; words from a title" in text_of(at)
    newest = [p.title for p in explore.papers_by_date(fixture_index())]
    assert [label for label, _ in links(at)][-3:] == newest[:3]
    at = at.text_input(key="paper_filter").input("kolmogorov arnold").run()
    expected = [p.title for p in explore.papers_matching(fixture_index(), "kolmogorov arnold")]
    assert 0 < len(expected) < 11 and f"{len(expected)} of 11 papers" in text_of(at)


def test_board_choice_lists_the_largest_boards_and_says_how_to_reach_the_others(open_results, monkeypatch):
    import sys

    every = open_results("claims").selectbox(key="claims_board_pick").options
    assert len(every) == 2
    monkeypatch.setattr(sys.modules["_ui"], "FILTER_CHOICES", 1)
    box = open_results("claims").selectbox(key="claims_board_pick")
    assert box.options == every[:1] and "Lists the 1 boards with the most results, of 2; choose a dataset" in box.help
    at = open_results("claims", metric="error")  # the left-out board, reached by its metric: the only board, no choice
    assert "error on CIFAR-10 (%): lower is better" in text_of(at)
