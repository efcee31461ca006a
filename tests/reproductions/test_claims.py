"""Claims decided by code: the tests behind `holds`, pred_frac / constant-head flags, and the
refusal to publish results from a dirty tree."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reproductions.common import claims, results
from reproductions.common.claims import (
    accuracy_above_rate,
    binomial_se,
    classifier_metrics,
    compare_over_seeds,
    constant_heads,
    difference,
    paired_over_seeds,
    validate_claims,
    within,
)
from reproductions.common.results import DirtyTreeError, ResultsError, read_results, write_results


def _prov(dirty: bool | None = False) -> dict:
    prov = results.provenance({}, 0, {}, time.time(), "python -m x")
    prov["git_dirty"] = dirty
    return prov


def test_accuracy_above_rate_needs_more_than_k_standard_errors() -> None:
    # n = 2048 at rate 0.5: SE = 0.01105, so 2 SE = 0.0221 above 0.5.
    assert binomial_se(0.5, 2048) == pytest.approx(0.011049, rel=1e-4)
    assert accuracy_above_rate("c", "p", 0.523, 0.5, 2048).holds
    assert not accuracy_above_rate("c", "p", 0.521, 0.5, 2048).holds
    # a constant head scores exactly the majority rate: never "above" it
    assert not accuracy_above_rate("c", "p", 0.541, 0.541, 512).holds


def test_difference_uses_the_combined_standard_error() -> None:
    # sqrt(0.03^2 + 0.04^2) = 0.05: a margin of 0.11 clears 2 SE, 0.09 does not
    assert difference("c", "p", 0.61, 0.50, 0.03, 0.04).holds
    assert not difference("c", "p", 0.59, 0.50, 0.03, 0.04).holds
    c = difference("c", "p", 0.61, 0.50, 0.03, 0.04, labels=("sop", "nsp"))
    assert c.evidence["se_difference"] == pytest.approx(0.05)
    assert c.evidence["sop"] == 0.61 and c.test == "sop - nsp > 2 SE"


def test_paired_over_seeds_needs_every_seed_and_a_clear_mean() -> None:
    assert paired_over_seeds("c", "p", [0.7, 0.72, 0.71], [0.6, 0.61, 0.6]).holds
    # one seed the other way round: the sign test fails even with a large mean
    assert not paired_over_seeds("c", "p", [0.9, 0.9, 0.5], [0.6, 0.6, 0.6]).holds
    # every seed ahead but by noise-sized, scattered margins: the mean is not 2 SE clear
    assert not paired_over_seeds("c", "p", [0.601, 0.7, 0.6005], [0.6, 0.6, 0.6]).holds
    with pytest.raises(ValueError):
        paired_over_seeds("c", "p", [1.0], [1.0, 2.0])


def test_compare_over_seeds_lower_is_better_counts_a_drop_as_the_gain() -> None:
    lower = compare_over_seeds([190.0, 191.0], [200.0, 203.0], lower_is_better=True)
    assert lower.holds and lower.differences == [10.0, 12.0] and lower.wins == 2
    assert (lower.mean_a, lower.mean_b) == (190.5, 201.5)
    assert not compare_over_seeds([190.0, 191.0], [200.0, 203.0]).holds


def test_within_is_the_no_detectable_difference_test() -> None:
    assert within("c", "p", 0.51, 0.5, 0.01).holds
    assert not within("c", "p", 0.53, 0.5, 0.01).holds


def test_classifier_metrics_report_majority_rate_and_share_predicted() -> None:
    m = classifier_metrics("val_nsp", [0, 0, 0, 1], [0, 1, 1, 1], 2)
    assert m["val_nsp_acc"] == 0.5
    assert m["val_nsp_majority_rate"] == 0.75
    assert m["val_nsp_pred_frac"] == [0.75, 0.25]
    assert m["val_nsp_n"] == 4


def test_constant_heads_are_those_over_ninety_percent_one_class() -> None:
    metrics = {
        "val_nsp_pred_frac": [0.91, 0.09],
        "val_sop_pred_frac": [0.9, 0.1],  # exactly 90%: not flagged
        "val_sop_pred_frac (none)": [0.0, 1.0],
        "val_nsp_acc": 0.5,
    }
    assert constant_heads(metrics) == ["val_nsp", "val_sop (none)"]


def test_write_results_flags_constant_heads_and_keeps_claims(tmp_path: Path) -> None:
    claim = accuracy_above_rate("NSP learns", "97%", 0.8, 0.5, 2048)
    path = write_results(
        "toy",
        "run",
        kind="train",
        metrics={"val_nsp_acc": 0.5, "val_nsp_pred_frac": [1.0, 0.0]},
        provenance=_prov(),
        out_dir=tmp_path,
        claims=[claim],
    )
    data = read_results(path)
    assert data["constant_heads"] == ["val_nsp"]
    assert data["claims"][0]["holds"] is True and data["claims"][0]["claim"] == "NSP learns"
    assert set(data["claims"][0]) >= set(claims.CLAIM_KEYS)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"claim": "x"}, "lacks paper"),
        (
            {"claim": "x", "paper": "p", "ours": "o", "holds": "yes", "test": "t", "evidence": {}},
            "holds",
        ),
    ],
)
def test_read_results_rejects_malformed_claims(tmp_path: Path, bad: dict, message: str) -> None:
    path = write_results("toy", "r", kind="train", provenance=_prov(), out_dir=tmp_path)
    import json

    data = json.loads(path.read_text())
    data["claims"] = [bad]
    path.write_text(json.dumps(data))
    with pytest.raises(ResultsError, match=message):
        read_results(path)
    with pytest.raises(ValueError, match=message):
        validate_claims([bad], "here")


def test_published_results_from_a_dirty_tree_are_refused(tmp_path: Path, monkeypatch) -> None:
    # A fake checkout: <root>/reproductions/toy/results is "published", anything else is not.
    root = tmp_path / "reproductions"
    (root / "toy" / "results").mkdir(parents=True)
    monkeypatch.setattr(results, "REPRODUCTIONS_ROOT", root)
    monkeypatch.delenv(results.ALLOW_DIRTY_ENV, raising=False)
    published = root / "toy" / "results"
    with pytest.raises(DirtyTreeError, match="--allow-dirty") as refused:
        write_results("toy", "r", kind="train", provenance=_prov(True), out_dir=published)
    assert refused.value.path == published
    assert not (published / "r.json").exists()
    # elsewhere (a scratch folder) a dirty tree is fine and not marked
    path = write_results("toy", "r", kind="train", provenance=_prov(True), out_dir=tmp_path / "x")
    assert "allow_dirty" not in read_results(path)["provenance"]
    # a clean tree publishes
    write_results("toy", "clean", kind="train", provenance=_prov(False), out_dir=published)
    # --allow-dirty publishes and says so in provenance
    results.allow_dirty(True)
    try:
        path = write_results("toy", "r", kind="train", provenance=_prov(True), out_dir=published)
    finally:
        results.allow_dirty(False)
    assert read_results(path)["provenance"]["allow_dirty"] is True


def test_check_publishable_runs_before_training(tmp_path: Path, monkeypatch) -> None:
    import torch

    from reproductions.common.training import TrainConfig, train

    root = tmp_path / "reproductions"
    (root / "toy" / "results").mkdir(parents=True)
    monkeypatch.setattr(results, "REPRODUCTIONS_ROOT", root)
    monkeypatch.setattr(results, "tree_is_dirty", lambda: True)
    monkeypatch.delenv(results.ALLOW_DIRTY_ENV, raising=False)
    calls = []

    def loss_fn(model, batch):
        calls.append(1)
        return model(batch).sum()

    with pytest.raises(DirtyTreeError):
        train(
            torch.nn.Linear(2, 1),
            TrainConfig(name="t", steps=3, lr=0.1, batch_size=1),
            reproduction="toy",
            run="r",
            loss_fn=loss_fn,
            make_batch=lambda step, info: torch.ones(1, 2),
            out_dir=root / "toy" / "results",
        )
    assert calls == []  # refused before the first step, not after the run


def test_allow_dirty_flag_of_the_shared_parser_sets_the_decision(monkeypatch) -> None:
    from reproductions.common import cli

    monkeypatch.delenv(results.ALLOW_DIRTY_ENV, raising=False)
    parser = cli.train_parser("d", "python -m x --allow-dirty")
    args = parser.parse_args(["--config", "small"])
    assert not args.allow_dirty and not results.dirty_allowed()
    args = parser.parse_args(["--allow-dirty"])
    assert args.allow_dirty and results.dirty_allowed()
    results.allow_dirty(False)
