"""client.apps.instances.upgrade, .update and .uninstall send what the contract describes: only the
fields given, the consent as given; a widening upgrade's refusal carries its ``consent_diff`` and a
rollback its ``runtime_code``."""

from __future__ import annotations

import httpx
import pytest

from conftest import Platform, problem
from gpuaas import AppError, AsyncClient, Client
from test_app_catalog import INSTANCE_ID, instance

DIFF = {
    "from_version": "1.0.0",
    "to_version": "2.0.0",
    "permissions_added": ["billing:read"],
    "permissions_removed": [],
    "meters_added": [],
    "meters_removed": [],
    "prices_changed": [{"item": "hourly", "from": "0.50", "to": "0.75"}],
    "widening": True,
}


def test_a_widening_upgrade_is_refused_with_its_diff_then_goes_through_with_consent(
    client: Client, platform: Platform
) -> None:
    platform.answer(problem(422, "APP_CONSENT_REQUIRED", consent_diff=DIFF))
    with pytest.raises(AppError) as refused:
        client.apps.instances.upgrade(INSTANCE_ID, version="2.0.0")
    assert refused.value.code == "APP_CONSENT_REQUIRED"
    assert refused.value.consent_diff == DIFF
    assert platform.body(0) == {"version": "2.0.0"}

    upgraded = {"from_version": "1.0.0", "to_version": "2.0.0", "outcome": "succeeded", "consent_diff": DIFF}
    platform.json(instance(version="2.0.0", upgrade=upgraded))
    diff = refused.value.consent_diff
    assert diff is not None
    answer = client.apps.instances.upgrade(
        INSTANCE_ID,
        version=diff["to_version"],
        accepted_permissions=diff["permissions_added"],
        accept_changes=True,
        parameters={"batch": 8},
        idempotency_key="upgrade-0001",
    )
    assert answer.version == "2.0.0"
    request = platform.requests[1]
    assert (request.method, request.url.path) == ("POST", f"/v1/apps/instances/{INSTANCE_ID}/upgrade")
    assert request.headers["idempotency-key"] == "upgrade-0001"
    assert platform.body(1) == {
        "version": "2.0.0",
        "accepted_permissions": ["billing:read"],
        "accept_changes": True,
        "parameters": {"batch": 8},
    }


def test_a_rolled_back_upgrade_raises_with_the_runtime_code(client: Client, platform: Platform) -> None:
    platform.answer(problem(422, "APP_UPGRADE_FAILED", runtime_code="UPGRADE_ROLLED_BACK"))
    with pytest.raises(AppError) as failed:
        client.apps.instances.upgrade(INSTANCE_ID)
    assert (failed.value.code, failed.value.runtime_code) == ("APP_UPGRADE_FAILED", "UPGRADE_ROLLED_BACK")
    assert platform.body(0) == {}


def test_update_sends_only_what_changes_and_uninstall_deletes(client: Client, platform: Platform) -> None:
    platform.json(instance(channel="beta", upgrades="automatic")).answer(httpx.Response(204))
    updated = client.apps.instances.update(INSTANCE_ID, upgrades="automatic", channel="beta")
    assert (updated.channel, updated.upgrades) == ("beta", "automatic")
    assert platform.requests[0].method == "PATCH"
    assert platform.body(0) == {"channel": "beta", "upgrades": "automatic"}
    assert client.apps.instances.uninstall(INSTANCE_ID) is None
    assert (platform.requests[1].method, platform.requests[1].url.path) == (
        "DELETE",
        f"/v1/apps/instances/{INSTANCE_ID}",
    )
    with pytest.raises(ValueError):
        client.apps.instances.update(INSTANCE_ID)


async def test_the_async_client_upgrades_updates_and_uninstalls(aclient: AsyncClient, platform: Platform) -> None:
    platform.json(instance(version="2.0.0")).json(instance(upgrades="automatic")).answer(httpx.Response(204))
    assert (await aclient.apps.instances.upgrade(INSTANCE_ID, version="2.0.0")).version == "2.0.0"
    assert (await aclient.apps.instances.update(INSTANCE_ID, upgrades="automatic")).upgrades == "automatic"
    assert await aclient.apps.instances.uninstall(INSTANCE_ID) is None
    assert [r.method for r in platform.requests] == ["POST", "PATCH", "DELETE"]
