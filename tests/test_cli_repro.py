"""Tests of `tracker repro list|check|train|plot` against a temporary reproductions package laid
out like the real one (TRACKER_REPRO_PACKAGE points the tracker at it)."""

from __future__ import annotations

import json
import textwrap
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reproductions.common.results import read_results
from tracker.cli.main import app

runner = CliRunner()

CHECK_OK = """
import torch
from reproductions.common.parity import check

def run_checks(quick: bool = True) -> list[dict]:
    x = torch.linspace(-2, 2, 9, dtype=torch.float64)
    checks = [check("gelu float64", torch.nn.functional.gelu(x), 0.5 * x * (1 + torch.erf(x / 2**0.5)),
                    dtype=torch.float64, tol=1e-12)]
    if not quick:
        checks.append(check("full-only", x, x.clone(), dtype=torch.float64, tol=1e-12))
    return checks
"""

CHECK_WRONG = """
import torch
from reproductions.common.parity import check

def run_checks(quick: bool = True) -> list[dict]:
    x = torch.linspace(-2, 2, 9, dtype=torch.float64)
    tanh = torch.nn.functional.gelu(x, approximate="tanh")
    return [check("gelu", tanh, torch.nn.functional.gelu(x), dtype=torch.float64, tol=1e-10)]
"""

CHECK_CRASH = """
def run_checks(quick: bool = True) -> list[dict]:
    raise RuntimeError("reference weights missing")
"""

TRAIN = '''
"""Tiny training script. Example: python -m PKG.toy.train --config small"""
import argparse
from pathlib import Path

import torch
from torch import nn

from reproductions.common.distributed import shard_batch
from reproductions.common.training import TrainConfig, train

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="small")
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    torch.manual_seed(0)
    x = torch.randn(64, 3, dtype=torch.float64)
    y = x.sum(1, keepdim=True)
    model = nn.Linear(3, 1).double()

    def make_batch(step, info):
        idx = shard_batch(list(range((step * 8) % 64, (step * 8) % 64 + 8)), info)
        return x[idx], y[idx]

    train(
        model,
        TrainConfig(name=args.config, steps=args.steps, lr=0.05, batch_size=8, log_every=2),
        reproduction="toy",
        run=args.config,
        loss_fn=lambda m, b: nn.functional.mse_loss(m(b[0]), b[1]),
        make_batch=make_batch,
        evaluate=lambda m: {"val_mse": float(nn.functional.mse_loss(m(x), y))},
        out_dir=args.out,
    )

if __name__ == "__main__":
    main()
'''


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


@pytest.fixture
def fake_package(tmp_path, monkeypatch) -> tuple[str, Path]:
    """A package with: toy (check + train), wrong (failing check), crashy (check raises),
    notes (no check/train: not a reproduction) and common (never listed)."""
    name = f"fakerepro_{uuid.uuid4().hex[:8]}"  # fresh name: no stale sys.modules between tests
    root = tmp_path / name
    _write(root / "__init__.py", '"""Fake reproductions."""\n')
    _write(root / "toy" / "__init__.py", '"""Toy."""\n')
    _write(root / "toy" / "reproduction.toml", 'paper_id = "toy-2026"\ntitle = "A Toy Paper"\n')
    _write(root / "toy" / "check.py", CHECK_OK)
    _write(root / "toy" / "train.py", TRAIN)
    _write(root / "wrong" / "__init__.py", '"""Wrong GELU: a model that must fail parity."""\n')
    _write(
        root / "wrong" / "reproduction.toml",
        'title = "Wrong GELU: a model that must fail parity."\n',
    )
    _write(root / "wrong" / "check.py", CHECK_WRONG)
    _write(root / "crashy" / "__init__.py", "")
    _write(root / "crashy" / "check.py", CHECK_CRASH)
    _write(root / "notes" / "__init__.py", "")
    _write(root / "common" / "__init__.py", "")
    _write(root / "common" / "train.py", "")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("TRACKER_REPRO_PACKAGE", name)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("REPRO_DEVICE", "cpu")
    return name, root


def _invoke(*args: str):
    return runner.invoke(app, ["repro", *args])


