"""Every error the SDK raises, and the one factory that maps the platform's refusals onto them.

``GpuaasError`` is the base of all of them. A refusal by the platform (an RFC 9457 problem
document, docs/errors.md "platform") becomes the subclass of its code's family; a failure on the
client's side carries one of the sdk codes of docs/errors.md ("sdk"), such as ``API_UNREACHABLE``.
Branch on the class or on ``code``, never on the message. Errors never carry the request's headers
or body, so they are safe to log.
"""

from __future__ import annotations

from typing import Any, Mapping


class GpuaasError(Exception):
    """Base of every error the SDK raises.

    Attributes:
        code: the stable code (docs/errors.md), e.g. ``NOT_FOUND`` or ``API_UNREACHABLE``.
        status: the HTTP status of the refusal, ``None`` when no answer came.
        correlation_id: ties the failure to the platform's logs and audit record.
        problem: the problem document as the platform sent it (``None`` without one).
        request: method and path of the call, e.g. ``GET /v1/allocations/{id}`` (no query, no host).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int | None = None,
        correlation_id: str | None = None,
        problem: Mapping[str, Any] | None = None,
        request: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.correlation_id = correlation_id
        self.problem: dict[str, Any] | None = None if problem is None else dict(problem)
        self.request = request

    @property
    def title(self) -> str | None:
        return _str_field(self.problem, "title")

    @property
    def detail(self) -> str | None:
        return _str_field(self.problem, "detail")

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Validation failures, one per bad value (``in``, ``pointer``, ``detail``)."""
        found = None if self.problem is None else self.problem.get("errors")
        return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []

    @property
    def runtime_code(self) -> str | None:
        """With APP_LAUNCH_FAILED: the allocation runtime's own code, unchanged."""
        return _str_field(self.problem, "runtime_code")

    @property
    def consent_diff(self) -> dict[str, Any] | None:
        """With APP_CONSENT_REQUIRED on an upgrade: what the new version changes (permissions,
        meters and prices added, removed or changed; ``widening``)."""
        found = None if self.problem is None else self.problem.get("consent_diff")
        return found if isinstance(found, dict) else None

    def __str__(self) -> str:
        suffix = "" if self.correlation_id is None else f" (correlation_id {self.correlation_id})"
        return f"{self.code}: {self.message}{suffix}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, "
            f"correlation_id={self.correlation_id!r}, message={self.message!r})"
        )


def _str_field(problem: Mapping[str, Any] | None, key: str) -> str | None:
    value = None if problem is None else problem.get(key)
    return value if isinstance(value, str) else None


# Families of the platform's codes (docs/errors.md "platform"). Client-side codes join the family
# they resemble, so ``except AuthenticationError`` also catches a missing credential.


class InvalidRequestError(GpuaasError):
    """The request itself is wrong: VALIDATION_FAILED, MALFORMED_JSON, CURSOR_INVALID, …"""


class AuthenticationError(GpuaasError):
    """No valid credential: TOKEN_MISSING/INVALID/EXPIRED, TERMINAL_TOKEN_INVALID; AUTH_REQUIRED,
    AUTH_FAILED and CREDENTIALS_INVALID on the client's side."""


class PermissionDeniedError(GpuaasError):
    """Authenticated but not allowed: FORBIDDEN, INSUFFICIENT_SCOPE, SCOPE_NOT_GRANTABLE, …"""


class NotFoundError(GpuaasError):
    """NOT_FOUND (or not visible to the caller) and ROUTE_NOT_FOUND."""


class ConflictError(GpuaasError):
    """ALREADY_EXISTS, LAST_OWNER, LAST_OPERATOR, the idempotency conflicts, USAGE_EVENT_CONFLICT."""


class PreconditionError(GpuaasError):
    """PRECONDITION_FAILED (stale If-Match) and PRECONDITION_REQUIRED (none sent)."""


class RateLimitError(GpuaasError):
    """RATE_LIMITED after the retries; ``retry_after`` is the server's advice in seconds."""

    retry_after: float | None = None


