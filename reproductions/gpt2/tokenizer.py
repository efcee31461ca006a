"""GPT-2's byte-level BPE tokenizer, from scratch (Radford et al., 2019, Sec. 2.2).

Owns encoding and decoding with the published GPT-2 vocabulary (`encoder.json`, `vocab.bpe`).
The paper's recipe: BPE over *bytes*, so any Unicode string is representable with a 256-symbol
base vocabulary and no unknown token, and "we prevent BPE from merging across character
categories for any byte sequence" -- done by splitting the text with a regex (letters, digits,
punctuation, whitespace runs, English contractions) before applying merges inside each piece.

Three steps per piece:
1. UTF-8 bytes -> printable unicode characters (`bytes_to_unicode`), so merges are plain strings;
2. merge the adjacent pair with the lowest rank in `vocab.bpe`, repeatedly, until none applies;
3. look each resulting symbol up in `encoder.json`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import regex

# Contractions, then optional-space + letters / digits / other, then whitespace runs; the
# `\s+(?!\S)` keeps the last space of a run attached to the next word (" world").
GPT2_SPLIT_PATTERN = (
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
)


@lru_cache(maxsize=1)
def bytes_to_unicode() -> dict[int, str]:
    """A reversible map from the 256 byte values to printable unicode characters.

    Printable Latin-1 bytes map to themselves; the remaining 68 (control characters, space,
    etc.) are shifted to code points 256.. in byte order, so no symbol is whitespace or a
    control character and BPE merges can be stored as text.
    """
    keep = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    mapping = {b: chr(b) for b in keep}
    shift = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + shift)
            shift += 1
    return mapping


class GPT2Tokenizer:
    """Encode text to GPT-2 ids and back: `GPT2Tokenizer.from_files(encoder_json, vocab_bpe)`."""

    def __init__(self, encoder: dict[str, int], merges: list[tuple[str, str]]) -> None:
        self.encoder = encoder
        self.decoder = {i: s for s, i in encoder.items()}
        self.bpe_ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.byte_decoder = {c: b for b, c in self.byte_encoder.items()}
        self.pattern = regex.compile(GPT2_SPLIT_PATTERN)
        self._cache: dict[str, list[str]] = {}

    @classmethod
    def from_files(cls, encoder_json: Path | str, vocab_bpe: Path | str) -> GPT2Tokenizer:
        encoder = json.loads(Path(encoder_json).read_text(encoding="utf-8"))
        lines = Path(vocab_bpe).read_text(encoding="utf-8").split("\n")
        # The first line is a "#version" header; blank trailing lines carry no merge.
        merges = [tuple(line.split()) for line in lines if line and not line.startswith("#version")]
        return cls(encoder, [m for m in merges if len(m) == 2])  # type: ignore[misc]

    @property
    def vocab_size(self) -> int:
        return len(self.encoder)

    def bpe(self, piece: str) -> list[str]:
        """Apply merges to one pre-tokenised piece (already in byte-unicode form)."""
        if piece in self._cache:
            return self._cache[piece]
        symbols = list(piece)
        while len(symbols) > 1:
            pairs = {(a, b) for a, b in zip(symbols, symbols[1:], strict=False)}
            best = min(pairs, key=lambda p: self.bpe_ranks.get(p, float("inf")))
            if best not in self.bpe_ranks:
                break
            merged: list[str] = []
            i = 0
            while i < len(symbols):
                if i < len(symbols) - 1 and (symbols[i], symbols[i + 1]) == best:
                    merged.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
        self._cache[piece] = symbols
        return symbols

    def tokenize(self, text: str) -> list[str]:
        out: list[str] = []
        for piece in self.pattern.findall(text):
            mapped = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            out.extend(self.bpe(mapped))
        return out

    def encode(self, text: str) -> list[int]:
        return [self.encoder[symbol] for symbol in self.tokenize(text)]

    def decode(self, ids: list[int]) -> str:
        text = "".join(self.decoder[i] for i in ids)
        raw = bytes(self.byte_decoder[c] for c in text)
        # A cut in the middle of a multi-byte character is possible with arbitrary id lists.
        return raw.decode("utf-8", errors="replace")
