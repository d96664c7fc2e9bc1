"""kg.explore: the explorer's logic, on a hand-annotated checkpoint of real seed papers."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from kg import explore
from kg.records import Claim, Mention, Paper, PaperRecord, Source

FIXTURE = Path(__file__).parent / "fixtures" / "records_app.jsonl"
XSS_ID = "script-alert-1-script-revisiting-kan-b-versus-b-mlp"


@pytest.fixture(scope="module")
def records() -> list[PaperRecord]:
    return [PaperRecord.from_dict(json.loads(line)) for line in FIXTURE.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def index(records) -> explore.Index:
    return explore.build_index(records)


def test_fixture_offsets_are_exact(records):
    for record in records:
        for mention in record.mentions:
            assert getattr(record.paper, mention.field)[mention.start : mention.end] == mention.text
        for claim in record.claims:
            assert getattr(record.paper, claim.field)[claim.start : claim.end] == claim.sentence


def test_search_groups_by_kind_and_ranks_exact_first(index):
    groups = explore.search(index, "KAN")
    assert list(groups) == ["method", "paper"]
    assert groups["method"][0].key == "KAN" and groups["method"][0].score == 100
    assert groups["method"][0].papers == 8
    assert {"U-KAN", "MatrixKAN"} <= {h.key for h in groups["method"]}
    assert any(h.key == "kan-kolmogorov-arnold-networks" for h in groups["paper"])


def test_search_finds_aliases_and_tolerates_typos(index):
    assert explore.search(index, "Kolmogorov-Arnold Netwroks")["method"][0].key == "KAN"
    assert explore.search(index, "WRNs")["method"][0].key == "Wide ResNet"
    assert explore.search(index, "cifar10")["dataset"][0].key == "CIFAR-10"
    assert explore.search(index, "sharpdart")["method"][0].key == "sharpDARTS"
    assert explore.search(index, "zzzz qqq") == {}
    assert explore.search(index, "  ") == {}


def test_short_queries_are_not_fuzzy(index):
    # "KIN" is one edit from KAN and KINN, but three letters are too few to guess from
    assert "method" not in explore.search(index, "KIM")


def test_home_stats_count_the_corpus(index, records):
    stats = explore.home_stats(index)
    assert stats["papers"] == len(records) == 11
    assert stats["claims"] == sum(len(r.claims) for r in records)
    assert stats["methods"] == len([e for e in index.entities if e[0] == "method"])
    assert stats["conflicts"] == 1  # KAN > MLP vs MLP > KAN: one conflict (kg.results.conflicts), two claims


def test_annotated_html_escapes_everything_but_its_own_tags():
    text = 'A <script>alert(1)</script> & "KAN" beats MLP.'
    start = text.index("KAN")
    mentions = [Mention("KAN", "method", "KAN", "abstract", start, start + 3),
                Mention("<script>", "method", "<evil>", "abstract", 2, 10)]
    out = explore.annotate_html(text, mentions, [Claim(text, "abstract", 0, len(text), "outperforms", "KAN")])
    assert "<script>" not in out and "&#60;script&#62;" in out
    assert 'title="method&#58; &#60;evil&#62;"' in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    assert out.startswith('<mark class="kg-claim"') and out.endswith("</mark>")
    assert out.count('class="kg-ent kg-method"') == 2


def test_annotated_html_drops_overlapping_and_out_of_range_mentions():
    text = "Kolmogorov-Arnold Networks"
    mentions = [Mention(text, "method", "KAN", "title", 0, len(text)),
                Mention("Arnold", "method", "X", "title", 11, 17),
                Mention("bad", "method", "Y", "title", 20, 99)]
    out = explore.annotate_html(text, mentions)
    assert out.count("<span") == 1 and "X" not in out and "Y" not in out


def test_paper_view_of_the_xss_paper_is_text(index):
    view = explore.paper_view(index, XSS_ID)
    assert "<script>" not in view.title_html and "&#60;script&#62;alert&#40;1&#41;" in view.title_html
    assert "<img" not in view.abstract_html and "&#60;img src&#61;x" in view.abstract_html
    assert view.claims.loc[0, "conflict"].startswith("contradicted by kan-kolmogorov-arnold-networks")
    assert explore.paper_view(index, "no-such-paper") is None


def test_paper_view_lists_proposed_methods_and_claims(index):
    view = explore.paper_view(index, "matrixkan-parallelized-kolmogorov-arnold-network")
    assert view.proposed == ("MatrixKAN",)
    assert view.entities["method"][:2] == ["MatrixKAN", "KAN"]
    row = view.claims.iloc[0]
    assert (row["type"], row["method"], row["baseline"], row["value"]) == ("efficiency", "MatrixKAN", "KAN", "40x")
    assert 'class="kg-claim"' in view.abstract_html


def test_method_view_beats_and_beaten_by(index):
    view = explore.entity_view(index, "method", "Kolmogorov-Arnold networks")  # an alias resolves
    assert view.name == "KAN"
    assert "KANs" in view.aliases
    beaten = view.beaten_by.set_index("method")
    assert set(beaten.index) == {"MatrixKAN", "XNet", "MLP"}
    assert beaten.loc["MatrixKAN", "value"] == "40x"
    assert beaten.loc["MatrixKAN", "paper_id"] == "matrixkan-parallelized-kolmogorov-arnold-network"
    assert "40x relative to KAN" in beaten.loc["MatrixKAN", "sentence"]
    assert list(view.beats["baseline"]) == ["MLP"]
    assert set(view.papers.loc[view.papers["relation"] == "proposes", "paper_id"]) == {"kan-kolmogorov-arnold-networks"}
    assert view.related[0][:2] == ("MLP", "method")
    assert explore.entity_view(index, "method", "No Such Method") is None


def test_dataset_leaderboard_ranks_scores_by_direction(index):
    view = explore.entity_view(index, "dataset", "CIFAR-10")
    [board] = view.boards  # the 20-30% relative improvement is a range: a gain, not a score
    assert (board.title, explore.direction_text(board.metric)) == ("error on CIFAR-10 (%)", "lower is better")
    frame = explore.board_frame(board)
    assert list(zip(frame["rank"], frame["method"], frame["value"])) == [(1, "sharpDARTS", "1.93%"), (2, "ResNet", "4.62%")]
    assert list(frame.columns) == explore.BOARD_COLUMNS
    assert list(zip(view.gains["method"], view.gains["kind"], view.gains["value"])) == [("sharpDARTS", "range", "20-30%")]
    assert len(view.claims) == 5  # every claim naming CIFAR-10 is still listed
    assert explore.entity_view(index, "metric", "error").direction == "lower"  # from kg.metrics' table
    assert explore.entity_view(index, "metric", "accuracy").direction == "higher"
    assert explore.entity_view(index, "method", "KAN").boards == []


def test_filter_claims(index):
    assert set(explore.filter_claims(index, types=["efficiency"])["method"]) == {"MatrixKAN"}
    by_dataset = explore.filter_claims(index, dataset="CIFAR-10", metric="error")
    assert set(by_dataset["method"]) == {"sharpDARTS", "ResNet"}
    conflicts = explore.filter_claims(index, conflicts_only=True)
    assert {(r.method, r.baseline) for r in conflicts.itertuples()} == {("KAN", "MLP"), ("MLP", "KAN")}
    both_sides = explore.filter_claims(index, method="KAN")
    assert len(both_sides) == 4
    options = explore.claim_filter_options(index)
    assert "outperforms" in options["type"] and "CIFAR-10" in options["dataset"]


def test_timeline_sorts_listing_dates_in_calendar_order(index):
    frame = explore.timeline(index, "dataset", "CIFAR-10")
    assert list(frame["listing_date"]) == ["Mar 14"]
    assert explore.date_key("Mar 14") < explore.date_key("Nov 3") < explore.date_key("~")


def test_timeline_counts_papers_per_listing_date_as_the_named_query():
    """Listing dates only (a paper with a publication date and no listing date is not on it, as in
    ``mentions_per_listing_date``), each paper once per date, proposing counts as mentioning."""
    def record(pid: str, dates: tuple[str | None, ...], published: str | None = None, proposed: bool = False) -> PaperRecord:
        sources = tuple(Source("listing.txt", 1, i, d) for i, d in enumerate(dates, 1))
        paper = Paper(pid, "XNet", "", published=published, sources=sources)
        if proposed:
            return PaperRecord(paper, proposed=("XNet",))
        return PaperRecord(paper, mentions=(Mention("XNet", "method", "XNet", "title", 0, 4),))

    index = explore.build_index([record("a", ("Nov 3", "Mar 14", "Mar 14")), record("b", ("Mar 14",), proposed=True),
                                 record("c", (None,), published="2024-01-02"), record("d", ("Sep 30", None))])
    frame = explore.timeline(index, "method", "XNet")
    assert list(zip(frame["listing_date"], frame["papers"])) == [("Mar 14", 2), ("Sep 30", 1), ("Nov 3", 1)]
    assert explore.timeline(index, "method", "NoSuch").empty


def test_neighbourhood_summary_graph(index):
    graph = explore.neighbourhood(index, "method", "KAN")
    assert graph.has_edge("method:MatrixKAN", "method:KAN") and graph.has_edge("method:KAN", "method:MLP")
    assert graph.nodes["paper:kan-kolmogorov-arnold-networks"]["kind"] == "paper"
    assert graph.nodes["metric:accuracy"]["kind"] == "metric"


def test_neighbourhood_draws_one_edge_per_pair_and_type_and_caps_them():
    claims = [Claim(field="abstract", start=i, end=i + 1, sentence=f"Hub beats B{i % 30}.", type="outperforms",
                    subject="Hub", object=f"B{i % 30}") for i in range(90)]
    index = explore.build_index([PaperRecord(Paper("p", "Hub", ""), proposed=("Hub",), claims=tuple(claims))])
    graph = explore.neighbourhood(index, "method", "Hub", limit=10)
    edges = [(a, b, d) for a, b, d in graph.edges(data=True) if d["relation"] == "outperforms"]
    assert len(edges) == 20  # 30 pairs, 2 * limit drawn
    assert all(a == "method:Hub" and d["claims"] == 3 for a, _, d in edges)
    assert [b for _, b, _ in edges] == [f"method:B{i}" for i in range(20)]  # ties in claim order


def test_query_parameters_of_an_edited_query():
    text = "SELECT ?param_method ?w WHERE { ?c kg:objectName ?param_method ; kg:subjectName ?w } # $param_method"
    assert explore.query_parameters(text) == ("method",)
    assert explore.query_parameters("SELECT * WHERE { ?s ?p ?o }") == ()


# ------------------------------------------------------------------ against a built store


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    import kg
    from app_support import build_store

    handle = kg.open(build_store(tmp_path_factory.mktemp("explore")))
    yield handle
    handle.close()


def test_beaten_by_agrees_with_the_named_query(graph, index):
    """The method page's table and the SPARQL named query give the same outperforms claims."""
    for method in ("KAN", "MLP", "DARTS", "ResNet"):
        named = graph.named("methods_outperforming", method=method)
        view = explore.entity_view(index, "method", method).beaten_by
        page = view[view["type"] == "outperforms"]
        assert sorted(set(zip(named["winner"], named["paper_id"]))) == sorted(set(zip(page["method"], page["paper_id"]))), method


