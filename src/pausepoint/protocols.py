"""The calibration protocols of calibration/baseline.toml and resonance.toml, as dataclasses.

They sit at the bottom, beside the thresholds, because more than calibration follows them:
the simulator's ``resonance`` scenario breathes the resonance protocol's schedule, so the
TOML file is the one place that schedule is written.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar

from pausepoint.config import DATA_DIR
from pausepoint.errors import BadInput

BASELINE_PATH = DATA_DIR / "baseline.toml"
RESONANCE_PATH = DATA_DIR / "resonance.toml"


@dataclass(frozen=True)
class BaselineProtocol:
    duration_s: float
    min_duration_s: float
    settle_s: float
    max_artifact_rate: float
    drift_window_s: float
    max_drift_bpm: float


@dataclass(frozen=True)
class Block:
    """One paced rate of the resonance protocol, in protocol time (the pacer starts at 0)."""

    rate_bpm: float
    start_s: float
    end_s: float


@dataclass(frozen=True)
class ResonanceProtocol:
    rates_bpm: tuple[float, ...]
    paced_s: float
    lead_s: float
    rest_s: float
    settle_s: float
    inhale_fraction: float
    peak_half_width_hz: float
    follow_p_max: float
    min_rates: int

    def blocks(self) -> tuple[Block, ...]:
        """Rest for lead_s, then each rate for paced_s with rest_s between."""
        blocks = []
        start_s = self.lead_s
        for rate_bpm in self.rates_bpm:
            blocks.append(Block(rate_bpm, start_s, start_s + self.paced_s))
            start_s += self.paced_s + self.rest_s
        return tuple(blocks)

    @property
    def duration_s(self) -> float:
        return self.blocks()[-1].end_s


_Protocol = TypeVar("_Protocol", BaselineProtocol, ResonanceProtocol)


def _read_section(path: Path, section: str) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the protocol ({exc.strerror}); reinstall") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc}); fix or restore the file") from exc
    values = data.get(section)
    if not isinstance(values, dict):
        raise BadInput(f"{path}: section [{section}] is missing; restore the file")
    return values


def _number(path: Path, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadInput(f"{path}: {name} = {value!r} is not a number; fix or restore the file")
    return float(value)


def _protocol(path: Path, section: str, cls: type[_Protocol]) -> _Protocol:
    values = _read_section(path, section)
    names = {f.name: f for f in fields(cls)}
    unknown, missing = set(values) - set(names), set(names) - set(values)
    if unknown or missing:
        problem = f"unknown {sorted(unknown)}" if unknown else f"missing {sorted(missing)}"
        raise BadInput(f"{path}: [{section}] {problem}; fix or restore the file")
    built: dict[str, float | tuple[float, ...]] = {}
    for name, f in names.items():
        value = values[name]
        if name == "rates_bpm":
            if not isinstance(value, list) or len(value) < 3:
                raise BadInput(f"{path}: rates_bpm needs a list of at least 3 rates")
            built[name] = tuple(_number(path, name, v) for v in value)
        elif f.type in (int, "int"):
            built[name] = int(_number(path, name, value))
        else:
            built[name] = _number(path, name, value)
    return cls(**built)  # type: ignore[arg-type]


def load_baseline_protocol(path: Path = BASELINE_PATH) -> BaselineProtocol:
    protocol = _protocol(path, "baseline", BaselineProtocol)
    if protocol.settle_s < 0 or protocol.settle_s + protocol.min_duration_s > protocol.duration_s:
        raise BadInput(f"{path}: settle_s + min_duration_s must fit within duration_s")
    if protocol.min_duration_s < 2 * protocol.drift_window_s:
        raise BadInput(f"{path}: min_duration_s must hold two drift windows")
    return protocol


def load_resonance_protocol(path: Path = RESONANCE_PATH) -> ResonanceProtocol:
    protocol = _protocol(path, "resonance", ResonanceProtocol)
    if not all(r > 0 for r in protocol.rates_bpm) or len(set(protocol.rates_bpm)) != len(
        protocol.rates_bpm
    ):
        raise BadInput(f"{path}: rates_bpm must be different rates above zero")
    if not 0 <= protocol.settle_s < protocol.paced_s or not 0 < protocol.inhale_fraction < 1:
        raise BadInput(f"{path}: settle_s must be under paced_s, inhale_fraction within 0..1")
    if not 3 <= protocol.min_rates <= len(protocol.rates_bpm):
        raise BadInput(f"{path}: min_rates must be between 3 and the number of rates")
    return protocol
