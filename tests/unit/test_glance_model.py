"""The glance view's words and colours: the check-in card's prompt in a word, per person."""

from __future__ import annotations

import pytest

from pausepoint.config import load_config
from pausepoint.couple.engine import CoupleState
from pausepoint.ui import theme
from pausepoint.ui.couple_model import CoupleViewModel
from pausepoint.ui.glance_model import Glance, Tone, couple_glance, glance_of, pause_up
from pausepoint.ui.view_model import Prompt, PromptKind
from pausepoint.words import GLANCE_WORDS

K = PromptKind
EXPECTED = {
    K.WAITING: ("Waiting", Tone.QUIET),
    K.CALIBRATING: ("Learning your calm", Tone.QUIET),
    K.CALM: ("Calm", Tone.CALM),
    K.CHECKING: ("Checking", Tone.CALM),
    K.GOOD_MOMENT: ("Good moment", Tone.READY),
    K.NOT_YET: ("Not settled yet", Tone.RISING),
    K.RISING: ("Slow your breath", Tone.RISING),
    K.FLOODED: ("Time to pause", Tone.PAUSE),
    K.BREAK: ("On a break", Tone.BREAK),
    K.SETTLING: ("Still settling", Tone.BREAK),
    K.COMING_DOWN: ("Coming down", Tone.BREAK),
    K.READY: ("Ready", Tone.READY),
    K.TIME_UP: ("Ready", Tone.READY),
    K.SIGNAL_POOR: ("No clear signal", Tone.QUIET),
    K.SEARCHING: ("Finding pulse", Tone.QUIET),
}


def _prompt(kind: PromptKind, timer_text: str | None = None) -> Prompt:
    return Prompt(kind, "title", "body", timer_text=timer_text)


def test_every_prompt_kind_has_a_word_and_a_tone() -> None:
    assert set(EXPECTED) == set(PromptKind) == set(GLANCE_WORDS)
    for kind, (word, tone) in EXPECTED.items():
        assert glance_of(_prompt(kind)) == Glance("", word, tone, None), kind


def test_the_break_timer_goes_under_the_word() -> None:
    assert glance_of(_prompt(K.BREAK, "14:20"), "Sam") == Glance(
        "Sam", "On a break", Tone.BREAK, "14:20"
    )


def test_a_partner_settled_first_says_so() -> None:
    settled = glance_of(_prompt(K.SETTLING, "21:05"), "Alex", settled=True)
    assert settled == Glance("Alex", "Settled", Tone.READY, "21:05")
    assert glance_of(_prompt(K.CALM), settled=True).word == "Calm"  # only in a pause


def test_tones_are_calm_colour_blind_safe_colours() -> None:
    okabe_ito = {theme.ORANGE, theme.SKY_BLUE, theme.BLUISH_GREEN, theme.BLUE}
    for tone in Tone:
        ground, words, edge = theme.LIGHT.glance_tones[tone]
        assert ground in okabe_ito | {theme.LIGHT.deep, theme.LIGHT.muted}, tone
        assert theme.VERMILLION not in (ground, words, edge)  # nothing red


def test_the_pause_prompt_is_up_for_anyone() -> None:
    assert pause_up([_prompt(K.CALM), _prompt(K.FLOODED)])
    assert not pause_up([_prompt(K.BREAK), _prompt(K.READY)])
    assert not pause_up([])


@pytest.fixture
def couple() -> CoupleViewModel:
    config = load_config()
    return CoupleViewModel((config, config), ("Sam", "Alex"))


def test_a_couple_glances_by_name_at_their_own_prompts(couple: CoupleViewModel) -> None:
    assert [(g.name, g.word) for g in couple_glance(couple)] == [
        ("Sam", "Waiting"),
        ("Alex", "Waiting"),
    ]
    couple.state = CoupleState.PAUSE
    couple.pause_start_s = 0.0
    couple.flooded = (True, False)
    assert [g.word for g in couple_glance(couple)] == ["Time to pause", "Time to pause"]
    couple.start_break(0.0)
    glances = couple_glance(couple)
    assert [(g.word, g.tone, g.timer_text) for g in glances] == [
        ("On a break", Tone.BREAK, "20:00"),
        ("On a break", Tone.BREAK, "20:00"),
    ]
