"""A BiLSTM part-of-speech tagger, the neural baseline beside the HMM (Plank et al., 2016).

Owns the tagger and its training on the HMM's own splits and tag sets. For each word w_i of a
sentence (Plank, Søgaard & Goldberg, 2016, "~w + ~c"):

    ~c_i = [ forward char-LSTM final state ; backward char-LSTM final state ] over w_i's letters
    x_i  = [ e(lower(w_i)) ; ~c_i ]                      word embedding + character feature
    h_i  = [ LSTM_fwd(x_1..x_i) ; LSTM_bwd(x_n..x_i) ]   bidirectional context
    p(t_i | w_1..w_n) = softmax(W h_i + b)               independent per position (no CRF)

Both LSTMs are the from-scratch `reproductions.lstm_gru.model.LSTM` layers. Sentences (and
words) of different lengths share a padded batch: the backward direction reads each sequence
reversed *within its own length*, exactly what `torch.nn.utils.rnn.pack_padded_sequence` gives
`torch.nn.LSTM`, so padding never changes a prediction. Words never seen in training have only
their character feature; word dropout (Kiperwasser & Goldberg, 2016: a training word with count
c is replaced by <unk> with probability a / (a + c)) teaches the tagger to use it.

Training goes through the shared loop (`reproductions.common.training.train`): seeded, resumable,
DDP under `torchrun`. Batches are length buckets (sentences sorted by length, cut into batches,
the batch order shuffled per epoch), deterministic in the step number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from reproductions.common.distributed import DistInfo, shard_batch
from reproductions.common.spec import TrainTable
from reproductions.common.training import (
    TrainConfig,
    train,
    train_settings,
    warmup_linear_decay,
)
from reproductions.lstm_gru.model import LSTM

TaggedSentence = Sequence[tuple[str, str]]

PAD, UNK = 0, 1  # ids shared by the word and character vocabularies
IGNORE = -100  # the tag of a padded position (cross-entropy skips it)
MAX_CHARS = 16


def word_chars(word: str) -> str:
    """The letters the character LSTM reads: long words keep their first 4 and last 12 letters
    (suffixes carry most of the part-of-speech signal)."""
    return word if len(word) <= MAX_CHARS else word[:4] + word[-(MAX_CHARS - 4) :]


@dataclass
class TaggerVocab:
    """Word, character and tag inventories of one training split."""

    words: list[str]  # lower-cased; index 0 <pad>, 1 <unk>
    word_counts: list[int]
    chars: list[str]  # index 0 <pad>, 1 <unk>
    tags: list[str]  # order of first appearance, as the HMM's

    @classmethod
    def from_sentences(cls, sentences: Sequence[TaggedSentence]) -> TaggerVocab:
        counts = Counter(w.lower() for s in sentences for w, _ in s)
        words = ["<pad>", "<unk>", *sorted(counts, key=lambda w: (-counts[w], w))]
        chars = sorted({c for s in sentences for w, _ in s for c in word_chars(w)})
        tags = list(dict.fromkeys(t for s in sentences for _, t in s))
        return cls(words, [0, 0] + [counts[w] for w in words[2:]], ["<pad>", "<unk>", *chars], tags)

    def __post_init__(self) -> None:
        self.word_index = {w: i for i, w in enumerate(self.words)}
        self.char_index = {c: i for i, c in enumerate(self.chars)}
        self.tag_index = {t: i for i, t in enumerate(self.tags)}


@dataclass
class TaggerBatch:
    """A padded batch: word ids (B, T), lengths (B,), the batch's distinct word forms as padded
    character ids (U, C) with their lengths (U,), which form each position holds (B, T), and the
    gold tags (B, T) with `IGNORE` on padding (and on tags the training split never had)."""

    words: torch.Tensor
    lengths: torch.Tensor
    chars: torch.Tensor
    char_lengths: torch.Tensor
    forms: torch.Tensor
    tags: torch.Tensor

    def to(self, device: torch.device) -> TaggerBatch:
        return TaggerBatch(*(getattr(self, f).to(device) for f in self.__dataclass_fields__))

    def inputs(self) -> tuple[torch.Tensor, ...]:
        return self.words, self.lengths, self.chars, self.char_lengths, self.forms


def encode_batch(
    sentences: Sequence[TaggedSentence],
    vocab: TaggerVocab,
    word_dropout: float = 0.0,
    generator: torch.Generator | None = None,
) -> TaggerBatch:
    """Pad `sentences` into a `TaggerBatch`; with `word_dropout` = a > 0 each word of count c
    becomes <unk> with probability a / (a + c) (training only)."""
    B, T = len(sentences), max(len(s) for s in sentences)
    words = torch.full((B, T), PAD, dtype=torch.long)
    tags = torch.full((B, T), IGNORE, dtype=torch.long)
    forms = torch.zeros((B, T), dtype=torch.long)
    form_index: dict[str, int] = {}
    for b, sent in enumerate(sentences):
        for t, (w, tag) in enumerate(sent):
            words[b, t] = vocab.word_index.get(w.lower(), UNK)
            tags[b, t] = vocab.tag_index.get(tag, IGNORE)
            forms[b, t] = form_index.setdefault(w, len(form_index))
    if word_dropout > 0:
        counts = torch.tensor(vocab.word_counts, dtype=torch.float64)[words]
        keep = word_dropout / (word_dropout + counts)
        drop = torch.rand(words.shape, generator=generator, dtype=torch.float64) < keep
        words = torch.where(drop & (words > UNK), torch.full_like(words, UNK), words)
    spelled = [[vocab.char_index.get(c, UNK) for c in word_chars(w)] for w in form_index]
    chars = torch.full((len(spelled), max(len(s) for s in spelled)), PAD, dtype=torch.long)
    for u, ids in enumerate(spelled):
        chars[u, : len(ids)] = torch.tensor(ids)
    return TaggerBatch(
        words=words,
        lengths=torch.tensor([len(s) for s in sentences]),
        chars=chars,
        char_lengths=torch.tensor([len(s) for s in spelled]),
        forms=forms,
        tags=tags,
    )


# --- the model -----------------------------------------------------------------------------------


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each row of (B, T, ...) within its first `lengths[b]` positions; padding stays put.
    Applying it twice gives `x` back."""
    B, T = x.shape[:2]
    t = torch.arange(T, device=x.device).expand(B, T)
    idx = lengths.to(x.device)[:, None] - 1 - t
    idx = torch.where(idx >= 0, idx, t)
    idx = idx.view(B, T, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, idx)


