"""Polar Measurement Data (PMD), the host's side: pure encoding and decoding, no Bluetooth.

PMD is Polar's own GATT service for raw streams (ECG and accelerometer on the
H10). A client reads the control point for the feature bitmap, writes requests
to it (start / stop / get settings), receives the answer as an indication, and
then gets data frames as notifications on the data characteristic.

Layouts follow the public Polar BLE SDK (Android sources and unit tests):

- feature read: ``0x0F``, then a bitmap with bit ``n`` set when measurement
  type ``n`` is available (ECG 0, PPG 1, ACC 2, PPI 3, GYRO 5, MAG 6).
- request: op code, measurement type, then settings as
  ``setting type, count, values`` (sample rate, resolution and range are
  uint16 LE). Op codes: 1 get settings, 2 start, 3 stop.
- response: ``0xF0``, op code, measurement type, status, then on success a
  "more" byte and parameters.
- data frame: measurement type, uint64 LE timestamp in ns (of the LAST sample),
  frame type (bit 7 = delta compressed), samples. ECG raw type 0 is a 3-byte
  signed µV per sample. ACC raw types 0/1/2 carry x, y, z in mG as signed 1, 2
  or 3-byte values (the H10 sends type 1, 16 bit). Compressed ACC frames (type
  0x80 in G units times a factor, 0x81 in mG) hold a reference sample followed
  by blocks of bit-packed deltas; the SDK rejects compressed ECG, and so do we.

The strap's side (what a strap sends, how it reads a request) is the virtual strap's, in
hardware/pmd_strap.py.
"""

from __future__ import annotations

import enum
import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

PMD_SERVICE_UUID = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
PMD_CONTROL_UUID = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
"""Control point: read (features), write (requests), indicate (responses)."""
PMD_DATA_UUID = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"
"""Data: notify (frames)."""

FEATURE_READ_CODE = 0x0F
CONTROL_RESPONSE_CODE = 0xF0
HEADER_SIZE = 10
COMPRESSED_BIT = 0x80
MEASUREMENT_TYPE_MASK = 0x3F
"""The SDK masks the type byte of a data frame; the upper bits are not a type."""
MAX_DELTA_BITS = 32


