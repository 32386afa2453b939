"""Heart Rate Measurement (0x2A37): captured payloads, every flag combination, robustness."""

from __future__ import annotations

import struct
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pausepoint.strap.hrm import (
    HeartRateMeasurement,
    MalformedPayload,
    encode_heart_rate,
    parse_heart_rate,
    sample_from_notification,
)

CAPTURES = Path(__file__).resolve().parents[2] / "hardware" / "captures"
VECTORS = tomllib.loads((CAPTURES / "hrm_0x2a37.toml").read_text(encoding="utf-8"))["vector"]
CONTACT = {"detected": True, "not_detected": False, "unsupported": None}
HALF_TICK_MS = 500.0 / 1024.0


def exact_rr_ms(ticks: int) -> Fraction:
    return Fraction(ticks * 1000, 1024)


def payload(
    flags: int, hr_bpm: int, energy_kj: int | None = None, rr_ticks: tuple[int, ...] = ()
) -> bytes:
    """Independent encoder: the layout written out field by field."""
    out = bytes([flags]) + struct.pack("<H" if flags & 0x01 else "<B", hr_bpm)
    if flags & 0x08:
        out += struct.pack("<H", energy_kj)
    return out + b"".join(struct.pack("<H", t) for t in rr_ticks)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_captured_payloads_decode_to_their_recorded_values(vector: dict) -> None:
    data = bytes.fromhex(vector["hex"])
    if "error" in vector:
        with pytest.raises(MalformedPayload, match=vector["error"]):
            parse_heart_rate(data)
        return
    m = parse_heart_rate(data)
    assert m.hr_bpm == vector["hr_bpm"]
    assert m.rr_ms == tuple(vector["rr_ms"])
    assert m.contact is CONTACT[vector["contact"]]
    assert m.energy_kj == vector.get("energy_kj")


def test_capture_file_covers_every_source_and_outcome() -> None:
    sources = {v["source"].split(":")[0] for v in VECTORS}
    assert {"design", "auuki", "layout"} <= sources
    assert sum("error" in v for v in VECTORS) >= 6
    assert {v["contact"] for v in VECTORS if "contact" in v} == set(CONTACT)


def test_design_examples_match_the_rounded_figures_in_the_design() -> None:
    m = parse_heart_rate(bytes.fromhex("10 3C 00 04"))
    assert (m.hr_bpm, m.rr_ms, m.contact) == (60, (1000.0,), None)
    m = parse_heart_rate(bytes.fromhex("16 48 55 03 48 03"))
    assert (m.hr_bpm, m.contact) == (72, True)
    assert [round(v, 1) for v in m.rr_ms] == [833.0, 820.3]
    m = parse_heart_rate(bytes.fromhex("19 2C 01 23 01 CD 00"))
    assert (m.hr_bpm, m.energy_kj) == (300, 291)
    assert [round(v, 1) for v in m.rr_ms] == [200.2]
    m = parse_heart_rate(bytes.fromhex("04 00"))
    assert (m.hr_bpm, m.contact, m.rr_ms) == (0, False, ())


@pytest.mark.parametrize("flags", range(32), ids=lambda f: f"flags{f:05b}")
def test_every_flag_combination_with_0_to_9_rr(flags: int) -> None:
    hr_values = (0, 300, 0xFFFF) if flags & 0x01 else (0, 72, 0xFF)
    contact = {0b000: None, 0b010: None, 0b100: False, 0b110: True}[flags & 0x06]
    energy_kj = 0x1234 if flags & 0x08 else None
    for hr_bpm in hr_values:
        for n_rr in range(10) if flags & 0x10 else (0,):
            ticks = tuple(700 + 37 * i for i in range(n_rr))
            m = parse_heart_rate(payload(flags, hr_bpm, energy_kj, ticks))
            assert m.hr_bpm == hr_bpm
            assert m.contact is contact
            assert m.energy_kj == energy_kj
            assert [Fraction(v) for v in m.rr_ms] == [exact_rr_ms(t) for t in ticks]


def test_every_rr_tick_converts_exactly() -> None:
    for ticks in range(1, 0x10000):
        (rr_ms,) = parse_heart_rate(b"\x10\x3c" + struct.pack("<H", ticks)).rr_ms
        assert Fraction(rr_ms) == exact_rr_ms(ticks)


@pytest.mark.parametrize(
    ("data", "reason", "kind"),
    [
        (b"", "empty payload", "empty"),
        (b"\x01", "truncated: 1 bytes, flags 0x01 need 3", "truncated"),
        (b"\x01\x3c", "truncated: 2 bytes, flags 0x01 need 3", "truncated"),
        (b"\x00", "truncated: 1 bytes, flags 0x00 need 2", "truncated"),
        (b"\x09\x2c\x01\x23", "truncated: 4 bytes, flags 0x09 need 5", "truncated"),
        (b"\x10\x3c\x00", "odd number of RR bytes \\(1\\)", "odd_rr_bytes"),
        (b"\x18\x3c\x00\x00\x00\x04\x01", "odd number of RR bytes \\(3\\)", "odd_rr_bytes"),
        (
            b"\xe0\x3c\x00",
            "1 trailing bytes with reserved flag bits set \\(flags 0xe0\\)",
            "trailing_bytes",
        ),
        (
            b"\x20\x3c\x00\x04",
            "2 trailing bytes with reserved flag bits set \\(flags 0x20\\)",
            "trailing_bytes",
        ),
        (
            b"\x06\x3c\x00\x04",
            "2 trailing bytes with no RR flag \\(flags 0x06\\)",
            "trailing_bytes",
        ),
        (b"\x10\x3c\x00\x04\x00\x00", "RR interval of zero", "zero_rr"),
    ],
)
def test_malformed_payloads_say_why(data: bytes, reason: str, kind: str) -> None:
    with pytest.raises(MalformedPayload, match=f"^{reason}$") as info:
        parse_heart_rate(data)
    assert isinstance(info.value, ValueError)
    assert info.value.kind == kind


