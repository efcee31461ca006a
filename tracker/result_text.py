"""Reproduction results as sentences a meeting reads: "BERT: 미세조정 정확도 79.0% (이전 71.3%)".

The agenda lists the results files that changed since the last meeting; the dashboard, the site's
agenda page and the agenda draft show each as one sentence built here: the paper's short name,
the headline metric (the first one the paper also reports, else the first one), its value
(accuracies as percentages) and, when git still has the file as it was at the last meeting, the
value then. Parity records read as "검사 72/72개 통과". No paths, no ISO timestamps.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from reproductions.common.results import ResultsError, parse_results
from tracker.catalog import Catalog, ReproResult
from tracker.i18n import Translator

_SPLIT_WORDS = {"val", "valid", "validation", "test", "dev", "eval"}
_PERCENT_WORDS = {"acc", "accuracy", "f1", "precision", "recall"}
# Metrics recorded in percent already (the analogy scores of word2vec, as gensim reports them):
# 0.57 there means 0.57%, not 57%.
_IN_PERCENT = {"analogy_accuracy", "analogy_semantic", "analogy_syntactic"}


def _word_labels(_: Translator) -> dict[str, str]:
    # Each word of a metric name (`finetune_test_acc`) as the team reads it.
    return {
        "finetune": _("fine-tuning"),
        "feature": _("feature-based"),
        "acc": _("accuracy"),
        "accuracy": _("accuracy"),
        "loss": _("loss"),
        "ppl": _("perplexity"),
        "bpc": _("bits per character"),
        "bleu": "BLEU",
        "mlm": _("masked LM"),
        "nsp": _("next-sentence"),
        "sop": _("sentence-order"),
        "f1": "F1",
        "analogy": _("analogy"),
        "spearman": _("Spearman"),
        "pos": _("POS tagging"),
        "precision": _("precision"),
        "recall": _("recall"),
    }


def metric_words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w and w != "based"]


def metric_label(name: str, _: Translator) -> str:
    """`finetune_test_acc` -> "미세조정 정확도" (split words dropped, unknown words kept)."""
    labels = _word_labels(_)
    words = [w for w in metric_words(name) if w not in _SPLIT_WORDS] or metric_words(name)
    return " ".join(labels.get(w, w) for w in words)


def format_metric(name: str, value: Any) -> str:
    """Accuracies (0..1) as percentages with one decimal, other numbers with 4 significant digits."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name.split(" (")[0] in _IN_PERCENT:
        return f"{value:.2f}%"
    if _PERCENT_WORDS & set(metric_words(name)) and 0 <= value <= 1:
        # Half up from the decimal text (0.7125 -> 71.3%), as a person rounds, not as binary
        # floating point happens to (71.2).
        percent = (Decimal(repr(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{percent}%"
    return f"{value:.4g}"


def headline_metric(result: ReproResult) -> str | None:
    """The metric that stands for the run: one the paper reports too, else the first."""
    reported = [k for k in result.metrics if k in result.paper_metrics]
    numeric = [
        k for k in reported or list(result.metrics) if isinstance(result.metrics[k], int | float)
    ]
    return numeric[0] if numeric else None


def short_name(catalog: Catalog, result: ReproResult) -> str:
    """What the team calls the paper: its first alias (BERT), else its title, else the folder."""
    paper = catalog.paper(result.paper_id) if result.paper_id else None
    if paper is None:
        paper = next((p for p in catalog.papers if p.reproduction == result.reproduction), None)
    if paper is not None:
        return paper.aliases[0] if paper.aliases else paper.title
    return result.reproduction


def describe_result(
    catalog: Catalog, result: ReproResult, _: Translator, *, previous: dict[str, Any] | None = None
) -> str:
    """One sentence for a results file (see the module docstring)."""
    name = short_name(catalog, result)
    if result.run not in ("parity", "small"):
        name = f"{name} ({result.run})"
    if result.kind == "parity":
        passed = sum(1 for c in result.checks if c.get("passed"))
        if result.passed:
            verdict = _(
                "parity with the reference: all {total} checks passed", total=len(result.checks)
            )
        else:
            verdict = _(
                "parity with the reference: {passed} of {total} checks passed",
                passed=passed,
                total=len(result.checks),
            )
        return f"{name}: {verdict}"
    metric = headline_metric(result)
    if metric is None:
        return f"{name}: " + _("new run, no metrics recorded")
    text = f"{name}: {metric_label(metric, _)} {format_metric(metric, result.metrics[metric])}"
    before = (previous or {}).get("metrics", {}).get(metric)
    if isinstance(before, int | float) and before != result.metrics[metric]:
        text += " " + _("(before {value})", value=format_metric(metric, before))
    return text


@functools.lru_cache(maxsize=256)
def _git_version(root: str, path: str, before: str, mtime: float) -> str | None:
    try:
        commit = subprocess.run(
            ["git", "log", "-1", f"--before={before}", "--format=%H", "--", path],
            cwd=root, capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()  # fmt: skip
        if not commit:
            return None
        shown = subprocess.run(
            ["git", "show", f"{commit}:{path}"],
            cwd=root, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return shown.stdout if shown.returncode == 0 else None


def previous_data(root: Path, path: str, before: dt.date | None) -> dict[str, Any] | None:
    """The results file as git had it at the end of `before` (the last meeting), if it can tell."""
    if before is None:
        return None
    file = Path(root) / path
    mtime = file.stat().st_mtime if file.exists() else 0.0
    text = _git_version(str(root), path, f"{before.isoformat()} 23:59:59", mtime)
    if not text:
        return None
    try:
        return parse_results(text, path)
    except ResultsError:
        return None


def describe_changes(
    catalog: Catalog, changed: list[dict[str, Any]], _: Translator, since: dt.date | None
) -> list[str]:
    """The agenda's `changed_results` as sentences, in the agenda's order."""
    by_path = {r.path: r for r in catalog.results}
    lines = []
    for change in changed:
        result = by_path.get(change.get("path", ""))
        if result is None:
            continue
        previous = previous_data(catalog.root, result.path, since)
        lines.append(describe_result(catalog, result, _, previous=previous))
    return lines
