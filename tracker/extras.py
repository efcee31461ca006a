"""Optional installs: which command needs which extra, said in one line when it is missing.

The tracker alone (`pip install -e .`) runs the team's week; the reproductions' stack (torch,
transformers, gensim, ...) comes with the `repro` extra. A command that needs a module the
install lacks stops with `MissingExtraError` (exit 2) naming the extra, never a traceback.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from tracker.errors import UsageError

# Top-level modules of each optional install, and the one line that installs them.
EXTRA_MODULES: dict[str, str] = {
    "torch": "repro",
    "transformers": "repro",
    "sentencepiece": "repro",
    "gensim": "repro",
    "numba": "repro",
    "sacrebleu": "repro",
    "sklearn": "repro",
    "nltk": "repro",
    "rapidfuzz": "repro",
    "safetensors": "repro",
    "streamlit": "dashboard",
}
INSTALL = {
    "repro": "pip install torch==2.13.0 && pip install -e '.[repro]'",
    # streamlit is a core dependency today; a trimmed install gets it back this way.
    "dashboard": "pip install -e .",
}


class MissingExtraError(UsageError):
    """A command needs an optional module that is not installed (exit 2)."""

    def __init__(self, what: str, module: str) -> None:
        extra = EXTRA_MODULES.get(module, "repro")
        self.module = module
        self.extra = extra
        super().__init__(
            f"{what} needs {module}, which is not installed: {INSTALL[extra]}",
        )


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ValueError, ImportError):
        return False


def require(what: str, *modules: str) -> None:
    """Raise MissingExtraError for the first of `modules` that is not installed."""
    for module in modules:
        if not installed(module):
            raise MissingExtraError(what, module)


def missing_extra(exc: BaseException) -> str | None:
    """The optional module an ImportError is about, when it is one of ours."""
    name = getattr(exc, "name", None) or ""
    top = name.split(".")[0]
    return top if isinstance(exc, ImportError) and top in EXTRA_MODULES else None


_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.MULTILINE)


def modules_imported(package_dir: Path, *, root_package: str = "reproductions") -> set[str]:
    """Top-level modules a package's sources import, following its imports of sibling packages
    under `root_package` (read as text: importing would pull in what we are checking for)."""
    seen_files: set[Path] = set()
    found: set[str] = set()
    base = Path(package_dir).parent.parent if root_package else Path(package_dir).parent
    pending = list(Path(package_dir).glob("*.py"))
    while pending:
        path = pending.pop()
        if path in seen_files or not path.is_file():
            continue
        seen_files.add(path)
        for match in _IMPORT.finditer(path.read_text(encoding="utf-8", errors="replace")):
            name = match.group(1) or match.group(2)
            if name.startswith("."):
                continue
            top = name.split(".")[0]
            found.add(top)
            if top == root_package:
                target = base.joinpath(*name.split("."))
                pending += [target.with_suffix(".py"), *target.glob("*.py")]
    return found
