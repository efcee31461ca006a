"""Hidden Markov model POS tagging (Rabiner, 1989): supervised estimation, forward, Viterbi, beam."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import HMM, brute_force_best, brute_force_logprob, word_signature

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = ["HMM", "PAPER_ID", "TITLE", "brute_force_best", "brute_force_logprob", "word_signature"]
