"""First contact with a strap, in the real window: the Getting connected page (from the start
page's button, Back or Esc to return), and the advice the start page gives when a scan hears
nothing or a strap chosen never gives a beat. Straps are emulated on a virtual radio (the
real bleak client over bumble); a strap held by a phone is a second central connected to it.
Time for the radio runs on a VirtualClock, so seconds of scanning pass in milliseconds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bumble import hci
from hardware.bumble_backend import VirtualRadio
from hardware.virtual_clock import VirtualClock
from hardware.virtual_strap import VirtualStrap
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from pausepoint.ui.connect_help_model import (
    CONNECT_HEADLINES,
    HELP_TITLE,
    NO_BLUETOOTH,
    Command,
    Trouble,
    advice,
    topics,
)

STRAP_NAME = "Polar H10 7E3A1B2C"
STRAP_ADDRESS = "F0:5A:1B:2C:3D:4E"
PHONE_ADDRESS = "C0:FF:EE:00:00:02"
WITHIN_S = 30.0
"""Wall-clock bound on a test, in case the window never gets where it should."""


def visible_texts(page: QWidget) -> list[str]:
    """Every text a person sees on ``page``."""
    return [w.text() for w in page.findChildren(QLabel) if w.isVisibleTo(page) and w.text()]


def on_radio(qloop, config, db, test: Callable[..., Awaitable[None]], speed: float = 50.0):
    """Run ``test(window, radio, clock)`` on a window whose Bluetooth is an emulated radio,
    all in one run of the loop (bumble's timers must not fire while it is not running)."""
    from pausepoint.ui.main_window import MainWindow

    async def main() -> None:
        radio, clock = VirtualRadio(), VirtualClock(speed)
        window = MainWindow(
            config, db=db, backend=radio.backend(), strap_clock=clock.now, sleep=clock.sleep
        )
        window.resize(1280, 820)
        window.show()
        try:
            await test(window, radio, clock)
        finally:
            await window.shutdown()
            await radio.close()
            window.close()
            window.deleteLater()

    qloop.run_until_complete(asyncio.wait_for(main(), WITHIN_S))


def test_the_page_opens_from_the_start_page_and_shows_every_topic(qtbot, window) -> None:
    assert window.pages.currentWidget() is window.start_page
    assert window.start_page.help_button.text() == HELP_TITLE
    qtbot.mouseClick(window.start_page.help_button, Qt.MouseButton.LeftButton)
    page = window.help_page
    assert window.pages.currentWidget() is page
    shown = visible_texts(page)
    assert HELP_TITLE in shown
    for topic in topics():
        assert topic.title in shown
        for line in topic.lines:
            assert (line.text if isinstance(line, Command) else line) in shown
    said = " ".join(shown)
    for words in (
        "Wet the electrodes",
        "Close Polar Flow, Polar Beat",
        "the Polar H10 and Polar Verity Sense take one connection at a time",
        "They see the pulse with light, so they need no wet electrodes",
        "A chest strap is best.",
        "bluetoothctl power on",
        "Remove device",
        "connects to the strap without pairing",
        "System Settings > Privacy & Security > Bluetooth",
    ):
        assert words in said
    assert "· this computer" in shown  # this computer's system is marked
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.start_page


def test_esc_returns_to_the_start_page(qtbot, window) -> None:
    window.start_page.help_button.click()
    assert window.pages.currentWidget() is window.help_page
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.start_page
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc elsewhere goes nowhere
    assert window.pages.currentWidget() is window.start_page


def _says_not_heard(window) -> None:
    start = window.start_page
    assert start.found.count() == 0
    assert start.advice_box.isVisibleTo(start)
    assert start.advice.text() == advice(Trouble.NOT_HEARD)
    assert "electrodes wet" in start.advice.text()
    assert "Polar Flow" in start.advice.text()
    assert start.advice_help.isVisibleTo(start)


def test_a_scan_that_hears_nothing_says_what_to_try_and_leads_to_the_page(
    qtbot, qloop, config, db
) -> None:
    async def test(window, _radio, _clock) -> None:
        await window.scan_straps()
        start = window.start_page
        assert start.scan_message.text().startswith("No strap heard nearby.")
        assert "simulated conversation" in start.scan_message.text()
        _says_not_heard(window)
        qtbot.mouseClick(start.advice_help, Qt.MouseButton.LeftButton)
        assert window.pages.currentWidget() is window.help_page
        qtbot.mouseClick(window.help_page.back_button, Qt.MouseButton.LeftButton)
        assert window.pages.currentWidget() is start
        assert start.advice_box.isVisibleTo(start)  # still there to read again
        window.scan_straps()  # looking again: the old advice goes while it looks
        assert not start.advice_box.isVisibleTo(start)
        await window.scan_task

    on_radio(qloop, config, db, test)


def test_a_strap_held_by_a_phone_is_not_heard_and_the_advice_names_the_phone_apps(
    qtbot, qloop, config, db
) -> None:
    """The strap takes one connection: while a phone holds it, it does not advertise."""

    async def test(window, radio, clock) -> None:
        strap = VirtualStrap(radio, clock, name=STRAP_NAME, address=STRAP_ADDRESS, pmd_kinds=())
        phone = radio.add_device("phone", PHONE_ADDRESS)
        await strap.start()
        await phone.power_on()
        try:
            await window.scan_straps()  # free: it is heard
            assert window.start_page.found.count() == 1
            assert not window.start_page.advice_box.isVisibleTo(window.start_page)
            await phone.connect(hci.Address(STRAP_ADDRESS))
            await window.scan_straps()
            _says_not_heard(window)
        finally:
            await strap.stop()
            await phone.power_off()

    on_radio(qloop, config, db, test)


def test_a_strap_never_heard_on_connect_brings_back_the_start_page_with_advice(
    qtbot, qloop, config, db
) -> None:
    async def test(window, _radio, _clock) -> None:
        task = window.connect_strap(name="Polar H10 00000000")
        assert window.pages.currentWidget() is window.live_page
        await task
        assert window.pages.currentWidget() is window.start_page
        assert window.start_page.scan_message.text() == CONNECT_HEADLINES[Trouble.NOT_HEARD]
        _says_not_heard(window)

    on_radio(qloop, config, db, test)


def test_a_strap_that_will_not_stay_connected_gets_the_one_connection_advice(
    qtbot, qloop, config, db
) -> None:
    """Heard and connected, then gone before the first beat (as when a phone app takes it
    over): after the reconnect bound, the start page says so and what to try."""

    async def test(window, radio, clock) -> None:
        async with VirtualStrap(
            radio, clock, name=STRAP_NAME, address=STRAP_ADDRESS, pmd_kinds=()
        ) as strap:
            task = window.connect_strap(STRAP_ADDRESS, label=STRAP_NAME)
            while window.status.link != "streaming":
                await clock.sleep(0.05)
            await strap.drop()
            await task
        start = window.start_page
        assert window.pages.currentWidget() is start
        assert start.scan_message.text() == CONNECT_HEADLINES[Trouble.NOT_CONNECTED]
        assert start.advice.text() == advice(Trouble.NOT_CONNECTED)
        assert "one connection at a time" in start.advice.text()
        assert start.advice_box.isVisibleTo(start)

    on_radio(qloop, config, db, test, speed=400.0)


def test_this_computers_own_bluetooth_is_said_in_words(qtbot, qloop, config, db) -> None:
    """The platform's own Bluetooth (a test machine has no adapter): no error numbers, no
    command-line options, and the advice whenever nothing was found."""
    from pausepoint.ui.main_window import MainWindow

    async def no_wait(_s: float) -> None:
        await asyncio.sleep(0)

    window = MainWindow(config, db=db, sleep=no_wait)
    window.show()
    qloop.run_until_complete(window.scan_straps())
    start = window.start_page
    message = start.scan_message.text()
    for code in ("Errno", "--", "[", "Error"):
        assert code not in message
    found = start.found.count()
    assert start.advice_box.isVisibleTo(start) == (found == 0)
    if message.startswith(NO_BLUETOOTH):
        assert start.advice.text() == advice(Trouble.NO_BLUETOOTH)
    qloop.run_until_complete(window.shutdown())
    window.deleteLater()
