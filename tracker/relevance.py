"""How relevant each paper is to each member: the scores `tracker assign` optimises.

A member's interests and a paper's topics, aliases, title and abstract are turned into terms:

* concepts from a small bilingual synonym map (기계번역 and "machine translation" are one term),
  plus every multi-word interest or topic the team itself uses, matched as a phrase;
* single words: English words (lower-cased, plural `s` dropped) and Korean nouns from the kiwi
  morphological analyser, compounds written as one word kept whole (사전학습된 → 사전학습).

Terms are weighted TF-IDF-style over the reading list (a term every paper has tells nothing),
papers weight topics above title above abstract, and the score is the cosine between the member's
and the paper's vectors, in [0, 1]. The terms both sides share are kept, strongest first, so the
assignment can say *why* a paper went to someone.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from tracker.models import Member, Paper

# Canonical concept -> the ways the team writes it (English and Korean). Korean forms match with
# spaces ignored (사전 학습 == 사전학습); English forms match whole words, plural allowed.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "pretraining": (
        "pretraining",
        "pre training",
        "pretrained",
        "pre trained",
        "사전학습",
        "사전훈련",
    ),
    "machine translation": ("machine translation", "translation", "nmt", "기계번역", "번역"),
    "attention": ("attention", "self attention", "어텐션", "주의 메커니즘"),
    "language model": ("language model", "language modeling", "language modelling", "언어모델"),
    "large language model": ("llm", "large language model", "대규모 언어모델", "거대 언어모델"),
    "word embedding": (
        "word embedding",
        "word vector",
        "word representation",
        "단어 임베딩",
        "단어 벡터",
    ),
    "sentence embedding": ("sentence embedding", "sentence representation", "문장 임베딩"),
    "recurrent neural network": ("rnn", "recurrent", "순환신경망", "순환 신경망"),
    "lstm": ("lstm", "long short term memory"),
    "pos tagging": ("part of speech", "pos tagging", "tagging", "품사 태깅", "품사", "태깅"),
    "hidden markov model": ("hmm", "hidden markov", "은닉 마르코프"),
    "knowledge distillation": ("distillation", "distilled", "지식 증류", "증류"),
    "quantization": ("quantization", "quantized", "양자화"),
    "efficiency": ("efficiency", "efficient", "경량화", "효율"),
    "fine-tuning": ("fine tuning", "finetuning", "fine tuned", "미세조정", "파인튜닝"),
    "seq2seq": ("seq2seq", "sequence to sequence", "encoder decoder", "인코더 디코더"),
    "morphology": ("morphology", "morpheme", "morphological", "형태소"),
    "tokenization": ("tokenization", "tokenizer", "토크나이저", "토큰화"),
    "subword": ("subword", "byte pair encoding", "bpe", "서브워드"),
    "question answering": ("question answering", "질의응답"),
    "text classification": ("text classification", "문서 분류", "텍스트 분류"),
    "summarization": ("summarization", "summarisation", "요약"),
    "sentiment": ("sentiment", "감성 분석", "감성"),
    "named entity recognition": ("named entity", "ner", "개체명 인식", "개체명"),
    "prompting": ("prompting", "prompt", "프롬프트"),
    "retrieval": ("retrieval", "검색"),
    "transformer": ("transformer", "트랜스포머"),
    "sequence labeling": ("sequence labeling", "sequence labelling", "시퀀스 레이블링"),
    "scaling laws": ("scaling law", "스케일링 법칙"),
    "instruction tuning": ("instruction tuning", "instruction tuned", "지시 튜닝"),
    "rlhf": ("rlhf", "human feedback", "인간 피드백"),
    "lora": ("lora", "low rank adaptation"),
}

# Fields of a paper and how much a term found there counts.
FIELD_WEIGHTS = {"topics": 3.0, "aliases": 2.0, "title": 2.0, "abstract": 1.0}
# A shared concept or phrase is stronger evidence than a shared single word.
WORD_WEIGHT = 0.5

_STOPWORD_TEXT = """
a an and are as at be by for from has have in into is it its of on or our that the their this to
we with without which while who using use used via than then these those over under between both
each more most new not only such can also based show shows results paper model models method
methods approach task tasks data large set sets per one two
"""
STOPWORDS = frozenset(re.findall(r"\S+", _STOPWORD_TEXT))

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_WORD = re.compile(r"[a-z][a-z0-9]+")


def _has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text))


def normalise(text: str) -> str:
    """Lower case, hyphens/underscores/slashes as spaces, single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[-_/]", " ", text.lower())).strip()


