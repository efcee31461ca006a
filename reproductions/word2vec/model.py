"""Word2Vec from scratch: CBOW and skip-gram with hierarchical softmax or negative sampling.

Mikolov et al. 2013a ("Efficient Estimation of Word Representations in Vector Space",
arXiv:1301.3781) introduced CBOW and skip-gram with a hierarchical softmax over a Huffman tree;
Mikolov et al. 2013b ("Distributed Representations of Words and Phrases and their
Compositionality", arXiv:1310.4546) added negative sampling from the unigram distribution raised to
3/4 and the subsampling of frequent words. This module follows the papers and the reference C
tool's training loop (which gensim also follows):

- vocabulary sorted by descending count, words under `min_count` dropped;
- Huffman tree over the counts: frequent words get short codes, i.e. sit near the root
  (2013a, section 3.1), built with a binary heap that breaks ties exactly as gensim does;
- subsampling (2013b, eq. 5, in the C tool's form): keep a word with probability
  (sqrt(f/t) + 1) * t/f, where f is its count and t = sample * total words;
- negative sampling (2013b, eq. 4): k noise words drawn from P(w) ∝ count(w)^0.75;
- hierarchical softmax (2013b, eq. 3): p(w | c) = Π_j σ(⟦code_j = 0⟧' · v'_{n(w,j)} · h);
- learning rate decaying linearly from `alpha` to `min_alpha` over all training words, set per
  10,000-word job as gensim sets it;
- a dynamic window: each centre word uses a window drawn uniformly from 1..window;
- input vectors v initialised from U[-1/d, 1/d) with gensim's generator (the C tool uses
  U[-0.5/d, 0.5/d)), output weights v′ at zero.

σ is read from the C tool's 1,000-entry table over [-6, 6], and |x| ≥ 6 is skipped, as gensim
does; `exact_sigmoid=True` computes σ exactly and keeps every term instead.

Training runs in numba-compiled kernels without the GIL, in `workers` threads that update shared
weights without locks (Hogwild, as the C tool and gensim do). Given gensim's random choices (see
`reference.replay_gensim_draws`), one worker produces gensim's weights up to float32 round-off:
the tests compare them element by element.

One departure, with two or more workers and hierarchical softmax only: every step walks from the
Huffman root, so both threads would write the rows nearest the root at every step, and those
cache lines would travel between the cores all the time. Each thread instead keeps its own copy
of the 63 busiest rows and adds its changes to the shared rows every 256 centre words
(`_merge_hot_rows`). No update is lost; a thread sees the other's changes to those rows up to 256
centre words late.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

try:  # numba is part of the `repro` extra; the pure model code below needs only numpy
    import numba
    from numba import njit
except ImportError:  # pragma: no cover
    numba = None

EXP_TABLE_SIZE = 1000
MAX_EXP = 6
# The C tool indexes the table with (f + 6) * (1000 / 6 / 2) in integer arithmetic, i.e. 83 rather
# than 83.33, and gensim compiles the same expression with C division: match it exactly.
TABLE_SCALE = EXP_TABLE_SIZE // MAX_EXP // 2
MAX_SENTENCE_LEN = (
    10_000  # longer lines are cut into pieces of this size, like gensim's LineSentence
)


def sigmoid_tables() -> tuple[np.ndarray, np.ndarray]:
    """σ(x) and log σ(x) sampled at 1,000 points over [-MAX_EXP, MAX_EXP) (float32)."""
    x = (np.arange(EXP_TABLE_SIZE, dtype=np.float32) / np.float32(EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP
    # exp in double precision then rounded to float32, as gensim's C code computes it.
    e = np.exp(x.astype(np.float64)).astype(np.float32)
    table = (e / (e + 1)).astype(np.float32)
    return table, np.log(table.astype(np.float64)).astype(np.float32)


# ------------------------------------------------------------------------------------------------
# Vocabulary


@dataclass
class Vocab:
    words: list[str]
    counts: np.ndarray  # int64, descending
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)


def build_vocab(sentences: Iterable[list[str]], min_count: int = 5) -> tuple[Vocab, int]:
    """Count words; keep those with count ≥ min_count, most frequent first.

    Returns the vocabulary and the number of raw words in the corpus.
    """
    counts: dict[str, int] = {}
    total = 0
    for sentence in sentences:
        total += len(sentence)
        for word in sentence:
            counts[word] = counts.get(word, 0) + 1
    kept = [(w, c, i) for i, (w, c) in enumerate(counts.items()) if c >= min_count]
    # Most frequent first; among equal counts the word seen last comes first (gensim's order,
    # which fixes the Huffman tree and so must match for the codes to match).
    kept.sort(key=lambda wci: (-wci[1], -wci[2]))
    words = [w for w, _, _ in kept]
    return Vocab(words=words, counts=np.array([c for _, c, _ in kept], dtype=np.int64)), total


# ------------------------------------------------------------------------------------------------
# Huffman tree (2013a, section 3.1)


class _Node:
    """A heap entry ordered by count only, so ties resolve as in gensim's heap."""

    __slots__ = ("count", "index", "left", "right")

    def __init__(
        self, count: int, index: int, left: _Node | None = None, right: _Node | None = None
    ):
        self.count = count
        self.index = index
        self.left = left
        self.right = right

    def __lt__(self, other: _Node) -> bool:
        return self.count < other.count


