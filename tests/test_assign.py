"""Quota assignment: constraints, optimality against an independent min-cost flow, order
independence, infeasibility reasons, stability and applying through the store."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import store
from tracker.assign import apply_assignment, assign_reading_quota
from tracker.catalog import Catalog, load_catalog
from tracker.models import Member, Paper, TeamSettings
from tracker.relevance import relevance_matrix

REPO = Path(__file__).resolve().parents[1]
VOCAB = ["attention", "translation", "pretraining", "embedding", "tagging", "lstm", "llm", "qa"]


def team_repo(tmp_path: Path) -> Path:
    """A copy of the sample team (papers/ and meetings) to write into."""
    root = tmp_path / "team"
    shutil.copytree(REPO / "papers", root / "papers")
    shutil.copytree(REPO / "docs" / "meetings", root / "docs" / "meetings")
    return root


@st.composite
def teams(draw: st.DrawFn) -> tuple[Catalog, int, int]:
    n_members = draw(st.integers(1, 4))
    n_papers = draw(st.integers(2, 9))
    quota = draw(st.integers(1, 3))
    k = draw(st.integers(1, 2))
    members = [
        Member(
            handle=f"m{i}",
            name=f"M{i}",
            interests=draw(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=3)),
        )
        for i in range(n_members)
    ]
    handles = [m.handle for m in members]
    papers = []
    for j in range(n_papers):
        topics = draw(st.lists(st.sampled_from(VOCAB), min_size=0, max_size=3))
        read_by = draw(st.lists(st.sampled_from(handles), max_size=2, unique=True))
        readers = draw(st.lists(st.sampled_from(handles), max_size=k, unique=True))
        status = draw(st.sampled_from(["proposed", "assigned", "read"]))
        papers.append(
            Paper(
                id=f"p{j}",
                title=f"paper {j}",
                topics=topics,
                read_by=read_by,
                readers=readers,
                status=status if readers else "proposed",
            )
        )
    team = TeamSettings(name="t", topic="nlp", quota=quota, readers_per_paper=k, members=members)
    return Catalog(root=Path("."), team=team, papers=papers, meetings=[], results=[]), quota, k


def locked_pairs(catalog: Catalog) -> set[tuple[str, str]]:
    """Pairs the docs say must stay: a reader who read it, or reads it alone and it is read."""
    return {
        (h, p.id)
        for p in catalog.papers
        for h in p.readers
        if h in p.read_by or (p.readers == [h] and p.status.value == "read")
    }


def flow_optimum(catalog: Catalog, quota: int, k: int) -> float | None:
    """Best total relevance by min-cost flow (source -> member -> paper -> sink) around the
    locked pairs; None when not every member can reach `quota` papers."""
    members = catalog.team.members
    rel = relevance_matrix(members, catalog.papers)
    locked = locked_pairs(catalog)
    fixed = sum(
        rel.scores[mi, pi]
        for mi, m in enumerate(members)
        for pi, p in enumerate(catalog.papers)
        if (m.handle, p.id) in locked
    )
    graph = nx.DiGraph()
    demand = 0
    for mi, member in enumerate(members):
        room = max(quota - sum(1 for h, _ in locked if h == member.handle), 0)
        demand += room
        graph.add_edge("source", ("m", mi), capacity=room, weight=0)
        for pi, paper in enumerate(catalog.papers):
            if member.handle in paper.read_by or (member.handle, paper.id) in locked:
                continue
            cost = -round(rel.scores[mi, pi] * 1_000_000)
            graph.add_edge(("m", mi), ("p", pi), capacity=1, weight=cost)
    for pi, paper in enumerate(catalog.papers):
        room = max(k - sum(1 for _, p in locked if p == paper.id), 0)
        graph.add_edge(("p", pi), "sink", capacity=room, weight=0)
    if "sink" not in graph or demand == 0:
        return fixed
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    if sum(flow["source"].values()) < demand:
        return None
    return fixed - nx.cost_of_flow(graph, flow) / 1_000_000


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams())
def test_random_teams_meet_loads_caps_exclusions_and_the_flow_optimum(case) -> None:
    catalog, quota, k = case
    result = assign_reading_quota(catalog, stability_bonus=0.0)
    locked = locked_pairs(catalog)
    read = {(h, p.id) for p in catalog.papers for h in p.read_by}
    pairs = [(p.member, p.paper_id) for p in result.pairs]
    assert len(set(pairs)) == len(pairs)
    assert locked <= set(pairs), "a pair someone already works on was dropped"
    assert not (set(pairs) - locked) & read, "a member got a paper they already read"
    per_paper: dict[str, int] = {}
    for _, paper_id in pairs:
        per_paper[paper_id] = per_paper.get(paper_id, 0) + 1
    assert all(count <= k for count in per_paper.values())
    optimum = flow_optimum(catalog, quota, k)
    loads = {m.handle: m.load for m in result.members}
    if optimum is None:
        assert not result.feasible and result.reasons
        n_locked = {h: sum(1 for m, _ in locked if m == h) for h in loads}
        assert all(load <= max(quota, n_locked[h]) for h, load in loads.items())
        # Loads differ by at most one among members who got new papers; anyone lower took every
        # paper still open to them.
        room = {p.id: k - sum(1 for _, q in locked if q == p.id) for p in catalog.papers}
        open_to = {
            h: sum(
                1
                for p in catalog.papers
                if h not in p.read_by and (h, p.id) not in locked and room[p.id] > 0
            )
            for h in loads
        }
        tops = [load for h, load in loads.items() if load > n_locked[h]]
        for h, load in loads.items():
            assert not tops or load >= max(tops) - 1 or load == n_locked[h] + open_to[h]
    else:
        assert result.feasible
        n_locked = {h: sum(1 for m, _ in locked if m == h) for h in loads}
        assert all(load == max(quota, n_locked[h]) for h, load in loads.items())
        assert result.total_relevance == pytest.approx(optimum, abs=1e-4)


@settings(max_examples=15, deadline=None)
@given(teams(), st.randoms(use_true_random=False))
def test_shuffling_members_and_papers_changes_nothing(case, rnd: random.Random) -> None:
    catalog, _, _ = case
    members = list(catalog.team.members)
    papers = list(catalog.papers)
    rnd.shuffle(members)
    rnd.shuffle(papers)
    team = catalog.team.model_copy(update={"members": members})
    shuffled = Catalog(root=Path("."), team=team, papers=papers, meetings=[], results=[])
    a = assign_reading_quota(catalog).to_json()
    b = assign_reading_quota(shuffled).to_json()
    assert a == b


def test_sample_quota_of_20_is_infeasible_and_says_the_slot_arithmetic() -> None:
    catalog = load_catalog(REPO)
    n_papers = len(list((REPO / "papers").glob("*.md")))
    result = assign_reading_quota(catalog)
    assert not result.feasible
    text = "\n".join(result.reasons)
    assert f"{n_papers} papers x 2 readers = {2 * n_papers} slots" in text
    loads = [m.load for m in result.members]
    assert max(loads) - min(loads) <= 1
    assert min(loads) < 20
    # Demand exceeds supply, so every reading slot of every paper is used.
    assert sum(loads) == 2 * n_papers


def test_a_member_who_read_almost_everything_is_named_as_the_reason() -> None:
    members = [Member(handle=h, name=h, interests=["attention"]) for h in ("ana", "bo")]
    papers = [
        Paper(id=f"p{i}", title="attention paper", read_by=["ana"] if i < 4 else [])
        for i in range(6)
    ]
    team = TeamSettings(name="t", topic="x", quota=3, readers_per_paper=2, members=members)
    result = assign_reading_quota(Catalog(Path("."), team, papers, [], []))
    assert not result.feasible
    ana = next(r for r in result.reasons if r.startswith("ana"))
    assert "only 2 more" in ana and "4 already read" in ana
    assert {m.handle: m.load for m in result.members} == {"ana": 2, "bo": 3}


def test_korean_interest_reaches_english_topic_and_is_explained() -> None:
    members = [
        Member(handle="ko", name="ko", interests=["기계번역"]),
        Member(handle="en", name="en", interests=["tagging"]),
    ]
    papers = [
        Paper(id="mt", title="Neural machine translation by jointly learning to align"),
        Paper(id="pos", title="Bidirectional LSTM-CRF models for sequence tagging"),
    ]
    team = TeamSettings(name="t", topic="x", quota=1, readers_per_paper=1, members=members)
    result = assign_reading_quota(Catalog(Path("."), team, papers, [], []))
    pair = next(p for p in result.pairs if p.member == "ko")
    assert pair.paper_id == "mt" and pair.rank == 1
    assert "machine translation" in pair.keywords
    assert any("machine translation" in line for line in result.explain("ko"))


def test_rerun_after_adding_papers_keeps_applied_pairs(tmp_path: Path) -> None:
    root = team_repo(tmp_path)
    first = assign_reading_quota(load_catalog(root), quota=12)
    written = apply_assignment(root, first)
    assert written
    assert apply_assignment(root, first) == [], "applying twice writes nothing"
    for i in range(3):
        paper = Paper(id=f"new-{i}", title=f"Attention for translation {i}", topics=["attention"])
        store.write_paper(root, paper)
    second = assign_reading_quota(load_catalog(root), quota=12)
    assert second.churn["kept"] >= 0.9 * (second.churn["kept"] + second.churn["removed"])
    assert second.churn["removed"] <= 3


def test_apply_writes_readers_and_marks_proposed_papers_assigned(tmp_path: Path) -> None:
    root = team_repo(tmp_path)
    result = assign_reading_quota(load_catalog(root), quota=12)
    apply_assignment(root, result)
    papers = {p.id: p for p in load_catalog(root).papers}
    for pair in result.pairs:
        assert pair.member in papers[pair.paper_id].readers
    assert all(p.status.value != "proposed" for p in papers.values() if p.readers)


def test_cli_assign_dry_run_json_and_explain(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    root = team_repo(tmp_path)
    before = {p.name: p.read_text(encoding="utf-8") for p in (root / "papers").glob("*.md")}
    runner = CliRunner()
    out = runner.invoke(app, ["assign", "--root", str(root), "--quota", "10", "--json"])
    assert out.exit_code == 0, out.output
    data = __import__("json").loads(out.stdout)
    assert data["schema"] == 1 and data["feasible"] is True
    assert {m["load"] for m in data["members"]} == {10}
    after = {p.name: p.read_text(encoding="utf-8") for p in (root / "papers").glob("*.md")}
    assert before == after, "a dry run writes nothing"
    explained = runner.invoke(app, ["assign", "--root", str(root), "--explain", "minseo"])
    assert explained.exit_code == 0 and "regret" in explained.stdout
    assert "Example:" in runner.invoke(app, ["assign", "--help"]).output


def test_short_list_pricing_gives_the_same_optimum_as_the_whole_problem(monkeypatch) -> None:
    import sys

    import tracker.assign as assign_module

    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_assign import synthetic_catalog

    catalog = synthetic_catalog(30, 400, seed=3)
    monkeypatch.setattr(assign_module, "PRICING_MIN_VARS", 10**9)
    whole = assign_reading_quota(catalog, quota=6)
    monkeypatch.setattr(assign_module, "PRICING_MIN_VARS", 0)
    priced = assign_reading_quota(catalog, quota=6)
    assert priced.feasible and whole.feasible
    assert priced.total_relevance == pytest.approx(whole.total_relevance, abs=1e-9)
    assert {(p.member, p.paper_id) for p in priced.pairs} == {
        (p.member, p.paper_id) for p in whole.pairs
    }


def test_cover_every_paper_gives_each_paper_a_reader() -> None:
    members = [Member(handle=h, name=h, interests=["attention"]) for h in ("ana", "bo")]
    papers = [
        Paper(id="hot1", title="attention", topics=["attention"]),
        Paper(id="hot2", title="attention again", topics=["attention"]),
        Paper(id="cold1", title="hidden markov models"),
        Paper(id="cold2", title="conditional random fields"),
    ]
    team = TeamSettings(name="t", topic="x", quota=2, readers_per_paper=2, members=members)
    catalog = Catalog(Path("."), team, papers, [], [])
    free = assign_reading_quota(catalog)
    assert {p.paper_id for p in free.pairs} == {"hot1", "hot2"}
    covered = assign_reading_quota(catalog, cover_every_paper=True)
    assert covered.feasible
    assert {p.paper_id for p in covered.pairs} == {"hot1", "hot2", "cold1", "cold2"}
    assert covered.total_relevance < free.total_relevance


def test_cli_explain_shows_titles_cut_to_the_terminal_and_marks_filler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.cells import cell_len
    from typer.testing import CliRunner

    from tracker.cli.main import app

    root = team_repo(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    out = CliRunner().invoke(app, ["assign", "--root", str(root), "--explain", "jiwoo"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].startswith("김지우 (jiwoo): 논문 20편")
    papers = [line for line in lines if line.lstrip().startswith("#")]
    assert len(papers) == 20 and all(cell_len(line) <= 100 for line in papers)
    bert = next(line for line in papers if "1810.04805" in line)
    assert "BERT: Pre-training of Deep Bidirectional" in bert and bert.endswith("…")
    assert "0.825 [읽는 중]" in bert
    keywords = "\n".join(lines)
    assert "사전학습" in keywords and "사전, 학습" not in keywords
    # The two papers with nothing in common are fill-ins, not matches.
    fillers = [line for line in papers if "[채우기]" in line]
    assert fillers and all(" 0.000 " in line for line in fillers)
    assert keywords.count("공통 키워드 없음: 할당량을 채우는 논문") == len(fillers)


def test_cli_assign_table_lists_titles_and_apply_names_every_move(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    root = team_repo(tmp_path)
    dry = CliRunner().invoke(app, ["assign", "--root", str(root), "--json"])
    moves = __import__("json").loads(dry.stdout)["moves"]
    assert moves and all(m["taken_by"] for m in moves)
    out = CliRunner().invoke(app, ["assign", "--root", str(root), "--apply"])
    assert out.exit_code == 0, out.output
    assert "\t1810.04805\tBERT: Pre-training of Deep Bidirectional" not in out.stdout  # locked
    assert "Exploring the Limits of Transfer Learning" in out.stdout, "titles in the table"
    names = {m.handle: m.name for m in load_catalog(root).team.members}
    lines = [line for line in out.output.splitlines() if " → " in line]
    assert len(lines) == len(moves)
    papers = {p.id: p for p in load_catalog(root).papers}
    for move, line in zip(moves, lines, strict=True):
        lost, taken = move["lost_by"], move["taken_by"]
        assert f"{move['title']} ({move['paper_id']})" in line
        assert f"{names[lost]} ({lost}) → {names[taken]} ({taken})" in line
        assert f"{move['taken_score']:.3f} 대 {move['lost_score']:.3f}" in line
        assert lost not in papers[move["paper_id"]].readers
        assert taken in papers[move["paper_id"]].readers
