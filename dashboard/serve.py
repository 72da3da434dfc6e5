"""Start the dashboard's Streamlit server: `python -m dashboard.serve [streamlit options]`.

`cddh run`, the browser tests and the speed benchmark start the app this way; it is
`streamlit run dashboard/app.py` with a safe listen address. The pages live in `views/` and are
declared by `st.navigation`: a folder named `pages/` next to `app.py` would make Streamlit run a
fresh server's first session in its folder-based mode (an English "Page not found" over a first
deep link), so none exists and no Streamlit internal is patched.

The server binds 127.0.0.1 unless an address is given (`--server.address`, the
STREAMLIT_SERVER_ADDRESS variable or `.streamlit/config.toml`): Streamlit's own default is
every interface, which would publish the dashboard to the whole network by accident.

It does not watch its source files unless asked (`--server.fileWatcherType auto`, or the
STREAMLIT_SERVER_FILE_WATCHER_TYPE variable): Streamlit's default polls every module's file
several times a second and walks them all on the event loop after every run (measured at 1M
tasks with py-spy: 0.2–0.3 s of each unit page's render went there, docs/performance.md);
a province's server runs released code, not code being edited.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

APP = Path(__file__).resolve().parent / "asgi.py"  # st.App: app.py and the login routes
DEFAULT_ADDRESS = "127.0.0.1"


def _given(args: list[str], option: str) -> bool:
    return any(a == option or a.startswith(option + "=") for a in args)


def _address_configured(args: list[str]) -> bool:
    """Whether the command line, the environment or a config file names a listen address."""
    if _given(args, "--server.address"):
        return True
    if os.environ.get("STREAMLIT_SERVER_ADDRESS"):
        return True
    for folder in (Path.cwd(), Path.home()):
        config_file = folder / ".streamlit" / "config.toml"
        try:
            server = tomllib.loads(config_file.read_text(encoding="utf-8")).get("server", {})
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if server.get("address"):
            return True
    return False


def streamlit_args(args: list[str]) -> list[str]:
    """The options passed to `streamlit run`: the given ones, plus 127.0.0.1 when none binds
    and no file watching unless asked."""
    out = list(args)
    if not _given(out, "--server.fileWatcherType") and not os.environ.get(
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE"
    ):
        out = ["--server.fileWatcherType", "none", *out]
    if _address_configured(out):
        return out
    return ["--server.address", DEFAULT_ADDRESS, *out]


def main(argv: list[str] | None = None) -> int:
    """Run `streamlit run dashboard/app.py` with these options in this process."""
    from streamlit.web import cli

    args = streamlit_args(sys.argv[1:] if argv is None else argv)
    sys.argv = ["streamlit", "run", str(APP), *args]
    try:
        cli.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
