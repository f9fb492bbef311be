"""Where the client's bearer tokens come from.

Every source has ``token()`` (a token valid for at least a minute, renewed silently when it can)
and ``refresh()`` (a new one now, after the server refused the last; None when it cannot), plus
``atoken()`` / ``arefresh()`` for ``AsyncClient``:

- :class:`StaticToken`: a fixed token (``GPUAAS_TOKEN``, a bootstrap token in CI);
- :class:`ClientCredentials`: a service account's ``client_id`` + ``client_secret``
  (OAuth ``client_credentials`` against the platform's issuer, docs/auth.md);
- :class:`CliLogin`: the login ``gpuaas auth login`` cached, refreshed with its refresh token and
  written back to the same file the TypeScript CLI uses;
- :func:`login_with_device_code` and :func:`login_with_pkce` log a person in and store the
  session in that cache, so the CLI and this package share one login.

Example::

    from gpuaas import Client
    from gpuaas.auth import ClientCredentials

    creds = ClientCredentials(issuer="https://gpuaas.example.com", client_id="sa-…", client_secret="gpsa_…")
    with Client(base_url="https://gpuaas.example.com", token=creds) as client:
        print(list(client.catalog.list()))
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Mapping
from typing import Any, Dict, Optional

import httpx

from . import _oidc
from ._credentials import (
    CredentialsStore,
    Session,
    default_credentials_path,
    format_time,
    normalize_api_url,
    parse_time,
)
from ._login import DevicePrompt, login_with_device_code, login_with_pkce
from ._oidc import REFRESH_MARGIN_SECONDS, HttpSender, auth_error
from ._token import StaticToken

__all__ = [
    "CliLogin",
    "ClientCredentials",
    "CredentialsStore",
    "DevicePrompt",
    "Session",
    "StaticToken",
    "default_credentials_path",
    "from_environment",
    "login_with_device_code",
    "login_with_pkce",
    "normalize_api_url",
]


class ClientCredentials:
    """A service account's tokens (OAuth ``client_credentials``), fetched on first use and renewed
    a minute before they expire. ``issuer`` is the platform's URL (its own OIDC issuer)."""

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        scope: Optional[str] = None,
        resource: Optional[str] = None,
        http_client: Optional[httpx.Client] = None,
        async_http_client: Optional[httpx.AsyncClient] = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._scope = scope
        self._resource = resource
        self._http = HttpSender(http_client, async_http_client)
        self._metadata: Optional[Dict[str, Any]] = None
        self._cached: Optional[tuple[str, float]] = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ClientCredentials(issuer={self.issuer!r}, client_id={self.client_id!r})"

    def _fresh(self) -> Optional[str]:
        with self._lock:
            cached = self._cached
        if cached is not None and cached[1] - _oidc.now() > REFRESH_MARGIN_SECONDS:
            return cached[0]
        return None

    def _grant(self) -> httpx.Request:
        assert self._metadata is not None
        return _oidc.form_request(
            _oidc.endpoint(self._metadata, "token_endpoint"),
            {"grant_type": "client_credentials", "scope": self._scope, "resource": self._resource},
            _oidc.basic_auth(self.client_id, self._secret),
        )

    def _keep(self, response: httpx.Response, started: float) -> str:
        answer = _oidc.read_json_answer(response)
        what = f"the issuer refused client {self.client_id}'s credentials"
        if isinstance(answer, _oidc.OAuthRefusal):
            # A rotated signing key or a moved endpoint is re-discovered on the next try.
            self._metadata = None
            raise auth_error("AUTH_FAILED", answer.message(what))
        token = _oidc.access_token_of(answer, what)
        with self._lock:
            self._cached = (token, _oidc.expires_at_of(answer, started))
        return token

    def token(self) -> Optional[str]:
        return self._fresh() or self.refresh()

    def refresh(self) -> Optional[str]:
        started = _oidc.now()
        if self._metadata is None:
            self._metadata = _oidc.read_metadata(self.issuer, self._http.send(_oidc.discovery_request(self.issuer)))
        return self._keep(self._http.send(self._grant()), started)

    async def atoken(self) -> Optional[str]:
        return self._fresh() or await self.arefresh()

    async def arefresh(self) -> Optional[str]:
        started = _oidc.now()
        if self._metadata is None:
            response = await self._http.asend(_oidc.discovery_request(self.issuer))
            self._metadata = _oidc.read_metadata(self.issuer, response)
        return self._keep(await self._http.asend(self._grant()), started)


