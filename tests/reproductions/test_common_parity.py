"""Tests of reproductions.common.parity: the harness catches a subtly wrong model (tanh-vs-erf
GELU, wrong LayerNorm eps) that default initialisation hides, passes a correct one in float64 and
float32, compares gradients through a name map, and records parity.json."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import pytest
import torch
from torch import nn

from reproductions.common.parity import (
    assert_all_passed,
    check,
    float32_tolerance,
    grad_check,
    init_weights_,
    max_abs_diff,
    record_parity,
    reference_noise_floor,
)
from reproductions.common.results import read_results


class Block(nn.Module):
    """A feed-forward block shaped like BERT's: dense -> GELU -> dense -> LayerNorm(x + h)."""

    def __init__(self, approximate: str = "none", eps: float = 1e-12) -> None:
        super().__init__()
        self.dense_in = nn.Linear(16, 64)
        self.dense_out = nn.Linear(64, 16)
        self.LayerNorm = nn.LayerNorm(16, eps=eps)
        self.approximate = approximate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = nn.functional.gelu(self.dense_in(x), approximate=self.approximate)
        return self.LayerNorm(x + self.dense_out(h))


def _pair(dtype: torch.dtype, std: float, **ours_kwargs) -> tuple[nn.Module, nn.Module]:
    ref = Block().to(dtype)
    init_weights_(ref, std=std, seed=3)
    ours = Block(**ours_kwargs).to(dtype)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def _inputs(dtype: torch.dtype) -> torch.Tensor:
    return torch.randn(
        4, 8, 16, generator=torch.Generator().manual_seed(0), dtype=torch.float64
    ).to(dtype)


def _check(dtype: torch.dtype, std: float, tol: float, **ours_kwargs) -> dict:
    ours, ref = _pair(dtype, std, **ours_kwargs)
    x = _inputs(dtype)
    return check("block", ours(x), ref(x), dtype=dtype, tol=tol)


def test_init_weights_draws_std_sized_values_and_norm_weights_around_one():
    block = Block()
    init_weights_(block, std=0.2, seed=0)
    assert block.dense_in.weight.std().item() == pytest.approx(0.2, rel=0.1)
    assert block.dense_in.bias.abs().max().item() > 0  # biases are not left at zero
    ln = block.LayerNorm.weight
    assert ln.mean().item() == pytest.approx(1.0, abs=0.15)
    assert not torch.allclose(ln, torch.ones_like(ln))  # not trivially 1


def test_init_weights_is_seeded_and_identical_in_float32_and_float64():
    a, b = Block().double(), Block().float()
    init_weights_(a, seed=5)
    init_weights_(b, seed=5)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p.float(), q)
    c = Block().double()
    init_weights_(c, seed=6)
    assert not torch.equal(a.dense_in.weight, c.dense_in.weight)


