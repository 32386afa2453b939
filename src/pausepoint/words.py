"""The words pausepoint says about states and events, and how it writes a time: one source for
the text monitor, the dashboard and the reports."""

from __future__ import annotations

from collections.abc import Mapping

from pausepoint.model import EventKind, State

STATE_WORDS = {
    State.CALIBRATING: "learning your calm level",
    State.CALM: "calm",
    State.RISING: "rising - slow your breath",
    State.FLOODED: "flooded - time to pause",
    State.BREAK: "on a break",
    State.RECOVERING: "settling",
    State.READY: "settled - ready to go back",
    State.SIGNAL_POOR: "no clear signal - check the strap",
    State.SEARCHING: "looking for your pulse…",
}

RHYTHM_WORDS = {
    "extra_beats": "Many extra heartbeats: judging by heart rate alone.",
    "irregular": "An irregular heartbeat: judging by heart rate alone.",
}
"""Said beside the state while a rhythm is judged by heart rate alone: plain, no diagnosis."""

GLANCE_WORDS = {
    "waiting": "Waiting",
    "calibrating": "Learning your calm",
    "calm": "Calm",
    "checking": "Checking",
    "good_moment": "Good moment",
    "not_yet": "Not settled yet",
    "rising": "Slow your breath",
    "flooded": "Time to pause",
    "break": "On a break",
    "settling": "Still settling",
    "time_up": "Ready",
    "coming_down": "Coming down",
    "ready": "Ready",
    "signal_poor": "No clear signal",
    "searching": "Finding pulse",
}
"""The glance view's words, by check-in prompt kind: a few words, read from across a table."""
GLANCE_SETTLED = "Settled"
"""The glance word for a partner whose body has settled while the other still settles."""


def break_minutes_text(min_s: float) -> str:
    """A break's length as a span of time: "20 minutes", "2 hours 30 minutes"."""
    minutes = round(min_s / 60)
    if minutes < 120:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hours" + (f" {minutes} minute{'' if minutes == 1 else 's'}" if minutes else "")


def break_length_text(min_s: float) -> str:
    """A break minimum as the length of a break: "20-minute" (as in "a 20-minute break")."""
    return f"{round(min_s / 60)}-minute"


def flooding_words(break_min_s: float) -> str:
    """What the events list says when flooding starts, with the configured break minimum."""
    return f"Flooding noticed. Say you need a {break_length_text(break_min_s)} break, and take it."


BREAK_CALM_WORDS = "Breathe slowly; don't rehearse the argument."
_FIXED_EVENT_WORDS = {
    EventKind.FLOODING_END: "Heart rate is coming down from flooding.",
    EventKind.BREAK_START: f"Break started. {BREAK_CALM_WORDS}",
    EventKind.BREAK_EXTENDED: "More time asked for.",
    EventKind.READY: "Your body has settled. Speak from 'I', say what you need, listen first.",
    EventKind.GAP: "Some beats were not received.",
    EventKind.SIGNAL_POOR: "The strap signal is unclear: check it is snug and moistened.",
    EventKind.SIGNAL_OK: "Signal is clear again.",
    EventKind.BASELINE: "Calm level learned.",
    EventKind.RECONNECTED: "Strap reconnected.",
    EventKind.MARKER: "Marker.",
}


BREAK_WORDS = (
    "Go somewhere you can't see or hear each other.",
    "Do something soothing: walk, breathe slowly, listen to music.",
    "Don't rehearse the argument: let your mind rest on something else.",
    "Come back at the agreed time, even if only to ask for more time.",
)
"""What couples are taught about a break (Gottman), said on every break card."""


def break_due_words(settled: bool | None) -> str:
    """The time-up in words: the agreed time, and whether the body kept pace with it."""
    if settled is None:
        return "Your time is up. Put the strap on again to see whether your body has settled."
    if settled:
        return "Your time is up, and your body has settled."
    return "Your time is up; your body is still settling."


def event_words(
    kind: EventKind, break_min_s: float, detail: Mapping[str, object] | None = None
) -> str:
    """An event in words: flooding names the configured break minimum; a break's events
    the time agreed (from the event's ``detail``)."""
    detail = detail or {}
    agreed_s = detail.get("agreed_s")
    if kind == EventKind.FLOODING_START:
        return flooding_words(break_min_s)
    if kind == EventKind.BREAK_START and isinstance(agreed_s, int | float):
        return f"Break started, for {break_minutes_text(agreed_s)}. {BREAK_CALM_WORDS}"
    if kind == EventKind.BREAK_EXTENDED and isinstance(agreed_s, int | float):
        return f"More time asked for: the break is now {break_minutes_text(agreed_s)}."
    if kind == EventKind.BREAK_DUE:
        settled = detail.get("settled")
        return break_due_words(settled if isinstance(settled, bool) else None)
    return _FIXED_EVENT_WORDS[kind]


def clock_text(t_s: float) -> str:
    whole = max(0, int(t_s))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def short_clock_text(t_s: float) -> str:
    """MM:SS under an hour, HH:MM:SS from an hour on: what a timer or a time axis shows."""
    text = clock_text(t_s)
    return text[3:] if text.startswith("00:") else text
