"""Problem documents map onto the right exception classes, with status, code and correlation id."""

from __future__ import annotations

import re
from typing import Type

import httpx
import pytest

from conftest import ALLOCATION_ID, Platform, problem
from gpuaas import (
    AllocationError,
    AppError,
    AuthenticationError,
    Client,
    ConflictError,
    GpuaasError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionError,
    ServerError,
)
from gpuaas.__generated__.models import PROBLEM_CODES
from gpuaas.errors import CODE_FAMILIES, error_class, error_from_response


def test_every_platform_code_of_the_contract_has_a_family() -> None:
    missing = [code for code in PROBLEM_CODES if code not in CODE_FAMILIES]
    assert missing == []
    for code in PROBLEM_CODES:
        assert error_class(code, 400) is not GpuaasError, code


@pytest.mark.parametrize(
    ("status", "code", "family"),
    [
        (400, "VALIDATION_FAILED", InvalidRequestError),
        (401, "TOKEN_MISSING", AuthenticationError),
        (403, "INSUFFICIENT_SCOPE", PermissionDeniedError),
        (404, "NOT_FOUND", NotFoundError),
        (409, "LAST_OWNER", ConflictError),
        (412, "PRECONDITION_FAILED", PreconditionError),
        (422, "ALLOCATION_UNSATISFIABLE", AllocationError),
        (409, "ALLOCATION_NOT_RUNNING", AllocationError),
        (422, "APP_LAUNCH_FAILED", AppError),
        (500, "INTERNAL", ServerError),
        # Codes newer than this SDK land in the family of their status.
        (403, "SOMETHING_NEW", PermissionDeniedError),
        (507, "SOMETHING_NEW", ServerError),
        (418, "SOMETHING_NEW", GpuaasError),
    ],
)
def test_problem_maps_to_its_family(status: int, code: str, family: Type[GpuaasError]) -> None:
    body = problem(status, code, correlation_id="c-9", detail="why", runtime_code="ARTIFACT_PULL_FAILED").json()
    error = error_from_response(status, body, request="GET /v1/x", correlation_header="ignored")
    assert type(error) is family
    assert (error.status, error.code, error.correlation_id) == (status, code, "c-9")
    assert error.problem == body and error.detail == "why" and error.message == "why"
    assert error.runtime_code == "ARTIFACT_PULL_FAILED"
    assert isinstance(error, GpuaasError)


def test_a_body_that_is_no_problem_document_keeps_the_status_and_header_correlation() -> None:
    error = error_from_response(502, None, request="GET /v1/x", correlation_header="from-header")
    assert isinstance(error, ServerError)
    assert error.code == "HTTP_502" and error.status == 502
    assert error.correlation_id == "from-header" and error.problem is None


def test_errors_carry_validation_errors_and_never_the_token(client: Client, platform: Platform) -> None:
    errors = [{"in": "body", "pointer": "/gpus/count", "detail": "must be >= 1"}]
    platform.answer(problem(400, "VALIDATION_FAILED", errors=errors, detail="bad request"))
    with pytest.raises(InvalidRequestError) as caught:
        client.allocations.create(gpus=0, project="0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
    error = caught.value
    assert error.errors == errors
    assert error.request == "POST /v1/allocations"
    assert "tok-1" not in repr(error) and "tok-1" not in str(error)
    assert str(error) == "VALIDATION_FAILED: bad request (correlation_id corr-1)"


def test_unreadable_success_answers_are_response_invalid(client: Client, platform: Platform) -> None:
    from gpuaas import ResponseInvalidError

    platform.answer(httpx.Response(200, text="<html>proxy</html>"))
    with pytest.raises(ResponseInvalidError) as caught:
        client.allocations.get(ALLOCATION_ID)
    assert caught.value.code == "API_RESPONSE_INVALID"
    platform.json({"id": ALLOCATION_ID})  # a required field missing
    with pytest.raises(ResponseInvalidError):
        client.allocations.get(ALLOCATION_ID)


def test_every_code_the_sdk_names_is_documented() -> None:
    from pathlib import Path

    catalog = (Path(__file__).resolve().parents[4] / "docs" / "errors.md").read_text()
    documented = set(re.findall(r"^\| ([A-Z][A-Z0-9_]+) \|", catalog, re.MULTILINE))
    assert sorted(set(CODE_FAMILIES) - documented) == []
