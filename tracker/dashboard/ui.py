"""Pieces every dashboard page shares: data errors, the sync panel, safe rendering of notes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tracker.catalog import Catalog
from tracker.dashboard import data
from tracker.errors import TrackerError
from tracker.i18n import Translator, translator
from tracker.models import TeamSettings

# ----------------------------------------------------------------------------- page frame


def page_translator() -> Translator:
    """The team's language (papers/team.yaml `language`, Korean for a Korean team)."""
    catalog, _digest = data.current_catalog()
    return translator(catalog.team)


def start_page(title: str) -> tuple[Catalog, str]:
    """What every page begins with: its title, the sync panel, data errors; returns the catalog."""
    catalog, digest = data.current_catalog()
    _ = translator(catalog.team)
    st.title(title)
    # Whose dashboard this is: every team's own name, never the sample's.
    st.caption(f"{catalog.team.name} · {catalog.team.topic}")
    sync_panel(_)
    show_data_errors(catalog, _)
    return catalog, digest


def person(team: TeamSettings, handle: str | None) -> str:
    """A member as people know them: "김지우 (jiwoo)"; an unknown handle as written."""
    if not handle:
        return ""
    member = team.member(handle)
    return f"{member.name} ({handle})" if member else handle


def person_name(team: TeamSettings, handle: str) -> str:
    """Only the name, for tight table cells (the filters show the handle beside it)."""
    member = team.member(handle)
    return member.name if member else handle


# ----------------------------------------------------------------------------- data errors


def show_data_errors(catalog: Catalog, _: Translator | None = None) -> None:
    """Broken files as one clear message above what did load (never a traceback)."""
    if not catalog.errors:
        return
    _ = _ or translator(catalog.team)
    lines = []
    for error in catalog.errors:
        line = f"- {error.message}"
        if error.fix:
            line += "  \n  *" + _("fix:") + f"* {error.fix}"
        lines.append(line)
    count = len(catalog.errors)
    st.error(
        _(
            "**{count} file(s) could not be read**; everything else below loaded.",
            count=count,
        )
        + "\n\n"
        + "\n".join(lines),
        icon=":material/error:",
    )


# ----------------------------------------------------------------------------- sync


def describe_sync(plan: Any, _: Translator | None = None) -> list[str]:
    """The sync plan as short lines a person reads on the big screen."""
    _ = _ or translator("en")
    lines = [
        template.format(paper=c.paper_id, field=c.field, old=repr(c.old), new=repr(c.new))
        for template, changes in (
            (_("pull {paper} {field}: {old} → {new}"), plan.pulls),
            (_("push {paper} {field}: {old} → {new}"), plan.pushes),
        )
        for c in changes
    ]
    lines += [_("new paper from the sheet: {paper}", paper=pid) for pid in plan.new_from_sheet]
    lines += [_("new row in the sheet: {paper}", paper=pid) for pid in plan.new_to_sheet]
    lines += [
        _("deleted in the sheet (file kept): {paper}", paper=pid) for pid in plan.deleted_in_sheet
    ]
    lines += [_("deleted locally (row kept): {paper}", paper=pid) for pid in plan.deleted_locally]
    lines += [_("CONFLICT {what}", what=c.describe()) for c in plan.conflicts]
    return lines


def sync_panel(_: Translator | None = None) -> None:
    """Sidebar: preview a sync with the sheet (dry run), then apply it and reload."""
    from tracker.sync import sync

    _ = _ or page_translator()
    root = data.dashboard_root()
    st.sidebar.subheader(_("Sheet sync"))
    if st.sidebar.button(_("Check the sheet for changes"), key="sync_preview"):
        try:
            st.session_state["sync_plan"] = sync(root, apply=False).plan
            st.session_state.pop("sync_done", None)
        except TrackerError as exc:
            st.session_state["sync_plan"] = None
            st.sidebar.error(str(exc))
    plan = st.session_state.get("sync_plan")
    if plan is not None:
        lines = describe_sync(plan, _)
        if not lines:
            st.sidebar.success(_("Nothing to do: papers/ and the sheet agree."))
        else:
            st.sidebar.code("\n".join(lines), language=None)
            if plan.conflicts:
                st.sidebar.warning(
                    _(
                        "Conflicts: nothing can be applied. Make both sides agree, or run "
                        "`tracker sync --take local|sheet`."
                    )
                )
            elif plan.has_changes and st.sidebar.button(_("Apply these changes"), key="sync_apply"):
                try:
                    result = sync(root, apply=True)
                except TrackerError as exc:
                    st.sidebar.error(str(exc))
                else:
                    st.session_state["sync_done"] = _(
                        "Applied: wrote {files} file(s), pushed {cells} cell(s), appended "
                        "{rows} row(s).",
                        files=len(result.files_written),
                        cells=result.cells_pushed,
                        rows=result.rows_appended,
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
