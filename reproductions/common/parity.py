"""The parity harness: compare a from-scratch model with its reference, number by number.

Owns weight initialisation for parity tests, the distance between two model outputs, tolerances
derived from the reference's own float32 noise, and `results/parity.json`. A check is a plain
dict `{"name", "dtype", "max_abs_diff", "tol", "passed"}` so `check.py` modules, tests and the
`tracker repro check` command all speak the same language.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import torch
from torch import Tensor, nn

# record_parity lives with the results writer (no torch needed); re-exported for the checks.
from reproductions.common.results import provenance, record_parity, write_results  # noqa: F401

ParamTarget = str | tuple[str, Callable[[Tensor], Tensor]]
T = TypeVar("T")
M = TypeVar("M", bound=nn.Module)


def _is_norm(module: nn.Module) -> bool:
    # Matches nn.LayerNorm/RMSNorm and hand-written ones (our models name theirs *LayerNorm/*Norm).
    return isinstance(module, (nn.LayerNorm, nn.GroupNorm)) or type(module).__name__.endswith(
        ("LayerNorm", "RMSNorm", "Norm")
    )


def init_weights_(module: nn.Module, std: float = 0.2, seed: int = 0) -> None:
    """Overwrite every floating-point parameter with N(0, std) draws (norm weights: 1 + N(0, std)).

    Default initialisations (HF uses std 0.02, norms start at exactly 1) make many bugs invisible:
    a tanh-approximated GELU or a wrong LayerNorm eps changes outputs by less than 1e-5. Draws are
    made in float64 on CPU from a private generator, so the float32 and float64 copies of a model
    get the same values and the global random state is left alone. Shared (tied) parameters are
    drawn once.
    """
    generator = torch.Generator().manual_seed(seed)
    seen: set[int] = set()
    with torch.no_grad():
        for sub in module.modules():
            norm = _is_norm(sub)
            for name, param in sub.named_parameters(recurse=False):
                if param is None or id(param) in seen or not param.is_floating_point():
                    continue
                seen.add(id(param))
                draw = torch.randn(param.shape, generator=generator, dtype=torch.float64) * std
                if norm and name == "weight":
                    draw += 1.0
                param.copy_(draw.to(dtype=param.dtype, device=param.device))


def _as_tensors(value: Any) -> Any:
    """Normalise an output into tensors, sequences and mappings (dataclass outputs become dicts)."""
    if (
        dataclasses.is_dataclass(value)
        and not isinstance(value, type)
        and not isinstance(value, Mapping)
    ):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return value


def max_abs_diff(a: Any, b: Any) -> float:
    """Largest |a - b| over two outputs: tensors, numbers, or nested tuples/lists/dicts/ModelOutputs.

    Mappings are compared on the keys both sides fill (a `ModelOutput` leaves unused fields None).
    Shape or structure mismatches raise ValueError; NaN anywhere gives NaN, which never passes.
    """
    a, b = _as_tensors(a), _as_tensors(b)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys = [k for k in a if k in b and a[k] is not None and b[k] is not None]
        if not keys:
            raise ValueError(f"outputs share no filled fields: {list(a)} vs {list(b)}")
        return max(max_abs_diff(a[k], b[k]) for k in keys)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            raise ValueError(f"outputs have {len(a)} and {len(b)} parts")
        if not a:
            return 0.0
        return max(max_abs_diff(x, y) for x, y in zip(a, b, strict=True))
    ta = a if isinstance(a, Tensor) else torch.as_tensor(a)
    tb = b if isinstance(b, Tensor) else torch.as_tensor(b)
    if ta.shape != tb.shape:
        raise ValueError(f"shape mismatch: {tuple(ta.shape)} vs {tuple(tb.shape)}")
    if ta.numel() == 0:
        return 0.0
    # float64 on CPU so the distance itself adds no rounding to what it measures.
    diff = (ta.detach().cpu().double() - tb.detach().cpu().double()).abs()
    if torch.isnan(diff).any():
        return math.nan
    return float(diff.max())


def build_hf_reference(
    model_cls: Callable[[Any], nn.Module],
    hf_config: Any,
    *,
    dtype: torch.dtype,
    attn_implementation: str,
    seed: int,
) -> Any:
    """A randomly initialised Hugging Face `model_cls(hf_config)` in `dtype`, eval mode.

    Weights are drawn after `torch.manual_seed(seed)`; a model that did not get the attention
    implementation `hf_config` asks for (`attn_implementation`) is refused.
    """
    torch.manual_seed(seed)
    # transformers 5.x shares one config object between models built from it: copy per model.
    hf = model_cls(copy.deepcopy(hf_config)).to(dtype).eval()
    if hf.config._attn_implementation != attn_implementation:
        raise RuntimeError(
            f"asked for {attn_implementation!r} attention, got {hf.config._attn_implementation!r}"
        )
    return hf


def reference_builder(
    hf_class: str, hf_config_from_ours: Callable[[Any, str], Any]
) -> Callable[..., Any]:
    """The `build_reference(config, *, dtype, attn_implementation, seed)` of a reference.py: a
    randomly initialised `transformers.<hf_class>` from our config, in eval mode (no download)."""

    def build_reference(
        config: Any,
        *,
        dtype: torch.dtype = torch.float32,
        attn_implementation: str = "eager",
        seed: int = 0,
    ) -> Any:
        import transformers

        return build_hf_reference(
            getattr(transformers, hf_class),
            hf_config_from_ours(config, attn_implementation),
            dtype=dtype,
            attn_implementation=attn_implementation,
            seed=seed,
        )

    build_reference.__doc__ = (
        f"A randomly initialised `transformers.{hf_class}` in eval mode (no download)."
    )
    return build_reference


def config_from_fields(cls: type[T], source: Any, *, skip: Iterable[str] = (), **set_: Any) -> T:
    """Our config dataclass `cls` from a Hugging Face config: every field not in `skip` or `set_`
    is read from `source`'s attribute of the same name (a missing one is an error), and `set_`
    gives the rest. Where the names agree, the mapping is then no table to keep in step."""
    skipped = set(skip) | set(set_)
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skipped]
    return cls(**{name: getattr(source, name) for name in names}, **set_)


def drop_tied(state: dict[str, Tensor], ties: Mapping[str, str]) -> None:
    """Delete each key of `ties` from a reference's `state` after checking it holds the very
    values of the key it maps to: our model reads that one tensor and has no copy to load."""
    for key, source in ties.items():
        if not torch.equal(state[key], state[source]):
            raise ValueError(f"the reference's {key} is not tied to {source}")
        del state[key]


def load_mapped_state(ours: nn.Module, state: Mapping[str, Tensor]) -> None:
    """Load a reference's state dict, mapped to our names; any missing or extra key is an error."""
    missing, unexpected = ours.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise RuntimeError(f"weight mapping incomplete: missing={missing} unexpected={unexpected}")


