"""The same as allocate.py with the AsyncClient: two allocations requested concurrently.

    python3 examples/allocate_async.py demo
"""

from __future__ import annotations

import asyncio
import sys

from gpuaas import AsyncClient
from gpuaas.models import Allocation


async def allocate(client: AsyncClient, project: str) -> Allocation:
    allocation = await client.allocations.create(gpus=1, project=project, ttl="1h")
    return await client.allocations.wait_until_running(allocation.id, timeout=300)


async def main(project: str) -> None:
    async with AsyncClient() as client:
        running = await asyncio.gather(allocate(client, project), allocate(client, project))
        async for allocation in client.allocations.list(project=project):
            print(allocation.id, allocation.state)
        await asyncio.gather(*(client.allocations.release(a.id, wait=True) for a in running))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "demo"))
