#!/usr/bin/env python3
"""configure hook: checks the launch parameters before the server starts.

The runtime runs it on every launch and again when a mutable parameter (max_tokens)
changes. A non-zero exit stops the launch with this script's message, which is
clearer than a server that starts and then fails on its first request.
"""

import json
import os
import sys


def load_parameters():
    path = os.environ.get("GPUAAS_PARAMS_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    raw = os.environ.get("GPUAAS_PARAM_MAX_TOKENS")
    return {} if raw is None else {"max_tokens": raw}


def main():
    params = load_parameters()
    max_tokens = params.get("max_tokens", 64)
    try:
        max_tokens = int(max_tokens)
    except (TypeError, ValueError):
        print("configure: max_tokens %r is not an integer" % (max_tokens,), file=sys.stderr)
        return 1
    if not 1 <= max_tokens <= 512:
        print("configure: max_tokens %d is outside 1..512" % max_tokens, file=sys.stderr)
        return 1
    print("configure: max_tokens=%d" % max_tokens)
    return 0


if __name__ == "__main__":
    sys.exit(main())
