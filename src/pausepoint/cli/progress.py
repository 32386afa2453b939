"""A quiet progress bar on stderr, shown only when a person is watching a terminal."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = total > 0 and self._stream.isatty()
        self._label = label
        self._total = total
        self._shown = -1

    def step(self, done: int) -> None:
        if not self._enabled:
            return
        pct = min(100, done * 100 // self._total)
        if pct != self._shown:
            self._shown = pct
            bar = "#" * (pct // 4) + "." * (25 - pct // 4)
            self._stream.write(f"\r{self._label} [{bar}] {pct:3d}%")
            self._stream.flush()

    def done(self) -> None:
        if self._enabled:
            self._stream.write("\r" + " " * (len(self._label) + 34) + "\r")
            self._stream.flush()
