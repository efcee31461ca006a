"""`tracker suggest` end to end against loopback imitations of the Semantic Scholar Graph API and
the arXiv API (shapes as documented): neighbours and keyword hits merged, duplicates of the list
refused by arXiv id / DOI / title, ranking by assign's relevance, why each was suggested,
--add through the store, and faults: 429, 500, timeouts, bad answers, budget, offline."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from typer.testing import CliRunner

from tests.loopback import Loopback
from tracker import store
from tracker.catalog import load_catalog
from tracker.cli.main import app
from tracker.models import Member, Paper, Status
from tracker.relevance import relevance_matrix

runner = CliRunner()

TEAM = """\
name: 제안 테스트 모임
topic: NLP
quota: 3
readers_per_paper: 1
members:
  - {handle: ana, name: 안나, interests: [attention, translation]}
  - {handle: bo, name: 보영, interests: [pretraining, language model]}
remote: {kind: file, path: papers/reading-list.csv}
"""


def s2_paper(title: str, arxiv: str | None = None, doi: str | None = None, **extra) -> dict:
    ids = {"CorpusId": 1}
    if arxiv:
        ids["ArXiv"] = arxiv
    if doi:
        ids["DOI"] = doi
    return {
        "paperId": None if not arxiv and not doi else "abc",
        "title": title,
        "year": extra.get("year", 2019),
        "venue": extra.get("venue", ""),
        "authors": [{"authorId": "1", "name": "A. Author"}],
        "abstract": extra.get("abstract"),
        "externalIds": ids,
    }


REFERENCES = {
    "data": [
        {"citedPaper": s2_paper("Attention Is All You Need", "1706.03762")},  # listed: arXiv id
        {"citedPaper": s2_paper("Deep contextualized word representations", "1802.05365")},
        {
            "citedPaper": s2_paper(
                "BERT: pre-training of deep bidirectional transformers for language understanding!"
            )
        },  # listed: title
        {"citedPaper": {"paperId": None, "title": None}},  # unresolved reference: skipped
        {"citedPaper": s2_paper("A survey of machine translation with attention")},
    ]
}
CITATIONS = {
    "data": [
        {
            "citingPaper": s2_paper(
                "RoBERTa: A Robustly Optimized BERT Pretraining Approach",
                "1907.11692",
                "10.48550/arXiv.1907.11692",
                abstract="Language model pretraining has led to gains.",
            )
        },
        {"citingPaper": s2_paper("Listed by DOI only", doi="10.18653/V1/N19-1423")},  # listed
    ]
}
SEARCH = {
    "total": 2,
    "offset": 0,
    "next": 2,
    "data": [
        s2_paper(
            "Neural Machine Translation by Jointly Learning to Align and Translate",
            "1409.0473",
            abstract="Attention for neural machine translation.",
        ),
        s2_paper(
            "Effective Approaches to Attention-based Neural Machine Translation", "1508.04025"
        ),
    ],
}
ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>ArXiv Query</title>
  <entry>
    <id>http://arxiv.org/abs/1409.0473v7</id>
    <published>2014-09-01T16:33:02Z</published>
    <title>Neural Machine Translation by Jointly
      Learning to Align and Translate</title>
    <summary>Neural machine translation with attention.</summary>
    <author><name>Dzmitry Bahdanau</name></author>
    <author><name>Kyunghyun Cho</name></author>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2001.00001v1</id>
    <published>2020-01-01T00:00:00Z</published>
    <title>A translation paper listed under another DOI spelling</title>
    <summary>Translation.</summary>
    <arxiv:doi>https://doi.org/10.18653/v1/N19-1423</arxiv:doi>
    <author><name>Someone</name></author>
  </entry>
</feed>
"""


