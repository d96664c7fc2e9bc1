"""Plain string algorithms of the extractor: name normalisation, acronym definitions, occurrences.

Values (numbers with units) are in :mod:`kg.values`.

Nothing here touches spaCy, so every function is testable on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..names import strip_plural_acronym


@dataclass(frozen=True)
class AcronymPair:
    """A definition "Long Form (SHORT)" (or "SHORT (Long Form)") with character offsets."""

    long: str
    long_start: int
    short: str
    short_start: int

    @property
    def long_end(self) -> int:
        return self.long_start + len(self.long)

    @property
    def short_end(self) -> int:
        return self.short_start + len(self.short)


_PAREN = re.compile(r"\(([^()]{1,40})\)")
_WORD = re.compile(r"\S+")
_QUOTES = "'\"‘’“”`"


def is_short_form(text: str) -> bool:
    """Looks like an acronym: 2-12 chars, one word (hyphen allowed), starts alphanumeric, has a capital."""
    if not (2 <= len(text) <= 12) or " " in text:
        return False
    if not text[0].isalnum() or not any(c.isupper() for c in text):
        return False
    return sum(c.isalpha() for c in text) >= 2


def _match_long_form(short: str, words: list[str]) -> int | None:
    """Index into ``words`` where the long form starts, or None.

    Words whose initials spell the short form exactly win ("oriented object proposals (OOPs)");
    otherwise Schwartz & Hearst (2003): characters of the short form are matched right to left
    inside the candidate words, the first character starting a word, which finds the shortest long
    form ("object proposals", the second 'o' taken from "proposals"). Hyphenated words stay whole
    ("Kolmogorov-Arnold").
    """
    letters = [c.lower() for c in strip_plural_acronym(short) if c.isalnum()]
    if not letters:
        return None
    by_initials = _initials_start(letters, words)
    if by_initials is not None:
        return by_initials
    text = " ".join(words).lower()
    s, t = len(letters) - 1, len(text) - 1
    while s >= 0:
        c = letters[s]
        while t >= 0 and (text[t] != c or (s == 0 and t > 0 and text[t - 1].isalnum())):
            t -= 1
        if t < 0:
            return None
        t -= 1
        s -= 1
    start_char = t + 1
    # the word containing start_char
    position = 0
    for index, word in enumerate(words):
        if position <= start_char < position + len(word) + 1:
            return index
        position += len(word) + 1
    return None


def _initials_start(letters: list[str], words: list[str]) -> int | None:
    """Where the last words start whose initials (each part of a hyphenated word counted) are ``letters``."""
    initials: list[str] = []
    for index in range(len(words) - 1, -1, -1):
        parts = [part for part in re.split(r"[-/]", words[index]) if part]
        initials[:0] = [part[0].lower() for part in parts]
        if initials == letters:
            return index
        if len(initials) >= len(letters):
            return None
    return None


_STOP_LEFT = {"the", "a", "an", "our", "their", "its", "this", "these", "of", "and", "or", "with", "in", "on", "for",
              "to", "by", "we", "called", "named", "dubbed", "termed", "is", "are", "as", "from", "that", "which"}


def find_acronyms(text: str) -> list[AcronymPair]:
    """Every "Long Form (SHORT)" definition in ``text``, offsets exact into ``text``."""
    pairs: list[AcronymPair] = []
    for match in _PAREN.finditer(text):
        inner = match.group(1).strip()
        inner_start = match.start(1) + match.group(1).index(inner) if inner else match.start(1)
        before = text[max(0, match.start() - 200): match.start()]
        if is_short_form(inner):
            pair = _long_before(text, match.start(), inner, inner_start)
            if pair:
                pairs.append(pair)
        elif before.rstrip() and " " in inner:
            # "SHORT (Long Form)": short form is the word right before the parenthesis
            word = re.search(r"(\S+)\s*$", before)
            if word and is_short_form(word.group(1).strip(_QUOTES + ",.;:")):
                short = word.group(1).strip(_QUOTES + ",.;:")
                words = inner.split()
                start = _match_long_form(short, words)
                if start == 0 and len(words) <= len(strip_plural_acronym(short)) + 3:
                    short_start = match.start() - len(before) + word.start(1) + word.group(1).index(short)
                    pairs.append(AcronymPair(inner, inner_start, short, short_start))
    return pairs


def _long_before(text: str, paren_start: int, short: str, short_start: int) -> AcronymPair | None:
    window = text[max(0, paren_start - 300): paren_start]
    base = paren_start - len(window)
    words = [(m.group(0), m.start() + base) for m in _WORD.finditer(window)]
    n_letters = len(strip_plural_acronym(short))
    words = words[-min(n_letters + 5, 2 * n_letters):]
    # stop at sentence or clause punctuation
    for i in range(len(words) - 1, -1, -1):
        if i < len(words) - 1 and re.search(r"[.;:!?,)]$", words[i][0]):
            words = words[i + 1:]
            break
    if not words:
        return None
    cleaned = [w.strip(_QUOTES) for w, _ in words]
    start = _match_long_form(short, cleaned)
    if start is None:
        return None
    # drop leading function words the matcher may have swallowed ("the Transformer")
    while start < len(words) - 1 and cleaned[start].lower() in _STOP_LEFT:
        start += 1
    long_start = words[start][1]
    long_end = words[-1][1] + len(words[-1][0])
    while long_start < long_end and text[long_start] in _QUOTES:
        long_start += 1
    while long_end > long_start and text[long_end - 1] in _QUOTES + ",":
        long_end -= 1
    long = text[long_start:long_end]
    if len(long) <= len(short) or not re.search(r"[A-Za-z]{2}", long):
        return None
    if len(long.split()) < 2 and "-" not in long and not re.search(r"[a-z][A-Z]", long):  # noqa: SIM102  (comment)
        # one-word long forms must still account for every letter ("Transformer (TF)" is rare)
        if len(strip_plural_acronym(short)) > 2:
            return None
    return AcronymPair(long, long_start, short, short_start)
