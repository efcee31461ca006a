"""Tests of reproductions.common.results: provenance fields, atomic writes, strict JSON, schema
validation with errors that name the file, and the training-curve plot."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from reproductions.common import results
from reproductions.common.results import (
    PROVENANCE_KEYS,
    ResultsError,
    plot_curves,
    provenance,
    read_results,
    write_results,
)


def _prov(**kw) -> dict:
    return provenance(
        {"lr": 0.1}, 3, {"corpus": "sha256:00"}, time.time() - 2.0, "python -m x", **kw
    )


def test_provenance_names_commit_hardware_config_seed_data_and_times():
    prov = _prov(world_size=2)
    assert set(PROVENANCE_KEYS) <= set(prov)
    assert len(prov["git_commit"]) == 40  # this checkout is a git repository
    assert isinstance(prov["git_dirty"], bool)
    hw = prov["hardware"]
    assert hw["cpu"] and hw["threads"] >= 1 and hw["torch"] and hw["python"]
    assert "gpu" in hw
    assert prov["config"] == {"lr": 0.1} and prov["seed"] == 3
    assert prov["data"] == {"corpus": "sha256:00"} and prov["world_size"] == 2
    assert prov["started_at"].endswith("+00:00")
    assert 1.5 <= prov["wall_time_s"] < 60


def test_provenance_without_git_says_so_instead_of_failing(monkeypatch):
    monkeypatch.setattr(results, "_git", lambda *args: None)
    prov = _prov()
    assert prov["git_commit"] is None and prov["git_dirty"] is None


def test_write_results_round_trips_through_read_results(tmp_path):
    path = write_results(
        "toy",
        "small",
        kind="train",
        metrics={"val_loss": 1.5},
        curves={"train_loss": [[1, 2.0], [2, 1.5]]},
        paper_metrics={"val_loss": {"value": 1.0, "note": "paper"}},
        paper_id="toy-2026",
        provenance=_prov(),
        out_dir=tmp_path,
    )
    assert path == tmp_path / "small.json"
    data = read_results(path)
    assert data["schema"] == 1 and data["metrics"] == {"val_loss": 1.5}
    assert data["curves"]["train_loss"] == [[1, 2.0], [2, 1.5]]
    assert "passed" not in data  # only parity results carry a verdict
    assert "[1, 2.0]" in path.read_text()  # curve points stay on one line each


def test_non_finite_numbers_are_written_as_null_so_the_file_is_strict_json(tmp_path):
    import torch

    path = write_results(
        "toy",
        "nan",
        kind="train",
        metrics={"ppl": float("inf"), "loss": torch.tensor(0.25)},
        provenance=_prov(),
        out_dir=tmp_path,
    )
    data = json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"found {c}"))
    assert data["metrics"] == {"ppl": None, "loss": 0.25}


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    first = write_results(
        "toy", "small", kind="train", metrics={"a": 1}, provenance=_prov(), out_dir=tmp_path
    )
    before = first.read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_results(
            "toy", "small", kind="train", metrics={"a": 2}, provenance=_prov(), out_dir=tmp_path
        )
    assert first.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.json"]


def test_write_results_refuses_bad_kind_run_name_and_missing_provenance(tmp_path):
    with pytest.raises(ValueError, match="kind"):
        write_results("toy", "a", kind="eval", provenance=_prov(), out_dir=tmp_path)
    with pytest.raises(ValueError, match="run name"):
        write_results("toy", "../escape", kind="train", provenance=_prov(), out_dir=tmp_path)
    with pytest.raises(ValueError, match="git_commit"):
        write_results("toy", "a", kind="train", provenance={"seed": 0}, out_dir=tmp_path)
    with pytest.raises(ValueError, match="paper_metrics\\['bleu'\\]"):
        write_results(
            "toy",
            "a",
            kind="train",
            paper_metrics={"bleu": 28.4},
            provenance=_prov(),
            out_dir=tmp_path,
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not readable as JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"schema": 1, "kind": "train"}', "missing reproduction, run, provenance"),
        (
            '{"schema": 2, "reproduction": "t", "kind": "train", "run": "a", "provenance": {}}',
            "schema 2",
        ),
        (
            '{"schema": 1, "reproduction": "t", "kind": "train", "run": "a", "provenance": {},'
            ' "curves": {"loss": [1, 2]}}',
            "curve 'loss'",
        ),
        (
            '{"schema": 1, "reproduction": "t", "kind": "parity", "run": "parity",'
            ' "provenance": {}, "checks": [{"name": "logits"}]}',
            "checks must be",
        ),
    ],
)
def test_read_results_names_the_file_and_the_problem(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(ResultsError, match=message) as err:
        read_results(path)
    assert str(path) in str(err.value)


def test_read_results_of_a_missing_file_is_a_results_error(tmp_path):
    with pytest.raises(ResultsError, match="no such results file"):
        read_results(tmp_path / "absent.json")


def test_plot_curves_draws_a_png(tmp_path):
    path = write_results(
        "toy",
        "small",
        kind="train",
        curves={"train_loss": [[1, 2.0], [2, 1.0], [3, 0.5]], "val_loss": [[3, 0.7]]},
        provenance=_prov(),
        out_dir=tmp_path,
    )
    png = plot_curves(path, tmp_path / "plots" / "small.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5000


def test_plot_curves_without_curves_is_an_error(tmp_path):
    path = write_results("toy", "p", kind="parity", checks=[], provenance=_prov(), out_dir=tmp_path)
    with pytest.raises(ResultsError, match="no curves"):
        plot_curves(path, tmp_path / "p.png")
    assert not Path(tmp_path / "p.png").exists()


def test_command_line_repeats_a_module_run_and_a_torchrun_run(monkeypatch):
    import sys
    import types
    from importlib.machinery import ModuleSpec

    from reproductions.common.results import command_line

    fake_main = types.ModuleType("__main__")
    fake_main.__spec__ = ModuleSpec("reproductions.gpt2.train", None)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    monkeypatch.setattr(sys, "argv", ["/x/train.py", "--config", "small", "--out", "a b"])
    for var in ("WORLD_SIZE", "LOCAL_WORLD_SIZE"):
        monkeypatch.delenv(var, raising=False)
    assert command_line() == "python -m reproductions.gpt2.train --config small --out 'a b'"
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "2")
    assert command_line().startswith("torchrun --nproc_per_node=2 -m reproductions.gpt2.train ")


def test_write_train_results_keeps_extra_keys_and_draws_the_curves(tmp_path):
    from reproductions.common.results import write_train_results

    path = write_train_results(
        "toy",
        "small",
        metrics={"val_loss": 1.5},
        curves={"train_loss": [[1, 2.0], [2, 1.5]]},
        paper_metrics=None,
        paper_id=None,
        provenance=_prov(),
        out_dir=tmp_path,
        extra={"examples": [{"src": "a", "hyp": "b"}], "mix": (0.25, float("nan"))},
    )
    data = read_results(path)
    assert data["kind"] == "train" and data["metrics"] == {"val_loss": 1.5}
    assert data["examples"] == [{"src": "a", "hyp": "b"}] and data["mix"] == [0.25, None]
    assert list(data)[-3:] == ["provenance", "examples", "mix"]
    assert path.with_suffix(".png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="overwrite"):
        write_results(
            "toy", "x", kind="train", provenance=_prov(), out_dir=tmp_path, extra={"run": 1}
        )


def test_repeat_command_names_the_config_and_any_step_override():
    from reproductions.common.results import repeat_command

    assert repeat_command("gpt2", "small") == "python -m reproductions.gpt2.train --config small"
    assert repeat_command("elmo", "tiny", 40) == (
        "python -m reproductions.elmo.train --config tiny --steps 40"
    )


def test_a_results_folder_and_the_folders_below_it_are_published(tmp_path) -> None:
    from reproductions.common.results import REPRODUCTIONS_ROOT, is_published_dir

    assert is_published_dir(REPRODUCTIONS_ROOT / "word2vec" / "results")
    assert is_published_dir(REPRODUCTIONS_ROOT / "word2vec" / "results" / "tables")
    assert not is_published_dir(REPRODUCTIONS_ROOT / "word2vec")
    assert not is_published_dir(tmp_path / "word2vec" / "results")
