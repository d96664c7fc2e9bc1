#!/bin/sh
# Reproducible NER training (CPU, ~10-15 min on 2 cores). Not run by CI. Needs the training extra
# (pip install -e '.[train]') and ../shared/data/{scierc,tdmsci}.
# Output: training/ner-model/model-best; ship its "ner" component with:
#   python training/ship_ner.py
set -e
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
$PY -m kg.extract.learn.vectors --if-missing  # the static vectors (1-2 min the first time)
$PY training/prepare_ner.py
$PY -m spacy train training/ner.cfg --output training/ner-model --paths.train training/corpus/train.spacy --paths.dev training/corpus/dev.spacy
