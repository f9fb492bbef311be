"""The app registry: a publisher project's signing keys, the app versions it registers, and the
operators' review of them (``client.apps``). The tenant's catalog, entitlements and catalog
instances are ``client.apps.catalog``, ``.entitlements`` and ``.instances`` (gpuaas.app_catalog);
the app one allocation runs, by allocation id, is ``client.apps_instances``.

A version is registered from an OCI reference (a tag is resolved to a digest once) and is stored
``verified`` (signed by one of the project's keys, manifest valid) or ``rejected`` with its
``errors``: registration returns the version either way, it does not raise for a rejection. Every
other call takes a version by id or by ``REF@sha256:…``, never by tag (a tag can move); approval,
rejection and revocation act on that one digest only.

Example::

    with Client() as client:
        client.apps.keys.add(project="acme", public_key=open("keys/acme.pub").read())
        v = client.apps.versions.register(project="acme", reference="127.0.0.1:8080/acme/llm:1.0.0")
        if v.state == "rejected":
            print([e.code for e in v.errors or []])
        # an operator:
        client.apps.review.approve(v.id, scope="platform")
"""

from __future__ import annotations

import re
from typing import AsyncIterator, Iterator

from . import _pagination
from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from ._request import ApiRequest
from .app_catalog import (
    AppCatalog,
    AppEntitlements,
    AppInstances,
    AsyncAppCatalog,
    AsyncAppEntitlements,
    AsyncAppInstances,
)
from .errors import NameAmbiguousError, NotFoundError
from .projects import AsyncProjects, Projects, is_uuid

_PAGE = 100
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
#: Approval promotes a version into ``release/<publisher>/<app>``; such a reference names it too.
_RELEASE = "release/"


#: A version with its manifest, the previous approved version and the diff against it (generated).
AppVersionDetail = m.AppVersionDetail


def parse_version_reference(reference: str) -> tuple[str, str, str]:
    """``host[:port]/ns/app[:tag]@sha256:…`` → ``(registry, repository, digest)``; ValueError when
    it names no digest (a version is never named by a tag) or no repository."""
    name, at, digest = reference.partition("@")
    if not at or not _DIGEST.match(digest):
        raise ValueError(f'"{reference}" names no sha256 digest: give a version id or REF@sha256:…')
    registry, slash, path = name.partition("/")
    last = path.rsplit("/", 1)[-1]
    if ":" in last:
        path = path[: len(path) - len(last)] + last.split(":", 1)[0]
    if not slash or not path:
        raise ValueError(f'"{reference}" names no repository: HOST[:PORT]/NS/APP@sha256:…')
    return registry, path, digest


def _pick(versions: list[m.AppVersion], registry: str, repository: str, digest: str) -> str | None:
    """The version among ``versions`` with ``digest``, preferring ``registry``; None for none."""
    matches = [v for v in versions if v.digest == digest]
    for v in matches:
        if v.registry == registry:
            return v.id
    if len(matches) == 1:
        return matches[0].id
    if matches:
        raise NameAmbiguousError(
            f"{len(matches)} versions of {repository} have digest {digest}; give the version id",
            candidates=[{"id": v.id, "registry": v.registry} for v in matches],
        )
    return None


def _candidates(repository: str) -> list[str]:
    return [repository, repository[len(_RELEASE) :]] if repository.startswith(_RELEASE) else [repository]


def _not_found(registry: str, repository: str, digest: str) -> NotFoundError:
    return NotFoundError(
        f"no app version of {registry}/{repository} with digest {digest} is visible to you",
        code="NOT_FOUND",
        status=404,
        request="GET /v1/apps/versions",
    )


def _key_body(
    project_id: str, name: str | None, public_key: str | None, issuer: str | None, subject: str | None
) -> m.PublisherKeyCreate:
    if (public_key is None) == (issuer is None and subject is None):
        raise ValueError("give public_key, or issuer with subject (not both)")
    if public_key is None and (issuer is None or subject is None):
        raise ValueError("a keyless identity needs both issuer and subject")
    body: m.PublisherKeyCreate = {"project_id": project_id}
    if name is not None:
        body["name"] = name
    if public_key is not None:
        body["public_key"] = public_key
    if issuer is not None and subject is not None:
        body["issuer"] = issuer
        body["subject"] = subject
    return body


def _approval(scope: m.AppVersionScope, scope_id: str | None) -> m.AppVersionApprove:
    if scope != "platform" and scope_id is None:
        raise ValueError(f"an approval for one {scope} needs its scope_id")
    body: m.AppVersionApprove = {"scope": scope}
    if scope_id is not None:
        body["scope_id"] = scope_id
    return body


def _deprecation(reason: str | None) -> m.AppVersionDeprecate:
    body: m.AppVersionDeprecate = {}
    if reason is not None:
        body["reason"] = reason
    return body


