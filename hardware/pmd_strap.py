"""The strap's side of Polar PMD: what a strap sends, and how it reads a request.

The app only speaks the host's side (pausepoint.strap.pmd); the virtual strap speaks this
one, and the tests check the host's parsers against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from pausepoint.strap.pmd import (
    CONTROL_RESPONSE_CODE,
    FEATURE_READ_CODE,
    ControlOp,
    ControlStatus,
    MeasurementType,
    PmdError,
    SettingType,
    SettingValue,
    measurement_type,
    parse_settings,
)


def build_features(kinds: Sequence[int]) -> bytes:
    """The feature read value a strap offering ``kinds`` returns."""
    bitmap = 0
    for kind in kinds:
        bitmap |= 1 << measurement_type(kind)
    return bytes([FEATURE_READ_CODE, bitmap & 0xFF, bitmap >> 8])


@dataclass(frozen=True, slots=True)
class PmdRequest:
    """A control point write, as a strap sees it."""

    op: ControlOp
    kind: MeasurementType
    settings: dict[SettingType, SettingValue] = field(default_factory=dict)

    def _int(self, setting: SettingType) -> int | None:
        value = self.settings.get(setting)
        return None if value is None else int(value)

    @property
    def sample_rate_hz(self) -> int | None:
        return self._int(SettingType.SAMPLE_RATE)

    @property
    def resolution_bits(self) -> int | None:
        return self._int(SettingType.RESOLUTION)

    @property
    def range_g(self) -> int | None:
        return self._int(SettingType.RANGE)


def parse_request(data: bytes) -> PmdRequest:
    """Decode a control point write; PmdError.status is the answer the strap should give."""
    data = bytes(data)
    if len(data) < 2:
        raise PmdError(
            f"request of {len(data)} bytes, need 2", "truncated", ControlStatus.ERROR_INVALID_LENGTH
        )
    try:
        op = ControlOp(data[0])
    except ValueError:
        raise PmdError(
            f"unknown op code {data[0]}", "unsupported", ControlStatus.ERROR_INVALID_OP_CODE
        ) from None
    try:
        kind = MeasurementType(data[1])
    except ValueError:
        raise PmdError(
            f"unknown measurement type {data[1]}",
            "unsupported",
            ControlStatus.ERROR_INVALID_MEASUREMENT_TYPE,
        ) from None
    if op is not ControlOp.START:
        if len(data) != 2:
            raise PmdError(
                f"{op.name} request of {len(data)} bytes, expected 2",
                "bad_request",
                ControlStatus.ERROR_INVALID_LENGTH,
            )
        return PmdRequest(op, kind)
    selected: dict[SettingType, SettingValue] = {}
    for setting, values in parse_settings(data[2:]).items():
        if len(values) != 1:
            raise PmdError(
                f"start request selects {len(values)} values for {setting.name}, expected 1",
                "bad_setting",
                ControlStatus.ERROR_INVALID_PARAMETER,
            )
        selected[setting] = values[0]
    return PmdRequest(op, kind, selected)


def build_control_response(op: int, kind: int, status: int, params: bytes = b"") -> bytes:
    """The indication a strap sends after a request; parameters only go with success."""
    head = bytes([CONTROL_RESPONSE_CODE, op, kind, status])
    if status != ControlStatus.SUCCESS:
        if params:
            raise ValueError("a failed request carries no parameters")
        return head
    return head + b"\x00" + bytes(params)


def _header(kind: MeasurementType, timestamp_ns: int, frame_type: int) -> bytes:
    if not 0 <= timestamp_ns < 1 << 64:
        raise ValueError(f"timestamp_ns {timestamp_ns} does not fit uint64")
    return bytes([kind]) + int(timestamp_ns).to_bytes(8, "little") + bytes([frame_type])


def build_ecg_frame(timestamp_ns: int, samples_uv: npt.ArrayLike) -> bytes:
    """A raw type 0 ECG frame as an H10 sends it; ``timestamp_ns`` is the last sample's."""
    values = np.asarray(samples_uv)
    if values.ndim != 1 or not len(values):
        raise ValueError("samples_uv must be a non-empty 1-D sequence")
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError("samples_uv must be integers (µV)")
    if values.min() < -(1 << 23) or values.max() >= 1 << 23:
        raise ValueError("ECG samples must fit a signed 24-bit value")
    packed = (values.astype(np.int64) & 0xFFFFFF).astype("<u4").view(np.uint8).reshape(-1, 4)
    return _header(MeasurementType.ECG, timestamp_ns, 0) + packed[:, :3].tobytes()


def build_acc_frame(timestamp_ns: int, samples_mg: npt.ArrayLike) -> bytes:
    """A raw type 1 (16-bit) ACC frame as an H10 sends it; rows are x, y, z in mG."""
    values = np.asarray(samples_mg)
    if values.ndim != 2 or values.shape[1] != 3 or not len(values):
        raise ValueError("samples_mg must have shape (n, 3) with n > 0")
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError("samples_mg must be integers (mG)")
    if values.min() < -(1 << 15) or values.max() >= 1 << 15:
        raise ValueError("ACC samples must fit int16")
    return _header(MeasurementType.ACC, timestamp_ns, 1) + values.astype("<i2").tobytes()
