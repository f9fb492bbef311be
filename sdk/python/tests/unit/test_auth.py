"""Token sources and logins against a fake OIDC issuer (httpx.MockTransport)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from gpuaas._credentials import format_time, parse_time
from gpuaas.auth import (
    CliLogin,
    ClientCredentials,
    CredentialsStore,
    DevicePrompt,
    StaticToken,
    from_environment,
    login_with_device_code,
    login_with_pkce,
)
from gpuaas.errors import AuthenticationError

ISSUER = "http://127.0.0.1:8080"
API = "http://127.0.0.1:8080"
METADATA = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/oidc/auth",
    "token_endpoint": f"{ISSUER}/oidc/token",
    "device_authorization_endpoint": f"{ISSUER}/oidc/device/auth",
}

Handler = Callable[[httpx.Request, Dict[str, str]], httpx.Response]


class FakeIssuer:
    """Discovery plus whatever the test's handler answers on the token and device endpoints."""

    def __init__(self, token: Handler, device: Optional[Handler] = None) -> None:
        self.requests: List[httpx.Request] = []
        self.forms: List[Dict[str, str]] = []
        self._token = token
        self._device = device

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=METADATA)
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.forms.append(form)
        if request.url.path == "/oidc/token":
            return self._token(request, form)
        if request.url.path == "/oidc/device/auth" and self._device is not None:
            return self._device(request, form)
        return httpx.Response(404)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


def tokens(access: str, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"access_token": access, "token_type": "Bearer", "expires_in": 900, **extra})


def refused(error: str, status: int = 400) -> httpx.Response:
    return httpx.Response(status, json={"error": error, "error_description": f"{error} said the issuer"})


def unsigned_jwt(claims: Dict[str, Any]) -> str:
    def part(value: Dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'ES256'})}.{part(claims)}.c2ln"


# --- static tokens and the environment ---------------------------------------------------------


def test_a_static_token_is_sent_as_is_and_never_refreshed() -> None:
    source = StaticToken("t-1")
    assert (source.token(), source.refresh()) == ("t-1", None)
    assert "t-1" not in repr(source)


def test_the_environment_offers_token_then_client_credentials_then_the_cli_login(tmp_path: Path) -> None:
    store = CredentialsStore(str(tmp_path / "c.json"))
    assert from_environment(API, {}, store=store) is None
    store.put(API, {"issuer": ISSUER, "client_id": "gpuaas-cli", "access_token": "a", "expires_at": format_time(time.time() + 600)})
    assert isinstance(from_environment(API, {}, store=store), CliLogin)
    creds = from_environment(API, {"GPUAAS_CLIENT_ID": "sa-1", "GPUAAS_CLIENT_SECRET": "s"}, store=store)
    assert isinstance(creds, ClientCredentials) and creds.issuer == ISSUER and creds.client_id == "sa-1"
    both = {"GPUAAS_TOKEN": "t", "GPUAAS_CLIENT_ID": "sa-1", "GPUAAS_CLIENT_SECRET": "s"}
    source = from_environment(API, both, store=store)
    assert isinstance(source, StaticToken) and source.token() == "t"
    with pytest.raises(AuthenticationError) as caught:
        from_environment(API, {"GPUAAS_CLIENT_ID": "sa-1"}, store=store)
    assert caught.value.code == "AUTH_REQUIRED"


# --- client credentials --------------------------------------------------------------------------


