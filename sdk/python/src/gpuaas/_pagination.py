"""Iterating every item of a cursor-paginated list (``limit``, ``cursor`` → ``next_cursor``).

Pages are fetched lazily, one request per page, as the caller iterates; a caller that stops early
sends no further request.
"""

from __future__ import annotations

from typing import AsyncIterator, Awaitable, Callable, Iterator, Protocol, Sequence, TypeVar

from ._request import ApiRequest

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Page(Protocol[T_co]):
    """One page of a list: the generated ``…List`` models all have this shape."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def next_cursor(self) -> str | None: ...


def iterate(send: Callable[[ApiRequest[Page[T]]], Page[T]], first: ApiRequest[Page[T]]) -> Iterator[T]:
    """Every item of every page, starting with ``first`` and following ``next_cursor``."""
    request = first
    while True:
        page = send(request)
        yield from page.items
        if page.next_cursor is None:
            return
        request = request.with_query(cursor=page.next_cursor)


async def aiterate(
    send: Callable[[ApiRequest[Page[T]]], Awaitable[Page[T]]], first: ApiRequest[Page[T]]
) -> AsyncIterator[T]:
    """``iterate`` for the async client: ``async for item in aiterate(...)``."""
    request = first
    while True:
        page = await send(request)
        for item in page.items:
            yield item
        if page.next_cursor is None:
            return
        request = request.with_query(cursor=page.next_cursor)
