"""The few OAuth 2.0 / OpenID Connect exchanges the SDK makes with the platform's issuer
(docs/auth.md): discovery, the token endpoint (client credentials, refresh, code, device code)
and the device authorization endpoint. Each exchange is built once as an ``httpx.Request`` and
sent by a sync or an async client, so both clients share every rule.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional
from urllib.parse import quote, urlsplit

import httpx

from ._credentials import Session, format_time
from .errors import AuthenticationError

#: Tokens are renewed when they have less than this left (the TypeScript SDK's margin).
REFRESH_MARGIN_SECONDS = 60.0
#: Without ``expires_in`` a token's lifetime is unknown: assume the platform's 15 minutes.
DEFAULT_TOKEN_LIFETIME_SECONDS = 900
DEFAULT_TIMEOUT_SECONDS = 30.0

JsonObject = Dict[str, Any]


def auth_error(code: str, message: str) -> AuthenticationError:
    """``AUTH_FAILED`` or ``AUTH_REQUIRED``; the message keeps the OAuth error code (e.g.
    ``invalid_grant``), never a secret."""
    return AuthenticationError(message, code=code)


def _is_loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def _check_transport(url: str) -> None:
    # As openid-client: plain http only on loopback (development servers and tests).
    scheme = urlsplit(url).scheme
    if scheme != "https" and not _is_loopback_http(url):
        what = scheme or "no scheme"
        raise auth_error("AUTH_FAILED", f"refusing to talk to the identity provider over {what}: {url}")


def discovery_request(issuer: str) -> httpx.Request:
    _check_transport(issuer)
    return httpx.Request(
        "GET", issuer.rstrip("/") + "/.well-known/openid-configuration", headers={"accept": "application/json"}
    )


def read_metadata(issuer: str, response: httpx.Response) -> JsonObject:
    if response.status_code != 200:
        raise auth_error("AUTH_FAILED", f"cannot discover the OIDC issuer {issuer}: HTTP {response.status_code}")
    try:
        metadata = response.json()
    except ValueError as error:
        raise auth_error("AUTH_FAILED", f"cannot discover the OIDC issuer {issuer}: not JSON") from error
    if not isinstance(metadata, dict) or not isinstance(metadata.get("token_endpoint"), str):
        raise auth_error("AUTH_FAILED", f"cannot discover the OIDC issuer {issuer}: no token_endpoint")
    # RFC 8414 §3.3: the metadata must name the issuer it was fetched for.
    if str(metadata.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise auth_error("AUTH_FAILED", f"the OIDC issuer {issuer} calls itself {metadata.get('issuer')!r}")
    _check_transport(metadata["token_endpoint"])
    return metadata


def endpoint(metadata: JsonObject, name: str) -> str:
    value = metadata.get(name)
    if not isinstance(value, str):
        raise auth_error("AUTH_FAILED", f"the OIDC issuer {metadata.get('issuer')} has no {name}")
    _check_transport(value)
    return value


def basic_auth(client_id: str, client_secret: str) -> str:
    # RFC 6749 §2.3.1: form-encode both before joining them, as openid-client's ClientSecretBasic.
    pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def form_request(url: str, form: Mapping[str, Optional[str]], authorization: Optional[str] = None) -> httpx.Request:
    headers = {"accept": "application/json"}
    if authorization is not None:
        headers["authorization"] = authorization
    data = {k: v for k, v in form.items() if v is not None}
    return httpx.Request("POST", url, data=data, headers=headers)


@dataclass(frozen=True)
class OAuthRefusal:
    """An OAuth error answer (``{"error", "error_description"}``)."""

    status: int
    error: Optional[str]
    description: Optional[str]

    def message(self, what: str) -> str:
        detail = self.description or f"HTTP {self.status}"
        return f"{what}: {self.error}: {detail}" if self.error else f"{what}: {detail}"


def read_json_answer(response: httpx.Response) -> JsonObject | OAuthRefusal:
    """The token (or device) endpoint's answer: its JSON on 2xx, else the OAuth refusal."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        body = None
    if 200 <= response.status_code < 300 and isinstance(body, dict):
        return body
    if not isinstance(body, dict):
        body = {}
    error, description = body.get("error"), body.get("error_description")
    return OAuthRefusal(
        response.status_code,
        error if isinstance(error, str) else None,
        description if isinstance(description, str) else None,
    )