def load_like_reference(ours: nn.Module, state: Mapping[str, Tensor], reference: nn.Module) -> None:
    """Give `ours` the reference's dtype and device, then load `state` (our names, every key);
    eval mode. Cast first: loading float64 weights into a float32 module would round them, and
    the float64 parity check would then measure that rounding, not the model."""
    param = next(reference.parameters())
    ours.to(device=param.device, dtype=param.dtype)
    load_mapped_state(ours, state)
    ours.eval()


def from_reference(ours: M, reference: nn.Module, ties: Mapping[str, str] | None = None) -> M:
    """`ours` carrying `reference`'s weights (names already ours; the tied copies in `ties`
    checked and dropped, see `drop_tied`), on its dtype and device, in eval mode."""
    state = dict(reference.state_dict())
    drop_tied(state, ties or {})
    load_like_reference(ours, state, reference)
    return ours


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _record(name: str, dtype: torch.dtype, diff: float, tol: float, **extra: Any) -> dict:
    # `diff <= tol` is False for NaN, so a NaN never passes.
    return {
        "name": name,
        "dtype": _dtype_name(dtype),
        "max_abs_diff": diff,
        "tol": tol,
        "passed": bool(diff <= tol),
        **extra,
    }


def float64_record(name: str, diff: float, tol: float, **extra: Any) -> dict:
    """A check on a distance computed outside torch (NumPy, scikit-learn, NLTK), in float64."""
    return _record(name, torch.float64, float(diff), tol, **extra)


def check(name: str, ours: Any, ref: Any, *, dtype: torch.dtype, tol: float) -> dict:
    """One parity check: the largest difference between our output and the reference's.

    A structural mismatch (shapes, missing fields) is a failed check with an `error` message
    rather than an exception, so one broken output does not hide the other checks.
    """
    try:
        diff = max_abs_diff(ours, ref)
    except ValueError as err:
        return _record(name, dtype, math.inf, tol, error=str(err))
    return _record(name, dtype, diff, tol)


