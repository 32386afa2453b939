"""The cue sounds (made from code, shipped in the package) and when they sound."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from pausepoint.cues.plan import PAUSE_REPEAT_S, CueChoice, CuePlan, Moment
from pausepoint.cues.sounds import sound_file
from pausepoint.cues.synth import NOTES, PEAK, RATE_HZ, Cue, synthesize, wav_bytes


def peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1.0 / RATE_HZ)[np.argmax(spectrum)])


@pytest.mark.parametrize("cue", [Cue.PAUSE, Cue.READY, Cue.SLOW_BREATH])
def test_each_note_of_a_cue_is_found_in_its_sound(cue: Cue) -> None:
    samples = synthesize(cue)
    for note in NOTES[cue]:
        start = int((note.start_s + 0.05) * RATE_HZ)
        chunk = samples[start : start + int(0.2 * RATE_HZ)]
        assert peak_hz(chunk) == pytest.approx(note.f_hz, abs=6.0)


def test_the_cues_are_distinct_in_their_notes() -> None:
    shapes = {tuple(n.f_hz for n in NOTES[c]) for c in (Cue.PAUSE, Cue.READY, Cue.SLOW_BREATH)}
    assert len(shapes) == 3
    pause, ready = NOTES[Cue.PAUSE], NOTES[Cue.READY]
    assert pause[-1].f_hz < pause[0].f_hz  # pause falls
    assert ready[-1].f_hz > ready[0].f_hz  # ready rises


@pytest.mark.parametrize("cue", list(Cue))
def test_cues_are_gentle_soft_onset_quiet_and_warm(cue: Cue) -> None:
    samples = synthesize(cue)
    assert np.max(np.abs(samples)) <= PEAK + 1e-9
    onset = samples[: int(0.01 * RATE_HZ)]
    assert np.max(np.abs(onset)) < 0.35 * np.max(np.abs(samples))  # no click, no startle
    assert abs(samples[-1]) < 1e-3  # fades out, no cut-off click
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    f_hz = np.fft.rfftfreq(samples.size, 1.0 / RATE_HZ)
    assert spectrum[f_hz > 3000.0].sum() < 1e-3 * spectrum.sum()  # nothing bright or shrill


def test_breathing_tones_glide_up_in_and_down_out() -> None:
    rise, fall = synthesize(Cue.BREATHE_IN), synthesize(Cue.BREATHE_OUT)
    quarter = rise.size // 4
    assert peak_hz(rise[:quarter]) < peak_hz(rise[-quarter:])
    assert peak_hz(fall[:quarter]) > peak_hz(fall[-quarter:])


@pytest.mark.parametrize("cue", list(Cue))
def test_the_package_ships_exactly_the_synthesized_sounds(cue: Cue) -> None:
    assert sound_file(cue).read_bytes() == wav_bytes(synthesize(cue))
    with wave.open(io.BytesIO(sound_file(cue).read_bytes())) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE_HZ)
    assert sound_file(cue).stat().st_size < 100_000


def test_the_pause_cue_sounds_once_and_once_more_after_a_minute_unanswered() -> None:
    plan = CuePlan()
    assert plan.moment(Moment.FLOODING, 100.0) == [Cue.PAUSE]
    assert plan.tick(100.0 + PAUSE_REPEAT_S - 0.1) == []
    assert plan.tick(100.0 + PAUSE_REPEAT_S) == [Cue.PAUSE]
    assert plan.tick(100.0 + 10 * PAUSE_REPEAT_S) == []  # never more
    assert plan.moment(Moment.FLOODING, 400.0) == []  # still unanswered: the same prompt


def test_an_answered_prompt_is_not_repeated_and_a_later_flood_sounds_again() -> None:
    plan = CuePlan()
    assert plan.moment(Moment.FLOODING, 10.0) == [Cue.PAUSE]
    plan.acknowledge()
    assert plan.tick(10.0 + PAUSE_REPEAT_S) == []
    assert plan.moment(Moment.FLOODING, 3000.0) == [Cue.PAUSE]


def test_one_sound_for_a_couple_whoever_floods_second() -> None:
    plan = CuePlan()
    assert plan.moment(Moment.FLOODING, 10.0) == [Cue.PAUSE]
    assert plan.moment(Moment.FLOODING, 25.0) == []


def test_ready_sounds_once_per_break() -> None:
    plan = CuePlan()
    plan.moment(Moment.FLOODING, 0.0)
    plan.new_break()
    assert plan.moment(Moment.READY, 1300.0) == [Cue.READY]
    assert plan.moment(Moment.READY, 1301.0) == []
    plan.new_break()
    assert plan.moment(Moment.READY, 4000.0) == [Cue.READY]


def test_the_nudge_is_off_by_default_and_spaced_when_on() -> None:
    assert CuePlan().moment(Moment.RISING, 0.0) == []
    plan = CuePlan(CueChoice(slow_breath=True))
    assert plan.moment(Moment.RISING, 0.0) == [Cue.SLOW_BREATH]
    assert plan.moment(Moment.RISING, 30.0) == []
    assert plan.moment(Moment.RISING, 200.0) == [Cue.SLOW_BREATH]


def test_quiet_and_muted_cues_play_nothing() -> None:
    quiet = CuePlan(CueChoice(slow_breath=True, breathing_tones=True, quiet=True))
    assert quiet.moment(Moment.FLOODING, 0.0) == []
    assert quiet.tick(PAUSE_REPEAT_S) == []
    assert quiet.moment(Moment.READY, 1300.0) == []
    assert not quiet.choice.allows(Cue.BREATHE_IN)
    muted = CuePlan(CueChoice(pause=False))
    assert muted.moment(Moment.FLOODING, 0.0) == []
    assert muted.moment(Moment.READY, 1300.0) == [Cue.READY]
