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

EVENT_WORDS = {
    EventKind.FLOODING_START: "Flooding noticed. Say you need a 20-minute break, and take it.",
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


def clock_text(t_s: float) -> str:
    whole = max(0, int(t_s))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def short_clock_text(t_s: float) -> str:
    """MM:SS under an hour, HH:MM:SS from an hour on: what a timer or a time axis shows."""
    text = clock_text(t_s)
    return text[3:] if text.startswith("00:") else text
