"""Sync with the embedded spreadsheet remote (real CSV and XLSX files, edited on both sides)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.repo import (  # noqa: F401 - re-exported for older imports
    HEADER,
    SHEET,
    edit_paper,
    read_rows,
    set_cell,
    snapshot_tree,
    write_rows,
    write_team_repo,
)
from tracker import store
from tracker.errors import ConflictError, DataError, SheetError
from tracker.remotes.file import FileRemote
from tracker.sync import sync


def test_first_sync_pulls_every_row_with_text_ids_and_korean_intact(team_repo: Path) -> None:
    result = sync(team_repo, apply=True)
    assert sorted(result.plan.new_from_sheet) == ["007", "1810.04805", "2101.10000"]
    odd = store.read_paper(store.paper_path(team_repo, "2101.10000"))
    assert odd.id == "2101.10000" and odd.title == "숫자처럼 보이는 아이디"
    bond = store.read_paper(store.paper_path(team_repo, "007"))
    assert bond.id == "007"
    assert str(bond.presented_on) == "2025-07-08"
    bert = store.read_paper(store.paper_path(team_repo, "1810.04805"))
    assert bert.topics == ["pretraining", "사전학습"]
    assert bert.authors[1] == "Ming-Wei Chang"


def test_sync_twice_is_a_no_op_and_leaves_the_sheet_byte_exact(synced_repo: Path) -> None:
    before = snapshot_tree(synced_repo)
    result = sync(synced_repo, apply=True)
    assert not result.plan.has_changes
    assert snapshot_tree(synced_repo) == before


def test_non_overlapping_edits_on_both_sides_are_both_kept(synced_repo: Path) -> None:
    set_cell(
        synced_repo, "1810.04805", "발표일", "2025. 7. 15"
    )  # a Korean-locale date in the sheet
    set_cell(synced_repo, "007", "제목", "Licence to Parse (개정판)")
    edit_paper(synced_repo, "1810.04805", readers=["jiwoo", "minseo"])
    edit_paper(synced_repo, "2101.10000", status="read")

    result = sync(synced_repo, apply=True)
    assert {(c.paper_id, c.field) for c in result.plan.pulls} == {
        ("1810.04805", "presented_on"),
        ("007", "title"),
    }
    assert {(c.paper_id, c.field) for c in result.plan.pushes} == {
        ("1810.04805", "readers"),
        ("2101.10000", "status"),
    }
    bert = store.read_paper(store.paper_path(synced_repo, "1810.04805"))
    assert str(bert.presented_on) == "2025-07-15" and bert.readers == ["jiwoo", "minseo"]
    assert (
        store.read_paper(store.paper_path(synced_repo, "007")).title == "Licence to Parse (개정판)"
    )
    rows = {r[0]: r for r in read_rows(synced_repo)[1:]}
    header = read_rows(synced_repo)[0]
    assert rows["1810.04805"][header.index("담당자")] == "jiwoo, minseo"
    assert rows["2101.10000"][header.index("상태")] == "read"
    # Both sides agree now: a second sync has nothing to do.
    assert not sync(synced_repo).plan.has_changes


def test_same_cell_edited_on_both_sides_is_a_conflict_and_nothing_is_written(
    synced_repo: Path,
) -> None:
    set_cell(synced_repo, "1810.04805", "상태", "read")
    set_cell(synced_repo, "007", "제목", "sheet edit elsewhere")
    edit_paper(synced_repo, "1810.04805", status="summarised")
    before = snapshot_tree(synced_repo)

    with pytest.raises(ConflictError) as info:
        sync(synced_repo, apply=True)
    message = str(info.value)
    assert "1810.04805 status" in message and "'summarised'" in message and "'read'" in message
    assert snapshot_tree(synced_repo) == before

    # The person settles it by choosing a side.
    result = sync(synced_repo, apply=True, take="sheet")
    assert store.read_paper(store.paper_path(synced_repo, "1810.04805")).status.value == "read"
    assert result.plan.conflicts == []


def test_row_deleted_in_the_sheet_is_reported_and_the_file_kept(synced_repo: Path) -> None:
    rows = [r for r in read_rows(synced_repo) if r[0] != "007"]
    write_rows(synced_repo, rows)
    result = sync(synced_repo, apply=True)
    assert result.plan.deleted_in_sheet == ["007"]
    assert store.paper_path(synced_repo, "007").is_file()
    assert "007" not in {r[0] for r in read_rows(synced_repo)}, "the deletion is not undone either"
    # Reported again next time, until a person decides.
    assert sync(synced_repo).plan.deleted_in_sheet == ["007"]


def test_file_deleted_locally_is_reported_and_the_row_kept(synced_repo: Path) -> None:
    store.paper_path(synced_repo, "007").unlink()
    result = sync(synced_repo, apply=True)
    assert result.plan.deleted_locally == ["007"]
    assert "007" in {r[0] for r in read_rows(synced_repo)}
    assert not store.paper_path(synced_repo, "007").exists()


def test_new_local_paper_is_appended_to_the_sheet(synced_repo: Path) -> None:
    from tracker.models import Paper

    store.write_paper(
        synced_repo,
        Paper(id="glove-2014", title="GloVe: Global Vectors for Word Representation", year=2014),
    )
    sync(synced_repo, apply=True)
    rows = read_rows(synced_repo)
    assert rows[-1][0] == "glove-2014" and rows[-1][1].startswith("GloVe")
    assert len(rows) == 5


def test_bom_and_crlf_are_preserved_on_write(tmp_path: Path) -> None:
    root = write_team_repo(tmp_path / "t", bom=True)
    data = (root / SHEET).read_bytes().replace(b"\n", b"\r\n")
    (root / SHEET).write_bytes(data)
    sync(root, apply=True)
    edit_paper(root, "007", status="summarised")
    sync(root, apply=True)
    after = (root / SHEET).read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in after and b"\n" not in after.replace(b"\r\n", b"")
    assert "제목".encode() in after


def test_concurrent_edit_of_the_file_between_read_and_write_aborts(synced_repo: Path) -> None:
    edit_paper(synced_repo, "007", status="summarised")
    remote = FileRemote(synced_repo / SHEET)
    original_read = remote.read
    calls = {"n": 0}

    def read_then_someone_edits():  # noqa: ANN202
        table = original_read()
        calls["n"] += 1
        if calls["n"] == 1:
            set_cell(synced_repo, "2101.10000", "제목", "edited by a person meanwhile")
        return table

    remote.read = read_then_someone_edits  # type: ignore[method-assign]
    sheet_before = None
    from tracker.errors import ConcurrentEditError

    with pytest.raises(ConcurrentEditError, match="edited while syncing"):
        sheet_before = (synced_repo / SHEET).read_bytes()
        sync(synced_repo, apply=True, remote=remote)
    assert sheet_before is not None
    rows = {r[0]: r for r in read_rows(synced_repo)[1:]}
    assert rows["2101.10000"][1] == "edited by a person meanwhile"
    assert rows["007"][8] == "read", "our push must not have happened"


def _xlsx_remote(root: Path) -> tuple[Any, Any]:
    """Switch the team's remote from reading-list.csv to a new, empty reading-list.xlsx:
    (the openpyxl workbook to fill and save, its sheet)."""
    import openpyxl

    team_file = root / "papers" / "team.yaml"
    team = team_file.read_text(encoding="utf-8").replace("reading-list.csv", "reading-list.xlsx")
    team_file.write_text(team, encoding="utf-8")
    workbook = openpyxl.Workbook()
    return workbook, workbook.active


def test_xlsx_remote_round_trips_text_ids_and_korean(tmp_path: Path) -> None:
    import openpyxl

    root = write_team_repo(tmp_path / "x")
    workbook, sheet = _xlsx_remote(root)
    for r_index, line in enumerate(read_rows(root), start=1):
        for c_index, value in enumerate(line, start=1):
            cell = sheet.cell(row=r_index, column=c_index, value=value or None)
            cell.number_format = "@"
    workbook.save(root / "papers" / "reading-list.xlsx")

    sync(root, apply=True)
    assert store.read_paper(store.paper_path(root, "2101.10000")).id == "2101.10000"
    edit_paper(root, "1810.04805", readers=["jiwoo", "minseo"])
    sync(root, apply=True)
    values = [
        [c.value for c in row]
        for row in openpyxl.load_workbook(root / "papers" / "reading-list.xlsx").active.iter_rows()
    ]
    by_id = {row[0]: row for row in values[1:]}
    assert set(by_id) == {"1810.04805", "2101.10000", "007"}
    assert by_id["1810.04805"][values[0].index("담당자")] == "jiwoo, minseo"
    assert values[0][1] == "제목"


def test_xlsx_id_stored_as_a_number_is_refused(tmp_path: Path) -> None:
    root = write_team_repo(tmp_path / "x", rows=[])
    workbook, sheet = _xlsx_remote(root)
    sheet.append(HEADER.split(","))
    sheet.append([2101.1, "A numeric id"])
    workbook.save(root / "papers" / "reading-list.xlsx")
    before = snapshot_tree(root)
    with pytest.raises(SheetError, match=r"row 2, column A \(id\).*stored as a number"):
        sync(root, apply=True)
    assert snapshot_tree(root) == before


BAD_SHEETS = [
    (
        "duplicate ids",
        [HEADER, "a,One", "b,Two", "a,Three"],
        r"row 4, column A: duplicate id 'a' \(also row 2\)",
    ),
    (
        "blank header",
        ["ID,제목,,연도", "a,One,stray value,2020"],
        r"column C: blank header above cells with data",
    ),
    (
        "duplicate header",
        ["ID,제목,제목", "a,One,Two"],
        r"column C: header '제목' repeats column B",
    ),
    (
        "unknown header",
        ["ID,제목,메모", "a,One,x"],
        r"column C: header '메모' is not in the column mapping",
    ),
    ("missing title", [HEADER, "a,"], r"row 2, column B \(title\): no title"),
    ("malformed year", [HEADER, "a,One,,twenty"], r"row 2, column D \(year\): year 'twenty'"),
    (
        "malformed date",
        [HEADER, "a,One" + "," * 10 + "next tuesday"],
        r"row 2, column L \(presented_on\): date 'next tuesday'",
    ),
    (
        "unknown status",
        [HEADER, "a,One" + "," * 7 + "almost done"],
        r"row 2, column I \(status\): unknown status 'almost done'",
    ),
    (
        "bad id",
        [HEADER, "BERT paper,One"],
        r"row 2, column A \(id\): id 'BERT paper' is not a valid id",
    ),
    ("no id", [HEADER, ",Untitled id"], r"row 2, column A: no id"),
]


@pytest.mark.parametrize(("case", "lines", "expected"), BAD_SHEETS, ids=[c[0] for c in BAD_SHEETS])
def test_bad_sheets_name_row_and_column_and_change_nothing(
    tmp_path: Path, case: str, lines: list[str], expected: str
) -> None:
    root = write_team_repo(tmp_path / "bad", rows=[])
    (root / SHEET).write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot_tree(root)
    with pytest.raises(SheetError, match=expected) as info:
        sync(root, apply=True)
    assert "fix:" in str(info.value)
    assert snapshot_tree(root) == before


def test_trailing_empty_rows_and_bom_are_ignored(tmp_path: Path) -> None:
    root = write_team_repo(tmp_path / "t", rows=["a,가나다 논문,,2020", ",,,", ",,,,,"], bom=True)
    result = sync(root, apply=True)
    assert result.plan.new_from_sheet == ["a"]
    assert store.read_paper(store.paper_path(root, "a")).title == "가나다 논문"


def test_broken_local_paper_stops_sync_before_anything_is_written(synced_repo: Path) -> None:
    (synced_repo / "papers" / "007.md").write_text(
        "---\nid: 007\ntitle: [broken\n---\n", encoding="utf-8"
    )
    set_cell(synced_repo, "1810.04805", "상태", "read")
    before = snapshot_tree(synced_repo)
    with pytest.raises(DataError, match=r"papers/007.md:3"):
        sync(synced_repo, apply=True)
    assert snapshot_tree(synced_repo) == before


def test_dry_run_writes_nothing(synced_repo: Path) -> None:
    set_cell(synced_repo, "1810.04805", "상태", "read")
    edit_paper(synced_repo, "007", status="summarised")
    before = snapshot_tree(synced_repo)
    result = sync(synced_repo)
    assert result.plan.pulls and result.plan.pushes
    assert snapshot_tree(synced_repo) == before


def test_new_papers_keep_the_sheets_added_on_else_are_dated_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TODAY", "2025-09-09")
    dated = write_team_repo(
        tmp_path / "dated", rows=["x1,Dated,,,,,,,,,,,,2025-06-01", "x2,Empty cell,,,,,,,,,,,,"]
    )
    sync(dated, apply=True)
    added = {p.id: p.added_on for p in store.load_papers(dated).papers}
    assert added == {"x1": dt.date(2025, 6, 1), "x2": None}  # an empty cell is kept empty
    undated = write_team_repo(tmp_path / "undated", rows=[])
    write_rows(undated, [["ID", "제목", "상태"], ["x3", "No date column", "읽음"]])
    sync(undated, apply=True)
    paper = store.read_paper(store.paper_path(undated, "x3"))
    assert paper.added_on == dt.date(2025, 9, 9) and paper.status.value == "read"
