"""Colours and type: calm, readable, safe for colour-blind eyes, in a light room or a dark one.

Colours are from the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"),
which stays distinct under the common colour-vision deficiencies. Red is never used for
alarm and nothing flashes: every state also has words, so colour is never the only sign.

A ``Palette`` is a value: LIGHT or DARK, chosen by the window when it is built and again when
the person changes the setting (``palette_for``), never looked up per frame. Colours that
depend on it live in one place, ``stylesheet``, put on the window anew when it changes; the
widgets that paint or write colours themselves read ``current()`` when built and are given the
new palette (``use_palette``). No colour of a palette is kept under a name of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pausepoint.model import State

# Okabe-Ito
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

INK = "#22313A"
"""Dark words, for light and coloured grounds in either palette (on orange, on a note)."""
WHITE = "#FFFFFF"
SLATE = "#5B6B73"
"""The ground of a state that is not yet known (white words on it)."""

Tones = Mapping[str, tuple[str, str, str]]
"""The glance view's (ground, words, edge) by tone (glance_model.Tone's values)."""


@dataclass(frozen=True)
class Palette:
    name: str
    paper: str
    """The page's ground."""
    card: str
    """Cards, fields and the graphs' ground."""
    ink: str
    muted: str
    line: str
    deep: str
    """The flooded prompt's ground: deep and quiet, so its white words stand out without
    alarm."""
    deep_words: str
    """Words and lines that stand out on a card (the pacer's phase, the chosen pace)."""
    groove: str
    """The empty part of a progress bar, a slider or a ring."""
    disabled_ink: str
    disabled_ground: str
    primary_hover: str
    arousal_curve: str
    hr_curve: str
    rr_curve: str
    marker_edge: str
    zone_alpha: int
    """Zone fills are pale (alpha out of 255): the curve, not the background, carries the eye."""
    focus: str
    """The ring round the control the keyboard is on: strong against the page and the cards."""
    note: str
    """Behind what to change (a calibration due, a measurement to repeat): a pale orange,
    noticed, not alarming; in the dark palette as dim as the cards. The palette's words on it."""
    glance_tones: Tones = field(hash=False)
    unchecked_edge: str | None = None
    """The edge of an empty check box or radio button, where the style's own (the ground
    darkened) would not show; None: the style's."""

    @property
    def baseline_line(self) -> str:
        return self.muted

    @property
    def zones(self) -> dict[str, str]:
        return {"calm": SKY_BLUE, "rising": ORANGE, "flooded": VERMILLION}


BREAK_FILL = BLUISH_GREEN
BREAK_ALPHA = 230

_LIGHT_DEEP = "#0B3C5D"

LIGHT = Palette(
    name="light",
    paper="#F6F4EF",
    card="#FFFFFF",
    ink=INK,
    muted=SLATE,
    line="#D9D4CA",
    deep=_LIGHT_DEEP,
    deep_words=_LIGHT_DEEP,
    groove="#ECE8E0",
    disabled_ink="#9AA5AB",
    disabled_ground="#F0EEEA",
    primary_hover="#005A8C",
    arousal_curve=_LIGHT_DEEP,
    hr_curve=BLUE,
    rr_curve=BLUISH_GREEN,
    marker_edge=INK,
    zone_alpha=38,
    focus=INK,
    note="#FBF1DD",
    glance_tones={
        "calm": (BLUE, WHITE, BLUE),
        "rising": (ORANGE, INK, ORANGE),
        "pause": (_LIGHT_DEEP, WHITE, ORANGE),
        "break": (BLUISH_GREEN, WHITE, BLUISH_GREEN),
        "ready": (BLUISH_GREEN, WHITE, BLUISH_GREEN),
        "quiet": (SLATE, WHITE, SLATE),
    },
)
"""Grounds of warm paper; the glance grounds are the states' own colours, the pause as its
prompt looks (deep, with an orange edge)."""

_DARK_CARD = "#1E272D"
_DARK_MUTED = "#8C9BA3"

