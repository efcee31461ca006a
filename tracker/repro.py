"""The reproductions as the tracker sees them: discovery, status, parity checks and training runs.

Owns finding `reproductions/<name>/` packages (those with `check.py` or `train.py`), reading
their `results/*.json` into summaries, running a package's parity suite and recording it, and
building/running the `train` command. Listing never imports a reproduction (nor torch): the
title, paper id and config names are data in each package's `reproduction.toml`
(`reproductions.common.about`), so `tracker repro list` stays fast on a machine without the
reproductions' stack.

`TRACKER_REPRO_PACKAGE` names another package laid out the same way (tests use a temporary one).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reproductions.common.about import AboutError, read_about
from reproductions.common.results import RunResults, read_results, read_results_dir
from tracker.errors import DataError, UsageError

PACKAGE_ENV = "TRACKER_REPRO_PACKAGE"
DEFAULT_PACKAGE = "reproductions"
NOT_REPRODUCTIONS = {"common"}


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
    parity: RunResults | None = None
    runs: list[RunResults] = field(default_factory=list)
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
        def run_json(r: RunResults) -> dict[str, Any]:
            return {
                "run": r.run,
                "kind": r.kind,
                "path": r.path,
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


def _summaries(results_dir: Path) -> tuple[RunResults | None, list[RunResults], list[str]]:
    found = read_results_dir(results_dir)
    return found.parity, found.runs, [str(e) for e in found.problems]


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
        try:
            about = read_about(child)
        except AboutError as err:
            raise DataError(str(err)) from None
        parity, runs, problems = _summaries(child / "results")
        found.append(
            Reproduction(
                name=child.name,
                module=f"{package}.{child.name}",
                path=child,
                title=about.title,
                paper_id=about.paper_id,
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


def train_configs(folder: Path) -> list[str]:
    """The train configs a reproduction declares in its `reproduction.toml` (read as data, never
    by importing the package, which would pull in torch)."""
    try:
        return list(read_about(folder).configs)
    except AboutError as err:
        raise DataError(str(err)) from None


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
    known = train_configs(repro.path)
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
    written: list[RunResults]
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
    written = [r for r in runs if Path(r.path) in changed]
    return TrainOutcome(
        repro, command, done.returncode, written, time.time() - started, results_dir
    )
