"""The paper store: text ids, front matter errors with lines, atomic writes, byte-exact round trips."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from tracker import store
from tracker.errors import DataError, FrontMatterError
from tracker.models import Paper, Status


def test_unquoted_numeric_looking_ids_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "papers" / "2101.10000.md"
    path.parent.mkdir()
    path.write_text(
        "---\nid: 2101.10000\ntitle: T\narxiv: 2101.10000\nyear: 2021\n---\nbody\n",
        encoding="utf-8",
    )
    paper = store.read_paper(path)
    assert paper.id == "2101.10000"
    assert paper.arxiv == "2101.10000"
    assert paper.year == 2021


def test_written_paper_quotes_ids_and_reads_back_equal(tmp_path: Path) -> None:
    paper = Paper(
        id="2101.10000",
        title="숫자 같은 아이디",
        arxiv="2101.10000",
        year=2021,
        topics=["a", "b"],
        body="\n## 요약\n\n한국어 요약.\n",
    )
    store.write_paper(tmp_path, paper)
    text = store.paper_path(tmp_path, "2101.10000").read_text(encoding="utf-8")
    assert "id: '2101.10000'" in text or 'id: "2101.10000"' in text
    again = store.read_paper(store.paper_path(tmp_path, "2101.10000"))
    assert again == paper
    assert again.body == paper.body


def test_rewriting_an_unchanged_paper_keeps_the_file_byte_for_byte(tmp_path: Path) -> None:
    paper = Paper(id="007", title="Licence to Parse", authors=["James Bond"], status=Status.read)
    assert store.write_paper(tmp_path, paper) is True
    before = store.paper_path(tmp_path, "007").read_bytes()
    assert store.write_paper(tmp_path, store.read_paper(store.paper_path(tmp_path, "007"))) is False
    assert store.paper_path(tmp_path, "007").read_bytes() == before


HAND_WRITTEN = """---
# kept by hand: the abstract is folded at 100 columns
id: "1412.6980"
title: "Adam: A Method for Stochastic Optimization"
authors: [Diederik P. Kingma, Jimmy Ba]
year: 2015
arxiv: "1412.6980"
abstract: >-
  Proposes an optimiser that keeps exponential moving averages of gradients and squared
  gradients, corrects their initialisation bias, and scales each parameter's step.
status: assigned
readers: [dohyun, yuna]
added_on: 2025-05-27
---

## 요약

