"""Each member's own reading and summary: `tracker read`, `tracker summarise`, and counts that
credit only the member who did the work, the same in quota, agenda, site and dashboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers.repo import snapshot_tree
from tracker import store
from tracker.agenda import build_agenda
from tracker.catalog import load_catalog
from tracker.cli.main import app
from tracker.models import Member, Paper
from tracker.progress import member_progress
from tracker.reading import member_sections, summarised_by, summary_template

runner = CliRunner()
SUMMARY = "### 핵심 아이디어\n\n양방향으로 사전학습한다.\n\n### 질문\n\nNSP가 필요한가?\n"


@pytest.fixture
def two_readers(synced_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BERT read by both members of the test team (jiwoo, minseo), summarised by nobody yet."""
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-03")
    paper = store.read_paper(store.paper_path(synced_repo, "1810.04805"))
    store.write_paper(
        synced_repo,
        Paper.model_validate(
            {**paper.model_dump(), "readers": ["jiwoo", "minseo"], "body": paper.body}
        ),
    )
    return synced_repo


def cli(root: Path, *args: str, stdin: str | None = None):  # noqa: ANN201
    return runner.invoke(app, [*args, "--root", str(root)], input=stdin)


def counts(root: Path) -> dict[str, tuple[int, int, int]]:
    rows = member_progress(load_catalog(root))
    return {r.handle: (r.assigned, r.read, r.summarised) for r in rows}


def test_two_readers_one_summarises_only_that_one_counts(two_readers: Path) -> None:
    assert cli(two_readers, "read", "BERT", "--member", "minseo").exit_code == 0
    done = cli(two_readers, "summarise", "BERT", "--member", "김지우", stdin=SUMMARY)
    assert done.exit_code == 0, done.output
    assert "김지우 (@jiwoo) summarised 1810.04805" in done.output
    paper = store.read_paper(store.paper_path(two_readers, "1810.04805"))
    assert summarised_by(paper) == {"jiwoo"}
    assert paper.read_by == ["minseo", "jiwoo"]
    assert str(paper.summarised_on["jiwoo"]) == "2025-07-03"
    assert "양방향으로 사전학습한다." in member_sections(paper.body)["jiwoo"]
    assert counts(two_readers)["jiwoo"][1:] == (1, 1)
    assert counts(two_readers)["minseo"][2] == 0  # read it, wrote nothing

    # The agenda's table, the dashboard's quota table and the site's member pages agree.
    catalog = load_catalog(two_readers)
    agenda = {r.handle: (r.read, r.summarised) for r in build_agenda(catalog).progress}
    assert agenda["jiwoo"] == (counts(two_readers)["jiwoo"][1], 1)
    assert agenda["minseo"][1] == 0
    from tracker.dashboard.data import progress_table

    table = progress_table(catalog, store.today()).set_index("handle")
    assert (table.loc["jiwoo", "summarised"], table.loc["minseo", "summarised"]) == (1, 0)
    from tracker.site import generate_site

    generate_site(two_readers)
    jiwoo = (two_readers / "docs/members/jiwoo.md").read_text(encoding="utf-8")
    minseo = (two_readers / "docs/members/minseo.md").read_text(encoding="utf-8")
    assert "(읽음 2025-07-03, 요약 2025-07-03)" in jiwoo
    assert "(읽음 2025-07-03)" in minseo and "요약 2025" not in minseo
    page = (two_readers / "docs/papers/1810.04805.md").read_text(encoding="utf-8")
    summarisers = next(line for line in page.splitlines() if line.startswith("| 요약한 사람 |"))
    assert "jiwoo" in summarisers and "minseo" not in summarisers


def test_a_second_summary_replaces_the_members_own_section_only(two_readers: Path) -> None:
    assert cli(two_readers, "summarise", "BERT", "-m", "jiwoo", stdin=SUMMARY).exit_code == 0
    assert (
        cli(
            two_readers, "summarise", "BERT", "-m", "minseo", stdin="### 결과\n\nGLUE 최고.\n"
        ).exit_code
        == 0
    )
    assert (
        cli(two_readers, "summarise", "BERT", "-m", "jiwoo", stdin="### 방법\n\nMLM.\n").exit_code
        == 0
    )
    paper = store.read_paper(store.paper_path(two_readers, "1810.04805"))
    sections = member_sections(paper.body)
    assert "MLM." in sections["jiwoo"] and "양방향" not in sections["jiwoo"]
    assert "GLUE 최고." in sections["minseo"]
    assert summarised_by(paper) == {"jiwoo", "minseo"}
    assert paper.status.value == "summarised"  # both readers summarised it


