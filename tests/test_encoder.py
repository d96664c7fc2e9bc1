"""The sentence encoder the trained decisions read (kg.extract.encoder): all-MiniLM-L6-v2, int8 ONNX."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from kg.extract.encoder import MAX_PIECES, MAX_WINDOWS, WIDTH, encode, remembering, span_vector, unit

TEXT = ("Kolmogorov-Arnold Networks\n\nWe propose Kolmogorov-Arnold Networks (KAN) as alternatives to MLPs. "
        "KAN outperforms MLP on MNIST by 1.2% accuracy.")


def test_every_word_piece_gets_a_state_and_its_offsets_in_the_text():
    states = encode(TEXT)
    assert states.states.shape == (len(states.starts), WIDTH)
    assert states.states.dtype == np.float32
    assert TEXT[states.starts[0]:states.ends[0]].lower() == "ko"  # WordPiece: 'Kolmogorov' is ko ##lm ##ogo ##rov
    assert {TEXT[s:e] for s, e in zip(states.starts, states.ends)} >= {"propose", "accuracy", "%"}
    assert np.all(np.abs(states.states).sum(1) > 0)


def test_the_fourth_layer_comes_with_the_last():
    states = encode(TEXT)
    assert states.middle.shape == states.states.shape
    assert not np.allclose(states.middle, states.states)
    first = TEXT.index("KAN)")
    inside = (states.starts < first + 3) & (states.ends > first)
    assert np.allclose(span_vector(states, [(first, first + 3)], middle=True), states.middle[inside].mean(0))


def test_the_same_text_gives_the_same_states():
    assert np.array_equal(encode(TEXT).states, encode(TEXT).states)


def test_remembering_encodes_a_text_once_and_gives_the_same_states():
    """What fitting relies on: inside the block a text's states are computed once and shared
    (read-only); outside it nothing is kept."""
    fresh = encode(TEXT)
    with remembering():
        first = encode(TEXT)
        with remembering():  # nested blocks share the outer memory
            assert encode(TEXT) is first
        assert encode(TEXT) is first
        assert encode(TEXT + " More.") is not first
    assert encode(TEXT) is not first
    assert np.array_equal(first.states, fresh.states)
    with pytest.raises(ValueError):
        first.states[0, 0] = 1.0


def test_a_word_reads_its_context():
    """'transformer' in a deep-learning sentence and in an electrical one: different states."""
    a = "The Transformer architecture outperforms recurrent networks on translation."
    b = "The power transformer steps the grid voltage down for households."
    va = span_vector(encode(a), [(4, 15)])
    vb = span_vector(encode(b), [(10, 21)])
    cosine = float(unit(va) @ unit(vb))
    assert 0.2 < cosine < 0.95


def test_a_span_vector_is_the_mean_of_its_pieces_over_its_occurrences():
    states = encode(TEXT)
    first = TEXT.index("KAN")
    second = TEXT.index("KAN", first + 1)
    one = span_vector(states, [(first, first + 3)])
    both = span_vector(states, [(first, first + 3), (second, second + 3)])
    inside = (states.starts < first + 3) & (states.ends > first)
    assert np.allclose(one, states.states[inside].mean(0))
    assert np.allclose(both, (one + span_vector(states, [(second, second + 3)])) / 2)
    assert span_vector(states, [(len(TEXT) + 5, len(TEXT) + 9)]) is None
    assert unit(None) is None
    assert abs(np.linalg.norm(unit(both)) - 1) < 1e-6


def test_a_long_text_is_encoded_in_bounded_windows():
    """Past the encoder's 512 positions the text goes in equal windows; past MAX_WINDOWS of them the
    pieces get no state (zeros) instead of unbounded work."""
    sentence = "We evaluate the proposed network on ImageNet and report top-1 accuracy. "
    long_text = sentence * 150  # about 2,000 pieces: 4 windows
    states = encode(long_text)
    assert len(states.starts) > 3 * MAX_PIECES
    assert np.all(np.abs(states.states).sum(1) > 0)
    huge = encode(sentence * 1000)
    assert len(huge.starts) == MAX_PIECES * MAX_WINDOWS
    assert encode("").states.shape == (0, WIDTH)


def _encode_in_child(queue):
    queue.put(encode(TEXT).states)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_a_forked_worker_builds_its_own_session_and_gets_the_same_states():
    """Extraction forks its workers after the pipeline is loaded (kg extract -j): the parent has used
    the encoder already; the child must not reuse its session."""
    expected = encode(TEXT).states
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_encode_in_child, args=(queue,))
    child.start()
    got = queue.get(timeout=120)
    child.join(timeout=60)
    assert child.exitcode == 0
    assert np.array_equal(got, expected)
