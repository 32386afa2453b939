"""The words that help a person connect a strap: the Getting connected page, and the short
advice the start page gives when a scan hears nothing or a connection fails. Plain Python
(no Qt), so the words are tested without a window; docs/connecting.md says the same."""

from __future__ import annotations

import enum
import sys
from dataclasses import dataclass

from pausepoint.errors import UserError
from pausepoint.strap.catalogue import load_straps

HELP_TITLE = "Getting connected"
HELP_INTRO = (
    "When pausepoint cannot find your strap, or cannot stay connected to it, the cause is "
    "nearly always one of these. Start with the first two."
)
NO_BLUETOOTH = "Bluetooth is not available on this computer, or it is switched off."


class Trouble(enum.Enum):
    NOT_HEARD = "not heard"
    """No strap answered: not worn yet, held by another device, or Bluetooth off."""
    NO_BLUETOOTH = "no bluetooth"
    """Bluetooth itself could not be used: no adapter, switched off, or not allowed."""
    NOT_CONNECTED = "not connected"
    """The strap was heard, but the connection never held."""


@dataclass(frozen=True)
class Command:
    """Words to type, shown apart so they can be copied exactly."""

    text: str


@dataclass(frozen=True)
class Topic:
    title: str
    lines: tuple[str | Command, ...]
    here: bool = False
    """The topic of the system this computer runs."""


def system_of(platform: str = sys.platform) -> str | None:
    """The system a ``sys.platform`` value names: linux, windows or macos; None for others."""
    if platform.startswith("linux"):
        return "linux"
    if platform in ("win32", "cygwin"):
        return "windows"
    if platform == "darwin":
        return "macos"
    return None


def one_connection_models() -> list[str]:
    """The straps the catalogue knows take one connection at a time ("Polar H10")."""
    try:
        straps = load_straps()
    except UserError:
        return []
    return [f"{s.vendor} {s.model}" for s in straps if s.one_connection]


def optical_models() -> tuple[list[str], list[str]]:
    """The optical sensors the catalogue knows: those that send beat-to-beat timing or may,
    and those known to send none that is usable ("Polar Verity Sense")."""
    try:
        straps = load_straps()
    except UserError:
        return [], []
    optical = [s for s in straps if s.optical]
    timed = [f"{s.vendor} {s.model}" for s in optical if s.rr != "no"]
    untimed = [f"{s.vendor} {s.model}" for s in optical if s.rr == "no"]
    return timed, untimed


def _optical_lines() -> tuple[str, ...]:
    """What an arm band, ear clip or watch needs, what it costs, and the ones known."""
    lines = [
        "pausepoint also works with optical sensors that send the standard Bluetooth heart "
        "rate: arm bands, ear clips, and watches that broadcast heart rate. They see the "
        "pulse with light, so they need no wet electrodes: wear one snugly on bare skin, "
        "and on a watch switch its heart-rate broadcast on.",
        "Their heart rate is reliable; their beat-to-beat variability is less so, and when "
        'unsure they send no beats for a few seconds, so you may see "Looking for your '
        'pulse…" for a moment. A chest strap is best.',
    ]
    timed, untimed = optical_models()
    if timed:
        lines.append(f"Known by name: {', '.join(timed)}.")
    if untimed:
        lines.append(
            f"These send heart rate, but no beat-to-beat timing pausepoint can use, so it "
            f"would mostly be looking for the pulse: {', '.join(untimed)}."
        )
    return tuple(lines)


def _one_connection_lines() -> tuple[str, ...]:
    """Why a phone app keeps the strap from this computer, and the straps known to do so."""
    lines = [
        "A chest strap usually talks to one device at a time. While an app on your phone is "
        "connected to it, this computer cannot reach it, and often cannot hear it at all.",
        "Close Polar Flow, Polar Beat and any other training app on your phone that uses the "
        "strap, or switch the phone's Bluetooth off for now. A sports watch paired with the "
        "strap can hold it too.",
    ]
    models = one_connection_models()
    if models:
        takes = "takes" if len(models) == 1 else "take"
        known = f"As it comes, the {' and '.join(models)} {takes} one connection at a time."
        if "Polar H10" in models:
            known += (
                " In the Polar Flow app's settings for the strap, an H10 can be allowed two "
                "connections at once."
            )
        lines.append(known)
    return tuple(lines)


