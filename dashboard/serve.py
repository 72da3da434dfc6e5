"""Start the dashboard's Streamlit server: `python -m dashboard.serve [streamlit options]`.

`cddh run`, the browser tests and the speed benchmark start the app this way rather than with
`streamlit run dashboard/app.py`. Streamlit sees the `pages/` folder next to `app.py` (where the
design keeps the pages) and runs a fresh server's very first session in its old folder-based
multipage mode, until `st.navigation` in `app.py` switches it off: a link to a page other than
the overview, opened first after a start, then shows Streamlit's English "Page not found"
dialog over the page. The pages are declared by `st.navigation`, so the folder mode is switched
off here, before the server takes its first session.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    """Run `streamlit run dashboard/app.py` with these options in this process."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False  # pages come from st.navigation, not the folder
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    try:
        cli.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
