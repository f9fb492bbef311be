"""A project's service accounts: OAuth clients for the client-credentials grant.

``create`` and ``rotate`` answer the ``client_secret`` once; ``gpuaas.auth`` turns the client id
and secret into tokens.
"""

from __future__ import annotations

from typing import AsyncIterator, Iterator, Sequence

from . import _pagination
from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from .projects import AsyncProjects, Projects

_PAGE = 100


class ServiceAccounts:
    """``client.service_accounts``."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def list(self, project: str) -> Iterator[m.ServiceAccount]:
        """The project's service accounts (never their secrets), revoked ones included."""
        first = ops.list_service_accounts(self._projects.resolve_id(project), limit=_PAGE)
        return _pagination.iterate(self._api.send, first)

    def create(
        self, project: str, name: str, scopes: Sequence[str], *, idempotency_key: str | None = None
    ) -> m.ServiceAccountWithSecret:
        """A new service account acting in ``project`` within ``scopes``; keep its ``client_secret``."""
        body: m.ServiceAccountCreate = {"name": name, "scopes": list(scopes)}
        project_id = self._projects.resolve_id(project)
        return self._api.send(ops.create_service_account(project_id, body, idempotency_key=idempotency_key))

    def get(self, project: str, service_account_id: str) -> m.ServiceAccount:
        return self._api.send(ops.get_service_account(self._projects.resolve_id(project), service_account_id))

    def rotate(
        self, project: str, service_account_id: str, *, idempotency_key: str | None = None
    ) -> m.ServiceAccountWithSecret:
        """A new secret; the old one and the tokens issued with it stop working at once."""
        project_id = self._projects.resolve_id(project)
        return self._api.send(
            ops.rotate_service_account_secret(project_id, service_account_id, idempotency_key=idempotency_key)
        )

    def revoke(self, project: str, service_account_id: str) -> None:
        self._api.send(ops.revoke_service_account(self._projects.resolve_id(project), service_account_id))


class AsyncServiceAccounts:
    """``client.service_accounts`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def list(self, project: str) -> AsyncIterator[m.ServiceAccount]:
        first = ops.list_service_accounts(await self._projects.resolve_id(project), limit=_PAGE)
        async for account in _pagination.aiterate(self._api.send, first):
            yield account

    async def create(
        self, project: str, name: str, scopes: Sequence[str], *, idempotency_key: str | None = None
    ) -> m.ServiceAccountWithSecret:
        body: m.ServiceAccountCreate = {"name": name, "scopes": list(scopes)}
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(ops.create_service_account(project_id, body, idempotency_key=idempotency_key))

    async def get(self, project: str, service_account_id: str) -> m.ServiceAccount:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(ops.get_service_account(project_id, service_account_id))

    async def rotate(
        self, project: str, service_account_id: str, *, idempotency_key: str | None = None
    ) -> m.ServiceAccountWithSecret:
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(
            ops.rotate_service_account_secret(project_id, service_account_id, idempotency_key=idempotency_key)
        )

    async def revoke(self, project: str, service_account_id: str) -> None:
        project_id = await self._projects.resolve_id(project)
        await self._api.send(ops.revoke_service_account(project_id, service_account_id))
