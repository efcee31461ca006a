"""The contract every `reproductions/<name>/train.py` keeps: `--help` with an example from
`python -m`, the shared flags, `train_settings` shortening a run, and `TrainRun`, which writes the
results file on the main process only and names the checkpoints of several arms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from reproductions.common import cli
from reproductions.common.distributed import DistInfo
from reproductions.common.results import read_results
from reproductions.common.training import TrainRun, train_settings


def _info(rank: int, world_size: int = 2) -> DistInfo:
    return DistInfo(rank, world_size, rank, torch.device("cpu"), is_main=rank == 0)


@pytest.mark.parametrize("module", ["reproductions.gpt2.train", "reproductions.transformer.train"])
def test_help_has_an_example(module: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "Example:" in out


def test_shared_flags_make_the_run_and_its_name() -> None:
    parser = cli.train_parser("toy", "python -m toy --config small", ("small", "tiny"))
    args = parser.parse_args(["--steps", "20", "--seed", "3", "--out", "/tmp/x"])
    job = cli.train_run("toy", args, seed=0)
    assert (job.config, job.steps, job.seed, job.name) == ("small", 20, 3, "small-20steps")
    assert job.results_dir == Path("/tmp/x")
    # Scripts that always wrote <config>.json keep that name; --run wins over both.
    assert cli.run_name(args, mark_steps=False) == "small"
    assert cli.run_name(parser.parse_args(["--run", "mine", "--steps", "2"])) == "mine"
    assert cli.train_run("toy", parser.parse_args(["--out", "/tmp/x"]), seed=7).seed == 7


def test_train_settings_shorten_a_run_and_evaluate_sooner() -> None:
    table = {"steps": 400, "eval_every": 50, "lr": 1e-3}
    assert train_settings(table, None) == table
    assert train_settings(table, 20) == {"steps": 20, "eval_every": 10, "lr": 1e-3}
    assert train_settings(table, 20, evals=1)["eval_every"] == 20
    assert train_settings(table, 1)["eval_every"] == 1  # never 0: that would mean "never"
    assert table["steps"] == 400  # the named config stays untouched


def test_arm_checkpoints_sit_beside_the_given_path(tmp_path: Path) -> None:
    ckpt = tmp_path / "run.ckpt"
    job = TrainRun("toy", "small", out_dir=tmp_path, checkpoint=ckpt, info=_info(0, 1))
    assert job.arm_checkpoint("gru") == tmp_path / "run-gru.ckpt"
    assert TrainRun("toy", "small", out_dir=tmp_path, info=_info(0, 1)).arm_checkpoint("a") is None


def test_publish_writes_on_the_main_process_only(tmp_path: Path, capsys) -> None:
    paper = ({"acc": {"value": 0.9, "note": "toy"}}, "toy-2026")
    curves = {"train_loss": [[1, 2.0], [2, 1.0]]}
    written = []
    for rank in (0, 1):
        job = TrainRun("toy", "small", steps=2, out_dir=tmp_path, info=_info(rank))
        written.append(job.publish({"acc": 0.5}, curves, paper, config={"lr": 1}, data={}))
    assert written[1] is None and written[0] == tmp_path / "small.json"
    record = read_results(written[0])
    assert record["metrics"] == {"acc": 0.5} and record["paper_id"] == "toy-2026"
    prov = record["provenance"]
    assert prov["world_size"] == 2
    assert (
        prov["command"]
        == "torchrun --nproc_per_node=2 -m reproductions.toy.train --config small --steps 2"
    )
    assert (tmp_path / "small.png").exists()
    cli.report(written)
    assert capsys.readouterr().out == f"wrote {written[0]}\n"
