"""The app an allocation hosts: launch a signed artifact into a running allocation, read its
status and logs, stop it. Catalog apps, launched by name, are ``client.apps.instances``
(gpuaas.app_catalog); their logs are this module's ``logs`` of the instance's allocation."""

from __future__ import annotations

from typing import Any, Literal, Mapping, Sequence

from .__generated__ import models as m
from .__generated__ import operations as ops
from ._base import AsyncApi, SyncApi


def _launch_body(
    artifact: str, parameters: Mapping[str, Any] | None, scopes: Sequence[str] | None
) -> m.AppLaunch:
    body: m.AppLaunch = {"artifact": artifact}
    if parameters is not None:
        body["parameters"] = dict(parameters)
    if scopes is not None:
        body["scopes"] = list(scopes)
    return body


class AppsInstances:
    """``client.apps_instances``."""

    def __init__(self, api: SyncApi) -> None:
        self._api = api

    def launch(
        self,
        allocation_id: str,
        artifact: str,
        *,
        parameters: Mapping[str, Any] | None = None,
        scopes: Sequence[str] | None = None,
        idempotency_key: str | None = None,
    ) -> m.AppStatus:
        """Launches the signed app ``artifact`` (an OCI reference) in a running allocation.

        Answers at once (202) with the runtime's status; poll ``get`` until ``state`` is ``ready``.
        A refusal by the runtime raises ``AppError`` APP_LAUNCH_FAILED with its ``runtime_code``.
        """
        body = _launch_body(artifact, parameters, scopes)
        return self._api.send(ops.launch_app(allocation_id, body, idempotency_key=idempotency_key))

    def get(self, allocation_id: str) -> m.AppStatus:
        """The app's status as its runtime reports it."""
        return self._api.send(ops.get_app(allocation_id))

    def stop(self, allocation_id: str) -> m.AppStatus:
        """Stops the app (stop hook, signal, then its whole process group after the grace period)."""
        return self._api.send(ops.stop_app(allocation_id))

    def logs(
        self, allocation_id: str, *, stream: Literal["stdout", "stderr"] = "stdout", tail: int | None = None
    ) -> str:
        """The last ``tail`` lines (default 200) of the app's stdout or stderr."""
        return self._api.send(ops.get_app_logs(allocation_id, stream=stream, tail=tail))


class AsyncAppsInstances:
    """``client.apps_instances`` of the ``AsyncClient``."""

    def __init__(self, api: AsyncApi) -> None:
        self._api = api

    async def launch(
        self,
        allocation_id: str,
        artifact: str,
        *,
        parameters: Mapping[str, Any] | None = None,
        scopes: Sequence[str] | None = None,
        idempotency_key: str | None = None,
    ) -> m.AppStatus:
        body = _launch_body(artifact, parameters, scopes)
        return await self._api.send(ops.launch_app(allocation_id, body, idempotency_key=idempotency_key))

    async def get(self, allocation_id: str) -> m.AppStatus:
        return await self._api.send(ops.get_app(allocation_id))

    async def stop(self, allocation_id: str) -> m.AppStatus:
        return await self._api.send(ops.stop_app(allocation_id))

    async def logs(
        self, allocation_id: str, *, stream: Literal["stdout", "stderr"] = "stdout", tail: int | None = None
    ) -> str:
        return await self._api.send(ops.get_app_logs(allocation_id, stream=stream, tail=tail))
