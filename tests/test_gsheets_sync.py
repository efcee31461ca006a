"""`tracker sync` against a Google Sheet: the real gspread client talking to the loopback emulator.

Pins the issue's must-show scenarios: a pull that keeps text ids, Korean headers, dates and
formula values cell for cell; two-way merges, conflicts and deleted rows; 429 storms, 500s and
dropped connections in the middle of a push; a person editing between read and write; bad
sheets refused by row; and the request budget on a 2,000-row sheet.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.gsheets import (
    EMAIL,
    HEADERS,
    KEY,
    SHEET_ROWS,
    TAB,
    TEAM_YAML,
    WRITE_KINDS,
    new_private_key_pem,  # noqa: F401 - re-exported for older imports
    remote_for,
)
from tests.helpers.repo import snapshot_tree
from tests.sheets_emulator import SheetsEmulator
from tracker import store
from tracker.errors import ConcurrentEditError, ConflictError, RemoteError, SheetError
from tracker.models import Paper
from tracker.remotes.gsheets import GoogleSheetsRemote
from tracker.sync import SyncResult, sync

# Faults injected and edits lost across this module, printed at the end (run with -s).
LEDGER: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _ledger_report() -> Iterator[None]:
    yield
    print(
        f"\n[gsheets faults] injected={LEDGER['faults']} edits_checked={LEDGER['edits']} "
        f"edits_lost={LEDGER['lost']} duplicated_rows={LEDGER['duplicates']}"
    )


@pytest.fixture(scope="module")
def service_account_key() -> str:
    pem = new_private_key_pem()
    info = {
        "type": "service_account",
        "private_key_id": "0123456789abcdef0123456789abcdef",
        "private_key": pem,
        "client_email": EMAIL,
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(info)


@pytest.fixture
def emulator(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, service_account_key: str
) -> Iterator[SheetsEmulator]:
    """The emulator, and a service account whose key lies outside the team repository."""
    key_path = tmp_path / "secrets" / "sa-key.json"
    key_path.parent.mkdir()
    key_path.write_text(service_account_key, encoding="utf-8")
    with SheetsEmulator() as emu:
        emu.allow_anonymous = False  # every sync signs in at the emulator's token endpoint
        monkeypatch.setenv("TRACKER_SHEETS_ENDPOINT", emu.base_url)
        monkeypatch.setenv("TRACKER_GOOGLE_CREDENTIALS", str(key_path))
        yield emu


@pytest.fixture
def repo(tmp_path: Path, emulator: SheetsEmulator) -> Path:
    root = tmp_path / "team"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "team.yaml").write_text(TEAM_YAML, encoding="utf-8")
    emulator.add_spreadsheet(KEY, worksheets={TAB: SHEET_ROWS}, shared_with={EMAIL})
    return root


def run_sync(root: Path, **kwargs: object) -> tuple[SyncResult, GoogleSheetsRemote]:
    remote = remote_for(root)
    return sync(root, apply=True, remote=remote, **kwargs), remote


def paper(root: Path, paper_id: str) -> Paper:
    return store.read_paper(store.paper_path(root, paper_id))


def edit_paper(root: Path, paper_id: str, **changes: object) -> None:
    current = paper(root, paper_id)
    store.write_paper(
        root, Paper.model_validate({**current.model_dump(), **changes, "body": current.body})
    )


def sheet_rows(emulator: SheetsEmulator) -> dict[str, list[str]]:
    """Sheet rows keyed by id, formatted as a reader sees them; fails on a duplicated id."""
    rows = emulator.values(KEY, TAB)[1:]
    ids = [r[0] for r in rows if r and r[0].strip()]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    LEDGER["duplicates"] += len(dupes)
    assert not dupes, f"duplicated rows in the sheet: {dupes}"
    return {r[0]: r + [""] * (len(HEADERS) - len(r)) for r in rows if r and r[0].strip()}


def writes(emulator: SheetsEmulator) -> int:
    return sum(emulator.counts[k] for k in WRITE_KINDS)


# --------------------------------------------------------------------------------------------
# Pull


def test_pull_keeps_text_ids_korean_headers_dates_and_formula_values_cell_for_cell(
    repo: Path, emulator: SheetsEmulator
) -> None:
    result, remote = run_sync(repo)

    assert sorted(result.plan.new_from_sheet) == ["007", "1810.04805", "2101.10000"]
    loaded = {p.id: p for p in store.load_papers_strict(repo)}
    assert sorted(loaded) == ["007", "1810.04805", "2101.10000"]  # trailing empty rows ignored
    bert, odd, bond = loaded["1810.04805"], loaded["2101.10000"], loaded["007"]
    # The formula cell reads as its value, not as "=CONCATENATE(...)".
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"  # fmt: skip
    assert bert.arxiv == "1810.04805" and bert.authors == ["Jacob Devlin", "Ming-Wei Chang"]
    assert bert.topics == ["pretraining", "사전학습"] and bert.status.value == "assigned"
    assert bert.year == 2019 and bert.venue == "NAACL" and bert.readers == ["jiwoo"]
    assert odd.title == "숫자처럼 보이는 아이디" and odd.authors == ["홍길동"]
    assert odd.status.value == "proposed" and odd.added_on == dt.date(2025, 6, 2)
    assert bond.title == "Licence to Parse" and bond.presenter == "minseo"
    assert bond.presented_on == dt.date(2025, 7, 8) and bond.slides == "https://example.org/s"
    assert bond.status.value == "read" and bond.added_on == dt.date(2025, 6, 3)
    # The files spell the ids as text, so no YAML reader turns them into numbers.
    assert "2101.10000" in store.paper_path(repo, "2101.10000").read_text(encoding="utf-8")
    # Cell for cell: every non-empty cell of the sheet is in the paper, as the sheet shows it.
    fields = ["id", "title", "authors", "year", "venue", "arxiv", "url", "topics", "status",
              "readers", "presenter", "presented_on", "slides", "added_on"]  # fmt: skip
    shown = {"배정": "assigned", "제안": "proposed", "읽음": "read"}
    for row in emulator.values(KEY, TAB)[1:4]:
        data = loaded[row[0]].model_dump(mode="json")
        for name, cell in zip(fields, row, strict=False):
            value = data[name]
            text = (
                ", ".join(value)
                if isinstance(value, list)
                else ("" if value is None else str(value))
            )
            assert text == shown.get(cell, cell), (row[0], name)
    # Pulling wrote nothing to the sheet and cost three requests (metadata, one values read,
    # and the id/arXiv columns once more unformatted, since their cells look like numbers).
    assert writes(emulator) == 0
    assert remote.request_count == emulator.total_requests == 3
    assert emulator.counts["values.get"] == 1


def test_user_entered_would_turn_ids_into_numbers_so_pushes_are_raw(
    repo: Path, emulator: SheetsEmulator
) -> None:
    run_sync(repo)
    store.write_paper(repo, Paper(id="2402.10000", title="Trailing zeros", added_on="2025-08-01"))
    store.write_paper(repo, Paper(id="0042", title="Leading zeros"))
    result, _ = run_sync(repo)

    assert sorted(result.plan.new_to_sheet) == ["0042", "2402.10000"]
    rows = sheet_rows(emulator)
    assert rows["2402.10000"][13] == "2025-08-01" and rows["0042"][1] == "Leading zeros"
    # Stored as text cells, not numbers (UNFORMATTED shows the stored type).
    raw = {r[0]: r for r in emulator.values(KEY, TAB, render="UNFORMATTED_VALUE")[1:] if r}
    assert raw["2402.10000"][0] == "2402.10000" and raw["0042"][0] == "0042"
    # The same text typed as USER_ENTERED is what the team would lose.
    emulator.set_cell(KEY, TAB, "A20", "2402.10000")
    emulator.set_cell(KEY, TAB, "A21", "0042")
    assert emulator.values(KEY, TAB)[19][0] == "2402.1"
    assert emulator.values(KEY, TAB)[20][0] == "42"


# --------------------------------------------------------------------------------------------
# Two-way


def test_local_and_sheet_edits_in_different_cells_both_survive_within_six_requests(
    repo: Path, emulator: SheetsEmulator
) -> None:
    run_sync(repo)
    edit_paper(repo, "007", title="Licence to Parse Again")  # local: 제목 of 007
    emulator.set_cell(KEY, TAB, "I3", "읽음")  # sheet: 상태 of 2101.10000
    emulator.reset_counts()

    result, remote = run_sync(repo)

    assert [(c.paper_id, c.field) for c in result.plan.pushes] == [("007", "title")]
    assert [(c.paper_id, c.field) for c in result.plan.pulls] == [("2101.10000", "status")]
    assert sheet_rows(emulator)["007"][1] == "Licence to Parse Again"
    assert paper(repo, "2101.10000").status.value == "read"
    assert paper(repo, "007").title == "Licence to Parse Again"
    # One batch_update holding exactly the changed cell, RAW.
    assert emulator.counts["values.batchUpdate"] == 1 and emulator.counts["values.append"] == 0
    assert remote.request_count == emulator.total_requests <= 6
    LEDGER["edits"] += 2


def test_same_cell_edited_on_both_sides_is_a_conflict_and_nothing_is_pushed(
    repo: Path, emulator: SheetsEmulator
) -> None:
    run_sync(repo)
    edit_paper(repo, "007", title="Local title")
    emulator.set_cell(KEY, TAB, "B4", "Sheet title")
    edit_paper(repo, "2101.10000", venue="ICLR")  # a clean local edit, also held back
    sheet_before = emulator.values(KEY, TAB, render="FORMULA")
    files_before = snapshot_tree(repo)

    with pytest.raises(ConflictError) as caught:
        run_sync(repo)

    assert "007 title" in str(caught.value) and "sheet row 4" in str(caught.value)
    assert emulator.values(KEY, TAB, render="FORMULA") == sheet_before
    assert writes(emulator) == 0
    assert snapshot_tree(repo) == files_before
    LEDGER["edits"] += 3


def test_row_deleted_in_the_sheet_is_reported_and_kept_locally(
    repo: Path, emulator: SheetsEmulator
) -> None:
    run_sync(repo)
    emulator.delete_row(KEY, TAB, 3)  # 2101.10000

    result, _ = run_sync(repo)

    assert result.plan.deleted_in_sheet == ["2101.10000"]
    assert paper(repo, "2101.10000").title == "숫자처럼 보이는 아이디"
    assert "2101.10000" not in sheet_rows(emulator)  # reported, not re-added behind their back
    assert writes(emulator) == 0


# --------------------------------------------------------------------------------------------
# Faults


def _prepare_push(repo: Path, emulator: SheetsEmulator) -> dict[str, tuple[str, int, str]]:
    """A synced repo with a local edit, a sheet edit and a new local paper; the edits to keep."""
    run_sync(repo)
    edit_paper(repo, "007", title="Licence to Parse 2")
    emulator.set_cell(KEY, TAB, "E3", "ICLR")  # 학회 of 2101.10000, edited in the browser
    store.write_paper(repo, Paper(id="2403.00001", title="새 논문", topics=["LLM"]))
    emulator.reset_counts()
    # id -> (field, sheet column index, value) that must survive everywhere
    return {
        "007": ("title", 1, "Licence to Parse 2"),
        "2101.10000": ("venue", 4, "ICLR"),
        "2403.00001": ("title", 1, "새 논문"),
    }


def _lost_edits(repo: Path, emulator: SheetsEmulator, edits: dict) -> int:
    rows = sheet_rows(emulator)
    lost = 0
    for paper_id, (name, col, value) in edits.items():
        in_sheet = rows.get(paper_id, [""] * len(HEADERS))[col] == value
        local = getattr(paper(repo, paper_id), name) == value
        lost += (not in_sheet) + (not local)
    LEDGER["edits"] += 2 * len(edits)
    LEDGER["lost"] += lost
    return lost


def test_429_storm_gives_up_after_bounded_retries_with_no_partial_write(
    repo: Path, emulator: SheetsEmulator
) -> None:
    edits = _prepare_push(repo, emulator)
    sheet_before = emulator.values(KEY, TAB, render="FORMULA")
    files_before = snapshot_tree(repo)
    # The storm starts at the first write (after metadata, read and re-check succeeded): the
    # second batchGet is the re-check (the first reads the id columns unformatted).
    batch_gets: list[int] = []

    def storm(emu: SheetsEmulator) -> None:
        batch_gets.append(1)
        if len(batch_gets) == 2:
            emu.fail_next(100, 429)

    emulator.on("values.batchGet", storm, times=2)
    sleeps: list[float] = []

    with pytest.raises(RemoteError) as caught:
        sync(repo, apply=True, remote=remote_for(repo, sleeps))

    message = str(caught.value)
    assert "HTTP 429" in message and "5 times" in message and "run `tracker sync` again" in message
    assert emulator.counts["values.batchUpdate"] == 5  # bounded: 5 attempts, then stop
    assert emulator.counts["values.append"] == 0
    assert len(sleeps) == 4 and all(0 <= s <= 32 for s in sleeps)
    assert emulator.values(KEY, TAB, render="FORMULA") == sheet_before  # nothing partial
    assert snapshot_tree(repo) == files_before
    LEDGER["faults"] += emulator.faults_injected

    emulator.reset_counts()  # the quota recovers; the next run completes
    run_sync(repo)
    assert _lost_edits(repo, emulator, edits) == 0


def test_short_429_burst_is_retried_transparently(repo: Path, emulator: SheetsEmulator) -> None:
    edits = _prepare_push(repo, emulator)
    emulator.fail_next(3, 429)
    sleeps: list[float] = []
    sync(repo, apply=True, remote=remote_for(repo, sleeps))
    assert len(sleeps) == 3 and emulator.faults_injected == 3
    LEDGER["faults"] += emulator.faults_injected
    assert _lost_edits(repo, emulator, edits) == 0


# Request numbers in a pushing sync: 1 metadata, 2 values.get, 3 re-check, 4 cells, 5 append.
FAULTS = {
    "500 on the cell write": [(4, 500, False)],
    "500 on the cell write after it took effect": [(4, 500, True)],
    "dropped connection on the cell write after it took effect": [(4, "drop", True)],
    "dropped connection on the append before it arrived": [(5, "drop", False)],
    "dropped connection on the append after it took effect": [(5, "drop", True)],
    "500 on the append after it took effect": [(5, 500, True)],
    "dropped append, then the re-append dropped too": [(5, "drop", False), (7, "drop", True)],
    "five 500s on the cell write, the first one took effect": [
        (4, 500, True),
        (5, 500, False),
        (6, 500, False),
        (7, 500, False),
        (8, 500, False),
    ],  # fmt: skip
}


@pytest.mark.parametrize("faults", FAULTS.values(), ids=FAULTS.keys())
def test_fault_in_the_middle_of_a_push_converges_on_rerun_without_duplicates_or_losses(
    repo: Path, emulator: SheetsEmulator, faults: list[tuple[int, int | str, bool]]
) -> None:
    edits = _prepare_push(repo, emulator)
    for nth, status, apply_first in faults:
        emulator.fail_request(nth, status, apply_first=apply_first)

    runs = 0
    for _ in range(3):
        runs += 1
        try:
            run_sync(repo)
            break
        except RemoteError as exc:
            assert "run `tracker sync" in str(exc)  # says what to do
    injected = emulator.faults_injected
    LEDGER["faults"] += injected
    assert injected == len(faults)
    assert runs <= 2
    final, _ = run_sync(repo)  # converged: nothing left to do
    assert not final.plan.has_changes
    assert _lost_edits(repo, emulator, edits) == 0
    assert sorted(sheet_rows(emulator)) == ["007", "1810.04805", "2101.10000", "2403.00001"]


def test_person_editing_a_target_cell_between_read_and_write_aborts_without_overwriting(
    repo: Path, emulator: SheetsEmulator
) -> None:
    edits = _prepare_push(repo, emulator)
    # The re-check is the batchGet right before the write: the person types just before it.
    emulator.on("values.batchGet", lambda emu: emu.set_cell(KEY, TAB, "B4", "사람이 고친 제목"))
    files_before = snapshot_tree(repo)

    with pytest.raises(ConcurrentEditError) as caught:
        run_sync(repo)

    assert "someone edited row 4" in str(caught.value) and "run sync again" in str(caught.value)
    assert sheet_rows(emulator)["007"][1] == "사람이 고친 제목"  # not overwritten
    assert emulator.counts["values.batchUpdate"] == 0 and emulator.counts["values.append"] == 0
    assert snapshot_tree(repo) == files_before
    LEDGER["faults"] += 1

    # The rerun sees both edits of the same cell: a conflict, still nothing overwritten.
    with pytest.raises(ConflictError):
        run_sync(repo)
    assert sheet_rows(emulator)["007"][1] == "사람이 고친 제목"
    assert paper(repo, "007").title == edits["007"][2]
    LEDGER["edits"] += 2


def test_person_deleting_a_row_between_read_and_write_aborts_instead_of_writing_a_shifted_row(
    repo: Path, emulator: SheetsEmulator
) -> None:
    run_sync(repo)
    edit_paper(repo, "007", venue="ICLR")  # sheet row 4, 학회 (column E) is empty
    # Deleting row 3 moves a blank-looking row under row 4, whose column E is also empty.
    emulator.on("values.batchGet", lambda emu: emu.delete_row(KEY, TAB, 3))
    before = emulator.values(KEY, TAB, render="FORMULA")

    with pytest.raises(ConcurrentEditError, match="deleted or re-sorted rows"):
        run_sync(repo)

    assert emulator.counts["values.batchUpdate"] == 0
    assert emulator.values(KEY, TAB, render="FORMULA") == before[:2] + before[3:]
    LEDGER["faults"] += 1


# --------------------------------------------------------------------------------------------
# Bad sheets


BAD_SHEETS = {
    "duplicate header": (
        lambda rows: rows[0].__setitem__(4, "제목"),
        "column E: header '제목' repeats column B",
    ),
    "blank header": (lambda rows: rows[0].__setitem__(4, ""), "column E: blank header"),
    "duplicate id": (
        lambda rows: rows[3].__setitem__(0, "'2101.10000"),
        "row 4, column A: duplicate id",
    ),  # fmt: skip
    "missing title": (lambda rows: rows[2].__setitem__(1, ""), "row 3, column B (title)"),
}


@pytest.mark.parametrize("case", BAD_SHEETS.values(), ids=BAD_SHEETS.keys())
def test_bad_sheet_is_refused_naming_the_row_and_nothing_is_written(
    tmp_path: Path, emulator: SheetsEmulator, case: tuple
) -> None:
    breaks, expected = case
    rows = [list(r) for r in SHEET_ROWS]
    breaks(rows)
    root = tmp_path / "team"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "team.yaml").write_text(TEAM_YAML, encoding="utf-8")
    emulator.add_spreadsheet(KEY, worksheets={TAB: rows}, shared_with={EMAIL})
    before = emulator.values(KEY, TAB, render="FORMULA")
    files_before = snapshot_tree(root)

    with pytest.raises(SheetError) as caught:
        run_sync(root)

    assert expected in str(caught.value)
    assert emulator.values(KEY, TAB, render="FORMULA") == before and writes(emulator) == 0
    assert snapshot_tree(root) == files_before


# --------------------------------------------------------------------------------------------
# Request budget


def big_sheet(rows: int) -> list[list[str]]:
    data = [HEADERS]
    for i in range(rows):
        data.append([f"'2{i // 1000:03d}.{i % 1000:05d}", f"논문 {i}", "저자 A, 저자 B", "2020",
                     "", "", "", "nlp", "제안", "", "", "", "", "2025-06-01"])  # fmt: skip
    return data


def test_two_thousand_row_sheet_costs_at_most_4_requests_unchanged_and_6_changed(
    tmp_path: Path, emulator: SheetsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "team"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "team.yaml").write_text(TEAM_YAML, encoding="utf-8")
    emulator.add_spreadsheet(KEY, worksheets={TAB: big_sheet(2000)}, shared_with={EMAIL})
    # This test counts requests; durability of 2,000 file writes is pinned elsewhere.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    first, _ = run_sync(root)
    assert len(first.plan.new_from_sheet) == 2000

    emulator.reset_counts()
    unchanged, remote = run_sync(root)
    assert not unchanged.plan.has_changes
    assert remote.request_count == emulator.total_requests <= 4

    edit_paper(root, "2000.00017", status="read")
    emulator.set_cell(KEY, TAB, "B1500", "고친 제목")
    store.write_paper(root, Paper(id="2403.99999", title="새 논문"))
    emulator.reset_counts()
    changed, remote = run_sync(root)
    assert len(changed.plan.pushes) == 1 and len(changed.plan.pulls) == 1
    assert changed.plan.new_to_sheet == ["2403.99999"]
    assert remote.request_count == emulator.total_requests <= 6


# --------------------------------------------------------------------------------------------
# The command line


def test_cli_sync_json_reports_the_api_request_count(repo: Path, emulator: SheetsEmulator) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    result = CliRunner().invoke(app, ["sync", "--root", str(repo), "--apply", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sorted(data["new_from_sheet"]) == ["007", "1810.04805", "2101.10000"]
    assert data["api_requests"] == emulator.total_requests == 3

    human = CliRunner().invoke(app, ["sync", "--root", str(repo)])
    assert "Google Sheets API requests: 3" in human.output


def test_cli_error_for_an_unshared_sheet_names_the_email_and_hides_the_key(
    repo: Path, emulator: SheetsEmulator, service_account_key: str
) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    emulator.spreadsheets[KEY].shared_with = {"someone-else@example.com"}
    files_before = snapshot_tree(repo)

    result = CliRunner().invoke(app, ["sync", "--root", str(repo), "--apply"])

    assert result.exit_code == 3  # RemoteError
    assert EMAIL in result.output and "Share" in result.output
    private_key = json.loads(service_account_key)["private_key"]
    for line in private_key.splitlines()[1:-1]:
        assert line not in result.output
    assert "0123456789abcdef0123456789abcdef" not in result.output
    assert snapshot_tree(repo) == files_before
