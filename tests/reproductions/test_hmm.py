"""HMM tagger: Viterbi/forward/beam against brute force (hypothesis), estimation against NLTK's
Lidstone HMM, unknown-word handling, and a tiny real run of the baseline."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reproductions.common import data
from reproductions.common.parity import assert_all_passed
from reproductions.common.results import read_results
from reproductions.hmm import HMM, brute_force_best, brute_force_logprob, word_signature
from reproductions.hmm import check as hmm_check
from reproductions.hmm.check import random_hmm
from reproductions.hmm.reference import build_reference, reference_tags
from reproductions.hmm.train import main, simplify_brown_tag

TOY = [
    [("the", "DT"), ("dog", "NN"), ("barks", "VBZ")],
    [("the", "DT"), ("cat", "NN"), ("sleeps", "VBZ")],
    [("a", "DT"), ("dog", "NN"), ("sleeps", "VBZ"), ("quietly", "RB")],
]


@st.composite
def small_cases(draw: st.DrawFn) -> tuple[HMM, list[str]]:
    seed = draw(st.integers(0, 2**31 - 1))
    n, v, t = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 5))
    rng = np.random.default_rng(seed)
    return random_hmm(rng, n, v), [str(o) for o in rng.integers(0, v, t)]


@settings(max_examples=150, deadline=None)
@given(small_cases())
def test_viterbi_finds_the_best_of_all_tag_sequences(case: tuple[HMM, list[str]]) -> None:
    hmm, obs = case
    path, score = hmm.viterbi(obs)
    _, best = brute_force_best(hmm, obs)
    assert score == pytest.approx(best, abs=1e-10)
    # The path itself scores the optimum (paths may differ only on exact ties).
    assert hmm.joint_logprob(obs, path) == pytest.approx(best, abs=1e-10)


@settings(max_examples=150, deadline=None)
@given(small_cases())
def test_forward_equals_the_sum_over_all_paths(case: tuple[HMM, list[str]]) -> None:
    hmm, obs = case
    assert hmm.forward(obs) == pytest.approx(brute_force_logprob(hmm, obs), abs=1e-10)
    assert hmm.forward(obs) >= hmm.viterbi(obs)[1] - 1e-12


@settings(max_examples=100, deadline=None)
@given(small_cases())
def test_full_width_beam_is_viterbi_and_narrow_beams_never_beat_it(
    case: tuple[HMM, list[str]],
) -> None:
    hmm, obs = case
    _, exact = hmm.viterbi(obs)
    assert hmm.beam(obs, hmm.n_states)[1] == pytest.approx(exact, abs=1e-12)
    for width in range(1, hmm.n_states):
        path, score = hmm.beam(obs, width)
        assert score <= exact + 1e-12
        assert hmm.joint_logprob(obs, path) == pytest.approx(score, abs=1e-10)


def test_lidstone_estimates_by_hand() -> None:
    hmm = HMM.fit(TOY, k=0.5)
    dt, nn = hmm.tags.index("DT"), hmm.tags.index("NN")
    # pi(DT) = (3 + 0.5) / (3 + 0.5 * 4 tags); A(DT -> NN) = (3 + 0.5) / (3 + 0.5 * 4).
    assert np.exp(hmm.log_pi[dt]) == pytest.approx(3.5 / 5.0)
    assert np.exp(hmm.log_A[dt, nn]) == pytest.approx(3.5 / 5.0)
    # b_NN(dog) = (2 + 0.5) / (3 + 0.5 * 7 words); an unseen word gets 0.5 / 6.5.
    assert np.exp(hmm.emissions(["dog"])[0, nn]) == pytest.approx(2.5 / 6.5)
    assert np.exp(hmm.emissions(["zebra"])[0, nn]) == pytest.approx(0.5 / 6.5)
    for row in np.exp(hmm.log_A):
        assert row.sum() == pytest.approx(1.0)
    # With bins = V the known words already take all the mass (as in NLTK): the unseen-word
    # score is a smoothed guess outside that normalisation, not a share taken from the words.
    assert np.exp(hmm.log_B[:, :-1]).sum(axis=1) == pytest.approx(np.ones(4))


def test_signature_handling_tags_unseen_words_by_shape() -> None:
    sents = [[("the", "DT"), (w, "VBG"), ("ran", "VBD")] for w in ("running", "eating", "going")]
    sents += [[("the", "DT"), (w, "NN"), ("ran", "VBD")] for w in ("dog", "cat", "cow")]
    hmm = HMM.fit(sents, k=0.01, unknown="signature")
    assert word_signature("jumping") == "<unk-ing>"
    assert (
        word_signature("London") == "<unk-Cap>" and word_signature("London", first=True) == "<unk>"
    )
    assert hmm.tag(["the", "jumping", "ran"])[1] == "VBG"
    assert hmm.tag(["the", "xyz", "ran"])[1] == "NN"


def test_agrees_with_nltk_on_a_toy_corpus_with_unseen_words() -> None:
    ref = build_reference(TOY, 0.1)
    hmm = HMM.fit(TOY, k=0.1)
    for words in (["the", "dog", "sleeps"], ["a", "zebra", "barks", "quietly"], ["dog"]):
        assert hmm.tag(words) == reference_tags(ref, words)


def test_brown_tag_simplification() -> None:
    assert simplify_brown_tag("np-tl") == "np"
    assert simplify_brown_tag("nn-tl-hl") == "nn"
    assert simplify_brown_tag("fw-in") == "in"
    assert simplify_brown_tag("ppss+md") == "ppss+md"


def test_quick_parity_suite_passes() -> None:
    checks = hmm_check.run_checks(quick=True)
    assert any("NLTK" in c["name"] for c in checks)
    assert any("brute force" in c["name"] for c in checks)
    assert_all_passed(checks)


def test_suite_catches_a_viterbi_that_forgets_transitions(monkeypatch: pytest.MonkeyPatch) -> None:
    def unigram_viterbi(self: HMM, words):  # type: ignore[no-untyped-def]
        E = self.emissions(words)
        path = [int(i) for i in np.argmax(E + self.log_pi, axis=1)]
        return [self.tags[i] for i in path], self.joint_logprob(words, [self.tags[i] for i in path])

    monkeypatch.setattr(HMM, "viterbi", unigram_viterbi)
    checks = hmm_check.brute_force_checks(40)
    assert not all(c["passed"] for c in checks)


def test_wsj_accuracy_is_sane_on_real_data() -> None:
    train, test = data.wsj_tagged("train"), data.wsj_tagged("test")
    hmm = HMM.fit(train, k=0.1, k_emission=0.01, unknown="signature")
    right = total = 0
    for sent in test:
        pred = hmm.tag([w for w, _ in sent])
        right += sum(p == g for p, (_, g) in zip(pred, sent, strict=True))
        total += len(sent)
    # A bigram HMM on 20K training words: well above the majority tag, below TnT's 96.7%.
    assert 0.85 < right / total < 0.967


def test_tiny_real_run_writes_results(tmp_path: Path) -> None:
    main(["--config", "small", "--steps", "40", "--out", str(tmp_path)])
    record = read_results(tmp_path / "small-40steps.json")
    m = record["metrics"]
    assert m["wsj_nltk_agreement"] == 1.0 and m["brown_nltk_agreement"] == 1.0
    corpora = {
        "wsj": {s: data.wsj_tagged(s)[:40] for s in ("train", "test")},
        "brown": {
            s: [[(w, simplify_brown_tag(t)) for w, t in sent] for sent in data.brown_tagged(s)[:40]]
            for s in ("train", "test")
        },
    }
    for name, splits in corpora.items():
        gold = [t for sent in splits["test"] for _, t in sent]
        seen = {w for sent in splits["train"] for w, _ in sent}
        unknown = sum(w not in seen for sent in splits["test"] for w, _ in sent) / len(gold)
        assert m[f"{name}_test_tokens"] == len(gold)
        assert m[f"{name}_test_unknown_rate"] == pytest.approx(unknown)
        # Overall accuracy is the known / unknown accuracies weighted by the unknown rate.
        assert m[f"{name}_test_accuracy"] == pytest.approx(
            (1 - unknown) * m[f"{name}_test_known_accuracy"]
            + unknown * m[f"{name}_test_unknown_accuracy"]
        )
        # 40 training sentences: the majority tag covers 13% of these test tokens, the HMM
        # tags 83% (WSJ) and 72% (Brown) right.
        majority = Counter(gold).most_common(1)[0][1] / len(gold)
        assert m[f"{name}_test_accuracy"] > majority + 0.4, (name, majority)
    assert "wsj_test_accuracy" in record["paper_metrics"]
    assert set(record["provenance"]["data"]) == {"brown", "wsj-sample"}


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "Example:" in capsys.readouterr().out
