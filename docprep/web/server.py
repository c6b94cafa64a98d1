"""`docprep serve`: the web application (web.app) run by uvicorn on one address, the page opened in the browser
when asked. Ctrl-C (or SIGTERM) stops it: uvicorn finishes or drops the requests in flight, and the lifespan's end
removes every upload and picture left (web.workspace)."""
from __future__ import annotations

import threading
import time
import webbrowser
from typing import Callable

import uvicorn

from ..errors import UsageError
from ..i18n import message
from ..profiles import Profile
from .app import create_app
from .guard import LOCAL_NAMES, WILDCARDS

# Seconds the server gives requests in flight to finish after Ctrl-C before it drops them, and then checks still at
# work (each stops at its next file) to end before the private folder is removed for good.
_GRACE_SECONDS = 3
_STOP_SECONDS = 10


def page_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in WILDCARDS else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def _when_started(server: uvicorn.Server, then: Callable[[], None]) -> None:
    """Call `then` once the server listens (in a thread: uvicorn.Server.run blocks this one)."""
    def wait():
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            then()

    threading.Thread(target=wait, daemon=True, name="docprep-serve-started").start()


def run_server(profile: Profile, host: str, port: int, open_browser: bool, upload_limit_mb: float | None, lang: str,
               say: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Serve the page until Ctrl-C. `say` and `warn` print a line (standard output, standard error). A port
    that cannot be listened on is a UsageError (exit 2)."""
    app = create_app(profile, host, upload_limit_mb)
    if host.lower() not in LOCAL_NAMES:
        warn(message("web.not_local", host=host)(lang))
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=_GRACE_SECONDS, server_header=False)
    server = uvicorn.Server(config)
    url = page_url(host, port)

    def started():
        say(message("web.serving", url=url)(lang))
        if open_browser:
            webbrowser.open(url)

    _when_started(server, started)
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind (the port taken, an address not of this machine)
        raise UsageError("web_listen", host=host, port=port) from None
    finally:  # checks still at work stop at their next file; what they wrote meanwhile is removed too
        app.state.workspace.close(wait=_STOP_SECONDS)
    say(message("web.stopped")(lang))