def access_token_of(answer: JsonObject, what: str) -> str:
    token = answer.get("access_token")
    if not isinstance(token, str) or token == "":
        raise auth_error("AUTH_FAILED", f"{what}: the token response has no access_token")
    return token


def expires_at_of(answer: JsonObject, now: float) -> float:
    lifetime = answer.get("expires_in")
    if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)):
        return now + DEFAULT_TOKEN_LIFETIME_SECONDS
    return now + float(lifetime)


def jwt_claims(token: str) -> Optional[JsonObject]:
    """The payload of a JWT, unverified: used only for the ID token that the token endpoint itself
    just returned over TLS (OpenID Connect Core §3.1.3.7 lets the TLS check stand in for the
    signature there), to learn who logged in."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def session_from_answer(
    metadata: JsonObject,
    client_id: str,
    answer: JsonObject,
    now: float,
    nonce: Optional[str] = None,
) -> Session:
    """A login session from a token response (``toSession`` in login.ts), checking the ID token's
    issuer, audience and nonce when there is one."""
    issuer = str(metadata["issuer"])
    access_token = access_token_of(answer, "the issuer refused the login")
    subject: Optional[str] = None
    email: Optional[str] = None
    id_token = answer.get("id_token")
    if isinstance(id_token, str):
        claims = jwt_claims(id_token)
        audience = claims.get("aud") if claims is not None else None
        audiences = audience if isinstance(audience, list) else [audience]
        if (
            claims is None
            or claims.get("iss") != issuer
            or client_id not in audiences
            or (nonce is not None and claims.get("nonce") != nonce)
        ):
            raise auth_error("AUTH_FAILED", "the issuer refused the login: the ID token is not for this login")
        subject = claims.get("sub") if isinstance(claims.get("sub"), str) else None
        email = claims.get("email") if isinstance(claims.get("email"), str) else None
    refresh = answer.get("refresh_token")
    scope = answer.get("scope")
    return Session(
        issuer=issuer,
        client_id=client_id,
        access_token=access_token,
        expires_at=format_time(expires_at_of(answer, now)),
        refresh_token=refresh if isinstance(refresh, str) else None,
        scope=scope if isinstance(scope, str) else None,
        subject=subject,
        email=email,
    )


class HttpSender:
    """Sends the exchanges with the caller's ``httpx`` clients, or with short-lived ones."""

    def __init__(
        self,
        http_client: Optional[httpx.Client] = None,
        async_http_client: Optional[httpx.AsyncClient] = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self._http = http_client
        self._ahttp = async_http_client
        self._timeout = timeout

    def send(self, request: httpx.Request) -> httpx.Response:
        try:
            if self._http is not None:
                return self._read(self._http.send(request))
            with httpx.Client(timeout=self._timeout) as client:
                return self._read(client.send(request))
        except httpx.TransportError as error:
            raise auth_error("AUTH_FAILED", f"the identity provider could not be reached: {error}") from error

    async def asend(self, request: httpx.Request) -> httpx.Response:
        try:
            if self._ahttp is not None:
                return await self._aread(await self._ahttp.send(request))
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                return await self._aread(await client.send(request))
        except httpx.TransportError as error:
            raise auth_error("AUTH_FAILED", f"the identity provider could not be reached: {error}") from error

    @staticmethod
    def _read(response: httpx.Response) -> httpx.Response:
        response.read()
        return response

    @staticmethod
    async def _aread(response: httpx.Response) -> httpx.Response:
        await response.aread()
        return response


def now() -> float:
    return time.time()
