"""Allocations: request GPUs, list them, wait for one to run, release it.

``wait_until_running`` follows the TypeScript client's ``followAllocation``: it re-reads the
allocation until it runs (returned) or reaches a final state (``released``, ``failed``,
``preempted``: ``AllocationEndedError`` with the allocation, whose ``state_reason`` says why), or
until the timeout (``WaitTimeoutError`` with the last state read).
"""

from __future__ import annotations

import time
from typing import AsyncIterator, Iterator, Literal, Sequence

from . import _pagination
from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from ._terminal import ExecResult
from ._terminal_api import aexec_command, exec_command
from .errors import AllocationEndedError, WaitTimeoutError
from .projects import AsyncProjects, Projects

#: States an allocation never leaves.
FINAL_STATES: frozenset[str] = frozenset({"released", "failed", "preempted"})
#: How often a wait re-reads the allocation, in seconds.
DEFAULT_POLL_INTERVAL = 1.0

Until = Literal["running", "ended"]


def is_final(allocation: m.Allocation) -> bool:
    return allocation.state in FINAL_STATES


def _reached(allocation: m.Allocation, until: Until) -> bool:
    """Whether a wait is over; AllocationEndedError when it ended instead of running."""
    if until == "running" and allocation.state == "running":
        return True
    if not is_final(allocation):
        return False
    if until == "running":
        raise AllocationEndedError(
            f"allocation {allocation.id} is {allocation.state}: {allocation.state_reason}",
            allocation=allocation,
            request=f"GET /v1/allocations/{allocation.id}",
        )
    return True


def _timeout_error(allocation: m.Allocation, timeout: float) -> WaitTimeoutError:
    pending = "" if allocation.pending_reason is None else f" ({allocation.pending_reason})"
    return WaitTimeoutError(
        f"allocation {allocation.id} is still {allocation.state}{pending} after {timeout:g} s",
        last=allocation,
        request=f"GET /v1/allocations/{allocation.id}",
    )


async def _async_sleep(seconds: float) -> None:
    # asyncio is imported by whoever runs the event loop; importing it here would cost every
    # `import gpuaas` ~10 ms.
    import asyncio

    await asyncio.sleep(seconds)


def _duration(value: str | int | float | None) -> str | None:
    """A duration as the API takes it: ``"2h"``, ``"90s"``, or a number of seconds."""
    if value is None or isinstance(value, str):
        return value
    return str(int(value))


def _create_body(
    project_id: str,
    *,
    gpus: int,
    models: Sequence[str] | None,
    name: str | None,
    min_memory_gib: int | None,
    topology: Literal["node", "nvlink"] | None,
    ttl: str | int | float | None,
    idle_timeout: str | int | float | None,
    priority: int | None,
) -> m.AllocationCreate:
    request: m.AllocationCreateGpus = {"count": gpus}
    if models is not None:
        request["models"] = list(models)
    if min_memory_gib is not None:
        request["min_memory_gib"] = min_memory_gib
    if topology is not None:
        request["topology"] = topology
    body: m.AllocationCreate = {"project_id": project_id, "gpus": request}
    if name is not None:
        body["name"] = name
    ttl_text, idle_text = _duration(ttl), _duration(idle_timeout)
    if ttl_text is not None:
        body["ttl"] = ttl_text
    if idle_text is not None:
        body["idle_timeout"] = idle_text
    if priority is not None:
        body["priority"] = priority
    return body


def _states(state: str | Sequence[str] | None) -> str | None:
    return state if state is None or isinstance(state, str) else ",".join(state)


