"""Tests of reproductions.common.distributed: batch sharding, the single-process fallback, and DDP
equivalence (2 gloo processes under torchrun follow the 1-process trajectory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from reproductions.common.distributed import DistInfo, init_distributed, shard_batch, wrap_model
from reproductions.common.results import read_results

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCRIPT = HERE / "ddp_mlp_run.py"


def _info(rank: int, world: int) -> DistInfo:
    return DistInfo(rank, world, rank, torch.device("cpu"), rank == 0)


def test_shard_batch_gives_each_rank_a_disjoint_equal_share_covering_the_batch():
    batch = list(range(10, 22))
    shares = [shard_batch(batch, _info(r, 3)) for r in range(3)]
    assert shares == [[10, 11, 12, 13], [14, 15, 16, 17], [18, 19, 20, 21]]


def test_shard_batch_refuses_a_batch_that_does_not_split_evenly():
    with pytest.raises(ValueError, match="divisible"):
        shard_batch(list(range(7)), _info(0, 2))


def test_without_torchrun_environment_the_job_is_one_main_process(monkeypatch):
    for var in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "REPRO_DEVICE"):
        monkeypatch.delenv(var, raising=False)
    info = init_distributed()
    assert (info.rank, info.world_size, info.is_main) == (0, 1, True)
    model = torch.nn.Linear(2, 2)
    assert wrap_model(model, info) is model  # no DDP wrapper for a single process


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["OMP_NUM_THREADS"] = "1"
    env["HF_HUB_OFFLINE"] = "1"
    for var in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(var, None)
    env["REPRO_DEVICE"] = "cpu"  # gloo on CPU even where a GPU exists
    return env


def _run(cmd: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        cmd, cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_two_gloo_processes_under_torchrun_match_one_process_with_the_same_global_batch(tmp_path):
    """The 2-process run is also interrupted after 5 steps and resumed from its checkpoint (every
    rank's state saved and restored), and must still land on the 1-process trajectory."""
    steps, global_batch = 12, 16
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    _run([sys.executable, str(SCRIPT), str(one), str(steps), str(global_batch)], tmp_path)
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    _run(
        [
            *torchrun,
            "--nproc_per_node=2",
            str(SCRIPT),
            str(two),
            str(steps),
            str(global_batch),
            "5",
        ],
        tmp_path,
    )
    single, double = json.loads(one.read_text()), json.loads(two.read_text())
    assert (single["world_size"], double["world_size"]) == (1, 2)
    assert (single["resumed_from"], double["resumed_from"]) == (None, 5)
    steps_1 = [s for s, _ in single["train_loss"]]
    assert steps_1 == list(range(1, steps + 1))
    assert [s for s, _ in double["train_loss"]] == steps_1
    losses_1 = torch.tensor([v for _, v in single["train_loss"]], dtype=torch.float64)
    losses_2 = torch.tensor([v for _, v in double["train_loss"]], dtype=torch.float64)
    # The run must actually learn, or equal curves would prove nothing about gradient averaging.
    assert losses_1[-1] < 0.7 * losses_1[0]
    # float64 runs agree to ~1e-16; the slack only covers gloo's reduction order.
    torch.testing.assert_close(losses_2, losses_1, rtol=0, atol=1e-10)
    torch.testing.assert_close(
        torch.tensor(double["first_weights"]),
        torch.tensor(single["first_weights"]),
        rtol=0,
        atol=1e-10,
    )
    assert abs(double["metrics"]["val_loss"] - single["metrics"]["val_loss"]) < 1e-10
    # Only the main rank writes the results file, and it records the process count.
    written = read_results(Path(double["results_path"]))
    assert written["provenance"]["world_size"] == 2
    assert written["provenance"]["command"].startswith("torchrun --nproc_per_node=2")
