"""The period report for a therapist (`pausepoint report --since`): a real store of check-ins
with known figures, the three formats, the HTML's numbers against `trends()`, and the
command's one-line refusals."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from tests.check_in_history import check_in, couple_check_in, evening

from pausepoint.calibration.profiles import Profile, save_profile
from pausepoint.cli.main import main
from pausepoint.couple.engine import CoupleEventKind
from pausepoint.model import Baseline
from pausepoint.reports.period import render_period_report, sentences
from pausepoint.reports.trends import SHARED_PAUSE_START, SHARED_READY, trends, week_start
from pausepoint.sessions.check_ins import Answers, PauseHelped
from pausepoint.sessions.paths import DB_ENV
from pausepoint.sessions.store import Store

SINCE, UNTIL = date(2026, 11, 23), date(2026, 12, 6)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Week 48: a flood without a break (money) and a calm talk (plans); week 49: a flood
    with a break, ready after 24 minutes (money, in-laws), a calm talk, and a couple's talk
    with one shared pause; and a check-in long before, outside the period."""
    db = tmp_path_factory.mktemp("period") / "sessions.db"
    with Store.open(db) as store:
        check_in(store, evening(2026, 6, 1), floods=[(600.0, 700.0)], tags=["work"])
        check_in(
            store,
            evening(2026, 11, 24),
            floods=[(600.0, 780.0)],
            tags=["money"],
            answers=Answers(4, 5),
        )
        check_in(store, evening(2026, 11, 26), minutes=20.0, tags=["plans"])
        check_in(
            store,
            evening(2026, 11, 30),
            floods=[(600.0, 720.0)],
            breaks=[(760.0, 760.0 + 24 * 60.0)],
            tags=["money", "in-laws"],
            answers=Answers(2, 1, PauseHelped.YES),
        )
        check_in(store, evening(2026, 12, 2), minutes=45.0)
        couple_check_in(
            store,
            evening(2026, 12, 3),
            ("Sam", "Alex"),
            floods=([(500.0, 650.0)], []),
            pauses=[(520.0, 520.0 + 30 * 60.0)],
            pressed=1,
            answers=(Answers(3, 2, shared=True), Answers(5, 4)),
        )
        calm = Baseline(66.0, 42.0, 2.5, 10.5, "profile")
        save_profile(store, Profile("Sam", baseline=calm, baseline_utc=evening(2026, 12, 1)))
    return db


def cells(html_text: str, heading: str) -> list[list[str]]:
    """The rows of the table under ``heading``: the row's name, then its cells."""
    section = html_text.split(f"<h2>{heading}</h2>", 1)[1].split("</table>", 1)[0]
    return [
        re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
        for row in re.findall(r"<tr><th scope='row'>.*?(?=<tr>|$)", section)
    ]


