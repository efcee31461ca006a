"""Sinusoidal positions (Vaswani et al. 2017, Sec. 3.5) and why PE_{pos+k} is linear in PE_pos.

Owns the rotation R_k: each frequency ω_i = 1 / 10000^(2i/d) holds the pair
(sin(pos·ω_i), cos(pos·ω_i)), and the angle-sum identities turn it into the pair at pos + k by a
2×2 rotation that depends on k alone:

    [sin((pos+k)ω)]   [ cos kω   sin kω] [sin(pos·ω)]
    [cos((pos+k)ω)] = [−sin kω   cos kω] [cos(pos·ω)]

The table comes from the reproduction's own `sinusoidal_positions`, in the paper's interleaved
layout (sin at 2i, cos at 2i+1) or Marian's halves (all sines, then all cosines).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAYOUTS = ("interleaved", "halves")


def position_table(n_positions: int, dim: int, layout: str = "interleaved") -> np.ndarray:
    """(P, d) float64 table from `reproductions.transformer.model.sinusoidal_positions`."""
    from reproductions.transformer.model import sinusoidal_positions

    return sinusoidal_positions(n_positions, dim, layout).numpy()


def frequencies(dim: int) -> np.ndarray:
    """ω_i = 1 / 10000^(2i/d) for i < d/2, computed as the reproduction computes its angles."""
    i = np.arange(dim // 2, dtype=np.float64)
    return 1.0 / np.power(10000.0, 2.0 * i / dim)


def pair_indices(dim: int, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """(sin columns, cos columns) of each frequency in the layout."""
    if dim % 2:
        raise ValueError(f"d_model must be even for the rotation property, not {dim}")
    half = dim // 2
    if layout == "interleaved":
        return np.arange(0, dim, 2), np.arange(1, dim, 2)
    if layout == "halves":
        return np.arange(half), np.arange(half, dim)
    raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")


def rotation(k: int, dim: int, layout: str = "interleaved") -> np.ndarray:
    """The (d, d) matrix R_k with PE_{pos+k} = R_k · PE_pos for every pos (block-diagonal in pairs)."""
    s_idx, c_idx = pair_indices(dim, layout)
    angle = k * frequencies(dim)
    R = np.zeros((dim, dim))
    R[s_idx, s_idx] = np.cos(angle)
    R[s_idx, c_idx] = np.sin(angle)
    R[c_idx, s_idx] = -np.sin(angle)
    R[c_idx, c_idx] = np.cos(angle)
    return R


@dataclass
class RotationCheck:
    k: int
    dim: int
    layout: str
    positions: int
    max_abs_diff: float  # max over pos < positions and all dims of |R_k PE_pos − PE_{pos+k}|
    per_position: np.ndarray  # (positions,) max over dims

    def holds(self, tol: float = 1e-12) -> bool:
        return self.max_abs_diff < tol


def check_rotation(
    k: int, dim: int = 64, layout: str = "interleaved", positions: int = 50
) -> RotationCheck:
    """Apply R_k to PE_pos for pos < `positions` and compare with the table's PE_{pos+k}."""
    if k < 0:
        raise ValueError(f"k must be ≥ 0, not {k}")
    table = position_table(positions + k, dim, layout)
    rotated = table[:positions] @ rotation(k, dim, layout).T  # rows: R_k · PE_pos
    diff = np.abs(rotated - table[k : k + positions])
    return RotationCheck(k, dim, layout, positions, float(diff.max()), diff.max(axis=1))