def test_client_credentials_asks_the_token_endpoint_with_basic_auth_and_caches_the_token() -> None:
    issued: List[str] = []

    def token(request: httpx.Request, form: Dict[str, str]) -> httpx.Response:
        issued.append(f"t-{len(issued) + 1}")
        return tokens(issued[-1])

    issuer = FakeIssuer(token)
    source = ClientCredentials(
        issuer=ISSUER + "/", client_id="sa-1", client_secret="gpsa_s3cret", scope="catalog:read", http_client=issuer.client()
    )
    assert source.token() == "t-1"
    assert source.token() == "t-1"  # cached: valid for 15 minutes
    assert source.refresh() == "t-2"  # the platform said the last one expired
    grant = issuer.requests[1]
    assert grant.headers["authorization"] == "Basic " + base64.b64encode(b"sa-1:gpsa_s3cret").decode()
    assert issuer.forms[0] == {"grant_type": "client_credentials", "scope": "catalog:read"}
    assert "gpsa_s3cret" not in repr(source)
    # Discovery once, then two grants.
    assert [r.url.path for r in issuer.requests] == ["/.well-known/openid-configuration", "/oidc/token", "/oidc/token"]


def test_client_credentials_renews_a_token_that_expires_within_a_minute() -> None:
    answers = iter([tokens("short", expires_in=30), tokens("long")])
    issuer = FakeIssuer(lambda request, form: next(answers))
    source = ClientCredentials(issuer=ISSUER, client_id="sa-1", client_secret="s", http_client=issuer.client())
    assert source.token() == "short"
    assert source.token() == "long"


def test_refused_client_credentials_raise_auth_failed_with_the_oauth_error() -> None:
    issuer = FakeIssuer(lambda request, form: refused("invalid_client", 401))
    source = ClientCredentials(issuer=ISSUER, client_id="sa-1", client_secret="wrong", http_client=issuer.client())
    with pytest.raises(AuthenticationError) as caught:
        source.token()
    assert caught.value.code == "AUTH_FAILED"
    assert "invalid_client" in str(caught.value) and "wrong" not in str(caught.value)


def test_plain_http_is_refused_for_an_issuer_that_is_not_on_loopback() -> None:
    source = ClientCredentials(issuer="http://id.example.com", client_id="sa-1", client_secret="s")
    with pytest.raises(AuthenticationError) as caught:
        source.token()
    assert caught.value.code == "AUTH_FAILED"


@pytest.mark.asyncio
async def test_client_credentials_async() -> None:
    issuer = FakeIssuer(lambda request, form: tokens("t-async"))
    source = ClientCredentials(issuer=ISSUER, client_id="sa-1", client_secret="s", async_http_client=issuer.async_client())
    assert await source.atoken() == "t-async"
    assert await source.atoken() == "t-async"
    assert len([r for r in issuer.requests if r.url.path == "/oidc/token"]) == 1


# --- the CLI's login -------------------------------------------------------------------------------


def stored(tmp_path: Path, expires_in: float, refresh_token: Optional[str] = "rt-1") -> CredentialsStore:
    store = CredentialsStore(str(tmp_path / "gpuaas" / "credentials.json"))
    session: Dict[str, Any] = {
        "issuer": ISSUER,
        "client_id": "gpuaas-cli",
        "access_token": "at-1",
        "expires_at": format_time(time.time() + expires_in),
        "email": "dev@example.com",
        "added_by_a_newer_cli": True,
    }
    if refresh_token is not None:
        session["refresh_token"] = refresh_token
    store.put(API, session)
    return store


def test_the_cli_login_hands_out_its_token_while_it_is_fresh(tmp_path: Path) -> None:
    issuer = FakeIssuer(lambda request, form: tokens("never"))
    source = CliLogin(API + "/", store=stored(tmp_path, 600), http_client=issuer.client())
    assert source.token() == "at-1"
    assert issuer.requests == []


def test_the_cli_login_refreshes_near_expiry_and_writes_the_rotated_tokens_back(tmp_path: Path) -> None:
    issuer = FakeIssuer(lambda request, form: tokens("at-2", refresh_token="rt-2", scope="openid email"))
    store = stored(tmp_path, 30)
    source = CliLogin(API, store=store, http_client=issuer.client())
    assert source.token() == "at-2"
    assert issuer.forms == [{"grant_type": "refresh_token", "refresh_token": "rt-1", "client_id": "gpuaas-cli"}]
    saved = store.read()["sessions"][API]
    assert saved["access_token"] == "at-2" and saved["refresh_token"] == "rt-2" and saved["scope"] == "openid email"
    assert saved["email"] == "dev@example.com" and saved["added_by_a_newer_cli"] is True  # as `{...session}`
    expires = parse_time(saved["expires_at"])
    assert expires is not None and 890 < expires - time.time() <= 900
    assert source.token() == "at-2"  # fresh now: no second refresh
    assert len(issuer.forms) == 1