class CliLogin:
    """The login session ``gpuaas auth login`` (or :func:`login_with_pkce`) cached for one API.

    ``token()`` returns its access token; within a minute of expiry it trades the refresh token
    for new tokens and writes them back (the refresh token rotates on every use, so the new one
    must be kept). Refreshes of processes using this package are serialised by a lock on the
    folder; when another program (the TypeScript CLI) rotated the refresh token first, the
    session it stored is used instead of failing.
    """

    def __init__(
        self,
        api_url: str,
        *,
        store: Optional[CredentialsStore] = None,
        resource: Optional[str] = None,
        http_client: Optional[httpx.Client] = None,
    ) -> None:
        self.api_url = normalize_api_url(api_url)
        self.store = store if store is not None else CredentialsStore()
        self._resource = resource
        self._http = HttpSender(http_client)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CliLogin({self.api_url!r}, path={self.store.path!r})"

    def _session(self) -> Dict[str, Any]:
        session = self.store.raw_session(self.api_url)
        if session is None:
            hint = f"run `gpuaas auth login --api-url {self.api_url}`"
            raise auth_error("AUTH_REQUIRED", f"not logged in to {self.api_url}: {hint}")
        return session

    def token(self) -> Optional[str]:
        session = self._session()
        if not _expiring(session):
            return str(session["access_token"])
        return self._refresh(only_if_expiring=True)

    def refresh(self) -> Optional[str]:
        return self._refresh(only_if_expiring=False)

    async def atoken(self) -> Optional[str]:
        # File access and the rare refresh run in a worker thread: the event loop never blocks
        # on the folder lock held by another process.
        return await asyncio.get_running_loop().run_in_executor(None, self.token)

    async def arefresh(self) -> Optional[str]:
        return await asyncio.get_running_loop().run_in_executor(None, self.refresh)

    def _refresh(self, only_if_expiring: bool) -> str:
        with self._lock, self.store.locked():
            session = self._session()
            # Another thread or process may have refreshed while this one waited for the lock.
            if only_if_expiring and not _expiring(session):
                return str(session["access_token"])
            try:
                refreshed = self._exchange(session)
            except Exception:
                current = self.store.raw_session(self.api_url)
                # Lost the race to a program that takes no lock: its rotation is in the file.
                rotated = current is not None and current.get("refresh_token") != session.get("refresh_token")
                if current is not None and rotated and not _expiring(current):
                    return str(current["access_token"])
                raise
            self.store.put(self.api_url, refreshed)
            return str(refreshed["access_token"])

    def _exchange(self, session: Dict[str, Any]) -> Dict[str, Any]:
        refresh_token = session.get("refresh_token")
        if not isinstance(refresh_token, str):
            raise auth_error(
                "AUTH_REQUIRED", "the login session has expired and cannot be refreshed: run `gpuaas auth login` again"
            )
        issuer = str(session["issuer"])
        started = _oidc.now()
        metadata = _oidc.read_metadata(issuer, self._http.send(_oidc.discovery_request(issuer)))
        request = _oidc.form_request(
            _oidc.endpoint(metadata, "token_endpoint"),
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": str(session["client_id"]),
                "resource": self._resource,
            },
        )
        answer = _oidc.read_json_answer(self._http.send(request))
        if isinstance(answer, _oidc.OAuthRefusal):
            message = answer.message("the login session could not be refreshed")
            if answer.error == "invalid_grant":
                raise auth_error("AUTH_REQUIRED", f"{message}; run `gpuaas auth login` again")
            raise auth_error("AUTH_FAILED", message)
        # As the TypeScript code: the stored session with new tokens, unknown fields kept.
        next_session = dict(session)
        next_session["access_token"] = _oidc.access_token_of(answer, "the login session could not be refreshed")
        next_session["expires_at"] = format_time(_oidc.expires_at_of(answer, started))
        if isinstance(answer.get("refresh_token"), str):
            next_session["refresh_token"] = answer["refresh_token"]
        if isinstance(answer.get("scope"), str):
            next_session["scope"] = answer["scope"]
        return next_session


def _expiring(session: Mapping[str, Any]) -> bool:
    expires = parse_time(str(session.get("expires_at", "")))
    return expires is None or expires - _oidc.now() <= REFRESH_MARGIN_SECONDS


def from_environment(
    api_url: str,
    env: Optional[Mapping[str, str]] = None,
    *,
    store: Optional[CredentialsStore] = None,
) -> Optional[StaticToken | ClientCredentials | CliLogin]:
    """The credential the environment offers, first match wins (as the TypeScript CLI):
    ``GPUAAS_TOKEN``; a service account's ``GPUAAS_CLIENT_ID`` + ``GPUAAS_CLIENT_SECRET`` (issuer
    ``GPUAAS_ISSUER_URL``, default the API URL; optional ``GPUAAS_SCOPE``, ``GPUAAS_RESOURCE``);
    the CLI's cached login for ``api_url``. None when there is none."""
    variables: Mapping[str, str] = os.environ if env is None else env

    def value(name: str) -> Optional[str]:
        found = variables.get(name, "")
        return found if found != "" else None

    token = value("GPUAAS_TOKEN")
    if token is not None:
        return StaticToken(token)
    client_id, secret = value("GPUAAS_CLIENT_ID"), value("GPUAAS_CLIENT_SECRET")
    if client_id is not None or secret is not None:
        if client_id is None or secret is None:
            raise auth_error("AUTH_REQUIRED", "GPUAAS_CLIENT_ID and GPUAAS_CLIENT_SECRET must be set together")
        return ClientCredentials(
            issuer=value("GPUAAS_ISSUER_URL") or api_url,
            client_id=client_id,
            client_secret=secret,
            scope=value("GPUAAS_SCOPE"),
            resource=value("GPUAAS_RESOURCE"),
        )
    store = store if store is not None else CredentialsStore(default_credentials_path(variables))
    if store.raw_session(api_url) is not None:
        return CliLogin(api_url, store=store, resource=value("GPUAAS_RESOURCE"))
    return None