def _stem(word: str) -> str:
    # A light plural rule is enough to make "embeddings" meet "embedding"; a real stemmer would
    # also merge unrelated words ("attention"/"attend") the team keeps apart.
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=1)
def _kiwi():  # noqa: ANN202 - kiwipiepy has no type stubs
    from kiwipiepy import Kiwi

    return Kiwi()


_NOUN_TAGS = ("NNG", "NNP")


@functools.lru_cache(maxsize=65536)
def korean_nouns(text: str) -> tuple[str, ...]:
    """Nouns (two syllables or more) of Korean text, via kiwi, compounds kept whole.

    kiwi splits a compound into its nouns (사전학습 → 사전 + 학습); written without a space the
    team means one word, so nouns that touch in the text (and a prefix such as 대- glued to
    one) are joined back: 사전학습된 → 사전학습, 대규모 언어모델 → 대규모, 언어모델.
    """
    if not _has_hangul(text):
        return ()
    nouns: list[str] = []
    run, has_noun, end = "", False, -1

    def flush() -> None:
        if has_noun and len(run) >= 2:
            nouns.append(run)

    for token in _kiwi().tokenize(text):
        if token.tag in _NOUN_TAGS and token.start == end and run:
            run, has_noun = run + token.form, True
        elif token.tag in _NOUN_TAGS or token.tag == "XPN":
            flush()
            run, has_noun = token.form, token.tag in _NOUN_TAGS
        else:
            flush()
            run, has_noun = "", False
        end = token.start + token.len
    flush()
    return tuple(nouns)


@dataclass(frozen=True)
class Phrase:
    """A concept or multi-word phrase and the compiled patterns that find it in text."""

    term: str
    label: str
    english: re.Pattern[str] | None
    korean: tuple[str, ...]


def _compile_phrase(term: str, label: str, forms: Iterable[str]) -> Phrase:
    english = [re.escape(normalise(f)) for f in forms if not _has_hangul(f)]
    korean = tuple(sorted({f.replace(" ", "") for f in forms if _has_hangul(f)}))
    pattern = None
    if english:
        alternatives = "|".join(sorted(set(english), key=len, reverse=True))
        pattern = re.compile(rf"(?<![a-z0-9])(?:{alternatives})s?(?![a-z0-9])")
    return Phrase(term=term, label=label, english=pattern, korean=korean)


def build_phrases(extra: Iterable[str] = ()) -> list[Phrase]:
    """The synonym concepts plus the team's own multi-word terms not covered by them."""
    phrases = [_compile_phrase(f"c:{c}", c, (c, *forms)) for c, forms in SYNONYMS.items()]
    known = {normalise(f).replace(" ", "") for forms in SYNONYMS.values() for f in forms}
    known |= {normalise(c).replace(" ", "") for c in SYNONYMS}
    for text in sorted(set(extra)):
        norm = normalise(text)
        if " " in norm and norm.replace(" ", "") not in known:
            known.add(norm.replace(" ", ""))
            phrases.append(_compile_phrase(f"p:{norm}", norm, (norm,)))
    return phrases


def extract_terms(text: str, phrases: Sequence[Phrase]) -> Counter[str]:
    """Concept/phrase terms (weight 1) and single-word terms (WORD_WEIGHT) found in `text`."""
    norm = normalise(text)
    squashed = norm.replace(" ", "")
    terms: Counter[str] = Counter()
    for phrase in phrases:
        hits = len(phrase.english.findall(norm)) if phrase.english else 0
        hits += sum(squashed.count(k) for k in phrase.korean)
        if hits:
            terms[phrase.term] += hits
    words = [_stem(w) for w in _WORD.findall(norm) if w not in STOPWORDS]
    words += list(korean_nouns(norm))
    for word in words:
        terms[f"w:{word}"] += WORD_WEIGHT
    return terms


def term_label(term: str) -> str:
    """What a person reads for a term: the concept, phrase or word itself."""
    return term.split(":", 1)[1]