def test_index_from_the_store_matches_the_fixture(graph, records):
    stored = explore.build_index(graph.records(), graph.entities())
    assert explore.home_stats(stored) == explore.home_stats(explore.build_index(records))


def test_named_and_edited_sparql_run_bounded(graph):
    result = explore.run_sparql(graph, "", {"method": "KAN"}, named="methods_outperforming", limit=1)
    assert list(result.frame.columns)[:2] == ["winner", "baseline"] and len(result.frame) == 1 and result.truncated
    text = "SELECT ?param_method ?w WHERE { ?c kg:objectName ?param_method ; kg:subjectName ?w }"
    edited = explore.run_sparql(graph, text, {"method": "MLP"})
    assert set(edited.frame["w"]) == {"KAN", "KINN"} and not edited.truncated
    from kg.errors import QueryError

    with pytest.raises(QueryError):
        explore.run_sparql(graph, "DELETE WHERE { ?s ?p ?o }", {})
    assert len(graph.sparql("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")) == 1  # nothing was deleted


def test_examples_are_the_named_queries():
    examples = explore.example_queries()
    assert {"methods_outperforming", "leaderboard", "conflicting_claims"} <= set(examples)
    assert examples["leaderboard"].params == {"dataset": "", "metric": "", "task": ""}


@pytest.mark.parametrize("fmt", explore.EXPORT_FORMATS)
def test_exports_whole_graph_and_neighbourhood(graph, fmt):
    import io

    import pyoxigraph as ox

    whole = explore.export_bytes(graph, fmt)
    part = explore.export_bytes(graph, fmt, centre=("method", "MatrixKAN"))
    assert 0 < len(part) < len(whole)
    if fmt in ("gexf", "graphml"):
        reader = nx.read_gexf if fmt == "gexf" else nx.read_graphml
        small, big = reader(io.BytesIO(part)), reader(io.BytesIO(whole))
        assert 0 < small.number_of_nodes() < big.number_of_nodes()
        labels = {d.get("label") for _, d in small.nodes(data=True)}
        assert {"MatrixKAN", "KAN"} <= labels
    else:
        rdf_format = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.JSON_LD
        triples = list(ox.parse(part, format=rdf_format))
        assert any("MatrixKAN" in str(t.object) for t in triples)
    with pytest.raises(KeyError):
        explore.export_bytes(graph, fmt, centre=("method", "No Such Method"))


