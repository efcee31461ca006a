"""Summarise benchmarks/results/*.json into the README's benchmark table.

Every number in the table comes from a results file written by the benchmark script named in
its row; a benchmark that has not been run shows as such. Rewrites the part of README.md between
the BENCHMARKS markers and prints the table.

Example: python benchmarks/summary.py
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from reproductions.common.readme_block import replace_block

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _ok(value: float, goal: float, *, below: bool = True) -> str:
    return "met" if (value < goal if below else value >= goal) else "missed"


def _when(d: dict) -> str:
    prov = d.get("provenance") or {}
    return str(prov.get("started_at") or prov.get("time") or d.get("measured_at") or "")[:16]


def row_sync(d: dict) -> list[str]:
    s = d["seconds"]
    return [
        "sync of a spreadsheet file",
        f"{d['rows']:,} rows",
        f"nothing changed {s['nothing_changed_dry_run']:.2f} s; 50 cells each side {s['50_cells_each_side_apply']:.2f} s; first pull {s['first_pull_into_empty_papers']:.1f} s",
        "< 1 s",
        _ok(max(s["nothing_changed_dry_run"], s["50_cells_each_side_apply"]), 1.0),
        "bench_sync.py",
    ]


def row_gsheets(d: dict) -> list[str]:
    s = d["scenarios"]
    return [
        "Google Sheets sync (loopback API, real gspread)",
        f"{d['rows']:,} rows",
        f"requests: {s['nothing_changed']['api_requests_max']} unchanged / {s['something_changed']['api_requests_max']} changed; {s['nothing_changed']['seconds_median']:.2f} s / {s['something_changed']['seconds_median']:.2f} s",
        "≤ 4 / ≤ 6 requests",
        "met" if d.get("within_request_budget") else "missed",
        "bench_gsheets_sync.py",
    ]


def row_assign(d: dict) -> list[str]:
    return [
        "exact quota assignment (MILP)",
        f"{d['members']} members × {d['papers']:,} papers",
        f"solve {d['solve_seconds_best']:.2f} s, end to end {d['end_to_end_seconds_best']:.2f} s",
        f"< {d['goal_seconds']:.0f} s",
        _ok(d["solve_seconds_best"], d["goal_seconds"]),
        "bench_assign.py",
    ]


def row_schedule(d: dict) -> list[str]:
    return [
        "exact presenter rota (MILP)",
        f"{d['members']} members × {d['weeks']} weeks × {d['slots']} slots, {d['papers']:,} papers",
        f"end to end {d['end_to_end_seconds_best']:.2f} s (solve {d['solve_seconds_best']:.2f} s); "
        f"counts {d['loads_min_max'][0]}-{d['loads_min_max'][1]}, {d['consecutive']} twice in a row",
        f"< {d['goal_seconds']:.0f} s",
        _ok(d["end_to_end_seconds_best"], d["goal_seconds"]),
        "bench_schedule.py",
    ]


def row_site(d: dict) -> list[str]:
    return [
        "site build (mkdocs --strict)",
        f"{d['notes']} notes, {d['papers']:,} papers",
        f"{d['build_total_s']:.1f} s ({d['html_pages']:,} pages; generation {d['generate_s']:.1f} s)",
        f"< {d['goal_s']} s",
        _ok(d["build_total_s"], d["goal_s"]),
        "bench_site_build.py",
    ]


def row_dashboard(d: dict) -> list[str]:
    p = d["pages"]
    worst = max(p["reading_list"]["first_render_s"], p["quota"]["first_render_s"])
    return [
        "dashboard first render",
        f"{d['papers']:,} papers, {d['members']} members",
        f"reading list {p['reading_list']['first_render_s']:.2f} s, quota {p['quota']['first_render_s']:.2f} s",
        f"< {d['goal_s']} s",
        _ok(worst, d["goal_s"]),
        "bench_dashboard.py",
    ]


def row_lab(d: dict) -> list[str]:
    hw = d.get("hardware") or d["provenance"]["hardware"]  # older files kept it at the top
    v = d["views"]
    worst = max(x["first_render_s"] for x in v.values())
    return [
        "lab views first render (models cached)",
        f"5 views, load {hw['load_average_1m']:.0f} on {hw['cpus']} cores",
        ", ".join(f"{name} {x['first_render_s']:.2f} s" for name, x in v.items()),
        f"< {d['goal_s']} s",
        _ok(worst, d["goal_s"]),
        "bench_lab.py",
    ]


def row_word2vec(d: dict) -> list[str]:
    # Goals are computed by word2vec_vs_gensim.py itself (each row's "holds").
    rows = d["rows"]
    worst_ratio = min(r["speed"]["ratio"] for r in rows)
    worst_analogy = min(r["metrics"]["analogy_accuracy"]["relative_difference"] for r in rows)
    worst_ws = min(r["metrics"]["wordsim353_spearman"]["difference"] for r in rows)
    met = sum(r["holds"] for r in rows)
    return [
        "Word2Vec vs gensim",
        ", ".join(d["corpus_names"].values()) + f"; {len(rows)} corpus × mode rows",
        f"worst: ×{worst_ratio:.2f} speed, analogy {100 * worst_analogy:+.1f}% rel., "
        f"WS353 {worst_ws:+.3f}; {met}/{len(rows)} rows meet all goals",
        "ratio ≥ 1, analogy ≥ −5% rel., WS353/SimLex ≥ −0.01",
        "met" if met == len(rows) and d.get("complete") else "missed",
        "word2vec_vs_gensim.py",
    ]


def _vs_hf(label: str, shape: str, script: str) -> Callable[[dict], list[str]]:
    def row(d: dict) -> list[str]:
        r = d["results"]
        ratios = {k: v["ratio"] for k, v in r.items()}
        text = ", ".join(f"{k} ours/HF {v:.2f}" for k, v in ratios.items())
        return [
            label,
            shape,
            text,
            "ratio ≤ 1.0",
            "met" if all(v <= 1.0 for v in ratios.values()) else "missed",
            script,
        ]

    return row


ROWS: list[tuple[str, Callable[[dict], list[str]]]] = [
    ("sync", row_sync),
    ("gsheets_sync", row_gsheets),
    ("assign", row_assign),
    ("schedule", row_schedule),
    ("site_build", row_site),
    ("dashboard", row_dashboard),
    ("lab", row_lab),
    ("word2vec", row_word2vec),
    ("bert", _vs_hf("BERT vs HF (sdpa)", "BERT-base shape, 8 × 128", "bert_vs_hf.py")),
    ("gpt2", _vs_hf("GPT-2 vs HF (sdpa)", "GPT-2 124M shape, 4 × 256", "gpt2_vs_hf.py")),
    (
        "transformer",
        _vs_hf("Transformer vs Marian (sdpa)", "see the script", "transformer_vs_hf.py"),
    ),
]


def table() -> str:
    lines = [
        "| benchmark | size | measured | goal | | script (when) |",
        "|---|---|---|---|---|---|",
    ]
    for name, fn in ROWS:
        data = _load(name)
        if data is None:
            lines.append(f"| {name} | | not run yet | | | |")
            continue
        cells = fn(data)
        cells[-1] = f"`{cells[-1]}` ({_when(data)})"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-readme", action="store_true", help="print only")
    args = parser.parse_args()
    text = table()
    print(text)
    if not args.no_readme:
        replace_block(ROOT / "README.md", "BENCHMARKS", text)


if __name__ == "__main__":
    main()
