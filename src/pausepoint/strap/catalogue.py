"""Known straps and optical sensors, looked up by advertised name (data in
hardware/straps.toml).

A strap we do not know still works through the standard Heart Rate Service;
knowing it tells the source whether to expect RR at all, whether Polar PMD
(ECG / accelerometer) can be started, which quirks to live with, and whether the
beats are seen with light (an optical sensor), which the person is told once.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pausepoint.config import DATA_DIR
from pausepoint.errors import BadInput
from pausepoint.strap.pmd import MeasurementType

STRAPS_TOML = DATA_DIR / "straps.toml"

RrSupport = Literal["yes", "no", "unknown"]
SensorKind = Literal["ecg", "optical"]


@dataclass(frozen=True, slots=True)
class StrapInfo:
    key: str
    vendor: str
    model: str
    name_patterns: tuple[re.Pattern[str], ...]
    services: tuple[str, ...]
    rr: RrSupport
    pmd: bool
    pmd_kinds: frozenset[MeasurementType]
    one_connection: bool = False
    """Takes one Bluetooth connection at a time: a phone app holding it hides it from us."""
    sensor: SensorKind = "ecg"
    """How beats are sensed: a chest strap's electrodes, or light (arm band, ear clip, watch)."""
    quirks: tuple[str, ...] = ()
    uncertain: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    ecg_sample_rates_hz: tuple[int, ...] = ()
    ecg_resolution_bits: int | None = None
    acc_sample_rates_hz: tuple[int, ...] = ()
    acc_ranges_g: tuple[int, ...] = ()
    acc_resolution_bits: int | None = None

    def matches(self, advertised_name: str) -> bool:
        return any(p.match(advertised_name) for p in self.name_patterns)

    @property
    def optical(self) -> bool:
        """Beat-to-beat intervals from light are smoothed or jittery, with gaps when unsure."""
        return self.sensor == "optical"


def _strap(entry: dict[str, Any]) -> StrapInfo:
    rr = entry["rr"]
    if rr not in ("yes", "no", "unknown"):
        raise ValueError(f"rr = {rr!r}, expected yes, no or unknown")
    pmd_kinds = frozenset(MeasurementType[str(k)] for k in entry.get("pmd_kinds", []))
    if pmd_kinds and not entry["pmd"]:
        raise ValueError("pmd_kinds given but pmd = false")
    one_connection = entry.get("one_connection", False)
    if not isinstance(one_connection, bool):
        raise ValueError(f"one_connection = {one_connection!r}, expected true or false")
    sensor = entry.get("sensor", "ecg")
    if sensor not in ("ecg", "optical"):
        raise ValueError(f"sensor = {sensor!r}, expected ecg or optical")

    def ints(name: str) -> tuple[int, ...]:
        return tuple(int(v) for v in entry.get(name, []))

    def strs(name: str) -> tuple[str, ...]:
        return tuple(str(v) for v in entry.get(name, []))

    def optional_int(name: str) -> int | None:
        value = entry.get(name)
        return None if value is None else int(value)

    return StrapInfo(
        key=str(entry["key"]),
        vendor=str(entry["vendor"]),
        model=str(entry["model"]),
        name_patterns=tuple(re.compile(p, re.IGNORECASE) for p in strs("name_patterns")),
        services=tuple(s.lower() for s in strs("services")),
        rr=rr,
        pmd=bool(entry["pmd"]),
        pmd_kinds=pmd_kinds,
        one_connection=one_connection,
        sensor=sensor,
        quirks=strs("quirks"),
        uncertain=strs("uncertain"),
        sources=strs("sources"),
        ecg_sample_rates_hz=ints("ecg_sample_rates_hz"),
        ecg_resolution_bits=optional_int("ecg_resolution_bits"),
        acc_sample_rates_hz=ints("acc_sample_rates_hz"),
        acc_ranges_g=ints("acc_ranges_g"),
        acc_resolution_bits=optional_int("acc_resolution_bits"),
    )


@functools.cache
def load_straps(path: Path = STRAPS_TOML) -> tuple[StrapInfo, ...]:
    """All known straps, in file order; BadInput names the file and the entry at fault."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(
            f"cannot read the strap list {path}: {exc.strerror}; reinstall pausepoint"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"strap list {path} is not valid TOML ({exc}); fix or restore it") from None
    straps = []
    for index, entry in enumerate(document.get("strap", [])):
        where = f"{path} strap #{index + 1}"
        try:
            straps.append(_strap(entry))
        except (KeyError, ValueError, TypeError, re.error) as exc:
            raise BadInput(f"{where}: bad entry ({exc!r}); fix or restore it") from None
    keys = [s.key for s in straps]
    if len(set(keys)) != len(keys):
        raise BadInput(f"strap list {path} repeats a key; each strap needs its own key")
    return tuple(straps)


def lookup(advertised_name: str | None, path: Path = STRAPS_TOML) -> StrapInfo | None:
    """The known strap an advertised name belongs to, or None for an unknown device."""
    if not advertised_name:
        return None
    name = advertised_name.strip()
    return next((s for s in load_straps(path) if s.matches(name)), None)


def sensor_note(advertised_name: str | None, whose: str | None = None) -> str | None:
    """What an optical sensor means for the numbers, said once when one connects; None for
    a chest strap, a device we do not know, or a strap list that cannot be read (the device
    streams all the same). ``whose``: the partner's name in a couple."""
    try:
        strap = lookup(advertised_name)
    except BadInput:
        return None
    if strap is None or not strap.optical:
        return None
    sensor = "This sensor" if whose is None else f"{whose}'s sensor"
    if strap.rr == "no":
        return (
            f"{sensor} is optical and sends no beat-to-beat timing, so pausepoint may keep "
            "looking for the pulse. A chest strap is best."
        )
    return (
        f"{sensor} is optical: heart rate is reliable, beat-to-beat variability less so. "
        "A chest strap is best."
    )
