"""The SDK against a real `gpuaas-platform serve` (local node agent, simulated GPUs, bubblewrap
sandboxes), started by test/python-sdk.e2e.test.ts, which passes:

- GPUAAS_API_URL: the platform; GPUAAS_TEST_BOOTSTRAP_TOKEN: a token minted with
  `gpuaas-platform token --user … --project demo` (the project's owner);
- GPUAAS_TEST_EMAIL / GPUAAS_TEST_PASSWORD: a local user who is a member of `demo`, and
  GPUAAS_TEST_BROWSER: a command that plays that user's browser (test/support/login-browser.mjs);
- GPUAAS_TEST_CLI: the command of the TypeScript `gpuaas` CLI, to check the shared login cache.

Without GPUAAS_TEST_BOOTSTRAP_TOKEN (a plain `pytest sdk/python/tests`) the module is skipped.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import threading
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest

from gpuaas import AsyncClient, Client, Event, GpuaasError
from gpuaas.auth import (
    CliLogin,
    ClientCredentials,
    CredentialsStore,
    DevicePrompt,
    login_with_device_code,
    login_with_pkce,
)

API_URL = os.environ.get("GPUAAS_API_URL", "")
BOOTSTRAP = os.environ.get("GPUAAS_TEST_BOOTSTRAP_TOKEN", "")
pytestmark = pytest.mark.skipif(BOOTSTRAP == "", reason="needs the platform that test/python-sdk.e2e.test.ts starts")

#: What the scripts below need, and no more: a service account gets exactly these.
SCOPES = ["projects:read", "catalog:read", "allocations:read", "allocations:write", "terminal:open", "events:read"]
COMMAND = ["sh", "-c", "nvidia-smi -L; echo to-stderr >&2; exit 3"]


def check_journey(client: Client) -> None:
    """catalog → create → wait until running → exec (output, exit code) → list → release."""
    models = client.catalog.list()
    assert "h100-80gb" in [m.id for m in models]
    created = client.allocations.create(gpus=1, project="demo", ttl="1h")
    assert created.state in ("queued", "scheduled", "provisioning", "running")
    try:
        running = client.allocations.wait_until_running(created.id, timeout=60)
        assert running.id == created.id and running.state == "running"
        result = client.allocations.exec(created.id, COMMAND)
        assert result.exit_code == 3
        assert result.stdout.startswith("GPU 0: ") and "to-stderr\n" in result.stdout  # one pty stream
        assert result.stderr == ""
        assert created.id in [a.id for a in client.allocations.list(project="demo")]
    finally:
        client.allocations.release(created.id)
    assert client.allocations.wait_until_ended(created.id, timeout=60).state == "released"


async def acheck_journey(client: AsyncClient) -> None:
    models = await client.catalog.list()
    assert "h100-80gb" in [m.id for m in models]
    created = await client.allocations.create(gpus=1, project="demo", ttl="1h")
    try:
        running = await client.allocations.wait_until_running(created.id, timeout=60)
        assert running.state == "running"
        result = await client.allocations.exec(created.id, COMMAND)
        assert (result.exit_code, result.stderr) == (3, "")
        assert result.stdout.startswith("GPU 0: ")
        async with client.terminal.open(created.id, cols=100, rows=30) as shell:
            await shell.send('echo "sum=$((6*7))"; exit 4\n')
            screen = b"".join([chunk async for chunk in shell]).decode()
            assert shell.exit is not None and shell.exit.status == 4
            assert "sum=42" in screen
        assert created.id in [a.id async for a in client.allocations.list(project="demo")]
    finally:
        await client.allocations.release(created.id)
    assert (await client.allocations.wait_until_ended(created.id, timeout=60)).state == "released"


@pytest.fixture(scope="module")
def service_account() -> Iterator[ClientCredentials]:
    with Client(API_URL, BOOTSTRAP) as owner:
        created = owner.service_accounts.create("demo", f"py-{uuid.uuid4().hex[:8]}", SCOPES)
    yield ClientCredentials(
        issuer=API_URL, client_id=created.client_id, client_secret=created.client_secret, scope=" ".join(SCOPES)
    )


def test_the_journey_with_a_bootstrap_token() -> None:
    with Client(base_url=API_URL, token=BOOTSTRAP) as client:
        check_journey(client)


async def test_the_journey_with_a_bootstrap_token_async() -> None:
    async with AsyncClient(base_url=API_URL, token=BOOTSTRAP) as client:
        await acheck_journey(client)


def test_the_journey_with_client_credentials(service_account: ClientCredentials) -> None:
    with Client(API_URL, token_source=service_account) as client:
        check_journey(client)


async def test_the_journey_with_client_credentials_async(service_account: ClientCredentials) -> None:
    async with AsyncClient(API_URL, token_source=service_account) as client:
        await acheck_journey(client)


async def test_the_event_stream_shows_each_state_change_and_resumes_after_an_event(
    service_account: ClientCredentials,
) -> None:
    async with AsyncClient(API_URL, token_source=service_account) as client:
        created_ids: List[str] = []
        project_id = await client.projects.resolve_id("demo")

        async def follow() -> List[Event]:
            events: List[Event] = []
            async for event in client.events.stream(types=["allocation.state_changed"], project=project_id):
                events.append(event)
                if event.data.get("allocation_id") in created_ids and event.data.get("to") == "released":
                    break
            return events

        following = asyncio.create_task(follow())
        await asyncio.sleep(2)  # the stream starts at the current end: be connected first
        created = await client.allocations.create(gpus=1, project="demo")
        created_ids.append(created.id)
        await client.allocations.wait_until_running(created.id, timeout=60)
        await client.allocations.release(created.id, wait=True, timeout=60)
        mine = [e for e in await asyncio.wait_for(following, 30) if e.data.get("allocation_id") == created.id]
        states = [e.data["to"] for e in mine]
        assert "running" in states and states[-1] == "released"
        after_running = states[states.index("running") + 1 :]
        since = next(e.id for e in mine if e.data["to"] == "running")

    # Resuming after an event id replays what followed it (Last-Event-ID), sync and async.
    def resumed_sync(out: List[str]) -> None:
        with Client(API_URL, token_source=service_account) as client:
            for event in client.events.stream(types=["allocation.state_changed"], since=since):
                out.append(event.data["to"])
                if event.data["to"] == "released":
                    return

    replayed: List[str] = []
    reader = threading.Thread(target=resumed_sync, args=(replayed,), daemon=True)
    reader.start()
    reader.join(20)
    assert replayed == after_running

    async def resumed_async() -> List[str]:
        out: List[str] = []
        async with AsyncClient(API_URL, token_source=service_account) as client:
            async for event in client.events.stream(types=["allocation.state_changed"], since=since):
                out.append(event.data["to"])
                if event.data["to"] == "released":
                    return out
        return out

    assert await asyncio.wait_for(resumed_async(), 20) == after_running


def test_refusals_are_typed_errors_with_code_status_and_correlation_id() -> None:
    with Client(API_URL, BOOTSTRAP) as client:
        with pytest.raises(GpuaasError) as caught:
            client.allocations.create(gpus=64, project="demo")
    assert (caught.value.code, caught.value.status) == ("ALLOCATION_UNSATISFIABLE", 422)
    assert caught.value.correlation_id


# --- the logins a person does, sharing the TypeScript CLI's credential cache ------------------------


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("GPUAAS_TOKEN", "GPUAAS_CLIENT_ID", "GPUAAS_CLIENT_SECRET", "GPUAAS_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path


def play_browser(url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*shlex.split(os.environ["GPUAAS_TEST_BROWSER"]), url])


def cli(*args: str) -> str:
    done = subprocess.run([*shlex.split(os.environ["GPUAAS_TEST_CLI"]), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_pkce_login_is_stored_where_the_cli_reads_it_and_refreshed_like_the_cli(config_home: Path) -> None:
    browsers: List[subprocess.Popen[bytes]] = []

    def open_browser(url: str) -> bool:
        browsers.append(play_browser(url))
        return True

    session = login_with_pkce(API_URL, open_browser=open_browser)
    assert browsers[0].wait(30) == 0
    assert session.email == os.environ["GPUAAS_TEST_EMAIL"] and session.refresh_token
    status = json.loads(cli("auth", "status", "--json", "--api-url", API_URL))
    assert status["source"] == "login" and status["email"] == session.email

    # `Client()` with no token uses that login; an expired access token is refreshed with the
    # refresh token (which rotates) and written back where the CLI reads it.
    store = CredentialsStore(str(config_home / "gpuaas" / "credentials.json"))
    stale = dict(store.raw_session(API_URL) or {}, expires_at="2000-01-01T00:00:00.000Z")
    store.put(API_URL, stale)
    with Client(API_URL) as client:
        assert isinstance(client._sender.token_source, CliLogin)
        assert "demo" in [p.name for p in client.projects.list()]
    refreshed = store.raw_session(API_URL) or {}
    assert refreshed["refresh_token"] != stale["refresh_token"] and refreshed["access_token"] != stale["access_token"]
    assert "demo" in cli("projects", "list", "--api-url", API_URL)  # the CLI goes on with the rotated token


def test_device_login_is_stored_for_the_cli(config_home: Path) -> None:
    browsers: List[subprocess.Popen[bytes]] = []

    def on_prompt(prompt: DevicePrompt) -> None:
        assert prompt.verification_uri_complete is not None
        browsers.append(play_browser(prompt.verification_uri_complete))

    session = login_with_device_code(API_URL, on_prompt=on_prompt)
    assert browsers[0].wait(30) == 0
    assert session.email == os.environ["GPUAAS_TEST_EMAIL"]
    assert json.loads(cli("auth", "status", "--json", "--api-url", API_URL))["source"] == "login"
