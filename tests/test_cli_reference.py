"""docs/dev/cli.md is what `--help` prints: regenerate it with `python -m tracker.cli.reference`."""

from __future__ import annotations

from tracker.cli.reference import TARGET, command_paths, help_text, render


def test_the_command_reference_is_generated_from_help() -> None:
    current = TARGET.read_text(encoding="utf-8")
    assert current == render(), "docs/dev/cli.md is stale: run `python -m tracker.cli.reference`"


def test_the_reference_holds_every_command_with_its_example() -> None:
    text = TARGET.read_text(encoding="utf-8")
    for path in command_paths():
        assert f"## `{' '.join(('tracker', *path))}`" in text
    assert "Example: tracker init my-team --name" in help_text(("init",))
    assert "Example: tracker init my-team --name" in text and "Example: tracker week" in text
