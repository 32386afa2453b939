"""RR files in and out: every reader format, real recordings, exact round trips, hostile input."""

from __future__ import annotations

import itertools
import os
import stat
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pausepoint.errors import BadInput, UserError
from pausepoint.model import HeartSample, MotionSample, rr_ms_from_ticks
from pausepoint.sources import files
from pausepoint.sources.files import (
    RR_MAX_MS,
    RR_MIN_MS,
    STRAP_RR_MAX_MS,
    STRAP_RR_MIN_MS,
    read_rr_file,
    to_samples,
    write_kubios_txt,
    write_pausepoint_csv,
    write_text_atomic,
)

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
FIXTURE_RR_MS = [812.0, 798.0, 805.0, 790.0, 402.0, 1205.0]


def shared(relative: str) -> Path:
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"shared recording {relative} is absent")
    return path


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def bad_input(path: Path) -> str:
    with pytest.raises(BadInput) as info:
        read_rr_file(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(path.name)
    return message


# --- formats of other tools ----------------------------------------------------------------


def test_polar_sensor_logger_keeps_phone_arrival_times_across_midnight() -> None:
    rec = read_rr_file(DATA / "Polar_H10_A1B2C3D4_20240301_235958_RR.txt")
    assert rec.format == "polar-sensor-logger"
    assert rec.t_kind == "arrival"
    assert rec.rr_ms.tolist() == FIXTURE_RR_MS
    assert rec.t_s is not None
    np.testing.assert_allclose(rec.t_s, [0.0, 0.996, 2.009, 3.021, 3.021, 4.028], atol=1e-9)
    samples = to_samples(rec)
    assert [s.rr_ms for s in samples] == [(812.0,), (798.0,), (805.0,), (790.0, 402.0), (1205.0,)]
    assert samples[3].t_s == pytest.approx(3.021)
    assert samples[3].hr_bpm == round(60000 / ((790 + 402) / 2))
    assert all(s.contact is None for s in samples)


def test_hrv_logger_beat_times_come_from_since_start() -> None:
    rec = read_rr_file(DATA / "hrv_logger_RR.csv")
    assert rec.format == "hrv-logger"
    assert rec.t_kind == "beat"
    assert rec.rr_ms.tolist() == [823.0, 812.0, 830.0, 845.0, 801.0]
    assert rec.t_s is not None
    # 'since start' is the start of each RR: the beat that ends it is one RR later
    np.testing.assert_allclose(rec.t_s, [0.823, 1.635, 2.465, 3.310, 4.111], atol=1e-12)


def test_kubios_two_columns_with_header_are_beat_times() -> None:
    rec = read_rr_file(DATA / "kubios_time_rr.txt")
    assert rec.format == "kubios"
    assert rec.t_kind == "beat"
    assert rec.rr_ms.tolist() == FIXTURE_RR_MS
    assert rec.t_s is not None
    np.testing.assert_allclose(rec.t_s, np.cumsum(FIXTURE_RR_MS) / 1000.0, atol=1e-12)
    assert "RR in ms" in rec.unit_note and "time in s" in rec.unit_note


@pytest.mark.parametrize("separator", ["\t", " ", ",", "   "])
@pytest.mark.parametrize("header", [None, "time{sep}rr"])
@pytest.mark.parametrize(("time_unit", "rr_unit"), [("s", "ms"), ("s", "s"), ("ms", "ms")])
@pytest.mark.parametrize("stamp", ["end", "start"])
def test_kubios_variants_give_the_same_beats(
    tmp_path: Path, separator: str, header: str | None, time_unit: str, rr_unit: str, stamp: str
) -> None:
    ends_s = np.cumsum(FIXTURE_RR_MS) / 1000.0
    times_s = ends_s if stamp == "end" else ends_s - np.array(FIXTURE_RR_MS) / 1000.0
    lines = [header.format(sep=separator)] if header else []
    for t_s, rr_ms in zip(times_s, FIXTURE_RR_MS, strict=True):
        t_text = f"{t_s:.3f}" if time_unit == "s" else f"{t_s * 1000:.0f}"
        rr_text = f"{rr_ms / 1000:.3f}" if rr_unit == "s" else f"{rr_ms:.0f}"
        lines.append(f"{t_text}{separator}{rr_text}")
    rec = read_rr_file(write(tmp_path, "kubios.txt", "\n".join(lines) + "\n"))
    assert rec.format == "kubios"
    assert rec.t_kind == "beat"
    np.testing.assert_allclose(rec.rr_ms, FIXTURE_RR_MS, atol=1e-9)
    assert rec.t_s is not None
    np.testing.assert_allclose(rec.t_s, ends_s, atol=1e-9)
    assert ("RR in seconds" in rec.unit_note) == (rr_unit == "s")
    assert ("time in ms" in rec.unit_note) == (time_unit == "ms")


def test_elite_hrv_is_named_by_its_file_name_and_plain_otherwise(tmp_path: Path) -> None:
    elite = read_rr_file(DATA / "2024-03-01 07-30-15.txt")
    assert elite.format == "elite-hrv"
    assert elite.rr_ms.tolist() == FIXTURE_RR_MS
    assert elite.t_s is None and elite.t_kind == "none"
    plain = read_rr_file(write(tmp_path, "export.txt", "812\n798\n805\n790\n402\n1205\n"))
    assert plain.format == "plain"
    assert plain.rr_ms.tolist() == FIXTURE_RR_MS


def test_plain_seconds_are_detected_and_said(tmp_path: Path) -> None:
    rec = read_rr_file(DATA / "plain_seconds.txt")
    assert rec.format == "plain"
    assert rec.rr_ms.tolist() == [812.5, 790.0, 805.0, 789.0625]
    assert "seconds" in rec.unit_note and "converted to ms" in rec.unit_note
    ms = read_rr_file(write(tmp_path, "ms.txt", "812.5\n790\n805\n"))
    assert ms.rr_ms.tolist() == [812.5, 790.0, 805.0]
    assert "RR in ms" in ms.unit_note


def test_header_with_an_rr_column_and_an_index(tmp_path: Path) -> None:
    rec = read_rr_file(write(tmp_path, "rr.csv", ",rr,hr\n0,992.0,60\n1,1016.0,59\n2,985.5,61\n"))
    assert rec.format == "csv"
    assert rec.rr_ms.tolist() == [992.0, 1016.0, 985.5]
    assert "'rr'" in rec.unit_note


def test_header_names_the_unit(tmp_path: Path) -> None:
    rec = read_rr_file(write(tmp_path, "rr.txt", "RR (s)\n12.5\n11.0\n"))
    # a median of 11.75 alone would say ms; the header says seconds (a 12 s pause)
    assert rec.rr_ms.tolist() == [12500.0, 11000.0]
    assert "named in the header" in rec.unit_note


def test_utf16_and_bom_exports_read(tmp_path: Path) -> None:
    text = "RR-interval\r\n812\r\n798\r\n"
    for name, encoding in (("u16.txt", "utf-16"), ("bom.txt", "utf-8-sig")):
        rec = read_rr_file(write(tmp_path, name, text.encode(encoding)))
        assert rec.rr_ms.tolist() == [812.0, 798.0]


def test_numpy_file_with_rr_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "rr.npy"
    np.save(path, np.array([0.8125, 0.75]))
    rec = read_rr_file(path)
    assert rec.format == "numpy"
    assert rec.rr_ms.tolist() == [812.5, 750.0]


def test_arrays_are_read_only() -> None:
    rec = read_rr_file(DATA / "kubios_time_rr.txt")
    with pytest.raises(ValueError):
        rec.rr_ms[0] = 1.0


# --- pausepoint CSV ------------------------------------------------------------------------


def test_pausepoint_csv_groups_rows_and_keeps_notifications_without_rr() -> None:
    rec = read_rr_file(DATA / "pausepoint_session.csv")
    assert rec.format == "pausepoint"
    assert rec.t_kind == "arrival"
    assert rec.rr_ms.size == 5
    assert [row.t_s for row in rec.empty_rows] == [10.25, 14.0]
    assert to_samples(rec) == [
        HeartSample(10.25, 0, (), False),
        HeartSample(11.0078125, 74, (rr_ms_from_ticks(832),), True),
        HeartSample(12.015625, 75, (rr_ms_from_ticks(817),), True),
        HeartSample(13.03125, 76, (rr_ms_from_ticks(809), rr_ms_from_ticks(411)), True),
        HeartSample(14.0, 76, (), None),
        HeartSample(15.5, 50, (rr_ms_from_ticks(1234),), None),
    ]


def test_pausepoint_csv_rewrites_byte_for_byte(tmp_path: Path) -> None:
    source = DATA / "pausepoint_session.csv"
    copy = tmp_path / "copy.csv"
    write_pausepoint_csv(copy, to_samples(read_rr_file(source)))
    assert copy.read_bytes() == source.read_bytes()


def test_an_old_pausepoint_csv_reads_with_no_motion_and_is_written_as_it_was(
    tmp_path: Path,
) -> None:
    source = DATA / "pausepoint_session.csv"  # written before the motion_g column existed
    rec = read_rr_file(source)
    assert rec.motion_rows == ()
    assert not any(isinstance(s, MotionSample) for s in to_samples(rec))
    copy = tmp_path / "copy.csv"
    write_pausepoint_csv(copy, to_samples(rec))
    assert copy.read_text().splitlines()[0] == "t_s,rr_ms,hr_bpm,contact"


def test_motion_rows_come_back_in_place(tmp_path: Path) -> None:
    samples = [
        MotionSample(0.5, 0.012),
        HeartSample(1.0, 70, (850.0,), True),
        MotionSample(1.0, 0.0),  # the same arrival time as the beat before it
        HeartSample(1.0, 70, (860.0,), True),  # kept apart from the first by the motion row
        HeartSample(1.5, 0, (), False),
        MotionSample(1.5, 0.31),
        HeartSample(1.5, 0, (), False),
        HeartSample(2.0, 72, (840.0, 830.0), None),
        MotionSample(2.5, 0.2),
    ]
    path = tmp_path / "walk.csv"
    write_pausepoint_csv(path, samples)
    lines = path.read_text().splitlines()
    assert lines[:3] == ["t_s,rr_ms,hr_bpm,contact,motion_g", "0.5,,,,0.012", "1.0,850.0,70,1,"]
    rec = read_rr_file(path)
    assert [row.motion_g for row in rec.motion_rows] == [0.012, 0.0, 0.31, 0.2]
    assert "4 motion levels (g)" in rec.unit_note
    assert rec.rr_ms.tolist() == [850.0, 860.0, 840.0, 830.0]
    assert to_samples(rec) == samples


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("2.0,800,70,1,0.2", "line 3: rr_ms, hr_bpm or contact beside motion_g"),
        ("2.0,,70,,0.2", "line 3: rr_ms, hr_bpm or contact beside motion_g"),
        ("2.0,,,1,0.2", "line 3: rr_ms, hr_bpm or contact beside motion_g"),
        ("2.0,,,,-0.1", "line 3: motion_g '-0.1' is below zero"),
        ("2.0,,,,fast", "line 3: 'fast' is not a number"),
        ("2.0,,,,nan", "line 3: 'nan' is not a number"),
        ("0.5,,,,0.2", "line 3: time '0.5' is earlier than the line before"),
    ],
)
def test_a_bad_motion_row_is_one_line(tmp_path: Path, row: str, words: str) -> None:
    path = write(tmp_path, "walk.csv", f"t_s,rr_ms,hr_bpm,contact,motion_g\n1.0,800,70,1,\n{row}\n")
    assert words in bad_input(path)


