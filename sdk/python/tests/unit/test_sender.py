"""The request sender: auth, correlation ids, idempotency keys, retries and backoff."""

from __future__ import annotations

import httpx
import pytest

from conftest import ALLOCATION_ID, BASE, Platform, allocation, problem
from gpuaas import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    Client,
    ConflictError,
    RateLimitError,
    ServerError,
)
from gpuaas._sender import RetryPolicy, parse_retry_after


def test_get_sends_token_correlation_id_and_no_idempotency_key(client: Client, platform: Platform) -> None:
    platform.json(allocation())
    got = client.allocations.get(ALLOCATION_ID)
    assert got.id == ALLOCATION_ID and got.state == "queued"
    [request] = platform.requests
    assert request.method == "GET"
    assert str(request.url) == f"{BASE}/v1/allocations/{ALLOCATION_ID}"
    assert request.headers["authorization"] == "Bearer tok-1"
    assert len(request.headers["x-correlation-id"]) == 36
    assert "idempotency-key" not in request.headers
    assert request.headers["user-agent"].startswith("gpuaas-sdk-python/")


def test_post_keeps_idempotency_key_and_correlation_id_across_retries(client: Client, platform: Platform) -> None:
    platform.answer(problem(503, "NOT_READY"), httpx.ConnectError("refused"), problem(500, "INTERNAL"))
    platform.json(allocation("releasing"))
    released = client.allocations.release(ALLOCATION_ID)
    assert released.state == "releasing"
    assert len(platform.requests) == 4
    keys = {r.headers["idempotency-key"] for r in platform.requests}
    correlations = {r.headers["x-correlation-id"] for r in platform.requests}
    assert len(keys) == 1 and len(correlations) == 1
    # Full jitter at its maximum (random() == 1.0): 0.25 s, then doubling.
    assert platform.sleeps == [0.25, 0.5, 1.0]


def test_two_calls_get_two_idempotency_keys(client: Client, platform: Platform) -> None:
    platform.json(allocation("releasing")).json(allocation("releasing"))
    client.allocations.release(ALLOCATION_ID)
    client.allocations.release(ALLOCATION_ID)
    first, second = platform.requests
    assert first.headers["idempotency-key"] != second.headers["idempotency-key"]


def test_given_idempotency_key_is_sent_as_is(client: Client, platform: Platform) -> None:
    platform.json(allocation(), 201)
    client.allocations.create(gpus=1, project="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", idempotency_key="my-key-123")
    assert platform.requests[0].headers["idempotency-key"] == "my-key-123"


def test_retry_after_is_honoured_when_longer_than_backoff(client: Client, platform: Platform) -> None:
    platform.answer(problem(429, "RATE_LIMITED")).answer(
        httpx.Response(429, json={}, headers={"retry-after": "3"})
    )
    platform.json(allocation())
    client.allocations.get(ALLOCATION_ID)
    assert platform.sleeps == [0.25, 3.0]


def test_retry_after_past_the_limit_is_raised_at_once(client: Client, platform: Platform) -> None:
    limited = problem(429, "RATE_LIMITED")
    limited.headers["retry-after"] = "3600"
    platform.answer(limited)
    with pytest.raises(RateLimitError) as caught:
        client.allocations.get(ALLOCATION_ID)
    assert caught.value.retry_after == 3600.0
    assert caught.value.status == 429 and caught.value.code == "RATE_LIMITED"
    assert platform.sleeps == []


def test_idempotency_in_flight_is_retried_other_conflicts_are_not(client: Client, platform: Platform) -> None:
    platform.answer(problem(409, "IDEMPOTENCY_IN_FLIGHT")).json(allocation("releasing"))
    assert client.allocations.release(ALLOCATION_ID).state == "releasing"
    platform.answer(problem(409, "ALREADY_EXISTS"))
    with pytest.raises(ConflictError) as caught:
        client.allocations.release(ALLOCATION_ID)
    assert caught.value.code == "ALREADY_EXISTS"
    assert len(platform.requests) == 3


def test_5xx_past_the_retries_raises_server_error(client: Client, platform: Platform) -> None:
    platform.answer(*[problem(502, "RUNTIME_UNREACHABLE")] * 3, problem(503, "NOT_READY", correlation_id="last"))
    with pytest.raises(ServerError) as caught:
        client.allocations.get(ALLOCATION_ID)
    assert caught.value.code == "NOT_READY" and caught.value.correlation_id == "last"
    assert len(platform.requests) == 4  # the first attempt and max_retries=3 retries


def test_connection_errors_past_the_retries_raise_api_connection_error(platform: Platform) -> None:
    platform.answer(*[httpx.ConnectError("connection refused")] * 2)
    with Client(BASE, "t", max_retries=1, transport=platform.transport) as client:
        client._sender.sleep = platform.sleeps.append
        with pytest.raises(APIConnectionError) as caught:
            client.catalog.list()
    error = caught.value
    assert error.code == "API_UNREACHABLE" and error.status is None
    assert not isinstance(error, APITimeoutError)
    assert error.correlation_id == platform.requests[0].headers["x-correlation-id"]
    assert "connection refused" in str(error)


