"""Heart Rate Measurement (0x2A37): pure parsing and encoding, no Bluetooth here.

Layout (Bluetooth Heart Rate Service 1.0, section 3.1): a flags byte; bit0 heart
rate as uint16 (else uint8); bit1 contact detected, bit2 contact supported; bit3
energy expended uint16 kJ follows; bit4 RR intervals follow, uint16 each in
1/1024 s, oldest first. Bits 5-7 are reserved.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from pausepoint.model import HeartSample, rr_ms_from_ticks, rr_ticks_from_ms

HR_UINT16 = 0x01
CONTACT_DETECTED = 0x02
CONTACT_SUPPORTED = 0x04
ENERGY_PRESENT = 0x08
RR_PRESENT = 0x10
RESERVED = 0xE0


class MalformedPayload(ValueError):
    """A notification that does not follow the Heart Rate Measurement layout; ``kind`` is a
    short stable label to count it by (``truncated``, ``odd_rr_bytes``...)."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class HeartRateMeasurement:
    hr_bpm: int
    rr_ms: tuple[float, ...]
    contact: bool | None
    """None when the strap does not support contact detection."""
    energy_kj: int | None


def parse_heart_rate(data: bytes) -> HeartRateMeasurement:
    """Decode one notification; raises MalformedPayload, never anything else."""
    data = bytes(data)
    if not data:
        raise MalformedPayload("empty payload", "empty")
    flags = data[0]
    hr_size = 2 if flags & HR_UINT16 else 1
    energy_size = 2 if flags & ENERGY_PRESENT else 0
    head = 1 + hr_size + energy_size
    if len(data) < head:
        raise MalformedPayload(
            f"truncated: {len(data)} bytes, flags 0x{flags:02x} need {head}", "truncated"
        )
    rr_bytes = len(data) - head
    if flags & RR_PRESENT:
        if rr_bytes % 2:
            raise MalformedPayload(f"odd number of RR bytes ({rr_bytes})", "odd_rr_bytes")
    elif rr_bytes:
        reason = "reserved flag bits set" if flags & RESERVED else "no RR flag"
        raise MalformedPayload(
            f"{rr_bytes} trailing bytes with {reason} (flags 0x{flags:02x})", "trailing_bytes"
        )
    hr_bpm = data[1] if hr_size == 1 else struct.unpack_from("<H", data, 1)[0]
    energy_kj = struct.unpack_from("<H", data, 1 + hr_size)[0] if energy_size else None
    ticks = struct.unpack_from(f"<{rr_bytes // 2}H", data, head) if flags & RR_PRESENT else ()
    if any(t == 0 for t in ticks):
        raise MalformedPayload("RR interval of zero", "zero_rr")
    contact = bool(flags & CONTACT_DETECTED) if flags & CONTACT_SUPPORTED else None
    return HeartRateMeasurement(
        hr_bpm=hr_bpm,
        rr_ms=tuple(rr_ms_from_ticks(t) for t in ticks),
        contact=contact,
        energy_kj=energy_kj,
    )


def encode_heart_rate(
    hr_bpm: int,
    rr_ms: tuple[float, ...] = (),
    contact: bool | None = True,
    energy_kj: int | None = None,
) -> bytes:
    """The bytes a strap would notify; RR is rounded to the 1/1024 s tick.

    Raises ValueError for what the layout cannot carry, so that every payload
    it returns is one parse_heart_rate accepts.
    """
    if not 0 <= hr_bpm <= 0xFFFF:
        raise ValueError(f"hr_bpm {hr_bpm} does not fit uint16")
    if energy_kj is not None and not 0 <= energy_kj <= 0xFFFF:
        raise ValueError(f"energy_kj {energy_kj} does not fit uint16")
    ticks = [rr_ticks_from_ms(v) for v in rr_ms]
    if any(not 1 <= t <= 0xFFFF for t in ticks):
        raise ValueError(f"RR intervals {rr_ms} must be 0.5 ms to 63999 ms (1 to 65535 ticks)")
    flags = 0
    hr_field = struct.pack("<B", hr_bpm) if hr_bpm < 256 else struct.pack("<H", hr_bpm)
    if hr_bpm >= 256:
        flags |= HR_UINT16
    if contact is not None:
        flags |= CONTACT_SUPPORTED | (CONTACT_DETECTED if contact else 0)
    energy_field = b""
    if energy_kj is not None:
        flags |= ENERGY_PRESENT
        energy_field = struct.pack("<H", energy_kj)
    rr_field = b""
    if rr_ms:
        flags |= RR_PRESENT
        rr_field = struct.pack(f"<{len(ticks)}H", *ticks)
    return bytes([flags]) + hr_field + energy_field + rr_field


def sample_from_notification(t_s: float, data: bytes) -> HeartSample:
    """A HeartSample with the raw bytes kept, as the recorder stores it."""
    m = parse_heart_rate(data)
    return HeartSample(
        t_s=t_s,
        hr_bpm=m.hr_bpm,
        rr_ms=m.rr_ms,
        contact=m.contact,
        energy_kj=m.energy_kj,
        raw=bytes(data),
    )
