"""The report as a file: one A4 page as .png or .pdf, or a self-contained .html page, for
one person or a couple, written atomically."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint import __version__
from pausepoint.config import Config, load_config
from pausepoint.errors import BadInput
from pausepoint.reports.figure import (
    INK,
    MARKER_COLOUR,
    MUTED,
    PNG_DPI,
    report_figure,
    report_sheet,
)
from pausepoint.reports.inputs import CoupleReportInput, ReportInput
from pausepoint.reports.numbers import CoupleReport, PersonReport, Report, summarise
from pausepoint.reports.words import (
    EXPLORATORY,
    HRV_HEADER,
    duration_text,
    hrv_rows,
    meta_line,
    partner_rows,
    table_rows,
)
from pausepoint.sources.files import write_bytes_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from pausepoint.pipeline.offline import Progress

SUFFIXES = (".png", ".pdf", ".html")
RENDER_STEPS = 3
"""``render_report`` steps its Progress 1..RENDER_STEPS: numbers, figure, file."""


def render_report(
    data: ReportInput | CoupleReportInput,
    out: Path,
    progress: Progress | None = None,
    *,
    config: Config | None = None,
) -> None:
    """Write one person's report or a couple's as .png, .pdf (one A4 page) or .html
    (self-contained), by the suffix of ``out``."""
    out = Path(out)
    suffix = report_suffix(out)
    config = config if config is not None else load_config()
    report = summarise(data)
    if progress is not None:
        progress.step(1)
    fig = report_figure(report, suffix != ".html", config)
    if progress is not None:
        progress.step(2)
    if suffix == ".png":
        content = png_bytes(fig)
    elif suffix == ".pdf":
        buffer = io.BytesIO()
        fig.savefig(buffer, format="pdf", facecolor="white", metadata={"CreationDate": None})
        content = buffer.getvalue()
    else:
        content = report_html(report, png_bytes(fig), config).encode("utf-8")
    write_bytes_atomic(out, content)
    if progress is not None:
        progress.step(RENDER_STEPS)
        progress.done()


def report_suffix(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInput(
            f"{out.name}: cannot make a {suffix or 'suffix-less'} report; "
            "name the file .png, .pdf or .html"
        )
    return suffix


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, facecolor="white")
    return buffer.getvalue()


def report_html(report: Report, png: bytes, config: Config) -> str:
    """The page in HTML around the panels' picture: the same words, with HTML tables."""
    esc = html.escape
    data = report.data
    sheet = report_sheet(report, config)
    if isinstance(report, CoupleReport):
        sections = _couple_sections(report)
    else:
        sections = _person_sections(report)
    words = "".join(f"<p>{esc(s)}</p>" for s in sheet.sentences())
    note = f'<p class="note">Your note: {esc(data.note)}</p>' if data.note else ""
    image = base64.b64encode(png).decode("ascii")
    meta = meta_line(data.source, report.summary["duration_s"])
    return html_page(
        data.title,
        f"""<p class="meta">{esc(meta)}</p>
{words}{note}
<img alt="{sheet.alt}" src="data:image/png;base64,{image}">
{sections}
<p class="foot">{esc(sheet.footnote)} Made by pausepoint {esc(__version__)}.</p>
""",
    )


def html_table(rows: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in rows)  # fmt: skip


def html_grid(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """A table with a header row, each row named by its first cell."""
    esc = html.escape
    head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in header)
    body = "".join(
        f"<tr><th scope='row'>{esc(r[0])}</th>"
        + "".join(f"<td>{esc(c)}</td>" for c in r[1:])
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _person_sections(report: PersonReport) -> str:
    esc = html.escape
    summary = report.summary
    markers = ""
    if report.data.markers:
        items = "".join(
            f"<li><span class='at'>{esc(duration_text(t_s - summary['start_s']))}</span> "
            f"{esc(text)}</li>"
            for t_s, text in report.data.markers
        )
        markers = f"<h2>Your markers</h2><ol>{items}</ol>"
    return f"""<h2>In numbers</h2>
<table>{html_table(table_rows(summary))}</table>
<h2>Heart rate variability</h2>
{html_grid(hrv_rows(summary), HRV_HEADER)}
{markers}"""


def _couple_sections(report: CoupleReport) -> str:
    esc = html.escape
    tables = "".join(
        f"<h2>{esc(name)}</h2><table>{html_table(partner_rows(part, held))}</table>"
        for name, part, held in zip(
            report.data.names, report.summary["partners"], report.data.withheld, strict=True
        )
    )
    return f"""<h2>Heart rates moving together</h2>
<p class="note">{esc(EXPLORATORY)}</p>
<p>{esc(report.summary["linkage"]["summary"])}</p>
{tables}"""


def html_page(title: str, body: str) -> str:
    """A self-contained page in the report's calm style around an already-escaped body."""
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
body {{ font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: {INK};
  max-width: 56rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }}
h1 {{ font-weight: normal; margin-bottom: 0.2rem; }}
h2 {{ font-size: 1.05rem; margin-top: 1.6rem; }}
.meta, .foot {{ color: {MUTED}; }}
.foot {{ font-size: 0.8rem; margin-top: 2rem; }}
.note {{ font-style: italic; }}
img {{ width: 100%; height: auto; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 0.25rem 1.2rem 0.25rem 0; text-align: left; border-bottom: 1px solid #eee; }}
th[scope=row] {{ font-weight: normal; color: {MUTED}; }}
ol {{ color: {MARKER_COLOUR}; }} .at {{ color: {MUTED}; margin-right: 0.5rem; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
</style>
</head>
<body>
<h1>{esc(title)}</h1>
{body}</body>
</html>
"""
