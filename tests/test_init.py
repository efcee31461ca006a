"""`tracker init`: a real team from day one, with its own sheet, its own members and its own name.

A new team's Korean sheet (columns in the team's own order, people written by name) goes
through init, `sync --apply`, `week` and `site build` in an empty folder; the same with a
Google Sheets URL against the loopback Sheets emulator; and every bad input is refused with a
message, a non-zero exit, and nothing written.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.helpers.repo import REPO, snapshot_tree
from tests.sheets_emulator import SheetsEmulator
from tracker import store
from tracker.cli.main import app
from tracker.init import propose_columns
from tracker.models import DEFAULT_COLUMNS, RemoteSettings
from tracker.people import Roster, propose_handles, romanise

runner = CliRunner()
TODAY = "2025-07-03"
TEAM_NAME = "언어모델 스터디"
SAMPLE_NAME = "NLP 논문 읽기 모임"
# The team's own order and words: not the tracker's defaults.
HEADERS = ["번호", "논문 제목", "읽는 사람", "진행상태", "저자", "년도", "발표자", "발표일", "슬라이드", "비고", "우선순위"]  # fmt: skip
# fmt: off
ROWS = [
    ["1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers", "김지우, 박민서", "읽음", "Jacob Devlin, Ming-Wei Chang", "2019", "김지우", "2025-07-08", "https://slides.example.org/bert", "중요", "1"],
    ["2101.10000", "숫자처럼 보이는 아이디", "박민서, 이서준", "배정", "홍길동", "2021", "", "", "", "", "2"],
    ["word2vec-2013", "Efficient Estimation of Word Representations", "", "제안", "Tomas Mikolov", "2013", "", "", "", "", "3"],
]
# fmt: on


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def invoke(*args: str, cwd: Path | None = None) -> object:
    result = runner.invoke(app, list(args))
    return result


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    monkeypatch.delenv("TRACKER_ROOT", raising=False)


@pytest.fixture
def new_team(tmp_path: Path, clock: None) -> Path:
    """`tracker init` in an empty folder with the team's Korean CSV."""
    sheet = write_csv(tmp_path / "읽기목록.csv", [HEADERS, *ROWS])
    target = tmp_path / "my-team"
    result = invoke(
        "init",
        str(target),
        "--name",
        TEAM_NAME,
        "--topic",
        "대규모 언어 모델",
        "--sheet",
        str(sheet),
    )
    assert result.exit_code == 0, result.output
    # Nothing guessed silently: the mapping and the roster it wrote are printed.
    assert "우선순위\tignore" in result.output and "header '우선순위' is not one" in result.output
    assert "jiu\t김지우" in result.output and "seojun\t이서준" in result.output
    return target


