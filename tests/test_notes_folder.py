"""A real notes folder (every dialect, good and bad files side by side) through the CLI, and
what the strictly built site shows of it: titles, tables of contents, line breaks, excerpts,
paper links and backlinks; the dashboard's links to its own paper view."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_helpers import EXAMPLES, TODAY, make_team_repo
from typer.testing import CliRunner

from tracker import store
from tracker.cli.main import app
from tracker.notes import import_notes

FOLDER = EXAMPLES / "folder"
POSTS = Path("docs/meetings/posts")
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def notes_folder(base: Path) -> tuple[Path, Path]:
    """The example folder plus the bad inputs the team's folders really hold."""
    folder = base / "notes"
    shutil.copytree(FOLDER, folder)
    (folder / "scan.md").write_bytes(BINARY)  # a binary file saved with a note's name
    (folder / "diagram.png").write_bytes(BINARY)  # an attachment beside the notes
    (folder / "broken.md").write_text(
        "---\ntitle: [unclosed\ndate: 2025-09-09\n---\n\n본문\n", encoding="utf-8"
    )
    outside = base / "elsewhere.md"
    outside.write_text("---\ntitle: 밖\ndate: 2025-09-10\n---\n\n밖에 있는 파일\n", "utf-8")
    (folder / "link.md").symlink_to(outside)
    return folder, folder / "날짜 없는 메모.md"