def test_list_shows_only_reproduction_packages_with_titles_and_never_run_status(fake_package):
    result = _invoke("list", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == 1
    by_name = {r["name"]: r for r in data["reproductions"]}
    assert sorted(by_name) == ["crashy", "toy", "wrong"]
    assert by_name["toy"]["title"] == "A Toy Paper" and by_name["toy"]["paper_id"] == "toy-2026"
    assert by_name["wrong"]["title"] == "Wrong GELU: a model that must fail parity."
    assert by_name["crashy"]["title"] == "crashy"
    assert {r["parity"] for r in data["reproductions"]} == {"never run"}
    assert by_name["toy"]["has_train"] and not by_name["wrong"]["has_train"]


def test_check_records_a_passing_suite_and_list_reports_it(fake_package):
    _, root = fake_package
    result = _invoke("check", "toy")
    assert result.exit_code == 0, result.output
    assert "gelu float64" in result.stdout and "passed" in result.stdout
    parity = read_results(root / "toy" / "results" / "parity.json")
    assert parity["passed"] is True and parity["paper_id"] == "toy-2026"
    assert [c["name"] for c in parity["checks"]] == ["gelu float64"]
    assert parity["provenance"]["command"] == "tracker repro check toy"
    listed = json.loads(_invoke("list", "--json").stdout)["reproductions"]
    toy = next(r for r in listed if r["name"] == "toy")
    assert toy["parity"] == "passed" and toy["parity_at"]


def test_check_refuses_a_dirty_tree_unless_told_allow_dirty(fake_package, monkeypatch):
    import reproductions.common.results as results

    _, root = fake_package
    # The fake package's results folders count as published, in a tree with uncommitted changes.
    monkeypatch.setattr(results, "REPRODUCTIONS_ROOT", root)
    monkeypatch.setattr(results, "tree_is_dirty", lambda: True)
    monkeypatch.setattr(
        results, "_git", lambda *args: " M toy/check.py" if "status" in args else "0" * 40
    )
    monkeypatch.delenv(results.ALLOW_DIRTY_ENV, raising=False)
    refused = _invoke("check", "toy")
    assert refused.exit_code == 1
    assert "--allow-dirty" in refused.output and "Traceback" not in refused.output
    assert not (root / "toy" / "results" / "parity.json").exists()
    allowed = _invoke("check", "toy", "--allow-dirty")
    assert allowed.exit_code == 0, allowed.output
    prov = read_results(root / "toy" / "results" / "parity.json")["provenance"]
    assert prov["git_dirty"] is True and prov["allow_dirty"] is True


def test_check_names_the_refused_folder_from_the_error_even_with_a_colon_in_it(
    fake_package, monkeypatch
):
    from reproductions.common.results import DirtyTreeError
    from tracker import repro

    # The folder comes from DirtyTreeError.path, not from cutting the message at its first ":".
    folder = Path("/teams/2025:spring/reproductions/toy/results")

    def refuse(name, quick=True):
        raise DirtyTreeError(folder)

    monkeypatch.setattr(repro, "run_check", refuse)
    refused = _invoke("check", "toy")
    assert refused.exit_code == 1
    assert f"{folder}: not writing parity results" in refused.output, refused.output


def test_check_full_runs_the_extra_cases(fake_package):
    _, root = fake_package
    assert _invoke("check", "toy", "--full").exit_code == 0
    parity = read_results(root / "toy" / "results" / "parity.json")
    assert [c["name"] for c in parity["checks"]] == ["gelu float64", "full-only"]


def test_check_of_a_wrong_model_exits_1_and_records_failed(fake_package):
    _, root = fake_package
    result = _invoke("check", "wrong")
    assert result.exit_code == 1
    assert "FAIL" in result.stdout
    assert read_results(root / "wrong" / "results" / "parity.json")["passed"] is False


def test_a_crashing_suite_is_recorded_as_failed_with_the_error(fake_package):
    _, root = fake_package
    result = _invoke("check", "crashy", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["results"][0]["passed"] is False
    assert "reference weights missing" in data["results"][0]["checks"][0]["error"]
    assert read_results(root / "crashy" / "results" / "parity.json")["passed"] is False


def test_check_all_runs_every_suite_and_fails_if_one_fails(fake_package):
    result = _invoke("check", "--all", "--json")
    assert result.exit_code == 1
    verdicts = {r["name"]: r["passed"] for r in json.loads(result.stdout)["results"]}
    assert verdicts == {"crashy": False, "toy": True, "wrong": False}


@pytest.mark.parametrize("args", [["check", "nope"], ["train", "nope"], ["plot", "nope"]])
def test_an_unknown_name_exits_2_listing_the_available_ones(fake_package, args):
    result = _invoke(*args)
    assert result.exit_code == 2
    assert "nope" in result.output and "crashy, toy, wrong" in result.output


def test_check_needs_exactly_one_of_name_or_all(fake_package):
    assert _invoke("check").exit_code == 2
    assert _invoke("check", "toy", "--all").exit_code == 2


def test_train_dry_run_builds_the_python_and_torchrun_commands(fake_package):
    name, _ = fake_package
    one = _invoke("train", "toy", "--dry-run", "--", "--steps", "3")
    assert one.exit_code == 0, one.output
    assert one.stdout.split()[1:] == [
        "-m",
        f"{name}.toy.train",
        "--config",
        "small",
        "--steps",
        "3",
    ]
    two = _invoke("train", "toy", "--config", "paper", "--nproc", "2", "--dry-run")
    assert two.stdout.split()[1:] == [
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        f"{name}.toy.train",
        "--config",
        "paper",
    ]
    assert _invoke("train", "wrong", "--dry-run").exit_code == 2  # no train.py
    assert _invoke("train", "toy", "--config", "huge", "--dry-run").exit_code == 2


def test_train_runs_the_script_reports_its_results_and_plot_draws_them(fake_package):
    _, root = fake_package
    result = _invoke("train", "toy", "--", "--steps", "6")
    assert result.exit_code == 0, result.output
    written = root / "toy" / "results" / "small.json"
    assert f"wrote {written}" in result.stdout and "val_mse=" in result.stdout
    data = read_results(written)
    assert data["kind"] == "train" and data["provenance"]["config"]["steps"] == 6
    assert [s for s, _ in data["curves"]["train_loss"]] == [2, 4, 6]
    listed = json.loads(_invoke("list", "--json").stdout)["reproductions"]
    toy = next(r for r in listed if r["name"] == "toy")
    assert toy["runs"][0]["run"] == "small" and "val_mse" in toy["runs"][0]["metrics"]
    plotted = _invoke("plot", "toy", "small")
    assert plotted.exit_code == 0, plotted.output
    assert (root / "toy" / "results" / "small.png").stat().st_size > 1000


def test_train_under_torchrun_with_two_processes_writes_one_results_file(fake_package, tmp_path):
    out = tmp_path / "elsewhere"
    result = _invoke("train", "toy", "--nproc", "2", "--", "--steps", "4", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["small.json"]
    assert f"wrote {out / 'small.json'}" in result.stdout  # found where --out sent it
    data = read_results(out / "small.json")
    assert data["provenance"]["world_size"] == 2


def test_a_failing_training_script_exits_1(fake_package):
    _, root = fake_package
    (root / "toy" / "train.py").write_text("raise SystemExit(3)\n")
    result = _invoke("train", "toy")
    assert result.exit_code == 1
    assert "status 3" in result.output


def test_plot_without_a_results_file_is_a_usage_error(fake_package):
    result = _invoke("plot", "toy", "small")
    assert result.exit_code == 2 and "no such results file" in result.output


@pytest.mark.parametrize("command", ["list", "check", "train", "plot"])
def test_every_repro_command_has_help_with_an_example(command):
    result = runner.invoke(app, ["repro", command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_train_accepts_the_configs_its_reproduction_declares_and_lists_them_otherwise(fake_package):
    _, root = fake_package
    _write(root / "extra" / "__init__.py", '"""Extra configs."""\n')
    _write(root / "extra" / "reproduction.toml", 'configs = ["small", "paper", "sentiment"]\n')
    _write(
        root / "extra" / "train.py",
        """
        CONFIGS: dict[str, dict] = {"small": {}, "paper": {}}
        CONFIGS["sentiment"] = {"steps": 3}
        OTHER = {"huge": {}}
        """,
    )
    ok = _invoke("train", "extra", "--config", "sentiment", "--dry-run")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.split()[-2:] == ["--config", "sentiment"]
    refused = _invoke("train", "extra", "--config", "huge", "--dry-run")
    assert refused.exit_code == 2
    assert "use one of small, paper, sentiment" in refused.output
    # The toy declares no configs in its reproduction.toml: small and paper, as before.
    assert _invoke("train", "toy", "--config", "sentiment", "--dry-run").exit_code == 2
