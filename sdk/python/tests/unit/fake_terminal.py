"""A local `gpuaas.terminal.v1` server for the tests (websockets), on its own thread and loop so
that sync clients can use it too."""

from __future__ import annotations

import asyncio
import json
import threading
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Iterator, List, Optional, Tuple, Union

import pytest
import websockets
from websockets.datastructures import Headers
from websockets.legacy.server import WebSocketServerProtocol

TOKEN = "tt_0123456789abcdef"
Frame = Union[str, bytes]
Script = Callable[[WebSocketServerProtocol, List[Frame]], Awaitable[None]]


class FakeTerminal:
    """Accepts `gpuaas.terminal.v1` with the token as a subprotocol and runs `script`; records
    what the client sent and the path it asked for."""

    def __init__(self, script: Script, refuse: Optional[HTTPStatus] = None) -> None:
        self.script = script
        self.refuse = refuse
        self.received: List[Frame] = []
        self.paths: List[str] = []
        self.offered: List[List[str]] = []

    async def process_request(self, path: str, headers: Headers) -> Optional[Tuple[HTTPStatus, List[Tuple[str, str]], bytes]]:
        self.paths.append(path)
        self.offered.append([p.strip() for p in headers.get("sec-websocket-protocol", "").split(",")])
        if self.refuse is not None:
            return self.refuse, [], b"refused"
        return None

    async def handler(self, socket: WebSocketServerProtocol, path: str = "") -> None:
        if f"gpuaas.token.{TOKEN}" not in self.offered[-1]:
            await socket.close(4401, "no token")
            return
        await self.script(socket, self.received)

    def serve(self) -> Any:
        return websockets.serve(  # type: ignore[attr-defined]
            self.handler, "127.0.0.1", 0, subprotocols=["gpuaas.terminal.v1"], process_request=self.process_request
        )


async def until_eof(socket: WebSocketServerProtocol, received: List[Frame]) -> None:
    async for frame in socket:
        received.append(frame)
        if frame == '{"type":"eof"}':
            return


def exits(output: bytes, code: Optional[int] = 0, signal: Optional[str] = None) -> Script:
    async def script(socket: WebSocketServerProtocol, received: List[Frame]) -> None:
        await until_eof(socket, received)
        for i in range(0, len(output), 3):  # in small chunks, as a pty delivers them
            await socket.send(output[i : i + 3])
        await socket.send(json.dumps({"type": "exit", "code": code, "signal": signal}))
        await socket.close(1000)

    return script


@pytest.fixture
def serve() -> Iterator[Callable[[FakeTerminal], str]]:
    """Starts a fake terminal on its own thread and loop (so sync clients can use it too)."""
    loop = asyncio.new_event_loop()
    servers: List[Any] = []
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def start(fake: FakeTerminal) -> str:
        async def up() -> Any:
            return await fake.serve()

        server = asyncio.run_coroutine_threadsafe(up(), loop).result(5)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/v1/allocations/a1/terminal"

    yield start
    for server in servers:
        server.close()
        asyncio.run_coroutine_threadsafe(server.wait_closed(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


async def shell(socket: WebSocketServerProtocol, received: List[Frame]) -> None:
    """A tiny shell: echoes input lines, `exit N` ends it; control messages are recorded."""
    await socket.send(b"$ ")
    async for frame in socket:
        received.append(frame)
        if isinstance(frame, bytes):
            line = frame.decode().strip()
            if line.startswith("exit"):
                await socket.send(json.dumps({"type": "exit", "code": int(line.split()[1]), "signal": None}))
                await socket.close(1000)
                return
            await socket.send(f"{line}\r\n$ ".encode())
