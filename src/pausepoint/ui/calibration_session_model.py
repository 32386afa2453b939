"""A calibration's measuring as plain Python (no Qt): where the heartbeats come from, the live
session that feeds them to the calibration flow, and how the run ends.

Samples come through a LiveSession: a strap's through the recorder, so its raw beats are
kept as a session (as `pausepoint calibrate` keeps them); a simulated person's through a
bare pipeline, not kept. Each sample also goes to the flow; when the protocol's time is
over the session ends itself, judges what was measured, saves an accepted result in the
person's profile (which becomes the active one), and reports the outcome to ``on_end``.
Data goes one way: the page listens, and never calls back into a session that is feeding.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pausepoint.calibration.assessment import simulated_resonance
from pausepoint.config import Config
from pausepoint.errors import UserError
from pausepoint.model import Sample, Update
from pausepoint.ui.calibration_model import END_SLACK_S, CalibrationFlow, Kind, Outcome, Step
from pausepoint.ui.session_model import LiveSession
from pausepoint.ui.view_model import SessionViewModel, StatusModel

if TYPE_CHECKING:
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sessions.store import Store

SIMULATED_SPEED = 10.0
"""A simulated person chosen in the wizard runs this much faster than real time."""
BASELINE_SCENARIO = "calm"


@dataclass(frozen=True)
class CalibrationSource:
    """Where heartbeats come from: a strap (``address`` or ``name``; neither: the last one
    used, else the strongest heard), or, with ``simulate``, a simulated person."""

    address: str | None = None
    name: str | None = None
    last_used_address: str | None = None
    label: str | None = None
    simulate: str | None = None
    """The simulator's scenario for the calm level (the breathing pace always uses the
    simulator's own resonance scenario, which breathes the protocol's schedule)."""
    seed: int = 0
    speed: float = SIMULATED_SPEED

    def words(self) -> str:
        if self.simulate is not None:
            speed = f"{self.speed:g}× faster"
            if math.isinf(self.speed) or self.speed == 1.0:
                speed = "at full speed" if self.speed > 1.0 else "real time"
            return f"A simulated person ({speed}, to try it out)"
        return f"Heart-rate strap ({self.label or self.name or self.address or 'the nearest one'})"

    def strap_target(self) -> dict[str, str | None]:
        """The strap to connect to, as StrapFeed takes it."""
        return {
            "address": self.address,
            "name": self.name,
            "last_used_address": self.last_used_address,
        }


@dataclass(frozen=True)
class Ending:
    """How a measuring run ended: judged (``outcome``), and whether a profile was saved."""

    outcome: Outcome
    saved: bool


class CalibrationSession(LiveSession):
    """A LiveSession that hands every sample to the calibration flow and ends itself when
    the protocol's time is over; ending while measuring judges and saves, then tells
    ``on_end``. Ending after the flow left the measuring (stopped, or the window closing)
    judges nothing."""

    def __init__(
        self,
        config: Config,
        view: SessionViewModel,
        status: StatusModel,
        flow: CalibrationFlow,
        store: Store | None,
        *,
        on_end: Callable[[Ending], None],
        recorder: Recorder | None = None,
    ) -> None:
        from pausepoint.sessions.settings import PipelineSettings

        pipeline = None
        if recorder is None:
            pipeline = PipelineSettings(auto_break=False).build(config)
        super().__init__(config, view, status, recorder=recorder, pipeline=pipeline)
        self.flow = flow
        self.store = store
        self.latest: Update | None = None
        self._on_end = on_end

    @classmethod
    def begin(
        cls,
        config: Config,
        view: SessionViewModel,
        flow: CalibrationFlow,
        source: CalibrationSource,
        store: Store | None,
        *,
        on_end: Callable[[Ending], None],
    ) -> CalibrationSession:
        """A new run of the flow's protocol, ready for samples: a strap's recorded into
        ``store`` (when it opens), a simulated person's not kept."""
        from pausepoint.sessions.recorder import Recorder
        from pausepoint.sessions.settings import PipelineSettings

        status = StatusModel(source_label=source.words())
        view.reset()
        recorder = None
        if source.simulate is None:
            recorder = cls._recorder(
                store,
                status,
                lambda store: Recorder(
                    store,
                    config,
                    source="ble",
                    settings=PipelineSettings(auto_break=False),
                    note=f"calibration: {flow.kind} for {flow.name}",
                    profile=flow.name,
                    strap_name=source.name,
                    strap_address=source.address,
                ),
            )
        session = cls(config, view, status, flow, store, on_end=on_end, recorder=recorder)
        flow.begin(0.0 if source.simulate is not None else None)
        return session

    def feed(self, sample: Sample) -> Update | None:
        if self.finished:
            return None
        update = super().feed(sample)
        if update is not None:
            self.latest = update
        hr_bpm = None if update is None else update.hr_bpm
        if self.flow.feed(sample, hr_bpm):
            self.finish()
        return update

    def finish(self) -> None:
        if self.finished:
            return
        super().finish()
        if self.flow.step == Step.MEASURING:
            self._on_end(self._judge())

    def _judge(self) -> Ending:
        """The protocol's time is over, or the source ended: judge, and save when accepted."""
        flow, store = self.flow, self.store
        stopped = None
        if flow.elapsed_s() < flow.duration_s - END_SLACK_S:
            stopped = self.status.message or (
                "no heartbeat came through" if flow.start_s is None else "the source ended"
            )
        measured_utc = datetime.now(UTC) if store is None else store.utc_now()
        outcome = flow.finish(measured_utc, stopped)
        saved = outcome.accepted and self._save()
        return Ending(flow.outcome or outcome, saved)

    def _save(self) -> bool:
        if self.store is None:
            self.flow.not_saved("the session database cannot be opened")
            return False
        try:
            self.flow.save(self.store)
        except UserError as exc:
            self.flow.not_saved(exc)
            return False
        return True


def simulated_samples(flow: CalibrationFlow, source: CalibrationSource) -> list[Sample]:
    """The simulated person's samples for the flow's protocol."""
    from pausepoint.sources.simulated.scenarios import simulate

    if flow.kind == Kind.RESONANCE:
        return simulated_resonance(flow.resonance, source.seed)
    scenario = source.simulate or BASELINE_SCENARIO
    minutes = flow.baseline.duration_s / 60.0
    return list(simulate(scenario, seed=source.seed, minutes=minutes).samples)


def feed_at_once(
    session: CalibrationSession, samples: Sequence[Sample], until_t_s: float = math.inf
) -> None:
    """Feed samples at once, up to session time ``until_t_s`` (all of them: the end, judged
    and saved); no event loop is needed."""
    session.status.set_link("simulated")
    for sample in samples:
        if sample.t_s > until_t_s or session.finished:
            return
        session.feed(sample)
    session.finish()
