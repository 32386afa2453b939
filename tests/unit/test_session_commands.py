"""The session commands through the real CLI entry point, on a database in a temporary folder."""

from __future__ import annotations

import argparse
import io
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from hardware.pmd_strap import build_ecg_frame

from pausepoint.cli.store_access import open_store
from pausepoint.model import HeartSample, MotionSample, Sample
from pausepoint.sessions.records import SessionStatus
from pausepoint.sessions.store import Store
from pausepoint.sources.files import read_rr_file
from pausepoint.strap.pmd import ECG_SAMPLE_RATE_HZ

DATA = Path(__file__).resolve().parents[1] / "data"
READER_FIXTURES = [
    "2024-03-01 07-30-15.txt",
    "Polar_H10_A1B2C3D4_20240301_235958_RR.txt",
    "hrv_logger_RR.csv",
    "kubios_time_rr.txt",
    "pausepoint_session.csv",
    "plain_seconds.txt",
    "dhyb_polar_h10_ibi/sample_data_ibi.csv",
    "pyhrv_0.5.0_samples/SampleNNISeriesShort.npy",
    "pyhrv_0.5.0_samples/SampleNNISeriesShort.txt",
]


def one_line_error(code: int, err: str) -> str:
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("pausepoint: "), err
    return err


def rr_of(db: Path, session_id: int) -> list[float]:
    with Store.open(db) as store:
        return [
            rr for s in store.samples(session_id) if isinstance(s, HeartSample) for rr in s.rr_ms
        ]


def session_count(db: Path) -> int:
    with Store.open(db) as store:
        return len(store.sessions())


def kept_in_csv(sample: Sample) -> tuple[object, ...]:
    if isinstance(sample, MotionSample):
        return (sample.t_s, sample.motion_g)
    return (sample.t_s, sample.hr_bpm, sample.rr_ms, sample.contact)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_record_list_show_replay(run) -> None:
    code, out, err = run(
        "record", "--simulate", "calm", "--seed", "2", "--speed", "100000", "--minutes", "3",
        "--note", "first try",
    )  # fmt: skip
    assert code == 0, err
    assert "Recording session 1" in err
    assert "Calm level learned." in out and out.rstrip().endswith("Saved as session 1.")

    code, out, _ = run("sessions")
    header, row = out.strip().splitlines()
    assert header.split()[:4] == ["ID", "Date", "Duration", "Status"]
    assert row.split()[0] == "1" and "complete" in row and row.endswith("first try")
    assert "simulated:calm" in row and "00:02:5" in row

    code, out, _ = run("sessions", "--json")
    (listed,) = json.loads(out)["sessions"]
    assert listed["status"] == "complete" and listed["note"] == "first try"
    assert listed["beats"] > 150 and 170.0 < listed["duration_s"] <= 180.0

    code, out, _ = run("show", "1", "--json")
    shown = json.loads(out)
    assert shown["session"] == listed
    assert [e["kind"] for e in shown["events"]] == ["baseline"]

    code, out, _ = run("show", "1")
    assert "Note: first try" in out and "Calm level learned." in out

    code, out, _ = run("replay", "1", "--max", "--json")
    replayed = json.loads(out)
    assert replayed["events"] == shown["events"] and replayed["same_as_recorded"] is True
    assert replayed["summary"]["beats"] == listed["beats"]

    code, out, _ = run("replay", "1", "--speed", "100000")
    assert code == 0 and "Calm level learned." in out and out.rstrip().endswith(".")


@pytest.mark.parametrize("name", READER_FIXTURES)
def test_import_reads_every_format(run, db: Path, name: str) -> None:
    path = DATA / name
    code, out, err = run("import", str(path), "--note", "from a file")
    assert code == 0, err
    assert out.startswith(f"Imported {path.name} as session 1: ")
    with Store.open(db) as store:
        info = store.session(1)
    assert info.source == f"file:{path.name}" and info.note == "from a file"
    assert info.status == SessionStatus.COMPLETE
    assert rr_of(db, 1) == read_rr_file(path).rr_ms.tolist()


