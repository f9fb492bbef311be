"""The terminal client against a local `gpuaas.terminal.v1` server (websockets)."""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Callable, List

import pytest
from websockets.legacy.server import WebSocketServerProtocol

from gpuaas._loop import PrivateLoop, run_sync
from gpuaas._terminal import (
    ExecResult,
    TerminalExit,
    open_terminal,
    open_terminal_sync,
    run_command,
    socket_url,
    token_target,
)
from gpuaas.errors import TerminalError

from fake_terminal import TOKEN, FakeTerminal, Frame, exits, serve, shell

__all__ = ["serve"]  # the fixture, shared with the client tests


def test_the_token_answer_gives_the_socket_url_without_the_token() -> None:
    url, token = token_target(f"ws://h/v1/allocations/a1/terminal?token={TOKEN}&x=1", TOKEN)
    assert (url, token) == ("ws://h/v1/allocations/a1/terminal?x=1", TOKEN)


def test_socket_urls_are_websocket_urls_with_the_size() -> None:
    assert socket_url("https://h/t", cols=120, rows=40, term="xterm") == "wss://h/t?cols=120&rows=40&term=xterm"
    with pytest.raises(Exception, match="ws://"):
        socket_url("ftp://h/t")
    with pytest.raises(Exception, match="65535"):
        socket_url("ws://h/t", cols=0, rows=10)


def test_exit_status_is_the_code_or_128_plus_the_signal() -> None:
    assert TerminalExit(3, None).status == 3
    assert TerminalExit(None, "SIGKILL").status == 137
    assert TerminalExit(None, "SIGNOPE").status == 255


@pytest.mark.asyncio
async def test_exec_collects_the_output_and_the_exit_code(serve: Callable[[FakeTerminal], str]) -> None:
    fake = FakeTerminal(exits(b"h\xc3\xa9llo\r\nerr: x\r\n", code=3))
    result = await run_command(serve(fake), TOKEN)
    assert result == ExecResult(exit_code=3, stdout="héllo\nerr: x\n", stderr="", signal=None)
    assert fake.offered[0] == ["gpuaas.terminal.v1", f"gpuaas.token.{TOKEN}"]
    assert TOKEN not in fake.paths[0]
    assert fake.received == ['{"type":"eof"}']  # no input: end-of-file at once


@pytest.mark.asyncio
async def test_exec_sends_stdin_as_binary_then_eof(serve: Callable[[FakeTerminal], str]) -> None:
    fake = FakeTerminal(exits(b"", code=None, signal="SIGKILL"))
    result = await run_command(serve(fake), TOKEN, stdin="data\n")
    assert fake.received == [b"data\n", '{"type":"eof"}']
    assert (result.exit_code, result.signal) == (137, "SIGKILL")


def test_exec_from_sync_code_runs_on_a_private_loop(serve: Callable[[FakeTerminal], str]) -> None:
    result = run_sync(run_command(serve(FakeTerminal(exits(b"ok\r\n"))), TOKEN))
    assert (result.exit_code, result.stdout) == (0, "ok\n")


@pytest.mark.asyncio
async def test_the_sync_runner_works_where_an_event_loop_already_runs(serve: Callable[[FakeTerminal], str]) -> None:
    url = serve(FakeTerminal(exits(b"nested\r\n")))
    assert run_sync(run_command(url, TOKEN)).stdout == "nested\n"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (HTTPStatus.UNAUTHORIZED, "TERMINAL_UNAUTHORIZED"),
        (HTTPStatus.FORBIDDEN, "TERMINAL_FORBIDDEN"),
        (HTTPStatus.NOT_FOUND, "TERMINAL_NOT_FOUND"),
        (HTTPStatus.CONFLICT, "TERMINAL_UNREACHABLE"),
    ],
)
@pytest.mark.asyncio
async def test_a_refused_handshake_is_a_typed_error(serve: Callable[[FakeTerminal], str], status: HTTPStatus, code: str) -> None:
    url = serve(FakeTerminal(exits(b""), refuse=status))
    with pytest.raises(TerminalError) as caught:
        await run_command(url, TOKEN)
    assert (caught.value.code, caught.value.status) == (code, int(status))


@pytest.mark.asyncio
async def test_a_close_before_the_exit_carries_the_close_code_and_the_remote_error(serve: Callable[[FakeTerminal], str]) -> None:
    async def fails(socket: WebSocketServerProtocol, received: List[Frame]) -> None:
        await socket.send(b"partial")
        await socket.send(json.dumps({"type": "error", "code": "RUNTIME_UNREACHABLE", "message": "runtime gone"}))
        await socket.close(1011)

    with pytest.raises(TerminalError) as caught:
        await run_command(serve(FakeTerminal(fails)), TOKEN)
    error = caught.value
    assert (error.code, error.close_code, error.remote_code) == ("TERMINAL_CLOSED", 1011, "RUNTIME_UNREACHABLE")
    assert "runtime gone" in str(error)


@pytest.mark.asyncio
async def test_a_token_closed_with_4410_is_expired(serve: Callable[[FakeTerminal], str]) -> None:
    async def gone(socket: WebSocketServerProtocol, received: List[Frame]) -> None:
        await socket.close(4410, "used")

    with pytest.raises(TerminalError) as caught:
        await run_command(serve(FakeTerminal(gone)), TOKEN)
    assert caught.value.code == "TERMINAL_TOKEN_EXPIRED"


@pytest.mark.asyncio
async def test_nothing_listening_is_unreachable() -> None:
    with pytest.raises(TerminalError) as caught:
        await run_command("ws://127.0.0.1:9/t", TOKEN, open_timeout=2)
    assert caught.value.code == "TERMINAL_UNREACHABLE"


@pytest.mark.asyncio
async def test_an_interactive_session_sends_receives_and_resizes(serve: Callable[[FakeTerminal], str]) -> None:
    fake = FakeTerminal(shell)
    async with await open_terminal(serve(fake), TOKEN, cols=100, rows=30) as term:
        assert term.protocol == "gpuaas.terminal.v1"
        assert await term.recv() == b"$ "  # the shell speaks first
        await term.resize(120, 40)
        await term.send("echo hi\n")
        assert await term.recv() == b"echo hi\r\n$ "
        await term.send(b"exit 4\n")
        assert [chunk async for chunk in term] == []
        assert term.exit == TerminalExit(4, None)
        assert await term.recv() is None
    assert fake.received[0] == '{"type":"resize","cols":120,"rows":40}'
    assert "cols=100&rows=30" in fake.paths[0]
    with pytest.raises(Exception, match="65535"):
        await term.resize(0, 1)


def test_an_interactive_session_from_sync_code(serve: Callable[[FakeTerminal], str]) -> None:
    with open_terminal_sync(serve(FakeTerminal(shell)), TOKEN) as term:
        assert term.recv() == b"$ "
        term.send("pwd\n")
        assert term.recv() == b"pwd\r\n$ "
        term.send("exit 0\n")
        assert term.wait() == TerminalExit(0, None)


def test_a_private_loop_is_never_the_threads_loop() -> None:
    loop = PrivateLoop()

    async def which() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    try:
        ran_on = loop.run(which())
        assert loop.run(which()) is ran_on
    finally:
        loop.close()
    assert ran_on.is_closed()
