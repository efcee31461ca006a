"""Classic text classifiers from scratch: bag of words, logistic regression (L2, L1), multinomial
naive Bayes, and Kim's (2014) TextCNN.

Owns:
- `BagOfWords`: vocabulary from the training texts (whitespace tokens, min document frequency),
  texts to a sparse count matrix (scipy CSR), optionally binary.
- `LogisticRegression`: minimises  C * sum_i log(1 + exp(-y_i (w.x_i + b))) + R(w), y in {-1, +1},
  the intercept b unpenalised (scikit-learn's objective). R = ||w||^2 / 2 is solved by L-BFGS
  (Nocedal & Wright, alg. 7.4/7.5: two-loop recursion, Armijo backtracking); R = ||w||_1 by
  FISTA (Beck & Teboulle, 2009): a gradient step on the smooth part, then soft-thresholding
  prox_{t||.||_1}(v) = sign(v) max(|v| - t, 0), with Nesterov momentum and adaptive restart.
- `MultinomialNB`: log P(c) + sum_w x_w log theta_cw, theta_cw = (N_cw + alpha) / (N_c + alpha V).
- `TextCNN` (Kim, 2014): embeddings -> for each width h in (3, 4, 5), feature maps
  c_i = relu(w . x_{i:i+h-1} + b) -> max-over-time pooling c^ = max_i c_i -> dropout ->
  softmax layer; the max-norm constraint ||w||_2 <= s on the output weights after each step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import nn

# --- features ----------------------------------------------------------------------------------


class BagOfWords:
    """Whitespace tokens; keep those in at least `min_df` training documents, sorted (like
    scikit-learn's CountVectorizer with token_pattern=r"\\S+", lowercase=False)."""

    def __init__(self, min_df: int = 1, binary: bool = False) -> None:
        self.min_df = min_df
        self.binary = binary
        self.vocabulary: dict[str, int] = {}

    def fit(self, texts: Sequence[str]) -> BagOfWords:
        df = Counter(tok for text in texts for tok in set(text.split()))
        kept = sorted(tok for tok, n in df.items() if n >= self.min_df)
        self.vocabulary = {tok: i for i, tok in enumerate(kept)}
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            counts = Counter(self.vocabulary[t] for t in text.split() if t in self.vocabulary)
            for c, n in counts.items():
                rows.append(r)
                cols.append(c)
                vals.append(1.0 if self.binary else float(n))
        shape = (len(texts), len(self.vocabulary))
        return sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)


# --- logistic regression ------------------------------------------------------------------------


def _log1pexp(z: np.ndarray) -> np.ndarray:
    """log(1 + exp(z)) without overflow."""
    return np.logaddexp(0.0, z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-_log1pexp(-z))


@dataclass
class FitInfo:
    iterations: int
    objective: float
    converged: bool


