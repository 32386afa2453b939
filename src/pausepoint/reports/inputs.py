"""What a report is made of: one person's updates, or a couple's, with the page's heading.

The heading of a stored session's report (title, source, note) is written here once, so the
CLI and the dashboard title the same session the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pausepoint.couple.engine import (
    PARTNERS,
    CoupleEvent,
    CoupleUpdate,
    LinkageReport,
    partner_names,
    shown_state,
    updates_linkage,
)
from pausepoint.model import Event, Update

if TYPE_CHECKING:
    from pausepoint.config import Config
    from pausepoint.sessions.records import SessionInfo
    from pausepoint.sessions.store import Store


@dataclass(frozen=True)
class ReportInput:
    title: str
    """E.g. "Check-in, 27 Nov 2026, 19:05"."""
    source: str
    """E.g. "Polar H10", "simulated: argument", "file: x.csv"."""
    updates: Sequence[Update]
    """The pipeline's updates for the whole session (a replay)."""
    markers: Sequence[tuple[float, str]] = ()
    """(t_s, text): the person's markers and notes during the session."""
    note: str = ""
    events: Sequence[Event] = ()
    """The events recorded beside the pipeline's (the strap's; more time asked for, the
    agreed time come)."""

    @classmethod
    def of_session(
        cls,
        info: SessionInfo,
        updates: Sequence[Update],
        markers: Sequence[tuple[float, str]] = (),
        person: int | None = None,
        events: Sequence[Event] = (),
    ) -> ReportInput:
        """The report of a stored session (of one partner of a couple's, with ``person``)."""
        strap_name = info.strap_name_b if person else info.strap_name
        return cls(
            title=report_title(info, person),
            source=strap_name or info.source,
            updates=updates,
            markers=markers,
            note=info.note or "",
            events=events,
        )


@dataclass(frozen=True)
class CoupleReportInput:
    title: str
    source: str
    partners: tuple[Sequence[Update], Sequence[Update]]
    """Each partner's updates from the couple engine, shown flooded where it saw them so."""
    couple_events: Sequence[CoupleEvent]
    linkage: LinkageReport
    names: tuple[str, str] = PARTNERS
    markers: Sequence[tuple[float, str]] = ()
    note: str = ""
    withheld: tuple[bool, bool] = (False, False)
    """A partner who chose to show only their state, unless both agreed to show everything:
    their numbers and graph are left out of the page, which says so."""

    @classmethod
    def from_updates(
        cls,
        updates: Sequence[CoupleUpdate],
        linkage: LinkageReport,
        *,
        title: str,
        source: str,
        names: tuple[str, str] = PARTNERS,
        markers: Sequence[tuple[float, str]] = (),
        note: str = "",
        withheld: tuple[bool, bool] = (False, False),
    ) -> CoupleReportInput:
        """From the couple engine's updates, each partner shown flooded where the engine saw
        them so."""
        partners: tuple[list[Update], list[Update]] = ([], [])
        for cu in updates:
            partners[cu.person].append(replace(cu.update, state=shown_state(cu)))
        events = [event for cu in updates for event in cu.couple_events]
        return cls(title, source, partners, events, linkage, names, markers, note, withheld)

    @classmethod
    def of_session(
        cls,
        info: SessionInfo,
        updates: Sequence[CoupleUpdate],
        linkage: LinkageReport,
        markers: Sequence[tuple[float, str]] = (),
        withheld: tuple[bool, bool] = (False, False),
    ) -> CoupleReportInput:
        """The report of a stored couple session from its replayed updates, each partner
        named by their profile."""
        straps = " / ".join(name for name in (info.strap_name, info.strap_name_b) if name)
        return cls.from_updates(
            updates,
            linkage,
            title=report_title(info),
            source=straps or info.source,
            names=partner_names((info.profile, info.profile_b)),
            markers=markers,
            note=info.note or "",
            withheld=withheld,
        )


def report_title(info: SessionInfo, person: int | None = None) -> str:
    """The title of a stored session's report: "Check-in, 27 Nov 2026, 19:05", with
    ", partner B" for one partner's page, "Couple check-in, ..." for both partners'."""
    when = f"{info.started_utc.astimezone():%d %b %Y, %H:%M}"
    if person is not None:
        return f"Check-in, partner {PARTNERS[person]}, {when}"
    if info.persons == 2:
        return f"Couple check-in, {when}"
    return f"Check-in, {when}"


def couple_report_input(
    store: Store,
    info: SessionInfo,
    config: Config,
    markers: Sequence[tuple[float, str]] = (),
    *,
    both_agree: bool = False,
) -> CoupleReportInput:
    """Both partners of a stored couple session through a fresh couple engine, and their
    linkage, as `pausepoint report` shows them; a partner who chose to show only their state
    is left out unless ``both_agree``."""
    from pausepoint.sessions.replay import CoupleEngineReplay

    updates = list(CoupleEngineReplay(store, info.id, config).run())
    return CoupleReportInput.of_session(
        info,
        updates,
        updates_linkage(updates, config.linkage),
        markers,
        withheld=withheld_of(store, info, both_agree),
    )


def withheld_of(store: Store, info: SessionInfo, both_agree: bool) -> tuple[bool, bool]:
    """Which partners' numbers and graph a couple report leaves out: those whose profile
    shows a partner only their state, unless both agreed to show everything."""
    from pausepoint.calibration.profiles import states_only_of

    if both_agree:
        return (False, False)
    a, b = states_only_of(store, (info.profile, info.profile_b))
    return (a, b)
