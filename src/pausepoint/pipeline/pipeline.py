"""The engine: ``Pipeline.push(sample) -> Update``. Plain Python, no clock of its own.

timeline -> artifact correction -> estimators -> baseline -> arousal -> detector; beside the
artifact stage, the rhythm watch tells frequent premature beats or an irregular rhythm from a
poor signal, and in such a rhythm heart rate alone judges where variability cannot.
Time comes from the samples, so a replay of recorded samples is the live session
again, event for event.
"""

from __future__ import annotations

from pausepoint.config import Config
from pausepoint.model import Baseline, Beat, Event, EventKind, HeartSample, Sample, State, Update
from pausepoint.pipeline.arousal import MotionLevel, arousal_index, motion_explained_bpm
from pausepoint.pipeline.artifacts import ArtifactCorrector
from pausepoint.pipeline.baseline import BaselineWindow
from pausepoint.pipeline.detector import FloodingDetector, Judgement
from pausepoint.pipeline.estimators import Estimators
from pausepoint.pipeline.rhythm import Rhythm, RhythmEstimates, RhythmWatch
from pausepoint.pipeline.timeline import BeatTimeline


class Pipeline:
    def __init__(
        self,
        config: Config,
        *,
        baseline: Baseline | None = None,
        baseline_window_s: tuple[float, float] | None = None,
        auto_break: bool = False,
        spectral: bool = True,
    ) -> None:
        """``spectral=False`` skips HF, breathing rate, coherence and LF/HF (display only)."""
        self._cfg = config
        self._timeline = BeatTimeline(config.timeline)
        self._corrector = ArtifactCorrector(config.artifacts)
        self._estimators = Estimators(config.estimators, spectral=spectral)
        self._rhythm = RhythmWatch(config.rhythm)
        self._rhythm_est = RhythmEstimates(config.estimators, config.rhythm)
        self._baseline = baseline
        self._baseline_window = (
            None if baseline is not None else BaselineWindow(config.baseline, baseline_window_s)
        )
        self._motion = MotionLevel(config.arousal.motion_rise_s, config.arousal.motion_decay_s)
        self._detector = FloodingDetector(
            config.flooding, config.break_, config.signal, auto_break=auto_break
        )
        self._contact_ok = True
        self._last_beat_t_s: float | None = None
        """When the last beat came (the first sample's time until one does)."""
        self._pending: list[Event] = []
        self.judgement: Judgement | None = None
        """What the detector was last given: a second detector may judge the same moment."""

    @property
    def baseline(self) -> Baseline | None:
        return self._baseline

    @property
    def baseline_refusal(self) -> str | None:
        """Why a named baseline window gave no calm level (None when it did, or is open)."""
        return None if self._baseline_window is None else self._baseline_window.refusal

    @property
    def state(self) -> State:
        return self._detector.state

    def start_break(self, t_s: float, agreed_s: float | None = None) -> None:
        """The person chose to pause (for ``agreed_s``); the event comes out with the next
        update."""
        self._pending += self._detector.start_break(t_s, agreed_s)

    def push(self, sample: Sample) -> Update:
        events, self._pending = self._pending, []
        if not isinstance(sample, HeartSample):
            self._motion.update(sample.t_s, sample.motion_g)
            return self._update(sample.t_s, (), events)
        beats, gap = self._timeline.place(sample)
        if beats or self._last_beat_t_s is None:
            self._last_beat_t_s = beats[-1].t_s if beats else sample.t_s
        released: list[Beat] = []
        if gap is not None:
            released += self._corrector.flush()
            self._estimators_add(released)
            short = gap.end_s - gap.start_s <= self._cfg.timeline.bridge_s
            if short and sample.contact is not False:
                self._corrector.bridge()
                self._estimators.bridge()
                self._rhythm_est.bridge()
            else:
                self._corrector.reset()
                self._estimators.gap()
                self._rhythm.reset()
                self._rhythm_est.gap()
            events.append(
                Event(gap.start_s, EventKind.GAP, {"duration_s": round(gap.end_s - gap.start_s, 3)})
            )
        self._contact_ok = sample.contact is not False
        if not self._contact_ok:
            self._rhythm.reset()
        fresh: list[Beat] = []
        for beat in beats:
            self._rhythm.add(beat.rr_ms)
            if self._rhythm.watching:
                self._rhythm_est.add_sent(beat)
            elif self._rhythm_est.hr_bpm is not None:
                self._rhythm_est.gap()  # the rhythm is over: its windows start afresh next time
            fresh += self._corrector.push(beat)
        self._estimators_add(fresh)
        released += fresh
        if self._baseline is None and self._baseline_window is not None:
            for beat in fresh:
                hr_bpm, rmssd_ms = self._beat_for_baseline(beat)
                if hr_bpm is None:
                    continue
                found = self._baseline_window.add(beat.t_s, beat.rr_ms, hr_bpm, rmssd_ms)
                if found is not None:
                    self._baseline = found
                    events.append(Event(beat.t_s, EventKind.BASELINE, _baseline_detail(found)))
                    break
        return self._update(sample.t_s, tuple(released), events)

    def tick(self, t_s: float) -> Update | None:
        """Time passes with no sample (a strap's notifications lost): once no beat has come
        for ``pulse_lost_s`` the state says so. Nothing else is judged here, so a replay
        without these ticks has the same events. None while there is nothing new to say."""
        if not self._pulse_lost(t_s) or self._detector.state == State.SEARCHING:
            return None
        self._detector.lose_pulse()
        return self._lost_update(t_s, (), [])

    def _pulse_lost(self, t_s: float) -> bool:
        last_s = self._last_beat_t_s
        return last_s is not None and t_s - last_s > self._cfg.signal.pulse_lost_s

    def finish(self, t_s: float) -> Update:
        """End of stream: release the beats still held for look-ahead."""
        beats = self._corrector.flush()
        self._estimators_add(beats)
        events, self._pending = self._pending, []
        if self._baseline is None and self._baseline_window is not None:
            self._baseline = self._baseline_window.close()
        return self._update(t_s, tuple(beats), events)

    def _estimators_add(self, beats: list[Beat]) -> None:
        watching = self._rhythm.watching
        for beat in beats:
            self._estimators.add(beat)
            if watching:
                self._rhythm_est.add_corrected(beat)

    def _beat_for_baseline(self, beat: Beat) -> tuple[float | None, float | None]:
        """A beat's heart rate and the RMSSD then, for the calm level: in a rhythm of extra
        beats the 10-s rate of the intervals as sent (one beat's own rate is the premature
        beat's or the pause's), and RMSSD from sinus pairs where there are enough."""
        if self._rhythm.rhythm is None:
            return 60000.0 / beat.rr_ms, self._estimators.rmssd_ms
        return self._rhythm_est.hr_bpm, self._rhythm_est.nn_rmssd_ms or self._estimators.rmssd_ms

    def _judged(self) -> tuple[float | None, float | None]:
        """Heart rate and RMSSD to judge by: in an irregular rhythm heart rate alone; with
        many extra beats, RMSSD from sinus pairs only where enough remain."""
        rhythm = self._rhythm.rhythm
        if rhythm is None:
            return self._estimators.hr_bpm, self._estimators.rmssd_ms
        vagal_ms = self._rhythm_est.nn_rmssd_ms if rhythm == Rhythm.EXTRA_BEATS else None
        return self._rhythm_est.hr_bpm, vagal_ms

    def _update(self, t_s: float, beats: tuple[Beat, ...], events: list[Event]) -> Update:
        est = self._estimators
        motion_g = self._motion.motion_g
        artifact_rate = self._corrector.artifact_rate()
        rhythm = self._rhythm.rhythm
        signal_ok = self._contact_ok and (
            rhythm is not None
            or artifact_rate is None
            or artifact_rate <= self._cfg.signal.poor_artifact_rate
        )
        if not signal_ok and self._baseline is None and self._baseline_window is not None:
            self._baseline_window.restart(t_s)
        if self._pulse_lost(t_s):
            self.judgement = Judgement(
                t_s, None, None, None, signal_ok, self._baseline, pulse=False
            )
            events += self._detector.step(self.judgement)
            return self._lost_update(t_s, beats, events)
        hr_bpm, rmssd_ms = self._judged()
        arousal = None
        hr_judged = None
        if self._baseline is not None and hr_bpm is not None:
            arousal = arousal_index(
                hr_bpm, rmssd_ms, self._baseline, motion_g, self._cfg.arousal, self._cfg.flooding
            )
            hr_judged = hr_bpm - motion_explained_bpm(motion_g, self._cfg.arousal)
        self.judgement = Judgement(
            t_s, hr_judged, rmssd_ms, arousal, signal_ok, self._baseline, hr_only=rhythm is not None
        )
        events += self._detector.step(self.judgement)
        trusted = rhythm is None
        return Update(
            t_s=t_s,
            state=self._detector.state,
            beats=beats,
            events=tuple(events),
            hr_bpm=hr_bpm,
            rmssd_ms=rmssd_ms,
            rmssd60_ms=est.rmssd60_ms if trusted else None,
            sdnn_ms=est.sdnn_ms if trusted else None,
            pnn50_pct=est.pnn50_pct if trusted else None,
            hf_ms2=est.hf_ms2,
            resp_rate_bpm=est.resp_rate_bpm,
            coherence=est.coherence,
            lf_hf=est.lf_hf,
            arousal=arousal,
            artifact_rate=artifact_rate,
            motion_g=motion_g,
            baseline=self._baseline,
            rhythm=rhythm,
        )

    def _lost_update(self, t_s: float, beats: tuple[Beat, ...], events: list[Event]) -> Update:
        """No beat for a while: no number is shown as current."""
        return Update(
            t_s=t_s,
            state=self._detector.state,
            beats=beats,
            events=tuple(events),
            artifact_rate=self._corrector.artifact_rate(),
            motion_g=self._motion.motion_g,
            baseline=self._baseline,
            pulse_lost=True,
            rhythm=self._rhythm.rhythm,
        )


def _baseline_detail(b: Baseline) -> dict[str, object]:
    return {"hr_bpm": round(b.hr_bpm, 1), "rmssd_ms": round(b.rmssd_ms, 1), "from": b.source}
