"""The static word vectors both NERs read (kg.extract.learn.vectors): distilled from the sentence
encoder all-MiniLM-L6-v2, shipped inside each NER and handed to the extraction pipeline with it."""

from __future__ import annotations

import numpy as np
import pytest

from kg.extract.pipeline import NER_MODEL, Options, default_options, load_pipeline


def _cosine(a, b) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_distilled_vectors_place_words_of_one_kind_together():
    pytest.importorskip("onnxruntime", reason="the encoder comes with the training extra")
    from kg.extract.learn.vectors import encode

    words = ["accuracy", "precision", "segmentation", "detection", "banana", "guitar"]
    table = dict(zip(words, encode(words)))
    assert table["accuracy"].shape == (384,)
    assert _cosine(table["accuracy"], table["precision"]) > _cosine(table["accuracy"], table["banana"]) + 0.1
    assert _cosine(table["segmentation"], table["detection"]) > _cosine(table["segmentation"], table["guitar"]) + 0.1
    again = encode(["precision", "accuracy"])  # a word's vector does not depend on its batch or order
    assert np.allclose(again[1], table["accuracy"], atol=1e-5)


def test_the_reduction_is_a_signed_pca_that_does_not_depend_on_the_run():
    from kg.extract.learn.vectors import reduce

    rng = np.random.default_rng(0)
    table = rng.normal(size=(200, 16)) @ rng.normal(size=(16, 16))
    reduced = reduce(table, 4)
    assert reduced.shape == (200, 4) and reduced.dtype == np.float32
    variances = reduced.var(0)
    assert list(variances) == sorted(variances, reverse=True)  # the widest directions first
    assert np.array_equal(reduced, reduce(table.copy(), 4))


@pytest.mark.parametrize("options", [default_options(), Options(trained=None, scierc_ner=True)],
                         ids=["seed NER", "SciERC/TDMSci NER"])
def test_each_ner_brings_its_vectors_into_the_pipeline(options):
    if options.trained is None and not (options.scierc_ner and (NER_MODEL / "config.cfg").exists()):
        pytest.skip("this NER is not installed")
    nlp = load_pipeline(options)
    assert load_pipeline(options) is nlp  # loaded once: forked extraction workers inherit it
    rows, width = nlp.vocab.vectors.shape
    assert rows > 20_000 and width == 64
    assert nlp.vocab.has_vector("accuracy")
    ner = nlp.get_pipe("kg_seed_ner" if options.trained else "kg_ner")
    assert ner.model.get_ref("tok2vec").get_dim("nO") > 0
    doc = nlp("We propose GraphSAGE and evaluate it on CIFAR-10 by accuracy.")
    assert doc._.kg is not None


def test_a_built_table_is_kept(tmp_path):
    from kg.extract.learn.vectors import TABLE, built

    (tmp_path / TABLE).parent.mkdir(parents=True)
    (tmp_path / TABLE).write_bytes(b"table")
    assert built(tmp_path) == tmp_path and (tmp_path / TABLE).read_bytes() == b"table"


def test_a_build_stopped_half_way_leaves_no_table(tmp_path, monkeypatch):
    import spacy.language

    from kg.extract.learn import vectors

    words = ["accuracy", "precision", "banana"]
    monkeypatch.setattr(vectors, "vocabulary", lambda: words)
    monkeypatch.setattr(vectors, "encode", lambda ws: np.eye(len(ws), 4, dtype="float32") + 0.1)
    out = tmp_path / "vectors"
    saved = spacy.language.Language.to_disk

    def stopped(self, path, **kwargs):
        saved(self, path, **kwargs)  # every file written, then the process is stopped before the end
        raise KeyboardInterrupt

    monkeypatch.setattr(spacy.language.Language, "to_disk", stopped)
    with pytest.raises(KeyboardInterrupt):
        vectors.build(out, width=2)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    monkeypatch.setattr(spacy.language.Language, "to_disk", saved)
    assert vectors.built(out, width=2) == out and (out / vectors.TABLE).exists()
    assert list(tmp_path.iterdir()) == [out]
