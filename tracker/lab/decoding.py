"""Greedy and beam-search decoding with our `reproductions.transformer.Transformer`, the beam as a tree.

No trained translation checkpoint ships with the project (the small run's weights are not kept),
so the view trains a tiny Transformer on a toy task in a few seconds: digits to English number
words ("3 1 4" → "three one four"), on a fixed seed. It is trained briefly on purpose, so that
the model is unsure at some steps and the beam has something to choose.

`traced_beam_search` follows `Transformer._beam_search` step for step (the same
`_step_logprobs`, the same top-2k candidates, the same finishing and stopping rules) and also
records every candidate as a tree node; the test holds its answer equal to `generate`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

DIGITS = [str(d) for d in range(10)]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SPECIALS = ["<pad>", "</s>"]  # pad doubles as the decoder start token, as in Marian
VOCAB = SPECIALS + DIGITS + WORDS
INDEX = {t: i for i, t in enumerate(VOCAB)}
PAD, EOS = 0, 1
MAX_LEN = 8
TRAIN_STEPS = 60
DEFAULT_SOURCE = "3 1 4 1 5"


@dataclass
class Node:
    """One candidate of one step: the prefix ending in `token`, its summed log-probability."""

    id: int
    parent: int | None
    step: int
    token: str
    logp: float  # cumulative sum of log p
    status: str = "dropped"  # live (kept as a beam), finished (EOS or length limit), dropped
    score: float | None = None  # finished: logp / length^alpha


@dataclass
class BeamTrace:
    nodes: list[Node] = field(default_factory=list)
    best: list[str] = field(default_factory=list)
    best_score: float = 0.0  # sum log p / length^alpha of the answer
    best_logp: float = 0.0  # sum log p of the answer
    best_ids: list[int] = field(default_factory=list)


def encode_source(text: str) -> list[int]:
    """Token ids of a digit string such as "3 1 4" (spaces optional); KeyError on anything else."""
    tokens = [ch for ch in text if not ch.isspace()]
    unknown = [t for t in tokens if t not in DIGITS]
    if unknown or not tokens:
        raise KeyError(", ".join(unknown) or "(empty)")
    return [INDEX[t] for t in tokens[: MAX_LEN - 1]] + [EOS]


def decode_ids(ids: list[int]) -> list[str]:
    """Target tokens, without the start token, padding and EOS."""
    return [VOCAB[i] for i in ids if i not in (PAD, EOS)]


def train_toy_model(steps: int = TRAIN_STEPS, seed: int = 0, progress: Any = None) -> Any:
    """A 1+1-layer Transformer trained for `steps` Adam steps on random digit strings."""

    from tracker.lab import one_thread

    # One thread: a model this small only loses to thread hand-offs on a busy machine.
    with one_thread():
        return _train(steps, seed, progress)


def _train(steps: int, seed: int, progress: Any) -> Any:
    import torch

    from reproductions.transformer import Transformer
    from reproductions.transformer.model import TransformerConfig

    torch.manual_seed(seed)
    config = TransformerConfig.stacks(
        vocab_size=len(VOCAB),
        d_model=32,
        layers=1,
        heads=2,
        ffn_dim=64,
        dropout=0.0,
        max_position_embeddings=MAX_LEN + 2,
        pad_token_id=PAD,
        eos_token_id=EOS,
        decoder_start_token_id=PAD,
    )
    model = Transformer(config)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(seed)
    for step in range(steps):
        lengths = torch.randint(1, MAX_LEN - 1, (64,), generator=generator)
        digits = torch.randint(0, 10, (64, MAX_LEN - 1), generator=generator)
        src = torch.full((64, MAX_LEN), PAD)
        labels = torch.full((64, MAX_LEN), -100)
        for row, n in enumerate(lengths.tolist()):
            src[row, :n] = digits[row, :n] + INDEX["0"]
            src[row, n] = EOS
            labels[row, :n] = digits[row, :n] + INDEX["zero"]
            labels[row, n] = EOS
        mask = (src != PAD).long()
        decoder_in = torch.where(labels == -100, PAD, labels)
        decoder_in = torch.cat([torch.full((64, 1), PAD), decoder_in[:, :-1]], dim=1)
        loss = model(src, mask, decoder_in, labels=labels).loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if progress is not None:
            progress((step + 1) / steps)
    return model.eval()


def greedy(model: Any, source: list[int]) -> tuple[list[str], float]:
    """Greedy output of `generate(num_beams=1)` and its summed log-probability."""
    import torch

    ids = model.generate(torch.tensor([source]), max_new_tokens=MAX_LEN, num_beams=1)[0].tolist()
    return decode_ids(ids), sequence_logp(model, source, ids)


def sequence_logp(model: Any, source: list[int], ids: list[int]) -> float:
    """Sum of log p of the generated tokens (start token excluded, stops after EOS)."""
    import torch

    with torch.no_grad():
        src = torch.tensor([source])
        logits = model(src, None, torch.tensor([ids[:-1]])).logits[0]
        logp = torch.log_softmax(logits.float(), dim=-1)
    total = 0.0
    for t, tok in enumerate(ids[1:]):
        total += float(logp[t, tok])
        if tok == EOS:
            break
    return total


def traced_beam_search(
    model: Any, source: list[int], num_beams: int, length_penalty: float = 1.0
) -> BeamTrace:
    """`Transformer._beam_search` for one sentence, keeping every candidate as a tree node."""
    import torch

    cfg = model.config
    max_length = 1 + MAX_LEN
    trace = BeamTrace()
    src = torch.tensor([source])
    with torch.no_grad():
        memory = model.encode(src, None)
        beams = torch.full((1, 1), cfg.decoder_start_token_id, dtype=torch.long)
        beam_scores = torch.zeros(1)
        beam_nodes: list[int | None] = [None]
        finished: list[tuple[float, torch.Tensor, int]] = []
        step = 0
        while beams.shape[1] < max_length:
            step += 1
            k = beams.shape[0]
            scores = model._step_logprobs(
                beams, memory.expand(k, -1, -1), None, max_length, [], True
            )
            logp = scores + beam_scores[:, None]
            V = logp.shape[1]
            top, idx = logp.view(-1).topk(min(2 * num_beams, logp.numel()))
            at_limit = beams.shape[1] + 1 == max_length
            gen_len = beams.shape[1]
            live, live_scores, live_nodes = [], [], []
            for rank, (score, flat) in enumerate(zip(top.tolist(), idx.tolist(), strict=True)):
                prev, tok = divmod(flat, V)
                if not math.isfinite(score):
                    continue
                node = Node(len(trace.nodes), beam_nodes[prev], step, VOCAB[tok], score)
                trace.nodes.append(node)
                seq = torch.cat([beams[prev], beams.new_tensor([tok])])
                if tok == cfg.eos_token_id or at_limit:
                    if rank < num_beams:
                        node.status = "finished"
                        node.score = score / gen_len**length_penalty
                        finished.append((node.score, seq, node.id))
                elif len(live) < num_beams:
                    node.status = "live"
                    live.append(seq)
                    live_scores.append(score)
                    live_nodes.append(node.id)
            finished = sorted(finished, key=lambda t: -t[0])[:num_beams]
            if not live or at_limit:
                break
            beams = torch.stack(live)
            beam_scores = beams.new_tensor(live_scores, dtype=torch.float)
            beam_nodes = list(live_nodes)
            live_best = live_scores[0] / (beams.shape[1] - 1) ** length_penalty
            if len(finished) == num_beams and live_best <= finished[-1][0]:
                break
    if finished:
        best_score, best_seq, best_node = finished[0]
        trace.best_logp = trace.nodes[best_node].logp
    else:  # pragma: no cover - the length limit always finishes someone
        best_score, best_seq = float(beam_scores[0]), beams[0]
        trace.best_logp = best_score
    trace.best_ids = best_seq.tolist()
    trace.best = decode_ids(trace.best_ids)
    trace.best_score = float(best_score)
    return trace


def best_path(trace: BeamTrace) -> set[int]:
    """Node ids on the path of the best finished hypothesis."""
    finished = [n for n in trace.nodes if n.status == "finished"]
    if not finished:
        return set()
    node: Node | None = max(finished, key=lambda n: n.score or -math.inf)
    path = set()
    while node is not None:
        path.add(node.id)
        node = trace.nodes[node.parent] if node.parent is not None else None
    return path
