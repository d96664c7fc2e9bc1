"""What the explorer writes into Markdown and HTML: inert text, links to pages, annotated abstracts,
one-line summaries of claims and conflicts.

Every piece of data or user text a page shows goes through :func:`inert`; the only tags in what
these functions return are the ones they build.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..records import Claim
    from ..results import Conflict

_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]|^[ \t]")  # every ASCII punctuation mark; a leading blank
CONFLICT_KINDS = {"order": "Opposite orderings", "score": "Different scores"}


def inert(text: object) -> str:
    """``text`` as Markdown (or HTML) that shows exactly this text and nothing else. Every ASCII
    punctuation mark becomes a character reference, which Markdown and HTML show as the character
    but never read as syntax (links, images, code spans, emphasis, lists, ``:shortcodes:``,
    ``$math$``, tags); line breaks become spaces, since a blank line would end an HTML block."""
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", re.sub(r"\r\n?|\n", " ", str(text)))


def page_url(page: str, **params: str) -> str:
    """Relative URL of an explorer page; the selection is in the query string."""
    from urllib.parse import urlencode

    return f"./{page}?{urlencode(params)}" if params else f"./{page}"


@lru_cache(maxsize=16384)  # tables link the same names row after row
def entity_url(kind: str, name: str) -> str:
    """Where an entity (or a paper, by id) is shown: ``./method?method=KAN``, ``./entity?dataset=...``."""
    if kind == "method":
        return page_url("method", method=name)
    if kind == "paper":
        return page_url("paper", paper=name)
    return page_url("entity", **{kind: name})


def entity_anchor(kind: str, name: str) -> str:
    """An HTML link to an entity's page (a paper's, by id), its text :func:`inert`."""
    href = html.escape(entity_url(kind, name), quote=True)
    return f'<a class="kg-link" href="{href}" target="_self">{inert(name)}</a>'


def _writers(links: bool) -> tuple[Callable[[str, str], str], Callable[[str], str]]:
    """How a one-line summary writes an entity name (kind, text) and the words around it: as links
    to pages and :func:`inert` text (``links``), or as they are."""
    if links:
        return entity_anchor, inert
    return (lambda _kind, text: text), (lambda text: text)


def claim_summary(claim: Claim, *, links: bool = False) -> str:
    """One line: "sharpDARTS outperforms DARTS on CIFAR-10 (error, 20-30%)".

    With ``links``: inert HTML (:func:`inert`) where every entity name links to its page."""
    name, plain = _writers(links)
    verb = {"outperforms": "outperforms", "efficiency": "is more efficient than", "improves": "improves on",
            "achieves": "achieves"}.get(claim.type, claim.type)
    text = name("method", claim.subject or "?") + plain(f" {verb}") + (f" {name('method', claim.object)}" if claim.object else "")
    if claim.dataset:
        text += plain(" on ") + plain(", ").join(name("dataset", d) for d in claim.dataset)
    details = [name("metric", m) for m in claim.metric] + ([plain(claim.value)] if claim.value else [])
    return text + (plain(" (") + plain(", ").join(details) + plain(")") if details else "")


def conflict_heading(conflict: Conflict, *, links: bool = False) -> str:
    """One line: "Opposite orderings: AlphaNet vs BetaNet on ImageNet (top-1 accuracy)".

    With ``links``: inert HTML where every entity name links to its page, as :func:`claim_summary`."""
    name, plain = _writers(links)
    text = plain(f"{CONFLICT_KINDS.get(conflict.kind, conflict.kind)}: ") + name("method", conflict.method_a)
    if conflict.method_b != conflict.method_a:
        text += plain(" vs ") + name("method", conflict.method_b)
    if conflict.dataset:
        text += plain(" on ") + name("dataset", conflict.dataset)
    return text + (plain(" (") + name("metric", conflict.metric) + plain(")") if conflict.metric else "")


def annotate_html(text: str, mentions: Iterable, claims: Iterable[Claim] = (), *, links: bool = False) -> str:
    """HTML of ``text`` with mentions as typed spans (links to their pages when ``links``)
    and claim sentences marked.

    Every piece of the input is made :func:`inert`, its line breaks ``<br>``: the only tags in the
    result are the ``<span>``/``<a>``/``<mark>``/``<br>`` built here, and it is one line, so titles
    and abstracts render as text, inside the HTML block they are put in.
    """
    mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
    kept, last_end = [], -1
    for mention in mentions:  # drop overlapping mentions, keep the earliest/longest
        if mention.start >= last_end and 0 <= mention.start < mention.end <= len(text):
            kept.append(mention)
            last_end = mention.end
    spans = [(c.start, c.end) for c in claims if 0 <= c.start < c.end <= len(text)]
    cuts = sorted({0, len(text), *(x for m in kept for x in (m.start, m.end)), *(x for s in spans for x in s)})
    out: list[str] = []
    in_claim: int | None = None  # which claim sentence the previous piece was in
    for a, b in pairwise(cuts):
        claimed = next((i for i, (s, e) in enumerate(spans) if s <= a and b <= e), None)
        if claimed != in_claim:  # adjacent sentences get marks of their own
            if in_claim is not None:
                out.append("</mark>")
            if claimed is not None:
                out.append('<mark class="kg-claim" title="claim sentence">')
            in_claim = claimed
        piece = "<br>".join(inert(line) for line in re.split(r"\r\n?|\n", text[a:b]))
        mention = next((m for m in kept if m.start <= a and b <= m.end), None)
        if mention is not None:
            tip = inert(f"{mention.label}: {mention.canonical}")
            css = f"kg-ent kg-{inert(mention.label)}"
            if links:
                href = html.escape(entity_url(mention.label, mention.canonical), quote=True)
                piece = f'<a class="{css}" href="{href}" target="_self" title="{tip}">{piece}</a>'
            else:
                piece = f'<span class="{css}" title="{tip}">{piece}</span>'
        out.append(piece)
    if in_claim is not None:
        out.append("</mark>")
    return "".join(out)
