"""Team repositories for the dashboard tests: a tiny hand-made one, reproduction results, and
a broken paper file.

The tiny repository is small enough that every number a page shows can be worked out by hand
from the files below (see the comments next to each paper).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from results_helpers import results_record

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "tracker" / "dashboard" / "app.py")
TODAY = "2025-07-03"  # a Thursday; the team meets on Tuesdays → next meeting 2025-07-08

TEAM = """\
name: 작은 모임
topic: NLP
quota: 4
readers_per_paper: 2
start: 2025-06-03
deadline: 2025-08-26
schedule: {weekday: tuesday, time: "20:00", timezone: Asia/Seoul, location: Zoom}
members:
  - {handle: ana, name: 안나, interests: [attention, 어텐션, transformer]}
  - {handle: ben, name: 벤, interests: [embeddings, rnn]}
  - {handle: cho, name: 조은, interests: [형태소, tagging]}
"""

PAPERS = {
    # Presented next Tuesday by ana, with slides; ana and ben read it, summary is written.
    "1706.03762": """\
---
id: "1706.03762"
title: Attention Is All You Need
authors: [Ashish Vaswani, Noam Shazeer]
year: 2017
arxiv: "1706.03762"
topics: [attention, 어텐션, transformer]
aliases: [Transformer]
status: summarised
readers: [ana, ben]
read_by: [ana, ben]
presenter: ana
presented_on: 2025-07-08
slides: https://slides.example.org/transformer
added_on: 2025-06-01
---

## 요약

셀프 어텐션만으로 번역 모델을 만든다.
""",
    # Read by ben alone; no summary yet.
    "1802.05365": """\
---
id: "1802.05365"
title: Deep contextualized word representations
authors: [Matthew Peters]
year: 2018
topics: [embeddings]
aliases: [ELMo]
status: read
readers: [ben]
url: https://aclanthology.org/N18-1202/
added_on: 2025-06-10
---
""",
    # Korean title, no reader; added after the last meeting (2025-07-01).
    "korean-morphology": """\
---
id: korean-morphology
title: 한국어 형태소 분석기 비교
authors: [홍길동]
year: 2021
topics: [형태소, tagging]
status: proposed
added_on: 2025-07-02
---
""",
    # Assigned to ana and cho, nobody has read it.
    "lstm-1997": """\
---
id: lstm-1997
title: Long Short-Term Memory
authors: [Sepp Hochreiter, Jürgen Schmidhuber]
year: 1997
topics: [rnn]
status: assigned
readers: [ana, cho]
added_on: 2025-05-20
---
""",
}

NOTES = {
    "2025-06-24-week-01.md": """\
---
title: "1주차: 임베딩"
date: 2025-06-24
categories: [Meeting]
tags: [embeddings]
authors: [ben]
---

# 1주차: 임베딩

ELMo 발표.

## 할 일

- [x] @ben 슬라이드 올리기
- [ ] @cho 형태소 분석기 목록 만들기
""",
    "2025-07-01-week-02.md": """\
---
title: "2주차: 어텐션"
date: 2025-07-01
categories: [Meeting]
tags: [attention, transformer]
authors: [ana]
---

# 2주차: 어텐션

<h2>원문 HTML 제목</h2>
<script>alert("xss")</script>
<img src="https://i.example.org/a.png" onerror="alert(1)">
<a href="javascript:alert(2)">나쁜 링크</a>

점수는 $\\mathrm{softmax}(QK^\\top / \\sqrt{d_k})$ 이고 $a < b$ 이다.

> 인용문은 그대로 남는다.

## 할 일

- [ ] @ana Transformer 발표 자료 만들기
""",
    "2025-07-08-draft.md": """\
---
title: "3주차 초안"
date: 2025-07-08
tags: [attention]
draft: true
---

초안입니다.
""",
}


def open_on(root: Path, monkeypatch: Any) -> Path:
    """Point the dashboard at the team repository `root` on the day TODAY (a pytest
    MonkeyPatch undoes both after the test)."""
    monkeypatch.setenv("TRACKER_ROOT", str(root))
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    return root


def write_tiny_repo(root: Path) -> Path:
    """The hand-made team repository described above."""
    (root / "papers").mkdir(parents=True, exist_ok=True)
    (root / "papers" / "team.yaml").write_text(TEAM, encoding="utf-8")
    for paper_id, text in PAPERS.items():
        (root / "papers" / f"{paper_id}.md").write_text(text, encoding="utf-8")
    posts = root / "docs" / "meetings" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    for name, text in NOTES.items():
        (posts / name).write_text(text, encoding="utf-8")
    return root


def copy_sample_repo(root: Path) -> Path:
    """The bundled sample team (papers/ and docs/meetings/) copied to `root`."""
    shutil.copytree(REPO / "papers", root / "papers", ignore=shutil.ignore_patterns(".sync"))
    shutil.copytree(REPO / "docs" / "meetings", root / "docs" / "meetings")
    return root


PARITY = results_record(
    "bert",
    "1810.04805",
    "parity",
    "parity",
    checks=[
        {
            "name": "forward hidden",
            "dtype": "float64",
            "max_abs_diff": 3e-14,
            "tol": 1e-10,
            "passed": True,
        },
        {
            "name": "gradients",
            "dtype": "float64",
            "max_abs_diff": 7e-13,
            "tol": 1e-10,
            "passed": True,
        },
        {
            "name": "forward hidden",
            "dtype": "float32",
            "max_abs_diff": 2.5e-06,
            "tol": 1e-05,
            "passed": True,
        },
    ],
    passed=True,
    provenance={
        "command": "tracker repro check bert",
        "started_at": "2025-07-02T09:30:00+00:00",
        "git_commit": "abc1234",
    },
)

TRAIN = results_record(
    "bert",
    "1810.04805",
    "train",
    "small",
    metrics={"mlm_accuracy": 0.41, "val_loss": 3.2},
    paper_metrics={"mlm_accuracy": {"value": 0.72, "note": "BooksCorpus+Wikipedia, 340M params"}},
    curves={"train_loss": [[0, 9.5], [100, 6.1], [200, 4.0]], "val_loss": [[100, 6.4], [200, 4.3]]},
    provenance={
        "command": "python -m reproductions.bert.train --config small --seed 0",
        "started_at": "2025-07-02T10:00:00+00:00",
        "wall_time_s": 42.0,
    },
)


def write_results(root: Path, *, parity_passed: bool = True) -> Path:
    """Results for a `bert` reproduction (schema of docs/dev/reproductions.md) and a PNG."""
    results = root / "reproductions" / "bert" / "results"
    results.mkdir(parents=True, exist_ok=True)
    parity = json.loads(json.dumps(PARITY))
    if not parity_passed:
        parity["checks"][2].update(max_abs_diff=3.0e-2, passed=False)
        parity["passed"] = False
    (results / "parity.json").write_text(json.dumps(parity), encoding="utf-8")
    (results / "small.json").write_text(json.dumps(TRAIN), encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (8, 8), (200, 30, 30)).save(results / "attention-map.png")
    return results


def break_a_paper(root: Path) -> Path:
    """A paper file whose front matter is not valid YAML (an unclosed list)."""
    path = root / "papers" / "broken-paper.md"
    path.write_text("---\nid: broken-paper\ntitle: [unclosed\n---\n", encoding="utf-8")
    return path
