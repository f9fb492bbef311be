"""client.apps sends what the contract describes: publisher keys, registration (a rejection is an
answer, not an error), versions named by id or REF@DIGEST (never by tag), and the review."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from conftest import PROJECT_ID, Platform, problem, project
from gpuaas import AppError, AsyncClient, Client, NameAmbiguousError, NotFoundError
from gpuaas.apps import AppVersionDetail, parse_version_reference
from gpuaas.__generated__ import models as m

DIGEST = "sha256:" + "a" * 64
KEY_ID = "b" * 64
V1 = "0190a1b2-c3d4-7e5f-8a9b-0000000000a1"
V2 = "0190a1b2-c3d4-7e5f-8a9b-0000000000a2"


def version(version_id: str = V1, **overrides: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "id": version_id,
        "project_id": PROJECT_ID,
        "registry": "127.0.0.1:8080",
        "repository": "acme/llm",
        "reference": f"127.0.0.1:8080/acme/llm@{DIGEST}",
        "tag": "1.0.0",
        "digest": DIGEST,
        "app": "llm",
        "version": "1.0.0",
        "state": "verified",
        "signer_key_id": KEY_ID,
        "errors": None,
        "permissions": ["usage:write"],
        "submitted_by": "user:1",
        "submitted_at": "2026-12-07T10:00:00.000Z",
        "updated_at": "2026-12-07T10:00:00.000Z",
        "reviewed_by": None,
        "reviewed_at": None,
        "reason": None,
        "approval": None,
        "release_reference": None,
        "revoked_at": None,
    }
    body.update(overrides)
    return body


def key(**overrides: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "id": "pk1",
        "project_id": PROJECT_ID,
        "key_id": KEY_ID,
        "kind": "key",
        "name": "ci",
        "public_key": "-----BEGIN PUBLIC KEY-----\n…",
        "issuer": None,
        "subject": None,
        "created_by": "user:1",
        "created_at": "2026-12-07T10:00:00.000Z",
        "retired_at": None,
    }
    body.update(overrides)
    return body


def page(*items: Dict[str, Any], next_cursor: str | None = None) -> Dict[str, Any]:
    return {"items": list(items), "next_cursor": next_cursor}


def test_keys_add_by_project_name_list_every_page_and_retire(client: Client, platform: Platform) -> None:
    platform.json(page(project("acme"))).json(key(), 201)
    added = client.apps.keys.add(project="acme", public_key="PEM", name="ci", idempotency_key="key-0001")
    assert isinstance(added, m.PublisherKey) and added.key_id == KEY_ID
    assert platform.body(1) == {"project_id": PROJECT_ID, "name": "ci", "public_key": "PEM"}
    assert platform.requests[1].headers["idempotency-key"] == "key-0001"

    platform.json(key(kind="keyless", public_key=None, issuer="https://i.test", subject="ci"), 201)
    client.apps.keys.add(project=PROJECT_ID, issuer="https://i.test", subject="ci")
    assert platform.body(2) == {"project_id": PROJECT_ID, "issuer": "https://i.test", "subject": "ci"}

    platform.json(page(key(), next_cursor="n")).json(page(key(id="pk2", retired_at="2026-12-07T11:00:00.000Z")))
    keys = list(client.apps.keys.list(project=PROJECT_ID))
    assert [k.id for k in keys] == ["pk1", "pk2"] and keys[1].retired_at is not None
    assert platform.requests[4].url.params["cursor"] == "n"

    platform.json(key(retired_at="2026-12-07T11:00:00.000Z"))
    client.apps.keys.retire(KEY_ID, project=PROJECT_ID)
    retire = platform.requests[5]
    assert (retire.method, retire.url.path) == ("POST", f"/v1/apps/keys/{KEY_ID}/retire")
    assert retire.url.params["project_id"] == PROJECT_ID


def test_a_key_needs_a_public_key_or_an_identity_and_a_bad_one_is_publisher_key_invalid(
    client: Client, platform: Platform
) -> None:
    with pytest.raises(ValueError):
        client.apps.keys.add(project=PROJECT_ID)
    with pytest.raises(ValueError):
        client.apps.keys.add(project=PROJECT_ID, public_key="PEM", issuer="https://i.test", subject="s")
    with pytest.raises(ValueError):
        client.apps.keys.add(project=PROJECT_ID, issuer="https://i.test")
    assert platform.requests == []
    platform.answer(problem(422, "PUBLISHER_KEY_INVALID"))
    with pytest.raises(AppError) as invalid:
        client.apps.keys.add(project=PROJECT_ID, public_key="not a key")
    assert invalid.value.code == "PUBLISHER_KEY_INVALID"


def test_register_returns_a_rejected_version_with_its_errors(client: Client, platform: Platform) -> None:
    rejected = version(
        state="rejected",
        signer_key_id=None,
        errors=[{"code": "APP_SIGNER_UNKNOWN", "message": "signed by an unregistered key"}],
    )
    platform.json(rejected, 201)
    got = client.apps.versions.register(project=PROJECT_ID, reference="127.0.0.1:8080/acme/llm:1.0.0")
    assert got.state == "rejected"
    assert [e.code for e in got.errors or []] == ["APP_SIGNER_UNKNOWN"]
    assert platform.body(0) == {"project_id": PROJECT_ID, "reference": "127.0.0.1:8080/acme/llm:1.0.0"}


def test_versions_list_every_page_with_filters(client: Client, platform: Platform) -> None:
    platform.json(page(version(V1), next_cursor="n")).json(page(version(V2)))
    ids = [v.id for v in client.apps.versions.list(state="verified", repository="acme/llm")]
    assert ids == [V1, V2]
    first = platform.requests[0].url.params
    assert (first["state"], first["repository"], first["limit"]) == ("verified", "acme/llm", "100")
    assert "project_id" not in first


def test_get_by_ref_at_digest_lists_the_repository_and_reads_the_detail(client: Client, platform: Platform) -> None:
    other = version("elsewhere", registry="mirror.test")
    older = version("older", digest="sha256:" + "f" * 64)
    diff = {
        "permissions": {"added": ["storage:write"], "removed": []},
        "meters": {"added": [], "removed": []},
        "prices": [{"field": "hourlyPrice", "before": "0.50", "after": "0.75"}],
        "gpu": [],
    }
    detail = {
        **version(V1),
        "manifest": {"name": "llm"},
        "previous_approved": {"id": "older", "version": "0.9.0", "digest": older["digest"]},
        "diff": diff,
    }
    platform.json(page(other, version(V1), older)).json(detail)
    got = client.apps.versions.get(f"127.0.0.1:8080/acme/llm:1.0.0@{DIGEST}")
    assert isinstance(got, AppVersionDetail)
    assert (got.id, got.state, got.permissions) == (V1, "verified", ["usage:write"])
    assert got.diff is not None and got.diff.permissions.added == ["storage:write"]
    assert got.previous_approved is not None
    assert (got.previous_approved.version, got.previous_approved.digest) == ("0.9.0", older["digest"])
    assert got.to_dict()["manifest"] == {"name": "llm"}
    listing, read = platform.requests
    assert listing.url.params["repository"] == "acme/llm"
    assert read.url.path == f"/v1/apps/versions/{V1}"


def test_a_release_reference_names_the_version_it_was_promoted_from(client: Client, platform: Platform) -> None:
    platform.json(page()).json(page(version(V1)))
    assert client.apps.versions.resolve_id(f"127.0.0.1:8080/release/acme/llm:1.0.0@{DIGEST}") == V1
    assert [r.url.params["repository"] for r in platform.requests] == ["release/acme/llm", "acme/llm"]


def test_versions_are_never_named_by_tag_and_unknown_digests_are_not_found(client: Client, platform: Platform) -> None:
    assert parse_version_reference(f"r.test:5000/acme/llm:1.0@{DIGEST}") == ("r.test:5000", "acme/llm", DIGEST)
    for bad in ["r.test/acme/llm:1.0", "r.test/acme/llm@latest", f"llm@{DIGEST}"]:
        with pytest.raises(ValueError):
            parse_version_reference(bad)
    with pytest.raises(ValueError):
        client.apps.versions.get("r.test/acme/llm@latest")
    assert platform.requests == []
    assert client.apps.versions.resolve_id(V2) == V2
    with pytest.raises(ValueError):
        client.apps.versions.resolve_id("127.0.0.1:8080/acme/llm:1.0.0")
    platform.json(page(version(V1, digest="sha256:" + "e" * 64)))
    with pytest.raises(NotFoundError) as missing:
        client.apps.versions.get(f"127.0.0.1:8080/acme/llm@{DIGEST}")
    assert missing.value.status == 404
    platform.json(page(version("a", registry="one.test"), version("b", registry="two.test")))
    with pytest.raises(NameAmbiguousError):
        client.apps.versions.resolve_id(f"127.0.0.1:8080/acme/llm@{DIGEST}")


def test_review_sends_one_action_per_version(client: Client, platform: Platform) -> None:
    for state in ["approved", "approved", "rejected", "published", "deprecated", "revoked"]:
        platform.json(version(state=state))
    assert client.apps.review.approve(V1).state == "approved"
    client.apps.review.approve(V1, scope="project", scope_id=PROJECT_ID)
    client.apps.review.reject(V1, reason="unsafe")
    client.apps.review.publish(V1)
    client.apps.review.deprecate(V1, reason="use 2.0")
    client.apps.review.revoke(V1, reason="leaked key", stop_running=True)
    sent = [(r.url.path.rsplit("/", 1)[1], r.content and platform.body(i)) for i, r in enumerate(platform.requests)]
    assert sent == [
        ("approve", {"scope": "platform"}),
        ("approve", {"scope": "project", "scope_id": PROJECT_ID}),
        ("reject", {"reason": "unsafe"}),
        ("publish", b""),
        ("deprecate", {"reason": "use 2.0"}),
        ("revoke", {"reason": "leaked key", "stop_running": True}),
    ]
    with pytest.raises(ValueError):
        client.apps.review.approve(V1, scope="organization")
    platform.answer(problem(409, "APP_VERSION_STATE_CONFLICT"))
    with pytest.raises(AppError) as conflict:
        client.apps.review.publish(V1)
    assert conflict.value.code == "APP_VERSION_STATE_CONFLICT"


def test_trust_reads_the_approval_key(client: Client, platform: Platform) -> None:
    platform.json({"approval_key": {"key_id": KEY_ID, "public_key": "PEM"}, "predicate_type": "p"})
    trust = client.apps.trust()
    assert (trust.approval_key.key_id, trust.predicate_type) == (KEY_ID, "p")


async def test_the_async_client_has_the_same_surface(aclient: AsyncClient, platform: Platform) -> None:
    platform.json(version(), 201).json(page(version(V1))).json({**version(V1), "manifest": None, "previous_approved": None, "diff": None})
    platform.json(version(state="approved")).json(page(key()))
    registered = await aclient.apps.versions.register(project=PROJECT_ID, reference="127.0.0.1:8080/acme/llm:1.0.0")
    assert registered.state == "verified"
    detail = await aclient.apps.versions.get(f"127.0.0.1:8080/acme/llm@{DIGEST}")
    assert detail.diff is None and detail.id == V1
    assert (await aclient.apps.review.approve(V1)).state == "approved"
    assert [k.key_id async for k in aclient.apps.keys.list(project=PROJECT_ID)] == [KEY_ID]
