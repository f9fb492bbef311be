"""GPU nodes, their GPUs and the allocations on them (operators)."""

from __future__ import annotations

from typing import AsyncIterator, Iterable, Iterator

from . import _pagination
from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi
from .errors import NotFoundError
from .projects import is_uuid

_PAGE = 100


def pick_node(ref: str, nodes: Iterable[m.Node]) -> m.Node:
    """The node named ``ref`` (node names are unique); NotFoundError when none is."""
    for node in nodes:
        if node.name == ref:
            return node
    raise NotFoundError(f'no node is named "{ref}"', code="NOT_FOUND", status=404, request="GET /v1/nodes")


class Nodes:
    """``client.nodes``."""

    def __init__(self, api: SyncApi) -> None:
        self._api = api

    def list(self) -> Iterator[m.Node]:
        """Every registered node, in registration order."""
        return _pagination.iterate(self._api.send, ops.list_nodes(limit=_PAGE))

    def resolve_id(self, ref: str) -> str:
        """The id of the node given by id or name."""
        return ref if is_uuid(ref) else pick_node(ref, self.list()).id

    def get(self, ref: str) -> m.Node:
        """One node (id or name) with its GPUs and which allocation holds each."""
        return self._api.send(ops.get_node(self.resolve_id(ref)))


class AsyncNodes:
    """``client.nodes`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi) -> None:
        self._api = api

    def list(self) -> AsyncIterator[m.Node]:
        return _pagination.aiterate(self._api.send, ops.list_nodes(limit=_PAGE))

    async def resolve_id(self, ref: str) -> str:
        return ref if is_uuid(ref) else pick_node(ref, [n async for n in self.list()]).id

    async def get(self, ref: str) -> m.Node:
        return await self._api.send(ops.get_node(await self.resolve_id(ref)))
