"""Pieces every dashboard page shares: data errors, the sync panel, safe rendering of notes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tracker.catalog import Catalog
from tracker.dashboard import data
from tracker.errors import TrackerError

# ----------------------------------------------------------------------------- page frame


def start_page(title: str) -> tuple[Catalog, str]:
    """What every page begins with: its title, the sync panel, data errors; returns the catalog."""
    catalog, digest = data.current_catalog()
    st.title(title)
    # Whose dashboard this is: every team's own name, never the sample's.
    st.caption(f"{catalog.team.name} · {catalog.team.topic}")
    sync_panel()
    show_data_errors(catalog)
    return catalog, digest


# ----------------------------------------------------------------------------- data errors


def show_data_errors(catalog: Catalog) -> None:
    """Broken files as one clear message above what did load (never a traceback)."""
    if not catalog.errors:
        return
    lines = []
    for error in catalog.errors:
        line = f"- {error.message}"
        if error.fix:
            line += f"  \n  *fix:* {error.fix}"
        lines.append(line)
    count = len(catalog.errors)
    st.error(
        f"**{count} file(s) could not be read**; everything else below loaded.\n\n"
        + "\n".join(lines),
        icon=":material/error:",
    )


# ----------------------------------------------------------------------------- sync


def describe_sync(plan: Any) -> list[str]:
    """The sync plan as short lines a person reads on the big screen."""
    lines = [f"pull {c.paper_id} {c.field}: {c.old!r} → {c.new!r}" for c in plan.pulls]
    lines += [f"push {c.paper_id} {c.field}: {c.old!r} → {c.new!r}" for c in plan.pushes]
    lines += [f"new paper from the sheet: {pid}" for pid in plan.new_from_sheet]
    lines += [f"new row in the sheet: {pid}" for pid in plan.new_to_sheet]
    lines += [f"deleted in the sheet (file kept): {pid}" for pid in plan.deleted_in_sheet]
    lines += [f"deleted locally (row kept): {pid}" for pid in plan.deleted_locally]
    lines += [f"CONFLICT {c.describe()}" for c in plan.conflicts]
    return lines


def sync_panel() -> None:
    """Sidebar: preview a sync with the sheet (dry run), then apply it and reload."""
    from tracker.sync import sync

    root = data.dashboard_root()
    st.sidebar.subheader("Sheet sync")
    if st.sidebar.button("Check the sheet for changes", key="sync_preview"):
        try:
            st.session_state["sync_plan"] = sync(root, apply=False).plan
            st.session_state.pop("sync_done", None)
        except TrackerError as exc:
            st.session_state["sync_plan"] = None
            st.sidebar.error(str(exc))
    plan = st.session_state.get("sync_plan")
    if plan is not None:
        lines = describe_sync(plan)
        if not lines:
            st.sidebar.success("Nothing to do: papers/ and the sheet agree.")
        else:
            st.sidebar.code("\n".join(lines), language=None)
            if plan.conflicts:
                st.sidebar.warning(
                    "Conflicts: nothing can be applied. Make both sides agree, or run "
                    "`tracker sync --take local|sheet`."
                )
            elif plan.has_changes and st.sidebar.button("Apply these changes", key="sync_apply"):
                try:
                    result = sync(root, apply=True)
                except TrackerError as exc:
                    st.sidebar.error(str(exc))
                else:
                    st.session_state["sync_done"] = (
                        f"Applied: wrote {len(result.files_written)} file(s), pushed "
                        f"{result.cells_pushed} cell(s), appended {result.rows_appended} row(s)."
                    )
                    st.session_state["sync_plan"] = None
                    data.clear_caches()
                    st.rerun()
    if st.session_state.get("sync_done"):
        st.sidebar.success(st.session_state["sync_done"])


# ----------------------------------------------------------------------------- notes


def _fallback_sanitize(text: str) -> str:
    """nh3 over the whole note, when tracker.sanitize is not installed (escapes more than needed)."""
    import nh3

    cleaned = nh3.clean(text, url_schemes={"http", "https", "mailto"})
    # nh3 escapes text as HTML; `>` and `&` back to characters restore block quotes and entities
    # without letting a tag in (only `<` can open one, and it stays escaped).
    return cleaned.replace("&gt;", ">").replace("&amp;", "&")


def _escape_math(chunk: str) -> str:
    # Math regions are passed through untouched by the sanitiser; a `<` inside them would still be
    # parsed as HTML if the renderer disagreed about where the math ends, so KaTeX's own
    # spellings are used instead.
    return chunk.replace("<", r"\lt ").replace(">", r"\gt ")


def safe_note_markdown(text: str) -> str:
    """A note's Markdown with its raw HTML sanitised, fit for `st.markdown(unsafe_allow_html=True)`."""
    try:
        from tracker.sanitize import markdown_regions, sanitize_prose
    except ImportError:
        return _fallback_sanitize(text)
    out = []
    for kind, chunk in markdown_regions(text):
        if kind == "prose":
            out.append(sanitize_prose(chunk))
        elif kind in ("inline", "display"):
            out.append(_escape_math(chunk))
        elif kind == "comment":
            out.append("")  # `<!-- more -->` and friends say nothing to a reader
        else:
            out.append(chunk)
    return "".join(out)
