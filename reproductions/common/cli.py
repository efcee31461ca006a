"""The command line every `reproductions/<name>/train.py` shares.

Owns the flags `tracker repro train` passes through (`--config`, `--steps`, `--seed`, `--run`,
`--out`, `--checkpoint`), so each reproduction's script parses them the same way and a person
can shorten any run (`-- --steps 20`) without editing code.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from reproductions.common.results import allow_dirty
from reproductions.common.training import TrainConfig


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


def train_parser(
    description: str, example: str, configs: tuple[str, ...] = ("small", "paper")
) -> argparse.ArgumentParser:
    """An argparse parser with the shared training flags; add the script's own flags to it.

    `example` is a full command line, shown as "Example: ..." at the end of `--help`.
    """
    parser = argparse.ArgumentParser(
        description=description,
        epilog=f"Example: {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", choices=configs, default=configs[0], help="named setting (default: %(default)s)"
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


def run_name(args: argparse.Namespace) -> str:
    """The results file name: `--run`, else the config name, marked when steps were overridden so
    a shortened run never overwrites the full one's results."""
    if args.run:
        return args.run
    return args.config if args.steps is None else f"{args.config}-{args.steps}steps"
