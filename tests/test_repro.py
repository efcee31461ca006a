"""`tracker.repro` on its own: what it reads from a results record and from each
reproduction's declared metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from reproductions.common.about import ABOUT_FILE, AboutError, read_about
from reproductions.common.results import RunResults
from tracker.repro import DEFAULT_PACKAGE


def test_headline_puts_paper_and_test_metrics_before_sweeps_and_validation() -> None:
    metrics = {
        "nb_valid_accuracy_alpha=0.1": 0.75,
        "val_loss": 4.5,
        "tokens": 1200,
        "train_seconds": 12.0,
        "nb_test_accuracy": 0.69,
        "bleu_beam5": 13.2,
        "squad_f1": 85.8,
    }
    data = {"metrics": metrics, "paper_metrics": {"squad_f1": {"value": 88.5}}}
    run = RunResults("small.json", "x", "train", "small", data)
    assert list(run.headline()) == ["squad_f1", "nb_test_accuracy", "bleu_beam5"]
    assert list(run.headline(limit=7))[3:] == [
        "train_seconds",
        "val_loss",
        "nb_valid_accuracy_alpha=0.1",
        "tokens",
    ]


def test_each_train_scripts_configs_are_the_names_its_reproduction_declares() -> None:
    # `tracker repro train --config` checks names against reproduction.toml without importing
    # train.py (torch); importing it here keeps the two from drifting apart.
    import importlib

    from tracker import repro

    trainable = [r for r in repro.discover(DEFAULT_PACKAGE) if r.has_train]
    assert len(trainable) >= 10
    for found in trainable:
        module = importlib.import_module(f"{found.module}.train")
        declared = read_about(found.path)
        assert list(declared.configs) == list(module.CONFIGS), found.name
        assert declared.paper_id == importlib.import_module(found.module).PAPER_ID


def test_a_broken_reproduction_toml_is_named_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / ABOUT_FILE).write_text('configs = "small"\n', encoding="utf-8")
    with pytest.raises(AboutError, match=r"reproduction.toml: configs must be a list"):
        read_about(tmp_path)
    (tmp_path / ABOUT_FILE).write_text("title = \n", encoding="utf-8")
    with pytest.raises(AboutError, match=r"reproduction.toml: not readable as TOML"):
        read_about(tmp_path)
    (tmp_path / ABOUT_FILE).unlink()
    assert read_about(tmp_path).configs == ("small", "paper")
