"""The platform's event stream, ``GET /v1/events`` as Server-Sent Events (asyncapi.yaml): each
message has ``id:`` (the event id), ``event:`` (its type) and ``data:`` (the JSON envelope).

``client.events.stream(since=…, types=[…], project=…)`` yields :class:`Event` objects for as long
as the caller iterates, reconnecting after a dropped connection with backoff (or the server's
``retry:``) and resuming with ``Last-Event-ID``, as the TypeScript reader (follow.ts) does. A
refusal (4xx other than 429) ends the iteration with the platform's error, as does the server's
final ``stream.closed`` message when the caller's access ended.
"""

from __future__ import annotations

import codecs
import json
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from .errors import GpuaasError

if TYPE_CHECKING:
    from ._sender import AsyncSender, SyncSender
    from .projects import AsyncProjects, Projects

RECONNECT_MIN_SECONDS = 0.5
RETRY_FLOOR_SECONDS = 0.01
RECONNECT_MAX_SECONDS = 10.0

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SseMessage:
    #: The last event id seen so far on the stream (sent back as Last-Event-ID).
    last_event_id: str
    event: str
    data: str


class SseDecoder:
    """The WHATWG "event stream interpretation", fed chunk by chunk: lines may end with CRLF, LF
    or CR and be split anywhere, even inside a UTF-8 sequence (a port of sse.ts)."""

    def __init__(self, last_event_id: str = "") -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._event = ""
        self._data: List[str] = []
        self._id = last_event_id
        self._first = True
        #: The server's ``retry:`` in seconds, once it sent one.
        self.retry: Optional[float] = None

    def feed(self, chunk: bytes) -> List[SseMessage]:
        self._buffer += self._decoder.decode(chunk)
        if self._first and self._buffer != "":
            if self._buffer.startswith("\ufeff"):
                self._buffer = self._buffer[1:]
            self._first = self._buffer == ""
        return self._drain(final=False)

    def end(self) -> List[SseMessage]:
        """Flushes what is left; an unterminated last message is dropped, as the spec says."""
        self._buffer += self._decoder.decode(b"", final=True)
        return self._drain(final=True)

    def _drain(self, final: bool) -> List[SseMessage]:
        messages: List[SseMessage] = []
        while True:
            match = _LINE_END.search(self._buffer)
            # A CR at the very end may be the first half of a CRLF still in flight.
            if match is None or (match.group() == "\r" and match.end() == len(self._buffer) and not final):
                return messages
            line = self._buffer[: match.start()]
            self._buffer = self._buffer[match.end() :]
            message = self._line(line)
            if message is not None:
                messages.append(message)

    def _line(self, line: str) -> Optional[SseMessage]:
        if line == "":
            message = (
                SseMessage(self._id, self._event or "message", "\n".join(self._data)) if self._data else None
            )
            self._event, self._data = "", []
            return message
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self.retry = int(value) / 1000
        return None


@dataclass(frozen=True)
class Event:
    """One platform event (the envelope of asyncapi.yaml); ``data`` depends on ``type``."""

    id: str
    type: str
    subject: str
    time: str
    project_id: Optional[str]
    data: Dict[str, Any]
    correlation_id: Optional[str] = None
    #: The whole envelope as received.
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def parse_event(message: SseMessage) -> Optional[Event]:
    """The event a message carries; None for anything else (comments, unknown payloads)."""
    try:
        value = json.loads(message.data)
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str) or not isinstance(value.get("data"), dict):
        return None

    def text(key: str) -> Optional[str]:
        found = value.get(key)
        return found if isinstance(found, str) else None

    return Event(
        id=text("id") or message.last_event_id,
        type=value["type"],
        subject=text("subject") or "",
        time=text("time") or "",
        project_id=text("project_id"),
        data=value["data"],
        correlation_id=text("correlation_id"),
        raw=value,
    )


def _closed_error(message: SseMessage) -> GpuaasError:
    try:
        body = json.loads(message.data)
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    code = body.get("code") if isinstance(body.get("code"), str) else "FORBIDDEN"
    detail = body.get("detail") if isinstance(body.get("detail"), str) else "the event stream was closed"
    return GpuaasError(f"the platform closed the event stream: {detail}", code=str(code))


class _Closed(Exception):
    """Carries the server's final ``stream.closed`` past the reconnect logic."""

    def __init__(self, error: GpuaasError) -> None:
        super().__init__(error.message)
        self.error = error


def _is_refusal(error: BaseException) -> bool:
    status = getattr(error, "status", None)
    return isinstance(status, int) and 400 <= status < 500 and status != 429


class _Backoff:
    """follow.ts's reconnect timing: 0.5 s doubling to 10 s, reset by each message; the server's
    ``retry:`` (floored, so a zero cannot spin) replaces the starting wait once it sent one."""

    def __init__(self) -> None:
        self.base = RECONNECT_MIN_SECONDS
        self.wait = self.base

    def heard(self, decoder: SseDecoder) -> None:
        if decoder.retry is not None:
            self.base = max(RETRY_FLOOR_SECONDS, decoder.retry)
            decoder.retry = None
        self.wait = self.base

    def next(self) -> float:
        wait = self.wait
        self.wait = min(RECONNECT_MAX_SECONDS, self.wait * 2)
        return wait


