"""The terminal of an allocation over the platform's WebSocket (protocol ``gpuaas.terminal.v1``,
docs/terminal.md; the TypeScript side is sdk/src/terminal/).

A terminal token is minted over REST (``POST /v1/allocations/{id}/terminal-tokens``, optionally
bound to one command); the socket URL it comes with is opened offering ``gpuaas.terminal.v1``
and ``gpuaas.token.<token>`` (the token travels as a subprotocol, not in a URL that gets logged).
Binary frames carry terminal bytes both ways; text frames carry JSON control messages:
``resize``/``pause``/``resume``/``eof`` from the client, ``exit``/``error`` from the server.

The remote side is a pty, so **stdout and stderr arrive multiplexed in one byte stream**: an
:class:`ExecResult` carries all of it in ``stdout`` and ``stderr`` is always empty. The pty also
turns ``\\n`` into ``\\r\\n``; ``exec`` turns them back, as the CLI does for output to a pipe.

Uses the asyncio API of ``websockets`` (10.4 and later, headers are never needed); the sync
client runs these coroutines on a private event loop (:class:`PrivateLoop`), never the global one.
"""

from __future__ import annotations

import json
import re
import signal as signals
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, List, Optional, Tuple, Union
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._loop import PrivateLoop
from .errors import GpuaasError, TerminalError

if TYPE_CHECKING:
    from websockets.legacy.client import WebSocketClientProtocol

SUBPROTOCOL = "gpuaas.terminal.v1"
TOKEN_PROTOCOL_PREFIX = "gpuaas.token."
MAX_SIZE = 65_535
#: Characters a token may have to travel as a WebSocket subprotocol (an HTTP token).
_TOKEN_CHARS = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
#: HTTP status of a refused handshake, or close code − 4000, to the error code (client.ts).
_REFUSALS = {
    401: "TERMINAL_UNAUTHORIZED",
    403: "TERMINAL_FORBIDDEN",
    404: "TERMINAL_NOT_FOUND",
    410: "TERMINAL_TOKEN_EXPIRED",
}


def _terminal_error(
    *,
    opened: bool,
    status: Optional[int] = None,
    close_code: Optional[int] = None,
    reason: str = "",
    remote_code: Optional[str] = None,
) -> TerminalError:
    code = _REFUSALS.get(status or 0) or (
        _REFUSALS.get(close_code - 4000) if close_code is not None and close_code >= 4000 else None
    )
    code = code or ("TERMINAL_CLOSED" if opened else "TERMINAL_UNREACHABLE")
    if status is not None:
        what = f"the terminal endpoint answered HTTP {status}"
    elif opened:
        what = f"the terminal closed before the remote process exited (code {close_code or 'none'})"
    else:
        what = f"the terminal endpoint could not be reached (code {close_code or 'none'})"
    error = TerminalError(f"{what}: {reason}" if reason else what, code=code, status=status)
    error.close_code = close_code
    error.remote_code = remote_code
    return error


@dataclass(frozen=True)
class TerminalExit:
    """How the remote process ended: its exit code, or the signal that ended it."""

    code: Optional[int]
    signal: Optional[str]

    @property
    def status(self) -> int:
        """The status a local shell would give: the exit code, or 128 + the signal number."""
        if self.code is not None:
            return self.code
        try:
            return 128 + int(signals.Signals[self.signal or ""])
        except KeyError:
            return 255


@dataclass(frozen=True)
class ExecResult:
    """What ``allocations.exec`` returns. The command ran on a pty, which multiplexes stdout and
    stderr into one stream: all output is in ``stdout`` (line ends ``\\n``), ``stderr`` is ``""``."""

    exit_code: int
    stdout: str
    stderr: str
    #: The signal that ended the command (``SIGKILL``…), when one did; ``exit_code`` is 128 + its number.
    signal: Optional[str] = None


