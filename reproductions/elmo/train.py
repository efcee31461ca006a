"""ELMo baseline: pretrain a small biLM on Brown, then tag parts of speech with its features.

Owns the runnable baseline of issue 8's ELMo item, in three stages that one command runs:

1. Pretrain the biLM (char CNN + 2-layer biLSTM LM, shared softmax) on Brown's train split with
   the shared training loop; validation perplexity on Brown's valid split.
2. Train the same linear tagger on Brown's tagged train sentences (a fixed subset) on
   (a) ELMo features -- our frozen biLM's layers through a learned scalar mix (eq. 1),
   (b) static Word2Vec vectors of the same size trained on the same Brown text with
       `reproductions.word2vec`, and, as ablations, (c) the biLM's layer 0 (the char CNN alone,
       context-free) and (d) its top layer alone; accuracy on Brown's test split, all tokens and
       tokens unseen in the Brown train text (OOV).
3. A polysemy example: the nearest neighbours of one word in two contexts, from the biLM's
   contextual vectors, beside the nearest words of its single static vector.

Everything lands in `results/<config>.json` (+ a PNG of the curves).

Example:
    python -m reproductions.elmo.train --config small --steps 40 --out /tmp/elmo
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from reproductions.common import cli, data
from reproductions.common.distributed import DistInfo, draw_batch
from reproductions.common.results import pyplot, read_results, save_figure
from reproductions.common.spec import TrainedSpec
from reproductions.common.training import Objective, TrainConfig, TrainRun, train_settings

from . import PAPER_ID
from .model import BOS, EOS, BiLM, ElmoConfig, ScalarMix, encode_chars

UNK = "<unk>"


@dataclass(frozen=True, kw_only=True)
class TaggerSpec:
    """The linear POS probe on frozen features (fitted with L-BFGS)."""

    sentences: int  # tagged training sentences, spread evenly over the train split
    iterations: int  # L-BFGS's max_iter
    l2: float  # penalty on the weights the features meet


@dataclass(frozen=True, kw_only=True)
class StaticVectorsSpec:
    """The Word2Vec baseline's settings (its dimension is the biLM's, 2 * proj_dim)."""

    epochs: int
    window: int
    negative: int
    min_count: int
    sample: float


@dataclass(frozen=True, kw_only=True)
class ElmoSpec(TrainedSpec[ElmoConfig]):
    """The biLM (vocabulary set from the data), its schedule, and the evaluations on top."""

    vocab: int  # the most frequent training words the biLM predicts
    max_tokens: int  # training and valid sentences are cut to this many words
    valid_sentences: int
    tagger: TaggerSpec
    test_every: int  # POS accuracy on every N-th test sentence
    polysemy_pool: int  # training sentences searched for the polysemy example
    word2vec: StaticVectorsSpec


_WORD2VEC = StaticVectorsSpec(epochs=5, window=5, negative=5, min_count=1, sample=1e-3)
# Settings grouped by line (model, data, schedule, evaluations), so the configs read side by side.
CONFIGS = {
    # CPU-sized: ~1M parameters; pretraining takes a few minutes on two shared cores.
    "small": ElmoSpec(
        model=ElmoConfig(
            vocab_size=0,  # set from the data: the most frequent `vocab` words + marks + <unk>
            char_dim=16, filters=[(1, 32), (2, 32), (3, 64), (4, 128), (5, 128)], n_highway=1,
            max_chars=16, proj_dim=96,
            hidden=96,  # no projection: nn.LSTM's projection path is slow on CPU
            n_layers=2, dropout=0.1,
        ),
        vocab=5000, max_tokens=25, valid_sentences=300,
        # At 4e-3 the char CNN's outputs grow to tens and saturate the LSTM gates (most states
        # sit at +-1, so the layers carry little about the token); 1e-3 does not.
        train={"steps": 3000, "lr": 1e-3, "batch_size": 32, "warmup_steps": 100, "eval_every": 500},
        tagger=TaggerSpec(sentences=1500, iterations=300, l2=1e-4),
        test_every=4,  # every 4th test sentence (1,186 of 4,744): CPU time
        polysemy_pool=400, word2vec=_WORD2VEC,
    ),
    # The paper's biLM shape (Sec. 3.4): 2048 char filters, 2 highways, 4096 cells, 512 projections.
    "paper": ElmoSpec(
        model=ElmoConfig(vocab_size=0, max_chars=50, dropout=0.1),
        vocab=50000, max_tokens=50, valid_sentences=2000,
        train={
            "steps": 20000, "lr": 1e-3, "batch_size": 128, "warmup_steps": 500, "eval_every": 1000,
        },
        tagger=TaggerSpec(sentences=47626, iterations=500, l2=1e-5),
        test_every=1,
        polysemy_pool=5000, word2vec=_WORD2VEC,
    ),
}  # fmt: skip
# A few steps and a few hundred sentences: the real pipeline end to end, for the tests (CI).
CONFIGS["tiny"] = replace(
    CONFIGS["small"],
    train={"steps": 3, "lr": 1e-3, "batch_size": 4, "warmup_steps": 0, "eval_every": 3},
    valid_sentences=8,
    tagger=TaggerSpec(sentences=60, iterations=20, l2=1e-4),
    test_every=40,
    polysemy_pool=30,
    word2vec=replace(_WORD2VEC, epochs=1),
)

PAPER_METRICS = {
    "squad_f1_with_elmo": {
        "value": 85.8,
        "note": "Table 1: SQuAD test F1, baseline 81.1 -> 85.8 with ELMo (a 1B-word biLM). The "
        "paper reports no Brown POS number; ours is a linear tagger on a biLM trained on 0.9M "
        "words of Brown, so only the direction of the gain (ELMo over static vectors) compares.",
    }
}

POLYSEMY_WORD = "play"


def coarse_tag(tag: str) -> str:
    """Brown's tag without title/headline/foreign/cited marks: 'nn-tl' -> 'nn', 'vb-hl' -> 'vb'."""
    base = tag.split("-")[0] if not tag.startswith("-") else tag
    return base or tag


