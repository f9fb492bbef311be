#!/usr/bin/env python3
"""configure hook: checks the launch parameters and says which model will serve.

Runs on every launch and again when max_tokens (mutable) changes. Parameters come
from the JSON file named by GPUAAS_PARAMS_FILE, or GPUAAS_PARAM_<NAME> variables.
The API key is a secret: it is checked but never printed.
"""

import json
import os
import sys

MODELS = ("echo-small", "echo-large")


def load():
    path = os.environ.get("GPUAAS_PARAMS_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    params = {}
    for name in ("model", "api_key", "max_tokens"):
        value = os.environ.get("GPUAAS_PARAM_" + name.upper())
        if value is not None:
            params[name] = value
    return params


def main():
    params = load()
    problems = []
    model = params.get("model", "echo-small")
    if model not in MODELS:
        problems.append("model %r is not one of %s" % (model, ", ".join(MODELS)))
    try:
        max_tokens = int(params.get("max_tokens", 256))
        if not 1 <= max_tokens <= 4096:
            problems.append("max_tokens %d is outside 1..4096" % max_tokens)
    except (TypeError, ValueError):
        problems.append("max_tokens %r is not an integer" % (params.get("max_tokens"),))
    api_key = params.get("api_key")
    if api_key is not None and len(str(api_key)) < 8:
        problems.append("api_key is shorter than 8 characters")
    for problem in problems:
        print("configure: " + problem, file=sys.stderr)
    if problems:
        return 1
    print("configure: model=%s max_tokens=%s auth=%s" % (model, params.get("max_tokens", 256),
                                                          "api-key" if api_key else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
