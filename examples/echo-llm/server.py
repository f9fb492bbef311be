#!/usr/bin/env python3
"""Echo LLM: an OpenAI-style completions API whose "model" echoes the prompt.

  GET  /healthz          liveness: 200 while the process serves
  GET  /readyz           readiness: 200 when the model is loaded and not draining
  POST /v1/completions   {"prompt": "...", "max_tokens": 16}
  POST /admin/drain      loopback only; used by the stop hook (stop.py)

Parameters arrive as GPUAAS_PARAM_MODEL, GPUAAS_PARAM_API_KEY (secret) and
GPUAAS_PARAM_MAX_TOKENS. Every completion meters its tokens and one request.
"""

import hmac
import json
import os
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gpuaas_runtime as runtime

MODEL = os.environ.get("GPUAAS_PARAM_MODEL", "echo-small")
API_KEY = os.environ.get("GPUAAS_PARAM_API_KEY", "")
MAX_TOKENS = int(os.environ.get("GPUAAS_PARAM_MAX_TOKENS", "256"))
MAX_BODY_BYTES = 256 * 1024
DRAIN_TIMEOUT_S = 10.0


class State:
    def __init__(self):
        self.lock = threading.Condition()
        self.loaded = False
        self.draining = False
        self.inflight = 0


STATE = State()


def complete(prompt, max_tokens):
    words = prompt.split() or ["…"]
    repeat = 2 if MODEL == "echo-large" else 1
    tokens = [w for w in words for _ in range(repeat)]
    return tokens[:max_tokens]


class Handler(BaseHTTPRequestHandler):
    server_version = "echo-llm/0.1"

    def do_GET(self):
        if self.path == "/healthz":
            return self.send_json(200, {"status": "ok"})
        if self.path == "/readyz":
            with STATE.lock:
                ready = STATE.loaded and not STATE.draining
            return self.send_json(200 if ready else 503, {"ready": ready, "model": MODEL})
        return self.send_json(404, {"error": "not found"})

    def do_POST(self):
        if self.path == "/admin/drain":
            return self.drain()
        if self.path != "/v1/completions":
            return self.send_json(404, {"error": "not found"})
        if API_KEY and not hmac.compare_digest(self.headers.get("authorization", ""), "Bearer " + API_KEY):
            return self.send_json(401, {"error": "missing or wrong API key"})
        with STATE.lock:
            if STATE.draining:
                return self.send_json(503, {"error": "draining"})
            STATE.inflight += 1
        try:
            return self.completion()
        finally:
            with STATE.lock:
                STATE.inflight -= 1
                STATE.lock.notify_all()

    def completion(self):
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            return self.send_json(413, {"error": "body too large"})
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            prompt = body["prompt"]
            max_tokens = int(body.get("max_tokens", 16))
        except (ValueError, KeyError, TypeError, AttributeError):
            return self.send_json(400, {"error": "expected {\"prompt\": string, \"max_tokens\"?: int}"})
        if not isinstance(prompt, str) or not 1 <= max_tokens <= MAX_TOKENS:
            return self.send_json(400, {"error": "max_tokens must be 1..%d" % MAX_TOKENS})
        tokens = complete(prompt, max_tokens)
        request_id = str(uuid.uuid4())
        try:
            # Ids derived from the request id: a crash-and-retry of this handler bills once.
            runtime.meter("tokens", len(tokens), id=request_id + "/tokens")
            runtime.meter("requests", 1, id=request_id + "/request")
        except (runtime.RuntimeRejected, runtime.RuntimeUnavailable) as error:
            print("meter failed: %s" % error, file=sys.stderr, flush=True)
            return self.send_json(503, {"error": "usage could not be recorded, retry later"})
        return self.send_json(200, {
            "id": request_id,
            "object": "text_completion",
            "model": MODEL,
            "choices": [{"index": 0, "text": " ".join(tokens), "finish_reason": "stop"}],
            "usage": {"prompt_tokens": len(prompt.split()), "completion_tokens": len(tokens)},
        })

    def drain(self):
        if self.client_address[0] not in ("127.0.0.1", "::1"):
            return self.send_json(403, {"error": "drain is loopback only"})
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        with STATE.lock:
            STATE.draining = True
            while STATE.inflight > 0 and time.monotonic() < deadline:
                STATE.lock.wait(deadline - time.monotonic())
            left = STATE.inflight
        runtime.status("draining: %d requests in flight" % left)
        return self.send_json(200, {"drained": left == 0, "inflight": left})

    def send_json(self, code, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def load_model(port):
    # Loading runs beside the server so /healthz (startup, liveness) answers at once while
    # /readyz stays 503 until the model is in memory.
    try:
        runtime.status("loading %s" % MODEL, 0.0)
        with STATE.lock:
            STATE.loaded = True
        runtime.status("serving %s on :%d" % (MODEL, port), 1.0)
        runtime.ready()
    except (runtime.RuntimeRejected, runtime.RuntimeUnavailable) as error:
        # The readiness probe still tells the runtime; the status line is only lost.
        print("echo-llm: could not reach the runtime: %s" % error, file=sys.stderr, flush=True)
    print("echo-llm: serving %s on :%d" % (MODEL, port), flush=True)


def main():
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    # shutdown() blocks until serve_forever returns, so it must run off the signal handler's thread.
    stop = lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=load_model, args=(port,), daemon=True).start()
    server.serve_forever()
    server.server_close()
    print("echo-llm: stopped", flush=True)


if __name__ == "__main__":
    main()
