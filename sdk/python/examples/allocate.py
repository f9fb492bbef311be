"""Allocate a GPU, wait for it, list the project's allocations, release it.

    GPUAAS_API_URL=http://127.0.0.1:8080 GPUAAS_TOKEN=… python3 examples/allocate.py demo

Type-checked with ``mypy --strict`` in CI, like the package.
"""

from __future__ import annotations

import sys

from gpuaas import AllocationEndedError, Client, GpuaasError


def main(project: str) -> int:
    with Client() as client:
        for gpu in client.catalog.list():
            print(f"{gpu.id}: {gpu.available}/{gpu.total} available, {gpu.model}")
        allocation = client.allocations.create(gpus=1, project=project, ttl="1h")
        try:
            allocation = client.allocations.wait_until_running(allocation.id, timeout=300)
            print(f"{allocation.id} runs on node {allocation.node_id}")
            for other in client.allocations.list(project=project, state="running"):
                print(f"  {other.id} {other.state} {len(other.gpus)} GPU(s)")
        except AllocationEndedError as error:
            print(f"allocation ended: {error.allocation.state_reason}", file=sys.stderr)
            return 1
        finally:
            client.allocations.release(allocation.id)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "demo"))
    except GpuaasError as error:
        print(f"error[{error.code}]: {error.message}", file=sys.stderr)
        sys.exit(2)