class BillingError(GpuaasError):
    """Billing refused: an amount or currency that is not valid (AMOUNT_INVALID, …), a refund above
    what is left of its charge (CORRECTION_EXCEEDS_ORIGINAL) or of no charge, a reused transfer id,
    usage older than the late window (USAGE_EVENT_TOO_LATE), and the ledger's other codes
    (docs/errors.md)."""


class InsufficientFundsError(BillingError):
    """INSUFFICIENT_FUNDS (402): the project's available balance cannot pay for it;
    ``client.billing.balance(project=...)`` shows what is left."""


class AllocationError(GpuaasError):
    """An allocation cannot be had or used: MODEL_UNKNOWN, ALLOCATION_UNSATISFIABLE,
    ALLOCATION_NOT_RUNNING; ``AllocationEndedError`` when a wait saw it end."""


class AllocationEndedError(AllocationError):
    """ALLOCATION_ENDED: the allocation reached a final state other than the one waited for."""

    def __init__(self, message: str, *, allocation: Any, request: str | None = None) -> None:
        super().__init__(message, code="ALLOCATION_ENDED", request=request)
        #: The allocation as last read (``.state``, ``.state_reason``).
        self.allocation = allocation


class WaitTimeoutError(GpuaasError):
    """WAIT_TIMEOUT: the state waited for was not reached in time; ``last`` is the last read."""

    def __init__(self, message: str, *, last: Any, request: str | None = None) -> None:
        super().__init__(message, code="WAIT_TIMEOUT", request=request)
        self.last = last


class AppError(GpuaasError):
    """The app in an allocation: APP_TRUST_NOT_CONFIGURED, APP_LAUNCH_FAILED (see
    ``runtime_code``), RUNTIME_UNREACHABLE, APP_NOT_READY, APP_ENDPOINT_UNREACHABLE (its
    endpoints), APP_UI_CODE_INVALID (a UI extension's sign-in code); and the app registry: PUBLISHER_KEY_INVALID,
    APP_REFERENCE_INVALID, APP_SIGNER_UNKNOWN, APP_VERSION_STATE_CONFLICT,
    APP_VERSION_NOT_APPROVED, APP_VERSION_REVOKED, APP_NOT_ENTITLED, APP_CONSENT_REQUIRED (an upgrade's
    in ``consent_diff``), APP_UPGRADE_FAILED (see ``runtime_code``), APP_INSTANCE_STATE_CONFLICT, PROFILE_NOT_MET,
    PROFILE_UNSATISFIABLE, REGISTRY_UNREACHABLE."""


class StorageError(GpuaasError):
    """A volume or snapshot request refused: VOLUME_NAME_TAKEN, SNAPSHOT_NAME_TAKEN, VOLUME_IN_USE,
    VOLUME_NOT_AVAILABLE, VOLUME_SHRINK_REFUSED (volumes only grow: restore a snapshot into a
    smaller volume instead), VOLUME_SITE_MISMATCH, VOLUME_MOUNT_INVALID, STORAGE_QUOTA_EXCEEDED,
    STORAGE_BACKEND_FAILED (docs/storage.md)."""


class ServerError(GpuaasError):
    """The platform failed: INTERNAL, NOT_READY, RESPONSE_INVALID, any other 5xx after retries."""


class APIConnectionError(GpuaasError):
    """API_UNREACHABLE: no answer after the retries (refused, reset, DNS, TLS…)."""


class APITimeoutError(APIConnectionError):
    """API_UNREACHABLE because the platform did not answer within the client's timeout."""


class ResponseInvalidError(GpuaasError):
    """API_RESPONSE_INVALID: the answer is not the documented JSON."""


class NameAmbiguousError(GpuaasError):
    """NAME_AMBIGUOUS: several resources the caller sees carry the name; ``candidates`` lists them."""

    def __init__(self, message: str, *, candidates: list[dict[str, Any]]) -> None:
        super().__init__(message, code="NAME_AMBIGUOUS")
        self.candidates = candidates


class TerminalError(GpuaasError):
    """The terminal (exec, shell): TERMINAL_UNREACHABLE, TERMINAL_UNAUTHORIZED, TERMINAL_CLOSED, …"""

    #: The WebSocket close code, when the connection ended with one.
    close_code: int | None = None
    #: The code of the server's ``error`` message, when it sent one before closing.
    remote_code: str | None = None


