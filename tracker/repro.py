"""The reproductions as the tracker sees them: discovery, status, parity checks and training runs.

Owns finding `reproductions/<name>/` packages (those with `check.py` or `train.py`), reading
their `results/*.json` into summaries, running a package's parity suite and recording it, and
building/running the `train` command. Listing never imports a reproduction (nor torch): the
title and paper id are read from `__init__.py` by parsing it, so `tracker repro list` stays fast
on a machine without the reproductions' stack.

`TRACKER_REPRO_PACKAGE` names another package laid out the same way (tests use a temporary one).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reproductions.common.results import ResultsError, read_results
from tracker.errors import DataError, UsageError

PACKAGE_ENV = "TRACKER_REPRO_PACKAGE"
DEFAULT_PACKAGE = "reproductions"
NOT_REPRODUCTIONS = {"common"}
CONFIGS = ("small", "paper")  # every train.py has these; some declare more (train_configs)


@dataclass
class RunSummary:
    """One results file: a training run or the parity record."""

    run: str
    kind: str
    path: Path
    metrics: dict[str, Any]
    started_at: str | None
    wall_time_s: float | None
    world_size: int | None
    passed: bool | None = None
    paper_metrics: tuple[str, ...] = ()

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


@dataclass
class Reproduction:
    """One reproduction package and what its results directory says about it."""

    name: str
    module: str
    path: Path
    title: str
    paper_id: str | None
    has_check: bool
    has_train: bool
    parity: RunSummary | None = None
    runs: list[RunSummary] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def results_dir(self) -> Path:
        return self.path / "results"

    @property
    def parity_status(self) -> str:
        """ "passed", "failed" or "never run"."""
        if self.parity is None:
            return "never run"
        return "passed" if self.parity.passed else "failed"

    def to_json(self) -> dict[str, Any]:
        def run_json(r: RunSummary) -> dict[str, Any]:
            return {
                "run": r.run,
                "kind": r.kind,
                "path": str(r.path),
                "metrics": r.metrics,
                "started_at": r.started_at,
                "wall_time_s": r.wall_time_s,
                "world_size": r.world_size,
                **({"passed": r.passed} if r.kind == "parity" else {}),
            }

        return {
            "name": self.name,
            "title": self.title,
            "paper_id": self.paper_id,
            "has_check": self.has_check,
            "has_train": self.has_train,
            "parity": self.parity_status,
            "parity_at": self.parity.started_at if self.parity else None,
            "runs": [run_json(r) for r in self.runs],
            "problems": self.problems,
        }


class UnknownReproduction(UsageError):
    """A name that is not one of the discovered reproductions."""

    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = available
        listing = ", ".join(available) if available else "(none found)"
        super().__init__(f"no reproduction named {name!r}", fix=f"choose one of: {listing}")


def package_name() -> str:
    """The package that holds the reproductions (`reproductions` unless overridden)."""
    return os.environ.get(PACKAGE_ENV) or DEFAULT_PACKAGE


def package_dir(package: str | None = None) -> Path:
    package = package or package_name()
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataError(f"cannot find the package {package!r}", fix=f"check ${PACKAGE_ENV}")
    return Path(next(iter(spec.submodule_search_locations)))


def _constants(init_file: Path) -> tuple[str | None, str | None, str | None]:
    """PAPER_ID, TITLE and the docstring's first line of an `__init__.py`, without importing it."""
    try:
        tree = ast.parse(init_file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None, None, None
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    doc = ast.get_docstring(tree)
    first_line = doc.strip().splitlines()[0] if doc else None
    return found.get("PAPER_ID"), found.get("TITLE"), first_line


def _summaries(results_dir: Path) -> tuple[RunSummary | None, list[RunSummary], list[str]]:
    parity: RunSummary | None = None
    runs: list[RunSummary] = []
    problems: list[str] = []
    if not results_dir.is_dir():
        return None, [], []
    for path in sorted(results_dir.glob("*.json")):
        try:
            data = read_results(path)
        except ResultsError as err:
            problems.append(str(err))
            continue
        prov = data["provenance"]
        summary = RunSummary(
            run=data["run"],
            kind=data["kind"],
            path=path,
            metrics=data["metrics"],
            started_at=prov.get("started_at"),
            wall_time_s=prov.get("wall_time_s"),
            world_size=prov.get("world_size"),
            passed=data.get("passed") if data["kind"] == "parity" else None,
            paper_metrics=tuple(data.get("paper_metrics") or ()),
        )
        if summary.kind == "parity":
            parity = summary
        else:
            runs.append(summary)
    runs.sort(key=lambda r: r.started_at or "", reverse=True)
    return parity, runs, problems


def discover(package: str | None = None) -> list[Reproduction]:
    """Every reproduction of the package, sorted by name, with its parity status and runs."""
    package = package or package_name()
    root = package_dir(package)
    found: list[Reproduction] = []
    for child in sorted(root.iterdir()):
        if (
            not child.is_dir()
            or child.name in NOT_REPRODUCTIONS
            or child.name.startswith(("_", "."))
        ):
            continue
        has_check, has_train = (child / "check.py").is_file(), (child / "train.py").is_file()
        if not (has_check or has_train):
            continue
        paper_id, title, doc = _constants(child / "__init__.py")
        parity, runs, problems = _summaries(child / "results")
        found.append(
            Reproduction(
                name=child.name,
                module=f"{package}.{child.name}",
                path=child,
                title=title or doc or child.name,
                paper_id=paper_id,
                has_check=has_check,
                has_train=has_train,
                parity=parity,
                runs=runs,
                problems=problems,
            )
        )
    return found


def get(name: str, package: str | None = None) -> Reproduction:
    """The reproduction called `name`; UnknownReproduction (exit 2) lists the available ones."""
    everything = discover(package)
    for repro in everything:
        if repro.name == name:
            return repro
    raise UnknownReproduction(name, [r.name for r in everything])


@dataclass
class CheckOutcome:
    reproduction: Reproduction
    checks: list[dict]
    results_path: Path
    passed: bool
    seconds: float


def _validate_checks(name: str, checks: Any) -> list[dict]:
    if not isinstance(checks, list):
        raise DataError(f"{name}.check.run_checks returned {type(checks).__name__}, not a list")
    required = {"name", "dtype", "max_abs_diff", "tol", "passed"}
    for i, item in enumerate(checks):
        if not isinstance(item, dict) or not required <= set(item):
            raise DataError(
                f"{name}.check.run_checks: check #{i} lacks {sorted(required - set(item or {}))}",
                fix="build checks with reproductions.common.parity.check()",
            )
    return checks


def run_check(name: str, *, quick: bool = True, package: str | None = None) -> CheckOutcome:
    """Run `<name>.check.run_checks(quick=...)` and record `results/parity.json`.

    A suite that crashes is recorded as one failed check carrying the error, so the status shown
    by `list` and the site never claims an old success for code that no longer runs.
    """
    from reproductions.common.results import record_parity
    from tracker.extras import MissingExtraError, missing_extra

    repro = get(name, package)
    if not repro.has_check:
        raise UsageError(f"{name} has no check.py", fix="add run_checks() in check.py")
    started = time.time()
    try:
        module = importlib.import_module(f"{repro.module}.check")
        checks = _validate_checks(name, module.run_checks(quick=quick))
    except DataError:
        raise
    except Exception as err:  # noqa: BLE001 - any crash of the suite is a failed check
        # ... except a missing optional install, the machine's problem and not the code's: say
        # which extra to install and leave the recorded parity as it was.
        module_name = missing_extra(err)
        if module_name is not None:
            raise MissingExtraError(f"tracker repro check {name}", module_name) from None
        checks = [
            {
                "name": "run_checks",
                "dtype": "-",
                "max_abs_diff": None,
                "tol": 0.0,
                "passed": False,
                "error": f"{type(err).__name__}: {err}",
            }
        ]
    command = f"tracker repro check {name}" + ("" if quick else " --full")
    path = record_parity(
        name,
        checks,
        paper_id=repro.paper_id,
        out_dir=repro.results_dir,
        config={"quick": quick},
        started_at=started,
        command=command,
    )
    passed = bool(read_results(path)["passed"])
    return CheckOutcome(repro, checks, path, passed, time.time() - started)


def _configs_named_by(node: ast.stmt) -> list[str]:
    """The config names a module-level statement puts into `CONFIGS`: the string keys of
    `CONFIGS = {...}` / `dict(...)` (annotated or not), or "x" of `CONFIGS["x"] = ...`."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign):
        targets, value = [node.target], node.value
    else:
        return []
    names: list[str] = []
    for target in targets:
        if isinstance(target, ast.Name) and target.id == "CONFIGS":
            if isinstance(value, ast.Dict):
                names += [k.value for k in value.keys if isinstance(k, ast.Constant)]
            elif isinstance(value, ast.Call) and getattr(value.func, "id", "") == "dict":
                names += [kw.arg for kw in value.keywords if kw.arg]
        elif (
            isinstance(target, ast.Subscript)
            and getattr(target.value, "id", "") == "CONFIGS"
            and isinstance(target.slice, ast.Constant)
        ):
            names.append(target.slice.value)
    return [n for n in names if isinstance(n, str)]


def train_configs(train_py: Path) -> list[str]:
    """The configs a `train.py` declares in its module-level `CONFIGS`, read from the source
    without importing it (the import would pull in torch); `CONFIGS` when it declares none."""
    try:
        tree = ast.parse(train_py.read_text(encoding="utf-8"), filename=str(train_py))
    except (OSError, SyntaxError):
        return list(CONFIGS)
    found = [name for node in tree.body for name in _configs_named_by(node)]
    return list(dict.fromkeys(found)) or list(CONFIGS)


def train_command(
    name: str,
    *,
    config: str = "small",
    nproc: int = 1,
    extra_args: list[str] | None = None,
    package: str | None = None,
) -> list[str]:
    """The command line that runs `<name>.train`, under torchrun when `nproc` > 1."""
    repro = get(name, package)
    if not repro.has_train:
        raise UsageError(f"{name} has no train.py yet", fix="see docs/dev/reproductions.md")
    if nproc < 1:
        raise UsageError(f"--nproc must be at least 1, not {nproc}")
    known = train_configs(repro.path / "train.py")
    if config not in known:
        raise UsageError(f"{name} has no config {config!r}", fix=f"use one of {', '.join(known)}")
    module = f"{repro.module}.train"
    args = ["--config", config, *(extra_args or [])]
    if nproc == 1:
        return [sys.executable, "-m", module, *args]
    # `python -m torch.distributed.run` is torchrun without relying on the script being on PATH.
    launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    return [*launcher, f"--nproc_per_node={nproc}", "-m", module, *args]


@dataclass
class TrainOutcome:
    reproduction: Reproduction
    command: list[str]
    returncode: int
    written: list[RunSummary]
    seconds: float
    results_dir: Path


def _out_dir(extra_args: list[str], default: Path) -> Path:
    """Where the script will write results: its `--out DIR` if passed through, else `default`."""
    for i, arg in enumerate(extra_args):
        if arg == "--out" and i + 1 < len(extra_args):
            return Path(extra_args[i + 1])
        if arg.startswith("--out="):
            return Path(arg.split("=", 1)[1])
    return default


def _stamps(results_dir: Path) -> dict[Path, int]:
    if not results_dir.is_dir():
        return {}
    return {p: p.stat().st_mtime_ns for p in results_dir.glob("*.json")}


def run_train(
    name: str,
    *,
    config: str = "small",
    nproc: int = 1,
    extra_args: list[str] | None = None,
    package: str | None = None,
) -> TrainOutcome:
    """Run the training command with output streaming to this terminal; report the results files
    it wrote (new or updated training results, in `--out DIR` when that is passed through)."""
    command = train_command(
        name, config=config, nproc=nproc, extra_args=extra_args, package=package
    )
    repro = get(name, package)
    from tracker.extras import EXTRA_MODULES, modules_imported, require

    needed = sorted(modules_imported(repro.path) & set(EXTRA_MODULES))
    require(f"tracker repro train {name}", *needed)
    results_dir = _out_dir(list(extra_args or []), repro.results_dir)
    before = _stamps(results_dir)
    started = time.time()
    env = dict(os.environ)
    # The child must import the same package tree as this process, even from another directory.
    parent = str(package_dir(package).parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (parent, env.get("PYTHONPATH")) if p)
    done = subprocess.run(command, env=env, check=False)
    after = _stamps(results_dir)
    changed = [p for p, stamp in after.items() if before.get(p) != stamp]
    _, runs, _ = _summaries(results_dir)
    written = [r for r in runs if r.path in changed]
    return TrainOutcome(
        repro, command, done.returncode, written, time.time() - started, results_dir
    )
