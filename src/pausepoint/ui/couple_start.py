"""Starting a couple check-in: who each partner is (their profile) and where their heartbeats
come from (their own strap, or a simulated couple to try it out).

The page only gathers the choice (``CoupleChoice``) and says in one plain line what is in
the way; the window loads the profiles and starts the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from pausepoint.couple.engine import PARTNERS
from pausepoint.strap.target import strap_target
from pausepoint.ui.widgets.checkin import set_flag
from pausepoint.ui.widgets.common import card, describe, label
from pausepoint.ui.widgets.pages import SIMULATION_SPEEDS, scenario_choice, strap_words

if TYPE_CHECKING:
    from pausepoint.strap.ble import FoundStrap

NO_PROFILE = "No profile - measure calm in the first minutes"
TYPE_STRAP = "Another strap: type its address or name"
TYPED = "typed"
"""The strap list's last entry: the strap is typed in below it."""
DEFAULT_SCENARIO = "couple-argument"


@dataclass(frozen=True)
class CoupleChoice:
    """What the couple chose. ``profiles``: each partner's profile name (None: no profile,
    the calm level is measured in the first minutes)."""

    profiles: tuple[str | None, str | None]
    targets: tuple[dict[str, str], ...] = ()
    """Each partner's strap as ``strap.target.strap_target`` gives it (an address, else a
    name); empty for a simulated couple."""
    labels: tuple[str, ...] = ()
    """Each partner's strap in words, for the status line."""
    scenario: str | None = None
    speed: float = 1.0


def choice_problem(
    profiles: Sequence[str | None], straps: Sequence[frozenset[str]] | None
) -> str | None:
    """What stands in the way of starting, in one plain line (None: nothing).

    ``straps``: each partner's strap as the names and addresses it goes by (casefolded; an
    empty set: none chosen), or None for a simulated couple."""
    a, b = profiles
    if a is not None and a == b:
        return f"Each of you needs your own profile: {a} is chosen for both."
    if straps is None:
        return None
    for partner, ids in zip(PARTNERS, straps, strict=True):
        if not ids:
            return f"Choose partner {partner}'s strap, or try a simulated couple."
    if straps[0] & straps[1]:
        return "Each of you needs your own strap: the same one is chosen for both."
    return None


