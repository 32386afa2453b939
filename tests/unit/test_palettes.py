"""The two palettes, without Qt: which one a choice gives, and both kept to the same rules:
Okabe-Ito colours for what means something, nothing red for alarm, words that stand out from
their ground."""

from __future__ import annotations

import pytest

from pausepoint.ui import theme
from pausepoint.ui.glance_model import Tone
from pausepoint.ui.theme import DARK, LIGHT, Palette, palette_for

OKABE_ITO = {theme.ORANGE, theme.SKY_BLUE, theme.BLUISH_GREEN, theme.BLUE}


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.x)."""
    r, g, b, _alpha = theme.rgba(hex_colour, 255)

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("choice", "system_dark", "palette"),
    [
        ("system", False, LIGHT),
        ("system", True, DARK),
        ("light", True, LIGHT),
        ("dark", False, DARK),
    ],
)
def test_a_choice_gives_its_palette(choice: str, system_dark: bool, palette: Palette) -> None:
    assert palette_for(choice, system_dark) is palette


def test_every_choice_has_a_palette() -> None:
    assert {palette_for(choice, False).name for choice in theme.THEME_CHOICES} == {
        "light",
        "dark",
    }


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=lambda p: p.name)
def test_the_glance_is_okabe_ito_and_never_red(palette: Palette) -> None:
    assert set(palette.glance_tones) == {str(tone) for tone in Tone}
    for tone, (ground, words, edge) in palette.glance_tones.items():
        assert theme.VERMILLION not in (ground, words, edge), tone
        assert edge in OKABE_ITO | {palette.muted}, tone
        assert contrast(ground, words) >= 3.0, tone  # large words (WCAG AA, large text)
    pause = palette.glance_tones[Tone.PAUSE]
    assert pause[2] == theme.ORANGE  # the pause as its prompt looks
    assert all(palette.glance_tones[t][:2] != pause[:2] for t in Tone if t != Tone.PAUSE)


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=lambda p: p.name)
def test_words_stand_out_from_their_ground(palette: Palette) -> None:
    assert contrast(palette.ink, palette.card) >= 7.0
    assert contrast(palette.ink, palette.paper) >= 7.0
    assert contrast(palette.muted, palette.card) >= 4.5
    assert contrast(palette.deep_words, palette.card) >= 4.5
    assert contrast(theme.WHITE, palette.deep) >= 7.0  # the flooded prompt's words
    assert contrast(palette.ink, palette.note) >= 7.0
    for curve in (palette.arousal_curve, palette.hr_curve, palette.rr_curve):
        assert contrast(curve, palette.card) >= 3.0


def test_dark_is_dark_and_keeps_the_meanings() -> None:
    assert luminance(DARK.paper) < 0.05 < luminance(LIGHT.paper)
    assert DARK.zones == LIGHT.zones  # calm, rising, flooded: the same colours in both
    assert theme.VERMILLION not in (DARK.deep, DARK.arousal_curve, DARK.hr_curve)


def test_the_stylesheet_is_the_palettes() -> None:
    dark = theme.stylesheet(DARK)
    assert DARK.paper in dark and DARK.card in dark and LIGHT.paper not in dark
    assert LIGHT.paper in theme.stylesheet(LIGHT)


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=lambda p: p.name)
def test_an_empty_box_shows(palette: Palette) -> None:
    """An unticked check box's or radio button's edge against its ground (3:1, WCAG's for
    controls); without an edge of its own the style darkens the ground, which shows on a light
    one only."""
    edge = palette.unchecked_edge
    if edge is None:
        assert luminance(palette.paper) > 0.5
    else:
        assert contrast(edge, palette.card) >= 3.0 and contrast(edge, palette.paper) >= 3.0
        assert edge in theme.stylesheet(palette)