def test_reserved_bits_are_ignored_when_the_length_fits() -> None:
    assert parse_heart_rate(b"\xf6\x3c\x00\x04") == parse_heart_rate(b"\x16\x3c\x00\x04")


def test_rr_flag_with_no_values_is_a_notification_without_beats() -> None:
    assert parse_heart_rate(b"\x10\x3c").rr_ms == ()


def test_accepts_bytearray_and_memoryview() -> None:
    raw = bytes.fromhex("16 48 55 03 48 03")
    expected = parse_heart_rate(raw)
    assert parse_heart_rate(bytearray(raw)) == expected
    assert parse_heart_rate(memoryview(raw)) == expected


@settings(max_examples=3000)
@given(st.binary(max_size=40))
def test_any_bytes_give_a_value_or_malformed_payload(data: bytes) -> None:
    try:
        m = parse_heart_rate(data)
    except MalformedPayload as exc:
        assert str(exc)
        return
    assert isinstance(m, HeartRateMeasurement)
    assert 0 <= m.hr_bpm <= 0xFFFF
    assert all(0 < v < 64000 for v in m.rr_ms)


@settings(max_examples=1000)
@given(
    st.sampled_from([b"\x10\x3c", b"\x19\x2c\x01\x23\x01", b"\x1f\x2c\x01\x00\x00"]),
    st.binary(max_size=19),
)
def test_rr_tail_decodes_exactly_when_well_formed(head: bytes, tail: bytes) -> None:
    ticks = [int.from_bytes(tail[i : i + 2], "little") for i in range(0, len(tail) - 1, 2)]
    if len(tail) % 2:
        with pytest.raises(MalformedPayload, match="odd number of RR bytes"):
            parse_heart_rate(head + tail)
    elif 0 in ticks:
        with pytest.raises(MalformedPayload, match="RR interval of zero"):
            parse_heart_rate(head + tail)
    else:
        m = parse_heart_rate(head + tail)
        assert [Fraction(v) for v in m.rr_ms] == [exact_rr_ms(t) for t in ticks]


rr_ticks = st.lists(st.integers(1, 0xFFFF), max_size=9)
contacts = st.sampled_from([None, True, False])
energies = st.none() | st.integers(0, 0xFFFF)


@settings(max_examples=1000)
@given(st.integers(0, 0xFFFF), rr_ticks, contacts, energies)
def test_encode_then_parse_round_trips_exactly(
    hr_bpm: int, ticks: list[int], contact: bool | None, energy_kj: int | None
) -> None:
    rr_ms = tuple(t * 1000 / 1024 for t in ticks)
    data = encode_heart_rate(hr_bpm, rr_ms, contact=contact, energy_kj=energy_kj)
    assert len(data) == 1 + (1 if hr_bpm < 256 else 2) + (
        2 if energy_kj is not None else 0
    ) + 2 * len(ticks)
    m = parse_heart_rate(data)
    assert m == HeartRateMeasurement(hr_bpm, rr_ms, contact, energy_kj)


@settings(max_examples=500)
@given(st.lists(st.floats(0.5, 63999.0), min_size=1, max_size=9))
def test_encode_rounds_rr_to_the_nearest_tick(rr_ms: list[float]) -> None:
    m = parse_heart_rate(encode_heart_rate(70, tuple(rr_ms)))
    for sent, got in zip(rr_ms, m.rr_ms, strict=True):
        assert abs(got - sent) <= HALF_TICK_MS


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hr_bpm": -1},
        {"hr_bpm": 0x10000},
        {"hr_bpm": 60, "energy_kj": 0x10000},
        {"hr_bpm": 60, "rr_ms": (0.3,)},
        {"hr_bpm": 60, "rr_ms": (64000.0,)},
    ],
)
def test_encode_refuses_what_the_layout_cannot_carry(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        encode_heart_rate(**kwargs)


def test_sample_keeps_raw_bytes_and_host_time() -> None:
    raw = bytearray.fromhex("16 48 55 03 48 03")
    sample = sample_from_notification(12.5, raw)
    assert sample.t_s == 12.5
    assert sample.raw == bytes(raw)
    assert isinstance(sample.raw, bytes)
    assert (sample.hr_bpm, sample.contact, sample.energy_kj) == (72, True, None)
    assert sample.rr_ms == (833.0078125, 820.3125)
    with pytest.raises(MalformedPayload):
        sample_from_notification(1.0, b"\x10\x3c\x00")
