"""ELMo (Peters et al., 2018): character CNN token encoder, bidirectional LSTM language model and
the task-specific scalar mix, checked against explicit computations and torch."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import BiLM, CharCNN, Elmo, ElmoConfig, Highway, ScalarMix, encode_chars

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = [
    "PAPER_ID",
    "TITLE",
    "BiLM",
    "CharCNN",
    "Elmo",
    "ElmoConfig",
    "Highway",
    "ScalarMix",
    "encode_chars",
]
