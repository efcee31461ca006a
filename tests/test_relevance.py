"""Relevance scores: bilingual matching, field weighting and the shared-keyword explanation."""

from __future__ import annotations

from tracker.models import Member, Paper
from tracker.relevance import korean_nouns, relevance_matrix


def test_korean_and_english_writings_of_a_concept_match() -> None:
    members = [Member(handle="ko", name="ko", interests=["사전학습", "기계번역"])]
    papers = [
        Paper(id="bert", title="BERT", topics=["pre-training"], abstract="masked LM pretraining"),
        Paper(id="mt", title="Neural Machine Translation of Rare Words", topics=["translation"]),
        Paper(id="hmm", title="A tutorial on hidden Markov models", topics=["HMM"]),
    ]
    rel = relevance_matrix(members, papers)
    assert rel.score("ko", "bert") > 0.2 and rel.score("ko", "mt") > 0.2
    assert rel.score("ko", "hmm") == 0.0
    assert rel.keywords(0, 0)[0] == "pretraining"


def test_topics_weigh_more_than_the_abstract() -> None:
    members = [Member(handle="a", name="a", interests=["attention"])]
    papers = [
        Paper(id="topic", title="Paper one", topics=["attention"], abstract="a study of models"),
        Paper(id="abstract", title="Paper two", topics=["models"], abstract="uses attention"),
    ]
    rel = relevance_matrix(members, papers)
    assert rel.score("a", "topic") > rel.score("a", "abstract") > 0


def test_kiwi_finds_korean_nouns_inside_inflected_text() -> None:
    nouns = korean_nouns("단어 임베딩을 학습했다")
    assert "단어" in nouns and "임베딩" in nouns


def test_korean_compounds_written_as_one_word_stay_whole() -> None:
    assert korean_nouns("사전학습") == ("사전학습",)
    assert korean_nouns("사전학습된 언어모델") == ("사전학습", "언어모델")
    # Written apart, they are two words (the concept map still joins 사전 학습 to pretraining).
    assert korean_nouns("사전 학습") == ("사전", "학습")


def test_keywords_keep_korean_words_whole_and_drop_pieces_of_a_shown_concept() -> None:
    members = [Member(handle="m", name="m", interests=["지식 증류", "사전학습"])]
    papers = [
        Paper(id="kd", title="Distilling the knowledge", topics=["지식 증류", "distillation"]),
        Paper(id="pt", title="Pre-training", topics=["사전학습", "pretraining"]),
    ]
    rel = relevance_matrix(members, papers)
    assert rel.keywords(0, 0) == ["knowledge distillation"]  # not 지식, 증류 beside it
    assert rel.keywords(0, 1) == ["pretraining", "사전학습"]  # the Korean word, whole
