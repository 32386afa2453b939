"""Polar PMD: captured payloads, builders against parsers, delta frames, motion, straps."""

from __future__ import annotations

import itertools
import math
import struct
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hardware.pmd_strap import (
    build_acc_frame,
    build_control_response,
    build_ecg_frame,
    build_features,
    parse_request,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from pausepoint.errors import BadInput
from pausepoint.strap import pmd
from pausepoint.strap.catalogue import STRAPS_TOML, load_straps, lookup, sensor_note
from pausepoint.strap.pmd import (
    AccFrame,
    ControlOp,
    ControlStatus,
    EcgFrame,
    MeasurementType,
    PmdError,
    SettingType,
    build_settings,
    motion_g,
    parse_control_response,
    parse_data_frame,
    parse_features,
    parse_settings,
    settings_request,
    start_request,
    stop_request,
)

CAPTURES = Path(__file__).resolve().parents[2] / "hardware" / "captures"
CONTROL = tomllib.loads((CAPTURES / "pmd_control.toml").read_text(encoding="utf-8"))
FRAMES = tomllib.loads((CAPTURES / "pmd_data.toml").read_text(encoding="utf-8"))["frame"]


def ids(vectors: list[dict]) -> list[str]:
    return [v["name"] for v in vectors]


# ---------------------------------------------------------------- identifiers


def test_uuids_are_the_pmd_service_and_its_two_characteristics() -> None:
    assert pmd.PMD_SERVICE_UUID.upper() == "FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8"
    assert pmd.PMD_CONTROL_UUID.upper() == "FB005C81-02E7-F387-1CAD-8ACD2D8DF0C8"
    assert pmd.PMD_DATA_UUID.upper() == "FB005C82-02E7-F387-1CAD-8ACD2D8DF0C8"


def test_measurement_type_codes() -> None:
    assert {k.name: int(k) for k in MeasurementType} == {
        "ECG": 0,
        "PPG": 1,
        "ACC": 2,
        "PPI": 3,
        "GYRO": 5,
        "MAG": 6,
    }


# ---------------------------------------------------------------- features


@pytest.mark.parametrize("vector", CONTROL["features"], ids=ids(CONTROL["features"]))
def test_feature_captures(vector: dict) -> None:
    data = bytes.fromhex(vector["hex"])
    if "error" in vector:
        with pytest.raises(PmdError, match=vector["error"]):
            parse_features(data)
        return
    assert parse_features(data) == {MeasurementType[k] for k in vector["kinds"]}


def test_features_round_trip_for_every_subset_of_types() -> None:
    kinds = list(MeasurementType)
    for n in range(len(kinds) + 1):
        for subset in itertools.combinations(kinds, n):
            data = build_features(subset)
            assert data[0] == 0x0F
            assert parse_features(data) == frozenset(subset)


# ---------------------------------------------------------------- requests


@pytest.mark.parametrize("vector", CONTROL["request"], ids=ids(CONTROL["request"]))
def test_request_captures(vector: dict) -> None:
    data = bytes.fromhex(vector["hex"])
    if "status" in vector:
        with pytest.raises(PmdError) as info:
            parse_request(data)
        assert info.value.status is ControlStatus[vector["status"]]
        return
    request = parse_request(data)
    op, kind = ControlOp[vector["op"]], MeasurementType[vector["kind"]]
    assert (request.op, request.kind) == (op, kind)
    assert request.sample_rate_hz == vector.get("sample_rate_hz")
    assert request.resolution_bits == vector.get("resolution_bits")
    assert request.range_g == vector.get("range_g")
    if not vector.get("build", True):
        return
    if op is ControlOp.START:
        built = start_request(
            kind, vector["sample_rate_hz"], vector["resolution_bits"], vector.get("range_g")
        )
    else:
        built = {ControlOp.STOP: stop_request, ControlOp.GET_SETTINGS: settings_request}[op](kind)
    assert built == data


def test_design_start_requests_use_the_h10_default_resolutions() -> None:
    assert start_request(MeasurementType.ECG, 130) == bytes.fromhex("02 00 00 01 82 00 01 01 0E 00")
    assert start_request(MeasurementType.ACC, 200, range_g=8) == bytes.fromhex(
        "02 02 00 01 C8 00 01 01 10 00 02 01 08 00"
    )


@pytest.mark.parametrize("rate_hz", [25, 50, 100, 200])
@pytest.mark.parametrize("range_g", [2, 4, 8])
def test_acc_start_at_every_h10_rate_and_range(rate_hz: int, range_g: int) -> None:
    data = start_request(MeasurementType.ACC, rate_hz, range_g=range_g)
    expected = bytes([2, 2, 0, 1]) + struct.pack("<H", rate_hz) + bytes.fromhex("01 01 10 00")
    assert data == expected + bytes([2, 1]) + struct.pack("<H", range_g)
    request = parse_request(data)
    assert (request.sample_rate_hz, request.resolution_bits, request.range_g) == (
        rate_hz,
        16,
        range_g,
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((MeasurementType.ECG, 0), {}, "SAMPLE_RATE must be a positive int"),
        ((MeasurementType.ACC, 70000), {}, "SAMPLE_RATE value 70000"),
        ((MeasurementType.ACC, 200), {"range_g": -8}, "RANGE must be a positive int"),
        ((MeasurementType.GYRO, 52), {}, "GYRO: give resolution_bits"),
        ((4, 100), {}, "unknown PMD measurement type 4"),
        ((MeasurementType.ECG, 130.5), {}, "SAMPLE_RATE must be a positive int"),
    ],
)
def test_start_request_refuses_bad_arguments(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        start_request(*args, **kwargs)


@settings(max_examples=300)
@given(
    st.sampled_from(list(MeasurementType)),
    st.integers(1, 0xFFFF),
    st.integers(1, 0xFFFF),
    st.none() | st.integers(1, 0xFFFF),
)
def test_start_request_round_trips(
    kind: MeasurementType, rate_hz: int, resolution_bits: int, range_g: int | None
) -> None:
    request = parse_request(start_request(kind, rate_hz, resolution_bits, range_g))
    assert (request.op, request.kind) == (ControlOp.START, kind)
    assert (request.sample_rate_hz, request.resolution_bits, request.range_g) == (
        rate_hz,
        resolution_bits,
        range_g,
    )


def test_stop_and_settings_requests() -> None:
    for kind in MeasurementType:
        assert stop_request(kind) == bytes([3, kind])
        assert settings_request(kind) == bytes([1, kind])
        assert parse_request(stop_request(kind)).op is ControlOp.STOP


# ---------------------------------------------------------------- settings


def test_settings_answer_round_trips_with_several_values_and_a_float_factor() -> None:
    answer = {
        SettingType.SAMPLE_RATE: (25, 50, 100, 200),
        SettingType.RESOLUTION: (16,),
        SettingType.RANGE: (2, 4, 8),
        SettingType.RANGE_MILLIUNIT: (8000,),
        SettingType.CHANNELS: (3,),
        SettingType.FACTOR: (2.44e-4,),
    }
    data = build_settings(answer)
    assert data[:12] == bytes.fromhex("00 04 19 00 32 00 64 00 C8 00 01 01")
    decoded = parse_settings(data)
    assert {k: v for k, v in decoded.items() if k is not SettingType.FACTOR} == {
        k: v for k, v in answer.items() if k is not SettingType.FACTOR
    }
    (factor,) = decoded[SettingType.FACTOR]
    assert factor == float(np.float32(2.44e-4))


# ---------------------------------------------------------------- responses


@pytest.mark.parametrize("vector", CONTROL["response"], ids=ids(CONTROL["response"]))
def test_response_captures(vector: dict) -> None:
    data = bytes.fromhex(vector["hex"])
    if "error" in vector:
        with pytest.raises(PmdError, match=vector["error"]):
            parse_control_response(data)
        return
    response = parse_control_response(data)
    assert (response.op, response.kind) == (vector["op"], vector["kind"])
    assert response.status_name == vector["status"]
    assert response.ok is (vector["status"] == "SUCCESS")
    assert response.more is vector["more"]
    assert response.params == bytes.fromhex(vector["params"])
    if vector.get("build"):
        status = ControlStatus[vector["status"]]
        assert build_control_response(vector["op"], vector["kind"], status) == data


@pytest.mark.parametrize("status", list(ControlStatus))
def test_every_status_round_trips_with_its_name(status: ControlStatus) -> None:
    params = b"\x05\x01\x00\x00\x80\x3f" if status is ControlStatus.SUCCESS else b""
    response = parse_control_response(
        build_control_response(ControlOp.START, MeasurementType.ACC, status, params)
    )
    assert response.status == status
    assert response.status_name == status.name
    assert response.params == params
    assert response.describe() == f"START ACC: {status.name}"


def test_failed_response_carries_no_parameters() -> None:
    with pytest.raises(ValueError, match="no parameters"):
        build_control_response(2, 2, ControlStatus.ERROR_INVALID_RANGE, b"\x00")


def test_describe_names_codes_it_does_not_know() -> None:
    response = parse_control_response(bytes.fromhex("F0 09 0B 2A"))
    assert response.describe() == "code 9 code 11: code 42"


def test_start_answer_factor_decodes_from_its_parameters() -> None:
    params = build_settings({SettingType.FACTOR: (2.44e-4,)})
    response = parse_control_response(build_control_response(2, 2, 0, params))
    (factor,) = parse_settings(response.params)[SettingType.FACTOR]
    assert math.isclose(factor, 2.44e-4, rel_tol=1e-7)


# ---------------------------------------------------------------- data frames


@pytest.mark.parametrize("vector", FRAMES, ids=ids(FRAMES))
def test_data_frame_captures(vector: dict) -> None:
    data = bytes.fromhex(vector["hex"])
    factor = vector.get("factor")
    if "error" in vector:
        with pytest.raises(PmdError, match=vector["error"]):
            parse_data_frame(data, factor)
        return
    frame = parse_data_frame(data, factor)
    assert frame.kind is MeasurementType[vector["kind"]]
    assert frame.timestamp_ns == vector["timestamp_ns"]
    assert frame.frame_type == vector["frame_type"]
    assert len(frame) == vector["n_samples"]
    if isinstance(frame, EcgFrame):
        first = vector["first_samples"]
        assert frame.samples_uv[: len(first)].tolist() == first
        return
    assert frame.compressed is bool(vector["frame_type"] & 0x80)
    if "first_samples" in vector:
        first = np.array(vector["first_samples"], dtype=np.float64)
        np.testing.assert_array_equal(frame.samples_mg[: len(first)], first)
    if "raw_first_samples" in vector:
        raw = np.array(vector["raw_first_samples"], dtype=np.float64)
        scale = vector["factor"] * 1000.0
        np.testing.assert_allclose(frame.samples_mg[: len(raw)], raw * scale, rtol=1e-12)
        unscaled = parse_data_frame(data, factor=0.001)
        np.testing.assert_allclose(unscaled.samples_mg[: len(raw)], raw, rtol=0, atol=1e-9)
        assert np.abs(frame.samples_mg).max() <= vector["max_abs_mg"]


def test_capture_frames_cover_raw_compressed_and_errors() -> None:
    frame_types = {v["frame_type"] for v in FRAMES if "frame_type" in v}
    assert {0, 1, 2, 0x80, 0x81} <= frame_types
    assert sum("error" in v for v in FRAMES) >= 10


def test_real_h10_timestamps_are_nanoseconds_since_2000() -> None:
    for name in ("dhyb_h10_ecg", "dhyb_h10_acc"):
        (vector,) = [v for v in FRAMES if v["name"] == name]
        frame = parse_data_frame(bytes.fromhex(vector["hex"]))
        when = datetime(2000, 1, 1) + timedelta(microseconds=frame.timestamp_ns // 1000)
        assert when.year == 2019


def test_sdk_compressed_type0_second_sample_is_the_documented_delta() -> None:
    (vector,) = [v for v in FRAMES if v["name"] == "sdk_acc_compressed_type0"]
    frame = parse_data_frame(bytes.fromhex(vector["hex"]), factor=0.001)
    np.testing.assert_allclose(
        frame.samples_mg[1] - frame.samples_mg[0], [190, -105, -85], rtol=0, atol=1e-9
    )


timestamps = st.integers(0, 2**64 - 1)


@settings(max_examples=300)
@given(timestamps, st.lists(st.integers(-(2**23), 2**23 - 1), min_size=1, max_size=80))
def test_ecg_frame_round_trips(timestamp_ns: int, samples_uv: list[int]) -> None:
    data = build_ecg_frame(timestamp_ns, samples_uv)
    assert data[0] == 0 and data[9] == 0
    assert int.from_bytes(data[1:9], "little") == timestamp_ns
    assert len(data) == 10 + 3 * len(samples_uv)
    frame = parse_data_frame(data)
    assert isinstance(frame, EcgFrame)
    assert frame.timestamp_ns == timestamp_ns
    assert frame.samples_uv.tolist() == samples_uv


@settings(max_examples=300)
@given(
    timestamps,
    st.lists(st.tuples(*[st.integers(-(2**15), 2**15 - 1)] * 3), min_size=1, max_size=40),
)
def test_acc_frame_round_trips(timestamp_ns: int, samples_mg: list[tuple[int, int, int]]) -> None:
    data = build_acc_frame(timestamp_ns, samples_mg)
    assert (data[0], data[9]) == (2, 1)
    assert len(data) == 10 + 6 * len(samples_mg)
    frame = parse_data_frame(data)
    assert isinstance(frame, AccFrame)
    assert frame.timestamp_ns == timestamp_ns
    assert not frame.compressed
    assert frame.samples_mg.tolist() == [list(map(float, s)) for s in samples_mg]


@pytest.mark.parametrize(
    ("builder", "samples"),
    [
        (build_ecg_frame, []),
        (build_ecg_frame, [2**23]),
        (build_ecg_frame, [1.5]),
        (build_ecg_frame, [[1, 2]]),
        (build_acc_frame, []),
        (build_acc_frame, [[0, 0, 2**15]]),
        (build_acc_frame, [[0, 0]]),
        (build_acc_frame, [[0.5, 0, 0]]),
    ],
)
def test_builders_refuse_what_the_frame_cannot_carry(builder, samples) -> None:
    with pytest.raises(ValueError):
        builder(1, samples)
    with pytest.raises(ValueError):
        builder(2**64, [[1, 2, 3]] if builder is build_acc_frame else [1])


def encode_compressed(
    timestamp_ns: int, samples: list[tuple[int, int, int]], block_sizes: list[int]
) -> bytes:
    """Independent delta encoder: Python integers, bits appended LSB first."""
    out = bytearray([2]) + timestamp_ns.to_bytes(8, "little") + bytes([0x81])
    out += struct.pack("<3h", *samples[0])
    deltas = [
        tuple(b - a for a, b in zip(p, q, strict=True)) for p, q in itertools.pairwise(samples)
    ]
    start = 0
    sizes = itertools.cycle(block_sizes)
    while start < len(deltas):
        block = deltas[start : start + next(sizes)]
        start += len(block)
        width = max(max(abs(d) for row in block for d in row).bit_length() + 1, 1)
        bits, n_bits = 0, 0
        for row in block:
            for d in row:
                bits |= (d & ((1 << width) - 1)) << n_bits
                n_bits += width
        out += bytes([width, len(block)]) + bits.to_bytes(math.ceil(n_bits / 8), "little")
    return bytes(out)


@settings(max_examples=300)
@given(
    st.lists(st.tuples(*[st.integers(-(2**15), 2**15 - 1)] * 3), min_size=1, max_size=120),
    st.lists(st.integers(1, 255), min_size=1, max_size=4),
)
def test_compressed_acc_decodes_what_an_independent_encoder_packs(
    samples: list[tuple[int, int, int]], block_sizes: list[int]
) -> None:
    frame = parse_data_frame(encode_compressed(7, samples, block_sizes))
    assert frame.compressed
    assert frame.samples_mg.tolist() == [list(map(float, s)) for s in samples]


def test_compressed_acc_scales_by_the_start_answer_factor() -> None:
    data = encode_compressed(7, [(100, -200, 1000), (110, -190, 990)], [1])
    np.testing.assert_allclose(parse_data_frame(data, factor=0.5).samples_mg[1], [55, -95, 495])
    data = bytes([2]) + data[1:9] + bytes([0x80]) + data[10:]
    np.testing.assert_allclose(
        parse_data_frame(data, factor=2.44e-4).samples_mg[0], [24.4, -48.8, 244.0]
    )


PMD_ERROR_KINDS = frozenset(
    {
        "truncated",
        "bad_header",
        "bad_setting",
        "bad_request",
        "unsupported",
        "no_samples",
        "partial_sample",
        "bad_delta",
    }
)
"""The labels a malformed PMD payload is counted by."""


HEADER = bytes([0x00]) + (7).to_bytes(8, "little")
"""An ECG data frame's type and timestamp; the frame type byte and samples follow."""


@pytest.mark.parametrize(
    ("parse", "data", "kind"),
    [
        (parse_features, b"\x0f", "truncated"),
        (parse_features, b"\x00\x01\x00", "bad_header"),
        (parse_request, b"\x02", "truncated"),
        (parse_request, b"\x09\x00", "unsupported"),
        (parse_request, b"\x03\x00\x00", "bad_request"),
        (parse_settings, b"\x00", "truncated"),
        (parse_settings, b"\x00\x01\x82\x00\x00\x01\x82\x00", "bad_setting"),
        (parse_control_response, b"\xf0\x02", "truncated"),
        (parse_control_response, b"\x00\x02\x00\x00", "bad_header"),
        (parse_data_frame, HEADER, "truncated"),
        (parse_data_frame, HEADER + b"\x00", "no_samples"),
        (parse_data_frame, HEADER + b"\x00\x01\x02\x03\x04", "partial_sample"),
        (parse_data_frame, HEADER + b"\x80\x01\x02\x03", "unsupported"),
    ],
)
def test_each_malformed_payload_is_counted_by_its_own_kind(parse, data: bytes, kind: str) -> None:
    with pytest.raises(PmdError) as info:
        parse(data)
    assert info.value.kind == kind, str(info.value)


@settings(max_examples=2000)
@given(st.binary(max_size=60), st.none() | st.floats(allow_nan=False, allow_infinity=False))
def test_any_bytes_give_a_frame_or_pmd_error(data: bytes, factor: float | None) -> None:
    try:
        frame = parse_data_frame(data, factor)
    except PmdError as exc:
        assert str(exc)
        assert exc.kind in PMD_ERROR_KINDS
        return
    assert len(frame) > 0


@settings(max_examples=2000)
@given(
    st.sampled_from([0x00, 0x02, 0x42]),
    st.sampled_from([0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0x81, 0x82, 0xFF]),
    st.binary(max_size=80),
    st.none() | st.floats(-10, 10),
)
def test_any_payload_behind_a_valid_header_gives_a_frame_or_pmd_error(
    type_byte: int, frame_type: int, payload: bytes, factor: float | None
) -> None:
    data = bytes([type_byte]) + (12345).to_bytes(8, "little") + bytes([frame_type]) + payload
    try:
        frame = parse_data_frame(data, factor)
    except PmdError as exc:
        assert str(exc)
        assert exc.kind in PMD_ERROR_KINDS
        return
    assert frame.timestamp_ns == 12345
    assert len(frame) > 0


@settings(max_examples=2000)
@given(st.binary(max_size=30))
def test_control_parsers_give_a_value_or_pmd_error(data: bytes) -> None:
    for parse in (parse_request, parse_control_response, parse_features, parse_settings):
        try:
            parse(data)
        except PmdError as exc:
            assert str(exc)
            assert exc.kind in PMD_ERROR_KINDS


# ---------------------------------------------------------------- motion


def acc_frame(samples_mg: np.ndarray) -> AccFrame:
    frame = parse_data_frame(build_acc_frame(1, np.rint(samples_mg).astype(np.int64)))
    assert isinstance(frame, AccFrame)
    return frame


def rotation(yaw: float, pitch: float) -> np.ndarray:
    cy, sy, cp, sp = math.cos(yaw), math.sin(yaw), math.cos(pitch), math.sin(pitch)
    return np.array([[cy, -sy, 0], [sy, cy, 0], [0, 0, 1]]) @ np.array(
        [[cp, 0, sp], [0, 1, 0], [-sp, 0, cp]]
    )


@pytest.mark.parametrize(("yaw", "pitch"), [(0.0, 0.0), (0.7, 1.2), (2.5, -0.4)])
def test_motion_is_gravity_free_and_orientation_free(yaw: float, pitch: float) -> None:
    rng = np.random.default_rng(7)
    n = 200
    t_s = np.arange(n) / 200.0
    gravity_mg = np.tile([0.0, 0.0, 1000.0], (n, 1))
    still = (gravity_mg + rng.normal(0, 3, (n, 3))) @ rotation(yaw, pitch).T
    assert motion_g(acc_frame(still)) < 0.006
    bounce_mg = gravity_mg.copy()
    bounce_mg[:, 2] += 500.0 * np.sin(2 * np.pi * 2.0 * t_s)
    moving = bounce_mg @ rotation(yaw, pitch).T
    assert motion_g(acc_frame(moving)) == pytest.approx(0.5 / math.sqrt(2), abs=0.001)


def test_single_sample_frame_has_no_motion() -> None:
    assert motion_g(acc_frame(np.array([[10.0, 20.0, 990.0]]))) == 0.0


# ---------------------------------------------------------------- known straps


def test_strap_list_loads_and_names_resolve() -> None:
    straps = load_straps()
    assert {s.key for s in straps} >= {
        "polar_h10",
        "polar_h9",
        "polar_h7",
        "garmin_hrm_pro",
        "garmin_hrm_dual",
        "wahoo_tickr",
        "coospo_h6_h808s",
        "decathlon_dual_hr",
    }
    assert lookup("Polar H10 E9AF5A2F").key == "polar_h10"
    assert lookup("Polar H7 D7904C14").key == "polar_h7"
    assert lookup("TICKR X 1A2B").key == "wahoo_tickr"
    assert lookup("TICKR FIT 1A2B").key == "wahoo_tickr_fit"
    assert lookup("Polar H1") is None
    assert lookup("") is None
    assert lookup(None) is None


@pytest.mark.parametrize(
    ("advertised", "key", "rr"),
    [
        ("Polar OH1 36F91927", "polar_oh1", "yes"),
        ("Polar Sense 1A2B3C4D", "polar_verity_sense", "no"),
        ("TICKR FIT 1A2B", "wahoo_tickr_fit", "no"),
        ("RHYTHM 24 0042", "scosche_rhythm24", "yes"),
        ("Rhythm24", "scosche_rhythm24", "yes"),
        ("RHYTHM+ 1234", "scosche_rhythm_plus", "unknown"),
        ("KYTO2511", "kyto_ear_clip", "unknown"),
        ("Forerunner 255", "garmin_watch_broadcast", "unknown"),
        ("fēnix 7", "garmin_watch_broadcast", "unknown"),
        ("vívoactive 5", "garmin_watch_broadcast", "unknown"),
    ],
)
def test_optical_sensors_are_known_by_their_advertised_names(
    advertised: str, key: str, rr: str
) -> None:
    strap = lookup(advertised)
    assert strap is not None
    assert (strap.key, strap.sensor, strap.optical, strap.rr) == (key, "optical", True, rr)
    assert strap.uncertain  # every optical entry says what no source confirmed


@pytest.mark.parametrize(
    "advertised",
    [
        "Polar H10 E9AF5A2F",
        "Polar H9 0A1B2C3D",
        "Polar H7 D7904C14",
        "HRM-Pro:123456",
        "TICKR 1A2B",
    ],
)
def test_chest_straps_are_not_optical_and_need_no_note(advertised: str) -> None:
    strap = lookup(advertised)
    assert strap is not None
    assert (strap.sensor, strap.optical) == ("ecg", False)
    assert sensor_note(advertised) is None


def test_an_optical_sensor_is_explained_in_calm_words() -> None:
    """Heart rate holds up, variability less so; a sensor with no usable RR says what that
    means on screen; a partner is named; a device nobody knows is not guessed at."""
    assert sensor_note("Polar OH1 36F91927") == (
        "This sensor is optical: heart rate is reliable, beat-to-beat variability less so. "
        "A chest strap is best."
    )
    assert sensor_note("Polar Sense 1A2B3C4D", "Sam") == (
        "Sam's sensor is optical and sends no beat-to-beat timing, so pausepoint may keep "
        "looking for the pulse. A chest strap is best."
    )
    assert sensor_note("Partner B's strap") is None
    assert sensor_note(None) is None


def test_the_sensor_kind_is_ecg_unless_said_and_nothing_else(tmp_path: Path) -> None:
    entry = "[[strap]]\nkey = 'x'\nvendor = 'V'\nmodel = 'M'\nrr = 'yes'\npmd = false\n"
    plain = tmp_path / "plain.toml"
    plain.write_text(entry, encoding="utf-8")
    (strap,) = load_straps(plain)
    assert strap.sensor == "ecg" and not strap.optical
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(entry + "sensor = 'ppg'\n", encoding="utf-8")
    with pytest.raises(BadInput, match="strap #1: bad entry"):
        load_straps(wrong)


def test_only_the_h10_streams_pmd_and_its_settings_build() -> None:
    for strap in load_straps():
        assert strap.pmd is bool(strap.pmd_kinds)
        assert all(q.strip() for q in strap.quirks + strap.uncertain)
        assert strap.rr in ("yes", "no", "unknown")
    (h10,) = [s for s in load_straps() if s.pmd]
    assert h10.key == "polar_h10"
    assert pmd.PMD_SERVICE_UUID in h10.services
    assert h10.pmd_kinds == {MeasurementType.ECG, MeasurementType.ACC}
    for rate_hz, range_g in itertools.product(h10.acc_sample_rates_hz, h10.acc_ranges_g):
        request = parse_request(
            start_request(MeasurementType.ACC, rate_hz, h10.acc_resolution_bits, range_g)
        )
        assert (request.sample_rate_hz, request.range_g) == (rate_hz, range_g)
    (ecg_rate_hz,) = h10.ecg_sample_rates_hz
    assert start_request(
        MeasurementType.ECG, ecg_rate_hz, h10.ecg_resolution_bits
    ) == bytes.fromhex("02 00 00 01 82 00 01 01 0E 00")


def test_strap_list_the_package_reads_is_the_repository_hardware_file() -> None:
    """One source of truth: the package's copy is the repository's hardware/straps.toml."""
    expected = Path(__file__).resolve().parents[2] / "hardware" / "straps.toml"
    assert STRAPS_TOML.resolve() == expected


def test_bad_strap_list_is_a_one_line_user_error(tmp_path: Path) -> None:
    missing = tmp_path / "none.toml"
    with pytest.raises(BadInput, match="cannot read the strap list"):
        load_straps(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("[[strap]]\nkey = 'x'\n", encoding="utf-8")
    with pytest.raises(BadInput, match="strap #1: bad entry") as info:
        load_straps(broken)
    assert "\n" not in str(info.value)
    invalid = tmp_path / "invalid.toml"
    invalid.write_text("[[strap]\n", encoding="utf-8")
    with pytest.raises(BadInput, match="not valid TOML"):
        load_straps(invalid)
