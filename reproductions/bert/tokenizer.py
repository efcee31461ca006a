"""WordPiece tokenisation for BERT, from scratch (Wu et al. 2016; BERT Section 3, "WordPiece").

This module owns text -> ids for our BERT: the basic tokenizer (clean control characters and
odd whitespace, put spaces around CJK ideographs, strip accents through NFD, lower-case, split
off punctuation) followed by greedy longest-match-first WordPiece with the ``##`` continuation
prefix. The rules follow the Hugging Face tokenizer that ships with transformers 5.x (the Rust
``BertNormalizer`` + ``BertPreTokenizer`` + ``WordPiece``), so our ids equal its ids: accents are
stripped before lower-casing, and lower-casing is per character (so a final capital sigma
becomes "σ", not "ς").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")

# The CJK Unified Ideographs blocks that BERT splits into single characters. Hangul, Hiragana
# and Katakana are deliberately absent: BERT's tokenizer treats those as ordinary letters.
_CJK_RANGES = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def is_control(ch: str) -> bool:
    """Category C* (control, format, unassigned, private use), except the three we treat as space."""
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def is_whitespace(ch: str) -> bool:
    return ch in "\t\n\r" or ch.isspace()


def is_punctuation(ch: str) -> bool:
    """Every ASCII non-alphanumeric printable (so ``$``, ``^``, ``+`` count too) or category P*."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


@dataclass
class Encoding:
    input_ids: list[int]
    token_type_ids: list[int]


class WordPieceTokenizer:
    """BERT's uncased tokenizer over a ``vocab.txt`` (one token per line, id = line number)."""

    def __init__(
        self,
        vocab: dict[str, int],
        *,
        do_lower_case: bool = True,
        strip_accents: bool | None = None,
        tokenize_chinese_chars: bool = True,
        max_input_chars_per_word: int = 100,
        unk_token: str = "[UNK]",
    ) -> None:
        self.vocab = vocab
        self.inv_vocab = {i: t for t, i in vocab.items()}
        self.do_lower_case = do_lower_case
        # None means "follow lower-casing": uncased BERT strips accents, cased BERT keeps them.
        self.strip_accents = do_lower_case if strip_accents is None else strip_accents
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.max_input_chars_per_word = max_input_chars_per_word
        self.unk_token = unk_token
        specials = [t for t in SPECIAL_TOKENS if t in vocab]
        # Special tokens written in the text stay whole and are matched case-sensitively,
        # before any normalisation, as the reference does.
        self._special_re = (
            re.compile("(" + "|".join(re.escape(t) for t in specials) + ")") if specials else None
        )

    @classmethod
    def from_vocab_file(cls, path: str | Path, **kwargs: object) -> WordPieceTokenizer:
        lines = Path(path).read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        vocab: dict[str, int] = {}
        for index, token in enumerate(lines):
            vocab.setdefault(token.rstrip("\r"), index)
        return cls(vocab, **kwargs)  # type: ignore[arg-type]

    # ids of the special tokens
    @property
    def pad_id(self) -> int:
        return self.vocab["[PAD]"]

    @property
    def unk_id(self) -> int:
        return self.vocab[self.unk_token]

    @property
    def cls_id(self) -> int:
        return self.vocab["[CLS]"]

    @property
    def sep_id(self) -> int:
        return self.vocab["[SEP]"]

    @property
    def mask_id(self) -> int:
        return self.vocab["[MASK]"]

    def __len__(self) -> int:
        return len(self.vocab)

    # --- basic tokenizer -------------------------------------------------------------------
    def normalize(self, text: str) -> str:
        """Clean, space out CJK, strip accents (NFD, drop Mn), lower-case: in that order."""
        chars = []
        for ch in text:
            if ch == "\x00" or ch == "\ufffd" or is_control(ch):
                continue
            if is_whitespace(ch):
                chars.append(" ")
            elif self.tokenize_chinese_chars and is_cjk(ch):
                chars.append(f" {ch} ")
            else:
                chars.append(ch)
        text = "".join(chars)
        if self.strip_accents:
            text = "".join(
                c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
            )
        if self.do_lower_case:
            # per character, like the reference: no context-dependent final sigma
            text = "".join(c.lower() for c in text)
        return text

    def basic_tokenize(self, text: str) -> list[str]:
        """Normalised text split on whitespace, with every punctuation mark its own token."""
        words: list[str] = []
        for chunk in self.normalize(text).split():
            current = ""
            for ch in chunk:
                if is_punctuation(ch):
                    if current:
                        words.append(current)
                    words.append(ch)
                    current = ""
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    # --- WordPiece -------------------------------------------------------------------------
    def wordpiece(self, word: str) -> list[str]:
        """Greedy longest-match-first: the longest vocabulary prefix, then ``##`` pieces.

        A word longer than ``max_input_chars_per_word`` or with any unmatched remainder becomes
        a single [UNK] (not a partial split).
        """
        if len(word) > self.max_input_chars_per_word:
            return [self.unk_token]
        pieces = []
        start = 0
        while start < len(word):
            end = len(word)
            piece = None
            while start < end:
                candidate = word[start:end] if start == 0 else "##" + word[start:end]
                if candidate in self.vocab:
                    piece = candidate
                    break
                end -= 1
            if piece is None:
                return [self.unk_token]
            pieces.append(piece)
            start = end
        return pieces

    def tokenize(self, text: str) -> list[str]:
        parts = self._special_re.split(text) if self._special_re else [text]
        tokens: list[str] = []
        for i, part in enumerate(parts):
            if i % 2 == 1:  # a captured special token
                tokens.append(part)
                continue
            for word in self.basic_tokenize(part):
                tokens.extend(self.wordpiece(word))
        return tokens

    def convert_tokens_to_ids(self, tokens: Iterable[str]) -> list[int]:
        return [self.vocab.get(t, self.unk_id) for t in tokens]

    def convert_ids_to_tokens(self, ids: Iterable[int]) -> list[str]:
        return [self.inv_vocab[i] for i in ids]

    def encode(
        self, text: str, pair: str | None = None, add_special_tokens: bool = True
    ) -> Encoding:
        """``[CLS] A [SEP]`` (segment 0) and, for a pair, ``B [SEP]`` (segment 1)."""
        a = self.convert_tokens_to_ids(self.tokenize(text))
        b = self.convert_tokens_to_ids(self.tokenize(pair)) if pair is not None else None
        if not add_special_tokens:
            ids = a + (b or [])
            return Encoding(ids, [0] * len(a) + [1] * len(b or []))
        ids = [self.cls_id, *a, self.sep_id]
        types = [0] * len(ids)
        if b is not None:
            ids += [*b, self.sep_id]
            types += [1] * (len(b) + 1)
        return Encoding(ids, types)

    def decode(self, ids: Iterable[int]) -> str:
        """Tokens joined with ``##`` pieces glued back on (not an exact inverse: case, accents)."""
        text = " ".join(self.convert_ids_to_tokens(ids))
        return text.replace(" ##", "")
