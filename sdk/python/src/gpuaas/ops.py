"""The operators' controls: cordon, uncordon and drain nodes, set quotas, manage operators, and
read the audit trail (project owners may read their project's)."""

from __future__ import annotations

from typing import AsyncIterator, Iterator, Literal

from . import _pagination
from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from .nodes import AsyncNodes, Nodes
from .projects import AsyncProjects, Projects

_PAGE = 100
DrainMode = Literal["release", "wait"]


class Ops:
    """``client.ops``."""

    def __init__(self, api: SyncApi, projects: Projects, nodes: Nodes) -> None:
        self._api = api
        self._projects = projects
        self._nodes = nodes

    def cordon(self, node: str) -> m.Node:
        """Stops placing new allocations on ``node`` (id or name); running ones keep running."""
        return self._api.send(ops.cordon_node(self._nodes.resolve_id(node)))

    def uncordon(self, node: str) -> m.Node:
        return self._api.send(ops.uncordon_node(self._nodes.resolve_id(node)))

    def drain(self, node: str, *, mode: DrainMode = "release") -> m.DrainResult:
        """Cordons ``node`` and releases its allocations (``mode="wait"``: only cordons)."""
        return self._api.send(ops.drain_node(self._nodes.resolve_id(node), {"mode": mode}))

    def set_quota(self, project: str, *, nominal_gpus: int, max_gpus: int) -> m.Quota:
        """Sets a project's guaranteed share and ceiling (applied from the scheduler's next cycle)."""
        body: m.QuotaUpdate = {"nominal_gpus": nominal_gpus, "max_gpus": max_gpus}
        return self._api.send(ops.set_project_quota(self._projects.resolve_id(project), body))

    def operators(self) -> Iterator[m.User]:
        return _pagination.iterate(self._api.send, ops.list_operators(limit=_PAGE))

    def grant_operator(self, user: str) -> m.User:
        """Makes ``user`` (id or email) an operator; an unknown email creates the user."""
        return self._api.send(ops.grant_operator(user))

    def revoke_operator(self, user: str) -> None:
        self._api.send(ops.revoke_operator(user))

    def audit(
        self,
        *,
        project: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[m.AuditEvent]:
        """Audit events, newest first (a project owner must give ``project``)."""
        project_id = None if project is None else self._projects.resolve_id(project)
        first = ops.list_audit_events(
            project_id=project_id, actor=actor, action=action, target=target, since=since, until=until, limit=_PAGE
        )
        return _pagination.iterate(self._api.send, first)

    def export_audit(
        self,
        format: Literal["jsonl", "csv"],
        *,
        project: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> str:
        """Every matching audit event as JSON Lines or CSV, in one string."""
        project_id = None if project is None else self._projects.resolve_id(project)
        return self._api.send(ops.export_audit_events(format=format, project_id=project_id, since=since, until=until))


class AsyncOps:
    """``client.ops`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi, projects: AsyncProjects, nodes: AsyncNodes) -> None:
        self._api = api
        self._projects = projects
        self._nodes = nodes

    async def cordon(self, node: str) -> m.Node:
        return await self._api.send(ops.cordon_node(await self._nodes.resolve_id(node)))

    async def uncordon(self, node: str) -> m.Node:
        return await self._api.send(ops.uncordon_node(await self._nodes.resolve_id(node)))

    async def drain(self, node: str, *, mode: DrainMode = "release") -> m.DrainResult:
        return await self._api.send(ops.drain_node(await self._nodes.resolve_id(node), {"mode": mode}))

    async def set_quota(self, project: str, *, nominal_gpus: int, max_gpus: int) -> m.Quota:
        body: m.QuotaUpdate = {"nominal_gpus": nominal_gpus, "max_gpus": max_gpus}
        return await self._api.send(ops.set_project_quota(await self._projects.resolve_id(project), body))

    def operators(self) -> AsyncIterator[m.User]:
        return _pagination.aiterate(self._api.send, ops.list_operators(limit=_PAGE))

    async def grant_operator(self, user: str) -> m.User:
        return await self._api.send(ops.grant_operator(user))

    async def revoke_operator(self, user: str) -> None:
        await self._api.send(ops.revoke_operator(user))

    async def audit(
        self,
        *,
        project: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> AsyncIterator[m.AuditEvent]:
        project_id = None if project is None else await self._projects.resolve_id(project)
        first = ops.list_audit_events(
            project_id=project_id, actor=actor, action=action, target=target, since=since, until=until, limit=_PAGE
        )
        async for event in _pagination.aiterate(self._api.send, first):
            yield event

    async def export_audit(
        self,
        format: Literal["jsonl", "csv"],
        *,
        project: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> str:
        project_id = None if project is None else await self._projects.resolve_id(project)
        return await self._api.send(
            ops.export_audit_events(format=format, project_id=project_id, since=since, until=until)
        )
