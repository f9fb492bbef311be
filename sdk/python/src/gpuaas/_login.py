"""Interactive logins that store their session in the CLI's credential cache (login.ts): the
authorization code flow with PKCE on a loopback redirect (RFC 8252, a random port on 127.0.0.1)
and the device authorization grant (RFC 8628) for machines without a browser."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from . import _oidc
from ._credentials import CredentialsStore, Session, default_credentials_path
from ._oidc import HttpSender, auth_error

DEFAULT_LOGIN_SCOPE = "openid email offline_access"
DEFAULT_CLIENT_ID = "gpuaas-cli"
DEFAULT_API_URL = "http://127.0.0.1:8080"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class DevicePrompt:
    """Where the user goes, and the code they enter there."""

    verification_uri: str
    verification_uri_complete: Optional[str]
    user_code: str
    expires_in: int


def _print_prompt(prompt: DevicePrompt) -> None:
    extra = f"\n  (or open {prompt.verification_uri_complete})" if prompt.verification_uri_complete else ""
    print(f"To log in, visit {prompt.verification_uri} and enter the code {prompt.user_code}{extra}", file=sys.stderr)


def _open_system_browser(url: str) -> bool:
    print(f"Opening your browser to log in. If it does not open, visit:\n  {url}", file=sys.stderr)
    return webbrowser.open(url)


@dataclass
class _Target:
    api_url: str
    issuer: str
    store: CredentialsStore


def _target(
    api_url: Optional[str], issuer: Optional[str], store: Optional[CredentialsStore], env: Mapping[str, str]
) -> _Target:
    """The API (as the CLI picks it: argument, GPUAAS_API_URL, the last login, the local default)
    and its issuer (argument, GPUAAS_ISSUER_URL, the API URL)."""
    store = store if store is not None else CredentialsStore(default_credentials_path(env))
    chosen = api_url or env.get("GPUAAS_API_URL") or store.read().get("current") or DEFAULT_API_URL
    chosen = str(chosen).rstrip("/")
    return _Target(chosen, (issuer or env.get("GPUAAS_ISSUER_URL") or chosen).rstrip("/"), store)


def login_with_device_code(
    api_url: Optional[str] = None,
    *,
    on_prompt: Callable[[DevicePrompt], None] = _print_prompt,
    issuer: Optional[str] = None,
    client_id: str = DEFAULT_CLIENT_ID,
    scope: str = DEFAULT_LOGIN_SCOPE,
    resource: Optional[str] = None,
    store: Optional[CredentialsStore] = None,
    http_client: Optional[httpx.Client] = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Session:
    """Shows a code to enter on another device (``on_prompt``), polls until the user approves it,
    stores the session in the CLI's cache (as ``gpuaas auth login --device``) and returns it."""
    target = _target(api_url, issuer, store, os.environ)
    http = HttpSender(http_client)
    metadata = _oidc.read_metadata(target.issuer, http.send(_oidc.discovery_request(target.issuer)))
    started = _oidc.now()
    answer = _oidc.read_json_answer(
        http.send(
            _oidc.form_request(
                _oidc.endpoint(metadata, "device_authorization_endpoint"),
                {"client_id": client_id, "scope": scope, "resource": resource},
            )
        )
    )
    if isinstance(answer, _oidc.OAuthRefusal):
        raise auth_error("AUTH_FAILED", answer.message("the device login failed"))
    device_code, user_code, uri = answer.get("device_code"), answer.get("user_code"), answer.get("verification_uri")
    if not isinstance(device_code, str) or not isinstance(user_code, str) or not isinstance(uri, str):
        raise auth_error("AUTH_FAILED", "the device login failed: the issuer's answer lacks a code")
    expires_in = int(answer.get("expires_in", 600))
    interval = float(answer.get("interval", 5))
    complete = answer.get("verification_uri_complete")
    on_prompt(DevicePrompt(uri, complete if isinstance(complete, str) else None, user_code, expires_in))
    deadline = started + expires_in
    token_endpoint = _oidc.endpoint(metadata, "token_endpoint")
    while True:
        sleep(interval)
        polled = _oidc.now()
        reply = _oidc.read_json_answer(
            http.send(
                _oidc.form_request(
                    token_endpoint,
                    {
                        "grant_type": DEVICE_GRANT,
                        "device_code": device_code,
                        "client_id": client_id,
                        "resource": resource,
                    },
                )
            )
        )
        if not isinstance(reply, _oidc.OAuthRefusal):
            session = _oidc.session_from_answer(metadata, client_id, reply, polled)
            target.store.put(target.api_url, session.to_json())
            return session
        if reply.error == "slow_down":
            interval += 5  # RFC 8628 §3.5
        elif reply.error != "authorization_pending" or _oidc.now() > deadline:
            raise auth_error("AUTH_FAILED", reply.message("the device login failed"))


