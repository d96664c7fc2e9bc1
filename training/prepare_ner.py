"""SciERC train/dev + TDMSci train -> spaCy DocBin files for `spacy train` (training/ner.cfg).

    python training/prepare_ner.py [DATA_DIR] [OUT_DIR]

Labels: method, task, metric, dataset (SciERC Material and TDMSci Dataset both become dataset,
as `kg eval` scores them). SciERC Generic/OtherScientificTerm are dropped. The last 150 TDMSci
training sentences join SciERC dev as the dev set; nothing from the seed papers is used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin
from spacy.util import filter_spans

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "training" / "corpus"
LABELS = {"method": "method", "task": "task", "metric": "metric", "material": "dataset", "dataset": "dataset"}


def docs(nlp, path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        doc = nlp.make_doc(row["text"])
        spans = []
        for ent in row["entities"]:
            label = LABELS.get(ent["label"].lower())
            span = doc.char_span(ent["start"], ent["end"], label=label, alignment_mode="expand") if label else None
            if span is not None:
                spans.append(span)
        doc.ents = filter_spans(spans)
        yield doc


def main() -> None:
    nlp = spacy.blank("en")
    OUT.mkdir(parents=True, exist_ok=True)
    scierc_train = list(docs(nlp, DATA / "scierc" / "train.jsonl"))
    scierc_dev = list(docs(nlp, DATA / "scierc" / "dev.jsonl"))
    tdmsci = list(docs(nlp, DATA / "tdmsci" / "train.jsonl"))
    train, dev = scierc_train + tdmsci[:-150], scierc_dev + tdmsci[-150:]
    DocBin(docs=train).to_disk(OUT / "train.spacy")
    DocBin(docs=dev).to_disk(OUT / "dev.spacy")
    print(f"train {len(train)} docs, dev {len(dev)} docs -> {OUT}")


if __name__ == "__main__":
    main()