def test_conflicts_agree_with_the_named_query(graph, index):
    named = graph.named("conflicting_claims")
    pairs = {(r.method_a, r.method_b, r.paper_a, r.paper_b) for r in named.itertuples()}
    ours = {(c.method_a, c.method_b, c.paper_a, c.paper_b) for c in index.conflicts if c.kind == "order"}
    assert ours == pairs and len(pairs) == 1
    assert len(index.contradicted) == 2  # both claims of the pair are flagged


def test_boards_are_kg_results_leaderboards_of_the_store(graph, index):
    """The pages' boards are kg.results.leaderboard on the store's records, cut per dataset, metric and unit."""
    from kg import results

    stored = explore.build_index(graph.records(), graph.entities())
    for label, name in (("dataset", "CIFAR-10"), ("metric", "error"), ("metric", "IoU"), ("dataset", "CIFAR-10.1")):
        rows = [row for board in explore.entity_view(stored, label, name).boards for row in board.rows]
        assert sorted(rows, key=repr) == sorted(results.leaderboard(graph.records(), **{label: name}), key=repr), name
    assert [len(b.rows) for b in explore.boards(stored)] == [2, 1]  # CIFAR-10 error, CIFAR-10.1 error; IoU has a delta only


def test_timeline_agrees_with_the_named_query(graph, index):
    for method in ("KAN", "MLP", "sharpDARTS"):
        named = graph.named("mentions_per_listing_date", method=method)
        ours = explore.timeline(index, "method", method)  # what the method page shows
        assert list(zip(named["listing_date"], named["papers"])) == list(zip(ours["listing_date"], ours["papers"])), method


