"""Fingerprints of build state: a digest of a value and of everything reachable from it.

A served rebuild reuses a page's HTML when the fingerprint of what its renderer was given is the
one of the build before. The fingerprint is taken of the objects themselves (their attributes,
recursively), never of a list of fields someone thought relevant, so an input nobody listed
still changes it. Objects another fingerprint already covers are written as a reference to it:
a page's fingerprint names its neighbours in the navigation instead of walking the whole site
again for each page.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache, partial

_ATOMS = (str, int, float, bool, type(None), bytes)


class Unstable(Exception):
    """A value whose identity cannot be written down (a bare object known only by its address):
    what depends on it cannot be reused."""


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
        self._text = bytearray()  # hashed at the end: one call instead of one per value
        self._digest: bytes | None = None
        self._skip = skip
        self._known = known or {}
        self._opaque = opaque
        self.seen: dict[int, int] = {}  # id() of every object walked -> its number
        self._alive: list[object] = []  # ids stay unique while the objects live

    def add(self, value: object) -> Fingerprint:
        self._digest = None
        self._walk(value, root=True)
        return self

    def digest(self) -> bytes:
        if self._digest is None:
            self._digest = hashlib.blake2b(self._text, digest_size=20).digest()
        return self._digest

    def references(self, kinds: tuple[type, ...], *roots: object) -> dict[int, int]:
        """The objects walked that are of one of kinds, or are one of roots, by id(): what
        another fingerprint may name instead of walking again."""
        wanted = {id(root) for root in roots}
        return {key: number for key, number in self.seen.items()
                if key in wanted or isinstance(self._alive[number], kinds)}

    def _write(self, tag: bytes, data: bytes = b"") -> None:
        text = self._text
        text += tag
        text += len(data).to_bytes(8, "little")
        text += data

    def _walk(self, value: object, root: bool = False) -> None:
        # An explicit stack: the navigation links pages to their neighbours, so following
        # attributes recursively would go as deep as the site is long.
        stack: list[object] = []
        self._push(value, root, stack)
        write = self._write
        while stack:
            item = stack.pop()
            kind = type(item)
            if kind is str:
                write(b"s", item.encode("utf-8", "surrogatepass"))  # type: ignore[attr-defined]
            elif kind is _Token:
                write(b"t", item.data)  # type: ignore[attr-defined]
            elif isinstance(item, bytes):
                write(b"bytes", item)
            elif isinstance(item, _ATOMS):
                write(kind.__name__.encode(), repr(item).encode())
            else:
                self._push(item, False, stack)

    def _push(self, value: object, root: bool, stack: list) -> None:
        """Write what value is; put the values inside it on the stack, to be walked next."""
        if isinstance(value, _ATOMS):
            stack.append(value)
            return
        key = id(value)
        if key in self._known and not root:
            self._write(b"known", str(self._known[key]).encode())
            return
        if key in self.seen:
            self._write(b"again", str(self.seen[key]).encode())
            return
        self.seen[key] = len(self.seen)
        self._alive.append(value)
        if self._opaque is not None and not root:
            stand_in = self._opaque(value)
            if stand_in is not None:
                self._write(b"opaque", _name(type(value)))
                stack.append(stand_in)
                return
        stack.extend(reversed(self._inside(value, root)))

    def _inside(self, value: object, root: bool) -> list:
        if isinstance(value, (list, tuple)):
            self._write(b"seq", str(len(value)).encode())
            return list(value)
        if isinstance(value, (set, frozenset)):
            # iteration order of a set depends on hashing, not on its content
            self._write(b"set", str(len(value)).encode())
            if all(type(v) is str for v in value):
                return sorted(value)
            return [_Token(piece) for piece in sorted(_sub(self, v) for v in value)]
        if isinstance(value, Mapping):
            self._write(b"map", _name(type(value)) + str(len(value)).encode())
            return [part for pair in value.items() for part in pair]
        if isinstance(value, partial):
            self._write(b"partial")
            return [value.func, value.args, value.keywords]
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type,
                              types.ModuleType)):
            self._write(b"code", _name(value))
            if not isinstance(value, types.FunctionType):
                return []
            closure = [c.cell_contents for c in value.__closure__ or ()]
            return [closure, (value.__defaults__, value.__kwdefaults__)]
        if isinstance(value, types.MethodType):
            self._write(b"method", _name(value.__func__))
            return [value.__self__]
        return self._object(value, set() if root else self._skip)

    def _object(self, value: object, skip) -> list:
        state = getattr(value, "__dict__", None)
        slots = [n for cls in type(value).__mro__ for n in getattr(cls, "__slots__", ())
                 if isinstance(n, str) and n not in ("__dict__", "__weakref__")]
        if state is None and not slots:
            text = repr(value)
            if " at 0x" in text:
                raise Unstable(f"{type(value).__qualname__} has no state to fingerprint")
            self._write(b"repr", _name(type(value)) + text.encode("utf-8", "surrogatepass"))
            return []
        self._write(b"obj", _name(type(value)))
        derived = _cached_properties(type(value))  # type: ignore[arg-type]
        fields = [part for name, item in (state or {}).items()
                  if name not in skip and name not in derived for part in (name, item)]
        # a cached property is in the object's state only once something asked for it: ask
        fields += [part for name in derived if name not in skip
                   for part in (name, _value_of(value, name))]
        fields += [part for name in slots if name not in skip and hasattr(value, name)
                   for part in (name, getattr(value, name))]
        return fields


@lru_cache(maxsize=256)
def _cached_properties(cls: type) -> tuple[str, ...]:
    return tuple(sorted({name for klass in cls.__mro__ for name, attr in vars(klass).items()
                         if isinstance(attr, cached_property)}))


def _value_of(value: object, name: str) -> object:
    try:
        return getattr(value, name)
    except Exception as error:  # noqa: BLE001 - its failing is what the fingerprint records
        return f"{type(error).__name__}: {error}"


class _Token:
    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


def _sub(parent: Fingerprint, value: object) -> bytes:
    inner = Fingerprint(parent._skip, parent._known, parent._opaque)
    return inner.add(value).digest()


def _name(value: object) -> bytes:
    module = getattr(value, "__module__", None) or ""
    return f"{module}.{getattr(value, '__qualname__', getattr(value, '__name__', ''))}".encode()