class Corpus:
    """Word types -> char rows, the LM's output vocabulary, and sentences as type ids."""

    def __init__(self, train_sents: list[list[str]], vocab: int, max_chars: int) -> None:
        counts = Counter(w for s in train_sents for w in s)
        self.train_words = set(counts)
        self.out_words = [UNK, BOS, EOS] + [w for w, _ in counts.most_common(vocab)]
        self.out_index = {w: i for i, w in enumerate(self.out_words)}
        self.types: list[str] = [BOS, EOS]
        self.type_index = {BOS: 0, EOS: 1}
        self.max_chars = max_chars
        self._chars = encode_chars([BOS, EOS], max_chars)

    def ids(self, sentences: list[list[str]], max_tokens: int) -> list[list[int]]:
        """Each sentence (truncated to max_tokens words) as type ids with <S> and </S>."""
        new: list[str] = []
        out = []
        for s in sentences:
            row = [0]
            for w in s[:max_tokens]:
                if w not in self.type_index:
                    self.type_index[w] = len(self.types)
                    self.types.append(w)
                    new.append(w)
                row.append(self.type_index[w])
            out.append(row + [1])
        if new:
            self._chars = torch.cat([self._chars, encode_chars(new, self.max_chars)])
        return out

    def batch(self, rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """chars (B, T, C), lengths (B,), LM targets (B, T) with -100 on padding."""
        T = max(len(r) for r in rows)
        type_ids = torch.zeros(len(rows), T, dtype=torch.long)
        targets = torch.full((len(rows), T), -100, dtype=torch.long)
        for i, r in enumerate(rows):
            type_ids[i, : len(r)] = torch.tensor(r)
            targets[i, : len(r)] = torch.tensor([self.out_index.get(self.types[t], 0) for t in r])
        lengths = torch.tensor([len(r) for r in rows])
        chars = self._chars[type_ids]
        chars[torch.arange(T)[None, :] >= lengths[:, None]] = 0
        return chars, lengths, targets


def _features(
    model: BiLM, corpus: Corpus, rows: list[list[int]], desc: str
) -> tuple[torch.Tensor, list[int]]:
    """Stacked biLM layers (L+1, N_words, 2d) for the words of `rows` (marks dropped)."""
    device = next(model.parameters()).device
    parts, owners = [], []
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))  # similar lengths per batch
    chunks = [order[k : k + 64] for k in range(0, len(order), 64)]
    by_sentence: dict[int, torch.Tensor] = {}
    with torch.no_grad():
        for chunk in tqdm(chunks, desc=desc, unit="batch", leave=False):
            chars, lengths, _ = corpus.batch([rows[i] for i in chunk])
            layers = torch.stack(model(chars.to(device), lengths.to(device)).layers).cpu()
            for j, i in enumerate(chunk):
                by_sentence[i] = layers[:, j, 1 : lengths[j] - 1].half()
    for i in range(len(rows)):
        parts.append(by_sentence[i])
        owners += [i] * by_sentence[i].shape[1]
    return torch.cat(parts, dim=1), owners


