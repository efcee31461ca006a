"""Every from-scratch model module stays free of `transformers`: only reference.py may use it."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("paper", ["albert", "bert", "gpt2", "transformer"])
def test_model_module_does_not_import_transformers(paper: str) -> None:
    module = f"reproductions.{paper}.model"
    code = (
        f"import sys; import {module}; "
        "assert 'transformers' not in sys.modules, 'model.py pulled in transformers'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    source = Path(importlib.import_module(module).__file__).read_text(encoding="utf-8")
    assert "import transformers" not in source and "from transformers" not in source


def test_no_model_module_imports_its_reference() -> None:
    # The arrow runs one way: reference.py builds on model.py, never back (not even lazily).
    import ast

    root = Path(__file__).resolve().parents[2] / "reproductions"
    offenders = []
    for path in sorted(root.glob("*/model.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if any(n == "reference" or n.endswith(".reference") for n in names):
                offenders.append(f"{path.parent.name}/model.py:{node.lineno}")
    assert offenders == []
