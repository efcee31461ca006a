"""Entry of the Streamlit dashboard: page config, navigation over `views/`.

Each page draws its own sidebar (the sync panel, via `ui.start_page`): elements the entry
script itself puts in the sidebar are lost on reruns under AppTest with `st.navigation`.

Run with `tracker dashboard` (which passes the team repository in $TRACKER_ROOT), or directly:
`TRACKER_ROOT=. streamlit run tracker/dashboard/app.py`.
"""

from __future__ import annotations

import streamlit as st

from tracker import lab
from tracker.dashboard import ui

# The meeting screen has no use for "Deploy" and the developer menu (`tracker dashboard` passes
# the same option on the command line, which also covers the first page load).
st.set_option("client.toolbarMode", "minimal")

_ = ui.page_translator()
# The lab's labels (tracker/lab LABELS) in the same language, for this run's thread.
lab.use_translator(_)

PAGES = [
    st.Page("views/this_week.py", title=_("This week"), icon=":material/event:", default=True),
    st.Page("views/reading_list.py", title=_("Reading list"), icon=":material/menu_book:"),
    st.Page("views/quota.py", title=_("Quota"), icon=":material/bar_chart:"),
    st.Page("views/reproductions.py", title=_("Reproductions"), icon=":material/science:"),
    st.Page("views/notes.py", title=_("Notes"), icon=":material/edit_note:"),
]

# The lab bench ("실험실"): looks inside the models the notes talk about (tracker/lab).
LAB_PAGES = [
    st.Page(
        "views/lab_vectors.py", title=lab.label("vectors_title"), icon=":material/scatter_plot:"
    ),
    st.Page(
        "views/lab_attention.py", title=lab.label("attention_title"), icon=":material/grid_on:"
    ),
    st.Page("views/lab_positions.py", title=lab.label("positions_title"), icon=":material/waves:"),
    st.Page(
        "views/lab_depth.py", title=lab.label("depth_title"), icon=":material/stacked_line_chart:"
    ),
    st.Page(
        "views/lab_decoding.py", title=lab.label("decoding_title"), icon=":material/account_tree:"
    ),
]

st.set_page_config(page_title=_("Reading group"), page_icon=":material/menu_book:", layout="wide")
navigation = st.navigation({"": PAGES, lab.label("section"): LAB_PAGES})
navigation.run()