#: Each platform code's family; a test keeps it complete against the generated PROBLEM_CODES.
CODE_FAMILIES: dict[str, type[GpuaasError]] = {
    **dict.fromkeys(
        [
            "VALIDATION_FAILED",
            "MALFORMED_JSON",
            "CURSOR_INVALID",
            "METHOD_NOT_ALLOWED",
            "PAYLOAD_TOO_LARGE",
            "UNSUPPORTED_MEDIA_TYPE",
            "MALFORMED_REQUEST",
            "REQUEST_TIMEOUT",
            "HEADERS_TOO_LARGE",
            "UPGRADE_REQUIRED",
        ],
        InvalidRequestError,
    ),
    **dict.fromkeys(
        [
            "TOKEN_MISSING",
            "TOKEN_INVALID",
            "TOKEN_EXPIRED",
            "TERMINAL_TOKEN_INVALID",
            "AUTH_REQUIRED",
            "AUTH_FAILED",
            "CREDENTIALS_INVALID",
        ],
        AuthenticationError,
    ),
    **dict.fromkeys(
        [
            "FORBIDDEN",
            "INSUFFICIENT_SCOPE",
            "SCOPE_NOT_GRANTABLE",
            "USAGE_REPORTER_FORBIDDEN",
            "NODE_CREDENTIAL_MISMATCH",
        ],
        PermissionDeniedError,
    ),
    **dict.fromkeys(["NOT_FOUND", "ROUTE_NOT_FOUND"], NotFoundError),
    **dict.fromkeys(
        [
            "ALREADY_EXISTS",
            "LAST_OWNER",
            "LAST_OPERATOR",
            "IDEMPOTENCY_IN_FLIGHT",
            "IDEMPOTENCY_KEY_REUSED",
            "USAGE_EVENT_CONFLICT",
        ],
        ConflictError,
    ),
    **dict.fromkeys(["PRECONDITION_FAILED", "PRECONDITION_REQUIRED"], PreconditionError),
    "RATE_LIMITED": RateLimitError,
    **dict.fromkeys(
        ["MODEL_UNKNOWN", "ALLOCATION_UNSATISFIABLE", "ALLOCATION_NOT_RUNNING"], AllocationError
    ),
    "ALLOCATION_ENDED": AllocationEndedError,
    # The billing library's codes (platform/src/billing/errors.ts), in the contract's catalog.
    **dict.fromkeys(
        [
            "AMOUNT_INVALID",
            "CURRENCY_INVALID",
            "CURRENCY_MISMATCH",
            "ACCOUNT_NOT_FOUND",
            "ACCOUNT_CONFLICT",
            "TRANSFER_ID_CONFLICT",
            "TRANSFER_INVALID",
            "PENDING_NOT_FOUND",
            "PENDING_ALREADY_RESOLVED",
            "POST_EXCEEDS_PENDING",
            "CORRECTION_TARGET_NOT_FOUND",
            "CORRECTION_EXCEEDS_ORIGINAL",
            "RATING_CONFLICT",
            "RATING_OUT_OF_ORDER",
            "METER_UNKNOWN",
            "RATING_INPUT_INVALID",
            "REFUND_APPROVAL_REQUIRED",
            "STATEMENT_PERIOD_INVALID",
            "STATEMENT_PERIOD_OPEN",
            "STATEMENT_OUT_OF_ORDER",
            "BUDGET_INVALID",
            "USAGE_EVENT_TOO_LATE",
        ],
        BillingError,
    ),
    "INSUFFICIENT_FUNDS": InsufficientFundsError,
    "WAIT_TIMEOUT": WaitTimeoutError,
    **dict.fromkeys(
        [
            "APP_TRUST_NOT_CONFIGURED",
            "APP_LAUNCH_FAILED",
            "RUNTIME_UNREACHABLE",
            "NODE_CERTIFICATE_MISMATCH",
            "APP_NOT_READY",
            "APP_ENDPOINT_UNREACHABLE",
            "APP_UI_CODE_INVALID",
            "PUBLISHER_KEY_INVALID",
            "APP_REFERENCE_INVALID",
            "APP_SIGNER_UNKNOWN",
            "APP_VERSION_STATE_CONFLICT",
            "APP_VERSION_NOT_APPROVED",
            "APP_VERSION_REVOKED",
            "APP_NOT_ENTITLED",
            "APP_CONSENT_REQUIRED",
            "APP_UPGRADE_FAILED",
            "APP_INSTANCE_STATE_CONFLICT",
            "PROFILE_NOT_MET",
            "PROFILE_UNSATISFIABLE",
            "REGISTRY_UNREACHABLE",
        ],
        AppError,
    ),
    **dict.fromkeys(
        [
            "VOLUME_NAME_TAKEN",
            "SNAPSHOT_NAME_TAKEN",
            "VOLUME_IN_USE",
            "VOLUME_NOT_AVAILABLE",
            "VOLUME_SHRINK_REFUSED",
            "VOLUME_SITE_MISMATCH",
            "VOLUME_MOUNT_INVALID",
            "STORAGE_QUOTA_EXCEEDED",
            "STORAGE_BACKEND_FAILED",
        ],
        StorageError,
    ),
    **dict.fromkeys(
        [
            "INTERNAL",
            "RESPONSE_INVALID",
            "PORT_IN_USE",
            "DATABASE_IN_USE",
            "SLURM_API_UNSUPPORTED",
            "SLURM_UNAVAILABLE",
            "CONFIG_INVALID",
            "NOT_READY",
        ],
        ServerError,
    ),
    "API_UNREACHABLE": APIConnectionError,
    "API_RESPONSE_INVALID": ResponseInvalidError,
    "NAME_AMBIGUOUS": NameAmbiguousError,
    **dict.fromkeys(
        [
            "TERMINAL_UNREACHABLE",
            "TERMINAL_UNAUTHORIZED",
            "TERMINAL_FORBIDDEN",
            "TERMINAL_NOT_FOUND",
            "TERMINAL_TOKEN_EXPIRED",
            "TERMINAL_CLOSED",
        ],
        TerminalError,
    ),
}

