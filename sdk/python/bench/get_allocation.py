"""Times N sequential ``GET /v1/allocations/{id}``: through ``gpuaas.Client`` and through a bare
``httpx.Client`` (one connection each), in alternating blocks so that both see the same server
and machine state. Run by test/bench/python-sdk.bench.ts, which starts the platform; prints one
JSON object: {"n", "sdk_ms", "raw_ms"}.

The platform allows 1,200 requests a minute per credential (then 429 with Retry-After, which the
SDK honours): each side gets its own token (GPUAAS_BASELINE_TOKEN for httpx) and stays under it.

    GPUAAS_API_URL=… GPUAAS_TOKEN=… GPUAAS_BASELINE_TOKEN=… python3 get_allocation.py ALLOCATION_ID [N]
"""

from __future__ import annotations

import json
import os
import sys
import time

import httpx

from gpuaas import Client

BLOCK = 250


def main() -> None:
    allocation_id = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    base_url, token = os.environ["GPUAAS_API_URL"], os.environ["GPUAAS_TOKEN"]
    baseline_token = os.environ.get("GPUAAS_BASELINE_TOKEN", token)
    path = f"/v1/allocations/{allocation_id}"
    with Client(base_url, token) as sdk, httpx.Client(
        base_url=base_url, headers={"authorization": f"Bearer {baseline_token}"}, timeout=30
    ) as raw:

        def through_sdk() -> None:
            assert sdk.allocations.get(allocation_id).id == allocation_id

        def through_httpx() -> None:
            response = raw.get(path)
            response.raise_for_status()
            assert response.json()["id"] == allocation_id

        for _ in range(20):  # warm-up: connections, caches, the server's JIT
            through_sdk()
            through_httpx()
        spent = {"sdk": 0.0, "raw": 0.0}
        done = 0
        while done < total:
            count = min(BLOCK, total - done)
            for name, call in (("sdk", through_sdk), ("raw", through_httpx)):
                started = time.perf_counter()
                for _ in range(count):
                    call()
                spent[name] += time.perf_counter() - started
            done += count
    print(json.dumps({"n": total, "sdk_ms": spent["sdk"] * 1000, "raw_ms": spent["raw"] * 1000}))


if __name__ == "__main__":
    main()
