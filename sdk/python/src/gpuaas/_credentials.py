"""The CLI's credential cache, shared with the TypeScript ``gpuaas`` CLI.

One JSON file (``$XDG_CONFIG_HOME/gpuaas/credentials.json``, else
``~/.config/gpuaas/credentials.json``; ``GPUAAS_CREDENTIALS_FILE`` overrides), mode 0600 in a
0700 folder, holding one login session per API URL. The format, the key of each session and the
way the file is written (temporary file + rename) follow ``sdk/src/client/credentials.ts``
exactly, so ``gpuaas auth login`` and this package read and write each other's files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

from .errors import AuthenticationError, GpuaasError

try:  # POSIX only: elsewhere refreshes are not serialised between processes.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

JsonObject = Dict[str, Any]


def default_credentials_path(env: Optional[Mapping[str, str]] = None) -> str:
    """Where the CLI keeps its logins (the same rules as the TypeScript CLI)."""
    env = os.environ if env is None else env
    override = env.get("GPUAAS_CREDENTIALS_FILE", "")
    if override != "":
        return override
    base = env.get("XDG_CONFIG_HOME", "")
    if base == "":
        base = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".config")
    return os.path.join(base, "gpuaas", "credentials.json")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_api_url(api_url: str) -> str:
    """The key sessions are stored under: origin plus path, without a trailing slash (as WHATWG
    ``URL.origin + pathname`` gives it, so both languages pick the same key)."""
    parts = urlsplit(api_url.strip())
    host = parts.hostname
    if parts.scheme == "" or host is None:
        raise GpuaasError(f"the API URL {api_url!r} is not an absolute URL", code="USAGE")
    scheme = parts.scheme.lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def format_time(epoch_seconds: float) -> str:
    """RFC 3339 in UTC with milliseconds, as JavaScript's ``Date.toISOString()`` writes it."""
    moment = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


_FRACTION = re.compile(r"^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$")


def parse_time(text: str) -> Optional[float]:
    """Seconds since the epoch of an RFC 3339 time; None when it cannot be read (the caller then
    treats the token as expired, as ``Date.parse`` giving NaN does in the TypeScript code)."""
    match = _FRACTION.match(text.strip())
    if match is None:
        return None
    head, fraction, zone = match.group(1), match.group(2) or "", match.group(3)
    if zone in ("Z", "z"):
        zone = "+00:00"
    # Python before 3.11 reads exactly 3 or 6 fraction digits.
    normalised = f"{head}.{(fraction + '000000')[:6]}{zone}"
    try:
        moment = datetime.fromisoformat(normalised)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


@dataclass(frozen=True)
class Session:
    """One login session, as the identity provider issued it (``StoredSession`` in TypeScript)."""

    issuer: str
    client_id: str
    access_token: str
    #: RFC 3339 time the access token expires.
    expires_at: str
    refresh_token: Optional[str] = None
    scope: Optional[str] = None
    #: The ``sub`` and ``email`` of the ID token, when there was one.
    subject: Optional[str] = None
    email: Optional[str] = None

    def to_json(self) -> JsonObject:
        """The stored form: the TypeScript field order, absent fields left out."""
        out: JsonObject = {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "access_token": self.access_token,
            "expires_at": self.expires_at,
        }
        for key in ("refresh_token", "scope", "subject", "email"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out

    @staticmethod
    def from_json(raw: JsonObject) -> Session:
        def text(key: str) -> Optional[str]:
            value = raw.get(key)
            return value if isinstance(value, str) else None

        return Session(
            issuer=raw["issuer"],
            client_id=raw["client_id"],
            access_token=raw["access_token"],
            expires_at=raw["expires_at"],
            refresh_token=text("refresh_token"),
            scope=text("scope"),
            subject=text("subject"),
            email=text("email"),
        )


def _is_session(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    required = ("issuer", "client_id", "access_token", "expires_at")
    return all(isinstance(value.get(k), str) for k in required) and (
        value.get("refresh_token") is None or isinstance(value.get("refresh_token"), str)
    )


def _is_project(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id"), str) and isinstance(value.get("name"), str)


class CredentialsStore:
    """Reads and writes the credentials file; every write replaces it atomically."""

    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path if path is not None else default_credentials_path()

    def read(self) -> JsonObject:
        """The whole file (``{"version": 1, "sessions": {}}`` when there is none)."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                text = handle.read()
        except FileNotFoundError:
            return {"version": 1, "sessions": {}}
        except OSError as error:
            raise GpuaasError(f"cannot read {self.path}: {error}", code="IO_ERROR") from error
        try:
            parsed = json.loads(text)
        except ValueError as error:
            raise AuthenticationError(f"{self.path} is not JSON", code="CREDENTIALS_INVALID") from error
        sessions = parsed.get("sessions") if isinstance(parsed, dict) else None
        projects = parsed.get("projects") if isinstance(parsed, dict) else None
        if (
            not isinstance(parsed, dict)
            or parsed.get("version") != 1
            or not isinstance(sessions, dict)
            or not all(_is_session(s) for s in sessions.values())
            or (projects is not None and not (isinstance(projects, dict) and all(map(_is_project, projects.values()))))
        ):
            raise AuthenticationError(
                f"{self.path} is not a version 1 credentials file; delete it and run `gpuaas auth login` again",
                code="CREDENTIALS_INVALID",
            )
        return parsed

    def raw_session(self, api_url: str) -> Optional[JsonObject]:
        """One API's stored session as written, unknown fields included."""
        session = self.read()["sessions"].get(normalize_api_url(api_url))
        return session if isinstance(session, dict) else None

    def get(self, api_url: str) -> Optional[Session]:
        raw = self.raw_session(api_url)
        return None if raw is None else Session.from_json(raw)

    def put(self, api_url: str, session: JsonObject) -> None:
        """Stores (or replaces) the session of one API and makes it the current one."""
        file = self.read()
        key = normalize_api_url(api_url)
        file["sessions"][key] = session
        file["current"] = key
        self._write(file)

    def remove(self, api_url: str) -> Optional[Session]:
        """Forgets one API's session and current project; deletes the file when nothing is left."""
        file = self.read()
        key = normalize_api_url(api_url)
        removed = file["sessions"].pop(key, None)
        if removed is None:
            return None
        projects = file.get("projects")
        if isinstance(projects, dict):
            projects.pop(key, None)
            if not projects:
                del file["projects"]
        if file.get("current") == key:
            del file["current"]
        if not file["sessions"] and not file.get("projects"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path)
        else:
            self._write(file)
        return Session.from_json(removed)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialises refreshes between processes of this package: an exclusive ``flock`` on the
        folder (not a lock file, which the TypeScript CLI would leave lying around). The CLI takes
        no lock; a refresh that loses the race to it is recovered by re-reading (see auth.py)."""
        folder = os.path.dirname(self.path) or "."
        if fcntl is None or not os.path.isdir(folder):
            yield
            return
        fd = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _write(self, file: JsonObject) -> None:
        folder = os.path.dirname(self.path) or "."
        os.makedirs(folder, mode=0o700, exist_ok=True)
        tmp = f"{self.path}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            # The mode applies at creation only; fchmod covers a file left over by a crash.
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                fd = -1
                handle.write(json.dumps(file, indent=2, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            with contextlib.suppress(OSError):
                os.remove(tmp)
            raise