def huffman_codes(counts: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Binary code and inner-node path ("points") of every word, root first.

    Inner node k (0-based, in order of creation) is row k of the output weights `syn1`; the two
    rarest subtrees are merged first, so frequent words end up near the root with short codes.
    """
    n = len(counts)
    heap = [_Node(int(c), i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    for i in range(n - 1):
        first, second = heapq.heappop(heap), heapq.heappop(heap)
        heapq.heappush(heap, _Node(first.count + second.count, n + i, first, second))
    codes: list[np.ndarray] = [np.zeros(0, dtype=np.uint8)] * n
    points: list[np.ndarray] = [np.zeros(0, dtype=np.uint32)] * n
    if not heap:
        return codes, points
    stack: list[tuple[_Node, list[int], list[int]]] = [(heap[0], [], [])]
    while stack:
        node, code, point = stack.pop()
        if node.index < n:
            codes[node.index] = np.array(code, dtype=np.uint8)
            points[node.index] = np.array(point, dtype=np.uint32)
        else:
            path = [*point, node.index - n]
            assert node.left is not None and node.right is not None
            stack.append((node.left, [*code, 0], path))
            stack.append((node.right, [*code, 1], path))
    return codes, points


def busiest_nodes(
    codelens: np.ndarray, points: np.ndarray, counts: np.ndarray, k: int
) -> np.ndarray:
    """The k inner nodes the most training steps pass through (each word's count times its
    path): the root first, then the nodes nearest it."""
    visits = np.zeros(max(1, len(counts) - 1), dtype=np.float64)
    for depth in range(points.shape[1]):
        on_path = codelens > depth
        np.add.at(visits, points[on_path, depth], counts[on_path])
    k = min(k, len(visits))
    return np.argsort(-visits, kind="stable")[:k].astype(np.int32)


def padded(arrays: list[np.ndarray], dtype: type) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.array([len(a) for a in arrays], dtype=np.int32)
    out = np.zeros((len(arrays), max(1, int(lengths.max(initial=0)))), dtype=dtype)
    for i, a in enumerate(arrays):
        out[i, : len(a)] = a
    return out, lengths


# ------------------------------------------------------------------------------------------------
# Subsampling (2013b, section 2.3) and the noise distribution (2013b, section 2.2)


def keep_probability_ints(counts: np.ndarray, sample: float) -> np.ndarray:
    """P(keep word) scaled to 2^32 - 1, in the C tool's form (sqrt(f/t) + 1) · t/f, capped at 1.

    A word is kept when this integer is at least a uniform 32-bit draw.
    """
    if sample <= 0:
        return np.full(len(counts), 2**32 - 1, dtype=np.uint32)
    threshold = sample * counts.sum()
    c = counts.astype(np.float64)
    prob = np.minimum((np.sqrt(c / threshold) + 1) * (threshold / c), 1.0)
    return (prob * (2**32 - 1)).astype(np.uint32)


def noise_cum_table(counts: np.ndarray, power: float = 0.75, domain: int = 2**31 - 1) -> np.ndarray:
    """Cumulative table of count^power, scaled to `domain`, for drawing noise words by bisection."""
    weights = counts.astype(np.float64) ** power
    cumulative = np.cumsum(weights) / weights.sum()
    return np.round(cumulative * domain).astype(np.uint32)


def noise_guide(cum_table: np.ndarray, bits: int = 16) -> tuple[np.ndarray, int]:
    """An index into the noise table that makes each draw's bisection short, and its shift.

    A draw x ∈ [0, cum_table[-1]) lands on the first entry ≥ x. Cut that range into about 2^bits
    buckets of 2^shift values; guide[b] is the first entry ≥ b · 2^shift, so the answer for x
    lies in guide[x >> shift] .. guide[(x >> shift) + 1] and bisecting just that span gives
    exactly gensim's answer. Frequent words own whole buckets, so most draws need no step at
    all, where a full bisection over 30,000 words takes ~15 steps whose branches a random draw
    defeats. The guide's 2^16 entries (512 KiB) stay in the core's L2 cache.
    """
    top = int(cum_table[-1]) if len(cum_table) else 0
    shift = max(0, top.bit_length() - bits)
    edges = np.arange((top >> shift) + 2, dtype=np.uint64) << np.uint64(shift)
    return np.searchsorted(cum_table, edges, side="left").astype(np.int64), shift


# ------------------------------------------------------------------------------------------------
# What the kernels read and write: two structured arguments
#
# Names, once: the paper's input vector v_w is the C tool's syn0 (gensim's wv.vectors); its output
# vector v′ is syn1 for hierarchical softmax (one row per inner node of the Huffman tree) and
# syn1neg for negative sampling (one row per word).


class Net(NamedTuple):
    """The weights being learned and the fixed tables the learning rule reads."""

    syn0: np.ndarray  # (V, d) float32: v_w, the input vectors (the result)
    syn1: np.ndarray  # (V, d) float32: v′_n of inner node n (hierarchical softmax; 1 row if off)
    syn1neg: np.ndarray  # (V, d) float32: v′_w (negative sampling; 1 row if off)
    codes: np.ndarray  # (V, L) uint8: each word's Huffman code, root first
    points: np.ndarray  # (V, L) int32: the inner nodes on each word's path, root first
    codelens: np.ndarray  # (V,) int32
    cum_table: np.ndarray  # (V,) uint32: cumulative count^0.75 (the noise distribution)
    guide: np.ndarray  # (B+2,) int64: first cum_table index ≥ b · 2^guide_shift (noise_guide)
    guide_shift: np.uint64
    keep_ints: np.ndarray  # (V,) uint32: P(keep) · (2^32 - 1) (subsampling)
    exp_table: np.ndarray  # (1000,) float32: σ over [-6, 6)
    sg: bool
    hs: bool
    negative: int
    window: int
    cbow_mean: bool
    subsample: bool
    exact_sigmoid: bool
    hot: np.ndarray  # (K,) int32: the syn1 rows nearest the Huffman root, kept per thread
    slot: np.ndarray  # (V,) int32: slot[n] = j where hot[j] = n, else -1
    sync_every: int  # centre words between merges of the per-thread rows
    read_at_merge: bool  # an experiment: read the hot rows as at the last merge (see the config)


class Scratch(NamedTuple):
    """One thread's working memory, reused from job to job."""

    kept: np.ndarray  # (10,000,) int32: the job's words left after subsampling
    cut: np.ndarray  # (10,000,) int32: their window reductions
    bounds: np.ndarray  # (10,001,) int64: where each sentence of the job starts in `kept`
    h: np.ndarray  # (d,) float32: CBOW's hidden vector
    e: np.ndarray  # (d,) float32: the input side's gradient (neu1e / work)
    local: np.ndarray  # (K, d) float32: this thread's copy of the hot syn1 rows
    base: np.ndarray  # (K, d) float32: those rows as they were at the last merge

    @classmethod
    def allocate(cls, net: Net) -> Scratch:
        size = net.syn0.shape[1]
        hot = (len(net.hot), size)
        return cls(
            kept=np.empty(MAX_SENTENCE_LEN, dtype=np.int32),
            cut=np.empty(MAX_SENTENCE_LEN, dtype=np.int32),
            bounds=np.empty(MAX_SENTENCE_LEN + 1, dtype=np.int64),
            h=np.zeros(size, dtype=np.float32),
            e=np.zeros(size, dtype=np.float32),
            local=np.zeros(hot, dtype=np.float32),
            base=np.zeros(hot, dtype=np.float32),
        )


class EpochPlan(NamedTuple):
    """One pass over the corpus, cut into gensim's jobs, with the job-level random choices made.

    Inside a job the C tool's linear congruential generator (seeded from `seeds`) draws the
    subsampling and the noise words in gensim's order: first every subsampling draw of the job,
    then the noise words, word by word.
    """

    tokens: np.ndarray  # (N,) int32: the corpus as vocabulary ids, OOV words dropped
    sentence_starts: np.ndarray  # (S+1,) int64: sentence s is tokens[starts[s]:starts[s+1]]
    job_starts: np.ndarray  # (J+1,) int64: job k holds sentences job_starts[k]..job_starts[k+1]-1
    alphas: np.ndarray  # (J,) float32: the learning rate of each job
    seeds: np.ndarray  # (J,) uint64: the generator's state at the start of each job
    reduced_windows: np.ndarray  # (N,) int32: b ∈ [0, window); token t sees window - b each side
    workers: int


# ------------------------------------------------------------------------------------------------
# The training kernels (numba, nogil)

if numba is not None:
    _LCG_A = np.uint64(25214903917)
    _LCG_C = np.uint64(11)
    _LCG_MASK = np.uint64(2**48 - 1)

    @njit(nogil=True, cache=True)
    def _next_random(state: np.uint64) -> np.uint64:
        """The C tool's generator (Java's LCG), which gensim uses too."""
        return (state * _LCG_A + _LCG_C) & _LCG_MASK

    @njit(nogil=True, cache=True, fastmath=True)
    def _dot(a: np.ndarray, b: np.ndarray) -> float:
        s = np.float32(0.0)
        for k in range(a.shape[0]):
            s += a[k] * b[k]
        return s

    @njit(nogil=True, cache=True)
    def _sigmoid(f: float, exp_table: np.ndarray, exact: bool) -> tuple[bool, float]:
        """(use this term?, σ(f)): the table skips |f| ≥ MAX_EXP, the exact form keeps it.

        The index is computed in float32, as gensim's C code computes it.
        """
        if exact:
            return True, np.float32(1.0 / (1.0 + math.exp(-f)))
        if f <= -MAX_EXP or f >= MAX_EXP:
            return False, np.float32(0.0)
        return True, exp_table[int((f + np.float32(MAX_EXP)) * np.float32(TABLE_SCALE))]

    @njit(nogil=True, cache=True, fastmath=True)
    def _merge_hot_rows(net: Net, scratch: Scratch, first: bool) -> None:
        """Fold this thread's changes to the hot syn1 rows into the shared ones, then start over
        from the result: shared += local - base; local = base = shared (`first`: copy only).

        Every hierarchical-softmax step walks from the Huffman root, so with two threads both
        write the rows nearest the root at every step and their cache lines travel between the
        cores (measured: the README's "speed"). A thread's own copy, merged every
        `sync_every` centre words, keeps every update (adding the deltas loses none, where two
        racing writes can) and sees the other thread's with that delay.
        """
        size = net.syn1.shape[1]
        for j in range(net.hot.shape[0]):
            row = net.syn1[net.hot[j]]
            local = scratch.local[j]
            base = scratch.base[j]
            for k in range(size):
                v = row[k]
                if not first:
                    v += local[k] - base[k]
                    row[k] = v
                local[k] = v
                base[k] = v

    @njit(nogil=True, cache=True, fastmath=True)
    def _hierarchical_softmax(
        net: Net, scratch: Scratch, word: int, h: np.ndarray, e: np.ndarray, alpha: float
    ) -> None:
        """One hierarchical-softmax step predicting `word` from the hidden vector h.

        2013b eq. 3: log p(w | h) = Σ_j log σ(⟦n(w, j+1) = ch(n(w, j))⟧ · v′_{n(w,j)}ᵀ h), where the
        bracket is +1 for code 0 and -1 for code 1. Its derivative in v′ᵀh is 1 - code_j - σ(v′ᵀh),
        so with learning rate α and g = α (1 - code_j - σ(v′ᵀh)):
            e     += g · v′_n      (the C tool's neu1e, gensim's work: h's gradient, applied later)
            v′_n  += g · h         (syn1[n])
        """
        size = h.shape[0]
        for b in range(net.codelens[word]):
            node = net.points[word, b]
            j = net.slot[node]
            # A row view (LLVM vectorises the loops over it, not 2-D indexing): the thread's own
            # copy for a row near the root, the shared row otherwise.
            out = scratch.local[j] if j >= 0 else net.syn1[node]
            if j >= 0 and net.read_at_merge:  # the experiment: the row as at the last merge
                seen = scratch.base[j]
                use, f = _sigmoid(_dot(h, seen), net.exp_table, net.exact_sigmoid)
                if use:
                    g = (np.float32(1 - np.int64(net.codes[word, b])) - f) * alpha
                    for k in range(size):
                        e[k] += g * seen[k]
                        out[k] += g * h[k]
                continue
            use, f = _sigmoid(_dot(h, out), net.exp_table, net.exact_sigmoid)
            if not use:
                continue
            g = (np.float32(1 - np.int64(net.codes[word, b])) - f) * alpha
            for k in range(size):  # both updates in one pass over v′_n (it is read once)
                o = out[k]
                e[k] += g * o
                out[k] = o + g * h[k]

    @njit(nogil=True, cache=True)
    def _noise_word(cum: np.ndarray, guide: np.ndarray, shift: np.uint64, x: np.uint64) -> np.int64:
        """gensim's bisect_left (the first cum entry ≥ x), started from x's bucket of the guide
        (`noise_guide`): the same word, found in a step or two instead of ~15."""
        b = x >> shift
        lo = np.int64(guide[b])
        hi = np.int64(guide[b + np.uint64(1)])
        while lo < hi:
            mid = (lo + hi) >> 1
            if np.uint64(cum[mid]) >= x:
                hi = mid
            else:
                lo = mid + 1
        return lo

    @njit(nogil=True, cache=True, fastmath=True)
    def _negative_sampling(
        net: Net, word: int, h: np.ndarray, e: np.ndarray, alpha: float, rng: np.uint64
    ) -> np.uint64:
        """One negative-sampling step for `word` from h; returns the generator's new state.

        2013b eq. 4: log σ(v′_wᵀ h) + Σ_{i=1..k} log σ(-v′_{w_i}ᵀ h), w_i ~ P_n(w) ∝ U(w)^{3/4}.
        Its derivative in v′ᵀh is label - σ(v′ᵀh) (label 1 for w, 0 for a noise word), so with
        g = α (label - σ(v′ᵀh)):
            e     += g · v′_t      (neu1e / work)
            v′_t  += g · h         (syn1neg[t])
        """
        size = h.shape[0]
        cum = net.cum_table
        top = np.uint64(cum[cum.shape[0] - 1])
        for d in range(net.negative + 1):
            if d == 0:
                target = np.int64(word)
                label = np.float32(1.0)
            else:
                x = (rng >> np.uint64(16)) % top
                rng = _next_random(rng)
                target = _noise_word(cum, net.guide, net.guide_shift, x)
                if target == word:
                    continue
                label = np.float32(0.0)
            use, f = _sigmoid(_dot(h, net.syn1neg[target]), net.exp_table, net.exact_sigmoid)
            if not use:
                continue
            g = (label - f) * alpha
            out = net.syn1neg[target]
            for k in range(size):
                o = out[k]
                e[k] += g * o
                out[k] = o + g * h[k]
        return rng

    @njit(nogil=True, cache=True, fastmath=True)
    def _context_sum(net: Net, kept: np.ndarray, lo: int, hi: int, i: int, h: np.ndarray) -> float:
        """CBOW's hidden vector (2013a, section 3.1): the sum, or mean, of the context's v.

        Returns 1/count, which scales the gradient back for the summed form (gensim's rule).
        """
        size = h.shape[0]
        h[:] = 0.0
        count = np.float32(0.0)
        for j in range(lo, hi):
            if j != i:
                count += np.float32(1.0)
                v = net.syn0[kept[j]]  # row views vectorise (see _hierarchical_softmax)
                for k in range(size):
                    h[k] += v[k]
        inv_count = np.float32(1.0)
        if count > np.float32(0.5):
            inv_count = np.float32(1.0) / count
        if net.cbow_mean:
            for k in range(size):
                h[k] *= inv_count
        return inv_count

    @njit(nogil=True, cache=True, fastmath=True)
    def _apply_to_context(
        net: Net, kept: np.ndarray, lo: int, hi: int, i: int, e: np.ndarray, scale: float
    ) -> None:
        """CBOW: every context word's v_c += e (the C tool adds the whole error to each)."""
        size = e.shape[0]
        if not net.cbow_mean:
            for k in range(size):
                e[k] *= scale
        for j in range(lo, hi):
            if j != i:
                v = net.syn0[kept[j]]
                for k in range(size):
                    v[k] += e[k]

    @njit(nogil=True, cache=True, fastmath=True)
    def _train_job(
        net: Net,
        plan: EpochPlan,
        job: int,
        scratch: Scratch,
    ) -> int:
        """Train on one job (≤ 10,000 corpus words); returns the words left after subsampling."""
        kept, cut, bounds, h, e = scratch.kept, scratch.cut, scratch.bounds, scratch.h, scratch.e
        rng = plan.seeds[job]
        # First every subsampling draw of the job (2013b eq. 5), as gensim draws them.
        n = 0
        n_sent = 0
        bounds[0] = 0
        for s in range(plan.job_starts[job], plan.job_starts[job + 1]):
            for t in range(plan.sentence_starts[s], plan.sentence_starts[s + 1]):
                w = plan.tokens[t]
                if net.subsample:
                    draw = rng >> np.uint64(16)
                    rng = _next_random(rng)
                    if np.uint64(net.keep_ints[w]) < draw:
                        continue
                kept[n] = w
                cut[n] = plan.reduced_windows[t]
                n += 1
            n_sent += 1
            bounds[n_sent] = n
        alpha = plan.alphas[job]
        window = net.window
        size = e.shape[0]
        private = net.hs and net.hot.shape[0] > 0
        if private:
            _merge_hot_rows(net, scratch, True)
        since_merge = 0
        for s in range(n_sent):
            first = bounds[s]
            last = bounds[s + 1]
            for i in range(first, last):
                if private:
                    since_merge += 1
                    if since_merge == net.sync_every:
                        _merge_hot_rows(net, scratch, False)
                        since_merge = 0
                # The dynamic window (2013a, section 3.2): window - b words each side, b uniform.
                lo = max(first, i - window + cut[i])
                hi = min(last, i + window + 1 - cut[i])
                word = kept[i]
                if net.sg:
                    # Skip-gram (2013b eq. 1): each context word's v_c predicts the centre word.
                    for j in range(lo, hi):
                        if j == i:
                            continue
                        v = net.syn0[kept[j]]
                        if net.hs:
                            e[:] = 0.0
                            _hierarchical_softmax(net, scratch, word, v, e, alpha)
                            for k in range(size):
                                v[k] += e[k]
                        if net.negative > 0:
                            e[:] = 0.0
                            rng = _negative_sampling(net, word, v, e, alpha, rng)
                            for k in range(size):
                                v[k] += e[k]
                else:
                    # CBOW: the context's mean (or sum) predicts the centre word. With both
                    # output layers gensim recomputes h between them; so do we.
                    if net.hs:
                        scale = _context_sum(net, kept, lo, hi, i, h)
                        e[:] = 0.0
                        _hierarchical_softmax(net, scratch, word, h, e, alpha)
                        _apply_to_context(net, kept, lo, hi, i, e, scale)
                    if net.negative > 0:
                        scale = _context_sum(net, kept, lo, hi, i, h)
                        e[:] = 0.0
                        rng = _negative_sampling(net, word, h, e, alpha, rng)
                        _apply_to_context(net, kept, lo, hi, i, e, scale)
        if private:
            _merge_hot_rows(net, scratch, False)
        return n

    @njit(nogil=True, cache=True, fastmath=True)
    def _score_sg_hs(tokens: np.ndarray, net: Net, log_table: np.ndarray) -> float:
        """log p(sentence) under skip-gram with hierarchical softmax (full window, like gensim)."""
        total = np.float32(0.0)
        n = tokens.shape[0]
        window = net.window
        for i in range(n):
            word = tokens[i]
            for j in range(max(0, i - window), min(n, i + window + 1)):
                if j == i:
                    continue
                h = net.syn0[tokens[j]]
                for b in range(net.codelens[word]):
                    f = _dot(h, net.syn1[net.points[word, b]])
                    if net.codes[word, b] == 1:
                        f = -f
                    if net.exact_sigmoid:
                        total += np.float32(-math.log1p(math.exp(-f)))
                    elif -MAX_EXP < f < MAX_EXP:
                        total += log_table[int((f + np.float32(MAX_EXP)) * np.float32(TABLE_SCALE))]
        return total


# ------------------------------------------------------------------------------------------------
# Jobs and the learning-rate schedule


def pack_jobs(raw_lengths: np.ndarray, batch_words: int = MAX_SENTENCE_LEN) -> np.ndarray:
    """Sentence indices where jobs start (plus the end), by gensim's rule: a sentence joins the
    current job while the job's corpus words (OOV included) stay ≤ batch_words."""
    starts = [0]
    size = 0
    for s, length in enumerate(raw_lengths.tolist()):
        if size + length <= batch_words or s == starts[-1]:
            size += length
        else:
            starts.append(s)
            size = length
    starts.append(len(raw_lengths))
    return np.array(starts if len(raw_lengths) else [0], dtype=np.int64)


def learning_rates(
    job_words: np.ndarray, epoch: int, epochs: int, alpha: float, min_alpha: float
) -> np.ndarray:
    """α of each job, linear from alpha to min_alpha over all epochs, by the corpus words before
    the job: 2013a trains with "a starting learning rate 0.025 and decreased it linearly, so that
    it approaches zero at the end of the last training epoch"; gensim's `_get_next_alpha` with
    `total_words` (and the C tool) compute exactly this."""
    before = np.concatenate([[0], np.cumsum(job_words)[:-1]]).astype(np.float64)
    progress = (epoch + before / max(1, int(job_words.sum()))) / epochs
    rates = alpha - (alpha - min_alpha) * progress
    return np.maximum(rates, min_alpha).astype(np.float32)


# ------------------------------------------------------------------------------------------------
# The model


@dataclass
class Word2VecConfig:
    dim: int = 100
    window: int = 5
    sg: bool = False
    hs: bool = False
    negative: int = 5
    min_count: int = 5
    sample: float = 1e-3
    alpha: float = 0.025
    min_alpha: float = 0.0001
    epochs: int = 5
    cbow_mean: bool = True
    workers: int = 2
    seed: int = 1
    exact_sigmoid: bool = False
    # With ≥ 2 workers and hierarchical softmax, each thread keeps its own copy of this many syn1
    # rows nearest the root and merges it every `sync_every` centre words (`_merge_hot_rows`).
    hot_rows: int = 63
    sync_every: int = 256
    # An experiment, not a training setting (benchmarks/word2vec_root_rows_quality.py): every
    # thread, one included, reads the hot rows as they were at its last merge, so it sees even
    # its own changes to them up to `sync_every` centre words late.
    read_at_merge: bool = False


@dataclass
class Corpus:
    """The training text as the kernels read it."""

    tokens: np.ndarray  # (N,) int32 vocabulary ids, OOV words dropped
    sentence_starts: np.ndarray  # (S+1,) int64
    raw_lengths: np.ndarray  # (S,) int64: corpus words per sentence, OOV included
    job_starts: np.ndarray  # (J+1,) int64 sentence indices

    @property
    def job_words(self) -> np.ndarray:
        cum = np.concatenate([[0], np.cumsum(self.raw_lengths)])
        return cum[self.job_starts[1:]] - cum[self.job_starts[:-1]]


def initial_vectors(vocab_size: int, dim: int, seed: int) -> np.ndarray:
    """v_w ~ U[-1/d, 1/d), drawn exactly as gensim draws them (same generator, same order).

    The C tool draws from U[-0.5/d, 0.5/d); gensim's range is twice as wide. Matching gensim is
    the goal here, and its range measurably helps (see the README).
    """
    rng = np.random.default_rng(seed=seed)
    vectors = rng.random((vocab_size, dim), dtype=np.float32)
    vectors *= 2.0
    vectors -= 1.0
    vectors /= dim
    return vectors


class Word2Vec:
    """Train with `fit(sentences)`; vectors in `.vectors` (vocabulary order), `.vocab.words`."""

    def __init__(self, config: Word2VecConfig | None = None, **overrides: object) -> None:
        if numba is None:  # pragma: no cover
            raise ImportError("Word2Vec training needs numba: pip install -e '.[repro]'")
        config = config or Word2VecConfig()
        for key, value in overrides.items():
            setattr(config, key, value)
        if not config.hs and config.negative <= 0:
            raise ValueError(
                "choose hierarchical softmax (hs=1) and/or negative sampling (negative>0)"
            )
        self.config = config
        self.vocab: Vocab | None = None
        self.corpus: Corpus | None = None
        self.vectors = np.zeros((0, config.dim), dtype=np.float32)
        self.syn1 = np.zeros((0, config.dim), dtype=np.float32)
        self.syn1neg = np.zeros((0, config.dim), dtype=np.float32)
        self.raw_words = 0
        self.trained_words = 0
        self.worker_words = np.zeros(0, dtype=np.int64)  # per worker, last epoch
        self.train_seconds = 0.0
        self.history: list[dict] = []

    # ---- preparation

    def build(self, sentences: list[list[str]]) -> None:
        """Vocabulary, Huffman tree, tables and initial weights (gensim's build_vocab)."""
        c = self.config
        self.vocab, self.raw_words = build_vocab(sentences, c.min_count)
        v = len(self.vocab)
        if v == 0:
            raise ValueError(f"no word occurs at least min_count={c.min_count} times")
        codes, points = huffman_codes(self.vocab.counts)
        self.codes, self.codelens = padded(codes, np.uint8)
        self.points, _ = padded(points, np.int32)
        self.keep_ints = keep_probability_ints(self.vocab.counts, c.sample)
        self.cum_table = noise_cum_table(self.vocab.counts)
        self.guide, self.guide_shift = noise_guide(self.cum_table)
        self.busiest = busiest_nodes(self.codelens, self.points, self.vocab.counts, c.hot_rows)
        self.vectors = initial_vectors(v, c.dim, c.seed)
        # Output weights start at zero (the C tool and gensim).
        self.syn1 = np.zeros((v if c.hs else 1, c.dim), dtype=np.float32)
        self.syn1neg = np.zeros((v if c.negative else 1, c.dim), dtype=np.float32)
        self.exp_table, self.log_table = sigmoid_tables()

    def encode(self, sentences: list[list[str]]) -> Corpus:
        """Lines longer than 10,000 words are cut into pieces of that size (as gensim's
        LineSentence and the C tool cut them); OOV words are dropped after counting, so a
        window reaches across them, as in gensim."""
        assert self.vocab is not None
        index = self.vocab.index
        ids: list[int] = []
        starts = [0]
        raw: list[int] = []
        for sentence in sentences:
            for k in range(0, len(sentence), MAX_SENTENCE_LEN):
                piece = sentence[k : k + MAX_SENTENCE_LEN]
                ids.extend(i for w in piece if (i := index.get(w)) is not None)
                starts.append(len(ids))
                raw.append(len(piece))
        raw_lengths = np.array(raw, dtype=np.int64)
        return Corpus(
            tokens=np.array(ids, dtype=np.int32),
            sentence_starts=np.array(starts, dtype=np.int64),
            raw_lengths=raw_lengths,
            job_starts=pack_jobs(raw_lengths),
        )

    def prepare(self, sentences: list[list[str]]) -> None:
        self.build(sentences)
        self.corpus = self.encode(sentences)

    def net(self, workers: int = 1) -> Net:
        """The kernels' view of the model; with several workers, the hot syn1 rows each thread
        keeps (none with one worker, unless `read_at_merge` asks for them: then every update is
        gensim's, step for step)."""
        c = self.config
        kept = c.hs and (workers > 1 or c.read_at_merge)
        hot = self.busiest if kept else np.zeros(0, dtype=np.int32)
        slot = np.full(len(self.syn1), -1, dtype=np.int32)
        slot[hot] = np.arange(len(hot), dtype=np.int32)
        return Net(
            syn0=self.vectors,
            syn1=self.syn1,
            syn1neg=self.syn1neg,
            codes=self.codes,
            points=self.points,
            codelens=self.codelens,
            cum_table=self.cum_table,
            guide=self.guide,
            guide_shift=np.uint64(self.guide_shift),
            keep_ints=self.keep_ints,
            exp_table=self.exp_table,
            sg=bool(c.sg),
            hs=bool(c.hs),
            negative=int(c.negative),
            window=int(c.window),
            cbow_mean=bool(c.cbow_mean),
            subsample=c.sample > 0,
            exact_sigmoid=bool(c.exact_sigmoid),
            hot=hot,
            slot=slot,
            sync_every=max(1, int(c.sync_every)),
            read_at_merge=bool(c.read_at_merge),
        )

    def job_alphas(self, epoch: int) -> np.ndarray:
        c = self.config
        assert self.corpus is not None
        return learning_rates(self.corpus.job_words, epoch, c.epochs, c.alpha, c.min_alpha)

    def plan_epoch(
        self,
        epoch: int,
        rng: np.random.Generator,
        *,
        seeds: np.ndarray | None = None,
        reduced_windows: np.ndarray | None = None,
    ) -> EpochPlan:
        """The epoch's jobs with their learning rates and random choices (drawn from `rng`
        unless given, e.g. replayed from gensim's generator by the equality tests)."""
        c = self.config
        corpus = self.corpus
        assert corpus is not None
        n_jobs = len(corpus.job_starts) - 1
        if seeds is None:
            seeds = rng.integers(0, 2**48, n_jobs, dtype=np.uint64)
        if reduced_windows is None:
            reduced_windows = rng.integers(0, c.window, len(corpus.tokens), dtype=np.int32)
        return EpochPlan(
            tokens=corpus.tokens,
            sentence_starts=corpus.sentence_starts,
            job_starts=corpus.job_starts,
            alphas=self.job_alphas(epoch),
            seeds=np.asarray(seeds, dtype=np.uint64),
            reduced_windows=np.asarray(reduced_windows, dtype=np.int32),
            workers=max(1, int(c.workers)),
        )

    def train_epoch(self, plan: EpochPlan) -> int:
        """One pass; returns the words trained on (after subsampling).

        The workers take the epoch's jobs in corpus order from one shared counter, as gensim's
        job queue hands them out: a worker slowed by another process on the machine takes fewer
        jobs instead of holding the others back at the end of the epoch. Each job runs in the
        numba kernel with the GIL released, updating the shared weights without locks (Hogwild).
        `worker_words` keeps the words each worker trained on."""
        n_jobs = len(plan.job_starts) - 1
        workers = max(1, int(plan.workers))
        net = self.net(workers)
        trained = np.zeros(workers, dtype=np.int64)
        jobs = itertools.count()  # next() on a count is atomic under the GIL

        def work(w: int) -> None:
            scratch = Scratch.allocate(net)
            while (job := next(jobs)) < n_jobs:
                trained[w] += _train_job(net, plan, job, scratch)

        if workers == 1:
            work(0)
        else:
            threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.worker_words = trained
        return int(trained.sum())

    # ---- training

    def fit(self, sentences: list[list[str]], progress: bool = True) -> Word2Vec:
        import time

        c = self.config
        self.prepare(sentences)
        rng = np.random.default_rng([c.seed, 2013])
        bar = _progress(c.epochs, progress)
        start = time.perf_counter()
        self.trained_words = 0
        for epoch in range(c.epochs):
            self.trained_words += self.train_epoch(self.plan_epoch(epoch, rng))
            self.history.append({"epoch": epoch + 1, "seconds": time.perf_counter() - start})
            bar.update(1)
        bar.close()
        self.train_seconds = time.perf_counter() - start
        return self

    @property
    def words_per_second(self) -> float:
        return self.raw_words * self.config.epochs / max(self.train_seconds, 1e-9)

    # ---- use

    def score_sg_hs(self, sentence: list[str]) -> float:
        """log-probability of a sentence under skip-gram + hierarchical softmax (gensim's score)."""
        assert self.vocab is not None
        ids = np.array(
            [self.vocab.index[w] for w in sentence if w in self.vocab.index], dtype=np.int32
        )
        return float(_score_sg_hs(ids, self.net(), self.log_table))

    def save_word2vec_format(self, path: Path) -> None:
        """The word2vec text format: a 'count dim' line, then 'word v1 v2 ...' per word."""
        assert self.vocab is not None
        from tracker.atomic import atomic_writer

        with atomic_writer(path, "text") as handle:
            handle.write(f"{len(self.vocab)} {self.config.dim}\n")
            for word, row in zip(self.vocab.words, self.vectors, strict=True):
                handle.write(word + " " + " ".join(f"{x:.6f}" for x in row) + "\n")


def _progress(total: int, enabled: bool):  # noqa: ANN202
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="word2vec epochs", unit="epoch", disable=not enabled)


def read_corpus(path: Path) -> Iterator[list[str]]:
    """One sentence per line, tokens separated by whitespace (gensim's LineSentence format)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            tokens = line.split()
            if tokens:
                yield tokens
