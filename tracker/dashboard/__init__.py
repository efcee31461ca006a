"""The Streamlit dashboard the group opens during the weekly meeting (`tracker dashboard`).

`app.py` is the entry (`st.navigation` over the modules in `views/` (not `pages/`: Streamlit would serve files there outside the navigation)), `data.py` owns the cached
loaders (everything is read through `tracker.catalog.load_catalog`), `ui.py` the pieces every
page shares (data errors, the sync panel, sanitised note rendering).
"""

from __future__ import annotations

from pathlib import Path

APP_PATH = Path(__file__).with_name("app.py")
ROOT_ENV = "TRACKER_ROOT"
