"""The one request path of the Python client, as ``sdk/src/client/sender.ts`` is the TypeScript one.

Every call goes through a sender, which owns:

- ``Authorization: Bearer`` from the token source, asked on every attempt and refreshed once on
  401 ``TOKEN_EXPIRED``;
- one ``X-Correlation-Id`` per logical call and, for POST, one ``Idempotency-Key``, both kept across
  retries so a retried create is replayed by the platform instead of run twice;
- retries with exponential backoff and full jitter on connection errors and timeouts, 429 (waiting
  at least ``Retry-After``), 409 ``IDEMPOTENCY_IN_FLIGHT`` and 500/502/503/504;
- turning every other non-2xx answer into the typed error of ``gpuaas.errors``.

httpx is imported when a sender is built, not when ``gpuaas`` is: it is most of the import time.
"""

from __future__ import annotations

import email.utils
import json
import platform
import random
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, TypeVar, Union

from ._request import ApiRequest
from ._token import AsyncTokenSource, TokenSource
from ._version import __version__
from .errors import (
    APIConnectionError,
    APITimeoutError,
    GpuaasError,
    ResponseInvalidError,
    error_from_response,
)

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
USER_AGENT = f"gpuaas-sdk-python/{__version__} python/{platform.python_version()}"

AnyTokenSource = Union["TokenSource", "AsyncTokenSource"]


