"""Property tests: mutated listings never crash the parser and never invent text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from kg.ids import slug
from kg.ingest import Problem, clean_url, parse_csv, parse_jsonl, parse_listing
from kg.names import name_key, search_key, title_key
from kg.records import Paper

SEED_LINES = [
    line
    for path in sorted((Path(__file__).parent.parent / "data" / "seeds").glob("*.txt"))
    for line in path.read_text().splitlines()[:60]
]

lines = st.one_of(
    st.sampled_from(SEED_LINES),
    st.text(max_size=80),
    st.sampled_from(["", "·", "  • 3 authors", "Apr 1, 2024", "Jul 11, 2024 2", "Mar 14", "Subscribe", "SubscribeX: y"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, max_size=40))
def test_mutated_listing_never_crashes(chosen):
    text = "\n".join(chosen)
    for item in parse_listing(text, "mutated.txt"):
        assert isinstance(item, (Paper, Problem))
        if isinstance(item, Paper):
            assert item.title and item.abstract.strip()
            assert item.title in text  # titles come from the input, chrome stripped at most
            assert item.sources[0].line >= 1


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_jsonl_and_csv_never_crash(text):
    for parser in (parse_jsonl, parse_csv):
        for item in parser(text, "any"):
            assert isinstance(item, (Paper, Problem))


@given(st.text(max_size=60))
def test_name_title_and_search_keys_are_idempotent(name):
    for key in (name_key, title_key, search_key):
        once = key(name)
        assert key(once) == once


@given(st.text(max_size=200))
def test_slug_is_iri_safe_and_bounded(text):
    value = slug(text)
    assert value and len(value) <= 80
    assert all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in value)


@given(st.text(max_size=100))
def test_clean_url_is_idempotent(url):
    assert clean_url(clean_url("https://" + url)) == clean_url("https://" + url)