def _page(title: str, text: str) -> bytes:
    return f'<!doctype html><meta charset="utf-8"><title>{title}</title><p>{text}</p>\n'.encode()


class _Callback:
    """The one request the browser brings back to the loopback server."""

    def __init__(self) -> None:
        self.query: Optional[Dict[str, List[str]]] = None
        self.arrived = threading.Event()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        callback = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                parts = urlsplit(self.path)
                if parts.path != "/callback" or callback.arrived.is_set():
                    self.send_error(404)
                    return
                query = parse_qs(parts.query)
                failed = "error" in query
                body = (
                    _page("Login failed", "The login failed. Return to the terminal.")
                    if failed
                    else _page("Logged in", "You are logged in to GPUaaS. You can close this window.")
                )
                self.send_response(400 if failed else 200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.send_header("connection", "close")
                self.end_headers()
                self.wfile.write(body)
                callback.query = query
                callback.arrived.set()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # the browser's requests are not the user's business

        return Handler


def _one(query: Mapping[str, List[str]], name: str) -> Optional[str]:
    values = query.get(name)
    return values[0] if values else None


def login_with_pkce(
    api_url: Optional[str] = None,
    *,
    open_browser: Callable[[str], bool] = _open_system_browser,
    issuer: Optional[str] = None,
    client_id: str = DEFAULT_CLIENT_ID,
    scope: str = DEFAULT_LOGIN_SCOPE,
    resource: Optional[str] = None,
    store: Optional[CredentialsStore] = None,
    http_client: Optional[httpx.Client] = None,
    timeout: float = 300.0,
) -> Session:
    """Browser login: listens on ``http://127.0.0.1:<random>/callback``, sends the user to the
    issuer (``open_browser``) with a PKCE S256 challenge, state and nonce, trades the returned code
    for tokens, stores the session in the CLI's cache (as ``gpuaas auth login``) and returns it."""
    target = _target(api_url, issuer, store, os.environ)
    http = HttpSender(http_client)
    metadata = _oidc.read_metadata(target.issuer, http.send(_oidc.discovery_request(target.issuer)))
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    callback = _Callback()
    server = HTTPServer(("127.0.0.1", 0), callback.handler())
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/callback"
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serving.start()
    try:
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": state,
            "nonce": nonce,
        }
        if resource is not None:
            params["resource"] = resource
        authorize = _oidc.endpoint(metadata, "authorization_endpoint")
        open_browser(f"{authorize}{'&' if '?' in authorize else '?'}{urlencode(params)}")
        if not callback.arrived.wait(timeout):
            raise auth_error("AUTH_FAILED", "the browser login did not complete in time")
    finally:
        server.shutdown()
        server.server_close()
    query = callback.query or {}
    if _one(query, "state") != state:
        raise auth_error("AUTH_FAILED", "the issuer refused the login: the state does not match")
    failed = _one(query, "error")
    if failed is not None:
        raise auth_error("AUTH_FAILED", f"the issuer refused the login: {failed}")
    # RFC 9207: an `iss` in the response must be the issuer the login was started with.
    returned_issuer = _one(query, "iss")
    code = _one(query, "code")
    if (returned_issuer is not None and returned_issuer != metadata["issuer"]) or code is None:
        raise auth_error("AUTH_FAILED", "the issuer refused the login: the callback is not this login's")
    started = _oidc.now()
    answer = _oidc.read_json_answer(
        http.send(
            _oidc.form_request(
                _oidc.endpoint(metadata, "token_endpoint"),
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": verifier,
                    "client_id": client_id,
                    "resource": resource,
                },
            )
        )
    )
    if isinstance(answer, _oidc.OAuthRefusal):
        raise auth_error("AUTH_FAILED", answer.message("the issuer refused the login"))
    session = _oidc.session_from_answer(metadata, client_id, answer, started, nonce=nonce)
    target.store.put(target.api_url, session.to_json())
    return session
