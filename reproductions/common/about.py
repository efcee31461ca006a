"""What each reproduction says about itself, as data: `reproductions/<name>/reproduction.toml`.

The paper it reproduces (`paper_id`, `title`) and the names of its train configs (`configs`),
read without importing the package: importing it would import torch, and `tracker repro list`
must stay fast on a machine without the reproductions' stack. The package's `PAPER_ID` and
`TITLE` are read from the same file, so there is one place to change them; a test keeps
`configs` equal to the keys of `train.py`'s `CONFIGS`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ABOUT_FILE = "reproduction.toml"
DEFAULT_CONFIGS = ("small", "paper")  # what a train.py offers when its folder declares none


class AboutError(ValueError):
    """A `reproduction.toml` that does not read; the message names the file and the fix."""


@dataclass(frozen=True)
class About:
    """One reproduction's declared metadata."""

    name: str
    title: str
    paper_id: str | None = None
    configs: tuple[str, ...] = DEFAULT_CONFIGS


def read_about(folder: Path | str) -> About:
    """The `reproduction.toml` of a reproduction's folder; a folder without one is named by
    itself and offers the default configs."""
    folder = Path(folder)
    path = folder / ABOUT_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return About(name=folder.name, title=folder.name)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise AboutError(f"{path}: not readable as TOML ({err}); correct the file") from err
    configs = data.get("configs", list(DEFAULT_CONFIGS))
    if not isinstance(configs, list) or not all(isinstance(c, str) for c in configs):
        raise AboutError(f'{path}: configs must be a list of names, like ["small", "paper"]')
    paper_id = data.get("paper_id")
    return About(
        name=folder.name,
        title=str(data.get("title") or folder.name),
        paper_id=str(paper_id) if paper_id is not None else None,
        configs=tuple(configs),
    )


def paper_of(init_file: str) -> tuple[str | None, str]:
    """`(PAPER_ID, TITLE)` for a reproduction's `__init__.py`, from the file beside it."""
    about = read_about(Path(init_file).parent)
    return about.paper_id, about.title