class PartnerForm(QFrame):
    """One partner: whose profile, which strap."""

    changed = Signal()

    def __init__(self, person: int) -> None:
        super().__init__()
        self.setObjectName("card")
        self.person = person
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        self.heading = QLabel(f"Partner {PARTNERS[person]}")
        self.heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.heading)
        layout.addWidget(label("Who is it?", "muted"))
        partner = f"Partner {PARTNERS[person]}"
        self.profile = describe(
            QComboBox(), f"{partner}: who is it?", "Their calibrated profile, or none yet"
        )
        self.profile.currentIndexChanged.connect(self._profile_changed)
        layout.addWidget(self.profile)
        self.strap_caption = label("Their strap", "muted")
        layout.addWidget(self.strap_caption)
        self.strap = describe(
            QComboBox(), f"{partner}: their strap", "A strap found nearby, or type its name"
        )
        self.strap.currentIndexChanged.connect(self._strap_changed)
        layout.addWidget(self.strap)
        self.typed = describe(
            QLineEdit(), f"{partner}: strap name or address", "As the strap or its box shows it"
        )
        self.typed.setPlaceholderText("e.g. Polar H10 7E3A1B2C, or F0:5A:1B:2C:3D:4E")
        self.typed.textChanged.connect(lambda _text: self.changed.emit())
        layout.addWidget(self.typed)
        self._straps: list[FoundStrap] = []

    def set_profiles(self, names: Sequence[str], chosen: str | None) -> None:
        self.profile.blockSignals(True)
        self.profile.clear()
        for name in names:
            self.profile.addItem(name, name)
        self.profile.addItem(NO_PROFILE, None)
        index = self.profile.findData(chosen) if chosen is not None else -1
        self.profile.setCurrentIndex(index if index >= 0 else self.profile.count() - 1)
        self.profile.blockSignals(False)
        self._profile_changed()

    def set_straps(self, straps: Sequence[FoundStrap], default: int) -> None:
        """Straps from a scan; the one chosen (or typed) stays
        chosen, else ``straps[default]`` (else: type one in)."""
        kept = self.strap.currentData()
        if kept == TYPED and not self.typed.text().strip():
            kept = None
        self._straps = list(straps)
        self.strap.blockSignals(True)
        self.strap.clear()
        for strap in straps:
            self.strap.addItem(strap_words(strap), strap.address)
        self.strap.addItem(TYPE_STRAP, TYPED)
        index = self.strap.findData(kept) if kept is not None else -1
        if index < 0:
            index = default if 0 <= default < len(straps) else len(straps)
        self.strap.setCurrentIndex(index)
        self.strap.blockSignals(False)
        self._strap_changed()

    def show_straps(self, shown: bool) -> None:
        for widget in (self.strap_caption, self.strap):
            widget.setVisible(shown)
        self.typed.setVisible(shown and self.strap.currentData() == TYPED)

    def profile_name(self) -> str | None:
        data = self.profile.currentData()
        return None if data is None else str(data)

    def target(self) -> dict[str, str] | None:
        """The chosen strap as an address, else a typed name; None when none is chosen."""
        data = self.strap.currentData()
        if data is None:
            return None
        if data != TYPED:
            return {"address": str(data)}
        text = self.typed.text().strip()
        return strap_target(text) if text else None

    def straplabel(self) -> str:
        data = self.strap.currentData()
        if data == TYPED:
            return self.typed.text().strip()
        found = next((s for s in self._straps if s.address == data), None)
        return (found.name or found.address) if found is not None else ""

    def strap_ids(self) -> frozenset[str]:
        """Every name and address the chosen strap goes by (casefolded): a typed name that
        is a scanned strap's is that strap."""
        target = self.target()
        if target is None:
            return frozenset()
        ids = {value.casefold() for value in target.values()}
        for strap in self._straps:
            known = {strap.address.casefold(), (strap.name or "").casefold()} - {""}
            if ids & known:
                ids |= known
        return frozenset(ids)

    def _profile_changed(self) -> None:
        name = self.profile_name()
        partner = f"Partner {PARTNERS[self.person]}"
        self.heading.setText(partner if name is None else f"{partner}  ·  {name}")
        self.changed.emit()

    def _strap_changed(self) -> None:
        typed = self.strap.currentData() == TYPED
        self.typed.setVisible(typed and self.strap.isVisibleTo(self))
        if typed:
            self.typed.setFocus()
        self.changed.emit()


