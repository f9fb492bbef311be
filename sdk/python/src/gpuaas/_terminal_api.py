"""``client.terminal`` and ``client.allocations.exec``: a single-use terminal token minted over REST
(``POST /v1/allocations/{id}/terminal-tokens``), then the WebSocket of gpuaas._terminal."""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from types import TracebackType
from typing import Any, Optional, Tuple, Union

from .__generated__ import models
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from ._loop import run_sync
from ._request import ApiRequest
from ._terminal import (
    ExecResult,
    SyncTerminalSession,
    TerminalSession,
    open_terminal,
    open_terminal_sync,
    run_command,
    token_target,
)
from .errors import GpuaasError


def _argv(command: Sequence[str]) -> list[str]:
    if isinstance(command, str) or not command or not all(isinstance(a, str) for a in command):
        raise GpuaasError('a command is a non-empty list of strings, e.g. ["sh", "-c", "nvidia-smi -L"]', code="USAGE")
    return list(command)


def _token_request(allocation_id: str, command: Optional[list[str]]) -> ApiRequest[models.TerminalToken]:
    body: Optional[models.TerminalTokenCreate] = None if command is None else {"command": command}
    return ops.create_terminal_token(allocation_id, body=body)


def _mint(api: SyncApi, allocation_id: str, command: Optional[list[str]]) -> Tuple[str, str]:
    minted = api.send(_token_request(allocation_id, command))
    return token_target(minted.url, minted.token)


async def _amint(api: AsyncApi, allocation_id: str, command: Optional[list[str]]) -> Tuple[str, str]:
    minted = await api.send(_token_request(allocation_id, command))
    return token_target(minted.url, minted.token)


def exec_command(
    api: SyncApi,
    allocation_id: str,
    command: Sequence[str],
    *,
    stdin: Union[bytes, str, None] = None,
    timeout: Optional[float] = None,
) -> ExecResult:
    """``client.allocations.exec``: runs ``command`` (an argv, no shell unless you ask for one) in
    the allocation's sandbox and returns its exit code and output (see :class:`ExecResult`)."""
    url, token = _mint(api, allocation_id, _argv(command))
    return run_sync(run_command(url, token, stdin=stdin, timeout=timeout))


async def aexec_command(
    api: AsyncApi,
    allocation_id: str,
    command: Sequence[str],
    *,
    stdin: Union[bytes, str, None] = None,
    timeout: Optional[float] = None,
) -> ExecResult:
    """The async ``client.allocations.exec``."""
    url, token = await _amint(api, allocation_id, _argv(command))
    return await run_command(url, token, stdin=stdin, timeout=timeout)


class Terminal:
    """``client.terminal``: interactive shells in running allocations."""

    def __init__(self, api: SyncApi) -> None:
        self._api = api

    def open(
        self, allocation_id: str, *, cols: Optional[int] = None, rows: Optional[int] = None, term: Optional[str] = None
    ) -> SyncTerminalSession:
        """A login shell in the allocation's sandbox; use it as a context manager::

            with client.terminal.open(allocation.id, cols=120, rows=40) as shell:
                shell.send("nvidia-smi -L; exit\n")
                for chunk in shell:
                    sys.stdout.buffer.write(chunk)
        """
        url, token = _mint(self._api, allocation_id, None)
        return open_terminal_sync(url, token, cols=cols, rows=rows, term=term)

    def exec(
        self,
        allocation_id: str,
        command: Sequence[str],
        *,
        stdin: Union[bytes, str, None] = None,
        timeout: Optional[float] = None,
    ) -> ExecResult:
        """Same as ``client.allocations.exec``."""
        return exec_command(self._api, allocation_id, command, stdin=stdin, timeout=timeout)


class _Opening:
    """What ``AsyncClient.terminal.open`` returns: ``await`` it for the session, or use it as
    ``async with`` to have the session closed at the end."""

    def __init__(self, api: AsyncApi, allocation_id: str, options: Mapping[str, Any]) -> None:
        self._api, self._allocation_id, self._options = api, allocation_id, options
        self._session: Optional[TerminalSession] = None

    async def _open(self) -> TerminalSession:
        url, token = await _amint(self._api, self._allocation_id, None)
        return await open_terminal(url, token, **self._options)

    def __await__(self) -> Generator[Any, None, TerminalSession]:
        return self._open().__await__()

    async def __aenter__(self) -> TerminalSession:
        self._session = await self._open()
        return self._session

    async def __aexit__(
        self, kind: Optional[type[BaseException]], error: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        if self._session is not None:
            await self._session.close()


class AsyncTerminal:
    """``client.terminal`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi) -> None:
        self._api = api

    def open(
        self, allocation_id: str, *, cols: Optional[int] = None, rows: Optional[int] = None, term: Optional[str] = None
    ) -> _Opening:
        """A login shell in the allocation's sandbox::

            async with client.terminal.open(allocation.id) as shell:
                await shell.send("echo $((6*7)); exit 4\n")
                output = b"".join([chunk async for chunk in shell])
                assert shell.exit.status == 4
        """
        return _Opening(self._api, allocation_id, {"cols": cols, "rows": rows, "term": term})

    async def exec(
        self,
        allocation_id: str,
        command: Sequence[str],
        *,
        stdin: Union[bytes, str, None] = None,
        timeout: Optional[float] = None,
    ) -> ExecResult:
        return await aexec_command(self._api, allocation_id, command, stdin=stdin, timeout=timeout)
