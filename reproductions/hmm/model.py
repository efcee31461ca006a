"""A first-order (bigram) HMM part-of-speech tagger, estimated from tagged text.

Owns the model lambda = (pi, A, B) in Rabiner's notation, all in natural-log space:

    pi_i   = P(q_1 = i)                 log_pi (N,)
    a_ij   = P(q_t+1 = j | q_t = i)      log_A  (N, N)
    b_j(o) = P(o_t = o | q_t = j)        log_B  (N, V + 1)   last column: unknown words

Supervised estimation counts starts, transitions and emissions and smooths each row with
Lidstone's add-k: P(x | row) = (c(row, x) + k) / (c(row) + k * bins), where bins is N for pi
and A and the training vocabulary size V for B (what `nltk.probability.LidstoneProbDist` does in
NLTK's HMM trainer, so the two models are the same numbers). An unknown word then scores
k / (c(j) + k V) in state j ("uniform" handling); with bins = V the known words already sum to
one, so that score is a smoothed guess outside the normalisation, exactly as in NLTK. "signature" handling adds, for every word
seen once in training, a count to its shape class ("<unk-ing>", "<unk-Cap>", "<unk-num>", ...),
and scores an unknown word by its class: hapaxes stand in for unseen words.

Decoding (Rabiner's problems 1 and 2):
    forward  alpha_t(j) = logsumexp_i(alpha_t-1(i) + log a_ij) + log b_j(o_t)      eq. (19-21)
    Viterbi  delta_t(j) = max_i(delta_t-1(i) + log a_ij) + log b_j(o_t), psi_t(j) = argmax  eq. (30-35)
    beam     Viterbi keeping only the `width` best states per step (width >= N is exact).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Unknown = Literal["uniform", "signature"]
TaggedSentence = Sequence[tuple[str, str]]

_SIGNATURES = [
    ("num", re.compile(r"^[\d.,\-/:]*\d[\d.,\-/:]*$")),
    ("hyphen", re.compile(r"-")),
    ("ing", re.compile(r"ing$")),
    ("ed", re.compile(r"ed$")),
    ("ly", re.compile(r"ly$")),
    ("tion", re.compile(r"(tion|sion|ment|ness|ity)$")),
    ("able", re.compile(r"(able|ible|ful|ous|ive|al|ic)$")),
    ("s", re.compile(r"s$")),
]


def word_signature(word: str, first: bool = False) -> str:
    """The shape class of a word, e.g. "<unk-Cap-ed>": capitalisation (not counted at the start
    of a sentence, where everything is capitalised) and the first matching suffix/shape rule."""
    parts = ["<unk"]
    if word[:1].isupper() and not first:
        parts.append("Cap")
    for name, pattern in _SIGNATURES:
        if pattern.search(word.lower()):
            parts.append(name)
            break
    return "-".join(parts) + ">"


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(x - m), axis=axis))


@dataclass
class HMM:
    """lambda = (pi, A, B) over tag ids and word ids; the last column of B is "unknown"."""

    tags: list[str]
    words: list[str]
    log_pi: np.ndarray  # (N,)
    log_A: np.ndarray  # (N, N)
    log_B: np.ndarray  # (N, V + 1)
    unknown: Unknown = "uniform"
    word_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.word_index = {w: i for i, w in enumerate(self.words)}

    @property
    def n_states(self) -> int:
        return len(self.tags)

    # --- estimation -----------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        sentences: Iterable[TaggedSentence],
        k: float = 0.1,
        k_emission: float | None = None,
        unknown: Unknown = "uniform",
    ) -> HMM:
        """Count and smooth (add-k); `k_emission` defaults to `k`. Tags and words keep the order
        of first appearance (as NLTK's trainer does, so argmax ties break the same way)."""
        sentences = [list(s) for s in sentences]
        ke = k if k_emission is None else k_emission
        tags = list(dict.fromkeys(t for s in sentences for _, t in s))
        word_counts = Counter(w for s in sentences for w, _ in s)
        words = list(dict.fromkeys(w for s in sentences for w, _ in s))
        if unknown == "signature":
            signatures = dict.fromkeys(
                word_signature(w, first=(i == 0))
                for s in sentences
                for i, (w, _) in enumerate(s)
                if word_counts[w] == 1
            )
            words += [sig for sig in signatures if sig not in word_counts]
        t_index = {t: i for i, t in enumerate(tags)}
        w_index = {w: i for i, w in enumerate(words)}
        N, V = len(tags), len(words)
        start = np.zeros(N)
        trans = np.zeros((N, N))
        emit = np.zeros((N, V))
        for s in sentences:
            prev = None
            for i, (w, t) in enumerate(s):
                j = t_index[t]
                if prev is None:
                    start[j] += 1
                else:
                    trans[prev, j] += 1
                emit[j, w_index[w]] += 1
                if unknown == "signature" and word_counts[w] == 1:
                    emit[j, w_index[word_signature(w, first=(i == 0))]] += 1
                prev = j

        def lidstone(counts: np.ndarray, kk: float, bins: int) -> np.ndarray:
            totals = counts.sum(axis=-1, keepdims=True)
            return np.log(counts + kk) - np.log(totals + kk * bins)

        log_B = np.empty((N, V + 1))
        log_B[:, :V] = lidstone(emit, ke, V)
        # An unseen word is one more sample no row has counted: k / (c(j) + k V).
        log_B[:, V] = np.log(ke) - np.log(emit.sum(axis=1) + ke * V)
        return cls(
            tags=tags,
            words=words,
            log_pi=lidstone(start, k, N),
            log_A=lidstone(trans, k, N),
            log_B=log_B,
            unknown=unknown,
        )

    @classmethod
    def from_arrays(cls, log_pi: np.ndarray, log_A: np.ndarray, log_B: np.ndarray) -> HMM:
        """An HMM over symbols "0".."V-1" from given log tables (B without the unknown column)."""
        N, V = log_B.shape
        log_B_full = np.concatenate([log_B, np.full((N, 1), -np.inf)], axis=1)
        return cls(
            tags=[str(i) for i in range(N)],
            words=[str(v) for v in range(V)],
            log_pi=np.asarray(log_pi, dtype=np.float64),
            log_A=np.asarray(log_A, dtype=np.float64),
            log_B=log_B_full,
        )

    # --- observations ---------------------------------------------------------------------

    def observation_ids(self, words: Sequence[str]) -> list[int]:
        """Word ids; unknown words map to their signature (if known) or the unknown column."""
        unk = len(self.words)
        ids = []
        for i, w in enumerate(words):
            idx = self.word_index.get(w)
            if idx is None and self.unknown == "signature":
                idx = self.word_index.get(word_signature(w, first=(i == 0)))
            ids.append(unk if idx is None else idx)
        return ids

    def emissions(self, words: Sequence[str]) -> np.ndarray:
        """log b_j(o_t) for every t, j: shape (T, N)."""
        return self.log_B[:, self.observation_ids(words)].T

    # --- problem 1: P(O | lambda) -----------------------------------------------------------

    def forward(self, words: Sequence[str]) -> float:
        """log P(O | lambda) by the forward algorithm in log space."""
        E = self.emissions(words)
        if len(E) == 0:
            return 0.0
        alpha = self.log_pi + E[0]  # (N,)
        for t in range(1, len(E)):
            alpha = _logsumexp(alpha[:, None] + self.log_A, axis=0) + E[t]
        return float(_logsumexp(alpha, axis=0))

    # --- problem 2: the best state sequence -------------------------------------------------

    def viterbi(self, words: Sequence[str]) -> tuple[list[str], float]:
        """The most probable tag sequence and its joint log-probability log P(O, Q | lambda)."""
        E = self.emissions(words)
        T = len(E)
        if T == 0:
            return [], 0.0
        delta = self.log_pi + E[0]
        psi = np.zeros((T, self.n_states), dtype=np.int64)
        for t in range(1, T):
            scores = delta[:, None] + self.log_A  # (N_prev, N)
            psi[t] = np.argmax(scores, axis=0)  # first index wins ties, like NLTK
            delta = scores[psi[t], np.arange(self.n_states)] + E[t]
        best = int(np.argmax(delta))
        path = [best]
        for t in range(T - 1, 0, -1):
            path.append(int(psi[t, path[-1]]))
        path.reverse()
        return [self.tags[i] for i in path], float(delta[best])

    def beam(self, words: Sequence[str], width: int) -> tuple[list[str], float]:
        """Beam search: Viterbi restricted to the `width` best states at each step.

        Hypotheses ending in the same state are recombined (only the best survives), so with
        width >= N nothing is pruned and the result is Viterbi's; width 1 is greedy decoding.
        """
        if width < 1:
            raise ValueError("beam width must be at least 1")
        E = self.emissions(words)
        T = len(E)
        if T == 0:
            return [], 0.0
        score = self.log_pi + E[0]
        alive = np.argsort(-score, kind="stable")[:width]
        backs: list[dict[int, int]] = []
        beam_scores = {int(s): float(score[s]) for s in alive}
        for t in range(1, T):
            prev = np.array(list(beam_scores), dtype=np.int64)
            prev_scores = np.array([beam_scores[int(p)] for p in prev])
            cand = prev_scores[:, None] + self.log_A[prev] + E[t][None, :]  # (beam, N)
            arg = np.argmax(cand, axis=0)
            best = cand[arg, np.arange(self.n_states)]
            keep = np.argsort(-best, kind="stable")[:width]
            backs.append({int(j): int(prev[arg[j]]) for j in keep})
            beam_scores = {int(j): float(best[j]) for j in keep}
        last = max(beam_scores, key=lambda s: (beam_scores[s], -s))
        path = [last]
        for back in reversed(backs):
            path.append(back[path[-1]])
        path.reverse()
        return [self.tags[i] for i in path], beam_scores[last]

    def tag(self, words: Sequence[str], beam_width: int | None = None) -> list[str]:
        """Tags for a sentence: Viterbi, or beam search when a width is given."""
        if beam_width is None:
            return self.viterbi(words)[0]
        return self.beam(words, beam_width)[0]

    def joint_logprob(self, words: Sequence[str], tags: Sequence[str]) -> float:
        """log P(O, Q | lambda) of a given tag sequence."""
        t_index = {t: i for i, t in enumerate(self.tags)}
        q = [t_index[t] for t in tags]
        E = self.emissions(words)
        if not q:
            return 0.0
        total = self.log_pi[q[0]] + E[0, q[0]]
        for t in range(1, len(q)):
            total += self.log_A[q[t - 1], q[t]] + E[t, q[t]]
        return float(total)


def brute_force_best(hmm: HMM, words: Sequence[str]) -> tuple[list[str], float]:
    """Enumerate all N^T tag sequences (small cases only): the argmax and its log-probability."""
    best_q: tuple[str, ...] = ()
    best = -np.inf
    for q in itertools.product(hmm.tags, repeat=len(words)):
        lp = hmm.joint_logprob(words, q)
        if lp > best:
            best, best_q = lp, q
    return list(best_q), float(best)


def brute_force_logprob(hmm: HMM, words: Sequence[str]) -> float:
    """log sum over all N^T tag sequences of P(O, Q): what the forward algorithm must equal."""
    lps = [hmm.joint_logprob(words, q) for q in itertools.product(hmm.tags, repeat=len(words))]
    return float(_logsumexp(np.array(lps), axis=0))
