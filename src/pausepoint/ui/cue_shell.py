"""What the window does with a moment: plays its sound and, while the window is behind other
windows, sends its words as a desktop notification. The settings choose what sounds."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject

from pausepoint.calibration.breathing import INHALE
from pausepoint.cues.plan import CuePlan
from pausepoint.cues.synth import Cue
from pausepoint.ui.cue_model import CueWatcher
from pausepoint.ui.notify import Notifier
from pausepoint.ui.settings_model import Loaded, Settings, load_settings, settings_path
from pausepoint.ui.sound import SoundPlayer
from pausepoint.ui.view_model import Prompt

TONE_GAP_S = 1.5
"""Pacers that turn within this long of each other (a couple's two, at one pace) sound one
tone; the shortest breath phase a pacer offers is over twice as long."""


def notice_text(prompt: Prompt) -> str:
    """The card's words for a notification: what to do, and what to say when there is."""
    return prompt.body if prompt.say is None else f"{prompt.body} {prompt.say}"


class CueShell(QObject):
    def __init__(
        self,
        quiet: bool,
        notify: bool,
        bring_forward: Callable[[], None],
        note: Callable[[str], None],
        clock: Callable[[], float],
        parent: QObject,
    ) -> None:
        """``note``: where a quiet sentence goes (settings not read, sound unavailable);
        ``clock``: wall time, to keep two pacers' tones to one."""
        super().__init__(parent)
        self._clock = clock
        self._tone_s: float | None = None
        # A window that can neither sound nor notify (a screenshot's) reads no settings.
        loaded = load_settings(settings_path()) if notify or not quiet else Loaded(Settings())
        if loaded.problem is not None:
            note(loaded.problem)
        self.settings: Settings = loaded.settings
        self.quiet = quiet
        self._may_notify = notify
        self.notify = notify and self.settings.notifications
        self.sound = SoundPlayer(note, self.settings.volume, self)
        self.notifier = Notifier(bring_forward)
        self.watcher = CueWatcher(CuePlan(self.settings.cue_choice(quiet)))
        self._preload()

    def apply(self, settings: Settings) -> None:
        """New settings take effect at once; the session's cue plan keeps its place
        (a pause cue already sounded does not sound again), and --quiet still holds."""
        self.settings = settings
        self.sound.set_volume(settings.volume)
        self.watcher.plan.choice = settings.cue_choice(self.quiet)
        self.notify = self._may_notify and settings.notifications
        self._preload()

    def breathe(self, phase: str) -> None:
        """A breath in or out began on the pacer: its soft tone, if the person wants tones."""
        cue = Cue.BREATHE_IN if phase == INHALE else Cue.BREATHE_OUT
        now_s = self._clock()
        if self._tone_s is not None and now_s - self._tone_s < TONE_GAP_S:
            return
        if self.watcher.plan.choice.allows(cue):
            self._tone_s = now_s
            self.sound.play(cue)

    def _preload(self) -> None:
        choice = self.watcher.plan.choice
        if choice.wants_sound:
            self.sound.preload(cue for cue in Cue if choice.allows(cue))

    def new_session(self) -> None:
        self.watcher = CueWatcher(CuePlan(self.settings.cue_choice(self.quiet)))

    def break_started(self) -> None:
        self.watcher.break_started()

    def see(self, prompts: Sequence[Prompt], t_s: float, in_front: bool) -> None:
        """The session's cards now: sound what newly happened, notify if nobody is looking."""
        for reached in self.watcher.see([p.kind for p in prompts], t_s):
            for cue in reached.cues:
                self.sound.play(cue)
            if reached.notify and self.notify and not in_front:
                prompt = prompts[reached.person]
                self.notifier.send(prompt.title, notice_text(prompt))

    async def close(self) -> None:
        await self.notifier.close()