def _train_tagger(
    feats: torch.Tensor,
    labels: torch.Tensor,
    n_tags: int,
    spec: TaggerSpec,
    seed: int,
    mix_layers: bool,
    desc: str,
) -> tuple[torch.nn.Module, torch.nn.Module | None, list[list[float]]]:
    """A linear softmax tagger on token features; with `mix_layers` it learns a scalar mix first.

    A probe should measure the features, not the optimiser: every arm is fitted full-batch with
    L-BFGS (strong Wolfe line search) and a small L2 penalty on the weights, to convergence or
    `spec.iterations`, so no arm loses for want of steps or a better-suited learning rate.

    feats: (L+1, N, D) with mix_layers, else (N, D). Returns (linear, mix or None, loss curve).
    """
    torch.manual_seed(seed)
    dim = feats.shape[-1]
    linear = torch.nn.Linear(dim, n_tags)
    mix = ScalarMix(feats.shape[0]) if mix_layers else None
    params = list(linear.parameters()) + (list(mix.parameters()) if mix is not None else [])
    x_all = feats.float()
    opt = torch.optim.LBFGS(
        params,
        lr=1.0,
        max_iter=spec.iterations,
        history_size=20,
        tolerance_grad=1e-6,
        tolerance_change=1e-9,
        line_search_fn="strong_wolfe",
    )
    curve: list[list[float]] = []
    # The bar counts loss evaluations, which L-BFGS caps at max_eval (its line searches
    # evaluate more than once per iteration).
    bar = tqdm(total=opt.param_groups[0]["max_eval"], desc=desc, unit="eval", leave=False)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        h = mix(x_all) if mix is not None else x_all
        nll = F.cross_entropy(linear(h), labels)
        # The penalty is on the weights the features actually meet: with a mix, gamma * W
        # (an unpenalised gamma would scale the features up and undo the L2 term).
        w = linear.weight if mix is None else mix.gamma * linear.weight
        loss = nll + 0.5 * spec.l2 * w.pow(2).sum()
        loss.backward()
        curve.append([len(curve) + 1, nll.item()])
        bar.update(1)
        return loss

    opt.step(closure)
    bar.close()
    return linear, mix, curve


