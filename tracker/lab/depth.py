"""GPT-2's scaled residual init (Radford et al. 2019, Sec. 2.3): the residual stream's spread at
initialisation against depth, with and without the 1/sqrt(N) scaling of residual projections.

Owns building our `reproductions.gpt2.GPT2LMHeadModel` at a chosen depth, once with
`scale_residual_init=True` (c_proj weights drawn with std 0.02/sqrt(2·n_layer), the
reproduction's reading of 1/sqrt(N) with two residual branches per block) and once without,
and measuring the standard deviation of the residual stream x after every block on random
tokens. Without the scaling each block adds a branch of similar size, so the variance grows
about linearly with depth; with it the total added variance stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

DEPTHS = (6, 24, 48)
# Narrower than GPT-2 small (768) so that 48 layers initialise on a CPU in a second; the growth
# with depth is what the view shows, and it does not depend on the width's exact value.
WIDTH = 128
HEADS = 4
VOCAB = 512
TOKENS = 32
BATCH = 4


@dataclass
class DepthProfile:
    n_layer: int
    scaled: list[float]  # std of x after embedding (index 0) and after each block (1..N)
    unscaled: list[float]


def residual_stds(n_layer: int, scaled: bool, seed: int = 0, width: int = WIDTH) -> list[float]:
    """Std of the residual stream after the embedding and after each block, at init (eval mode)."""
    import torch

    from reproductions.gpt2 import GPT2LMHeadModel
    from reproductions.gpt2.model import GPT2Config

    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=VOCAB,
        n_positions=TOKENS,
        n_embd=width,
        n_layer=n_layer,
        n_head=HEADS,
        scale_residual_init=scaled,
    )
    model = GPT2LMHeadModel(config).eval()
    stds: list[float] = []

    def record(_module: object, _args: object, output: torch.Tensor) -> None:
        stds.append(float(output.std()))

    handles = [model.transformer.drop.register_forward_hook(record)]
    handles += [block.register_forward_hook(record) for block in model.transformer.h]
    generator = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(0, VOCAB, (BATCH, TOKENS), generator=generator)
    try:
        with torch.no_grad():
            model(ids)
    finally:
        for handle in handles:
            handle.remove()
    return stds


def depth_profile(n_layer: int, seed: int = 0) -> DepthProfile:
    """Both arms at one depth, from the same seed."""
    from tracker.lab import one_thread

    with one_thread():
        return DepthProfile(
            n_layer, residual_stds(n_layer, True, seed), residual_stds(n_layer, False, seed)
        )


def ablation_curves(results: dict) -> dict[str, dict[str, list[list[float]]]]:
    """From a GPT-2 train results dict: {metric: {"scaled"/"unscaled": [[step, value], ...]}}."""
    out: dict[str, dict[str, list[list[float]]]] = {}
    for key, points in (results.get("curves") or {}).items():
        for arm in ("scaled", "unscaled"):
            suffix = f" ({arm} init)"
            if key.endswith(suffix):
                out.setdefault(key.removesuffix(suffix), {})[arm] = points
    return out
