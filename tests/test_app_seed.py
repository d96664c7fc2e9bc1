"""AppTest on the graph of the bundled seed listings, built with the real extractor.

Every page renders, with and without a selection picked from the data, and the key path works on
real extraction output: search "KAN" -> its method page -> a claim that beats it -> that paper.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import unquote_plus

import pytest

from app_support import page_runner
from test_app_pages import PAGES, links

pytestmark = pytest.mark.slow


@pytest.fixture
def open_seed_page(seed_store, monkeypatch):
    return page_runner(seed_store, monkeypatch, timeout=120)


@pytest.fixture(scope="module")
def seed_records(seed_store):
    import kg

    graph = kg.open(seed_store)
    yield graph.records()
    graph.close()


def test_every_page_renders_on_the_seed_graph(open_seed_page, seed_records):
    subjects = Counter(c.subject for r in seed_records for c in r.claims if c.subject)
    datasets = Counter(d for r in seed_records for c in r.claims for d in c.dataset)
    method = subjects.most_common(1)[0][0]
    selections = {
        "search": {"q": method},
        "paper": {"paper": seed_records[0].paper.id},
        "method": {"method": method},
        "entity": {"dataset": datasets.most_common(1)[0][0]},
        "claims": {"method": method},
        "compare": {"a": method},
        "conflicts": {"method": method},
        "query": {},
        "export": {"method": method},
    }
    assert set(selections) == set(PAGES)
    for page in PAGES:
        open_seed_page(page)  # no selection: an index or a prompt, never an exception
        at = open_seed_page(page, **selections[page])
        assert at.title or at.markdown


def test_search_kan_to_a_claim_that_beats_it_to_its_paper(open_seed_page, seed_records):
    at = open_seed_page("search", q="KAN")
    methods = [unquote_plus(params["method"]) for _, params in links(at) if "method" in params]
    assert methods, "searching KAN finds no method"
    kan = methods[0]
    beaten = [(r.paper.id, c) for r in seed_records for c in r.claims if c.object == kan]  # any claim type
    assert beaten, f"no claim has {kan} as its baseline in the seed graph"

    at = open_seed_page("method", method=kan)
    table = at.dataframe[0].value  # "Beaten by"
    assert len(table) >= len({(pid, c.sentence) for pid, c in beaten}) > 0
    paper_id = unquote_plus(table.iloc[0]["paper_link"].split("=", 1)[1])
    sentence = table.iloc[0]["sentence"]
    assert (paper_id, sentence) in {(pid, c.sentence) for pid, c in beaten}

    at = open_seed_page("paper", paper=paper_id)
    html = "\n".join(m.value for m in at.markdown)
    assert 'class="kg-claim"' in html
    assert sentence.split()[-1].rstrip(".") in html
