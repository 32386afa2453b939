"""The report's words: calm sentences about what happened, the rows of its tables, the
footnotes, and durations as a person reads them."""

from __future__ import annotations

from pausepoint.couple.engine import PARTNERS
from pausepoint.reports.numbers import CoupleSummary, SessionSummary
from pausepoint.words import break_minutes_text

EXPLORATORY = "Exploratory, not a verdict on your relationship."

FOOTNOTE = (
    "Arousal (0-100) is measured against your own calm level: about 15 is calm, "
    "about 70 is the flooding line (heart rate 10 % or 10 bpm over your calm level with "
    "beat-to-beat variation withdrawn, or over 100 bpm). RMSSD is that beat-to-beat "
    "variation over 30 s, a sign of the body's calming system; slow breathing raises it. HRV of "
    "the calm and flooded "
    "parts: neurokit2 on the corrected beats. A picture of one session, not a diagnosis."
)
COUPLE_FOOTNOTE = (
    "Each lane is one partner's arousal (0-100) against their own calm level; the dashed line "
    "is the flooding line. Heart rates moving together: the peak correlation of the two "
    "beat-to-beat heart rates in 150-s windows (lags up to 10 s), marked where it passes what "
    "timing-scrambled copies give by chance. Common between people who are close; it says "
    "nothing about who is right or who caused what. A picture of one session, not a diagnosis."
)
HRV_HEADER = ("", "beats", "mean HR", "RMSSD", "SDNN")


def _minutes_words(seconds: float) -> str:
    """Rounded for a sentence: "less than a minute", "1 minute", "6 minutes", "1 h 5 min"."""
    minutes = round(seconds / 60.0)
    if minutes < 1:
        return "less than a minute"
    if minutes >= 90:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} minute{'s' * (minutes != 1)}"


