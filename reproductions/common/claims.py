"""Claims: the paper's statements, each checked against our numbers by a test computed in code.

Owns the `claims` list of a train results file (`[{claim, paper, ours, holds, test, evidence}]`)
and the honest-evaluation helpers of classifiers and pair heads: accuracy beside the
majority-class rate and the share predicted per class (`*_pred_frac`), and the flag for a head
that answers one class for more than 90% of examples (`constant`).

A claim never "holds" by a person's reading of a table: `holds` is the outcome of one of the
tests below, and `test` says which one with its k, so the site can show how it was decided.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# A head answering one class for more than this share of examples has learned no decision.
CONSTANT_SHARE = 0.9
# Standard errors a difference must exceed: about a 2.5% one-sided false-positive rate.
DEFAULT_K = 2.0
_PRED_FRAC = re.compile(r"^(.+)_pred_frac( \(.+\))?$")
CLAIM_KEYS = ("claim", "paper", "ours", "holds", "test", "evidence")


@dataclass(frozen=True)
class Claim:
    """One paper statement and our verdict on it.

    `claim` is the statement in one line with its table/section, `paper` the paper's number or
    direction, `ours` our numbers as text, `holds` the test's outcome, `test` the test in words
    ("difference > 2 SE", "sign over 5 seeds"), `evidence` the numbers the test used (seeds, n,
    standard errors, the values compared).
    """

    claim: str
    paper: str
    ours: str
    holds: bool
    test: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def binomial_se(p: float, n: int) -> float:
    """Standard error of an accuracy p measured on n independent examples."""
    if n <= 0:
        raise ValueError(f"n must be positive, not {n}")
    return math.sqrt(max(p * (1.0 - p), 0.0) / n)


def mean_se(values: Sequence[float]) -> tuple[float, float]:
    """Mean and standard error of the mean (sample std / sqrt(n); 0 for one value)."""
    if not values:
        raise ValueError("mean_se needs at least one value")
    n = len(values)
    mean = sum(values) / n
    if n == 1:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def above(
    claim: str,
    paper: str,
    value: float,
    baseline: float,
    se: float,
    *,
    k: float = DEFAULT_K,
    label: str = "ours",
    baseline_label: str = "baseline",
    evidence: Mapping[str, Any] | None = None,
) -> Claim:
    """Holds when `value` exceeds `baseline` by more than k standard errors (`se` of value)."""
    margin = value - baseline
    holds = bool(se >= 0 and margin > k * se)
    return Claim(
        claim=claim,
        paper=paper,
        ours=f"{label} {_fmt(value)} vs {baseline_label} {_fmt(baseline)} (SE {_fmt(se)})",
        holds=holds,
        test=f"{label} - {baseline_label} > {k:g} SE",
        evidence={
            "value": value,
            "baseline": baseline,
            "se": se,
            "k": k,
            "margin": margin,
            **dict(evidence or {}),
        },
    )


def accuracy_above_rate(
    claim: str,
    paper: str,
    acc: float,
    rate: float,
    n: int,
    *,
    k: float = DEFAULT_K,
    rate_label: str = "majority rate",
    evidence: Mapping[str, Any] | None = None,
) -> Claim:
    """An accuracy on n examples above a fixed rate (majority class, chance) by > k binomial SE
    (the SE taken at the rate: the spread the accuracy would have if the head only guessed)."""
    se = binomial_se(rate, n)
    return above(
        claim,
        paper,
        acc,
        rate,
        se,
        k=k,
        label="accuracy",
        baseline_label=rate_label,
        evidence={"n": n, **dict(evidence or {})},
    )


def difference(
    claim: str,
    paper: str,
    a: float,
    b: float,
    se_a: float,
    se_b: float,
    *,
    k: float = DEFAULT_K,
    labels: tuple[str, str] = ("a", "b"),
    evidence: Mapping[str, Any] | None = None,
) -> Claim:
    """Holds when a - b > k * sqrt(se_a^2 + se_b^2) (two independent estimates)."""
    se = math.sqrt(se_a**2 + se_b**2)
    margin = a - b
    return Claim(
        claim=claim,
        paper=paper,
        ours=f"{labels[0]} {_fmt(a)} vs {labels[1]} {_fmt(b)} (SE of difference {_fmt(se)})",
        holds=bool(margin > k * se),
        test=f"{labels[0]} - {labels[1]} > {k:g} SE",
        evidence={
            labels[0]: a,
            labels[1]: b,
            f"se_{labels[0]}": se_a,
            f"se_{labels[1]}": se_b,
            "se_difference": se,
            "k": k,
            "margin": margin,
            **dict(evidence or {}),
        },
    )


def within(
    claim: str,
    paper: str,
    value: float,
    target: float,
    se: float,
    *,
    k: float = DEFAULT_K,
    label: str = "ours",
    target_label: str = "chance",
    evidence: Mapping[str, Any] | None = None,
) -> Claim:
    """Holds when |value - target| <= k * se: no detectable difference from `target`."""
    gap = value - target
    return Claim(
        claim=claim,
        paper=paper,
        ours=f"{label} {_fmt(value)} vs {target_label} {_fmt(target)} (SE {_fmt(se)})",
        holds=bool(abs(gap) <= k * se),
        test=f"|{label} - {target_label}| <= {k:g} SE",
        evidence={"value": value, "target": target, "se": se, "k": k, "gap": gap}
        | dict(evidence or {}),
    )


@dataclass(frozen=True)
class SeedComparison:
    """Arm a against arm b over paired seeds: `differences` are a's gain on each seed, `mean` and
    `se` their mean and its standard error, `wins` the seeds a gained on, `mean_a` and `mean_b`
    the arms' means, `holds` the verdict of `compare_over_seeds`."""

    differences: list[float]
    mean: float
    se: float
    wins: int
    mean_a: float
    mean_b: float
    holds: bool


