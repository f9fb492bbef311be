"""``Client`` and ``AsyncClient``: the platform API as a Python user reads it.

Both have the same surface (``client.catalog``, ``client.allocations``, ``client.billing``, …;
the async one's methods are coroutines and its lists async iterators). Each client owns its
connection pool and its settings: there is no global state, and two clients never share a token.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import TYPE_CHECKING, Mapping, TypeVar

from ._events import AsyncEvents, Events
from ._request import ApiRequest
from ._terminal_api import AsyncTerminal, Terminal
from ._token import AsyncTokenSource, StaticToken, TokenSource
from .allocations import Allocations, AsyncAllocations
from .apps import Apps, AsyncApps
from .apps_instances import AppsInstances, AsyncAppsInstances
from .billing import AsyncBilling, Billing
from .storage import AsyncStorage, Storage
from .catalog import AsyncCatalog, Catalog
from .iam import AsyncIam, Iam
from .nodes import AsyncNodes, Nodes
from .ops import AsyncOps, Ops
from .projects import AsyncProjects, Projects
from .service_accounts import AsyncServiceAccounts, ServiceAccounts

if TYPE_CHECKING:
    import httpx

    from ._sender import AsyncSender, SyncSender

T = TypeVar("T")

#: The platform a client talks to when neither ``base_url`` nor GPUAAS_API_URL names one (as the CLI).
DEFAULT_API_URL = "http://127.0.0.1:8080"


def resolve_base_url(base_url: str | None) -> str:
    """``base_url``, else GPUAAS_API_URL, else the local default; without a trailing slash."""
    chosen = base_url or os.environ.get("GPUAAS_API_URL") or DEFAULT_API_URL
    return chosen.rstrip("/")


def resolve_token_source(
    base_url: str, token: str | None, token_source: TokenSource | AsyncTokenSource | None
) -> TokenSource | AsyncTokenSource | None:
    """``token_source``, else ``token``, else what the environment offers, as the CLI picks it
    (``gpuaas.auth.from_environment``): GPUAAS_TOKEN, a service account's GPUAAS_CLIENT_ID and
    GPUAAS_CLIENT_SECRET, then the login ``gpuaas auth login`` cached for ``base_url``. None sends
    requests without a token."""
    if token_source is not None:
        return token_source
    if token:
        return StaticToken(token)
    from .auth import from_environment  # here, not at the top: it costs `import gpuaas` httpx

    return from_environment(base_url)


class Client:
    """A synchronous client of the platform API.

    Example::

        from gpuaas import Client

        with Client(base_url="http://127.0.0.1:8080", token="…") as client:
            gpu = client.catalog.list()[0]
            a = client.allocations.create(gpus=1, project="demo")
            a = client.allocations.wait_until_running(a.id, timeout=300)
            client.allocations.release(a.id)

    Args:
        base_url: the platform, e.g. ``https://gpuaas.example.com`` (default: GPUAAS_API_URL,
            else ``http://127.0.0.1:8080``).
        token: a bearer token (default: GPUAAS_TOKEN, else a service account's GPUAAS_CLIENT_ID and
            GPUAAS_CLIENT_SECRET, else the login `gpuaas auth login` cached for ``base_url``).
        token_source: where tokens come from when they expire (``gpuaas.auth``); wins over ``token``.
        timeout: seconds to wait for each attempt's connection and each read.
        max_retries: retries after the first attempt (connection errors, 429, 5xx).
        transport: an httpx transport, e.g. ``httpx.MockTransport`` in tests.
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        token_source: TokenSource | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        from ._sender import RetryPolicy, SyncSender

        self.base_url = resolve_base_url(base_url)
        source = resolve_token_source(self.base_url, token, token_source)
        if source is not None and not isinstance(source, TokenSource):
            raise TypeError("Client needs a token source with token() and refresh()")
        self._sender: SyncSender = SyncSender(
            self.base_url,
            source,
            timeout=timeout,
            policy=RetryPolicy(max_retries=max_retries),
            transport=transport,
        )
        self.projects = Projects(self)
        self.catalog = Catalog(self)
        self.allocations = Allocations(self, self.projects)
        self.apps_instances = AppsInstances(self)
        self.apps = Apps(self, self.projects)
        self.iam = Iam(self, self.projects)
        self.service_accounts = ServiceAccounts(self, self.projects)
        self.nodes = Nodes(self)
        self.ops = Ops(self, self.projects, self.nodes)
        self.terminal = Terminal(self)
        self.events = Events(self._sender, self.projects)
        self.billing = Billing(self, self.projects)
        self.storage = Storage(self, self.projects)

    def send(self, request: ApiRequest[T]) -> T:
        """Sends a request built by ``gpuaas.__generated__.operations`` and returns its typed answer."""
        return self._sender.send(request)

    def send_with_etag(self, request: ApiRequest[T]) -> tuple[T, str | None]:
        """``send``, with the answer's ETag (to send back as ``if_match``)."""
        response = self._sender.request(
            request.method, request.path, query=request.query, headers=request.headers, body=request.body
        )
        from ._sender import decode

        return decode(request, response), response.headers.get("etag")

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        json: object = None,
    ) -> httpx.Response:
        """Any endpoint, through the same retries, idempotency keys and errors (an escape hatch
        for endpoints newer than this SDK). Returns the 2xx answer, read."""
        return self._sender.request(method, path, query=query, headers=headers, body=json)

    def close(self) -> None:
        """Closes the connection pool."""
        self._sender.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"


class AsyncClient:
    """An asynchronous client of the platform API, with the same surface as ``Client``.

    Example::

        async with AsyncClient() as client:
            a = await client.allocations.create(gpus=1, project="demo")
            a = await client.allocations.wait_until_running(a.id)
            async for other in client.allocations.list(project="demo"):
                print(other.id, other.state)
            await client.allocations.release(a.id)
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        token_source: TokenSource | AsyncTokenSource | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        from ._sender import AsyncSender, RetryPolicy

        self.base_url = resolve_base_url(base_url)
        self._sender: AsyncSender = AsyncSender(
            self.base_url,
            resolve_token_source(self.base_url, token, token_source),
            timeout=timeout,
            policy=RetryPolicy(max_retries=max_retries),
            transport=transport,
        )
        self.projects = AsyncProjects(self)
        self.catalog = AsyncCatalog(self)
        self.allocations = AsyncAllocations(self, self.projects)
        self.apps_instances = AsyncAppsInstances(self)
        self.apps = AsyncApps(self, self.projects)
        self.iam = AsyncIam(self, self.projects)
        self.service_accounts = AsyncServiceAccounts(self, self.projects)
        self.nodes = AsyncNodes(self)
        self.ops = AsyncOps(self, self.projects, self.nodes)
        self.terminal = AsyncTerminal(self)
        self.events = AsyncEvents(self._sender, self.projects)
        self.billing = AsyncBilling(self, self.projects)
        self.storage = AsyncStorage(self, self.projects)

    async def send(self, request: ApiRequest[T]) -> T:
        return await self._sender.send(request)

    async def send_with_etag(self, request: ApiRequest[T]) -> tuple[T, str | None]:
        response = await self._sender.request(
            request.method, request.path, query=request.query, headers=request.headers, body=request.body
        )
        from ._sender import decode

        return decode(request, response), response.headers.get("etag")

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        json: object = None,
    ) -> httpx.Response:
        return await self._sender.request(method, path, query=query, headers=headers, body=json)

    async def aclose(self) -> None:
        await self._sender.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self.base_url!r})"