def test_timeouts_raise_api_timeout_error(platform: Platform) -> None:
    platform.answer(httpx.ReadTimeout("slow"))
    with Client(BASE, "t", max_retries=0, transport=platform.transport) as client:
        with pytest.raises(APITimeoutError) as caught:
            client.catalog.list()
    assert caught.value.code == "API_UNREACHABLE"


class RefreshingSource:
    def __init__(self, fresh: str | None) -> None:
        self.current = "old"
        self.fresh = fresh
        self.refreshes = 0

    def token(self) -> str | None:
        return self.current

    def refresh(self) -> str | None:
        self.refreshes += 1
        if self.fresh is not None:
            self.current = self.fresh
        return self.fresh


def test_expired_token_is_refreshed_once_and_the_call_retried(platform: Platform) -> None:
    source = RefreshingSource("new")
    platform.answer(problem(401, "TOKEN_EXPIRED")).json(allocation())
    with Client(BASE, token_source=source, transport=platform.transport) as client:
        client.allocations.get(ALLOCATION_ID)
    assert [r.headers["authorization"] for r in platform.requests] == ["Bearer old", "Bearer new"]
    assert source.refreshes == 1


def test_a_second_expiry_or_a_failed_refresh_is_raised(platform: Platform) -> None:
    source = RefreshingSource("new")
    platform.answer(problem(401, "TOKEN_EXPIRED"), problem(401, "TOKEN_EXPIRED"))
    with Client(BASE, token_source=source, transport=platform.transport) as client:
        with pytest.raises(AuthenticationError):
            client.allocations.get(ALLOCATION_ID)
        assert source.refreshes == 1
        platform.answer(problem(401, "TOKEN_EXPIRED"))
        source.fresh = None
        with pytest.raises(AuthenticationError) as caught:
            client.allocations.get(ALLOCATION_ID)
    assert caught.value.code == "TOKEN_EXPIRED" and source.refreshes == 2
    assert len(platform.requests) == 3


def test_invalid_token_is_not_refreshed(platform: Platform) -> None:
    source = RefreshingSource("new")
    platform.answer(problem(401, "TOKEN_INVALID"))
    with Client(BASE, token_source=source, transport=platform.transport) as client:
        with pytest.raises(AuthenticationError):
            client.allocations.get(ALLOCATION_ID)
    assert source.refreshes == 0


def test_environment_supplies_url_and_token(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPUAAS_API_URL", "http://env.test/")
    monkeypatch.setenv("GPUAAS_TOKEN", "env-token")
    platform.json({"items": [], "next_cursor": None})
    with Client(transport=platform.transport) as client:
        assert client.catalog.list() == []
    assert str(platform.requests[0].url) == "http://env.test/v1/catalog/gpus"
    assert platform.requests[0].headers["authorization"] == "Bearer env-token"


def test_no_token_sends_no_authorization(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GPUAAS_TOKEN", raising=False)
    platform.json({"status": "ok"})
    with Client(BASE, transport=platform.transport) as client:
        from gpuaas.__generated__ import operations as ops

        assert client.send(ops.get_health()).status == "ok"
    assert "authorization" not in platform.requests[0].headers


@pytest.mark.parametrize(
    ("value", "want"),
    [(None, None), ("7", 7.0), (" 0 ", 0.0), ("soon", None), ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0)],
)
def test_parse_retry_after(value: str | None, want: float | None) -> None:
    now = 1445412480.0  # 07:28:00 GMT on that date
    assert parse_retry_after(value, now) == want


def test_backoff_doubles_up_to_its_ceiling() -> None:
    policy = RetryPolicy()
    assert [policy.backoff(n, 1.0) for n in range(7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert policy.backoff(3, 0.5) == 1.0


async def test_async_sender_retries_with_the_same_key(aclient: object, platform: Platform) -> None:
    from gpuaas import AsyncClient

    assert isinstance(aclient, AsyncClient)
    platform.answer(problem(503, "NOT_READY"), httpx.ConnectError("refused")).json(allocation("releasing"))
    async with aclient:
        released = await aclient.allocations.release(ALLOCATION_ID)
    assert released.state == "releasing"
    assert len({r.headers["idempotency-key"] for r in platform.requests}) == 1
    assert platform.sleeps == [0.25, 0.5]


async def test_async_client_awaits_an_async_token_source(platform: Platform) -> None:
    from gpuaas import AsyncClient

    class Source:
        async def atoken(self) -> str | None:
            return "async-token"

        async def arefresh(self) -> str | None:
            return None

    platform.json(allocation())
    async with AsyncClient(BASE, token_source=Source(), transport=platform.transport) as client:
        await client.allocations.get(ALLOCATION_ID)
    assert platform.requests[0].headers["authorization"] == "Bearer async-token"


class CutStream(httpx.SyncByteStream):
    def __iter__(self):  # type: ignore[no-untyped-def]
        yield b'{"id": '
        raise httpx.ReadError("connection reset")


def test_a_body_cut_off_mid_read_is_retried(client: Client, platform: Platform) -> None:
    platform.answer(httpx.Response(200, stream=CutStream())).json(allocation())
    assert client.allocations.get(ALLOCATION_ID).id == ALLOCATION_ID
    assert len(platform.requests) == 2 and platform.sleeps == [0.25]
