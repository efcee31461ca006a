"""The HMM parity suite: exact decoding against brute force, and the whole tagger against NLTK.

Owns `run_checks`:
- on seeded random HMMs small enough to enumerate every tag sequence, the Viterbi score equals
  the best joint log-probability, the Viterbi path scores exactly that, the forward algorithm
  equals the log-sum over all paths, and beam search with width N equals Viterbi;
- against `nltk.tag.hmm.HiddenMarkovModelTagger` trained on the WSJ sample with
  `LidstoneProbDist(k)`: pi, A and B (including an unseen word) to 1e-12, and the predicted tags
  on the test sentences. NLTK decodes in float32, so a near-tie could in principle flip a tag;
  on this data none does, and the check reports any that would.
"""

from __future__ import annotations

import numpy as np

from reproductions.common import data
from reproductions.common.parity import float64_record

from .model import HMM, brute_force_best, brute_force_logprob
from .reference import build_reference, reference_tables, reference_tags

TOL = 1e-10
K = 0.1


def random_hmm(rng: np.random.Generator, n_states: int, n_symbols: int) -> HMM:
    """Rows drawn from a flat Dirichlet: every probability positive, ties have probability 0."""

    def rows(n: int, size: int | None) -> np.ndarray:
        return np.log(rng.dirichlet(np.ones(n), size=size))

    return HMM.from_arrays(
        rows(n_states, None), rows(n_states, n_states), rows(n_symbols, n_states)
    )


_NAMES = (
    "viterbi score vs brute force",
    "viterbi path score vs brute force",
    "forward vs brute force",
    "beam (width N) vs viterbi",
)


def brute_force_checks(cases: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    worst = dict.fromkeys(_NAMES, 0.0)
    for _ in range(cases):
        n, v, t = int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(1, 6))
        hmm = random_hmm(rng, n, v)
        obs = [str(o) for o in rng.integers(0, v, t)]
        path, score = hmm.viterbi(obs)
        _, best = brute_force_best(hmm, obs)
        worst[_NAMES[0]] = max(worst[_NAMES[0]], abs(score - best))
        worst[_NAMES[1]] = max(worst[_NAMES[1]], abs(hmm.joint_logprob(obs, path) - best))
        worst[_NAMES[2]] = max(
            worst[_NAMES[2]], abs(hmm.forward(obs) - brute_force_logprob(hmm, obs))
        )
        _, beam_score = hmm.beam(obs, width=n)
        worst[_NAMES[3]] = max(worst[_NAMES[3]], abs(beam_score - score))
    return [
        float64_record(f"{name} ({cases} random HMMs)", diff, TOL) for name, diff in worst.items()
    ]


def nltk_checks(train: list, test: list, k: float, label: str) -> list[dict]:
    ours = HMM.fit(train, k=k, unknown="uniform")
    ref = build_reference(train, k)
    probe = ours.words[:300] + ours.words[-50:] + ["<never-seen-word>"]
    pi, A, B = reference_tables(ref, ours, probe)
    my_B = ours.emissions(probe).T
    checks = [
        float64_record(f"{label} log pi vs NLTK Lidstone", np.max(np.abs(ours.log_pi - pi)), 1e-12),
        float64_record(f"{label} log A vs NLTK Lidstone", np.max(np.abs(ours.log_A - A)), 1e-12),
        float64_record(
            f"{label} log B (incl. unseen word) vs NLTK", np.max(np.abs(my_B - B)), 1e-12
        ),
    ]
    mismatched = total = 0
    for sent in test:
        words = [w for w, _ in sent]
        mine = ours.tag(words)
        theirs = reference_tags(ref, words)
        mismatched += sum(a != b for a, b in zip(mine, theirs, strict=True))
        total += len(words)
    checks.append(
        float64_record(
            f"{label} Viterbi tags vs NLTK ({len(test)} test sentences)",
            float(mismatched),
            0.0,
            mismatched_tokens=mismatched,
            tokens=total,
        )
    )
    return checks


def run_checks(quick: bool = True) -> list[dict]:
    """Quick: 150 random HMMs and NLTK on the WSJ sample; full: 1,000 and Brown too."""
    checks = brute_force_checks(150 if quick else 1000)
    checks += nltk_checks(data.wsj_tagged("train"), data.wsj_tagged("test"), K, "WSJ")
    if not quick:
        from .train import simplify_brown_tag

        def simple(split: str) -> list:
            return [[(w, simplify_brown_tag(t)) for w, t in s] for s in data.brown_tagged(split)]

        checks += nltk_checks(simple("train"), simple("test")[:300], K, "Brown (simplified tags)")
    return checks


if __name__ == "__main__":
    from reproductions.common.parity import format_checks

    print(format_checks(run_checks(quick=True)))
