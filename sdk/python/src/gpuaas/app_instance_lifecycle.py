"""Request bodies of an app instance's life after its launch (``client.apps.instances.upgrade``,
``update`` and ``uninstall``): only what the caller gives is sent.

An upgrade that widens what the tenant consented to (a permission or meter added, a price
raised) is refused ``AppError`` APP_CONSENT_REQUIRED; its ``consent_diff`` shows the changes, and
the upgrade goes through once they are accepted::

    try:
        client.apps.instances.upgrade(instance.id, version="2.0.0")
    except AppError as error:
        diff = error.consent_diff
        if error.code != "APP_CONSENT_REQUIRED" or diff is None:
            raise
        client.apps.instances.upgrade(
            instance.id,
            version=diff["to_version"],
            accepted_permissions=diff["permissions_added"],
            accept_changes=True,
        )
"""

from __future__ import annotations

from typing import Any, Literal, Mapping, Sequence

from .__generated__ import models as m


def upgrade_body(
    version: str | None,
    accepted_permissions: Sequence[str] | None,
    accept_changes: bool | None,
    parameters: Mapping[str, Any] | None,
    secrets: Mapping[str, str] | None,
) -> m.AppInstanceUpgrade:
    body: m.AppInstanceUpgrade = {}
    if version is not None:
        body["version"] = version
    if accepted_permissions is not None:
        body["accepted_permissions"] = list(accepted_permissions)
    if accept_changes is not None:
        body["accept_changes"] = accept_changes
    if parameters is not None:
        body["parameters"] = dict(parameters)
    if secrets is not None:
        body["secrets"] = dict(secrets)
    return body


def update_body(channel: str | None, upgrades: Literal["manual", "automatic"] | None) -> m.AppInstanceUpdate:
    body: m.AppInstanceUpdate = {}
    if channel is not None:
        body["channel"] = channel
    if upgrades is not None:
        body["upgrades"] = upgrades
    if not body:
        raise ValueError("update needs channel or upgrades")
    return body
