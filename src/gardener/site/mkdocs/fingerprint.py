"""Fingerprints of build state: a digest of a value and of everything reachable from it.

A served rebuild reuses a page's HTML when the fingerprint of what its renderer was given is the
one of the build before. The fingerprint is taken of the objects themselves (their attributes,
recursively), never of a list of fields someone thought relevant, so an input nobody listed
still changes it. Objects another fingerprint already covers are written as a reference to it:
a page's fingerprint names its neighbours in the navigation instead of walking the whole site
again for each page.

The values are written by the standard library's pickler (C code), straight into the hash:
a walk in Python spent about a millisecond a page. The pickler asks this module only at the
objects that are not plain values: each object is written as its own entry, in the order the
walk meets them, and named by its number wherever it is reached, so a chain of pages linked
to their neighbours never nests deeper than one object, and an object reached twice is written
once.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import types
from collections import deque
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache, partial

_ATOMS = frozenset({str, int, float, bool, type(None), bytes})
_BUILTIN = frozenset({list, tuple, dict})
_SETS = (set, frozenset)
_SET_TYPES = frozenset(_SETS)
_VALUES = (str, bytes, int, float, complex)  # subclasses without state: their value says it
_CODE = (types.BuiltinFunctionType, type, types.ModuleType)
_PROTOCOL = 5


class Unstable(Exception):
    """A value whose identity cannot be written down (a bare object known only by its address):
    what depends on it cannot be reused."""


def _kind(*_what: object) -> None:
    """Names what kind of entry follows in the pickled stream; never called."""


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
        self._hash = hashlib.blake2b(digest_size=20)
        self._skip = skip
        self._known = known or {}
        self._opaque = opaque
        self.seen: dict[int, int] = {}  # id() of every object written -> its number
        self._alive: list[object] = []  # ids stay unique while the objects live
        self._queue: deque[tuple[object, frozenset[str]]] = deque()
        self._expanding: object = None  # the object written in place; others are references
        self._skipping: frozenset[str] = frozenset()
        self._buffer = io.BytesIO()
        self._pickler = _Pickler(self._buffer, self)

    def add(self, value: object) -> Fingerprint:
        kind = type(value)
        if kind not in _ATOMS:
            if id(value) in self.seen:
                self._dump(_Mark("again", self.seen[id(value)]), frozenset())
                return self
            self._number(value)
        if kind in _BUILTIN:  # its items are named as they would be inside an object
            value = _items(value, self._named)
        elif kind in _SETS:
            value = self._named(value)
        self._dump(value, frozenset())  # a root: every attribute counts
        while self._queue:
            self._dump(*self._queue.popleft())
        return self

    def digest(self) -> bytes:
        return self._hash.digest()

    def references(self, kinds: tuple[type, ...], *roots: object) -> dict[int, int]:
        """The objects written that are of one of kinds, or are one of roots (values given to
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

    def _dump(self, value: object, skip: frozenset[str]) -> None:
        self._expanding, self._skipping = value, skip
        pickler, buffer = self._pickler, self._buffer
        # The pickler's memo names a value met again within one entry by its place; it starts
        # each entry holding the marker every entry writes, so the marker is never written out
        # by name (which costs a module lookup each time).
        pickler.memo = {id(_kind): (0, _kind)}
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
        """How the pickler writes value: the object being expanded in full; any other object
        with attributes as a reference to its number (written in full after, as an entry of its
        own); what has none (a function, a class, a date) where it is met."""
        if value is self._expanding:
            self._expanding = None
            return self._expand(value)
        kind = type(value)
        if kind is _Mark:
            return _kind, value.what  # type: ignore[attr-defined]
        if value is _kind:
            return NotImplemented
        key = id(value)
        number = self._known.get(key)
        if number is not None:
            return _kind, ("known", number)
        number = self.seen.get(key)
        if number is not None:
            return _kind, ("ref", number)
        stand_in = self._opaque(value) if self._opaque is not None else None
        if stand_in is not None:
            self._number(value)  # met again, it is named by its number
            return _kind, ("opaque", _name(kind), stand_in)
        if not _has_attributes(kind):
            return self._expand(value)
        number = self._number(value)
        self._queue.append((value, self._skip))
        return _kind, ("ref", number)

    def _expand(self, value: object) -> object:
        if isinstance(value, Mapping):
            return _kind, ("map", _name(type(value))), None, None, iter(value.items())
        if isinstance(value, (list, tuple)):
            return _kind, ("seq", _name(type(value))), None, iter(value)
        if isinstance(value, _SETS):
            return _kind, ("set", _name(type(value)), self._set_content(value))
        if isinstance(value, partial):
            return _kind, ("partial",), (value.func, value.args, value.keywords)
        if isinstance(value, types.FunctionType):
            closure = [c.cell_contents for c in value.__closure__ or ()]
            return _kind, ("code", _name(value)), (closure, value.__defaults__,
                                                    value.__kwdefaults__)
        if isinstance(value, _CODE):
            return _kind, ("code", _name(value))
        if isinstance(value, types.MethodType):
            return _kind, ("method", _name(value.__func__)), (value.__self__,)
        return self._object(value)

    def _object(self, value: object) -> object:
        kind = type(value)
        state = getattr(value, "__dict__", None)
        slots = _slots(kind)
        # a str or number of a class of its own: its value, then anything it holds besides
        what = ("value", _name(kind), _plain(value)) if isinstance(value, _VALUES) else \
            ("obj", _name(kind))
        if state is None and not slots:
            if what[0] == "value":
                return _kind, what
            if " at 0x" in repr(value):
                raise Unstable(f"{kind.__qualname__} has no state to fingerprint")
            return NotImplemented  # its own way of pickling (a date, a pattern, a path)
        skip = self._skipping
        derived = _cached_properties(kind)
        if state is not None and (derived or not skip.isdisjoint(state)
                                  or not _SET_TYPES.isdisjoint(map(type, state.values()))):
            state = {name: self._named(item) for name, item in state.items()
                     if name not in skip and name not in derived}
        # a cached property is in the object's state only once something asked for it: ask
        asked = [(name, self._named(_value_of(value, name))) for name in derived
                 if name not in skip]
        held = [(name, self._named(getattr(value, name))) for name in slots
                if name not in skip and hasattr(value, name)]
        return _kind, what, (state, asked, held)

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


class _Pickler(pickle.Pickler):
    def __init__(self, buffer: io.BytesIO, owner: Fingerprint) -> None:
        super().__init__(buffer, protocol=_PROTOCOL)
        self.reducer_override = owner.reduce  # type: ignore[method-assign]


def _items(value: list | tuple | dict, named: Callable[[object], object]) -> object:
    if isinstance(value, dict):
        return {key: named(item) for key, item in value.items()}
    return type(value)(named(item) for item in value)


@lru_cache(maxsize=256)
def _cached_properties(cls: type) -> tuple[str, ...]:
    return tuple(sorted({name for klass in cls.__mro__ for name, attr in vars(klass).items()
                         if isinstance(attr, cached_property)}))


@lru_cache(maxsize=256)
def _has_attributes(cls: type) -> bool:
    """Whether instances of cls hold attributes of their own (functions and classes hold only
    their code's; mappings and sequences are written by their items)."""
    if issubclass(cls, (Mapping, list, tuple, set, frozenset, partial, types.FunctionType,
                        types.MethodType, *_CODE)):
        return False
    return cls.__dictoffset__ != 0 or bool(_slots(cls))


@lru_cache(maxsize=256)
def _slots(cls: type) -> tuple[str, ...]:
    return tuple(n for klass in cls.__mro__ for n in getattr(klass, "__slots__", ())
                 if isinstance(n, str) and n not in ("__dict__", "__weakref__"))


def _value_of(value: object, name: str) -> object:
    try:
        return getattr(value, name)
    except Exception as error:  # noqa: BLE001 - its failing is what the fingerprint records
        return f"{type(error).__name__}: {error}"


def _plain(value: object) -> object:
    for base in _VALUES:
        if isinstance(value, base):
            return base(value)  # type: ignore[call-arg]
    return value


def _name(value: object) -> str:
    module = getattr(value, "__module__", None) or ""
    return f"{module}.{getattr(value, '__qualname__', getattr(value, '__name__', ''))}"
