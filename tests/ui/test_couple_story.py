"""The couple view tells one story: `couple-argument` in the real window, Start break for both
pressed 30 s after "Let's pause", and at every frame each lane's state words (the chip under
its card), its card's title, the break timer and the break band on its graph agree.

The couple's state at each frame is taken from the engine's updates, not from the view: the
state it is in, whether the break was pressed, and who has settled since the pause began.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt

from pausepoint.couple.engine import CoupleEventKind, CoupleState, merge
from pausepoint.model import EventKind
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.ui.view_model import Action
from pausepoint.words import short_clock_text

FRAME_EVERY_S = 2.0
PRESS_AFTER_S = 30.0

TALKING = "talking"
TIME_TO_PAUSE = "time to pause"
ON_A_BREAK = "on a break"
ONE_SETTLED = "one settled"
BOTH_SETTLED = "both settled"

OWN = {
    ("Waiting for the strap", "Waiting for your heartbeat…"),
    ("Learning your calm level", "Getting to know your calm"),
    ("Calm", "You are calm."),
    ("Rising - slow your breath", "Your body is getting stirred up."),
    ("No clear signal - check the strap", "The strap signal is unclear."),
}
"""A lane's own check-in while the couple talks: the chip and card of one person."""
BREAK_CARDS = ("You are both on a break.", "Your time is up; your body is still settling.")
STILL_ON_BREAK = {
    (chip, card) for chip in ("On a break", "On a break - still stirred up") for card in BREAK_CARDS
}
SETTLED_ON_BREAK = {
    ("On a break - settled", "You are both on a break."),
    ("On a break - settled", "Your body has settled."),
}
ALLOWED = {
    TALKING: OWN,
    TIME_TO_PAUSE: {("Time to pause", "Let's pause.")},
    ON_A_BREAK: STILL_ON_BREAK,
    ONE_SETTLED: STILL_ON_BREAK | SETTLED_ON_BREAK,
    BOTH_SETTLED: {("Settled - ready to go back", "You have both settled.")} | OWN,
}
"""(chip, card title) a lane may show, by the couple's state."""
HEADER = {
    TALKING: "Talking",
    TIME_TO_PAUSE: "Time to pause together",
    ON_A_BREAK: "Pausing together",
    ONE_SETTLED: "Pausing together",
    BOTH_SETTLED: "Both settled",
}


class Truth:
    """What the engine said so far: the couple's state, the pause, who has settled."""

    def __init__(self) -> None:
        self.state = CoupleState.TOGETHER
        self.pause_t_s: float | None = None
        self.pressed = False
        self.ready_t_s: float | None = None
        self.flooded = (False, False)
        self.settled = [False, False]

    def feed(self, cu) -> None:
        for event in cu.couple_events:
            if event.kind == CoupleEventKind.SHARED_PAUSE_START:
                self.pause_t_s, self.pressed, self.ready_t_s = event.t_s, False, None
                self.settled = [False, False]
            else:
                self.ready_t_s = event.t_s
        for event in cu.update.events:
            if event.kind == EventKind.READY and self.pause_t_s is not None:
                self.settled[cu.person] = True
            elif event.kind == EventKind.FLOODING_START:
                self.settled[cu.person] = False
        self.state, self.flooded = cu.state, cu.flooded

    def settled_now(self, person: int) -> bool:
        return self.settled[person] and not self.flooded[person]

    def phase(self) -> str:
        if self.state == CoupleState.TOGETHER:
            return TALKING
        if self.state == CoupleState.READY:
            return BOTH_SETTLED
        if not self.pressed:
            return TIME_TO_PAUSE
        return ONE_SETTLED if any(map(self.settled_now, (0, 1))) else ON_A_BREAK


def _bands(lane) -> list[tuple[float, float]]:
    """The break bands drawn on a lane's arousal graph."""
    items = lane.arousal_plot.getPlotItem().items
    return [
        tuple(item.getRegion())
        for item in items
        if isinstance(item, pg.LinearRegionItem) and item.orientation == "vertical"
    ]


@pytest.mark.slow
def test_chip_card_timer_and_graph_tell_one_story(qtbot, window) -> None:
    couple = simulate_couple("couple-argument", seed=0)
    session = window.begin_couple(source="simulated:couple-argument", label="Simulated straps")
    page, view = window.couple_page, window.couple_view
    truth = Truth()
    seen: dict[str, int] = {}
    chips: set[str] = set()
    next_frame_s = 0.0
    for person, sample in merge(couple.a.samples, couple.b.samples):
        cu = session.feed(person, sample)
        truth.feed(cu)
        if cu.t_s < next_frame_s and not cu.couple_events:
            continue
        next_frame_s = cu.t_s + FRAME_EVERY_S
        window.render_frame()
        phase = truth.phase()
        if phase == TIME_TO_PAUSE and cu.t_s - truth.pause_t_s >= PRESS_AFTER_S:
            card = page.lanes[0].checkin
            qtbot.mouseClick(card.buttons[Action.START_BREAK], Qt.LeftButton)
            truth.pressed = True
            phase = truth.phase()
        seen[phase] = seen.get(phase, 0) + 1
        at = f"{short_clock_text(cu.t_s)} ({phase})"
        assert page.couple_state.text() == f"·  {HEADER[phase]}", at
        cards = [lane.checkin for lane in page.lanes]
        for p, lane in enumerate(page.lanes):
            shown = (lane.readings.state.text(), cards[p].title.text())
            chips.add(shown[0])
            assert shown in ALLOWED[phase], (at, view.names[p], shown)
            if phase == ONE_SETTLED:  # the settled one says so, the other does not
                assert shown in SETTLED_ON_BREAK or not truth.settled_now(p), (at, p, shown)
                assert shown not in SETTLED_ON_BREAK or truth.settled_now(p), (at, p, shown)
            if phase in (ON_A_BREAK, ONE_SETTLED) and truth.flooded[p]:
                assert shown[0] == "On a break - still stirred up", (at, p, shown)
        timers = [(card.timer.isVisibleTo(card), card.timer.text()) for card in cards]
        bands = [_bands(lane) for lane in page.lanes]
        assert bands[0] == bands[1], at  # one break for both, on both graphs
        if phase in (ON_A_BREAK, ONE_SETTLED):
            assert timers[0] == timers[1] and timers[0][0], (at, timers)  # one timer
            start_s, end_s = bands[0][-1]
            assert start_s == truth.pause_t_s and end_s == view.t_s, (at, bands[0])
            so_far = cards[0].timer_caption.text() == "on a break so far"
            agreed_s = view.agreed.agreed_s
            elapsed_s = end_s - start_s
            left_s = math.ceil(round(agreed_s - elapsed_s, 3))
            expected = short_clock_text(elapsed_s if so_far else left_s)
            assert timers[0][1] == expected, (at, timers[0], elapsed_s)
        else:
            assert not any(visible for visible, _text in timers), (at, timers)
        if phase == TIME_TO_PAUSE:  # no band until the break is taken
            assert all(end_s < truth.pause_t_s for _start_s, end_s in bands[0]), at
        if phase == BOTH_SETTLED and truth.pause_t_s is not None:
            assert bands[0][-1] == (truth.pause_t_s, truth.ready_t_s), (at, bands[0])
    session.finish()
    assert set(seen) == set(ALLOWED), seen  # every state of the couple was checked
    assert {"On a break - still stirred up", "On a break - settled"} <= chips, chips
