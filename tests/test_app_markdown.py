"""The explorer shows data and URL parameters as text (issue 13, item 7): no Markdown link, image
or code-span breakout from a title, abstract, id, file name, entity name or ``?paper=`` /
``?method=`` / ``?dataset=`` / ``?q=``; the sidebar opens stores under the store root only."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from app_support import ENTRY, FIXTURE, build_store, page_runner
from kg.records import Claim, Mention, Paper, PaperRecord, Source, to_dict
from kg.values import Measure

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest

EVIL = "[Click here](https://evil.example/x) ![](https://evil.example/pixel.png) `code` :red[red] $x$"
HOSTILE_ID = "evil`id`[id](https://evil.example/id)"
METHOD = "[Method](https://evil.example/m)`m`"
BASE = "[Base](https://evil.example/b)"
VALUE = "[1](https://evil.example/v)%"
DATASET = "![Data](https://evil.example/d.png)"
ABSTRACT = f"We revisit KAN on data.\n\n{EVIL}\n\n<b>bold</b> and `tick`."


def hostile_record() -> dict:
    paper = Paper(
        id=HOSTILE_ID,
        title=f"Hostile KAN\n\n{EVIL}",
        abstract=ABSTRACT,
        code_urls=("https://github.com/a/b`c`[d](https://evil.example/code)",),
        sources=(Source("data/list`ing`[f](evil.example).txt", 1, 1, "Mar 1 [date](https://evil.example/t)"),),
    )
    mentions = (Mention("KAN", "method", METHOD, "abstract", 11, 14), Mention("data", "dataset", DATASET, "abstract", 18, 22))
    claim = Claim("We revisit KAN on data.", "abstract", 0, 23, "outperforms", METHOD, BASE,
                  dataset=(DATASET,), metric=("accuracy",), value=VALUE, value_kind="score",
                  measures=(Measure(VALUE, 0, "score", 1.0, "%", metric="accuracy", dataset=DATASET),))
    return to_dict(PaperRecord(paper, mentions, (METHOD,), (claim,), "hand-annotated-fixture"))


def hostile_rival() -> dict:
    """A second hostile paper: the baseline beats the method (a conflict) with a gain, and scores it 5 points lower."""
    paper = Paper(id=f"{HOSTILE_ID}-2", title=f"Rival {EVIL}", abstract="The rival wins on data.", published="2024-01-02")
    beats = Claim("The rival wins on data.", "abstract", 0, 23, "outperforms", BASE, METHOD, dataset=(DATASET,),
                  metric=("accuracy",), value=VALUE, value_kind="delta",
                  measures=(Measure(VALUE, 0, "delta", 1.0, "%", metric="accuracy", dataset=DATASET),))
    scores = Claim("The rival wins on data.", "abstract", 0, 23, "achieves", METHOD, dataset=(DATASET,),
                   metric=("accuracy",), value="-4%", measures=(Measure("-4%", 0, "score", -4.0, "%", metric="accuracy", dataset=DATASET),))
    return to_dict(PaperRecord(paper, (), (), (beats, scores), "hand-annotated-fixture"))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    directory = tmp_path_factory.mktemp("markdown")
    records = directory / "records.jsonl"
    records.write_text(FIXTURE.read_text() + json.dumps(hostile_record()) + "\n" + json.dumps(hostile_rival()) + "\n")
    return build_store(directory, records)


@pytest.fixture
def open_page(store, monkeypatch):
    return page_runner(store, monkeypatch)


def rendered(at: AppTest) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer."""
    kinds = ("markdown", "title", "header", "subheader", "caption", "warning", "error", "info", "success")
    values = [element.value for kind in kinds for element in at.get(kind)]
    return values + [element.proto.label for kind in ("page_link", "link_button") for element in at.get(kind)]


def assert_inert(at: AppTest, *shown: str) -> None:
    values = rendered(at)
    for value in values:
        assert not re.search(r"\]\s*\(|`", value), f"live Markdown reaches the page: {value!r}"
        if value.startswith("<div"):
            assert "\n" not in value, f"a line break ends the HTML block: {value!r}"
    text = unescape("\n".join(values))
    for piece in shown:  # the text is still there, as text
        assert piece in text, piece


def test_paper_page_shows_hostile_title_abstract_id_and_file_as_text(open_page):
    at = open_page("paper", paper=HOSTILE_ID)
    assert_inert(at, EVIL, HOSTILE_ID, "list`ing`[f](evil.example).txt", "<b>bold</b> and `tick`.")


def test_entity_pages_show_hostile_names_as_text(open_page):
    assert_inert(open_page("method", method=METHOD), METHOD)
    assert_inert(open_page("entity", dataset=DATASET), DATASET)


def test_claims_and_home_show_hostile_claims_as_text(open_page):
    assert_inert(open_page("claims", method=METHOD), BASE)
    assert_inert(open_page("search"))


def test_results_views_show_hostile_names_as_text(open_page):
    at = open_page("entity", dataset=DATASET)  # a leaderboard, its SOTA chart, a gain, all with hostile names
    assert_inert(at, f"accuracy on {DATASET} (%)")
    assert list(at.dataframe[0].value["value"]) == [VALUE, "-4%"]
    assert_inert(open_page("compare", a=METHOD, b=BASE), METHOD, BASE)
    at = open_page("conflicts")
    assert_inert(at, METHOD, BASE, DATASET)
    headings = [unescape(re.sub(r"<[^>]+>", "", v)) for v in rendered(at) if v.startswith('<div class="kg-summary">')]
    assert f"Opposite orderings: {BASE} vs {METHOD} on {DATASET} (accuracy)" in headings
    assert f"Different scores: {METHOD} on {DATASET} (accuracy)" in headings


@pytest.mark.parametrize("page, param", [("paper", "paper"), ("method", "method"), ("entity", "dataset"),
                                         ("search", "q"), ("compare", "a"), ("conflicts", "method")])
def test_url_parameters_are_shown_as_text(open_page, page, param):
    at = open_page(page, **{param: EVIL})
    assert_inert(at, EVIL)


def test_store_picker_opens_stores_under_the_root_only(store, monkeypatch, tmp_path):
    monkeypatch.setenv("KG_STORE", str(store))
    monkeypatch.delenv("KG_STORE_ROOT", raising=False)
    (store.parent / "link").symlink_to(tmp_path)
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    for outside in ("/etc", str(tmp_path), str(store.parent / "link"), "../.."):
        at.sidebar.text_input[0].set_value(outside).run()
        assert [unescape(e.value) for e in at.error] == [f"Only stores under {store.parent} can be opened."], outside
        assert at.session_state["kg_store"] == str(store) and at.title, outside
    at.sidebar.text_input[0].set_value(str(store / ".." / "store")).run()
    assert not at.error and at.session_state["kg_store"] == str(store)
    monkeypatch.setenv("KG_STORE_ROOT", str(tmp_path))
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert at.title and not at.error  # the configured store opens wherever it is
    at.sidebar.text_input[0].set_value(f"{store}/.").run()
    assert unescape(at.error[0].value).startswith(f"Only stores under {tmp_path.resolve()}")