class Allocations:
    """``client.allocations``."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def create(
        self,
        *,
        gpus: int,
        project: str,
        models: Sequence[str] | None = None,
        name: str | None = None,
        min_memory_gib: int | None = None,
        topology: Literal["node", "nvlink"] | None = None,
        ttl: str | int | float | None = None,
        idle_timeout: str | int | float | None = None,
        priority: int | None = None,
        idempotency_key: str | None = None,
    ) -> m.Allocation:
        """Requests ``gpus`` GPUs (all on one node) in ``project`` (its id or unique name).

        The allocation starts ``queued``; ``wait_until_running`` waits for it. ``models`` lists
        acceptable catalog ids or model names, most preferred first; ``ttl`` and ``idle_timeout``
        take ``"2h"``-style durations or seconds. A retry of the request reuses its idempotency
        key, so the platform never creates two.
        """
        body = _create_body(
            self._projects.resolve_id(project),
            gpus=gpus,
            models=models,
            name=name,
            min_memory_gib=min_memory_gib,
            topology=topology,
            ttl=ttl,
            idle_timeout=idle_timeout,
            priority=priority,
        )
        return self._api.send(ops.create_allocation(body, idempotency_key=idempotency_key))

    def get(self, allocation_id: str) -> m.Allocation:
        return self._api.send(ops.get_allocation(allocation_id))

    def list(
        self, *, project: str | None = None, state: str | Sequence[str] | None = None
    ) -> Iterator[m.Allocation]:
        """Every allocation the caller sees (of ``project``, in ``state``), newest first.

        ``project`` is an id or a unique name; ``state`` one state or several.
        """
        project_id = None if project is None else self._projects.resolve_id(project)
        first = ops.list_allocations(project_id=project_id, state=_states(state), limit=100)
        return _pagination.iterate(self._api.send, first)

    def release(self, allocation_id: str, *, wait: bool = False, timeout: float | None = None) -> m.Allocation:
        """Releases the allocation (idempotent); with ``wait``, returns it once it has ended."""
        released = self._api.send(ops.release_allocation(allocation_id))
        return self.wait_until_ended(allocation_id, timeout=timeout) if wait else released

    def wait_until_running(
        self, allocation_id: str, *, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> m.Allocation:
        """Waits until the allocation runs and returns it.

        Raises ``AllocationEndedError`` when it reaches another final state, ``WaitTimeoutError``
        after ``timeout`` seconds (``None``: no limit).
        """
        return self._wait(allocation_id, "running", timeout, poll_interval)

    def wait_until_ended(
        self, allocation_id: str, *, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> m.Allocation:
        """Waits until the allocation is released, failed or preempted, and returns it."""
        return self._wait(allocation_id, "ended", timeout, poll_interval)

    def _wait(self, allocation_id: str, until: Until, timeout: float | None, poll_interval: float) -> m.Allocation:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            allocation = self.get(allocation_id)
            if _reached(allocation, until):
                return allocation
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and timeout is not None and remaining <= 0:
                raise _timeout_error(allocation, timeout)
            time.sleep(poll_interval if remaining is None else min(poll_interval, remaining))

    def usage(self, allocation_id: str) -> m.AllocationUsage:
        """Usage recorded for the allocation, summed per meter and origin."""
        return self._api.send(ops.get_allocation_usage(allocation_id))

    def exec(
        self,
        allocation_id: str,
        command: Sequence[str],
        *,
        stdin: bytes | str | None = None,
        timeout: float | None = None,
    ) -> ExecResult:
        """Runs ``command`` (an argv: ``["sh", "-c", "…"]`` for a shell) in the running allocation
        and returns its ``exit_code`` and output. The command runs on a pty, which merges stderr
        into stdout: everything is in ``.stdout``, ``.stderr`` is empty (gpuaas._terminal)."""
        return exec_command(self._api, allocation_id, command, stdin=stdin, timeout=timeout)

    def terminal_token(self, allocation_id: str, command: Sequence[str] | None = None) -> m.TerminalToken:
        """A single-use terminal token (valid 60 s); with ``command``, for that argv only."""
        body: m.TerminalTokenCreate | None = None if command is None else {"command": list(command)}
        return self._api.send(ops.create_terminal_token(allocation_id, body=body))


class AsyncAllocations:
    """``client.allocations`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def create(
        self,
        *,
        gpus: int,
        project: str,
        models: Sequence[str] | None = None,
        name: str | None = None,
        min_memory_gib: int | None = None,
        topology: Literal["node", "nvlink"] | None = None,
        ttl: str | int | float | None = None,
        idle_timeout: str | int | float | None = None,
        priority: int | None = None,
        idempotency_key: str | None = None,
    ) -> m.Allocation:
        body = _create_body(
            await self._projects.resolve_id(project),
            gpus=gpus,
            models=models,
            name=name,
            min_memory_gib=min_memory_gib,
            topology=topology,
            ttl=ttl,
            idle_timeout=idle_timeout,
            priority=priority,
        )
        return await self._api.send(ops.create_allocation(body, idempotency_key=idempotency_key))

    async def get(self, allocation_id: str) -> m.Allocation:
        return await self._api.send(ops.get_allocation(allocation_id))

    async def list(
        self, *, project: str | None = None, state: str | Sequence[str] | None = None
    ) -> AsyncIterator[m.Allocation]:
        """Every allocation the caller sees: ``async for a in client.allocations.list(...)``."""
        project_id = None if project is None else await self._projects.resolve_id(project)
        first = ops.list_allocations(project_id=project_id, state=_states(state), limit=100)
        async for allocation in _pagination.aiterate(self._api.send, first):
            yield allocation

    async def release(
        self, allocation_id: str, *, wait: bool = False, timeout: float | None = None
    ) -> m.Allocation:
        released = await self._api.send(ops.release_allocation(allocation_id))
        return await self.wait_until_ended(allocation_id, timeout=timeout) if wait else released

    async def wait_until_running(
        self, allocation_id: str, *, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> m.Allocation:
        return await self._wait(allocation_id, "running", timeout, poll_interval)

    async def wait_until_ended(
        self, allocation_id: str, *, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> m.Allocation:
        return await self._wait(allocation_id, "ended", timeout, poll_interval)

    async def _wait(
        self, allocation_id: str, until: Until, timeout: float | None, poll_interval: float
    ) -> m.Allocation:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            allocation = await self.get(allocation_id)
            if _reached(allocation, until):
                return allocation
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and timeout is not None and remaining <= 0:
                raise _timeout_error(allocation, timeout)
            await _async_sleep(poll_interval if remaining is None else min(poll_interval, remaining))

    async def usage(self, allocation_id: str) -> m.AllocationUsage:
        return await self._api.send(ops.get_allocation_usage(allocation_id))

    async def exec(
        self,
        allocation_id: str,
        command: Sequence[str],
        *,
        stdin: bytes | str | None = None,
        timeout: float | None = None,
    ) -> ExecResult:
        """Runs ``command`` in the running allocation; see ``Client.allocations.exec``."""
        return await aexec_command(self._api, allocation_id, command, stdin=stdin, timeout=timeout)

    async def terminal_token(
        self, allocation_id: str, command: Sequence[str] | None = None
    ) -> m.TerminalToken:
        body: m.TerminalTokenCreate | None = None if command is None else {"command": list(command)}
        return await self._api.send(ops.create_terminal_token(allocation_id, body=body))