def api(method: str, path: str, query: dict, body: bytes) -> tuple[int, str, bytes]:
    path = unquote(path)
    if path.endswith("/references"):
        return 200, "application/json", json.dumps(REFERENCES).encode()
    if path.endswith("/citations"):
        return 200, "application/json", json.dumps(CITATIONS).encode()
    if path.endswith("/paper/search"):
        return 200, "application/json", json.dumps(SEARCH).encode()
    if path == "/api/query":
        return 200, "application/atom+xml", ATOM.encode()
    return 404, "application/json", b'{"error": "not found"}'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "team"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "team.yaml").write_text(TEAM, encoding="utf-8")
    for paper in [
        Paper(
            id="1810.04805",
            title="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
            arxiv="1810.04805",
            aliases=["BERT"],
            status=Status.read,
            readers=["bo"],
            doi="10.18653/v1/N19-1423",
        ),
        Paper(id="1706.03762", title="Attention Is All You Need", arxiv="1706.03762"),
    ]:
        store.write_paper(root, paper)
    monkeypatch.setenv("TRACKER_HTTP_BACKOFF", "0")
    monkeypatch.setenv("TRACKER_TODAY", "2025-09-01")
    return root


def point_at(monkeypatch, url: str) -> None:  # noqa: ANN001
    monkeypatch.setenv("TRACKER_S2_ENDPOINT", url + "/graph/v1")
    monkeypatch.setenv("TRACKER_ARXIV_ENDPOINT", url + "/api/query")


def suggest(root: Path, *args: str):  # noqa: ANN201
    return runner.invoke(
        app, ["suggest", "--root", str(root), "--seeds", "1", "--keywords", "1", *args]
    )


def test_candidates_are_merged_deduplicated_ranked_and_explained(repo: Path, monkeypatch) -> None:
    with Loopback(api) as server:
        point_at(monkeypatch, server.url)
        result = suggest(repo, "--json", "--limit", "50")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # quota 3 for two members, one reader each: 6 readings wanted, bo has 1, 2 papers with 1
    # free slot left (1706.03762) -> 4 more papers.
    assert data["needed"] == 4
    paths = [r.path for r in server.requests]
    assert "/graph/v1/paper/ARXIV:1810.04805/references" in paths
    assert "/graph/v1/paper/ARXIV:1810.04805/citations" in paths
    titles = [c["title"] for c in data["candidates"]]
    assert len(titles) == len(set(titles))
    assert "Attention Is All You Need" not in titles and "Listed by DOI only" not in titles
    refused = {(r["duplicate_of"], r["same"]) for r in data["refused"]}
    assert refused == {("1706.03762", "arXiv id"), ("1810.04805", "title"), ("1810.04805", "DOI")}
    bahdanau = next(c for c in data["candidates"] if c["arxiv"] == "1409.0473")
    assert set(bahdanau["why"]) == {"keyword 'attention' (S2)", "keyword 'attention' (arXiv)"}
    elmo = next(c for c in data["candidates"] if c["arxiv"] == "1802.05365")
    assert elmo["why"] == ["cited by BERT (1810.04805)"]
    roberta = next(c for c in data["candidates"] if c["arxiv"] == "1907.11692")
    assert (
        roberta["why"] == ["cites BERT (1810.04805)"]
        and roberta["doi"] == "10.48550/arxiv.1907.11692"
    )
    # The ranking is assign's relevance: best member's score, highest first.
    catalog = load_catalog(repo)
    members = sorted(catalog.team.members, key=lambda m: m.handle)
    papers = [
        Paper(id=f"c{i}", title=c["title"], abstract=c["abstract"])
        for i, c in enumerate(data["candidates"])
    ]
    scores = relevance_matrix(members, papers).scores
    for j, candidate in enumerate(data["candidates"]):
        assert candidate["score"] == pytest.approx(float(scores[:, j].max()), abs=1e-4)
    assert [c["score"] for c in data["candidates"]] == sorted(
        (c["score"] for c in data["candidates"]), reverse=True
    )
    assert data["candidates"][0]["score"] > 0 and data["candidates"][0]["keywords"]


