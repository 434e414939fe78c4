"""Fingerprints of build state: a digest of a value and of everything reachable from it.

A served rebuild reuses a page's HTML when the fingerprint of what its renderer was given is the
one of the build before. The fingerprint is taken of the objects themselves (their attributes,
recursively), never of a list of fields someone thought relevant, so an input nobody listed
still changes it. Objects another fingerprint already covers are written as a reference to it:
a page's fingerprint names its neighbours in the navigation instead of walking the whole site
again for each page.

The values are written by the standard library's pickler (C code), straight into the hash:
a walk in Python spent about a millisecond a page. The pickler asks this module only at the
objects that are not plain values. An object is numbered where the walk first meets it and
named by its number wherever it is met again; it is written where it is met, unless that is
already deep inside other objects (pages linked to their neighbours would nest as deep as the
site is long): then it is written after, as an entry of its own.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import types
from collections import deque
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache, partial
from typing import Any, cast

_ATOMS = frozenset({str, int, float, bool, type(None), bytes})
_BUILTIN = frozenset({list, tuple, dict})
_SETS = (set, frozenset)
_SET_TYPES = frozenset(_SETS)
_VALUES = (str, bytes, int, float, complex)  # subclasses without state: their value says it
_CODE = (types.BuiltinFunctionType, type, types.ModuleType)
_PROTOCOL = 5
_DEPTH = 24  # objects inside objects written in place; deeper ones become entries of their own


class Unstable(Exception):
    """A value whose identity cannot be written down (a bare object known only by its address):
    what depends on it cannot be reused."""


def _kind(*_what: object) -> None:
    """Names what kind of value follows in the pickled stream; never called."""


class Fingerprint:
    """One digest over the values given to `add`, in order.

    `skip` names attributes left out of every object but the roots given to `add`;
    `known` maps id() of objects another fingerprint covered to their number there;
    `opaque` decides which objects are written by a stand-in of their own choosing (a plugin by
    its options, not by the state of its last build).
    """

    def __init__(self, skip: frozenset[str] = frozenset(),
                 known: Mapping[int, int] | None = None,
                 opaque: Callable[[object], object | None] | None = None) -> None:
        # SHA-256 runs in the processor's own instructions where it has them (about three times
        # faster than BLAKE2 here); a page's text is most of what a fingerprint hashes.
        self._hash = hashlib.sha256()
        self._skip = skip
        self._known = known or {}
        self._opaque = opaque
        self.seen: dict[int, int] = {}  # id() of every object met -> its number
        self._alive: list[object] = []  # ids stay unique while the objects live
        self._queue: deque[object] = deque()  # objects met too deep, written after
        self._root: object = None  # the value being added: all its attributes count
        self._depth = 0
        self._buffer = io.BytesIO()
        self._pickler = _Pickler(self._buffer, self)

    def add(self, value: object) -> Fingerprint:
        kind = type(value)
        if kind not in _ATOMS:
            if id(value) in self.seen:
                self._dump(_Mark("again", self.seen[id(value)]))
                return self
            self._number(value)
        if kind in _BUILTIN:  # its items are named as they would be inside an object
            value = _items(value, self._named)
        elif kind in _SET_TYPES:
            value = self._named(value)
        self._root = value
        self._dump(value)
        self._root = None
        while self._queue:
            self._dump(_Entry(self._queue.popleft()))
        return self

    def digest(self) -> bytes:
        return self._hash.digest()

    def references(self, kinds: tuple[type, ...], *roots: object) -> dict[int, int]:
        """The objects met that are of one of kinds, or are one of roots (values given to
        `add`, or inside one), by id(): what another fingerprint may name instead of writing
        again. A root that is a plain list or dict, which has no number, is named by its place
        among the roots."""
        found = {key: number for key, number in self.seen.items()
                 if isinstance(self._alive[number], kinds)}
        for place, root in enumerate(roots):
            found[id(root)] = self.seen.get(id(root), -1 - place)
        return found

    def _number(self, value: object) -> int:
        number = self.seen[id(value)] = len(self._alive)
        self._alive.append(value)
        return number

    def _dump(self, value: object) -> None:
        pickler, buffer = self._pickler, self._buffer
        # The pickler's memo names a value met again within one dump by its place; it starts
        # each dump holding the marker every object writes, so the marker is never written out
        # by name (which costs a module lookup each time).
        pickler.memo = {id(_kind): (0, _kind)}
        self._depth = 0
        try:
            pickler.dump(value)
        except Unstable:
            raise
        except (pickle.PicklingError, TypeError, ValueError, RecursionError) as why:
            raise Unstable(f"{type(value).__qualname__}: {why}") from why
        self._hash.update(buffer.getbuffer())
        buffer.seek(0)
        buffer.truncate()

    # -- asked by the pickler, for every value that is not a str, number, list, dict or set

    def reduce(self, value: object) -> object:
        """How the pickler writes value: an object met before as a reference to its number, a
        new one in full (or, too deep, as a reference to the entry written after)."""
        kind = type(value)
        if kind is _Close:
            self._depth -= 1
            return _kind, ()
        if kind is _Mark:
            return _kind, value.what  # type: ignore[attr-defined]
        if kind is _Entry:
            return self._write(value.value, _plan(type(value.value)), self._skip)  # type: ignore[attr-defined]
        if value is _kind:
            return NotImplemented
        if value is self._root:
            return self._write(value, _plan(kind), frozenset())
        key = id(value)
        number = self._known.get(key)
        if number is not None:
            return _kind, ("known", number)
        number = self.seen.get(key)
        if number is not None:
            return _kind, ("ref", number)
        plan = _plan(kind)
        stand_in = self._opaque(value) if self._opaque is not None else None
        if stand_in is not None:
            self._number(value)  # met again, it is named by its number
            return _kind, ("opaque", plan.name, stand_in)
        if plan.form != "object":
            return self._write(value, plan, self._skip)
        number = self._number(value)
        if self._depth >= _DEPTH:
            self._queue.append(value)
            return _kind, ("entry", number)
        return self._write(value, plan, self._skip)

    def _write(self, value: object, plan: _Plan, skip: frozenset[str]) -> object:
        form = plan.form
        if form == "object":
            return self._object(value, plan, skip)
        if form == "map":
            return _kind, ("map", plan.name), None, None, iter(value.items())  # type: ignore[attr-defined]
        if form == "seq":
            return _kind, ("seq", plan.name), None, iter(value)  # type: ignore[call-overload]
        if form == "set":
            return _kind, ("set", plan.name, self._set_content(value))  # type: ignore[arg-type]
        if form == "partial":
            return _kind, ("partial",), (value.func, value.args, value.keywords)  # type: ignore[attr-defined]
        if form == "function":
            closure = [c.cell_contents for c in value.__closure__ or ()]  # type: ignore[attr-defined]
            return _kind, ("code", _name(value)), (closure, value.__defaults__,  # type: ignore[attr-defined]
                                                    value.__kwdefaults__)  # type: ignore[attr-defined]
        if form == "code":
            return _kind, ("code", _name(value))
        if form == "method":
            return _kind, ("method", _name(value.__func__)), (value.__self__,)  # type: ignore[attr-defined]
        if form == "value":
            return _kind, ("value", plan.name, _plain(value))
        if " at 0x" in repr(value):
            raise Unstable(f"{type(value).__qualname__} has no state to fingerprint")
        return NotImplemented  # its own way of pickling (a date, a pattern, a path)

    def _object(self, value: object, plan: _Plan, skip: frozenset[str]) -> object:
        state = value.__dict__ if plan.has_dict else None
        derived = plan.derived
        if state is not None and (derived or not skip.isdisjoint(state)
                                  or not _SET_TYPES.isdisjoint(map(type, state.values()))):
            state = {name: self._named(item) for name, item in state.items()
                     if name not in skip and name not in derived}
        # a cached property is in the object's state only once something asked for it: ask
        asked = [(name, self._named(_value_of(value, name))) for name in derived
                 if name not in skip] if derived else None
        held = [(name, self._named(getattr(value, name))) for name in plan.slots
                if name not in skip and hasattr(value, name)] if plan.slots else None
        value_part = _plain(value) if plan.value else None
        self._depth += 1
        return _kind, ("obj", plan.name, value_part), (state, asked, held, _Close())

    def _named(self, item: object) -> object:
        """An attribute or a root's item: a set by its content in an order of its own (the
        pickler would write it in the order of its hashes), a list or dict another fingerprint
        covers by its number there (objects the pickler brings to `reduce`)."""
        if type(item) in _SET_TYPES:
            return _Mark("set", _name(type(item)), self._set_content(item))  # type: ignore[arg-type]
        number = self._known.get(id(item))
        return item if number is None else _Mark("known", number)

    def _set_content(self, value: set | frozenset) -> list:
        if all(type(v) is str for v in value):
            return sorted(value)
        return sorted(Fingerprint(self._skip, self._known, self._opaque).add(v).digest()
                      for v in value)


class _Mark:
    """Written as the tuple it holds: a reference, a stand-in or a set's content."""

    __slots__ = ("what",)

    def __init__(self, *what: object) -> None:
        self.what = what