@dataclass
class RelevanceMatrix:
    """Scores of every (member, paper) pair plus the shared terms behind each score."""

    members: list[str]
    papers: list[str]
    scores: np.ndarray  # (members, papers), cosine in [0, 1]
    _member_vectors: sparse.csr_matrix
    _paper_vectors: sparse.csr_matrix
    _vocabulary: list[str]
    # Concept/phrase term -> its Korean forms without spaces (지식증류), to keep a Korean keyword
    # whole: 지식 and 증류 are not listed again beside "knowledge distillation".
    _korean_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def score(self, member: str, paper_id: str) -> float:
        return float(self.scores[self.members.index(member), self.papers.index(paper_id)])

    def keywords(self, member_index: int, paper_index: int, limit: int = 5) -> list[str]:
        """The shared terms, strongest contribution first (ties by name, for stable output)."""
        m = self._member_vectors.getrow(member_index)
        p = self._paper_vectors.getrow(paper_index)
        product = m.multiply(p).tocoo()
        ranked = sorted(
            zip(product.col.tolist(), product.data.tolist(), strict=True),
            key=lambda item: (-round(item[1], 12), self._vocabulary[item[0]]),
        )
        labels: list[str] = []
        korean_shown: list[str] = []
        for column, _value in ranked:
            term = self._vocabulary[column]
            label = term_label(term)
            # "translation" adds nothing next to "machine translation", nor 증류 (a piece of
            # 지식 증류) next to "knowledge distillation"; a whole Korean word (사전학습) stays.
            if any(label in shown for shown in labels):
                continue
            if term.startswith("w:") and any(label in f and label != f for f in korean_shown):
                continue
            labels.append(label)
            korean_shown.extend(self._korean_forms.get(term, ()))
            if len(labels) == limit:
                break
        return labels


def paper_text_fields(paper: Paper) -> dict[str, str]:
    return {
        "topics": " ; ".join(paper.topics),
        "aliases": " ; ".join(paper.aliases),
        "title": paper.title,
        "abstract": paper.abstract or "",
    }


def relevance_matrix(members: Sequence[Member], papers: Sequence[Paper]) -> RelevanceMatrix:
    """TF-IDF cosine between each member's interests and each paper's text."""
    extra = [i for m in members for i in m.interests] + [t for p in papers for t in p.topics]
    phrases = build_phrases(extra)

    paper_terms: list[Counter[str]] = []
    for paper in papers:
        counts: Counter[str] = Counter()
        for name, text in paper_text_fields(paper).items():
            if text:
                for term, value in extract_terms(text, phrases).items():
                    counts[term] += FIELD_WEIGHTS[name] * value
        paper_terms.append(counts)
    member_terms: list[Counter[str]] = []
    for member in members:
        counts = Counter()
        for interest in member.interests:
            for term, value in extract_terms(interest, phrases).items():
                # An interest names a term once; repeating it in two languages is not "more".
                counts[term] = max(counts[term], 1.0 if value >= 1 else WORD_WEIGHT)
        member_terms.append(counts)

    vocabulary = sorted({t for c in paper_terms + member_terms for t in c})
    index = {t: i for i, t in enumerate(vocabulary)}
    document_frequency = Counter(t for c in paper_terms for t in c)
    n = max(len(papers), 1)
    idf = np.array(
        [math.log((n + 1) / (document_frequency.get(t, 0) + 1)) + 1.0 for t in vocabulary]
    )

    def matrix(rows: list[Counter[str]], sublinear: bool) -> sparse.csr_matrix:
        data, cols, indptr = [], [], [0]
        for counts in rows:
            for term in sorted(counts):
                value = counts[term]
                weight = 1.0 + math.log(value) if sublinear and value >= 1 else value
                cols.append(index[term])
                data.append(weight * idf[index[term]])
            indptr.append(len(cols))
        shape = (len(rows), len(vocabulary))
        out = sparse.csr_matrix((np.array(data, dtype=float), cols, indptr), shape=shape)
        norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ out)

    paper_vectors = matrix(paper_terms, sublinear=True)
    member_vectors = matrix(member_terms, sublinear=False)
    scores = np.asarray((member_vectors @ paper_vectors.T).todense(), dtype=float)
    # Rounded so that scores (and so the optimum) do not depend on floating-point summation order.
    scores = np.clip(np.round(scores, 6), 0.0, 1.0)
    return RelevanceMatrix(
        members=[m.handle for m in members],
        papers=[p.id for p in papers],
        scores=scores,
        _member_vectors=member_vectors,
        _paper_vectors=paper_vectors,
        _vocabulary=vocabulary,
        _korean_forms={p.term: p.korean for p in phrases if p.korean},
    )
