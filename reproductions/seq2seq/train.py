"""Seq2seq-with-attention baseline: English -> Spanish on the Bible, Bahdanau vs Luong attention.

Owns the runnable baseline. The data, vocabulary, split and BLEU are the Transformer baseline's
(`reproductions.transformer.train`): the same Bible verse pairs (WEB English -> Reina-Valera
1909 Spanish), one shared word vocabulary built from the training split, training pairs capped
at `max_tokens`, validation loss on the first 256 valid verses, sacrebleu corpus BLEU of greedy
translations of the first `test_sentences` test verses. Two arms are trained from the same seed
on the same batches -- Bahdanau's additive attention and Luong's global attention (general
score, input feeding) -- and each is also decoded with beam search. Writes
`results/<config>.json` (both arms' curves and BLEUs, a few example translations, the greedy
attention matrices of two short test verses), a PNG of the curves and, per arm, a heatmap of
those attention matrices, `results/<config>-attention-<arm>.png` (`attention_plot.py`).

Example:
    python -m reproductions.seq2seq.train --config tiny --out /tmp/s2s
    torchrun --nproc_per_node=2 -m reproductions.seq2seq.train --config small
"""

from __future__ import annotations

import math
import shlex
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from reproductions.common import cli, data
from reproductions.common.distributed import (
    DistInfo,
    cleanup_distributed,
    draw_batch,
    unwrap_model,
)
from reproductions.common.results import command_line
from reproductions.common.spec import TrainedSpec
from reproductions.common.training import Objective, TrainConfig, TrainRun, train_settings
from reproductions.transformer.train import EOS, PAD, Vocab, valid_batches

from . import PAPER_ID
from .attention_plot import align_sentence, pick_sentences, plot_attention
from .model import Seq2Seq, Seq2SeqConfig

# Decoding starts from <pad> (as in the Transformer baseline); pad is never generated.
BOS = PAD

_SMALL_MODEL = {
    "embed_dim": 128,
    "encoder_hidden": 128,
    "decoder_hidden": 256,
    "attention_dim": 256,
    "maxout_dim": 128,
    "dropout": 0.1,
    "teacher_forcing": 1.0,
}
_ARMS = {
    "bahdanau": {"attention": "bahdanau"},
    "luong": {"attention": "luong", "score": "general", "input_feeding": True},
}


@dataclass(frozen=True, kw_only=True)
class Seq2SeqSpec(TrainedSpec[dict[str, Any]]):
    """A config: `model` and each arm's overrides are `Seq2SeqConfig` keywords (the vocabulary
    and special ids come from the data)."""

    arms: dict[str, dict[str, Any]]  # arm -> Seq2SeqConfig keywords over `model`
    vocab: int  # shared source/target words, specials included
    max_tokens: int  # training pairs longer than this (either side) are dropped
    optimizer: str  # "adam", "adadelta" or "sgd"
    valid_sentences: int  # 0 = all
    test_sentences: int  # 0 = all
    beam: int  # beam width of the second decode
    train_pairs: int | None  # the first N training pairs; None = all


# Settings grouped by line (data, schedule, decoding), so that the configs read side by side.
_SMALL = Seq2SeqSpec(
    model=_SMALL_MODEL, arms=_ARMS,
    vocab=4000, max_tokens=40, train_pairs=None,
    train={"steps": 800, "lr": 2e-3, "batch_size": 32, "eval_every": 100, "grad_clip": 1.0},
    optimizer="adam",
    valid_sentences=256, test_sentences=300, beam=5,
)  # fmt: skip
CONFIGS = {
    # Seconds: the real pipeline end to end, for the tests (CI).
    "tiny": replace(
        _SMALL,
        model=_SMALL_MODEL | {
            "embed_dim": 16, "encoder_hidden": 16, "decoder_hidden": 32, "attention_dim": 16,
            "maxout_dim": 16,
        },
        vocab=500, max_tokens=16, train_pairs=2000,
        train={"steps": 4, "lr": 3e-3, "batch_size": 8, "eval_every": 2, "grad_clip": 1.0},
        valid_sentences=16, test_sentences=8, beam=3,
    ),
    # A laptop run: both arms in about 15 minutes on 2 CPU cores.
    "small": _SMALL,
    # Bahdanau's RNNsearch-50 shape (A.2): m = 620, n = n' = 1000, l = 500 maxout units, 30k
    # words, sentences up to 50 words, minibatches of 80, Adadelta (eps 1e-6, rho 0.95), gradient
    # norm clipped at 1. The paper trained about five days on a GPU; not run here.
    "paper": replace(
        _SMALL,
        model={
            "embed_dim": 620, "encoder_hidden": 1000, "decoder_hidden": 1000,
            "attention_dim": 1000, "maxout_dim": 500, "dropout": 0.0, "teacher_forcing": 1.0,
        },
        # Luong used dropout 0.2; its LSTM stack is replaced by the shared GRU shape.
        arms=_ARMS | {"luong": _ARMS["luong"] | {"dropout": 0.2}},
        vocab=30000, max_tokens=50,
        train={"steps": 200000, "lr": 1.0, "batch_size": 80, "eval_every": 2000, "grad_clip": 1.0},
        optimizer="adadelta",
        valid_sentences=0, test_sentences=0, beam=12,  # all valid and test verses
    ),
}  # fmt: skip