class LogisticRegression:
    """Binary logistic regression, labels {0, 1}; penalty "l2" (L-BFGS) or "l1" (FISTA)."""

    def __init__(
        self,
        C: float = 1.0,
        penalty: str = "l2",
        fit_intercept: bool = True,
        tol: float = 1e-5,
        max_iter: int = 5000,
        memory: int = 10,
    ) -> None:
        if penalty not in ("l1", "l2"):
            raise ValueError(f"penalty must be 'l1' or 'l2', not {penalty!r}")
        self.C, self.penalty, self.fit_intercept = C, penalty, fit_intercept
        self.tol, self.max_iter, self.memory = tol, max_iter, memory
        self.coef_ = np.zeros(0)
        self.intercept_ = 0.0
        self.info = FitInfo(0, float("nan"), False)

    # The smooth part: C * sum log(1 + exp(-y z)), z = X w + b, and its gradient.
    def _loss_grad(self, X, s: np.ndarray, theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = X @ w + b
        loss = self.C * float(np.sum(_log1pexp(-s * z)))
        r = self.C * (-s * _sigmoid(-s * z))  # d loss / d z
        grad = np.empty_like(theta)
        grad[:-1] = X.T @ r
        grad[-1] = r.sum() if self.fit_intercept else 0.0
        return loss, grad

    def fit(self, X, y: np.ndarray) -> LogisticRegression:
        s = np.where(np.asarray(y) == 1, 1.0, -1.0)
        theta = np.zeros(X.shape[1] + 1)
        if self.penalty == "l2":
            theta = self._lbfgs(X, s, theta)
        else:
            theta = self._fista(X, s, theta)
        self.coef_, self.intercept_ = theta[:-1], float(theta[-1])
        return self

    def _l2_objective(self, X, s, theta) -> tuple[float, np.ndarray]:
        loss, grad = self._loss_grad(X, s, theta)
        w = theta[:-1]
        grad[:-1] += w
        return loss + 0.5 * float(w @ w), grad

    def _lbfgs(self, X, s: np.ndarray, theta: np.ndarray) -> np.ndarray:
        f, g = self._l2_objective(X, s, theta)
        S: list[np.ndarray] = []
        Y: list[np.ndarray] = []
        for it in range(1, self.max_iter + 1):
            if np.max(np.abs(g)) <= self.tol:
                self.info = FitInfo(it - 1, f, True)
                return theta
            # Two-loop recursion: d = -H g with H from the last `memory` (s, y) pairs.
            q = g.copy()
            alphas = []
            for s_k, y_k in zip(reversed(S), reversed(Y), strict=True):
                a = (s_k @ q) / (y_k @ s_k)
                alphas.append(a)
                q -= a * y_k
            gamma = (S[-1] @ Y[-1]) / (Y[-1] @ Y[-1]) if S else 1.0 / max(1.0, np.abs(g).sum())
            d = gamma * q
            for (s_k, y_k), a in zip(zip(S, Y, strict=True), reversed(alphas), strict=True):
                beta = (y_k @ d) / (y_k @ s_k)
                d += s_k * (a - beta)
            d = -d
            # Armijo backtracking from the unit step.
            step, slope = 1.0, float(g @ d)
            if slope >= 0:  # not a descent direction (lost curvature): restart from -g
                S.clear()
                Y.clear()
                d, slope = -g, -float(g @ g)
            while True:
                new = theta + step * d
                f_new, g_new = self._l2_objective(X, s, new)
                if f_new <= f + 1e-4 * step * slope:
                    break
                step *= 0.5
                if step < 1e-12:  # no decrease representable in float64: as good as it gets
                    self.info = FitInfo(it, f, bool(np.max(np.abs(g)) <= 1e3 * self.tol))
                    return theta
            if f - f_new <= 1e-15 * max(1.0, abs(f)):
                # The objective no longer moves in float64: further steps would only feed
                # rounding noise into the curvature pairs.
                best = (theta, f, g) if f <= f_new else (new, f_new, g_new)
                self.info = FitInfo(it, best[1], bool(np.max(np.abs(best[2])) <= 1e3 * self.tol))
                return best[0]
            s_k, y_k = new - theta, g_new - g
            if s_k @ y_k > 1e-12:  # keep the curvature pair only if it is positive
                S.append(s_k)
                Y.append(y_k)
                if len(S) > self.memory:
                    S.pop(0)
                    Y.pop(0)
            theta, f, g = new, f_new, g_new
        self.info = FitInfo(self.max_iter, f, False)
        return theta

    def _fista(self, X, s: np.ndarray, theta: np.ndarray) -> np.ndarray:
        # Lipschitz constant of the smooth gradient: C * ||[X 1]||_2^2 / 4 (power iteration).
        A = sp.hstack([X, np.ones((X.shape[0], 1))]).tocsr() if self.fit_intercept else X
        v = np.random.default_rng(0).standard_normal(A.shape[1])
        for _ in range(100):
            v = A.T @ (A @ v)
            v /= np.linalg.norm(v)
        lip = self.C * float(np.linalg.norm(A @ v)) ** 2 / 4.0 * 1.01
        t_step = 1.0 / lip

        def prox(u: np.ndarray) -> np.ndarray:
            out = u.copy()
            out[:-1] = np.sign(u[:-1]) * np.maximum(np.abs(u[:-1]) - t_step, 0.0)
            return out

        def objective(th: np.ndarray) -> float:
            return self._loss_grad(X, s, th)[0] + float(np.abs(th[:-1]).sum())

        x_prev = theta
        yk = theta
        tk = 1.0
        f_prev = objective(theta)
        for it in range(1, self.max_iter + 1):
            _, g = self._loss_grad(X, s, yk)
            x = prox(yk - t_step * g)
            f = objective(x)
            if f > f_prev:  # adaptive restart (O'Donoghue & Candes): drop the momentum
                tk, yk = 1.0, x_prev
                continue
            t_next = (1.0 + np.sqrt(1.0 + 4.0 * tk * tk)) / 2.0
            yk = x + ((tk - 1.0) / t_next) * (x - x_prev)
            # Converged when the prox-gradient step no longer moves the point.
            if np.max(np.abs(x - x_prev)) <= self.tol * 1e-2:
                self.info = FitInfo(it, f, True)
                return x
            x_prev, tk, f_prev = x, t_next, f
        self.info = FitInfo(self.max_iter, f_prev, False)
        return x_prev

    def objective(self, X, y: np.ndarray) -> float:
        """The penalised objective at the current coef_/intercept_ (to compare solutions)."""
        s = np.where(np.asarray(y) == 1, 1.0, -1.0)
        theta = np.append(self.coef_, self.intercept_)
        loss, _ = self._loss_grad(X, s, theta)
        w = self.coef_
        return loss + (0.5 * float(w @ w) if self.penalty == "l2" else float(np.abs(w).sum()))

    def decision_function(self, X) -> np.ndarray:
        return X @ self.coef_ + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        p = _sigmoid(self.decision_function(X))
        return np.stack([1.0 - p, p], axis=1)

    def predict(self, X) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(np.int64)


# --- multinomial naive Bayes -------------------------------------------------------------------


class MultinomialNB:
    """P(c | x) ~ P(c) prod_w theta_cw^x_w with Lidstone-smoothed theta (alpha = 1: Laplace)."""

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, X, y: np.ndarray) -> MultinomialNB:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        counts = np.vstack([np.asarray(X[y == c].sum(axis=0)).ravel() for c in self.classes_])
        smoothed = counts + self.alpha
        self.feature_log_prob_ = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))
        prior = np.array([(y == c).sum() for c in self.classes_], dtype=np.float64)
        self.class_log_prior_ = np.log(prior) - np.log(prior.sum())
        return self

    def joint_log_likelihood(self, X) -> np.ndarray:
        return np.asarray(X @ self.feature_log_prob_.T) + self.class_log_prior_

    def predict_log_proba(self, X) -> np.ndarray:
        jll = self.joint_log_likelihood(X)
        return jll - np.logaddexp.reduce(jll, axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.joint_log_likelihood(X), axis=1)]


