"""What the resource modules need from a client: one method that sends a generated request."""

from __future__ import annotations

from typing import Protocol, TypeVar

from ._request import ApiRequest

T = TypeVar("T")


class SyncApi(Protocol):
    def send(self, request: ApiRequest[T]) -> T: ...

    def send_with_etag(self, request: ApiRequest[T]) -> tuple[T, str | None]: ...


class AsyncApi(Protocol):
    async def send(self, request: ApiRequest[T]) -> T: ...

    async def send_with_etag(self, request: ApiRequest[T]) -> tuple[T, str | None]: ...


class Unset:
    """Marks an argument that was not given, where ``None`` means "set to null"."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()