# A code this SDK predates still lands in a family, by status.
_STATUS_FAMILIES: dict[int, type[GpuaasError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionError,
    422: InvalidRequestError,
    428: PreconditionError,
    429: RateLimitError,
}

# Codes whose class takes extra constructor arguments are never built from a problem document.
_FROM_PROBLEM_EXCLUDED = (AllocationEndedError, WaitTimeoutError, NameAmbiguousError)


def error_class(code: str, status: int) -> type[GpuaasError]:
    """The exception class for a platform refusal with ``code`` and ``status``."""
    family = CODE_FAMILIES.get(code)
    if family is not None and not issubclass(family, _FROM_PROBLEM_EXCLUDED):
        return family
    if status >= 500:
        return ServerError
    return _STATUS_FAMILIES.get(status, GpuaasError)


def error_from_response(
    status: int,
    body: Any,
    *,
    request: str,
    correlation_header: str | None,
    retry_after: float | None = None,
) -> GpuaasError:
    """The typed error for a non-2xx answer.

    A body that is not a problem document (a proxy's HTML page) still yields an error, with the
    synthetic code ``HTTP_<status>``, as the TypeScript client does.
    """
    if isinstance(body, dict) and isinstance(body.get("code"), str) and isinstance(body.get("title"), str):
        code: str = body["code"]
        detail = body.get("detail")
        message = detail if isinstance(detail, str) else body["title"]
        body_correlation = body.get("correlation_id")
        correlation_id = body_correlation if isinstance(body_correlation, str) else correlation_header
        problem: dict[str, Any] | None = body
    else:
        code = f"HTTP_{status}"
        message = f"the platform answered {status} without a problem document"
        correlation_id = correlation_header
        problem = None
    error = error_class(code, status)(
        message,
        code=code,
        status=status,
        correlation_id=correlation_id,
        problem=problem,
        request=request,
    )
    if isinstance(error, RateLimitError):
        error.retry_after = retry_after
    return error