def test_add_writes_proposed_papers_that_the_next_run_refuses(repo: Path, monkeypatch) -> None:
    with Loopback(api) as server:
        point_at(monkeypatch, server.url)
        first = json.loads(suggest(repo, "--json").stdout)["candidates"]
        added = suggest(repo, "--add", "2")
        assert added.exit_code == 0, added.output
        again = json.loads(suggest(repo, "--json").stdout)
    top = first[:2]
    for candidate in top:
        paper_id = candidate["arxiv"] or next(
            p.stem
            for p in (repo / "papers").glob("*.md")
            if candidate["title"] in p.read_text(encoding="utf-8")
        )
        front = yaml.safe_load(
            (repo / "papers" / f"{paper_id}.md").read_text(encoding="utf-8").split("---\n")[1]
        )
        assert front["status"] == "proposed" and front["title"] == candidate["title"]
        assert front["suggested_because"] == candidate["why"]
        assert str(front["added_on"]) == "2025-09-01"
    assert {c["title"] for c in top}.isdisjoint(c["title"] for c in again["candidates"])
    assert {c["title"] for c in top} <= {r["title"] for r in again["refused"]}


def test_faults_are_retried_and_a_failing_source_is_a_warning(repo: Path, monkeypatch) -> None:
    # First call: 429 then 500 then delivered. Second: three timeouts -> warning. Then garbage.
    with Loopback(
        api, faults=[429, 500, None, "timeout", "timeout", "timeout", "garbage"]
    ) as server:
        point_at(monkeypatch, server.url)
        result = suggest(repo, "--json", "--timeout", "0.3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert any("no answer" in w and "after 3 tries" in w for w in data["warnings"])
    assert any("not in the documented shape" in w for w in data["warnings"])
    # The references (first call) came through despite 429 and 500.
    assert any(c["arxiv"] == "1802.05365" for c in data["candidates"])
    assert data["requests"] == len(server.requests)


def test_the_request_budget_is_kept(repo: Path, monkeypatch) -> None:
    with Loopback(api, faults=[500]) as server:
        point_at(monkeypatch, server.url)
        result = suggest(repo, "--json", "--max-requests", "2")
    assert result.exit_code == 0, result.output
    assert len(server.requests) == 2
    assert any("request budget of 2" in w for w in json.loads(result.stdout)["warnings"])


def test_offline_is_a_clear_message_and_changes_nothing(repo: Path, monkeypatch) -> None:
    with socket.socket() as sock:  # a port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    point_at(monkeypatch, f"http://127.0.0.1:{port}")
    before = sorted(p.name for p in (repo / "papers").iterdir())
    result = suggest(repo, "--add", "3")
    assert result.exit_code == 3
    assert "no paper source answered" in result.output and "offline" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in (repo / "papers").iterdir()) == before


def test_bad_answers_of_every_source_are_reported_not_raised(repo: Path, monkeypatch) -> None:
    def broken(method: str, path: str, query: dict, body: bytes) -> tuple[int, str, bytes]:
        if path == "/api/query":
            return 200, "application/atom+xml", b"<html>maintenance</html>"
        return 200, "application/json", b'{"data": "not a list"}'

    with Loopback(broken) as server:
        point_at(monkeypatch, server.url)
        result = suggest(repo, "--json")
    assert result.exit_code == 3
    assert "documented shape" in result.output and "Traceback" not in result.output


def test_keywords_are_the_members_latin_script_interests_most_shared_first(repo: Path) -> None:
    from tracker.suggest import search_keywords

    catalog = load_catalog(repo)
    extra = Member(handle="cy", name="채윤", interests=["Attention", "기계번역"])
    catalog.team.members.append(extra)
    assert search_keywords(catalog, 3) == ["attention", "language model", "pretraining"]


def test_new_ids_are_arxiv_ids_else_free_slugs() -> None:
    import datetime as dt

    from tracker.suggest import Candidate, paper_from_candidate

    today = dt.date(2025, 9, 1)
    new = paper_from_candidate(Candidate("X", arxiv="1907.11692"), taken=set(), today=today)
    assert new.id == "1907.11692" and new.status == Status.proposed and new.added_on == today
    old_style = Candidate("Support vector machines for text", year=2006, arxiv="cs/0601001")
    assert paper_from_candidate(old_style, taken=set(), today=today).id == (
        "support-vector-machines-for-text-2006"
    )
    twice = Candidate("Support vector machines for text", year=2006)
    taken = {"support-vector-machines-for-text-2006"}
    assert paper_from_candidate(twice, taken=taken, today=today).id.endswith("-2")
