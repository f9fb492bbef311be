"""A private event loop for the sync client: coroutines (the terminal's WebSocket) run to
completion from plain code without touching the thread's event loop or any global state."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Coroutine
from typing import Any, List, TypeVar

T = TypeVar("T")


class PrivateLoop:
    """An event loop owned by one sync object (never installed as the thread's loop). Runs
    coroutines to completion from plain code; where an event loop already runs in this thread
    (a notebook), it runs ours on a helper thread instead, which asyncio forbids otherwise."""

    def __init__(self) -> None:
        import asyncio  # loaded on first use: `import gpuaas` stays cheap

        self._loop = asyncio.new_event_loop()

    def run(self, work: Awaitable[T]) -> T:
        import asyncio

        coroutine: Coroutine[Any, Any, T] = _await(work)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._loop.run_until_complete(coroutine)
        box: List[Any] = []

        def helper() -> None:
            try:
                box.append((True, self._loop.run_until_complete(coroutine)))
            except BaseException as error:  # handed to the caller's thread
                box.append((False, error))

        thread = threading.Thread(target=helper, name="gpuaas-private-loop")
        thread.start()
        thread.join()
        ok, value = box[0]
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self.run(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()


async def _await(work: Awaitable[T]) -> T:
    return await work


def run_sync(work: Coroutine[Any, Any, T]) -> T:
    """Runs one coroutine on a fresh private loop and closes it."""
    loop = PrivateLoop()
    try:
        return loop.run(work)
    finally:
        loop.close()
