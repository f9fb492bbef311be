"""The CLI's credential cache: the same file, format and keys as sdk/src/client/credentials.ts."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from gpuaas.auth import CredentialsStore, Session, default_credentials_path, normalize_api_url
from gpuaas.errors import AuthenticationError, GpuaasError
from gpuaas._credentials import format_time, parse_time

# Exactly what `gpuaas auth login` writes (JSON.stringify(file, null, 2) + "\n").
TS_FILE = """{
  "version": 1,
  "sessions": {
    "http://127.0.0.1:8080": {
      "issuer": "http://127.0.0.1:8080",
      "client_id": "gpuaas-cli",
      "access_token": "at-1",
      "expires_at": "2026-12-07T10:00:00.000Z",
      "refresh_token": "rt-1",
      "subject": "u1",
      "email": "dev@example.com"
    }
  },
  "current": "http://127.0.0.1:8080",
  "projects": {
    "http://127.0.0.1:8080": {
      "id": "p1",
      "name": "demo"
    }
  }
}
"""


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("HTTPS://GPUaaS.Example.com:443/api//", "https://gpuaas.example.com/api"),
        ("http://example.com:80", "http://example.com"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
    ],
)
def test_sessions_are_keyed_as_the_typescript_cli_keys_them(given: str, want: str) -> None:
    assert normalize_api_url(given) == want


def test_a_relative_api_url_is_refused() -> None:
    with pytest.raises(GpuaasError) as caught:
        normalize_api_url("127.0.0.1:8080")
    assert caught.value.code == "USAGE"


def test_the_default_path_follows_the_cli() -> None:
    assert default_credentials_path({"HOME": "/h"}) == "/h/.config/gpuaas/credentials.json"
    assert default_credentials_path({"HOME": "/h", "XDG_CONFIG_HOME": "/x"}) == "/x/gpuaas/credentials.json"
    assert default_credentials_path({"GPUAAS_CREDENTIALS_FILE": "/f.json", "HOME": "/h"}) == "/f.json"


def test_times_are_written_as_javascript_writes_them_and_read_back() -> None:
    assert format_time(1_796_634_000.5) == "2026-12-07T09:00:00.500Z"
    assert parse_time("2026-12-07T09:00:00.500Z") == 1_796_634_000.5
    assert parse_time("2026-12-07T10:00:00+01:00") == 1_796_634_000.0
    assert parse_time("2026-12-07T09:00:00.1234567Z") == pytest.approx(1_796_634_000.123456)
    assert parse_time("tomorrow") is None


def test_reads_the_file_the_typescript_cli_wrote(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(TS_FILE)
    session = CredentialsStore(str(path)).get("http://127.0.0.1:8080/")
    assert session == Session(
        issuer="http://127.0.0.1:8080",
        client_id="gpuaas-cli",
        access_token="at-1",
        expires_at="2026-12-07T10:00:00.000Z",
        refresh_token="rt-1",
        subject="u1",
        email="dev@example.com",
    )


def test_writes_byte_for_byte_what_the_typescript_cli_writes(tmp_path: Path) -> None:
    path = tmp_path / "gpuaas" / "credentials.json"
    store = CredentialsStore(str(path))
    original = json.loads(TS_FILE)
    store.put("http://127.0.0.1:8080", original["sessions"]["http://127.0.0.1:8080"])
    text = path.read_text()
    # The TS write puts `current` after `sessions` on a fresh file; projects come from the CLI.
    assert text == json.dumps({k: original[k] for k in ("version", "sessions", "current")}, indent=2) + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["credentials.json"]  # no temporary file left


def test_put_keeps_the_other_apis_and_the_projects(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(TS_FILE)
    store = CredentialsStore(str(path))
    other = Session("https://b.example", "gpuaas-cli", "at-b", "2026-12-07T10:00:00.000Z").to_json()
    store.put("https://b.example/", other)
    saved = json.loads(path.read_text())
    assert saved["current"] == "https://b.example"
    assert set(saved["sessions"]) == {"http://127.0.0.1:8080", "https://b.example"}
    assert saved["projects"] == {"http://127.0.0.1:8080": {"id": "p1", "name": "demo"}}


def test_remove_forgets_the_login_and_its_project_and_deletes_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(TS_FILE)
    removed = CredentialsStore(str(path)).remove("http://127.0.0.1:8080")
    assert removed is not None and removed.access_token == "at-1"
    assert not path.exists()


@pytest.mark.parametrize(
    "content",
    ["not json", '{"version": 2, "sessions": {}}', '{"version": 1, "sessions": {"x": {"issuer": 1}}}'],
)
def test_a_malformed_file_is_credentials_invalid(tmp_path: Path, content: str) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(content)
    with pytest.raises(AuthenticationError) as caught:
        CredentialsStore(str(path)).read()
    assert caught.value.code == "CREDENTIALS_INVALID"


def test_a_missing_file_is_an_empty_one(tmp_path: Path) -> None:
    assert CredentialsStore(str(tmp_path / "none.json")).read() == {"version": 1, "sessions": {}}
    assert not os.path.exists(tmp_path / "none.json")
