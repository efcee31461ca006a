"""Benchmark: our Word2Vec against gensim, quality and speed, on two corpora and four modes.

For each corpus (`small`: gensim's 0.47M-word Wikipedia sample; `mixed`: Brown + that sample +
Shakespeare + the Pang & Lee reviews, about 3.5M words) and each mode (skip-gram / CBOW ×
hierarchical softmax / negative sampling 5), both implementations train with the same settings
(gensim's defaults: 100 dims, window 5, min_count 5, sample 1e-3, 5 epochs) and threads, on the
same sentences (lines cut into 10,000-word pieces, as gensim's LineSentence cuts them), for seeds
1..N, alternating gensim and ours. Measured: analogy accuracy (questions-words.txt), Spearman ρ
on WordSim353 and SimLex-999, and training words per second (corpus words × epochs / training
time, vocabulary building excluded for both; our numba kernels are compiled beforehand).

Each row reports mean ± sd per side, the difference of the means and Welch's t statistic, and
whether the goals hold, computed here: analogy no more than 5% (relative) below gensim's,
WordSim353 and SimLex-999 no more than 0.01 below, median speed ratio ≥ 1.0.

Writes benchmarks/results/word2vec.json after every run (so a stopped run keeps what it did) and,
at the end, the table in reproductions/word2vec/README.md between the BENCHMARK markers
(`--table-only` rewrites the table from the JSON).

Example: python benchmarks/word2vec_vs_gensim.py --seeds 3 --workers 2 --corpora small mixed
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reproductions.common.readme_block import replace_block  # noqa: E402
from reproductions.common.results import command_line, provenance  # noqa: E402
from reproductions.word2vec.corpora import CORPORA, checksums, corpus_file  # noqa: E402
from reproductions.word2vec.evaluate import evaluate, keyed_vectors  # noqa: E402
from reproductions.word2vec.model import (  # noqa: E402
    MAX_SENTENCE_LEN,
    Word2Vec,
    Word2VecConfig,
    read_corpus,
)
from reproductions.word2vec.reference import gensim_model, train_gensim  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "word2vec.json"
# The same benchmark run earlier with gensim given `total_examples`: its α fell by sentences.
BY_SENTENCES = ROOT / "benchmarks" / "results" / "word2vec-gensim-alpha-by-sentences.json"
README = ROOT / "reproductions" / "word2vec" / "README.md"
MODES = {
    "sg-ns": {"sg": True, "hs": False, "negative": 5},
    "sg-hs": {"sg": True, "hs": True, "negative": 0},
    "cbow-ns": {"sg": False, "hs": False, "negative": 5},
    "cbow-hs": {"sg": False, "hs": True, "negative": 0},
}
MODE_NAMES = {
    "sg-ns": "skip-gram, NS 5",
    "sg-hs": "skip-gram, HS",
    "cbow-ns": "CBOW, NS 5",
    "cbow-hs": "CBOW, HS",
}
SETTINGS = {"dim": 100, "window": 5, "min_count": 5, "sample": 1e-3}
METRICS = ("analogy_accuracy", "wordsim353_spearman", "simlex999_spearman")
GOALS = {
    "analogy_accuracy": "ours ≥ 0.95 × gensim (at most 5% relative below)",
    "wordsim353_spearman": "ours ≥ gensim − 0.01",
    "simlex999_spearman": "ours ≥ gensim − 0.01",
    "speed_ratio": "median ours / median gensim ≥ 1.0",
}


def run_provenance(args: argparse.Namespace, data_sums: dict, started: float) -> dict:
    """Provenance of a word2vec benchmark run: its arguments, the corpus checksums and the
    command as typed (all three word2vec benchmarks record theirs this way)."""
    config = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    return provenance(config, 1, data_sums, started, command=command_line())


def pieces(sentences: list[list[str]]) -> list[list[str]]:
    """Lines cut into 10,000-word pieces, the sentences both implementations train on."""
    return [
        s[k : k + MAX_SENTENCE_LEN] for s in sentences for k in range(0, len(s), MAX_SENTENCE_LEN)
    ]


def run_gensim(sentences: list[list[str]], c: Word2VecConfig) -> tuple[dict, dict]:
    model = gensim_model(sentences, Word2Vec(Word2VecConfig(**vars(c))))
    start, cpu = time.perf_counter(), time.process_time()
    train_gensim(model, sentences, c.epochs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    words = sum(map(len, sentences)) * c.epochs
    return _speed(words, seconds, cpu_seconds), evaluate(model.wv)


def run_ours(sentences: list[list[str]], c: Word2VecConfig) -> tuple[dict, dict]:
    model = Word2Vec(Word2VecConfig(**vars(c)))
    model.prepare(sentences)  # vocabulary and encoding, untimed as gensim's build_vocab
    rng = np.random.default_rng([c.seed, 2013])
    start, cpu = time.perf_counter(), time.process_time()
    for epoch in range(c.epochs):
        model.train_epoch(model.plan_epoch(epoch, rng))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    words = model.raw_words * c.epochs
    return _speed(words, seconds, cpu_seconds), evaluate(
        keyed_vectors(model.vocab.words, model.vectors)
    )


def _speed(words: int, seconds: float, cpu_seconds: float) -> dict:
    # On a shared machine wall time depends on what else runs; CPU time (all threads of the
    # process) is the work each implementation needs, so both are recorded.
    # The machine's 1-minute load average at the end of the run says how busy it was.
    return {
        "words_per_second": round(words / seconds),
        "words_per_cpu_second": round(words / max(cpu_seconds, 1e-9)),
        "load_average": round(os.getloadavg()[0], 2),
    }


def _welch(a: list[float], b: list[float]) -> tuple[float, float, float] | None:
    """mean(a) - mean(b), its standard error with unequal variances and the Welch–Satterthwaite
    degrees of freedom (None with fewer than 2 runs a side)."""
    if len(a) < 2 or len(b) < 2:
        return None
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    diff = statistics.fmean(a) - statistics.fmean(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)) if va + vb else math.inf
    return diff, math.sqrt(va + vb), df


def welch_t(a: list[float], b: list[float]) -> float | None:
    """t of mean(a) - mean(b) with unequal variances (None with fewer than 2 runs a side)."""
    if (w := _welch(a, b)) is None:
        return None
    diff, se, _ = w
    if se == 0:
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return diff / se


def welch_p(a: list[float], b: list[float]) -> float | None:
    """Two-sided p of Welch's t with the Welch–Satterthwaite degrees of freedom."""
    from scipy import stats

    if (w := _welch(a, b)) is None:
        return None
    diff, se, df = w
    if se == 0:
        return 1.0 if diff == 0 else 0.0
    return float(2 * stats.t.sf(abs(diff / se), df))


