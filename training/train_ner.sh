#!/bin/sh
# Reproducible NER training (CPU, ~10-15 min on 2 cores). Not run by CI.
# Output: training/ner-model/model-best; ship its "ner" component with:
#   python training/ship_ner.py
set -e
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
$PY training/prepare_ner.py
$PY -m spacy train training/ner.cfg --output training/ner-model --paths.train training/corpus/train.spacy --paths.dev training/corpus/dev.spacy
