"""The Trends page in the real window, offscreen, over a real session database: check-ins at
known dates with known figures, the words and numbers shown, the week a late Sunday and an
early Monday fall in, the filters, the report button, and no word cut off."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QWidget
from tests.check_in_history import check_in, couple_check_in, evening, year_of_check_ins
from tests.ui.test_accessibility import missing

from pausepoint.calibration.profiles import Profile, save_profile
from pausepoint.model import Baseline
from pausepoint.sessions.check_ins import Answers, PauseHelped
from pausepoint.ui.trends_model import NO_CHECK_INS, NONE_MATCH

TODAY = date(2026, 12, 4)  # a Friday of 2026-W49


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment on this computer's own calendar (weeks are the local calendar's)."""
    return datetime(year, month, day, hour, minute).astimezone()


def fill(window) -> None:
    """Week 48: a flood with no break (money, 4 → 5) on Tuesday, a calm talk late on Sunday;
    week 49: a calm talk early on Monday, a flood with a break ready after 24 minutes (money,
    in-laws, 2 → 1), and a couple's talk, Sam flooding, one shared pause ready after 30
    minutes; Sam's calm level measured on Tuesday. And one check-in in June."""
    store = window.store()
    check_in(store, evening(2026, 6, 1), floods=[(600.0, 700.0)], tags=["work"])
    check_in(store, evening(2026, 11, 24), floods=[(600.0, 780.0)], tags=["money"],
             answers=Answers(4, 5))  # fmt: skip
    check_in(store, local(2026, 11, 29, 23, 30), minutes=20.0, tags=["plans"])
    check_in(store, local(2026, 11, 30, 0, 30), minutes=45.0)
    check_in(store, evening(2026, 12, 1), floods=[(600.0, 720.0)],
             breaks=[(760.0, 760.0 + 24 * 60.0)], tags=["money", "in-laws"],
             answers=Answers(2, 1, PauseHelped.YES))  # fmt: skip
    couple_check_in(store, evening(2026, 12, 3), ("Sam", "Alex"), floods=([(500.0, 650.0)], []),
                    pauses=[(520.0, 520.0 + 30 * 60.0)], pressed=1,
                    answers=(Answers(3, 2, shared=True), Answers(5, 4)))  # fmt: skip
    calm = Baseline(66.0, 42.0, 2.5, 10.5, "profile")
    save_profile(store, Profile("Sam", baseline=calm, baseline_utc=evening(2026, 12, 1)))


def opened(window):
    page = window.trends_page
    page.today = lambda: TODAY
    window.sessions_page.trends_button.click()  # the way there, from Past sessions
    QApplication.processEvents()
    assert window.pages.currentWidget() is page
    return page


def table(page) -> list[list[str]]:
    t = page.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def bars(page, chart: str) -> list[list[float]]:
    """The heights of each bar series drawn on a chart."""
    items = page.charts[chart].getPlotItem().items
    return [
        [float(v) for v in item.opts["height"]]
        for item in items
        if isinstance(item, pg.BarGraphItem)
    ]


def cut(window: QWidget) -> list[str]:
    """Words that do not fit: a label's lines or wrapped text, a button's or a choice's."""
    found = []
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window) or w.width() <= 1:
            continue
        advance = w.fontMetrics().horizontalAdvance
        if isinstance(w, QLabel) and w.text():
            fits = (
                w.heightForWidth(w.width()) <= w.height() + 1
                if w.wordWrap()
                else advance(w.text()) <= w.contentsRect().width() + 1
            )
        elif isinstance(w, QAbstractButton) and w.text():
            fits = advance(w.text()) + 12 <= w.width()
        elif isinstance(w, QComboBox) and w.currentText():
            fits = advance(w.currentText()) + 28 <= w.width()
        else:
            continue
        if not fits:
            words = w.currentText() if isinstance(w, QComboBox) else w.text()
            found.append(f"{type(w).__name__} {words[:40]!r} is cut at {w.size().toTuple()}")
    return found


def test_no_check_ins_yet(qtbot, window) -> None:
    window.show_sessions()
    page = opened(window)
    assert page.words.text() == NO_CHECK_INS
    assert not page.figures.isVisible() and not page.period.isVisible()
    assert not page.partner.isVisible() and not page.tag.isVisible()
    assert cut(window) == []
    assert missing(window, "trends, empty") == []


