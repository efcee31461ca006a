"""Hidden Markov model POS tagging (Rabiner, 1989): supervised estimation, forward, Viterbi, beam."""

from __future__ import annotations

from .model import HMM, brute_force_best, brute_force_logprob, word_signature

PAPER_ID = "rabiner-1989"
TITLE = "A Tutorial on Hidden Markov Models and Selected Applications in Speech Recognition"

__all__ = ["HMM", "PAPER_ID", "TITLE", "brute_force_best", "brute_force_logprob", "word_signature"]
