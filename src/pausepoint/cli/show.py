"""``show``: one session's summary, events and markers; of a couple session, each partner's
and the couple's."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pausepoint.cli.common import (
    DB_OPTION,
    add_session_id,
    date_text,
    peak_text,
    write_json,
)
from pausepoint.cli.store_access import open_store

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers
    from pausepoint.sessions.records import SessionInfo
    from pausepoint.sessions.store import Store

    Shown = tuple[dict[str, Any], list[str], list[tuple[float, str]]]
    """A session as ``show`` gives it: the JSON object, the heading lines, the timeline."""


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "show", parents=[DB_OPTION], help="one session: its summary, events and markers"
    )
    add_session_id(p)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from pausepoint.config import load_config
    from pausepoint.words import clock_text

    break_min_s = load_config().break_.min_s
    with open_store(args) as store:
        info = store.session(args.id)
        if info.persons == 1:
            shown = _one_person(store, info, break_min_s)
        else:
            shown = _couple(store, info, break_min_s)
        obj, heading, timeline = shown
        check_in, said = _check_in(store, info)
    obj["check_in"] = check_in
    heading += said
    if args.json:
        write_json(obj)
        return 0
    for line in heading:
        print(line)
    for t_s, text in sorted(timeline, key=lambda item: item[0]):
        print(f"  {clock_text(t_s)}  {text}")
    return 0


def _check_in(store: Store, info: SessionInfo) -> tuple[dict[str, Any], list[str]]:
    """The tags and the before/after answers; a partner's unshared answers stay private."""
    from pausepoint.couple.engine import PARTNERS
    from pausepoint.sessions.check_ins import answers_of, tags_of

    tags = tags_of(store, info.id)
    shown: dict[str, Any] = {"tags": tags, "answers": {}}
    said = [f"About: {', '.join(tags)}"] if tags else []
    for person, answers in answers_of(store, info.id).items():
        who = PARTNERS[person] if info.persons == 2 else "you"
        if info.persons == 2 and not answers.shared:
            shown["answers"][who] = "private"
            said.append(f"{who}: answered, privately")
            continue
        shown["answers"][who] = {
            "mood_before": answers.mood_before,
            "mood_after": answers.mood_after,
            "pause_helped": None if answers.pause_helped is None else str(answers.pause_helped),
        }
        parts = [
            f"{when} {mood} of 5"
            for when, mood in (("before", answers.mood_before), ("after", answers.mood_after))
            if mood is not None
        ]
        if answers.pause_helped is not None:
            parts.append(f"the pause helped: {answers.pause_helped.replace('_', ' ')}")
        said.append(f"{who.capitalize()}: {', '.join(parts)} (1 calm, 5 tense)")
    return shown, said


def _one_person(store: Store, info: SessionInfo, break_min_s: float) -> Shown:
    from pausepoint.words import clock_text, event_words

    events = store.events(info.id, origin=None)
    markers = store.markers(info.id)
    actions = store.actions(info.id)
    obj = {
        "session": info.to_dict(),
        "events": [event.to_dict() for event in events],
        "markers": [{"t_s": round(m.t_s, 3), "text": m.text} for m in markers],
        "actions": [{"t_s": round(a.t_s, 3), "kind": a.kind} for a in actions],
    }
    heading = [
        f"Session {info.id}: {info.source}, {info.status}",
        f"Started {date_text(info)}, {clock_text(info.duration_s)} long, {info.beats} beats; "
        f"flooded {info.flooded_s / 60:.1f} min, peak heart rate {peak_text(info.peak_hr_bpm)}",
    ]
    if info.strap_name or info.strap_address:
        heading.append(f"Strap: {' '.join(p for p in (info.strap_name, info.strap_address) if p)}")
    if info.note:
        heading.append(f"Note: {info.note}")
    timeline = [(e.t_s, event_words(e.kind, break_min_s, e.detail)) for e in events]
    timeline += [(m.t_s, f"Marker: {m.text}") for m in markers]
    timeline += [(a.t_s, f"You started a {a.kind}.") for a in actions]
    return obj, heading, timeline


def _couple(store: Store, info: SessionInfo, break_min_s: float) -> Shown:
    from pausepoint.couple.engine import PARTNERS, couple_event_text
    from pausepoint.sessions.replay import stored_couple_events
    from pausepoint.words import clock_text, event_words

    events = store.person_events(info.id, origin=None)
    couple_events = stored_couple_events(store, info.id)
    markers = store.markers(info.id)
    actions = store.actions(info.id)
    straps = ((info.strap_name, info.strap_address), (info.strap_name_b, info.strap_address_b))
    profiles = (info.profile, info.profile_b)
    obj = {
        "session": info.to_dict(),
        "partners": [
            {
                "name": name,
                "strap_name": straps[p][0],
                "strap_address": straps[p][1],
                "profile": profiles[p],
                "events": [e.to_dict() for q, e in events if q == p],
            }
            for p, name in enumerate(PARTNERS)
        ],
        "couple_events": [e.to_dict() for e in couple_events],
        "markers": [{"t_s": round(m.t_s, 3), "text": m.text} for m in markers],
        "actions": [
            {
                "t_s": round(a.t_s, 3),
                "kind": a.kind,
                "person": None if a.person is None else PARTNERS[a.person],
                **a.detail,
            }
            for a in actions
        ],
    }
    heading = [
        f"Couple session {info.id}: {info.source}, {info.status}",
        f"Started {date_text(info)}, {clock_text(info.duration_s)} long, {info.beats} beats "
        f"in all; at least one of you flooded {info.flooded_s / 60:.1f} min, peak heart rate "
        f"{peak_text(info.peak_hr_bpm)}",
    ]
    for p, name in enumerate(PARTNERS):
        strap = " ".join(part for part in straps[p] if part)
        profile = f", profile {profiles[p]}" if profiles[p] else ""
        if strap or profile:
            heading.append(f"{name}: {strap or 'strap not named'}{profile}")
    if info.note:
        heading.append(f"Note: {info.note}")
    timeline = [
        (e.t_s, f"{PARTNERS[p]}: {event_words(e.kind, break_min_s, e.detail)}") for p, e in events
    ]
    timeline += [(e.t_s, couple_event_text(e, break_min_s)) for e in couple_events]
    timeline += [(m.t_s, f"Marker: {m.text}") for m in markers]
    timeline += [(a.t_s, "You started a shared pause.") for a in actions if a.person is None]
    return obj, heading, timeline
