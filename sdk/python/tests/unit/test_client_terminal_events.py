"""The client's terminal, exec, event stream and default credential, end to end inside the
process: REST through the scripted platform (conftest), the socket to a local terminal server."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, List

import httpx
import pytest

from conftest import ALLOCATION_ID, BASE, PROJECT_ID, Platform, problem
from fake_terminal import TOKEN, FakeTerminal, exits, serve, shell
from gpuaas import AsyncClient, Client, PermissionDeniedError
from gpuaas._credentials import format_time
from gpuaas.auth import CliLogin, CredentialsStore

__all__ = ["serve"]


def minted(url: str) -> httpx.Response:
    return httpx.Response(
        201, json={"token": TOKEN, "url": f"{url}?token={TOKEN}", "expires_at": "2026-01-01T00:01:00.000Z"}
    )


def test_exec_mints_a_token_for_the_command_and_returns_exit_code_and_output(
    client: Client, platform: Platform, serve: Callable[[FakeTerminal], str]
) -> None:
    fake = FakeTerminal(exits(b"GPU 0: H100\r\nwarn\r\n", code=3))
    platform.answer(minted(serve(fake)))
    result = client.allocations.exec(ALLOCATION_ID, ["sh", "-c", "nvidia-smi -L; exit 3"])
    assert (result.exit_code, result.stdout, result.stderr) == (3, "GPU 0: H100\nwarn\n", "")
    [request] = platform.requests
    assert (request.method, request.url.path) == ("POST", f"/v1/allocations/{ALLOCATION_ID}/terminal-tokens")
    assert json.loads(request.content) == {"command": ["sh", "-c", "nvidia-smi -L; exit 3"]}
    assert "idempotency-key" in request.headers
    assert TOKEN not in fake.paths[0]  # the token travelled as a subprotocol


def test_exec_refuses_a_command_given_as_one_string(client: Client) -> None:
    with pytest.raises(Exception, match="list of strings"):
        client.allocations.exec(ALLOCATION_ID, "nvidia-smi -L")


@pytest.mark.asyncio
async def test_async_exec_and_an_interactive_shell(
    aclient: AsyncClient, platform: Platform, serve: Callable[[FakeTerminal], str]
) -> None:
    platform.answer(minted(serve(FakeTerminal(exits(b"ok\r\n")))), minted(serve(FakeTerminal(shell))))
    assert (await aclient.allocations.exec(ALLOCATION_ID, ["true"])).stdout == "ok\n"
    async with aclient.terminal.open(ALLOCATION_ID, cols=90, rows=20) as term:
        assert await term.recv() == b"$ "
        await term.send("exit 5\n")
        assert await term.wait() == term.exit and term.exit is not None and term.exit.status == 5
    assert json.loads(platform.requests[1].content or b"null") is None  # a shell: no command bound


def test_sync_interactive_shell(client: Client, platform: Platform, serve: Callable[[FakeTerminal], str]) -> None:
    platform.answer(minted(serve(FakeTerminal(shell))))
    with client.terminal.open(ALLOCATION_ID) as term:
        assert term.recv() == b"$ "
        term.send("echo hi\n")
        assert term.recv() == b"echo hi\r\n$ "


def sse(event_id: str, to: str) -> bytes:
    envelope = {
        "id": event_id,
        "type": "allocation.state_changed",
        "subject": f"allocation/{ALLOCATION_ID}",
        "time": "2026-01-01T00:00:00.000Z",
        "project_id": PROJECT_ID,
        "data": {"allocation_id": ALLOCATION_ID, "to": to},
    }
    return f"id: {event_id}\nevent: allocation.state_changed\ndata: {json.dumps(envelope)}\n\n".encode()


def test_the_event_stream_sends_the_token_and_resumes_after_a_drop(client: Client, platform: Platform) -> None:
    platform.answer(
        httpx.Response(200, content=b"retry: 10\n\n" + sse("e1", "running"), headers={"content-type": "text/event-stream"}),
        httpx.Response(200, content=sse("e2", "released"), headers={"content-type": "text/event-stream"}),
        problem(403, "FORBIDDEN"),
    )
    seen: List[str] = []
    with pytest.raises(PermissionDeniedError):
        for event in client.events.stream(types=["allocation.state_changed"], project=PROJECT_ID, since="e0"):
            seen.append(event.data["to"])
    assert seen == ["running", "released"]
    first, second, third = platform.requests
    assert first.url.params["types"] == "allocation.state_changed" and first.url.params["project_id"] == PROJECT_ID
    assert first.headers["authorization"] == "Bearer tok-1" and first.headers["accept"] == "text/event-stream"
    assert [r.headers.get("last-event-id") for r in (first, second, third)] == ["e0", "e1", "e2"]


@pytest.mark.asyncio
async def test_the_async_event_stream(aclient: AsyncClient, platform: Platform) -> None:
    platform.answer(httpx.Response(200, content=sse("e1", "running")), problem(403, "FORBIDDEN"))
    seen: List[str] = []
    with pytest.raises(PermissionDeniedError):
        async for event in aclient.events.stream():
            seen.append(event.id)
    assert seen == ["e1"]


def test_a_client_without_token_uses_the_cli_login_of_its_url(
    tmp_path: Path, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GPUAAS_TOKEN", "GPUAAS_CLIENT_ID", "GPUAAS_CLIENT_SECRET", "GPUAAS_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    CredentialsStore(str(tmp_path / "gpuaas" / "credentials.json")).put(
        BASE,
        {"issuer": BASE, "client_id": "gpuaas-cli", "access_token": "from-login", "expires_at": format_time(time.time() + 600)},
    )
    platform.json({"items": [], "next_cursor": None})
    with Client(BASE + "/", transport=platform.transport) as client:
        assert isinstance(client._sender.token_source, CliLogin)
        client.catalog.list()
    assert platform.requests[0].headers["authorization"] == "Bearer from-login"
    monkeypatch.setenv("GPUAAS_TOKEN", "from-env")  # GPUAAS_TOKEN comes first, as in the CLI
    platform.json({"items": [], "next_cursor": None})
    with Client(BASE, transport=platform.transport) as client:
        client.catalog.list()
    assert platform.requests[1].headers["authorization"] == "Bearer from-env"
