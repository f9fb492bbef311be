"""The resource modules send the requests the contract describes and read every page."""

from __future__ import annotations

from typing import Any, Dict, List

import httpx
import pytest

from conftest import ALLOCATION_ID, BASE, PROJECT_ID, Platform, allocation, project
from gpuaas import (
    AllocationEndedError,
    AsyncClient,
    Client,
    NameAmbiguousError,
    NotFoundError,
    WaitTimeoutError,
)

OTHER_ID = "0190a1b2-c3d4-7e5f-8a9b-bbbbbbbbbbbb"


def page(items: List[Dict[str, Any]], next_cursor: str | None = None) -> Dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}


def test_create_resolves_a_project_name_across_pages_and_sends_the_contract_body(
    client: Client, platform: Platform
) -> None:
    platform.json(page([project("other", OTHER_ID)], "c2")).json(page([project("demo")]))
    platform.json(allocation(), 201)
    created = client.allocations.create(
        gpus=2, project="demo", models=["h100-80gb"], ttl="2h", idle_timeout=600, priority=5, name="train"
    )
    assert created.id == ALLOCATION_ID and created.state == "queued"
    first, second, create = platform.requests
    assert first.url.params["limit"] == "100" and "cursor" not in first.url.params
    assert second.url.params["cursor"] == "c2"
    assert (create.method, create.url.path) == ("POST", "/v1/allocations")
    assert create.headers["content-type"] == "application/json"
    assert platform.body(2) == {
        "project_id": PROJECT_ID,
        "gpus": {"count": 2, "models": ["h100-80gb"]},
        "name": "train",
        "ttl": "2h",
        "idle_timeout": "600",
        "priority": 5,
    }


def test_a_project_id_is_used_without_a_lookup(client: Client, platform: Platform) -> None:
    platform.json(allocation(), 201)
    client.allocations.create(gpus=1, project=PROJECT_ID)
    assert len(platform.requests) == 1
    assert platform.body(0) == {"project_id": PROJECT_ID, "gpus": {"count": 1}}


def test_an_ambiguous_or_unknown_project_name_is_refused(client: Client, platform: Platform) -> None:
    platform.json(page([project("demo"), project("demo", OTHER_ID)]))
    with pytest.raises(NameAmbiguousError) as ambiguous:
        client.allocations.create(gpus=1, project="demo")
    assert {c["id"] for c in ambiguous.value.candidates} == {PROJECT_ID, OTHER_ID}
    assert ambiguous.value.code == "NAME_AMBIGUOUS"
    platform.json(page([]))
    with pytest.raises(NotFoundError):
        client.allocations.create(gpus=1, project="nope")
    assert all(r.method == "GET" for r in platform.requests)


def test_list_iterates_every_page_lazily(client: Client, platform: Platform) -> None:
    platform.json(page([allocation("running")], "next-1")).json(page([allocation("queued", id=OTHER_ID)]))
    items = client.allocations.list(project=PROJECT_ID, state=["running", "queued"])
    assert platform.requests == []  # nothing is sent before iterating
    states = [a.state for a in items]
    assert states == ["running", "queued"]
    first, second = platform.requests
    assert first.url.params["project_id"] == PROJECT_ID
    assert first.url.params["state"] == "running,queued"
    assert second.url.params["cursor"] == "next-1" and second.url.params["state"] == "running,queued"


def test_wait_until_running_returns_the_running_allocation(client: Client, platform: Platform) -> None:
    platform.json(allocation("queued")).json(allocation("provisioning")).json(allocation("running"))
    running = client.allocations.wait_until_running(ALLOCATION_ID, poll_interval=0)
    assert running.state == "running" and len(platform.requests) == 3


@pytest.mark.parametrize("final", ["failed", "released", "preempted"])
def test_wait_until_running_raises_when_the_allocation_ends(client: Client, platform: Platform, final: str) -> None:
    platform.json(allocation("scheduled")).json(allocation(final, state_reason="node_lost"))
    with pytest.raises(AllocationEndedError) as caught:
        client.allocations.wait_until_running(ALLOCATION_ID, poll_interval=0)
    assert caught.value.code == "ALLOCATION_ENDED"
    assert caught.value.allocation.state == final
    assert "node_lost" in str(caught.value)


