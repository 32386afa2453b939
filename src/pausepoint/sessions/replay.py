"""A stored session played again: its raw samples through a fresh pipeline (or couple
engine) built as the live one was, with the user's actions at the points of the stream
where they were taken, so that the updates are the live session's, event for event.

(The dashboard's ReplayModel and CoupleReplayModel show what these give back.)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from pausepoint.config import Config
from pausepoint.couple.engine import CoupleEvent, CoupleEventKind, CoupleUpdate, shown_state
from pausepoint.model import Sample, Update
from pausepoint.sessions.records import BREAK, PAUSE
from pausepoint.sessions.settings import CoupleSettings, PipelineSettings
from pausepoint.sessions.store import Store


class PipelineReplay:
    """A stored session fed back through a fresh pipeline built as the live one was."""

    def __init__(self, store: Store, session_id: int, config: Config) -> None:
        self.info = store.session(session_id)
        if self.info.persons != 1:
            raise ValueError(f"session {session_id} is a couple session: use CoupleEngineReplay")
        settings = PipelineSettings.from_dict(self.info.settings.get("pipeline", {}))
        self.pipeline = settings.build(config)
        self.samples = store.samples(session_id)
        self._actions = deque(store.actions(session_id))
        self._seq = 0

    def push(self, sample: Sample) -> Update:
        """Feed the next stored sample (in order), after the user actions taken before it."""
        self._act()
        self._seq += 1
        return self.pipeline.push(sample)

    def finish(self) -> Update | None:
        self._act()
        if not self.samples:
            return None
        return self.pipeline.finish(self.samples[-1].t_s)

    def _act(self) -> None:
        while self._actions and self._actions[0].seq <= self._seq:
            action = self._actions.popleft()
            if action.kind != BREAK:
                raise ValueError(f"session {self.info.id}: unknown action {action.kind!r}")
            agreed_s = action.detail.get("agreed_s")
            self.pipeline.start_break(action.t_s, agreed_s)


class CoupleEngineReplay:
    """A stored couple session fed back through a fresh couple engine built as the live
    one was. The shared pauses the engine started are worked out again from the samples;
    pauses the couple started themselves are applied where they were taken."""

    def __init__(self, store: Store, session_id: int, config: Config) -> None:
        self.info = store.session(session_id)
        if self.info.persons != 2:
            raise ValueError(f"session {session_id} is not a couple session: use PipelineReplay")
        self.settings = CoupleSettings.from_dict(self.info.settings.get("couple", {}))
        self.engine = self.settings.build(config)
        self.stream = store.person_samples(session_id)
        self._actions = deque(a for a in store.actions(session_id) if a.kind != BREAK)
        self._seq = 0

    def push(self, person: int, sample: Sample) -> CoupleUpdate:
        self._act()
        self._seq += 1
        return self.engine.push(person, sample)

    def finish(self) -> list[CoupleUpdate]:
        self._act()
        return self.engine.finish()

    def run(self) -> Iterator[CoupleUpdate]:
        for person, sample in self.stream:
            yield self.push(person, sample)
        yield from self.finish()

    def _act(self) -> None:
        while self._actions and self._actions[0].seq <= self._seq:
            action = self._actions.popleft()
            if action.kind != PAUSE:
                raise ValueError(f"session {self.info.id}: unknown action {action.kind!r}")
            self.engine.start_pause(action.t_s)


def replayed_updates(
    store: Store, session_id: int, config: Config, person: int = 0
) -> Iterator[Update]:
    """Every Update of the session again, the last one from the end of the stream (of a
    couple session: one partner's, as the couple engine gave them, flooded where the engine
    saw them flooded during the shared pause)."""
    if store.session(session_id).persons == 2:
        couple = CoupleEngineReplay(store, session_id, config)
        for cu in couple.run():
            if cu.person == person:
                yield replace(cu.update, state=shown_state(cu))
        return
    session = PipelineReplay(store, session_id, config)
    for sample in session.samples:
        yield session.push(sample)
    last = session.finish()
    if last is not None:
        yield last


def stored_couple_events(store: Store, session_id: int) -> list[CoupleEvent]:
    """A couple session's shared events as the couple engine gave them, in order."""
    return [
        CoupleEvent(t_s, CoupleEventKind(kind), detail)
        for t_s, kind, detail in store.couple_event_rows(session_id)
    ]
