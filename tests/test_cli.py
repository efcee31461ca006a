"""The command line: help with an example everywhere, stable exit codes, JSON for scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tracker.cli
from tests.helpers.repo import edit_paper, set_cell
from tracker.cli.main import VERBS, app, load_verb
from tracker.cli.reference import command_paths

runner = CliRunner()


def all_commands() -> list[tuple[str, ...]]:
    return command_paths(hidden=True)


def test_root_help_lists_each_verb_with_its_own_summary() -> None:
    # The root help is written from VERBS without importing the verb modules; each summary must
    # stay the verb's own first line of help.
    for name, (_, summary) in VERBS.items():
        assert load_verb(name).get_short_help_str(limit=1000) == summary, name
    listed = runner.invoke(app, ["--help"])
    assert listed.exit_code == 0
    assert all(name in listed.output for name in VERBS)


def test_every_cli_module_with_a_verb_is_listed() -> None:
    cli_dir = Path(tracker.cli.__file__).parent
    registering = {
        path.stem
        for path in cli_dir.glob("*.py")
        if "def register(" in path.read_text(encoding="utf-8")
    }
    listed = {module for module, _ in VERBS.values()}
    assert registering == listed, (
        "each verb module must have its entry in VERBS in tracker/cli/main.py "
        f"(module, summary): missing {sorted(registering - listed)}, stale {sorted(listed - registering)}"
    )


@pytest.mark.parametrize(
    "argv", [["--help"], ["papers", "list"], ["papers", "show", "1810.04805"], ["doctor", "--help"]]
)
def test_light_commands_import_no_heavy_library(argv: list[str]) -> None:
    # Start-up time: scipy, torch, streamlit and pandas are loaded only by the verbs that use
    # them (assign, repro, dashboard, site), never by the root or by `papers`.
    probe = (
        "import sys, runpy; sys.argv = ['tracker', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('tracker.cli.main', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'scipy', 'torch', 'streamlit', 'pandas', 'numpy', 'transformers', 'matplotlib'})\n"
        "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    )
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-c", probe, *argv],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "TRACKER_TODAY": "2025-07-07"},
    )
    assert "HEAVY=\n" in proc.stderr, proc.stderr[-2000:]


def test_papers_list_piped_prints_tsv_without_loading_rich() -> None:
    # rich costs as much start-up as the rest of a piped `papers list`: only a terminal table
    # (or a warning) may load it.
    probe = (
        "import sys, runpy; sys.argv = ['tracker', 'papers', 'list']\n"
        "try:\n    runpy.run_module('tracker.cli.main', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('RICH=' + str('rich' in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        env={**os.environ, "TRACKER_TODAY": "2025-07-07"},
    )
    assert proc.stdout.startswith("id\ttitle\tyear\tstatus\treaders\tpresenter\n"), proc.stderr
    assert "1810.04805\tBERT" in proc.stdout
    assert "RICH=False\n" in proc.stderr, proc.stderr[-2000:]


def test_the_command_tree_has_the_foundation_verbs() -> None:
    names = {path[0] for path in all_commands() if path}
    assert {"week", "sync", "papers", "add", "export", "doctor"} <= names


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "tracker")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"`tracker {' '.join(path)} --help` shows no example"


def test_sync_dry_run_then_apply_with_json(synced_repo: Path) -> None:
    set_cell(synced_repo, "007", "상태", "summarised")
    dry = runner.invoke(app, ["sync", "--root", str(synced_repo), "--json"])
    assert dry.exit_code == 0, dry.output
    data = json.loads(dry.output)
    assert data["schema"] == 1 and data["applied"] is False
    assert data["pulled"] == [
        {"paper_id": "007", "field": "status", "old": "read", "new": "summarised", "row": 4}
    ]
    applied = runner.invoke(app, ["sync", "--root", str(synced_repo), "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "pulled 1 cell(s)" in applied.output


def test_conflict_exits_1_with_both_values(synced_repo: Path) -> None:
    set_cell(synced_repo, "007", "상태", "summarised")
    edit_paper(synced_repo, "007", status="presented")
    result = runner.invoke(app, ["sync", "--root", str(synced_repo), "--apply"])
    assert result.exit_code == 1
    assert "'presented'" in result.output and "'summarised'" in result.output
    assert "--take" in result.output


def test_bad_sheet_exits_1_naming_the_row(synced_repo: Path) -> None:
    set_cell(synced_repo, "007", "연도", "19x2")
    result = runner.invoke(app, ["sync", "--root", str(synced_repo)])
    assert result.exit_code == 1
    assert "row 4, column D (year)" in result.output
    assert "Traceback" not in result.output


def test_papers_list_filters_and_json(synced_repo: Path) -> None:
    result = runner.invoke(
        app, ["papers", "list", "--root", str(synced_repo), "--search", "사전학습", "--json"]
    )
    assert result.exit_code == 0, result.output
    ids = [p["id"] for p in json.loads(result.output)["papers"]]
    assert ids == ["1810.04805"]
    tsv = runner.invoke(app, ["papers", "list", "--root", str(synced_repo), "--status", "read"])
    assert tsv.output.splitlines()[0].split("\t")[0] == "id"
    assert [line.split("\t")[0] for line in tsv.output.splitlines()[1:]] == ["007"]


def test_papers_show_unknown_id_suggests_close_ones(synced_repo: Path) -> None:
    result = runner.invoke(app, ["papers", "show", "2101", "--root", str(synced_repo)])
    assert result.exit_code == 1
    assert "2101.10000" in result.output


def test_add_refuses_duplicates_by_arxiv_id_and_title(synced_repo: Path) -> None:
    ok = runner.invoke(
        app,
        [
            "add",
            "--root",
            str(synced_repo),
            "--id",
            "glove-2014",
            "--title",
            "GloVe: Global Vectors for Word Representation",
            "--year",
            "2014",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert (synced_repo / "papers" / "glove-2014.md").is_file()
    again = runner.invoke(
        app,
        [
            "add",
            "--root",
            str(synced_repo),
            "--id",
            "glove",
            "--title",
            "glove — global vectors for word representation",
            "--year",
            "2014",
        ],
    )
    assert again.exit_code == 1 and "same title" in again.output
    arxiv = runner.invoke(
        app,
        ["add", "--root", str(synced_repo), "--arxiv", "1810.04805", "--title", "Something else"],
    )
    assert arxiv.exit_code == 1 and "same id" in arxiv.output


def test_add_looks_up_arxiv_metadata(synced_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    feed = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <title>Attention Is All
        You Need</title><published>2017-06-12T17:57:34Z</published>
      <summary>A model built on attention alone.</summary>
      <author><name>Ashish Vaswani</name></author><author><name>Noam Shazeer</name></author>
    </entry></feed>"""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            assert "id_list=1706.03762" in self.path
            body = feed.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("TRACKER_ARXIV_ENDPOINT", f"http://127.0.0.1:{server.server_port}/api/query")
    try:
        result = runner.invoke(app, ["add", "--root", str(synced_repo), "--arxiv", "1706.03762"])
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    text = (synced_repo / "papers" / "1706.03762.md").read_text(encoding="utf-8")
    assert "title: Attention Is All You Need" in text
    assert "Noam Shazeer" in text and "year: 2017" in text.replace("'", "")


