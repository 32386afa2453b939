"""Profiles: one person's calibration (baseline, resonance rate, flooding ceiling), stored.

A profile per person keeps what the assessments measured, with a flooding ceiling the
person may lower or raise; the session store holds them (``ProfileStore``), this module
reads, writes and chooses them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from pausepoint.calibration.assessment import BaselineAssessment, ResonanceAssessment
from pausepoint.clock import utc_parse, utc_text
from pausepoint.config import Config
from pausepoint.errors import BadInput
from pausepoint.model import Baseline

RECALIBRATE_AFTER_DAYS = 30
"""Resting heart rate and RMSSD shift over weeks with fitness, sleep, season and medication;
a monthly baseline is pausepoint's choice, not a published standard."""
DEFAULT_PROFILE = "me"
CEILING_RANGE_BPM = (60.0, 220.0)
RESONANCE_RANGE_BPM = (3.0, 10.0)
_NAME = re.compile(r"\w[\w .-]{0,39}")


class PartnerSees(StrEnum):
    """What a partner sees of this person in a couple's session: everything (numbers and
    graph), or only their state in words (calm, slow your breath, time to pause...)."""

    EVERYTHING = "everything"
    STATES = "states"


class StoredProfileRow(Protocol):
    """A profile as the store keeps it: its body (JSON) and when it was made and changed."""

    @property
    def name(self) -> str: ...
    @property
    def body(self) -> dict[str, Any]: ...
    @property
    def created_utc(self) -> datetime: ...
    @property
    def updated_utc(self) -> datetime: ...


class ProfileStore(Protocol):
    """What profiles need of the session store."""

    def save_profile(self, name: str, body: dict[str, Any]) -> None: ...
    def profiles(self) -> Sequence[StoredProfileRow]: ...
    def set_active_profile(self, name: str) -> bool: ...
    def delete_profile(self, name: str) -> bool: ...