class PublisherKeys:
    """``client.apps.keys``."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def add(
        self,
        *,
        project: str,
        public_key: str | None = None,
        issuer: str | None = None,
        subject: str | None = None,
        name: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.PublisherKey:
        """Registers an ECDSA P-256 public key (SPKI PEM) or a keyless identity (OIDC ``issuer``
        and ``subject``) for the project's (id or name) publisher namespace; the same key again
        returns it. ``AppError`` PUBLISHER_KEY_INVALID when the platform cannot use it."""
        body = _key_body(self._projects.resolve_id(project), name, public_key, issuer, subject)
        return self._api.send(ops.add_publisher_key(body, idempotency_key=idempotency_key))

    def list(self, *, project: str) -> Iterator[m.PublisherKey]:
        """Every key of the project, retired ones included (``retired_at`` set)."""
        first = ops.list_publisher_keys(project_id=self._projects.resolve_id(project), limit=_PAGE)
        return _pagination.iterate(self._api.send, first)

    def retire(self, key_id: str, *, project: str) -> m.PublisherKey:
        """Retires a key: it verifies no new version; versions it verified stay valid."""
        return self._api.send(ops.retire_publisher_key(key_id, project_id=self._projects.resolve_id(project)))


class AppVersions:
    """``client.apps.versions``."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def register(self, *, project: str, reference: str, idempotency_key: str | None = None) -> m.AppVersion:
        """Registers a pushed, signed artifact as a version of the project's app: ``state`` is
        ``verified``, or ``rejected`` with ``errors`` (registering the same digest again returns
        the existing version)."""
        body: m.AppVersionRegister = {"project_id": self._projects.resolve_id(project), "reference": reference}
        return self._api.send(ops.register_app_version(body, idempotency_key=idempotency_key))

    def list(
        self,
        *,
        project: str | None = None,
        state: m.AppVersionState | None = None,
        repository: str | None = None,
    ) -> Iterator[m.AppVersion]:
        """Versions of a project (operators: of every project without one), newest first."""
        project_id = None if project is None else self._projects.resolve_id(project)
        first = ops.list_app_versions(project_id=project_id, state=state, repository=repository, limit=_PAGE)
        return _pagination.iterate(self._api.send, first)

    def resolve_id(self, version: str, *, project: str | None = None) -> str:
        """A version id (a UUID) as it is, or the id of the version ``REF@sha256:…`` names
        (anything else raises ValueError before any request)."""
        if is_uuid(version):
            return version
        registry, repository, digest = parse_version_reference(version)
        for candidate in _candidates(repository):
            found = _pick(list(self.list(project=project, repository=candidate)), registry, candidate, digest)
            if found is not None:
                return found
        raise _not_found(registry, repository, digest)

    def get(self, version: str, *, project: str | None = None) -> AppVersionDetail:
        """A version (id or ``REF@sha256:…``) with its manifest and the diff against the previous
        approved version of its repository."""
        return self._api.send(ops.get_app_version(self.resolve_id(version, project=project)))


class AppReview:
    """``client.apps.review``: operators. Each takes a version id or ``REF@sha256:…``."""

    def __init__(self, api: SyncApi, versions: AppVersions) -> None:
        self._api = api
        self._versions = versions

    def approve(
        self, version: str, *, scope: m.AppVersionScope = "platform", scope_id: str | None = None
    ) -> m.AppVersion:
        """Approves a verified version, pinned to its digest, for the whole platform, one
        organisation or one project (``scope_id``): the platform promotes it into its release
        namespace with a signed approval attestation."""
        body = _approval(scope, scope_id)
        return self._api.send(ops.approve_app_version(self._versions.resolve_id(version), body))

    def reject(self, version: str, *, reason: str) -> m.AppVersion:
        """Rejects a submitted or verified version; the publisher sees ``reason``."""
        return self._api.send(ops.reject_app_version(self._versions.resolve_id(version), {"reason": reason}))

    def publish(self, version: str) -> m.AppVersion:
        """Publishes an approved version to the tenants in its scope."""
        return self._api.send(ops.publish_app_version(self._versions.resolve_id(version)))

    def deprecate(self, version: str, *, reason: str | None = None) -> m.AppVersion:
        """Deprecates a published version: still launchable, with a ``deprecated`` warning."""
        version_id = self._versions.resolve_id(version)
        return self._api.send(ops.deprecate_app_version(version_id, body=_deprecation(reason)))

    def revoke(self, version: str, *, reason: str, stop_running: bool = False) -> m.AppVersion:
        """No new launch of the version's digest; ``stop_running`` also stops its instances."""
        body: m.AppVersionRevoke = {"reason": reason, "stop_running": stop_running}
        return self._api.send(ops.revoke_app_version(self._versions.resolve_id(version), body))


