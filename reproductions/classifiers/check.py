"""The classifiers' parity suite: ours against scikit-learn and torch on Pang & Lee sentences.

Owns `run_checks`:
- `BagOfWords` gives exactly scikit-learn's `CountVectorizer` matrix (same vocabulary order);
- L2 logistic regression (our L-BFGS) vs `LogisticRegression(l1_ratio=0, lbfgs)`: coefficients,
  intercept and predicted probabilities; L1 (our FISTA) vs `saga`: the same, on frequent-word
  features (min_df 20) where the L1 solution is unique (rare words repeat each other's columns);
- multinomial naive Bayes vs `MultinomialNB(alpha)`: log theta, log prior, posteriors;
- predictions equal on the test sentences for all three;
- TextCNN's Conv1d + masked max-over-time equals the literal window-by-window formula, values
  and gradients, in float64 and float32.
"""

from __future__ import annotations

import numpy as np
import torch

from reproductions.common import data
from reproductions.common.parity import (
    check,
    float32_tolerance,
    float64_record,
    init_weights_,
    max_abs_diff,
)

from .model import BagOfWords, LogisticRegression, MultinomialNB, TextCNN, TextCNNConfig
from .reference import (
    conv_reference,
    fit_quietly,
    sklearn_logistic,
    sklearn_nb,
    sklearn_vectorizer,
)

COEF_TOL = 1e-4  # both sides stop at a gradient tolerance; coefficients are O(1)
NB_TOL = 1e-12


def _gap(ours: np.ndarray, ref: np.ndarray) -> float:
    return float(np.abs(ours - ref).max())


def _disagreements(ours: np.ndarray, ref: np.ndarray) -> float:
    return float((ours != ref).sum())


def _versus(subject: str, against: str, rows: list[tuple[str, float, float]]) -> list[dict]:
    """One float64 check per (what, distance, tol) row, named "<subject> <what> <against>"."""
    return [float64_record(f"{subject} {what} {against}", d, tol) for what, d, tol in rows]


def _splits() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    train, test = data.pang_lee_sentences("train"), data.pang_lee_sentences("test")
    return (
        [t for t, _ in train],
        np.array([y for _, y in train]),
        [t for t, _ in test],
        np.array([y for _, y in test]),
    )


def linear_checks(quick: bool) -> list[dict]:
    texts, y, test_texts, y_test = _splits()
    checks = []
    for min_df in (2,) if quick else (1, 2, 5):
        bow = BagOfWords(min_df=min_df).fit(texts)
        ref = sklearn_vectorizer(min_df).fit(texts)
        same_vocab = list(bow.vocabulary) == ref.get_feature_names_out().tolist()
        diff = abs(bow.transform(texts) - ref.transform(texts)).max()
        checks.append(
            float64_record(
                f"bag of words (min_df={min_df}) vs CountVectorizer",
                diff if same_vocab else float("inf"),
                0.0,
            )
        )
    bow = BagOfWords(min_df=2).fit(texts)
    X, Xt = bow.transform(texts), bow.transform(test_texts)

    for C in (1.0,) if quick else (0.1, 1.0, 10.0):
        ours = LogisticRegression(C=C, penalty="l2").fit(X, y)
        ref = fit_quietly(sklearn_logistic("l2", C), X, y)
        checks += _versus(
            f"L2 logreg C={C}",
            "vs sklearn",
            [
                ("coefficients", _gap(ours.coef_, ref.coef_[0]), COEF_TOL),
                ("intercept", _gap(ours.intercept_, ref.intercept_[0]), COEF_TOL),
                (
                    "test probabilities",
                    _gap(ours.predict_proba(Xt), ref.predict_proba(Xt)),
                    COEF_TOL,
                ),
                ("test predictions", _disagreements(ours.predict(Xt), ref.predict(Xt)), 0.0),
            ],
        )

    bow20 = BagOfWords(min_df=20).fit(texts)
    X20, Xt20 = bow20.transform(texts), bow20.transform(test_texts)
    for C in (0.1,) if quick else (0.1, 1.0):
        ours = LogisticRegression(C=C, penalty="l1", tol=1e-7).fit(X20, y)
        ref = fit_quietly(sklearn_logistic("l1", C), X20, y)
        nonzero_ours, nonzero_ref = np.abs(ours.coef_) > 1e-6, np.abs(ref.coef_[0]) > 1e-6
        checks += _versus(
            f"L1 logreg C={C}",
            "vs sklearn saga",
            [
                ("coefficients", _gap(ours.coef_, ref.coef_[0]), COEF_TOL),
                ("zero pattern", _disagreements(nonzero_ours, nonzero_ref), 0.0),
                ("test predictions", _disagreements(ours.predict(Xt20), ref.predict(Xt20)), 0.0),
            ],
        )

    for alpha in (1.0,) if quick else (0.1, 0.5, 1.0):
        ours = MultinomialNB(alpha).fit(X, y)
        ref = sklearn_nb(alpha).fit(X, y)
        log_posteriors = ours.predict_log_proba(Xt), ref.predict_log_proba(Xt)
        checks += _versus(
            f"NB alpha={alpha}",
            "vs sklearn",
            [
                ("log theta", _gap(ours.feature_log_prob_, ref.feature_log_prob_), NB_TOL),
                ("log prior", _gap(ours.class_log_prior_, ref.class_log_prior_), NB_TOL),
                ("test log posteriors", _gap(*log_posteriors), 1e-10),
                ("test predictions", _disagreements(ours.predict(Xt), ref.predict(Xt)), 0.0),
            ],
        )
    return checks


def textcnn_checks() -> list[dict]:
    cfg = TextCNNConfig(vocab_size=50, embed_dim=8, n_filters=6, dropout=0.0)
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(1, cfg.vocab_size, (4, 11), generator=g)
    ids[1, 6:] = 0  # padded rows, one shorter than the widest filter's span after padding
    ids[2, 4:] = 0
    checks = []
    base = TextCNN(cfg).double()
    init_weights_(base, std=0.2, seed=0)
    feats = {}
    for dtype in (torch.float64, torch.float32):
        model = TextCNN(cfg).to(dtype)
        model.load_state_dict(base.state_dict())
        ours = model.features(ids)
        ref = conv_reference(model, ids)
        feats[dtype] = ref.detach()
        tol = (
            1e-12
            if dtype == torch.float64
            else float32_tolerance(max_abs_diff(feats[torch.float32], feats[torch.float64]))
        )
        checks.append(
            check("TextCNN pooled features vs window formula", ours, ref, dtype=dtype, tol=tol)
        )
        w = torch.randn(ours.shape, generator=g, dtype=torch.float64).to(dtype)
        (ours * w).sum().backward()
        mine = [p.grad.clone() for p in model.parameters() if p.grad is not None]
        model.zero_grad()
        (conv_reference(model, ids) * w).sum().backward()
        theirs = [p.grad.clone() for p in model.parameters() if p.grad is not None]
        diff = max(max_abs_diff(a, b) for a, b in zip(mine, theirs, strict=True))
        checks.append(
            {
                **check(
                    "TextCNN gradients vs window formula",
                    torch.tensor(diff),
                    torch.tensor(0.0),
                    dtype=dtype,
                    tol=max(tol, 1e-12),
                )
            }
        )
    return checks


def run_checks(quick: bool = True) -> list[dict]:
    """Quick: one C / alpha each; full: several, and three vocabularies."""
    return linear_checks(quick) + textcnn_checks()


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