def test_an_empty_summary_or_unknown_member_writes_nothing(two_readers: Path) -> None:
    before = snapshot_tree(two_readers)
    template = summary_template(Member(handle="jiwoo", name="김지우"))
    empty = cli(two_readers, "summarise", "BERT", "-m", "jiwoo", stdin=template)
    assert empty.exit_code == 1 and "is empty" in empty.output
    stranger = cli(two_readers, "read", "BERT", "-m", "박지은")
    assert stranger.exit_code == 2 and "'박지은' is not on the team's roster" in stranger.output
    assert snapshot_tree(two_readers) == before


def test_the_template_asks_the_teams_questions() -> None:
    text = summary_template(Member(handle="jiwoo", name="김지우"))
    assert text.startswith("## 요약 — 김지우 (@jiwoo)")
    for question in ("### 핵심 아이디어", "### 방법", "### 결과", "### 질문"):
        assert question in text
    assert summarised_by(Paper(id="x", title="X", readers=["jiwoo"], body=text)) == set()


def test_read_marks_the_date_and_json(two_readers: Path) -> None:
    done = cli(two_readers, "read", "1810.04805", "-m", "minseo", "--date", "2025-07-01", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == {
        "schema": 1, "paper": "1810.04805", "member": "minseo", "read": "2025-07-01", "status": "assigned",
    }  # fmt: skip
    text = store.paper_path(two_readers, "1810.04805").read_text(encoding="utf-8")
    assert "read_on: {minseo: 2025-07-01}" in text


def test_the_sheets_read_by_column_names_members_and_syncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A per-member column (읽은 사람) holds names; sync merges it into read_by as handles."""
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-03")
    sheet = tmp_path / "list.csv"
    sheet.write_text(
        '번호,제목,읽는 사람,읽은 사람\n1810.04805,BERT,"김지우, 박민서",박민서\n', encoding="utf-8"
    )
    target = tmp_path / "t"
    made = runner.invoke(
        app, ["init", str(target), "--name", "팀", "--topic", "NLP", "--sheet", str(sheet)]
    )
    assert made.exit_code == 0, made.output
    assert cli(target, "sync", "--apply").exit_code == 0
    assert counts(target) == {"jiu": (1, 0, 0), "minseo": (1, 1, 0)}
    assert cli(target, "read", "BERT", "-m", "김지우").exit_code == 0
    pushed = cli(target, "sync", "--apply")
    assert pushed.exit_code == 0, pushed.output
    assert (
        (target / "papers/list.csv").read_text("utf-8").splitlines()[1].endswith('"박민서, 김지우"')
    )


def test_on_a_terminal_the_summary_is_written_in_the_editor(
    two_readers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$EDITOR gets the template; what it saves is the summary."""
    from tracker.cli import reading as reading_cli

    seen: list[str] = []

    def editor(initial: str) -> str:
        seen.append(initial)
        return initial.replace(
            "<!-- 이 논문이 새로 내놓은 생각은 무엇인가? -->", "마스크 언어 모델."
        )

    monkeypatch.setattr(reading_cli, "_edit", editor)
    monkeypatch.setattr(reading_cli, "_stdin_is_terminal", lambda: True)
    done = cli(two_readers, "summarise", "BERT", "-m", "jiwoo")
    assert done.exit_code == 0, done.output
    assert seen and seen[0].startswith("## 요약 — 김지우 (@jiwoo)") and "### 질문" in seen[0]
    paper = store.read_paper(store.paper_path(two_readers, "1810.04805"))
    assert "마스크 언어 모델." in member_sections(paper.body)["jiwoo"]


def test_the_editor_runs_with_the_file_and_its_saved_text_comes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tracker.cli.reading import _edit

    monkeypatch.setenv("EDITOR", 'sh -c \'printf "추가한 줄\\n" >> "$0"\'')
    monkeypatch.delenv("VISUAL", raising=False)
    assert _edit("처음\n") == "처음\n추가한 줄\n"