class CoupleStartPage(QWidget):
    """The couple check-in form. ``start_requested(CoupleChoice)`` when Start is pressed and
    nothing is in the way; ``rescan_requested`` to look for straps again."""

    start_requested = Signal(object)
    back_requested = Signal()
    rescan_requested = Signal()

    def __init__(self, scenarios: dict[str, str]) -> None:
        super().__init__()
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        page = QWidget()
        page.setObjectName("page")
        outer.addWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.setSpacing(12)
        layout.addWidget(label("Couple check-in", "title"))
        layout.addWidget(
            label(
                "Each of you wears your own strap, moistened, near this computer. pausepoint "
                "follows both of you against your own calm, and when either of you floods it "
                "asks you both to pause.",
                "muted",
            )
        )
        source, source_layout = card(spacing=8)
        row = QHBoxLayout()
        row.addWidget(QLabel("Heartbeats from"))
        self.from_straps = QRadioButton("your two straps")
        self.from_simulation = QRadioButton("a simulated couple, to try it out")
        group = QButtonGroup(self)
        describe(self.from_straps, None, "Heartbeats from the two straps you wear")
        describe(
            self.from_simulation, None, "Made-up heartbeats of two people, to see how it works"
        )
        for button in (self.from_straps, self.from_simulation):
            group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.from_straps.setChecked(True)
        self.from_straps.toggled.connect(lambda _on: self._mode_changed())
        source_layout.addLayout(row)
        scan_row = QHBoxLayout()
        self.scan_message = label("", "muted")
        scan_row.addWidget(self.scan_message, 1)
        self.rescan_button = describe(
            QPushButton("Look again"), None, "Looks for straps nearby once more"
        )
        self.rescan_button.clicked.connect(self.rescan_requested.emit)
        scan_row.addWidget(self.rescan_button)
        self.scan_row = QWidget()
        self.scan_row.setLayout(scan_row)
        scan_row.setContentsMargins(0, 0, 0, 0)
        source_layout.addWidget(self.scan_row)
        sim_row = QHBoxLayout()
        sim_row.setContentsMargins(0, 0, 0, 0)
        self.scenario, self.scenario_about = scenario_choice(scenarios, DEFAULT_SCENARIO)
        sim_row.addWidget(self.scenario, 1)
        self.speed = QComboBox()
        for speed in SIMULATION_SPEEDS:
            self.speed.addItem("real time" if speed == 1.0 else f"{speed:g}× faster", speed)
        describe(self.speed, "Simulation speed", "How fast the simulated couple plays")
        sim_row.addWidget(self.speed)
        self.sim_row = QWidget()
        self.sim_row.setLayout(sim_row)
        source_layout.addWidget(self.sim_row)
        source_layout.addWidget(self.scenario_about)
        layout.addWidget(source)
        partners = QHBoxLayout()
        partners.setSpacing(18)
        self.partners = tuple(PartnerForm(person) for person in range(len(PARTNERS)))
        for form in self.partners:
            form.changed.connect(self._check)
            partners.addWidget(form, 1)
        layout.addLayout(partners)
        self.message = label("", "muted")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.start_button = describe(
            QPushButton("Start the check-in"), None, "Starts the session for both of you"
        )
        set_flag(self.start_button, "primary", True)
        self.start_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.start_button.clicked.connect(self._start)
        buttons.addWidget(self.start_button)
        self.back_button = describe(QPushButton("Back"), None, "Back to the start page")
        self.back_button.clicked.connect(self.back_requested.emit)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.set_profiles([])
        self.set_straps([])
        self._mode_changed()

    # ------------------------------------------------------------------ filling in

    def set_profiles(self, names: Sequence[str], active: str | None = None) -> None:
        """The store's profiles; A gets the active one (else the first), B the next."""
        a = active if active in names else (names[0] if names else None)
        b = next((name for name in names if name != a), None)
        for form, chosen in zip(self.partners, (a, b), strict=True):
            form.set_profiles(names, chosen)

    def set_straps(self, straps: Sequence[FoundStrap]) -> None:
        """Straps from a scan, strongest first: A gets the first, B the second."""
        for form in self.partners:
            form.set_straps(straps, form.person)
        self._check()

    def set_scan_message(self, text: str) -> None:
        self.scan_message.setText(text)

    def set_message(self, text: str) -> None:
        self.message.setText(text)

    def use_simulation(self, simulated: bool) -> None:
        (self.from_simulation if simulated else self.from_straps).setChecked(True)

    # ------------------------------------------------------------------ the choice

    @property
    def simulated(self) -> bool:
        return self.from_simulation.isChecked()

    def problem(self) -> str | None:
        straps = None if self.simulated else [form.strap_ids() for form in self.partners]
        return choice_problem([form.profile_name() for form in self.partners], straps)

    def choice(self) -> CoupleChoice:
        """What is chosen now (check ``problem()`` first)."""
        a, b = (form.profile_name() for form in self.partners)
        if self.simulated:
            return CoupleChoice(
                (a, b),
                scenario=str(self.scenario.currentData()),
                speed=float(self.speed.currentData()),
            )
        targets = tuple(form.target() or {} for form in self.partners)
        labels = tuple(form.straplabel() for form in self.partners)
        return CoupleChoice((a, b), targets=targets, labels=labels)

    def _mode_changed(self) -> None:
        simulated = self.simulated
        self.sim_row.setVisible(simulated)
        self.scenario_about.setVisible(simulated)
        self.scan_row.setVisible(not simulated)
        for form in self.partners:
            form.show_straps(not simulated)
        self._check()

    def _check(self) -> None:
        problem = self.problem()
        self.message.setText(problem or "")
        self.start_button.setEnabled(problem is None)

    def _start(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.message.setText(problem)
            return
        self.message.setText("")
        self.start_requested.emit(self.choice())
