"""What a number in a result sentence means: where it is, its kind, its unit, its metric and dataset.

Plain string functions (no spaCy), used by extraction to type the values of claims and by the
leaderboards to compare them. Kinds:

- ``score``: a level of a metric ("80.67 % top-1 accuracy", "2.08 % test error", "BLEU 28.4");
  "from 69.76 % to 73.19 %" is a score of 73.19 with a baseline of 69.76, "54.7 % vs. 51.66 %" one
  of 54.7 with a baseline of 51.66;
- ``delta``: a gain or a drop ("by 1.5 %", "+1.3 points", "3.5 % higher accuracy");
- ``ratio``: a factor ("40x faster", "2.3× fewer FLOPs", "two orders of magnitude");
- ``amount``: a count, a duration or a size ("5.7M parameters", "16.2 ms", "12 GB");
- ``range``: two numbers as bounds of one quantity ("30-90 %", "1.5 % to 6.4 % higher");
- ``bound``: a level given as an inequality ("80 %+", "over 90 % accuracy").

Only scores are ranked on leaderboards; deltas and ratios are gains over a baseline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .names import verbatim_occurrences

KINDS = ("score", "delta", "ratio", "amount", "range", "bound")
UNITS = ("%", "points", "x", "count", "s", "bytes", "dB")

_NUMBER = r"(?<![\w.])(?<![A-Za-z]-)[-+]?\d+(?:[.,]\d+)*"
_UNIT = (r"(?:\s?\\?%|\s?percent\b|\s?(?:x|×|X)(?![a-zA-Z\d])|-fold\b|\s?(?:points?|pp|dB|ms|s|seconds|minutes|hours|GB|MB|TB|M|B|K|k|"
         r"billion|million|times)\b)")
# qualifiers that belong to a value as written ('up to 230times', 'over 8x', 'at least 5.7%', '~254x')
_QUALIFIER = r"(?:(?:up\s+to|over|at\s+least|at\s+most|more\s+than|less\s+than|nearly|almost|around|about|" \
             r"approximately|roughly)\s+|[~≈]\s?)?"
_MAGNITUDE = r"(?:(?:up\s+to|by|over|more\s+than)\s+)?(?:an?|one|two|three|four|\d+)(?:\s+(?:to|or)\s+(?:two|three|four|five|\d+))?" \
             r"\s+orders?\s+of\s+magnitude"
_VALUE = re.compile(
    rf"(?:{_MAGNITUDE})"
    rf"|(?:\(?{_QUALIFIER}{_NUMBER}{_UNIT}\s+vs\.?\s+{_NUMBER}{_UNIT}?)"
    rf"|(?:from\s+{_NUMBER}{_UNIT}?\s+to\s+{_NUMBER}{_UNIT}?)"
    rf"|(?:{_QUALIFIER}{_NUMBER}{_UNIT}\s+to\s+{_NUMBER}{_UNIT})"
    rf"|(?:{_NUMBER}\s?[-\u2013]\s?\d+(?:[.,]\d+)*{_UNIT})"
    rf"|(?:{_NUMBER}{_UNIT}\s?[-\u2013~]\s?{_NUMBER}{_UNIT})"
    rf"|(?:{_QUALIFIER}\(?{_NUMBER}{_UNIT}?(?:\s*,\s*{_NUMBER}{_UNIT}?)*\s*(?:,\s*)?(?:and|or)\s+{_NUMBER}{_UNIT})"
    rf"|(?:{_QUALIFIER}\(?{_NUMBER}{_UNIT}(?:\s*[,/]\s*{_NUMBER}{_UNIT}?)*\)?\+?(?:\s+on\s+average)?)"
)
_YEARISH = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Value:
    """A quantity with a unit as written in a sentence; ``start`` is its offset in the sentence."""

    text: str
    start: int
    number: float | None
    unit: str | None


def find_values(sentence: str) -> list[Value]:
    """Quantities with a unit written in a sentence: '4.62%', '(2x, 7x)', 'from 69.76% to 73.19%', '1.4B'."""
    values = []
    for match in _VALUE.finditer(sentence):
        raw = match.group(0).strip()
        start = match.start() + match.group(0).index(raw)
        if raw.startswith("(") and raw.endswith(")"):
            raw, start = raw[1:-1], start + 1
        if raw.startswith("(") and not raw.endswith(")"):
            raw, start = raw[1:], start + 1
        if raw.endswith(")") and "(" not in raw:
            raw = raw[:-1]
        if _YEARISH.match(raw) or not raw:
            continue
        number, unit = parse_value(raw)
        values.append(Value(raw, start, number, unit))
    return values


# an asymptotic rate or size: 'a O(log T) regret', 'at a O(1/log(n)) rate', '{O}(sqrt(n))'
_ASYMPTOTIC = re.compile(r"(?<![\w{])(?:\\mathcal)?\{?[OΘΩ]\}?\s?\((?:[^()]|\([^()]*\))+\)")


def find_asymptotic(sentence: str) -> str | None:
    """The first big-O (Θ, Ω) expression of a sentence, as written."""
    found = _ASYMPTOTIC.search(sentence)
    return found.group(0) if found else None


def _to_float(text: str) -> float | None:
    """'1,234.5' -> 1234.5; '69,76' (a decimal comma) -> 69.76; '5,700' -> 5700."""
    try:
        if text.count(",") and "." in text:
            return float(text.replace(",", ""))
        if text.count(",") == 1 and len(text.split(",")[1]) != 3:
            return float(text.replace(",", "."))
        return float(text.replace(",", ""))
    except ValueError:
        return None


def parse_value(raw: str) -> tuple[float | None, str | None]:
    """('from 69.76% to 73.19%') -> (73.19, '%'); ('40x') -> (40.0, 'x'); last number wins, but
    the first in 'A vs. B'. The unit as written, short: '%', 'x', 'points', 'M', 'ms', ..."""
    numbers = re.findall(_NUMBER, raw)
    if not numbers:
        return None, None
    if re.search(r"\svs\.?\s", raw):  # '54.7% vs. 51.66%': ours first, the baseline's second
        numbers = numbers[:1]
    number = _to_float(numbers[-1])
    unit = None
    if "%" in raw or "percent" in raw:
        unit = "%"
    elif re.search(r"\d\s?(x|×|X)|-fold\b", raw):
        unit = "x"
    else:
        found = re.search(r"\d\s?(points?|pp|dB|ms|seconds|minutes|hours|GB|MB|TB|billion|million|times|M|B|K|k|s)\b", raw)
        if found:
            unit = {"point": "points", "times": "x"}.get(found.group(1), found.group(1))
    return number, unit


# ---------------------------------------------------------------- units

_SCALE = {  # unit as written -> (normalised unit, factor)
    "%": ("%", 1.0), "points": ("points", 1.0), "pp": ("points", 1.0), "x": ("x", 1.0), "dB": ("dB", 1.0),
    "K": ("count", 1e3), "k": ("count", 1e3), "M": ("count", 1e6), "million": ("count", 1e6),
    "B": ("count", 1e9), "billion": ("count", 1e9),
    "ms": ("s", 1e-3), "s": ("s", 1.0), "seconds": ("s", 1.0), "minutes": ("s", 60.0), "hours": ("s", 3600.0),
    "MB": ("bytes", 1e6), "GB": ("bytes", 1e9), "TB": ("bytes", 1e12),
}
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def normalise(number: float | None, unit: str | None) -> tuple[float | None, str | None]:
    """A number in its unit as written -> the same quantity in one of :data:`UNITS`
    ('5.7', 'M' -> 5.7e6 'count'; '16.2', 'ms' -> 0.0162 's')."""
    if unit is None or unit not in _SCALE:
        return number, unit
    normalised, factor = _SCALE[unit]
    if number is None:
        return None, normalised
    return round(number * factor, 12), normalised


def clean_latex(text: str) -> str:
    """A value as a reader should see it: '2.08\\%' -> '2.08%', '$3\\times$' -> '3×'."""
    text = re.sub(r"\\times\b|\\x\b", "×", text)
    text = text.replace("\\%", "%").replace("\\,", " ").replace("\\~", "~").replace("\\sim", "~")
    return re.sub(r"[$]", "", text).strip()


# ---------------------------------------------------------------- kinds

_DELTA_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:higher|lower|better|worse|more|less|fewer|faster|slower|smaller|larger|greater|"
    r"improv\w*|increase\w*|decrease\w*|reduc\w*|gains?|boost\w*|drops?|degradation|margin|relative|absolute|"
    r"speed-?ups?|savings?|lift|jump|refinement)\b", re.IGNORECASE)
_DELTA_BEFORE = re.compile(r"\b(?:by(?:\s+an\s+average\s+of|\s+on\s+average|\s+averaged?|\s+about|\s+around|\s+roughly|\s+nearly|\s+almost)?|of\s+up\s+to|margin\s+of|gains?\s+of|improvements?\s+of|increases?\s+of|"
                           r"decreases?\s+of|reductions?\s+of|drops?\s+of|boosts?\s+of)\s*$", re.IGNORECASE)
_BOUND = re.compile(r"^(?:over|more\s+than|at\s+least|at\s+most|less\s+than|above|below|under|>|<|≥|≤)\s*|\+$", re.IGNORECASE)
_APPROX = re.compile(r"^(?:nearly|almost|around|about|approximately|roughly|~|≈)\s*", re.IGNORECASE)
_UP_TO = re.compile(r"^up\s+to\s+", re.IGNORECASE)
_RANGE = re.compile(rf"{_NUMBER}\s*\S*\s*(?:[-\u2013~]|\bto\b)\s*\d")


def value_kind(text: str, unit: str | None, before: str, after: str) -> str:
    """The kind of a value written as ``text`` between ``before`` and ``after`` in its sentence."""
    lower = text.lower()
    if lower.startswith("from ") and re.search(r"\b(?:rang\w*|between|span\w*|vary\w*|varies)\s*$", before, re.IGNORECASE):
        return "range"
    if re.search(r"\svs\.?\s", lower) or lower.startswith("from "):
        return "ratio" if unit == "x" else "score"
    if "orders of magnitude" in lower or "order of magnitude" in lower:
        return "ratio"
    if _RANGE.search(text) and not re.search(r",|\band\b|\bor\b", text):
        return "range"
    if unit == "x":
        return "ratio"
    if unit in ("count", "s", "bytes"):
        return "amount"
    if unit == "points" or text.lstrip().startswith("+") or _DELTA_AFTER.match(after) or _DELTA_BEFORE.search(before):
        return "delta"
    if (_BOUND.search(text.strip()) or _UP_TO.match(text.strip())
            or re.search(r"(?:over|more than|at least|above|up to|>|≥)\s*$", before, re.IGNORECASE)):
        return "bound"
    return "score"


def qualifier_of(text: str) -> str | None:
    """'up to', 'at least', 'at most' or 'about' when the value is written with one."""
    stripped = text.strip()
    if _UP_TO.match(stripped):
        return "up to"
    if stripped.endswith("+") or re.match(r"^(?:over|more\s+than|at\s+least|above|>|≥)", stripped, re.IGNORECASE):
        return "at least"
    if re.match(r"^(?:at\s+most|less\s+than|below|under|<|≤)", stripped, re.IGNORECASE):
        return "at most"
    if _APPROX.match(stripped):
        return "about"
    return None


# ---------------------------------------------------------------- measures

@dataclass(frozen=True)
class Measure:
    """One value of a result sentence with what it means. ``number`` is in ``unit`` (one of
    :data:`UNITS`, or None for a bare number such as a BLEU score); ``metric`` and ``dataset`` are the
    names the sentence ties the value to, or None."""

    text: str  # as written
    start: int  # offset in the sentence
    kind: str  # one of KINDS
    number: float | None = None
    unit: str | None = None
    baseline: float | None = None  # the compared level: 69.76 in 'from 69.76% to 73.19%'
    qualifier: str | None = None  # 'up to', 'at least', 'at most', 'about'
    metric: str | None = None
    dataset: str | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def display(self) -> str:
        return clean_latex(self.text)

    @classmethod
    def from_dict(cls, data: dict) -> Measure:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


Span = tuple[int, int, str]  # (start, end, name) of a mention inside the sentence

_PRIOR = re.compile(r"\b(?:previous|prior|former|earlier|old|baseline's|record)\b[\w\s-]*$", re.IGNORECASE)
_BARE_AFTER = re.compile(r"^\s*(?:of|is|was|=|:|reaches|reached|to)?\s*(?:only\s+|just\s+)?(-?\d+(?:\.\d+)?)(?![\w.%×])")
_BARE_BEFORE = re.compile(r"(?<![\w.,/-])(\d+(?:\.\d+)?)\s*$")


def measures(sentence: str, metrics: list[Span] = (), datasets: list[Span] = ()) -> list[Measure]:
    """Every value of ``sentence`` typed and tied to the metric and dataset the sentence ties it to:
    the metric written right after the value ('80.67% top-1 accuracy', '3.5% higher accuracy') or just
    before it ('accuracy of 80.67%', 'improves accuracy by 1.5%'); the dataset written after it in the
    same stretch ('on CIFAR-10'), else the one before it. Bare numbers count only beside a metric
    ('BLEU 28.4', '28.4 BLEU')."""
    metrics, datasets = _outermost(metrics), _outermost(datasets)
    names = metrics + datasets
    found = [(v.start, v.start + len(v.text), v.text, v.number, v.unit) for v in find_values(sentence)
             if not any(s < v.start + len(v.text) and v.start < e for s, e, _n in names)]  # 'MovieLens 1M' is a name
    found += _bare_scores(sentence, metrics, [(s, e) for s, e, *_ in found])
    found.sort()
    out = []
    for index, (start, end, text, number, unit_raw) in enumerate(found):
        metric = _metric_for(sentence, start, end, metrics)
        magnitude = "order" in text.lower()  # 'two orders of magnitude': a factor of 100
        if unit_raw is None and not magnitude and not metric:
            continue  # 'the width increases from 3 to 4': a number with no unit counts only beside a metric
        number, unit = (_orders_of_magnitude(text), "x") if magnitude else normalise(number, unit_raw)
        before, after = sentence[max(0, start - 40):start], sentence[end:end + 50]
        kind = value_kind(text, unit, before, after)
        baseline = _baseline(text) if kind in ("score", "ratio") else None
        if _is_list(text):  # '3.4% and 1.6%', '(2x, 7x)': several quantities, no one number
            number = None
        stretch = (found[index - 1][1] if index else 0, found[index + 1][0] if index + 1 < len(found) else len(sentence))
        out.append(Measure(text, start, kind, number, unit, baseline, qualifier_of(text), metric,
                           _dataset_for(sentence, start, end, stretch, datasets)))
    return _single_metric_fallback(out, metrics)


def _is_list(text: str) -> bool:
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text.replace("\\%", "%"))  # '4,000' is one number
    return bool(re.search(r"\d\s*(?:%|percent|x|×|X|times)?\s*(?:,|\band\b|\bor\b|/)\s*\d", text))


def _orders_of_magnitude(text: str) -> float | None:
    words = re.findall(r"\b(an?|one|two|three|four|five|\d+)\s+(?=orders?\b)", text.lower())
    if not words:
        return None
    word = words[-1]
    return 10.0 ** (int(word) if word.isdigit() else _WORD_NUMBERS[word])


def claim_measures(sentence: str, metrics: list[str] = (), datasets: list[str] = ()) -> list[Measure]:
    """:func:`measures` of a claim's sentence given the names of its metrics and datasets (each found
    wherever it is written in the sentence); a value tied to no dataset takes the claim's dataset when
    it has exactly one (it may be named in the sentence before)."""
    def spans(names) -> list[Span]:
        return [(s, e, name) for name in dict.fromkeys(names) for s, e in verbatim_occurrences(sentence, name)]

    only = list(dict.fromkeys(datasets))
    found = measures(sentence, spans(metrics), spans(datasets))
    return [m if m.dataset or len(only) != 1 else replace(m, dataset=only[0]) for m in found]


def _outermost(spans: list[Span]) -> list[Span]:
    """Spans not inside a longer one ('CIFAR-10' inside 'CIFAR-10.1' goes), sorted by start."""
    spans = sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0])))
    return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]


def _bare_scores(sentence: str, metrics: list[Span], taken: list[tuple[int, int]]):
    """'BLEU of 28.4', 'BLEU 28.4' and '28.4 BLEU': numbers without a unit written beside a metric."""
    for start, end, _name in metrics:
        if _PRIOR.search(sentence[max(0, start - 25):start]):
            continue  # 'the previous record FID of 2.41': the baseline's level, not this paper's
        for at, number_text in _bare_near(sentence, start, end):
            stop = at + len(number_text)
            if _YEARISH.match(number_text.strip("(")) or any(s <= at < e for s, e in taken):
                continue
            text = number_text.lstrip("(")
            at += len(number_text) - len(text)
            taken.append((at, stop))
            yield at, stop, text, _to_float(text), None


def _bare_near(sentence: str, start: int, end: int):
    after = _BARE_AFTER.match(sentence[end:end + 30])
    if after:
        yield end + after.start(1), after.group(1)
    before = _BARE_BEFORE.search(sentence[max(0, start - 12):start])
    if before:
        yield max(0, start - 12) + before.start(1), before.group(1)


def _baseline(text: str) -> float | None:
    numbers = re.findall(_NUMBER, text)
    if len(numbers) < 2:
        return None
    if text.lower().startswith("from "):
        return _to_float(numbers[0])
    if re.search(r"\svs\.?\s", text):
        return _to_float(numbers[1])
    return None


_GAP_AFTER = re.compile(r"^[^\d;:,()]{0,40}$")
_GAP_BEFORE = re.compile(r"^\s*(?:\(|:|=|is|was|of|by|to|from|reaches|reached|reaching|"
                         r"of only|of just|by up to|by about|by over|by more than|up to|of up to|of about|of over)?\s*$", re.IGNORECASE)
_CROSSES = re.compile(r"\b(?:than|vs|versus|and|or|while|with|but|compared)\b", re.IGNORECASE)


_TOP_K = re.compile(r"\btop-?\d+\b", re.IGNORECASE)
_ASIDE = re.compile(r"\s*\([^()]*\)|\s*(?:±|\+/-|\+-)\s*\d+(?:\.\d+)?")


def _metric_for(sentence: str, start: int, end: int, metrics: list[Span]) -> str | None:
    for m_start, m_end, name in metrics:  # written after the value: '3.5% higher top-1 accuracy'
        gap = _TOP_K.sub("", _ASIDE.sub("", sentence[end:m_start]))  # '1.93% (1.98+/-0.07) validation error'

        if m_start >= end and _GAP_AFTER.match(gap) and len(gap.split()) <= 3 and not _CROSSES.search(gap):
            return name
    for m_start, m_end, name in reversed(metrics):  # written before: 'accuracy of 80.67%'
        if m_end <= start and _GAP_BEFORE.match(sentence[m_end:start]):
            return name
    return None


_RIGHT_AFTER = re.compile(r"\s*(?:\(|:|,?\s*with(?:\s+an?)?|,?\s*at)?\s*", re.IGNORECASE)


def _dataset_for(sentence: str, start: int, end: int, stretch: tuple[int, int], datasets: list[Span]) -> str | None:
    before = [d for d in datasets if d[1] <= start]
    if before and _RIGHT_AFTER.fullmatch(sentence[before[-1][1]:start]):
        return before[-1][2]  # 'CIFAR-10 (4.62% error)', 'on MovieLens 1M with a 5.4% improvement'
    after = [d for d in datasets if end <= d[0] < stretch[1]]
    if after:
        return after[0][2]
    return before[-1][2] if before else None


def _single_metric_fallback(out: list[Measure], metrics: list[Span]) -> list[Measure]:
    """One metric and one value in the sentence: a level or a gain is of that metric."""
    names = {m[2] for m in metrics}
    levels = [i for i, m in enumerate(out) if m.kind in ("score", "delta", "bound")]
    if len(names) != 1 or len(out) != 1 or len(levels) != 1 or out[levels[0]].metric:
        return out
    index = levels[0]
    return [*out[:index], replace(out[index], metric=next(iter(names))), *out[index + 1:]]
