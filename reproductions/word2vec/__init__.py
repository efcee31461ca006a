"""Word2Vec (Mikolov et al., 2013a and 2013b): CBOW and skip-gram, hierarchical softmax and
negative sampling, trained by numba kernels; checked against gensim."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import Word2Vec, Word2VecConfig, huffman_codes

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = ["PAPER_ID", "TITLE", "Word2Vec", "Word2VecConfig", "huffman_codes"]
