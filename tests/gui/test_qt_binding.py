"""The Qt binding must not corrupt Python's reference counts.

PySide6 6.12.0 on CPython 3.11 dropped a reference to None at each void method call and to
True/False at each signal emit; the interpreter then aborted after a few thousand calls
("Fatal Python error: none_dealloc"). pyproject.toml excludes it; these tests catch a binding
with the same kind of fault before a user does.

From Python 3.12, None, True and False are immortal (PEP 683): their count no longer moves, so
a dropped reference to them can neither be seen nor do harm. The same fault on an ordinary
object still can, so the counts are checked on objects whose count moves, on every Python.
"""

from __future__ import annotations

import gc
import sys
import weakref

from PySide6.QtCore import QObject, Signal

CALLS = 200


class _Emitter(QObject):
    flag = Signal(bool)
    payload = Signal(object)


class _Payload:
    """An ordinary object: its reference count moves, and a weakref tells when it is freed."""


def _is_immortal(value: object) -> bool:
    """True when taking references does not change ``value``'s count (Python 3.12+)."""
    before = sys.getrefcount(value)
    held = [value] * 100
    counted = sys.getrefcount(value) - before
    del held
    return counted < 100


def test_an_emitted_python_object_keeps_its_reference_count(qapp: object) -> None:
    emitter = _Emitter()
    seen: list[int] = []
    emitter.payload.connect(lambda value: seen.append(id(value)))
    payload = _Payload()
    before = sys.getrefcount(payload)
    for _ in range(CALLS):
        emitter.payload.emit(payload)
    assert len(seen) == CALLS and set(seen) == {id(payload)}
    assert sys.getrefcount(payload) == before  # neither dropped nor leaked


def test_an_emitted_object_is_freed_once_the_caller_lets_go(qapp: object) -> None:
    emitter = _Emitter()
    emitter.payload.connect(lambda _value: None)
    payload = _Payload()
    alive = weakref.ref(payload)
    for _ in range(CALLS):
        emitter.payload.emit(payload)
    del payload
    gc.collect()
    assert alive() is None  # no reference kept by the binding


def test_void_calls_and_bool_emits_keep_none_and_true_alive(qapp: object) -> None:
    """The 6.12.0 fault itself. Where None and True are immortal, that is asserted instead:
    it is what makes the fault harmless there."""
    target = QObject()
    emitter = _Emitter()
    emitter.flag.connect(lambda _value: None)
    if _is_immortal(None) or _is_immortal(True):
        assert sys.version_info >= (3, 12), "only Python 3.12+ has immortal None and True"
        assert _is_immortal(None) and _is_immortal(True)
        return
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(CALLS):
        target.setObjectName("probe")
        emitter.flag.emit(True)
    # Other threads may take or drop a reference to None meanwhile: allow that noise, not a
    # steady loss of one per call.
    assert sys.getrefcount(None) - none_before > -CALLS // 4
    assert sys.getrefcount(True) - true_before > -CALLS // 4
