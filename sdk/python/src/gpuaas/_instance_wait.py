"""Waiting for a catalog app instance (``client.apps.instances.wait_until_ready``): a launch
without an allocation answers ``pending`` (its allocation is starting), then ``launching``, then,
once running, the runtime's own state (``fetching``, ``starting``, ``ready``). An instance that
ends first raises ``AppError`` with its failure's code (the runtime's code unchanged)."""

from __future__ import annotations

from .__generated__ import models as m
from .errors import AppError, WaitTimeoutError

#: States of a live instance whose app serves (``running`` where the runtime was not asked).
SERVING: frozenset[str] = frozenset({"ready", "running"})
#: How often a wait re-reads the instance, in seconds.
DEFAULT_POLL_INTERVAL = 1.0


def reached(instance: m.AppInstance) -> bool:
    """Whether the wait is over; ``AppError`` when the instance failed or was stopped instead."""
    if instance.state in SERVING:
        return True
    if instance.state not in ("failed", "stopped"):
        return False
    failure = instance.failure
    code = "APP_ENDED" if failure is None else failure.code
    why = "" if failure is None else f": {failure.code}: {failure.detail}"
    raise AppError(
        f"app instance {instance.id} is {instance.state}{why}",
        code=code,
        request=f"GET /v1/apps/instances/{instance.id}",
    )


def timeout_error(instance: m.AppInstance, timeout: float) -> WaitTimeoutError:
    return WaitTimeoutError(
        f"app instance {instance.id} is still {instance.state} after {timeout:g} s",
        last=instance,
        request=f"GET /v1/apps/instances/{instance.id}",
    )
