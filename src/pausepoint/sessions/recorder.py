"""The recording shell: every raw sample goes into the store before the pipeline sees it.

One consumer is fed samples in order (an async iterator here, a strap's callback in
``strap.feed`` and the dashboard): it stores each sample, pushes it through the pipeline,
stores the events the pipeline yields and keeps the session's summary current. The way the
pipeline was built and every user action that changes it (a break started) are stored
too, at the point of the stream where they happened, so that a replay is the live session
again, event for event.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from pausepoint.config import Config
from pausepoint.couple.engine import CoupleUpdate
from pausepoint.model import Event, Sample, State, Update
from pausepoint.pipeline.summary import Summary
from pausepoint.sessions.errors import StoreError
from pausepoint.sessions.records import BREAK, PAUSE, SessionStatus, SessionSummary
from pausepoint.sessions.settings import CoupleSettings, PipelineSettings
from pausepoint.sessions.store import Store
from pausepoint.sessions.writer import SessionWriter

ItemT = TypeVar("ItemT")
UpdateT = TypeVar("UpdateT")


class _SessionRecording:
    """What both recorders share: the session writer, its id, and saving what can be saved
    after an error."""

    _writer: SessionWriter

    @property
    def session_id(self) -> int | None:
        """None until an atomic session is written, and for a session discarded as empty."""
        return self._writer.session_id

    @property
    def samples_recorded(self) -> int:
        return self._writer.samples_recorded

    def abort(self) -> None:
        """After an error: a live session keeps what can be saved, as interrupted; an atomic
        one writes nothing."""
        if self._writer.finished:
            return
        if self._writer.live:
            with contextlib.suppress(StoreError):
                self._writer.finish(SessionStatus.INTERRUPTED)
        self._writer.abandon()


async def _record(
    recorder: _SessionRecording,
    stream: AsyncIterable[ItemT],
    feed: Callable[[ItemT], UpdateT],
    finish: Callable[[], list[UpdateT]],
    on_update: Callable[[UpdateT], None] | None,
) -> None:
    """Feed a recorder until its stream ends or the task is cancelled (Ctrl-C): both finish
    a live session as complete (a cancelled atomic one writes nothing); an error saves a
    live session as interrupted and is raised."""

    def finish_to() -> None:
        try:
            updates = finish()
        except BaseException:
            recorder.abort()
            raise
        for update in updates:
            if on_update is not None:
                on_update(update)

    try:
        async for item in stream:
            update = feed(item)
            if on_update is not None:
                on_update(update)
    except (asyncio.CancelledError, KeyboardInterrupt):
        if recorder._writer.live:
            finish_to()
        else:
            recorder.abort()
        raise
    except BaseException:
        recorder.abort()
        raise
    finish_to()


class Recorder(_SessionRecording):
    """Records one session: ``feed`` each sample, ``finish`` at the end (``run`` does both)."""

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        source: str,
        settings: PipelineSettings | None = None,
        note: str | None = None,
        strap_name: str | None = None,
        strap_address: str | None = None,
        profile: str | None = None,
        details: dict[str, Any] | None = None,
        atomic: bool = False,
    ) -> None:
        """``details``: more to keep with the session (e.g. the simulator's seed).
        ``atomic``: write the whole session at ``finish`` or nothing (imports)."""
        settings = settings or PipelineSettings()
        self.pipeline = settings.build(config)
        self.summary = Summary()
        self._state = State.CALIBRATING
        self._last_update_t_s: float | None = None
        self._last_sample_t_s: float | None = None
        self._writer: SessionWriter = store.begin_session(
            source,
            note=note,
            strap_name=strap_name,
            strap_address=strap_address,
            profile=profile,
            settings={**(details or {}), "pipeline": settings.to_dict()},
            atomic=atomic,
        )

    def feed(self, sample: Sample) -> Update:
        self._writer.add_sample(sample, hold=True)
        self._last_sample_t_s = sample.t_s
        update = self.pipeline.push(sample)
        self._note(update)
        self._writer.flush_if_due()
        return update

    def start_break(self, t_s: float, agreed_s: float | None = None) -> None:
        """The user chose to pause (for ``agreed_s``): recorded first, so a replay pauses at
        the same point."""
        self._writer.add_action(t_s, BREAK, None if agreed_s is None else {"agreed_s": agreed_s})
        self.pipeline.start_break(t_s, agreed_s)

    def add_marker(self, t_s: float, text: str) -> None:
        self._writer.add_marker(t_s, text)

    def add_source_event(self, event: Event) -> None:
        """An event from outside the pipeline: the strap's (lost, reconnected) or the
        person's (more time asked for, the agreed time come)."""
        self._writer.add_events([event], origin="source")

    def add_pmd_frame(self, t_s: float, kind: str, raw: bytes) -> None:
        self._writer.add_pmd_frame(t_s, kind, raw)

    def set_strap(self, name: str | None, address: str | None) -> None:
        self._writer.set_strap(name, address)

    def finish(self) -> Update | None:
        """Release the beats held for look-ahead, write the rest, mark the session complete.

        Returns the pipeline's last update (None when no sample came: then the empty session
        is not kept)."""
        if self._writer.finished:
            return None
        update = None
        if self._last_sample_t_s is not None:
            update = self.pipeline.finish(self._last_sample_t_s)
            self._note(update)
        self._writer.finish(SessionStatus.COMPLETE)
        return update

    async def run(
        self,
        samples: AsyncIterable[Sample],
        on_update: Callable[[Update], None] | None = None,
    ) -> None:
        """Record until the samples end or the task is cancelled (Ctrl-C): both finish a live
        session as complete (a cancelled atomic one writes nothing); an error saves a live
        session as interrupted and is raised."""

        def finish() -> list[Update]:
            last = self.finish()
            return [] if last is None else [last]

        await _record(self, samples, self.feed, finish, on_update)

    def _note(self, update: Update) -> None:
        dt_s = 0.0 if self._last_update_t_s is None else update.t_s - self._last_update_t_s
        self.summary.add(update, dt_s, self._state)
        self._state = update.state
        self._last_update_t_s = update.t_s
        s = self.summary
        self._writer.set_summary(SessionSummary(s.duration_s, s.beats, s.flooded_s, s.peak_hr_bpm))
        if update.events:
            self._writer.add_events(update.events)


# --- couples -----------------------------------------------------------------------------


class CoupleRecorder(_SessionRecording):
    """Records one couple session: both partners' raw samples in one stream, each with its
    person, then the couple engine's events (each partner's and the couple's). The breaks
    the engine starts are stored as actions too, for the record."""

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        source: str,
        settings: CoupleSettings | None = None,
        note: str | None = None,
        straps: tuple[tuple[str | None, str | None], ...] = ((None, None), (None, None)),
        profiles: tuple[str | None, str | None] = (None, None),
        details: dict[str, Any] | None = None,
        atomic: bool = False,
    ) -> None:
        settings = settings or CoupleSettings()
        self.engine = settings.build(config)
        self._summary = SessionSummary()
        self._first_t_s: float | None = None
        self._last_t_s: float | None = None
        self._any_flooded = False
        self._writer: SessionWriter = store.begin_session(
            source,
            note=note,
            strap_name=straps[0][0],
            strap_address=straps[0][1],
            profile=profiles[0],
            persons=2,
            strap_name_b=straps[1][0],
            strap_address_b=straps[1][1],
            profile_b=profiles[1],
            settings={**(details or {}), "couple": settings.to_dict()},
            atomic=atomic,
        )

    def feed(self, person: int, sample: Sample) -> CoupleUpdate:
        self._writer.add_sample(sample, hold=True, person=person)
        cu = self.engine.push(person, sample)
        self._note(cu)
        self._writer.flush_if_due()
        return cu

    def start_pause(self, t_s: float, agreed_s: float | None = None) -> None:
        """The couple chose to pause (for ``agreed_s``): recorded first, so a replay pauses
        at the same point."""
        detail = None if agreed_s is None else {"agreed_s": agreed_s}
        self._writer.add_action(t_s, PAUSE, detail, person=None)
        self.engine.start_pause(t_s)

    def add_marker(self, t_s: float, text: str) -> None:
        self._writer.add_marker(t_s, text)

    def add_source_event(self, person: int, event: Event) -> None:
        self._writer.add_events([event], origin="source", person=person)

    def add_pmd_frame(self, person: int, t_s: float, kind: str, raw: bytes) -> None:
        self._writer.add_pmd_frame(t_s, kind, raw, person=person)

    def set_strap(self, person: int, name: str | None, address: str | None) -> None:
        self._writer.set_strap(name, address, person=person)

    def finish(self) -> list[CoupleUpdate]:
        """Release both partners' held beats, write the rest, mark the session complete."""
        if self._writer.finished:
            return []
        updates = self.engine.finish()
        for cu in updates:
            self._note(cu)
        self._writer.finish(SessionStatus.COMPLETE)
        return updates

    async def run(
        self,
        stream: AsyncIterable[tuple[int, Sample]],
        on_update: Callable[[CoupleUpdate], None] | None = None,
    ) -> None:
        """Record until the stream ends or the task is cancelled, as Recorder.run does."""
        await _record(self, stream, lambda item: self.feed(*item), self.finish, on_update)

    def _note(self, cu: CoupleUpdate) -> None:
        """Events and actions go in at once; the summary row counts both partners' beats,
        the time at least one of them was flooded and the higher peak heart rate."""
        s = self._summary
        if self._first_t_s is None:
            self._first_t_s = cu.t_s
        if self._last_t_s is not None and self._any_flooded:
            s.flooded_s += max(0.0, cu.t_s - self._last_t_s)
        self._last_t_s = max(cu.t_s, self._last_t_s or cu.t_s)
        self._any_flooded = any(cu.flooded)
        s.duration_s = self._last_t_s - self._first_t_s
        s.beats += len(cu.update.beats)
        if cu.update.hr_bpm is not None:
            s.peak_hr_bpm = max(s.peak_hr_bpm or 0.0, cu.update.hr_bpm)
        self._writer.set_summary(replace(s))
        for person in cu.breaks:
            self._writer.add_action(cu.t_s, BREAK, {"by": "couple"}, person=person)
        if cu.update.events:
            self._writer.add_events(cu.update.events, person=cu.person)
        if cu.couple_events:
            self._writer.add_couple_events(cu.couple_events)
