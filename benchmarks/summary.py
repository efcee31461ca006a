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


def _under(seconds: float, goal: float, shown: str = "") -> list[str]:
    """The goal and verdict cells of a time limit (`shown` is the goal as the table prints it)."""
    return [f"< {shown or goal} s", _ok(seconds, goal)]


# Each function below turns one results file into the size, measured, goal and verdict cells of
# its row; ROWS adds the label before them and the script after.


def row_sync(d: dict) -> list[str]:
    s = d["seconds"]
    return [
        f"{d['rows']:,} rows",
        f"nothing changed {s['nothing_changed_dry_run']:.2f} s; 50 cells each side {s['50_cells_each_side_apply']:.2f} s; first pull {s['first_pull_into_empty_papers']:.1f} s",
        *_under(max(s["nothing_changed_dry_run"], s["50_cells_each_side_apply"]), 1),
    ]


def row_gsheets(d: dict) -> list[str]:
    s = d["scenarios"]
    return [
        f"{d['rows']:,} rows",
        f"requests: {s['nothing_changed']['api_requests_max']} unchanged / {s['something_changed']['api_requests_max']} changed; {s['nothing_changed']['seconds_median']:.2f} s / {s['something_changed']['seconds_median']:.2f} s",
        "≤ 4 / ≤ 6 requests",
        "met" if d.get("within_request_budget") else "missed",
    ]


def row_assign(d: dict) -> list[str]:
    return [
        f"{d['members']} members × {d['papers']:,} papers",
        f"solve {d['solve_seconds_best']:.2f} s, end to end {d['end_to_end_seconds_best']:.2f} s",
        *_under(d["solve_seconds_best"], d["goal_seconds"], f"{d['goal_seconds']:.0f}"),
    ]


def row_schedule(d: dict) -> list[str]:
    return [
        f"{d['members']} members × {d['weeks']} weeks × {d['slots']} slots, {d['papers']:,} papers",
        f"end to end {d['end_to_end_seconds_best']:.2f} s (solve {d['solve_seconds_best']:.2f} s); "
        f"counts {d['loads_min_max'][0]}-{d['loads_min_max'][1]}, {d['consecutive']} twice in a row",
        *_under(d["end_to_end_seconds_best"], d["goal_seconds"], f"{d['goal_seconds']:.0f}"),
    ]


def row_site(d: dict) -> list[str]:
    return [
        f"{d['notes']} notes, {d['papers']:,} papers",
        f"{d['build_total_s']:.1f} s ({d['html_pages']:,} pages; generation {d['generate_s']:.1f} s)",
        *_under(d["build_total_s"], d["goal_s"]),
    ]


def row_dashboard(d: dict) -> list[str]:
    p = d["pages"]
    worst = max(p["reading_list"]["first_render_s"], p["quota"]["first_render_s"])
    return [
        f"{d['papers']:,} papers, {d['members']} members",
        f"reading list {p['reading_list']['first_render_s']:.2f} s, quota {p['quota']['first_render_s']:.2f} s",
        *_under(worst, d["goal_s"]),
    ]


def row_lab(d: dict) -> list[str]:
    hw = d.get("hardware") or d["provenance"]["hardware"]  # older files kept it at the top
    v = d["views"]
    worst = max(x["first_render_s"] for x in v.values())
    return [
        f"5 views, load {hw['load_average_1m']:.0f} on {hw['cpus']} cores",
        ", ".join(f"{name} {x['first_render_s']:.2f} s" for name, x in v.items()),
        *_under(worst, d["goal_s"]),
    ]


def row_word2vec(d: dict) -> list[str]:
    # Goals are computed by word2vec_vs_gensim.py itself (each row's "holds").
    rows = d["rows"]
    worst_ratio = min(r["speed"]["ratio"] for r in rows)
    worst_analogy = min(r["metrics"]["analogy_accuracy"]["relative_difference"] for r in rows)
    worst_ws = min(r["metrics"]["wordsim353_spearman"]["difference"] for r in rows)
    met = sum(r["holds"] for r in rows)
    noisy = sum(bool(r.get("within_noise")) for r in rows)
    return [
        ", ".join(d["corpus_names"].values()) + f"; {len(rows)} corpus × mode rows",
        f"worst: ×{worst_ratio:.2f} speed, analogy {100 * worst_analogy:+.1f}% rel., "
        f"WS353 {worst_ws:+.3f}; {met}/{len(rows)} rows meet all goals, {noisy} missed within "
        "noise (95% interval reaches the goal)",
        "ratio ≥ 1, analogy ≥ −5% rel., WS353/SimLex ≥ −0.01",
        "met" if met == len(rows) and d.get("complete") else "missed",
    ]


def _vs_hf(shape: str) -> Callable[[dict], list[str]]:
    def row(d: dict) -> list[str]:
        ratios = {k: v["ratio"] for k, v in d["results"].items()}
        return [
            shape,
            ", ".join(f"{k} ours/HF {v:.2f}" for k, v in ratios.items()),
            "ratio ≤ 1.0",
            "met" if all(v <= 1.0 for v in ratios.values()) else "missed",
        ]

    return row


# (results file, label, script that writes the file, its cells)
ROWS: list[tuple[str, str, str, Callable[[dict], list[str]]]] = [
    ("sync", "sync of a spreadsheet file", "bench_sync.py", row_sync),
    (
        "gsheets_sync",
        "Google Sheets sync (loopback API, real gspread)",
        "bench_gsheets_sync.py",
        row_gsheets,
    ),
    ("assign", "exact quota assignment (MILP)", "bench_assign.py", row_assign),
    ("schedule", "exact presenter rota (MILP)", "bench_schedule.py", row_schedule),
    ("site_build", "site build (mkdocs --strict)", "bench_site_build.py", row_site),
    ("dashboard", "dashboard first render", "bench_dashboard.py", row_dashboard),
    ("lab", "lab views first render (models cached)", "bench_lab.py", row_lab),
    ("word2vec", "Word2Vec vs gensim", "word2vec_vs_gensim.py", row_word2vec),
    ("bert", "BERT vs HF (sdpa)", "bert_vs_hf.py", _vs_hf("BERT-base shape, 8 × 128")),
    ("gpt2", "GPT-2 vs HF (sdpa)", "gpt2_vs_hf.py", _vs_hf("GPT-2 124M shape, 4 × 256")),
    (
        "transformer",
        "Transformer vs Marian (sdpa)",
        "transformer_vs_hf.py",
        _vs_hf("see the script"),
    ),
]


def row(name: str, data: dict) -> list[str]:
    """The table cells of benchmark `name` from its results `data`."""
    _, label, script, cells = next(r for r in ROWS if r[0] == name)
    return [label, *cells(data), f"`{script}` ({_when(data)})"]


def table() -> str:
    lines = [
        "| benchmark | size | measured | goal | | script (when) |",
        "|---|---|---|---|---|---|",
    ]
    for name, *_ in ROWS:
        data = _load(name)
        if data is None:
            lines.append(f"| {name} | | not run yet | | | |")
            continue
        lines.append("| " + " | ".join(row(name, data)) + " |")
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