def compare_over_seeds(
    a: Sequence[float],
    b: Sequence[float],
    *,
    k: float = DEFAULT_K,
    lower_is_better: bool = False,
) -> SeedComparison:
    """a beats b when it gains on every seed (the sign over seeds) and the mean gain exceeds k
    standard errors of that mean. Both must agree: one lucky seed is not a result. The gain on a
    seed is a - b, or b - a when `lower_is_better` (a perplexity, a loss)."""
    if len(a) != len(b) or not a:
        raise ValueError("comparing over seeds needs two equal, non-empty lists")
    diffs = [y - x if lower_is_better else x - y for x, y in zip(a, b, strict=True)]
    mean, se = mean_se(diffs)
    wins = sum(d > 0 for d in diffs)
    holds = bool(wins == len(diffs) and (len(diffs) == 1 or mean > k * se))
    return SeedComparison(diffs, mean, se, wins, mean_se(list(a))[0], mean_se(list(b))[0], holds)


def paired_over_seeds(
    claim: str,
    paper: str,
    a: Sequence[float],
    b: Sequence[float],
    *,
    k: float = DEFAULT_K,
    labels: tuple[str, str] = ("a", "b"),
    seeds: Sequence[int] | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> Claim:
    """Holds when a > b on every seed and the mean paired difference exceeds k standard errors
    of that mean (`compare_over_seeds`)."""
    c = compare_over_seeds(a, b, k=k)
    return Claim(
        claim=claim,
        paper=paper,
        ours=(
            f"{labels[0]} {_fmt(c.mean_a)} vs {labels[1]} {_fmt(c.mean_b)} (mean; {labels[0]} "
            f"ahead on {c.wins}/{len(c.differences)} seeds, difference {_fmt(c.mean)} ± "
            f"{_fmt(c.se)} SE)"
        ),
        holds=c.holds,
        test=f"{labels[0]} > {labels[1]} on every seed and mean difference > {k:g} SE",
        evidence={
            labels[0]: list(a),
            labels[1]: list(b),
            "differences": c.differences,
            "mean_difference": c.mean,
            "se": c.se,
            "k": k,
            "wins": c.wins,
            "seeds": list(seeds) if seeds is not None else list(range(len(c.differences))),
            **dict(evidence or {}),
        },
    )


# --- honest evaluation of classifiers and pair heads ----------------------------------------


def pred_frac(predictions: Iterable[int], classes: int) -> list[float]:
    """The share of examples predicted as each class 0..classes-1."""
    counts = [0] * classes
    total = 0
    for p in predictions:
        counts[int(p)] += 1
        total += 1
    return [c / total if total else 0.0 for c in counts]


def majority_rate(labels: Iterable[int]) -> float:
    """The accuracy of always answering the commonest label."""
    counts: dict[int, int] = {}
    total = 0
    for y in labels:
        counts[int(y)] = counts.get(int(y), 0) + 1
        total += 1
    return max(counts.values()) / total if total else 0.0


def is_constant(fractions: Sequence[float], threshold: float = CONSTANT_SHARE) -> bool:
    """True when one class takes more than `threshold` of the predictions."""
    return bool(fractions) and max(fractions) > threshold


def classifier_metrics(
    prefix: str, predictions: Sequence[int], labels: Sequence[int], classes: int
) -> dict[str, Any]:
    """`<prefix>_acc`, `<prefix>_majority_rate`, `<prefix>_pred_frac` (a list, one share per
    class), `<prefix>_n` for one evaluation: the numbers that tell a learned head from a constant
    answer."""
    if len(predictions) != len(labels):
        raise ValueError("predictions and labels differ in length")
    n = len(labels)
    right = sum(int(p) == int(y) for p, y in zip(predictions, labels, strict=True))
    return {
        f"{prefix}_acc": right / n if n else 0.0,
        f"{prefix}_majority_rate": majority_rate(labels),
        f"{prefix}_pred_frac": pred_frac(predictions, classes),
        f"{prefix}_n": n,
    }


def constant_heads(metrics: Mapping[str, Any], threshold: float = CONSTANT_SHARE) -> list[str]:
    """The `<prefix>` of every `<prefix>_pred_frac` (or `<prefix>_pred_frac (<arm>)`, for files
    holding several arms) in `metrics` whose largest share exceeds `threshold`: the heads to flag
    as constant in results, README and site. An arm's head is named `<prefix> (<arm>)`."""
    found = []
    for key, value in metrics.items():
        match = _PRED_FRAC.match(key)
        if not match or not isinstance(value, (list, tuple)) or not value:
            continue
        if is_constant([float(v) for v in value], threshold):
            found.append(match.group(1) + (match.group(2) or ""))
    return sorted(found)


def validate_claims(claims: Any, where: str) -> list[dict[str, Any]]:
    """The `claims` list of a results file, checked; a ValueError names `where` and the fault."""
    if not isinstance(claims, list):
        raise ValueError(f"{where}: claims must be a list, not {type(claims).__name__}")
    for i, c in enumerate(claims):
        if not isinstance(c, dict):
            raise ValueError(f"{where}: claims[{i}] must be an object")
        missing = [key for key in CLAIM_KEYS if key not in c]
        if missing:
            raise ValueError(f"{where}: claims[{i}] lacks {', '.join(missing)}")
        if not isinstance(c["holds"], bool):
            raise ValueError(f"{where}: claims[{i}].holds must be true or false")
        if not isinstance(c["evidence"], dict):
            raise ValueError(f"{where}: claims[{i}].evidence must be an object")
    return claims


def as_dicts(claims: Iterable[Claim | Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [c.to_dict() if isinstance(c, Claim) else dict(c) for c in claims]