def test_init_weights_draws_tied_parameters_once():
    emb = nn.Embedding(10, 4)
    head = nn.Linear(4, 10, bias=False)
    head.weight = emb.weight
    model = nn.ModuleDict({"emb": emb, "head": head})
    init_weights_(model, seed=0)
    assert model["emb"].weight is model["head"].weight
    expected = torch.randn((10, 4), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    torch.testing.assert_close(
        model["emb"].weight.detach().double(), expected * 0.2, rtol=0, atol=1e-7
    )


def test_a_correct_model_passes_in_float64():
    record = _check(torch.float64, 0.2, 1e-10)
    assert record["passed"] and record["max_abs_diff"] <= 1e-10
    assert record["dtype"] == "float64" and record["name"] == "block"


def test_tanh_gelu_is_caught_at_std_0_2_in_float64():
    record = _check(torch.float64, 0.2, 1e-10, approximate="tanh")
    assert not record["passed"]
    assert record["max_abs_diff"] > 1e-6


def test_wrong_layernorm_eps_is_caught_at_std_0_2_in_float64():
    record = _check(torch.float64, 0.2, 1e-10, eps=1e-5)
    assert not record["passed"]


def test_float32_tolerance_from_the_noise_floor_passes_right_and_fails_wrong():
    x64 = _inputs(torch.float64)

    def run_ref(dtype: torch.dtype) -> torch.Tensor:
        ref = Block().to(dtype)
        init_weights_(ref, std=0.2, seed=3)
        return ref(x64.to(dtype))

    floor = reference_noise_floor(run_ref)
    assert 0 < floor < 1e-4  # float32 rounding is visible but small
    tol = float32_tolerance(floor)
    assert tol == max(1e-6, 50 * floor)
    assert _check(torch.float32, 0.2, tol)["passed"]
    assert not _check(torch.float32, 0.2, tol, approximate="tanh")["passed"]


def test_float32_tolerance_rejects_a_meaningless_noise_floor():
    with pytest.raises(ValueError):
        float32_tolerance(math.nan)
    assert float32_tolerance(0.0) == 1e-6


def test_max_abs_diff_walks_tuples_mappings_and_dataclasses():
    @dataclass
    class Out:
        logits: torch.Tensor
        hidden: torch.Tensor | None = None

    t = torch.zeros(2, 3)
    ours = Out(logits=t + 0.5, hidden=None)
    ref = OrderedDict(logits=t, hidden=t + 9.0, loss=None)  # like a ModelOutput
    assert max_abs_diff(ours, ref) == 0.5  # only fields both sides fill are compared
    assert max_abs_diff((t, [t + 1]), (t, [t])) == 1.0
    assert math.isnan(max_abs_diff(torch.tensor([math.nan]), torch.tensor([0.0])))


def test_a_shape_mismatch_is_a_failed_check_with_the_shapes_named():
    record = check("logits", torch.zeros(2, 3), torch.zeros(3, 2), dtype=torch.float32, tol=1.0)
    assert not record["passed"]
    assert "(2, 3)" in record["error"] and "(3, 2)" in record["error"]


def test_nan_output_never_passes():
    record = check(
        "nan", torch.tensor([math.nan]), torch.tensor([1.0]), dtype=torch.float32, tol=1e9
    )
    assert not record["passed"]


def test_grad_check_compares_mapped_gradients_with_transposition():
    class Conv1DStyle(nn.Module):
        """Stores the weight (in, out) like GPT-2's Conv1D."""

        def __init__(self) -> None:
            super().__init__()
            self.weight = nn.Parameter(torch.randn(16, 64, dtype=torch.float64))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x @ self.weight

    ref = Conv1DStyle()
    ours = nn.Linear(16, 64, bias=False).double()
    with torch.no_grad():
        ours.weight.copy_(ref.weight.T)
    x = _inputs(torch.float64)
    ours(x).pow(2).sum().backward()
    ref(x).pow(2).sum().backward()
    good = grad_check("grads", ours, ref, {"weight": "weight.T"}, dtype=torch.float64, tol=1e-10)
    assert good["passed"] and good["worst"] == "weight"
    bad = grad_check("grads", ours, ref, {"weight": "weight"}, dtype=torch.float64, tol=1e-10)
    assert not bad["passed"]  # untransposed (64,16) vs (16,64): a named shape error


def test_grad_check_fails_when_a_gradient_is_missing():
    ours, ref = _pair(torch.float64, 0.2)
    x = _inputs(torch.float64)
    ref(x).sum().backward()
    record = grad_check(
        "grads", ours, ref, {"dense_in.weight": "dense_in.weight"}, dtype=torch.float64, tol=1.0
    )
    assert not record["passed"] and "no gradient on ours" in record["error"]


def test_grad_check_detects_a_wrong_gelu_in_the_backward_pass():
    ours, ref = _pair(torch.float64, 0.2, approximate="tanh")
    x = _inputs(torch.float64)
    ours(x).pow(2).sum().backward()
    ref(x).pow(2).sum().backward()
    names = {n: n for n, _ in ref.named_parameters()}
    record = grad_check("grads", ours, ref, names, dtype=torch.float64, tol=1e-10)
    assert not record["passed"] and record["worst"] in names


def test_record_parity_writes_passed_only_when_all_checks_pass(tmp_path):
    good = _check(torch.float64, 0.2, 1e-10)
    bad = _check(torch.float64, 0.2, 1e-10, approximate="tanh")
    path = record_parity("toy", [good], paper_id="toy-2026", out_dir=tmp_path)
    data = read_results(path)
    assert path.name == "parity.json" and data["kind"] == "parity"
    assert data["passed"] is True and data["paper_id"] == "toy-2026"
    assert data["checks"][0]["max_abs_diff"] == good["max_abs_diff"]
    assert read_results(record_parity("toy", [good, bad], out_dir=tmp_path))["passed"] is False
    assert read_results(record_parity("toy", [], out_dir=tmp_path))["passed"] is False


def test_assert_all_passed_shows_the_failing_check():
    bad = _check(torch.float64, 0.2, 1e-10, approximate="tanh")
    with pytest.raises(AssertionError, match="block"):
        assert_all_passed([bad])
    with pytest.raises(AssertionError, match="no parity checks"):
        assert_all_passed([])
    assert_all_passed([_check(torch.float64, 0.2, 1e-10)])


def test_run_cases_seeds_each_case_with_its_position_and_keeps_the_order():
    from reproductions.common.parity import run_cases

    def check_case(case: str, seed: int) -> list[dict]:
        return [{"name": f"{case}-{seed}"}, {"name": f"{case}-{seed}b"}]

    names = [c["name"] for c in run_cases(["a", "b"], check_case)]
    assert names == ["a-0", "a-0b", "b-1", "b-1b"]
    assert run_cases([], check_case) == []


def test_tolerance_is_round_off_in_float64_and_scaled_noise_in_float32() -> None:
    from reproductions.common.parity import FLOAT64_TOL, tolerance

    measured: list[str] = []

    def noise() -> float:
        measured.append("float32")
        return 1e-6

    assert tolerance(torch.float64, noise) == FLOAT64_TOL
    assert measured == []  # the float32 noise is measured only when a float32 bar is needed
    assert tolerance(torch.float32, noise) == pytest.approx(50e-6)
    assert tolerance(torch.float32, 0.0) == 1e-6
    assert tolerance(torch.float64, 1.0, float64=1e-12) == 1e-12