def topics(platform: str = sys.platform) -> list[Topic]:
    """The Getting connected page, topic by topic: what to try first comes first; the
    system this computer runs is marked."""
    here = system_of(platform)
    return [
        Topic(
            "Wear the strap, with wet electrodes",
            (
                "A strap shows itself only while someone is wearing it. Wet the electrodes "
                "(the textured patches on the inside of the strap) with a little water, clip "
                "the sensor on, and fasten the strap snugly just below the chest.",
                "Stay within a few steps of this computer, then choose Look again.",
            ),
        ),
        Topic("One connection at a time", _one_connection_lines()),
        Topic("Arm bands, ear clips and watches", _optical_lines()),
        Topic(
            "On Linux",
            (
                "Bluetooth needs its service running and the adapter switched on. Switch "
                "Bluetooth on in your desktop's settings, or type this in a terminal:",
                Command("bluetoothctl power on"),
                "If it says the service is not running, start it (it then starts with the "
                "computer from now on):",
                Command("sudo systemctl enable --now bluetooth"),
            ),
            here=here == "linux",
        ),
        Topic(
            "On Windows",
            (
                "Switch Bluetooth on in Settings, under Bluetooth & devices.",
                "pausepoint connects to the strap without pairing. If the strap was paired "
                "with Windows before, Windows may hold on to it: in Settings > Bluetooth & "
                "devices, choose the strap, then Remove device. There is no need to pair it "
                "again.",
            ),
            here=here == "windows",
        ),
        Topic(
            "On a Mac",
            (
                "pausepoint needs your permission to use Bluetooth. Open System Settings > "
                "Privacy & Security > Bluetooth and switch it on for pausepoint (or for "
                "Terminal, if you start pausepoint from there), then quit pausepoint and "
                "open it again.",
                "Bluetooth itself is switched on in System Settings > Bluetooth.",
            ),
            here=here == "macos",
        ),
        Topic(
            "Still nothing?",
            (
                "The sensor's coin battery may be flat: a strap with a flat battery stays "
                "silent. Meanwhile you can try a simulated conversation from the start page, "
                "or look at past sessions.",
            ),
        ),
    ]


_WINDOWS_PAIRED = "If Windows paired the strap before, remove it from Windows' Bluetooth devices"

_BLUETOOTH_ON = {
    "linux": "Check that Bluetooth is switched on, in your desktop's settings or by typing "
    "bluetoothctl power on in a terminal; the bluetooth service must be running too.",
    "windows": "Check that Bluetooth is switched on, in Settings under Bluetooth & devices.",
    "macos": "Check that Bluetooth is on, and that pausepoint may use it: System Settings > "
    "Privacy & Security > Bluetooth.",
}


def advice(trouble: Trouble, platform: str = sys.platform) -> str:
    """What to try, in a few plain sentences, for this trouble on this system."""
    system = system_of(platform)
    if trouble is Trouble.NO_BLUETOOTH:
        return _BLUETOOTH_ON.get(system or "", "Check that Bluetooth is switched on.")
    if trouble is Trouble.NOT_CONNECTED:
        words = [
            "The strap may be busy with another device: it takes one connection at a time. "
            "Close Polar Flow, Polar Beat or any app on your phone that uses it, keep the "
            "strap on, and try again."
        ]
        if system == "windows":
            words.append(f"{_WINDOWS_PAIRED}: pausepoint connects without pairing.")
    else:
        words = [
            "Put the strap on with its electrodes wet: it shows itself only while it is worn. "
            "Close Polar Flow, Polar Beat or any app on your phone that may be connected to "
            "it, then look again."
        ]
        if system == "windows":
            words.append(f"{_WINDOWS_PAIRED}.")
    return " ".join(words)


CONNECT_HEADLINES = {
    Trouble.NOT_HEARD: "The strap was not heard.",
    Trouble.NOT_CONNECTED: "The strap was heard, but the connection did not hold.",
    Trouble.NO_BLUETOOTH: NO_BLUETOOTH,
}


def trouble_after_connect(link: str) -> Trouble:
    """Why straps chosen never gave a beat, from their last link state: lost means heard
    and then gone; anything else, never heard (Bluetooth off looks the same from here)."""
    return Trouble.NOT_CONNECTED if link == "lost" else Trouble.NOT_HEARD
