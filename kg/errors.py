"""Typed errors. Every message says what went wrong and how to fix it."""

from __future__ import annotations


class KGError(Exception):
    """Base class for errors a user can act on; the CLI prints them as one line."""


class IngestError(KGError):
    """An input file or record could not be read."""


class ExtractionError(KGError):
    """The extraction pipeline could not be loaded or run."""


class StoreError(KGError):
    """The graph store is missing, locked or corrupt."""


class QueryError(KGError):
    """A user query was rejected (syntax, update attempt, timeout)."""


class BackendError(KGError):
    """An external backend (Bolt server, browser) is unreachable or failed."""


class ShapeError(KGError):
    """The graph does not conform to the SHACL shapes."""


class MissingExtra(KGError):
    """An optional part of papers-kg is not installed."""


def require(extra: str, *modules: str) -> None:
    """Stop with one line naming the extra (``papers-kg[extra]``) when one of ``modules`` is not installed.

    Looks the modules up without importing them, so checking stays cheap.
    """
    from importlib.util import find_spec

    for module in modules:
        if find_spec(module) is None:
            raise MissingExtra(f"{module} is not installed; pip install 'papers-kg[{extra}]'")