def test_the_writer_refuses_a_motion_level_it_could_not_read_back(tmp_path: Path) -> None:
    for motion_g in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="motion_g"):
            write_pausepoint_csv(tmp_path / "s.csv", [MotionSample(1.0, motion_g)])
    assert list(tmp_path.iterdir()) == []


def test_pausepoint_csv_without_optional_columns(tmp_path: Path) -> None:
    rec = read_rr_file(write(tmp_path, "s.csv", "t_s,rr_ms\n1.5,800\n1.5,1000\n2.5,\n"))
    assert rec.hr_bpm is None and rec.contact is None
    assert to_samples(rec) == [
        HeartSample(1.5, round(60000 / 900), (800.0, 1000.0)),
        HeartSample(2.5, 0),
    ]


def test_pausepoint_keeps_any_rr_a_strap_can_send(tmp_path: Path) -> None:
    tiny, huge = rr_ms_from_ticks(1), rr_ms_from_ticks(0xFFFF)
    rec = read_rr_file(write(tmp_path, "s.csv", f"t_s,rr_ms\n1.0,{tiny!r}\n2.0,{huge!r}\n"))
    assert rec.rr_ms.tolist() == [STRAP_RR_MIN_MS, STRAP_RR_MAX_MS] == [tiny, huge]


