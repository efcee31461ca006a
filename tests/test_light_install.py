"""The tracker without the reproductions' stack: a missing extra is one line naming it, exit 2.

Each command runs in a child Python where an import hook makes the optional module fail to
import, as on a machine that never installed it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.helpers.repo import REPO

BLOCKED_RUN = """
import sys

BLOCKED = set(sys.argv[1].split(","))


class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
sys.argv = ["tracker", *sys.argv[2:]]
from tracker.cli.main import main

main()
"""


def tracker_without(
    blocked: str, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCKED_RUN, blocked, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def light_package(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """edit_distance as shipped (no torch in it) and a reproduction whose check needs torch."""
    name = f"lightrepro_{uuid.uuid4().hex[:8]}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text('"""Light reproductions."""\n')
    source = REPO / "reproductions" / "edit_distance"
    target = root / "edit_distance"
    target.mkdir()
    for file in ("__init__.py", "model.py", "check.py"):
        shutil.copy2(source / file, target / file)
    heavy = root / "heavy"
    heavy.mkdir()
    (heavy / "__init__.py").write_text('"""Needs torch."""\nPAPER_ID = "x"\nTITLE = "Heavy"\n')
    (heavy / "check.py").write_text(
        "import torch\n\n\ndef run_checks(quick=True):\n    return []\n"
    )
    (heavy / "results").mkdir()
    (heavy / "results" / "parity.json").write_text('{"kept": true}\n')
    env = {
        **os.environ,
        "TRACKER_REPRO_PACKAGE": name,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)]),
    }
    return root, env


def test_a_reproduction_without_torch_checks_without_it(light_package, tmp_path: Path) -> None:
    root, env = light_package
    done = tracker_without(
        "torch", "repro", "check", "edit_distance", "--json", env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["results"][0]["passed"] is True
    assert (root / "edit_distance" / "results" / "parity.json").is_file()


def test_a_check_that_needs_torch_names_the_extra_in_one_line(
    light_package, tmp_path: Path
) -> None:
    root, env = light_package
    done = tracker_without("torch", "repro", "check", "heavy", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        "error: tracker repro check heavy needs torch, which is not installed: pip install "
        "torch==2.13.0 && pip install -e '.[repro]'"
    ]
    # The recorded parity is the machine's business no more than before: left as it was.
    assert (root / "heavy" / "results" / "parity.json").read_text() == '{"kept": true}\n'


def test_doctor_warns_about_a_missing_extra(sample_repo: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = tracker_without("torch", "doctor", "--root", str(sample_repo), env=env, cwd=sample_repo)
    assert "[warn] torch: not installed" in done.stdout
    assert "[ok ] torch" not in done.stdout


def test_the_dashboard_without_streamlit_names_what_to_install(sample_repo: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = tracker_without(
        "streamlit", "dashboard", "--root", str(sample_repo), env=env, cwd=sample_repo
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "tracker dashboard needs streamlit, which is not installed" in done.stderr
