from pausepoint.config import load_config
from pausepoint.model import HeartSample
from pausepoint.pipeline.timeline import BeatTimeline


def _timeline() -> BeatTimeline:
    return BeatTimeline(load_config().timeline)


def test_beats_are_laid_end_to_end_with_exact_rr():
    tl = _timeline()
    first, gap = tl.place(HeartSample(t_s=1.02, hr_bpm=60, rr_ms=(1000.0,)))
    assert gap is None and first[0].t_s == 1.02
    beats, gap = tl.place(HeartSample(t_s=2.05, hr_bpm=60, rr_ms=(400.0, 587.890625)))
    assert gap is None
    assert [b.rr_ms for b in beats] == [400.0, 587.890625]
    assert abs(beats[0].t_s - 1.42) < 1e-12
    assert abs(beats[1].t_s - (1.42 + 0.587890625)) < 1e-12


def test_notification_without_rr_places_nothing_and_no_gap():
    tl = _timeline()
    tl.place(HeartSample(t_s=1.0, hr_bpm=50, rr_ms=(1200.0,)))
    assert tl.place(HeartSample(t_s=2.0, hr_bpm=50)) == ([], None)
    beats, gap = tl.place(HeartSample(t_s=3.0, hr_bpm=50, rr_ms=(1200.0,)))
    assert gap is None and abs(beats[0].t_s - 2.2) < 1e-12


def test_lost_notifications_make_a_gap_and_no_invented_beats():
    tl = _timeline()
    t_s = 0.0
    for _ in range(5):
        t_s += 1.0
        tl.place(HeartSample(t_s=t_s, hr_bpm=60, rr_ms=(1000.0,)))
    # three notifications (three beats) never arrive
    beats, gap = tl.place(HeartSample(t_s=t_s + 4.0, hr_bpm=60, rr_ms=(1000.0,)))
    assert gap is not None
    assert gap.start_s == t_s and abs(gap.end_s - (t_s + 4.0)) < 1e-9
    assert len(beats) == 1 and beats[0].t_s == t_s + 4.0


def test_a_beat_a_little_late_is_not_a_gap():
    tl = _timeline()
    tl.place(HeartSample(t_s=1.0, hr_bpm=60, rr_ms=(1000.0,)))
    # last beat 0.9 s before arrival (the strap sends once a second, not per beat)
    beats, gap = tl.place(HeartSample(t_s=2.9, hr_bpm=60, rr_ms=(1000.0,)))
    assert gap is None and beats[0].t_s == 2.0


def test_strap_clock_ahead_of_host_is_reanchored_monotonically():
    tl = _timeline()
    tl.place(HeartSample(t_s=10.0, hr_bpm=60, rr_ms=(1000.0,)))
    beats, gap = tl.place(HeartSample(t_s=10.5, hr_bpm=60, rr_ms=(1000.0,)))
    assert gap is None
    assert 10.0 < beats[0].t_s <= 10.5
