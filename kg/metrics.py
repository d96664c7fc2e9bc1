"""Which way is better for a metric: higher (accuracy, BLEU) or lower (error, FID, latency).

The answers come from the curated table ``kg/resources/metrics.tsv`` (each entry with the source of the
metric's definition). A name matches an entry by its whole name or an alias ("top-1 accuracies" is
"top-1 accuracy"), else by the longest entry name it ends with ("top-5 test error" ends with "error").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).parent / "resources" / "metrics.tsv"


@dataclass(frozen=True)
class MetricInfo:
    name: str
    direction: str  # "higher" or "lower"
    aliases: tuple[str, ...]
    source: str


def metric_key(name: str) -> str:
    """The key two spellings of one metric share: 'Top-1 Accuracies' == 'top 1 accuracy'."""
    from .names import name_key

    return name_key(name)


@lru_cache(maxsize=1)
def metric_table() -> tuple[MetricInfo, ...]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "metric\t")):
            continue
        name, direction, aliases, source = (line.split("\t") + ["", "", ""])[:4]
        rows.append(MetricInfo(name, direction, tuple(a for a in aliases.split("|") if a), source))
    return tuple(rows)


@lru_cache(maxsize=1)
def _by_key() -> dict[str, MetricInfo]:
    table = {}
    for info in metric_table():
        for form in (info.name, *info.aliases):
            table.setdefault(metric_key(form), info)
    return table


@lru_cache(maxsize=4096)
def metric_info(name: str) -> MetricInfo | None:
    """The table entry of a metric name, or None when the table does not know it."""
    key = metric_key(name)
    if not key:
        return None
    table = _by_key()
    if key in table:
        return table[key]
    words = key.split()
    for cut in range(1, len(words)):  # the longest known tail: 'top 5 test error' -> 'test error'
        tail = " ".join(words[cut:])
        if tail in table:
            return table[tail]
    return None


def direction(name: str | None) -> str | None:
    """'higher' or 'lower' is better for the metric ``name``, when the table knows it."""
    info = metric_info(name) if name else None
    return info.direction if info else None
