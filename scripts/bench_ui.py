"""The dashboard's speed figures: CPU use while live, time per frame, start-up to first frame.

Each figure is measured in a fresh subprocess running the real window offscreen
(QT_QPA_PLATFORM=offscreen), so the calling process needs no Qt. The functions return
``{name: (value, unit)}``; run this file to print them as `name: value unit`.

- ``cpu_live(seconds)``: CPU time of the dashboard process (time.process_time) over wall
  time, during ``seconds`` of a live simulated session at 1x, after its first 10 minutes
  were fed at once so the 10-minute graphs are full. Target: 15 % of one core.
- ``frame_render(frames)``: one frame = the window's 10 Hz redraw (view models to plots and
  labels) and a synchronous repaint of the whole window. Target: median 8 ms.
- ``startup(runs)``: from starting the interpreter to the window's first paint. Target: 2 s.
- ``cue_latency(runs)``: from the flooding event leaving the pipeline to the first audible
  chunk of the pause sound at the sound card, live at 1x (the window's own frame timer and
  Qt Multimedia), measured at a private PulseAudio null sink's monitor. Target: median 300 ms.

Every child plays into a private null sink when PulseAudio is installed (never into the
speakers of the machine), with its own settings file.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.desktop import AudioServer, Recording, audio_missing  # noqa: E402

PREFILL_S = 600.0
CUE_LEAD_S = 20.0
"""The cue bench feeds the session at once up to this long before flooding, then at 1x."""
Figures = dict[str, tuple[float, str]]
_CHILD_ENV: dict[str, str] = {}


def _child(mode: str, *args: str, timeout_s: float = 600.0) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **_CHILD_ENV}
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=timeout_s,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def cpu_live(seconds: float = 60.0) -> Figures:
    out = _child("cpu", str(seconds), timeout_s=seconds + 120.0)
    return {
        "ui_cpu_live_1x_10min_window": (out["cpu_pct"], "% of one core"),
        "ui_redraws_per_s_live_1x": (out["frames_per_s"], "redraws/s"),
    }


def frame_render(frames: int = 300) -> Figures:
    out = _child("frame", str(frames))
    return {
        "ui_frame_render_median": (out["median_ms"], "ms"),
        "ui_frame_render_p95": (out["p95_ms"], "ms"),
    }


def startup(runs: int = 3) -> Figures:
    times_s = []
    for _ in range(runs):
        started_s = time.time()
        out = _child("startup")
        times_s.append(out["first_frame_wall_s"] - started_s)
    return {
        "ui_startup_to_first_frame_median": (statistics.median(times_s), "s"),
        "ui_startup_to_first_frame_max": (max(times_s), "s"),
    }


def couple_replay_open() -> Figures:
    out = _child("couple-replay")
    return {"ui_couple_replay_open_45min_median": (out["median_s"], "s")}


def cue_latency(runs: int = 5) -> Figures:
    why = audio_missing()
    if why is not None:
        print(f"ui_cue_latency: skipped ({why})")
        return {}
    out = _child("cue", str(runs), timeout_s=120.0 * runs)
    return {
        "ui_cue_flood_to_sound_median": (out["median_ms"], "ms"),
        "ui_cue_flood_to_sound_max": (out["max_ms"], "ms"),
    }


def all_figures(cpu_seconds: float = 60.0) -> Figures:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        audio = None if audio_missing() else AudioServer(Path(folder) / "audio")
        _CHILD_ENV["PAUSEPOINT_SETTINGS"] = str(Path(folder) / "settings.json")
        # Never the machine's speakers or desktop: a private sink, else no sound server,
        # and no session bus.
        nowhere = Path(folder) / "nowhere"
        _CHILD_ENV["PULSE_SERVER"] = audio.server if audio else f"unix:{nowhere}"
        _CHILD_ENV["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={nowhere}"
        try:
            return {
                **startup(),
                **frame_render(),
                **couple_replay_open(),
                **cpu_live(cpu_seconds),
                **cue_latency(),
            }
        finally:
            _CHILD_ENV.clear()
            if audio is not None:
                audio.stop()


# --- children -----------------------------------------------------------------------------


def _window_with_session(db: Path, until_t_s: float) -> tuple[Any, Any, Any]:
    """A dashboard window live on the simulated argument, fed at once up to ``until_t_s``."""
    from pausepoint.sources.simulated.scenarios import simulate
    from pausepoint.ui.app import DashboardOptions, _window, application

    app = application()
    window = _window(DashboardOptions(), db=db, live=True)
    window.show()
    samples = simulate("argument", seed=0).samples
    session = window.begin_live(source="simulated:argument", label="Simulated strap (argument)")
    rest = []
    for sample in samples:
        if sample.t_s <= until_t_s:
            session.feed(sample)
        else:
            rest.append(sample)
    window.render_frame(force=True)
    app.processEvents()
    return app, window, rest


def _child_cpu(seconds: float, db: Path) -> dict[str, float]:
    import asyncio

    import qasync

    from pausepoint.ui.session_model import play_simulation

    app, window, rest = _window_with_session(db, PREFILL_S)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    frames = 0
    view = window.live_page.session_view
    render = view.refresh

    def counted(force: bool = False) -> bool:
        nonlocal frames
        drawn = render(force)
        frames += drawn
        return drawn

    view.refresh = counted

    async def measure() -> dict[str, float]:
        nonlocal frames
        task = asyncio.ensure_future(play_simulation(window.session, rest, 1.0))
        await asyncio.sleep(2.0)  # let playback and the frame timer settle
        frames = 0
        wall0_s, cpu0_s = time.perf_counter(), time.process_time()
        await asyncio.sleep(seconds)
        wall_s = time.perf_counter() - wall0_s
        cpu_s = time.process_time() - cpu0_s
        task.cancel()
        return {"cpu_pct": 100.0 * cpu_s / wall_s, "frames_per_s": frames / wall_s}

    with loop:
        return loop.run_until_complete(measure())


def _child_frame(frames: int, db: Path) -> dict[str, float]:
    app, window, rest = _window_with_session(db, PREFILL_S)
    times_ms = []
    for sample in rest[:frames]:
        window.session.feed(sample)
        t0 = time.perf_counter()
        window.render_frame()
        window.repaint()
        times_ms.append((time.perf_counter() - t0) * 1000.0)
        app.processEvents()
    times_ms.sort()
    return {
        "median_ms": statistics.median(times_ms),
        "p95_ms": times_ms[int(0.95 * (len(times_ms) - 1))],
    }


def _child_startup(db: Path) -> dict[str, float]:
    os.environ["PAUSEPOINT_DB"] = str(db)
    from PySide6.QtCore import QEvent, QObject

    from pausepoint.ui.app import DashboardOptions, _window, application

    app = application()
    window = _window(DashboardOptions(), live=True)
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.time())
            return False

    spy = FirstPaint()
    window.centralWidget().installEventFilter(spy)
    window.show()
    while not painted:
        app.processEvents()
    return {"first_frame_wall_s": painted[0]}


def _child_couple_replay(db: Path, runs: int = 3) -> dict[str, float]:
    """A recorded 45-min couple-argument opened from the session list: the couple engine
    replays both partners and the linkage is measured, then the two lanes are drawn."""
    from pausepoint.ui.app import DashboardOptions, _window, application

    record = ["record", "--simulate", "couple-argument", "--speed", "100000"]
    subprocess.run(
        [sys.executable, "-m", "pausepoint.cli", "--db", str(db), *record],
        check=True,
        capture_output=True,
    )
    app = application()
    window = _window(DashboardOptions(), db=db, live=True)
    window.show()
    times_s = []
    for _ in range(runs):
        t0 = time.perf_counter()
        window.open_replay(1)
        window.render_frame(force=True)
        app.processEvents()
        times_s.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times_s)}


def _first_flood_t_s(samples: list[Any]) -> float:
    from pausepoint.config import load_config
    from pausepoint.model import EventKind
    from pausepoint.pipeline.pipeline import Pipeline

    pipeline = Pipeline(load_config(), spectral=False)
    for sample in samples:
        for event in pipeline.push(sample).events:
            if event.kind == EventKind.FLOODING_START:
                return event.t_s
    raise SystemExit("the simulated argument did not flood")


def _cue_run(window: Any, loop: Any, recording: Recording, seed: int) -> float | None:
    """One session of the simulated argument: the ms from flooding to sound, None unheard."""
    import asyncio

    from pausepoint.model import EventKind, Update
    from pausepoint.sources.simulated.scenarios import simulate
    from pausepoint.ui.session_model import play_simulation

    samples = simulate("argument", seed=seed).samples
    flood_t_s = _first_flood_t_s(samples)
    session = window.begin_live(source="simulated:argument", label="Simulated strap")
    rest = []
    for sample in samples:
        if sample.t_s < flood_t_s - CUE_LEAD_S:
            session.feed(sample)
        else:
            rest.append(sample)
    window.render_frame(force=True)
    flooded_at: list[float] = []
    view_feed = window.live_view.feed

    def stamp(update: Update) -> None:
        if not flooded_at and any(e.kind == EventKind.FLOODING_START for e in update.events):
            flooded_at.append(time.monotonic())
        view_feed(update)

    async def until_heard() -> None:
        task = asyncio.ensure_future(play_simulation(session, rest, 1.0))
        give_up_s = time.monotonic() + 2.0 * CUE_LEAD_S + 30.0
        while time.monotonic() < (flooded_at[0] + 2.0 if flooded_at else give_up_s):
            await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    window.live_view.feed = stamp
    loop.run_until_complete(until_heard())
    window.live_view.feed = view_feed
    window.end_session()
    if not flooded_at:
        return None
    heard = [t_s for t_s, _ in recording.sounds() if t_s >= flooded_at[0] - 0.05]
    return (heard[0] - flooded_at[0]) * 1000.0 if heard else None


def _child_cue(runs: int, db: Path) -> dict[str, float]:
    """Each run: a new live session fed at once up to CUE_LEAD_S before flooding, then at
    1x on the qasync loop; the sink's monitor is recorded as it plays."""
    import asyncio

    import qasync

    from pausepoint.ui.app import DashboardOptions, _window, application

    app = application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = _window(DashboardOptions(), db=db, live=True)
    window.show()
    recording = Recording(dict(os.environ))
    heard_ms = [_cue_run(window, loop, recording, seed) for seed in range(runs)]
    recording.stop()
    loop.run_until_complete(window.shutdown())
    latencies_ms = [ms for ms in heard_ms if ms is not None]
    if len(latencies_ms) < runs:
        raise SystemExit(f"the pause sound was heard in {len(latencies_ms)} of {runs} runs")
    return {"median_ms": statistics.median(latencies_ms), "max_ms": max(latencies_ms)}


def _run_child(mode: str, args: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        if mode == "cpu":
            out = _child_cpu(float(args[0]), db)
        elif mode == "frame":
            out = _child_frame(int(args[0]), db)
        elif mode == "startup":
            out = _child_startup(db)
        elif mode == "couple-replay":
            out = _child_couple_replay(db)
        elif mode == "cue":
            out = _child_cue(int(args[0]), db)
        else:
            raise SystemExit(f"unknown child mode {mode!r}")
    print(json.dumps(out))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _run_child(sys.argv[2], sys.argv[3:])
        return
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    for name, (value, unit) in all_figures(seconds).items():
        print(f"{name}: {value:.4g} {unit}", flush=True)


if __name__ == "__main__":
    main()