def duration_text(seconds: float) -> str:
    """Exact enough for the table: "45 s", "5 min 4 s", "1 h 12 min"."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def _minute(t_s: float, origin_s: float) -> int:
    return max(0, round((t_s - origin_s) / 60.0))


def _at_words(t_s: float, origin_s: float) -> str:
    """When, as minutes into the session, for a table: "14 min"."""
    return f"{_minute(t_s, origin_s)} min"


def _minutes_in(t_s: float, origin_s: float) -> str:
    """When, for a sentence: "14 minutes" (into the session)."""
    minute = _minute(t_s, origin_s)
    return "less than a minute" if minute == 0 else _minutes_words(minute * 60.0)


def _times_words(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def meta_line(source: str, duration_s: float) -> str:
    """The line under the title: where the beats came from and how long it went on."""
    return f"Source: {source}   ·   Length: {duration_text(duration_s)}"


TIME_UP_WORDS = {
    "settled": "When that time came, your body had settled.",
    "settling": "When that time came, your body was still settling.",
    "unknown": "When that time came, the strap was out of reach.",
}


def summary_sentences(summary: SessionSummary, break_min_s: float) -> list[str]:
    """A few calm, plain sentences about the session, in the order things happened."""
    words: list[str] = []
    if summary["baseline"] is None:
        words.append(
            "pausepoint could not learn your calm level in this session, so it did not judge "
            "arousal or flooding. Start the next one with two quiet minutes."
        )
        return words
    count = summary["flooded_count"]
    if count == 0:
        if summary["rising_s"] > 0:
            words.append(
                f"There was no flooding in this session. Your body became stirred up for "
                f"{_minutes_words(summary['rising_s'])} in all, and came back down each time."
            )
        else:
            words.append("There was no flooding in this session, and your arousal stayed low.")
    elif count == 1:
        start_s, _ = summary["flooded_spans_s"][0]
        words.append(
            f"You were flooded once, for {_minutes_words(summary['flooded_s'])}, starting "
            f"{_minutes_in(start_s, summary['start_s'])} into the session."
        )
    else:
        words.append(
            f"You were flooded {_times_words(count)}, for {_minutes_words(summary['flooded_s'])}"
            f" in all; the longest stretch was {_minutes_words(summary['longest_flooded_s'])}."
        )
    breaks = summary["breaks"]
    for i, brk in enumerate(breaks):
        which = "a break" if len(breaks) == 1 else f"break {i + 1}"
        sentence = f"You took {which} {_minutes_in(brk['start_s'], summary['start_s'])} in."
        if brk["agreed_s"] is not None:
            sentence += f" You agreed to be back in {break_minutes_text(brk['agreed_s'])}"
            more = brk["more_time"]
            sentence += f", asking for more time {_times_words(more)}." if more else "."
        if brk["time_up"] is not None:
            sentence += " " + TIME_UP_WORDS[brk["time_up"]]
        if brk["flooding_eased_s"] is not None:
            sentence += (
                f" Your heart rate came down out of the flooded range "
                f"{_minutes_words(brk['flooding_eased_s'])} into it."
            )
        words.append(sentence)
        if brk["settle_s"] is not None:
            words.append(
                f"After your break your body settled in {_minutes_words(brk['settle_s'])}."
            )
        else:
            left_s = summary["end_s"] - brk["start_s"]
            words.append(
                f"The session ended {_minutes_words(left_s)} into the break, while your body "
                "was still settling back to its calm level."
            )
    if count and not breaks:
        words.append(
            "There was no break this time. Next time, when flooding is noticed, try saying you "
            f"need {break_minutes_text(break_min_s)}, and take them."
        )
    calm, flooded = summary["hrv"]["calm"], summary["hrv"]["flooded"]
    if calm["rmssd_ms"] is not None and flooded["rmssd_ms"] is not None:
        words.append(
            f"Your heart rate variability (RMSSD) was {calm['rmssd_ms']:.0f} ms when calm and "
            f"{flooded['rmssd_ms']:.0f} ms when flooded: a lower number means the body's "
            "calming system had stepped back."
        )
    elif calm["rmssd_ms"] is not None:
        words.append(
            f"Your heart rate variability (RMSSD) while calm was {calm['rmssd_ms']:.0f} ms, "
            "a sign of how present the body's calming system was."
        )
    if summary["signal_poor_s"] >= 30:
        words.append(
            f"The strap's signal was unclear for {_minutes_words(summary['signal_poor_s'])}; "
            "nothing was judged then."
        )
    if summary["hr_only_s"] >= 30:
        words.append(
            f"For {_minutes_words(summary['hr_only_s'])} your heartbeat had many extra beats or "
            "an irregular rhythm; pausepoint judged by heart rate alone then."
        )
    return words


def table_rows(summary: SessionSummary) -> list[tuple[str, str]]:
    """The "In numbers" table of one person's page."""
    rows = [("Session length", duration_text(summary["duration_s"]))]
    base = summary["baseline"]
    if base is not None:
        rows.append(
            ("Your calm level", f"{base['hr_bpm']:.0f} bpm, RMSSD {base['rmssd_ms']:.0f} ms")
        )
    count = summary["flooded_count"]
    if count:
        rows.append(
            ("Time flooded", f"{duration_text(summary['flooded_s'])} ({_times_words(count)})")
        )
        rows.append(("Longest flooded stretch", duration_text(summary["longest_flooded_s"])))
    else:
        rows.append(("Time flooded", "no flooding"))
    if summary["peak_hr_bpm"] is not None:
        rows.append(("Highest heart rate", f"{summary['peak_hr_bpm']:.0f} bpm (10-s average)"))
    for i, brk in enumerate(summary["breaks"]):
        label = "Break" if len(summary["breaks"]) == 1 else f"Break {i + 1}"
        label += f" (from {_at_words(brk['start_s'], summary['start_s'])})"
        if brk["settle_s"] is not None:
            rows.append((label, f"settled after {duration_text(brk['settle_s'])}"))
        else:
            rows.append((label, "still settling at the end"))
    if summary["signal_poor_s"] > 0:
        rows.append(("Signal unclear", duration_text(summary["signal_poor_s"])))
    if summary["hr_only_s"] > 0:
        rows.append(("Judged by heart rate alone", duration_text(summary["hr_only_s"])))
    return rows


