"""The session store's errors: each failure a user can cause, named in one line with what
to do about it, and a ``reason`` for callers that can adapt (a locked file: try later)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pausepoint.errors import UserError


class StoreError(UserError):
    """The database cannot be used as asked; ``reason`` says why, for callers that can adapt."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class UnknownSession(UserError):
    """No session with that ID."""


_ADVICE = {
    "SQLITE_BUSY": ("locked", "in use by another pausepoint (locked); close it and try again"),
    "SQLITE_LOCKED": ("locked", "in use by another pausepoint (locked); close it and try again"),
    "SQLITE_READONLY": (
        "readonly",
        "read-only; make the file and its folder writable, or choose another file with --db",
    ),
    "SQLITE_FULL": (
        "full",
        "the disk is full; free some space and try again (what was saved before is kept)",
    ),
    "SQLITE_NOTADB": (
        "corrupt",
        "not a pausepoint database, or damaged; move it aside (a new one is started) "
        "or choose another file with --db",
    ),
    "SQLITE_CORRUPT": (
        "corrupt",
        "damaged; move it aside (a new one is started) or choose another file with --db",
    ),
    "SQLITE_CANTOPEN": (
        "cantopen",
        "cannot be opened; check that its folder exists and is writable, or use --db",
    ),
    "SQLITE_IOERR": ("io", "could not be read or written (disk error); check the disk"),
    "SQLITE_PERM": ("readonly", "access denied; check its permissions, or use --db"),
}


def store_error(path: Path, exc: BaseException) -> StoreError:
    """A SQLite or file error as a one-line StoreError naming the database and what to do."""
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", None) or ""
        base = "_".join(name.split("_")[:2])
        reason, advice = (
            _ADVICE.get(name) or _ADVICE.get(base) or ("other", f"database error ({exc})")
        )
    elif isinstance(exc, OSError):
        reason = "readonly" if isinstance(exc, PermissionError) else "io"
        where = f" ({Path(exc.filename).name})" if exc.filename else ""
        advice = (
            f"{exc.strerror or exc}{where}; check that its folder exists and is writable, "
            "or choose another file with --db"
        )
    else:
        raise TypeError(exc)
    return StoreError(f"{path}: {advice}", reason)
