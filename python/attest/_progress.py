"""The progress bar of a long run (shown from 2 s on): tqdm's when tqdm is
installed (it draws a widget in notebooks), else a line on standard error."""

from __future__ import annotations

import sys


class Bar:
    def __init__(self) -> None:
        self._bar = None
        self._phase = None
        self._line = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase == "done":
            self.close()
            return
        what = "columns profiled" if phase == "columns" else "rows scored by the model"
        try:
            from tqdm.auto import tqdm
        except ImportError:
            tqdm = None
        if tqdm is not None:
            if self._bar is None or self._phase != phase:
                self.close()
                self._bar = tqdm(total=total or None, desc=f"attest: {what}", leave=False)
                self._phase = phase
            self._bar.total = total or None
            self._bar.n = done
            self._bar.refresh()
            return
        self._phase = phase
        width = 30
        filled = int(width * done / total) if total else 0
        sys.stderr.write(f"\rattest: [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what}")
        sys.stderr.flush()
        self._line = True

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._line:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._line = False
