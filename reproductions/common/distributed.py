"""Process-group plumbing for the reproductions: one code path for 1 process and for `torchrun`.

Owns reading the `torchrun` environment, choosing the backend and device, wrapping a model in
DistributedDataParallel, and splitting a global batch into this rank's share. Without `torchrun`
(no `WORLD_SIZE` in the environment, or `WORLD_SIZE=1`) everything degrades to a plain
single-process run, so `python -m reproductions.<name>.train` and
`torchrun --nproc_per_node=N -m reproductions.<name>.train` run the same code.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass
class DistInfo:
    """Where this process sits in the job: its rank, the job size and the device it computes on."""

    rank: int
    world_size: int
    local_rank: int
    device: torch.device
    is_main: bool


def _device_for(local_rank: int) -> torch.device:
    # REPRO_DEVICE lets a person force CPU on a GPU machine (e.g. to compare timings).
    forced = os.environ.get("REPRO_DEVICE")
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda", local_rank % torch.cuda.device_count())
    return torch.device("cpu")


def init_distributed() -> DistInfo:
    """Join the `torchrun` process group if there is one; otherwise describe a single process.

    Backend: NCCL when this process computes on CUDA, gloo on CPU. Calling it twice is harmless:
    an already initialised group is reused.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = _device_for(local_rank)
    if world_size > 1:
        if device.type == "cuda":
            torch.cuda.set_device(device)
        if not dist.is_initialized():
            backend = "nccl" if device.type == "cuda" else "gloo"
            # torchrun sets MASTER_ADDR/MASTER_PORT, so the env:// rendezvous needs nothing more.
            # Evaluation runs on rank 0 alone while the others wait in the next all-reduce; the
            # default timeout (10 min for NCCL) would kill a job during a long decode-based eval.
            minutes = float(os.environ.get("REPRO_DIST_TIMEOUT_MIN", "120"))
            dist.init_process_group(
                backend=backend,
                rank=rank,
                world_size=world_size,
                timeout=dt.timedelta(minutes=minutes),
            )
    return DistInfo(
        rank=rank,
        world_size=world_size,
        local_rank=local_rank,
        device=device,
        is_main=rank == 0,
    )


def cleanup_distributed() -> None:
    """Leave the process group (no-op for a single process)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def is_distributed() -> bool:
    """True when a process group with more than one member is active."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def wrap_model(
    model: nn.Module, info: DistInfo, *, find_unused_parameters: bool = False
) -> nn.Module:
    """Move `model` to this rank's device and wrap it in DDP when the job has several processes.

    DDP broadcasts rank 0's parameters at construction, so ranks that built their models with
    different random states still start from the same weights. `find_unused_parameters` is for
    models whose loss skips some parameters (e.g. a pooler no objective uses); it costs a graph
    traversal per step, so it is off unless asked for.
    """
    model = model.to(info.device)
    if info.world_size <= 1:
        return model
    device_ids = [info.device.index] if info.device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(
        model, device_ids=device_ids, find_unused_parameters=find_unused_parameters
    )


def unwrap_model(model: nn.Module) -> nn.Module:
    """The plain module inside a DDP wrapper (or the module itself)."""
    return model.module if isinstance(model, nn.parallel.DistributedDataParallel) else model


def shard_batch(batch_indices: Sequence[int], info: DistInfo) -> list[int]:
    """This rank's contiguous share of a global batch.

    Shares must be equal: DDP averages gradients over ranks, which equals the gradient of the
    global mean loss only when every rank averages over the same number of examples.
    """
    indices = list(batch_indices)
    if len(indices) % info.world_size:
        raise ValueError(
            f"global batch of {len(indices)} examples does not split evenly over "
            f"{info.world_size} processes; choose a batch size divisible by the process count"
        )
    share = len(indices) // info.world_size
    return indices[info.rank * share : (info.rank + 1) * share]


def draw_batch(population: int, batch_size: int, seed: int, step: int, info: DistInfo) -> list[int]:
    """This rank's share of step `step`'s global batch: `batch_size` indices below `population`,
    drawn with replacement from (seed, step) alone, so every arm of an experiment, a resumed run
    and any number of processes see the same examples at the same step."""
    gen = torch.Generator().manual_seed(seed * 1_000_003 + step)
    picked = torch.randint(0, population, (batch_size,), generator=gen).tolist()
    return shard_batch(picked, info)
