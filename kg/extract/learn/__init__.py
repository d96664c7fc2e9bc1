"""Learning from the seed gold: gold -> training examples, fitting the trained components, and
k-fold cross-validation by paper (``kg eval --cv``).

Only used to train and to measure; extraction loads what :mod:`.fit` wrote (see
``kg/extract/resources/trained``). spaCy, scikit-learn and friends are imported lazily.
"""
