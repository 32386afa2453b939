"""Thresholds from calibration/defaults.toml, as frozen dataclasses the pipeline is given.

The pipeline never reads files; this module does, once, and hands it the numbers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_type_hints

from pausepoint.errors import BadInput

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Section = TypeVar("_Section", bound="DataclassInstance")

# The package carries its data files (the top-level calibration/ and hardware/ are their home).
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULTS_PATH = DATA_DIR / "defaults.toml"


@dataclass(frozen=True)
class TimelineConfig:
    gap_slack_s: float
    bridge_s: float


@dataclass(frozen=True, slots=True)
class ArtifactConfig:
    """Lipponen & Tarvainen 2019's correction, run causally (pausepoint.pipeline.artifacts)."""

    alpha: float
    """Threshold in quartile deviations."""
    threshold_window_beats: int
    median_window_beats: int
    c1: float
    c2: float
    delay_beats: int
    """Look-ahead: how many later beats a beat waits for before it is judged."""
    warmup_beats: int
    """Beats needed before the quartile thresholds replace the fallback."""
    warmup_fraction: float
    """Fallback threshold as a fraction of the local median RR."""
    min_threshold_ms: float
    """Absolute floor of both thresholds."""
    min_threshold_fraction: float
    """Relative floor of both thresholds, as a fraction of the local median RR."""
    max_split_beats: int
    """A missed-beat interval may hold up to this many normal intervals."""
    rate_window_beats: int
    rate_min_beats: int
    """Released beats needed before ``artifact_rate`` reports a fraction."""

    def __post_init__(self) -> None:
        if self.delay_beats < 2:
            raise ValueError(
                f"ArtifactConfig.delay_beats is {self.delay_beats}: the subspace test "
                "needs at least 2 beats of look-ahead; set it to 2 or more"
            )
        for name in (
            "threshold_window_beats",
            "median_window_beats",
            "warmup_beats",
            "rate_window_beats",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"ArtifactConfig.{name} must be at least 1")
        if self.warmup_beats > self.threshold_window_beats:
            raise ValueError("ArtifactConfig.warmup_beats cannot exceed threshold_window_beats")
        if self.max_split_beats < 2:
            raise ValueError("ArtifactConfig.max_split_beats must be at least 2")
        if min(self.alpha, self.warmup_fraction, self.min_threshold_ms) <= 0.0 or (
            self.min_threshold_fraction < 0.0
        ):
            raise ValueError("ArtifactConfig thresholds (alpha, fractions, floors) must be > 0")


@dataclass(frozen=True)
class SignalConfig:
    recover_s: float
    pulse_lost_s: float
    poor_artifact_rate: float
    good_artifact_rate: float
    """At or below this fraction of corrected beats the signal is shown as good."""


@dataclass(frozen=True)
class RhythmConfig:
    window_beats: int
    min_jump: float
    pattern_ratio: float
    long_ratio: float
    short_ratio: float
    max_odd_share: float
    min_turns: float
    check_every_beats: int
    enter_beats: int
    leave_beats: int
    min_nn_pairs: int


@dataclass(frozen=True)
class EstimatorsConfig:
    hr_window_s: float
    rmssd_window_s: float
    rmssd_long_window_s: float
    sdnn_window_s: float
    hf_window_s: float
    lf_hf_window_s: float
    coherence_window_s: float
    spectral_every_s: float
    lf_hf_every_s: float


@dataclass(frozen=True)
class BaselineConfig:
    settle_s: float
    window_s: float
    span_s: float
    min_beats: int
    mad_to_sd: float
    rmssd_sd_floor_frac: float


@dataclass(frozen=True)
class ArousalConfig:
    hr_weight: float
    vagal_weight: float
    logistic_k: float
    logistic_mid: float
    motion_bpm_per_g: float
    motion_full_g: float
    motion_rise_s: float
    motion_decay_s: float


@dataclass(frozen=True)
class FloodingConfig:
    ceiling_hr_bpm: float
    rise_min_bpm: float
    rise_min_frac: float
    rmssd_drop_sd: float
    hr_only_margin_sd: float
    sustain_s: float
    exit_margin_bpm: float
    exit_sustain_s: float
    rising_enter: float
    rising_exit: float
    rising_sustain_s: float


@dataclass(frozen=True)
class BreakConfig:
    min_s: float
    ready_hr_margin_bpm: float
    ready_rmssd_sd: float
    ready_sustain_s: float
    extend_s: float
    longest_s: float


@dataclass(frozen=True)
class LinkageConfig:
    """Couple mode's linkage analysis (pausepoint.couple.linkage)."""

    window_s: float
    step_s: float
    max_lag_s: int
    surrogates: int
    alpha: float


@dataclass(frozen=True)
class Config:
    timeline: TimelineConfig
    artifacts: ArtifactConfig
    signal: SignalConfig
    rhythm: RhythmConfig
    estimators: EstimatorsConfig
    baseline: BaselineConfig
    arousal: ArousalConfig
    flooding: FloodingConfig
    break_: BreakConfig
    linkage: LinkageConfig

    def override(self, changes: dict[str, dict[str, Any]]) -> Config:
        """A copy with some thresholds replaced, e.g. {"flooding": {"ceiling_hr_bpm": 90}}."""
        sections = {}
        for section, values in changes.items():
            name = _attr(section)
            if name not in {f.name for f in fields(self)}:
                raise BadInput(f"unknown settings section [{section}]")
            current = getattr(self, name)
            now = {f.name: getattr(current, f.name) for f in fields(current)}
            sections[name] = _build(type(current), {**now, **values}, section)
        return replace(self, **sections)


def _attr(section: str) -> str:
    return "break_" if section == "break" else section


def _build(cls: type[_Section], values: dict[str, Any], section: str) -> _Section:
    names = {f.name: f for f in fields(cls)}
    unknown = set(values) - set(names)
    missing = set(names) - set(values)
    if unknown or missing:
        problem = f"unknown {sorted(unknown)}" if unknown else f"missing {sorted(missing)}"
        raise BadInput(f"settings section [{section}]: {problem}")
    built = {}
    for name, f in names.items():
        kind = int if f.type in (int, "int") else float
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadInput(f"settings [{section}] {name} = {value!r} is not a number")
        built[name] = kind(value)
    try:
        return cls(**built)
    except ValueError as exc:
        raise BadInput(f"settings section [{section}]: {exc}") from exc


def load_config(path: Path = DEFAULTS_PATH) -> Config:
    """Read the thresholds file; a broken file is a one-line BadInput, never a traceback."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(
            f"{path}: cannot read thresholds ({exc.strerror}); reinstall pausepoint"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{path}: not valid TOML ({exc}); fix or restore the file") from exc
    sections = {}
    for name, cls in get_type_hints(Config).items():
        section = "break" if name == "break_" else name
        if section not in data:
            raise BadInput(f"{path}: section [{section}] is missing; restore the file")
        sections[name] = _build(cls, data[section], section)
    return Config(**sections)
