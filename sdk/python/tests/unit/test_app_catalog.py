"""client.apps.catalog, .entitlements and .instances send what the contract describes: the app's
slash percent-encoded in the path, every page followed, projects by name, the launch's consent and
parameters as given, and refusals raised with their codes."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from conftest import ALLOCATION_ID, PROJECT_ID, Platform, problem, project
from gpuaas import AppError, AsyncClient, Client, NotFoundError
from gpuaas.__generated__ import models as m

INSTANCE_ID = "0190a1b2-c3d4-7e5f-8a9b-0000000000c1"
GRANT_ID = "0190a1b2-c3d4-7e5f-8a9b-0000000000e1"
PUBLISHER_ID = "0190a1b2-c3d4-7e5f-8a9b-0000000000f1"
DIGEST = "sha256:" + "c" * 64


def catalog_app(name: str = "acme/echo", **overrides: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "name": name,
        "publisher": {"project_id": PUBLISHER_ID, "name": name.split("/")[0]},
        "registry": "127.0.0.1:8080",
        "repository": name,
        "display_name": "Echo",
        "description": None,
        "categories": ["inference"],
        "latest_version": "1.0.0",
        "versions": [
            {
                "id": "0190a1b2-c3d4-7e5f-8a9b-0000000000a1",
                "version": "1.0.0",
                "state": "published",
                "digest": DIGEST,
                "release_reference": f"127.0.0.1:8080/release/{name}@{DIGEST}",
                "published_at": "2026-12-07T10:00:00.000Z",
                "gpu": None,
                "prices": None,
                "permissions": ["usage:write"],
                "parameters": {"batch": {"type": "integer"}},
                "endpoints": ["http"],
                "access": "free",
            }
        ],
    }
    body.update(overrides)
    return body


def grant(**overrides: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "id": GRANT_ID,
        "app": "acme/echo",
        "publisher_project_id": PUBLISHER_ID,
        "project_id": PROJECT_ID,
        "until": None,
        "active": True,
        "granted_by": "user:1",
        "granted_at": "2026-12-07T10:00:00.000Z",
        "revoked_by": None,
        "revoked_at": None,
    }
    body.update(overrides)
    return body


def instance(**overrides: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "id": INSTANCE_ID,
        "state": "launched",
        "app": "echo",
        "version": "1.0.0",
        "version_id": "0190a1b2-c3d4-7e5f-8a9b-0000000000a1",
        "project_id": PROJECT_ID,
        "allocation_id": ALLOCATION_ID,
        "reference": f"127.0.0.1:8080/release/acme/echo@{DIGEST}",
        "endpoints": [{"name": "http", "url": f"/v1/allocations/{ALLOCATION_ID}/app/endpoints/http/"}],
        "launched_by": "user:1",
        "launched_at": "2026-12-07T10:00:00.000Z",
        "ended_at": None,
    }
    body.update(overrides)
    return body


def page(*items: Dict[str, Any], next_cursor: str | None = None) -> Dict[str, Any]:
    return {"items": list(items), "next_cursor": next_cursor}


def test_catalog_lists_every_page_with_its_filters_and_gets_one_app_by_its_encoded_name(
    client: Client, platform: Platform
) -> None:
    platform.json(page(project("lab")))
    platform.json(page(catalog_app(), next_cursor="c2")).json(page(catalog_app("acme/llm")))
    apps = list(client.apps.catalog.list(project="lab", q="ec", category="inference"))
    assert [a.name for a in apps] == ["acme/echo", "acme/llm"]
    assert isinstance(apps[0], m.CatalogApp) and apps[0].versions[0].permissions == ["usage:write"]
    first, second = platform.requests[1], platform.requests[2]
    assert (first.method, first.url.path) == ("GET", "/v1/apps")
    assert dict(first.url.params) == {"project_id": PROJECT_ID, "q": "ec", "category": "inference", "limit": "100"}
    assert second.url.params["cursor"] == "c2"

    platform.json(catalog_app())
    assert client.apps.catalog.get("acme/echo", project=PROJECT_ID).latest_version == "1.0.0"
    get = platform.requests[3]
    assert get.url.raw_path.decode() == f"/v1/apps/acme%2Fecho?project_id={PROJECT_ID}"


def test_an_app_the_project_cannot_see_is_not_found(client: Client, platform: Platform) -> None:
    platform.answer(problem(404, "NOT_FOUND"))
    with pytest.raises(NotFoundError):
        client.apps.catalog.get("acme/secret", project=PROJECT_ID)


def test_entitlements_grant_until_a_date_list_by_app_and_revoke(client: Client, platform: Platform) -> None:
    platform.json(page(project("lab"))).json(grant(until="2027-01-01T00:00:00.000Z"), 201)
    granted = client.apps.entitlements.grant(
        "acme/echo", project="lab", until="2027-01-01T00:00:00Z", idempotency_key="grant-0001"
    )
    assert isinstance(granted, m.AppEntitlement) and granted.active
    assert platform.body(1) == {"app": "acme/echo", "project_id": PROJECT_ID, "until": "2027-01-01T00:00:00Z"}
    assert platform.requests[1].headers["idempotency-key"] == "grant-0001"

    platform.json(page(grant(), next_cursor="g2")).json(page(grant(id="g2", active=False)))
    listed = list(client.apps.entitlements.list(app="acme/echo"))
    assert [g.active for g in listed] == [True, False]
    assert dict(platform.requests[2].url.params) == {"app": "acme/echo", "limit": "100"}
    assert platform.requests[3].url.params["cursor"] == "g2"

    platform.json(grant(revoked_by="user:1", revoked_at="2026-12-07T11:00:00.000Z"))
    assert client.apps.entitlements.revoke(GRANT_ID).revoked_at is not None
    revoke = platform.requests[4]
    assert (revoke.method, revoke.url.path) == ("DELETE", f"/v1/apps/entitlements/{GRANT_ID}")


def test_instances_launch_with_consent_and_parameters_then_list_get_and_stop(
    client: Client, platform: Platform
) -> None:
    platform.json(instance(warnings=["deprecated"]), 201)
    launched = client.apps.instances.launch(
        project=PROJECT_ID,
        app="acme/echo",
        version="1.0.0",
        allocation_id=ALLOCATION_ID,
        parameters={"batch": 4},
        accepted_permissions=["usage:write"],
        idempotency_key="launch-0001",
    )
    assert isinstance(launched, m.AppInstance) and launched.warnings == ["deprecated"]
    assert [(e.name, e.url) for e in launched.endpoints] == [
        ("http", f"/v1/allocations/{ALLOCATION_ID}/app/endpoints/http/")
    ]
    launch = platform.requests[0]
    assert (launch.method, launch.url.path) == ("POST", "/v1/apps/instances")
    assert platform.body(0) == {
        "project_id": PROJECT_ID,
        "app": "acme/echo",
        "allocation_id": ALLOCATION_ID,
        "version": "1.0.0",
        "parameters": {"batch": 4},
        "accepted_permissions": ["usage:write"],
    }
    assert launch.headers["idempotency-key"] == "launch-0001"

    platform.json(page(instance(), next_cursor="i2")).json(page(instance(id="i2", state="stopped")))
    assert [i.state for i in client.apps.instances.list(project=PROJECT_ID)] == ["launched", "stopped"]
    assert platform.requests[2].url.params["cursor"] == "i2"

    platform.json(instance(state="ready")).json(instance(state="stopped", ended_at="2026-12-07T12:00:00.000Z"))
    assert client.apps.instances.get(INSTANCE_ID).state == "ready"
    assert client.apps.instances.stop(INSTANCE_ID).ended_at is not None
    assert [(r.method, r.url.path) for r in platform.requests[3:]] == [
        ("GET", f"/v1/apps/instances/{INSTANCE_ID}"),
        ("POST", f"/v1/apps/instances/{INSTANCE_ID}/stop"),
    ]


@pytest.mark.parametrize("code", ["APP_CONSENT_REQUIRED", "APP_NOT_ENTITLED"])
def test_a_refused_launch_raises_its_code(client: Client, platform: Platform, code: str) -> None:
    platform.answer(problem(422 if code == "APP_CONSENT_REQUIRED" else 403, code))
    with pytest.raises(AppError) as refused:
        client.apps.instances.launch(project=PROJECT_ID, app="acme/echo", allocation_id=ALLOCATION_ID)
    assert refused.value.code == code
    assert platform.body(0) == {"project_id": PROJECT_ID, "app": "acme/echo", "allocation_id": ALLOCATION_ID}


async def test_the_async_client_has_the_same_surface(aclient: AsyncClient, platform: Platform) -> None:
    platform.json(page(project("lab"))).json(page(catalog_app()))
    assert [a.name async for a in aclient.apps.catalog.list(project="lab")] == ["acme/echo"]
    platform.json(catalog_app())
    assert (await aclient.apps.catalog.get("acme/echo", project=PROJECT_ID)).name == "acme/echo"
    assert platform.requests[2].url.raw_path.decode().startswith("/v1/apps/acme%2Fecho?")

    platform.json(grant(), 201).json(page(grant())).json(grant(revoked_at="2026-12-07T11:00:00.000Z"))
    assert (await aclient.apps.entitlements.grant("acme/echo", project=PROJECT_ID)).id == GRANT_ID
    assert [g.id async for g in aclient.apps.entitlements.list(project=PROJECT_ID)] == [GRANT_ID]
    assert (await aclient.apps.entitlements.revoke(GRANT_ID)).revoked_at is not None

    platform.json(instance(), 201).json(page(instance())).json(instance(state="ready"))
    platform.json(instance(state="stopped"))
    launched = await aclient.apps.instances.launch(
        project=PROJECT_ID, app="acme/echo", allocation_id=ALLOCATION_ID, accepted_permissions=[]
    )
    assert launched.id == INSTANCE_ID and platform.body(6)["accepted_permissions"] == []
    assert [i.id async for i in aclient.apps.instances.list(project=PROJECT_ID)] == [INSTANCE_ID]
    assert (await aclient.apps.instances.get(INSTANCE_ID)).state == "ready"
    assert (await aclient.apps.instances.stop(INSTANCE_ID)).state == "stopped"
    assert platform.requests[-1].url.path == f"/v1/apps/instances/{INSTANCE_ID}/stop"