def welch_ci(a: list[float], b: list[float], level: float = 0.95) -> tuple[float, float] | None:
    """The confidence interval of mean(a) - mean(b) (Welch): diff ± t_{df} · se."""
    from scipy import stats

    if (w := _welch(a, b)) is None:
        return None
    diff, se, df = w
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se if se else 0.0
    return diff - half, diff + half


def paired_ratio_ci(
    ours: dict[int, float], gensim: dict[int, float], level: float = 0.95
) -> tuple[float, float, float] | None:
    """Geometric mean of the per-seed speed ratios (the two sides of a seed run back to back)
    and its confidence interval, from a t interval on the log ratios."""
    from scipy import stats

    logs = [math.log(ours[s] / gensim[s]) for s in sorted(ours) if s in gensim]
    if len(logs) < 2:
        return None
    mean, se = statistics.fmean(logs), statistics.stdev(logs) / math.sqrt(len(logs))
    half = float(stats.t.ppf(0.5 + level / 2, len(logs) - 1)) * se
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


def summarise(runs: list[dict]) -> dict:
    """Mean, sd, difference, t and the goals for one corpus × mode from its runs."""
    side = {s: [r for r in runs if r["side"] == s] for s in ("ours", "gensim")}
    out: dict = {"seeds": sorted({r["seed"] for r in runs}), "metrics": {}}
    for m in METRICS:
        a = [r[m] for r in side["ours"]]
        b = [r[m] for r in side["gensim"]]
        if not a or not b:
            continue
        mean_a, mean_b = statistics.fmean(a), statistics.fmean(b)
        entry = {
            "ours_mean": round(mean_a, 4),
            "ours_sd": round(statistics.stdev(a), 4) if len(a) > 1 else 0.0,
            "gensim_mean": round(mean_b, 4),
            "gensim_sd": round(statistics.stdev(b), 4) if len(b) > 1 else 0.0,
            "difference": round(mean_a - mean_b, 4),
            "welch_t": None if (t := welch_t(a, b)) is None else round(t, 2),
            "p_value": None if (pv := welch_p(a, b)) is None else round(pv, 3),
        }
        if m == "analogy_accuracy":
            entry["relative_difference"] = round((mean_a - mean_b) / mean_b, 4) if mean_b else None
            entry["holds"] = mean_a >= 0.95 * mean_b
            allowed = -0.05 * mean_b  # the goal's bound on ours − gensim
        else:
            entry["holds"] = mean_a >= mean_b - 0.01
            allowed = -0.01
        if (ci := welch_ci(a, b)) is not None:
            entry["ci95"] = [round(ci[0], 4), round(ci[1], 4)]
            # A missed goal whose interval still reaches the bound: the seeds cannot tell the
            # miss from meeting it (nor, where the interval holds 0, from no difference).
            entry["within_noise"] = not entry["holds"] and ci[1] >= allowed
        out["metrics"][m] = entry
    wps = {s: [r["words_per_second"] for r in side[s]] for s in side}
    cpu = {s: [r["words_per_cpu_second"] for r in side[s]] for s in side}
    if wps["ours"] and wps["gensim"]:
        ratio = statistics.median(wps["ours"]) / statistics.median(wps["gensim"])
        out["speed"] = {
            "ours_words_per_s": round(statistics.median(wps["ours"])),
            "gensim_words_per_s": round(statistics.median(wps["gensim"])),
            "ratio": round(ratio, 3),
            "cpu_ratio": round(
                statistics.median(cpu["ours"]) / statistics.median(cpu["gensim"]), 3
            ),
            "holds": ratio >= 1.0,
        }
        paired = paired_ratio_ci(
            {r["seed"]: r["words_per_second"] for r in side["ours"]},
            {r["seed"]: r["words_per_second"] for r in side["gensim"]},
        )
        if paired is not None:
            out["speed"]["paired_ratio"] = round(paired[0], 3)
            out["speed"]["paired_ratio_ci95"] = [round(paired[1], 3), round(paired[2], 3)]
            out["speed"]["within_noise"] = ratio < 1.0 and paired[2] >= 1.0
    # The goals are stated for means over at least 3 seeds: fewer cannot meet them.
    goals = [*out["metrics"].values(), out.get("speed", {"holds": False})]
    decided = len(out["seeds"]) >= 3
    out["holds"] = decided and all(e["holds"] for e in goals)
    # Missed, but the interval of every goal it misses still reaches that goal.
    missed = [e for e in goals if not e["holds"]]
    out["within_noise"] = decided and bool(missed) and all(e.get("within_noise") for e in missed)
    return out


