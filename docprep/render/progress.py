"""Progress of a run on standard error: a bar (tqdm) on a terminal; in a pipe or a CI log, a plain line every
PLAIN_EVERY seconds while the run lasts (a log is never silent for long, and never a wall of bar redraws); nothing
when asked to be quiet."""
from __future__ import annotations

import sys
import threading

from ..i18n import message

PLAIN_EVERY = 5.0  # seconds between plain progress lines
BAR_DELAY = 0.5  # seconds before a bar shows: a run that ends sooner shows none


class Progress:
    """`with Progress(total, lang) as progress:` then `progress.update()` once per file checked (from the thread
    that runs the check). `quiet` shows nothing; `stream` is standard error unless given."""

    def __init__(self, total: int, lang: str, quiet: bool = False, stream=None, every: float = PLAIN_EVERY):
        self.total, self.lang, self.every = total, lang, every
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.mode = "off" if quiet or total < 1 else "bar" if self.stream.isatty() else "plain"
        self._bar = self._redirect = self._thread = None
        self._stop = threading.Event()

    def __enter__(self) -> "Progress":
        if self.mode == "bar":
            from tqdm import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            # tqdm draws an ASCII bar itself where the console's encoding lacks its block characters
            self._bar = tqdm(total=self.total, desc=message("cli.checking")(self.lang), file=self.stream,
                             delay=BAR_DELAY, dynamic_ncols=True, leave=False)
            self._redirect = logging_redirect_tqdm()  # log lines (a file that failed) printed above the bar
            self._redirect.__enter__()
        elif self.mode == "plain":
            self._thread = threading.Thread(target=self._tick, name="docprep-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            self._redirect.__exit__(*exc)
            self._bar.close()

    def update(self, _report=None) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)

    def _tick(self) -> None:
        """Every `every` seconds until the run ends: "checked 37 of 150 files"."""
        while not self._stop.wait(self.every):
            line = message("cli.progress", done=self.done, total=self.total)(self.lang)
            print(line, file=self.stream, flush=True)
