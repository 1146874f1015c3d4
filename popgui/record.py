"""Record classes: value types in the manner of dataclasses, but cheap to define.

Why not :mod:`dataclasses`: importing it imports :mod:`inspect` (with ``ast``, ``dis`` and
``tokenize``), about 5 ms, and each ``@dataclass`` generates and compiles half a dozen methods,
about 0.3 ms per class. ``popgui sync`` defines some twenty records before it can write its
login, and a sync that finds nothing new lasts about 150 ms: a tenth of it went there.

``@record`` compiles one method per class, ``__init__`` (records are created in hot loops,
one per downloaded chunk), and shares the others: ``__repr__``, ``__eq__``, ``__hash__`` and
the frozen ``__setattr__`` read the class's field names. Type checkers see ``@record`` as a
dataclass (:func:`typing.dataclass_transform`): constructor signatures, frozen fields and
``field(default_factory=...)`` are checked as they would be for ``@dataclass``.

What it does (the subset of dataclasses popgui uses):

* fields are the class's own annotations, after those of a record base class; ``ClassVar``
  annotations are not fields; a class attribute of the same name is the default;
* ``frozen=True`` (the default): assigning or deleting a field raises :class:`FrozenRecordError`,
  and the record is hashable; ``frozen=False``: a mutable record, unhashable;
* ``eq=False``: records compare by identity (and hash by it), not by value;
* ``kw_only=True``: every field is keyword-only;
* every record has ``__slots__`` (a misspelt attribute is an error, and records are small);
* ``__post_init__`` is called by ``__init__`` when the class defines it;
* :func:`fields`, :func:`replace` and :func:`as_dict` stand for their dataclasses namesakes
  (``as_dict`` is shallow).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast, dataclass_transform, overload

__all__ = ["FrozenRecordError", "as_dict", "field", "fields", "record", "replace"]

_T = TypeVar("_T")

_FIELDS = "_record_fields"
_DEFAULTS = "_record_defaults"
_KW_ONLY = "_record_kw_only"


class FrozenRecordError(AttributeError):
    """A field of a frozen record was assigned or deleted."""


class _Factory:
    """The default of a field made by ``field(default_factory=...)``."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make

    def __repr__(self) -> str:
        return f"field(default_factory={self.make!r})"


