"""Speed of our BERT against Hugging Face's (sdpa attention) at BERT-base shape.

Owns the BERT benchmark: the same weights in both models (ours loaded with ``from_hf``),
batch 8 x sequence 128 by default, forward (no grad) and forward+backward, median of several
repeats after warm-up; prints a table with the ratio ours/HF and writes
``benchmarks/results/bert.json`` with provenance.

Example: python benchmarks/bert_vs_hf.py --repeats 5 --warmup 2
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reproductions.bert import BertConfig, BertModel  # noqa: E402
from reproductions.bert.reference import build_reference  # noqa: E402
from reproductions.common.results import provenance  # noqa: E402


def _time(fn, repeats: int, warmup: int, device: torch.device, label: str) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in tqdm(range(repeats), desc=label, leave=False):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description="Our BERT vs Hugging Face BertModel (sdpa), forward and forward+backward.",
        epilog="Example: python benchmarks/bert_vs_hf.py --batch 8 --seq 128 --repeats 5",
    )
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bert.json")
    args = parser.parse_args(argv)
    started = time.time()
    device = torch.device(args.device)

    config = BertConfig(
        hidden_size=args.hidden,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        intermediate_size=4 * args.hidden,
    )
    hf = build_reference(config, pretraining=False, attn_implementation="sdpa").to(device)
    ours = BertModel.from_hf(hf)
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, config.vocab_size, (args.batch, args.seq), generator=g).to(device)
    mask = torch.ones_like(ids)
    mask[: args.batch // 2, args.seq * 3 // 4 :] = 0  # half the rows padded: the mask path is timed

    def fwd(model, hf_style: bool):
        with torch.no_grad():
            if hf_style:
                return model(input_ids=ids, attention_mask=mask).last_hidden_state
            return model(ids, None, mask).last_hidden_state

    def fwd_bwd(model, hf_style: bool):
        model.zero_grad(set_to_none=True)
        out = model(input_ids=ids, attention_mask=mask) if hf_style else model(ids, None, mask)
        (out.last_hidden_state.float().pow(2).mean() + out.pooler_output.float().mean()).backward()

    rows = {}
    for name, fn in (("forward", fwd), ("forward+backward", fwd_bwd)):
        t_ours = _time(
            lambda fn=fn: fn(ours, False), args.repeats, args.warmup, device, f"ours {name}"
        )
        t_hf = _time(lambda fn=fn: fn(hf, True), args.repeats, args.warmup, device, f"hf {name}")
        rows[name] = {"ours_s": t_ours, "hf_sdpa_s": t_hf, "ratio": t_ours / t_hf}

    print(
        f"BERT L={args.layers} H={args.hidden} A={args.heads}, batch {args.batch} x {args.seq}, {device}"
    )
    print(f"{'pass':<18} {'ours (s)':>10} {'HF sdpa (s)':>12} {'ours/HF':>8}")
    for name, r in rows.items():
        print(f"{name:<18} {r['ours_s']:10.4f} {r['hf_sdpa_s']:12.4f} {r['ratio']:8.3f}")

    result = {
        "benchmark": "bert_vs_hf",
        "shape": {
            "batch": args.batch,
            "seq": args.seq,
            "layers": args.layers,
            "hidden": args.hidden,
            "heads": args.heads,
        },
        "repeats": args.repeats,
        "warmup": args.warmup,
        "results": rows,
        "provenance": provenance(
            copy.deepcopy(vars(args) | {"out": str(args.out)}),
            seed=0,
            data=None,
            started_at=started,
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()
