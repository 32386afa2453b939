"""How a session's pipeline (or a couple session's engine) was built: stored with the
session, so that a replay builds the same one and judges the samples by the same thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from pausepoint.config import Config
from pausepoint.couple.engine import CoupleEngine
from pausepoint.model import Baseline
from pausepoint.pipeline.pipeline import Pipeline


class PersonProfile(Protocol):
    """What a pipeline takes of a person's profile (a calibration.Profile)."""

    @property
    def baseline(self) -> Baseline | None: ...
    def overrides(self) -> dict[str, dict[str, Any]]: ...


@dataclass(frozen=True)
class PipelineSettings:
    """How a session's pipeline was built: stored with the session, so replay builds the same."""

    auto_break: bool = False
    baseline: Baseline | None = None
    baseline_window_s: tuple[float, float] | None = None
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Threshold changes (a profile's) over calibration/defaults.toml, as Config.override takes."""

    def config(self, config: Config) -> Config:
        """The thresholds this pipeline judges by: the defaults with the overrides applied."""
        return config.override(self.overrides) if self.overrides else config

    @classmethod
    def for_profile(
        cls, profile: PersonProfile | None, *, auto_break: bool = False
    ) -> PipelineSettings:
        """A person's pipeline: their profile's calm level and thresholds (calibration.Profile),
        or with None the defaults, the calm level learnt in the first minutes."""
        if profile is None:
            return cls(auto_break=auto_break)
        return cls(auto_break=auto_break, baseline=profile.baseline, overrides=profile.overrides())

    def build(self, config: Config) -> Pipeline:
        return Pipeline(
            self.config(config),
            baseline=self.baseline,
            baseline_window_s=self.baseline_window_s,
            auto_break=self.auto_break,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "auto_break": self.auto_break,
            "baseline": None if self.baseline is None else asdict(self.baseline),
            "baseline_window_s": self.baseline_window_s,
            "overrides": self.overrides,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PipelineSettings:
        baseline = data.get("baseline")
        if baseline is not None:
            window = baseline.get("window_s")
            baseline = Baseline(
                **{**baseline, "window_s": None if window is None else tuple(window)}
            )
        window_s = data.get("baseline_window_s")
        return cls(
            auto_break=bool(data.get("auto_break", False)),
            baseline=baseline,
            baseline_window_s=None if window_s is None else (window_s[0], window_s[1]),
            overrides=data.get("overrides") or {},
        )


@dataclass(frozen=True)
class CoupleSettings:
    """How a couple session's engine was built: each partner's pipeline (a profile's
    baseline and thresholds). ``auto_break`` is not used: the engine pauses both."""

    partners: tuple[PipelineSettings, PipelineSettings] = (PipelineSettings(), PipelineSettings())

    @classmethod
    def for_profiles(cls, profiles: Sequence[PersonProfile | None]) -> CoupleSettings:
        """Each partner's pipeline from their profile (None: learnt in the session)."""
        a, b = (PipelineSettings.for_profile(profile) for profile in profiles)
        return cls((a, b))

    def build(self, config: Config, *, spectral: bool = True) -> CoupleEngine:
        return CoupleEngine(
            [p.config(config) for p in self.partners],
            baselines=[p.baseline for p in self.partners],
            baseline_windows_s=[p.baseline_window_s for p in self.partners],
            spectral=spectral,
        )

    def to_dict(self) -> dict[str, Any]:
        return {"partners": [p.to_dict() for p in self.partners]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoupleSettings:
        partners = data.get("partners") or [{}, {}]
        return cls(
            (PipelineSettings.from_dict(partners[0]), PipelineSettings.from_dict(partners[1]))
        )
