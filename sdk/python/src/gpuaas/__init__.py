"""gpuaas-sdk: the typed Python client of the GPUaaS platform, sync and async.

    from gpuaas import Client, AsyncClient, GpuaasError

``Client`` and ``AsyncClient`` have the same surface; every error the SDK raises is a
``GpuaasError`` (``gpuaas.errors`` has one class per family of codes). Models and request builders
are generated from the platform's OpenAPI document into ``gpuaas.__generated__``.
"""

from ._client import AsyncClient, Client
from ._events import Event
from ._terminal import ExecResult, SyncTerminalSession, TerminalExit, TerminalSession
from ._token import AsyncTokenSource, StaticToken, TokenSource
from ._version import __version__
from .errors import (
    AllocationEndedError,
    AllocationError,
    APIConnectionError,
    APITimeoutError,
    AppError,
    AuthenticationError,
    BillingError,
    ConflictError,
    GpuaasError,
    InsufficientFundsError,
    InvalidRequestError,
    NameAmbiguousError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionError,
    RateLimitError,
    ResponseInvalidError,
    ServerError,
    StorageError,
    TerminalError,
    WaitTimeoutError,
)

__all__ = [
    "APIConnectionError",
    "APITimeoutError",
    "AllocationEndedError",
    "AllocationError",
    "AppError",
    "AsyncClient",
    "AsyncTokenSource",
    "AuthenticationError",
    "BillingError",
    "Client",
    "ConflictError",
    "Event",
    "ExecResult",
    "GpuaasError",
    "InsufficientFundsError",
    "InvalidRequestError",
    "NameAmbiguousError",
    "NotFoundError",
    "PermissionDeniedError",
    "PreconditionError",
    "RateLimitError",
    "ResponseInvalidError",
    "ServerError",
    "StaticToken",
    "StorageError",
    "SyncTerminalSession",
    "TerminalError",
    "TerminalExit",
    "TerminalSession",
    "TokenSource",
    "WaitTimeoutError",
    "__version__",
]
