"""Results files of the reproductions: schema, provenance, atomic writes, the reader and plots.

Owns `reproductions/<name>/results/*.json` (schema 1, described in `docs/dev/reproductions.md`)
and the one typed record of a run, `RunResults`. Everything that reads these files (the tracker's
catalog, `tracker repro`, the site, the dashboard, the README tables) reads them through
`read_results` / `read_results_dir` / `results_of`, so there is one schema check and one type.
Reading stays light: nothing here imports torch or NumPy unless a plot is drawn.

Every number in a results file comes from a real run, and the file says which run: git commit,
config, seed, data checksums, hardware and wall time.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.atomic import atomic_write_text  # the project's one writer

SCHEMA = 1
KINDS = ("train", "parity")
REQUIRED_KEYS = ("schema", "reproduction", "kind", "run", "provenance")
PROVENANCE_KEYS = (
    "git_commit",
    "git_dirty",
    "command",
    "config",
    "seed",
    "data",
    "hardware",
    "started_at",
    "wall_time_s",
    "world_size",
)

# The repository root: reproductions/common/results.py -> parents[2].
REPO_ROOT = Path(__file__).resolve().parents[2]
REPRODUCTIONS_ROOT = REPO_ROOT / "reproductions"
_RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ResultsError(ValueError):
    """A results file is missing, unreadable or not schema 1; the message names the file."""


class DirtyTreeError(ResultsError):
    """Published results (a reproduction's results/ folder in this checkout) from a dirty tree;
    `path` is the folder the run would have written."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(
            f"{path}: refusing to write published results from a tree with uncommitted "
            "changes; commit them first, write elsewhere with --out, or pass --allow-dirty "
            "(recorded in the results' provenance)"
        )


# `--allow-dirty` on a train command sets this variable, so every process of the run (torchrun
# children parse the same flags) and every helper that writes results sees the same decision.
ALLOW_DIRTY_ENV = "REPRO_ALLOW_DIRTY"


def allow_dirty(allowed: bool = True) -> None:
    """Let this process write published results from a tree with uncommitted changes (recorded
    in provenance as `allow_dirty: true`)."""
    if allowed:
        os.environ[ALLOW_DIRTY_ENV] = "1"
    else:
        os.environ.pop(ALLOW_DIRTY_ENV, None)


def dirty_allowed() -> bool:
    return os.environ.get(ALLOW_DIRTY_ENV, "") not in ("", "0")


def is_published_dir(out_dir: Path) -> bool:
    """True for `reproductions/<name>/results` of this checkout and the folders below it: files
    there are published."""
    try:
        rel = Path(out_dir).resolve().relative_to(REPRODUCTIONS_ROOT.resolve())
    except ValueError:
        return False
    return len(rel.parts) >= 2 and rel.parts[1] == "results"


def tree_is_dirty() -> bool | None:
    """Whether tracked files differ from HEAD (None when git cannot tell)."""
    status = _git("status", "--porcelain", "--untracked-files=no")
    return bool(status) if status is not None else None


def check_publishable(out_dir: Path, dirty: bool | None = None) -> None:
    """Refuse, before any work, a run that would publish results from a dirty tree.

    Called at the start of a run (so an hour of training is not lost at the end) and again when
    the file is written (the tree may have changed meanwhile).
    """
    if not is_published_dir(out_dir) or dirty_allowed():
        return
    dirty = tree_is_dirty() if dirty is None else dirty
    if dirty:
        raise DirtyTreeError(out_dir)


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware() -> dict[str, Any]:
    """What the run computed on: CPU model and threads, GPU name (or None), torch and Python."""
    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "threads": None,
        "gpu": None,
        "torch": None,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        import torch

        info["threads"] = torch.get_num_threads()
        info["torch"] = torch.__version__
        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
            info["gpu_count"] = torch.cuda.device_count()
    except ImportError:  # the tracker alone can read results without torch
        pass
    return info


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).isoformat(timespec="seconds")


def provenance(
    config: dict,
    seed: int,
    data: dict[str, str] | None,
    started_at: float,
    command: str | None = None,
    world_size: int = 1,
    *,
    wall_time_s: float | None = None,
) -> dict:
    """Where a result came from. `started_at` is a `time.time()` stamp; wall time runs to now
    unless `wall_time_s` is given (a resumed run adds up its sessions)."""
    commit = _git("rev-parse", "HEAD")
    dirty: bool | None = None
    if commit is not None:
        status = _git("status", "--porcelain", "--untracked-files=no")
        dirty = bool(status) if status is not None else None
    return {
        "git_commit": commit,
        "git_dirty": dirty,
        "command": command,
        "config": config,
        "seed": seed,
        "data": dict(data) if data else {},
        "hardware": hardware(),
        "started_at": _iso(started_at),
        "wall_time_s": round(
            wall_time_s if wall_time_s is not None else time.time() - started_at, 3
        ),
        "world_size": world_size,
    }


