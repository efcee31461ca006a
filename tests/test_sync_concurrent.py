"""Two members syncing with one shared spreadsheet file at the same moment: no push is lost.

Each member has their own repository (papers/ and snapshot); both point remote.path at the same
CSV on a shared folder. Two real processes edit a different paper each and run `sync --apply`
after meeting at a barrier, 20 times. A run either pushes and its value is in the sheet
afterwards, or it loses the race, says so and writes nothing.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from tests.helpers.repo import edit_paper, write_team_repo
from tracker import store
from tracker.sync import sync

ROUNDS = 20


def _member_repo(root: Path, sheet: Path) -> Path:
    write_team_repo(root)
    (root / "papers" / "reading-list.csv").unlink()
    team = root / "papers" / "team.yaml"
    team.write_text(
        team.read_text(encoding="utf-8").replace("papers/reading-list.csv", str(sheet)),
        encoding="utf-8",
    )
    return root


def _sheet_title(sheet: Path, paper_id: str) -> str:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(sheet.read_bytes().decode("utf-8-sig"), newline="")))
    return next(r[1] for r in rows[1:] if r[0] == paper_id)


def _member(name: str, root: Path, sheet: Path, paper_id: str, barrier, results) -> None:  # noqa: ANN001
    from tracker.errors import TrackerError

    outcomes = []
    for round_number in range(ROUNDS):
        value = f"{name} round {round_number}"
        edit_paper(root, paper_id, title=value)
        base_before = (root / store.SNAPSHOT_FILE).read_bytes()
        files_before = {p.name: p.read_bytes() for p in (root / "papers").glob("*.md")}
        barrier.wait()
        try:
            result = sync(root, apply=True)
            pushed = [c.new for c in result.plan.pushes if c.paper_id == paper_id]
            outcome = ("pushed", pushed, "")
        except TrackerError as exc:
            untouched = (root / store.SNAPSHOT_FILE).read_bytes() == base_before and {
                p.name: p.read_bytes() for p in (root / "papers").glob("*.md")
            } == files_before
            outcome = ("lost", untouched, str(exc))
        barrier.wait()  # both runs are over: what does the shared sheet hold now?
        outcomes.append((round_number, value, *outcome, _sheet_title(sheet, paper_id)))
        barrier.wait()
    results.put((name, outcomes))


def test_two_members_racing_20_times_lose_no_push(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    sheet = shared / "reading-list.csv"
    seed = write_team_repo(tmp_path / "seed")
    sheet.write_bytes((seed / "papers" / "reading-list.csv").read_bytes())
    alice = _member_repo(tmp_path / "alice", sheet)
    bob = _member_repo(tmp_path / "bob", sheet)
    sync(alice, apply=True)
    sync(bob, apply=True)

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2, timeout=60)
    results = context.Queue()
    workers = [
        context.Process(target=_member, args=("alice", alice, sheet, "007", barrier, results)),
        context.Process(target=_member, args=("bob", bob, sheet, "2101.10000", barrier, results)),
    ]
    for worker in workers:
        worker.start()
    collected = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0

    lost_pushes = []
    lost_races = 0
    for name, outcomes in collected.items():
        for round_number, value, kind, detail, message, in_sheet in outcomes:
            if kind == "pushed":
                assert detail == [value], (name, round_number, detail)
                if in_sheet != value:
                    lost_pushes.append((name, round_number, value, in_sheet))
            else:
                lost_races += 1
                assert "someone else synced at the same time: run sync again" in message
                assert detail is True, f"{name} round {round_number} lost the race but wrote"
    assert lost_pushes == []
    # The loser of a round pushes its edit in a later round: after one more sync each, the
    # sheet holds both members' last titles.
    sync(alice, apply=True)
    sync(bob, apply=True)
    assert _sheet_title(sheet, "007") == f"alice round {ROUNDS - 1}"
    assert _sheet_title(sheet, "2101.10000") == f"bob round {ROUNDS - 1}"
    print(f"{lost_races} of {2 * ROUNDS} runs lost the race and wrote nothing")
