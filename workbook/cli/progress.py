"""Progress of a long read on a terminal: files read / total and the rate, on one line.

Nothing is written when the stream is not a terminal (a log file, the button, a pipe), so the
outputs of scripted runs stay as they were.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TerminalProgress:
    """Call with (done, total) as files arrive; ``close`` ends the line."""

    def __init__(self, stream: TextIO | None = None, every: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    @staticmethod
    def wanted(stream: TextIO | None = None) -> bool:
        s = stream or sys.stderr
        return bool(getattr(s, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.every:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-6)
        self.stream.write(f"\r读取回收文件 {done}/{total}（{rate:.0f} 个/秒）")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
