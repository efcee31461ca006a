"""Notes import: every dialect normalised to a blog post, errors with file and line, idempotence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from site_helpers import EXAMPLES, example_notes, make_team_repo
from typer.testing import CliRunner

from tracker import store
from tracker.catalog import load_catalog
from tracker.cli.main import app
from tracker.notes import ascii_slug, import_notes
from tracker.people import romanise as romanize_hangul

POSTS = Path("docs/meetings/posts")


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_team_repo(tmp_path / "team", results=False)


def _post(root: Path, name: str) -> tuple[dict, str]:
    return store.split_front_matter((root / POSTS / name).read_text(encoding="utf-8"), source=name)


def _posts(root: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((root / POSTS).glob("*.md"))}


def test_astro_note_becomes_a_blog_post_with_real_date_and_lists(team: Path) -> None:
    report = import_notes(team, example_notes("astro"))
    assert [n.dialect for n in report.notes] == ["astro"]
    data, body = _post(team, "2025-07-08-week-06-bert.md")
    assert data["date"] == dt.date(2025, 7, 8)
    assert data["categories"] == ["Meeting"]
    assert data["tags"] == ["bert", "pretraining", "사전학습"]
    assert data["authors"] == ["jiwoo"]
    assert data["draft"] is False
    assert "published" not in data and "category" not in data
    assert "$$\n\\mathcal{L}_{\\text{MLM}}" in body  # display math kept byte-for-byte


def test_jekyll_date_with_time_and_offset_categories_list_and_korean_author(team: Path) -> None:
    import_notes(team, [EXAMPLES / "jekyll" / "2025-07-15-week-07-gpt.md"])
    data, _ = _post(team, "2025-07-15-week-07-gpt.md")
    # `2025-07-15 20:22:30 +0900` is the 15th where it was written (not shifted to UTC).
    assert data["date"] == dt.date(2025, 7, 15)
    assert data["categories"] == ["Meeting", "언어모델"]
    assert data["tags"] == ["gpt", "language-model"]  # Jekyll's space-separated string
    assert data["authors"] == ["yuna"]  # written as the member's name 정유나
    assert "layout" not in data and "sidebar" not in data


def test_jekyll_date_only_and_single_string_category(team: Path) -> None:
    import_notes(team, [EXAMPLES / "jekyll" / "2025-07-22-elmo.md"])
    data, body = _post(team, "2025-07-22-elmo.md")
    assert data["date"] == dt.date(2025, 7, 22)
    assert data["categories"] == ["meeting"]
    assert data["authors"] == ["seojun"]
    assert "&ldquo;층마다" in body and "<br>" in body  # entities and line breaks survive


def test_obsidian_digital_garden_json_front_matter_gets_title_and_date(team: Path) -> None:
    report = import_notes(team, example_notes("obsidian"))
    assert {n.dialect for n in report.notes} == {"obsidian-digital-garden"}
    albert, body = _post(team, "2025-07-29-albert.md")  # date and slug from the permalink
    assert albert["title"] == "ALBERT 모임"  # the file name, as Obsidian titles a note
    assert albert["slug"] == "albert"
    assert "## 9주차 모임: ALBERT" in body  # the <h1> is a (demoted) heading of the page
    assert "<script>" not in body and "onclick" not in body and "javascript:" not in body
    assert "SOP 메모" in body and "[[" not in body  # wiki links keep their label
    distil, _ = _post(team, "2025-08-05-distillation.md")  # date from the file name 250805
    assert distil["title"] == "10주차 모임: 지식 증류와 DistilBERT"


def test_note_without_front_matter_takes_year_from_folder_and_title_from_heading(
    team: Path,
) -> None:
    report = import_notes(team, example_notes("plain"))
    targets = sorted(n.target for n in report.notes)
    assert targets == [
        "meetings/posts/2025-08-12-11jucha-moim-t5wa-tekseuteu-tu-tekseuteu.md",
        "meetings/posts/2025-08-19-scaling-laws.md",
    ]
    data, _ = _post(team, "2025-08-12-11jucha-moim-t5wa-tekseuteu-tu-tekseuteu.md")
    assert data["title"] == "11주차 모임: T5와 텍스트-투-텍스트"
    no_heading, _ = _post(team, "2025-08-19-scaling-laws.md")
    assert no_heading["title"] == "scaling-laws"  # from the file name, date part removed


def test_month_day_file_name_without_year_asks_for_one_and_year_option_fixes_it(
    team: Path,
) -> None:
    note = EXAMPLES / "broken" / "0909.md"
    [line] = import_notes(team, [note]).lines
    assert line.status == "skipped" and line.source.endswith("0909.md")
    assert "no year" in line.reason and "--year" in line.fix
    import_notes(team, [note], year=2025)
    data, _ = _post(team, next(p.name for p in (team / POSTS).glob("2025-09-09-*.md")))
    assert data["date"] == dt.date(2025, 9, 9)


def test_broken_front_matter_is_skipped_with_its_line_and_the_good_note_imports(
    team: Path,
) -> None:
    before = _posts(team)
    batch = [*example_notes("astro"), EXAMPLES / "broken" / "unclosed-quote.md"]
    report = import_notes(team, batch)
    good, broken = report.lines
    assert (good.status, broken.status) == ("imported", "skipped")
    assert broken.reason.startswith("line 2: YAML error") and broken.problem
    assert "front matter" in broken.fix
    after = _posts(team)
    assert sorted(set(after) - set(before)) == ["2025-07-08-week-06-bert.md"]


def test_note_without_any_date_is_skipped_with_a_fix(team: Path) -> None:
    [line] = import_notes(team, [EXAMPLES / "broken" / "no-date.md"]).lines
    assert line.status == "skipped"
    assert line.reason == "no date in its front matter, file name or first heading"
    assert "date: YYYY-MM-DD" in line.fix and "--date YYYY-MM-DD" in line.fix


def test_unknown_author_is_skipped_with_the_line(team: Path, tmp_path: Path) -> None:
    note = tmp_path / "2025-09-02-guest.md"
    note.write_text("---\ntitle: 손님\ndate: 2025-09-02\nauthor: 홍길동\n---\n\n본문\n", "utf-8")
    [line] = import_notes(team, [note]).lines
    assert line.status == "skipped"
    assert line.reason.startswith("line 4: author '홍길동'")


def test_reimport_updates_in_place_and_never_duplicates(team: Path, tmp_path: Path) -> None:
    import_notes(team, example_notes())
    first = _posts(team)
    again = import_notes(team, example_notes())
    assert {n.status for n in again.notes} == {"unchanged"}
    assert _posts(team) == first

    # The same source file with a new title and body keeps its post (same date, same file).
    edited = tmp_path / "edited" / "250805.md"
    edited.parent.mkdir()
    text = (EXAMPLES / "obsidian" / "250805.md").read_text(encoding="utf-8")
    edited.write_text(text.replace("10주차 모임", "10주차 모임 (수정)"), encoding="utf-8")
    report = import_notes(team, [edited])
    assert [n.status for n in report.notes] == ["updated"]
    after = _posts(team)
    assert sorted(after) == sorted(first)
    assert "10주차 모임 (수정)" in after["2025-08-05-distillation.md"]


def test_imported_posts_load_through_the_catalog_without_errors(team: Path) -> None:
    import_notes(team, example_notes())
    catalog = load_catalog(team)
    assert catalog.errors == []
    titles = {m.title for m in catalog.meetings}
    assert "ALBERT 모임" in titles and "7주차 모임 - GPT와 GPT-2" in titles


def test_korean_titles_get_a_deterministic_ascii_slug() -> None:
    # Revised Romanisation letter by letter: 주 ju, 차 cha, 모 mo, 임 im.
    assert romanize_hangul("주차 모임") == "jucha moim"
    assert ascii_slug("1주차 모임: Word2Vec!") == "1jucha-moim-word2vec"
    assert ascii_slug("한국어") == "hangukeo"  # final ㄱ is k, a silent ㅇ adds nothing
    assert ascii_slug("Café 정리") == "cafe-jeongri"


def test_cli_dry_run_writes_nothing_and_broken_input_exits_1(team: Path) -> None:
    runner = CliRunner()
    before = _posts(team)
    args = ["notes", "import", "--root", str(team), "--dry-run", str(EXAMPLES / "astro")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "would write 1 post(s): 1 new" in result.output
    assert _posts(team) == before
    broken = runner.invoke(app, ["notes", "import", "--root", str(team), str(EXAMPLES / "broken")])
    assert broken.exit_code == 1
    assert broken.output.count("skipped: ") == 3
    assert _posts(team) == before
