"""The dashboard's pages under `streamlit.testing.v1.AppTest`: what each page shows for the sample
team and for a tiny hand-made team, the filters, an empty repository and a broken paper file."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from dashboard_helpers import (
    break_a_paper,
    copy_sample_repo,
    open_on,
    write_results,
    write_tiny_repo,
)
from streamlit.testing.v1 import AppTest

from tests.helpers.dashboard_app import PAGES, open_page, texts


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return open_on(write_tiny_repo(tmp_path / "tiny"), monkeypatch)


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return open_on(copy_sample_repo(tmp_path / "sample"), monkeypatch)


def shown_ids(app: AppTest) -> list[str]:
    return list(app.dataframe[0].value["id"])


# ----------------------------------------------------------------------------- sample team


def test_every_page_renders_the_sample_team_without_errors(sample: Path) -> None:
    papers = len(list((sample / "papers").glob("*.md")))
    app = open_page("this_week")
    assert "다음 모임: 2025-07-08 (화요일)" in texts(app)
    for page in PAGES:
        app.switch_page(PAGES[page]).run()
        assert not app.exception, (page, [e.value for e in app.exception])
        assert not app.error, (page, [e.value for e in app.error])
    app.switch_page(PAGES["reading_list"]).run()
    assert f"논문 {papers}편 중 {papers}편" in texts(app)
    app.switch_page(PAGES["notes"]).run()
    notes = sorted((sample / "docs" / "meetings" / "posts").glob("*.md"))
    assert len(app.selectbox(key="note_choice").options) == len(notes)


def test_reproductions_without_results_say_how_to_run_one(sample: Path) -> None:
    named = {
        line.split(":", 1)[1].strip()
        for path in (sample / "papers").glob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("reproduction:")
    }
    assert named, "the sample papers name reproductions"
    app = open_page("reproductions")
    shown = texts(app)
    for name in named:
        assert f"tracker repro check {name}" in shown


# ----------------------------------------------------------------------------- This week


def test_this_week_lists_presentation_open_items_and_new_papers(tiny: Path) -> None:
    app = open_page("this_week")
    shown = texts(app)
    assert "다음 모임: 2025-07-08 (화요일)" in shown
    presentations = app.dataframe[0].value
    assert list(presentations["id"]) == ["1706.03762"]
    assert presentations["slides"][0] == "https://slides.example.org/transformer"
    assert "안나" in presentations["presenter"][0]
    items = app.dataframe[1].value
    assert set(items["item"].str.contains("형태소 분석기 목록")) == {True, False}
    assert any("Transformer 발표 자료" in text for text in items["item"])
    assert not any("슬라이드 올리기" in text for text in items["item"]), (
        "a done item is not carried"
    )
    assert "한국어 형태소 분석기 비교" in shown  # added 2025-07-02, after the 07-01 meeting
    assert "Long Short-Term Memory" not in shown
    assert "조은 (cho): 진도보다 1편 뒤처짐" in shown


# ----------------------------------------------------------------------------- Reading list


def test_reading_list_shows_every_paper_with_link_columns(tiny: Path) -> None:
    app = open_page("reading_list")
    assert "논문 4편 중 4편" in texts(app)
    table = app.dataframe[0].value.set_index("id")
    assert table.loc["1706.03762", "link"] == "https://arxiv.org/abs/1706.03762"
    assert table.loc["1706.03762", "slides"] == "https://slides.example.org/transformer"
    assert table.loc["1802.05365", "link"] == "https://aclanthology.org/N18-1202/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("어텐션", ["1706.03762"]),  # a topic and a word in the Korean summary
        ("형태소", ["korean-morphology"]),  # a Korean title
        (unicodedata.normalize("NFD", "형태소"), ["korean-morphology"]),  # decomposed Hangul
        ("elmo", ["1802.05365"]),  # an alias, any case
        ("memory hochreiter", ["lstm-1997"]),  # every term must match
        ("없는말", []),
    ],
)
def test_reading_list_text_search_matches_korean_and_aliases(
    tiny: Path, query: str, expected: list[str]
) -> None:
    app = open_page("reading_list")
    app.text_input(key="search").input(query).run()
    if expected:
        assert sorted(shown_ids(app)) == expected
    else:
        assert not app.dataframe
        assert "조건에 맞는 논문이 없습니다." in texts(app)


def test_reading_list_filters_by_topic_status_reader_and_year(tiny: Path) -> None:
    app = open_page("reading_list")
    app.multiselect(key="topics").set_value(["rnn"]).run()
    assert shown_ids(app) == ["lstm-1997"]
    app.multiselect(key="topics").set_value([]).run()
    app.multiselect(key="statuses").set_value(["read", "summarised"]).run()
    assert sorted(shown_ids(app)) == ["1706.03762", "1802.05365"]
    app.multiselect(key="statuses").set_value([]).run()
    app.multiselect(key="readers").set_value(["cho"]).run()
    assert shown_ids(app) == ["lstm-1997"]
    app.multiselect(key="readers").set_value(["ben"]).run()
    assert sorted(shown_ids(app)) == ["1706.03762", "1802.05365"]
    app.multiselect(key="readers").set_value([]).run()
    app.slider(key="years").set_range(2015, 2019).run()
    assert sorted(shown_ids(app)) == ["1706.03762", "1802.05365"]
    assert "논문 4편 중 2편" in texts(app)


def test_reading_list_sorts_by_the_chosen_column(tiny: Path) -> None:
    app = open_page("reading_list")
    assert shown_ids(app) == ["korean-morphology", "1802.05365", "1706.03762", "lstm-1997"]
    app.selectbox(key="sort").select("year (oldest first)").run()
    assert shown_ids(app) == ["lstm-1997", "1706.03762", "1802.05365", "korean-morphology"]
    app.selectbox(key="sort").select("title").run()
    assert shown_ids(app)[0] == "1706.03762"  # "Attention ..." sorts first


# ----------------------------------------------------------------------------- Quota


def test_quota_shows_progress_and_who_is_behind(tiny: Path) -> None:
    app = open_page("quota")
    table = app.dataframe[0].value.set_index("handle")
    # Worked out by hand from dashboard_helpers.PAPERS (see progress definitions).
    assert table.loc["ana", ["assigned", "read", "summarised"]].tolist() == [2, 1, 1]
    assert table.loc["ben", ["assigned", "read", "summarised"]].tolist() == [2, 2, 1]
    assert table.loc["cho", ["assigned", "read", "summarised"]].tolist() == [1, 0, 0]
    # 4 papers spread over 84 days, 30 days in → 1 expected by now.
    assert table["expected_by_now"].tolist() == [1, 1, 1]
    assert table["behind"].tolist() == [False, False, True]
    warning = texts(app)
    assert "진도가 늦은 사람: 조은 (cho) 1편 뒤처짐" in warning
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")


def test_quota_explains_a_members_assignment_on_request(tiny: Path) -> None:
    app = open_page("quota")
    assert not app.code, "the assignment is not solved until someone asks"
    app.selectbox(key="explain_member").select("ana").run()
    assert not app.exception
    explanation = app.code[0].value
    assert explanation.startswith("안나 (ana): 논문 3편")
    assert "Attention Is All You Need" in explanation, "titles, not only ids"
    assert "0.000 [채우기]  Long Short-Term Memory" in explanation
    # 3 members x quota 4 cannot come from 4 papers x 2 readers.
    assert "할당량을 채울 수 없습니다" in texts(app)


# ----------------------------------------------------------------------------- Reproductions


def test_reproductions_show_parity_metrics_curves_and_commands(tiny: Path) -> None:
    write_results(tiny)
    app = open_page("reproductions")
    shown = texts(app)
    assert "참조 구현과의 일치: 검사 3개 모두 통과 (2025-07-02 09:30 실행)" in shown
    assert "2025-07-02T" not in shown, "no ISO timestamps"
    frames = [d.value for d in app.dataframe]
    # Results lead; the parity tables come after them, folded into an expander.
    assert "metric" in frames[0].columns and "dtype" in frames[1].columns
    by_dtype = frames[1].set_index("dtype")
    assert by_dtype.loc["float64", "max_abs_diff"] == pytest.approx(7.0e-13)
    assert by_dtype.loc["float32", "max_abs_diff"] == pytest.approx(2.5e-6)
    assert by_dtype["passed"].all()
    metrics = next(d.value for d in app.dataframe if "metric" in d.value.columns).set_index(
        "metric"
    )
    assert metrics.loc["mlm_accuracy", "ours"] == pytest.approx(0.41)
    assert metrics.loc["mlm_accuracy", "paper"] == pytest.approx(0.72)
    assert "BooksCorpus" in metrics.loc["mlm_accuracy", "note"]
    assert "tracker repro check bert" in shown
    assert "python -m reproductions.bert.train --config small --seed 0" in shown
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart"), "training curves"
    assert app.image[0].captions == ["attention-map.png"], "the PNG in results/ is shown"


def test_reproductions_flag_a_failed_parity_check(tiny: Path) -> None:
    write_results(tiny, parity_passed=False)
    app = open_page("reproductions")
    assert "참조 구현과의 일치: 검사 3개 중 1개 실패" in texts(app)
    by_dtype = next(d.value for d in app.dataframe if "dtype" in d.value.columns).set_index("dtype")
    assert by_dtype["passed"].to_dict() == {"float32": False, "float64": True}


# ----------------------------------------------------------------------------- Notes


def test_notes_render_markdown_and_math_with_html_sanitised(tiny: Path) -> None:
    app = open_page("notes")
    body = app.markdown[-1].value
    assert "2주차: 어텐션" in body  # newest published note first; the draft is hidden
    assert "<h2>원문 HTML 제목</h2>" in body
    assert "<script" not in body and "alert(" not in body.replace("javascript", "")
    assert "onerror" not in body and "javascript:" not in body
    assert r"\mathrm{softmax}(QK^\top / \sqrt{d_k})" in body
    assert "\n> 인용문은 그대로 남는다." in body
    assert "<" not in body.split("이고", 1)[1].split("이다")[0], "a < inside math is not HTML"


def test_notes_filter_by_tag_and_show_drafts_on_request(tiny: Path) -> None:
    app = open_page("notes")
    assert len(app.selectbox(key="note_choice").options) == 2
    app.multiselect(key="note_tags").set_value(["embeddings"]).run()
    assert app.selectbox(key="note_choice").options == ["2025-06-24 · 1주차: 임베딩"]
    assert "ELMo 발표" in app.markdown[-1].value
    app.multiselect(key="note_tags").set_value(["attention"]).run()
    app.toggle(key="note_drafts").set_value(True).run()
    assert app.selectbox(key="note_choice").options == [
        "2025-07-08 · 3주차 초안 (초안)",
        "2025-07-01 · 2주차: 어텐션",
    ]


# ----------------------------------------------------------------------------- empty and broken


def test_an_empty_repository_gets_helpful_empty_states(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "empty"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "team.yaml").write_text("name: 새 모임\ntopic: NLP\n", encoding="utf-8")
    open_on(root, monkeypatch)
    expected = {
        "this_week": "아직 발표자가 없습니다",
        "reading_list": "tracker sync --apply",
        "quota": "아직 구성원이 없습니다",
        "reproductions": "tracker repro check NAME",
        "notes": "아직 모임 기록이 없습니다",
    }
    app = open_page("this_week")
    for page, hint in expected.items():
        app.switch_page(PAGES[page]).run()
        assert not app.exception, (page, [e.value for e in app.exception])
        assert not app.error, page
        assert hint in texts(app), page


def test_a_broken_paper_file_is_reported_beside_what_loaded(tiny: Path) -> None:
    break_a_paper(tiny)
    app = open_page("this_week")
    for page in PAGES:
        app.switch_page(PAGES[page]).run()
        assert not app.exception, (page, [e.value for e in app.exception])
        errors = [e.value for e in app.error if "읽지 못했습니다" in e.value]
        assert len(errors) == 1 and "papers/broken-paper.md" in errors[0], page
    app.switch_page(PAGES["reading_list"]).run()
    assert "논문 4편 중 4편" in texts(app)


def test_edits_to_paper_files_show_on_the_next_run(tiny: Path) -> None:
    app = open_page("reading_list")
    assert "논문 4편 중 4편" in texts(app)
    path = tiny / "papers" / "lstm-1997.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Long Short-Term", "Longer Short-Term"),
        encoding="utf-8",
    )
    (tiny / "papers" / "new-one.md").write_text(
        "---\nid: new-one\ntitle: 새 논문\n---\n", encoding="utf-8"
    )
    app.run()
    assert "논문 5편 중 5편" in texts(app)
    assert "Longer Short-Term Memory" in set(app.dataframe[0].value["title"])


# ----------------------------------------------------------------------------- sync


def test_sync_button_previews_then_applies_the_sheets_changes(
    synced_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_ROOT", str(synced_repo))
    sheet = synced_repo / "papers" / "reading-list.csv"
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace("Licence to Parse", "Licence to Tag"),
        encoding="utf-8",
    )
    app = open_page("reading_list")
    app.sidebar.button(key="sync_preview").click().run()
    preview = app.sidebar.code[0].value
    assert "가져오기 007 title: 'Licence to Parse' → 'Licence to Tag'" in preview
    assert "Licence to Parse" in (synced_repo / "papers" / "007.md").read_text(encoding="utf-8")
    app.sidebar.button(key="sync_apply").click().run()
    assert not app.exception
    assert "Licence to Tag" in (synced_repo / "papers" / "007.md").read_text(encoding="utf-8")
    assert any("적용 완료: 파일 1개 저장" in s.value for s in app.sidebar.success)
    assert "Licence to Tag" in set(app.dataframe[0].value["title"])


# ----------------------------------------------------------------------------- language


def column_labels(element) -> dict[str, str]:  # noqa: ANN001 - an AppTest Dataframe
    """Column key -> the title a reader sees (column_config labels, else the key), shown only."""
    import json

    config = json.loads(element.proto.columns or "{}")
    order = list(element.proto.column_order) or [
        c for c in element.value.columns if not config.get(c, {}).get("hidden")
    ]
    return {c: (config.get(c) or {}).get("label") or c for c in order}


# English words a Korean page must not show as a label or heading.
ENGLISH_LABELS = [
    "This week", "Reading list", "Quota", "Reproductions", "Notes", "Next meeting",
    "Presentations", "Carried-over", "Behind", "Showing", "Search", "Topic", "Status",
    "Reader", "Sort by", "Sheet sync", "Parity", "Run ", "Meeting", "Tags", "Show drafts",
    "Why these papers", "None",
]  # fmt: skip


def test_a_korean_team_sees_every_page_in_korean_with_unique_column_titles(tiny: Path) -> None:
    write_results(tiny)
    app = open_page("this_week")
    for page in PAGES:
        app.switch_page(PAGES[page]).run()
        shown = texts(app)
        labels = []
        for frame in app.dataframe:
            titles = list(column_labels(frame).values())
            assert len(titles) == len(set(titles)), (page, titles)
            labels += titles
        widgets = [w.label for kind in ("selectbox", "multiselect", "text_input", "toggle")
                   for w in getattr(app, kind)]  # fmt: skip
        visible = "\n".join([shown, *labels, *widgets])
        for english in ENGLISH_LABELS:
            assert english not in visible, (page, english)
        assert "results/" not in shown and "T09:30" not in shown, page


def test_language_en_in_team_yaml_turns_the_dashboard_english(tiny: Path) -> None:
    team = tiny / "papers" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8") + "language: en\n", encoding="utf-8")
    app = open_page("this_week")
    assert "Next meeting: 2025-07-08 (Tuesday)" in texts(app)
    assert "조은 (cho): 1 behind pace" in texts(app)
    app.switch_page(PAGES["reading_list"]).run()
    assert "Showing 4 of 4 papers" in texts(app)
    assert column_labels(app.dataframe[0])["people"] == "readers (✓ done)"


def test_reading_list_names_people_and_leaves_missing_values_empty(tiny: Path) -> None:
    app = open_page("reading_list")
    frame = app.dataframe[0]
    assert list(column_labels(frame)) == [
        "title", "year", "status", "topics", "people", "presenting", "link", "slides",
    ]  # fmt: skip
    table = frame.value.set_index("id")
    assert table.loc["1706.03762", "people"] == "안나 ✓, 벤 ✓"
    assert table.loc["lstm-1997", "people"] == "안나, 조은"
    assert table.loc["1706.03762", "presenting"] == "안나 · 07-08"
    assert table.loc["lstm-1997", "presenting"] == ""
    assert table.loc["1706.03762", "status"] == "요약 완료"
    assert table.loc["1706.03762", "topics"] == "attention · 어텐션 · transformer"
    shown = table[["title", "status", "topics", "people", "presenting"]].astype(str)
    assert not shown.isin(["None", "nan", "<NA>"]).any().any()


def test_this_week_says_changed_results_as_sentences(tiny: Path) -> None:
    write_results(tiny)
    app = open_page("this_week")
    blocks = [m.value for m in app.markdown]
    changed = blocks[blocks.index("#### 바뀐 재현 결과") + 1]
    assert changed.splitlines() == [
        "- bert: 참조 구현과 일치, 검사 3개 모두 통과",
        "- bert: 마스크 언어 모델 정확도 41.0%",
    ]
    presentations = column_labels(app.dataframe[0])
    assert list(presentations.values()) == ["논문", "발표자", "발표 자료", "링크"]
