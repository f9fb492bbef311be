"""A scripted platform for the unit tests: an httpx.MockTransport that records every request and
answers from a queue (or a route table), so tests assert exactly what the SDK sends."""

from __future__ import annotations

import json
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Union

import httpx
import pytest

from gpuaas import AsyncClient, Client

BASE = "http://platform.test"
PROJECT_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
ALLOCATION_ID = "0190a1b2-c3d4-7e5f-8a9b-aaaaaaaaaaaa"

Answer = Union[httpx.Response, Exception, Callable[[httpx.Request], httpx.Response]]


def problem(status: int, code: str, *, correlation_id: str = "corr-1", **extra: Any) -> httpx.Response:
    body = {
        "type": f"/docs/errors#{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "code": code,
        "correlation_id": correlation_id,
        **extra,
    }
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


def allocation(state: str = "queued", **overrides: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "id": ALLOCATION_ID,
        "project_id": PROJECT_ID,
        "name": None,
        "state": state,
        "state_reason": "requested" if state == "queued" else f"now_{state}",
        "pending_reason": None,
        "pending_message": None,
        "request": {"count": 1, "models": [], "min_memory_gib": None, "topology": "node"},
        "priority": 100,
        "node_id": None,
        "node_status": None,
        "gpus": [],
        "created_by": "user:1",
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
        "expires_at": None,
        "idle_timeout_seconds": None,
        "last_activity_at": None,
        "released_at": None,
    }
    body.update(overrides)
    return body


def project(name: str, project_id: str = PROJECT_ID) -> Dict[str, Any]:
    return {
        "id": project_id,
        "organization_id": "0190a1b2-c3d4-7e5f-8a9b-0000000000aa",
        "name": name,
        "description": None,
        "role": "owner",
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
    }


class Platform:
    """Answers requests in order from `answers`; records every request (body read)."""

    def __init__(self) -> None:
        self.requests: List[httpx.Request] = []
        self.answers: Deque[Answer] = deque()
        self.sleeps: List[float] = []

    def answer(self, *answers: Answer) -> "Platform":
        self.answers.extend(answers)
        return self

    def json(self, body: Any, status: int = 200, **headers: str) -> "Platform":
        return self.answer(httpx.Response(status, json=body, headers=headers))

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.popleft()
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def body(self, index: int) -> Any:
        return json.loads(self.requests[index].content)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


@pytest.fixture
def platform() -> Platform:
    return Platform()


@pytest.fixture
def client(platform: Platform) -> Client:
    c = Client(BASE, "tok-1", transport=platform.transport)
    # Backoff waits are recorded, not slept; jitter is fixed at its maximum.
    c._sender.sleep = platform.sleeps.append
    c._sender.random = lambda: 1.0
    return c


@pytest.fixture
def aclient(platform: Platform) -> AsyncClient:
    c = AsyncClient(BASE, "tok-1", transport=platform.transport)

    async def record(seconds: float) -> None:
        platform.sleeps.append(seconds)

    c._sender.sleep = record
    c._sender.random = lambda: 1.0
    return c


def header(request: httpx.Request, name: str) -> Optional[str]:
    return request.headers.get(name)