def ids_check(name: str, mine: Tensor, ref: Tensor, dtype: torch.dtype) -> dict:
    """Generated token ids, token for token (tol 0); the record counts `mismatched_tokens`.

    Sequences of different lengths fail with an `error` naming both shapes.
    """
    if mine.shape != ref.shape:
        error = f"shapes {tuple(mine.shape)} vs {tuple(ref.shape)}"
        return _record(name, dtype, math.inf, 0.0, error=error)
    return {
        **check(name, mine.double(), ref.double(), dtype=dtype, tol=0.0),
        "mismatched_tokens": int((mine != ref).sum()),
    }


def output_check(
    name: str, mine: Any, run_ref: Callable[[torch.dtype], Any], *, dtype: torch.dtype
) -> dict:
    """Our output against `run_ref(dtype)`, at the bar `tolerance` sets for `dtype` from the
    reference's own float32-vs-float64 noise (`run_ref` runs the reference in either dtype)."""
    tol = tolerance(dtype, lambda: reference_noise_floor(run_ref))
    return check(name, mine, run_ref(dtype), dtype=dtype, tol=tol)


def logits_checks(
    tag: str,
    dtype: torch.dtype,
    ours_logits: Callable[[bool], Tensor],
    ref_logits: Callable[[torch.dtype, bool], Tensor],
) -> list[dict]:
    """ "<tag>logits" and "<tag>logits padded": `ours_logits(padded)` (run without gradients)
    against `ref_logits(dtype, padded)`, each at `output_check`'s bar."""
    results = []
    for padded in (False, True):
        with torch.no_grad():
            mine = ours_logits(padded)
        name = tag + ("logits padded" if padded else "logits")
        results.append(
            output_check(name, mine, lambda d, padded=padded: ref_logits(d, padded), dtype=dtype)
        )
    return results


def grad_noise_floor(ref32: nn.Module, ref64: nn.Module) -> float:
    """max |grad(float32) - grad(float64)| over the reference's parameters that have gradients:
    the gradient check's float32 noise floor (both copies ran backward on the same loss)."""
    grads64 = dict(ref64.named_parameters())
    return max(
        max_abs_diff(p.grad, grads64[n].grad)
        for n, p in ref32.named_parameters()
        if p.grad is not None
    )


def sdpa_check(
    name: str,
    hf_sdpa: nn.Module,
    hf32: nn.Module,
    from_hf: Callable[[nn.Module], nn.Module],
    logits: Callable[[nn.Module], Tensor],
    noise: float,
) -> dict:
    """Hugging Face's sdpa attention path (given `hf32`'s weights) against ours, in float32, at
    the float32 bar from the eager reference's noise: `logits(model)` runs either model."""
    hf_sdpa.load_state_dict(hf32.state_dict())
    with torch.no_grad():
        ref = logits(hf_sdpa)
        mine = logits(from_hf(hf32))
    return check(name, mine, ref, dtype=torch.float32, tol=float32_tolerance(noise))


def by_precision(ref64: nn.Module, ref32: nn.Module) -> list[tuple[torch.dtype, nn.Module]]:
    """(float64, ref64) then (float32, ref32): the order the suites check in, so the float32
    pass can measure its noise floor against what the float64 pass left (e.g. gradients)."""
    return [(torch.float64, ref64), (torch.float32, ref32)]


@dataclasses.dataclass(frozen=True)
class Case:
    """One sized parity case: a config and the (batch, seq) of its random inputs."""

    name: str
    config: Any
    batch: int
    seq: int


def _resolve_target(target: ParamTarget) -> tuple[str, Callable[[Tensor], Tensor]]:
    if isinstance(target, tuple):
        return target
    if target.endswith(".T"):
        # GPT-2's Conv1D stores (in, out): map "h.0.attn.c_attn.weight.T" to compare transposed.
        return target[:-2], lambda t: t.transpose(0, 1)
    return target, lambda t: t


