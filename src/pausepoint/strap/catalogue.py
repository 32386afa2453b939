"""Known chest straps, looked up by advertised name (data in hardware/straps.toml).

A strap we do not know still works through the standard Heart Rate Service;
knowing it tells the source whether to expect RR at all, whether Polar PMD
(ECG / accelerometer) can be started, and which quirks to live with.
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
