"""GPT-2 byte-level BPE: same ids as Hugging Face's GPT2Tokenizer on the official vocabulary."""

from __future__ import annotations

import shutil

import pytest

from reproductions.common import data
from reproductions.gpt2.tokenizer import GPT2Tokenizer, bytes_to_unicode

SAMPLES = [
    "Hello world! It's a test: we'll see, they've done it.",
    "안녕하세요, 저희 스터디는 매주 논문을 읽습니다.",
    "emoji 🤗🚀👩‍👩‍👧 and flags 🇰🇷 mixed 😀text",
    "spaces   and\ttabs\n\n\nnewlines    \n  trailing   ",
    "  leading spaces, numbers 12345 3.14159 and 1,000,000",
    "Ünïcödé café naïve — “quotes” ‘single’ … ½ ∑ ∞",
    "CamelCase snake_case kebab-case URL https://example.com/a?b=c&d=e#f",
    "I'M SHOUTING'S 'quoted' don't DON'T",
    "",
    " ",
    "中文字符和日本語のテキスト",
]


@pytest.fixture(scope="module")
def files() -> tuple[str, str]:
    try:
        encoder_json, vocab_bpe = data.gpt2_bpe_files()
    except data.DataMissing as err:  # pragma: no cover - depends on `tracker data fetch`
        pytest.fail(f"GPT-2 BPE files not fetched: {err}")
    if not encoder_json.exists():
        pytest.fail("GPT-2 BPE files not fetched: run `tracker data fetch gpt2-bpe`")
    return str(encoder_json), str(vocab_bpe)


@pytest.fixture(scope="module")
def ours(files: tuple[str, str]) -> GPT2Tokenizer:
    return GPT2Tokenizer.from_files(*files)


@pytest.fixture(scope="module")
def hf(files: tuple[str, str], tmp_path_factory: pytest.TempPathFactory):
    from transformers import GPT2Tokenizer as HFGPT2Tokenizer

    # transformers 5.x ignores `GPT2Tokenizer(vocab_file=..., merges_file=...)` and builds an
    # empty vocabulary (encode returns []); loading a local folder with the same two files
    # under the names it expects reads them.
    folder = tmp_path_factory.mktemp("gpt2-bpe")
    shutil.copy(files[0], folder / "vocab.json")
    shutil.copy(files[1], folder / "merges.txt")
    tokenizer = HFGPT2Tokenizer.from_pretrained(str(folder))
    assert len(tokenizer) == 50257, "the reference tokenizer did not load the vocabulary"
    return tokenizer


def test_byte_map_is_a_bijection_onto_printable_characters() -> None:
    mapping = bytes_to_unicode()
    assert sorted(mapping) == list(range(256))
    assert len(set(mapping.values())) == 256
    assert all(c.isprintable() and not c.isspace() for c in mapping.values())
    assert mapping[ord("A")] == "A" and mapping[ord(" ")] == "Ġ"  # the familiar GPT-2 space marker


def test_vocabulary_has_the_published_size(ours: GPT2Tokenizer) -> None:
    assert ours.vocab_size == 50257
    assert len(ours.bpe_ranks) == 50000


@pytest.mark.parametrize("text", SAMPLES)
def test_ids_match_hugging_face_gpt2_tokenizer(ours: GPT2Tokenizer, hf, text: str) -> None:
    assert ours.encode(text) == hf.encode(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_encode_then_decode_returns_the_text(ours: GPT2Tokenizer, text: str) -> None:
    assert ours.decode(ours.encode(text)) == text


def test_known_ids_of_common_words(ours: GPT2Tokenizer) -> None:
    # Ids of the official GPT-2 vocabulary, as widely documented (e.g. "Hello" = 15496).
    assert ours.encode("Hello world") == [15496, 995]
    assert ours.encode("<|endoftext|>")[0] != 50256  # special tokens are not parsed from text


def test_ids_match_on_a_real_shakespeare_passage(ours: GPT2Tokenizer, hf) -> None:
    try:
        text = data.shakespeare_text("test")[:20000]
    except data.DataMissing as err:  # pragma: no cover
        pytest.fail(str(err))
    assert ours.encode(text) == hf.encode(text)
