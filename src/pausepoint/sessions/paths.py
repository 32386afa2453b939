"""Which database file, and making it private before SQLite creates it.

The file holds health data: its folder is created 0700 and the file 0600 (SQLite gives
the -wal and -shm files the database's own mode).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DB_ENV = "PAUSEPOINT_DB"
DB_FILE_NAME = "sessions.db"


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("pausepoint")) / DB_FILE_NAME


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Which database: ``--db``, else $PAUSEPOINT_DB, else the user's data folder."""
    if explicit is not None:
        return Path(explicit)
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env)
    return default_db_path()


def prepare_db_file(path: Path) -> None:
    """Create the folder 0700 and the database 0600 before SQLite does it with looser modes."""
    folder = path.parent
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)
    elif folder.resolve() == default_db_path().parent.resolve():
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.chmod(path, 0o600)