def test_export_then_import_gives_the_same_rr(run, db: Path, tmp_path: Path) -> None:
    code, _, err = run("record", "--simulate", "walk", "--speed", "100000", "--minutes", "2")
    assert code == 0, err
    with Store.open(db) as store:
        everything = store.samples(1)
    recorded = [s for s in everything if isinstance(s, HeartSample)]
    assert any(isinstance(s, MotionSample) for s in everything)  # a Polar H10's accelerometer
    rr_ms = rr_of(db, 1)

    code, csv_text, _ = run("export", "1", "--format", "csv")
    csv_path = tmp_path / "session.csv"
    assert run("export", "1", "--format", "csv", "--out", str(csv_path))[0] == 0
    assert csv_path.read_text() == csv_text
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o600
    assert run("import", str(csv_path))[0] == 0
    with Store.open(db) as store:
        back = store.samples(2)
    # Heart and motion samples in their order; raw bytes and energy are not in the CSV.
    assert [kept_in_csv(s) for s in back] == [kept_in_csv(s) for s in everything]

    kubios_path = tmp_path / "session.txt"
    assert run("export", "1", "--format", "kubios", "--out", str(kubios_path))[0] == 0
    assert run("import", str(kubios_path))[0] == 0
    assert rr_of(db, 3) == pytest.approx(rr_ms, rel=1e-12, abs=0)

    code, out, _ = run("export", "1", "--format", "json")
    exported = json.loads(out)
    assert exported["session"]["id"] == 1
    hearts = [s for s in exported["samples"] if "rr_ms" in s]
    assert [tuple(s["rr_ms"]) for s in hearts] == [s.rr_ms for s in recorded]
    assert [bytes.fromhex(s["raw"]) for s in hearts] == [s.raw for s in recorded]
    assert any("motion_g" in s for s in exported["samples"])


def test_export_the_recorded_ecg(run, db: Path, tmp_path: Path) -> None:
    code, _, err = run("record", "--simulate", "calm", "--speed", "100000", "--minutes", "1")
    assert code == 0, err
    code, _, err = run("export", "1", "--format", "ecg")
    assert "session 1 has no ECG" in one_line_error(code, err)
    clock_unset_ns = 599616028236586218  # an H10 whose clock says 2019-01-01
    per_frame, frames = 5, 3
    values_uv = np.arange(per_frame * frames) * 100 - 700
    with Store.open(db) as store:
        writer = store.begin_session("ble", strap_name="Polar H10 A1B2C3D4")
        writer.add_sample(HeartSample(0.5, 72, (800.0,), True, None, b"\x16\x48"))
        for k in range(frames):
            last_ns = clock_unset_ns + round((per_frame * k) * 1e9 / ECG_SAMPLE_RATE_HZ)
            chunk = values_uv[per_frame * k : per_frame * (k + 1)]
            writer.add_pmd_frame(2.0 + 0.04 * k, "ecg", build_ecg_frame(last_ns, chunk))
        writer.finish()

    out_path = tmp_path / "ecg.csv"
    assert run("export", "2", "--format", "ecg", "--out", str(out_path))[0] == 0
    code, text, _ = run("export", "2", "--format", "ecg")
    assert code == 0 and out_path.read_text() == text
    header, *rows = text.splitlines()
    assert header == "t_s,ecg_uv"
    t_s = [float(row.split(",")[0]) for row in rows]
    assert [int(row.split(",")[1]) for row in rows] == values_uv.tolist()
    # The first frame's last sample is anchored at its arrival; the strap's clock spaces the rest.
    expected_s = 2.0 + (np.arange(per_frame * frames) - (per_frame - 1)) / ECG_SAMPLE_RATE_HZ
    assert t_s == pytest.approx(expected_s.tolist(), abs=1e-4)


