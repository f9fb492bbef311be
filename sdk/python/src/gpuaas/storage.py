"""Storage: a project's persistent volumes and their snapshots (docs/storage.md).

Volumes and snapshots are named uniquely in their project; every method that takes ``volume`` or
``snapshot`` accepts its id or its name. Creating ones send an idempotency key, reused across
retries. Attach a volume to an allocation with ``client.allocations.create(...,
volumes=[{"name": ..., "mount_path": "/mnt/...", "read_only": False}])``.
"""

from __future__ import annotations

from typing import Iterable, Sequence, TypeVar

from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from .errors import NotFoundError
from .projects import AsyncProjects, Projects, is_uuid

_PAGE = 100
_Named = TypeVar("_Named", m.StorageVolume, m.StorageSnapshot)


def _pick(kind: str, ref: str, items: Iterable[_Named], request: str) -> _Named:
    for item in items:
        if item.name == ref:
            return item
    raise NotFoundError(f'no {kind} named "{ref}" in the project', code="NOT_FOUND", status=404, request=request)


def volume_mount(text: str) -> m.VolumeMount:
    """``NAME:/mnt/PATH[:ro]`` (the CLI's ``--volume``) as the API's volume mount."""
    name, _, rest = text.partition(":")
    path, _, mode = rest.partition(":")
    if not name or not path.startswith("/mnt/") or mode not in ("", "ro", "rw"):
        raise ValueError(f'a volume mount is NAME:/mnt/PATH[:ro] (got "{text}")')
    mount: m.VolumeMount = {"name": name, "mount_path": path}
    if mode == "ro":
        mount["read_only"] = True
    return mount


class Storage:
    """``client.storage``."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def create_volume(
        self, *, project: str, name: str, size_gib: int, site: str | None = None, idempotency_key: str | None = None
    ) -> m.StorageVolume:
        """A new volume of ``size_gib`` GiB, answered once ``available``."""
        body: m.StorageVolumeCreate = {"project_id": self._projects.resolve_id(project), "name": name, "size_gib": size_gib}
        if site is not None:
            body["site"] = site
        return self._api.send(ops.create_storage_volume(body, idempotency_key=idempotency_key))

    def volumes(self, *, project: str) -> list[m.StorageVolume]:
        """The project's volumes, oldest first."""
        return self._list_volumes(self._projects.resolve_id(project))

    def _list_volumes(self, project_id: str) -> list[m.StorageVolume]:
        out: list[m.StorageVolume] = []
        request = ops.list_storage_volumes(project_id=project_id, limit=_PAGE)
        while True:
            page = self._api.send(request)
            out.extend(page.items)
            if page.next_cursor is None:
                return out
            request = request.with_query(cursor=page.next_cursor)

    def volume(self, volume: str, *, project: str) -> m.StorageVolume:
        """One volume by id or name, with its attachments."""
        if is_uuid(volume):
            return self._api.send(ops.get_storage_volume(volume))
        return _pick("volume", volume, self._list_volumes(self._projects.resolve_id(project)), "GET /v1/storage/volumes")

    def resize_volume(self, volume: str, *, project: str, size_gib: int) -> m.StorageVolume:
        """Grows the volume (online); a smaller size raises StorageError VOLUME_SHRINK_REFUSED."""
        found = self.volume(volume, project=project)
        return self._api.send(ops.resize_storage_volume(found.id, {"size_gib": size_gib}))

    def delete_volume(self, volume: str, *, project: str) -> None:
        """Deletes a detached volume and its data (StorageError VOLUME_IN_USE while attached)."""
        self._api.send(ops.delete_storage_volume(self.volume(volume, project=project).id))

    def placement(self, volume: str, *, project: str) -> m.StorageVolumePlacement:
        """The GPU models with free capacity at the volume's site."""
        return self._api.send(ops.get_storage_volume_placement(self.volume(volume, project=project).id))

    def create_snapshot(
        self, volume: str, *, project: str, name: str, idempotency_key: str | None = None
    ) -> m.StorageSnapshot:
        """A point-in-time copy of the volume (crash-consistent while attached)."""
        body: m.StorageSnapshotCreate = {"volume_id": self.volume(volume, project=project).id, "name": name}
        return self._api.send(ops.create_storage_snapshot(body, idempotency_key=idempotency_key))

    def snapshots(self, *, project: str, volume: str | None = None) -> list[m.StorageSnapshot]:
        """The project's snapshots (of one volume when given), oldest first."""
        project_id = self._projects.resolve_id(project)
        volume_id = None if volume is None else self.volume(volume, project=project_id).id
        out: list[m.StorageSnapshot] = []
        request = ops.list_storage_snapshots(project_id=project_id, volume_id=volume_id, limit=_PAGE)
        while True:
            page = self._api.send(request)
            out.extend(page.items)
            if page.next_cursor is None:
                return out
            request = request.with_query(cursor=page.next_cursor)

    def snapshot(self, snapshot: str, *, project: str) -> m.StorageSnapshot:
        if is_uuid(snapshot):
            return self._api.send(ops.get_storage_snapshot(snapshot))
        return _pick("snapshot", snapshot, self.snapshots(project=project), "GET /v1/storage/snapshots")

    def restore_snapshot(
        self, snapshot: str, *, project: str, to: str, idempotency_key: str | None = None
    ) -> m.StorageVolume:
        """A new volume named ``to`` with the snapshot's contents and size."""
        found = self.snapshot(snapshot, project=project)
        return self._api.send(ops.restore_storage_snapshot(found.id, {"name": to}, idempotency_key=idempotency_key))

    def delete_snapshot(self, snapshot: str, *, project: str) -> None:
        self._api.send(ops.delete_storage_snapshot(self.snapshot(snapshot, project=project).id))


