"""Support for the generated models: the base class of every answer, and the parsing helpers.

A model keeps the JSON it was parsed from, so ``to_dict()`` returns exactly what the platform sent
(fields newer than this SDK included) and printing it as JSON loses nothing.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, TypeVar
from urllib.parse import quote

T = TypeVar("T")
M = TypeVar("M", bound="Model")


class Model:
    """Base of the generated answer types: typed attributes, equality by value, ``to_dict()``."""

    __slots__ = ("_json",)
    #: (attribute, JSON property) pairs, in constructor order; generated per class.
    _FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self) -> None:
        self._json: Any = None

    def _keep_json(self: M, data: Any) -> M:
        self._json = data
        return self

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON: what the platform sent, or built from the attributes."""
        if isinstance(self._json, dict):
            return dict(self._json)
        out: dict[str, Any] = {}
        for attr, key in self._FIELDS:
            value = _to_json(getattr(self, attr))
            if value is not None or key in self._required_keys():
                out[key] = value
        return out

    def _required_keys(self) -> frozenset[str]:
        # Optional attributes that are None are left out, as the platform leaves them out.
        return frozenset()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, a) == getattr(other, a) for a, _ in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{a}={getattr(self, a)!r}" for a, _ in self._FIELDS)
        return f"{type(self).__name__}({fields})"


def _to_json(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


def parse_list(values: Any, parse: Callable[[Any], T]) -> list[T]:
    return [parse(v) for v in values]


def parse_optional(value: Any, parse: Callable[[Any], T]) -> T | None:
    return None if value is None else parse(value)


def parse_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return value


def parse_any(value: Any) -> Any:
    return value


def parse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def parse_empty(_value: Any) -> None:
    return None


def quote_path(value: object) -> str:
    """One path segment: an id or a name with `/` or `?` in it cannot reach another endpoint."""
    return quote(str(value), safe="")
