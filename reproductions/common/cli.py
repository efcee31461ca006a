"""The command line every `reproductions/<name>/train.py` shares.

Owns the flags `tracker repro train` passes through (`--config`, `--steps`, `--seed`, `--run`,
`--out`, `--checkpoint`, `--allow-dirty`), so each reproduction's script parses them the same
way and a person can shorten any run (`-- --steps 20`) without editing code; the `TrainRun` a
script's `run` starts from; and `report`, the one place a script says what it wrote (only the
main `torchrun` process has a results path to say).
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reproductions.common.distributed import cleanup_distributed
from reproductions.common.results import allow_dirty
from reproductions.common.training import TrainConfig, TrainRun


class _AllowDirty(argparse.Action):
    """`--allow-dirty`: acts as soon as it is parsed, so the whole run sees one decision."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=False, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        allow_dirty(True)
        setattr(namespace, self.dest, True)


def add_allow_dirty(parser: argparse.ArgumentParser) -> None:
    """The flag that lets a run publish results from a tree with uncommitted changes."""
    parser.add_argument(
        "--allow-dirty",
        action=_AllowDirty,
        help="write published results (reproductions/<name>/results) even with uncommitted "
        "changes; provenance records allow_dirty: true",
    )


def experiment_parser(
    description: str | None, example: str, prog: str | None = None, *, out: bool = False
) -> argparse.ArgumentParser:
    """An argparse parser whose `--help` ends with "Example: <example>" (a full command line);
    with `out`, also `--out DIR` and `--allow-dirty` for where the results file goes."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=f"Example: {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if out:
        parser.add_argument("--out", type=Path, default=None, help="results folder")
        add_allow_dirty(parser)
    return parser


def train_parser(
    description: str | None,
    example: str,
    configs: Sequence[str] = ("small", "paper"),
    *,
    default: str | None = None,
    prog: str | None = None,
) -> argparse.ArgumentParser:
    """An argparse parser with the shared training flags; add the script's own flags to it.

    `example` is a full command line, shown as "Example: ..." at the end of `--help`;
    `default` is the config run without `--config` (the first of `configs` unless given).
    """
    parser = experiment_parser(description, example, prog)
    parser.add_argument(
        "--config",
        choices=list(configs),
        default=default or configs[0],
        help="named setting (default: %(default)s)",
    )
    parser.add_argument("--steps", type=int, default=None, help="override the number of steps")
    parser.add_argument("--seed", type=int, default=None, help="override the seed")
    parser.add_argument("--run", default=None, help="results file name (default: the config name)")
    parser.add_argument(
        "--out", type=Path, default=None, help="results directory (default: <reproduction>/results)"
    )
    parser.add_argument(
        "--checkpoint", type=Path, default=None, help="checkpoint file: saved to, resumed from"
    )
    add_allow_dirty(parser)
    return parser


def apply_overrides(config: TrainConfig, args: argparse.Namespace) -> TrainConfig:
    """`config` with `--steps`/`--seed` applied (a copy; the named config stays untouched)."""
    changes = {}
    if getattr(args, "steps", None) is not None:
        changes["steps"] = args.steps
    if getattr(args, "seed", None) is not None:
        changes["seed"] = args.seed
    return dataclasses.replace(config, **changes)


def run_name(args: argparse.Namespace, mark_steps: bool = True) -> str:
    """The results file name: `--run`, else the config name, marked when steps were overridden so
    a shortened run never overwrites the full one's results (unless `mark_steps` is false: the
    scripts that always wrote `<config>.json` keep doing so)."""
    if args.run:
        return args.run
    if args.steps is None or not mark_steps:
        return args.config
    return f"{args.config}-{args.steps}steps"


def train_run(
    reproduction: str, args: argparse.Namespace, *, seed: int = 0, mark_steps: bool = True
) -> TrainRun:
    """The `TrainRun` the shared flags describe (joining the `torchrun` group, if any)."""
    return TrainRun(
        reproduction,
        args.config,
        steps=args.steps,
        seed=seed if args.seed is None else args.seed,
        name=run_name(args, mark_steps),
        out_dir=args.out,
        checkpoint=args.checkpoint,
    )


def parser_from_doc(
    doc: str | None, configs: Sequence[str] = ("small", "paper"), **kwargs: Any
) -> argparse.ArgumentParser:
    """`train_parser` described by a script's docstring: its first paragraph, and the first
    command under its "Example:" line as the example."""
    text = doc or ""
    description = text.split("\n\n")[0]
    after = text.split("Example:", 1)[1] if "Example:" in text else ""
    example = next((line.strip() for line in after.splitlines() if line.strip()), "")
    return train_parser(description, example, configs, **kwargs)


def train_main(
    reproduction: str,
    run: Callable[[TrainRun], Path | None],
    doc: str | None,
    configs: Sequence[str] = ("small", "paper"),
    **parser_options: Any,
) -> Callable[[list[str] | None], None]:
    """The `main` of a train script whose `run(job)` needs nothing beyond the shared flags (its
    `--help` from the module docstring): parse, run, say what was written (main process only),
    leave the process group."""
    parser = parser_from_doc(doc, configs, **parser_options)

    def main(argv: list[str] | None = None) -> None:
        try:
            report(run(train_run(reproduction, parser.parse_args(argv))))
        finally:
            cleanup_distributed()

    return main


def report(written: Path | Sequence[Path | None] | None) -> None:
    """Print "wrote <path>" for every results file written; other processes have None."""
    paths = [written] if written is None or isinstance(written, Path) else list(written)
    for path in paths:
        if path is not None:
            print(f"wrote {path}")