def test_export_size_counts_the_networkx_view(graph):
    nodes, edges = explore.export_size(graph)
    assert (nodes, edges) == (graph.nx().number_of_nodes(), graph.nx().number_of_edges())
    small = explore.export_size(graph, ("method", "MatrixKAN"))
    assert 0 < small[0] < nodes and 0 < small[1] < edges


def test_entity_table_counts(index):
    methods = explore.entity_table(index, "method").set_index("name")
    assert methods.loc["KAN", "papers"] == 8 and methods.loc["KAN", "claims"] == 4 and methods.loc["KAN", "proposed_in"] == 1
    assert list(methods.index[:2]) == ["KAN", "MLP"]
    datasets = explore.entity_table(index, "dataset").set_index("name")
    assert datasets.loc["CIFAR-10", "claims"] == 5 and "proposed_in" not in datasets


def test_abstract_mentions_link_to_their_pages(index):
    view = explore.paper_view(index, XSS_ID)
    assert '<a class="kg-ent kg-method" href="./method?method=KAN" target="_self" title="method&#58; KAN">KANs</a>' in view.abstract_html
    assert 'href="./entity?task=symbolic+formula+fitting"' in view.abstract_html
    assert "<a " not in view.title_html  # the title stays plain text with highlights
    assert explore.entity_url("dataset", "A&B <x>") == "./entity?dataset=A%26B+%3Cx%3E"


