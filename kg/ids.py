"""Normalisation and identifiers: the only place ids and IRIs are minted."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote, urlsplit

from .names import name_key, title_key

BASE_IRI = "https://w3id.org/papers-kg/"
ONTOLOGY_IRI = BASE_IRI + "ontology#"
RESOURCE_IRI = BASE_IRI + "id/"

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG_SAFE = re.compile(r"[a-z0-9 ]*")
# new-style (2401.12345) and old-style (cs/0101001, math.AG/0309136) arXiv identifiers, version optional
_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")


def slug(text: str, max_length: int = 80) -> str:
    """A readable, IRI-safe slug; long texts keep a hash suffix so they stay unique."""
    base = _NON_SLUG.sub("-", title_key(text)).strip("-") or "x"
    if len(base) <= max_length:
        return base
    digest = hashlib.sha1(base.encode()).hexdigest()[:8]
    return f"{base[: max_length - 9].rstrip('-')}-{digest}"


def paper_id(title: str, given_id: str | None = None) -> str:
    """The input id when given, else one derived from the normalised title. A title the slug
    cannot spell in full (other scripts, emoji) adds a hash of its normalised form, so distinct
    titles never share an id."""
    if given_id is not None and str(given_id).strip():
        return str(given_id).strip()
    return _spelled(title_key(title), blank="paper")


def arxiv_id(text: str) -> str | None:
    """The arXiv identifier ``text`` is, without its version ('1706.03762v5' -> '1706.03762'), else None."""
    match = _ARXIV_ID.fullmatch(text.strip())
    return match.group(1) if match else None


def listed_paper_id(arxiv: str | None = None, page_url: str | None = None) -> str | None:
    """The id of a paper a dump lists by its arXiv id or by its page's URL (Papers with Code): the
    arXiv id (without version), else the URL's last path segment
    ('https://paperswithcode.com/paper/attention-is-all-you-need' -> 'attention-is-all-you-need');
    None when neither is given, and the paper is named by its title (:func:`paper_id`)."""
    if isinstance(arxiv, str) and arxiv.strip():
        return arxiv_id(arxiv) or arxiv.strip()
    if isinstance(page_url, str) and page_url.strip():
        segment = unquote(urlsplit(page_url.strip()).path.rstrip("/").rsplit("/", 1)[-1]).strip()
        return (arxiv_id(segment) or segment) if segment else None  # an arXiv abstract page: its id
    return None


def entity_key(label: str, canonical: str) -> str:
    """Stable key of a canonical entity: its type and normalised name."""
    return f"{label}/{_spelled(name_key(canonical) or canonical, blank='x')}"


def _spelled(key: str, blank: str) -> str:
    """A slug of a normalised key (title or name); a key the slug cannot spell in full (other
    scripts, emoji) adds a hash of it, so distinct keys never share an id (``blank`` stands for
    a slug with nothing readable left)."""
    if _SLUG_SAFE.fullmatch(key):
        return slug(key)
    readable = slug(key, max_length=60)
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    return f"{blank}-{digest}" if readable == "x" else f"{readable}-{digest}"


def paper_iri(pid: str) -> str:
    return f"{RESOURCE_IRI}paper/{_iri_segment(pid)}"


def entity_iri(label: str, canonical: str) -> str:
    return f"{RESOURCE_IRI}{entity_key(label, canonical)}"


def claim_id(pid: str, field: str, start: int, end: int) -> str:
    """A claim is identified by its paper and evidence span."""
    return f"{_iri_segment(pid)}-{field}-{start}-{end}"


def claim_iri(pid: str, field: str, start: int, end: int) -> str:
    return f"{RESOURCE_IRI}claim/{claim_id(pid, field, start, end)}"


def measure_id(pid: str, field: str, start: int, end: int, index: int) -> str:
    """The ``index``-th value of a claim (in sentence order)."""
    return f"{claim_id(pid, field, start, end)}-value-{index}"


def measure_iri(pid: str, field: str, start: int, end: int, index: int) -> str:
    return f"{RESOURCE_IRI}measure/{measure_id(pid, field, start, end, index)}"


def listing_iri(file_name: str) -> str:
    return f"{RESOURCE_IRI}listing/{slug(file_name)}"


def repository_iri(url: str) -> str:
    return f"{RESOURCE_IRI}repo/{slug(url.split('://', 1)[-1], max_length=120)}"


def _iri_segment(text: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._~-]+", "-", text).strip("-")
    if safe == text:
        return text
    # ids that differ only in unsafe characters ('a b', 'a/b', 'a-b') must not share an IRI
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{safe}-{digest[:8]}" if safe else digest[:12]
