"""Where the client's bearer token comes from: a fixed token, or a source that can refresh.

The client asks its source for a token before every attempt (so a source that renews ahead of
expiry is honoured) and asks it to refresh once when the platform answers 401 ``TOKEN_EXPIRED``.
``gpuaas.auth`` provides sources for a service account's client credentials and for the CLI's
login; anything with these methods works.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class TokenSource(Protocol):
    """A synchronous token source (``Client``; ``AsyncClient`` also accepts one)."""

    def token(self) -> str | None:
        """The token to send now, or ``None`` to send the request without one."""
        ...

    def refresh(self) -> str | None:
        """A new token after the platform said the last one expired; ``None`` when it cannot."""
        ...


@runtime_checkable
class AsyncTokenSource(Protocol):
    """An asynchronous token source (``AsyncClient``), e.g. one that calls an identity provider."""

    async def atoken(self) -> str | None: ...

    async def arefresh(self) -> str | None: ...


class StaticToken:
    """A fixed token (GPUAAS_TOKEN, a CI secret): sent as is, never refreshed."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self) -> str | None:
        return self._token

    def refresh(self) -> str | None:
        return None

    async def atoken(self) -> str | None:
        return self._token

    async def arefresh(self) -> str | None:
        return None

    def __repr__(self) -> str:
        # Never the token itself: reprs end up in logs and tracebacks.
        return "StaticToken(***)"
