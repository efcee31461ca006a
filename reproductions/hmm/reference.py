"""NLTK's supervised HMM tagger as the reference, trained with the same Lidstone estimator.

Owns building `nltk.tag.hmm.HiddenMarkovModelTagger` on the same sentences and reading its
tables back in natural log (NLTK stores log base 2), so check.py can compare numbers and tags.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from nltk.probability import LidstoneProbDist
from nltk.tag.hmm import HiddenMarkovModelTagger

from .model import HMM, TaggedSentence

LN2 = math.log(2.0)


def build_reference(sentences: Sequence[TaggedSentence], k: float) -> HiddenMarkovModelTagger:
    """NLTK's HMM tagger trained supervised with add-k (Lidstone) on pi, A and B."""
    return HiddenMarkovModelTagger.train(
        [list(s) for s in sentences],
        estimator=lambda fdist, bins: LidstoneProbDist(fdist, k, bins),
    )


def reference_tables(
    ref: HiddenMarkovModelTagger, ours: HMM, words: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NLTK's log pi, log A and log b_j(w) for the given words, in our tag order, natural log."""
    tags = ours.tags
    log_pi = np.array([ref._priors.logprob(t) for t in tags]) * LN2
    log_A = np.array([[ref._transitions[a].logprob(b) for b in tags] for a in tags]) * LN2
    log_B = np.array([[ref._outputs[t].logprob(w) for w in words] for t in tags]) * LN2
    return log_pi, log_A, log_B


def reference_tags(ref: HiddenMarkovModelTagger, words: Sequence[str]) -> list[str]:
    """NLTK's Viterbi tags for one sentence."""
    return [tag for _, tag in ref.tag(list(words))]
