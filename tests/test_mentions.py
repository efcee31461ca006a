"""Paper mentions in notes: found in prose only, linked once, never inside code, math or links."""

from __future__ import annotations

import pytest

from tracker.mentions import MentionIndex, find_mentions, link_mentions
from tracker.models import Paper


@pytest.fixture
def index() -> MentionIndex:
    papers = [
        Paper(
            id="1810.04805",
            title="BERT: Pre-training of Deep Bidirectional Transformers",
            arxiv="1810.04805",
            aliases=["BERT"],
        ),
        Paper(
            id="1907.11692",
            title="RoBERTa: A Robustly Optimized BERT Pretraining Approach",
            aliases=["RoBERTa"],
        ),
        Paper(
            id="1301.3781",
            title="Efficient Estimation of Word Representations in Vector Space",
            aliases=["Word2Vec"],
        ),
        Paper(id="1706.03762", title="Attention Is All You Need", aliases=["Transformer"]),
    ]
    return MentionIndex.from_papers(papers)


def href(paper_id: str) -> str:
    return f"../../papers/{paper_id}.md"


def test_alias_followed_by_a_korean_particle_is_linked(index: MentionIndex) -> None:
    out = link_mentions("BERT는 양방향이고 Word2Vec의 후손이다.", index, href)
    assert out == (
        "[BERT](../../papers/1810.04805.md)는 양방향이고 "
        "[Word2Vec](../../papers/1301.3781.md)의 후손이다."
    )


def test_alias_inside_a_longer_name_is_not_a_mention(index: MentionIndex) -> None:
    assert find_mentions("RoBERTa만 읽었다. DistilBERTology 도.", index) == ["1907.11692"]


def test_arxiv_id_and_title_in_any_case_are_mentions(index: MentionIndex) -> None:
    found = find_mentions("1810.04805 와 attention is all you need 를 비교", index)
    assert found == ["1810.04805", "1706.03762"]


def test_only_the_first_mention_of_each_paper_is_linked(index: MentionIndex) -> None:
    out = link_mentions("BERT 다음에 또 BERT.", index, href)
    assert out.count("](../../papers/1810.04805.md)") == 1
    assert out.endswith("또 BERT.")


@pytest.mark.parametrize(
    "text",
    [
        "`BERT` 코드",
        "$BERT_{base}$ 수식",
        "$$\nBERT\n$$",
        "# BERT 발표",
        "<h2>BERT</h2>",
        "[BERT 논문](https://arxiv.org/abs/1810.04805)",
        "<a href='https://x.org'>BERT</a>",
        "https://arxiv.org/abs/1810.04805",
        "```\nBERT\n```",
    ],
)
def test_code_math_headings_links_and_urls_are_left_alone(index: MentionIndex, text: str) -> None:
    assert link_mentions(text, index, href) == text


def test_linking_twice_gives_the_same_text(index: MentionIndex) -> None:
    once = link_mentions("Transformer 와 BERT, 그리고 Word2Vec.", index, href)
    assert link_mentions(once, index, href) == once
    assert once.count("](../../papers/") == 3


def test_mentions_are_reported_in_order_of_first_appearance(index: MentionIndex) -> None:
    text = "Word2Vec 다음 Transformer, 다시 Word2Vec 그리고 BERT"
    assert find_mentions(text, index) == ["1301.3781", "1706.03762", "1810.04805"]


def test_a_heading_counts_as_a_mention_but_is_not_linked(index: MentionIndex) -> None:
    text = "## 발표: BERT (1810.04805)\n\n본문에는 이름이 없다.\n"
    assert find_mentions(text, index) == ["1810.04805"]
    assert link_mentions(text, index, href) == text


def test_headings_get_a_label_less_link_beside_their_text_on_request(index: MentionIndex) -> None:
    text = "## Word2Vec와 BERT ##\n\n본문의 BERT와 `Transformer` 코드\n\n### Word2Vec 다시\n"
    out = link_mentions(text, index, href, headings=True)
    assert out == (
        '## Word2Vec와 BERT [](../../papers/1301.3781.md "논문 페이지: Word2Vec") '
        '[](../../papers/1810.04805.md "논문 페이지: BERT") ##\n\n'
        "본문의 BERT와 `Transformer` 코드\n\n### Word2Vec 다시\n"
    )  # each paper once: the heading's link is the note's link to it
    assert link_mentions(out, index, href, headings=True) == out
    assert find_mentions(out, index) == ["1301.3781", "1810.04805"]
