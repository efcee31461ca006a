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