def build_report(runs: list[dict], meta: dict) -> dict:
    rows = []
    for corpus in meta["corpora"]:
        for mode in meta["modes"]:
            chosen = [r for r in runs if r["corpus"] == corpus and r["mode"] == mode]
            if chosen:
                rows.append({"corpus": corpus, "mode": mode, **summarise(chosen)})
    per_corpus = _seeds_per_corpus(meta)
    complete = len(runs) == sum(2 * len(meta["modes"]) * per_corpus[c] for c in meta["corpora"])
    return {**meta, "complete": complete, "rows": rows, "runs": runs}


def _seeds_per_corpus(meta: dict) -> dict[str, int]:
    """Seeds a side per corpus (one number for all, in runs recorded before corpora differed)."""
    return {c: meta.get("seeds_per_corpus", {}).get(c, meta["seeds"]) for c in meta["corpora"]}


def _seeds_text(report: dict) -> str:
    per_corpus = _seeds_per_corpus(report)
    if len(set(per_corpus.values())) == 1:
        return f"seeds 1 to {report['seeds']} per side"
    return "seeds " + ", ".join(f"1 to {n} ({c})" for c, n in per_corpus.items()) + " per side"


def _cell(entry: dict, digits: int, seeds: int) -> tuple[str, str]:
    if seeds < 2:
        return f"{entry['ours_mean']:.{digits}f}", f"{entry['gensim_mean']:.{digits}f}"
    return f"{entry['ours_mean']:.{digits}f} ± {entry['ours_sd']:.{digits}f}", (
        f"{entry['gensim_mean']:.{digits}f} ± {entry['gensim_sd']:.{digits}f}"
    )