def team_yaml(root: Path) -> dict:
    return yaml.safe_load((root / "papers" / "team.yaml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# Handles and column proposals


def test_korean_names_romanise_to_handles_from_the_given_name() -> None:
    assert (
        romanise("지우") == "jiu" and romanise("민서") == "minseo" and romanise("한글") == "hangeul"
    )
    members = propose_handles(["김지우", "박민서", "남궁민수", "jiwoo"])
    assert [(m.handle, m.name) for m in members] == [
        ("jiu", "김지우"),
        ("minseo", "박민서"),
        ("minsu", "남궁민수"),
        ("jiwoo", "jiwoo"),
    ]


def test_two_people_with_one_given_name_both_get_their_surname() -> None:
    members = propose_handles(["김지우", "이지우", "박민서"])
    assert [m.handle for m in members] == ["kimjiu", "leejiu", "minseo"]


def test_a_roster_finds_members_by_handle_or_name_as_written() -> None:
    roster = Roster(propose_handles(["김지우", "박민서"]))
    assert roster.handle_of("김지우") == "jiu"
    assert roster.handle_of(" 김 지우 ") == "jiu"
    assert roster.handle_of("minseo") == "minseo"
    with pytest.raises(ValueError, match="'박지은' is not on the team's roster"):
        roster.handle_of("박지은")


def test_headers_map_from_korean_and_english_synonyms_unknown_ones_to_ignore() -> None:
    proposal = propose_columns(
        ["No.", "Paper Title", "담당자", "상태", "메모", "우선순위", "Slides"]
    )
    assert [(c.header, c.field) for c in proposal.columns] == [
        ("No.", "id"),
        ("Paper Title", "title"),
        ("담당자", "readers"),
        ("상태", "status"),
        ("메모", "notes"),
        ("우선순위", "ignore"),
        ("Slides", "slides"),
    ]
    assert proposal.unknown == ["우선순위"]


def test_editing_one_column_entry_keeps_the_other_defaults() -> None:
    settings = RemoteSettings(columns=[{"header": "논문 제목", "field": "title"}])
    fields = {c.field: c.header for c in settings.columns}
    assert fields["title"] == "논문 제목"
    assert fields["id"] == "ID" and fields["readers"] == "담당자"
    assert len(settings.columns) == len(DEFAULT_COLUMNS)
    # Several columns may be ignored at once.
    RemoteSettings(columns=[{"header": "a", "field": "ignore"}, {"header": "b", "field": "ignore"}])


# --------------------------------------------------------------------------------------------
# The whole first week of a new team


def test_init_writes_the_teams_own_repository(new_team: Path) -> None:
    data = team_yaml(new_team)
    assert data["name"] == TEAM_NAME and data["topic"] == "대규모 언어 모델"
    assert [(m["handle"], m["name"]) for m in data["members"]] == [
        ("jiu", "김지우"),
        ("minseo", "박민서"),
        ("seojun", "이서준"),
    ]
    # Every column of the sheet, in its order, the unknown one ignored.
    assert [c["header"] for c in data["remote"]["columns"]] == HEADERS
    assert data["remote"]["columns"][-1] == {"header": "우선순위", "field": "ignore"}
    assert data["remote"]["people"] == "name"
    assert data["remote"]["path"] == "papers/읽기목록.csv"
    mkdocs = (new_team / "mkdocs.yml").read_text(encoding="utf-8")
    assert f'site_name: "{TEAM_NAME}"' in mkdocs and "language: ko" in mkdocs
    workflow = (new_team / ".github/workflows/site.yml").read_text(encoding="utf-8")
    assert "actions/deploy-pages@" in workflow and "tracker site build --strict" in workflow
    assert not (new_team / ".github/workflows/sync.yml").exists()  # a file sheet needs no job
    readme = (new_team / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {TEAM_NAME}") and "tracker week" in readme
    everything = b"".join(snapshot_tree(new_team).values()).decode("utf-8")
    assert SAMPLE_NAME not in everything and "example.github.io" not in everything
    assert not list((new_team / "docs" / "meetings" / "posts").glob("*.md"))
    for asset in ("css/site.css", "javascripts/math.js", "javascripts/search_input.js"):
        assert (new_team / "docs/assets" / asset).read_bytes() == (
            REPO / "docs/assets" / asset
        ).read_bytes()


def test_the_site_templates_stay_the_projects_own(tmp_path: Path) -> None:
    """New teams get the project's own docs assets and mkdocs settings.

    The assets exist once: the package's templates hold them (an installed package cannot read
    the project's docs/), and the project's docs/assets/ files are links to them."""
    templates = REPO / "tracker" / "templates" / "team"
    shipped = sorted(
        p.relative_to(templates / "docs/assets").as_posix()
        for p in (templates / "docs/assets").rglob("*")
        if p.is_file()
    )
    ours = sorted(
        p.relative_to(REPO / "docs/assets").as_posix()
        for p in (REPO / "docs/assets").rglob("*")
        if p.is_file() and not {"vendor", "avatars"} & set(p.parts)
    )
    assert shipped == ours, "docs/assets and tracker/templates/team/docs/assets list other files"
    for relative in shipped:
        link = REPO / "docs/assets" / relative
        assert (
            link.is_symlink() and link.resolve() == (templates / "docs/assets" / relative).resolve()
        ), f"docs/assets/{relative} must be a link to tracker/templates/team/docs/assets/{relative}"
        assert (templates / "docs/assets" / relative).read_bytes() == (
            REPO / "docs/assets" / relative
        ).read_bytes(), f"copy docs/assets/{relative} to tracker/templates/team/docs/assets/"
    ours = (REPO / "mkdocs.yml").read_text(encoding="utf-8").split("\ntheme:\n", 1)[1]
    theirs = (templates / "mkdocs.yml").read_text(encoding="utf-8").split("\ntheme:\n", 1)[1]
    assert theirs == ours.replace("language: ko", "language: $language", 1)


def test_after_init_sync_week_and_site_build_run_as_the_new_team(
    new_team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(new_team)
    synced = invoke("sync", "--apply")
    assert synced.exit_code == 0, synced.output
    bert = store.read_paper(new_team / "papers" / "1810.04805.md")
    assert bert.readers == ["jiu", "minseo"] and bert.presenter == "jiu"
    assert bert.notes == "중요"
    odd = store.read_paper(new_team / "papers" / "2101.10000.md")
    assert odd.id == "2101.10000" and odd.readers == ["minseo", "seojun"]
    listed = invoke("papers", "list", "--reader", "박민서", "--json")
    assert listed.exit_code == 0, listed.output
    assert [p["id"] for p in json.loads(listed.output)["papers"]] == ["1810.04805", "2101.10000"]

    week = invoke("week")
    assert week.exit_code == 0, week.output
    assert f"{TEAM_NAME} — 주간 준비 ({TODAY})" in week.output  # in the team's Korean
    assert "docs/meetings/2025-07-08.md" in week.output
    assert "김지우 (@jiu)\t1/20" in week.output  # the quota table names people
    built = invoke("site", "build")
    assert built.exit_code == 0, built.output
    index = (new_team / "site" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{TEAM_NAME}</title>" in index
    for page in (new_team / "site").rglob("*.html"):
        assert SAMPLE_NAME not in page.read_text(encoding="utf-8"), page
    member = (new_team / "site" / "members" / "jiu" / "index.html").read_text(encoding="utf-8")
    assert "김지우" in member


def test_a_push_writes_names_where_the_sheet_uses_names(
    new_team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(new_team)
    assert invoke("sync", "--apply").exit_code == 0
    paper = store.read_paper(new_team / "papers" / "word2vec-2013.md")
    store.write_paper(
        new_team, paper.model_copy(update={"readers": ["seojun", "jiu"], "body": paper.body})
    )
    pushed = invoke("sync", "--apply")
    assert pushed.exit_code == 0, pushed.output
    rows = list(csv.reader(io.StringIO((new_team / "papers/읽기목록.csv").read_text("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "word2vec-2013")
    assert row[HEADERS.index("읽는 사람")] == "이서준, 김지우"
    assert row[HEADERS.index("우선순위")] == "3"  # the ignored column is left as it was
    again = invoke("sync", "--json")
    assert json.loads(again.output)["pulled"] == [] and json.loads(again.output)["pushed"] == []


# --------------------------------------------------------------------------------------------
# Bad input: a message, a non-zero exit, nothing written


def refused(tmp_path: Path, rows: list[list[str]], *extra: str) -> tuple[object, Path]:
    sheet = write_csv(tmp_path / "list.csv", rows)
    target = tmp_path / "team"
    result = invoke(
        "init", str(target), "--name", "팀", "--topic", "NLP", "--sheet", str(sheet), *extra
    )
    return result, target


def test_a_sheet_without_a_header_row_is_refused(tmp_path: Path, clock: None) -> None:
    result, target = refused(tmp_path, ROWS)
    assert result.exit_code == 1
    assert "no header row" in result.output and "it looks like data" in result.output
    assert not target.exists()


def test_a_header_mapped_twice_is_refused_with_the_fix(tmp_path: Path, clock: None) -> None:
    headers = ["ID", "제목", "논문 제목", "저자"]
    result, target = refused(tmp_path, [headers, ["x-1", "A", "A", "B"]])
    assert result.exit_code == 1
    assert "column B '제목' and column C '논문 제목' both map to 'title'" in result.output
    assert "--column '논문 제목=ignore'" in result.output
    assert not target.exists()
    fixed, _ = refused(tmp_path, [headers, ["x-1", "A", "A", "B"]], "--column", "논문 제목=ignore")
    assert fixed.exit_code == 0, fixed.output


def test_names_that_romanise_to_one_handle_are_refused(tmp_path: Path, clock: None) -> None:
    rows = [["ID", "제목", "담당자"], ["a-1", "A", "김하나, 김한아"]]
    result, target = refused(tmp_path, rows)
    assert result.exit_code == 1
    assert "김하나 and 김한아 both romanise to the handle 'kimhana'" in result.output
    assert "--handle '김하나=kimhana1'" in result.output
    assert not target.exists()
    fixed, target = refused(tmp_path, rows, "--handle", "김한아=hana2")
    assert fixed.exit_code == 0, fixed.output
    assert [m["handle"] for m in team_yaml(target)["members"]] == ["hana", "hana2"]


def test_a_directory_holding_a_team_is_left_alone(new_team: Path, tmp_path: Path) -> None:
    before = snapshot_tree(new_team)
    again = invoke("init", str(new_team), "--name", "다른 팀", "--topic", "NLP")
    assert again.exit_code == 1
    assert "already holds a team (papers/team.yaml)" in again.output
    assert snapshot_tree(new_team) == before


def test_init_without_name_is_a_usage_error(tmp_path: Path, clock: None) -> None:
    result = invoke("init", str(tmp_path / "x"), "--topic", "NLP")
    assert result.exit_code == 2 and "needs --name and --topic" in result.output
    assert not (tmp_path / "x").exists()


def test_a_person_nobody_put_on_the_roster_is_refused_by_row_and_column(
    new_team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(new_team)
    assert invoke("sync", "--apply").exit_code == 0
    sheet = new_team / "papers/읽기목록.csv"
    rows = list(csv.reader(io.StringIO(sheet.read_text("utf-8"))))
    rows[3][HEADERS.index("읽는 사람")] = "박지은, 이서준"
    write_csv(sheet, rows)
    before = snapshot_tree(new_team)
    result = invoke("sync", "--apply")
    assert result.exit_code == 1
    assert "row 4, column C (readers): '박지은' is not on the team's roster" in result.output
    assert "add them to members in papers/team.yaml" in result.output
    assert snapshot_tree(new_team) == before


# --------------------------------------------------------------------------------------------
# A Google Sheet by URL, through the loopback Sheets API


KEY = "1NewTeamReadingList_abcdefghijklmnopqrstuv"
TAB = "읽기 목록"


def test_init_from_a_sheet_url_then_sync_pulls_every_row(
    tmp_path: Path, clock: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SheetsEmulator() as emulator:
        monkeypatch.setenv("TRACKER_SHEETS_ENDPOINT", emulator.base_url)
        monkeypatch.delenv("TRACKER_GOOGLE_CREDENTIALS", raising=False)
        # The id column is text, as a team types it (leading apostrophe).
        grid = [HEADERS, *[["'" + r[0], *r[1:]] for r in ROWS]]
        emulator.add_spreadsheet(KEY, worksheets={TAB: grid})
        url = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
        target = tmp_path / "sheet-team"
        result = invoke(
            "init", str(target), "--name", TEAM_NAME, "--topic", "LLM", "--sheet", url,
            "--worksheet", TAB, "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["rows"] == 3 and report["unknown_headers"] == ["우선순위"]
        data = team_yaml(target)
        assert data["remote"]["kind"] == "gsheets" and data["remote"]["spreadsheet"] == url
        assert [m["name"] for m in data["members"]] == ["김지우", "박민서", "이서준"]
        sync_job = (target / ".github/workflows/sync.yml").read_text(encoding="utf-8")
        assert "secrets.TRACKER_GOOGLE_CREDENTIALS" in sync_job

        monkeypatch.chdir(target)
        synced = invoke("sync", "--apply")
        assert synced.exit_code == 0, synced.output
        assert sorted(p.stem for p in store.paper_files(target)) == [
            "1810.04805",
            "2101.10000",
            "word2vec-2013",
        ]
        odd = store.read_paper(target / "papers" / "2101.10000.md")
        assert odd.readers == ["minseo", "seojun"]
        paper = store.read_paper(target / "papers" / "word2vec-2013.md")
        store.write_paper(target, paper.model_copy(update={"presenter": "jiu", "body": paper.body}))
        pushed = invoke("sync", "--apply")
        assert pushed.exit_code == 0, pushed.output
        row = next(r for r in emulator.values(KEY, TAB) if r and r[0] == "word2vec-2013")
        assert row[HEADERS.index("발표자")] == "김지우"

        week = invoke("week")
        assert week.exit_code == 0, week.output
        assert "1. 시트와 동기화: 할 일 없음" in week.output
        index = (target / "site" / "index.html").read_text(encoding="utf-8")
        assert f"<title>{TEAM_NAME}</title>" in index and SAMPLE_NAME not in index


# --------------------------------------------------------------------------------------------
# Lookups take what a person types


def test_papers_show_finds_a_paper_by_alias_or_title_words(sample_repo: Path) -> None:
    shown = invoke("papers", "show", "BERT", "--json", "--root", str(sample_repo))
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["paper"]["id"] == "1810.04805"
    words = invoke("papers", "show", "all you need", "--json", "--root", str(sample_repo))
    assert json.loads(words.output)["paper"]["id"] == "1706.03762"
    ambiguous = invoke("papers", "show", "attention", "--root", str(sample_repo))
    assert ambiguous.exit_code == 1
    assert "'attention' matches 4 papers" in ambiguous.output
    assert "1706.03762 (Attention Is All You Need)" in ambiguous.output


def test_papers_list_takes_korean_statuses_and_member_names(sample_repo: Path) -> None:
    def ids(*args: str) -> list[str]:
        result = invoke("papers", "list", *args, "--json", "--root", str(sample_repo))
        assert result.exit_code == 0, result.output
        return [p["id"] for p in json.loads(result.output)["papers"]]

    assert ids("--status", "읽음") == ids("--status", "read") != []
    assert ids("--reader", "김지우") == ids("--reader", "jiwoo") != []
    unknown = invoke("papers", "list", "--reader", "박지은", "--root", str(sample_repo))
    assert unknown.exit_code == 2 and "'박지은' is not on the team's roster" in unknown.output


# --------------------------------------------------------------------------------------------
# Other ways in: an XLSX file, a terminal, the sample


def test_init_reads_an_xlsx_reading_list(tmp_path: Path, clock: None) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [HEADERS, *ROWS]:
        sheet.append(row)
    path = tmp_path / "목록.xlsx"
    book.save(path)
    result = invoke(
        "init", str(tmp_path / "x"), "--name", "팀", "--topic", "NLP", "--sheet", str(path)
    )
    assert result.exit_code == 0, result.output
    data = team_yaml(tmp_path / "x")
    assert data["remote"]["path"] == "papers/목록.xlsx"
    assert [m["handle"] for m in data["members"]] == ["jiu", "minseo", "seojun"]


def test_on_a_terminal_init_asks_only_for_what_is_missing(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "TRACKER_TODAY": TODAY, "PYTHONPATH": str(REPO)}
    target = tmp_path / "asked"
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker.cli.main", "init", str(target), "--topic", "NLP"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    transcript = b""
    answers = iter(["터미널 모임\n".encode(), b"\n"])

    def read_until(marker: bytes) -> None:
        nonlocal transcript
        while marker not in transcript:
            chunk = os.read(leader, 1024)
            if not chunk:
                raise AssertionError(transcript.decode("utf-8", "replace"))
            transcript += chunk

    read_until("팀 이름".encode())
    os.write(leader, next(answers))
    read_until(b"reading list")
    os.write(leader, next(answers))
    assert process.wait(timeout=60) == 0
    os.close(leader)
    text = transcript.decode("utf-8", "replace")
    assert "team name (팀 이름)" in text and "topic (주제)" not in text  # --topic was given
    assert team_yaml(target)["name"] == "터미널 모임"


def test_init_sample_copies_the_bundled_team_with_its_clock(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "demo"), "--sample")
    assert result.exit_code == 0, result.output
    data = team_yaml(tmp_path / "demo")
    assert data["name"] == SAMPLE_NAME and str(data["today"]) == "2025-07-07"
    assert len(list((tmp_path / "demo" / "papers").glob("*.md"))) > 40
    assert (tmp_path / "demo" / "docs/meetings/posts").is_dir()
    assert not (tmp_path / "demo" / "docs/dev").exists()
    again = invoke("init", str(tmp_path / "demo"), "--sample")
    assert again.exit_code == 1 and "already holds a team" in again.output


def test_a_team_name_with_brackets_prints_as_written(
    tmp_path: Path, clock: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brackets"
    made = invoke("init", str(target), "--name", "[NLP] 모임", "--topic", "NLP")
    assert made.exit_code == 0, made.output
    assert team_yaml(target)["name"] == "[NLP] 모임"
    monkeypatch.chdir(target)
    week = invoke("week", "--no-site")
    assert "[NLP] 모임 — 주간 준비 (2025-07-03)" in week.output, week.output


def test_an_empty_folder_points_at_tracker_init(tmp_path: Path, clock: None) -> None:
    week = invoke("week", "--root", str(tmp_path))
    assert week.exit_code == 1
    assert "papers/team.yaml not found" in week.output
    assert "tracker init DIR --name NAME --topic TOPIC" in week.output


def test_a_sheet_is_named_by_url_or_key_and_a_file_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.init import is_sheets_address

    monkeypatch.chdir(tmp_path)

    assert is_sheets_address(f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0")
    assert is_sheets_address(KEY)
    assert not is_sheets_address("읽기목록.csv")
    named_like_a_key = tmp_path / ("a" * 30)
    named_like_a_key.write_text("x")
    assert not is_sheets_address(named_like_a_key.name)  # a file here wins over a key
