"""Identity and access: the signed-in user, organisations, and a project's members and roles."""

from __future__ import annotations

from typing import AsyncIterator, Iterable, Iterator

from . import _pagination
from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from .errors import NotFoundError
from .projects import AsyncProjects, Projects, is_uuid

_PAGE = 100
#: updateMember needs If-Match and the API has no single-member read: "*" updates whatever is
#: there (as `gpuaas iam members set-role` does); pass the ETag of addMember to be strict.
_ANY_VERSION = "*"


def pick_member(user: str, members: Iterable[m.Member]) -> m.Member:
    """The member whose email is ``user``; NotFoundError when none is."""
    for member in members:
        if member.email.lower() == user.lower():
            return member
    raise NotFoundError(f'"{user}" is not a member of the project', code="NOT_FOUND", status=404)


class Iam:
    """``client.iam``."""

    def __init__(self, api: SyncApi, projects: Projects) -> None:
        self._api = api
        self._projects = projects

    def me(self) -> m.User:
        """The user the token belongs to (with the operator flag as the platform holds it now)."""
        return self._api.send(ops.get_current_user())

    def organizations(self) -> Iterator[m.Organization]:
        return _pagination.iterate(self._api.send, ops.list_organizations(limit=_PAGE))

    def get_organization(self, organization_id: str) -> m.Organization:
        return self._api.send(ops.get_organization(organization_id))

    def create_organization(self, name: str, *, idempotency_key: str | None = None) -> m.Organization:
        return self._api.send(ops.create_organization({"name": name}, idempotency_key=idempotency_key))

    def members(self, project: str) -> Iterator[m.Member]:
        """Members of ``project`` (id or name) and their roles."""
        first = ops.list_members(self._projects.resolve_id(project), limit=_PAGE)
        return _pagination.iterate(self._api.send, first)

    def add_member(
        self, project: str, email: str, role: m.Role, *, idempotency_key: str | None = None
    ) -> m.Member:
        """Gives ``email`` a role in the project (the user is created when the platform has none)."""
        body: m.MemberCreate = {"email": email, "role": role}
        return self._api.send(
            ops.add_member(self._projects.resolve_id(project), body, idempotency_key=idempotency_key)
        )

    def set_role(self, project: str, user: str, role: m.Role, *, if_match: str = _ANY_VERSION) -> m.Member:
        """Changes the role of ``user`` (id or email); the last owner cannot be demoted."""
        project_id = self._projects.resolve_id(project)
        user_id = user if is_uuid(user) else pick_member(user, self.members(project_id)).user_id
        return self._api.send(ops.update_member(project_id, user_id, {"role": role}, if_match=if_match))

    def remove_member(self, project: str, user: str) -> None:
        """Removes ``user`` (id or email) from the project."""
        project_id = self._projects.resolve_id(project)
        user_id = user if is_uuid(user) else pick_member(user, self.members(project_id)).user_id
        self._api.send(ops.remove_member(project_id, user_id))


class AsyncIam:
    """``client.iam`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects) -> None:
        self._api = api
        self._projects = projects

    async def me(self) -> m.User:
        return await self._api.send(ops.get_current_user())

    def organizations(self) -> AsyncIterator[m.Organization]:
        return _pagination.aiterate(self._api.send, ops.list_organizations(limit=_PAGE))

    async def get_organization(self, organization_id: str) -> m.Organization:
        return await self._api.send(ops.get_organization(organization_id))

    async def create_organization(self, name: str, *, idempotency_key: str | None = None) -> m.Organization:
        return await self._api.send(ops.create_organization({"name": name}, idempotency_key=idempotency_key))

    async def members(self, project: str) -> AsyncIterator[m.Member]:
        first = ops.list_members(await self._projects.resolve_id(project), limit=_PAGE)
        async for member in _pagination.aiterate(self._api.send, first):
            yield member

    async def add_member(
        self, project: str, email: str, role: m.Role, *, idempotency_key: str | None = None
    ) -> m.Member:
        body: m.MemberCreate = {"email": email, "role": role}
        project_id = await self._projects.resolve_id(project)
        return await self._api.send(ops.add_member(project_id, body, idempotency_key=idempotency_key))

    async def set_role(
        self, project: str, user: str, role: m.Role, *, if_match: str = _ANY_VERSION
    ) -> m.Member:
        project_id = await self._projects.resolve_id(project)
        user_id = await self._user_id(project_id, user)
        return await self._api.send(ops.update_member(project_id, user_id, {"role": role}, if_match=if_match))

    async def remove_member(self, project: str, user: str) -> None:
        project_id = await self._projects.resolve_id(project)
        await self._api.send(ops.remove_member(project_id, await self._user_id(project_id, user)))

    async def _user_id(self, project_id: str, user: str) -> str:
        if is_uuid(user):
            return user
        return pick_member(user, [x async for x in self.members(project_id)]).user_id
