"""client.storage sends what the contract describes, resolves names, and maps storage refusals."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from conftest import PROJECT_ID, Platform, project, problem
from gpuaas import AsyncClient, Client, StorageError
from gpuaas.storage import volume_mount
from gpuaas.__generated__ import models as m

VOLUME_ID = "01a250ac-0000-7000-8000-000000000001"
SNAPSHOT_ID = "01a250ac-0000-7000-8000-000000000002"


def volume(name: str = "data", size: int = 1, **overrides: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {
        "id": VOLUME_ID,
        "project_id": PROJECT_ID,
        "name": name,
        "size_gib": size,
        "site": "local",
        "storage_class": "local",
        "state": "available",
        "attachments": [],
        "source_snapshot_id": None,
        "created_by": "user:u1",
        "created_at": "2026-12-07T10:00:00.000Z",
        "updated_at": "2026-12-07T10:00:00.000Z",
    }
    base.update(overrides)
    return base


def snapshot(name: str = "snap-1") -> Dict[str, Any]:
    return {
        "id": SNAPSHOT_ID,
        "project_id": PROJECT_ID,
        "volume_id": VOLUME_ID,
        "name": name,
        "size_gib": 1,
        "site": "local",
        "created_by": "user:u1",
        "created_at": "2026-12-07T10:00:00.000Z",
    }


def test_creates_resizes_and_snapshots_by_name(client: Client, platform: Platform) -> None:
    platform.json({"items": [project("demo")], "next_cursor": None})
    platform.json(volume(), status=201)
    got = client.storage.create_volume(project="demo", name="data", size_gib=1, idempotency_key="key-0001")
    assert isinstance(got, m.StorageVolume)
    assert (got.name, got.size_gib, got.state) == ("data", 1, "available")
    assert platform.requests[1].method == "POST"
    assert platform.requests[1].url.path == "/v1/storage/volumes"
    assert platform.body(1) == {"project_id": PROJECT_ID, "name": "data", "size_gib": 1}
    assert platform.requests[1].headers["idempotency-key"] == "key-0001"

    # By name: the project's volumes are listed, then the one named is resized.
    platform.json({"items": [volume()], "next_cursor": None})
    platform.json(volume(size=3))
    grown = client.storage.resize_volume("data", project=PROJECT_ID, size_gib=3)
    assert grown.size_gib == 3
    assert platform.requests[2].url.params["project_id"] == PROJECT_ID
    assert platform.requests[3].method == "PATCH"
    assert platform.requests[3].url.path == f"/v1/storage/volumes/{VOLUME_ID}"
    assert platform.body(3) == {"size_gib": 3}

    # By id: no listing.
    platform.json(volume())
    platform.json(snapshot(), status=201)
    snap = client.storage.create_snapshot(VOLUME_ID, project=PROJECT_ID, name="snap-1")
    assert snap.name == "snap-1"
    assert platform.body(5) == {"volume_id": VOLUME_ID, "name": "snap-1"}

    platform.json(snapshot())
    platform.json(volume(name="copy"), status=201)
    restored = client.storage.restore_snapshot(SNAPSHOT_ID, project=PROJECT_ID, to="copy")
    assert restored.name == "copy"
    assert platform.requests[7].url.path == f"/v1/storage/snapshots/{SNAPSHOT_ID}/restore"
    assert platform.body(7) == {"name": "copy"}


def test_refusals_are_storage_errors(client: Client, platform: Platform) -> None:
    platform.json(volume())
    platform.answer(problem(422, "VOLUME_SHRINK_REFUSED", detail="volumes only grow; snapshot and restore"))
    with pytest.raises(StorageError) as refused:
        client.storage.resize_volume(VOLUME_ID, project=PROJECT_ID, size_gib=1)
    assert refused.value.code == "VOLUME_SHRINK_REFUSED"


def test_volume_mount_parses_the_cli_shape() -> None:
    assert volume_mount("models:/mnt/models:ro") == {"name": "models", "mount_path": "/mnt/models", "read_only": True}
    assert volume_mount("data:/mnt/data") == {"name": "data", "mount_path": "/mnt/data"}
    with pytest.raises(ValueError):
        volume_mount("data:/etc/x")


async def test_async_storage_has_the_same_surface(aclient: AsyncClient, platform: Platform) -> None:
    platform.json({"items": [volume()], "next_cursor": None})
    platform.json({"items": [snapshot()], "next_cursor": None})
    got = await aclient.storage.snapshots(project=PROJECT_ID, volume="data")
    assert [s.name for s in got] == ["snap-1"]
    assert platform.requests[1].url.params["volume_id"] == VOLUME_ID
    platform.json(volume())
    platform.answer(problem(409, "VOLUME_IN_USE"))
    with pytest.raises(StorageError):
        await aclient.storage.delete_volume(VOLUME_ID, project=PROJECT_ID)