# --- TextCNN (Kim, 2014) ----------------------------------------------------------------------


@dataclass
class TextCNNConfig:
    vocab_size: int
    embed_dim: int = 300
    widths: tuple[int, ...] = (3, 4, 5)
    n_filters: int = 100  # feature maps per width
    n_classes: int = 2
    dropout: float = 0.5
    max_norm: float = 3.0  # l2 constraint s on the output weight vectors
    pad_id: int = 0


class TextCNN(nn.Module):
    """One convolution layer over word vectors, max-over-time pooling, dropout, softmax."""

    def __init__(self, config: TextCNNConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(
            config.vocab_size, config.embed_dim, padding_idx=config.pad_id
        )
        # A filter w in R^{h k} applied to each window x_{i:i+h-1}: a Conv1d over time.
        self.convs = nn.ModuleList(
            nn.Conv1d(config.embed_dim, config.n_filters, kernel_size=h) for h in config.widths
        )
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(config.n_filters * len(config.widths), config.n_classes)

    def features(self, input_ids: torch.Tensor) -> torch.Tensor:
        """z = [c^_1, ..., c^_m]: the max-over-time pooled feature maps, (B, m)."""
        x = self.embedding(input_ids).transpose(1, 2)  # (B, k, n)
        pad = input_ids.eq(self.config.pad_id)  # (B, n)
        pooled = []
        for h, conv in zip(self.config.widths, self.convs, strict=True):
            c = F.relu(conv(x))  # (B, filters, n - h + 1): c_i = f(w . x_{i:i+h-1} + b)
            # Windows made only of padding must not win the max: mask them to -inf.
            window_all_pad = pad.unfold(1, h, 1).all(dim=-1)  # (B, n - h + 1)
            c = c.masked_fill(window_all_pad[:, None, :], float("-inf"))
            pooled.append(c.max(dim=2).values)  # c^ = max{c}
        return torch.cat(pooled, dim=1)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Class logits (B, n_classes); inputs padded with pad_id to at least max(widths)."""
        return self.classifier(self.dropout(self.features(input_ids)))

    @torch.no_grad()
    def apply_max_norm_(self) -> None:
        """Rescale output weight rows with ||w||_2 > s to norm s (Kim's constraint)."""
        w = self.classifier.weight
        norms = w.norm(dim=1, keepdim=True)
        w.mul_(torch.clamp(self.config.max_norm / norms.clamp_min(1e-12), max=1.0))
