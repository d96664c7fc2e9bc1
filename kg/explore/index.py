"""The explorer's look-up tables over a corpus of PaperRecords, built once per store.

Every view (:mod:`kg.explore.views`) and the search box (:mod:`kg.explore.search`) read an
:class:`Index`; nothing here imports pandas, networkx or a store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from .. import results
from ..records import Claim, Entity, Paper, PaperRecord, collect_entities
from .search import search_key


@dataclass(frozen=True)
class ClaimRow:
    """A claim with the paper it comes from."""

    paper: Paper
    claim: Claim

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.paper.id, self.claim.field, self.claim.start, self.claim.end)


@dataclass
class Index:
    """Look-up tables over a corpus of PaperRecords."""

    records: dict[str, PaperRecord]
    entities: dict[tuple[str, str], Entity]
    papers_of: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    claims: list[ClaimRow] = field(default_factory=list)
    label_of: dict[str, str] = field(default_factory=dict)  # canonical -> label (first seen)
    _choices: list[tuple[str, str, str, str]] = field(default_factory=list)  # (text, kind, key, search key)

    @cached_property
    def conflicts(self) -> list[results.Conflict]:
        """Every conflict of the corpus (:func:`kg.results.conflicts`), computed once."""
        return results.conflicts(self.records.values())

    @cached_property
    def contradicted(self) -> dict[tuple[str, str, int, int], list[str]]:
        """Claim key -> ids of the papers whose claims contradict it (:attr:`conflicts`)."""
        return contradicted_claims(self.claims, self.conflicts)


def build_index(records: Iterable[PaperRecord], entities: Iterable[Entity] | None = None) -> Index:
    """Index records by paper id and entities by (label, canonical name)."""
    records = list(records)
    entity_list = list(entities) if entities is not None else collect_entities(records)
    index = Index({r.paper.id: r for r in records}, {(e.label, e.canonical): e for e in entity_list})
    papers_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        for mention in record.mentions:
            papers_of[(mention.label, mention.canonical)].add(record.paper.id)
        for name in record.proposed:
            papers_of[("method", name)].add(record.paper.id)
        for claim in record.claims:
            index.claims.append(ClaimRow(record.paper, claim))
    index.papers_of = dict(papers_of)
    for label, canonical in index.entities:
        index.label_of.setdefault(canonical, label)
    for (label, canonical), entity in index.entities.items():
        for form in {canonical, *entity.aliases}:
            index._choices.append((form, label, canonical, search_key(form)))
    for record in records:
        index._choices.append((record.paper.title, "paper", record.paper.id, search_key(record.paper.title)))
    return index


def contradicted_claims(rows: Iterable[ClaimRow],
                        conflicts: Iterable[results.Conflict]) -> dict[tuple[str, str, int, int], list[str]]:
    """Claim key -> ids of the papers contradicting it: the claims a :class:`kg.results.Conflict` was
    found in (its paper, sentence and subject; for opposite orderings, the "outperforms" claim of the pair)."""
    by_sentence: dict[tuple[str, str, str | None], list[ClaimRow]] = defaultdict(list)
    for row in rows:
        by_sentence[(row.paper.id, row.claim.sentence, row.claim.subject)].append(row)
    found: dict[tuple[str, str, int, int], list[str]] = defaultdict(list)
    for c in conflicts:
        for paper, sentence, method, other, against in ((c.paper_a, c.sentence_a, c.method_a, c.method_b, c.paper_b),
                                                         (c.paper_b, c.sentence_b, c.method_b, c.method_a, c.paper_a)):
            for row in by_sentence.get((paper, sentence, method), ()):
                if (c.kind != "order" or (row.claim.type == "outperforms" and row.claim.object == other)) \
                        and against not in found[row.key]:
                    found[row.key].append(against)
    return dict(found)
