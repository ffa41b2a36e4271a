"""Progress display of a job: a tqdm bar when tqdm is installed, a plain status line otherwise."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any, Mapping, TextIO


def tqdm_available() -> bool:
    """Whether the ``tqdm`` package can be imported."""
    try:
        return importlib.util.find_spec("tqdm") is not None
    except (ImportError, ValueError):
        return False


class JobProgress:
    """Shows a job's state, phase and progress while it is being waited for."""

    def __init__(self, job_id: str, enabled: bool = True, file: TextIO | None = None) -> None:
        self.job_id = job_id
        self.enabled = enabled
        self.file = file if file is not None else sys.stderr
        self._bar: Any = None
        self._last_line = ""
        self._last_key: tuple[str, str, int] | None = None
        self._tty = bool(getattr(self.file, "isatty", lambda: False)())
        if enabled and tqdm_available():
            tqdm = importlib.import_module("tqdm").tqdm
            self._bar = tqdm(total=100, desc=job_id, unit="%", file=self.file,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

    def update(self, job: Mapping[str, Any]) -> None:
        """Shows the job's latest view."""
        if not self.enabled:
            return
        state = str(job.get("state", "?"))
        phase = str(job.get("phase") or "")
        pct = max(0.0, min(100.0, 100.0 * float(job.get("progress") or 0.0)))
        if self._bar is not None:
            self._bar.n = round(pct, 1)
            self._bar.set_postfix_str(f"{state} {phase}".strip(), refresh=False)
            self._bar.refresh()
            return
        line = f"{self.job_id} {state} {phase} {pct:5.1f}%"
        rate = job.get("itemsPerSecond")
        if rate:
            line += f" {float(rate):,.0f} items/s"
        eta = job.get("etaSeconds")
        if eta is not None:
            line += f" ETA {float(eta):.0f}s"
        if self._tty:
            pad = " " * max(0, len(self._last_line) - len(line))
            self.file.write("\r" + line + pad)
            self.file.flush()
        else:
            # Not a terminal (a log file): one line per state, phase or tenth of the work.
            key = (state, phase, int(pct // 10))
            if key != self._last_key:
                self.file.write(line + "\n")
                self.file.flush()
            self._last_key = key
        self._last_line = line

    def close(self) -> None:
        """Ends the display (a newline after an in-place status line)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.enabled and self._tty and self._last_line:
            self.file.write("\n")
            self.file.flush()
        self._last_line = ""