def grad_check(
    name: str,
    ours_module: nn.Module,
    ref_module: nn.Module,
    param_map: Mapping[str, ParamTarget],
    *,
    dtype: torch.dtype,
    tol: float,
) -> dict:
    """Compare `.grad` of mapped parameters after both modules ran backward on the same loss.

    `param_map` maps our parameter name to the reference's; a value ending in ".T" (or a
    `(name, transform)` pair) transforms the reference gradient first. The record names the
    parameter with the largest difference (`worst`). A mapped parameter without a gradient fails.
    """
    if not param_map:
        raise ValueError("grad_check needs at least one mapped parameter")
    ours_params = dict(ours_module.named_parameters())
    ref_params = dict(ref_module.named_parameters())
    worst_name, worst = None, -1.0
    for our_name, target in param_map.items():
        ref_name, transform = _resolve_target(target)
        if our_name not in ours_params:
            return _record(name, dtype, math.inf, tol, error=f"we have no parameter {our_name}")
        if ref_name not in ref_params:
            return _record(name, dtype, math.inf, tol, error=f"reference has no {ref_name}")
        g_ours, g_ref = ours_params[our_name].grad, ref_params[ref_name].grad
        if g_ours is None or g_ref is None:
            side = "ours" if g_ours is None else "reference"
            return _record(
                name, dtype, math.inf, tol, error=f"no gradient on {side} for {our_name}"
            )
        try:
            diff = max_abs_diff(g_ours, transform(g_ref))
        except ValueError as err:
            return _record(name, dtype, math.inf, tol, error=f"{our_name}: {err}")
        if math.isnan(diff):
            return _record(name, dtype, diff, tol, worst=our_name)
        if diff > worst:
            worst_name, worst = our_name, diff
    return _record(name, dtype, worst, tol, worst=worst_name, parameters=len(param_map))


def float32_tolerance(noise_floor: float, factor: float = 50.0, minimum: float = 1e-6) -> float:
    """A float32 tolerance scaled from the reference's own float32-vs-float64 noise floor.

    A correct re-implementation rounds differently from the reference but by about as much as the
    reference differs from itself in float64; `factor` leaves room for a different op order.
    """
    if not math.isfinite(noise_floor) or noise_floor < 0:
        raise ValueError(f"noise floor must be a finite non-negative number, not {noise_floor}")
    return max(minimum, factor * noise_floor)


FLOAT64_TOL = 1e-10
"""Float64 agreement bar: a correct re-implementation differs from the reference by round-off."""


def tolerance(
    dtype: torch.dtype, noise: float | Callable[[], float], *, float64: float = FLOAT64_TOL
) -> float:
    """The bar one parity check must pass in `dtype`: `float64` in double precision, else the
    float32 bar scaled from the reference's own float32 noise (`noise`, a number or a callable
    that measures it, evaluated only when needed)."""
    if dtype == torch.float64:
        return float64
    return float32_tolerance(noise() if callable(noise) else noise)


def reference_noise_floor(run_ref: Callable[[torch.dtype], Any]) -> float:
    """max |ref(float32) - ref(float64)|: how much float32 rounding alone moves the reference.

    `run_ref(dtype)` builds (or casts) the reference in `dtype` with the same weights and inputs and
    returns its output.
    """
    return max_abs_diff(run_ref(torch.float32), run_ref(torch.float64))


def run_cases(cases: Iterable[Any], check_case: Callable[..., list[dict]]) -> list[dict]:
    """Every case's checks in order: `check_case(case, seed=i)` for the i-th case."""
    results: list[dict] = []
    for i, case in enumerate(cases):
        results += check_case(case, seed=i)
    return results


def format_checks(checks: list[dict]) -> str:
    """A plain-text table of checks, for assertion messages and logs."""
    lines = [f"{'check':<40} {'dtype':<8} {'max|diff|':>10} {'tol':>9}  ok"]
    for c in checks:
        diff = c.get("max_abs_diff")
        diff_text = "nan" if diff is None or diff != diff else f"{diff:10.2e}"
        mark = "yes" if c.get("passed") else "NO " + c.get("error", "")
        lines.append(f"{c['name']:<40} {c['dtype']:<8} {diff_text:>10} {c['tol']:9.1e}  {mark}")
    return "\n".join(lines)


def assert_all_passed(checks: list[dict]) -> None:
    """Raise AssertionError with the table of checks unless there are checks and all passed."""
    if not checks:
        raise AssertionError("no parity checks were run")
    if not all(c["passed"] for c in checks):
        raise AssertionError("parity failed:\n" + format_checks(checks))
