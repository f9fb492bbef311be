#!/usr/bin/env python3
"""stop hook: asks the server to drain before the runtime sends SIGTERM.

POST /admin/drain (loopback only) turns readiness off, refuses new requests and
returns once in-flight requests have finished (or after the drain timeout).
Exit 0 even when the server is already gone: stopping must not fail because of it.
"""

import http.client
import os
import sys


def main():
    port = int(os.environ.get("PORT", "8000"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=12)
    try:
        conn.request("POST", "/admin/drain", body=b"{}", headers={"content-type": "application/json"})
        response = conn.getresponse()
        print("stop: %d %s" % (response.status, response.read().decode("utf-8", "replace")))
    except OSError as error:
        print("stop: server not reachable (%s), nothing to drain" % error, file=sys.stderr)
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