def run_import(root: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["notes", "import", "--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.strip().splitlines()


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_team_repo(tmp_path / "team", results=False)


def test_folder_import_reports_every_file_and_imports_the_good_ones(
    team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, undated = notes_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = {p.name for p in (team / POSTS).glob("*.md")}
    code, lines = run_import(team, "notes")
    assert code == 1  # some files need a fix
    by_file = {line.split(": ", 2)[1].split(" -> ")[0]: line for line in lines[:-1]}
    assert sorted(by_file) == [
        "notes/2025-09-02-three-papers.md",
        "notes/2025-09-23 스터디 메모.txt",
        "notes/broken.md",
        "notes/diagram.png",
        "notes/link.md",
        "notes/obsidian/250916.md",
        "notes/scan.md",
        "notes/week7-day4.markdown",
        "notes/날짜 없는 메모.md",
    ]
    assert len(lines) == 10  # one line per file, then the summary
    for name in ("2025-09-02-three-papers.md", "2025-09-23 스터디 메모.txt", "250916.md"):
        assert next(v for k, v in by_file.items() if k.endswith(name)).startswith("imported: ")
    assert by_file["notes/week7-day4.markdown"] == (
        "imported: notes/week7-day4.markdown -> docs/meetings/posts/2025-09-04-week7-day4.md"
    )
    assert by_file["notes/날짜 없는 메모.md"] == (
        "skipped: notes/날짜 없는 메모.md: no date in its front matter, file name or first "
        "heading (fix: add `date: YYYY-MM-DD` to its front matter, or run "
        "`tracker notes import 'notes/날짜 없는 메모.md' --date YYYY-MM-DD`)"
    )
    assert by_file["notes/scan.md"] == (
        "skipped: notes/scan.md: a binary file, not a text note (fix: remove it from the "
        "notes folder, or export the note as Markdown (.md))"
    )
    assert by_file["notes/broken.md"].startswith("skipped: notes/broken.md: line 2: YAML error")
    assert "(fix: correct the front matter between the --- lines)" in by_file["notes/broken.md"]
    link = by_file["notes/link.md"]
    assert link.startswith("skipped: notes/link.md: a symlink pointing outside notes (to ")
    assert link.endswith("(fix: copy the note into notes, or import it by its own path)")
    assert by_file["notes/diagram.png"].startswith(
        "skipped: notes/diagram.png: a binary file, not a note (notes are .md, .markdown or .txt)"
    )
    assert lines[-1] == "wrote 4 post(s): 4 new, 0 updated, 0 unchanged; 5 file(s) skipped"
    new = {p.name for p in (team / POSTS).glob("*.md")} - before
    assert new == {
        "2025-09-02-three-papers.md",
        "2025-09-04-week7-day4.md",
        "2025-09-16-15jucha-moim-glove.md",
        "2025-09-23-seuteodi-memo.md",
    }
    # Nothing half-written: no temporary files, and nothing from the outside link.
    assert not [p for p in (team / "docs").rglob("*") if p.name.endswith(".tmp")]
    assert "밖에 있는 파일" not in "".join(p.read_text("utf-8") for p in (team / POSTS).iterdir())

    # --date gives the undated note its date; everything else is unchanged (idempotent).
    code, lines = run_import(team, "notes", str(undated), "--date", "2025-09-30")
    assert code == 1  # the bad files are still bad
    assert "imported: notes/날짜 없는 메모.md -> docs/meetings/posts/2025-09-30-" in "\n".join(
        lines
    )
    assert lines[-1] == "wrote 1 post(s): 1 new, 0 updated, 4 unchanged; 4 file(s) skipped"
    assert len(lines) == 10  # the note named twice (in the folder and by name) has one line


def test_date_option_never_overrides_a_date_the_note_carries(team: Path) -> None:
    note = FOLDER / "week7-day4.markdown"
    report = import_notes(team, [note], date=store.today().replace(year=2001))
    assert report.notes[0].front["date"].isoformat() == "2025-09-04"


def test_reimport_of_the_folder_changes_nothing(team: Path, tmp_path: Path) -> None:
    folder, _ = notes_folder(tmp_path)
    import_notes(team, [folder])
    first = {p.name: p.read_bytes() for p in (team / POSTS).glob("*.md")}
    again = import_notes(team, [folder])
    assert {line.status for line in again.lines if line.note} == {"unchanged"}
    assert {p.name: p.read_bytes() for p in (team / POSTS).glob("*.md")} == first


def _post(root: Path, name: str) -> tuple[dict, str]:
    return store.split_front_matter((root / POSTS / name).read_text("utf-8"), source=name)


def test_three_top_level_sections_are_demoted_together_and_headings_link_papers(
    team: Path,
) -> None:
    import_notes(team, [FOLDER / "2025-09-02-three-papers.md"])
    data, body = _post(team, "2025-09-02-three-papers.md")
    assert data["title"] == "14주차 모임: 세 편 복습"
    headings = re.findall(r"^#+ .*$", body, re.MULTILINE)
    assert headings == [
        '## Word2Vec [](../../papers/1301.3781.md "논문 페이지: Word2Vec")',
        "### 음의 표본추출",
        '## Transformer [](../../papers/1706.03762.md "논문 페이지: Transformer")',
        "### 위치 인코딩",
        '## BERT [](../../papers/1810.04805.md "논문 페이지: BERT")',
        "### 다음 문장 예측",
    ]
    assert "[RoBERTa](../../papers/1907.11692.md)" in body  # prose mentions still linked
    # The excerpt ends after the first block that is more than a heading.
    assert body.index("<!-- more -->") < body.index("## Transformer")
    assert body.index("<!-- more -->") > body.index("스킵그램")


def test_kramdown_markers_become_definition_lists_admonitions_or_nothing(team: Path) -> None:
    import_notes(team, [FOLDER / "week7-day4.markdown"])
    data, body = _post(team, "2025-09-04-week7-day4.md")
    assert data["title"] == "Week7 - Day4" and data["categories"] == ["study"]
    assert ": :" not in body and "{:" not in body and "TOC" not in body
    assert "용어 정리\n:   문맥 임베딩은" in body
    assert "\n:   표현을 고정해 두는" in body
    assert "!!! info\n\n    이번 주에는 [ELMo](../../papers/1802.05365.md)의" in body
    assert "[발표 자료](https://www.notion.so/week7-day4-example) 를" in body


def test_obsidian_single_newlines_become_line_breaks_but_lists_and_math_do_not(
    team: Path, tmp_path: Path
) -> None:
    import_notes(team, [FOLDER / "obsidian" / "250916.md"])
    _, body = _post(team, "2025-09-16-15jucha-moim-glove.md")
    assert "도현 님 발표 요약<br>\n전역 동시 등장 행렬을 쓴다<br>\n가중 최소제곱으로" in body
    assert "- 목록 항목은 그대로\n- 목록 둘째 줄" in body
    # A plain note inside an Obsidian vault (.obsidian/ beside it) is read the same way.
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "2025-10-07 메모.md").write_text("첫 줄\n둘째 줄\n\n$$\na\nb\n$$\n", "utf-8")
    report = import_notes(team, [vault / "2025-10-07 메모.md"])
    text = (team / "docs" / report.notes[0].target).read_text("utf-8")
    assert "첫 줄<br>\n둘째 줄" in text and "$$\na\nb\n$$" in text


def test_text_note_title_comes_from_its_file_name_everywhere(team: Path) -> None:
    import_notes(team, [FOLDER / "2025-09-23 스터디 메모.txt"])
    data, body = _post(team, "2025-09-23-seuteodi-memo.md")
    assert data["title"] == "스터디 메모"
    assert "# 2025-09-23 스터디 메모" not in body  # the heading repeating the title is gone
    assert "[GPT-2](../../papers/gpt2-2019.md)" in body


# ---------------------------------------------------------------------------- the built site


class _Page(HTMLParser):
    """The parts of a built page the tests read: h1, TOC entries, headings with their links."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.h1: list[str] = []
        self.toc: list[str] = []
        self.heading_links: dict[str, list[str]] = {}
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.stack.append((tag, attributes))
        if tag in ("h1", "h2") or (
            tag == "a" and "md-nav__link" in (attributes.get("class") or "")
        ):
            self._text = []
        heading = next((a.get("id") for t, a in self.stack if t in ("h2", "h3")), None)
        if tag == "a" and heading and attributes.get("href", "").count("papers/"):
            self.heading_links.setdefault(heading, []).append(attributes["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            opened, attributes = self.stack.pop()
            if opened == tag:
                break
        text = "".join(self._text).strip()
        in_toc = any("md-sidebar--secondary" in (a.get("class") or "") for _, a in self.stack)
        if tag == "h1":
            self.h1.append(text)
        elif tag == "a" and in_toc and "md-nav__link" in (attributes.get("class") or ""):
            self.toc.append(text)

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from site_helpers import built_folder_site

    return built_folder_site(tmp_path_factory.mktemp("folder-site"))


def test_built_post_keeps_every_section_in_its_toc_and_links_papers_from_headings(
    built: Path,
) -> None:
    html_path = built / "site/meetings/2025/09/02/three-papers/index.html"
    page = parse(html_path)
    assert page.h1 == ["14주차 모임: 세 편 복습"]
    toc = [entry for entry in page.toc if entry]
    for entry in ("Word2Vec", "음의 표본추출", "Transformer", "위치 인코딩", "BERT"):
        assert entry in toc, toc
    # Anchors are the heading text alone; the link sits beside the text.
    assert page.heading_links == {
        "word2vec": ["../../../../../papers/1301.3781/"],
        "transformer": ["../../../../../papers/1706.03762/"],
        "bert": ["../../../../../papers/1810.04805/"],
    }
    html = html_path.read_text("utf-8")
    assert 'href="#transformer"' in html


def test_built_pages_show_breaks_definitions_and_no_literal_markers(built: Path) -> None:
    garden = (built / "site/meetings/2025/09/16/15jucha-moim-glove/index.html").read_text("utf-8")
    assert "도현 님 발표 요약<br>\n전역 동시 등장 행렬을 쓴다<br>" in garden
    kramdown = (built / "site/meetings/2025/09/04/week7-day4/index.html").read_text("utf-8")
    assert "<dt>용어 정리</dt>" in kramdown and "<dd>문맥 임베딩은" in kramdown
    assert 'class="admonition info"' in kramdown
    text = re.sub(r"<[^>]+>", "", kramdown.split('<article class="md-content__inner')[1])
    assert ": :" not in text and "{:" not in text and "* TOC" not in text


def test_listings_show_excerpts_not_whole_notes(built: Path) -> None:
    index = (built / "site/meetings/index.html").read_text("utf-8")
    assert "스킵그램과 음의 표본추출" in index  # the first block of the three-papers note
    assert "멀티헤드 어텐션" not in index  # its second section is not on the listing
    category = (built / "site/meetings/category/study/index.html").read_text("utf-8")
    assert "Week7 - Day4" in category and "<dt>용어 정리</dt>" not in category
    archive = (built / "site/meetings/archive/2025/index.html").read_text("utf-8")
    assert "멀티헤드 어텐션" not in archive


def test_one_title_on_listing_page_search_and_backlinks(built: Path) -> None:
    from tracker.site import search_index

    post = built / "site/meetings/2025/09/04/week7-day4/index.html"
    assert parse(post).h1 == ["Week7 - Day4"]
    index = (built / "site/meetings/index.html").read_text("utf-8")
    assert "Week7 - Day4" in index and ">1. 개인학습</a></h2>" not in index
    docs = search_index(built / "site")["docs"]
    titles = {d["title"] for d in docs if d["location"].startswith("meetings/2025/09/04/")}
    assert "Week7 - Day4" in titles
    elmo = (built / "docs/papers/1802.05365.md").read_text("utf-8")
    assert "2025-09-04 [Week7 - Day4](../meetings/posts/2025-09-04-week7-day4.md)" in elmo
    word2vec = (built / "docs/papers/1301.3781.md").read_text("utf-8")
    assert "[14주차 모임: 세 편 복습](../meetings/posts/2025-09-02-" in word2vec


# ---------------------------------------------------------------------------- the dashboard


def test_dashboard_note_view_links_to_the_dashboard_paper_view(
    team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from tracker.dashboard.data import note_paper_links

    import_notes(team, [FOLDER / "2025-09-02-three-papers.md"])
    monkeypatch.setenv("TRACKER_ROOT", str(team))
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    dashboard = str(Path(__file__).resolve().parents[1] / "tracker/dashboard/app.py")
    view = AppTest.from_file(dashboard, default_timeout=60)
    view.run()
    view.switch_page("views/notes.py").run()
    options = view.selectbox(key="note_choice").options
    view.selectbox(key="note_choice").set_value(options.index(
        next(o for o in options if "세 편 복습" in o)
    )).run()  # fmt: skip
    body = view.markdown[-1].value
    assert ".md)" not in body and "../papers" not in body
    assert '[paper ↗](reading_list?paper=1301.3781 "논문 페이지: Word2Vec")' in body
    assert "[RoBERTa](reading_list?paper=1907.11692)" in body
    assert note_paper_links("[x](../../papers/a b.md)") == "[x](../../papers/a b.md)"

    reading = AppTest.from_file(dashboard, default_timeout=60)
    reading.run()
    reading.switch_page("views/reading_list.py")
    reading.query_params["paper"] = "1706.03762"
    reading.run()
    assert list(reading.dataframe[0].value["id"]) == ["1706.03762"]
    reading.button(key="all_papers").click().run()
    assert len(reading.dataframe[0].value) > 1 and "paper" not in reading.query_params


def test_site_build_warns_about_a_hand_written_post_without_an_excerpt(team: Path) -> None:
    from tracker.site import generate_site

    post = team / POSTS / "2025-10-28-by-hand.md"
    post.write_text("---\ntitle: 손으로\ndate: 2025-10-28\n---\n\n길고 긴 글\n", "utf-8")
    warnings = generate_site(team).warnings
    assert [w for w in warnings if "excerpt" in w or "more" in w] == [
        "docs/meetings/posts/2025-10-28-by-hand.md: no `<!-- more -->`, so the meetings index "
        "shows the whole note; fix: add the line after its first paragraph (tracker notes "
        "import adds it itself)"
    ]


def test_json_report_has_one_object_per_input_file(team: Path, tmp_path: Path) -> None:
    import json

    folder, _ = notes_folder(tmp_path)
    result = CliRunner().invoke(
        app, ["notes", "import", "--root", str(team), "--json", str(folder), "missing.md"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["schema"] == 2 and len(report["files"]) == 10
    missing = report["files"][-1]
    assert missing == {
        "source": "missing.md",
        "status": "skipped",
        "target": None,
        "reason": "no such file or folder",
        "fix": "check the path",
        "dialect": None,
        "title": None,
        "date": None,
    }
    kramdown = next(f for f in report["files"] if f["source"].endswith("week7-day4.markdown"))
    assert (kramdown["status"], kramdown["dialect"], kramdown["title"], kramdown["date"]) == (
        "imported",
        "jekyll",
        "Week7 - Day4",
        "2025-09-04",
    )
