#!/usr/bin/env python3
"""Serves a console UI extension using only the Python standard library.

  GET /healthz        200 when serving
  GET /ui/...         the static files in static/ (the console opens /ui/)
  GET /api/summary    JSON the page shows: uptime and page views

The console shows /ui/ in an iframe on the instance's own origin, so its fetch()
calls are same-origin. Through the platform's endpoint relay the page runs in an
opaque origin and they arrive with "Origin: null": /api/ answers with
Access-Control-Allow-Origin: * (read-only data, no cookies).
"""

import json
import mimetypes
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gpuaas_runtime as runtime

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
STARTED = time.time()
views = {"count": 0}
views_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    server_version = "console-extension/0.1"
    # HTTP/1.1 keeps connections open between requests (every answer has a content-length): the
    # platform reaches the app over kept connections, and one per request would cost a new one.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the body would wait for the
    # peer's delayed ACK (40 ms) on a kept connection.
    disable_nagle_algorithm = True

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            return self.send_body(200, b'{"status":"ok"}', "application/json")
        if path == "/api/summary":
            with views_lock:
                count = views["count"]
            body = {"uptimeSeconds": int(time.time() - STARTED), "pageViews": count,
                    "app": "{{name}}"}
            return self.send_body(200, json.dumps(body).encode("utf-8"), "application/json", cors=True)
        if path == "/" or path == "/ui":
            self.send_response(308)
            self.send_header("location", "/ui/")
            self.send_header("content-length", "0")
            return self.end_headers()
        if path.startswith("/ui/"):
            return self.send_static(path[len("/ui/"):] or "index.html")
        return self.send_body(404, b'{"error":"not found"}', "application/json")

    def send_static(self, relative):
        full = os.path.realpath(os.path.join(STATIC_DIR, relative))
        # realpath + prefix check keeps "../" and symlinks from reaching outside static/.
        if not full.startswith(STATIC_DIR + os.sep) or not os.path.isfile(full):
            return self.send_body(404, b"not found", "text/plain")
        if relative == "index.html":
            with views_lock:
                views["count"] += 1
        with open(full, "rb") as handle:
            data = handle.read()
        kind = mimetypes.guess_type(full)[0] or "application/octet-stream"
        return self.send_body(200, data, kind)

    def send_body(self, code, data, kind, cors=False):
        self.send_response(code)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(data)))
        self.send_header("x-content-type-options", "nosniff")
        if cors:
            self.send_header("access-control-allow-origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    port = int(os.environ.get("PORT", "8090"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    stop = lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    runtime.ready()
    print("serving the UI on :%d/ui/" % port, flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
