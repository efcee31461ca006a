"""Helper run by test_common_distributed.py (not a test itself): train a tiny float64 MLP through
`train()` and dump its loss curve, so one process and `torchrun --nproc_per_node=2` can be compared.

With RESUME_AT, the run stops after RESUME_AT steps with a checkpoint and a fresh model resumes
from it to STEPS, which must end where the uninterrupted run ends.

Usage: python ddp_mlp_run.py OUT_JSON STEPS GLOBAL_BATCH [RESUME_AT]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from torch import nn

from reproductions.common.distributed import (
    DistInfo,
    cleanup_distributed,
    init_distributed,
    shard_batch,
)
from reproductions.common.training import TrainConfig, train

torch.set_num_threads(1)
N_EXAMPLES = 512


class MLPWithUnusedHead(nn.Module):
    """An MLP plus a head the loss never uses (like BERT's pooler under an MLM-only loss): DDP
    fails on it at the second step unless the config asks DDP to look for unused parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1))
        self.unused_head = nn.Linear(32, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def main() -> None:
    out_json, steps, global_batch = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    resume_at = int(sys.argv[4]) if len(sys.argv) > 4 else None
    out_dir = out_json.parent
    info = init_distributed()
    data_gen = torch.Generator().manual_seed(1234)
    x = torch.randn(N_EXAMPLES, 8, generator=data_gen, dtype=torch.float64)
    y = x @ torch.randn(8, 1, generator=data_gen, dtype=torch.float64) / 3

    def make_batch(step: int, info: DistInfo) -> tuple[torch.Tensor, torch.Tensor]:
        # The global batch depends only on the step; each rank takes its share of it.
        order = torch.randperm(N_EXAMPLES, generator=torch.Generator().manual_seed(step))
        mine = shard_batch(order[:global_batch].tolist(), info)
        return x[mine], y[mine]

    def loss_fn(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return nn.functional.mse_loss(model(batch[0]), batch[1])

    def evaluate(model: nn.Module) -> dict[str, float]:
        return {"val_loss": float(nn.functional.mse_loss(model(x), y))}

    def run(total_steps: int, checkpoint: Path | None) -> tuple[nn.Module, object]:
        # Every rank builds the model from the same seed; DDP would broadcast rank 0's anyway.
        torch.manual_seed(0)
        model = MLPWithUnusedHead().double()
        config = TrainConfig(
            name="ddp-mlp",
            steps=total_steps,
            lr=3e-2,
            batch_size=global_batch,
            log_every=1,
            eval_every=0,
            checkpoint_every=resume_at or 0,
            extra={"ddp_find_unused_parameters": True},
        )
        result = train(
            model,
            config,
            reproduction="ddp-mlp",
            run=f"world{info.world_size}",
            loss_fn=loss_fn,
            make_batch=make_batch,
            evaluate=evaluate,
            checkpoint_path=checkpoint,
            out_dir=out_dir,
            info=info,
        )
        return model, result

    if resume_at is None:
        model, result = run(steps, None)
    else:
        checkpoint = out_dir / f"world{info.world_size}.ckpt"
        run(resume_at, checkpoint)
        model, result = run(steps, checkpoint)
    if info.is_main:
        first = next(model.parameters()).detach().flatten()[:5].tolist()
        out_json.write_text(
            json.dumps(
                {
                    "world_size": info.world_size,
                    "train_loss": result.curves["train_loss"],
                    "metrics": result.metrics,
                    "first_weights": first,
                    "results_path": str(result.results_path),
                    "resumed_from": result.resumed_from,
                }
            )
        )
    cleanup_distributed()


if __name__ == "__main__":
    main()
