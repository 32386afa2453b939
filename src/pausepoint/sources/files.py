"""Read RR recordings made by other tools (and by pausepoint); write pausepoint CSV and Kubios text.

A file is recognised by its content, not its extension: a header names the tool, and
without one the columns and the values tell what they are (only an Elite HRV export is
told from plain text by its name). Anything that is
not an RR recording raises BadInput with one line naming the file, the line and what to
do, so the CLI can print it. Values are kept as written (artifacts such as a 180 ms RR in
a Holter file load; the artifact stage judges them); only what cannot be an RR interval
at all is refused.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from pausepoint.errors import BadInput, UserError
from pausepoint.model import HeartSample, MotionSample, Sample, rr_ms_from_ticks

RR_MIN_MS = 100.0
"""Shortest RR accepted from other tools: 600 bpm, beyond any heart; the real Holter
recordings we test against hold artifacts down to 180 ms, which must load."""
RR_MAX_MS = 30_000.0
"""Longest RR accepted from other tools: a 30 s pause; larger values are timestamps,
counters or a wrong unit, not RR intervals."""
STRAP_RR_MIN_MS = rr_ms_from_ticks(1)
STRAP_RR_MAX_MS = rr_ms_from_ticks(0xFFFF)
"""pausepoint CSV keeps what the strap sent: any RR its uint16 field of 1/1024 s can carry."""
HR_MAX_BPM = 0xFFFF
SECONDS_MEDIAN_LIMIT = 10.0
"""A column of RR whose median is below this is in seconds, not ms."""
NOTIFICATION_PERIOD_S = 1.0
"""Beats of files without arrival times are grouped as a strap would send them."""
BEAT_TIME_TOLERANCE_MS = 10.0
"""Times whose steps match the RR values to this (median) are beat times; arrival times
of a BLE strap jitter by tens of ms (median 72 ms in a Polar H10 log)."""
MAX_FILE_BYTES = 256 * 1024 * 1024

PAUSEPOINT_COLUMNS = ("t_s", "rr_ms", "hr_bpm", "contact")
MOTION_COLUMN = "motion_g"
"""pausepoint CSV's fifth column, written only when a recording has motion (a Polar H10's
accelerometer), so files without motion are as they always were."""
_NPY_MAGIC = b"\x93NUMPY"
_RR_NAME = re.compile(
    r"(rr|rri|ibi|ibis|nn|nni|ppi|intervals?|(rr|nn|ibi|inter-?beat|beat-to-beat)[ _-]?intervals?)"
)
_TIME_NAME = re.compile(r"(t|time|times|beat[ _-]?time|host[ _-]?time|elapsed|seconds|sec)")
_UNIT_IN_NAME = re.compile(r"\s*[\(\[]\s*(ms|msec|s|sec)\s*[\)\]]\s*$|_(ms|s)$")
_ELITE_HRV_NAME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}-\d{2}-\d{2}")
_PLAIN_HINT = "expected one RR interval (ms or s) per line"


@dataclass(frozen=True, slots=True)
class EmptyRow:
    """A pausepoint CSV row for a notification that carried no RR (kept for exact replay)."""

    rr_rows_before: int
    """How many RR rows precede it in the file: its place among them."""
    t_s: float
    hr_bpm: float
    """NaN when the file has no hr_bpm (the sample then says 0 bpm, as a strap without
    contact does)."""
    contact: bool | None


@dataclass(frozen=True, slots=True)
class MotionRow:
    """A pausepoint CSV row of movement (an accelerometer level, gravity removed): kept so a
    file judges walking as the live session did."""

    rr_rows_before: int
    empty_rows_before: int
    """How many RR rows, and how many rows without RR, precede it: its place among them."""
    t_s: float
    motion_g: float


@dataclass(frozen=True, eq=False)
class RrRecording:
    """One file's RR intervals, in ms, with the times and extras the file holds.

    Arrays are read-only and aligned: element i of t_s, hr_bpm and contact belongs to
    rr_ms[i]. contact is 1.0 / 0.0, NaN where the strap did not report it.
    """

    path: Path
    format: str
    """pausepoint, polar-sensor-logger, hrv-logger, kubios, arrival-time-rr, csv, plain,
    elite-hrv or numpy."""
    unit_note: str
    rr_ms: np.ndarray
    t_s: np.ndarray | None
    t_kind: str
    """arrival (host/phone time a notification arrived), beat (time of the beat that ends
    the RR) or none."""
    hr_bpm: np.ndarray | None = None
    contact: np.ndarray | None = None
    empty_rows: tuple[EmptyRow, ...] = ()
    motion_rows: tuple[MotionRow, ...] = ()
    """pausepoint CSV only; other formats carry no motion."""


def read_rr_file(path: str | Path) -> RrRecording:
    """Read any supported RR file; BadInput (one line) for anything else."""
    path = Path(path)
    name = _display_name(path)
    data = _read_bytes(path, name)
    with np.errstate(all="ignore"):  # absurd values overflow; the range check names them
        if data.startswith(_NPY_MAGIC):
            return _read_npy(path, name, data)
        rows = _rows(_decode(name, data))
        if not rows:
            raise BadInput(f"{name}: no RR intervals in the file (it is empty); {_PLAIN_HINT}")
        header = _header_fields(rows[0][1], rows[1:])
        if header is None:
            return _read_headerless(path, name, rows)
        names, delimiter = header
        return _read_with_header(path, name, rows[0][0], names, delimiter, rows[1:])


def to_samples(rec: RrRecording) -> list[Sample]:
    """Notifications as a strap would have sent them, and the motion samples between them in
    the file's order, for the pipeline and replay."""
    with np.errstate(all="ignore"):
        if rec.t_kind == "arrival" and rec.t_s is not None:
            return _arrival_samples(rec)
        return _beat_samples(rec)


