"""Sequence to sequence with attention: Bahdanau et al. (2015) additive and Luong et al. (2015) dot/general."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import Generation, Seq2Seq, Seq2SeqConfig, Seq2SeqOutput

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = ["PAPER_ID", "TITLE", "Generation", "Seq2Seq", "Seq2SeqConfig", "Seq2SeqOutput"]
