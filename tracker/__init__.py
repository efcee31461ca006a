"""The reading group's tracker: paper store, sync, assignment, agenda, notes, site and dashboard."""

from __future__ import annotations

__version__ = "0.1.0"
