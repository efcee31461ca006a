"""Our WordPiece tokenizer gives the same ids as Hugging Face's BertTokenizer on MiniLM's vocab."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reproductions.bert.tokenizer import WordPieceTokenizer
from reproductions.common import data

TOY_VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "un",
    "##aff",
    "##able",
    "aff",
    "a",
    "##b",
    ",",
]


@pytest.fixture(scope="module")
def vocab_file():
    try:
        return data.minilm_dir() / "vocab.txt"
    except data.DataMissing as err:
        # Missing data fails (CI fetches it in `make test`): a skip would count as a pass.
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="module")
def ours(vocab_file):
    return WordPieceTokenizer.from_vocab_file(vocab_file)


@pytest.fixture(scope="module")
def reference(vocab_file):
    from transformers import BertTokenizer
    from transformers.models.bert.tokenization_bert import load_vocab

    # transformers 5.x ignores `vocab_file=` in BertTokenizer's constructor (it builds a
    # five-token vocabulary instead), so the vocabulary is passed as `vocab=`.
    ref = BertTokenizer(vocab=load_vocab(str(vocab_file)))
    assert ref.convert_tokens_to_ids("the") == 1996
    return ref


TEXTS = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "BERT uses WordPiece; unaffable words get split.",
    "I can't believe it's not butter!!!",
    "e-mail: someone@example.com, https://example.org/path?q=1&x=2",
    "Prices rose 3.5% to $1,234.56 in Q3 2019.",
    '"Quoted" text — with an em dash – and en dash…',
    "Café naïve résumé façade coöperate Ångström",
    "ÀÉÎÕÜ àéîõü Çç Ññ Øø Łł ß",
    "Crème brûlée and jalapeño piñata",
    "Müller's Straße in Zürich",
    "안녕하세요, 세계!",
    "나는 자연어 처리를 공부합니다.",
    "BERT 논문을 읽고 발표했습니다 (2019).",
    "한국어와 English가 섞인 문장",
    "日本語のテキストとカタカナ",
    "中文分词测试：自然语言处理。",
    "混合 text 与 中文",
    "Ελληνικά ΚΕΙΜΕΝΟ ΟΔΟΣ",
    "Русский текст с заглавными Буквами",
    "עברית וערבית العربية",
    "हिन्दी पाठ",
    "emoji 😀 and symbols ★ ♥ ©®™",
    "tabs\tand\nnewlines\r\nand  double  spaces",
    "zero\u200bwidth\u200cjoiners\u200d and\u00a0nbsp",
    "control\x00chars\x07here\x1b",
    "replacement \ufffd char",
    "a" * 101,
    "a" * 100,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "xqzjvkw qqqq zzxxyy",
    "[MASK] is a special token, [mask] is not",
    "[CLS] starts and [SEP] ends",
    "hi[SEP]there[UNK]",
    "",
    "   ",
    "!!!???...",
    "((nested (parens)))",
    "under_score and snake_case_names",
    "CamelCaseWordsHere",
    "1234567890 3.14159 1e-10",
    "İstanbul ĞÜŞİÖÇ",
    "ﬁ ligature and ① circled",
    "full-width ＡＢＣ１２３",
    "math ∑ ∫ √ ≤ ≥ ≠",
    "combining e\u0301 and a\u0308",
    "The model's [CLS] vector; pooled.",
    "ALL CAPS SHOUTING",
    "mIxEd CaSe",
    "ends with space ",
]


def test_text_set_is_varied_enough():
    assert len(TEXTS) >= 50


@pytest.mark.parametrize("text", TEXTS)
def test_ids_match_hf_bert_tokenizer(ours, reference, text):
    assert ours.encode(text).input_ids == reference(text)["input_ids"]
    assert ours.tokenize(text) == reference.tokenize(text)


def test_sentence_pairs_match_hf_ids_and_segments(ours, reference):
    a, b = "The cat sat on the mat.", "고양이가 매트 위에 앉았다."
    enc = ours.encode(a, b)
    ref = reference(a, b)
    assert enc.input_ids == ref["input_ids"]
    assert enc.token_type_ids == ref["token_type_ids"]


_ALPHABET = st.one_of(
    st.characters(min_codepoint=32, max_codepoint=126),
    st.sampled_from("éèêëàâäôöüçñßØÅæœ"),
    st.sampled_from("가나다라마바사아자차카타파하한글국어"),
    st.sampled_from("中文字语言处理日本"),
    st.sampled_from(" \t\n\u00a0\u3000"),
    st.sampled_from(".,;:!?'\"()[]{}-—…«»"),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_generated_strings_match_hf(ours, reference, text):
    assert ours.encode(text).input_ids == reference(text)["input_ids"]


def test_wordpiece_is_greedy_longest_match_first():
    tok = WordPieceTokenizer({t: i for i, t in enumerate(TOY_VOCAB)})
    assert tok.wordpiece("unaffable") == ["un", "##aff", "##able"]
    assert tok.wordpiece("ab") == ["a", "##b"]


def test_unmatched_remainder_makes_the_whole_word_unknown():
    tok = WordPieceTokenizer({t: i for i, t in enumerate(TOY_VOCAB)})
    assert tok.wordpiece("unaffablez") == ["[UNK]"]


def test_words_over_the_length_limit_are_unknown():
    tok = WordPieceTokenizer({t: i for i, t in enumerate(TOY_VOCAB)})
    assert tok.tokenize("a" + "##b" * 0 + "b" * 100) == ["[UNK]"]
    assert tok.wordpiece("a" + "b" * 99) == ["a"] + ["##b"] * 99


def test_basic_tokenizer_strips_accents_lowercases_and_splits_punctuation_and_cjk():
    tok = WordPieceTokenizer({t: i for i, t in enumerate(TOY_VOCAB)})
    assert tok.basic_tokenize("Café,NAÏVE 中文") == ["cafe", ",", "naive", "中", "文"]