def benchmark_provenance(settings: dict, started: float) -> dict:
    """`provenance` for a benchmark: its settings (as JSON-able values), no seed, no data."""
    return provenance(
        {
            k: str(v) if not isinstance(v, (int, float, bool, str)) else v
            for k, v in settings.items()
        },
        0,
        None,
        started,
        command=command_line(),
    )


def command_line() -> str:
    """The command a person would type to repeat this process's run (`python -m ...` or, under
    torchrun, `torchrun --nproc_per_node=N -m ...`), for provenance."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    args = sys.argv[1:]
    if spec is not None and spec.name:
        head = ["-m", spec.name.removesuffix(".__main__")]
    else:
        head = [sys.argv[0]] if sys.argv and sys.argv[0] else []
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        per_node = os.environ.get("LOCAL_WORLD_SIZE", str(world))
        return shlex.join(["torchrun", f"--nproc_per_node={per_node}", *head, *args])
    return shlex.join(["python", *head, *args])


def repeat_command(reproduction: str, config: str, steps: int | None = None) -> str:
    """`python -m reproductions.<reproduction>.train --config <config> [--steps N]`: the command
    that repeats a single-process run, for provenance."""
    command = f"python -m reproductions.{reproduction}.train --config {config}"
    return command if steps is None else f"{command} --steps {steps}"


def _jsonable(value: Any) -> Any:
    """Plain JSON values: tensors and NumPy scalars become numbers, NaN/inf become None
    (strict JSON has no NaN, and browsers reading the site would reject the file)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    return str(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def dumps_results(value: Any, indent: int = 0) -> str:
    """JSON with objects indented but short scalar lists kept on one line, so a curve of 1,000
    `[step, value]` points is 1,000 lines rather than 4,000 and diffs stay readable."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps_results(v, indent + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(_is_scalar(v) for v in value):
            return json.dumps(value, ensure_ascii=False, allow_nan=False)
        items = [f"{inner}{dumps_results(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def default_results_dir(reproduction: str) -> Path:
    """`reproductions/<reproduction>/results` in this checkout."""
    return REPRODUCTIONS_ROOT / reproduction / "results"


def write_results(
    reproduction: str,
    run: str,
    *,
    kind: str,
    metrics: dict | None = None,
    curves: dict | None = None,
    checks: list[dict] | None = None,
    paper_metrics: dict | None = None,
    paper_id: str | None = None,
    provenance: dict,
    out_dir: Path | None = None,
    extra: Mapping[str, Any] | None = None,
    claims: list | None = None,
) -> Path:
    """Write `<out_dir>/<run>.json` atomically and return its path.

    For parity results `passed` is true only when there is at least one check and all passed.
    `claims` (train results) are `Claim`s or their dicts (`reproductions.common.claims`).
    Every `<prefix>_pred_frac` in `metrics` whose largest share is over 90% is listed in
    `constant_heads`. Into a published results folder, a dirty tree is refused unless
    `--allow-dirty` was given, which provenance then records.
    `extra` adds top-level keys that schema 1 has no slot for (a run's translation examples,
    learned weights), after `provenance`; `read_results` keeps them.
    """
    from reproductions.common.claims import as_dicts, constant_heads, validate_claims

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if not _RUN_NAME.match(run):
        raise ValueError(f"run name {run!r} must be a plain file name (letters, digits, . _ -)")
    missing = [key for key in PROVENANCE_KEYS if key not in provenance]
    if missing:
        raise ValueError(f"provenance lacks {', '.join(missing)}: build it with provenance()")
    for key, claim in (paper_metrics or {}).items():
        # The site puts the paper's number beside ours; a bare number would carry no note saying
        # how the paper's setting differs.
        if not isinstance(claim, Mapping) or "value" not in claim:
            raise ValueError(
                f"paper_metrics[{key!r}] must be a dict with 'value' (and a 'note'), not {claim!r}"
            )
    target_dir = Path(out_dir or default_results_dir(reproduction))
    check_publishable(target_dir, provenance.get("git_dirty"))
    if provenance.get("git_dirty") and is_published_dir(target_dir):
        provenance = {**provenance, "allow_dirty": True}
    record: dict[str, Any] = {
        "schema": SCHEMA,
        "reproduction": reproduction,
        "paper_id": paper_id,
        "kind": kind,
        "run": run,
        "metrics": dict(metrics or {}),
        "paper_metrics": dict(paper_metrics or {}),
        "curves": dict(curves or {}),
        "checks": list(checks or []),
    }
    if kind == "parity":
        record["passed"] = bool(checks) and all(bool(c.get("passed")) for c in checks or [])
    if claims is not None:
        record["claims"] = validate_claims(as_dicts(claims), f"{reproduction}/{run}")
    record["constant_heads"] = constant_heads(record["metrics"])
    record["provenance"] = provenance
    for key, value in (extra or {}).items():
        if key in record:
            raise ValueError(f"extra key {key!r} would overwrite the schema's own {key!r}")
        record[key] = value
    path = target_dir / f"{run}.json"
    text = dumps_results(_jsonable(record))
    atomic_write_text(path, text + "\n")
    return path


def write_train_results(
    reproduction: str,
    run: str,
    *,
    metrics: dict,
    curves: dict,
    paper_metrics: dict | None,
    paper_id: str | None,
    provenance: dict,
    out_dir: Path | None = None,
    extra: Mapping[str, Any] | None = None,
    claims: list | None = None,
) -> Path:
    """The end of a train script: `write_results(kind="train")`, then the curves drawn into a PNG
    beside the file (`plot_curves` reads it back, so a file that fails validation raises)."""
    path = write_results(
        reproduction,
        run,
        kind="train",
        metrics=metrics,
        curves=curves,
        paper_metrics=paper_metrics,
        paper_id=paper_id,
        provenance=provenance,
        out_dir=out_dir,
        extra=extra,
        claims=claims,
    )
    plot_curves(path, path.with_suffix(".png"))
    return path


def validate_record(data: Any, source: str) -> dict[str, Any]:
    """The parsed JSON of one results file, checked against schema 1 (missing optional sections
    filled in as empty); errors name `source` and what is wrong."""
    path = source
    if not isinstance(data, dict):
        raise ResultsError(f"{path}: expected a JSON object, found {type(data).__name__}")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise ResultsError(f"{path}: missing {', '.join(missing)}")
    if data["schema"] != SCHEMA:
        raise ResultsError(f"{path}: schema {data['schema']!r}, this tracker reads schema {SCHEMA}")
    if data["kind"] not in KINDS:
        raise ResultsError(f"{path}: kind {data['kind']!r} is not one of {KINDS}")
    if not isinstance(data["provenance"], dict):
        raise ResultsError(f"{path}: provenance must be an object")
    for key in ("metrics", "paper_metrics", "curves"):
        data.setdefault(key, {})
        if not isinstance(data[key], dict):
            raise ResultsError(f"{path}: {key} must be an object")
    data.setdefault("checks", [])
    if not isinstance(data["checks"], list) or any(
        not isinstance(c, dict) or not {"name", "passed"} <= set(c) for c in data["checks"]
    ):
        raise ResultsError(f"{path}: checks must be a list of objects with name and passed")
    if "claims" in data:
        from reproductions.common.claims import validate_claims

        try:
            validate_claims(data["claims"], str(path))
        except ValueError as err:
            raise ResultsError(str(err)) from err
    for name, points in data["curves"].items():
        if not isinstance(points, list) or any(
            not isinstance(p, list) or len(p) != 2 for p in points
        ):
            raise ResultsError(f"{path}: curve {name!r} must be a list of [step, value] pairs")
    return data


def parse_results(text: str, source: str) -> dict[str, Any]:
    """The record in `text` (a results file's contents, e.g. an older version from git)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ResultsError(f"{source}: not readable as JSON ({err})") from err
    return validate_record(data, source)


def _section(key: str, empty: type | None) -> property:
    """A property giving `data[key]`, or a new empty `empty()` (None) when the file lacks it."""

    def get(self: RunResults) -> Any:
        value = self.data.get(key)
        return empty() if empty is not None and not value else value

    return property(get)


# eq=False: compared as a mapping (equal to the dict of the same file), like the dict it was.
@dataclass(frozen=True, eq=False)
class RunResults(Mapping[str, Any]):
    """One results file of one run, validated: the typed view every reader shares.

    `path` is where it was read from (relative to the team's root when read through the
    tracker's catalog). The record is also a read-only mapping over the file's own keys, so
    `results["metrics"]` and keys schema 1 has no slot for (`extra` of `write_results`) work.
    """

    path: str
    reproduction: str
    kind: str
    run: str
    data: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    # The file's sections, empty when the file has none (read-only views of `data`).
    paper_id = _section("paper_id", None)
    metrics = _section("metrics", dict)
    paper_metrics = _section("paper_metrics", dict)
    curves = _section("curves", dict)
    checks = _section("checks", list)
    claims = _section("claims", list)
    constant_heads = _section("constant_heads", list)
    passed = _section("passed", None)
    provenance = _section("provenance", dict)

    @property
    def started_at(self) -> str | None:
        return self.provenance.get("started_at")

    @property
    def wall_time_s(self) -> float | None:
        return self.provenance.get("wall_time_s")

    @property
    def world_size(self) -> int | None:
        return self.provenance.get("world_size")

    def headline(self, limit: int = 3) -> dict[str, Any]:
        """The metrics a reader looks for first: those set beside the paper's, then test-set
        ones, then the rest; hyperparameter-sweep entries (`..._C=0.1`) and counts come last."""

        def rank(key: str) -> int:
            if key in self.paper_metrics:
                return 0
            if "=" in key or not isinstance(self.metrics[key], float):
                return 4
            if "test" in key or key.startswith(("pos_acc", "bleu")):
                return 1
            if "valid" in key or key.startswith("val_"):
                return 3
            return 2

        ordered = sorted(self.metrics, key=rank)  # stable: ties keep the file's order
        return {k: self.metrics[k] for k in ordered[:limit]}


def read_results(path: Path | str, *, name: str | None = None) -> RunResults:
    """Load and validate one results file; errors name the file (as `name`, default the path)
    and what is wrong."""
    path = Path(path)
    source = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ResultsError(f"{source}: no such results file") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ResultsError(f"{source}: not readable as JSON ({err})") from err
    data = parse_results(text, source)
    return RunResults(
        path=source,
        reproduction=str(data["reproduction"]),
        kind=str(data["kind"]),
        run=str(data["run"]),
        data=data,
    )


@dataclass
class ResultsFolder:
    """What one `results/` folder holds: the parity record, the training runs (newest first),
    the figures beside them (PNG pictures, not data) and the files that failed to read."""

    parity: RunResults | None = None
    runs: list[RunResults] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    problems: list[ResultsError] = field(default_factory=list)


def read_results_dir(folder: Path, *, relative_to: Path | None = None) -> ResultsFolder:
    """Every results file in `folder`; paths are given relative to `relative_to` when set.

    Several parity files (unlikely) -> the latest run wins. A broken file is a problem listed
    in the answer, never a stop: the rest of the folder still reads.
    """
    folder = Path(folder)
    found = ResultsFolder()
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.json")):
        name = str(path.relative_to(relative_to)) if relative_to else str(path)
        try:
            record = read_results(path, name=name)
        except ResultsError as err:
            found.problems.append(err)
            continue
        if record.kind == "parity":
            if found.parity is None or (record.started_at or "") > (found.parity.started_at or ""):
                found.parity = record
        else:
            found.runs.append(record)
    found.runs.sort(key=lambda r: r.started_at or "", reverse=True)
    found.figures = sorted(folder.glob("*.png"))
    return found


def results_of(reproduction: str, root: Path = REPRODUCTIONS_ROOT) -> list[RunResults]:
    """Every readable results file of one reproduction (`root/<reproduction>/results`), parity
    first, then runs by name."""
    folder = read_results_dir(Path(root) / reproduction / "results")
    runs = sorted(folder.runs, key=lambda r: r.run)
    return [folder.parity, *runs] if folder.parity else runs


def pyplot():  # noqa: ANN201 - matplotlib.pyplot, imported late: plotting is optional work
    """matplotlib.pyplot on the Agg backend (files only, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, out_png: Path, dpi: int = 100) -> Path:  # noqa: ANN001
    """Write `fig` to `out_png` (its folder created if need be) and free it."""
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png, dpi=dpi)
    pyplot().close(fig)
    return out_png


def plot_curves(results_path: Path, out_png: Path) -> Path:
    """Draw every curve of a results file (one panel each, shared step axis) into a PNG."""
    plt = pyplot()
    data = read_results(results_path)
    curves = {k: v for k, v in data["curves"].items() if v}
    if not curves:
        raise ResultsError(f"{results_path}: no curves to plot")
    fig, axes = plt.subplots(
        len(curves), 1, figsize=(6.4, 2.4 * len(curves)), sharex=True, squeeze=False
    )
    for ax, (name, points) in zip(axes[:, 0], curves.items(), strict=True):
        steps = [p[0] for p in points]
        values = [float("nan") if p[1] is None else p[1] for p in points]
        ax.plot(steps, values, marker="." if len(points) < 30 else None)
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("step")
    fig.suptitle(f"{data['reproduction']} · {data['run']}")
    fig.tight_layout()
    return save_figure(fig, out_png)


def record_parity(
    reproduction: str,
    checks: list[dict],
    *,
    paper_id: str | None = None,
    out_dir: Path | None = None,
    config: dict | None = None,
    started_at: float | None = None,
    command: str | None = None,
) -> Path:
    """Write `results/parity.json` (kind "parity") with provenance; `passed` is all checks passed."""
    started = started_at if started_at is not None else time.time()
    prov = provenance(config or {}, seed=0, data=None, started_at=started, command=command)
    return write_results(
        reproduction,
        "parity",
        kind="parity",
        checks=checks,
        paper_id=paper_id,
        provenance=prov,
        out_dir=out_dir,
    )