DARK = Palette(
    name="dark",
    paper="#151C21",
    card=_DARK_CARD,
    ink="#E3E8EB",
    muted=_DARK_MUTED,
    line="#36434B",
    deep="#0E4770",
    deep_words=SKY_BLUE,
    groove="#2B363D",
    disabled_ink="#66747C",
    disabled_ground="#1A2227",
    primary_hover="#1A86C4",
    arousal_curve="#E3E8EB",
    hr_curve=SKY_BLUE,
    rr_curve=BLUISH_GREEN,
    marker_edge="#151C21",
    zone_alpha=52,
    focus=WHITE,
    note="#3A3122",
    glance_tones={
        "calm": (_DARK_CARD, SKY_BLUE, BLUE),
        "rising": (_DARK_CARD, ORANGE, ORANGE),
        "pause": ("#0E4770", WHITE, ORANGE),
        "break": (_DARK_CARD, BLUISH_GREEN, BLUISH_GREEN),
        "ready": (_DARK_CARD, BLUISH_GREEN, BLUISH_GREEN),
        "quiet": (_DARK_CARD, _DARK_MUTED, _DARK_MUTED),
    },
    unchecked_edge=_DARK_MUTED,
)
"""Blue-grey grounds, not black; light words. A bright screen in a dark room is one more
thing to bear, so the glance words carry their colour on a dark ground, and only the pause
is filled (deep, with an orange edge, as its prompt)."""

THEME_CHOICES = ("system", "light", "dark")
"""What the person can choose: follow the computer's setting, or one palette always."""


def palette_for(choice: str, system_dark: bool) -> Palette:
    """The palette for a choice of THEME_CHOICES, the computer preferring dark or not."""
    if choice == "dark" or (choice == "system" and system_dark):
        return DARK
    return LIGHT


STATE_COLOURS = {
    State.CALIBRATING: SLATE,
    State.CALM: BLUE,
    State.RISING: ORANGE,
    State.FLOODED: _LIGHT_DEEP,
    State.BREAK: BLUISH_GREEN,
    State.RECOVERING: BLUISH_GREEN,
    State.READY: BLUISH_GREEN,
    State.SIGNAL_POOR: SLATE,
    State.SEARCHING: SLATE,
}
"""The state chip's ground (white words; INK on orange), the same in either palette."""

FONT_FAMILY = "DejaVu Sans, Noto Sans, Segoe UI, Helvetica Neue, Arial, sans-serif"
BASE_PT = 11
BIG_NUMBER_PT = 30
TITLE_PT = 19
FLOODED_TITLE_PT = 24
SAY_PT = 17
MONOSPACE = "DejaVu Sans Mono, Noto Sans Mono, Consolas, Menlo, monospace"

_in_use = LIGHT


def use(palette: Palette) -> None:
    """The window's choice: what ``current()`` gives from now on."""
    global _in_use
    _in_use = palette


def current() -> Palette:
    """The palette the window chose last, for a widget being built."""
    return _in_use


def stylesheet(p: Palette) -> str:
    return _stylesheet(p) + _unchecked(p)


def _unchecked(p: Palette) -> str:
    """An empty box or circle drawn with an edge that shows (the ticked ones keep the
    style's, their tick shows them)."""
    if p.unchecked_edge is None:
        return ""
    return f"""
QCheckBox::indicator:unchecked, QRadioButton::indicator:unchecked {{
    width: 12px; height: 12px; border: 1px solid {p.unchecked_edge}; background: {p.card};
}}
QCheckBox::indicator:unchecked {{ border-radius: 2px; }}
QRadioButton::indicator:unchecked {{ border-radius: 7px; }}
"""