def field(*, default_factory: Callable[[], _T]) -> _T:
    """A field whose default is made afresh for each record (a list, a dict)."""
    return cast(_T, _Factory(default_factory))


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(
    *, frozen: bool = True, eq: bool = True, kw_only: bool = False
) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(
    cls: type[_T] | None = None,
    /,
    *,
    frozen: bool = True,
    eq: bool = True,
    kw_only: bool = False,
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Make ``cls`` a record: ``@record`` or ``@record(frozen=False, kw_only=True)``."""

    def build(cls: type[_T]) -> type[_T]:
        return _build(cls, _Options(frozen=frozen, eq=eq, kw_only=kw_only))

    return build if cls is None else build(cls)


def fields(item: object) -> tuple[str, ...]:
    """The field names of a record or record class, in ``__init__`` order."""
    names = getattr(item, _FIELDS, None)
    if names is None:
        raise TypeError(f"{item!r} is not a record")
    return cast(tuple[str, ...], names)


def replace(item: _T, /, **changes: Any) -> _T:
    """A copy of the record ``item`` with some fields changed (its ``__init__`` runs)."""
    values = {name: getattr(item, name) for name in fields(item)}
    unknown = changes.keys() - values.keys()
    if unknown:
        raise TypeError(f"{type(item).__name__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return type(item)(**values)


def as_dict(item: object) -> dict[str, Any]:
    """The record's fields as a new dict (values are not copied)."""
    return {name: getattr(item, name) for name in fields(item)}


# -- building a record class --------------------------------------------------------------------

_MISSING: Any = object()


class _Options:
    """How a record class is built (the arguments of :func:`record`)."""

    __slots__ = ("eq", "frozen", "kw_only")

    def __init__(self, *, frozen: bool, eq: bool, kw_only: bool) -> None:
        self.frozen = frozen
        self.eq = eq
        self.kw_only = kw_only


def _build(cls: type[_T], options: _Options) -> type[_T]:
    namespace = dict(cls.__dict__)
    own = [name for name, kind in namespace.get("__annotations__", {}).items()
           if not _is_class_var(kind)]  # fmt: skip
    names, defaults, keyword = _inherited(cls)
    for name in own:
        if name not in names:
            names.append(name)
        defaults[name] = namespace.get(name, _MISSING)
        keyword[name] = options.kw_only
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    for name in own:
        namespace.pop(name, None)  # a default would clash with the slot of that name
    namespace["__slots__"] = tuple(name for name in own if not _has_slot(cls, name))
    qualname = cls.__qualname__
    metaclass: type = type(cls)
    cls = metaclass(cls.__name__, cls.__bases__, namespace)
    cls.__qualname__ = qualname
    _attach(cls, tuple(names), defaults, keyword, options)
    return cls


def _inherited(cls: type) -> tuple[list[str], dict[str, Any], dict[str, bool]]:
    for base in cls.__mro__[1:]:
        if _FIELDS in base.__dict__:
            return (
                list(base.__dict__[_FIELDS]),
                dict(base.__dict__[_DEFAULTS]),
                dict(base.__dict__[_KW_ONLY]),
            )
    return [], {}, {}


def _is_class_var(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _has_slot(cls: type, name: str) -> bool:
    return any(name in getattr(base, "__slots__", ()) for base in cls.__mro__[1:])


def _attach(
    cls: Any,  # a class being given attributes that its own type does not declare
    names: tuple[str, ...],
    defaults: dict[str, Any],
    keyword: dict[str, bool],
    options: _Options,
) -> None:
    cls._record_fields = names
    cls._record_defaults = defaults
    cls._record_kw_only = keyword
    cls.__match_args__ = tuple(name for name in names if not keyword[name])  # type: ignore[misc]
    cls._record_values = staticmethod(_values_getter(names))
    cls.__init__ = _make_init(cls, names, defaults, keyword, frozen=options.frozen)
    methods: dict[str, Any] = {"__repr__": _repr}
    if options.eq:
        methods["__eq__"] = _eq
    if options.frozen:
        methods.update(__setattr__=_frozen_setattr, __delattr__=_frozen_delattr,
                       __getstate__=_getstate, __setstate__=_setstate)  # fmt: skip
    for name, function in methods.items():
        if name not in cls.__dict__:  # a method the class wrote itself wins
            setattr(cls, name, function)
    if options.eq and cls.__dict__.get("__hash__") is None:  # None: the class wrote __eq__
        cls.__hash__ = _hash if options.frozen else None


def _values_getter(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    if not names:
        return lambda item: ()
    if len(names) == 1:
        single = operator.attrgetter(names[0])
        return lambda item: (single(item),)
    return cast(Callable[[object], tuple[Any, ...]], operator.attrgetter(*names))


def _make_init(
    cls: type,
    names: tuple[str, ...],
    defaults: dict[str, Any],
    keyword: dict[str, bool],
    *,
    frozen: bool,
) -> Callable[..., None]:
    """Compile ``__init__``: the one method whose speed matters (records made in loops)."""
    env: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    parameters = list(_parameters(cls, names, defaults, keyword, env))
    body = []
    for name in names:
        default = defaults[name]
        if isinstance(default, _Factory):
            env[f"_make_{name}"] = default.make
            body.append(f" if {name} is _MISSING: {name} = _make_{name}()")
        body.append(f" _set(self, {name!r}, {name})" if frozen else f" self.{name} = {name}")
    if hasattr(cls, "__post_init__"):
        body.append(" self.__post_init__()")
    source = f"def __init__(self, {', '.join(parameters)}) -> None:\n" + (
        "\n".join(body) or " pass"
    )
    exec(source, env)  # our own text, built from field names checked to be identifiers
    init = cast(Callable[..., None], env["__init__"])
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _parameters(
    cls: type,
    names: tuple[str, ...],
    defaults: dict[str, Any],
    keyword: dict[str, bool],
    env: dict[str, Any],
) -> Iterator[str]:
    positional = [name for name in names if not keyword[name]]
    seen_default = False
    for name in positional:
        default = defaults[name]
        if default is _MISSING and seen_default:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows one with")
        seen_default = seen_default or default is not _MISSING
        yield _parameter(name, default, env)
    rest = [name for name in names if keyword[name]]
    if rest:
        yield "*"
        yield from (_parameter(name, defaults[name], env) for name in rest)


def _parameter(name: str, default: Any, env: dict[str, Any]) -> str:
    if not name.isidentifier():
        raise TypeError(f"not a field name: {name!r}")
    if default is _MISSING:
        return name
    if isinstance(default, _Factory):
        return f"{name}=_MISSING"
    env[f"_default_{name}"] = default
    return f"{name}=_default_{name}"


# -- the methods every record shares -----------------------------------------------------------


def _repr(self: Any) -> str:
    values = ", ".join(f"{name}={getattr(self, name)!r}" for name in getattr(self, _FIELDS))
    return f"{type(self).__qualname__}({values})"


def _eq(self: Any, other: Any) -> Any:  # bool, or NotImplemented for another type
    if other.__class__ is not self.__class__:
        return NotImplemented
    return bool(self._record_values(self) == self._record_values(other))


def _hash(self: Any) -> int:
    return hash(self._record_values(self))


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")


def _getstate(self: Any) -> tuple[Any, ...]:
    return tuple(self._record_values(self))


def _setstate(self: Any, state: tuple[Any, ...]) -> None:
    for name, value in zip(getattr(self, _FIELDS), state, strict=True):
        object.__setattr__(self, name, value)
