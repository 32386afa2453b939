"""The dashboard's composition root: the Qt application, the qasync loop, the window.

``run(options)`` opens the window and runs until it is closed; ``screenshot(options)``
renders the window offscreen at a moment of a simulated or replayed session (or of a
simulated calibration), as fast as the pipeline goes, and saves it as a PNG. Start-up
imports nothing heavy (no neurokit2, matplotlib or pandas): the first frame comes in about
a second.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.config import DATA_DIR
from pausepoint.errors import BadInput, UserError

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

    from pausepoint.calibration.profiles import Profile
    from pausepoint.ui.calibration_session_model import CalibrationSource
    from pausepoint.ui.couple_model import CoupleLiveSession
    from pausepoint.ui.main_window import MainWindow
    from pausepoint.ui.session_model import LiveSession

DEFAULT_SIZE = (1280, 820)
SCREENSHOT_PACER_T_S = 2.6
"""The pacer in a still: most of the way through a breath in."""
FOLLOW_PROMPT_S = 30.0
"""A simulated person starts the break this long after the flooded prompt: time to read
it and say the words."""


@dataclass(frozen=True)
class DashboardOptions:
    device: str | None = None
    devices: tuple[str, ...] = ()
    """Two straps, partner A's then B's: the couple view."""
    simulate: str | None = None
    speed: float = 1.0
    seed: int = 0
    replay: int | None = None
    db: Path | None = None
    screenshot: Path | None = None
    at_s: float | None = None
    """Session time of the screenshot; None: the end of the session."""
    size: tuple[int, int] = DEFAULT_SIZE
    calibrate: str | None = None
    """Open the calibration wizard: "baseline" or "resonance"."""
    quiet: bool = False
    """No sound at all for this run (``--quiet``)."""
    glance: bool = False
    """Open the session in the glance view (``--glance``): full screen, or in a screenshot."""
    theme: str | None = None
    """``--theme``: "light", "dark" or "system" for this run; None: the settings' choice
    (a screenshot's window reads no settings: light, or as the computer is set)."""
    profiles: tuple[Profile | None, ...] = ()
    """The profile of the person, or of partners A and B (``--profile``); empty: the
    active profile with a strap, none with a simulation."""

    def profile(self, person: int = 0) -> Profile | None:
        return self.profiles[person] if self.profiles else None

    def couple_profiles(self) -> tuple[Profile | None, Profile | None]:
        return self.profile(0), self.profile(1)


QUIET_QT_WARNINGS = (
    "This plugin does not support",
    "Couldn't load pipewire",
    "Couldn't resolve pipewire",
    'Detected locale "C"',
)
"""Qt's offscreen platform warns about window features it lacks, Qt Multimedia about a sound
system it tries before PulseAudio, and Qt about a plain "C" locale it replaces with UTF-8
itself; nothing a person can act on."""


def _qt_message(kind: object, context: object, message: str) -> None:
    if not message.startswith(QUIET_QT_WARNINGS):
        sys.stderr.write(message + "\n")


def application() -> QCoreApplication:
    """The QApplication, made once."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        qInstallMessageHandler(_qt_message)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("pausepoint")
        app.setQuitOnLastWindowClosed(False)
        _add_shipped_fonts()
    return app


def _add_shipped_fonts() -> None:
    """The fonts a bundle ships (a machine may have none, and then every letter is a box);
    a Python install has no such folder and uses the system's."""
    from PySide6.QtGui import QFontDatabase

    for font in sorted((DATA_DIR / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))


def has_display() -> bool:
    """Whether a window can be shown here (the lead's `pausepoint` with no subcommand)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return False
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _window(options: DashboardOptions, db: Path | None = None, live: bool = False) -> MainWindow:
    """The window on ``db``, else on the options' database; only a ``live`` one (not a
    screenshot's) makes sounds and notifications."""
    from pausepoint.config import load_config
    from pausepoint.ui.main_window import MainWindow

    window = MainWindow(
        load_config(),
        db=options.db if db is None else db,
        quiet=options.quiet or not live,
        notify=live,
        theme_choice=options.theme,
        remember_size=live,
    )
    if not live or window.cues.settings.window_size is None:
        window.resize(*options.size)
    return window


def run(options: DashboardOptions) -> int:
    """Open the dashboard and run until its window is closed."""
    app = application()
    import qasync

    if sys.platform == "win32":
        from bleak.backends.winrt.util import allow_sta

        allow_sta()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = _window(options, live=True)
    if options.replay is not None and window.open_replay(options.replay) is None:
        raise UserError(window.sessions_page.message.text())

    restore = close_on_stop_signals(window)

    async def main() -> None:
        closed = asyncio.Event()
        window.closed.connect(closed.set)
        window.show()
        if options.calibrate is not None:
            window.show_calibration(options.calibrate, calibration_source(options))
        elif options.simulate is not None and _is_couple(options.simulate):
            window.start_couple_simulation(
                options.simulate,
                seed=options.seed,
                speed=options.speed,
                profiles=options.couple_profiles(),
            )
        elif options.simulate is not None:
            window.start_simulation(
                options.simulate,
                seed=options.seed,
                speed=options.speed,
                profile=options.profile(),
            )
        elif options.devices:
            from pausepoint.strap.target import strap_target

            window.connect_couple_straps(
                [strap_target(d) for d in options.devices], profiles=options.couple_profiles()
            )
        elif options.device is not None:
            from pausepoint.strap.target import strap_target

            window.connect_strap(**strap_target(options.device), profile=options.profile())
        elif options.replay is None:
            window.start_default()
        if options.glance:
            window.show_glance()
        await closed.wait()
        await window.shutdown()

    try:
        with loop:
            loop.run_until_complete(main())
    finally:
        restore()
    return 0


def close_on_stop_signals(window: MainWindow) -> Callable[[], None]:
    """Ctrl-C or SIGTERM (a logout, ``kill``) closes the window as its close button does, so
    the session is finished and the strap let go; returns what gives the old handlers back."""
    import signal

    stops = (signal.SIGINT, signal.SIGTERM)
    before = {stop: signal.getsignal(stop) for stop in stops}
    for stop in stops:
        signal.signal(stop, lambda _signum, _frame: window.close())

    def restore() -> None:
        for stop, handler in before.items():
            signal.signal(stop, handler)

    return restore


def screenshot(options: DashboardOptions) -> Path:
    """Render the window at ``options.at_s`` of a simulated or replayed session; save a PNG.

    A simulated person follows the prompts: they start the break 30 s after the flooded
    prompt offers it. Nothing waits on the clock; the recording goes to a temporary database.
    """
    out = options.screenshot
    if out is None:
        raise BadInput("--screenshot needs a file name, e.g. --screenshot live.png")
    if out.suffix.lower() != ".png":
        raise BadInput(f"{out}: screenshots are saved as PNG; name the file .png")
    if not out.parent.is_dir():
        raise BadInput(f"{out}: the folder {out.parent} does not exist; create it first")
    if options.device is not None or options.devices:
        raise BadInput("--screenshot works with --simulate or --replay, not with a live strap")
    if options.simulate is None and options.replay is None:
        raise BadInput("--screenshot needs --simulate SCENARIO or --replay ID")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    at_s = math.inf if options.at_s is None else options.at_s
    if options.calibrate is not None:
        return _calibration_screenshot(app, options, options.calibrate, at_s, out)
    if options.replay is not None:
        window = _window(options)
        try:
            if window.open_replay(options.replay) is None:
                raise UserError(window.sessions_page.message.text())
            window.replay_page.seek(at_s)
            _hold_pacers(window)
            return _save(app, window, out)
        finally:
            asyncio.run(window.shutdown())
    assert options.simulate is not None  # no --replay: a scenario, as checked above
    with tempfile.TemporaryDirectory() as folder:
        window = _window(options, db=Path(folder) / "screenshot.db")
        try:
            if _is_couple(options.simulate):
                session = simulate_couple_into(
                    window,
                    options.simulate,
                    seed=options.seed,
                    until_t_s=at_s,
                    profiles=options.couple_profiles(),
                )
                if options.at_s is None:
                    session.finish()
            else:
                simulate_into(
                    window,
                    options.simulate,
                    seed=options.seed,
                    until_t_s=at_s,
                    profile=options.profile(),
                )
            if options.glance:
                window.show_glance(full_screen=False)
            _hold_pacers(window)
            return _save(app, window, out)
        finally:
            asyncio.run(window.shutdown())


def calibration_source(options: DashboardOptions) -> CalibrationSource | None:
    """Where the wizard's heartbeats come from: --simulate, else --device, else the strap
    used last (or the strongest heard)."""
    from pausepoint.ui.calibration_session_model import CalibrationSource

    if options.simulate is not None:
        return CalibrationSource(simulate=options.simulate, seed=options.seed, speed=options.speed)
    if options.device is not None:
        from pausepoint.strap.target import strap_target

        target = strap_target(options.device)
        return CalibrationSource(
            address=target.get("address"), name=target.get("name"), label=options.device
        )
    return None


def _calibration_screenshot(
    app: QCoreApplication, options: DashboardOptions, kind: str, at_s: float, out: Path
) -> Path:
    """The wizard (``kind``: "baseline" or "resonance") at session time ``at_s`` of a
    simulated calibration (the end: its result, saved in a temporary database), saved
    to ``out``."""
    from pausepoint.ui.widgets.calibration_page import calibrate_into

    with tempfile.TemporaryDirectory() as folder:
        window = _window(options, db=Path(folder) / "screenshot.db")
        try:
            page = window.show_calibration(kind, calibration_source(options))
            page.choose(page.chosen_name() or page.flow.name, kind)
            calibrate_into(page, until_t_s=at_s)
            return _save(app, window, out)
        finally:
            asyncio.run(window.shutdown())


def simulate_into(
    window: MainWindow,
    scenario: str,
    *,
    seed: int = 0,
    until_t_s: float,
    profile: Profile | None = None,
) -> LiveSession:
    """Feed a simulated session into the window at once, following the prompts; returns the
    LiveSession (not finished, so the window shows it as live)."""
    from pausepoint.sources.simulated.scenarios import simulate
    from pausepoint.ui.view_model import PromptKind

    recording = simulate(scenario, seed=seed)
    session = window.begin_live(
        source=f"simulated:{scenario}",
        label=f"Simulated strap ({scenario})",
        details={"simulation": {"scenario": scenario, "seed": seed}},
        profile=profile,
    )
    session.status.set_link("simulated")
    follower = _PromptFollower()
    for sample in recording.samples:
        if sample.t_s > until_t_s:
            break
        session.feed(sample)
        view = session.view
        flooded = view.state is not None and view.prompt().kind == PromptKind.FLOODED
        if follower.breaks(flooded, sample.t_s):
            session.start_break()
    return session


def simulate_couple_into(
    window: MainWindow,
    scenario: str,
    *,
    seed: int = 0,
    until_t_s: float,
    profiles: tuple[Profile | None, Profile | None] = (None, None),
) -> CoupleLiveSession:
    """Feed a simulated couple into the window at once, following the prompts (Start break
    for both 30 s after "Let's pause"); returns the CoupleLiveSession, not finished."""
    from pausepoint.ui.couple_model import merged_couple_samples
    from pausepoint.ui.view_model import PromptKind

    stream = merged_couple_samples(scenario, seed)
    session = window.begin_couple(
        source=f"simulated:{scenario}",
        label=f"Simulated straps ({scenario})",
        details={"simulation": {"scenario": scenario, "seed": seed}},
        profiles=profiles,
    )
    session.status.set_link("simulated")
    follower = _PromptFollower()
    for person, sample in stream:
        if sample.t_s > until_t_s:
            break
        session.feed(person, sample)
        if follower.breaks(session.view.prompt(0).kind == PromptKind.FLOODED, sample.t_s):
            session.start_break()
    return session


def _is_couple(scenario: str | None) -> bool:
    from pausepoint.sources.simulated.couples import COUPLE_SCENARIOS

    return scenario in COUPLE_SCENARIOS


class _PromptFollower:
    """A simulated person who starts the break once the flooded prompt has been shown for
    FOLLOW_PROMPT_S, as someone reading it would."""

    def __init__(self) -> None:
        self._since_s: float | None = None

    def breaks(self, flooded: bool, t_s: float) -> bool:
        """Whether to start the break now, the prompt being ``flooded`` or not at ``t_s``."""
        if not flooded:
            self._since_s = None
            return False
        if self._since_s is None:
            self._since_s = t_s
            return False
        return t_s - self._since_s >= FOLLOW_PROMPT_S


def _hold_pacers(window: MainWindow) -> None:
    for view in (window.live_page.session_view, window.replay_page.session_view):
        view.pacer.hold(SCREENSHOT_PACER_T_S)
    window.couple_page.hold_pacers(SCREENSHOT_PACER_T_S)


def _save(app: QCoreApplication, window: MainWindow, out: Path) -> Path:
    window.show()
    window.render_frame(force=True)
    for _ in range(3):
        app.processEvents()
    if not window.grab().save(str(out), "PNG"):
        raise UserError(f"{out}: the screenshot could not be written; check the folder")
    return out
