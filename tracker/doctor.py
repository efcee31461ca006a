"""`tracker doctor`: what is configured, what is wrong, and how to fix it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tracker import store
from tracker.errors import TrackerError


@dataclass
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # worth knowing, not wrong: the command still exits 0


def diagnose(root: Path) -> list[Finding]:
    findings: list[Finding] = []
    try:
        team = store.load_team(root)
        findings.append(
            Finding(
                "team settings",
                True,
                f"{store.TEAM_FILE}: {team.name}, {len(team.members)} members, quota {team.quota}",
            )
        )
    except TrackerError as exc:
        findings.append(Finding("team settings", False, exc.message, exc.fix or ""))
        return findings

    loaded = store.load_papers(root)
    findings.append(
        Finding("papers", not loaded.errors, f"{len(loaded.papers)} paper file(s) read")
    )
    for error in loaded.errors:
        findings.append(Finding("paper file", False, error.message, error.fix or ""))

    handles = {m.handle for m in team.members}
    strangers = sorted(
        {
            f"{h} (in {p.id})"
            for p in loaded.papers
            for h in [*p.readers, *([p.presenter] if p.presenter else [])]
            if h not in handles
        }
    )
    findings.append(
        Finding(
            "readers",
            not strangers,
            "every reader and presenter is on the roster"
            if not strangers
            else f"not on the roster: {', '.join(strangers[:8])}",
            ""
            if not strangers
            else "add them to members in papers/team.yaml or correct the handle",
        )
    )

    try:
        from tracker.remotes import open_remote

        remote = open_remote(team, root)
        check = getattr(remote, "check", None)
        detail = (
            check()
            if callable(check)
            else (
                "reachable"
                if remote.exists()
                else "does not exist yet: `tracker sync --apply` creates it"
            )
        )
        findings.append(
            Finding("remote", True, f"{team.remote.kind}: {remote.description}: {detail}")
        )
    except TrackerError as exc:
        findings.append(Finding("remote", False, exc.message, exc.fix or ""))

    snapshot = root / store.SNAPSHOT_FILE
    try:
        rows = store.read_snapshot(root)
        findings.append(
            Finding(
                "sync snapshot",
                True,
                f"{store.SNAPSHOT_FILE}: {len(rows)} paper(s), taken against "
                f"{store.read_snapshot_remote(root) or 'an unrecorded remote'}"
                if rows is not None and snapshot.is_file()
                else "no sync yet (first `tracker sync` will create it)",
            )
        )
    except TrackerError as exc:
        findings.append(Finding("sync snapshot", False, exc.message, exc.fix or ""))
    from tracker.extras import INSTALL, installed

    for module, purpose in (
        ("torch", "`tracker repro check|train` of the torch reproductions"),
        ("transformers", "parity checks against Hugging Face"),
        ("streamlit", "`tracker dashboard`"),
    ):
        present = installed(module)
        extra = "dashboard" if module == "streamlit" else "repro"
        findings.append(
            Finding(
                module,
                True,
                f"installed ({purpose})" if present else f"not installed: needed for {purpose}",
                "" if present else INSTALL[extra],
                warning=not present,
            )
        )
    browser = shutil.which("chromium")
    findings.append(
        Finding(
            "chromium",
            True,
            browser or "not found: needed only for the browser tests",
            "" if browser else "apt-get install chromium fonts-noto-cjk",
        )
    )
    return findings
