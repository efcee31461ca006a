"""Sequence to sequence with attention: Bahdanau et al. (2015) and Luong et al. (2015).

Owns the encoder-decoder in plain PyTorch. Notation follows the papers:

Encoder (Bahdanau Sec. 3.2): a bidirectional GRU over the source embeddings,
    h_j = [→h_j ; ←h_j]                                  annotations, (B, S, 2n)
built from the from-scratch `GRU` of `reproductions.lstm_gru` (torch's gate convention); the
backward direction reads each sentence from its own last real token, so padding never reaches
the annotations of real tokens.

Bahdanau ("RNNsearch", Sec. 3.1 and Appendix A.2), attention on the PREVIOUS decoder state:
    e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j)              eq. (6), A.1.2
    α_ij = softmax_j(e_ij),   c_i = Σ_j α_ij h_j          eq. (5), (6)
    s_i  = GRU(s_{i-1}, [E y_{i-1}; c_i])                  context fed into the RNN input
    t~_i = U_o s_{i-1} + V_o E y_{i-1} + C_o c_i,  t_i = maxout_2(t~_i)   deep output, A.2.2
    p(y_i | ...) = softmax(W_o t_i)
    s_0  = tanh(W_s ←h_1)
Luong (global attention, Sec. 3.1), attention on the CURRENT decoder state:
    h_t  = GRU(h_{t-1}, [E y_{t-1}; h~_{t-1}])             input feeding (Sec. 3.3), optional
    score(h_t, h̄_s) = h_t^T h̄_s (dot) | h_t^T W_a h̄_s (general)          eq. (8)
    a_t  = softmax(score),  c_t = Σ_s a_t(s) h̄_s
    h~_t = tanh(W_c [c_t; h_t])                             eq. (5)
    p(y_t | ...) = softmax(W_s h~_t)                        eq. (6)
(Luong's decoder is a stacked LSTM initialised from the encoder; here both variants share the
bi-GRU encoder and Bahdanau's s_0 so that only the attention and output differ.)

Padded source positions get zero attention weight. Training uses teacher forcing, optionally
feeding the model's own previous prediction with probability 1 - `teacher_forcing`. Decoding:
greedy, and beam search over a batch of sentences with a shrinking beam (a hypothesis that emits
EOS leaves the beam, as in Bahdanau's GroundHog decoder) and length-normalised final scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from reproductions.lstm_gru.model import GRU, GRUCell


@dataclass
class Seq2SeqConfig:
    src_vocab_size: int
    tgt_vocab_size: int
    embed_dim: int = 620  # m (Bahdanau A.2.1)
    encoder_hidden: int = 1000  # n, per direction
    decoder_hidden: int = 1000  # n
    attention: str = "bahdanau"  # "bahdanau" (additive) | "luong"
    score: str = "general"  # Luong's score: "dot" | "general"
    attention_dim: int = 1000  # n', the alignment model's hidden size
    maxout_dim: int = 500  # l, Bahdanau's deep-output maxout units
    input_feeding: bool = True  # Luong Sec. 3.3
    dropout: float = 0.0
    teacher_forcing: float = 1.0  # probability of feeding the gold previous token in training
    pad_token_id: int = 0
    eos_token_id: int = 1
    bos_token_id: int = 0  # decoder start; never generated

    def __post_init__(self) -> None:
        if self.attention not in ("bahdanau", "luong"):
            raise ValueError(f"attention must be 'bahdanau' or 'luong', not {self.attention!r}")
        if self.attention == "luong" and self.score not in ("dot", "general"):
            raise ValueError(f"Luong score must be 'dot' or 'general', not {self.score!r}")
        if not 0.0 <= self.teacher_forcing <= 1.0:
            raise ValueError(f"teacher_forcing must lie in [0, 1], not {self.teacher_forcing}")


@dataclass
class Seq2SeqOutput:
    logits: torch.Tensor  # (B, T, V)
    attentions: torch.Tensor  # (B, T, S): α_ij / a_t(s)
    loss: torch.Tensor | None = None


@dataclass
class Generation:
    tokens: list[list[int]]  # per sentence, ending with EOS unless cut at max length
    scores: list[float]  # Σ log p / len^length_penalty
    # greedy(..., return_attention=True): per sentence the (len(tokens), S) weights α_ij that
    # produced each output token, zero at padded source positions; None otherwise.
    attentions: list[torch.Tensor] | None = None


# --- encoder ---------------------------------------------------------------------------------


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each row's first `lengths[b]` steps along dim 1; padding stays where it is."""
    T = x.size(1)
    pos = torch.arange(T, device=x.device)[None, :]  # (1, T)
    src = lengths[:, None] - 1 - pos  # (B, T)
    idx = torch.where(src >= 0, src, pos)
    return x.gather(1, idx[:, :, None].expand(-1, -1, x.size(2)))


