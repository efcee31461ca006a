"""The reference: gensim's Word2Vec, built on the same corpus and settings, for the checks.

gensim follows the original C tool closely (same Huffman tree, subsampling formula, noise table
and sigmoid table). Beyond the tables, `replay_gensim_draws` reproduces every random choice
gensim's training makes (its per-job generator seeds, subsampling draws and reduced windows), so
our kernels can be fed the same choices and their updated weights compared with gensim's
element by element.
"""

from __future__ import annotations

import copy

import numpy as np

from reproductions.word2vec.model import MAX_SENTENCE_LEN, Word2Vec

_MASK48 = 2**48 - 1


def gensim_model(sentences: list[list[str]], ours: Word2Vec, *, train: bool = False):  # noqa: ANN201
    """A gensim Word2Vec with our settings and vocabulary built from the same sentences."""
    from gensim.models import Word2Vec as GensimWord2Vec

    c = ours.config
    model = GensimWord2Vec(
        vector_size=c.dim,
        window=c.window,
        sg=int(c.sg),
        hs=int(c.hs),
        negative=c.negative,
        min_count=c.min_count,
        sample=c.sample,
        alpha=c.alpha,
        min_alpha=c.min_alpha,
        epochs=c.epochs,
        cbow_mean=int(c.cbow_mean),
        workers=c.workers,
        seed=c.seed,
        batch_words=MAX_SENTENCE_LEN,
    )
    model.build_vocab(sentences)
    if train:
        train_gensim(model, sentences, c.epochs)
    return model


def train_gensim(model, sentences: list[list[str]], epochs: int) -> None:  # noqa: ANN001
    """Train gensim with its learning rate falling by corpus words, as ours and the C tool's does.

    gensim decays α by whichever total the caller passes: given `total_examples` its progress is
    sentences seen / sentences, given `total_words` it is words seen / words. On a corpus whose
    lines are alike in length the two agree; on one that mixes 20-word sentences with 10,000-word
    pieces (the benchmark's mixed corpus) counting sentences races through the short lines and
    then holds α nearly still over the long ones, which shifts the scores (measured: the
    benchmark's README, "learning-rate schedule"). Counting words is 2013a's rule ("decreased it
    linearly, so that it approaches zero at the end of the last training epoch") and ours.
    """
    model.train(sentences, total_words=sum(map(len, sentences)), epochs=epochs)


def copy_weights_into_gensim(ours: Word2Vec, model) -> None:  # noqa: ANN001
    """Give gensim our input vectors and output weights (vocabularies must agree)."""
    order = [model.wv.key_to_index[w] for w in ours.vocab.words]
    model.wv.vectors[order] = ours.vectors
    if ours.config.hs:
        model.syn1[order] = ours.syn1
    if ours.config.negative:
        model.syn1neg[order] = ours.syn1neg


def gensim_codes(model) -> tuple[list[np.ndarray], list[np.ndarray]]:  # noqa: ANN001
    words = model.wv.index_to_key
    return (
        [np.asarray(model.wv.get_vecattr(w, "code")) for w in words],
        [np.asarray(model.wv.get_vecattr(w, "point")) for w in words],
    )


def replay_gensim_draws(model, ours: Word2Vec, epochs: int) -> list[tuple[np.ndarray, np.ndarray]]:  # noqa: ANN001
    """gensim's random choices for `epochs` passes, as (job seeds, reduced windows) per epoch.

    Call before `model.train`: this copies `model.random` (numpy's RandomState, which gensim's
    workers draw from) and plays gensim's `train_batch_sg/cbow` forward in its order: per job,
    `next_random = 2^24 · randint(2^24) + randint(2^24)` (when negative sampling or subsampling
    is on), then the job's subsampling draws from that LCG, then one `randint(0, window)` per
    word kept. Reduced windows are placed at the positions of the kept words in our token array.
    Valid for one worker (several would share the generator in an arbitrary order).
    """
    corpus = ours.corpus
    assert corpus is not None
    state = copy.deepcopy(model.random)
    keep = ours.keep_ints.astype(np.int64)
    draws = []
    for _ in range(epochs):
        n_jobs = len(corpus.job_starts) - 1
        seeds = np.zeros(n_jobs, dtype=np.uint64)
        reduced = np.zeros(len(corpus.tokens), dtype=np.int32)
        for job in range(n_jobs):
            seed = 0
            if model.negative or model.sample:
                seed = (2**24) * state.randint(0, 2**24) + state.randint(0, 2**24)
            seeds[job] = seed
            lo = corpus.sentence_starts[corpus.job_starts[job]]
            hi = corpus.sentence_starts[corpus.job_starts[job + 1]]
            kept = []
            rng = seed
            for t in range(lo, hi):
                if model.sample:
                    draw = rng >> 16
                    rng = (rng * 25214903917 + 11) & _MASK48
                    if keep[corpus.tokens[t]] < draw:
                        continue
                kept.append(t)
            if model.shrink_windows and kept:
                reduced[kept] = state.randint(0, model.window, len(kept))
        draws.append((seeds, reduced))
    return draws


def train_side_by_side(
    corpus: list[list[str]],
    train: list[list[str]],
    ours: Word2Vec,
    *,
    output_sd: float = 0.5,
    weight_seed: int = 0,
) -> dict[str, float]:
    """Train ours and gensim one worker each on `train` (vocabulary from `corpus`) for
    `ours.config.epochs` passes from the same weights and the same random choices.

    The input vectors are each side's own initial draw (they must already be equal: gensim's
    U[-1/d, 1/d) is ours); the output weights, zero in both at the start of real training, are
    set to the same random N(0, output_sd²) values so that the first step moves every matrix.
    Returns the largest element-wise differences of v (syn0), v′ (syn1, syn1neg) after training,
    and how far training moved them, for scale.
    """
    ours.config.workers = 1
    ours.build(corpus)
    ours.corpus = ours.encode(train)
    ref = gensim_model(corpus, ours)
    result = {"initial_syn0": float(np.abs(ours.vectors - ref.wv.vectors).max())}
    rng = np.random.default_rng(weight_seed)
    if ours.config.hs:
        ours.syn1[:] = rng.normal(0, output_sd, ours.syn1.shape)
    if ours.config.negative:
        ours.syn1neg[:] = rng.normal(0, output_sd, ours.syn1neg.shape)
    copy_weights_into_gensim(ours, ref)
    before = {"syn0": ours.vectors.copy(), "syn1": ours.syn1.copy(), "syn1neg": ours.syn1neg.copy()}
    epochs = ours.config.epochs
    for epoch, (seeds, reduced) in enumerate(replay_gensim_draws(ref, ours, epochs)):
        ours.train_epoch(ours.plan_epoch(epoch, None, seeds=seeds, reduced_windows=reduced))
    ref.train(train, total_words=int(ours.corpus.raw_lengths.sum()), epochs=epochs)
    order = [ref.wv.key_to_index[w] for w in ours.vocab.words]
    pairs = {"syn0": (ours.vectors, ref.wv.vectors[order])}
    if ours.config.hs:
        pairs["syn1"] = (ours.syn1, ref.syn1[order])
    if ours.config.negative:
        pairs["syn1neg"] = (ours.syn1neg, ref.syn1neg[order])
    for name, (a, b) in pairs.items():
        result[f"{name}_max_abs_diff"] = float(np.abs(a - b).max())
        result[f"{name}_max_change"] = float(np.abs(a - before[name]).max())
    return result