def test_export_bibtex_parses_back(synced_repo: Path) -> None:
    import bibtexparser

    result = runner.invoke(app, ["export", "--root", str(synced_repo)])
    assert result.exit_code == 0, result.output
    library = bibtexparser.parse_string(result.output)
    assert len(library.entries) == 3
    bert = next(
        e
        for e in library.entries
        if e.fields_dict.get("eprint") and e.fields_dict["eprint"].value == "1810.04805"
    )
    assert (
        bert.entry_type == "inproceedings" and "Ming-Wei Chang" in bert.fields_dict["author"].value
    )
    assert len({e.key for e in library.entries}) == 3


def test_doctor_reports_a_broken_file_and_exits_1(synced_repo: Path) -> None:
    healthy = runner.invoke(app, ["doctor", "--root", str(synced_repo)])
    assert healthy.exit_code == 0, healthy.output
    (synced_repo / "papers" / "broken.md").write_text("---\nid: broken\n", encoding="utf-8")
    sick = runner.invoke(app, ["doctor", "--root", str(synced_repo)])
    assert sick.exit_code == 1
    assert "papers/broken.md" in sick.output and "fix:" in sick.output


def test_week_syncs_proposes_quota_and_writes_the_agenda(
    synced_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-03")  # a Thursday; the team meets on Tuesdays
    set_cell(synced_repo, "007", "상태", "summarised")
    result = runner.invoke(app, ["week", "--root", str(synced_repo), "--no-site"])
    assert result.exit_code == 0, result.output
    assert "pull  007" in result.output
    assert "동기화 완료: 셀 1개와" in result.output  # the sample team reads Korean
    assert "`tracker assign --apply`로 적용" in result.output
    assert (synced_repo / "docs" / "meetings" / "2025-07-08.md").is_file()
    # Run twice: nothing to sync, the untouched draft is rewritten in place, still one file.
    again = runner.invoke(app, ["week", "--root", str(synced_repo), "--no-site"])
    assert again.exit_code == 0, again.output
    assert "1. 시트와 동기화: 할 일 없음" in again.output
    assert [p.name for p in (synced_repo / "docs" / "meetings").glob("*.md")] == ["2025-07-08.md"]


def test_week_speaks_english_to_a_team_that_chose_english(synced_repo: Path) -> None:
    settings = synced_repo / "papers" / "team.yaml"
    kept = [line for line in settings.read_text(encoding="utf-8").splitlines()
            if not line.startswith("language:")]  # fmt: skip
    settings.write_text("\n".join([*kept, "language: en", ""]), encoding="utf-8")
    result = runner.invoke(app, ["week", "--root", str(synced_repo), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "— weekly prep (" in result.output
    assert "1. sync with the sheet: nothing to do" in result.output
    assert "주간 준비" not in result.output and "할 일 없음" not in result.output
