"""Trends' speed figures on a year of check-ins: `pausepoint trends --json` as a whole command,
and the dashboard's Trends page opening.

The year is bench_store's (365 daily 30-minute sessions with every sample) with what trends
read added to each: a flood every third evening, most with a break and its "ready", a topic,
and before/after answers. ``bench_trends()`` returns the figures; run this file to print
them as `name: value unit`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from bench_store import build_year  # noqa: E402

from pausepoint.model import EventKind  # noqa: E402
from pausepoint.sessions.check_ins import Answers, add_tags, save_answers  # noqa: E402
from pausepoint.sessions.store import Store  # noqa: E402

RUNS = 5
TOPICS = ("money", "chores", "family", "plans")
TODAY = "2025-12-31"
"""The day the page counts weeks to: the year's last evening."""


def add_check_ins(path: Path) -> int:
    """Events, topics and answers on each session of the year; returns the events added."""
    rows = []
    with Store.open(path) as store:
        infos = store.sessions()
        for day, info in enumerate(infos):
            if day % 3 == 0:
                end_s = 720.0 + day % 7 * 10.0
                rows += [
                    (info.id, 600.0, EventKind.FLOODING_START),
                    (info.id, end_s, EventKind.FLOODING_END),
                ]
                if day % 9:
                    rows += [
                        (info.id, 760.0, EventKind.BREAK_START),
                        (info.id, 760.0 + (21 + day % 9) * 60.0, EventKind.READY),
                    ]
            add_tags(store, info.id, [TOPICS[day % len(TOPICS)]])
            if day % 4:
                save_answers(store, info.id, Answers(2 + day % 3, 1 + day % 2))
        with store.write() as conn:
            conn.executemany(
                "INSERT INTO events (session_id, t_s, kind) VALUES (?, ?, ?)",
                [(sid, t_s, str(kind)) for sid, t_s, kind in rows],
            )
    return len(rows)


def _command_ms(*args: str) -> tuple[float, bytes]:
    """`pausepoint ARGS`, a new process each run: the median time, and what it printed."""
    exe = Path(sys.executable).with_name("pausepoint")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    runs_ms = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        done = subprocess.run([str(exe), *args], check=True, capture_output=True, env=env)
        runs_ms.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(runs_ms), done.stdout


def _page_ms(path: Path) -> dict[str, float]:
    """The Trends page opened in a dashboard window, in a process of its own (offscreen)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, __file__, "--page", str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(done.stdout.splitlines()[-1])


def _child_page(path: Path) -> dict[str, float]:
    """From the click to the page drawn: read the year, fill the charts and the table, paint."""
    from datetime import date

    from pausepoint.config import load_config
    from pausepoint.ui.app import application
    from pausepoint.ui.main_window import MainWindow

    app = application()
    window = MainWindow(load_config(), db=path, quiet=True, notify=False)
    window.trends_page.today = lambda: date.fromisoformat(TODAY)
    window.resize(1280, 820)
    window.show()
    app.processEvents()
    opens_ms = []
    for _ in range(RUNS):
        window.show_sessions()
        app.processEvents()
        t0 = time.perf_counter()
        window.show_trends()
        window.trends_page.repaint()
        app.processEvents()
        opens_ms.append((time.perf_counter() - t0) * 1000.0)
    assert window.trends_page.table.rowCount() >= 52
    return {"first_ms": opens_ms[0], "median_ms": statistics.median(opens_ms)}


def bench_trends(path: str | Path) -> dict[str, float]:
    """Build the year at ``path`` (a new file) and measure trends on it."""
    path = Path(path)
    build_year(path)
    events = add_check_ins(path)
    command_ms, printed = _command_ms("--db", str(path), "trends", "--json")
    start_ms, _version = _command_ms("--version")
    page = _page_ms(path)
    return {
        "trends_year_events_count": float(events),
        "trends_year_weeks_count": float(len(json.loads(printed)["weeks"])),
        "trends_json_year_end_to_end_ms": command_ms,
        "cli_start_version_end_to_end_ms": start_ms,
        "trends_page_open_year_first_ms": page["first_ms"],
        "trends_page_open_year_median_ms": page["median_ms"],
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--page":
        print(json.dumps(_child_page(Path(sys.argv[2]))))
        return
    with tempfile.TemporaryDirectory() as folder:
        for name, value in bench_trends(Path(folder) / "year.db").items():
            unit = name.rsplit("_", 1)[-1]
            print(f"{name.removesuffix('_' + unit)}: {value:.4g} {unit}", flush=True)


if __name__ == "__main__":
    main()
