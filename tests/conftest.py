"""Fixtures shared by the tracker's tests: a small team repository in a temp directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Nothing in the suite may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TEAM_YAML = """\
name: 테스트 모임
topic: NLP
quota: 2
readers_per_paper: 2
start: 2025-06-03
deadline: 2025-12-30
schedule: {weekday: tuesday, time: "20:00", timezone: Asia/Seoul}
members:
  - {handle: jiwoo, name: 김지우, interests: [pretraining, 사전학습]}
  - {handle: minseo, name: 이민서, interests: [translation, 기계번역]}
remote:
  kind: file
  path: papers/reading-list.csv
"""

HEADER = "ID,제목,저자,연도,학회,arXiv,링크,주제,상태,담당자,발표자,발표일,발표자료,추가일"
ROWS = [
    "1810.04805,BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding,"
    '"Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova",2019,NAACL,1810.04805,,'
    '"pretraining, 사전학습",assigned,jiwoo,,,,2025-06-01',
    "2101.10000,숫자처럼 보이는 아이디,홍길동,2021,,,,,proposed,,,,,2025-06-02",
    "007,Licence to Parse,James Bond,1962,,,,,read,minseo,minseo,2025-07-08,https://example.org/s,2025-06-03",
]


def write_team_repo(root: Path, *, rows: list[str] | None = None, bom: bool = False) -> Path:
    """A team repository whose sheet holds `rows`; papers/ starts empty (first sync pulls)."""
    (root / "papers").mkdir(parents=True, exist_ok=True)
    (root / "papers" / "team.yaml").write_text(TEAM_YAML, encoding="utf-8")
    text = "\n".join([HEADER, *(ROWS if rows is None else rows)]) + "\n"
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    (root / "papers" / "reading-list.csv").write_bytes(data)
    return root


@pytest.fixture
def team_repo(tmp_path: Path) -> Path:
    return write_team_repo(tmp_path / "team")


@pytest.fixture
def synced_repo(team_repo: Path) -> Path:
    """A team repository after its first `sync --apply`: files, sheet and snapshot agree."""
    from tracker.sync import sync

    sync(team_repo, apply=True)
    return team_repo


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """A copy of the bundled sample team (papers/, docs/meetings/, reproductions results)."""
    target = tmp_path / "sample"
    shutil.copytree(REPO / "papers", target / "papers")
    if (REPO / "docs").is_dir():
        shutil.copytree(
            REPO / "docs", target / "docs", ignore=shutil.ignore_patterns("papers", "members")
        )
    return target


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes, to assert that nothing changed."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }
