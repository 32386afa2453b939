"""A stored session replayed in the dashboard, as plain Python (no Qt): fed once through a
fresh pipeline, then shown at any moment, played and paused at a chosen speed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pausepoint.config import Config
from pausepoint.errors import UserError
from pausepoint.model import Event, Update
from pausepoint.strap.catalogue import lookup
from pausepoint.ui.view_model import SessionViewModel, TimelineEntry, event_entry, marker_entry

if TYPE_CHECKING:
    from pausepoint.sessions.store import Store


@dataclass(frozen=True)
class ReplayInfo:
    session_id: int
    title: str
    start_t_s: float
    end_t_s: float
    source: str = ""
    note: str = ""


SPEEDS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


def strap_words(strap_name: str) -> str:
    """A strap by name, marked when it was an optical sensor ("Polar OH1 … (optical)"): its
    variability is read with that in mind."""
    try:
        known = lookup(strap_name)
    except UserError:
        known = None
    return f"{strap_name} (optical)" if known is not None and known.optical else strap_name


def source_words(source: str, strap_name: str | None = None) -> str:
    """Where a session came from, for a person: "simulated (argument)", "Polar H10 …"."""
    kind, _, detail = source.partition(":")
    if kind == "simulated":
        return f"simulated ({detail})"
    if kind == "file":
        return f"imported from {detail}"
    return strap_words(strap_name) if strap_name else "heart-rate strap"


class Playback:
    """Play, pause and advance at ``speed`` through a replay whose ``seek`` shows a moment."""

    info: ReplayInfo
    position_s: float
    speed: float = 1.0
    playing: bool = False

    def seek(self, t_s: float) -> None:
        raise NotImplementedError

    def play(self) -> None:
        if self.position_s >= self.info.end_t_s:
            self.seek(self.info.start_t_s)
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    def advance(self, wall_dt_s: float) -> None:
        """Move on by ``wall_dt_s`` of real time at the chosen speed (when playing)."""
        if not self.playing:
            return
        self.seek(self.position_s + wall_dt_s * self.speed)
        if self.position_s >= self.info.end_t_s:
            self.playing = False


class ReplayModel(Playback):
    """A stored session fed once through a fresh pipeline; the view shows it at any moment.

    ``seek`` moves the moment (backwards: the view is rebuilt from the start, which costs
    milliseconds, not a second pipeline run); ``advance`` plays at ``speed``.
    """

    def __init__(
        self,
        info: ReplayInfo,
        updates: Sequence[Update],
        markers: Sequence[tuple[float, str]],
        source_events: Sequence[Event],
        view: SessionViewModel,
    ) -> None:
        self.info = info
        self.updates = list(updates)
        self.markers = sorted(markers)
        self.source_events = sorted(source_events, key=lambda e: e.t_s)
        self.view = view
        self.position_s = info.start_t_s
        self._next = 0
        self._next_marker = 0
        self._next_source = 0
        view.reset()
        self.seek(info.start_t_s)

    @classmethod
    def load(
        cls, store: Store, session_id: int, config: Config, view: SessionViewModel
    ) -> ReplayModel:
        from pausepoint.sessions.replay import replayed_updates

        info = store.session(session_id)
        updates = list(replayed_updates(store, session_id, config))
        markers = [(m.t_s, m.text) for m in store.markers(session_id)]
        source_events = store.events(session_id, origin="source")
        start_t_s = updates[0].t_s if updates else 0.0
        end_t_s = updates[-1].t_s if updates else 0.0
        when = info.started_utc.astimezone().strftime("%Y-%m-%d %H:%M")
        title = f"Session {info.id}, {when}, {source_words(info.source, info.strap_name)}"
        if info.note:
            title += f": {info.note}"
        meta = ReplayInfo(info.id, title, start_t_s, end_t_s, info.source, info.note or "")
        view.started_at = info.started_utc.astimezone()
        return cls(meta, updates, markers, source_events, view)

    @property
    def duration_s(self) -> float:
        return self.info.end_t_s - self.info.start_t_s

    def entries(self) -> list[TimelineEntry]:
        """The whole session's events, markers and strap events, in time order."""
        break_min_s = self.view.config.break_.min_s
        entries = [event_entry(e, break_min_s) for u in self.updates for e in u.events]
        entries += [marker_entry(t_s, text) for t_s, text in self.markers]
        entries += [event_entry(e, break_min_s) for e in self.source_events]
        return sorted(entries, key=lambda entry: entry.t_s)

    def seek(self, t_s: float) -> None:
        t_s = min(max(t_s, self.info.start_t_s), self.info.end_t_s)
        if t_s < self.position_s or self._next == 0:
            self.view.reset()
            self._next = self._next_marker = self._next_source = 0
        updates = self.updates
        while self._next < len(updates) and updates[self._next].t_s <= t_s:
            self.view.feed(updates[self._next])
            self._next += 1
        while self._next_marker < len(self.markers) and self.markers[self._next_marker][0] <= t_s:
            self.view.add_marker(*self.markers[self._next_marker])
            self._next_marker += 1
        events = self.source_events
        while self._next_source < len(events) and events[self._next_source].t_s <= t_s:
            self.view.add_event(events[self._next_source])
            self._next_source += 1
        self.view.tick(t_s)
        self.position_s = t_s
        if self._next >= len(updates):
            self.view.end()
