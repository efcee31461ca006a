"""Benchmark: our GPT-2 against Hugging Face's (sdpa attention), same weights, same run.

Times forward and forward+backward at the 124M GPT-2 shape (batch 4 x 256 tokens by default),
takes the median of several repeats after warm-up, prints a table with the ratio ours/HF, and
writes `benchmarks/results/gpt2.json` with provenance.

Example:
    python benchmarks/gpt2_vs_hf.py --repeats 5
    python benchmarks/gpt2_vs_hf.py --small --repeats 3   # a tiny shape, for a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from reproductions.common.results import provenance  # noqa: E402
from reproductions.gpt2.model import GPT2Config  # noqa: E402
from reproductions.gpt2.reference import build_reference, from_hf  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "gpt2.json"


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_it(fn, device: torch.device, warmup: int, repeats: int, label: str) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in tqdm(range(repeats), desc=label, leave=False):
        _sync(device)
        t0 = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Time our GPT-2 against Hugging Face's sdpa GPT-2 (forward, forward+backward).",
        epilog="Example: python benchmarks/gpt2_vs_hf.py --repeats 5",
    )
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--seq", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--small", action="store_true", help="a 2-layer 128-wide shape instead of 124M"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if args.small:
        cfg = GPT2Config(vocab_size=50257, n_positions=1024, n_embd=128, n_layer=2, n_head=4)
    else:
        cfg = GPT2Config()  # 124M: 12 layers, 768 wide, 12 heads
    cfg.embd_pdrop = cfg.resid_pdrop = cfg.attn_pdrop = 0.0  # dropout off: time the same math
    started = time.time()
    hf = build_reference(cfg, dtype=torch.float32, attn_implementation="sdpa").to(device)
    ours = from_hf(hf)
    ids = torch.randint(0, cfg.vocab_size, (args.batch, args.seq), device=device)

    def fwd(model):
        def run():
            with torch.no_grad():
                model(ids)

        return run

    def fwd_bwd(model):
        def run():
            model.zero_grad(set_to_none=True)
            model(ids).logits.float().square().mean().backward()

        return run

    rows = {}
    for name, maker in (("forward", fwd), ("forward+backward", fwd_bwd)):
        hf.train(name != "forward")
        ours.train(name != "forward")
        t_hf = time_it(maker(hf), device, args.warmup, args.repeats, f"HF {name}")
        t_ours = time_it(maker(ours), device, args.warmup, args.repeats, f"ours {name}")
        rows[name] = {"ours_s": t_ours, "hf_s": t_hf, "ratio": t_ours / t_hf}

    print(
        f"GPT-2 {'small' if args.small else '124M'} shape, batch {args.batch} x {args.seq}, {device}"
    )
    print(f"{'pass':<18} {'ours (s)':>10} {'HF sdpa (s)':>12} {'ours/HF':>8}")
    for name, r in rows.items():
        print(f"{name:<18} {r['ours_s']:10.4f} {r['hf_s']:12.4f} {r['ratio']:8.3f}")
    config = {
        **vars(args),
        "out": str(args.out),
        "shape": "small" if args.small else "124M",
        "device": str(device),
        "reference": "transformers GPT2LMHeadModel, sdpa",
    }
    record = {
        "benchmark": "gpt2_vs_hf",
        "results": rows,
        "provenance": provenance(
            config, seed=0, data=None, started_at=started, command="python benchmarks/gpt2_vs_hf.py"
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