def test_the_html_says_what_trends_says(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "period.html"
    with Store.open(history) as store:
        report = render_period_report(store, out, since=SINCE, until=UNTIL)
        found = trends(store, since=SINCE, until=UNTIL)
    page = out.read_text(encoding="utf-8")
    assert "<title>Check-ins from 23 November 2026 to 6 December 2026</title>" in page
    weeks = cells(page, "Week by week")
    assert len(weeks) == len(found["weeks"]) == 2
    for row, week in zip(weeks, found["weeks"], strict=True):
        monday = week_start(week["week"])
        ready_s = week["median_break_to_ready_s"]
        assert row[:7] == [
            f"{monday.day} {monday:%b %Y}",
            str(week["sessions"]),
            f"{week['minutes']:.0f}",
            str(week["floods"]),
            f"{week['flooded_s'] / 60:.1f}",
            f"{week['pauses_taken']} of {week['pauses_prompted']}",
            "–" if ready_s is None else f"{round(ready_s / 60)} min",
        ]
    # The figures themselves, known from how the check-ins were written.
    assert weeks[0][:7] == ["23 Nov 2026", "2", "50", "1", "3.0", "0 of 1", "–"]
    # Week 49: a break ready after 24 min and the couple's shared pause after 30: median 27.
    assert weeks[1][:7] == ["30 Nov 2026", "3", "115", "2", "4.5", "2 of 2", "27 min"]
    assert weeks[1][7] == "2.5 → 1.5"  # the couple's shared answers only (3 → 2), with 2 → 1
    tags = {row[0]: row[1:] for row in cells(page, "What the tags say")}
    assert tags == {
        "in-laws": ["1", "1", "1 of 1", "24 min"],
        "money": ["2", "2", "1 of 2", "24 min"],
        "plans": ["1", "0", "–", "–"],
    }
    assert len(cells(page, "The sessions")) == len(report.sessions) == 5  # not June's
    assert "Most floods for each check-in came in talks about money: 2 in 2 check-ins." in page
    assert "2026-12-01, Sam: 66.0 bpm, RMSSD 42.0 ms" in page
    assert "5 check-ins, 165 minutes in all." in page
    assert 'src="data:image/png;base64,' in page


def test_png_and_pdf_are_one_a4_page(history: Path, tmp_path: Path) -> None:
    with Store.open(history) as store:
        for name in ("period.png", "period.pdf"):
            render_period_report(store, tmp_path / name, since=SINCE, until=UNTIL)
    png = (tmp_path / "period.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1240, 1753)  # A4 at 150 dpi
    pdf = (tmp_path / "period.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Count 1" in pdf


def test_one_partner_and_one_topic(history: Path, tmp_path: Path) -> None:
    with Store.open(history) as store:
        sam = render_period_report(
            store, tmp_path / "sam.html", since=SINCE, until=UNTIL, partner="Sam"
        )
        alex = render_period_report(
            store, tmp_path / "alex.html", since=SINCE, until=UNTIL, partner="Alex"
        )
        money = render_period_report(
            store, tmp_path / "money.html", since=SINCE, until=UNTIL, tag="money"
        )
    assert (sam.totals["sessions"], sam.totals["floods"], sam.totals["flooded_s"]) == (1, 1, 150)
    assert (sam.totals["mood_before"], sam.totals["mood_after"]) == (3.0, 2.0)
    # Alex did not flood, and kept their answers to themself.
    assert (alex.totals["floods"], alex.totals["mood_before"]) == (0, None)
    assert "Sam&#x27;s own floods and shared answers" in (tmp_path / "sam.html").read_text()
    assert money.totals["sessions"] == 2
    assert "only the check-ins about money" in (tmp_path / "money.html").read_text()


def test_a_period_without_check_ins_says_so(history: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    with Store.open(history) as store:
        report = render_period_report(store, out, since=date(2025, 1, 1), until=date(2025, 2, 1))
        render_period_report(
            store, tmp_path / "empty.html", since=date(2025, 1, 1), until=date(2025, 2, 1)
        )
    assert sentences(report) == ["No check-ins in this period."]
    assert out.read_bytes().startswith(b"%PDF")
    assert "No check-ins in this period." in (tmp_path / "empty.html").read_text()


def test_the_command(history: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(DB_ENV, str(history))
    out = tmp_path / "therapist.html"
    args = ["report", "--since", "2026-11-23", "--until", "2026-12-06", "--out", str(out)]
    assert main(args) == 0
    assert capsys.readouterr().out == (
        f"Report of 5 check-ins, from 23 November 2026 to 6 December 2026 -> {out}\n"
    )
    assert len(cells(out.read_text(), "The sessions")) == 5
    none = ["--since", "2025-01-01", "--until", "2025-02-01", "--out", str(tmp_path / "none.png")]
    assert main(["report", *none]) == 0
    assert "Report of 0 check-ins" in capsys.readouterr().out
    sam = ["--since", "2026-11-23", "--until", "2026-12-06", "--partner", "Sam"]
    assert main(["report", *sam, "--out", str(tmp_path / "sam.html")]) == 0
    assert "Report of 1 check-in, " in capsys.readouterr().out
    assert main(["trends", *sam, "--json"]) == 0
    (week,) = json.loads(capsys.readouterr().out)["weeks"]
    assert (week["sessions"], week["floods"], week["flooded_s"]) == (1, 1, 150.0)
    refusals = (
        (["report", "1", "--since", "2026-11-23"], "not both"),
        (["report", "--until", "2026-12-06"], "give --since DATE too"),
        (["report", "--since", "2026-12-06", "--until", "2026-11-23"], "is before --since"),
        (["report"], "give a session ID, or --since DATE"),
        (["report", "--since", "2026-11-23", "--out", str(tmp_path / "x.doc")], ".png, .pdf"),
    )
    for given, said in refusals:
        out_args = [] if "--out" in given else ["--out", str(tmp_path / "r.html")]
        assert main([*given, *out_args]) == 2, given
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, err
    with pytest.raises(SystemExit) as stopped:
        main(["report", "--since", "23/11/2026", "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "give a date as YYYY-MM-DD" in err
    assert err.count("\n") == 1


def test_trends_read_the_couple_engines_pause_words() -> None:
    """Trends count a couple's pauses by the words the store keeps, without the engine."""
    assert SHARED_PAUSE_START == CoupleEventKind.SHARED_PAUSE_START
    assert SHARED_READY == CoupleEventKind.SHARED_READY
