#!/usr/bin/env python3
"""A toy inference service using only the Python standard library.

The "model" is a deterministic text generator (a hash chain over a small
vocabulary), so the service runs anywhere; swap generate() for a real model.

  GET  /healthz        200 once the model is loaded, 503 before
  POST /v1/generate    {"prompt": "...", "max_tokens": 16}
                       -> {"tokens": [...], "text": "...", "usage": {"tokens": N}}

Each response's tokens are metered through the runtime's local API
(gpuaas_runtime.meter("tokens", N)); outside the runtime that is a no-op.
"""

import hashlib
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gpuaas_runtime as runtime

VOCABULARY = (
    "the a model token light river stone quiet bright signal graph tensor "
    "answer question small large fast slow green blue open close"
).split()
MAX_TOKENS_LIMIT = int(os.environ.get("GPUAAS_PARAM_MAX_TOKENS", "64"))
MAX_BODY_BYTES = 64 * 1024


class Model:
    def __init__(self):
        self.loaded = threading.Event()

    def load(self):
        # A real model would read weights here; readiness stays 503 until this ends.
        self.loaded.set()

    def generate(self, prompt, max_tokens):
        state = hashlib.sha256(prompt.encode("utf-8")).digest()
        tokens = []
        for _ in range(max_tokens):
            state = hashlib.sha256(state).digest()
            tokens.append(VOCABULARY[state[0] % len(VOCABULARY)])
        return tokens


MODEL = Model()


class Handler(BaseHTTPRequestHandler):
    server_version = "python-inference/0.1"
    # HTTP/1.1 keeps connections open between requests (every answer has a content-length): the
    # platform reaches the app over kept connections, and one per request would cost a new one.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the body would wait for the
    # peer's delayed ACK (40 ms) on a kept connection.
    disable_nagle_algorithm = True

    def do_GET(self):
        if self.path == "/healthz":
            if MODEL.loaded.is_set():
                return self.send_json(200, {"status": "ok"})
            return self.send_json(503, {"status": "loading"})
        return self.send_json(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/v1/generate":
            return self.send_json(404, {"error": "not found"})
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            # The body is left unread, so the connection cannot carry another request.
            self.close_connection = True
            return self.send_json(413, {"error": "body larger than %d bytes" % MAX_BODY_BYTES}, close=True)
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
            prompt = request.get("prompt", "")
            max_tokens = int(request.get("max_tokens", 16))
        except (ValueError, AttributeError):
            return self.send_json(400, {"error": "expected JSON {\"prompt\": string, \"max_tokens\": int}"})
        if not isinstance(prompt, str) or not 1 <= max_tokens <= MAX_TOKENS_LIMIT:
            return self.send_json(400, {"error": "prompt must be a string and max_tokens 1..%d" % MAX_TOKENS_LIMIT})
        tokens = MODEL.generate(prompt, max_tokens)
        try:
            runtime.meter("tokens", len(tokens))
        except (runtime.RuntimeRejected, runtime.RuntimeUnavailable) as error:
            # Unbilled work is refused rather than given away; the client may retry.
            print("meter failed: %s" % error, file=sys.stderr, flush=True)
            return self.send_json(503, {"error": "usage could not be recorded, retry later"})
        return self.send_json(200, {"tokens": tokens, "text": " ".join(tokens), "usage": {"tokens": len(tokens)}})

    def send_json(self, code, body, close=False):
        data = json.dumps(body).encode("utf-8")
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        if close:
            self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    # shutdown() blocks until serve_forever returns, so it must run off the signal handler's thread.
    stop = lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    MODEL.load()
    runtime.ready()
    print("listening on :%d" % port, flush=True)
    server.serve_forever()
    server.server_close()
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