def _row_commits(report: dict, row: dict) -> str:
    """The commits whose code measured a row's runs (a resumed benchmark may span several)."""
    stages = report.get("stages") or [report["provenance"]]
    used = {
        r.get("stage", 0)
        for r in report["runs"]
        if (r["corpus"], r["mode"]) == (row["corpus"], row["mode"])
    }
    return ", ".join(
        dict.fromkeys(f"`{(stages[k]['git_commit'] or '')[:7]}`" for k in sorted(used))
    )


def _t(entry: dict) -> str:
    if entry["welch_t"] is None:
        return "t n/a, 1 seed"
    return f"t = {entry['welch_t']}, p = {entry['p_value']}"


def markdown_table(report: dict) -> str:
    prov = report["provenance"]
    stages = report.get("stages") or [prov]
    unique = dict.fromkeys(f"`{(st['git_commit'] or '')[:10]}`" for st in stages)
    commits = ("commits " if len(unique) > 1 else "commit ") + ", ".join(unique)
    lines = [
        f"Settings: {report['settings']['epochs']} epochs, {SETTINGS['dim']} dims, window "
        f"{SETTINGS['window']}, min_count {SETTINGS['min_count']}, sample {SETTINGS['sample']}, "
        f"{report['settings']['workers']} threads each; {_seeds_text(report)}; "
        f"the learning rate of both falls by {_alpha_by(report)}. "
        f"Measured at {commits}, {prov['hardware'].get('cpu', '?')}{_load(report)}."
        + ("" if report["complete"] else " **Incomplete run: only the rows below were measured.**"),
        "",
        "| corpus | mode | analogy ours | analogy gensim | rel. diff (t) | WS353 ours | WS353 gensim | diff (t) | SimLex ours | SimLex gensim | diff (t) | words/s ours | words/s gensim | ratio | CPU-time ratio | goals | commit |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        m = r["metrics"]
        an, ws, sl = m["analogy_accuracy"], m["wordsim353_spearman"], m["simlex999_spearman"]
        n = len(r["seeds"])
        a_o, a_g = _cell(an, 2, n)
        w_o, w_g = _cell(ws, 3, n)
        s_o, s_g = _cell(sl, 3, n)
        sp = r.get("speed", {})
        lines.append(
            f"| {report['corpus_names'][r['corpus']]} | {MODE_NAMES[r['mode']]} | {a_o}% | {a_g}% | "
            f"{100 * an['relative_difference']:+.1f}% ({_t(an)}) | {w_o} | {w_g} | "
            f"{ws['difference']:+.3f} ({_t(ws)}) | {s_o} | {s_g} | {sl['difference']:+.3f} ({_t(sl)}) | "
            f"{sp.get('ours_words_per_s', 0):,} | {sp.get('gensim_words_per_s', 0):,} | {sp.get('ratio', 0):.2f} | "
            f"{sp.get('cpu_ratio', 0):.2f} | "
            f"{_verdict(r, n)} | "
            f"{_row_commits(report, r)} |"
        )
    decided = [r for r in report["rows"] if len(r["seeds"]) >= 3]
    significant = [
        f"{r['corpus']} {MODE_NAMES[r['mode']]} {m} ({'ours better' if e['difference'] > 0 else 'gensim better'}, p = {e['p_value']})"
        for r in report["rows"]
        for m, e in r["metrics"].items()
        if e.get("p_value") is not None and e["p_value"] < 0.05
    ]
    noisy = sum(bool(r.get("within_noise")) for r in decided)
    lines += [
        "",
        f"Rows over ≥ 3 seeds meeting every goal: {sum(r['holds'] for r in decided)} of "
        f"{len(decided)}; missed within noise (the 95% interval of every missed goal reaches the "
        f"goal): {noisy}. Quality differences with p < 0.05: "
        + ("; ".join(significant) if significant else "none")
        + ".",
    ]
    lines += [
        "",
        "Quality: mean ± sd over the seeds; t is Welch's t of ours − gensim and p its two-sided "
        "p-value (a large p: the difference is within seed-to-seed noise). Speed: median words/s "
        "(wall clock; the goal) and the ratio of median words per CPU-second (all threads; on a "
        "shared machine the work each side needs, whatever else runs). "
        "Goals (computed in the benchmark): analogy at most 5% relative below gensim, WS353 and "
        "SimLex at most 0.01 below, speed ratio ≥ 1.0. A miss is *within noise* when the 95% "
        "interval of the difference (Welch's; for speed, of the per-seed ratio of the two sides, "
        "which run back to back) still reaches the goal: these seeds cannot tell it from meeting "
        "the goal. Analogy accuracy is over the questions whose words are all in the vocabulary.",
    ]
    if BY_SENTENCES.is_file() and _alpha_by(report) == "corpus words":
        lines += ["", *schedule_table(report, json.loads(BY_SENTENCES.read_text("utf-8")))]
    return "\n".join(lines)


def _verdict(row: dict, seeds: int) -> str:
    """met, or which goals missed and by how much, with the 95% interval of the difference. A
    miss whose interval reaches the goal is within seed-to-seed noise: these seeds cannot tell it
    from meeting the goal."""
    if seeds < 3:
        return f"{seeds} seed(s): not decided"
    if row["holds"]:
        return "met"
    missed = []
    for metric, name in (("analogy_accuracy", "analogy"), ("wordsim353_spearman", "WS353"),
                         ("simlex999_spearman", "SimLex")):  # fmt: skip
        e = row["metrics"][metric]
        if e["holds"]:
            continue
        if metric == "analogy_accuracy":  # relative to gensim's mean, in %
            scale, unit, digits, by = 100 / e["gensim_mean"], "%", 1, 100 * e["relative_difference"]
        else:
            scale, unit, digits, by = 1.0, "", 3, e["difference"]
        text = f"{name} {by:+.{digits}f}{unit}"
        if "ci95" in e:
            lo, hi = (scale * x for x in e["ci95"])
            text += (
                f" (95% CI {lo:+.{digits}f}{unit} to {hi:+.{digits}f}{unit}, p = {e['p_value']})"
            )
        missed.append(text)
    speed = row.get("speed", {})
    if not speed.get("holds", False):
        text = f"speed {speed.get('ratio', 0):.2f}×"
        if "paired_ratio_ci95" in speed:
            lo, hi = speed["paired_ratio_ci95"]
            text += f" (per seed {speed['paired_ratio']:.2f}×, 95% CI {lo:.2f} to {hi:.2f})"
        missed.append(text)
    head = "missed, within noise: " if row.get("within_noise") else "missed: "
    return head + "; ".join(missed)


def _load(report: dict) -> str:
    loads = [r["load_average"] for r in report["runs"] if "load_average" in r]
    if not loads:
        return ""
    cores = report["provenance"]["hardware"].get("cpu_count", "?")
    return f" ({cores} cores; load average {min(loads):.1f} to {max(loads):.1f} over the runs)"


def _alpha_by(report: dict) -> str:
    # Runs before the setting was recorded gave gensim total_examples.
    by = report["settings"].get("gensim_alpha_by", "sentences")
    return "corpus words" if by == "words" else "corpus words in ours, by sentences in gensim"


def schedule_table(report: dict, earlier: dict) -> list[str]:
    """Ours − gensim with gensim's α falling by sentences (the earlier run) and by words (this)."""
    rows = {(r["corpus"], r["mode"]): r for r in report["rows"]}
    commits = ", ".join(dict.fromkeys(f"`{st['git_commit'][:7]}`" for st in earlier["stages"]))
    lines = [
        "Learning-rate schedule: gensim lowers α by the total it is given. The earlier run of "
        f"this benchmark (`{BY_SENTENCES.relative_to(ROOT)}`, {commits}) gave it "
        "`total_examples`, so its α fell by sentences while ours fell by words; on the mixed "
        "corpus, whose lines run from 20-word sentences to 10,000-word pieces, that alone moved "
        "the scores. Ours − gensim (p):",
        "",
        "| corpus | mode | metric | gensim's α by sentences | by words, as ours |",
        "|---|---|---|---|---|",
    ]
    for old in earlier["rows"]:
        new = rows.get((old["corpus"], old["mode"]))
        if new is None:
            continue
        for metric, name in (("simlex999_spearman", "SimLex"), ("wordsim353_spearman", "WS353")):
            a, b = old["metrics"][metric], new["metrics"][metric]
            lines.append(
                f"| {old['corpus']} | {MODE_NAMES[old['mode']]} | {name} | "
                f"{a['difference']:+.3f} ({a['p_value']}) | {b['difference']:+.3f} ({b['p_value']}) |"
            )
    return lines


def write_readme(report: dict) -> None:
    replace_block(README, "BENCHMARK", markdown_table(report))


def _write(path: Path, report: dict) -> None:
    """The results file, whole or not at all, through the project's one atomic writer."""
    from tracker.atomic import atomic_write_text

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/word2vec_vs_gensim.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seeds", type=int, default=3, help="runs per side (seeds 1..N)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--corpora", nargs="+", choices=CORPORA, default=list(CORPORA))
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README table")
    parser.add_argument(
        "--resume", action="store_true", help="keep the runs already in --out, add the missing ones"
    )
    parser.add_argument(
        "--order",
        choices=("seed", "mode"),
        default="seed",
        help="seed: all modes of seed 1 first; mode: all seeds of a mode first",
    )
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="recompute the rows from the runs recorded in --out, rewrite it and the README table",
    )
    args = parser.parse_args(argv)
    if args.table_only:
        # The recorded runs are the measurements; the rows (means, t, p, goals) are recomputed
        # from them by this code, whose commit is noted beside the measuring run's provenance.
        from reproductions.common.results import _git

        old = json.loads(args.out.read_text(encoding="utf-8"))
        meta = {k: v for k, v in old.items() if k not in ("rows", "runs", "complete")}
        meta["summarised_at_commit"] = _git("rev-parse", "HEAD")
        report = build_report(old["runs"], meta)
        _write(args.out, report)
        write_readme(report)
        return

    started = time.time()
    corpora = {name: pieces(list(read_corpus(corpus_file(name)))) for name in args.corpora}
    compile_start = time.perf_counter()
    for mode in MODES.values():
        Word2Vec(min_count=1, epochs=1, workers=args.workers, **mode).fit(
            corpora[args.corpora[0]][:50], progress=False
        )
    compile_seconds = time.perf_counter() - compile_start
    data_sums: dict[str, str] = {}
    for name in args.corpora:
        data_sums.update(checksums(name))
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.resume else {}
    done = {(r["corpus"], r["mode"], r["seed"]) for r in previous.get("runs", [])}
    corpus_names = {**previous.get("corpus_names", {})}
    corpus_words = {**previous.get("corpus_words", {})}
    for name, s in corpora.items():
        corpus_names[name] = f"{name} ({sum(map(len, s)) / 1e6:.2f}M words)"
        corpus_words[name] = sum(map(len, s))
    meta = {
        "benchmark": "word2vec vs gensim",
        "corpora": [c for c in CORPORA if c in corpus_names],
        "corpus_names": corpus_names,
        "corpus_words": corpus_words,
        "modes": [m for m in MODES if m in {*args.modes, *previous.get("modes", [])}],
        "seeds": 0,  # the most of any corpus, below
        "settings": {
            **SETTINGS,
            "epochs": args.epochs,
            "workers": args.workers,
            "gensim_alpha_by": "words",
        },
        "goals": GOALS,
        "numba_compile_seconds": round(compile_seconds, 2),
    }
    # A resumed run may add seeds on some corpora only (the small one, whose intervals are wide).
    per_corpus = _seeds_per_corpus(previous) if previous else {}
    for name in args.corpora:
        per_corpus[name] = max(args.seeds, per_corpus.get(name, 0))
    meta["seeds_per_corpus"] = {c: per_corpus[c] for c in meta["corpora"]}
    meta["seeds"] = max(per_corpus.values())
    if previous and previous["settings"] != meta["settings"]:
        sys.exit(f"error: {args.out} was measured with {previous['settings']}; resume with those")
    # Taken once, before the first run: the code and tree the numbers come from. A resumed
    # benchmark keeps each stage's provenance; every run names the stage that measured it.
    meta["provenance"] = run_provenance(args, data_sums, started)
    stages = previous.get("stages") or ([previous["provenance"]] if previous else [])
    stage = len(stages)
    meta["stages"] = [*stages, meta["provenance"]]
    runs: list[dict] = [{"stage": 0, **r} for r in previous.get("runs", [])]
    if args.order == "seed":  # all modes of a seed before the next: a stopped run has whole seeds
        plan = [
            (c, sd, m) for c in args.corpora for sd in range(1, args.seeds + 1) for m in args.modes
        ]
    else:  # every seed of a mode before the next: a stopped run has whole rows
        plan = [
            (c, sd, m) for c in args.corpora for m in args.modes for sd in range(1, args.seeds + 1)
        ]
    plan = [item for item in plan if item not in {(c, sd, m) for c, m, sd in done}]
    bar = tqdm(total=len(plan), desc="word2vec vs gensim", unit="pair")
    for name, seed, mode in plan:
        config = Word2VecConfig(
            **MODES[mode], **SETTINGS, epochs=args.epochs, workers=args.workers, seed=seed
        )
        sides = [("gensim", run_gensim), ("ours", run_ours)]
        if seed % 2 == 0:  # alternate who goes first, so a drift in the machine's speed (a
            sides.reverse()  # neighbour starting, memory being reclaimed) falls on both sides
        for side, run in sides:
            speed, quality = run(corpora[name], config)
            runs.append(
                {"corpus": name, "mode": mode, "seed": seed, "side": side, "stage": stage,
                 **speed, **quality}
            )  # fmt: skip
        meta["provenance"]["wall_time_s"] = round(time.time() - started, 3)
        _write(args.out, build_report(runs, meta))
        bar.update(1)
    bar.close()
    meta["provenance"]["wall_time_s"] = round(time.time() - started, 3)
    report = build_report(runs, meta)
    _write(args.out, report)
    print(markdown_table(report))
    if not args.no_readme:
        write_readme(report)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
