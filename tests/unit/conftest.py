"""The unit tests' command line: the real CLI entry point on a database in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pausepoint.cli.main import main
from pausepoint.sessions.paths import DB_ENV


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pausepoint" / "sessions.db"
    monkeypatch.setenv(DB_ENV, str(path))
    return path


@pytest.fixture
def run(db: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``run(*args)``: the exit code and what the command printed (out, err)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse rejects the arguments themselves
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