@dataclass(frozen=True)
class RetryPolicy:
    """How a sender retries; the client builds it from ``max_retries``."""

    #: Retries after the first attempt (0 disables retrying).
    max_retries: int = 3
    #: First backoff step in seconds; doubles per attempt, with full jitter.
    base_delay: float = 0.25
    #: Backoff ceiling in seconds.
    max_delay: float = 8.0
    #: A Retry-After longer than this is not waited for: the refusal is raised.
    max_retry_after: float = 60.0

    def backoff(self, attempt: int, rand: float) -> float:
        return rand * min(self.max_delay, self.base_delay * 2.0**attempt)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait: RFC 9110 allows a number of seconds or an HTTP date. None when unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class _Call:
    """One logical call: what stays the same across its attempts."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    content: bytes | None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def prepare_call(
    method: str,
    path: str,
    *,
    query: Mapping[str, object] | None = None,
    headers: Mapping[str, str | None] | None = None,
    body: object = None,
) -> _Call:
    """Fixes what every attempt of a call sends: the correlation id, the idempotency key, the body."""
    out = {"user-agent": USER_AGENT}
    for name, value in (headers or {}).items():
        if value is not None:
            out[name.lower()] = value
    out.setdefault("x-correlation-id", str(uuid.uuid4()))
    if method == "POST":
        out.setdefault("idempotency-key", str(uuid.uuid4()))
    content = None
    if body is not None:
        out["content-type"] = "application/json"
        content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    params = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}
    return _Call(method, path, params, out, content)


def _problem_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _code_of(body: Any) -> str | None:
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


@dataclass
class _Decision:
    action: str  # "raise" | "retry" | "refresh"
    delay: float = 0.0


def decide(
    response: httpx.Response,
    body: Any,
    *,
    attempt: int,
    policy: RetryPolicy,
    can_refresh: bool,
    rand: float,
) -> _Decision:
    """What to do with a non-2xx answer: refresh the token, retry after a delay, or raise."""
    code = _code_of(body)
    if response.status_code == 401 and code == "TOKEN_EXPIRED" and can_refresh:
        # A token can expire between the source's check and the server's: one forced refresh.
        return _Decision("refresh")
    retryable = response.status_code in RETRYABLE_STATUS or (
        response.status_code == 409 and code == "IDEMPOTENCY_IN_FLIGHT"
    )
    if retryable and attempt < policy.max_retries:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is None or retry_after <= policy.max_retry_after:
            return _Decision("retry", max(retry_after or 0.0, policy.backoff(attempt, rand)))
    return _Decision("raise")


def refusal(call: _Call, response: httpx.Response, body: Any) -> GpuaasError:
    return error_from_response(
        response.status_code,
        body,
        request=call.label,
        correlation_header=response.headers.get("x-correlation-id"),
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def unreachable(call: _Call, base_url: str, error: Exception, attempts: int, *, timed_out: bool) -> GpuaasError:
    kind = APITimeoutError if timed_out else APIConnectionError
    reason = str(error) or type(error).__name__
    return kind(
        f"{call.label} on {base_url} failed after {attempts} attempt(s): {reason}",
        code="API_UNREACHABLE",
        correlation_id=call.headers["x-correlation-id"],
        request=call.label,
    )


def decode(request: ApiRequest[T], response: httpx.Response) -> T:
    """The typed result of a 2xx answer; API_RESPONSE_INVALID when it is not what the contract says."""
    label = f"{request.method} {response.request.url.path}"
    try:
        if request.response_kind == "empty":
            return request.parse(None)
        if request.response_kind == "text":
            return request.parse(response.text)
        return request.parse(response.json())
    except (ValueError, KeyError, TypeError) as error:
        raise ResponseInvalidError(
            f"{label}: the answer is not the documented JSON ({type(error).__name__}: {error})",
            code="API_RESPONSE_INVALID",
            status=response.status_code,
            correlation_id=response.headers.get("x-correlation-id"),
            request=label,
        ) from error


class SyncSender:
    """Sends requests for ``Client`` over an ``httpx.Client``."""

    def __init__(
        self,
        base_url: str,
        token_source: TokenSource | None,
        *,
        timeout: float,
        policy: RetryPolicy,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        self._httpx = httpx
        self.base_url = base_url
        self.token_source = token_source
        self.policy = policy
        #: Replaced in tests to observe backoff waits and fix the jitter.
        self.sleep: Callable[[float], None] = time.sleep
        self.random: Callable[[], float] = random.random
        self.http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def send(self, request: ApiRequest[T]) -> T:
        response = self.request(
            request.method, request.path, query=request.query, headers=request.headers, body=request.body
        )
        return decode(request, response)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        body: object = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Sends one call with retries; returns the 2xx (or 3xx) answer, read unless ``stream``."""
        call = prepare_call(method, path, query=query, headers=headers, body=body)
        refreshed = False
        attempt = 0
        while True:
            # After a forced refresh, the new token serves the remaining attempts.
            if not refreshed:
                self._authorize(call, self._token())
            built = self.http.build_request(
                call.method, call.path, params=call.params, headers=call.headers, content=call.content
            )
            try:
                response = self.http.send(built, stream=True)
                # A body cut off mid-read is a connection failure too, retried like one.
                if response.status_code >= 400 or not stream:
                    response.read()
            except self._httpx.TransportError as error:
                if attempt >= self.policy.max_retries:
                    timed_out = isinstance(error, self._httpx.TimeoutException)
                    raise unreachable(call, self.base_url, error, attempt + 1, timed_out=timed_out) from error
                self.sleep(self.policy.backoff(attempt, self.random()))
                attempt += 1
                continue
            if response.status_code < 400:
                return response
            response.close()
            body_json = _problem_of(response)
            decision = decide(
                response,
                body_json,
                attempt=attempt,
                policy=self.policy,
                can_refresh=self.token_source is not None and not refreshed,
                rand=self.random(),
            )
            if decision.action == "refresh":
                refreshed = True
                token = self.token_source.refresh() if self.token_source is not None else None
                if token is None:
                    raise refusal(call, response, body_json)
                self._authorize(call, token)
                continue
            if decision.action == "retry":
                self.sleep(decision.delay)
                attempt += 1
                continue
            raise refusal(call, response, body_json)

    def _token(self) -> str | None:
        return None if self.token_source is None else self.token_source.token()

    @staticmethod
    def _authorize(call: _Call, token: str | None) -> None:
        if token is None:
            call.headers.pop("authorization", None)
        else:
            call.headers["authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.http.close()


class AsyncSender:
    """Sends requests for ``AsyncClient`` over an ``httpx.AsyncClient``; the same discipline."""

    def __init__(
        self,
        base_url: str,
        token_source: AnyTokenSource | None,
        *,
        timeout: float,
        policy: RetryPolicy,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        import asyncio

        import httpx

        self._httpx = httpx
        self.base_url = base_url
        self.token_source = token_source
        self.policy = policy
        self.sleep: Callable[[float], Any] = asyncio.sleep
        self.random: Callable[[], float] = random.random
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def send(self, request: ApiRequest[T]) -> T:
        response = await self.request(
            request.method, request.path, query=request.query, headers=request.headers, body=request.body
        )
        return decode(request, response)

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        body: object = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Sends one call with retries; returns the 2xx (or 3xx) answer, read unless ``stream``."""
        call = prepare_call(method, path, query=query, headers=headers, body=body)
        refreshed = False
        attempt = 0
        while True:
            if not refreshed:
                SyncSender._authorize(call, await self._token(refresh=False))
            built = self.http.build_request(
                call.method, call.path, params=call.params, headers=call.headers, content=call.content
            )
            try:
                response = await self.http.send(built, stream=True)
                # A body cut off mid-read is a connection failure too, retried like one.
                if response.status_code >= 400 or not stream:
                    await response.aread()
            except self._httpx.TransportError as error:
                if attempt >= self.policy.max_retries:
                    timed_out = isinstance(error, self._httpx.TimeoutException)
                    raise unreachable(call, self.base_url, error, attempt + 1, timed_out=timed_out) from error
                await self.sleep(self.policy.backoff(attempt, self.random()))
                attempt += 1
                continue
            if response.status_code < 400:
                return response
            await response.aclose()
            body_json = _problem_of(response)
            decision = decide(
                response,
                body_json,
                attempt=attempt,
                policy=self.policy,
                can_refresh=self.token_source is not None and not refreshed,
                rand=self.random(),
            )
            if decision.action == "refresh":
                refreshed = True
                token = await self._token(refresh=True)
                if token is None:
                    raise refusal(call, response, body_json)
                SyncSender._authorize(call, token)
                continue
            if decision.action == "retry":
                await self.sleep(decision.delay)
                attempt += 1
                continue
            raise refusal(call, response, body_json)

    async def _token(self, *, refresh: bool) -> str | None:
        source = self.token_source
        if source is None:
            return None
        # An async source is awaited; a synchronous one (a fixed token, a cache file) is called.
        if isinstance(source, AsyncTokenSource):
            return await (source.arefresh() if refresh else source.atoken())
        return source.refresh() if refresh else source.token()

    async def aclose(self) -> None:
        await self.http.aclose()
