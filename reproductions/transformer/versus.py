"""Transformer vs RNNsearch (Bahdanau attention) at equal steps on the same batches.

Owns the comparison behind the Transformer paper's Table 2 claim that self-attention reaches
better translations than recurrent models at a fraction of the training cost. Both models train
on the Bible En->Es pairs of the baselines (`transformer.train`, `seq2seq.train`): the same
shared vocabulary, the same batch at every step (drawn from the step alone), the same number of
steps. Each model's learning rate is picked first from a short pilot of each candidate (lowest
validation loss wins), so neither side runs at an arbitrary rate. The Transformer uses the
paper's FFN width (4 x d_model) and label smoothing 0.1; RNNsearch is the seq2seq baseline's
Bahdanau arm. Validation loss (plain cross-entropy, both models) is logged against steps and
against training seconds (evaluation time excluded), and both are decoded with beam 4.

Example:
    python -m reproductions.transformer.versus --steps 40 --pilot-steps 10 --out /tmp/versus
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from reproductions.common import cli, data
from reproductions.common.claims import Claim, difference
from reproductions.common.distributed import DistInfo, draw_batch
from reproductions.common.training import Objective, TrainConfig, TrainRun
from reproductions.seq2seq.model import Seq2Seq, Seq2SeqConfig
from reproductions.seq2seq.train import _SMALL_MODEL

from . import PAPER_ID
from .model import Transformer, TransformerConfig, label_smoothed_cross_entropy, noam_lr
from .train import EOS, PAD, Vocab, _pad

SPEC: dict[str, Any] = {
    "vocab": 4000,
    "max_tokens": 40,
    "batch_size": 32,
    "steps": 250,
    "pilot_steps": 60,
    "eval_every": 50,
    "valid_sentences": 256,
    "test_sentences": 200,
    "beam": 4,
    "transformer": {
        "d_model": 128,
        "layers": 2,
        "heads": 4,
        "ffn": 512,  # the paper's d_ff = 4 x d_model
        "dropout": 0.1,
        "warmup": 100,
        # multipliers of the paper's schedule d^-0.5 min(n^-0.5, n w^-1.5) (peak 8.8e-3 x f)
        "lr_candidates": [0.25, 0.5],
    },
    "rnnsearch": {"model": _SMALL_MODEL, "lr_candidates": [2e-3, 4e-3]},
}


def _build(kind: str, lr: float, vocab_size: int, seed: int) -> tuple[torch.nn.Module, Any, Any]:
    """(model, optimizer, lr multiplier) for one arm, weights drawn from `seed`."""
    torch.manual_seed(seed)
    if kind == "transformer":
        t = SPEC["transformer"]
        cfg = TransformerConfig.stacks(
            vocab_size=vocab_size,
            d_model=t["d_model"],
            layers=t["layers"],
            heads=t["heads"],
            ffn_dim=t["ffn"],
            dropout=t["dropout"],
            max_position_embeddings=64,
            pad_token_id=PAD,
            eos_token_id=EOS,
            decoder_start_token_id=PAD,
        )
        model = Transformer(cfg)
        opt = torch.optim.Adam(model.parameters(), lr=1.0, betas=(0.9, 0.98), eps=1e-9)
        return model, opt, lambda s: lr * noam_lr(s + 1, t["d_model"], t["warmup"])
    cfg = Seq2SeqConfig(
        src_vocab_size=vocab_size,
        tgt_vocab_size=vocab_size,
        pad_token_id=PAD,
        eos_token_id=EOS,
        bos_token_id=PAD,
        attention="bahdanau",
        **SPEC["rnnsearch"]["model"],
    )
    model = Seq2Seq(cfg)
    return model, torch.optim.Adam(model.parameters(), lr=lr), lambda s: 1.0


def _logits(kind: str, model: torch.nn.Module, src: torch.Tensor, labels: torch.Tensor):
    if kind == "transformer":
        return model(src, attention_mask=(src != PAD).long(), labels=labels).logits
    return model(src, src != PAD, labels=labels).logits


def _arm(
    kind: str,
    lr: float,
    steps: int,
    eval_every: int,
    encoded: list,
    valid: list,
    vocab_size: int,
    job: TrainRun,
    seed: int = 0,
) -> dict[str, Any]:
    """Train one model; curves of validation loss by step and by training seconds."""
    model, optimizer, multiplier = _build(kind, lr, vocab_size, seed)
    bs = SPEC["batch_size"]

    def make_batch(step: int, info: DistInfo) -> dict[str, torch.Tensor]:
        # The same rows for both models at every step: drawn from (seed, step) alone.
        rows = [encoded[i] for i in draw_batch(len(encoded), bs, seed, step, info)]
        labels = _pad([t for _, t in rows])
        return {
            "src": _pad([s for s, _ in rows]),
            "labels": labels.masked_fill(labels == PAD, -100),
        }

    def loss_fn(m: torch.nn.Module, b: dict[str, torch.Tensor]) -> torch.Tensor:
        logits = _logits(kind, m, b["src"], b["labels"])
        if kind == "transformer":  # the paper's label smoothing (Section 5.4)
            return label_smoothed_cross_entropy(logits, b["labels"], epsilon=0.1)
        return F.cross_entropy(logits.flatten(0, 1), b["labels"].flatten(), ignore_index=-100)

    clock = {"start": time.time(), "eval": 0.0}

    def evaluate(m: torch.nn.Module) -> dict[str, float]:
        began = time.time()
        losses = []
        for i in range(0, len(valid), 64):
            rows = valid[i : i + 64]
            src = _pad([s for s, _ in rows])
            labels = _pad([t for _, t in rows])
            labels = labels.masked_fill(labels == PAD, -100)
            logits = _logits(kind, m, src, labels)
            per_token = F.cross_entropy(
                logits.flatten(0, 1), labels.flatten(), ignore_index=-100, reduction="none"
            )
            losses.append(per_token[labels.flatten() != -100])
        every = torch.cat(losses)
        train_s = began - clock["start"] - clock["eval"]
        clock["eval"] += time.time() - began
        return {
            "val_loss": float(every.mean()),
            # per-token spread / sqrt(tokens): the SE the claims compare losses with
            "val_loss_se": float(every.std() / math.sqrt(every.numel())),
            "train_seconds": train_s,
        }

    config = TrainConfig(
        name=f"{kind}-lr{lr:g}",
        steps=steps,
        lr=1.0 if kind == "transformer" else lr,
        batch_size=bs,
        seed=seed,
        eval_every=eval_every,
        log_every=10,
        grad_clip=None if kind == "transformer" else 1.0,
    )
    objective = Objective(loss_fn, make_batch, evaluate)
    result = job.train_arm(
        config.name, model, config, objective, optimizer=optimizer, lr_lambda=multiplier
    )
    return {"model": model.eval(), "metrics": result.metrics, "curves": result.curves}


@torch.no_grad()
def translate(kind: str, model: torch.nn.Module, vocab: Vocab, sources: list[str], beam: int):
    cap = SPEC["max_tokens"]
    hyps: list[str] = []
    for i in tqdm(range(0, len(sources), 50), desc=f"{kind} beam {beam}", leave=False):
        src = _pad([vocab.encode(s)[:cap] for s in sources[i : i + 50]])
        if kind == "transformer":
            out = model.generate(
                src, (src != PAD).long(), max_new_tokens=cap, num_beams=beam, bad_token_ids=[PAD]
            )
            hyps += [vocab.decode(r[1:]) for r in out.tolist()]
        else:
            out = model.beam_search(src, src != PAD, num_beams=beam, max_new_tokens=cap)
            hyps += [vocab.decode(t) for t in out.tokens]
    return hyps


def paired_bootstrap_bleu(
    hyps_a: list[str], hyps_b: list[str], refs: list[str], samples: int = 200, seed: int = 0
) -> tuple[float, float, float]:
    """(BLEU a, BLEU b, bootstrap SE of BLEU a - BLEU b) over resampled test sentences."""
    import sacrebleu

    def bleu(h: list[str], r: list[str]) -> float:
        return float(sacrebleu.corpus_bleu(h, [r]).score)

    rng = random.Random(seed)
    diffs = []
    for _ in range(samples):
        idx = [rng.randrange(len(refs)) for _ in refs]
        r = [refs[i] for i in idx]
        diffs.append(bleu([hyps_a[i] for i in idx], r) - bleu([hyps_b[i] for i in idx], r))
    mean = sum(diffs) / samples
    se = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (samples - 1))
    return bleu(hyps_a, refs), bleu(hyps_b, refs), se


def loss_at_seconds(curve_loss: list, curve_seconds: list, seconds: float) -> float:
    """Validation loss at `seconds` of training, linearly interpolated between evaluations."""
    points = [(s, v) for (_, s), (_, v) in zip(curve_seconds, curve_loss, strict=True)]
    if seconds <= points[0][0]:
        return points[0][1]
    for (s0, v0), (s1, v1) in zip(points, points[1:], strict=False):
        if s0 <= seconds <= s1:
            return v0 + (v1 - v0) * (seconds - s0) / max(s1 - s0, 1e-9)
    return points[-1][1]


def claims_of(m: dict[str, float], bleu_se: float, at_time: dict[str, float]) -> list[Claim]:
    steps = int(m["steps"])
    return [
        difference(
            "At equal training steps on the same batches, the Transformer reaches a lower "
            "validation loss than RNNsearch (Table 2: better quality at a fraction of the cost)",
            "Transformer base 27.3 BLEU vs RNN-based GNMT 24.6 (En-De), at far less compute",
            m["val_loss (rnnsearch)"],
            m["val_loss (transformer)"],
            m["val_loss_se (rnnsearch)"],
            m["val_loss_se (transformer)"],
            labels=("rnnsearch_val_loss", "transformer_val_loss"),
            evidence={"steps": steps, "seeds": [0], "valid_sentences": SPEC["valid_sentences"]},
        ),
        difference(
            "At equal training seconds, the Transformer's validation loss is lower (Table 2's "
            "training cost column)",
            "3.3e18 FLOPs (base) vs 2.3e19 (GNMT+RL)",
            at_time["rnnsearch"],
            at_time["transformer"],
            m["val_loss_se (rnnsearch)"],
            m["val_loss_se (transformer)"],
            labels=("rnnsearch_val_loss", "transformer_val_loss"),
            evidence={"seconds": at_time["seconds"], "seeds": [0]},
        ),
        difference(
            f"The Transformer translates better: beam-{SPEC['beam']} test BLEU above RNNsearch's",
            "27.3 vs 24.6 BLEU (En-De newstest2014)",
            m["test_bleu_beam4 (transformer)"],
            m["test_bleu_beam4 (rnnsearch)"],
            bleu_se / math.sqrt(2),
            bleu_se / math.sqrt(2),
            labels=("transformer_bleu", "rnnsearch_bleu"),
            evidence={
                "test_sentences": int(m["test_sentences"]),
                "paired_bootstrap_se": bleu_se,
                "bootstrap_samples": 200,
                "seeds": [0],
            },
        ),
    ]


def run(job: TrainRun, pilot_steps: int | None, test: int | None) -> Path | None:
    torch.set_num_threads(1)  # small matrices: one thread beats contending for shared cores
    steps = job.steps
    n_steps = steps if steps is not None else SPEC["steps"]
    n_pilot = pilot_steps if pilot_steps is not None else SPEC["pilot_steps"]
    cap = SPEC["max_tokens"]
    train_pairs = data.bible_parallel("train")
    vocab = Vocab(train_pairs, SPEC["vocab"])
    encoded = [(vocab.encode(en), vocab.encode(es)) for en, es in train_pairs]
    encoded = [(s, t) for s, t in encoded if len(s) <= cap and len(t) <= cap]
    valid_pairs = data.bible_parallel("valid")[: SPEC["valid_sentences"]]
    valid = [(vocab.encode(en)[:cap], vocab.encode(es)[:cap]) for en, es in valid_pairs]
    test_pairs = data.bible_parallel("test")[: test or SPEC["test_sentences"]]
    V = len(vocab.itos)

    metrics: dict[str, Any] = {"steps": n_steps, "pilot_steps": n_pilot}
    curves: dict[str, list] = {}
    chosen: dict[str, float] = {}
    finals: dict[str, dict[str, Any]] = {}
    for kind in ("transformer", "rnnsearch"):
        pilots = {}
        for lr in SPEC[kind]["lr_candidates"]:
            res = _arm(kind, lr, n_pilot, n_pilot, encoded, valid, V, job)
            pilots[lr] = res["metrics"]["val_loss"]
            metrics[f"pilot_val_loss lr={lr:g} ({kind})"] = pilots[lr]
        chosen[kind] = min(pilots, key=pilots.get)
        metrics[f"lr ({kind})"] = chosen[kind]
        finals[kind] = _arm(kind, chosen[kind], n_steps, SPEC["eval_every"], encoded, valid, V, job)
        fm = finals[kind]["metrics"]
        for key in ("val_loss", "val_loss_se", "train_seconds"):
            metrics[f"{key} ({kind})"] = fm[key]
        for key in ("train_loss", "val_loss", "train_seconds"):
            curves[f"{key} ({kind})"] = finals[kind]["curves"][key]

    sources = [en for en, _ in test_pairs]
    refs = [es for _, es in test_pairs]
    hyps = {
        kind: translate(kind, finals[kind]["model"], vocab, sources, SPEC["beam"])
        for kind in finals
    }
    bleu_t, bleu_r, bleu_se = paired_bootstrap_bleu(hyps["transformer"], hyps["rnnsearch"], refs)
    metrics["test_bleu_beam4 (transformer)"] = bleu_t
    metrics["test_bleu_beam4 (rnnsearch)"] = bleu_r
    metrics["test_bleu_diff_bootstrap_se"] = bleu_se
    metrics["test_sentences"] = len(test_pairs)
    # Equal wall-clock: both losses read at the training time the faster model needed.
    seconds = min(metrics["train_seconds (transformer)"], metrics["train_seconds (rnnsearch)"])
    at_time = {
        kind: loss_at_seconds(
            curves[f"val_loss ({kind})"], curves[f"train_seconds ({kind})"], seconds
        )
        for kind in finals
    }
    at_time["seconds"] = seconds
    for kind in finals:
        metrics[f"val_loss_at_{seconds:.0f}s ({kind})"] = at_time[kind]
    examples = [
        {"en": en, "es": es, **{k: hyps[k][i] for k in hyps}}
        for i, (en, es) in enumerate(test_pairs[:3])
    ]
    config = {**SPEC, "steps": n_steps, "pilot_steps": n_pilot, "test_sentences": len(test_pairs)}
    rnnsearch = Seq2SeqConfig(src_vocab_size=V, tgt_vocab_size=V, **SPEC["rnnsearch"]["model"])
    return job.publish(
        metrics,
        curves,
        ({}, PAPER_ID),
        config=config
        | {"transformer_model": SPEC["transformer"], "rnnsearch_model": asdict(rnnsearch)},
        data=data.checksums(["bible-en-es"]),
        command="python -m reproductions.transformer.versus"
        + ("" if steps is None else f" --steps {steps}")
        + ("" if pilot_steps is None else f" --pilot-steps {pilot_steps}"),
        claims=claims_of(metrics, bleu_se, at_time),
        extra={"examples": examples},
    )


def main(argv: list[str] | None = None) -> Path | None:
    parser = cli.experiment_parser(
        __doc__.split("\n\n")[0],
        "python -m reproductions.transformer.versus --steps 40 --pilot-steps 10 --out /tmp/versus",
        prog="python -m reproductions.transformer.versus",
        out=True,
    )
    parser.add_argument("--steps", type=int, default=None, help="steps per model (default 250)")
    parser.add_argument(
        "--pilot-steps", type=int, default=None, help="steps per learning-rate pilot (default 60)"
    )
    parser.add_argument("--test-sentences", type=int, default=None, help="test verses to decode")
    args = parser.parse_args(argv)
    name = "versus-rnnsearch" if args.steps is None else f"versus-rnnsearch-{args.steps}steps"
    job = TrainRun("transformer", "versus", steps=args.steps, name=name, out_dir=args.out)
    path = run(job, args.pilot_steps, args.test_sentences)
    cli.report(path)
    return path


if __name__ == "__main__":
    main()
