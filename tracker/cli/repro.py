"""`tracker repro list|check|train|plot`: the reproductions, their parity and their runs.

Parses arguments and prints; the work is in `tracker.repro`.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from tracker import repro as lib
from tracker.cli.common import JsonOption, flag, verb, verb_group
from tracker.cli.output import console, err_console, print_json, print_notes, print_table
from tracker.errors import TrackerError, UsageError

SCHEMA = 1

HELP = (
    "The paper reproductions: list them with their parity status and runs, check them "
    "against their reference implementations, train them.\n\nExample: tracker repro list"
)
LIST_HELP = "List reproductions: title, paper, parity status and latest runs' headline metrics."
CHECK_HELP = (
    "Run a reproduction's parity suite against its reference, record results/parity.json "
    "and print max |ours - reference| beside each tolerance. Exit 1 if any check fails."
)
ALLOW_DIRTY_HELP = (
    "Write results/parity.json even with uncommitted changes (recorded in its "
    "provenance as allow_dirty: true)."
)
CHECK_EXAMPLE = "Example: tracker repro check gpt2   (or: tracker repro check --all --full)"
TRAIN_HELP = (
    "Train a reproduction: runs `python -m reproductions.NAME.train --config CONFIG` (under "
    "torchrun with --nproc > 1), streaming its output, then prints the results it wrote. "
    "Arguments after `--` go to the training script."
)
TRAIN_EXAMPLE = "Example: tracker repro train gpt2 --config small --nproc 2 -- --steps 200"
PLOT_HELP = "Draw the training curves of one results file into a PNG (beside it by default)."
PLOT_EXAMPLE = "Example: tracker repro plot gpt2 small --out docs/assets/gpt2-small.png"


def _headline(metrics: dict, limit: int = 3) -> str:
    parts = []
    for key, value in list(metrics.items())[:limit]:
        parts.append(f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}")
    return ", ".join(parts)


def _diff_text(value: object) -> str:
    return f"{value:.2e}" if isinstance(value, (int, float)) else "nan/none"


def _print_checks(outcome: lib.CheckOutcome) -> None:
    rows = [
        [
            c["name"],
            c["dtype"],
            _diff_text(c["max_abs_diff"]),
            f"{c['tol']:.1e}",
            "ok" if c["passed"] else "FAIL " + str(c.get("error", "")),
        ]
        for c in outcome.checks
    ]
    verdict = "passed" if outcome.passed else "FAILED"
    print_table(
        ["check", "dtype", "max|diff|", "tol", "result"],
        rows,
        title=f"{outcome.reproduction.name}: parity {verdict} ({outcome.seconds:.1f}s)",
    )
    console.print(
        f"{outcome.reproduction.name}: parity {verdict}; wrote {outcome.results_path}", markup=False
    )


def register(app: typer.Typer) -> None:
    repro = verb_group(app, "repro", HELP)

    @verb(repro, "list", LIST_HELP, "Example: tracker repro list --json")
    def list_reproductions(as_json: bool = JsonOption) -> None:
        found = lib.discover()
        if as_json:
            print_json({"schema": SCHEMA, "reproductions": [r.to_json() for r in found]})
            return
        rows = []
        for r in found:
            parity = r.parity_status
            if r.parity is not None and r.parity.started_at:
                parity += f" ({r.parity.started_at[:16].replace('T', ' ')})"
            latest = "; ".join(f"{run.run}: {_headline(run.headline())}" for run in r.runs[:2])
            rows.append([r.name, r.title, r.paper_id, parity, latest or "no runs"])
        print_table(
            ["name", "title", "paper", "parity", "latest runs"],
            rows,
            title=f"{len(found)} reproduction(s)",
        )
        for r in found:
            print_notes(r.problems)

    @verb(repro, "check", CHECK_HELP, CHECK_EXAMPLE)
    def check(
        name: str = typer.Argument(None, help="The reproduction (see `tracker repro list`)."),
        all_: bool = flag("--all", help="Check every reproduction with check.py."),
        quick: bool = typer.Option(
            True, "--quick/--full", help="Quick: the CI-sized cases; full: every case."
        ),
        allow_dirty: bool = flag("--allow-dirty", help=ALLOW_DIRTY_HELP),
        as_json: bool = JsonOption,
    ) -> None:
        if all_ == (name is not None):
            raise UsageError("give one reproduction NAME or --all", fix="tracker repro check gpt2")
        if allow_dirty:
            from reproductions.common.results import allow_dirty as allow

            allow(True)
        names = [r.name for r in lib.discover() if r.has_check] if all_ else [name]
        outcomes = []
        from reproductions.common.results import DirtyTreeError

        for each in names:
            try:
                outcome = lib.run_check(each, quick=quick)
            except DirtyTreeError as dirty:
                raise TrackerError(
                    f"{dirty.path}: not writing parity results from a tree with "
                    "uncommitted changes",
                    fix=f"commit first, or run `tracker repro check {each} --allow-dirty` "
                    "(recorded in the results' provenance)",
                ) from None
            outcomes.append(outcome)
            if not as_json:
                _print_checks(outcome)
        if as_json:
            print_json(
                {
                    "schema": SCHEMA,
                    "results": [
                        {
                            "name": o.reproduction.name,
                            "passed": o.passed,
                            "results_path": str(o.results_path),
                            "checks": o.checks,
                        }
                        for o in outcomes
                    ],
                }
            )
        if not all(o.passed for o in outcomes):
            raise typer.Exit(1)

    # Arguments after `--` pass through to the training script.
    passing_through = {"allow_extra_args": True, "ignore_unknown_options": True}

    @verb(repro, "train", TRAIN_HELP, TRAIN_EXAMPLE, context_settings=passing_through)
    def train(
        ctx: typer.Context,
        name: str = typer.Argument(..., help="The reproduction (see `tracker repro list`)."),
        config: str = typer.Option(
            "small",
            "--config",
            "-c",
            help="small: CPU-sized; paper: the paper's setting; some reproductions have more "
            "(an unknown name lists them).",
        ),
        nproc: int = typer.Option(1, "--nproc", "-n", help="Processes (torchrun) for DDP."),
        dry_run: bool = flag("--dry-run", help="Print the command, run nothing."),
    ) -> None:
        extra = list(ctx.args)
        if dry_run:
            command = lib.train_command(name, config=config, nproc=nproc, extra_args=extra)
            typer.echo(shlex.join(command))
            return
        outcome = lib.run_train(name, config=config, nproc=nproc, extra_args=extra)
        if outcome.returncode != 0:
            err_console.print(f"error: training {name} exited with status {outcome.returncode}")
            raise typer.Exit(1)
        if not outcome.written:
            err_console.print(
                f"warning: {name} finished but wrote no results file under {outcome.results_dir}"
            )
        for run in outcome.written:
            console.print(f"wrote {run.path}: {_headline(run.metrics, limit=6)}", markup=False)

    @verb(repro, "plot", PLOT_HELP, PLOT_EXAMPLE)
    def plot(
        name: str = typer.Argument(..., help="The reproduction."),
        run: str = typer.Argument("small", help="The run (results/RUN.json)."),
        out: Path = typer.Option(None, "--out", "-o", help="The PNG to write."),
    ) -> None:
        from reproductions.common.results import ResultsError, plot_curves

        reproduction = lib.get(name)
        source = reproduction.results_dir / f"{run}.json"
        target = out or source.with_suffix(".png")
        try:
            written = plot_curves(source, target)
        except ResultsError as err:
            raise UsageError(str(err), fix=f"run `tracker repro train {name}` first") from err
        console.print(f"wrote {written}", markup=False)