class BiGRU(nn.Module):
    """→h reads x_1..x_Tx, ←h reads x_Tx..x_1 of each sentence (its own length)."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.forward_rnn = GRU(input_size, hidden_size)
        self.backward_rnn = GRU(input_size, hidden_size)

    def forward(
        self, x: torch.Tensor, lengths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(annotations (B, S, 2H) zero at pads, final →h (B, H), final ←h = ←h_1 (B, H))."""
        S = x.size(1)
        mask = torch.arange(S, device=x.device)[None, :] < lengths[:, None]  # (B, S)
        fwd, _ = self.forward_rnn(x)
        bwd, _ = self.backward_rnn(reverse_padded(x, lengths))
        bwd = reverse_padded(bwd, lengths)
        out = torch.cat([fwd, bwd], dim=-1) * mask[:, :, None].to(x.dtype)
        last = fwd.gather(1, (lengths - 1)[:, None, None].expand(-1, 1, fwd.size(2))).squeeze(1)
        return out, last, bwd[:, 0]

    def load_from_torch(self, ref: nn.GRU) -> BiGRU:
        """Copy a one-layer bidirectional `torch.nn.GRU`: `*_l0` -> →, `*_l0_reverse` -> ←."""
        with torch.no_grad():
            for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(self.forward_rnn.cells.l0, p).copy_(getattr(ref, f"{p}_l0"))
                getattr(self.backward_rnn.cells.l0, p).copy_(getattr(ref, f"{p}_l0_reverse"))
        return self

    def torch_param_map(self) -> dict[str, str]:
        out = {}
        for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            out[f"forward_rnn.cells.l0.{p}"] = f"{p}_l0"
            out[f"backward_rnn.cells.l0.{p}"] = f"{p}_l0_reverse"
        return out


class Encoder(nn.Module):
    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        self.embedding = nn.Embedding(config.src_vocab_size, config.embed_dim)
        self.rnn = BiGRU(config.embed_dim, config.encoder_hidden)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, src: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(annotations h_j (B, S, 2n), ←h_1 (B, n))."""
        h, _, back_first = self.rnn(self.dropout(self.embedding(src)), mask.sum(1))
        return h, back_first


# --- attention -------------------------------------------------------------------------------


def _attend(
    scores: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax over real source positions; context = Σ_j α_j h_j. (B, S) scores -> (B, D), (B, S)."""
    weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
    return torch.bmm(weights[:, None, :], memory).squeeze(1), weights