def write_pausepoint_csv(path: str | Path, samples: Iterable[Sample]) -> None:
    """One row per RR (a row with empty rr_ms for a notification without RR) and, when there
    is motion, a motion_g column with a row of its own per motion sample; repr floats so
    reading it back gives the same bits."""
    samples = list(samples)
    motion = any(isinstance(sample, MotionSample) for sample in samples)
    lines = [",".join([*PAUSEPOINT_COLUMNS, MOTION_COLUMN] if motion else PAUSEPOINT_COLUMNS)]
    no_motion = "," if motion else ""
    last_t_s = -math.inf
    for sample in samples:
        t_text = _repr_finite(sample.t_s, "t_s")
        if not last_t_s <= sample.t_s:
            raise ValueError(f"t_s out of order: {sample!r}")
        last_t_s = sample.t_s
        if isinstance(sample, MotionSample):
            lines.append(f"{t_text},,,,{_repr_finite(sample.motion_g, 'motion_g', zero=True)}")
            continue
        if not 0 <= sample.hr_bpm <= HR_MAX_BPM:
            raise ValueError(f"hr_bpm outside 0..{HR_MAX_BPM}: {sample!r}")
        tail = f"{int(sample.hr_bpm)},{_contact_text(sample.contact)}{no_motion}"
        if not sample.rr_ms:
            lines.append(f"{t_text},,{tail}")
        for rr_ms in sample.rr_ms:
            lines.append(f"{t_text},{_repr_finite(rr_ms, 'rr_ms', positive=True)},{tail}")
    write_text_atomic(path, "\n".join(lines) + "\n")


def write_kubios_txt(path: str | Path, rr_ms: Iterable[float] | np.ndarray) -> None:
    """RR in seconds, one per line, at full float precision (Kubios reads this as RR data)."""
    values = np.asarray(rr_ms if isinstance(rr_ms, np.ndarray) else list(rr_ms), dtype=np.float64)
    lines = [_repr_finite(v / 1000.0, "rr_ms", positive=True) for v in values.ravel().tolist()]
    write_text_atomic(path, "\n".join(lines) + ("\n" if lines else ""))


def write_heart_file(
    path: str | Path, samples: Iterable[Sample], *, kubios: bool | None = None
) -> None:
    """A session's samples as pausepoint CSV (arrival times and motion kept) or, with
    ``kubios`` (by default: for a .txt path), its RR as Kubios text."""
    if kubios is None:
        kubios = Path(path).suffix.lower() == ".txt"
    if kubios:
        rr_ms = [v for s in samples if isinstance(s, HeartSample) for v in s.rr_ms]
        write_kubios_txt(path, rr_ms)
    else:
        write_pausepoint_csv(path, samples)


def partner_path(out: Path, person: int) -> Path:
    """A couple's file for one partner: OUT-A.csv, OUT-B.csv."""
    return out.with_name(f"{out.stem}-{'AB'[person]}{out.suffix or '.csv'}")


# --- reading: bytes to rows -------------------------------------------------------------


