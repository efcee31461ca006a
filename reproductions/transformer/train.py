"""Transformer baseline: English -> Spanish on the Bible parallel corpus, BLEU on the test split.

Owns the runnable baseline: a word-level shared vocabulary built from the training split,
length-bucketed batches, training with label smoothing 0.1 and the paper's warm-up schedule
(Adam beta2 = 0.98, eps = 1e-9; Sec. 5.3), greedy decoding of the test split and sacrebleu BLEU.
The data is not WMT14, so the paper's numbers are shown beside ours for orientation only.

Example:
    python -m reproductions.transformer.train --config small --steps 40 --out /tmp/transformer
    torchrun --nproc_per_node=2 -m reproductions.transformer.train --config small
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from reproductions.common import cli, data
from reproductions.common.distributed import DistInfo, draw_batch, unwrap_model
from reproductions.common.results import command_line
from reproductions.common.spec import TrainedSpec
from reproductions.common.training import Objective, TrainConfig, TrainRun, train_settings

from . import PAPER_ID
from .model import Transformer, TransformerConfig, label_smoothed_cross_entropy, noam_lr

PAD, EOS, UNK = 0, 1, 2
SPECIALS = ["<pad>", "</s>", "<unk>"]
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True, kw_only=True)
class TransformerSpec(TrainedSpec[TransformerConfig]):
    """A baseline config: the model, its schedule and the data it sees."""

    vocab: int  # shared source/target words, specials included
    max_tokens: int  # training pairs longer than this (either side) are dropped
    warmup: int  # the schedule's warm-up steps (eq. 3)
    lr_factor: float  # multiplies eq. 3's learning rate
    test_sentences: int  # test verses decoded for BLEU; 0 = all


CONFIGS = {
    "small": TransformerSpec(
        model=TransformerConfig.stacks(
            vocab_size=0, d_model=128, dropout=0.1, max_position_embeddings=64,
            layers=2, heads=4, ffn_dim=256,
        ),
        vocab=4000, max_tokens=40, test_sentences=300,
        warmup=100, lr_factor=0.25, train={"steps": 250, "batch_size": 32, "eval_every": 50},
    ),
    # Transformer base (Table 3): d_model 512, 6+6 layers, 8 heads, d_ff 2048, warmup 4000.
    "paper": TransformerSpec(
        model=TransformerConfig(vocab_size=0, max_position_embeddings=128),
        vocab=16000, max_tokens=100, test_sentences=0,  # all
        warmup=4000, lr_factor=1.0, train={"steps": 100000, "batch_size": 128, "eval_every": 2000},
    ),
}  # fmt: skip

PAPER_METRICS = {
    "test_bleu": {
        "value": 27.3,
        "note": "Transformer base, WMT14 En-De newstest2014 (Table 2; big: 28.4; En-Fr 38.1 base / "
        "41.8 big). Ours: Bible En->Es (WEB -> Reina-Valera 1909), a 2+2-layer d=128 model "
        "trained for minutes on CPU; different data, language pair and size.",
    }
}


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def detokenize(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([.,;:!?)\]»])", r"\1", text)
    return re.sub(r"([(\[¿¡«]) ", r"\1", text)


class Vocab:
    """One vocabulary for both languages (the paper shares source and target embeddings)."""

    def __init__(self, pairs: list[tuple[str, str]], size: int) -> None:
        counts: Counter[str] = Counter()
        for en, es in pairs:
            counts.update(tokenize(en))
            counts.update(tokenize(es))
        self.itos = SPECIALS + [w for w, _ in counts.most_common(size - len(SPECIALS))]
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text: str) -> list[int]:
        return [self.stoi.get(t, UNK) for t in tokenize(text)] + [EOS]

    def decode(self, ids: list[int]) -> str:
        words = []
        for i in ids:
            if i == EOS:
                break
            if i != PAD:
                words.append(self.itos[i])
        return detokenize(words)


def _pad(rows: list[list[int]]) -> torch.Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([r + [PAD] * (width - len(r)) for r in rows], dtype=torch.long)


def valid_batches(
    valid: list[tuple[list[int], list[int]]], device: torch.device
) -> Iterator[tuple[torch.Tensor, torch.Tensor, int]]:
    """Validation pairs in batches of 64: (source ids, target ids with padding as -100, the
    number of real target tokens). Shared with the seq2seq baseline."""
    for i in range(0, len(valid), 64):
        rows = valid[i : i + 64]
        src = _pad([s for s, _ in rows]).to(device)
        labels = _pad([t for _, t in rows]).to(device)
        labels = labels.masked_fill(labels == PAD, -100)
        yield src, labels, int((labels != -100).sum())


def run(job: TrainRun, test_sentences: int | None = None) -> Path | None:
    spec = CONFIGS[job.config]
    seed = job.seed
    train_pairs = data.bible_parallel("train")
    vocab = Vocab(train_pairs, spec.vocab)
    cap = spec.max_tokens
    encoded = [(vocab.encode(en), vocab.encode(es)) for en, es in train_pairs]
    encoded = [(s, t) for s, t in encoded if len(s) <= cap and len(t) <= cap]
    valid = [(vocab.encode(en), vocab.encode(es)) for en, es in data.bible_parallel("valid")[:256]]
    valid = [(s[:cap], t[:cap]) for s, t in valid]
    test_pairs = data.bible_parallel("test")
    limit = spec.test_sentences if test_sentences is None else test_sentences
    if limit:
        test_pairs = test_pairs[:limit]
    mcfg = TransformerConfig(
        **{
            **asdict(spec.model),
            "vocab_size": len(vocab.itos),
            "pad_token_id": PAD,
            "eos_token_id": EOS,
            "decoder_start_token_id": PAD,
        }
    )
    tcfg = train_settings(spec.train, job.steps, evals=1)

    def make_batch(step: int, info: DistInfo) -> dict[str, torch.Tensor]:
        rows = [encoded[i] for i in draw_batch(len(encoded), tcfg["batch_size"], seed, step, info)]
        src = _pad([s for s, _ in rows])
        labels = _pad([t for _, t in rows]).masked_fill(_pad([t for _, t in rows]) == PAD, -100)
        labels[:, 0] = torch.tensor([t[0] for _, t in rows])  # a real first token is never pad
        return {
            "src": src.to(info.device),
            "mask": (src != PAD).long().to(info.device),
            "labels": labels.to(info.device),
        }

    def loss_fn(model: torch.nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        logits = model(batch["src"], attention_mask=batch["mask"], labels=batch["labels"]).logits
        return label_smoothed_cross_entropy(logits, batch["labels"], epsilon=0.1)

    def evaluate(model: torch.nn.Module) -> dict[str, float]:
        device = next(model.parameters()).device
        total, count = 0.0, 0
        for src, labels, n in valid_batches(valid, device):
            logits = model(src, attention_mask=(src != PAD).long(), labels=labels).logits
            total += (
                F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1)).item() * n
            )
            count += n
        loss = total / count
        return {"val_loss": loss, "val_ppl": float(torch.tensor(loss).exp())}

    model = Transformer(mcfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=1.0, betas=(0.9, 0.98), eps=1e-9)
    d, warm, factor = mcfg.d_model, spec.warmup, spec.lr_factor
    config = TrainConfig(
        name=job.config,
        lr=1.0,
        seed=seed,
        log_every=10,
        extra={
            "model": asdict(mcfg),
            "vocab": len(vocab.itos),
            "max_tokens": cap,
            "warmup": warm,
            "lr_factor": factor,
            "label_smoothing": 0.1,
            "test_sentences": len(test_pairs),
        },
        **tcfg,
    )
    result = job.train_arm(
        job.config,
        model,
        config,
        Objective(loss_fn, make_batch, evaluate),
        optimizer=optimizer,
        lr_lambda=lambda s: factor * noam_lr(s + 1, d, warm),
        checkpoint_path=job.checkpoint,
    )
    if not job.is_main:
        return None
    # BLEU needs a full decode of the test split, so it runs once, after training, on the main
    # process; the wall time recorded includes decoding.
    decode_started = time.time()
    test_bleu = bleu(unwrap_model(model).eval(), vocab, test_pairs, cap)
    return job.publish(
        {**result.metrics, "test_bleu": test_bleu},
        result.curves,
        (PAPER_METRICS, PAPER_ID),
        config=config.to_dict(),
        data=data.checksums(["bible-en-es"]),
        command=command_line(),
        wall_time_s=result.wall_time_s + time.time() - decode_started,
    )


@torch.no_grad()
def bleu(model: Transformer, vocab: Vocab, pairs: list[tuple[str, str]], cap: int) -> float:
    """Corpus BLEU (sacrebleu, default 13a tokenisation) of greedy translations."""
    import sacrebleu

    device = next(model.parameters()).device
    hyps: list[str] = []
    for i in tqdm(range(0, len(pairs), 50), desc="decoding test", leave=False):
        rows = [vocab.encode(en)[:cap] for en, _ in pairs[i : i + 50]]
        src = _pad(rows).to(device)
        out = model.generate(src, (src != PAD).long(), max_new_tokens=cap, bad_token_ids=[PAD])
        hyps += [vocab.decode(r[1:]) for r in out.tolist()]
    return float(sacrebleu.corpus_bleu(hyps, [[es for _, es in pairs]]).score)


PARSER = cli.train_parser(
    "Train the Transformer on Bible En->Es and report test BLEU in results/<config>.json.",
    "python -m reproductions.transformer.train --config small --steps 40 --out /tmp/tr",
    sorted(CONFIGS),
    default="small",
)
PARSER.add_argument(
    "--test-sentences", type=int, default=None, help="decode only the first N test verses for BLEU"
)


def main(argv: list[str] | None = None) -> None:
    args = PARSER.parse_args(argv)
    # The baseline always wrote <config>.json, shortened or not.
    job = cli.train_run("transformer", args, mark_steps=False)
    cli.report(run(job, args.test_sentences))


if __name__ == "__main__":
    main()
