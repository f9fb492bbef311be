"""The SSE reader and the reconnecting event stream (the behaviour of sse.ts and follow.ts)."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncIterator, Dict, Iterator, List, Mapping, Optional, Sequence, Union

import httpx
import pytest

from gpuaas._events import Event, SseDecoder, SseMessage, astream_events, stream_events
from gpuaas.errors import GpuaasError, PermissionDeniedError


def decode(chunks: Sequence[bytes], last_event_id: str = "") -> List[SseMessage]:
    decoder = SseDecoder(last_event_id)
    out = [m for chunk in chunks for m in decoder.feed(chunk)]
    return out + decoder.end()


@pytest.mark.parametrize(
    ("name", "chunks", "want"),
    [
        ("one message", [b"id: 1\nevent: a\ndata: x\n\n"], [SseMessage("1", "a", "x")]),
        ("CRLF split across chunks", [b"data: x\r", b"\n\r\n"], [SseMessage("", "message", "x")]),
        ("lone CRs", [b"data: x\rdata: y\r\r"], [SseMessage("", "message", "x\ny")]),
        ("UTF-8 split inside a character", [b"data: h\xc3", b"\xa9\n\n"], [SseMessage("", "message", "hé")]),
        ("BOM, comments and unknown fields", [b"\xef\xbb\xbf: hi\nfoo: bar\ndata:x\n\n"], [SseMessage("", "message", "x")]),
        ("an id without data dispatches nothing", [b"id: 7\n\ndata: y\n\n"], [SseMessage("7", "message", "y")]),
        ("an id with NUL is ignored", [b"id: a\x00b\ndata: y\n\n"], [SseMessage("", "message", "y")]),
        ("an unterminated last message is dropped", [b"data: x\n\ndata: partial"], [SseMessage("", "message", "x")]),
    ],
)
def test_the_event_stream_interpretation(name: str, chunks: List[bytes], want: List[SseMessage]) -> None:
    assert decode(chunks) == want


def test_the_last_event_id_carries_over_and_retry_is_read() -> None:
    decoder = SseDecoder("41")
    assert decoder.feed(b"retry: 2000\n\ndata: x\n\n") == [SseMessage("41", "message", "x")]
    assert decoder.retry == 2.0


def sse(event_id: str, kind: str = "allocation.state_changed", **data: Any) -> bytes:
    envelope = {"id": event_id, "type": kind, "subject": "allocation/a1", "time": "t", "project_id": "p1", "data": data}
    return f"id: {event_id}\nevent: {kind}\ndata: {json.dumps(envelope)}\n\n".encode()


Connection = Union[List[bytes], BaseException]


class FakeServer:
    """Each connection answers with the next script entry: chunks to send then a drop, or an error."""

    def __init__(self, *connections: Connection) -> None:
        self.connections = list(connections)
        self.requests: List[tuple[Dict[str, str], Dict[str, str]]] = []

    def _next(self, query: Mapping[str, str], headers: Mapping[str, str]) -> List[bytes]:
        self.requests.append((dict(query), dict(headers)))
        script = self.connections.pop(0)
        if isinstance(script, BaseException):
            raise script
        return script

    @contextmanager
    def open(self, query: Mapping[str, str], headers: Mapping[str, str]) -> Iterator[Iterator[bytes]]:
        yield iter(self._next(query, headers))

    @asynccontextmanager
    async def aopen(self, query: Mapping[str, str], headers: Mapping[str, str]) -> AsyncIterator[AsyncIterator[bytes]]:
        chunks = self._next(query, headers)

        async def body() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        yield body()


FORBIDDEN = PermissionDeniedError("no", code="FORBIDDEN", status=403)


def test_the_stream_reconnects_with_last_event_id_and_backs_off() -> None:
    server = FakeServer(
        [b"retry: 2000\n\n", sse("e1", to="running")],
        httpx.ReadError("reset"),
        GpuaasError("try later", code="NOT_READY", status=503),
        [b": keep-alive\n\n", sse("e2", to="released")],
        FORBIDDEN,
    )
    waits: List[float] = []
    seen: List[Event] = []
    with pytest.raises(PermissionDeniedError):
        for event in stream_events(server.open, types=["allocation.state_changed"], project_id="p1", sleep=waits.append):
            seen.append(event)
    assert [(e.id, e.type, e.data["to"], e.project_id) for e in seen] == [
        ("e1", "allocation.state_changed", "running", "p1"),
        ("e2", "allocation.state_changed", "released", "p1"),
    ]
    assert [headers.get("last-event-id") for _, headers in server.requests] == [None, "e1", "e1", "e1", "e2"]
    assert server.requests[0] == (
        {"types": "allocation.state_changed", "project_id": "p1"},
        {"accept": "text/event-stream"},
    )
    # The server's retry (2 s) replaced the 0.5 s start; failures double it; an event resets it.
    assert waits == [2.0, 4.0, 8.0, 2.0]


def test_the_stream_starts_from_since() -> None:
    server = FakeServer([sse("e9")], FORBIDDEN)
    events = stream_events(server.open, since="e8", sleep=lambda s: None)
    assert next(events).id == "e9"
    assert server.requests[0][1]["last-event-id"] == "e8"
    events.close()  # the caller stops iterating: nothing is left open or retried
    assert len(server.requests) == 1


def test_a_stream_closed_message_ends_the_iteration_with_its_code() -> None:
    closed = b'event: stream.closed\ndata: {"code":"FORBIDDEN","detail":"removed from the project"}\n\n'
    server = FakeServer([sse("e1"), closed])
    events = stream_events(server.open, sleep=lambda s: None)
    assert next(events).id == "e1"
    with pytest.raises(GpuaasError) as caught:
        next(events)
    assert caught.value.code == "FORBIDDEN" and "removed from the project" in str(caught.value)


def test_payloads_that_are_not_events_are_skipped() -> None:
    server = FakeServer([b"data: not json\n\n", b'data: {"type": "x"}\n\n', sse("e1")], FORBIDDEN)
    assert next(stream_events(server.open, sleep=lambda s: None)).id == "e1"


@pytest.mark.asyncio
async def test_the_async_stream_reconnects_too() -> None:
    server = FakeServer([sse("e1")], httpx.RemoteProtocolError("eof"), [sse("e2")], FORBIDDEN)
    waits: List[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    seen: List[str] = []
    with pytest.raises(PermissionDeniedError):
        async for event in astream_events(server.aopen, sleep=sleep):
            seen.append(event.id)
    assert seen == ["e1", "e2"]
    assert [headers.get("last-event-id") for _, headers in server.requests] == [None, "e1", "e1", "e2"]
    assert waits == [0.5, 1.0, 0.5]