def hrv_rows(summary: SessionSummary) -> list[tuple[str, ...]]:
    """The HRV table (columns as HRV_HEADER): a part too short says why instead."""
    rows: list[tuple[str, ...]] = []
    hrv = summary["hrv"]
    for name, part in (("calm", hrv["calm"]), ("flooded", hrv["flooded"])):
        if part["skipped"] is not None:
            reason = "none in this session" if part["beats"] == 0 else "too few beats to measure"
            rows.append((name, str(part["beats"]), reason, "", ""))
        else:
            rows.append(
                (
                    name,
                    str(part["beats"]),
                    f"{part['mean_hr_bpm']:.0f} bpm",
                    f"{part['rmssd_ms']:.0f} ms",
                    f"{part['sdnn_ms']:.0f} ms",
                )
            )
    return rows


def withheld_words(name: str) -> str:
    """The one line a couple report says for a partner who chose to show only their state."""
    return f"{name} chose to share only their state: their numbers and graph are left out."


def couple_sentences(
    summary: CoupleSummary, withheld: tuple[bool, bool] = (False, False)
) -> list[str]:
    """A few calm sentences about the two of them; the linkage has its own words. A partner
    ``withheld`` gets one line saying their numbers are left out, and no more."""
    names, origin_s = summary["names"], summary["start_s"]
    words: list[str] = []
    for pause in summary["pauses"]:
        at = _minutes_in(pause["start_s"], origin_s)
        if pause["by"] in PARTNERS:
            who = names[PARTNERS.index(pause["by"])]
            words.append(f"{who} flooded {at} into the session, and the shared pause began then.")
        else:
            words.append(f"You started a shared pause {at} into the session.")
        if pause["ready_s"] is not None:
            words.append(
                f"You had both settled {_minutes_words(pause['ready_s'] - pause['start_s'])} "
                "after the pause began: a good moment to come back together."
            )
        else:
            words.append("The session ended while at least one of you was still settling.")
    for name, part, held in zip(names, summary["partners"], withheld, strict=True):
        if held:
            words.append(withheld_words(name))
        elif part["baseline"] is None:
            words.append(
                f"pausepoint could not learn {name}'s calm level, so it did not judge their "
                "arousal or flooding."
            )
        elif part["flooded_count"]:
            words.append(
                f"{name} was flooded for {_minutes_words(part['flooded_s'])} in all"
                + "".join(
                    f"; after the break {name}'s body settled in {_minutes_words(b['settle_s'])}"
                    for b in part["breaks"][:1]
                    if b["settle_s"] is not None
                )
                + "."
            )
        else:
            words.append(f"{name} did not flood in this session.")
    return words


def _settle_text(summary: SessionSummary) -> str:
    parts = [
        "still settling at the end" if b["settle_s"] is None else duration_text(b["settle_s"])
        for b in summary["breaks"]
    ]
    return ", then ".join(parts) if parts else "no break"


def partner_rows(part: SessionSummary, withheld: bool = False) -> list[tuple[str, str]]:
    """One partner's table on the couple's page (one line when ``withheld``)."""
    if withheld:
        return [("Numbers", "left out, as they chose")]
    base = part["baseline"]
    count = part["flooded_count"]
    return [
        (
            "Calm level",
            "not learnt"
            if base is None
            else f"{base['hr_bpm']:.0f} bpm, RMSSD {base['rmssd_ms']:.0f} ms",
        ),
        (
            "Time flooded",
            f"{duration_text(part['flooded_s'])} ({_times_words(count)})" if count else "none",
        ),
        ("Settled after the break", _settle_text(part)),
        (
            "Highest heart rate",
            "-" if part["peak_hr_bpm"] is None else f"{part['peak_hr_bpm']:.0f} bpm",
        ),
    ]