def _standardize(train: torch.Tensor, test: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero mean, unit variance per feature (and per layer), with statistics from `train` only.

    The char CNN's outputs can sit in the tens while Word2Vec's are below one; with every arm
    on one scale the same L2 penalty means the same thing for each, and L-BFGS starts from a
    well-conditioned problem. (The reference ELMo offers layer normalisation before the mix
    for the same reason.)
    """
    mean = train.mean(dim=-2, keepdim=True, dtype=torch.float32)
    sq = (train.float() ** 2).mean(dim=-2, keepdim=True)
    # A unit constant on the train tokens (a saturated gate) must not be blown up on test.
    std = (sq - mean**2).clamp_min(1e-8).sqrt()
    return ((train - mean) / std).to(train.dtype), ((test - mean) / std).to(test.dtype)


def _accuracy(pred: torch.Tensor, gold: torch.Tensor, oov: torch.Tensor) -> tuple[float, float]:
    right = pred == gold
    return float(right.float().mean()), float(right[oov].float().mean())


def _predict(linear, mix, feats: torch.Tensor) -> torch.Tensor:  # noqa: ANN001
    out = []
    with torch.no_grad():
        for k in range(0, feats.shape[-2], 8192):
            x = feats[..., k : k + 8192, :].float()
            out.append(linear(mix(x) if mix is not None else x).argmax(-1))
    return torch.cat(out)


def _polysemy(
    model: BiLM,
    corpus: Corpus,
    tagged: list[list[tuple[str, str]]],
    w2v_vectors: dict[str, np.ndarray],
    word: str,
    pool_size: int,
) -> dict:
    """Two uses of `word` (verb, noun) and their nearest tokens in a pool of Brown sentences."""
    pool = [s for s in tagged if len(s) <= 40][:pool_size]
    with_word = [s for s in tagged if len(s) <= 40 and any(w.lower() == word for w, _ in s)]
    pool += with_word[:pool_size]
    rows = corpus.ids([[w for w, _ in s] for s in pool], 10_000)
    feats, owners = _features(model, corpus, rows, "polysemy features")
    # Contextual vector: the two LSTM layers averaged (the top of the char CNN is context-free).
    vecs = feats[1:].float().mean(0)
    vecs = vecs / vecs.norm(dim=-1, keepdim=True).clamp_min(1e-8)
    tokens = [(i, k) for i, s in enumerate(pool) for k in range(len(s))]
    where: dict[str, int] = {}
    for n, (i, k) in enumerate(tokens):
        w, t = pool[i][k]
        kind = "verb" if t.startswith("vb") else "noun" if t.startswith("nn") else None
        if w.lower() == word and kind and kind not in where:
            where[kind] = n

    def snippet(n: int) -> str:
        i, k = tokens[n]
        words = [w for w, _ in pool[i]]
        lo, hi = max(0, k - 6), min(len(words), k + 7)
        return " ".join(words[lo:k] + [f"[{words[k]}]"] + words[k + 1 : hi])

    contexts = []
    for kind, n in sorted(where.items()):
        sims = vecs @ vecs[n]
        sims[n] = -2.0
        same = [
            m for m in range(len(tokens)) if pool[tokens[m][0]][tokens[m][1]][0].lower() == word
        ]
        same = sorted((m for m in same if m != n), key=lambda m: -float(sims[m]))[:5]
        nearest = sims.topk(8).indices.tolist()
        contexts.append(
            {
                "use": kind,
                "context": snippet(n),
                "nearest_tokens": [
                    {
                        "word": pool[tokens[m][0]][tokens[m][1]][0],
                        "tag": pool[tokens[m][0]][tokens[m][1]][1],
                        "cosine": round(float(sims[m]), 3),
                    }
                    for m in nearest
                ],
                "nearest_same_word": [
                    {
                        "tag": pool[tokens[m][0]][tokens[m][1]][1],
                        "cosine": round(float(sims[m]), 3),
                        "context": snippet(m),
                    }
                    for m in same
                ],
            }
        )
    static = []
    if word in w2v_vectors:
        words = list(w2v_vectors)
        mat = torch.tensor(np.stack([w2v_vectors[w] for w in words]))
        mat = mat / mat.norm(dim=-1, keepdim=True).clamp_min(1e-8)
        sims = mat @ mat[words.index(word)]
        static = [
            {"word": words[m], "cosine": round(float(sims[m]), 3)}
            for m in sims.topk(9).indices.tolist()
            if words[m] != word
        ][:8]
    return {"word": word, "contexts": contexts, "static_word2vec_nearest": static}


def run(job: TrainRun) -> Path | None:
    from reproductions.word2vec.model import Word2Vec

    spec = CONFIGS[job.config]
    seed = job.seed
    train_tagged = data.brown_tagged("train")
    valid_sents = data.brown_sentences("valid")[: spec.valid_sentences]
    test_tagged = data.brown_tagged("test")[:: spec.test_every]
    train_sents = [[w for w, _ in s] for s in train_tagged]
    corpus = Corpus(train_sents, spec.vocab, spec.model.max_chars)
    cfg = replace(spec.model, vocab_size=len(corpus.out_words))
    train_rows = corpus.ids(train_sents, spec.max_tokens)
    valid_rows = corpus.ids(valid_sents, spec.max_tokens)
    tcfg = train_settings(spec.train, job.steps)

    def make_batch(step: int, info: DistInfo):  # noqa: ANN202
        # Depends only on (seed, step), so resuming and any number of processes see the same data.
        mine = draw_batch(len(train_rows), tcfg["batch_size"], seed, step, info)
        return tuple(t.to(info.device) for t in corpus.batch([train_rows[i] for i in mine]))

    def loss_fn(model: torch.nn.Module, batch) -> torch.Tensor:  # noqa: ANN001
        chars, lengths, targets = batch
        return model(chars, lengths, targets).loss

    def evaluate(model: torch.nn.Module) -> dict[str, float]:
        device = next(model.parameters()).device
        fwd, bwd = [], []
        for k in range(0, len(valid_rows), 64):
            chars, lengths, targets = corpus.batch(valid_rows[k : k + 64])
            out = model(chars.to(device), lengths.to(device), targets.to(device))
            fwd.append(out.forward_loss.item())
            bwd.append(out.backward_loss.item())
        f, b = sum(fwd) / len(fwd), sum(bwd) / len(bwd)
        return {
            "val_loss": 0.5 * (f + b),
            "val_ppl_forward": math.exp(f),
            "val_ppl_backward": math.exp(b),
        }

    torch.manual_seed(seed)
    model = BiLM(cfg)
    config = TrainConfig(name=job.config, seed=seed, log_every=10, grad_clip=1.0, **tcfg)
    result = job.train_arm("bilm", model, config, Objective(loss_fn, make_batch, evaluate))
    if not job.is_main:
        return None
    model = model.cpu().eval()

    # --- POS tagging on frozen features -----------------------------------------------------
    tspec = spec.tagger
    stride = max(1, len(train_tagged) // tspec.sentences)
    tag_train = train_tagged[::stride][: tspec.sentences]
    tags = sorted({coarse_tag(t) for s in train_tagged for _, t in s})
    tag_index = {t: i for i, t in enumerate(tags)}

    def gold(sents: list[list[tuple[str, str]]], max_tokens: int) -> torch.Tensor:
        return torch.tensor(
            [tag_index.get(coarse_tag(t), 0) for s in sents for _, t in s[:max_tokens]]
        )

    # Test sentences are tagged whole (no truncation): the biLM has no length limit.
    longest = max(len(s) for s in test_tagged)
    tr_rows = corpus.ids([[w for w, _ in s] for s in tag_train], spec.max_tokens)
    te_rows = corpus.ids([[w for w, _ in s] for s in test_tagged], longest)
    tr_feats, _ = _features(model, corpus, tr_rows, "biLM features (tagger train)")
    te_feats, _ = _features(model, corpus, te_rows, "biLM features (test)")
    y_tr, y_te = gold(tag_train, spec.max_tokens), gold(test_tagged, longest)
    te_words = [w for s in test_tagged for w, _ in s]
    oov = torch.tensor([w not in corpus.train_words for w in te_words])

    w2v_dim = 2 * cfg.proj_dim
    w2v = Word2Vec(dim=w2v_dim, sg=True, seed=seed + 1, workers=2, **asdict(spec.word2vec))
    w2v.fit(train_sents)
    w2v_vectors = {w: w2v.vectors[i] for i, w in enumerate(w2v.vocab.words)}
    zero = np.zeros(w2v_dim, dtype=np.float32)

    def static(sents: list[list[tuple[str, str]]], max_tokens: int) -> torch.Tensor:
        # Words without a vector (never in the Brown train text) get zeros: a static table has
        # nothing else to offer them.
        return torch.tensor(
            np.stack([w2v_vectors.get(w, zero) for s in sents for w, _ in s[:max_tokens]])
        )

    arms = {
        "elmo": (tr_feats, te_feats, True),
        "word2vec": (static(tag_train, spec.max_tokens), static(test_tagged, longest), False),
        "bilm_layer0": (tr_feats[0], te_feats[0], False),
        "bilm_top": (tr_feats[-1], te_feats[-1], False),
    }
    metrics = {k: v for k, v in result.metrics.items()}
    curves = dict(result.curves)
    mix_weights = None
    for arm, (ftr, fte, mixed) in arms.items():
        ftr, fte = _standardize(ftr, fte)
        linear, mix, curve = _train_tagger(
            ftr, y_tr, len(tags), tspec, seed, mixed, desc=f"tagger ({arm})"
        )
        acc, acc_oov = _accuracy(_predict(linear, mix, fte), y_te, oov)
        metrics[f"pos_acc_{arm}"] = acc
        metrics[f"pos_acc_oov_{arm}"] = acc_oov
        curves[f"tagger_loss_{arm}"] = curve
        if mix is not None:
            mix_weights = {
                "s": torch.softmax(mix.scalar_parameters, 0).tolist(),
                "gamma": float(mix.gamma.detach()),
            }
        print(f"POS accuracy {arm}: {acc:.4f} (OOV {acc_oov:.4f})")
    metrics["test_tokens"] = int(y_te.shape[0])
    metrics["test_oov_tokens"] = int(oov.sum())
    metrics["val_ppl"] = math.exp(metrics["val_loss"])

    polysemy = _polysemy(
        model, corpus, train_tagged, w2v_vectors, POLYSEMY_WORD, spec.polysemy_pool
    )

    config_record = {
        "model": asdict(cfg),
        "vocab": spec.vocab,
        "max_tokens": spec.max_tokens,
        "train": tcfg,
        "tagger": asdict(tspec) | {"train_sentences": len(tag_train), "tags": len(tags)},
        "word2vec": asdict(spec.word2vec) | {"dim": w2v_dim, "sg": True},
        "data": "Brown: biLM and Word2Vec on the train split's words; tagger on every "
        f"{stride}th train sentence; accuracy on every {spec.test_every}th sentence of the "
        "test split; tags without -tl/-hl/-nc marks",
    }
    path = job.publish(
        metrics,
        curves,
        (PAPER_METRICS, PAPER_ID),
        config=config_record,
        data=data.checksums(["brown"]),
        # The polysemy example and the learned mix weights have no slot in schema 1.
        extra={"polysemy": polysemy, "scalar_mix": mix_weights},
    )
    plot_pos(path, path.with_name(f"{job.name}-pos.png"))
    return path


ARM_LABELS = {
    "elmo": "ELMo (scalar mix)",
    "bilm_top": "biLM top layer",
    "bilm_layer0": "biLM layer 0 (char CNN)",
    "word2vec": "static Word2Vec",
}


def plot_pos(results_path: Path, out_png: Path) -> Path:
    """The baseline's picture, from the results file: POS accuracy of each feature set (all test
    tokens and OOV tokens) beside the tagger's training loss per L-BFGS evaluation."""
    plt = pyplot()
    record = read_results(results_path)
    metrics, curves = record["metrics"], record["curves"]
    arms = [a for a in ARM_LABELS if f"pos_acc_{a}" in metrics]
    fig, (bars, loss) = plt.subplots(1, 2, figsize=(11, 4.2))
    y = np.arange(len(arms))
    for offset, key, label in ((-0.2, "pos_acc", "all tokens"), (0.2, "pos_acc_oov", "OOV")):
        values = [100 * metrics[f"{key}_{a}"] for a in arms]
        drawn = bars.barh(y + offset, values, height=0.38, label=label)
        bars.bar_label(drawn, fmt="%.1f", padding=2, fontsize=8)
    bars.set_yticks(y, [ARM_LABELS[a] for a in arms])
    bars.invert_yaxis()
    bars.set_xlim(0, 105)
    bars.set_xlabel("POS accuracy on Brown test (%)")
    bars.legend(loc="lower right", fontsize=8)
    bars.grid(axis="x", alpha=0.3)
    for a in arms:
        points = curves.get(f"tagger_loss_{a}") or []
        loss.plot([p[0] for p in points], [p[1] for p in points], label=ARM_LABELS[a])
    loss.set_yscale("log")
    loss.set_xlabel("L-BFGS function evaluation")
    loss.set_ylabel("tagger training loss (nats)")
    loss.legend(fontsize=8)
    loss.grid(alpha=0.3)
    mix = record.get("scalar_mix") or {}
    weights = ", ".join(f"{w:.2f}" for w in mix.get("s", []))
    fig.suptitle(
        f"elmo · {record['run']}: the same linear tagger on each feature set"
        + (f" (mix weights {weights}, gamma {mix['gamma']:.2f})" if weights else "")
    )
    fig.tight_layout()
    return save_figure(fig, out_png)


main = cli.train_main("elmo", run, __doc__, sorted(CONFIGS), default="small")


if __name__ == "__main__":
    main()
