from pausepoint.config import load_config
from pausepoint.model import Baseline, EventKind, State
from pausepoint.pipeline.detector import FloodingDetector, Judgement

BASE = Baseline(hr_bpm=70.0, rmssd_ms=40.0, hr_sd_bpm=3.0, rmssd_sd_ms=6.0, source="profile")


def _detector(**kw) -> FloodingDetector:
    c = load_config()
    return FloodingDetector(c.flooding, c.break_, c.signal, **kw)


def _run(det, t0_s, t1_s, hr_bpm, rmssd_ms, arousal=50.0, ok=True, base=BASE):
    events = []
    t_s = t0_s
    while t_s < t1_s:
        events += det.step(Judgement(t_s, hr_bpm, rmssd_ms, arousal, ok, base))
        t_s += 1.0
    return events


def kinds(events):
    return [e.kind for e in events]


def test_calibrating_until_baseline():
    det = _detector()
    assert _run(det, 0, 5, 70, 40, base=None) == []
    assert det.state == State.CALIBRATING
    _run(det, 5, 6, 70, 40, arousal=15)
    assert det.state == State.CALM


def test_flooding_needs_ten_seconds_of_hr_rise_with_rmssd_drop():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    assert _run(det, 60, 69, 85, 20, arousal=75) == []
    events = _run(det, 69, 71, 85, 20, arousal=75)
    assert kinds(events) == [EventKind.FLOODING_START]
    assert events[0].t_s == 70 and events[0].detail["onset_t_s"] == 60
    assert det.state == State.FLOODED


def test_talking_raises_hr_without_rmssd_drop_and_does_not_flood():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    assert _run(det, 60, 600, 82, 38, arousal=44) == []
    assert det.state == State.CALM


def test_ceiling_floods_on_heart_rate_alone():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    assert kinds(_run(det, 60, 80, 101, 40, arousal=60)) == [EventKind.FLOODING_START]


def test_hysteresis_no_flip_flop_around_threshold():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    _run(det, 60, 75, 85, 20, arousal=75)
    assert det.state == State.FLOODED
    events = []
    for i in range(300):  # oscillate 2 bpm either side of the entry level (80 bpm)
        hr = 82 if i % 20 < 10 else 78
        events += _run(det, 75 + i, 76 + i, hr, 25 if hr > 80 else 35, arousal=70)
    assert events == [] and det.state == State.FLOODED
    assert kinds(_run(det, 400, 440, 72, 38, arousal=20)) == [EventKind.FLOODING_END]
    assert det.state == State.RECOVERING


def test_ready_never_before_twenty_minute_break():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    _run(det, 60, 200, 100, 15, arousal=90)
    events = det.start_break(200)
    assert kinds(events) == [EventKind.BREAK_START]
    events = _run(det, 200, 260, 95, 18, arousal=80)
    assert det.state == State.BREAK
    events += _run(det, 260, 1399, 70, 40, arousal=15)  # settled long before 20 min
    assert EventKind.FLOODING_END in kinds(events)
    assert EventKind.READY not in kinds(events) and det.state == State.BREAK
    events = _run(det, 1399, 1402, 70, 40, arousal=15)
    assert kinds(events) == [EventKind.READY] and events[0].t_s == 1400
    assert det.state == State.READY


def test_not_settled_after_minimum_break_is_recovering():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    det.start_break(60)
    _run(det, 60, 1300, 80, 30, arousal=40)
    assert det.state == State.RECOVERING
    events = _run(det, 1300, 1500, 72, 39, arousal=18)
    assert kinds(events) == [EventKind.READY] and events[0].t_s == 1420


def test_poor_signal_suspends_judgement_and_comes_back():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    events = _run(det, 60, 90, 120, 10, arousal=95, ok=False)
    assert kinds(events) == [EventKind.SIGNAL_POOR] and det.state == State.SIGNAL_POOR
    events = _run(det, 90, 120, 70, 40, arousal=15)
    assert kinds(events) == [EventKind.SIGNAL_OK] and det.state == State.CALM


def test_auto_break_starts_at_end_of_flooding():
    det = _detector(auto_break=True)
    _run(det, 0, 60, 70, 40, arousal=15)
    _run(det, 60, 200, 100, 15, arousal=90)
    events = _run(det, 200, 300, 70, 40, arousal=15)
    assert kinds(events) == [EventKind.FLOODING_END, EventKind.BREAK_START]
    assert events[0].t_s == events[1].t_s and det.state == State.BREAK


def test_rising_with_hysteresis():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    _run(det, 60, 64, 76, 35, arousal=50)
    assert det.state == State.CALM
    _run(det, 64, 70, 76, 35, arousal=50)
    assert det.state == State.RISING
    _run(det, 70, 100, 74, 38, arousal=40)  # between exit and entry: stays rising
    assert det.state == State.RISING
    _run(det, 100, 115, 70, 40, arousal=20)
    assert det.state == State.CALM


def test_flooding_ends_when_vagal_tone_is_back_even_if_heart_rate_lingers():
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    _run(det, 60, 75, 85, 20, arousal=75)
    assert det.state == State.FLOODED
    # slow breathing: RMSSD back above baseline, HR just under the entry level (80 bpm)
    assert _run(det, 75, 104, 78, 55, arousal=30) == []
    assert kinds(_run(det, 104, 106, 78, 55, arousal=30)) == [EventKind.FLOODING_END]
    # with RMSSD still below baseline the same heart rate keeps the state
    det = _detector()
    _run(det, 0, 60, 70, 40, arousal=15)
    _run(det, 60, 75, 85, 20, arousal=75)
    assert _run(det, 75, 300, 78, 36, arousal=45) == [] and det.state == State.FLOODED


def _run_hr_only(det, t0_s, t1_s, hr_bpm, arousal=50.0):
    events = []
    for t_s in range(t0_s, t1_s):
        events += det.step(Judgement(t_s, hr_bpm, None, arousal, True, BASE, hr_only=True))
    return events


def test_judged_by_heart_rate_alone_the_rise_must_clear_the_calm_wander():
    """No RMSSD (many extra heartbeats, an irregular rhythm): the rise alone floods, held
    10 s, but only once it clears the calm level by the rise plus one robust SD (3 bpm)."""
    det = _detector()
    assert _run_hr_only(det, 0, 60, 70, arousal=15) == []
    assert det.state == State.CALM
    assert _run_hr_only(det, 60, 120, 82) == []  # the rise (10 bpm), within the wander
    events = _run_hr_only(det, 120, 131, 84)
    assert kinds(events) == [EventKind.FLOODING_START]
    assert det.state == State.FLOODED