def test_headline_claims_prefer_specific_comparisons(index):
    rows = explore.headline_claims(index, n=3)
    assert explore.claim_summary(rows[0].claim) == "sharpDARTS outperforms DARTS on CIFAR-10 (error, 20-30%)"
    assert all(r.claim.object and r.claim.type in ("outperforms", "efficiency") for r in rows)
    assert explore.claim_summary(rows[1].claim) == "U-KAN outperforms U-Net (IoU, 2%)"


def test_claim_summary_links_every_entity_and_escapes():
    claim = Claim("s", "abstract", 0, 1, "outperforms", "A<b>", "B&C", dataset=("D",), metric=("m",), value="1%")
    out = explore.claim_summary(claim, links=True)
    assert '<a class="kg-link" href="./method?method=A%3Cb%3E" target="_self">A&#60;b&#62;</a>' in out
    assert 'href="./method?method=B%26C"' in out and ">B&#38;C</a>" in out
    assert 'href="./entity?dataset=D"' in out and 'href="./entity?metric=m"' in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == explore.claim_summary(claim)


def test_claims_frame_has_the_kind_and_every_value(index):
    frame = explore.filter_claims(index, method="sharpDARTS").set_index("type")
    assert frame.loc["achieves", "kind"] == "score"
    assert frame.loc["achieves", "values"] == "1.93% (score, error, CIFAR-10); 5.5% (score, error, CIFAR-10.1)"
    assert frame.loc["outperforms", "values"] == "50% (delta); 20-30% (range, error, CIFAR-10)"
    matrix = explore.filter_claims(index, method="MatrixKAN").iloc[0]
    assert (matrix["kind"], matrix["values"]) == ("ratio", "approximately 40x (ratio, about)")


def test_adjacent_claim_sentences_get_their_own_marks():
    text = "One. Two."
    claims = [Claim("One.", "abstract", 0, 4, "other", None), Claim("Two.", "abstract", 5, 9, "other", None)]
    out = explore.annotate_html(text, [], claims)
    assert out.count("<mark") == 2 and out.count("</mark>") == 2
    touching = [Claim("One.", "abstract", 0, 4, "other", None), Claim(" Two.", "abstract", 4, 9, "other", None)]
    assert explore.annotate_html(text, [], touching).count("</mark><mark") == 1


# ------------------------------------------------------------------ results: leaderboards, gains, SOTA, compare, conflicts

RESULTS = Path(__file__).parent / "fixtures" / "records_results.jsonl"


@pytest.fixture(scope="module")
def results_index() -> explore.Index:
    return explore.build_index(PaperRecord.from_dict(json.loads(line)) for line in RESULTS.read_text().splitlines())


def test_boards_rank_scores_only_one_unit_each(results_index):
    imagenet, cifar = explore.boards(results_index)
    assert imagenet.title == "top-1 accuracy on ImageNet (%)" and cifar.title == "error on CIFAR-10 (%)"
    frame = explore.board_frame(imagenet)
    assert list(zip(frame["rank"], frame["method"], frame["value"])) == [
        (1, "DeltaNet", "85.0%"), (2, "BetaNet", "82.5%"), (3, "GammaNet", "81.0%"), (4, "AlphaNet", "80.1%"), (5, "AlphaNet", "78.1%")]
    assert list(frame["date"]) == ["", "2022-06-01", "2023-01-15", "2021-03-01", "2022-06-01"]
    assert "80%+" not in set(frame["value"]) and "5.7M" not in set(frame["value"])  # a bound and an amount
    assert list(explore.board_frame(cifar)["method"]) == ["GammaNet", "AlphaNet"]  # lower error first
    assert [b.title for b in explore.boards(results_index, metric="error")] == ["error on CIFAR-10 (%)"]
    assert explore.boards(results_index, dataset="ImageNet", task="no such task") == []


def test_equal_scores_share_a_rank(results_index):
    from dataclasses import replace

    board = explore.boards(results_index)[0]
    tied = replace(board, rows=(board.rows[0], replace(board.rows[1], number=85.0), *board.rows[2:]))
    assert list(explore.board_frame(tied)["rank"]) == [1, 1, 3, 4, 5]