class BiLSTM(nn.Module):
    """A bidirectional LSTM layer over padded (B, T, D) batches, from two from-scratch LSTMs.

    The backward LSTM reads `reverse_padded(x)`, so every sequence starts at its own last token
    (what `pack_padded_sequence` does for `torch.nn.LSTM`). Outputs at padded positions are 0.
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.forward_lstm = LSTM(input_size, hidden_size)
        self.backward_lstm = LSTM(input_size, hidden_size)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns outputs (B, T, 2H) and final states (B, 2H): the forward LSTM's at the last
        real token, the backward LSTM's at the first (torch's h_n for a packed batch)."""
        lengths = lengths.to(x.device)
        fwd, _ = self.forward_lstm(x)  # (B, T, H); the padded tail is never read by real steps
        bwd, _ = self.backward_lstm(reverse_padded(x, lengths))
        bwd = reverse_padded(bwd, lengths)
        mask = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]  # (B, T)
        out = torch.cat([fwd, bwd], dim=-1) * mask[..., None]
        last = fwd[torch.arange(x.shape[0], device=x.device), lengths - 1]  # (B, H)
        return out, torch.cat([last, bwd[:, 0]], dim=-1)

    @torch.no_grad()
    def load_from_torch(self, ref: nn.LSTM) -> BiLSTM:
        """Copy a one-layer bidirectional `torch.nn.LSTM`: `*_l0` -> forward, `*_l0_reverse` ->
        backward."""
        for ours, suffix in ((self.forward_lstm, "l0"), (self.backward_lstm, "l0_reverse")):
            for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(ours.cells["l0"], p).copy_(getattr(ref, f"{p}_{suffix}"))
        return self


@dataclass
class TaggerConfig:
    n_words: int
    n_chars: int
    n_tags: int
    word_dim: int = 64
    char_dim: int = 16
    char_hidden: int = 24  # per direction
    hidden: int = 96  # per direction
    dropout: float = 0.25


