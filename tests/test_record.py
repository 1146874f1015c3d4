"""popgui.record: the dataclass subset popgui's value types rely on."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from typing import ClassVar

import pytest

from popgui.record import FrozenRecordError, as_dict, field, fields, record, replace


@record
class Point:
    """A frozen record with a default and a mutable default."""

    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)
    dimensions: ClassVar[int] = 2


@record
class Other:
    """Same fields as Point, another type."""

    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)


@record(frozen=False)
class Counter:
    name: str
    count: int = 0


@record(kw_only=True)
class Settings:
    host: str
    port: int | None = None
    user: str  # no default after one with a default: fine when keyword-only


@record
class Labelled(Point):
    label: str = ""


@record(eq=False)
class Handle:
    name: str


@record
class Checked:
    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError("low above high")


@record
class Empty:
    pass


def test_fields_defaults_and_class_variables() -> None:
    point = Point(1)
    assert (point.x, point.y, point.tags) == (1, 0, [])
    assert fields(Point) == ("x", "y", "tags") == fields(point)
    assert Point.dimensions == 2
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, [], 4)  # type: ignore[call-arg]


def test_a_factory_default_is_new_for_each_record() -> None:
    first, second = Point(1), Point(2)
    first.tags.append("a")
    assert second.tags == []


def test_frozen_records_refuse_changes_and_hash_by_value() -> None:
    point = Point(1, 2)
    with pytest.raises(FrozenRecordError):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(FrozenRecordError):
        del point.y
    assert isinstance(FrozenRecordError("x"), AttributeError)  # as dataclasses' error is
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(1, 3)
    assert hash(Checked(1, 2)) == hash(Checked(1, 2))
    assert len({Checked(1, 2), Checked(1, 2), Checked(2, 2)}) == 2


def test_records_of_different_types_are_never_equal() -> None:
    assert Point(1) != Other(1)  # type: ignore[comparison-overlap]
    assert Point(1) != (1, 0, [])  # type: ignore[comparison-overlap]


def test_mutable_records_change_and_do_not_hash() -> None:
    counter = Counter("mail")
    counter.count += 1
    assert counter == Counter("mail", 1)
    with pytest.raises(TypeError):
        hash(counter)


def test_slots_catch_misspelt_attributes() -> None:
    counter = Counter("mail")
    with pytest.raises(AttributeError):
        counter.cuont = 2  # type: ignore[attr-defined]
    assert not hasattr(counter, "__dict__")


def test_keyword_only_records() -> None:
    settings = Settings(host="pop.example.org", user="alice")
    assert (settings.host, settings.port, settings.user) == ("pop.example.org", None, "alice")
    with pytest.raises(TypeError):
        Settings("pop.example.org", None, "alice")  # type: ignore[call-arg]


def test_a_record_extends_its_base_records_fields() -> None:
    labelled = Labelled(1, 2, ["t"], "here")
    assert fields(labelled) == ("x", "y", "tags", "label")
    assert labelled.label == "here" and isinstance(labelled, Point)
    assert labelled != Point(1, 2, ["t"])


def test_post_init_runs_after_the_fields_are_set() -> None:
    assert Checked(1, 2).high == 2
    with pytest.raises(ValueError, match="low above high"):
        Checked(3, 2)


def test_eq_false_compares_by_identity() -> None:
    one = Handle("a")
    assert one == one and one != Handle("a")
    assert len({one, Handle("a")}) == 2


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="'b'"):

        @record
        class Wrong:
            a: int = 0
            b: int  # type: ignore[misc]


def test_repr_names_the_fields() -> None:
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=[])"
    assert repr(Empty()) == "Empty()"
    assert Empty() == Empty()


def test_replace_fields_and_as_dict() -> None:
    point = Point(1, 2, ["t"])
    moved = replace(point, y=5)
    assert moved == Point(1, 5, ["t"]) and point.y == 2
    with pytest.raises(TypeError, match="'z'"):
        replace(point, z=1)
    assert as_dict(point) == {"x": 1, "y": 2, "tags": ["t"]}
    with pytest.raises(TypeError):
        fields(object())


def test_replace_checks_again() -> None:
    with pytest.raises(ValueError):
        replace(Checked(1, 2), low=5)


def test_copies_and_pickles_keep_a_frozen_record() -> None:
    point = Point(1, 2, ["t"])
    assert copy.copy(point) == point
    deep = copy.deepcopy(point)
    assert deep == point and deep.tags is not point.tags
    assert pickle.loads(pickle.dumps(point)) == point
    with pytest.raises(FrozenRecordError):
        copy.copy(point).x = 1  # type: ignore[misc]


def test_match_by_position_and_keyword() -> None:
    match Point(1, 2):
        case Point(1, y):
            assert y == 2
        case _:
            pytest.fail("positional pattern did not match")
    match Settings(host="h", user="u"):
        case Settings(host="h", user=user):
            assert user == "u"
        case _:
            pytest.fail("keyword pattern did not match")


def test_methods_the_class_writes_itself_are_kept() -> None:
    @record
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert repr(Named("x")) == "<x>"


def test_importing_it_imports_no_dataclasses() -> None:
    code = (
        "import sys, popgui.record; print('dataclasses' in sys.modules, 'inspect' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, {_root()!r}); {code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", "False"]


def _root() -> str:
    from pathlib import Path

    import popgui

    return str(Path(popgui.__file__).resolve().parent.parent)