@pytest.mark.parametrize(
    "content", ["812\n798\nabc\n805\n", "", "t_s,rr_ms\n1.0,800\n0.5,790\n", "\x00\x01binary"]
)
def test_a_malformed_file_creates_no_session(run, db: Path, tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.txt"
    path.write_text(content)
    code, out, err = run("import", str(path))
    assert "broken.txt" in one_line_error(code, err)
    assert out == ""
    assert run("import", str(tmp_path / "missing.txt"))[0] == 2
    assert session_count(db) == 0


@pytest.mark.parametrize(
    "args",
    [
        ("show", "42"),
        ("replay", "42", "--max"),
        ("export", "42", "--format", "csv"),
        ("delete", "42", "--yes"),
    ],
)
def test_an_unknown_session_id(run, args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    message = one_line_error(code, err)
    assert "42" in message and "pausepoint sessions" in message
    assert out == ""


def test_delete_asks_and_refuses_without_a_terminal(run, db: Path, monkeypatch) -> None:
    for _ in range(2):
        assert run("import", str(DATA / "hrv_logger_RR.csv"))[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, _, err = run("delete", "1")
    assert "--yes" in one_line_error(code, err)
    assert session_count(db) == 2

    prompts = []

    def answer(reply: str):
        def ask() -> str:
            return reply

        return ask

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", answer("n"))
    code, out, err = run("delete", "1")
    assert (code, out) == (1, "Not deleted.\n") and session_count(db) == 2
    prompts.append(err)  # the question goes to stderr: stdout is the answer's
    monkeypatch.setattr("builtins.input", answer("y"))
    code, out, _ = run("delete", "1")
    assert (code, out) == (0, "Deleted session 1.\n")
    with Store.open(db) as store:
        assert [s.id for s in store.sessions()] == [2]
    assert prompts[0].startswith("Delete session 1 (") and prompts[0].endswith(")? [y/N] ")
    assert ", 00:00:0" in prompts[0]

    assert run("delete", "2", "--yes")[0] == 0 and session_count(db) == 0


def test_long_work_shows_progress_on_a_terminal(run, monkeypatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert run("import", str(DATA / "dhyb_polar_h10_ibi" / "sample_data_ibi.csv"))[0] == 0
    assert "\rImporting [" in terminal.getvalue()
    assert run("replay", "1", "--max")[0] == 0
    assert "\rReplaying [" in terminal.getvalue()


def test_no_progress_bar_when_stderr_is_not_a_terminal(run) -> None:
    code, _, err = run("import", str(DATA / "dhyb_polar_h10_ibi" / "sample_data_ibi.csv"))
    assert code == 0 and err == ""


def test_empty_listing(run) -> None:
    assert run("sessions", "--json")[1] == '{"sessions":[]}\n'
    assert run("sessions")[1].startswith("No sessions yet")


def test_speed_is_for_simulations_only(run, db: Path) -> None:
    code, _, err = run("record", "--device", "F0:5A:1B:2C:3D:4E", "--speed", "2")
    assert "--speed" in one_line_error(code, err)


def test_the_db_option_wins_over_the_environment(db: Path, tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere" / "mine.db"
    with open_store(argparse.Namespace(db=chosen)) as store:
        assert store.path == chosen
    with open_store(argparse.Namespace(db=None)) as store:
        assert store.path == db
    assert chosen.exists()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="file modes do not bind the superuser (test_store covers read-only by URI)",
)
def test_a_read_only_database_can_be_listed_but_not_recorded_in(run, db: Path) -> None:
    assert run("import", str(DATA / "hrv_logger_RR.csv"))[0] == 0
    os.chmod(db, 0o400)
    os.chmod(db.parent, 0o500)
    try:
        code, out, _ = run("sessions", "--json")
        assert code == 0 and len(json.loads(out)["sessions"]) == 1
        code, _, err = run("import", str(DATA / "hrv_logger_RR.csv"))
        assert str(db) in one_line_error(code, err)
    finally:
        os.chmod(db.parent, 0o700)
        os.chmod(db, 0o600)


def test_report_of_a_recorded_session(run, tmp_path: Path) -> None:
    code, _, _ = run("record", "--simulate", "argument", "--seed", "7", "--speed", "100000")
    assert code == 0
    out = tmp_path / "checkin.html"
    code, printed, _ = run("report", "1", "--out", str(out))
    assert code == 0 and str(out) in printed
    page = out.read_text()
    assert "Check-in, " in page and "simulated:argument" in page
    assert "You were flooded once" in page and "data:image/png;base64," in page
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    one_line_error(*run("report", "1", "--out", str(tmp_path / "x.docx"))[::2])


def test_ecg_is_for_a_strap(run, db: Path) -> None:
    code, _out, err = run("record", "--simulate", "calm", "--minutes", "1", "--ecg")
    assert "--ecg" in one_line_error(code, err)
    assert not db.exists() or session_count(db) == 0