heart_samples = st.lists(
    st.tuples(
        st.integers(0, 255),
        st.lists(
            st.one_of(
                st.integers(1, 0xFFFF).map(rr_ms_from_ticks),
                st.floats(STRAP_RR_MIN_MS, STRAP_RR_MAX_MS),
            ),
            max_size=4,
        ),
        st.sampled_from([None, True, False]),
    ),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=heart_samples,
    times=st.lists(st.floats(-1e9, 1e9), min_size=30, max_size=30, unique=True).map(sorted),
)
def test_round_trip_is_exact(tmp_path: Path, rows: list, times: list[float]) -> None:
    samples = [
        HeartSample(t_s=t_s, hr_bpm=hr_bpm, rr_ms=tuple(rr_ms), contact=contact)
        for t_s, (hr_bpm, rr_ms, contact) in zip(times, rows, strict=False)
    ]
    path = tmp_path / "round.csv"
    write_pausepoint_csv(path, samples)
    back = to_samples(read_rr_file(path))
    assert back == samples
    assert [s.t_s.hex() for s in back] == [float(s.t_s).hex() for s in samples]


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=heart_samples,
    motion_g=st.lists(st.one_of(st.none(), st.floats(0.0, 16.0)), min_size=30, max_size=30),
    times=st.lists(st.floats(-1e9, 1e9), min_size=60, max_size=60, unique=True).map(sorted),
)
def test_round_trip_with_motion_is_exact(
    tmp_path: Path, rows: list, motion_g: list[float | None], times: list[float]
) -> None:
    """Motion samples wherever they fall among the notifications come back in place."""
    samples: list[HeartSample | MotionSample] = []
    for i, (hr_bpm, rr_ms, contact) in enumerate(rows):
        samples.append(HeartSample(times[2 * i], hr_bpm, tuple(rr_ms), contact))
        if motion_g[i] is not None:
            samples.append(MotionSample(times[2 * i + 1], motion_g[i]))
    path = tmp_path / "round.csv"
    write_pausepoint_csv(path, samples)
    assert to_samples(read_rr_file(path)) == samples


