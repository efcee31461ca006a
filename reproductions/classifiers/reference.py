"""The references: scikit-learn for the linear models and features, torch for the convolution.

Owns building scikit-learn's `CountVectorizer`, `LogisticRegression` and `MultinomialNB` with the
settings that define the same problem as ours (same tokens, same objective, converged tightly),
and `conv_reference`: Kim's feature map written the slow, literal way -- every window
x_{i:i+h-1} flattened and dotted with the filter -- to check our Conv1d-based TextCNN against.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.naive_bayes import MultinomialNB as SkMultinomialNB

from .model import TextCNN


def sklearn_vectorizer(min_df: int, binary: bool = False) -> CountVectorizer:
    """Whitespace tokens, no lower-casing (the loaders already lower-case)."""
    return CountVectorizer(token_pattern=r"\S+", lowercase=False, min_df=min_df, binary=binary)


def sklearn_logistic(penalty: str, C: float, fit_intercept: bool = True) -> SkLogisticRegression:
    """L2: lbfgs; L1: saga (the solver that leaves the intercept unpenalised, as we do).
    scikit-learn >= 1.8 spells the penalty as l1_ratio (penalty= is deprecated)."""
    if penalty == "l2":
        return SkLogisticRegression(
            C=C, l1_ratio=0.0, tol=1e-10, max_iter=10000, fit_intercept=fit_intercept
        )
    return SkLogisticRegression(
        C=C, l1_ratio=1.0, solver="saga", tol=1e-10, max_iter=100000, fit_intercept=fit_intercept
    )


def fit_quietly(model, X, y):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def sklearn_nb(alpha: float) -> SkMultinomialNB:
    return SkMultinomialNB(alpha=alpha)


def conv_reference(model: TextCNN, input_ids: torch.Tensor) -> torch.Tensor:
    """Kim's eq. (2) literally: c_i = relu(w . x_{i:i+h-1} + b), then c^ = max_i c_i over windows
    that are not all padding; returns the pooled features (B, m) like `TextCNN.features`."""
    # padding_idx: the padding row gets no gradient, as in nn.Embedding(padding_idx=...).
    emb = F.embedding(input_ids, model.embedding.weight, padding_idx=model.config.pad_id)
    pad = input_ids.eq(model.config.pad_id)
    out = []
    for h, conv in zip(model.config.widths, model.convs, strict=True):
        B, n, k = emb.shape
        windows = torch.stack([emb[:, i : i + h, :].reshape(B, h * k) for i in range(n - h + 1)], 1)
        # Conv1d stores (filters, k, h); the flattened window is ordered (h, k).
        w = conv.weight.permute(0, 2, 1).reshape(conv.out_channels, h * k)
        c = F.relu(windows @ w.T + conv.bias)  # (B, n - h + 1, filters)
        valid = ~torch.stack([pad[:, i : i + h].all(dim=1) for i in range(n - h + 1)], 1)
        c = torch.where(valid[:, :, None], c, torch.full_like(c, float("-inf")))
        out.append(c.max(dim=1).values)
    return torch.cat(out, dim=1)


__all__ = [
    "conv_reference",
    "fit_quietly",
    "np",
    "sklearn_logistic",
    "sklearn_nb",
    "sklearn_vectorizer",
]
