"""A small team repository in a temp directory, and the edits tests make to its two sides."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tracker import store

REPO = Path(__file__).resolve().parents[2]

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


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes, to assert that nothing changed."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


SHEET = "papers/reading-list.csv"


def read_rows(root: Path) -> list[list[str]]:
    text = (root / SHEET).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def write_rows(root: Path, rows: list[list[str]], *, bom: bool = False) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (root / SHEET).write_bytes(
        (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")
    )


def set_cell(root: Path, paper_id: str, header: str, value: str) -> None:
    rows = read_rows(root)
    col = rows[0].index(header)
    for row in rows[1:]:
        if row[0] == paper_id:
            row[col] = value
    write_rows(root, rows)


def edit_paper(root: Path, paper_id: str, **changes: object) -> None:
    from tracker.models import Paper

    paper = store.read_paper(store.paper_path(root, paper_id))
    store.write_paper(
        root, Paper.model_validate({**paper.model_dump(), **changes, "body": paper.body})
    )


def run_cli(root: Path, *args: str) -> tuple[int, str]:
    """`tracker ARGS --root ROOT` in-process: the exit code and everything it printed."""
    from typer.testing import CliRunner

    from tracker.cli.main import app

    done = CliRunner().invoke(app, [*args, "--root", str(root)])
    return done.exit_code, done.output + (repr(done.exception) if done.exception else "")


def assert_sync_refused(root: Path, *needles: str) -> str:
    """Both the dry run and --apply exit 1 with a message naming `needles`, no traceback, and
    leave every file of `root` as it was; returns the message."""
    before = snapshot_tree(root)
    for args in (["sync"], ["sync", "--apply"]):
        code, text = run_cli(root, *args)
        assert code == 1, text
        assert "Traceback" not in text and "Error(" not in text, text
        for needle in needles:
            assert needle in text, (needle, text)
    assert snapshot_tree(root) == before
    return text
