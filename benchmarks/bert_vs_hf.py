"""Speed of our BERT against Hugging Face's (sdpa attention) at BERT-base shape.

Owns the BERT benchmark: the same weights in both models (ours loaded with ``from_hf``),
batch 8 x sequence 128 by default, forward (no grad) and forward+backward, median of several
repeats after warm-up; prints a table with the ratio ours/HF and writes
``benchmarks/results/bert.json`` with provenance.

Example: python benchmarks/bert_vs_hf.py --repeats 5 --warmup 2
"""

from __future__ import annotations

import time
from typing import Any

import torch
from hf_timing import compare_and_report, passes, timing_parser

from reproductions.bert import BertConfig
from reproductions.bert.reference import bert_model_from_hf, build_reference


def main(argv: list[str] | None = None) -> dict:
    parser = timing_parser(
        "Our BERT vs Hugging Face BertModel (sdpa), forward and forward+backward.",
        "python benchmarks/bert_vs_hf.py --batch 8 --seq 128 --repeats 5",
        "bert.json",
        {"batch": 8, "seq": 128, "layers": 12, "hidden": 768, "heads": 12},
    )
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
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
    ours = bert_model_from_hf(hf)
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, config.vocab_size, (args.batch, args.seq), generator=g).to(device)
    mask = torch.ones_like(ids)
    mask[: args.batch // 2, args.seq * 3 // 4 :] = 0  # half the rows padded: the mask path is timed

    def forward(model: torch.nn.Module) -> Any:
        # Ours takes (input_ids, token_type_ids, attention_mask) positionally; HF by keyword.
        if model is hf:
            return model(input_ids=ids, attention_mask=mask)
        return model(ids, None, mask)

    def loss(out: Any) -> torch.Tensor:
        return out.last_hidden_state.float().pow(2).mean() + out.pooler_output.float().mean()

    run = passes(forward, loss)
    title = (
        f"BERT L={args.layers} H={args.hidden} A={args.heads}, batch {args.batch} x {args.seq}, "
        f"{device}"
    )
    config = {"device": str(device), "reference": "transformers BertModel, sdpa"}
    return compare_and_report("bert_vs_hf", title, (ours, hf), run, args, started, config)


if __name__ == "__main__":
    main()
