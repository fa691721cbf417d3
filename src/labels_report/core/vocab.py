"""The base of every controlled vocabulary of the package.

A vocabulary word is a ``str`` that prints, formats, compares and hashes as its
value: ``Event.AWARDED == "awarded"``, ``{"awarded": 1}[Event.AWARDED] == 1``
and ``f"event.{Event.AWARDED}"`` is ``"event.awarded"``, so the words can sit in
DataFrames and message keys as plain strings.
"""

from __future__ import annotations

import enum


class StrEnum(str, enum.Enum):
    """A ``str`` enumeration whose members behave as their values (``enum.StrEnum`` of
    Python 3.11, with the value's hash so that members and strings are the same keys)."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(str.__str__(self), spec)

    __hash__ = str.__hash__

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Every word, in declaration order, as plain strings."""
        return tuple(member.value for member in cls)