def test_a_refused_refresh_token_means_logging_in_again(tmp_path: Path) -> None:
    issuer = FakeIssuer(lambda request, form: refused("invalid_grant"))
    source = CliLogin(API, store=stored(tmp_path, -10), http_client=issuer.client())
    with pytest.raises(AuthenticationError) as caught:
        source.token()
    assert caught.value.code == "AUTH_REQUIRED" and "invalid_grant" in str(caught.value)


def test_a_refresh_that_lost_the_race_to_another_program_uses_the_session_it_stored(tmp_path: Path) -> None:
    store = stored(tmp_path, -10)

    def token(request: httpx.Request, form: Dict[str, str]) -> httpx.Response:
        # The TypeScript CLI (which takes no lock) rotated rt-1 a moment earlier.
        winner = dict(store.read()["sessions"][API], access_token="at-cli", refresh_token="rt-cli")
        winner["expires_at"] = format_time(time.time() + 900)
        store.put(API, winner)
        return refused("invalid_grant")

    source = CliLogin(API, store=store, http_client=FakeIssuer(token).client())
    assert source.token() == "at-cli"


def test_a_session_without_refresh_token_cannot_be_renewed(tmp_path: Path) -> None:
    source = CliLogin(API, store=stored(tmp_path, -10, refresh_token=None))
    with pytest.raises(AuthenticationError) as caught:
        source.token()
    assert caught.value.code == "AUTH_REQUIRED"


def test_not_logged_in_is_auth_required(tmp_path: Path) -> None:
    with pytest.raises(AuthenticationError) as caught:
        CliLogin(API, store=CredentialsStore(str(tmp_path / "none.json"))).token()
    assert caught.value.code == "AUTH_REQUIRED" and "gpuaas auth login" in str(caught.value)


def test_refresh_forces_a_new_token_even_when_the_old_one_is_fresh(tmp_path: Path) -> None:
    issuer = FakeIssuer(lambda request, form: tokens("at-2"))
    source = CliLogin(API, store=stored(tmp_path, 600), http_client=issuer.client())
    assert source.refresh() == "at-2"


@pytest.mark.asyncio
async def test_the_cli_login_async(tmp_path: Path) -> None:
    issuer = FakeIssuer(lambda request, form: tokens("at-2", refresh_token="rt-2"))
    source = CliLogin(API, store=stored(tmp_path, 30), http_client=issuer.client())
    assert await source.atoken() == "at-2"
    assert await source.arefresh() == "at-2"


# --- device code and PKCE logins ------------------------------------------------------------------


def test_device_login_polls_until_approved_and_stores_the_session(tmp_path: Path) -> None:
    polls = iter([refused("authorization_pending"), refused("slow_down"), tokens("at-d", refresh_token="rt-d")])

    def device(request: httpx.Request, form: Dict[str, str]) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "device_code": "dc",
                "user_code": "ABCD-EFGH",
                "verification_uri": f"{ISSUER}/device",
                "verification_uri_complete": f"{ISSUER}/device?user_code=ABCD-EFGH",
                "expires_in": 600,
                "interval": 2,
            },
        )

    issuer = FakeIssuer(lambda request, form: next(polls), device)
    prompts: List[DevicePrompt] = []
    waits: List[float] = []
    store = CredentialsStore(str(tmp_path / "credentials.json"))
    session = login_with_device_code(
        API, on_prompt=prompts.append, store=store, http_client=issuer.client(), sleep=waits.append
    )
    assert prompts == [DevicePrompt(f"{ISSUER}/device", f"{ISSUER}/device?user_code=ABCD-EFGH", "ABCD-EFGH", 600)]
    assert waits == [2, 2, 7]  # slow_down adds 5 s (RFC 8628)
    assert issuer.forms[0] == {"client_id": "gpuaas-cli", "scope": "openid email offline_access"}
    assert issuer.forms[1] == {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": "dc",
        "client_id": "gpuaas-cli",
    }
    assert session.refresh_token == "rt-d"
    assert store.get(API) == session and store.read()["current"] == API


