"""Colours and type: calm, readable, safe for colour-blind eyes.

Colours are from the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"),
which stays distinct under the common colour-vision deficiencies. Red is never used for
alarm and nothing flashes: every state also has words, so colour is never the only sign.
"""

from __future__ import annotations

from pausepoint.model import State

# Okabe-Ito
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

PAPER = "#F6F4EF"
CARD = "#FFFFFF"
INK = "#22313A"
MUTED = "#5B6B73"
LINE = "#D9D4CA"
DEEP = "#0B3C5D"
"""The flooded prompt's ground: deep and quiet, so the words stand out without alarm."""

AROUSAL_CURVE = DEEP
HR_CURVE = BLUE
RR_CURVE = BLUISH_GREEN
BASELINE_LINE = MUTED

ZONE_ALPHA = 38
"""Zone fills are pale (alpha out of 255): the curve, not the background, carries the eye."""
ZONES = {"calm": SKY_BLUE, "rising": ORANGE, "flooded": VERMILLION}
BREAK_FILL = BLUISH_GREEN
BREAK_ALPHA = 230

STATE_COLOURS = {
    State.CALIBRATING: MUTED,
    State.CALM: BLUE,
    State.RISING: ORANGE,
    State.FLOODED: DEEP,
    State.BREAK: BLUISH_GREEN,
    State.RECOVERING: BLUISH_GREEN,
    State.READY: BLUISH_GREEN,
    State.SIGNAL_POOR: MUTED,
}

GLANCE_TONES = {
    "calm": (BLUE, "white", BLUE),
    "rising": (ORANGE, INK, ORANGE),
    "pause": (DEEP, "white", ORANGE),
    "break": (BLUISH_GREEN, "white", BLUISH_GREEN),
    "ready": (BLUISH_GREEN, "white", BLUISH_GREEN),
    "quiet": (MUTED, "white", MUTED),
}
"""The glance view's (ground, words, edge) by tone, read from across a table: the states'
own colours; the pause as its prompt looks, deep with an orange edge."""

FONT_FAMILY = "DejaVu Sans, Noto Sans, Segoe UI, Helvetica Neue, Arial, sans-serif"
BASE_PT = 11
BIG_NUMBER_PT = 30
TITLE_PT = 19
FLOODED_TITLE_PT = 24
SAY_PT = 17

STYLESHEET = f"""
QWidget {{ color: {INK}; font-size: {BASE_PT}pt; }}
QMainWindow, QWidget#page {{ background: {PAPER}; }}
QFrame#card {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 12px; }}
QFrame#prompt {{ background: {CARD}; border: 1px solid {LINE}; border-radius: 14px; }}
QFrame#prompt[emphasis="true"] {{ background: {DEEP}; border: 3px solid {ORANGE}; }}
QFrame#prompt[emphasis="true"] QLabel {{ color: white; }}
QLabel#muted {{ color: {MUTED}; }}
QLabel#title {{ font-size: {TITLE_PT}pt; font-weight: 600; }}
QLabel#say {{ font-size: {SAY_PT}pt; font-style: italic; }}
QLabel#bigNumber {{ font-size: {BIG_NUMBER_PT}pt; font-weight: 600; }}
QLabel#timer {{ font-size: {BIG_NUMBER_PT}pt; font-weight: 600; color: {BLUISH_GREEN}; }}
QLabel#stateChip {{
    border-radius: 10px; padding: 8px 12px; font-weight: 600; color: white;
    font-size: {BASE_PT + 2}pt;
}}
QFrame#prompt[emphasis="true"] QLabel#title {{ font-size: {FLOODED_TITLE_PT}pt; }}
QPushButton {{
    background: {CARD}; border: 1px solid {LINE}; border-radius: 10px;
    padding: 8px 16px; min-height: 22px;
}}
QPushButton:hover {{ border-color: {BLUE}; }}
QPushButton:disabled {{ color: #9AA5AB; background: #F0EEEA; }}
QPushButton[primary="true"] {{
    background: {BLUE}; color: white; border: none; font-weight: 600;
}}
QPushButton[primary="true"]:hover {{ background: #005A8C; }}
QPushButton[big="true"] {{ font-size: {BASE_PT + 4}pt; padding: 12px 28px; }}
QFrame#prompt[emphasis="true"] QPushButton[primary="true"] {{
    background: {ORANGE}; color: {INK};
}}
QLineEdit, QComboBox {{
    background: {CARD}; border: 1px solid {LINE}; border-radius: 8px; padding: 6px 10px;
}}
QListWidget, QTableWidget {{
    background: {CARD}; border: 1px solid {LINE}; border-radius: 10px;
    selection-background-color: {SKY_BLUE}; selection-color: {INK};
}}
QHeaderView::section {{ background: {PAPER}; border: none; padding: 6px; color: {MUTED}; }}
QProgressBar {{
    background: #ECE8E0; border: none; border-radius: 5px; max-height: 10px;
}}
QProgressBar::chunk {{ background: {BLUISH_GREEN}; border-radius: 5px; }}
QStatusBar {{ background: {CARD}; border-top: 1px solid {LINE}; }}
QStatusBar QLabel {{ padding: 2px 10px; color: {MUTED}; }}
QSlider::groove:horizontal {{ height: 6px; background: #ECE8E0; border-radius: 3px; }}
QSlider::handle:horizontal {{
    background: {BLUE}; width: 18px; margin: -7px 0; border-radius: 9px;
}}
QSlider::sub-page:horizontal {{ background: {SKY_BLUE}; border-radius: 3px; }}
"""


def rgba(hex_colour: str, alpha: int) -> tuple[int, int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), alpha