def test_direction_text_comes_from_kg_metrics():
    assert explore.direction_text("top-1 accuracy") == "higher is better"
    assert explore.direction_text("top-5 test error") == "lower is better"
    assert explore.direction_text("made-up metric") == explore.direction_text(None) == "direction unknown"


def test_gains_are_a_separate_table(results_index):
    gains = explore.gains_frame(results_index)
    assert list(gains.columns) == explore.GAIN_COLUMNS
    assert list(zip(gains["method"], gains["baseline"], gains["kind"], gains["value"])) == [
        ("AlphaNet", "BetaNet", "delta", "1.2%"), ("GammaNet", "AlphaNet", "ratio", "10x")]
    assert list(explore.gains_frame(results_index, dataset="ImageNet")["method"]) == ["AlphaNet"]
    assert len(explore.gains_frame(results_index, method="BetaNet")) == 1  # as the baseline


def test_sota_over_time_marks_new_bests(results_index):
    imagenet, cifar = explore.boards(results_index)
    frame = explore.sota_frame(results_index, imagenet)
    assert list(frame.columns) == explore.SOTA_COLUMNS
    assert list(zip(frame["date"], frame["method"], frame["record"], frame["best"])) == [
        ("2021-03-01", "AlphaNet", True, 80.1), ("2022-06-01", "BetaNet", True, 82.5),
        ("2022-06-01", "AlphaNet", False, 82.5), ("2023-01-15", "GammaNet", False, 82.5)]  # DeltaNet: no date
    lower = explore.sota_frame(results_index, cifar)
    assert list(zip(lower["method"], lower["record"], lower["best"])) == [("AlphaNet", True, 3.1), ("GammaNet", True, 2.5)]


def test_sota_needs_publication_dates(index):
    [board] = explore.boards(index, dataset="CIFAR-10")
    assert explore.sota_frame(index, board).empty  # the seed papers have listing dates only


def test_compare_lists_claims_both_ways(results_index):
    rows = explore.compare_claims(results_index, "AlphaNet", "BetaNet")
    assert [(r.claim.subject, r.claim.object, r.paper.id) for r in rows] == [
        ("AlphaNet", "BetaNet", "alphanet-scaling-convolutions"), ("BetaNet", "AlphaNet", "betanet-v2-better-baselines")]
    assert explore.compare_claims(results_index, "BetaNet", "AlphaNet") == rows
    assert explore.compare_claims(results_index, "AlphaNet", "DeltaNet") == []
    assert explore.compared_methods(results_index) == ["AlphaNet", "BetaNet", "GammaNet"]
    assert explore.opponents(results_index, "AlphaNet") == ["BetaNet", "GammaNet"]


def test_conflicts_flag_both_claims_of_each(results_index):
    order, score = results_index.conflicts
    assert (order.kind, order.method_a, order.method_b, order.dataset, order.metric) == (
        "order", "AlphaNet", "BetaNet", "ImageNet", "top-1 accuracy")
    assert (score.kind, score.value_a, score.value_b) == ("score", "80.1%", "78.1%")
    flagged = explore.filter_claims(results_index, conflicts_only=True)
    assert sorted(zip(flagged["method"], flagged["value"], flagged["conflict"])) == [
        ("AlphaNet", "1.2%", "contradicted by betanet-v2-better-baselines"),
        ("AlphaNet", "78.1%", "contradicted by alphanet-scaling-convolutions"),
        ("AlphaNet", "80.1%", "contradicted by betanet-v2-better-baselines"),
        ("BetaNet", "82.5%", "contradicted by alphanet-scaling-convolutions")]
    assert explore.conflicts_of(results_index, "BetaNet") == [order]
    assert explore.conflicts_of(results_index, "GammaNet") == []
    assert explore.home_stats(results_index)["conflicts"] == 2


