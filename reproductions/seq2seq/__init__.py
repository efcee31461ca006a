"""Sequence to sequence with attention: Bahdanau et al. (2015) additive and Luong et al. (2015) dot/general."""

from __future__ import annotations

from .model import Generation, Seq2Seq, Seq2SeqConfig, Seq2SeqOutput

PAPER_ID = "1409.0473"
TITLE = "Neural Machine Translation by Jointly Learning to Align and Translate"

__all__ = ["PAPER_ID", "TITLE", "Generation", "Seq2Seq", "Seq2SeqConfig", "Seq2SeqOutput"]
