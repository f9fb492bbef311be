"""The tenant's side of the app registry: the apps a project may launch (``client.apps.catalog``),
who may launch them (``client.apps.entitlements``) and the instances launched from the catalog
(``client.apps.instances``). An app is named ``publisher/app``; projects by id or unique name.

A catalog instance is a launch record (``id``, ``allocation_id``, ``endpoints``); the app inside
one allocation, by allocation id, is ``client.apps_instances``.

Example::

    with Client() as client:
        app = client.apps.catalog.get("acme/echo", project="lab")
        instance = client.apps.instances.launch(
            project="lab",
            app=app.name,
            allocation_id=allocation.id,
            accepted_permissions=app.versions[0].permissions,
        )
        print([e.url for e in instance.endpoints])
        client.apps.instances.stop(instance.id)
"""

from __future__ import annotations

import time
from typing import Any, AsyncIterator, Iterator, Literal, Mapping, Sequence

from . import _pagination
from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from ._instance_wait import DEFAULT_POLL_INTERVAL, reached, timeout_error
from .app_instance_lifecycle import update_body, upgrade_body
from .projects import AsyncProjects, Projects

_PAGE = 100


def _grant_body(app: str, project_id: str, until: str | None) -> m.AppEntitlementGrant:
    body: m.AppEntitlementGrant = {"app": app, "project_id": project_id}
    if until is not None:
        body["until"] = until
    return body


def _launch_body(
    project_id: str,
    app: str,
    allocation_id: str | None,
    version: str | None,
    parameters: Mapping[str, Any] | None,
    accepted_permissions: Sequence[str] | None,
    **more: Any,
) -> m.AppInstanceCreate:
    body: m.AppInstanceCreate = {"project_id": project_id, "app": app}
    if allocation_id is not None:
        body["allocation_id"] = allocation_id
    if version is not None:
        body["version"] = version
    if parameters is not None:
        body["parameters"] = dict(parameters)
    if accepted_permissions is not None:
        body["accepted_permissions"] = list(accepted_permissions)
    # gpus, ttl, secrets, channel, upgrades: sent only when given.
    for name, value in more.items():
        if value is not None:
            body[name] = dict(value) if isinstance(value, Mapping) else value  # type: ignore[literal-required]
    return body


class AppCatalog:
    """``client.apps.catalog``."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def list(
        self, *, project: str, q: str | None = None, category: str | None = None
    ) -> Iterator[m.CatalogApp]:
        """The apps the project sees, by name, every page (fetched as you iterate); ``q`` matches
        the name, display name or description, ``category`` one of the manifest's categories."""
        project_id = self._projects.resolve_id(project)
        first = ops.list_apps(project_id=project_id, q=q, category=category, limit=_PAGE)
        return _pagination.iterate(self._api.send, first)

    def get(self, app: str, *, project: str) -> m.CatalogApp:
        """One app (``publisher/app``) with its versions, newest first; ``NotFoundError`` for an
        app the project cannot see."""
        return self._api.send(ops.get_catalog_app(app, project_id=self._projects.resolve_id(project)))


class AppEntitlements:
    """``client.apps.entitlements``: grants of an app to a project (for apps with ``grant`` access)."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def grant(
        self, app: str, *, project: str, until: str | None = None, idempotency_key: str | None = None
    ) -> m.AppEntitlement:
        """Grants ``project`` the right to launch ``app`` (every version), until ``until`` (an
        RFC 3339 time, exclusive) or for good; granting again changes the active grant's end."""
        body = _grant_body(app, self._projects.resolve_id(project), until)
        return self._api.send(ops.grant_app_entitlement(body, idempotency_key=idempotency_key))

    def list(self, *, project: str | None = None, app: str | None = None) -> Iterator[m.AppEntitlement]:
        """Grants not revoked (expired ones with ``active`` false), newest first."""
        project_id = None if project is None else self._projects.resolve_id(project)
        first = ops.list_app_entitlements(project_id=project_id, app=app, limit=_PAGE)
        return _pagination.iterate(self._api.send, first)

    def revoke(self, entitlement_id: str) -> m.AppEntitlement:
        """Revokes a grant: the next launch is refused ``APP_NOT_ENTITLED`` (running instances
        keep running)."""
        return self._api.send(ops.revoke_app_entitlement(entitlement_id))