def test_conflict_heading_links_and_escapes(results_index):
    order, score = results_index.conflicts
    assert explore.conflict_heading(order) == "Opposite orderings: AlphaNet vs BetaNet on ImageNet (top-1 accuracy)"
    assert explore.conflict_heading(score) == "Different scores: AlphaNet on ImageNet (top-1 accuracy)"
    from dataclasses import replace

    hostile = replace(order, method_b="<b>[x](y)</b>", dataset="")
    out = explore.conflict_heading(hostile, links=True)
    assert "<b>" not in out and 'href="./method?method=%3Cb%3E%5Bx%5D%28y%29%3C%2Fb%3E"' in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == explore.conflict_heading(hostile)


def test_generic_baselines_are_not_methods_to_compare():
    text = "X beats the baselines. X beats Y."
    claims = (Claim("X beats the baselines.", "abstract", 0, 22, "outperforms", "X", "baselines"),
              Claim("X beats Y.", "abstract", 23, 33, "outperforms", "X", "Y"))
    index = explore.build_index([PaperRecord(Paper("p", "T", text), claims=claims)])
    assert explore.compared_methods(index) == ["X", "Y"]
    assert explore.opponents(index, "X") == ["Y"]


@pytest.mark.parametrize(("label", "name"), [("method", "MatrixKAN"), ("method", "KAN"), ("dataset", "CIFAR-10"), ("metric", "error")])
def test_neighbourhood_read_from_the_store_is_the_ego_graph_of_the_whole_view(graph, label, name):
    """The export's neighbourhood comes from the store pattern by pattern, and equals the networkx view's
    ego graph: the same nodes with the same attributes (degree and size of the whole graph), the same edges."""
    from kg.ids import entity_iri

    full = graph.nx()
    nodes = nx.ego_graph(full.to_undirected(as_view=True), entity_iri(label, name), radius=2).nodes
    expected = full.subgraph(nodes)
    part = explore.neighbourhood_subgraph(graph, label, name)
    assert dict(part.nodes(data=True)) == dict(expected.nodes(data=True))
    assert sorted(part.edges(keys=True, data=True), key=repr) == sorted(expected.edges(keys=True, data=True), key=repr)
    assert explore.whole_graph_is_small(graph) and explore.store_triples(graph) == len(graph)


def test_store_index_reads_records_on_demand_and_equals_the_in_memory_one(graph, records):
    """The app's index (records.jsonl read once, each record read again by its offset) holds what
    build_index of the records holds, and gives every page the same views."""
    stored, memory = explore.index_store(graph), explore.build_index(records)
    assert stored.papers == memory.papers and stored.entities == memory.entities
    assert stored.papers_of == memory.papers_of and stored.claims == memory.claims
    assert sorted(stored._choices) == sorted(memory._choices)
    assert not hasattr(stored, "records")  # no corpus of records is kept
    for paper_id in memory.papers:
        assert stored.record(paper_id) == next(r for r in records if r.paper.id == paper_id)
        assert explore.paper_view(stored, paper_id).abstract_html == explore.paper_view(memory, paper_id).abstract_html
    assert stored.record("no-such-paper") is None
    for label, name in (("method", "KAN"), ("dataset", "CIFAR-10"), ("metric", "error"), ("task", "image classification")):
        a, b = explore.entity_view(stored, label, name), explore.entity_view(memory, label, name)
        if a is None:
            assert b is None
            continue
        assert a.papers.equals(b.papers) and a.claims.equals(b.claims) and a.boards == b.boards
        assert a.related == b.related and a.timeline.equals(b.timeline) and a.gains.equals(b.gains)


# ------------------------------------------------------------------ at scale: the same answers, less work


def test_search_scores_only_the_keys_that_can_match(index, monkeypatch):
    """The candidates (substring, ratio and partial ratio on slices of the keys by length) give the hits of
    scoring every key; a repeated query is answered from the index's recent values."""
    import sys

    search_module = sys.modules["kg.explore.search"]

    queries = ["KAN", "kolmogorov arnold", "Kolmogrov-Arnold", "CIFAR", "cifar-10", "accuracy", "networks", "mlp",
               "transformer", "x", "sharpdarts", "error rate", "Kolmogorov-Arnold Networks"]
    fast = {q: explore.search(index, q) for q in queries}
    fast_few = {q: explore.search(index, q, limit=1) for q in queries}  # one title already exact, prefix or word
    monkeypatch.setattr(search_module, "_candidates", lambda index, q, cutoff, limit=None: range(len(index._choices)))
    for q in queries:
        index.forget_recent()
        assert explore.search(index, q) == fast[q], q
        assert explore.search(index, q, limit=1) == fast_few[q], q
    assert any(fast.values())