def test_device_login_ends_on_a_denial(tmp_path: Path) -> None:
    device = lambda request, form: httpx.Response(  # noqa: E731
        200, json={"device_code": "dc", "user_code": "X", "verification_uri": "u", "expires_in": 60}
    )
    issuer = FakeIssuer(lambda request, form: refused("access_denied"), device)
    with pytest.raises(AuthenticationError) as caught:
        login_with_device_code(
            API, on_prompt=lambda p: None, store=CredentialsStore(str(tmp_path / "c.json")),
            http_client=issuer.client(), sleep=lambda s: None,
        )
    assert "access_denied" in str(caught.value)


def browser(state_override: Optional[str] = None, seen: Optional[List[str]] = None) -> Callable[[str], bool]:
    """Plays the user's browser: the issuer approves at once and redirects to the loopback callback."""

    def open_url(url: str) -> bool:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if seen is not None:
            seen.append(url)
        callback = query["redirect_uri"] + "?" + urlencode(
            {"code": "c0de", "state": state_override or query["state"], "iss": ISSUER}
        )
        threading.Thread(target=lambda: urllib.request.urlopen(callback).read(), daemon=True).start()
        return True

    return open_url


def test_pkce_login_trades_the_code_with_the_verifier_and_stores_who_logged_in(tmp_path: Path) -> None:
    seen: List[str] = []

    def token(request: httpx.Request, form: Dict[str, str]) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(urlsplit(seen[0]).query).items()}
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=")
        assert challenge.decode() == query["code_challenge"] and query["code_challenge_method"] == "S256"
        assert form["redirect_uri"] == query["redirect_uri"] and form["code"] == "c0de"
        claims = {"iss": ISSUER, "aud": "gpuaas-cli", "sub": "u1", "email": "dev@example.com", "nonce": query["nonce"]}
        return tokens("at-p", refresh_token="rt-p", id_token=unsigned_jwt(claims))

    store = CredentialsStore(str(tmp_path / "credentials.json"))
    session = login_with_pkce(API, open_browser=browser(seen=seen), store=store, http_client=FakeIssuer(token).client())
    assert (session.subject, session.email, session.refresh_token) == ("u1", "dev@example.com", "rt-p")
    assert seen[0].startswith(f"{ISSUER}/oidc/auth?response_type=code&client_id=gpuaas-cli&redirect_uri=http%3A%2F%2F127.0.0.1%3A")
    assert store.get(API) == session


def test_pkce_login_refuses_a_callback_with_another_state(tmp_path: Path) -> None:
    issuer = FakeIssuer(lambda request, form: tokens("never"))
    with pytest.raises(AuthenticationError) as caught:
        login_with_pkce(
            API, open_browser=browser(state_override="forged"), store=CredentialsStore(str(tmp_path / "c.json")),
            http_client=issuer.client(),
        )
    assert "state" in str(caught.value)
    assert not [r for r in issuer.requests if r.url.path == "/oidc/token"]


def test_pkce_login_refuses_an_id_token_with_another_nonce(tmp_path: Path) -> None:
    claims = {"iss": ISSUER, "aud": "gpuaas-cli", "sub": "u1", "nonce": "replayed"}
    issuer = FakeIssuer(lambda request, form: tokens("at", id_token=unsigned_jwt(claims)))
    store = CredentialsStore(str(tmp_path / "c.json"))
    with pytest.raises(AuthenticationError):
        login_with_pkce(API, open_browser=browser(), store=store, http_client=issuer.client())
    assert store.get(API) is None