@dataclass(frozen=True)
class Profile:
    """One person's calibration. A couple has two."""

    name: str
    baseline: Baseline | None = None
    baseline_utc: datetime | None = None
    resonance_rate_bpm: float | None = None
    resonance_utc: datetime | None = None
    ceiling_hr_bpm: float | None = None
    """The flooding ceiling; None: the default (calibration/defaults.toml, Gottman's 100)."""
    active: bool = False
    created_utc: datetime | None = None
    updated_utc: datetime | None = None
    partner_sees: PartnerSees = PartnerSees.EVERYTHING
    """Kept in the profile's body; a body written before there was a choice has none, and
    reads as everything (as it was then)."""

    @property
    def states_only(self) -> bool:
        return self.partner_sees == PartnerSees.STATES

    @property
    def recalibrate_by_utc(self) -> datetime | None:
        """When the baseline is due again (RECALIBRATE_AFTER_DAYS after it was measured)."""
        if self.baseline_utc is None:
            return None
        return self.baseline_utc + timedelta(days=RECALIBRATE_AFTER_DAYS)

    def recalibration_due(self, now_utc: datetime) -> bool:
        due = self.recalibrate_by_utc
        return due is None or now_utc >= due

    def overrides(self) -> dict[str, dict[str, Any]]:
        """This person's thresholds over the defaults, as Config.override takes them."""
        if self.ceiling_hr_bpm is None:
            return {}
        return {"flooding": {"ceiling_hr_bpm": self.ceiling_hr_bpm}}

    def config(self, config: Config) -> Config:
        return config.override(self.overrides()) if self.overrides() else config

    def with_baseline(self, assessment: BaselineAssessment) -> Profile:
        if not assessment.accepted or assessment.baseline is None:
            raise ValueError("only an accepted baseline belongs in a profile")
        return replace(
            self,
            baseline=replace(assessment.baseline, source="profile", window_s=None),
            baseline_utc=assessment.measured_utc,
        )

    def with_resonance(self, assessment: ResonanceAssessment) -> Profile:
        if not assessment.accepted or assessment.rate_bpm is None:
            raise ValueError("only an accepted resonance assessment belongs in a profile")
        return replace(
            self,
            resonance_rate_bpm=assessment.rate_bpm,
            resonance_utc=assessment.measured_utc,
        )

    def to_body(self) -> dict[str, Any]:
        b = self.baseline
        return {
            "active": self.active,
            "baseline": None
            if b is None
            else {
                "hr_bpm": b.hr_bpm,
                "rmssd_ms": b.rmssd_ms,
                "hr_sd_bpm": b.hr_sd_bpm,
                "rmssd_sd_ms": b.rmssd_sd_ms,
                "measured_utc": _utc_seconds(self.baseline_utc),
            },
            "resonance": None
            if self.resonance_rate_bpm is None
            else {
                "rate_bpm": self.resonance_rate_bpm,
                "measured_utc": _utc_seconds(self.resonance_utc),
            },
            "ceiling_hr_bpm": self.ceiling_hr_bpm,
            "partner_sees": str(self.partner_sees),
        }

    @classmethod
    def from_body(
        cls,
        name: str,
        body: dict[str, Any],
        created_utc: datetime | None = None,
        updated_utc: datetime | None = None,
    ) -> Profile:
        try:
            b = body.get("baseline")
            r = body.get("resonance")
            ceiling = body.get("ceiling_hr_bpm")
            return cls(
                name=name,
                baseline=None
                if b is None
                else Baseline(
                    hr_bpm=float(b["hr_bpm"]),
                    rmssd_ms=float(b["rmssd_ms"]),
                    hr_sd_bpm=float(b["hr_sd_bpm"]),
                    rmssd_sd_ms=float(b["rmssd_sd_ms"]),
                    source="profile",
                ),
                baseline_utc=None if b is None else _utc_moment(b.get("measured_utc")),
                resonance_rate_bpm=None if r is None else float(r["rate_bpm"]),
                resonance_utc=None if r is None else _utc_moment(r.get("measured_utc")),
                ceiling_hr_bpm=None if ceiling is None else float(ceiling),
                active=bool(body.get("active", False)),
                partner_sees=PartnerSees(body.get("partner_sees", PartnerSees.EVERYTHING)),
                created_utc=created_utc,
                updated_utc=updated_utc,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise BadInput(
                f"profile {name!r}: its stored values cannot be read ({exc}); calibrate it again"
            ) from None

    def to_dict(self, now_utc: datetime | None = None) -> dict[str, Any]:
        b = self.baseline
        out = {
            "name": self.name,
            "active": self.active,
            "baseline": None
            if b is None
            else {
                "hr_bpm": round(b.hr_bpm, 1),
                "rmssd_ms": round(b.rmssd_ms, 1),
                "hr_sd_bpm": round(b.hr_sd_bpm, 2),
                "rmssd_sd_ms": round(b.rmssd_sd_ms, 2),
                "measured_utc": _utc_seconds(self.baseline_utc),
            },
            "resonance_rate_bpm": self.resonance_rate_bpm,
            "resonance_utc": _utc_seconds(self.resonance_utc),
            "ceiling_hr_bpm": self.ceiling_hr_bpm,
            "partner_sees": str(self.partner_sees),
            "created_utc": _utc_seconds(self.created_utc),
            "updated_utc": _utc_seconds(self.updated_utc),
            "recalibrate_by_utc": _utc_seconds(self.recalibrate_by_utc),
        }
        if now_utc is not None:
            out["recalibration_due"] = self.recalibration_due(now_utc)
        return out


def check_profile_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name != name.strip():
        raise BadInput(
            f"profile name {name!r}: use 1-40 letters, digits, spaces, '.', '-' or '_', "
            "starting with a letter or digit"
        )
    return name


def apply_setting(profile: Profile, setting: str) -> Profile:
    """``ceiling=95`` (bpm, or ``default``), ``resonance=5.5`` (breaths a minute) or
    ``partner_sees=states`` (or ``everything``)."""
    keys = "ceiling=BPM|default, resonance=BREATHS_PER_MIN, partner_sees=states|everything"
    key, sep, text = (part.strip() for part in setting.partition("="))
    if not sep or key not in ("ceiling", "resonance", "partner_sees"):
        raise BadInput(f"--set {setting!r}: write KEY=VALUE with KEY one of {keys}")
    if key == "partner_sees":
        if text.lower() not in tuple(PartnerSees):
            raise BadInput(f"--set {setting!r}: partner_sees is 'states' or 'everything'")
        return replace(profile, partner_sees=PartnerSees(text.lower()))
    if key == "ceiling" and text.lower() == "default":
        return replace(profile, ceiling_hr_bpm=None)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    low, high = CEILING_RANGE_BPM if key == "ceiling" else RESONANCE_RANGE_BPM
    if not low <= value <= high:
        unit = "bpm, or 'default'" if key == "ceiling" else "breaths a minute"
        raise BadInput(f"--set {setting!r}: {key} must be between {low:g} and {high:g} {unit}")
    if key == "resonance":
        return replace(profile, resonance_rate_bpm=value)
    if profile.baseline is not None and value <= profile.baseline.hr_bpm:
        raise BadInput(
            f"--set {setting!r}: that is not above {profile.name}'s resting heart rate "
            f"({profile.baseline.hr_bpm:.0f} bpm), so every minute would count as flooding"
        )
    return replace(profile, ceiling_hr_bpm=value)


def read_profiles(store: ProfileStore) -> list[Profile]:
    return [
        Profile.from_body(row.name, row.body, row.created_utc, row.updated_utc)
        for row in store.profiles()
    ]


def find_profile(store: ProfileStore, name: str) -> Profile | None:
    return next((p for p in read_profiles(store) if p.name == name), None)


def load_profile(store: ProfileStore, name: str) -> Profile:
    """The named profile; a missing one is a one-line BadInput naming the ones there are."""
    profiles = read_profiles(store)
    found = next((p for p in profiles if p.name == name), None)
    if found is None:
        raise _no_profile(name, profiles)
    return found


def _no_profile(name: str, profiles: Sequence[Profile]) -> BadInput:
    there = ", ".join(p.name for p in profiles) or "none yet"
    return BadInput(
        f"no profile {name!r} (profiles: {there}); make it with "
        f"`pausepoint calibrate baseline --profile {name}`"
    )


def states_only_of(store: ProfileStore, names: Sequence[str | None]) -> tuple[bool, ...]:
    """Whether each named person chose to show a partner only their state (no profile, or
    one that is gone: everything, as before there was a choice)."""
    profiles = {p.name: p for p in read_profiles(store)}
    return tuple(
        name is not None and name in profiles and profiles[name].states_only for name in names
    )


def active_profile(store: ProfileStore) -> Profile | None:
    return next((p for p in read_profiles(store) if p.active), None)


def save_profile(store: ProfileStore, profile: Profile) -> None:
    """Write a profile; the first one saved becomes the active one."""
    others = [p for p in read_profiles(store) if p.name != profile.name]
    active = profile.active or not any(p.active for p in others)
    store.save_profile(profile.name, replace(profile, active=active).to_body())


def save_calibration(
    store: ProfileStore, name: str, assessment: BaselineAssessment | ResonanceAssessment
) -> Profile:
    """Keep an accepted assessment in ``name``'s profile (made if new); the profile as stored."""
    profile = find_profile(store, name) or Profile(name)
    if isinstance(assessment, BaselineAssessment):
        profile = profile.with_baseline(assessment)
    else:
        profile = profile.with_resonance(assessment)
    save_profile(store, profile)
    return load_profile(store, name)


def delete_profile(store: ProfileStore, name: str) -> None:
    """Forget a person's calibration; a missing one is the one-line BadInput."""
    if not store.delete_profile(name):
        raise _no_profile(name, read_profiles(store))


def choose_profile(store: ProfileStore, name: str) -> None:
    """Make ``name`` the active profile (the one sessions use unless told otherwise)."""
    if not store.set_active_profile(name):
        raise _no_profile(name, read_profiles(store))


def _utc_seconds(moment: datetime | None) -> str | None:
    return None if moment is None else utc_text(moment, timespec="seconds")


def _utc_moment(text: str | None) -> datetime | None:
    return None if text is None else utc_parse(text)