손으로 쓴 요약.
"""


def _hand_written(tmp_path: Path) -> Path:
    path = store.paper_path(tmp_path, "1412.6980")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def test_changing_one_field_changes_only_its_line(tmp_path: Path) -> None:
    path = _hand_written(tmp_path)
    paper = store.read_paper(path)
    assert store.write_paper(tmp_path, paper.model_copy(update={"status": Status.read})) is True
    expected = HAND_WRITTEN.replace("status: assigned\n", "status: read\n")
    assert path.read_text(encoding="utf-8") == expected


def test_new_fields_go_after_their_predecessor_and_emptied_fields_go(tmp_path: Path) -> None:
    path = _hand_written(tmp_path)
    paper = store.read_paper(path)
    changed = paper.model_copy(
        update={"presenter": "yuna", "presented_on": dt.date(2025, 7, 8), "readers": []}
    )
    store.write_paper(tmp_path, changed)
    expected = HAND_WRITTEN.replace(
        "readers: [dohyun, yuna]\n", "presenter: yuna\npresented_on: 2025-07-08\n"
    )
    assert path.read_text(encoding="utf-8") == expected
    assert store.read_paper(path) == changed


def test_front_matter_it_cannot_edit_line_by_line_is_rewritten_whole(tmp_path: Path) -> None:
    path = store.paper_path(tmp_path, "x-2020")
    path.parent.mkdir(parents=True)
    # A flow mapping over several lines has no per-field lines to keep.
    path.write_text("---\n{id: x-2020,\n title: X, status: proposed}\n---\nbody\n", "utf-8")
    paper = store.read_paper(path)
    changed = paper.model_copy(update={"title": "Y"})
    assert store.write_paper(tmp_path, changed) is True
    assert store.read_paper(path) == changed
    assert path.read_text(encoding="utf-8").startswith("---\nid: x-2020\ntitle: Y\n")


def test_broken_front_matter_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "papers" / "x.md"
    path.parent.mkdir()
    path.write_text("---\nid: x\ntitle: [unclosed\nyear: 2020\n---\n", encoding="utf-8")
    with pytest.raises(FrontMatterError) as info:
        store.read_paper(path)
    assert info.value.line is not None and info.value.line >= 3
    assert "x.md" in str(info.value)


def test_unclosed_front_matter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FrontMatterError, match="not closed"):
        store.split_front_matter("---\nid: a\n", source="papers/a.md")


def test_id_must_match_file_name(tmp_path: Path) -> None:
    path = tmp_path / "papers" / "one.md"
    path.parent.mkdir()
    path.write_text("---\nid: two\ntitle: T\n---\n", encoding="utf-8")
    with pytest.raises(DataError, match="does not match the file name"):
        store.read_paper(path)


def test_load_papers_collects_every_broken_file_and_keeps_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    store.write_paper(tmp_path, Paper(id="good", title="Good"))
    (tmp_path / "papers" / "bad.md").write_text("---\nid: bad\n---\n", encoding="utf-8")
    (tmp_path / "papers" / "worse.md").write_text("no front matter\n", encoding="utf-8")
    loaded = store.load_papers(tmp_path)
    assert [p.id for p in loaded.papers] == ["good"]
    messages = sorted(str(e) for e in loaded.errors)
    assert any("bad.md" in m and "title" in m for m in messages)
    assert any("worse.md" in m for m in messages)


def test_atomic_write_leaves_old_file_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old", encoding="utf-8")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"], "temp file was not cleaned up"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year", "20x9", "four-digit year"),
        ("status", "done-ish", "unknown status"),
        ("title", "  ", "title is empty"),
        ("id", "Has Spaces", "not a valid id"),
    ],
)
def test_paper_validation_messages_say_what_to_write(field: str, value: str, message: str) -> None:
    data = {"id": "p", "title": "T", field: value}
    with pytest.raises(ValueError, match=message):
        Paper.model_validate(data)


def test_korean_status_aliases_are_understood() -> None:
    assert Paper(id="p", title="T", status="발표 완료").status is Status.presented
    assert Paper(id="p", title="T", status="요약").status is Status.summarised


def test_parse_cache_sees_an_edit_and_never_writes_into_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "team"
    store.write_paper(root, Paper(id="a", title="First title"))
    assert store.load_papers(root).papers[0].title == "First title"
    assert store.cache_path(root).is_file()
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["a.md"]
    path = store.paper_path(root, "a")
    path.write_text(
        path.read_text(encoding="utf-8").replace("First title", "Other title"), encoding="utf-8"
    )
    assert store.load_papers(root).papers[0].title == "Other title"


@pytest.mark.parametrize(
    "text",
    [
        "id: '2101.10000'\ntitle: 제목\nauthors: [김지우, Jane Doe]\nyear: 2021\n"
        "presented_on: 2025-07-08\nstatus: read\nreaders:\n- m1\n- m2\n",
        "read_on: {jiwoo: 2025-07-01, minseo: 2025-07-02}\nempty:\nflag: yes\nnone: ~\n",
        "when: 2025-07-08 10:30:00\nquoted: '2021'\nnumberish: 1e3\nbools: [true, off, 'no']\n",
        "abstract: |\n  두 줄\n  요약\nfolded: >\n  one\n  two\n",
        "nested: [[a, b], c]\n",  # deeper than flat: built the generic way
        "deep: {a: {b: c}}\n",
        "list_of_maps: [{a: b}]\n",
        "base: {a: b}\nmerged:\n  <<: {x: y}\n  z: w\n",  # merge key
        "tagged: !!str 2021\nbinary: !!binary aGVsbG8=\n",
        "? [a, b]\n: complex key\n",
        "true: boolean key\n2025-01-01: date key\n",
        "just a scalar\n",
        "- a list\n- at the top\n",
        "",
    ],
)
def test_front_matter_loads_exactly_as_pyyaml_builds_it(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def outcome() -> tuple[str, str]:
        try:
            data = store.load_yaml(text)
        except FrontMatterError as exc:
            return "error", str(exc)
        return "loaded", repr(data)  # repr: the same types too (date/datetime, bool/text)

    fast = outcome()
    # PyYAML's own document construction, which the flat fast path stands in for.
    generic_construction = yaml.constructor.SafeConstructor.construct_document
    monkeypatch.setattr(store.TextPreservingLoader, "construct_document", generic_construction)
    assert fast == outcome()


def test_a_repeated_key_is_still_reported_with_its_line() -> None:
    with pytest.raises(FrontMatterError, match="duplicate key 'title'") as caught:
        store.load_yaml("id: a\ntitle: one\ntitle: two\n")
    assert caught.value.line == 3
