"""The installed PySide6 must keep Python's reference counts: 6.12.0 on Python 3.11 drops one
from True on every Signal.emit and one from None on default arguments, and a long session
then aborts the interpreter. Kept here so a broken build fails CI, not a user's evening."""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGraphicsRectItem

EMITS = 64


class _Probe(QObject):
    ping = Signal()


def test_signal_emit_keeps_the_reference_to_true(qapp):
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(EMITS):
        probe.ping.emit()
    assert sys.getrefcount(True) >= before


def test_default_arguments_keep_the_reference_to_none(qapp):
    item = QGraphicsRectItem(0, 0, 1, 1)
    before = sys.getrefcount(None)
    for _ in range(EMITS):
        item.update()
    assert before - sys.getrefcount(None) < EMITS // 2