def _display_name(path: Path) -> str:
    name = path.name or str(path)
    return name if name.isprintable() else repr(name)[1:-1]


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(f"{name}: no such file; check the path") from None
    except IsADirectoryError:
        raise BadInput(f"{name}: is a folder, not a file; give the RR file inside it") from None
    except PermissionError:
        raise BadInput(f"{name}: permission denied; make the file readable") from None
    except OSError as exc:
        raise BadInput(f"{name}: cannot be read ({exc.strerror or exc}); check the file") from None
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(
            f"{name}: larger than {MAX_FILE_BYTES >> 20} MB, too large for an RR recording; "
            "give the RR export, not a raw signal"
        )
    return data


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if not re.search(rb"[\x01-\x08\x0e-\x1f\x7f]", data):
                return data.decode("latin-1")
    raise BadInput(f"{name}: a binary file, not text; {_PLAIN_HINT}")


def _rows(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; '#' comments are skipped."""
    return [
        (number, stripped)
        for number, line in enumerate(text.splitlines(), 1)
        if (stripped := line.strip()) and not stripped.startswith("#")
    ]


def _delimiter(line: str) -> str | None:
    """The field separator of a line; None means runs of spaces or tabs."""
    for delimiter in (";", ",", "\t"):
        if delimiter in line:
            return delimiter
    return None


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    return [field.strip() for field in line.split(delimiter)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _header_fields(
    first: str, data_rows: list[tuple[int, str]]
) -> tuple[list[str], str | None] | None:
    """The header's column names and separator, or None when the first line is data."""
    if not re.search(r"[A-Za-z]", first):
        return None
    delimiter = _delimiter(first)
    fields = _split(first, delimiter)
    if all(_is_number(field) for field in fields):
        return None
    names = [field.strip("\"'").strip() for field in fields]
    if delimiter is None and data_rows:
        # "Time (s)  RR (ms)": names with spaces, columns apart by runs of spaces
        data_columns = len(data_rows[0][1].split())
        wide = [field.strip("\"'") for field in re.split(r"\s{2,}", first)]
        if len(names) != data_columns and len(wide) == data_columns:
            names = wide
    return names, delimiter


def _show(token: str) -> str:
    return repr(token if len(token) <= 40 else token[:37] + "...")


# --- reading: columns to numbers --------------------------------------------------------


def _numbers(name: str, tokens: Sequence[str], line_nos: Sequence[int], hint: str) -> np.ndarray:
    """Parse a column fast with numpy; on failure find and name the first bad line."""
    try:
        values = np.array(tokens, dtype=np.float64)
        if values.ndim == 1 and np.isfinite(values).all():
            return values
    except (ValueError, TypeError, OverflowError):
        pass
    parsed = []
    for token, number in zip(tokens, line_nos, strict=True):
        try:
            value = float(token)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            what = "an empty field" if not token else _show(token)
            raise BadInput(f"{name} line {number}: {what} is not a number; {hint}")
        parsed.append(value)
    return np.array(parsed, dtype=np.float64)


def _rr_unit(values: np.ndarray, unit: str | None) -> tuple[float, str]:
    """Factor to ms and a note; a median below 10 means seconds when the file does not say."""
    if unit is not None:
        factor = 1000.0 if unit in ("s", "sec") else 1.0
        said = "seconds" if factor != 1.0 else "ms"
        return factor, f"RR in {said} (named in the header)"
    median = float(np.median(np.abs(values))) if values.size else 0.0
    if median < SECONDS_MEDIAN_LIMIT:
        return 1000.0, f"RR in seconds (median {median:.3g} < 10), converted to ms"
    return 1.0, f"RR in ms (median {median:.4g} >= 10)"


def _check_rr(
    name: str,
    rr_ms: np.ndarray,
    tokens: Sequence[str],
    line_nos: Sequence[int],
    low_ms: float = RR_MIN_MS,
    high_ms: float = RR_MAX_MS,
    label: str = "line",
) -> None:
    bad = np.flatnonzero(~((rr_ms >= low_ms) & (rr_ms <= high_ms)))
    if bad.size:
        i = int(bad[0])
        raise BadInput(
            f"{name} {label} {line_nos[i]}: {_show(tokens[i])} ({rr_ms[i]:.6g} ms) cannot be an "
            f"RR interval (accepted {low_ms:g} to {high_ms:g} ms); remove it or check the unit"
        )


def _check_rising(name: str, t: np.ndarray, tokens: Sequence[str], line_nos: Sequence[int]) -> None:
    back = np.flatnonzero(np.diff(t) < 0)
    if back.size:
        i = int(back[0]) + 1
        raise BadInput(
            f"{name} line {line_nos[i]}: time {_show(tokens[i])} is earlier than the line "
            "before; expected times in increasing order"
        )


def _freeze(*arrays: np.ndarray | None) -> None:
    for array in arrays:
        if array is not None:
            array.flags.writeable = False


def _recording(
    path: Path,
    fmt: str,
    note: str,
    rr_ms: np.ndarray,
    t_s: np.ndarray | None,
    t_kind: str,
    hr_bpm: np.ndarray | None = None,
    contact: np.ndarray | None = None,
    empty_rows: tuple[EmptyRow, ...] = (),
    motion_rows: tuple[MotionRow, ...] = (),
) -> RrRecording:
    _freeze(rr_ms, t_s, hr_bpm, contact)
    return RrRecording(
        path, fmt, note, rr_ms, t_s, t_kind, hr_bpm, contact, empty_rows, motion_rows
    )


def _columns(
    name: str, rows: list[tuple[int, str]], delimiter: str | None, count: int, hint: str
) -> tuple[list[list[str]], list[int]]:
    """Split every row into exactly `count` fields, or say which line does not fit."""
    line_nos = [number for number, _ in rows]
    lines = [line for _, line in rows]
    if count == 1:
        if not re.search(r"[,;\s]", "".join(lines)):
            return [lines], line_nos
        split_rows = [_split(line, _delimiter(line)) for line in lines]
    elif delimiter is None:
        split_rows = [line.split() for line in lines]
    else:
        split_rows = [line.split(delimiter) for line in lines]
        if re.search(r"\s", "".join(lines)):
            split_rows = [[field.strip() for field in fields] for fields in split_rows]
    if set(map(len, split_rows)) - {count}:
        number, fields = next(
            (n, f) for n, f in zip(line_nos, split_rows, strict=True) if len(f) != count
        )
        raise BadInput(f"{name} line {number}: {len(fields)} columns instead of {count}; {hint}")
    return [list(column) for column in zip(*split_rows, strict=True)], line_nos


# --- reading: formats -------------------------------------------------------------------


def _read_npy(path: Path, name: str, data: bytes) -> RrRecording:
    try:
        values = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception as exc:  # numpy raises many kinds for a damaged header
        raise BadInput(
            f"{name}: not a readable NumPy .npy file ({type(exc).__name__}); "
            "save the RR intervals again with numpy.save"
        ) from None
    if values.ndim == 2 and 1 in values.shape:
        values = values.ravel()
    if values.dtype.kind not in "iuf" or values.ndim != 1 or values.size == 0:
        raise BadInput(
            f"{name}: holds a {values.dtype} array of shape {values.shape}; "
            "expected a one-dimensional array of numbers (RR intervals)"
        )
    values = values.astype(np.float64)
    items = range(1, values.size + 1)
    if not np.isfinite(values).all():
        i = int(np.flatnonzero(~np.isfinite(values))[0])
        raise BadInput(f"{name} item {i + 1}: {values[i]} is not a number; {_PLAIN_HINT}")
    factor, note = _rr_unit(values, None)
    rr_ms = values * factor
    _check_rr(name, rr_ms, [repr(float(v)) for v in values], items, label="item")
    return _recording(path, "numpy", note, rr_ms, None, "none")


def _read_headerless(path: Path, name: str, rows: list[tuple[int, str]]) -> RrRecording:
    delimiter = _delimiter(rows[0][1])
    count = len(_split(rows[0][1], delimiter))
    if count == 1:
        columns, line_nos = _columns(name, rows, delimiter, 1, _PLAIN_HINT)
        return _plain(path, name, columns[0], line_nos, None)
    if count == 2:
        hint = "expected two columns: time and RR interval"
        columns, line_nos = _columns(name, rows, delimiter, 2, hint)
        return _time_rr(path, name, columns[0], columns[1], line_nos, None, None, hint)
    raise BadInput(
        f"{name} line {rows[0][0]}: {count} columns; expected one RR interval per line, "
        "or two columns: time and RR interval"
    )


def _plain(
    path: Path, name: str, tokens: list[str], line_nos: list[int], unit: str | None
) -> RrRecording:
    values = _numbers(name, tokens, line_nos, _PLAIN_HINT)
    factor, note = _rr_unit(values, unit)
    rr_ms = values * factor
    _check_rr(name, rr_ms, tokens, line_nos)
    fmt = "elite-hrv" if _ELITE_HRV_NAME.fullmatch(path.stem) else "plain"
    if fmt == "elite-hrv":
        note += "; Elite HRV export (named by its start time)"
    return _recording(path, fmt, note, rr_ms, None, "none")


def _time_rr(
    path: Path,
    name: str,
    t_tokens: list[str],
    rr_tokens: list[str],
    line_nos: list[int],
    t_unit: str | None,
    rr_unit: str | None,
    hint: str,
) -> RrRecording:
    """Two columns, time then RR: beat times (Kubios style) or arrival times (a BLE log)."""
    t_raw = _numbers(name, t_tokens, line_nos, hint)
    values = _numbers(name, rr_tokens, line_nos, hint)
    factor, note = _rr_unit(values, rr_unit)
    rr_ms = values * factor
    _check_rr(name, rr_ms, rr_tokens, line_nos)
    _check_rising(name, t_raw, t_tokens, line_nos)
    if t_unit is None:
        # the time span over the RR sum is ~1e-3 for seconds and ~1 for ms: split halfway (log)
        span = t_raw[-1] - t_raw[0]
        beats_ms = float(rr_ms[1:].sum())
        t_unit = "ms" if beats_ms > 0 and span / beats_ms > math.sqrt(1e-3) else "s"
    t_s = t_raw / 1000.0 if t_unit in ("ms", "msec") else t_raw.copy()
    note += f"; time in {'ms, converted to s' if t_unit in ('ms', 'msec') else 's'}"
    steps_ms = np.diff(t_s) * 1000.0
    if steps_ms.size == 0:
        return _recording(path, "kubios", note + "; beat times", rr_ms, t_s, "beat")
    ends_error = float(np.median(np.abs(steps_ms - rr_ms[1:])))
    starts_error = float(np.median(np.abs(steps_ms - rr_ms[:-1])))
    if min(ends_error, starts_error) > BEAT_TIME_TOLERANCE_MS:
        note += "; arrival times (steps do not follow the RR values)"
        return _recording(path, "arrival-time-rr", note, rr_ms, t_s, "arrival")
    if starts_error < ends_error:
        t_s = t_s + rr_ms / 1000.0
        note += "; beat times (the start of each RR, moved to its end)"
    else:
        note += "; beat times"
    return _recording(path, "kubios", note, rr_ms, t_s, "beat")


def _unit_of(column_name: str) -> tuple[str, str | None]:
    """A column name without its unit, and the unit ('ms', 's') when it names one."""
    lowered = column_name.strip().lower()
    match = _UNIT_IN_NAME.search(lowered)
    if match is None:
        return lowered, None
    unit = next(group for group in match.groups() if group)
    return lowered[: match.start()].strip(), unit


def _read_with_header(
    path: Path,
    name: str,
    header_no: int,
    header: list[str],
    delimiter: str | None,
    rows: list[tuple[int, str]],
) -> RrRecording:
    lowered = [field.lower() for field in header]
    ours = {*PAUSEPOINT_COLUMNS, MOTION_COLUMN}
    known = set(lowered) <= ours and len(set(lowered)) == len(lowered)
    if known and {"t_s", "rr_ms"} <= set(lowered):
        return _pausepoint(path, name, lowered, delimiter, rows)
    if lowered == ["phone timestamp", "rr-interval [ms]"]:
        return _polar_sensor_logger(path, name, rows)
    if lowered == ["date", "rr", "since start"]:
        return _hrv_logger(path, name, rows)
    rr_columns, time_columns = [], []
    for i, field in enumerate(header):
        base, unit = _unit_of(field)
        if _RR_NAME.fullmatch(base):
            rr_columns.append((i, unit))
        elif _TIME_NAME.fullmatch(base):
            time_columns.append((i, unit))
    if not rr_columns and len(header) == 1:
        raise BadInput(
            f"{name} line {header_no}: {_show(header[0])} is not a number; {_PLAIN_HINT}"
        )
    if not rr_columns:
        raise BadInput(
            f"{name} line {header_no}: no RR column in the header "
            f"{_show((delimiter or ' ').join(header))}; name it rr, rr_ms or RR (s), "
            "or give one RR interval per line without a header"
        )
    if not rows:
        raise BadInput(f"{name}: a header but no RR intervals after it; {_PLAIN_HINT}")
    hint = f"expected {len(header)} columns as in the header"
    columns, line_nos = _columns(name, rows, delimiter, len(header), hint)
    rr_index, rr_unit = rr_columns[0]
    note_tail = f"; RR from column {_show(header[rr_index])}"
    if time_columns:
        t_index, t_unit = time_columns[0]
        hint = f"expected numbers in columns {_show(header[t_index])} and {_show(header[rr_index])}"
        rec = _time_rr(
            path, name, columns[t_index], columns[rr_index], line_nos, t_unit, rr_unit, hint
        )
        note = rec.unit_note + note_tail
        return RrRecording(path, rec.format, note, rec.rr_ms, rec.t_s, rec.t_kind)
    rec = _plain(path, name, columns[rr_index], line_nos, rr_unit)
    if len(header) == 1:
        return rec
    note = rec.unit_note + note_tail + "; other columns ignored"
    return RrRecording(path, "csv", note, rec.rr_ms, None, "none")


def _optional_numbers(
    name: str, tokens: list[str], line_nos: list[int], hint: str
) -> tuple[np.ndarray, np.ndarray]:
    """Numbers where the field is filled, NaN where it is empty; and the filled mask."""
    filled = np.array([token != "" for token in tokens], dtype=bool)
    where = np.flatnonzero(filled)
    values = np.full(len(tokens), np.nan)
    if where.size:
        values[where] = _numbers(
            name, [tokens[i] for i in where], [line_nos[i] for i in where], hint
        )
    return values, filled


def _pausepoint(
    path: Path, name: str, names: list[str], delimiter: str | None, rows: list[tuple[int, str]]
) -> RrRecording:
    hint = "expected rows t_s,rr_ms,hr_bpm,contact[,motion_g] as pausepoint writes them"
    if not rows:
        raise BadInput(f"{name}: a header but no notifications after it; {hint}")
    columns, line_nos = _columns(name, rows, delimiter, len(names), hint)
    by_name = dict(zip(names, columns, strict=True))
    t_all = _numbers(name, by_name["t_s"], line_nos, hint)
    _check_rising(name, t_all, by_name["t_s"], line_nos)
    rr_ms_all, has_rr = _optional_numbers(name, by_name["rr_ms"], line_nos, hint)
    rr_rows = np.flatnonzero(has_rr)
    _check_rr(
        name,
        rr_ms_all[rr_rows],
        [by_name["rr_ms"][i] for i in rr_rows],
        [line_nos[i] for i in rr_rows],
        STRAP_RR_MIN_MS,
        STRAP_RR_MAX_MS,
    )
    hr_bpm_all = None
    has_hr = np.zeros(len(rows), dtype=bool)
    if "hr_bpm" in by_name:
        hr_bpm_all, has_hr = _optional_numbers(name, by_name["hr_bpm"], line_nos, hint)
        bad = np.flatnonzero((hr_bpm_all < 0) | (hr_bpm_all > HR_MAX_BPM))
        if bad.size:
            i = int(bad[0])
            raise BadInput(
                f"{name} line {line_nos[i]}: heart rate {_show(by_name['hr_bpm'][i])} is outside "
                f"0 to {HR_MAX_BPM} bpm; fix or remove the line"
            )
    contact_all = None
    if "contact" in by_name:
        codes = {"": math.nan, "0": 0.0, "1": 1.0}
        for token, number in zip(by_name["contact"], line_nos, strict=True):
            if token not in codes:
                raise BadInput(
                    f"{name} line {number}: contact {_show(token)} is not 0, 1 or empty; {hint}"
                )
        contact_all = np.array([codes[token] for token in by_name["contact"]])
    motion_g_all, is_motion = _motion_column(name, by_name, line_nos, has_rr | has_hr, hint)
    is_empty = ~has_rr & ~is_motion
    rr_rows_before = np.cumsum(has_rr) - has_rr
    empty_rows_before = np.cumsum(is_empty) - is_empty
    empty_rows = tuple(
        EmptyRow(
            int(rr_rows_before[i]),
            float(t_all[i]),
            math.nan if hr_bpm_all is None else float(hr_bpm_all[i]),
            None if contact_all is None or math.isnan(contact_all[i]) else bool(contact_all[i]),
        )
        for i in np.flatnonzero(is_empty)
    )
    motion_rows = tuple(
        MotionRow(
            int(rr_rows_before[i]), int(empty_rows_before[i]), float(t_all[i]), motion_g_all[i]
        )
        for i in np.flatnonzero(is_motion).tolist()
    )
    note = "RR in ms; t_s is the host arrival time of the notification that carried it"
    if motion_rows:
        note += f"; {len(motion_rows)} motion levels (g)"
    return _recording(
        path,
        "pausepoint",
        note,
        rr_ms_all[rr_rows],
        t_all[rr_rows],
        "arrival",
        None if hr_bpm_all is None else hr_bpm_all[rr_rows],
        None if contact_all is None else contact_all[rr_rows],
        empty_rows,
        motion_rows,
    )


def _motion_column(
    name: str,
    by_name: dict[str, list[str]],
    line_nos: list[int],
    has_heart: np.ndarray,
    hint: str,
) -> tuple[list[float], np.ndarray]:
    """motion_g of each row (NaN where empty) and which rows are motion rows; a row is a
    heartbeat's or a motion level's, never both, and a level is 0 g or more."""
    tokens = by_name.get(MOTION_COLUMN)
    if tokens is None:
        return [math.nan] * len(line_nos), np.zeros(len(line_nos), dtype=bool)
    motion_g, is_motion = _optional_numbers(name, tokens, line_nos, hint)
    contact = by_name.get("contact", [""] * len(tokens))
    has_contact = np.array([token != "" for token in contact], dtype=bool)
    both = np.flatnonzero(is_motion & (has_heart | has_contact))
    if both.size:
        raise BadInput(
            f"{name} line {line_nos[int(both[0])]}: rr_ms, hr_bpm or contact beside motion_g; "
            "a row holds a heartbeat or a motion level, not both"
        )
    below = np.flatnonzero(is_motion & (motion_g < 0))
    if below.size:
        i = int(below[0])
        raise BadInput(
            f"{name} line {line_nos[i]}: motion_g {_show(tokens[i])} is below zero; a motion "
            "level is 0 g or more"
        )
    return motion_g.tolist(), is_motion


def _polar_sensor_logger(path: Path, name: str, rows: list[tuple[int, str]]) -> RrRecording:
    hint = "expected rows like 2024-03-01T07:30:15.123;812 (phone time;RR in ms)"
    if not rows:
        raise BadInput(f"{name}: a header but no RR intervals after it; {hint}")
    columns, line_nos = _columns(name, rows, ";", 2, hint)
    seconds = []
    first: datetime | None = None
    for token, number in zip(columns[0], line_nos, strict=True):
        try:
            stamp = datetime.fromisoformat(token)
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            first = first or stamp
            seconds.append((stamp - first).total_seconds())
        except (ValueError, OverflowError):
            raise BadInput(
                f"{name} line {number}: {_show(token)} is not an ISO date-time; {hint}"
            ) from None
    t_s = np.array(seconds, dtype=np.float64)
    _check_rising(name, t_s, columns[0], line_nos)
    rr_ms = _numbers(name, columns[1], line_nos, hint)
    _check_rr(name, rr_ms, columns[1], line_nos)
    note = "RR in ms; phone arrival times, t_s in seconds since the first row"
    return _recording(path, "polar-sensor-logger", note, rr_ms, t_s, "arrival")


def _hrv_logger(path: Path, name: str, rows: list[tuple[int, str]]) -> RrRecording:
    hint = "expected rows date,rr,since start (RR and time since start in ms)"
    if not rows:
        raise BadInput(f"{name}: a header but no RR intervals after it; {hint}")
    columns, line_nos = _columns(name, rows, ",", 3, hint)
    rec = _time_rr(path, name, columns[2], columns[1], line_nos, "ms", "ms", hint)
    note = f"RR in ms; {rec.t_kind} times from 'since start' in ms"
    return RrRecording(path, "hrv-logger", note, rec.rr_ms, rec.t_s, rec.t_kind)


# --- samples ----------------------------------------------------------------------------


def _hr_of(hr_bpm: float, rr_ms: list[float]) -> int:
    if math.isfinite(hr_bpm):
        return round(hr_bpm)
    return round(60000.0 * len(rr_ms) / math.fsum(rr_ms)) if rr_ms else 0


def _contact_of(value: float) -> bool | None:
    return None if math.isnan(value) else bool(value)


def _other_rows(rec: RrRecording) -> list[tuple[int, Sample]]:
    """The rows without RR (empty notifications, motion) as samples, in the file's order,
    each with the number of RR rows before it."""
    rows: list[tuple[int, Sample]] = []
    empties = rec.empty_rows
    done = 0
    for row in rec.motion_rows:
        rows += [
            (e.rr_rows_before, _empty_sample(e)) for e in empties[done : row.empty_rows_before]
        ]
        done = row.empty_rows_before
        rows.append((row.rr_rows_before, MotionSample(row.t_s, row.motion_g)))
    return rows + [(e.rr_rows_before, _empty_sample(e)) for e in empties[done:]]


def _group_samples(
    rec: RrRecording, t_s: np.ndarray, starts: np.ndarray, t_at_end: bool
) -> list[Sample]:
    """One HeartSample per group of RR rows (a group ends where the next starts), with the
    rows without RR put back where the file had them."""
    count = rec.rr_ms.size
    rr_ms_list = rec.rr_ms.tolist()
    t_s_list = t_s.tolist()
    hr_bpm_list = rec.hr_bpm.tolist() if rec.hr_bpm is not None else [math.nan] * count
    contact_list = rec.contact.tolist() if rec.contact is not None else [math.nan] * count
    samples: list[Sample] = []
    others = iter(_other_rows(rec))
    pending = next(others, None)
    for start, end in itertools.pairwise([*starts.tolist(), count]):
        while pending is not None and pending[0] <= start:
            samples.append(pending[1])
            pending = next(others, None)
        group = rr_ms_list[start:end]
        samples.append(
            HeartSample(
                t_s=t_s_list[end - 1 if t_at_end else start],
                hr_bpm=_hr_of(hr_bpm_list[start], group),
                rr_ms=tuple(group),
                contact=_contact_of(contact_list[start]),
            )
        )
    while pending is not None:
        samples.append(pending[1])
        pending = next(others, None)
    return samples


def _empty_sample(row: EmptyRow) -> HeartSample:
    return HeartSample(t_s=row.t_s, hr_bpm=_hr_of(row.hr_bpm, []), contact=row.contact)


def _changes(values: np.ndarray) -> np.ndarray:
    """Where consecutive values differ (NaN equals NaN)."""
    before, after = values[:-1], values[1:]
    return (before != after) & ~(np.isnan(before) & np.isnan(after))


def _arrival_samples(rec: RrRecording) -> list[Sample]:
    """Consecutive rows with one arrival time (and one hr, one contact) are one notification;
    a row without RR is a notification of its own, and a motion row ends one."""
    assert rec.t_s is not None
    change = _changes(rec.t_s)
    for extra in (rec.hr_bpm, rec.contact):
        if extra is not None:
            change |= _changes(extra)
    before = [row.rr_rows_before for row in rec.empty_rows]
    before += [row.rr_rows_before for row in rec.motion_rows]
    splits = [n for n in before if 0 < n < rec.rr_ms.size]
    starts = np.union1d(np.flatnonzero(change) + 1, splits).astype(np.int64)
    starts = np.concatenate(([0], starts)) if rec.rr_ms.size else starts
    return _group_samples(rec, rec.t_s, starts, t_at_end=False)


def _beat_samples(rec: RrRecording) -> list[Sample]:
    """Beats grouped into ~1 s notifications, each stamped with the time of its last beat."""
    if rec.rr_ms.size == 0:
        return _group_samples(rec, rec.rr_ms, np.zeros(0, dtype=np.int64), t_at_end=True)
    t_s = rec.t_s if rec.t_s is not None else np.cumsum(rec.rr_ms) / 1000.0
    period = np.floor((t_s - t_s[0]) / NOTIFICATION_PERIOD_S)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(period)) + 1))
    return _group_samples(rec, t_s, starts, t_at_end=True)


