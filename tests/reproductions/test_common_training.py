"""Tests of reproductions.common.training: the loop learns, logs and writes results; resuming from a
checkpoint equals an uninterrupted run exactly; bad inputs fail loudly; the schedules are the
papers' formulas."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from torch import nn

from reproductions.common.distributed import DistInfo
from reproductions.common.results import read_results
from reproductions.common.training import (
    TrainConfig,
    inverse_sqrt_warmup,
    train,
    warmup_constant,
    warmup_linear_decay,
)

CPU_MAIN = DistInfo(rank=0, world_size=1, local_rank=0, device=torch.device("cpu"), is_main=True)
N = 256


def _data() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(7)
    x = torch.randn(N, 4, generator=gen, dtype=torch.float64)
    return x, x @ torch.tensor([[1.0], [-2.0], [0.5], [0.0]], dtype=torch.float64) + 0.3


X, Y = _data()


def make_batch(step: int, info: DistInfo) -> tuple[torch.Tensor, torch.Tensor]:
    idx = torch.randint(0, N, (32,), generator=torch.Generator().manual_seed(step))
    return X[idx], Y[idx]


def loss_fn(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    return nn.functional.mse_loss(model(batch[0]), batch[1])


def evaluate(model: nn.Module) -> dict[str, float]:
    return {"val_loss": float(nn.functional.mse_loss(model(X), Y))}


class DropoutMLP(nn.Module):
    """Dropout makes the run depend on the global random stream, which resume must restore."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Dropout(0.1), nn.Linear(16, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def _model() -> nn.Module:
    torch.manual_seed(0)
    return DropoutMLP().double()


def _config(**overrides) -> TrainConfig:
    values = dict(name="mlp", steps=40, lr=2e-2, batch_size=32, eval_every=10, log_every=5)
    values.update(overrides)
    return TrainConfig(**values)


def _train(model: nn.Module, config: TrainConfig, out_dir: Path, **kwargs):
    return train(
        model,
        config,
        reproduction="toy",
        run=kwargs.pop("run", "small"),
        loss_fn=kwargs.pop("loss_fn", loss_fn),
        make_batch=kwargs.pop("make_batch", make_batch),
        evaluate=kwargs.pop("evaluate", evaluate),
        out_dir=out_dir,
        info=CPU_MAIN,
        **kwargs,
    )


def test_training_lowers_the_validation_loss_and_records_curves_and_results(tmp_path):
    model = _model()
    with torch.no_grad():
        before = evaluate(model.eval())["val_loss"]
    result = _train(
        model,
        _config(),
        tmp_path,
        data_checksums={"toy": "sha256:abc"},
        paper_metrics={"val_loss": {"value": 0.01, "note": "toy"}},
        paper_id="toy-2026",
    )
    assert result.metrics["val_loss"] < 0.2 * before
    assert [s for s, _ in result.curves["train_loss"]] == [5, 10, 15, 20, 25, 30, 35, 40]
    assert [s for s, _ in result.curves["val_loss"]] == [10, 20, 30, 40]
    data = read_results(result.results_path)
    assert result.results_path == tmp_path / "small.json"
    assert data["kind"] == "train" and data["reproduction"] == "toy" and data["run"] == "small"
    assert data["paper_id"] == "toy-2026"
    assert data["metrics"] == result.metrics
    assert data["paper_metrics"]["val_loss"]["value"] == 0.01
    assert data["curves"]["val_loss"] == result.curves["val_loss"]
    prov = data["provenance"]
    assert prov["config"]["lr"] == 2e-2 and prov["seed"] == 0
    assert prov["data"] == {"toy": "sha256:abc"}
    assert prov["world_size"] == 1 and prov["wall_time_s"] >= 0


def test_the_same_seed_gives_the_same_run_and_another_seed_a_different_one(tmp_path):
    a = _train(_model(), _config(steps=10), tmp_path / "a")
    b = _train(_model(), _config(steps=10), tmp_path / "b")
    c = _train(_model(), _config(steps=10, seed=1), tmp_path / "c")
    assert a.curves == b.curves
    assert a.curves["train_loss"] != c.curves["train_loss"]  # dropout masks follow the seed