class AppInstances:
    """``client.apps.instances``: catalog apps launched into the project's allocations."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def launch(
        self,
        *,
        project: str,
        app: str,
        allocation_id: str | None = None,
        version: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        gpus: m.AllocationCreateGpus | None = None,
        ttl: str | None = None,
        channel: str | None = None,
        upgrades: Literal["manual", "automatic"] | None = None,
        accepted_permissions: Sequence[str] | None = None,
        idempotency_key: str | None = None,
    ) -> m.AppInstance:
        """Launches ``app`` (default: its newest published version) into a running allocation of
        the project, or, without ``allocation_id``, into one the platform creates from the app's
        profile (or ``gpus``, never below its minimum; ``ttl`` its time to live): that instance
        answers ``pending`` (``wait_until_ready`` follows it). ``accepted_permissions`` is the
        consent: it must hold every permission the version asks for, else ``AppError``
        APP_CONSENT_REQUIRED; ``secrets`` carries the parameters the manifest marks secret (never
        in ``parameters``); a parameter failing its schema is ``ValidationError``, an allocation
        short of the app's profile ``PROFILE_NOT_MET``, a profile no node could hold
        ``PROFILE_UNSATISFIABLE``."""
        project_id = self._projects.resolve_id(project)
        body = _launch_body(
            project_id,
            app,
            allocation_id,
            version,
            parameters,
            accepted_permissions,
            secrets=secrets,
            gpus=gpus,
            ttl=ttl,
            channel=channel,
            upgrades=upgrades,
        )
        return self._api.send(ops.launch_app_instance(body, idempotency_key=idempotency_key))

    def list(self, *, project: str) -> Iterator[m.AppInstance]:
        """The project's instances, newest first (``state`` as stored: ``pending``, ``launching``,
        ``running``, ``failed`` with ``failure``, ``stopped``)."""
        first = ops.list_app_instances(project_id=self._projects.resolve_id(project), limit=_PAGE)
        return _pagination.iterate(self._api.send, first)

    def get(self, instance_id: str) -> m.AppInstance:
        """One instance, ``state`` as its runtime reports it."""
        return self._api.send(ops.get_app_instance(instance_id))

    def stop(self, instance_id: str) -> m.AppInstance:
        """Stops the app and ends the record; the allocation stays until released."""
        return self._api.send(ops.stop_app_instance(instance_id))

    def upgrade(
        self,
        instance_id: str,
        *,
        version: str | None = None,
        accepted_permissions: Sequence[str] | None = None,
        accept_changes: bool | None = None,
        parameters: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> m.AppInstance:
        """Moves a running instance to ``version`` (default: the newest in its channel) through its
        runtime, which rolls back when the new version fails (``AppError`` APP_UPGRADE_FAILED,
        ``runtime_code`` UPGRADE_ROLLED_BACK). Widening without consent is ``AppError``
        APP_CONSENT_REQUIRED with its ``consent_diff``; the answer's ``upgrade`` has the diff."""
        body = upgrade_body(version, accepted_permissions, accept_changes, parameters, secrets)
        return self._api.send(ops.upgrade_app_instance(instance_id, body, idempotency_key=idempotency_key))

    def update(
        self,
        instance_id: str,
        *,
        channel: str | None = None,
        upgrades: Literal["manual", "automatic"] | None = None,
    ) -> m.AppInstance:
        """Sets the release channel the instance follows and whether it upgrades itself
        (``automatic``: to each version of the channel that needs no fresh consent)."""
        return self._api.send(ops.update_app_instance(instance_id, update_body(channel, upgrades)))

    def uninstall(self, instance_id: str) -> None:
        """Stops the app, removes it from its allocation (which stays) and ends the instance."""
        self._api.send(ops.uninstall_app_instance(instance_id))

    def wait_until_ready(
        self, instance_id: str, *, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> m.AppInstance:
        """Re-reads the instance until its app is ready and returns it; ``AppError`` with the
        failure's code when it fails or is stopped first, ``WaitTimeoutError`` after ``timeout``
        seconds (``None``: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            instance = self.get(instance_id)
            if reached(instance):
                return instance
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and timeout is not None and remaining <= 0:
                raise timeout_error(instance, timeout)
            time.sleep(poll_interval if remaining is None else min(poll_interval, remaining))


class AsyncAppCatalog:
    """``client.apps.catalog`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def list(
        self, *, project: str, q: str | None = None, category: str | None = None
    ) -> AsyncIterator[m.CatalogApp]:
        project_id = await self._projects.resolve_id(project)
        first = ops.list_apps(project_id=project_id, q=q, category=category, limit=_PAGE)
        async for app in _pagination.aiterate(self._api.send, first):
            yield app

    async def get(self, app: str, *, project: str) -> m.CatalogApp:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(ops.get_catalog_app(app, project_id=project_id))


class AsyncAppEntitlements:
    """``client.apps.entitlements`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def grant(
        self, app: str, *, project: str, until: str | None = None, idempotency_key: str | None = None
    ) -> m.AppEntitlement:
        body = _grant_body(app, await self._projects.resolve_id(project), until)
        return await self._api.send(ops.grant_app_entitlement(body, idempotency_key=idempotency_key))

    async def list(
        self, *, project: str | None = None, app: str | None = None
    ) -> AsyncIterator[m.AppEntitlement]:
        project_id = None if project is None else await self._projects.resolve_id(project)
        first = ops.list_app_entitlements(project_id=project_id, app=app, limit=_PAGE)
        async for grant in _pagination.aiterate(self._api.send, first):
            yield grant

    async def revoke(self, entitlement_id: str) -> m.AppEntitlement:
        return await self._api.send(ops.revoke_app_entitlement(entitlement_id))


class AsyncAppInstances:
    """``client.apps.instances`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def launch(
        self,
        *,
        project: str,
        app: str,
        allocation_id: str | None = None,
        version: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        gpus: m.AllocationCreateGpus | None = None,
        ttl: str | None = None,
        channel: str | None = None,
        upgrades: Literal["manual", "automatic"] | None = None,
        accepted_permissions: Sequence[str] | None = None,
        idempotency_key: str | None = None,
    ) -> m.AppInstance:
        project_id = await self._projects.resolve_id(project)
        body = _launch_body(
            project_id,
            app,
            allocation_id,
            version,
            parameters,
            accepted_permissions,
            secrets=secrets,
            gpus=gpus,
            ttl=ttl,
            channel=channel,
            upgrades=upgrades,
        )
        return await self._api.send(ops.launch_app_instance(body, idempotency_key=idempotency_key))

    async def list(self, *, project: str) -> AsyncIterator[m.AppInstance]:
        first = ops.list_app_instances(project_id=await self._projects.resolve_id(project), limit=_PAGE)
        async for instance in _pagination.aiterate(self._api.send, first):
            yield instance

    async def get(self, instance_id: str) -> m.AppInstance:
        return await self._api.send(ops.get_app_instance(instance_id))

    async def stop(self, instance_id: str) -> m.AppInstance:
        return await self._api.send(ops.stop_app_instance(instance_id))

    async def upgrade(
        self,
        instance_id: str,
        *,
        version: str | None = None,
        accepted_permissions: Sequence[str] | None = None,
        accept_changes: bool | None = None,
        parameters: Mapping[str, Any] | None = None,
        secrets: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> m.AppInstance:
        body = upgrade_body(version, accepted_permissions, accept_changes, parameters, secrets)
        return await self._api.send(ops.upgrade_app_instance(instance_id, body, idempotency_key=idempotency_key))

    async def update(
        self,
        instance_id: str,
        *,
        channel: str | None = None,
        upgrades: Literal["manual", "automatic"] | None = None,
    ) -> m.AppInstance:
        return await self._api.send(ops.update_app_instance(instance_id, update_body(channel, upgrades)))

    async def uninstall(self, instance_id: str) -> None:
        await self._api.send(ops.uninstall_app_instance(instance_id))

    async def wait_until_ready(
        self, instance_id: str, *, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> m.AppInstance:
        import asyncio

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            instance = await self.get(instance_id)
            if reached(instance):
                return instance
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and timeout is not None and remaining <= 0:
                raise timeout_error(instance, timeout)
            await asyncio.sleep(poll_interval if remaining is None else min(poll_interval, remaining))