def test_the_weeks_in_words_numbers_and_charts(qtbot, window) -> None:
    fill(window)
    window.show_sessions()
    page = opened(window)
    assert page.words.text() == (
        "3 check-ins this week; 2 floods, up from 1 the week before; after breaks you were "
        "ready in 27 minutes (median)."
    )
    rows = table(page)
    # Newest first; the late Sunday talk is in week 48, the early Monday one in week 49.
    assert rows[0] == ["30 Nov 2026", "3", "115 min", "2", "4 min", "2 of 2", "27 min",
                       "2.5 → 1.5", "66 bpm, RMSSD 42 ms"]  # fmt: skip
    assert rows[1] == ["23 Nov 2026", "2", "50 min", "1", "3 min", "0 of 1", "–", "4 → 5", "–"]
    assert rows[2][:4] == ["1 Jun 2026", "1", "30 min", "1"]
    assert len(rows) == 3  # weeks without check-ins are in the charts, not the table
    weeks = page.view.weeks
    assert (weeks[0].monday, weeks[-1].monday, len(weeks)) == (
        date(2026, 6, 1),
        date(2026, 11, 30),
        27,
    )
    assert bars(page, "sessions") == [[1.0, *[0.0] * 24, 2.0, 3.0]]
    prompted, taken = bars(page, "pauses")
    assert (prompted[-2:], taken[-2:]) == ([1.0, 2.0], [0.0, 2.0])
    assert page.partner.isVisible() and page.tag.isVisible()
    assert cut(window) == []
    assert missing(window, "trends") == []


def test_filters_by_period_topic_and_partner(qtbot, window) -> None:
    fill(window)
    window.show_sessions()
    page = opened(window)
    page.period.setCurrentIndex(page.period.findData("The last 4 weeks"))
    assert [w.monday for w in page.view.weeks] == [date(2026, 11, 23), date(2026, 11, 30)]
    assert [r[0] for r in table(page)] == ["30 Nov 2026", "23 Nov 2026"]
    page.tag.setCurrentIndex(page.tag.findData("money"))
    assert [r[:4] for r in table(page)] == [
        ["30 Nov 2026", "1", "30 min", "1"],
        ["23 Nov 2026", "1", "30 min", "1"],
    ]
    assert page.words.text().startswith("1 check-in this week; 1 flood;")
    page.tag.setCurrentIndex(page.tag.findData(""))
    page.partner.setCurrentIndex(page.partner.findData("Sam"))
    # Sam's own: the couple's talk, Sam's flood of 150 s, Sam's shared answers, calm level.
    assert table(page) == [["30 Nov 2026", "1", "40 min", "1", "2 min", "1 of 1", "30 min",
                            "3 → 2", "66 bpm, RMSSD 42 ms"]]  # fmt: skip
    page.partner.setCurrentIndex(page.partner.findData("Alex"))
    assert table(page)[0][3] == "0" and table(page)[0][7] == "–"  # Alex's answers stay private
    page.tag.setCurrentIndex(page.tag.findData("work"))
    assert page.words.text() == NONE_MATCH and not page.figures.isVisible()
    assert page.period.isVisible() and page.tag.isVisible()  # the way back is still there


def test_the_report_button_writes_the_period_report(qtbot, window, tmp_path: Path) -> None:
    fill(window)
    window.show_sessions()
    page = opened(window)
    asked: list[str] = []
    out = tmp_path / "for-our-therapist.html"

    def ask(_parent, title: str, suggested: str, _filters: str) -> str:
        asked.append(suggested)
        return str(out)

    page.ask_path = ask
    page.period.setCurrentIndex(page.period.findData("The last 4 weeks"))
    page.report_button.click()
    assert asked == ["pausepoint-check-ins-2026-11-07-to-2026-12-04.html"]
    html = out.read_text(encoding="utf-8")
    assert "<title>Check-ins from 7 November 2026 to 4 December 2026</title>" in html
    assert "5 check-ins, 165 minutes in all." in html  # not June's

    assert page.message.text() == "Report saved as for-our-therapist.html."


@pytest.mark.parametrize("size", [(1024, 640), (1920, 1080)])
def test_a_year_fits_small_and_large_windows(qtbot, window, size) -> None:
    year_of_check_ins(window.store(), evening(2025, 12, 5), days=365)
    window.resize(*size)
    window.show_sessions()
    page = opened(window)
    weeks = page.view.weeks
    assert len(weeks) == 53 and sum(w.sessions for w in weeks) == 365
    assert page.table.rowCount() == 53
    heights = bars(page, "sessions")[0]
    assert heights[1:-1] == [7.0] * 51  # every full week had a check-in a day
    ticks = page.charts["sessions"].getPlotItem().getAxis("bottom")._tickLevels[0]
    assert [text for _x, text in ticks] == ["2026", "Mar", "May", "Jul", "Sep", "Nov"]
    assert cut(window) == []


def test_the_charts_follow_a_change_to_dark(qtbot, window, light_again) -> None:
    from PySide6.QtGui import QColor

    from pausepoint.ui.theme import DARK, LIGHT

    fill(window)
    window.show_sessions()
    page = opened(window)
    chart = page.charts["sessions"]

    def bar_colour() -> str:
        (item,) = [i for i in chart.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
        return str(item.opts["brush"]).upper()

    assert bar_colour() == LIGHT.hr_curve.upper()
    window.use_palette(DARK)
    assert chart.backgroundBrush().color() == QColor(DARK.card)
    assert bar_colour() == DARK.hr_curve.upper()
    assert table(page)[0][0] == "30 Nov 2026"  # drawn again, not emptied