# --- writing ----------------------------------------------------------------------------


def _repr_finite(value: float, what: str, positive: bool = False, zero: bool = False) -> str:
    """``positive``: above zero; ``zero``: zero or above."""
    number = float(value)
    if not math.isfinite(number) or (positive and number <= 0) or (zero and number < 0):
        kind = "a finite positive" if positive else "a finite non-negative" if zero else "a finite"
        raise ValueError(f"{what} must be {kind} number, not {value!r}")
    return repr(number)


def _contact_text(contact: bool | None) -> str:
    return "" if contact is None else str(int(bool(contact)))


def write_text_atomic(path: str | Path, text: str) -> None:
    """Owner-only (0600) UTF-8 file that appears whole or not at all."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, content: bytes) -> None:
    """Owner-only (0600) file that appears whole or not at all: temp file in the same
    folder, fsync, rename. UserError (one line) when it cannot be written."""
    path = Path(path)
    name = _display_name(path)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UserError(
            f"{name}: cannot write in its folder ({exc.strerror or exc}); "
            "choose a folder that exists and that you can write to"
        ) from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.chmod(temp_name, 0o600)
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise UserError(
                f"{name}: could not be written ({exc.strerror or exc}); nothing was saved, "
                "free some space or choose another place"
            ) from None
        raise
