"""The one session clock and the one UTC text format the package writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pausepoint import clock
from pausepoint.clock import session_clock, utc_parse, utc_text


def test_session_clock_counts_from_its_creation(monkeypatch: pytest.MonkeyPatch) -> None:
    now_s = [500.0]
    monkeypatch.setattr(clock.time, "monotonic", lambda: now_s[0])
    since = session_clock()
    assert since() == 0.0
    now_s[0] = 512.5
    assert since() == 12.5


def test_utc_text_is_utc_with_a_z_and_parses_back() -> None:
    moment = datetime(2025, 1, 1, 21, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert utc_text(moment) == "2025-01-01T20:00:00.123Z"
    assert utc_text(moment, timespec="seconds") == "2025-01-01T20:00:00Z"
    assert utc_parse(utc_text(moment)) == datetime(2025, 1, 1, 20, 0, 0, 123000, tzinfo=UTC)
