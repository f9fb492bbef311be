"""Client for the GPUaaS runtime's local API, using only the Python standard library.

The runtime tells the app where its API is through GPUAAS_RUNTIME_URL, either
http://127.0.0.1:PORT or unix:/path/to/runtime.sock. Without it (a plain local
run) every call returns {"accepted": False, "reason": "no-runtime"} and one
notice is printed to stderr, so the same code runs on a laptop and on the
platform.

    import gpuaas_runtime as runtime
    runtime.ready()
    runtime.status("loading", 0.5)
    runtime.meter("tokens", 128)

This file mirrors the TypeScript helpers in @gpuaas/sdk/app; keep the two in step.
Its one source is python-helper/gpuaas_runtime.py in the @gpuaas/sdk package: `gpuaas-app init`
copies it into a new app, and `gpuaas-app pack`, `publish` and `dev` add it to an app that
imports it without shipping a copy of its own.
"""

import http.client
import json
import os
import random
import re
import socket
import sys
import time
import urllib.parse
import uuid

__all__ = ["meter", "ready", "status", "credentials", "RuntimeRejected", "RuntimeUnavailable"]

NO_RUNTIME = {"accepted": False, "reason": "no-runtime"}
_METER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_RETRYABLE_STATUS = {429, 500, 502, 503, 504}
_RETRIES = 4
_TIMEOUT_S = 5.0
_notice_written = False


class RuntimeRejected(Exception):
    """The runtime refused the call; `code` is its problem code (e.g. METER_UNKNOWN)."""

    def __init__(self, message, status, code=None):
        super().__init__(message)
        self.status = status
        self.code = code


class RuntimeUnavailable(Exception):
    """The runtime could not be reached, or kept failing, after retries."""


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTPConnection over a unix socket: only connect() differs."""

    def __init__(self, socket_path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._socket_path = socket_path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def _target():
    raw = os.environ.get("GPUAAS_RUNTIME_URL", "").strip()
    if not raw:
        return None
    if raw.startswith("unix:"):
        path = raw[len("unix:"):]
        if path.startswith("///"):
            path = path[2:]
        if not path:
            raise ValueError("GPUAAS_RUNTIME_URL %r names no socket path" % raw)
        return ("unix", path, "")
    parsed = urllib.parse.urlsplit(raw)
    if parsed.scheme != "http" or not parsed.hostname:
        raise ValueError("GPUAAS_RUNTIME_URL %r is neither http://HOST:PORT nor unix:/path" % raw)
    return ("tcp", (parsed.hostname, parsed.port or 80), parsed.path.rstrip("/"))


def _no_runtime():
    global _notice_written
    if not _notice_written:
        _notice_written = True
        print("gpuaas: GPUAAS_RUNTIME_URL is not set, so meter/ready/status calls are not sent (local run)",
              file=sys.stderr, flush=True)
    return dict(NO_RUNTIME)


def _send_once(target, method, path, payload):
    kind, where, base = target
    if kind == "unix":
        conn = _UnixHTTPConnection(where, _TIMEOUT_S)
    else:
        conn = http.client.HTTPConnection(where[0], where[1], timeout=_TIMEOUT_S)
    try:
        headers = {"accept": "application/json"}
        if payload is not None:
            headers["content-type"] = "application/json"
        conn.request(method, base + path, body=payload, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _send(target, method, path, body, ok):
    # The payload is built once, so every retry of a meter carries the same id and the
    # runtime counts it once however many attempts reach it.
    payload = None if body is None else json.dumps(body).encode("utf-8")
    failure = ""
    for attempt in range(_RETRIES + 1):
        if attempt:
            time.sleep(random.uniform(0, min(2.0, 0.1 * 2 ** (attempt - 1))))
        try:
            status_code, text = _send_once(target, method, path, payload)
        except (OSError, http.client.HTTPException) as error:
            failure = str(error) or type(error).__name__
            continue
        if status_code in _RETRYABLE_STATUS:
            failure = "HTTP %d" % status_code
            continue
        if status_code not in ok:
            code, detail = None, text[:200]
            try:
                problem = json.loads(text)
                code = problem.get("code")
                detail = problem.get("detail") or problem.get("title") or detail
            except (ValueError, AttributeError):
                pass
            raise RuntimeRejected("%s %s was refused by the runtime (HTTP %d %s): %s"
                                  % (method, path, status_code, code or "", detail), status_code, code)
        try:
            return json.loads(text) if text else None
        except ValueError:
            return None
    raise RuntimeUnavailable("%s %s failed after %d attempts: %s" % (method, path, _RETRIES + 1, failure))


def meter(name, quantity, id=None):
    """Report `quantity` units of the meter `name` declared in gpuaas-app.yaml."""
    if not isinstance(name, str) or not _METER_NAME.match(name):
        raise ValueError("meter name %r is not lower snake case" % (name,))
    if isinstance(quantity, bool) or not isinstance(quantity, (int, float)) or quantity < 0 \
            or quantity != quantity or quantity == float("inf"):
        raise ValueError("meter %r: quantity %r is not a finite number >= 0" % (name, quantity))
    event_id = id if id is not None else str(uuid.uuid4())
    target = _target()
    if target is None:
        return _no_runtime()
    answer = _send(target, "POST", "/v1/meter", {"name": name, "quantity": quantity, "id": event_id}, (200, 202))
    accepted_id = answer.get("id") if isinstance(answer, dict) and isinstance(answer.get("id"), str) else event_id
    return {"accepted": True, "id": accepted_id}


def ready():
    """Tell the runtime the app is ready to serve."""
    target = _target()
    if target is None:
        return _no_runtime()
    _send(target, "POST", "/v1/ready", {}, (200, 202, 204))
    return {"accepted": True}


def status(message, progress=None):
    """Report a status line and, for batch jobs, progress between 0 and 1."""
    if not isinstance(message, str):
        raise ValueError("status message must be a string")
    if progress is not None and (isinstance(progress, bool) or not isinstance(progress, (int, float))
                                 or not 0 <= progress <= 1):
        raise ValueError("status progress %r is not a number between 0 and 1" % (progress,))
    target = _target()
    if target is None:
        return _no_runtime()
    body = {"message": message} if progress is None else {"message": message, "progress": progress}
    _send(target, "POST", "/v1/status", body, (200, 202, 204))
    return {"accepted": True}


def credentials():
    """Fetch a short-lived platform credential: {"accepted", "token", "expires_at"}."""
    target = _target()
    if target is None:
        return _no_runtime()
    answer = _send(target, "GET", "/v1/credentials", None, (200,))
    if not isinstance(answer, dict) or "token" not in answer:
        raise RuntimeRejected("GET /v1/credentials answered without a token", 200)
    return {"accepted": True, "token": answer["token"], "expires_at": answer.get("expires_at")}
