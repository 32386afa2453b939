"""What the window turns into cues and notifications, and the settings that choose them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from pausepoint.cues.plan import PAUSE_REPEAT_S, CueChoice, CuePlan, Moment
from pausepoint.cues.synth import Cue
from pausepoint.ui.cue_model import CueWatcher
from pausepoint.ui.settings_model import Settings, load_settings, save_settings
from pausepoint.ui.view_model import PromptKind

K = PromptKind


def test_the_pause_prompt_going_up_sounds_and_notifies_once() -> None:
    watcher = CueWatcher(CuePlan())
    assert watcher.see([K.CALM], 10.0) == []
    (flood,) = watcher.see([K.FLOODED], 11.0)
    assert (flood.moment, flood.cues, flood.notify) == (Moment.FLOODING, (Cue.PAUSE,), True)
    assert watcher.see([K.FLOODED], 12.0) == []  # still up: nothing new
    (again,) = watcher.see([K.FLOODED], 11.0 + PAUSE_REPEAT_S)
    assert (again.cues, again.notify) == ((Cue.PAUSE,), False)  # a sound, not a second notice
    assert watcher.see([K.FLOODED], 11.0 + 5 * PAUSE_REPEAT_S) == []


def test_starting_the_break_stops_the_repeat_and_ready_sounds_once() -> None:
    watcher = CueWatcher(CuePlan())
    watcher.see([K.FLOODED], 0.0)
    watcher.break_started()
    assert watcher.see([K.BREAK], PAUSE_REPEAT_S) == []
    (ready,) = watcher.see([K.READY], 1300.0)
    assert (ready.moment, ready.cues, ready.notify) == (Moment.READY, (Cue.READY,), True)
    assert watcher.see([K.CALM], 1400.0) == []


def test_a_couple_hears_and_is_notified_once_for_the_shared_pause_and_for_ready() -> None:
    watcher = CueWatcher(CuePlan())
    reached = watcher.see([K.FLOODED, K.FLOODED], 30.0)
    assert [r.cues for r in reached] == [(Cue.PAUSE,), ()]
    assert [r.notify for r in reached] == [True, False]
    watcher.break_started()
    reached = watcher.see([K.READY, K.READY], 1300.0)
    assert [(r.cues, r.notify) for r in reached] == [((Cue.READY,), True), ((), False)]


def test_a_prompt_gone_by_itself_is_not_repeated_and_a_new_flood_sounds() -> None:
    watcher = CueWatcher(CuePlan())
    watcher.see([K.FLOODED], 10.0)
    assert watcher.see([K.COMING_DOWN], 40.0) == []
    assert watcher.see([K.COMING_DOWN], 10.0 + PAUSE_REPEAT_S) == []
    (again,) = watcher.see([K.FLOODED], 200.0)
    assert (again.cues, again.notify) == ((Cue.PAUSE,), True)


def test_muted_pause_still_notifies_the_moment() -> None:
    watcher = CueWatcher(CuePlan(CueChoice(pause=False)))
    (flood,) = watcher.see([K.FLOODED], 5.0)
    assert flood.cues == () and flood.notify


def test_settings_are_remembered_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    assert load_settings(path).settings == Settings()
    chosen = Settings(volume=0.2, ready_sound=False, breathing_tones=True)
    assert save_settings(path, chosen) is None
    assert load_settings(path).settings == chosen
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert chosen.cue_choice(quiet=True) == CueChoice(
        pause=True, ready=False, slow_breath=False, breathing_tones=True, quiet=True
    )


def test_a_damaged_settings_file_gives_the_defaults_and_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.problem == "Your settings file was damaged; using defaults."


def test_unknown_or_mistyped_keys_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"volume": 7, "pause_sound": "no", "future": 1, "ready_sound": False})
    )
    loaded = load_settings(path)
    assert loaded.problem is None
    assert loaded.settings == Settings(volume=1.0, ready_sound=False)


def test_the_text_monitor_rings_the_bell_once_on_flooding_unless_quiet() -> None:
    import io

    from pausepoint.cli.monitor import BELL, TextMonitor
    from pausepoint.model import Event, EventKind, State, Update

    flooding = Update(50.0, State.FLOODED, events=(Event(50.0, EventKind.FLOODING_START),))
    calm = Update(49.0, State.CALM)
    for bell, rings in ((True, 1), (False, 0)):
        out = io.StringIO()
        monitor = TextMonitor(out, 1200.0, bell=bell)
        for update in (calm, flooding, Update(51.0, State.FLOODED)):
            monitor.feed(update)
        assert out.getvalue().count(BELL) == rings