# --- writing -------------------------------------------------------------------------------


def test_kubios_text_keeps_full_precision(tmp_path: Path) -> None:
    rr_ms = [rr_ms_from_ticks(t) for t in (832, 817, 411)] + [812.3456789012345]
    path = tmp_path / "kubios.txt"
    write_kubios_txt(path, rr_ms)
    lines = path.read_text().splitlines()
    assert lines[0] == "0.8125"
    assert lines[1] == "0.7978515625"  # 3 decimals would lose 0.15 ms
    rec = read_rr_file(path)
    assert rec.rr_ms[:3].tolist() == rr_ms[:3]  # strap ticks come back bit for bit
    assert rec.rr_ms[3] == pytest.approx(rr_ms[3], rel=1e-15)


def test_written_files_are_owner_only_even_when_replacing(tmp_path: Path) -> None:
    path = tmp_path / "session.csv"
    path.write_text("old")
    path.chmod(0o644)
    write_pausepoint_csv(path, [HeartSample(1.0, 60, (1000.0,), True)])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kubios = tmp_path / "rr.txt"
    write_kubios_txt(kubios, np.array([800.0]))
    assert stat.S_IMODE(kubios.stat().st_mode) == 0o600


def test_text_is_written_whole_and_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "truth.json"
    write_text_atomic(path, '{"bpm": "♥"}\n')
    assert path.read_text(encoding="utf-8") == '{"bpm": "♥"}\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["truth.json"]


