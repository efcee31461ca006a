"""The site generator's pages and one strict MkDocs build of the sample data."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from site_helpers import TODAY, built_site, make_team_repo
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.site import GENERATED_MARK, generate_site, search_index

DAY = dt.date.fromisoformat(TODAY)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_team_repo(tmp_path / "team")


def _doc(root: Path, relative: str) -> str:
    return (root / "docs" / relative).read_text(encoding="utf-8")


def test_paper_page_shows_results_beside_the_papers_numbers_with_a_plot(team: Path) -> None:
    generate_site(team, today=DAY)
    page = _doc(team, "papers/1810.04805.md")
    assert "| glue sst2 · `glue_sst2` | 0.8031 | 0.935 | BERT-base; we train a tiny model |" in page
    assert "| 마스크 언어 모델 정확도 · `mlm_accuracy` | 41.3% | — |" in page
    assert "통과" in page and "검사 2/2개 통과" in page
    assert "![tiny 학습 곡선](img/1810.04805-bert-tiny.svg)" in page
    svg = _doc(team, "papers/img/1810.04805-bert-tiny.svg")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "train_loss" in svg
    # Readers and presenter link to member pages; the slides link is there.
    assert "[김지우 (jiwoo)](../members/jiwoo.md)" in page
    assert "[슬라이드 열기](https://docs.google.com/presentation/" in page


def test_reproduction_section_leads_with_results_and_folds_the_parity_table(team: Path) -> None:
    generate_site(team, today=DAY)
    page = _doc(team, "papers/1810.04805.md")
    section = page.split("## 재현", 1)[1]
    results, parity = section.index("### 학습 결과: tiny"), section.index("### 참조 구현과의 일치")
    assert results < parity, "the numbers come before the parity record"
    assert "참조 구현과의 일치(parity): <span" in section and "(2025-08-29 09:00)" in section
    assert "T09:00" not in section, "no ISO timestamps"
    # The per-check table sits inside a collapsed details block, indented under it.
    folded = section.split('??? note "검사 2개 전체"', 1)[1]
    assert folded.lstrip("\n").startswith("    | 검사 | dtype |")
    assert "    | last_hidden_state | float64 |" in folded


def test_papers_index_names_people_as_the_paper_pages_do(team: Path) -> None:
    generate_site(team, today=DAY)
    index = _doc(team, "papers/index.md")
    assert "[김지우 (jiwoo)](../members/jiwoo.md)" in index
    assert not re.search(r"\| (jiwoo|minseo)(, \w+)? \|", index), "no bare handles"
    members = _doc(team, "members/index.md")
    assert 'class="tracker-progress tracker-progress--compact"' in members


def test_language_en_turns_the_generated_pages_english(team: Path) -> None:
    settings = team / "papers" / "team.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: en\n", "utf-8")
    generate_site(team, today=DAY)
    page = _doc(team, "papers/1810.04805.md")
    assert "## Reproduction" in page and "### Training results: tiny" in page
    section = page.split("## Reproduction", 1)[1]  # the team's own summary stays Korean
    assert "재현" not in section and "학습" not in section
    assert "# Members" in _doc(team, "members/index.md")


def test_paper_without_results_or_reproduction_says_so(team: Path) -> None:
    generate_site(team, today=DAY)
    page = _doc(team, "papers/1412.6980.md")  # Adam: no reproduction, no results
    assert "이 논문은 재현 계획이 없습니다." in page
    assert "참조 구현과의 일치" not in page and "학습 결과" not in page


def test_paper_page_lists_the_meetings_that_mention_it(team: Path) -> None:
    generate_site(team, today=DAY)
    # Negative sampling is named in a heading of week 1 ("발표 2: 네거티브 샘플링 (1310.4546)").
    page = _doc(team, "papers/1310.4546.md")
    assert "../meetings/posts/2025-06-03-week-01-word2vec.md" in page
    (team / "papers" / "quiet-2030.md").write_text(
        '---\nid: quiet-2030\ntitle: "A Paper Nobody Has Talked About Yet"\n---\n', "utf-8"
    )
    generate_site(team, today=DAY)
    unmentioned = _doc(team, "papers/quiet-2030.md")
    assert "아직 이 논문을 언급한 모임 기록이 없습니다." in unmentioned


def test_member_reproduction_agenda_and_authors_pages_are_generated(team: Path) -> None:
    generate_site(team, today=DAY)
    jiwoo = _doc(team, "members/jiwoo.md")
    assert "## 읽기 할당량" in jiwoo and 'class="tracker-progress"' in jiwoo
    assert "[김지우 (jiwoo)](jiwoo.md)" in _doc(team, "members/index.md")
    assert "| `bert` |" in _doc(team, "reproductions/index.md")
    assert _doc(team, "agenda.md").startswith("---") and "# 다음 모임: 2025-09-02" in _doc(
        team, "agenda.md"
    )
    authors = _doc(team, ".authors.yml")
    assert "jiwoo:" in authors and "avatar: assets/avatars/jiwoo.svg" in authors


def test_regeneration_rewrites_nothing_and_removes_pages_of_deleted_papers(team: Path) -> None:
    generate_site(team, today=DAY)
    again = generate_site(team, today=DAY)
    assert again.written == []
    (team / "papers" / "rabiner-1989.md").unlink()
    third = generate_site(team, today=DAY)
    assert "papers/rabiner-1989.md" in third.removed
    assert not (team / "docs" / "papers" / "rabiner-1989.md").exists()
    # A hand-written page in a generated folder (no generator mark) is never removed.
    (team / "docs" / "papers" / "notes-by-hand.md").write_text("# 손으로 쓴 페이지\n", "utf-8")
    assert "papers/notes-by-hand.md" not in generate_site(team, today=DAY).removed
    assert GENERATED_MARK in _doc(team, "papers/index.md")


# ---- one strict build of the sample data (shared with the browser test) ----------------------


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.getbasetemp())


def test_strict_build_writes_posts_paper_pages_and_vendored_katex(site_root: Path) -> None:
    site = site_root / "site"
    assert (site / "meetings/2025/07/08/week-06-bert/index.html").is_file()
    assert (site / "meetings/2025/07/29/albert/index.html").is_file()
    assert (site / "papers/1810.04805/index.html").is_file()
    assert (site / "members/jiwoo/index.html").is_file()
    assert (site / "assets/vendor/katex/katex.min.js").is_file()
    assert list((site / "assets/vendor/katex/fonts").glob("*.woff2"))
    assert (site / "meetings/archive/2025/index.html").is_file()
    assert (site / "meetings/category/meeting/index.html").is_file()


def test_built_pages_use_no_cdn_and_keep_math_for_katex(site_root: Path) -> None:
    html = (site_root / "site/meetings/2025/07/08/week-06-bert/index.html").read_text("utf-8")
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts and not [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    assert "katex.min.js" in " ".join(scripts)
    assert '<span class="arithmatex">\\(a &lt; b\\)</span>' in html


def test_korean_headings_get_readable_anchors(site_root: Path) -> None:
    html = (site_root / "site/papers/1810.04805/index.html").read_text("utf-8")
    assert 'id="이-논문을-다룬-모임"' in html


def test_search_index_finds_a_korean_word_that_sits_inside_punctuation(site_root: Path) -> None:
    index = search_index(site_root / "site")
    separator = re.compile(index["config"]["separator"])
    docs = [d for d in index["docs"] if "(마스킹)" in d["text"]]
    assert docs and docs[0]["location"].startswith("meetings/2025/07/08/week-06-bert/")
    tokens = [t for t in separator.split(docs[0]["text"]) if t]
    assert "마스킹" in tokens  # the parentheses split off, so a search for 마스킹 matches
    assert index["config"]["lang"] == ["ko", "en"]


def test_site_commands_have_help_with_an_example() -> None:
    runner = CliRunner()
    for args in (
        ["site", "build", "--help"],
        ["site", "serve", "--help"],
        ["notes", "import", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Example:" in result.output, args


def test_curve_plot_maps_extremes_to_the_plot_edges_and_is_byte_stable() -> None:
    from site_helpers import BERT_TRAIN_RESULT

    from tracker.catalog import ReproResult
    from tracker.site import render_curves_svg

    result = ReproResult("r.json", "bert", "train", "tiny", BERT_TRAIN_RESULT)
    svg = render_curves_svg(result)
    assert svg is not None and svg == render_curves_svg(result)  # regenerating rewrites nothing
    frame = re.search(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="none"', svg)
    assert frame is not None
    left, top, width, height = (float(v) for v in frame.groups())
    polylines = re.findall(r'<polyline points="([^"]+)"', svg)
    assert len(polylines) == 2  # train_loss and val_loss, sorted by name
    train = [tuple(map(float, p.split(","))) for p in polylines[0].split()]
    val = [tuple(map(float, p.split(","))) for p in polylines[1].split()]
    # Step 0 sits on the left edge, the last step (200) on the right edge.
    assert train[0][0] == left and train[-1][0] == left + width
    # The largest value anywhere (val_loss 7.6 at step 0) is on the top edge, the smallest
    # (train_loss 4.5 at step 200) on the bottom edge; 5.25 lies 0.75/3.1 of the way up.
    assert val[0][1] == top and train[-1][1] == top + height
    assert train[1][1] == pytest.approx(top + height * (1 - 0.75 / 3.1), abs=0.06)
    assert ">train_loss<" in svg and ">val_loss<" in svg and ">bert / tiny<" in svg


def test_curve_plot_is_skipped_without_curves() -> None:
    from tracker.catalog import ReproResult
    from tracker.site import render_curves_svg

    assert render_curves_svg(ReproResult("r.json", "bert", "train", "t", {"curves": {}})) is None


def test_generated_pages_cannot_escape_docs(team: Path) -> None:
    from tracker.errors import DataError
    from tracker.site import _write_generated

    with pytest.raises(DataError):
        _write_generated(team, "../mkdocs.yml", "x")
    assert _write_generated(team, "papers/new.md", "a") is True
    assert _write_generated(team, "papers/new.md", "a") is False  # unchanged text: no write
    assert not list((team / "docs" / "papers").glob(".*.tmp"))
