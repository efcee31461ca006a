"""Google Sheets edge cases: a number typed into the id or arXiv column, a wholly blank first
tab, and a dropped connection to the token endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.gsheets import EMAIL, HEADERS, KEY, SHEET_ROWS, TAB, TEAM_YAML, remote_for
from tests.sheets_emulator import SheetsEmulator
from tracker import store
from tracker.errors import RemoteError, SheetError
from tracker.models import Paper
from tracker.sync import sync

pytest_plugins = ["tests.test_gsheets_sync"]


def _team(tmp_path: Path, rows: list[list[str]], emulator: SheetsEmulator) -> Path:
    root = tmp_path / "team"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "team.yaml").write_text(TEAM_YAML, encoding="utf-8")
    emulator.add_spreadsheet(KEY, worksheets={TAB: rows}, shared_with={EMAIL})
    return root


@pytest.mark.parametrize("column", [0, 5], ids=["id", "arxiv"])
def test_a_number_typed_into_the_id_or_arxiv_column_is_refused_with_the_fix(
    tmp_path: Path, emulator: SheetsEmulator, column: int
) -> None:
    rows = [list(r) for r in SHEET_ROWS]
    rows[2][column] = "2101.10000"  # typed without the apostrophe: the sheet keeps 2101.1
    if column == 5:
        rows[2][0] = "'2101.10000"
    root = _team(tmp_path, rows, emulator)
    assert emulator.values(KEY, TAB)[2][column] == "2101.1"
    with pytest.raises(SheetError, match="stored as a number") as caught:
        sync(root, apply=True, remote=remote_for(root))
    assert "row 3" in str(caught.value) and "plain text" in str(caught.value)
    assert list((root / "papers").glob("*.md")) == []


def test_a_wholly_blank_first_tab_is_empty_and_gets_the_header(
    tmp_path: Path, emulator: SheetsEmulator
) -> None:
    root = _team(tmp_path, [], emulator)
    store.write_paper(root, Paper(id="lstm-1997", title="LSTM", year=1997))
    result = sync(root, apply=True, remote=remote_for(root))
    assert result.plan.new_to_sheet == ["lstm-1997"]
    values = emulator.values(KEY, TAB)
    assert values[0][: len(HEADERS)] == HEADERS[: len(values[0])]
    assert values[1][0] == "lstm-1997" and values[1][1] == "LSTM"
    assert not sync(root, remote=remote_for(root)).plan.has_changes


def test_a_dropped_connection_to_the_token_endpoint_is_retried(
    tmp_path: Path, emulator: SheetsEmulator
) -> None:
    root = _team(tmp_path, SHEET_ROWS, emulator)
    emulator.drop_token_requests(2)
    sleeps: list[float] = []
    result = sync(root, apply=True, remote=remote_for(root, sleeps))
    assert len(result.plan.new_from_sheet) == 3
    assert len(sleeps) == 2 and emulator.faults_injected == 2


def test_a_token_endpoint_that_keeps_dropping_says_to_run_again(
    tmp_path: Path, emulator: SheetsEmulator
) -> None:
    root = _team(tmp_path, SHEET_ROWS, emulator)
    emulator.drop_token_requests(50)
    with pytest.raises(RemoteError) as caught:
        sync(root, apply=True, remote=remote_for(root, []))
    assert "sign in" in caught.value.message and "run" in (caught.value.fix or "")
    assert list((root / "papers").glob("*.md")) == []