def test_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "session.csv"
    path.write_text("old")

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", disk_full)
    with pytest.raises(UserError, match=r"^session.csv: could not be written \(No space"):
        write_pausepoint_csv(path, [HeartSample(1.0, 60, (1000.0,))])
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.csv"]


def test_write_into_a_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="choose a folder"):
        write_kubios_txt(tmp_path / "nowhere" / "rr.txt", [800.0])
    assert not (tmp_path / "nowhere").exists()


def test_writer_refuses_values_it_could_not_read_back(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rr_ms"):
        write_pausepoint_csv(tmp_path / "s.csv", [HeartSample(1.0, 60, (float("nan"),))])
    with pytest.raises(ValueError, match="out of order"):
        write_pausepoint_csv(tmp_path / "s.csv", [HeartSample(2.0, 60), HeartSample(1.0, 60)])
    with pytest.raises(ValueError, match="hr_bpm"):
        write_pausepoint_csv(tmp_path / "s.csv", [HeartSample(1.0, -1)])
    with pytest.raises(ValueError, match="rr_ms"):
        write_kubios_txt(tmp_path / "k.txt", [800.0, -1.0])
    assert list(tmp_path.iterdir()) == []


# --- to_samples for beats without arrival times --------------------------------------------


def test_beats_are_grouped_into_one_second_notifications(tmp_path: Path) -> None:
    rec = read_rr_file(write(tmp_path, "rr.txt", "500\n" * 10))
    samples = to_samples(rec)
    assert [s.rr_ms for s in samples] == [(500.0, 500.0)] * 5
    assert [s.t_s for s in samples] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert {s.hr_bpm for s in samples} == {120}


def test_slow_beats_give_one_beat_per_notification(tmp_path: Path) -> None:
    samples = to_samples(read_rr_file(write(tmp_path, "rr.txt", "1500\n1200\n2000\n")))
    assert [(s.t_s, s.rr_ms, s.hr_bpm) for s in samples] == [
        (1.5, (1500.0,), 40),
        (2.7, (1200.0,), 50),
        (4.7, (2000.0,), 30),
    ]


# --- real recordings -----------------------------------------------------------------------


def test_dhyb_polar_h10_log_is_read_as_arrival_times() -> None:
    rec = read_rr_file(DATA / "dhyb_polar_h10_ibi" / "sample_data_ibi.csv")
    assert rec.format == "arrival-time-rr"
    assert rec.t_kind == "arrival"
    assert rec.rr_ms.size == 620
    assert rec.rr_ms[:3].tolist() == [936.0, 1020.0, 1078.0]
    assert rec.t_s is not None
    assert rec.t_s[0] == 2.211511135101318359e-01
    assert 599 < rec.t_s[-1] < 601  # 10 min
    samples = to_samples(rec)
    assert len(samples) == 620
    assert [s.t_s for s in samples] == rec.t_s.tolist()


def test_pyhrv_short_sample_npy_and_txt_agree() -> None:
    npy = read_rr_file(DATA / "pyhrv_0.5.0_samples" / "SampleNNISeriesShort.npy")
    txt = read_rr_file(DATA / "pyhrv_0.5.0_samples" / "SampleNNISeriesShort.txt")
    assert npy.format == "numpy" and txt.format == "plain"
    assert npy.rr_ms.size == txt.rr_ms.size == 337
    assert npy.rr_ms.tolist() == txt.rr_ms.tolist()
    assert npy.rr_ms.mean() == pytest.approx(888.955, abs=5e-4)  # pyHRV's mean NN


@pytest.mark.shared_data
def test_holter_80k_beats_read_fast_with_artifacts_kept() -> None:
    path = shared("physionet_rr_healthy_subjects/000.txt")
    started = time.perf_counter()
    rec = read_rr_file(path)
    elapsed_s = time.perf_counter() - started
    assert rec.rr_ms.size == 80441
    assert rec.format == "plain" and "RR in ms" in rec.unit_note
    assert elapsed_s < 0.3
    samples = to_samples(rec)
    assert [rr for s in samples for rr in s.rr_ms] == rec.rr_ms.tolist()
    assert all(b.t_s > a.t_s for a, b in itertools.pairwise(samples))


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "count"), [("003.txt", 108150), ("007.txt", 57333)])
def test_other_holter_series_load_whole(name: str, count: int) -> None:
    rec = read_rr_file(shared(f"physionet_rr_healthy_subjects/{name}"))
    assert rec.rr_ms.size == count
    assert rec.rr_ms.min() >= RR_MIN_MS and rec.rr_ms.max() <= RR_MAX_MS