PAPER_METRICS = {
    "test_bleu": {
        "value": 26.75,
        "note": "Bahdanau et al. (2015), RNNsearch-50, WMT'14 En->Fr test, all sentences (Table 1; "
        "34.16 on sentences without unknown words; RNNencdec-50 without attention 17.82). Ours: "
        "Bible En->Es (WEB -> Reina-Valera 1909), 4,000 shared words, a 128/256-unit model "
        "trained for minutes on one CPU core; different data, language pair and scale.",
    },
    "test_bleu (luong)": {
        "value": 20.9,
        "note": "Luong et al. (2015), WMT'14 En->De newstest2014, best single model (Table 1: "
        "local-p attention, general score, input feeding, dropout, UNK replacement; 23.0 with an "
        "8-model ensemble; 25.9 on WMT'15 En->De). Ours: global attention with the general score "
        "and input feeding, Bible En->Es, minutes on one CPU core; not comparable.",
    },
}


def _pad(rows: list[list[int]]) -> torch.Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([r + [PAD] * (width - len(r)) for r in rows], dtype=torch.long)


def _labels(rows: list[list[int]]) -> torch.Tensor:
    return _pad(rows).masked_fill(_pad(rows) == PAD, -100)


def _optimizer(kind: str, model: torch.nn.Module, lr: float) -> torch.optim.Optimizer:
    if kind == "adadelta":
        return torch.optim.Adadelta(model.parameters(), lr=lr, rho=0.95, eps=1e-6)
    if kind == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr)
    return torch.optim.Adam(model.parameters(), lr=lr)


@torch.no_grad()
def translate(
    model: Seq2Seq, vocab: Vocab, sources: list[str], cap: int, num_beams: int = 1
) -> list[str]:
    """Detokenised translations, greedy (num_beams=1) or beam search, in batches of 50."""
    device = next(model.parameters()).device
    hyps: list[str] = []
    desc = "greedy" if num_beams == 1 else f"beam {num_beams}"
    for i in tqdm(range(0, len(sources), 50), desc=f"decoding test ({desc})", leave=False):
        src = _pad([vocab.encode(s)[:cap] for s in sources[i : i + 50]]).to(device)
        if num_beams == 1:
            out = model.greedy(src, src != PAD, max_new_tokens=cap)
        else:
            out = model.beam_search(src, src != PAD, num_beams=num_beams, max_new_tokens=cap)
        hyps += [vocab.decode(t) for t in out.tokens]
    return hyps


def corpus_bleu(hyps: list[str], refs: list[str]) -> float:
    """sacrebleu corpus BLEU, default 13a tokenisation: the Transformer baseline's measure."""
    import sacrebleu

    return float(sacrebleu.corpus_bleu(hyps, [refs]).score)


