"""The words pausepoint says about states and events, and how it writes a time: one source for
the text monitor, the dashboard and the reports."""

from __future__ import annotations

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
}

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
    "coming_down": "Coming down",
    "ready": "Ready",
    "signal_poor": "No clear signal",
}
"""The glance view's words, by check-in prompt kind: a few words, read from across a table."""
GLANCE_SETTLED = "Settled"
"""The glance word for a partner whose body has settled while the other still settles."""


def break_minutes_text(min_s: float) -> str:
    """A break minimum as a span of time: "20 minutes"."""
    return f"{round(min_s / 60)} minutes"


def break_length_text(min_s: float) -> str:
    """A break minimum as the length of a break: "20-minute" (as in "a 20-minute break")."""
    return f"{round(min_s / 60)}-minute"


def flooding_words(break_min_s: float) -> str:
    """What the events list says when flooding starts, with the configured break minimum."""
    return f"Flooding noticed. Say you need a {break_length_text(break_min_s)} break, and take it."


_FIXED_EVENT_WORDS = {
    EventKind.FLOODING_END: "Heart rate is coming down from flooding.",
    EventKind.BREAK_START: "Break started. Breathe slowly; don't rehearse the argument.",
    EventKind.READY: "Your body has settled. Speak from 'I', say what you need, listen first.",
    EventKind.GAP: "Some beats were not received.",
    EventKind.SIGNAL_POOR: "The strap signal is unclear: check it is snug and moistened.",
    EventKind.SIGNAL_OK: "Signal is clear again.",
    EventKind.BASELINE: "Calm level learned.",
    EventKind.RECONNECTED: "Strap reconnected.",
    EventKind.MARKER: "Marker.",
}


def event_words(kind: EventKind, break_min_s: float) -> str:
    """An event in words, the flooding one naming the configured break minimum."""
    if kind == EventKind.FLOODING_START:
        return flooding_words(break_min_s)
    return _FIXED_EVENT_WORDS[kind]


def clock_text(t_s: float) -> str:
    whole = max(0, int(t_s))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def short_clock_text(t_s: float) -> str:
    """MM:SS under an hour, HH:MM:SS from an hour on: what a timer or a time axis shows."""
    text = clock_text(t_s)
    return text[3:] if text.startswith("00:") else text