def _params(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def test_resume_after_a_crash_equals_the_uninterrupted_run_exactly(tmp_path):
    config = _config(checkpoint_every=10, warmup_steps=8)
    whole_model = _model()
    whole = _train(whole_model, config, tmp_path / "whole")

    class Crash(RuntimeError):
        pass

    def crashing_batch(step: int, info: DistInfo):
        if step == 27:
            raise Crash
        return make_batch(step, info)

    ckpt = tmp_path / "run.ckpt"
    with pytest.raises(Crash):
        _train(
            _model(), config, tmp_path / "parts", checkpoint_path=ckpt, make_batch=crashing_batch
        )
    assert ckpt.exists()
    resumed_model = _model()
    resumed = _train(resumed_model, config, tmp_path / "parts", checkpoint_path=ckpt)
    assert resumed.resumed_from == 20
    assert resumed.curves == whole.curves  # exact float64 equality, dropout included
    assert resumed.metrics == whole.metrics
    for p, q in zip(_params(resumed_model), _params(whole_model), strict=True):
        assert torch.equal(p, q)
    assert read_results(resumed.results_path)["provenance"]["resumed_from_step"] == 20


def test_extending_a_finished_run_equals_one_long_run(tmp_path):
    long = _train(_model(), _config(steps=30, eval_every=0), tmp_path / "long")
    ckpt = tmp_path / "run.ckpt"
    _train(_model(), _config(steps=17, eval_every=0), tmp_path / "short", checkpoint_path=ckpt)
    extended = _train(
        _model(), _config(steps=30, eval_every=0), tmp_path / "ext", checkpoint_path=ckpt
    )
    assert extended.resumed_from == 17
    assert extended.metrics == long.metrics
    # The 17-step run logged a partial window at step 17; afterwards the curves coincide.
    assert extended.curves["train_loss"][-2:] == long.curves["train_loss"][-2:]


def test_resuming_with_a_changed_config_is_refused(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    _train(_model(), _config(steps=5, checkpoint_every=5), tmp_path, checkpoint_path=ckpt)
    with pytest.raises(ValueError, match="lr"):
        _train(_model(), _config(steps=10, lr=0.5), tmp_path, checkpoint_path=ckpt)


def test_a_diverging_loss_stops_the_run_with_the_step(tmp_path):
    def nan_loss(model: nn.Module, batch) -> torch.Tensor:
        return loss_fn(model, batch) * float("nan")

    with pytest.raises(FloatingPointError, match="step 5"):
        _train(_model(), _config(steps=10), tmp_path, loss_fn=nan_loss)
    assert not (tmp_path / "small.json").exists()


def test_a_global_batch_that_does_not_split_over_the_processes_is_refused(tmp_path):
    two = DistInfo(rank=0, world_size=2, local_rank=0, device=torch.device("cpu"), is_main=True)
    with pytest.raises(ValueError, match="batch_size 33"):
        train(
            _model(),
            _config(batch_size=33),
            reproduction="toy",
            run="small",
            loss_fn=loss_fn,
            make_batch=make_batch,
            out_dir=tmp_path,
            info=two,
        )


def test_a_custom_optimizer_and_schedule_are_used(tmp_path):
    model = _model()
    sgd = torch.optim.SGD(model.parameters(), lr=0.1)
    seen: list[int] = []

    def schedule(step: int) -> float:
        seen.append(step)
        return 0.5

    _train(model, _config(steps=3, eval_every=0), tmp_path, optimizer=sgd, lr_lambda=schedule)
    assert sgd.param_groups[0]["lr"] == pytest.approx(0.05)
    assert seen == [0, 1, 2, 3]  # LambdaLR asks once at construction, then after every step


def test_warmup_constant_ramps_linearly_then_holds():
    f = warmup_constant(4)
    assert [f(s) for s in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert warmup_constant(0)(0) == 1.0


def test_warmup_linear_decay_reaches_zero_at_the_last_step():
    f = warmup_linear_decay(2, 10)
    assert f(0) == 0.5 and f(1) == 1.0
    assert f(2) == 1.0 and f(6) == pytest.approx(0.5) and f(10) == 0.0


def test_inverse_sqrt_warmup_is_vaswani_equation_3():
    f = inverse_sqrt_warmup(512, 4000)
    # step numbers count from 1 in the paper: LambdaLR's step s is the paper's step s + 1
    assert f(0) == pytest.approx(512**-0.5 * 4000**-1.5)
    assert f(3999) == pytest.approx(512**-0.5 / math.sqrt(4000))  # the peak
    assert f(15999) == pytest.approx(512**-0.5 / math.sqrt(16000))
    assert f(3999) > f(3998) and f(3999) > f(4000)


def test_the_shared_train_flags_override_a_copy_and_name_shortened_runs_apart():
    from reproductions.common.cli import apply_overrides, run_name, train_parser

    parser = train_parser("Toy.", "python -m reproductions.toy.train --config small")
    assert "Example: python -m reproductions.toy.train" in parser.format_help()
    base = _config()
    args = parser.parse_args(["--config", "paper", "--steps", "7", "--seed", "3"])
    changed = apply_overrides(base, args)
    assert (changed.steps, changed.seed, base.steps, base.seed) == (7, 3, 40, 0)
    assert run_name(args) == "paper-7steps"
    assert run_name(parser.parse_args([])) == "small"
    assert run_name(parser.parse_args(["--run", "mine", "--steps", "2"])) == "mine"
    with pytest.raises(SystemExit):
        parser.parse_args(["--config", "huge"])