def run(job: TrainRun, command: str | None = None) -> Path | None:
    spec = CONFIGS[job.config]
    seed = job.seed
    torch.set_num_threads(1)  # small matrices: one thread beats contending for shared cores
    train_pairs = data.bible_parallel("train")
    vocab = Vocab(train_pairs, spec.vocab)
    cap = spec.max_tokens
    encoded = [(vocab.encode(en), vocab.encode(es)) for en, es in train_pairs]
    encoded = [(s, t) for s, t in encoded if len(s) <= cap and len(t) <= cap]
    if spec.train_pairs:
        encoded = encoded[: spec.train_pairs]
    valid_pairs = data.bible_parallel("valid")
    if spec.valid_sentences:
        valid_pairs = valid_pairs[: spec.valid_sentences]
    valid = [(vocab.encode(en)[:cap], vocab.encode(es)[:cap]) for en, es in valid_pairs]
    test_pairs = data.bible_parallel("test")
    if spec.test_sentences:
        test_pairs = test_pairs[: spec.test_sentences]
    tcfg = train_settings(spec.train, job.steps, evals=1)

    def make_batch(step: int, info: DistInfo) -> dict[str, torch.Tensor]:
        rows = [encoded[i] for i in draw_batch(len(encoded), tcfg["batch_size"], seed, step, info)]
        src = _pad([s for s, _ in rows])
        return {"src": src.to(info.device), "labels": _labels([t for _, t in rows]).to(info.device)}

    def loss_fn(model: torch.nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        # Mean cross-entropy over real target tokens (EOS included), as the paper's log-likelihood.
        return model(batch["src"], batch["src"] != PAD, labels=batch["labels"]).loss

    def evaluate(model: torch.nn.Module) -> dict[str, float]:
        device = next(model.parameters()).device
        total, count = 0.0, 0
        for src, labels, n in valid_batches(valid, device):
            logits = model(src, src != PAD, labels=labels).logits
            total += F.cross_entropy(logits.flatten(0, 1), labels.flatten(), reduction="sum").item()
            count += n
        loss = total / count
        return {"val_loss": loss, "val_ppl": math.exp(loss)}

    arms: dict[str, dict] = {}
    models: dict[str, Seq2Seq] = {}
    for arm, overrides in spec.arms.items():
        torch.manual_seed(seed)
        mcfg = Seq2SeqConfig(
            src_vocab_size=len(vocab.itos),
            tgt_vocab_size=len(vocab.itos),
            pad_token_id=PAD,
            eos_token_id=EOS,
            bos_token_id=BOS,
            **(spec.model | overrides),
        )
        model = Seq2Seq(mcfg)
        config = TrainConfig(
            name=f"{job.config}-{arm}",
            seed=seed,
            log_every=10,
            extra={"model": asdict(mcfg), "optimizer": spec.optimizer},
            **tcfg,
        )
        optimizer = _optimizer(spec.optimizer, model, tcfg["lr"])
        objective = Objective(loss_fn, make_batch, evaluate)
        result = job.train_arm(arm, model, config, objective, optimizer=optimizer)
        arms[arm] = {
            "metrics": result.metrics,
            "curves": result.curves,
            "wall_time_s": result.wall_time_s,
        }
        models[arm] = unwrap_model(model)
    if not job.is_main:
        return None

    # BLEU needs full decodes of the test split: once per arm after training, on the main rank.
    decode_started = time.time()
    sources = [en for en, _ in test_pairs]
    refs = [es for _, es in test_pairs]
    metrics: dict[str, float] = {}
    examples = [{"en": en, "es": es} for en, es in test_pairs[:3]]
    # Alignments to draw: short test verses, the same for both arms (Bahdanau et al. Fig. 3).
    drawn = pick_sentences(data.bible_parallel("test"), vocab)
    attention: dict[str, list[dict]] = {}
    for arm, model in models.items():
        model.eval()
        greedy = translate(model, vocab, sources, cap)
        beam = translate(model, vocab, sources, cap, num_beams=spec.beam)
        arms[arm]["metrics"] |= {
            "test_bleu": corpus_bleu(greedy, refs),
            f"test_bleu_beam{spec.beam}": corpus_bleu(beam, refs),
        }
        for ex, hyp in zip(examples, greedy, strict=False):
            ex[arm] = hyp
        attention[arm] = [align_sentence(model, vocab, en, cap, reference=es) for en, es in drawn]
    decode_s = time.time() - decode_started
    metrics = dict(arms["bahdanau"]["metrics"])  # the paper's model at the top level
    for arm, res in arms.items():
        for k, v in res["metrics"].items():
            metrics[f"{k} ({arm})"] = v
        metrics[f"train_wall_s ({arm})"] = res["wall_time_s"]
    metrics["decode_wall_s"] = decode_s
    metrics["test_sentences"] = len(test_pairs)
    curves = {
        f"{k} ({arm})": pts
        for arm, res in arms.items()
        for k, pts in res["curves"].items()
        if k in ("train_loss", "val_loss")
    }
    path = job.publish(
        metrics,
        curves,
        (PAPER_METRICS, PAPER_ID),
        config=spec.record() | {"train": tcfg, "vocab_size": len(vocab.itos)},
        data=data.checksums(["bible-en-es"]),
        command=command or command_line(),
        wall_time_s=sum(a["wall_time_s"] for a in arms.values()) + decode_s,
        # A few translations and attention matrices: no slot in schema 1.
        extra={"examples": examples, "attention": attention},
    )
    for arm, alignments in attention.items():
        plot_attention(
            alignments,
            path.with_name(f"{job.name}-attention-{arm}.png"),
            title=f"seq2seq · {job.name} · {arm} attention (greedy decoding)",
        )
    return path


PARSER = cli.train_parser(
    "Seq2seq with Bahdanau (additive) and Luong (general, input feeding) attention on Bible "
    "En->Es; writes results/<config>.json with validation curves and test BLEU of both arms.",
    "python -m reproductions.seq2seq.train --config tiny --out /tmp/s2s",
    configs=("small", "tiny", "paper"),
)


def main(argv: list[str] | None = None) -> None:
    used = sys.argv[1:] if argv is None else argv
    job = cli.train_run("seq2seq", PARSER.parse_args(argv))
    # The command as typed (also when called in-process); under torchrun, torchrun's own.
    typed = shlex.join(["python", "-m", "reproductions.seq2seq.train", *used])
    try:
        cli.report(run(job, command=None if job.info.world_size > 1 else typed))
    finally:
        cleanup_distributed()


if __name__ == "__main__":
    main()
