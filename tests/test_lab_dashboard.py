"""The lab pages (tracker/dashboard/views/lab_*.py) under Streamlit's AppTest: each draws its
figure, and the numbers it shows are the ones `tracker.lab` computes (checked in test_lab.py)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from dashboard_helpers import APP, open_on, write_tiny_repo
from results_helpers import GPT2_ABLATION, write_result
from streamlit.testing.v1 import AppTest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytest.importorskip("torch")

from tracker.lab import attention, decoding, depth, vectors  # noqa: E402


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return open_on(write_tiny_repo(tmp_path / "tiny"), monkeypatch)


def open_lab(name: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=180)
    app.switch_page(f"views/lab_{name}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def image_count(app: AppTest) -> int:
    return len(app.get("image"))


def test_lab_section_lists_five_pages() -> None:
    source = Path(APP).read_text(encoding="utf-8")
    for name in ("vectors", "attention", "positions", "depth", "decoding"):
        assert f'"views/lab_{name}.py"' in source
    assert 'lab.label("section"): LAB_PAGES' in source


def test_word_vectors_page_shows_gensim_equal_analogies_and_the_projection(team: Path) -> None:
    app = open_lab("vectors")
    assert app.title[0].value == "단어 벡터"
    assert image_count(app) == 1  # the PCA projection, skip-gram beside CBOW
    # Tables: neighbours sg, cbow; analogies sg, cbow.
    assert len(app.dataframe) == 4
    a, b, c = vectors.DEFAULT_ANALOGY
    for frame, arch in zip(app.dataframe[2:], vectors.ARCHS, strict=True):
        kv = vectors.load_vectors(arch).keyed_vectors()
        ref = kv.most_similar(positive=[a, c], negative=[b], topn=len(frame.value))
        assert list(frame.value["word"]) == [w for w, _ in ref]
        np.testing.assert_allclose(frame.value["코사인 유사도"], [s for _, s in ref], atol=1e-4)
    # A new analogy typed in is recomputed.
    app.text_input(key="lab_a").input("paris")
    app.text_input(key="lab_b").input("france")
    app.text_input(key="lab_c").input("england").run()
    ours = vectors.analogy(vectors.load_vectors("sg"), "paris", "france", "england", 8)
    assert list(app.dataframe[2].value["word"]) == [w for w, _ in ours]
    assert len(app.get("download_button")) == 2


def test_word_vectors_page_says_when_a_word_is_unknown(team: Path) -> None:
    app = open_lab("vectors")
    app.text_input(key="lab_word").input("사과").run()
    assert not app.exception
    assert any("'사과'는 어휘에 없습니다" in w.value for w in app.warning)


def test_attention_page_draws_the_grid_head_and_cls_mass(team: Path) -> None:
    app = open_lab("attention")
    assert image_count(app) == 3  # layer × head grid, one head, [CLS] mass
    model, tokenizer = attention.load_minilm()
    run = attention.run_sentence(model, tokenizer, app.text_input(key="lab_sentence").value)
    cls = attention.cls_mass_per_layer(run)
    shown = app.dataframe[-1].value
    np.testing.assert_allclose(shown["[CLS]"], cls["cls"], atol=1e-9)
    marks = app.dataframe[0].value
    assert marks.shape == (6, 12)
    # A Korean sentence works as well (MiniLM splits Hangul into jamo pieces).
    app.text_input(key="lab_sentence").input("나는 어제 도서관에서 책을 읽었다.").run()
    assert not app.exception and image_count(app) == 3
    assert "[CLS]" in "".join(c.value for c in app.caption)


def test_positions_page_checks_the_rotation_live(team: Path) -> None:
    app = open_lab("positions")
    assert image_count(app) == 1
    assert "성립" in app.success[0].value and "불성립" not in app.success[0].value
    diff = float(app.success[0].value.split("= ")[1].split(" ")[0])
    assert diff < 1e-12
    app.radio(key="lab_layout").set_value("halves")
    app.slider(key="lab_k").set_value(37).run()
    assert not app.exception and "성립" in app.success[0].value
    # The wrong layout's R_k is shown not to hold.
    assert float(app.dataframe[0].value["max |diff|"][1]) > 0.1


def test_an_english_team_sees_the_lab_in_english(team: Path) -> None:
    settings = team / "papers" / "team.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: en\n", encoding="utf-8")
    app = open_lab("positions")
    assert app.title[0].value == "Positional encoding"
    assert app.slider(key="lab_k").label == "distance k"
    assert app.radio(key="lab_layout").options == [
        "paper (sin, cos interleaved)",
        "Marian (sin in the first half, cos in the second)",
    ]
    assert app.success[0].value.endswith("(threshold 1e-12: holds)")
    shown = "\n".join(
        [*(m.value for m in app.markdown), *(c.value for c in app.caption), app.title[0].value]
    )
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in shown), shown


def test_depth_page_shows_residual_stds_and_the_ablation_curves(team: Path) -> None:
    write_result(team, GPT2_ABLATION)
    app = open_lab("depth")
    assert image_count(app) == 2  # std against depth, the ablation's curves
    table = app.dataframe[0].value
    assert list(table["층 수"]) == list(depth.DEPTHS)
    for n, scaled, unscaled in zip(
        table["층 수"], table["1/√(2N) 스케일"], table["스케일 없음"], strict=True
    ):
        profile = depth.depth_profile(int(n))
        assert scaled == pytest.approx(round(profile.scaled[-1], 4))
        assert unscaled == pytest.approx(round(profile.unscaled[-1], 4))
    assert app.code[0].value == GPT2_ABLATION["provenance"]["command"]


def test_depth_page_without_ablation_results_says_how_to_make_them(team: Path) -> None:
    app = open_lab("depth")
    assert image_count(app) == 1
    assert "tracker repro train gpt2" in app.info[0].value


def test_decoding_page_shows_greedy_beside_beam_and_the_tree(team: Path) -> None:
    app = open_lab("decoding")
    assert image_count(app) == 1
    rows = app.dataframe[0].value
    assert list(rows[""]) == ["Greedy", "Beam search (폭 3)"]
    app.slider(key="lab_beam").set_value(5).run()
    assert not app.exception
    model = decoding.train_toy_model()  # same seed and steps: the same weights as the page's
    trace = decoding.traced_beam_search(model, decoding.encode_source(decoding.DEFAULT_SOURCE), 5)
    assert app.dataframe[0].value["output"][1] == " ".join(trace.best)
    app.text_input(key="lab_src").input("3 a 1").run()
    assert "a" in app.error[0].value and not app.exception


def test_lab_page_without_the_repro_extra_gives_the_install_command(
    team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracker.lab

    monkeypatch.setattr(
        tracker.lab,
        "missing_repro",
        lambda: tracker.lab.label("missing_repro", command=tracker.lab.REPRO_INSTALL),
    )
    app = open_lab("positions")
    assert [e.value for e in app.error] == [
        "이 보기는 재현용 패키지(torch 등)가 필요합니다: `pip install -e '.[repro]'`"
    ]
    assert image_count(app) == 0
