"""Classic sentence classifiers: bag-of-words logistic regression (L1/L2), multinomial naive Bayes,
and the TextCNN of Kim (2014), "Convolutional Neural Networks for Sentence Classification"."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import BagOfWords, LogisticRegression, MultinomialNB, TextCNN, TextCNNConfig

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = [
    "PAPER_ID",
    "TITLE",
    "BagOfWords",
    "LogisticRegression",
    "MultinomialNB",
    "TextCNN",
    "TextCNNConfig",
]
