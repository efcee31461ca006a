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
- learning rate decaying linearly from `alpha` to `min_alpha` over all training words;
- a dynamic window: each centre word uses a window drawn uniformly from 1..window.

σ is read from the C tool's 1,000-entry table over [-6, 6], and |x| ≥ 6 is skipped, as gensim
does; `exact_sigmoid=True` computes σ exactly and keeps every term instead.

Training runs in numba-compiled kernels without the GIL, in `workers` threads that update shared
weights without locks (Hogwild, as the C tool and gensim do).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

try:  # numba is part of the `repro` extra; the pure model code below needs only numpy
    import numba
    from numba import njit, prange
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
    e = np.exp(x.astype(np.float32)).astype(np.float32)
    table = (e / (e + 1)).astype(np.float32)
    return table, np.log(table).astype(np.float32)


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


# ------------------------------------------------------------------------------------------------
# The training kernels (numba, nogil)

if numba is not None:

    @njit(nogil=True, cache=True, fastmath=True)
    def _dot(a: np.ndarray, b: np.ndarray) -> float:
        s = np.float32(0.0)
        for k in range(a.shape[0]):
            s += a[k] * b[k]
        return s

    @njit(nogil=True, cache=True)
    def _sigmoid(f: float, exp_table: np.ndarray, exact: bool) -> tuple[bool, float]:
        """(use this term?, σ(f)): the table skips |f| ≥ MAX_EXP, the exact form keeps it."""
        if exact:
            return True, 1.0 / (1.0 + math.exp(-f))
        if f <= -MAX_EXP or f >= MAX_EXP:
            return False, 0.0
        return True, exp_table[int((f + MAX_EXP) * TABLE_SCALE)]

    @njit(nogil=True, cache=True, fastmath=True)
    def _learn(
        word: int,
        l1: np.ndarray,
        neu1e: np.ndarray,
        alpha: float,
        hs: bool,
        negative: int,
        syn1: np.ndarray,
        syn1neg: np.ndarray,
        codes: np.ndarray,
        points: np.ndarray,
        codelens: np.ndarray,
        cum_table: np.ndarray,
        exp_table: np.ndarray,
        exact: bool,
        rng: np.uint64,
    ) -> np.uint64:
        """One prediction of `word` from hidden vector l1; accumulates the input gradient in neu1e."""
        size = l1.shape[0]
        if hs:
            for b in range(codelens[word]):
                row = points[word, b]
                use, f = _sigmoid(_dot(l1, syn1[row]), exp_table, exact)
                if not use:
                    continue
                g = np.float32((1 - codes[word, b] - f) * alpha)
                for k in range(size):
                    neu1e[k] += g * syn1[row, k]
                for k in range(size):
                    syn1[row, k] += g * l1[k]
        if negative > 0:
            table_max = cum_table[cum_table.shape[0] - 1]
            for d in range(negative + 1):
                if d == 0:
                    target = word
                    label = 1.0
                else:
                    draw = (rng >> np.uint64(16)) % np.uint64(table_max)
                    rng = (rng * np.uint64(25214903917) + np.uint64(11)) & np.uint64(
                        281474976710655
                    )
                    # Bisect the cumulative table: the first entry above the draw.
                    lo = 0
                    hi = cum_table.shape[0] - 1
                    while lo < hi:
                        mid = (lo + hi) >> 1
                        if np.uint64(cum_table[mid]) > draw:
                            hi = mid
                        else:
                            lo = mid + 1
                    target = lo
                    if target == word:
                        continue
                    label = 0.0
                use, f = _sigmoid(_dot(l1, syn1neg[target]), exp_table, exact)
                if not use:
                    continue
                g = np.float32((label - f) * alpha)
                for k in range(size):
                    neu1e[k] += g * syn1neg[target, k]
                for k in range(size):
                    syn1neg[target, k] += g * l1[k]
        return rng

    @njit(nogil=True, cache=True, fastmath=True)
    def _train_span(
        tokens,
        starts,
        s_lo,
        s_hi,
        syn0,
        syn1,
        syn1neg,
        codes,
        points,
        codelens,
        cum_table,
        keep_ints,
        sg,
        hs,
        negative,
        window,
        cbow_mean,
        alpha0,
        min_alpha,
        done_before,
        total_work,
        seed,
        exp_table,
        exact,
    ):
        """Train on sentences s_lo..s_hi-1; returns the number of corpus words they held."""
        size = syn0.shape[1]
        rng = np.uint64(seed)
        neu1 = np.zeros(size, dtype=np.float32)
        neu1e = np.zeros(size, dtype=np.float32)
        kept = np.empty(MAX_SENTENCE_LEN, dtype=np.int32)
        words = 0
        for s in range(s_lo, s_hi):
            progress = (done_before + words) / total_work
            alpha = alpha0 - (alpha0 - min_alpha) * progress
            if alpha < min_alpha:
                alpha = min_alpha
            n = 0
            for t in range(starts[s], starts[s + 1]):
                w = tokens[t]
                draw = np.uint32(rng >> np.uint64(16))
                rng = (rng * np.uint64(25214903917) + np.uint64(11)) & np.uint64(281474976710655)
                if keep_ints[w] < draw:
                    continue  # subsampled away
                kept[n] = w
                n += 1
            words += starts[s + 1] - starts[s]
            for i in range(n):
                reduced = np.int64(rng % np.uint64(window))
                rng = (rng * np.uint64(25214903917) + np.uint64(11)) & np.uint64(281474976710655)
                lo = max(0, i - window + reduced)
                hi = min(n, i + window + 1 - reduced)
                word = kept[i]
                if sg:
                    for j in range(lo, hi):
                        if j == i:
                            continue
                        ctx = kept[j]
                        neu1e[:] = 0.0
                        rng = _learn(
                            word,
                            syn0[ctx],
                            neu1e,
                            alpha,
                            hs,
                            negative,
                            syn1,
                            syn1neg,
                            codes,
                            points,
                            codelens,
                            cum_table,
                            exp_table,
                            exact,
                            rng,
                        )
                        for k in range(size):
                            syn0[ctx, k] += neu1e[k]
                else:
                    neu1[:] = 0.0
                    count = 0
                    for j in range(lo, hi):
                        if j != i:
                            ctx = kept[j]
                            for k in range(size):
                                neu1[k] += syn0[ctx, k]
                            count += 1
                    if count == 0:
                        continue
                    if cbow_mean:
                        for k in range(size):
                            neu1[k] /= count
                    neu1e[:] = 0.0
                    rng = _learn(
                        word,
                        neu1,
                        neu1e,
                        alpha,
                        hs,
                        negative,
                        syn1,
                        syn1neg,
                        codes,
                        points,
                        codelens,
                        cum_table,
                        exp_table,
                        exact,
                        rng,
                    )
                    if not cbow_mean:
                        for k in range(size):
                            neu1e[k] /= count
                    for j in range(lo, hi):
                        if j != i:
                            ctx = kept[j]
                            for k in range(size):
                                syn0[ctx, k] += neu1e[k]
        return words

    @njit(nogil=True, parallel=True, cache=True)
    def _train_epoch(
        tokens,
        starts,
        chunk_bounds,
        chunk_offsets,
        syn0,
        syn1,
        syn1neg,
        codes,
        points,
        codelens,
        cum_table,
        keep_ints,
        sg,
        hs,
        negative,
        window,
        cbow_mean,
        alpha0,
        min_alpha,
        done_before,
        total_work,
        seeds,
        exp_table,
        exact,
    ):
        n_chunks = chunk_bounds.shape[0] - 1
        done = np.zeros(n_chunks, dtype=np.int64)
        for c in prange(n_chunks):
            done[c] = _train_span(
                tokens,
                starts,
                chunk_bounds[c],
                chunk_bounds[c + 1],
                syn0,
                syn1,
                syn1neg,
                codes,
                points,
                codelens,
                cum_table,
                keep_ints,
                sg,
                hs,
                negative,
                window,
                cbow_mean,
                alpha0,
                min_alpha,
                done_before + chunk_offsets[c],
                total_work,
                seeds[c],
                exp_table,
                exact,
            )
        return done.sum()

    @njit(nogil=True, cache=True, fastmath=True)
    def _score_sg_hs(tokens, syn0, syn1, codes, points, codelens, window, log_table, exact):
        """log p(sentence) under skip-gram with hierarchical softmax (full window, like gensim)."""
        total = np.float32(0.0)
        n = tokens.shape[0]
        for i in range(n):
            word = tokens[i]
            for j in range(max(0, i - window), min(n, i + window + 1)):
                if j == i:
                    continue
                l1 = syn0[tokens[j]]
                for b in range(codelens[word]):
                    f = _dot(l1, syn1[points[word, b]])
                    if codes[word, b] == 1:
                        f = -f
                    if exact:
                        total += np.float32(-math.log1p(math.exp(-f)))
                    elif -MAX_EXP < f < MAX_EXP:
                        total += log_table[int((f + MAX_EXP) * TABLE_SCALE)]
        return total


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
        self.vectors = np.zeros((0, config.dim), dtype=np.float32)
        self.syn1 = np.zeros((0, config.dim), dtype=np.float32)
        self.syn1neg = np.zeros((0, config.dim), dtype=np.float32)
        self.raw_words = 0
        self.train_seconds = 0.0
        self.history: list[dict] = []

    # ---- preparation

    def build(self, sentences: list[list[str]]) -> None:
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
        rng = np.random.default_rng(c.seed)
        # Input vectors start small and random, output weights at zero (as in the C tool).
        self.vectors = ((rng.random((v, c.dim), dtype=np.float32) - 0.5) / c.dim).astype(np.float32)
        self.syn1 = np.zeros((v if c.hs else 1, c.dim), dtype=np.float32)
        self.syn1neg = np.zeros((v if c.negative else 1, c.dim), dtype=np.float32)
        self.exp_table, self.log_table = sigmoid_tables()

    def encode(self, sentences: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Corpus as one int32 array of in-vocabulary words plus sentence starts (OOV dropped)."""
        assert self.vocab is not None
        index = self.vocab.index
        ids: list[int] = []
        starts = [0]
        for sentence in sentences:
            for k in range(0, len(sentence), MAX_SENTENCE_LEN):
                ids.extend(
                    i for w in sentence[k : k + MAX_SENTENCE_LEN] if (i := index.get(w)) is not None
                )
                starts.append(len(ids))
        return np.array(ids, dtype=np.int32), np.array(starts, dtype=np.int64)

    # ---- training

    def fit(self, sentences: list[list[str]], progress: bool = True) -> Word2Vec:
        import time

        c = self.config
        self.build(sentences)
        tokens, starts = self.encode(sentences)
        numba.set_num_threads(max(1, min(c.workers, numba.config.NUMBA_NUM_THREADS)))
        n_sent = len(starts) - 1
        # Many more chunks than threads keeps threads busy; chunk edges are fixed by the corpus.
        n_chunks = max(1, min(n_sent, c.workers * 16))
        bounds = np.linspace(0, n_sent, n_chunks + 1).astype(np.int64)
        offsets = starts[bounds[:-1]]
        per_epoch = int(len(tokens))
        total_work = max(1, per_epoch * c.epochs)
        bar = _progress(c.epochs, progress)
        start = time.perf_counter()
        for epoch in range(c.epochs):
            seeds = np.array(
                [
                    (c.seed * 1_000_003 + epoch * 7_919 + k * 104_729) & 0xFFFFFFFFFFFF
                    for k in range(n_chunks)
                ],
                dtype=np.uint64,
            )
            _train_epoch(
                tokens,
                starts,
                bounds,
                offsets,
                self.vectors,
                self.syn1,
                self.syn1neg,
                self.codes,
                self.points,
                self.codelens,
                self.cum_table,
                self.keep_ints,
                c.sg,
                c.hs,
                c.negative,
                c.window,
                c.cbow_mean,
                c.alpha,
                c.min_alpha,
                epoch * per_epoch,
                total_work,
                seeds,
                self.exp_table,
                c.exact_sigmoid,
            )
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
        return float(
            _score_sg_hs(
                ids,
                self.vectors,
                self.syn1,
                self.codes,
                self.points,
                self.codelens,
                self.config.window,
                self.log_table,
                self.config.exact_sigmoid,
            )
        )

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
