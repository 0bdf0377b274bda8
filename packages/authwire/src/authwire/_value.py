"""``Value``: the base of authwire's small immutable value classes.

Each is compared, hashed, pickled and copied by its fields, which its ``__match_args__``
lists in the constructor's order. A plain slotted class rather than a frozen dataclass:
these classes sit on ``import authwire``'s path, and a dataclass is generated when its
module is imported (about half a millisecond each, plus ``import dataclasses``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Value"]


class Value:
    """Immutable fields, named in ``__match_args__``; set them with ``object.__setattr__``."""

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__match_args__])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[type[Value], tuple[Any, ...]]:
        return (self.__class__, self._values())
