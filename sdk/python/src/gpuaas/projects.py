"""Projects: list, get, create, update, their quota, and resolving a project given by id or name.

A name is looked up among every project the caller sees and must be unique there: several matches
raise ``NameAmbiguousError`` listing the candidates, never a guess (as the TypeScript client and
the CLI do).
"""

from __future__ import annotations

import re
from typing import AsyncIterator, Iterable, Iterator

from . import _pagination
from .__generated__ import models
from .__generated__ import operations as ops
from ._base import UNSET, AsyncApi, SyncApi, Unset
from .errors import NameAmbiguousError, NotFoundError

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
#: The largest page the API gives: resolving a name reads every project the caller sees.
_PAGE = 100


def is_uuid(value: str) -> bool:
    return _UUID.match(value) is not None


def pick_project(ref: str, projects: Iterable[models.Project]) -> models.Project:
    """The one project named ``ref``; NotFoundError for none, NameAmbiguousError for several."""
    matches = [p for p in projects if p.name == ref]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        candidates = [
            {"id": p.id, "name": p.name, "organization_id": p.organization_id, "role": p.role}
            for p in matches
        ]
        listed = "; ".join(f"{p.id} (organisation {p.organization_id})" for p in matches)
        raise NameAmbiguousError(
            f'{len(matches)} projects you can see are named "{ref}": {listed}; give the project by id',
            candidates=candidates,
        )
    raise NotFoundError(
        f'no project named "{ref}" is visible to you',
        code="NOT_FOUND",
        status=404,
        request="GET /v1/projects",
    )


def _update_body(name: str | Unset, description: str | None | Unset) -> models.ProjectUpdate:
    body: models.ProjectUpdate = {}
    if not isinstance(name, Unset):
        body["name"] = name
    if not isinstance(description, Unset):
        body["description"] = description
    return body


class Projects:
    """``client.projects``."""

    def __init__(self, api: SyncApi) -> None:
        self._api = api

    def list(self) -> Iterator[models.Project]:
        """Every project the caller sees, page after page."""
        return _pagination.iterate(self._api.send, ops.list_projects(limit=_PAGE))

    def resolve_id(self, ref: str) -> str:
        """The id of the project given by id or by unique name (an id is not checked)."""
        return ref if is_uuid(ref) else pick_project(ref, self.list()).id

    def get(self, ref: str) -> models.Project:
        """A project by id or unique name."""
        return self._api.send(ops.get_project(self.resolve_id(ref)))

    def create(
        self,
        name: str,
        *,
        description: str | None = None,
        organization_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> models.Project:
        body: models.ProjectCreate = {"name": name}
        if description is not None:
            body["description"] = description
        if organization_id is not None:
            body["organization_id"] = organization_id
        return self._api.send(ops.create_project(body, idempotency_key=idempotency_key))

    def update(
        self,
        ref: str,
        *,
        name: str | Unset = UNSET,
        description: str | None | Unset = UNSET,
        if_match: str | None = None,
    ) -> models.Project:
        """Renames or re-describes a project (``description=None`` clears it).

        Without ``if_match`` the project is read first and its ETag sent, so a concurrent change
        between that read and the update is refused (PreconditionError), never overwritten.
        """
        project_id = self.resolve_id(ref)
        if if_match is None:
            _, if_match = self._api.send_with_etag(ops.get_project(project_id))
        return self._api.send(
            ops.update_project(project_id, _update_body(name, description), if_match=if_match)
        )

    def quota(self, ref: str) -> models.Quota:
        """The project's GPU quota and usage (the platform default when none was set)."""
        return self._api.send(ops.get_project_quota(self.resolve_id(ref)))


class AsyncProjects:
    """``client.projects`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi) -> None:
        self._api = api

    def list(self) -> AsyncIterator[models.Project]:
        """Every project the caller sees: ``async for p in client.projects.list()``."""
        return _pagination.aiterate(self._api.send, ops.list_projects(limit=_PAGE))

    async def resolve_id(self, ref: str) -> str:
        if is_uuid(ref):
            return ref
        return pick_project(ref, [p async for p in self.list()]).id

    async def get(self, ref: str) -> models.Project:
        return await self._api.send(ops.get_project(await self.resolve_id(ref)))

    async def create(
        self,
        name: str,
        *,
        description: str | None = None,
        organization_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> models.Project:
        body: models.ProjectCreate = {"name": name}
        if description is not None:
            body["description"] = description
        if organization_id is not None:
            body["organization_id"] = organization_id
        return await self._api.send(ops.create_project(body, idempotency_key=idempotency_key))

    async def update(
        self,
        ref: str,
        *,
        name: str | Unset = UNSET,
        description: str | None | Unset = UNSET,
        if_match: str | None = None,
    ) -> models.Project:
        project_id = await self.resolve_id(ref)
        if if_match is None:
            _, if_match = await self._api.send_with_etag(ops.get_project(project_id))
        return await self._api.send(
            ops.update_project(project_id, _update_body(name, description), if_match=if_match)
        )

    async def quota(self, ref: str) -> models.Quota:
        return await self._api.send(ops.get_project_quota(await self.resolve_id(ref)))