class Apps:
    """``client.apps``: the publisher's ``keys`` and ``versions``, the operators' ``review`` and
    ``trust()``; the tenant's ``catalog``, ``entitlements`` and ``instances`` (gpuaas.app_catalog)."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self.keys = PublisherKeys(api, projects)
        self.versions = AppVersions(api, projects)
        self.review = AppReview(api, self.versions)
        self.catalog = AppCatalog(api, projects)
        self.entitlements = AppEntitlements(api, projects)
        self.instances = AppInstances(api, projects)

    def trust(self) -> m.AppTrust:
        """The platform's approval key (``approval_key.key_id``, ``.public_key``) and predicate type,
        to verify approvals outside the platform."""
        return self._api.send(ops.get_app_trust())


class AsyncPublisherKeys:
    """``client.apps.keys`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def add(
        self,
        *,
        project: str,
        public_key: str | None = None,
        issuer: str | None = None,
        subject: str | None = None,
        name: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.PublisherKey:
        body = _key_body(await self._projects.resolve_id(project), name, public_key, issuer, subject)
        return await self._api.send(ops.add_publisher_key(body, idempotency_key=idempotency_key))

    async def list(self, *, project: str) -> AsyncIterator[m.PublisherKey]:
        first = ops.list_publisher_keys(project_id=await self._projects.resolve_id(project), limit=_PAGE)
        async for key in _pagination.aiterate(self._api.send, first):
            yield key

    async def retire(self, key_id: str, *, project: str) -> m.PublisherKey:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(ops.retire_publisher_key(key_id, project_id=project_id))


class AsyncAppVersions:
    """``client.apps.versions`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def register(
        self, *, project: str, reference: str, idempotency_key: str | None = None
    ) -> m.AppVersion:
        body: m.AppVersionRegister = {
            "project_id": await self._projects.resolve_id(project),
            "reference": reference,
        }
        return await self._api.send(ops.register_app_version(body, idempotency_key=idempotency_key))

    async def list(
        self,
        *,
        project: str | None = None,
        state: m.AppVersionState | None = None,
        repository: str | None = None,
    ) -> AsyncIterator[m.AppVersion]:
        project_id = None if project is None else await self._projects.resolve_id(project)
        first = ops.list_app_versions(project_id=project_id, state=state, repository=repository, limit=_PAGE)
        async for version in _pagination.aiterate(self._api.send, first):
            yield version

    async def resolve_id(self, version: str, *, project: str | None = None) -> str:
        if is_uuid(version):
            return version
        registry, repository, digest = parse_version_reference(version)
        for candidate in _candidates(repository):
            versions = [v async for v in self.list(project=project, repository=candidate)]
            found = _pick(versions, registry, candidate, digest)
            if found is not None:
                return found
        raise _not_found(registry, repository, digest)

    async def get(self, version: str, *, project: str | None = None) -> AppVersionDetail:
        return await self._api.send(ops.get_app_version(await self.resolve_id(version, project=project)))


class AsyncAppReview:
    """``client.apps.review`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, versions: AsyncAppVersions) -> None:
        self._api = api
        self._versions = versions

    async def approve(
        self, version: str, *, scope: m.AppVersionScope = "platform", scope_id: str | None = None
    ) -> m.AppVersion:
        body = _approval(scope, scope_id)
        return await self._api.send(ops.approve_app_version(await self._versions.resolve_id(version), body))

    async def reject(self, version: str, *, reason: str) -> m.AppVersion:
        version_id = await self._versions.resolve_id(version)
        return await self._api.send(ops.reject_app_version(version_id, {"reason": reason}))

    async def publish(self, version: str) -> m.AppVersion:
        return await self._api.send(ops.publish_app_version(await self._versions.resolve_id(version)))

    async def deprecate(self, version: str, *, reason: str | None = None) -> m.AppVersion:
        version_id = await self._versions.resolve_id(version)
        return await self._api.send(ops.deprecate_app_version(version_id, body=_deprecation(reason)))

    async def revoke(self, version: str, *, reason: str, stop_running: bool = False) -> m.AppVersion:
        body: m.AppVersionRevoke = {"reason": reason, "stop_running": stop_running}
        return await self._api.send(ops.revoke_app_version(await self._versions.resolve_id(version), body))


class AsyncApps:
    """``client.apps`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self.keys = AsyncPublisherKeys(api, projects)
        self.versions = AsyncAppVersions(api, projects)
        self.review = AsyncAppReview(api, self.versions)
        self.catalog = AsyncAppCatalog(api, projects)
        self.entitlements = AsyncAppEntitlements(api, projects)
        self.instances = AsyncAppInstances(api, projects)

    async def trust(self) -> m.AppTrust:
        return await self._api.send(ops.get_app_trust())
