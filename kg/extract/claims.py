"""Proposed methods and result claims, from sentences and the mentions found in them.

Sentences are plain ``(start, end, text)`` triples and mentions are ``(start, end, label)``
character ranges of one document, so every rule here is a plain, testable function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..names import name_key
from ..values import find_asymptotic, find_values
from .entities import GENERIC_WORDS, is_evaluative, is_name_shaped

# ---------------------------------------------------------------- proposed methods

_ADVERBS = r"(?:(?:\w+ly|also|then|first|further|thus|hence|therefore|here|now|additionally|finally|instead|still)\s+)*"
_PROPOSE = re.compile(
    rf"\b(?:we|us to|this (?:paper|work|study|article))\s+{_ADVERBS}"
    r"(propos\w*|introduc\w*|present\w*|develop\w*|design\w*|devis\w*|put forward)\b",
    re.IGNORECASE,
)
_PASSIVE = re.compile(r"^([^.;]{5,120}?)\s+(?:is|are)\s+(?:thus\s+|then\s+|hereby\s+|therefore\s+|here\s+)?"
                      r"(?:proposed|introduced|developed|presented)\b", re.IGNORECASE)
_NAMING = re.compile(r"\b(?:called|dubbed|named|termed|coined|namely)\s+", re.IGNORECASE)
_TO_VERB = re.compile(r"^\s*to\s+\w+", re.IGNORECASE)
_VIA = re.compile(r"\b(?:via|by|using|through|with)\s+", re.IGNORECASE)
_OBJECT_END = re.compile(r"[,;:.]|\b(?:that|which|where|to|for|in order|whose)\b")


@dataclass
class Sentence:
    start: int
    end: int
    text: str


def title_name(title: str) -> tuple[int, int] | None:
    """(start, end) of a system name in a title 'X: ...' ('GateON: an unsupervised method ...')."""
    if ":" not in title:
        return None
    head = title.split(":", 1)[0]
    stripped = head.strip()
    words = stripped.split()
    if not words or len(words) > 4:
        return None
    if not any(is_name_shaped(w.strip("()")) for w in words) and not (len(words) == 1 and words[0][:1].isupper()
                                                                    and len(words[0]) > 3 and words[0].isalpha()
                                                                    and words[0].lower() not in GENERIC_WORDS):
        return None
    if stripped.lower() in GENERIC_WORDS or stripped.lower() in ("survey", "review", "position", "tutorial"):
        return None
    start = title.index(stripped)
    return start, start + len(stripped)


def proposal_regions(sentence: Sentence) -> list[tuple[int, int, bool]]:
    """Character ranges (doc offsets) holding what a contribution sentence introduces, with a flag
    telling whether the range is a naming ('called X') that may hold any mention."""
    regions = []
    text = sentence.text
    for match in _PROPOSE.finditer(text):
        rest = text[match.end():]
        if _TO_VERB.match(rest):  # "we propose to address this issue via X"
            via = _VIA.search(rest)
            if not via:
                continue
            rest_start = match.end() + via.end()
        else:
            rest_start = match.end()
        segment = text[rest_start:]
        # "a novel method called 'X' (Y)": stop at the first clause boundary after 12 words
        end = _object_end(segment)
        regions.append((sentence.start + rest_start, sentence.start + rest_start + end, False))
    passive = _PASSIVE.match(text)
    if passive:
        regions.append((sentence.start, sentence.start + passive.end(1), False))
    for match in _NAMING.finditer(text):
        segment = text[match.end():]
        end = _object_end(segment)
        regions.append((sentence.start + match.end(), sentence.start + match.end() + end, True))
    return regions


def _object_end(segment: str) -> int:
    stop = len(segment)
    for words, m in enumerate(re.finditer(r"\S+", segment), 1):
        if words > 14:
            stop = m.start()
            break
    boundary = _OBJECT_END.search(segment)
    # keep '(ACRO)' and "called" inside the object
    while boundary and boundary.group(0) in (",",) and re.match(r"\s*(?:called|dubbed|named|termed)", segment[boundary.end():]):
        boundary = _OBJECT_END.search(segment, boundary.end())
    if boundary:
        stop = min(stop, boundary.start())
    return stop


# ---------------------------------------------------------------- claims

_SELF = re.compile(
    r"\b(we|our|ours|us|the proposed|this (?:paper|work|approach|method|model|framework)|experiment\w*|"
    r"empirical\w*|results?|evaluations?|ablations?|simulations?|theoretical\w*|analytical\w*)\b", re.IGNORECASE)
_EXCLUDE = re.compile(r"https?://|\bcode\b.*\bavailable\b|\bavailable at\b|\bgithub\b|\bproject page\b", re.IGNORECASE)
_BACKGROUND = re.compile(r"\b(has been|have been|had been|recently|recent (?:work|studies|advances)|"
                         r"typically|traditionally|conventional|existing (?:methods|approaches|work)|"
                         r"prior work|previous work|is widely|are widely|it is widely|however, (?:they|these|most|existing))\b", re.IGNORECASE)

CUES: dict[str, re.Pattern] = {
    "other_strong": re.compile(r"\b(this observation|reveals? that|provides? (?:\w+ )?insights?|insights? into)\b", re.IGNORECASE),
    "efficiency_than": re.compile(r"\b(more efficient(?:ly)?|faster|cheaper|less memory|fewer (?!in\b|than\b)\w+|less (?:memory|time|compute|computation|energy|data))\b[^.]{0,60}\bthan\b(?!\s+\d)|"
                                  r"\bsuperior\s+(?:\w+\s+)?(?:scaling|speed|efficiency|run-?time|latency|throughput|memory)\b|"
                                  r"\b\d+(?:\.\d+)?\s?(?:x|×)\s+(?:faster|speed-?up|fewer|less|smaller|cheaper)", re.IGNORECASE),
    "outperforms": re.compile(r"\b(outperform\w*|surpass\w*(?!\s+\d)|superior(?:ity)?\s+(?:to|over)\b|superiority|better than|beats?\b|beating|"
                              r"exceed\w*(?!\s+\d)|improvements? (?:over|compared)|compared (?:with|to)\b[^.]*|"
                              r"performs? better|advantage over|higher \w+ than|lower \w+ than|than (?:existing|previous|prior|state|the state))", re.IGNORECASE),
    "theory": re.compile(r"\b(prove[sdn]?|proof|theorems?|derive[sd]?|deriving|theoretical(?:ly)?|analytical(?:ly)?|"
                         r"upper[- ]bound\w*|lower[- ]bound\w*|guarantee[sd]?|converges?\b|generalis|generaliz(?:e|es)\b)", re.IGNORECASE),
    "improves": re.compile(r"\b(improv\w*|boost(?:s|ing)?\b|boosted\s+(?:by|the|our|its|performance|accuracy)\b|gains?\b|increas\w+|mitigat\w*|enhanc\w*|reduc\w+)\b", re.IGNORECASE),
    "achieves": re.compile(r"\b(achiev\w*|attain\w*|obtain\w*|state[- ]of[- ]the[- ]art|competitive|on par|comparable|"
                           r"effectiveness|good (?:\w+ )?(?:performance|results)|top-tier|largest|first (?:method|model|approach)|"
                           r"remarkabl\w*|powerful|promising|(?:can be )?used effectively|surpass\w*\s+\d|strong baseline|superiority|"
                           r"superior(?!\s+(?:to|over)\b))", re.IGNORECASE),
    "efficiency": re.compile(r"\b(efficien\w*|faster|speed-?ups?|latency|resource-constrained|lightweight|"
                             r"low(?:er)? (?:computational|memory|cost)|fewer parameters|less memory|cheaper)\b", re.IGNORECASE),
    "other": re.compile(r"\b(we (?:find|found|observe|identify|show|demonstrate|validate|verify|confirm|discover|reveal)|"
                        r"(?:show|shows|showed|demonstrate|demonstrates|reveal|reveals|suggest|suggests|indicate|indicates|"
                        r"confirm|confirms) that|discovering|insights?|support the|are presented|observation)\b", re.IGNORECASE),
}
_ORDER = ("other_strong", "efficiency_than", "outperforms", "theory", "improves", "achieves", "efficiency", "other")
_CONFIDENCE = {"other_strong": 0.55, "efficiency_than": 0.8, "outperforms": 0.85, "theory": 0.7, "improves": 0.7, "achieves": 0.75,
               "efficiency": 0.6, "other": 0.5}
_CONTRIBUTION = re.compile(rf"\b(?:we|us to|this (?:paper|work|article|study))\s+{_ADVERBS}"
                           r"(?:propose|introduce|present|design|develop)s?\b",
                           re.IGNORECASE)
_SELF_SUBJECT = re.compile(r"\b(our (?:\w+[- ]){0,3}(?:method|approach|model|framework|algorithm|technique|network|"
                           r"architecture|system|result|proposed)s?|the proposed|it|its|which|ours)\b", re.IGNORECASE)
_GENERIC_SOTA = re.compile(r"\b(state[- ]of[- ]the[- ]arts?|sota)\b", re.IGNORECASE)
_GENERIC_BASELINE = re.compile(r"\b((?:\d+|several|strong|existing|previous|prior|alternative|competing|other|"
                               r"current|conventional|vanilla)\s+(?:\w+[- ])?(?:baselines?|methods|approaches|models|"
                               r"counterparts|techniques|algorithms)|baselines?)\b", re.IGNORECASE)
# Baseline cues: the method named right after one of these is what the subject is compared with
# ('speedups of approximately 40x relative to KAN'); 'over'/'than' before a number are amounts.
_COMPARE_AT = re.compile(r"\b(outperform\w*|surpass\w*|superior(?:ity)?\s+(?:to|over)|better than|beats?|"
                         r"than(?!\s+[\d(])|over(?!\s+[\d(])|compared (?:with|to)|in comparison (?:with|to)|relative to|"
                         r"versus|vs\.?|on par with|comparable (?:to|with)|competitive with|against)(?!\w)", re.IGNORECASE)


_REACHES = re.compile(r"\b(?:to|surpass\w*)\s+\d+(?:\.\d+)?\s?%", re.IGNORECASE)
_MOTIVATION = re.compile(r"\b(?:we|our)\s+(?:\w+\s+)?(?:focus|aim|goal|seek|strive|want|intend|hope)\w*\b|"
                         r"\bin this survey\b|\bwe review\b|\bopens? (?:up )?new possibilities\b|"
                         r"\bwe (?:\w+ly )?(?:argue|believe|advocate|speculate|envision|conjecture)\b", re.IGNORECASE)  # opinions
_RESULT_CLAUSE = re.compile(r"(?:,\s*which|\bthat|\band)\s+(?:\w+\s+){0,3}(?:achiev|outperform|improv|boost|shows?|reduc|"
                            r"makes?|yields?|surpass|significantly)", re.IGNORECASE)


_CONTRAST_START = re.compile(r"\s*(?:however|unfortunately|nevertheless|yet|but)\b", re.IGNORECASE)
_CAPABILITY = re.compile(r"\b(allow|allows|allowing|enable|enables|enabling|permit|permits|permitting)\b", re.IGNORECASE)
_RESULT_MARKER = re.compile(r"\b(results?|experiments?|experimental|empirical\w*|outperform\w*|achiev\w*|demonstrat\w*|"
                            r"shows?|shown|observe\w*|find|found|prove\w*)\b|\d\s?%", re.IGNORECASE)


# Cue words used descriptively: how something is done ('registration is achieved by combining ...'),
# a tool used ('we used a state-of-the-art speech synthesis system'), an adjective ('efficient decoder'
# as a name part is kept: only these phrases are blanked before the cues are searched).
_DESCRIPTIVE = re.compile(r"\b(?:is|are|was|were|be|been|can be)\s+(?:achieved|obtained|computed|built|constructed)\s+"
                          r"(?:by|through|via|using|with|from)\b|\b(?:show|shows|demonstrate|demonstrates)\s+how\b|"
                          r"\b(?:use[sd]?|using|adopt\w*|employ\w*|with|on top of)\s+(?:an?|the)\s+"
                          r"(?:\w+\s+)?state[- ]of[- ]the[- ]art\b", re.IGNORECASE)
_DESCRIPTIVE_ADJECTIVE = re.compile(r"(?<=\s)efficient\s+(?=[A-Za-z])", re.IGNORECASE)
_ADJECTIVE_AFTER = re.compile(r"\b(?:using|with|via|by|an?)\s+$", re.IGNORECASE)


def _mask(sentence: str) -> str:
    """``sentence`` with descriptive cue phrases blanked (same length, offsets unchanged)."""
    def adjective(m: re.Match) -> str:  # 'using efficient X', 'an efficient X': a description
        return " " * len(m.group(0)) if _ADJECTIVE_AFTER.search(sentence[max(0, m.start() - 12):m.start()]) else m.group(0)

    sentence = _DESCRIPTIVE_ADJECTIVE.sub(adjective, sentence)
    return _DESCRIPTIVE.sub(lambda m: " " * len(m.group(0)), sentence)


_EFF_CUE = re.compile(r"\b(faster|speed\w*|accelerat\w*|latency|throughput|flops|memory|cheaper|costs?|lightweight|"
                      r"compute|computational(?:ly)?|parameters|efficien\w*|run-?time|training time|inference time|"
                      r"complexity|compress\w*|smaller|savings?|energy|\d+(?:\.\d+)?\s?(?:x|×|times)\b)", re.IGNORECASE)
_BEATS = re.compile(r"\b(outperform\w*|surpass\w*|superior\w*|beats?|exceed\w*|wins?|better|more accurate|"
                    r"higher (?:[\w-]+ ){0,3}than|improv\w* (?:over|upon|existing))\b", re.IGNORECASE)


def guideline_type(sentence: str, ranked: list[str]) -> str:
    """The claim type of the guidelines from the classifier's types, most probable first: an
    'outperforms' that beats nothing is 'efficiency' when it speaks of speed or cost ('a 10x
    increase in speed compared to solvers'), else the next type when no baseline is named at all."""
    kind = ranked[0]
    if kind == "outperforms" and not _BEATS.search(sentence):
        if _EFF_CUE.search(sentence):
            return "efficiency"
        if not _COMPARE_AT.search(_mask(sentence)):
            return ranked[1]
    return kind


def classify(sentence: str) -> tuple[str, float, int] | None:
    """(type, confidence, position of the cue) of a result sentence, or None.

    The position is the character offset where the deciding cue starts.
    """
    sentence = _mask(sentence)
    for name in _ORDER:
        found = CUES[name].search(sentence)
        if found:
            kind = {"efficiency_than": "efficiency", "other_strong": "other"}.get(name, name)
            if kind == "improves" and _REACHES.search(sentence) and not re.search(r"\bfrom\s+\d", sentence):
                kind = "achieves"  # 'boost ResNet-50 to 80%+ top-1 accuracy' is a level reached
            return kind, _CONFIDENCE[name], found.start()
    return None


# A capability stated with a modal ('we can achieve interpolative shading', 'The method can exploit
# ...') reports no result unless evidence or a comparison comes with it ('much smaller KANs can
# achieve comparable or better accuracy than much larger MLPs', 'Significantly improved accuracy
# can be achieved ...').
_MODAL = re.compile(r"\b(?:can|could|may|might)\b(?!\s+not\b)|\b(?:is|are)\s+able\s+to\b", re.IGNORECASE)
_EVIDENCE = re.compile(r"\b(?:we|results?|experiments?|evaluations?)\s+(?:\w+\s+){0,2}(?:show|shows|showed|shown|demonstrat\w*|"
                       r"confirm\w*|indicate\w*|suggest\w*|reveal\w*|prove\w*)\b(?!\s+(?:how|examples?)\b)|"
                       r"\b(?:show|shows|showed|demonstrate|demonstrates|suggest|suggests|indicate|indicates|reveal|reveals|"
                       r"confirm|confirms|prove|proves)\s+that\b|\b(?:find|found|observe\w*|noteworthy|insights?|"
                       r"analy[sz]\w*|stud(?:y|ies))\b|\bour results?\b|\bexperiment\w*|\bempiric\w*|"
                       r"\bevaluat\w*|\bresults\b|\boutperform\w*|\bthan\b|\bcompar\w*|\bcompetitive\b|\bbetter\b|"
                       r"\bsignificant\w*|\bstate[- ]of[- ]the[- ]art\b|\bprove[dn]\b|\borders? of magnitude\b|\b(?:with|without)\s+(?:any\s+)?"
                       r"(?:no\s+)?loss\b|\b(?:bigger|larger|higher|lower|smaller|fewer)\b|\d", re.IGNORECASE)
# Cue words inside a purpose or a side clause describe what the method is for or how it works
# ('uses disjunctive feature structures to reduce the number of copies', 'for more efficient use of
# multilingual resources', 'it avoids massive window sampling, and thereby reducing ...').
_PURPOSE = re.compile(r"\b(?:in order\s+)?to\s+(?:\w+ly\s+)?(?:further\s+)?(?:improve|reduce|enhance|increase|boost|mitigate|"
                      r"achieve|obtain|attain|speed\s+up|compute|correct)\b|"
                      r"\bfor\s+(?:a\s+)?(?:more\s+)?efficien\w*|"
                      r"(?:,|\bthereby|\bthus)\s+(?:and\s+)?(?:thereby\s+|thus\s+)?(?:reducing|improving|increasing|enhancing|"
                      r"obtaining|achieving|boosting)\b", re.IGNORECASE)


def is_capability_statement(sentence: str) -> bool:
    """A modal capability ('X can ...') with no evidence or comparison: a description, not a result."""
    return bool(_MODAL.search(sentence)) and not _EVIDENCE.search(sentence)


def cue_only_in_purpose(sentence: str) -> bool:
    """Every claim cue sits in a purpose or side clause ('... to reduce ...') and no result marker
    ('results', 'show', a percentage) is present."""
    if not _PURPOSE.search(sentence) or _RESULT_MARKER.search(sentence) or _EVIDENCE.search(sentence) \
            or classify(sentence) is None:
        return False
    masked = _PURPOSE.sub(lambda m: " " * len(m.group(0)), sentence)
    return classify(masked) is None


def is_claim_candidate(sentence: str, *, after_proposal: bool, mentions_proposed: bool) -> bool:
    """Does the sentence speak about the paper's own work (not background, code or motivation)?"""
    if _EXCLUDE.search(sentence) or len(sentence) < 25 or _MOTIVATION.search(sentence):
        return False
    if _CAPABILITY.search(sentence) and not _RESULT_MARKER.search(sentence):
        return False  # 'X allows / enables ...' describes the method, it reports no result
    if is_capability_statement(sentence) or cue_only_in_purpose(sentence):
        return False
    if not (mentions_proposed or _SELF.search(sentence) or after_proposal):
        return False
    if _BACKGROUND.search(sentence) and not mentions_proposed and not re.search(r"\b(we|our)\b", sentence, re.IGNORECASE):
        return False
    if _CONTRAST_START.match(sentence) and not mentions_proposed and not re.search(  # noqa: SIM103  (one guard of many)
            r"\b(we|our|ours|us|proposed)\b", sentence, re.IGNORECASE):
        return False  # 'However, Gaussian blurring does not respect ...': a limitation of prior work
    return True


@dataclass
class ClaimDraft:
    """A claim with surface names (canonicalised later, corpus-wide)."""

    start: int
    end: int
    type: str
    confidence: float
    subject: tuple[str, str] | None  # (text, label) or ("@proposed", "")
    object: str | None  # mention text or a generic phrase
    object_is_mention: bool = False
    datasets: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    value: str | None = None
    value_number: float | None = None
    value_unit: str | None = None


def build_claim(sentence: Sentence, kind: str, confidence: float, cue_at: int,
                mentions: list[tuple[int, int, str, str]], proposed_keys: set[str],
                previous: list[tuple[int, int, str, str]]) -> ClaimDraft:
    """Fill subject, object, datasets, metrics, tasks and value of one claim sentence.

    ``mentions``: (start, end, label, text) inside the sentence; ``previous``: those of the
    sentence before (datasets named there carry over).
    """
    text = sentence.text
    cue_abs = sentence.start + cue_at
    methods = [m for m in mentions if m[2] == "method" and not is_evaluative(m[3])]
    subject = None
    own = [m for m in methods if name_key(m[3]) in proposed_keys]
    compare = _COMPARE_AT.search(text)
    compare_abs = sentence.start + compare.start() if compare else None
    before_cue = [m for m in methods if m[1] <= (compare_abs if compare_abs is not None else cue_abs)]
    limit = compare_abs if compare_abs is not None else cue_abs
    own_before = [m for m in own if m[0] < limit]
    if own_before:
        subject = (own_before[-1][3], "method")
    elif before_cue and not re.search(r"\bour\b", text[: before_cue[-1][0] - sentence.start], re.IGNORECASE) and \
            re.search(r"\b(that|,)\s*$", text[: before_cue[0][0] - sentence.start]) is not None:
        subject = (before_cue[0][3], "method")
    elif proposed_keys and _SELF_SUBJECT.search(text):
        subject = ("@proposed", "")
    elif kind in ("theory", "other") and methods:
        subject = (methods[0][3], "method")
    elif proposed_keys and not before_cue:
        subject = ("@proposed", "")
    elif before_cue:
        subject = (before_cue[0][3], "method")
    elif own:
        subject = (own[0][3], "method")

    obj, obj_is_mention = None, False
    if compare and kind in ("outperforms", "efficiency", "achieves", "improves"):
        after = [m for m in methods if m[0] >= compare_abs and name_key(m[3]) not in proposed_keys
                 and (subject is None or name_key(m[3]) != name_key(subject[0]))]
        tail = text[compare.start():]
        if after:
            obj, obj_is_mention = after[0][3], True
        elif _GENERIC_SOTA.search(tail):
            obj = "state-of-the-art"
        elif _GENERIC_BASELINE.search(tail) or kind == "outperforms":
            obj = "baselines" if kind == "outperforms" or _GENERIC_BASELINE.search(tail) else None
    elif kind == "outperforms":
        obj = "baselines"

    def names(label: str, pool) -> list[str]:
        seen: dict[str, str] = {}
        for m in pool:
            if m[2] == label:
                seen.setdefault(name_key(m[3]), m[3])
        return list(seen.values())

    datasets = names("dataset", mentions)
    if not datasets and kind in ("outperforms", "improves", "achieves", "efficiency"):
        datasets = names("dataset", previous)
    values = find_values(text)
    value = values[0] if values else None
    rate = None if value else find_asymptotic(text)  # 'a O(log T) regret': the value of a theory claim
    return ClaimDraft(
        start=sentence.start, end=sentence.end, type=kind, confidence=confidence, subject=subject,
        object=obj, object_is_mention=obj_is_mention, datasets=datasets,
        metrics=names("metric", mentions), tasks=names("task", mentions),
        value=value.text if value else rate, value_number=value.number if value else None,
        value_unit=value.unit if value else None,
    )


_WHAT_WE_DO = re.compile(r"^\s*in this (?:paper|work|article|study)\s*,?\s*we\s+(?:\w+ly\s+)?"
                         r"(?!show|demonstrate|find|found|prove|observe|confirm|report|verify|validate|achieve|obtain)\w+|"
                         r"\bwe\s+(?:\w+ly\s+)?(?:describe|discuss|outline)\b", re.IGNORECASE)
_REPORTS_RESULT = re.compile(r"\b(?:show|shows|showed|demonstrate|demonstrates|find|found|prove|proves|confirm|"
                             r"suggests?|indicates?|reveals?)\s+that\b|"
                             r"\d\s?%|\bresults?\b", re.IGNORECASE)


def is_contribution(sentence: str) -> bool:
    """'We propose X ...': describes what is introduced, not a result."""
    return bool(_CONTRIBUTION.search(sentence))


def states_what_is_done(sentence: str) -> bool:
    """A contribution ('We propose X'), or 'In this paper, we use X to ...', 'We describe an
    experiment ...': what the paper does, not what it found."""
    if _CONTRIBUTION.search(sentence):
        return True
    return bool(_WHAT_WE_DO.search(sentence)) and not _REPORTS_RESULT.search(sentence)


def contribution_with_result(sentence: str) -> bool:
    """'... propose a new residual unit, which makes training easier and improves generalization'."""
    return bool(_RESULT_CLAUSE.search(sentence))


CLAIM_TYPES = ("outperforms", "improves", "achieves", "efficiency", "theory", "other")


def sentence_features(sentence: str, index: int, count: int, *, verdict, candidate: bool,
                      mentions_proposed: bool) -> list[str]:
    """What the rules know about a sentence, as pseudo-words for the trained claim classifier:
    the rules' type (``verdict`` of :func:`classify`), whether they take it as a claim candidate,
    a contribution statement, a mention of the proposed method, its position in the abstract."""
    feats = [f"kgrule{verdict[0] if verdict else 'none'}"]
    if candidate:
        feats.append("kgcandidate")
    if is_contribution(sentence):
        feats.append("kgcontribution")
    if mentions_proposed:
        feats.append("kgown")
    feats.append("kglast" if index == count - 1 else "kgfirst" if index == 0 else f"kgpos{min(4, 5 * index // max(count, 1))}")
    return feats