@pytest.mark.shared_data
def test_holter_artifact_of_180_ms_loads() -> None:
    rec = read_rr_file(shared("physionet_rr_healthy_subjects/003.txt"))
    assert rec.rr_ms.min() == 180.0


@pytest.mark.shared_data
def test_hrv_analysis_series_matches_its_reference() -> None:
    rec = read_rr_file(shared("hrv-analysis_tests/test_nn_intervals.txt"))
    assert rec.rr_ms.size == 1000
    assert rec.rr_ms.mean() == pytest.approx(718.248, abs=1e-9)
    assert np.median(rec.rr_ms) == 722.5
    assert np.ptp(rec.rr_ms) == 249.0


@pytest.mark.shared_data
def test_systole_kubios_series_matches_kubios_mean_rr() -> None:
    rec = read_rr_file(shared("systole_rr_kubios/rr.txt"))
    assert rec.format == "csv"
    assert rec.rr_ms.size == 245
    assert rec.rr_ms.mean() == pytest.approx(883.24, abs=5e-3)  # Kubios MeanRR
    assert rec.rr_ms[2] == 985.3333333333333


# --- hostile input -------------------------------------------------------------------------


def test_the_message_names_file_line_problem_and_remedy(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", "800\n810\n\n805\n# note\n790\nabc\n800\n")
    assert bad_input(path) == (
        "bad.csv line 7: 'abc' is not a number; expected one RR interval (ms or s) per line"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty"),
        ("  \n\r\n\t\n", "empty"),
        ("800\n-810\n", "line 2: '-810'"),
        ("800\n0\n", "line 2: '0'"),
        ("800\n50000\n", "line 2: '50000'"),
        ("800\n810\n65\n", "accepted 100 to 30000 ms"),
        ("72\n75\n70\n", "line 1: '72' (72 ms) cannot be an RR interval"),
        ("800\nnan\n", "line 2: 'nan' is not a number"),
        ("800\ninf\n", "line 2: 'inf' is not a number"),
        ("800\n810 820\n", "line 2: 2 columns instead of 1"),
        ("1,800,3\n2,810,4\n", "line 1: 3 columns"),
        ("1.0,800\n2.0,810,5\n", "line 2: 3 columns instead of 2"),
        ("1.0,800\n0.5,810\n", "line 2: time '0.5' is earlier"),
        ("time,hr\n1,60\n", "no RR column"),
        ("rr\n", "a header but no RR"),
        ("t_s,rr_ms,hr_bpm,contact\n", "no notifications"),
        ("t_s,rr_ms,hr_bpm,contact\n1.0,800,60,2\n", "line 2: contact '2'"),
        ("t_s,rr_ms,hr_bpm,contact\n1.0,800,-5,1\n", "line 2: heart rate '-5'"),
        ("t_s,rr_ms,hr_bpm,contact\n1.0,0,60,1\n", "line 2: '0' (0 ms)"),
        ("t_s,rr_ms\n2.0,800\n1.0,800\n", "line 3: time '1.0' is earlier"),
        ("Phone timestamp;RR-interval [ms]\nyesterday;800\n", "line 2: 'yesterday' is not an ISO"),
        ("Phone timestamp;RR-interval [ms]\n2024-03-01T10:00:00;800;1\n", "line 2: 3 columns"),
        ("date,rr,since start\n2024-03-01 10:00:00,800\n", "line 2: 2 columns instead of 3"),
        (b"\x00\x01\x02\x03binary", "binary file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"\x93NUMPY\x01\x00garbage", "not a readable NumPy"),
    ],
)
def test_malformed_files_raise_one_line_bad_input(
    tmp_path: Path, content: str | bytes, expected: str
) -> None:
    assert expected in bad_input(write(tmp_path, "bad.txt", content))


@pytest.mark.parametrize(
    "array",
    [np.array([], dtype=float), np.zeros((3, 2)), np.array(["800"]), np.array([800.0, np.nan])],
)
def test_unusable_numpy_arrays(tmp_path: Path, array: np.ndarray) -> None:
    path = tmp_path / "bad.npy"
    np.save(path, array)
    bad_input(path)


def test_pickled_numpy_is_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "bad.npy"
    np.save(path, np.array([800, "x", None], dtype=object), allow_pickle=True)
    assert "not a readable NumPy" in bad_input(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "no such file" in bad_input(tmp_path / "absent.csv")
    assert "is a folder" in bad_input(tmp_path)
    assert "cannot be read" in bad_input(write(tmp_path, "f.txt", "800\n") / "inside.txt")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "locked.txt", "800\n")
    path.chmod(0)
    assert "permission denied" in bad_input(path)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_recording_or_bad_input(tmp_path: Path, content: bytes) -> None:
    check_reads_or_refuses(write(tmp_path, "any.bin", content))


tokens = st.sampled_from(
    [
        "800",
        "0.8",
        "812.5",
        "-1",
        "0",
        "1e308",
        "nan",
        "abc",
        "",
        "t_s",
        "rr_ms",
        "hr_bpm",
        "contact",
        "rr",
        "time",
        "1",
        "2024-03-01T10:00:00",
        "Phone timestamp",
        "RR-interval [ms]",
        "date",
        "since start",
        "9e-300",
        "65535",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(tokens, min_size=1, max_size=4).flatmap(
            lambda row: st.sampled_from([",", ";", "\t", " "]).map(lambda sep: sep.join(row))
        ),
        max_size=8,
    )
)
def test_any_table_of_tokens_gives_a_recording_or_bad_input(
    tmp_path: Path, lines: list[str]
) -> None:
    check_reads_or_refuses(write(tmp_path, "table.csv", "\n".join(lines)))


def check_reads_or_refuses(path: Path) -> None:
    try:
        rec = read_rr_file(path)
    except BadInput as error:
        assert "\n" not in str(error)
        return
    assert rec.rr_ms.dtype == np.float64
    assert np.isfinite(rec.rr_ms).all()
    samples = to_samples(rec)
    assert sum(len(s.rr_ms) for s in samples) == rec.rr_ms.size