def test_recent_values_are_bounded(index):
    made = []
    for n in range(5):
        assert index.recent(("t", n), lambda n=n: made.append(n) or n * 2, size=3) == n * 2
    assert index.recent(("t", 4), lambda: made.append("again"), size=3) == 8 and "again" not in made
    assert index.recent(("t", 0), lambda: made.append("again") or 0, size=3) == 0 and made[-1] == "again"
    assert sum(1 for key in index._recent if key[0] == "t") <= 3


def test_recent_values_are_bounded_by_memory(index):
    """Kept values stop at a byte budget too (the latest is always kept), however few they are."""
    import numpy as np

    from kg.explore.index import weight

    index.forget_recent()
    block = np.zeros(1000, dtype=np.uint8)  # 1,000 bytes of buffers
    assert weight(block) == 1000 and weight([block, (block,)]) >= 2000
    for n in range(5):
        index.recent(("w", n), lambda: np.zeros(1000, dtype=np.uint8), budget=2500)
    assert [key[1] for key in index._recent] == [3, 4]
    index.recent(("big",), lambda: np.zeros(10_000, dtype=np.uint8), budget=2500)
    assert list(index._recent) == [("big",)]  # over the budget alone: kept until the next
    index.forget_recent()
    assert not index._recent and index._recent_bytes == 0


def test_entity_lists_are_those_of_sorting_everything(index):
    """related_entities (the first n of the counts at least the n-th's) and an entity's papers (two stable
    sorts) equal sorting every count and every paper."""
    from collections import Counter

    import pandas as pd

    for label, name in index.entities:
        shared = Counter(other for pid in index.papers_of.get((label, name), ())
                         for other in index.papers[pid].entities if other != (label, name))
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0][1].lower(), item[0][0], item[0][1]))
        for n in (1, 2, 3, 15, 60):
            index.forget_recent()
            assert explore.related_entities(index, label, name, n) == [(o, lab, c) for (lab, o), c in ranked[:n]]
        view = explore.entity_view(index, label, name)
        rows = [{"paper_id": pid, "paper_title": index.papers[pid].title,
                 "relation": "proposes" if name in index.papers[pid].proposed else "mentions",
                 "published": index.papers[pid].published or ""} for pid in index.papers_of.get((label, name), ())]
        expected = pd.DataFrame(rows, columns=explore.PAPER_COLUMNS)
        if rows:
            expected = expected.sort_values(["relation", "published", "paper_title"], ascending=[False, False, True])
        assert view.paper_rows == list(expected.itertuples(index=False, name=None))
        assert view.paper_count == len(rows) and view.proposed_in == sum(r["relation"] == "proposes" for r in rows)


def test_entity_papers_and_timeline_are_kept_per_entity(index):
    """A page's rerun makes a new EntityView: its sorted papers and timeline are the ones of the last visit
    (Index.recent), equal to making them again."""
    first, again = explore.entity_view(index, "method", "KAN"), explore.entity_view(index, "method", "KAN")
    assert first is not again and again.paper_rows is first.paper_rows and again.timeline is first.timeline
    assert again.beats_rows is first.beats_rows and again.beaten_rows is first.beaten_rows
    assert first.beats_rows == [r for r in first.claim_rows if r.claim.subject == "KAN"] != []
    assert first.beaten_rows == [r for r in first.claim_rows if r.claim.object == "KAN"] != []
    index.forget_recent()
    fresh = explore.entity_view(index, "method", "KAN")
    assert fresh.paper_rows == first.paper_rows and fresh.timeline.equals(first.timeline)
    assert fresh.timeline.equals(explore.timeline(index, "method", "KAN"))


def test_contradicted_count(index):
    every = explore.select_claims(index)
    assert explore.contradicted_count(index, every) == sum(1 for row in every if row.key in index.contradicted) == 2
    kan = explore.select_claims(index, method="KAN")
    assert explore.contradicted_count(index, kan) == sum(1 for row in kan if row.key in index.contradicted)
