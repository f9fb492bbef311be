"""client.apps.instances.launch without an allocation (the platform creates one from the app's
profile, or ``gpus``), with ``secrets`` sent only in their own field, and ``wait_until_ready``
following a pending instance to its app's ready state or raising its failure's code."""

from __future__ import annotations

import pytest

from conftest import ALLOCATION_ID, PROJECT_ID, Platform
from gpuaas import AppError, AsyncClient, Client, WaitTimeoutError
from test_app_catalog import INSTANCE_ID, instance


def test_launch_without_an_allocation_sends_the_profile_override_and_the_secrets(
    client: Client, platform: Platform
) -> None:
    platform.json(instance(state="pending"), 201)
    launched = client.apps.instances.launch(
        project=PROJECT_ID,
        app="acme/echo",
        parameters={"batch": 4},
        secrets={"token": "s3cret"},
        gpus={"count": 2, "models": ["h100-80gb"]},
        ttl="8h",
        channel="beta",
        upgrades="automatic",
        accepted_permissions=["usage:write"],
    )
    assert launched.state == "pending"
    assert platform.body(0) == {
        "project_id": PROJECT_ID,
        "app": "acme/echo",
        "parameters": {"batch": 4},
        "accepted_permissions": ["usage:write"],
        "secrets": {"token": "s3cret"},
        "gpus": {"count": 2, "models": ["h100-80gb"]},
        "ttl": "8h",
        "channel": "beta",
        "upgrades": "automatic",
    }


def test_wait_until_ready_follows_pending_then_launching_to_ready(client: Client, platform: Platform) -> None:
    platform.json(instance(state="pending")).json(instance(state="launching")).json(instance(state="ready"))
    ready = client.apps.instances.wait_until_ready(INSTANCE_ID, poll_interval=0)
    assert ready.state == "ready" and len(platform.requests) == 3


def test_wait_until_ready_raises_the_failure_code_unchanged(client: Client, platform: Platform) -> None:
    failure = {"code": "HOOK_FAILED", "detail": "the install hook exited 1"}
    platform.json(instance(state="failed", failure=failure, ended_at="2026-12-07T12:00:00.000Z"))
    with pytest.raises(AppError) as failed:
        client.apps.instances.wait_until_ready(INSTANCE_ID, poll_interval=0)
    assert failed.value.code == "HOOK_FAILED"
    assert "the install hook exited 1" in str(failed.value)


def test_wait_until_ready_times_out_with_the_last_state(client: Client, platform: Platform) -> None:
    platform.json(instance(state="pending"))
    with pytest.raises(WaitTimeoutError) as late:
        client.apps.instances.wait_until_ready(INSTANCE_ID, timeout=0, poll_interval=0)
    assert late.value.last.state == "pending"


async def test_the_async_wait(aclient: AsyncClient, platform: Platform) -> None:
    platform.json(instance(state="pending", allocation_id=ALLOCATION_ID)).json(instance(state="ready"))
    assert (await aclient.apps.instances.wait_until_ready(INSTANCE_ID, poll_interval=0)).state == "ready"
