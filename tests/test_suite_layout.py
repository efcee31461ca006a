"""The suite's own layout: shared helpers live in tests/helpers, not in another test module."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CROSS_IMPORT = re.compile(
    r"^\s*(from|import)\s+(tests\.)?(reproductions\.)?(test_\w+|conftest)\b", re.M
)


def test_no_test_module_imports_another_test_module_or_conftest() -> None:
    offenders = [
        f"{path.relative_to(TESTS)}: {match.group(0).strip()}"
        for path in sorted(TESTS.rglob("*.py"))
        for match in CROSS_IMPORT.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "move shared helpers into tests/helpers/: " + "; ".join(offenders)