class _Entry:
    """An object met too deep, written as an entry of its own."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


class _Close:
    """Written after an object's attributes: the walk is one object less deep. A new one each
    time, so the pickler never names it as met before."""

    __slots__ = ()


class _Pickler(pickle.Pickler):
    def __init__(self, buffer: io.BytesIO, owner: Fingerprint) -> None:
        super().__init__(buffer, protocol=_PROTOCOL)
        self.reducer_override = owner.reduce  # type: ignore[method-assign,assignment]


def _items(value: Any, named: Callable[[object], object]) -> object:
    if isinstance(value, dict):
        return {key: named(item) for key, item in value.items()}
    return type(value)(named(item) for item in value)


class _Plan:
    """How the instances of one class are written."""

    __slots__ = ("form", "name", "derived", "slots", "has_dict", "value")

    def __init__(self, cls: type) -> None:
        self.name = _name(cls)
        self.derived = _cached_properties(cls)
        self.slots = tuple(n for klass in cls.__mro__ for n in getattr(klass, "__slots__", ())
                           if isinstance(n, str) and n not in ("__dict__", "__weakref__"))
        self.has_dict = cls.__dictoffset__ != 0
        # a str or number of a class of its own: its value, then anything it holds besides
        self.value = issubclass(cls, _VALUES)
        self.form = _form(cls, self.has_dict or bool(self.slots))


def _form(cls: type, has_state: bool) -> str:
    for base, form in ((Mapping, "map"), ((list, tuple), "seq"), (_SETS, "set"),
                       (partial, "partial"), (types.FunctionType, "function"),
                       (_CODE, "code"), (types.MethodType, "method")):
        if issubclass(cls, base):
            return form
    if has_state:
        return "object"
    return "value" if issubclass(cls, _VALUES) else "other"


def _plan(cls: type) -> _Plan:
    return _plan_of(cls)


@lru_cache(maxsize=1024)
def _plan_of(cls: type) -> _Plan:
    return _Plan(cls)


def _cached_properties(cls: type) -> tuple[str, ...]:
    return tuple(sorted({name for klass in cls.__mro__ for name, attr in vars(klass).items()
                         if isinstance(attr, cached_property)}))


def _value_of(value: object, name: str) -> object:
    try:
        return getattr(value, name)
    except Exception as error:  # noqa: BLE001 - its failing is what the fingerprint records
        return f"{type(error).__name__}: {error}"


def _plain(value: object) -> object:
    for base in _VALUES:
        if isinstance(value, base):
            return cast(Any, base)(value)
    return value


def _name(value: object) -> str:
    module = getattr(value, "__module__", None) or ""
    return f"{module}.{getattr(value, '__qualname__', getattr(value, '__name__', ''))}"
