"""Checks on the bundled sample team data: papers/*.md, papers/team.yaml, docs/meetings/posts.

The sample data is what a fresh checkout shows, so it must be valid for the typed models, use
only roster handles, hold the papers the issue asks for, and give the agenda builder a real
history of action items to carry over.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from tracker.models import Paper, Status, TeamSettings, has_summary

ROOT = Path(__file__).resolve().parents[1]
PAPERS_DIR = ROOT / "papers"
POSTS_DIR = ROOT / "docs" / "meetings" / "posts"

# arXiv id -> a piece of the real title; the issue names these papers explicitly.
MUST_HAVE_ARXIV = {
    "1301.3781": "Efficient Estimation of Word Representations",
    "1310.4546": "Distributed Representations of Words and Phrases",
    "1409.3215": "Sequence to Sequence Learning",
    "1409.0473": "Jointly Learning to Align and Translate",
    "1508.04025": "Attention-based Neural Machine Translation",
    "1706.03762": "Attention Is All You Need",
    "1802.05365": "Deep contextualized word representations",
    "1810.04805": "BERT",
    "1909.11942": "ALBERT",
    "1907.11692": "RoBERTa",
    "1910.10683": "Unified Text-to-Text Transformer",
    "1406.1078": "RNN Encoder-Decoder",
    "1412.3555": "Gated Recurrent Neural Networks",
    "1408.5882": "Convolutional Neural Networks for Sentence Classification",
    "1607.04606": "Enriching Word Vectors with Subword Information",
    "1607.01759": "Bag of Tricks for Efficient Text Classification",
    "1906.08237": "XLNet",
    "2003.10555": "ELECTRA",
    "1910.13461": "BART",
    "1910.01108": "DistilBERT",
    "1907.10529": "SpanBERT",
    "2006.03654": "DeBERTa",
    "2005.14165": "Language Models are Few-Shot Learners",
    "2203.02155": "follow instructions with human feedback",
    "2106.09685": "LoRA",
    "2203.15556": "Compute-Optimal Large Language Models",
    "2302.13971": "LLaMA",
    "1908.10084": "Sentence-BERT",
    "1705.03122": "Convolutional Sequence to Sequence Learning",
    "1508.07909": "Rare Words with Subword Units",
    "1808.06226": "SentencePiece",
    "1607.06450": "Layer Normalization",
    "1412.6980": "Adam",
    "1901.02860": "Transformer-XL",
    "1801.06146": "Universal Language Model Fine-tuning",
    "1708.00107": "Contextualized Word Vectors",
}
# Papers without an arXiv id: slug -> (title piece, year, venue).
MUST_HAVE_SLUGS = {
    "glove-2014": ("GloVe", 2014, "EMNLP"),
    "gpt-2018": ("Generative Pre-Training", 2018, "OpenAI"),
    "gpt2-2019": ("Unsupervised Multitask Learners", 2019, "OpenAI"),
    "lstm-1997": ("Long Short-Term Memory", 1997, "Neural Computation"),
    "dropout-2014": ("Dropout", 2014, "JMLR"),
    "rabiner-1989": ("Hidden Markov Models", 1989, "Proceedings of the IEEE"),
    "crf-2001": ("Conditional Random Fields", 2001, "ICML"),
}
# Reproduction packages the papers point at (paper id -> reproductions/<name>).
EXPECTED_REPRODUCTIONS = {
    "1706.03762": "transformer",
    "1810.04805": "bert",
    "gpt2-2019": "gpt2",
    "1909.11942": "albert",
    "1301.3781": "word2vec",
    "lstm-1997": "lstm_gru",
    "1802.05365": "elmo",
    "1409.0473": "seq2seq",
    "1408.5882": "classifiers",
    "rabiner-1989": "hmm",
    "levenshtein-1966": "edit_distance",
}


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    lines = text.splitlines(keepends=True)
    assert lines and lines[0].strip() == "---", "file must start with '---'"
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    data = yaml.safe_load("".join(lines[1:end]))
    assert isinstance(data, dict)
    return data, "".join(lines[end + 1 :])


def load_raw_papers() -> dict[Path, tuple[dict[str, Any], str]]:
    return {path: split_front_matter(path.read_text(encoding="utf-8")) for path in paper_paths()}


def paper_paths() -> list[Path]:
    return sorted(PAPERS_DIR.glob("*.md"))


@pytest.fixture(scope="module")
def raw_papers() -> dict[Path, tuple[dict[str, Any], str]]:
    return load_raw_papers()


@pytest.fixture(scope="module")
def papers(raw_papers: dict[Path, tuple[dict[str, Any], str]]) -> list[Paper]:
    return [Paper(**data, body=body) for data, body in raw_papers.values()]


@pytest.fixture(scope="module")
def team() -> TeamSettings:
    return TeamSettings(**yaml.safe_load((PAPERS_DIR / "team.yaml").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def posts() -> dict[Path, tuple[dict[str, Any], str]]:
    return {
        path: split_front_matter(path.read_text(encoding="utf-8"))
        for path in sorted(POSTS_DIR.glob("*.md"))
    }


def normalised_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return re.sub(r"[^0-9a-z가-힣]+", "", text)


def test_reading_list_has_at_least_45_papers(raw_papers: dict) -> None:
    assert len(raw_papers) >= 45


def test_every_paper_validates_and_its_id_is_text_equal_to_the_file_name(raw_papers: dict) -> None:
    for path, (data, body) in raw_papers.items():
        # A plain YAML reader must already see text: unquoted 2106.09685 would be a float.
        assert isinstance(data["id"], str), path.name
        assert data.get("arxiv") is None or isinstance(data["arxiv"], str), path.name
        paper = Paper(**data, body=body)
        assert paper.id == path.stem, path.name


def test_arxiv_ids_with_trailing_zeros_survive_as_text(papers: list[Paper]) -> None:
    # 1606.05250 read as a number would become 1606.0525: the sample must exercise that case.
    trailing_zero = [p.arxiv for p in papers if p.arxiv and p.arxiv.endswith("0")]
    assert len(trailing_zero) >= 2
    for arxiv in trailing_zero:
        # Any YAML reader (not only ours, which keeps numbers as text) must see text.
        text = (PAPERS_DIR / f"{arxiv}.md").read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        assert front["id"] == front["arxiv"] == arxiv, arxiv


def test_papers_with_an_arxiv_id_use_it_as_their_id(papers: list[Paper]) -> None:
    for paper in papers:
        if paper.arxiv:
            assert paper.id == paper.arxiv
            assert paper.link == f"https://arxiv.org/abs/{paper.arxiv}"
        else:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*-(19|20)\d\d", paper.id), paper.id
            # Classic papers without a stable link are found by their venue.
            assert paper.url or paper.venue, (
                f"{paper.id} has neither an arXiv id, a url nor a venue"
            )


def test_metadata_is_complete_and_lists_every_author(papers: list[Paper]) -> None:
    for paper in papers:
        assert paper.authors, paper.id
        assert paper.year and paper.venue, paper.id
        assert paper.topics, paper.id
        if paper.status is Status.proposed and not paper.abstract:
            # A proposal pulled from the sheet carries only the sheet's columns (the sample
            # sheet proposes one paper that the first `make week` brings in).
            continue
        assert paper.abstract and len(paper.abstract.split()) >= 20, paper.id
        assert paper.aliases, paper.id
        for author in paper.authors:
            assert "et al" not in author.lower(), paper.id
            assert len(author.split()) >= 2, f"{paper.id}: {author!r} is not a full name"
    gpt3 = next(p for p in papers if p.arxiv == "2005.14165")
    assert len(gpt3.authors) == 31 and gpt3.authors[-1] == "Dario Amodei"


def test_must_include_papers_are_present(papers: list[Paper]) -> None:
    by_arxiv = {p.arxiv: p for p in papers if p.arxiv}
    for arxiv, title_piece in MUST_HAVE_ARXIV.items():
        assert arxiv in by_arxiv, f"missing {arxiv} ({title_piece})"
        assert title_piece.casefold() in by_arxiv[arxiv].title.casefold(), arxiv
    by_id = {p.id: p for p in papers}
    for slug, (title_piece, year, venue) in MUST_HAVE_SLUGS.items():
        assert slug in by_id, f"missing {slug}"
        paper = by_id[slug]
        assert title_piece.casefold() in paper.title.casefold(), slug
        assert (paper.year, paper.venue, paper.arxiv) == (year, venue, None), slug
    # GPT-1/GPT-2 are technical reports; word2vec has both 2013 papers.
    assert by_id["1301.3781"].year == by_id["1310.4546"].year == 2013


def test_no_duplicate_ids_arxiv_ids_titles_or_aliases(papers: list[Paper]) -> None:
    def dupes(values: list[str]) -> list[str]:
        return [v for v, n in collections.Counter(values).items() if n > 1]

    assert dupes([p.id for p in papers]) == []
    assert dupes([p.arxiv for p in papers if p.arxiv]) == []
    assert dupes([normalised_title(p.title) for p in papers]) == []
    # Aliases link mentions in notes to one paper, so one alias must not name two papers.
    assert dupes([a.casefold() for p in papers for a in p.aliases]) == []


def test_readers_and_presenters_are_roster_handles(papers: list[Paper], team: TeamSettings) -> None:
    handles = {m.handle for m in team.members}
    for paper in papers:
        assert set(paper.readers) <= handles, paper.id
        assert set(paper.read_by) <= set(paper.readers), paper.id
        assert len(paper.readers) <= team.readers_per_paper, paper.id
        if paper.presenter is not None:
            assert paper.presenter in paper.readers, paper.id


def test_no_member_is_assigned_beyond_the_quota(papers: list[Paper], team: TeamSettings) -> None:
    load = collections.Counter(h for p in papers for h in p.readers)
    assert load, "some papers must already have readers"
    assert max(load.values()) <= team.quota


def test_status_mix_is_realistic_and_consistent(papers: list[Paper], team: TeamSettings) -> None:
    counts = collections.Counter(p.status for p in papers)
    assert 8 <= counts[Status.presented] <= 12
    assert 8 <= counts[Status.proposed] <= 14
    assert counts[Status.assigned] and counts[Status.read] and counts[Status.summarised]
    assert team.start is not None
    for paper in papers:
        if paper.status is Status.presented:
            assert paper.presenter and paper.slides and paper.presented_on, paper.id
            assert paper.presented_on.weekday() == team.schedule.weekday, paper.id
            assert team.start <= paper.presented_on < dt.date(2026, 1, 1), paper.id
            assert paper.slides.startswith("https://docs.google.com/presentation/d/")
        if paper.status is Status.proposed:
            assert paper.readers == [] and paper.presenter is None, paper.id
        if paper.status in (Status.summarised, Status.presented):
            assert paper.summarised, f"{paper.id} is {paper.status} but has no summary"
            assert set(paper.read_by) == set(paper.readers), paper.id
        if paper.status is Status.assigned:
            assert paper.readers and not paper.read_by, paper.id


def test_about_fifteen_papers_carry_a_korean_summary(papers: list[Paper]) -> None:
    summarised = [p for p in papers if p.summarised]
    assert 12 <= len(summarised) <= 20
    for paper in summarised:
        assert "## 요약" in paper.body and re.search(r"[가-힣]{2,}", paper.body), paper.id
    placeholders = [p for p in papers if not p.summarised]
    assert placeholders and all("<!-- 요약을 적어 주세요 -->" in p.body for p in placeholders)
    assert not has_summary("## 요약\n\n<!-- 요약을 적어 주세요 -->\n")


def test_reproductions_point_at_the_right_papers(papers: list[Paper]) -> None:
    actual = {p.id: p.reproduction for p in papers if p.reproduction}
    assert actual == EXPECTED_REPRODUCTIONS


def test_team_settings_roster_and_schedule(team: TeamSettings) -> None:
    assert team.name == "NLP 논문 읽기 모임"
    assert (team.quota, team.readers_per_paper) == (20, 2)
    assert 5 <= len(team.members) <= 6
    assert team.schedule.weekday == 1 and team.schedule.time == dt.time(20, 0)
    assert team.start == dt.date(2025, 6, 3) and team.deadline == dt.date(2026, 2, 24)
    assert team.remote.kind == "file" and team.remote.path == "papers/reading-list.csv"
    for member in team.members:
        assert len(member.interests) >= 4, member.handle
        assert any(re.search(r"[가-힣]", i) for i in member.interests), member.handle
    interest_sets = [frozenset(m.interests) for m in team.members]
    assert len(set(interest_sets)) == len(interest_sets)


def test_meeting_posts_have_blog_front_matter(posts: dict, team: TeamSettings) -> None:
    assert len(posts) >= 3
    handles = {m.handle for m in team.members}
    for path, (data, body) in posts.items():
        assert isinstance(data["date"], dt.date), path.name
        assert path.name.startswith(data["date"].isoformat() + "-"), path.name
        assert re.fullmatch(r"\d{4}-\d\d-\d\d-[a-z0-9-]+\.md", path.name), path.name
        assert isinstance(data["categories"], list) and data["categories"], path.name
        assert isinstance(data["tags"], list) and data["tags"], path.name
        assert isinstance(data["authors"], list) and set(data["authors"]) <= handles, path.name
        assert data["draft"] is False and data["title"] and data["slug"], path.name
        assert "## 다음 주에 하기" in body, path.name


def test_meeting_notes_exercise_math_images_and_html(posts: dict) -> None:
    bodies = "\n".join(body for _, body in posts.values())
    assert re.search(r"^\$\$$", bodies, re.MULTILINE), "one display math block"
    assert "$PE_{(pos,2i)}" in bodies
    assert re.search(r"!\[[^\]]*\]\(https://i\.imgur\.com/\w+\.png\)", bodies)
    assert "<br>" in bodies


def test_meeting_notes_mention_papers_of_the_reading_list(posts: dict, papers: list[Paper]) -> None:
    for path, (_, body) in posts.items():
        mentioned = [
            p.id
            for p in papers
            if (p.arxiv and p.arxiv in body) or any(a in body for a in p.aliases)
        ]
        assert len(mentioned) >= 2, path.name


def test_action_items_carry_over_between_meetings(posts: dict) -> None:
    item = re.compile(r"^- \[( |x)\] (@\w+ .+)$", re.MULTILINE)
    history: dict[str, list[tuple[dt.date, bool]]] = collections.defaultdict(list)
    for data, body in posts.values():
        for mark, text in item.findall(body):
            history[text].append((data["date"], mark == "x"))
    closed_later = [
        text
        for text, seen in history.items()
        if not sorted(seen)[0][1] and sorted(seen)[-1][1] and len(seen) > 1
    ]
    still_open = [t for t, seen in history.items() if len(seen) > 1 and not sorted(seen)[-1][1]]
    assert len(closed_later) >= 3, "open items from earlier notes are ticked later (same text)"
    assert still_open, "at least one item stays open across notes"
    last_date = max(data["date"] for data, _ in posts.values())
    assert any(sorted(history[t])[-1][0] == last_date for t in still_open)