#: Opens one connection of the stream, given the query and headers; yields the body's chunks.
#: Raises GpuaasError for a refusal (the client's error factory) or a network failure.
StreamOpener = Callable[[Mapping[str, str], Mapping[str, str]], AbstractContextManager[Iterator[bytes]]]
AsyncStreamOpener = Callable[[Mapping[str, str], Mapping[str, str]], AbstractAsyncContextManager[AsyncIterator[bytes]]]


def _request(
    types: Optional[List[str]], project_id: Optional[str], last_event_id: str
) -> tuple[Dict[str, str], Dict[str, str]]:
    query: Dict[str, str] = {}
    if types:
        query["types"] = ",".join(types)
    if project_id is not None:
        query["project_id"] = project_id
    headers = {"accept": "text/event-stream"}
    if last_event_id != "":
        headers["last-event-id"] = last_event_id
    return query, headers


def stream_events(
    open_stream: StreamOpener,
    *,
    since: Optional[str] = None,
    types: Optional[List[str]] = None,
    project_id: Optional[str] = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Generator[Event, None, None]:
    """Events for as long as the caller iterates (see the module's docstring)."""
    import httpx  # here: importing gpuaas must not cost httpx's import time

    last_event_id = since or ""
    backoff = _Backoff()
    while True:
        decoder = SseDecoder(last_event_id)
        try:
            with open_stream(*_request(types, project_id, last_event_id)) as chunks:
                for chunk in chunks:
                    for message in decoder.feed(chunk):
                        if message.event == "stream.closed":
                            raise _Closed(_closed_error(message))
                        last_event_id = message.last_event_id
                        backoff.heard(decoder)
                        event = parse_event(message)
                        if event is not None:
                            yield event
                    if decoder.retry is not None:
                        backoff.heard(decoder)
        except _Closed as closed:
            raise closed.error from None
        except GpuaasError as error:
            if _is_refusal(error):
                raise
        except (OSError, httpx.TransportError, httpx.StreamError):
            pass  # a dropped connection: reconnect below
        sleep(backoff.next())


async def astream_events(
    open_stream: AsyncStreamOpener,
    *,
    since: Optional[str] = None,
    types: Optional[List[str]] = None,
    project_id: Optional[str] = None,
    sleep: Optional[Callable[[float], Any]] = None,
) -> AsyncGenerator[Event, None]:
    """The async twin of :func:`stream_events`."""
    import asyncio  # loaded on first use: `import gpuaas` stays cheap

    import httpx

    pause = asyncio.sleep if sleep is None else sleep
    last_event_id = since or ""
    backoff = _Backoff()
    while True:
        decoder = SseDecoder(last_event_id)
        try:
            async with open_stream(*_request(types, project_id, last_event_id)) as chunks:
                async for chunk in chunks:
                    for message in decoder.feed(chunk):
                        if message.event == "stream.closed":
                            raise _Closed(_closed_error(message))
                        last_event_id = message.last_event_id
                        backoff.heard(decoder)
                        event = parse_event(message)
                        if event is not None:
                            yield event
                    if decoder.retry is not None:
                        backoff.heard(decoder)
        except _Closed as closed:
            raise closed.error from None
        except GpuaasError as error:
            if _is_refusal(error):
                raise
        except (OSError, httpx.TransportError, httpx.StreamError):
            pass
        await pause(backoff.next())


class Events:
    """``client.events``: the platform's event stream."""

    def __init__(self, sender: SyncSender, projects: Projects) -> None:
        self._sender = sender
        self._projects = projects

    def stream(
        self,
        *,
        since: Optional[str] = None,
        types: Optional[Sequence[str]] = None,
        project: Optional[str] = None,
    ) -> Generator[Event, None, None]:
        """Events the caller may see, for as long as you iterate (stop with ``break``)::

            for event in client.events.stream(types=["allocation.state_changed"], project="demo"):
                print(event.type, event.data["allocation_id"], event.data["to"])

        ``since`` is an event id to resume after (``event.id`` of the last one handled), ``types``
        filters by event type, ``project`` (id or unique name) by project. Dropped connections are
        resumed with ``Last-Event-ID``; a refusal raises the platform's error.
        """
        project_id = None if project is None else self._projects.resolve_id(project)
        wanted = None if types is None else list(types)
        return stream_events(self._open, since=since, types=wanted, project_id=project_id)

    @contextmanager
    def _open(self, query: Mapping[str, str], headers: Mapping[str, str]) -> Iterator[Iterator[bytes]]:
        response = self._sender.request("GET", "/v1/events", query=query, headers=headers, stream=True)
        try:
            yield response.iter_bytes()
        finally:
            response.close()


class AsyncEvents:
    """``client.events`` of the ``AsyncClient``."""

    def __init__(self, sender: AsyncSender, projects: AsyncProjects) -> None:
        self._sender = sender
        self._projects = projects

    async def stream(
        self,
        *,
        since: Optional[str] = None,
        types: Optional[Sequence[str]] = None,
        project: Optional[str] = None,
    ) -> AsyncGenerator[Event, None]:
        """``async for event in client.events.stream(...)``; see ``Client.events.stream``."""
        project_id = None if project is None else await self._projects.resolve_id(project)
        async for event in astream_events(
            self._open, since=since, types=None if types is None else list(types), project_id=project_id
        ):
            yield event

    @asynccontextmanager
    async def _open(self, query: Mapping[str, str], headers: Mapping[str, str]) -> AsyncIterator[AsyncIterator[bytes]]:
        response = await self._sender.request("GET", "/v1/events", query=query, headers=headers, stream=True)
        try:
            yield response.aiter_bytes()
        finally:
            await response.aclose()