class Attention(nn.Module):
    """Score every annotation against the decoder's query, then attend (both papers' shape).

    `keys` are the annotations as the score needs them (`project_keys`), passed in when the
    caller computed them once for the whole sentence.
    """

    def project_keys(self, memory: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def scores(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(
        self,
        query: torch.Tensor,
        memory: torch.Tensor,
        mask: torch.Tensor,
        keys: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        keys = self.project_keys(memory) if keys is None else keys
        return _attend(self.scores(query, keys), memory, mask)


class AdditiveAttention(Attention):
    """Bahdanau A.1.2: e_j = v_a^T tanh(W_a s + U_a h_j); U_a h_j is computed once per sentence."""

    def __init__(self, query_dim: int, key_dim: int, attention_dim: int) -> None:
        super().__init__()
        self.W_a = nn.Linear(query_dim, attention_dim, bias=False)
        self.U_a = nn.Linear(key_dim, attention_dim, bias=False)
        self.v_a = nn.Linear(attention_dim, 1, bias=False)

    def project_keys(self, memory: torch.Tensor) -> torch.Tensor:
        return self.U_a(memory)  # (B, S, n')

    def scores(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        return self.v_a(torch.tanh(self.W_a(query)[:, None, :] + keys)).squeeze(-1)  # (B, S)


class LuongAttention(Attention):
    """Luong eq. (8): score = h_t^T h̄_s (dot) or h_t^T W_a h̄_s (general); W_a h̄_s precomputed."""

    def __init__(self, query_dim: int, key_dim: int, score: str) -> None:
        super().__init__()
        self.score = score
        if score == "dot" and query_dim != key_dim:
            raise ValueError(
                f"dot score needs equal sizes: decoder {query_dim} vs annotations {key_dim} "
                "(set decoder_hidden = 2 * encoder_hidden, or use the general score)"
            )
        self.W_a = nn.Linear(key_dim, query_dim, bias=False) if score == "general" else None

    def project_keys(self, memory: torch.Tensor) -> torch.Tensor:
        return memory if self.W_a is None else self.W_a(memory)  # (B, S, n)

    def scores(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        return torch.bmm(keys, query[:, :, None]).squeeze(-1)  # (B, S)


# --- decoders: one step at a time; state is a dict of (B, ...) tensors (beam search reorders it) --

State = dict[str, torch.Tensor]


class Source(NamedTuple):
    """The encoded source sentence every decoder step attends over."""

    memory: torch.Tensor  # (B, S, 2·encoder_hidden): the annotations h_j
    keys: torch.Tensor  # (B, S, ·): the attention's projection of them, computed once
    mask: torch.Tensor  # (B, S) bool: real source tokens


class BahdanauDecoder(nn.Module):
    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        E, n, ctx, l2 = (
            config.embed_dim,
            config.decoder_hidden,
            2 * config.encoder_hidden,
            2 * config.maxout_dim,
        )
        self.embedding = nn.Embedding(config.tgt_vocab_size, E)
        self.W_s = nn.Linear(config.encoder_hidden, n)  # s_0 = tanh(W_s ←h_1)
        self.attention = AdditiveAttention(n, ctx, config.attention_dim)
        self.rnn = GRUCell(E + ctx, n)
        self.U_o = nn.Linear(n, l2)
        self.V_o = nn.Linear(E, l2, bias=False)
        self.C_o = nn.Linear(ctx, l2, bias=False)
        self.W_o = nn.Linear(config.maxout_dim, config.tgt_vocab_size)
        self.dropout = nn.Dropout(config.dropout)

    def init_state(self, back_first: torch.Tensor) -> State:
        return {"s": torch.tanh(self.W_s(back_first))}

    def step(
        self, y_prev: torch.Tensor, state: State, source: Source
    ) -> tuple[torch.Tensor, State, torch.Tensor]:
        s = state["s"]  # s_{i-1}
        e = self.dropout(self.embedding(y_prev))  # E y_{i-1}
        c, alpha = self.attention(s, source.memory, source.mask, source.keys)  # c_i from s_{i-1}
        t = self.U_o(s) + self.V_o(e) + self.C_o(c)  # t~_i
        t = t.view(*t.shape[:-1], -1, 2).amax(-1)  # maxout over pairs
        s = self.rnn(torch.cat([e, c], dim=-1), s)  # s_i
        return self.dropout(t), {"s": s}, alpha

    def logits(self, features: torch.Tensor) -> torch.Tensor:
        return self.W_o(features)


class LuongDecoder(nn.Module):
    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        E, n, ctx = config.embed_dim, config.decoder_hidden, 2 * config.encoder_hidden
        self.input_feeding = config.input_feeding
        self.embedding = nn.Embedding(config.tgt_vocab_size, E)
        self.W_init = nn.Linear(config.encoder_hidden, n)  # h_0 = tanh(W_init ←h_1)
        self.rnn = GRUCell(E + (n if config.input_feeding else 0), n)
        self.attention = LuongAttention(n, ctx, config.score)
        self.W_c = nn.Linear(ctx + n, n, bias=False)
        self.W_s = nn.Linear(n, config.tgt_vocab_size)
        self.dropout = nn.Dropout(config.dropout)

    def init_state(self, back_first: torch.Tensor) -> State:
        h = torch.tanh(self.W_init(back_first))
        state = {"h": h}
        if self.input_feeding:
            state["feed"] = torch.zeros_like(h)  # h~_0 = 0
        return state

    def step(
        self, y_prev: torch.Tensor, state: State, source: Source
    ) -> tuple[torch.Tensor, State, torch.Tensor]:
        x = self.dropout(self.embedding(y_prev))
        if self.input_feeding:
            x = torch.cat([x, state["feed"]], dim=-1)
        h = self.rnn(x, state["h"])  # h_t
        c, a = self.attention(h, source.memory, source.mask, source.keys)  # from the current state
        h_tilde = torch.tanh(self.W_c(torch.cat([c, h], dim=-1)))  # eq. (5)
        new = {"h": h}
        if self.input_feeding:
            new["feed"] = h_tilde
        return self.dropout(h_tilde), new, a

    def logits(self, features: torch.Tensor) -> torch.Tensor:
        return self.W_s(features)  # eq. (6)


# --- the model -------------------------------------------------------------------------------


class Seq2Seq(nn.Module):
    """Encoder-decoder with Bahdanau (additive) or Luong (dot/general) attention."""

    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        decoder = BahdanauDecoder if config.attention == "bahdanau" else LuongDecoder
        self.decoder: BahdanauDecoder | LuongDecoder = decoder(config)

    def encode(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> tuple[Source, State]:
        """The encoded source (annotations, attention keys, mask) and the decoder's first state."""
        mask = (
            input_ids != self.config.pad_token_id
            if attention_mask is None
            else attention_mask.bool()
        )
        memory, back_first = self.encoder(input_ids, mask)
        keys = self.decoder.attention.project_keys(memory)
        return Source(memory, keys, mask), self.decoder.init_state(back_first)

    def shift_right(self, labels: torch.Tensor) -> torch.Tensor:
        """Decoder inputs y_0 = BOS, y_{t} = label_{t-1} (ignored labels -100 become pad)."""
        start = labels.new_full((labels.size(0), 1), self.config.bos_token_id)
        prev = labels[:, :-1].masked_fill(labels[:, :-1] == -100, self.config.pad_token_id)
        return torch.cat([start, prev], dim=1)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        decoder_input_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
    ) -> Seq2SeqOutput:
        """Teacher-forced logits for (B, S) sources and (B, T) decoder inputs (or labels)."""
        if decoder_input_ids is None:
            if labels is None:
                raise ValueError("pass decoder_input_ids or labels")
            decoder_input_ids = self.shift_right(labels)
        source, state = self.encode(input_ids, attention_mask)
        sample = self.training and self.config.teacher_forcing < 1.0
        features, attentions, step_logits = [], [], []
        y = decoder_input_ids[:, 0]
        for t in range(decoder_input_ids.size(1)):
            if t > 0:
                y = decoder_input_ids[:, t]
                if sample:
                    # With probability 1 - ratio, feed the model's own previous prediction.
                    own = step_logits[-1].detach().argmax(-1)
                    keep = torch.rand(y.shape, device=y.device) < self.config.teacher_forcing
                    y = torch.where(keep, y, own)
            f, state, a = self.decoder.step(y, state, source)
            features.append(f)
            attentions.append(a)
            if sample:
                step_logits.append(self.decoder.logits(f))
        if sample:
            logits = torch.stack(step_logits, dim=1)
        else:
            logits = self.decoder.logits(torch.stack(features, dim=1))  # one big matmul
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1))
        return Seq2SeqOutput(logits=logits, attentions=torch.stack(attentions, dim=1), loss=loss)

    # --- decoding ----------------------------------------------------------------------------

    def _banned(self) -> list[int]:
        cfg = self.config
        return sorted({cfg.pad_token_id, cfg.bos_token_id} - {cfg.eos_token_id})

    def _step_log_probs(
        self, y: torch.Tensor, state: State, source: Source
    ) -> tuple[torch.Tensor, State, torch.Tensor]:
        """(log p(y | ...) (B, V), next state, this step's attention weights (B, S))."""
        f, state, weights = self.decoder.step(y, state, source)
        logp = torch.log_softmax(self.decoder.logits(f), dim=-1)
        logp[:, self._banned()] = float("-inf")  # never generated; no renormalisation
        return logp, state, weights

    @torch.no_grad()
    def greedy(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        max_new_tokens: int = 50,
        length_penalty: float = 1.0,
        return_attention: bool = False,
    ) -> Generation:
        """argmax at every step until EOS (or `max_new_tokens`). With `return_attention` the
        result also holds each sentence's attention weights (output steps x source positions);
        the tokens and scores are the same either way."""
        source, state = self.encode(input_ids, attention_mask)
        B = input_ids.size(0)
        y = input_ids.new_full((B,), self.config.bos_token_id)
        tokens: list[list[int]] = [[] for _ in range(B)]
        totals = [0.0] * B
        done = torch.zeros(B, dtype=torch.bool, device=input_ids.device)
        steps: list[torch.Tensor] = []
        for _ in range(max_new_tokens):
            logp, state, weights = self._step_log_probs(y, state, source)
            if return_attention:
                steps.append(weights)
            best, y = logp.max(dim=-1)
            for b in (~done).nonzero().flatten().tolist():
                tokens[b].append(int(y[b]))
                totals[b] += float(best[b])
            done |= y == self.config.eos_token_id
            if bool(done.all()):
                break
        scores = [t / max(1, len(s)) ** length_penalty for t, s in zip(totals, tokens, strict=True)]
        if not return_attention:
            return Generation(tokens, scores)
        # Sentence b emitted a token at each of the first len(tokens[b]) steps.
        stacked = (
            torch.stack(steps, dim=1)
            if steps
            else source.memory.new_zeros(B, 0, source.mask.size(1))
        )
        attentions = [stacked[b, : len(t)] for b, t in enumerate(tokens)]
        return Generation(tokens, scores, attentions)

    @torch.no_grad()
    def beam_search(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        num_beams: int = 5,
        max_new_tokens: int = 50,
        length_penalty: float = 1.0,
    ) -> Generation:
        """Beam search for a batch; the best finished hypothesis by Σ log p / len^length_penalty.

        Each sentence keeps k = `num_beams` slots. A step extends every live hypothesis by every
        word and keeps the k - dead best (by summed log-probability); those ending in EOS leave
        the beam (dead += 1), the rest stay live. Hypotheses still live at `max_new_tokens` are
        finished as they are. With k = 1 this is greedy decoding; with k at least the number of
        possible sequences it is exhaustive search.
        """
        k, V = num_beams, self.config.tgt_vocab_size
        eos = self.config.eos_token_id
        source, state = self.encode(input_ids, attention_mask)
        B, device = input_ids.size(0), input_ids.device

        def tile(t: torch.Tensor) -> torch.Tensor:
            return t.repeat_interleave(k, dim=0)  # (B*k, ...): sentence b in rows b*k..b*k+k-1

        source = Source(*map(tile, source))
        state = {name: tile(v) for name, v in state.items()}
        scores = torch.full((B, k), float("-inf"), dtype=source.memory.dtype, device=device)
        scores[:, 0] = 0.0  # one live hypothesis to start with, not k copies
        history = torch.zeros(B, k, 0, dtype=torch.long, device=device)
        dead = torch.zeros(B, dtype=torch.long, device=device)
        finished: list[list[tuple[float, list[int]]]] = [[] for _ in range(B)]
        y = input_ids.new_full((B * k,), self.config.bos_token_id)
        slot = torch.arange(k, device=device)[None, :]
        for t in range(max_new_tokens):
            logp, state, _ = self._step_log_probs(y, state, source)
            cand = (scores.reshape(B * k, 1) + logp).view(B, k * V)
            top, idx = cand.topk(k, dim=1)  # sorted, best first
            origin, word = idx // V, idx % V
            live = (slot < (k - dead)[:, None]) & torch.isfinite(top)
            history = torch.cat(
                [history.gather(1, origin[:, :, None].expand(-1, -1, t)), word[:, :, None]], dim=2
            )
            ends = live & ((word == eos) | (t == max_new_tokens - 1))
            for b, j in ends.nonzero().tolist():
                norm = float(top[b, j]) / (t + 1) ** length_penalty
                finished[b].append((norm, history[b, j].tolist()))
            dead += (ends & (word == eos)).sum(1)
            scores = torch.where(live & ~ends, top, torch.full_like(top, float("-inf")))
            rows = (torch.arange(B, device=device)[:, None] * k + origin).reshape(-1)
            state = {name: v.index_select(0, rows) for name, v in state.items()}
            y = word.reshape(-1)
            if not bool(torch.isfinite(scores).any()):
                break
        best = [max(f, key=lambda item: item[0]) for f in finished]
        return Generation([b[1] for b in best], [b[0] for b in best])
