"""The generated models: typed attributes, keyword renames, JSON kept as sent."""

from __future__ import annotations

from conftest import allocation
from gpuaas.__generated__ import models, operations


def test_from_json_builds_nested_models_and_keeps_the_json() -> None:
    data = allocation(
        "running",
        gpus=[{"index": 0, "uuid": "GPU-1", "model": "H100", "sku_id": "h100-80gb"}],
        transitions=[
            {"from": None, "to": "queued", "reason": "requested", "at": "2026-01-01T00:00:00.000Z", "actor": "system"}
        ],
        future_field="kept",
    )
    a = models.Allocation.from_json(data)
    assert a.state == "running" and a.request.topology == "node"
    assert a.gpus[0].sku_id == "h100-80gb"
    assert a.transitions is not None and a.transitions[0].from_ is None and a.transitions[0].to == "queued"
    assert a.to_dict() == data
    assert a == models.Allocation.from_json(dict(data))
    assert "Allocation(id=" in repr(a)


def test_optional_fields_default_to_none() -> None:
    a = models.Allocation.from_json(allocation())
    assert a.transitions is None


def test_models_built_in_code_serialise_under_their_json_names() -> None:
    t = models.Transition(from_="queued", to="running", reason="placed", at="2026-01-01T00:00:00Z", actor="system")
    assert t.to_dict() == {"from": "queued", "to": "running", "reason": "placed", "at": "2026-01-01T00:00:00Z", "actor": "system"}


def test_operations_build_the_documented_requests() -> None:
    request = operations.get_app_logs("a/b", stream="stderr", tail=5)
    assert (request.method, request.path) == ("GET", "/v1/allocations/a%2Fb/app/logs")
    assert request.query == {"stream": "stderr", "tail": 5, "follow": None}
    assert request.response_kind == "text"
    assert operations.remove_member("p", "u").response_kind == "empty"
    update = operations.update_project("p", {"name": "x"}, if_match='"v1"')
    assert update.headers == {"If-Match": '"v1"'} and update.body == {"name": "x"}
    assert operations.OPERATIONS["createAllocation"] == ("POST", "/v1/allocations")
    # An app endpoint relays any body and upgrades to WebSocket: not a JSON call either.
    assert operations.STREAMING_OPERATIONS == {
        "openTerminal": "websocket",
        "streamEvents": "text/event-stream",
        "callAppEndpoint": "websocket",
    }