def _stylesheet(p: Palette) -> str:
    return f"""
QWidget {{ color: {p.ink}; font-size: {BASE_PT}pt; }}
QMainWindow, QDialog, QWidget#page {{ background: {p.paper}; }}
QFrame#card {{ background: {p.card}; border: 1px solid {p.line}; border-radius: 12px; }}
QFrame#prompt {{ background: {p.card}; border: 1px solid {p.line}; border-radius: 14px; }}
QFrame#prompt[emphasis="true"] {{ background: {p.deep}; border: 3px solid {ORANGE}; }}
QFrame#prompt[emphasis="true"] QLabel {{ color: {WHITE}; }}
QLabel#muted, QLabel#linkageNow {{ color: {p.muted}; }}
QLabel[deep="true"] {{ color: {p.deep_words}; }}
QLabel#note {{ background: {p.note}; color: {p.ink}; border-radius: 8px; }}
QWidget#topBar {{ background: {p.card}; border-bottom: 1px solid {p.line}; }}
QFrame#advice {{ background: {p.paper}; border: 1px solid {p.line}; border-radius: 8px; }}
QLabel#command {{
    font-family: {MONOSPACE}; background: {p.paper}; border: 1px solid {p.line};
    border-radius: 6px; padding: 4px 8px;
}}
QLabel#title {{ font-size: {TITLE_PT}pt; font-weight: 600; }}
QLabel#say {{ font-size: {SAY_PT}pt; font-style: italic; }}
QLabel#bigNumber {{ font-size: {BIG_NUMBER_PT}pt; font-weight: 600; }}
QLabel#timer {{ font-size: {BIG_NUMBER_PT}pt; font-weight: 600; color: {BLUISH_GREEN}; }}
QLabel#stateChip {{
    border-radius: 10px; padding: 8px 12px; font-weight: 600; color: {WHITE};
    font-size: {BASE_PT + 2}pt;
}}
QFrame#prompt[emphasis="true"] QLabel#title {{ font-size: {FLOODED_TITLE_PT}pt; }}
QPushButton {{
    background: {p.card}; border: 1px solid {p.line}; border-radius: 10px;
    padding: 8px 16px; min-height: 22px;
}}
QPushButton:hover {{ border-color: {BLUE}; }}
QPushButton:disabled {{ color: {p.disabled_ink}; background: {p.disabled_ground}; }}
QPushButton:checked {{ background: {SKY_BLUE}; color: {INK}; border-color: {BLUE}; }}
QPushButton[primary="true"] {{
    background: {BLUE}; color: {WHITE}; border: none; font-weight: 600;
}}
QPushButton[primary="true"]:hover {{ background: {p.primary_hover}; }}
QPushButton[big="true"] {{ font-size: {BASE_PT + 4}pt; padding: 12px 28px; }}
QFrame#prompt[emphasis="true"] QPushButton[primary="true"] {{
    background: {ORANGE}; color: {INK};
}}
QLineEdit, QComboBox {{
    background: {p.card}; border: 1px solid {p.line}; border-radius: 8px; padding: 6px 10px;
}}
QComboBox QAbstractItemView {{
    background: {p.card}; color: {p.ink};
    selection-background-color: {SKY_BLUE}; selection-color: {INK};
}}
QListWidget, QTableWidget {{
    background: {p.card}; border: 1px solid {p.line}; border-radius: 10px;
    selection-background-color: {SKY_BLUE}; selection-color: {INK};
}}
QHeaderView::section {{ background: {p.paper}; border: none; padding: 6px; color: {p.muted}; }}
QProgressBar {{
    background: {p.groove}; border: none; border-radius: 5px; max-height: 10px;
}}
QProgressBar::chunk {{ background: {BLUISH_GREEN}; border-radius: 5px; }}
QStatusBar {{ background: {p.card}; border-top: 1px solid {p.line}; }}
QStatusBar QLabel {{ padding: 2px 10px; color: {p.muted}; }}
QSlider::groove:horizontal {{ height: 6px; background: {p.groove}; border-radius: 3px; }}
QSlider::handle:horizontal {{
    background: {BLUE}; width: 18px; margin: -7px 0; border-radius: 9px;
}}
QSlider::sub-page:horizontal {{ background: {SKY_BLUE}; border-radius: 3px; }}
QToolTip {{ background: {p.card}; color: {p.ink}; border: 1px solid {p.line}; }}
QPushButton:focus {{ border: 2px solid {p.focus}; padding: 7px 15px; }}
QPushButton[primary="true"]:focus {{ padding: 6px 14px; }}
QPushButton[big="true"]:focus {{ padding: 10px 26px; }}
QFrame#prompt[emphasis="true"] QPushButton:focus {{ border-color: {WHITE}; }}
QLineEdit:focus, QComboBox:focus, QAbstractSpinBox:focus {{
    border: 2px solid {p.focus}; padding: 5px 9px;
}}
QListWidget:focus, QTableWidget:focus {{ border: 2px solid {p.focus}; }}
QCheckBox, QRadioButton, QSlider {{ border: 2px solid transparent; border-radius: 6px; }}
QCheckBox:focus, QRadioButton:focus, QSlider:focus {{ border-color: {p.focus}; }}
"""


def rgba(hex_colour: str, alpha: int) -> tuple[int, int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), alpha