def token_target(url: str, token: str) -> Tuple[str, str]:
    """The socket URL without its ``token`` query (the token goes as a subprotocol: URLs get
    logged) and the token, from a ``TerminalToken`` answer."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "token"]
    return urlunsplit(parts._replace(query=urlencode(query))), token


def _check_size(*values: Optional[int]) -> None:
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIZE:
            raise GpuaasError("cols and rows must be integers from 1 to 65535", code="USAGE")


def socket_url(url: str, cols: Optional[int] = None, rows: Optional[int] = None, term: Optional[str] = None) -> str:
    """``ws(s)://`` for ``http(s)://``, with the initial size and TERM as query parameters."""
    parts = urlsplit(url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    if scheme not in ("ws", "wss"):
        raise GpuaasError(f"a terminal URL is ws://, wss://, http:// or https://, not {parts.scheme}:", code="USAGE")
    query = parse_qsl(parts.query, keep_blank_values=True)
    _check_size(cols, rows)
    query += [(k, str(v)) for k, v in (("cols", cols), ("rows", rows), ("term", term)) if v is not None]
    return urlunsplit(parts._replace(scheme=scheme, query=urlencode(query)))


def _refused_status(error: BaseException) -> Optional[int]:
    # websockets 10.x raises InvalidStatusCode(status_code); 11+ raises InvalidStatus(response).
    status = getattr(error, "status_code", None)
    if status is None:
        status = getattr(getattr(error, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


async def open_terminal(
    url: str,
    token: str,
    *,
    cols: Optional[int] = None,
    rows: Optional[int] = None,
    term: Optional[str] = None,
    open_timeout: float = 15.0,
) -> TerminalSession:
    """Opens a terminal and returns once the handshake is done (see :class:`TerminalSession`)."""
    import asyncio  # loaded on first use: `import gpuaas` stays cheap

    import websockets
    from websockets.typing import Subprotocol

    if token != "" and not _TOKEN_CHARS.match(token):
        raise GpuaasError("the terminal token has characters a WebSocket subprotocol cannot carry", code="USAGE")
    protocols = [Subprotocol(SUBPROTOCOL)]
    if token != "":
        protocols.append(Subprotocol(TOKEN_PROTOCOL_PREFIX + token))
    try:
        socket = await websockets.connect(  # type: ignore[attr-defined]
            socket_url(url, cols, rows, term),
            subprotocols=protocols,
            compression=None,
            open_timeout=open_timeout,
            max_size=None,
            # The platform keeps the connection alive; a ping unanswered while the event loop of a
            # sync caller is idle between calls must not kill an interactive session.
            ping_interval=None,
        )
    except (OSError, asyncio.TimeoutError) as error:
        raise _terminal_error(opened=False, reason=str(error)) from error
    except Exception as error:  # websockets' handshake failures share no public base across versions
        status = _refused_status(error)
        raise _terminal_error(opened=False, status=status, reason="" if status else str(error)) from error
    if socket.subprotocol != SUBPROTOCOL:
        await socket.close(1002, "expected subprotocol gpuaas.terminal.v1")
        raise _terminal_error(opened=False, reason=f'the server chose "{socket.subprotocol}"')
    return TerminalSession(socket)


class TerminalSession:
    """An open terminal: ``send`` input, ``recv`` output, ``resize``, ``eof``; an async context
    manager that closes the socket.

    Example::

        async with client.terminal.open(allocation_id, cols=120, rows=40) as term:
            await term.send("ls /\\n")
            await term.send("exit 3\\n")
            async for chunk in term:        # output until the shell exits
                sys.stdout.buffer.write(chunk)
            print(term.exit.status)         # 3
    """

    def __init__(self, socket: WebSocketClientProtocol) -> None:
        self._socket = socket
        #: Set once the remote process has exited (after all its output was received).
        self.exit: Optional[TerminalExit] = None
        self._remote_error: Optional[Tuple[str, str]] = None

    @property
    def protocol(self) -> str:
        return str(self._socket.subprotocol)

    async def send(self, data: Union[bytes, str]) -> None:
        """Terminal input (a string is sent as UTF-8). A binary frame: text would be control.
        Ignored once the connection has closed: :meth:`recv` reports why it closed."""
        await self._send(data.encode("utf-8") if isinstance(data, str) else bytes(data))

    async def _control(self, message: Mapping[str, Any]) -> None:
        await self._send(json.dumps(message, separators=(",", ":")))

    async def _send(self, frame: Union[bytes, str]) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            await self._socket.send(frame)
        except ConnectionClosed:
            pass

    async def resize(self, cols: int, rows: int) -> None:
        _check_size(cols, rows)
        await self._control({"type": "resize", "cols": cols, "rows": rows})

    async def pause(self) -> None:
        """Asks the server to stop sending output (flow control) until :meth:`resume`."""
        await self._control({"type": "pause"})

    async def resume(self) -> None:
        await self._control({"type": "resume"})

    async def eof(self) -> None:
        """Ends the input: the remote side reads end-of-file."""
        await self._control({"type": "eof"})

    async def recv(self) -> Optional[bytes]:
        """The next output chunk; None once the process has exited (``exit`` is then set).
        Raises :class:`TerminalError` (``TERMINAL_CLOSED``…) when the connection ends first."""
        from websockets.exceptions import ConnectionClosed

        if self.exit is not None:
            return None
        while True:
            try:
                frame = await self._socket.recv()
            except ConnectionClosed as closed:
                raise self._closed_error(closed) from None
            if isinstance(frame, bytes):
                return frame
            self._on_control(frame)
            if self.exit is not None:
                return None

    def _on_control(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if message.get("type") == "exit":
            code, sig = message.get("code"), message.get("signal")
            self.exit = TerminalExit(
                code if isinstance(code, int) and not isinstance(code, bool) else None,
                sig if isinstance(sig, str) else None,
            )
        elif message.get("type") == "error" and isinstance(message.get("code"), str):
            detail = message.get("message")
            self._remote_error = (message["code"], detail if isinstance(detail, str) else message["code"])

    def _closed_error(self, closed: Exception) -> TerminalError:
        received = getattr(closed, "rcvd", None)
        close_code = getattr(received, "code", None)
        reason = str(getattr(received, "reason", "") or "")
        remote = self._remote_error
        return _terminal_error(
            opened=True,
            close_code=close_code if isinstance(close_code, int) else None,
            reason=remote[1] if remote else reason,
            remote_code=remote[0] if remote else None,
        )

    async def wait(self) -> TerminalExit:
        """Reads (and drops) output until the process exits; returns how it ended."""
        while await self.recv() is not None:
            pass
        assert self.exit is not None
        return self.exit

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self._socket.close(code, reason)

    def __aiter__(self) -> TerminalSession:
        return self

    async def __anext__(self) -> bytes:
        chunk = await self.recv()
        if chunk is None:
            raise StopAsyncIteration
        return chunk

    async def __aenter__(self) -> TerminalSession:
        return self

    async def __aexit__(
        self, kind: Optional[type[BaseException]], error: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        await self.close()


def _line_ends(output: bytes) -> str:
    return output.decode("utf-8", errors="replace").replace("\r\n", "\n")


async def run_command(
    url: str,
    token: str,
    *,
    stdin: Union[bytes, str, None] = None,
    timeout: Optional[float] = None,
    open_timeout: float = 15.0,
) -> ExecResult:
    """Opens a terminal whose command the platform bound to ``token``, feeds it ``stdin`` (then
    end-of-file) and collects its output until it exits."""

    import asyncio  # loaded on first use: `import gpuaas` stays cheap

    async def collect() -> ExecResult:
        async with await open_terminal(url, token, open_timeout=open_timeout) as session:
            if stdin:
                await session.send(stdin)
            await session.eof()
            chunks: List[bytes] = []
            async for chunk in session:
                chunks.append(chunk)
            assert session.exit is not None
            return ExecResult(session.exit.status, _line_ends(b"".join(chunks)), "", session.exit.signal)

    if timeout is None:
        return await collect()
    try:
        return await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        raise TerminalError(f"the command did not finish within {timeout} s", code="TERMINAL_CLOSED") from None


class SyncTerminalSession:
    """:class:`TerminalSession` for the sync client: the same methods, blocking, on a private loop
    that lives as long as the session. A context manager."""

    def __init__(self, loop: PrivateLoop, session: TerminalSession) -> None:
        self._loop = loop
        self._session = session

    @property
    def exit(self) -> Optional[TerminalExit]:
        return self._session.exit

    @property
    def protocol(self) -> str:
        return self._session.protocol

    def send(self, data: Union[bytes, str]) -> None:
        self._loop.run(self._session.send(data))

    def resize(self, cols: int, rows: int) -> None:
        self._loop.run(self._session.resize(cols, rows))

    def pause(self) -> None:
        self._loop.run(self._session.pause())

    def resume(self) -> None:
        self._loop.run(self._session.resume())

    def eof(self) -> None:
        self._loop.run(self._session.eof())

    def recv(self) -> Optional[bytes]:
        return self._loop.run(self._session.recv())

    def wait(self) -> TerminalExit:
        return self._loop.run(self._session.wait())

    def close(self) -> None:
        try:
            self._loop.run(self._session.close())
        finally:
            self._loop.close()

    def __iter__(self) -> SyncTerminalSession:
        return self

    def __next__(self) -> bytes:
        chunk = self.recv()
        if chunk is None:
            raise StopIteration
        return chunk

    def __enter__(self) -> SyncTerminalSession:
        return self

    def __exit__(
        self, kind: Optional[type[BaseException]], error: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.close()


def open_terminal_sync(url: str, token: str, **options: Any) -> SyncTerminalSession:
    loop = PrivateLoop()
    try:
        return SyncTerminalSession(loop, loop.run(open_terminal(url, token, **options)))
    except BaseException:
        loop.close()
        raise
