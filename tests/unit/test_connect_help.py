"""The words that help a person connect a strap (connect_help_model, no Qt): the topics of
the Getting connected page, the advice for each trouble on each system, and the catalogue's
one-connection straps they name; docs/connecting.md keeps the same topics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pausepoint.errors import BadInput
from pausepoint.strap.catalogue import load_straps
from pausepoint.ui.connect_help_model import (
    CONNECT_HEADLINES,
    Command,
    Trouble,
    advice,
    one_connection_models,
    optical_models,
    system_of,
    topics,
    trouble_after_connect,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "connecting.md"
PLATFORMS = ("linux", "win32", "darwin", "freebsd14")


def _text(platform: str) -> str:
    return " ".join(
        line.text if isinstance(line, Command) else line
        for topic in topics(platform)
        for line in topic.lines
    )


def test_the_topics_come_in_the_order_to_try_them() -> None:
    assert [t.title for t in topics("linux")] == [
        "Wear the strap, with wet electrodes",
        "One connection at a time",
        "Arm bands, ear clips and watches",
        "On Linux",
        "On Windows",
        "On a Mac",
        "Still nothing?",
    ]
    assert all(topic.lines for topic in topics("linux"))


@pytest.mark.parametrize(
    ("platform", "here"),
    [("linux", "On Linux"), ("win32", "On Windows"), ("darwin", "On a Mac"), ("freebsd14", None)],
)
def test_this_computers_system_is_marked(platform: str, here: str | None) -> None:
    marked = [t.title for t in topics(platform) if t.here]
    assert marked == ([here] if here else [])
    assert system_of(platform) == {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(
        platform
    )


def test_the_page_says_each_fix_the_straps_need() -> None:
    text = _text("linux")
    for words in (
        "shows itself only while someone is wearing it",
        "Wet the electrodes",
        "Close Polar Flow, Polar Beat",
        "bluetoothctl power on",
        "Remove device",
        "without pairing",
        "System Settings > Privacy & Security > Bluetooth",
    ):
        assert words in text
    linux = next(t for t in topics("linux") if t.title == "On Linux")
    commands = [line.text for line in linux.lines if isinstance(line, Command)]
    assert commands == ["bluetoothctl power on", "sudo systemctl enable --now bluetooth"]


def test_the_one_connection_straps_are_the_catalogues() -> None:
    marked = [f"{s.vendor} {s.model}" for s in load_straps() if s.one_connection]
    assert marked == one_connection_models() == ["Polar H10", "Polar Verity Sense"]
    (lines,) = [t.lines for t in topics("linux") if t.title == "One connection at a time"]
    assert "As it comes, the Polar H10 and Polar Verity Sense take one connection" in lines[-1]
    assert "Garmin" not in " ".join(str(line) for line in lines)


def test_the_optical_sensors_are_the_catalogues_and_their_cost_is_said() -> None:
    timed, untimed = optical_models()
    optical = [s for s in load_straps() if s.optical]
    assert sorted(timed + untimed) == sorted(f"{s.vendor} {s.model}" for s in optical)
    assert "Polar OH1" in timed and "Polar H10" not in timed + untimed
    assert untimed == ["Polar Verity Sense", "Wahoo TICKR FIT"]
    (lines,) = [t.lines for t in topics("linux") if t.title == "Arm bands, ear clips and watches"]
    text = " ".join(str(line) for line in lines)
    for words in (
        "no wet electrodes",
        "beat-to-beat variability is less so",
        "Looking for your pulse",
        "A chest strap is best.",
        "Known by name: Polar OH1,",
        "no beat-to-beat timing pausepoint can use",
    ):
        assert words in text


def test_the_catalogue_takes_one_connection_only_as_true_or_false(tmp_path: Path) -> None:
    entry = "[[strap]]\nkey = 'x'\nvendor = 'V'\nmodel = 'M'\nrr = 'yes'\npmd = false\n"
    plain = tmp_path / "plain.toml"
    plain.write_text(entry, encoding="utf-8")
    (strap,) = load_straps(plain)
    assert strap.one_connection is False
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(entry + "one_connection = 'yes'\n", encoding="utf-8")
    with pytest.raises(BadInput, match="strap #1: bad entry"):
        load_straps(wrong)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_advice_is_plain_words_for_every_trouble(platform: str) -> None:
    for trouble in Trouble:
        words = advice(trouble, platform)
        assert words.endswith(".")
        assert not re.search(r"\d|--|Errno|error", words)
        assert 30 < len(words) < 400  # a sentence or a few, not a page


def test_a_strap_not_heard_is_worn_wet_and_freed_from_the_phone() -> None:
    words = advice(Trouble.NOT_HEARD, "linux")
    assert "electrodes wet" in words
    assert "Polar Flow, Polar Beat" in words
    assert "Windows" not in words
    assert "remove it from Windows' Bluetooth devices" in advice(Trouble.NOT_HEARD, "win32")


def test_bluetooth_missing_is_said_the_way_of_each_system() -> None:
    assert "bluetoothctl power on" in advice(Trouble.NO_BLUETOOTH, "linux")
    assert "Bluetooth & devices" in advice(Trouble.NO_BLUETOOTH, "win32")
    assert "Privacy & Security > Bluetooth" in advice(Trouble.NO_BLUETOOTH, "darwin")
    assert advice(Trouble.NO_BLUETOOTH, "freebsd14") == "Check that Bluetooth is switched on."


def test_a_connection_that_did_not_hold_is_the_one_connection_advice() -> None:
    words = advice(Trouble.NOT_CONNECTED, "darwin")
    assert "one connection at a time" in words
    assert "pairing" not in words
    assert "pausepoint connects without pairing" in advice(Trouble.NOT_CONNECTED, "win32")
    assert trouble_after_connect("lost") is Trouble.NOT_CONNECTED
    for link in ("stopped", "scanning", "connecting"):
        assert trouble_after_connect(link) is Trouble.NOT_HEARD
    assert set(CONNECT_HEADLINES) == set(Trouble)


def test_the_doc_has_every_topic_of_the_page() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for topic in topics("linux"):
        assert f"## {topic.title}" in doc
        for line in topic.lines:
            if isinstance(line, Command):
                assert line.text in doc
    for shot in ("screenshots/getting-connected.png", "screenshots/scan-advice.png"):
        assert shot in doc
        assert (DOC.parent / shot).is_file()
