"""`tracker.week.prepare_week`: the weekly prep as a library call that prints nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import tracker.week as week
from tests.helpers.repo import write_team_repo
from tracker.catalog import load_catalog


def count_catalog_loads(monkeypatch: pytest.MonkeyPatch, *modules: object) -> list[Path]:
    """The roots `load_catalog` is called with, through each of `modules` (which import it by
    name), from now on."""
    loads: list[Path] = []

    def counting_load(path: Path):  # noqa: ANN202
        loads.append(path)
        return load_catalog(path)

    for module in modules:
        monkeypatch.setattr(module, "load_catalog", counting_load)
    return loads


def test_prepare_week_runs_each_step_once_loads_the_catalog_once_and_prints_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-07")
    loads = count_catalog_loads(monkeypatch, week)
    started: list[str] = []
    report = week.prepare_week(root, site=False, on_start=started.append)
    assert capsys.readouterr().out == ""
    assert [s.title for s in report.steps] == started and len(started) == 4
    assert report.ok, [(s.title, s.error) for s in report.steps]
    assert loads == [root], "the quota and the agenda share one catalog, loaded after the sync"
    sync, reading, quota, agenda = report.steps
    assert "3" in sync.detail and (root / "papers" / "1810.04805.md").is_file()
    (statuses,) = [item for item in reading.output if isinstance(item, week.Table)]
    assert sum(row[1] for row in statuses.rows) == 3
    (members,) = [item for item in quota.output if isinstance(item, week.Table)]
    assert [row[0] for row in members.rows] == ["김지우 (@jiwoo)", "이민서 (@minseo)"]
    assert agenda.detail.endswith("docs/meetings/2025-07-08.md")
    assert (root / "docs" / "meetings" / "2025-07-08.md").is_file()


def test_a_failing_step_is_reported_and_the_others_still_run(tmp_path: Path) -> None:
    root = write_team_repo(tmp_path)
    (root / "papers" / "broken.md").write_text("---\nid: [unclosed\n---\n", encoding="utf-8")
    report = week.prepare_week(root, dry_run=True)
    titles = [s.title for s in report.steps]
    assert len(titles) == 3 and not report.ok, "a dry run stops before the agenda and the site"
    reading = report.steps[1]
    assert not reading.ok and "broken.md" in (reading.error or "")
    assert report.steps[2].output, "the quota step still ran after the reading list failed"


def test_the_site_step_builds_from_the_weeks_catalog_holding_the_new_agenda_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    import tracker.site.build as build
    import tracker.site.pages as pages

    root = write_team_repo(tmp_path)
    (root / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-07")
    # Every way the week and the site reach the loader; MkDocs and KaTeX are not under test.
    loads = count_catalog_loads(monkeypatch, week, pages)
    monkeypatch.setattr(build, "vendor_katex", lambda root: [])
    monkeypatch.setattr(
        build, "_mkdocs", lambda root, *args: subprocess.CompletedProcess(args, 0, "", "")
    )
    seen: list[list[str]] = []
    generate = build.generate_site

    def recording_generate(root: Path, **kwargs):  # noqa: ANN003, ANN202
        seen.append([m.path for m in kwargs["catalog"].meetings])
        return generate(root, **kwargs)

    monkeypatch.setattr(build, "generate_site", recording_generate)
    report = week.prepare_week(root)
    assert report.ok, [(s.title, s.error) for s in report.steps]
    assert len(report.steps) == 5
    assert loads == [root], "the site is built from the catalog the quota and agenda used"
    assert seen == [["docs/meetings/2025-07-08.md"]], "and that catalog holds the new draft"
    assert (root / "docs" / "agenda.md").is_file()
