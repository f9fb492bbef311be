"""The GPU catalog: the models on offer, their prices and live availability."""

from __future__ import annotations

from .__generated__ import models
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi


class Catalog:
    """``client.catalog``."""

    def __init__(self, api: SyncApi) -> None:
        self._api = api

    def list(self, *, region: str | None = None) -> list[models.GpuSku]:
        """Every GPU model on offer (in ``region``), with ``available`` and ``max_per_allocation``."""
        # The catalog is one page by contract (listGpuSkus takes no cursor).
        return self._api.send(ops.list_gpu_skus(region=region)).items

    def get(self, sku_id: str) -> models.GpuSku:
        """One GPU model by its SKU id, e.g. ``h100-80gb``."""
        return self._api.send(ops.get_gpu_sku(sku_id))


class AsyncCatalog:
    """``client.catalog`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi) -> None:
        self._api = api

    async def list(self, *, region: str | None = None) -> list[models.GpuSku]:
        return (await self._api.send(ops.list_gpu_skus(region=region))).items

    async def get(self, sku_id: str) -> models.GpuSku:
        return await self._api.send(ops.get_gpu_sku(sku_id))