class BiLSTMTagger(nn.Module):
    """Word embedding + character BiLSTM feature -> BiLSTM -> linear softmax over tags."""

    def __init__(self, cfg: TaggerConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.word_embedding = nn.Embedding(cfg.n_words, cfg.word_dim, padding_idx=PAD)
        self.char_embedding = nn.Embedding(cfg.n_chars, cfg.char_dim, padding_idx=PAD)
        self.char_lstm = BiLSTM(cfg.char_dim, cfg.char_hidden)
        self.lstm = BiLSTM(cfg.word_dim + 2 * cfg.char_hidden, cfg.hidden)
        self.dropout = nn.Dropout(cfg.dropout)
        self.classifier = nn.Linear(2 * cfg.hidden, cfg.n_tags)

    def forward(
        self,
        words: torch.Tensor,
        lengths: torch.Tensor,
        chars: torch.Tensor,
        char_lengths: torch.Tensor,
        forms: torch.Tensor,
    ) -> torch.Tensor:
        """Tag scores (B, T, n_tags); see `TaggerBatch` for the inputs."""
        # Each distinct word form is spelled once per batch: ~c for all of them, then gathered.
        _, spelled = self.char_lstm(self.char_embedding(chars), char_lengths)  # (U, 2Hc)
        x = torch.cat([self.word_embedding(words), spelled[forms]], dim=-1)  # (B, T, E + 2Hc)
        h, _ = self.lstm(self.dropout(x), lengths)  # (B, T, 2H)
        return self.classifier(self.dropout(h))


def tagging_loss(model: nn.Module, batch: TaggerBatch) -> torch.Tensor:
    """Mean cross-entropy over this batch's real tokens."""
    scores = model(*batch.inputs())
    return F.cross_entropy(scores.flatten(0, 1), batch.tags.flatten(), ignore_index=IGNORE)


# --- data order, evaluation, training --------------------------------------------------------


def length_buckets(sentences: Sequence[TaggedSentence], batch_size: int) -> list[list[int]]:
    """Sentence indices sorted by length (stable) and cut into full batches of `batch_size`;
    a short remainder is dropped so that every batch splits evenly over processes."""
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    return [order[i : i + batch_size] for i in range(0, len(order) - batch_size + 1, batch_size)]


def batch_rows(step: int, buckets: list[list[int]], seed: int) -> list[int]:
    """The global batch of `step`: bucket order is a fresh permutation every epoch."""
    epoch, position = divmod(step, len(buckets))
    g = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    return buckets[int(torch.randperm(len(buckets), generator=g)[position])]


@torch.no_grad()
def predict(
    model: BiLSTMTagger, sentences: Sequence[TaggedSentence], vocab: TaggerVocab, batch: int = 128
) -> list[list[str]]:
    """The argmax tag of every word (the model is put in eval mode and left there)."""
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    out: list[list[str]] = [[] for _ in sentences]
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        enc = encode_batch([sentences[i] for i in rows], vocab).to(device)
        best = model(*enc.inputs()).argmax(-1).cpu()
        for b, i in enumerate(rows):
            out[i] = [vocab.tags[int(k)] for k in best[b, : len(sentences[i])]]
    return out


def token_accuracy(
    sentences: Sequence[TaggedSentence],
    predictions: Sequence[Sequence[str]],
    known_words: Container[str],
) -> dict[str, float]:
    """Token accuracy of `predictions` overall and on words in / not in `known_words` (an unknown
    word is one not in the training split, case-sensitive: the HMM's and the BiLSTM's measure)."""
    right = total = unk_right = unk_total = 0
    for sent, pred in zip(sentences, predictions, strict=True):
        for (w, gold), p in zip(sent, pred, strict=True):
            ok = p == gold
            right += ok
            total += 1
            if w not in known_words:
                unk_right += ok
                unk_total += 1
    return {
        "accuracy": right / total,
        "known_accuracy": (right - unk_right) / max(1, total - unk_total),
        "unknown_accuracy": unk_right / max(1, unk_total),
        "unknown_rate": unk_total / total,
        "tokens": total,
    }


def tagging_accuracy(
    model: BiLSTMTagger,
    sentences: Sequence[TaggedSentence],
    vocab: TaggerVocab,
    known_words: set[str],
) -> dict[str, float]:
    """`token_accuracy` of the model's argmax tags."""
    return token_accuracy(sentences, predict(model, sentences, vocab), known_words)


@dataclass(frozen=True, kw_only=True)
class BiLSTMSpec:
    """The tagger's sizes (`TaggerConfig` fields) and schedule, for each corpus it trains on."""

    word_dim: int
    char_dim: int
    char_hidden: int  # per direction
    hidden: int  # per direction
    dropout: float
    word_dropout: float  # a training word's chance to be replaced by <unk>
    eval_sentences: int | None  # valid sentences scored during training; None = all
    warmup_steps: int  # then linear decay to 0
    train: dict[str, TrainTable]  # corpus -> TrainConfig keywords


@dataclass
class TaggerRun:
    """What `train_tagger` returns: test metrics (main rank only), curves and the model."""

    metrics: dict[str, float]
    curves: dict[str, list[list[float]]]
    model: BiLSTMTagger
    vocab: TaggerVocab


def train_tagger(
    corpus: str,
    splits: dict[str, list],
    spec: BiLSTMSpec,
    *,
    seed: int,
    info: DistInfo,
    scratch_dir: Path,
    steps: int | None = None,
    checkpoint_path: Path | None = None,
) -> TaggerRun:
    """Train the BiLSTM on `splits["train"]` through the shared loop and score `splits["test"]`.

    `spec` holds the model sizes and the schedule; `spec.train[corpus]` is this corpus's. The
    shared loop's own results file goes to `scratch_dir`; the caller merges the returned metrics.
    """
    train_sents, valid = splits["train"], splits["valid"][: spec.eval_sentences]
    vocab = TaggerVocab.from_sentences(train_sents)
    known = {w for s in train_sents for w, _ in s}
    sizes = TaggerConfig(
        len(vocab.words),
        len(vocab.chars),
        len(vocab.tags),
        word_dim=spec.word_dim,
        char_dim=spec.char_dim,
        char_hidden=spec.char_hidden,
        hidden=spec.hidden,
        dropout=spec.dropout,
    )
    torch.manual_seed(seed)  # the same initial weights on every rank
    model = BiLSTMTagger(sizes)
    tcfg = train_settings(spec.train[corpus], steps)
    config = TrainConfig(name=f"bilstm-{corpus}", seed=seed, warmup_steps=spec.warmup_steps, **tcfg)
    batch_size = min(config.batch_size, len(train_sents) // info.world_size * info.world_size)
    buckets = length_buckets(train_sents, batch_size)

    def make_batch(step: int, info: DistInfo) -> TaggerBatch:
        rows = shard_batch(batch_rows(step, buckets, seed), info)
        g = torch.Generator().manual_seed(seed * 1_000_003 + step + 7)
        sents = [train_sents[i] for i in rows]
        return encode_batch(sents, vocab, spec.word_dropout, g).to(info.device)

    def evaluate(m: nn.Module) -> dict[str, float]:
        device = next(m.parameters()).device
        losses = []
        for start in range(0, len(valid), 128):
            enc = encode_batch(valid[start : start + 128], vocab).to(device)
            losses.append((tagging_loss(m, enc).item(), int((enc.tags != IGNORE).sum())))
        loss = sum(v * n for v, n in losses) / max(1, sum(n for _, n in losses))
        acc = tagging_accuracy(m, valid, vocab, known)["accuracy"]  # type: ignore[arg-type]
        return {"valid_loss": loss, "valid_accuracy": acc}

    result = train(
        model,
        config,
        reproduction="hmm",
        run=f"bilstm-{corpus}",
        loss_fn=tagging_loss,
        make_batch=make_batch,
        evaluate=evaluate,
        # Fused AdamW: the unfused update of the word-embedding table costs as much as the
        # forward pass on a CPU.
        optimizer=torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.0, fused=True),
        lr_lambda=warmup_linear_decay(config.warmup_steps, config.steps),
        checkpoint_path=checkpoint_path,
        out_dir=scratch_dir,
        info=info,
    )
    metrics: dict[str, float] = {}
    if info.is_main:
        test = tagging_accuracy(model, splits["test"], vocab, known)
        metrics = {f"test_{k}": v for k, v in test.items()}
        metrics |= {f"final_{k}": v for k, v in result.metrics.items()}
        metrics["epochs"] = result.steps / len(buckets)
        metrics["parameters"] = sum(p.numel() for p in model.parameters())
        metrics["train_seconds"] = result.wall_time_s
        metrics["train_sentences"] = len(train_sents)
        metrics["batch_size"] = batch_size
        if result.resumed_from is not None:
            metrics["resumed_from_step"] = result.resumed_from
    return TaggerRun(metrics, result.curves, model, vocab)
