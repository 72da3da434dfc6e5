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

Nor does it rewrite the pages for Streamlit's «magic» (a bare value on its own line shown as
if written with `st.write`) unless asked (`--runner.magicEnabled true`): no page relies on it
(tests/ops/test_serve_and_stop.py checks), and the rewrite parses each page's syntax tree on
its first visit, 34 ms of the Đơn vị page's first render against 3 ms to compile it plainly.

Before serving, it imports what every page uses and freezes those objects out of the garbage
collector's way (`gc.freeze`): Streamlit runs a full collection after every run of a page,
which otherwise walks the ~150,000 objects of pandas, Altair, Streamlit and cddh each time
(70 ms a click on a quiet machine, 160 ms under load, holding the lock the thread that sends
the page to the browser needs). Objects made later are collected as before.
"""

from __future__ import annotations

import gc
import logging
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


# Streamlit options the dashboard sets unless the command line or the environment does:
# option → (value, the environment variable that sets it instead).
DEFAULTS = {
    "--server.fileWatcherType": ("none", "STREAMLIT_SERVER_FILE_WATCHER_TYPE"),
    "--runner.magicEnabled": ("false", "STREAMLIT_RUNNER_MAGIC_ENABLED"),
}


def streamlit_args(args: list[str]) -> list[str]:
    """The options passed to `streamlit run`: the given ones, plus 127.0.0.1 when none binds,
    no file watching and no «magic» unless asked."""
    out = list(args)
    for option, (value, variable) in reversed(DEFAULTS.items()):
        if not _given(out, option) and not os.environ.get(variable):
            out = [option, value, *out]
    if _address_configured(out):
        return out
    return ["--server.address", DEFAULT_ADDRESS, *out]


def freeze_imports() -> int:
    """Import the modules every page uses, then move every object alive now into the garbage
    collector's permanent generation; returns how many objects that is."""
    # Streamlit checks each cached function's options against the runtime's cache storage
    # when it is defined, and says at WARNING that there is no runtime yet: the storage used
    # is the runtime's, looked up at each call (Streamlit 1.67, cache_data_api.py).
    from streamlit.runtime.caching import cache_data_api

    checks = logging.getLogger(cache_data_api.__name__)
    level = checks.level
    checks.setLevel(logging.ERROR)
    try:
        import dashboard.app_imports  # noqa: F401
    finally:
        checks.setLevel(level)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def main(argv: list[str] | None = None) -> int:
    """Run `streamlit run dashboard/app.py` with these options in this process."""
    from streamlit.web import cli

    freeze_imports()
    args = streamlit_args(sys.argv[1:] if argv is None else argv)
    sys.argv = ["streamlit", "run", str(APP), *args]
    try:
        cli.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
