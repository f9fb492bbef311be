"""What a generated operation builds and the client sends: one request to the platform API."""

from __future__ import annotations

from typing import Any, Callable, Generic, Literal, Mapping, TypeVar

T_co = TypeVar("T_co", covariant=True)

ResponseKind = Literal["json", "text", "empty"]


class ApiRequest(Generic[T_co]):
    """One call of an operation: method, path, query, headers and body, and how to read the answer.

    Query and header values that are ``None`` are left out when the request is sent. ``parse``
    turns the decoded answer (JSON, text or nothing, per ``response_kind``) into the typed result.
    """

    __slots__ = ("operation_id", "method", "path", "parse", "query", "headers", "body", "response_kind")

    def __init__(
        self,
        operation_id: str,
        method: str,
        path: str,
        parse: Callable[[Any], T_co],
        *,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        body: object = None,
        response_kind: ResponseKind = "json",
    ) -> None:
        self.operation_id = operation_id
        self.method = method
        self.path = path
        self.parse = parse
        self.query = query
        self.headers = headers
        self.body = body
        self.response_kind: ResponseKind = response_kind

    def with_query(self, **query: object) -> ApiRequest[T_co]:
        """The same request with query values added or replaced (the next page's cursor)."""
        return ApiRequest(
            self.operation_id,
            self.method,
            self.path,
            self.parse,
            query={**(self.query or {}), **query},
            headers=self.headers,
            body=self.body,
            response_kind=self.response_kind,
        )

    def __repr__(self) -> str:
        return f"ApiRequest({self.method} {self.path})"