class PmdError(ValueError):
    """A PMD payload that does not follow the layout; ``kind`` is a short stable label to
    count it by, ``status`` the answer a strap gives to a bad request."""

    def __init__(self, reason: str, kind: str, status: ControlStatus | None = None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.status = status


class MeasurementType(enum.IntEnum):
    ECG = 0
    PPG = 1
    ACC = 2
    PPI = 3
    GYRO = 5
    MAG = 6


class ControlOp(enum.IntEnum):
    GET_SETTINGS = 1
    START = 2
    STOP = 3


class SettingType(enum.IntEnum):
    SAMPLE_RATE = 0
    RESOLUTION = 1
    RANGE = 2
    RANGE_MILLIUNIT = 3
    CHANNELS = 4
    FACTOR = 5


class ControlStatus(enum.IntEnum):
    SUCCESS = 0
    ERROR_INVALID_OP_CODE = 1
    ERROR_INVALID_MEASUREMENT_TYPE = 2
    ERROR_NOT_SUPPORTED = 3
    ERROR_INVALID_LENGTH = 4
    ERROR_INVALID_PARAMETER = 5
    ERROR_ALREADY_IN_STATE = 6
    ERROR_INVALID_RESOLUTION = 7
    ERROR_INVALID_SAMPLE_RATE = 8
    ERROR_INVALID_RANGE = 9
    ERROR_INVALID_MTU = 10
    ERROR_INVALID_NUMBER_OF_CHANNELS = 11
    ERROR_INVALID_STATE = 12
    ERROR_DEVICE_IN_CHARGER = 13
    ERROR_DISK_FULL = 14


_SETTING_FORMAT = {
    SettingType.SAMPLE_RATE: "<H",
    SettingType.RESOLUTION: "<H",
    SettingType.RANGE: "<H",
    SettingType.RANGE_MILLIUNIT: "<I",
    SettingType.CHANNELS: "<B",
    SettingType.FACTOR: "<f",
}
DEFAULT_RESOLUTION_BITS = {MeasurementType.ECG: 14, MeasurementType.ACC: 16}
ECG_SAMPLE_RATE_HZ = 130
"""The ECG rate pausepoint asks an H10 for (its only ECG rate)."""
"""What the H10 offers: ECG 14 bit, ACC 16 bit."""

SettingValue = int | float


def measurement_type(kind: int) -> MeasurementType:
    """The type of a code, or a ValueError naming it."""
    try:
        return MeasurementType(kind)
    except ValueError:
        raise ValueError(f"unknown PMD measurement type {kind!r}") from None


# ---------------------------------------------------------------- features


def parse_features(data: bytes) -> frozenset[MeasurementType]:
    """The measurement types a strap offers; bits of types we do not know are ignored."""
    data = bytes(data)
    if len(data) < 2:
        raise PmdError(f"feature read of {len(data)} bytes, need at least 2", "truncated")
    if data[0] != FEATURE_READ_CODE:
        raise PmdError(f"feature read starts with 0x{data[0]:02x}, expected 0x0f", "bad_header")
    bitmap = int.from_bytes(data[1:3], "little")
    return frozenset(kind for kind in MeasurementType if bitmap >> kind & 1)


# ---------------------------------------------------------------- settings


def build_settings(settings: Mapping[int, Sequence[SettingValue]]) -> bytes:
    """Settings as ``type, count, values``: one value each in a request, all in an answer."""
    out = bytearray()
    for setting, values in settings.items():
        fmt = _SETTING_FORMAT[SettingType(setting)]
        if not 0 < len(values) < 256:
            raise ValueError(f"{SettingType(setting).name}: {len(values)} values, need 1-255")
        out += bytes([setting, len(values)])
        for value in values:
            try:
                out += struct.pack(fmt, value)
            except struct.error as exc:
                raise ValueError(f"{SettingType(setting).name} value {value!r}: {exc}") from None
    return bytes(out)


def parse_settings(data: bytes) -> dict[SettingType, tuple[SettingValue, ...]]:
    """Decode the settings list of a request or a get-settings answer."""
    data = bytes(data)
    settings: dict[SettingType, tuple[SettingValue, ...]] = {}
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise PmdError(
                "settings end inside a header", "truncated", ControlStatus.ERROR_INVALID_LENGTH
            )
        code, count = data[offset], data[offset + 1]
        offset += 2
        try:
            setting = SettingType(code)
        except ValueError:
            raise PmdError(
                f"unknown setting type {code}", "bad_setting", ControlStatus.ERROR_INVALID_PARAMETER
            ) from None
        if setting in settings:
            raise PmdError(
                f"{setting.name} given twice", "bad_setting", ControlStatus.ERROR_INVALID_PARAMETER
            )
        fmt = _SETTING_FORMAT[setting]
        end = offset + count * struct.calcsize(fmt)
        if end > len(data):
            raise PmdError(
                f"{setting.name}: {count} values need {end - offset} bytes, "
                f"{len(data) - offset} left",
                "truncated",
                ControlStatus.ERROR_INVALID_LENGTH,
            )
        settings[setting] = tuple(v for (v,) in struct.iter_unpack(fmt, data[offset:end]))
        offset = end
    return settings


# ---------------------------------------------------------------- requests


def start_request(
    kind: int,
    sample_rate_hz: int,
    resolution_bits: int | None = None,
    range_g: int | None = None,
) -> bytes:
    """Start a stream; resolution defaults to what the H10 offers (ECG 14, ACC 16 bit)."""
    kind = measurement_type(kind)
    if resolution_bits is None:
        if kind not in DEFAULT_RESOLUTION_BITS:
            raise ValueError(f"{kind.name}: give resolution_bits, there is no default")
        resolution_bits = DEFAULT_RESOLUTION_BITS[kind]
    settings: dict[int, Sequence[SettingValue]] = {
        SettingType.SAMPLE_RATE: (sample_rate_hz,),
        SettingType.RESOLUTION: (resolution_bits,),
    }
    if range_g is not None:
        settings[SettingType.RANGE] = (range_g,)
    for setting, (value,) in settings.items():
        if not isinstance(value, int) or value <= 0:
            raise ValueError(f"{SettingType(setting).name} must be a positive int, got {value!r}")
    return bytes([ControlOp.START, kind]) + build_settings(settings)


def stop_request(kind: int) -> bytes:
    return bytes([ControlOp.STOP, measurement_type(kind)])


def settings_request(kind: int) -> bytes:
    """Ask which sample rates, resolutions and ranges a stream offers."""
    return bytes([ControlOp.GET_SETTINGS, measurement_type(kind)])


# ---------------------------------------------------------------- responses


@dataclass(frozen=True, slots=True)
class ControlResponse:
    """A control point indication; codes stay ints so a new firmware's codes still decode."""

    op: int
    kind: int
    status: int
    more: bool = False
    """More parameter indications follow (long get-settings answers)."""
    params: bytes = b""

    @property
    def ok(self) -> bool:
        return self.status == ControlStatus.SUCCESS

    @property
    def status_name(self) -> str:
        return _name(ControlStatus, self.status)

    def describe(self) -> str:
        """One line for a log or an error message, e.g. ``START ACC: ERROR_INVALID_SAMPLE_RATE``."""
        kind = _name(MeasurementType, self.kind)
        return f"{_name(ControlOp, self.op)} {kind}: {self.status_name}"


def _name(codes: type[enum.IntEnum], value: int) -> str:
    try:
        return codes(value).name
    except ValueError:
        return f"code {value}"


def parse_control_response(data: bytes) -> ControlResponse:
    data = bytes(data)
    if len(data) < 4:
        raise PmdError(f"control point response of {len(data)} bytes, need at least 4", "truncated")
    if data[0] != CONTROL_RESPONSE_CODE:
        raise PmdError(
            f"control point response starts with 0x{data[0]:02x}, expected 0xf0", "bad_header"
        )
    op, kind, status = data[1], data[2], data[3]
    if status != ControlStatus.SUCCESS:
        return ControlResponse(op, kind, status)
    more = len(data) > 4 and data[4] != 0
    return ControlResponse(op, kind, status, more, data[5:])


# ---------------------------------------------------------------- data frames


@dataclass(frozen=True, slots=True, eq=False)
class EcgFrame:
    timestamp_ns: int
    """Strap clock (ns since 2000-01-01 when set) of the LAST sample."""
    samples_uv: npt.NDArray[np.int32]
    frame_type: int = 0

    kind: ClassVar[MeasurementType] = MeasurementType.ECG

    def __len__(self) -> int:
        return len(self.samples_uv)


@dataclass(frozen=True, slots=True, eq=False)
class AccFrame:
    timestamp_ns: int
    """Strap clock (ns since 2000-01-01 when set) of the LAST sample."""
    samples_mg: npt.NDArray[np.float64]
    """Shape (n, 3): x, y, z in mG; float because compressed frames are scaled by a factor."""
    frame_type: int = 1
    compressed: bool = False

    kind: ClassVar[MeasurementType] = MeasurementType.ACC

    def __len__(self) -> int:
        return len(self.samples_mg)


PmdFrame = EcgFrame | AccFrame


def _signed_le(data: bytes, width: int) -> npt.NDArray[np.int64]:
    """Little-endian two's complement integers of ``width`` bytes each."""
    raw = np.frombuffer(data, dtype=np.uint8).reshape(-1, width).astype(np.int64)
    values = np.zeros(len(raw), dtype=np.int64)
    for i in range(width):
        values |= raw[:, i] << (8 * i)
    sign = np.int64(1) << (8 * width - 1)
    return np.where(values & sign, values - (sign << 1), values)


def _decode_raw(payload: bytes, width: int, channels: int, what: str) -> npt.NDArray[np.int64]:
    step = width * channels
    if not payload:
        raise PmdError(f"{what}: frame holds no samples", "no_samples")
    if len(payload) % step:
        raise PmdError(
            f"{what}: {len(payload)} sample bytes is not a multiple of {step}", "partial_sample"
        )
    return _signed_le(payload, width).reshape(-1, channels)


def _decode_delta(payload: bytes, channels: int, resolution_bits: int) -> npt.NDArray[np.int64]:
    """Reference sample, then blocks of (bit width, count, LSB-first packed signed deltas)."""
    ref_width = math.ceil(resolution_bits / 8)
    ref_size = ref_width * channels
    if len(payload) < ref_size:
        raise PmdError(
            f"compressed frame of {len(payload)} bytes, reference needs {ref_size}", "truncated"
        )
    rows = [_signed_le(payload[:ref_size], ref_width).reshape(1, channels)]
    offset = ref_size
    while offset < len(payload):
        if offset + 2 > len(payload):
            raise PmdError("compressed frame ends inside a delta block header", "truncated")
        width, count = payload[offset], payload[offset + 1]
        offset += 2
        if not 0 < width <= MAX_DELTA_BITS:
            raise PmdError(
                f"delta block with bit width {width}, expected 1-{MAX_DELTA_BITS}", "bad_delta"
            )
        n_bits = width * count * channels
        n_bytes = math.ceil(n_bits / 8)
        if offset + n_bytes > len(payload):
            raise PmdError(
                f"delta block of {count} samples x {width} bits needs {n_bytes} bytes, "
                f"{len(payload) - offset} left",
                "truncated",
            )
        bits = np.unpackbits(
            np.frombuffer(payload[offset : offset + n_bytes], dtype=np.uint8), bitorder="little"
        )[:n_bits].astype(np.int64)
        deltas = bits.reshape(-1, width) @ (np.int64(1) << np.arange(width, dtype=np.int64))
        deltas = np.where(deltas >> (width - 1), deltas - (np.int64(1) << width), deltas)
        rows.append(deltas.reshape(count, channels))
        offset += n_bytes
    return np.cumsum(np.concatenate(rows), axis=0)


def parse_data_frame(data: bytes, factor: float | None = None) -> PmdFrame:
    """Decode one notification of the data characteristic; raises PmdError, nothing else.

    ``factor`` is the FACTOR setting from the start answer; only compressed ACC
    frames use it (type 0x80 needs it, type 0x81 defaults to 1).
    """
    data = bytes(data)
    if len(data) < HEADER_SIZE:
        raise PmdError(f"data frame of {len(data)} bytes, header needs {HEADER_SIZE}", "truncated")
    type_code = data[0] & MEASUREMENT_TYPE_MASK
    timestamp_ns = int.from_bytes(data[1:9], "little")
    frame_type = data[9]
    compressed = bool(frame_type & COMPRESSED_BIT)
    base_type = frame_type & ~COMPRESSED_BIT
    payload = data[HEADER_SIZE:]
    if type_code == MeasurementType.ECG:
        if compressed or base_type != 0:
            raise PmdError(
                f"ECG frame type 0x{frame_type:02x} not decoded: chest straps send raw type 0"
                + (" (the Polar SDK rejects compressed ECG too)" if compressed else ""),
                "unsupported",
            )
        samples = _decode_raw(payload, 3, 1, "ECG").reshape(-1).astype(np.int32)
        return EcgFrame(timestamp_ns, samples, frame_type)
    if type_code == MeasurementType.ACC:
        if not compressed:
            if base_type > 2:
                raise PmdError(
                    f"ACC raw frame type {base_type} unknown, expected 0, 1 or 2", "unsupported"
                )
            raw = _decode_raw(payload, base_type + 1, 3, "ACC")
            return AccFrame(timestamp_ns, raw.astype(np.float64), frame_type, False)
        if base_type == 0:
            if factor is None:
                raise PmdError(
                    "compressed ACC type 0 is in G units: pass the start answer factor",
                    "unsupported",
                )
            scale = factor * 1000.0
        elif base_type == 1:
            scale = 1.0 if factor is None else factor
        else:
            raise PmdError(
                f"compressed ACC frame type {base_type} not supported (0 and 1 are)", "unsupported"
            )
        raw = _decode_delta(payload, 3, 16)
        return AccFrame(timestamp_ns, raw.astype(np.float64) * scale, frame_type, True)
    try:
        name = MeasurementType(type_code).name
    except ValueError:
        name = f"type {type_code}"
    raise PmdError(f"{name} data frames are not decoded (only ECG and ACC)", "unsupported")


# ---------------------------------------------------------------- recorded ECG


def ecg_series(
    frames: Sequence[tuple[float, bytes]], rate_hz: float = ECG_SAMPLE_RATE_HZ
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32]]:
    """Recorded ECG frames, each ``(arrival t_s, raw frame)``, as one series (t_s, µV).

    A frame's timestamp is the strap's clock at its LAST sample, and that clock may never have
    been set (an H10 can say 2019), so it is anchored once: the first frame's last sample at
    the moment that frame arrived; later samples keep the strap's own spacing, earlier ones in
    a frame are 1/rate_hz apart. Frames that are not ECG are passed over.
    """
    ecg: list[EcgFrame] = []
    anchor_s = 0.0
    for t_s, raw in frames:
        frame = parse_data_frame(raw)
        if isinstance(frame, EcgFrame):
            anchor_s = anchor_s if ecg else t_s
            ecg.append(frame)
    if not ecg:
        return np.empty(0), np.empty(0, dtype=np.int32)
    first_ns = ecg[0].timestamp_ns
    times = [
        anchor_s + (frame.timestamp_ns - first_ns) / 1e9 - np.arange(len(frame))[::-1] / rate_hz
        for frame in ecg
    ]
    return np.concatenate(times), np.concatenate([frame.samples_uv for frame in ecg])


# ---------------------------------------------------------------- motion


def motion_g(frame: AccFrame) -> float:
    """Movement in one ACC frame, gravity removed: std of |a| in g.

    Gravity adds a constant 1 g to |a| whatever the strap's orientation, so the
    spread of |a| over the frame is the dynamic part; sitting still gives a few mg.
    """
    magnitude_g = np.linalg.norm(frame.samples_mg, axis=1) / 1000.0
    return float(np.std(magnitude_g))
