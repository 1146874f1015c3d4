"""The Qt binding must not corrupt Python's reference counts.

PySide6 6.12.0 on CPython 3.11 dropped a reference to None at each void method call and to
True/False at each signal emit; the interpreter then aborted after a few thousand calls
("Fatal Python error: none_dealloc"). pyproject.toml excludes it; this test catches a binding
with the same fault before a user does.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)


def test_void_calls_and_emits_keep_reference_counts(qapp: object) -> None:
    target = QObject()
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        target.setObjectName("probe")
        emitter.flag.emit(True)
    # Other threads may touch None meanwhile: allow noise, not a steady leak of 200.
    assert sys.getrefcount(None) - none_before > -50
    assert sys.getrefcount(True) - true_before > -50
