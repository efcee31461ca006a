"""The reference: gensim's Word2Vec, built on the same corpus and settings, for the checks.

gensim follows the original C tool closely (same Huffman tree, subsampling formula, noise table
and sigmoid table), so agreement with it on codes, points and hierarchical-softmax scores for the
same weights pins our implementation down.
"""

from __future__ import annotations

import numpy as np

from reproductions.word2vec.model import Word2Vec


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
    )
    model.build_vocab(sentences)
    if train:
        model.train(sentences, total_examples=len(sentences), epochs=c.epochs)
    return model


def copy_weights_into_gensim(ours: Word2Vec, model) -> None:  # noqa: ANN001
    """Give gensim our input vectors and hierarchical-softmax weights (vocabularies must agree)."""
    order = [model.wv.key_to_index[w] for w in ours.vocab.words]
    model.wv.vectors[order] = ours.vectors
    if ours.config.hs:
        model.syn1[: len(ours.syn1) - 1] = ours.syn1[: len(ours.syn1) - 1]


def gensim_codes(model) -> tuple[list[np.ndarray], list[np.ndarray]]:  # noqa: ANN001
    words = model.wv.index_to_key
    return (
        [np.asarray(model.wv.get_vecattr(w, "code")) for w in words],
        [np.asarray(model.wv.get_vecattr(w, "point")) for w in words],
    )