class AsyncStorage:
    """``client.storage`` of the ``AsyncClient``: the same methods, awaited."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def create_volume(
        self, *, project: str, name: str, size_gib: int, site: str | None = None, idempotency_key: str | None = None
    ) -> m.StorageVolume:
        project_id = await self._projects.resolve_id(project)
        body: m.StorageVolumeCreate = {"project_id": project_id, "name": name, "size_gib": size_gib}
        if site is not None:
            body["site"] = site
        return await self._api.send(ops.create_storage_volume(body, idempotency_key=idempotency_key))

    async def volumes(self, *, project: str) -> list[m.StorageVolume]:
        return await self._list_volumes(await self._projects.resolve_id(project))

    async def _list_volumes(self, project_id: str) -> list[m.StorageVolume]:
        out: list[m.StorageVolume] = []
        request = ops.list_storage_volumes(project_id=project_id, limit=_PAGE)
        while True:
            page = await self._api.send(request)
            out.extend(page.items)
            if page.next_cursor is None:
                return out
            request = request.with_query(cursor=page.next_cursor)

    async def volume(self, volume: str, *, project: str) -> m.StorageVolume:
        if is_uuid(volume):
            return await self._api.send(ops.get_storage_volume(volume))
        items = await self._list_volumes(await self._projects.resolve_id(project))
        return _pick("volume", volume, items, "GET /v1/storage/volumes")

    async def resize_volume(self, volume: str, *, project: str, size_gib: int) -> m.StorageVolume:
        found = await self.volume(volume, project=project)
        return await self._api.send(ops.resize_storage_volume(found.id, {"size_gib": size_gib}))

    async def delete_volume(self, volume: str, *, project: str) -> None:
        found = await self.volume(volume, project=project)
        await self._api.send(ops.delete_storage_volume(found.id))

    async def placement(self, volume: str, *, project: str) -> m.StorageVolumePlacement:
        found = await self.volume(volume, project=project)
        return await self._api.send(ops.get_storage_volume_placement(found.id))

    async def create_snapshot(
        self, volume: str, *, project: str, name: str, idempotency_key: str | None = None
    ) -> m.StorageSnapshot:
        found = await self.volume(volume, project=project)
        body: m.StorageSnapshotCreate = {"volume_id": found.id, "name": name}
        return await self._api.send(ops.create_storage_snapshot(body, idempotency_key=idempotency_key))

    async def snapshots(self, *, project: str, volume: str | None = None) -> list[m.StorageSnapshot]:
        project_id = await self._projects.resolve_id(project)
        volume_id = None if volume is None else (await self.volume(volume, project=project_id)).id
        out: list[m.StorageSnapshot] = []
        request = ops.list_storage_snapshots(project_id=project_id, volume_id=volume_id, limit=_PAGE)
        while True:
            page = await self._api.send(request)
            out.extend(page.items)
            if page.next_cursor is None:
                return out
            request = request.with_query(cursor=page.next_cursor)

    async def snapshot(self, snapshot: str, *, project: str) -> m.StorageSnapshot:
        if is_uuid(snapshot):
            return await self._api.send(ops.get_storage_snapshot(snapshot))
        return _pick("snapshot", snapshot, await self.snapshots(project=project), "GET /v1/storage/snapshots")

    async def restore_snapshot(
        self, snapshot: str, *, project: str, to: str, idempotency_key: str | None = None
    ) -> m.StorageVolume:
        found = await self.snapshot(snapshot, project=project)
        return await self._api.send(
            ops.restore_storage_snapshot(found.id, {"name": to}, idempotency_key=idempotency_key)
        )

    async def delete_snapshot(self, snapshot: str, *, project: str) -> None:
        found = await self.snapshot(snapshot, project=project)
        await self._api.send(ops.delete_storage_snapshot(found.id))


__all__: Sequence[str] = ["AsyncStorage", "Storage", "volume_mount"]