def test_wait_until_running_times_out_with_the_last_state(client: Client, platform: Platform) -> None:
    platform.answer(*[httpx.Response(200, json=allocation("queued", pending_reason="no_capacity"))] * 50)
    with pytest.raises(WaitTimeoutError) as caught:
        client.allocations.wait_until_running(ALLOCATION_ID, timeout=0.05, poll_interval=0.01)
    assert caught.value.code == "WAIT_TIMEOUT"
    assert caught.value.last.pending_reason == "no_capacity"
    assert "no_capacity" in str(caught.value)


def test_release_with_wait_follows_until_ended(client: Client, platform: Platform) -> None:
    platform.json(allocation("releasing")).json(allocation("releasing")).json(allocation("released"))
    released = client.allocations.release(ALLOCATION_ID, wait=True)
    assert released.state == "released"
    assert [r.url.path for r in platform.requests] == [f"/v1/allocations/{ALLOCATION_ID}/release"] + [
        f"/v1/allocations/{ALLOCATION_ID}"
    ] * 2


def test_catalog_lists_gpu_models(client: Client, platform: Platform) -> None:
    sku = {
        "id": "h100-80gb",
        "model": "NVIDIA H100 80GB HBM3",
        "memory_gib": 80,
        "interconnect": "nvlink",
        "price_per_gpu_hour_micros": "2500000",
        "currency": "USD",
        "regions": ["local"],
        "total": 8,
        "available": 6,
        "max_per_allocation": 6,
    }
    platform.json(page([sku]))
    [gpu] = client.catalog.list(region="local")
    assert (gpu.id, gpu.available, gpu.memory_gib) == ("h100-80gb", 6, 80)
    assert platform.requests[0].url.params["region"] == "local"


def test_project_update_sends_the_etag_of_a_fresh_read(client: Client, platform: Platform) -> None:
    platform.answer(httpx.Response(200, json=project("demo"), headers={"etag": '"v7"'}))
    platform.json(project("renamed"))
    updated = client.projects.update(PROJECT_ID, name="renamed", description=None)
    assert updated.name == "renamed"
    patch = platform.requests[1]
    assert patch.method == "PATCH" and patch.headers["if-match"] == '"v7"'
    assert platform.body(1) == {"name": "renamed", "description": None}


def test_set_role_finds_a_member_by_email(client: Client, platform: Platform) -> None:
    member = {
        "project_id": PROJECT_ID,
        "user_id": OTHER_ID,
        "email": "ada@example.com",
        "role": "viewer",
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
    }
    platform.json(page([member])).json({**member, "role": "member"})
    changed = client.iam.set_role(PROJECT_ID, "Ada@example.com", "member")
    assert changed.role == "member"
    update = platform.requests[1]
    assert update.url.path == f"/v1/projects/{PROJECT_ID}/members/{OTHER_ID}"
    assert update.headers["if-match"] == "*" and platform.body(1) == {"role": "member"}


def test_delete_answers_nothing(client: Client, platform: Platform) -> None:
    platform.answer(httpx.Response(204))
    assert client.service_accounts.revoke(PROJECT_ID, OTHER_ID) is None
    assert platform.requests[0].method == "DELETE"


async def test_async_client_has_the_same_surface(aclient: AsyncClient, platform: Platform) -> None:
    platform.json(page([project("demo")]))
    platform.json(allocation(), 201)
    platform.json(allocation("provisioning")).json(allocation("running"))
    platform.json(page([project("demo")]))
    platform.json(page([allocation("running")], "n")).json(page([allocation("queued", id=OTHER_ID)]))
    async with aclient as client:
        created = await client.allocations.create(gpus=1, project="demo")
        running = await client.allocations.wait_until_running(created.id, poll_interval=0)
        ids = [a.id async for a in client.allocations.list(project="demo")]
    assert running.state == "running"
    assert ids == [ALLOCATION_ID, OTHER_ID]
    assert platform.body(1) == {"project_id": PROJECT_ID, "gpus": {"count": 1}}
    assert platform.requests[-1].url.params["cursor"] == "n"


def test_client_is_a_context_manager_and_closes_its_pool(platform: Platform) -> None:
    with Client(BASE, "t", transport=platform.transport) as client:
        pass
    assert client._sender.http.is_closed
