"""`tracker doctor`: check the set-up and the data, and say how to fix what is wrong."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from tracker.cli.common import JsonOption, RootOption, resolve_root, verb
from tracker.cli.output import console, print_json
from tracker.doctor import diagnose

HELP = "Check the team settings, paper files, remote and tools; exit 1 if something is wrong."


def register(app: typer.Typer) -> None:
    @verb(app, "doctor", HELP, "Example: tracker doctor")
    def doctor(as_json: bool = JsonOption, root: Path = RootOption) -> None:
        findings = diagnose(resolve_root(root))
        if as_json:
            print_json({"schema": 1, "findings": [asdict(f) for f in findings]})
        else:
            for finding in findings:
                mark = "BAD" if not finding.ok else "warn" if finding.warning else "ok "
                console.print(f"[{mark}] {finding.check}: {finding.detail}", markup=False)
                if finding.fix:
                    console.print(f"      fix: {finding.fix}", markup=False)
        if not all(f.ok for f in findings):
            raise typer.Exit(1)
