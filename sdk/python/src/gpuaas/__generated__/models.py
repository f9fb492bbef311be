# Generated from platform/contract/openapi.yaml by `npm run codegen` (sdk/python/scripts/codegen.ts). Do not edit.
"""Types of the platform API: answers as classes, request bodies as TypedDicts."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from .. import _model

__all__ = [
    "Allocation",
    "AllocationCreate",
    "AllocationCreateGpus",
    "AllocationGpu",
    "AllocationList",
    "AllocationRequest",
    "AllocationState",
    "AllocationUsage",
    "AllocationUsageMeter",
    "AllocationVolume",
    "AppAccess",
    "AppConsentDiff",
    "AppConsentDiffInput",
    "AppConsentDiffPricesChanged",
    "AppEntitlement",
    "AppEntitlementGrant",
    "AppEntitlementList",
    "AppInstance",
    "AppInstanceCreate",
    "AppInstanceEndpoint",
    "AppInstanceFailure",
    "AppInstanceList",
    "AppInstanceUpdate",
    "AppInstanceUpgrade",
    "AppInstanceUpgradeOutcome",
    "AppLaunch",
    "AppStatus",
    "AppTrust",
    "AppTrustApprovalKey",
    "AppUiSession",
    "AppUiSessionCreate",
    "AppVersion",
    "AppVersionApproval",
    "AppVersionApprove",
    "AppVersionChange",
    "AppVersionDeprecate",
    "AppVersionDetail",
    "AppVersionDetailPreviousApproved0",
    "AppVersionDiff",
    "AppVersionError",
    "AppVersionList",
    "AppVersionPublish",
    "AppVersionReason",
    "AppVersionRegister",
    "AppVersionRevoke",
    "AppVersionScope",
    "AppVersionSetDiff",
    "AppVersionState",
    "Assignment",
    "AssignmentGpu",
    "AssignmentVolume",
    "AuditEvent",
    "AuditEventList",
    "BillingBalance",
    "BillingBudget",
    "BillingBudgetAlertsFired",
    "BillingBudgetList",
    "BillingBudgetOverview",
    "BillingBudgetOverviewAlertsFired",
    "BillingBudgetSet",
    "BillingCharge",
    "BillingChargeList",
    "BillingEarnings",
    "BillingEarningsLine",
    "BillingEarningsTotals",
    "BillingEarningsTransfer",
    "BillingFundsExhausted",
    "BillingPromotion",
    "BillingPromotionCreate",
    "BillingReason",
    "BillingRefundCreate",
    "BillingRefundRequest",
    "BillingRefundRequestList",
    "BillingStatement",
    "BillingStatementDisplay",
    "BillingStatementLine",
    "BillingStatementTotals",
    "BillingTopupCreate",
    "BillingTransfer",
    "CatalogApp",
    "CatalogAppList",
    "CatalogAppPublisher",
    "CatalogVersion",
    "CatalogVersionPrices1",
    "CatalogVersionPrices1Metered",
    "Currency",
    "DrainRequest",
    "DrainResult",
    "Duration",
    "GpuSku",
    "GpuSkuList",
    "Health",
    "Heartbeat",
    "HeartbeatReply",
    "Id",
    "InventoryGpu",
    "Jwks",
    "JwksKey",
    "Member",
    "MemberCreate",
    "MemberList",
    "MemberUpdate",
    "MicroUnits",
    "Micros",
    "MoneyAmount",
    "Name",
    "NextCursor",
    "Node",
    "NodeCredential",
    "NodeCredentialCreate",
    "NodeCredentialList",
    "NodeCredentialRotate",
    "NodeCredentialWithSecret",
    "NodeGpu",
    "NodeList",
    "NodeName",
    "NodeRegistration",
    "NodeRegistrationInventory",
    "ObservedAllocation",
    "Organization",
    "OrganizationCreate",
    "OrganizationList",
    "PROBLEM_CODES",
    "PendingReason",
    "Problem",
    "ProblemCode",
    "ProblemError",
    "Project",
    "ProjectCreate",
    "ProjectList",
    "ProjectUpdate",
    "PublisherKey",
    "PublisherKeyCreate",
    "PublisherKeyList",
    "Quota",
    "QuotaUpdate",
    "Role",
    "Scope",
    "ServiceAccount",
    "ServiceAccountCreate",
    "ServiceAccountList",
    "ServiceAccountWithSecret",
    "StorageSnapshot",
    "StorageSnapshotCreate",
    "StorageSnapshotList",
    "StorageSnapshotRestore",
    "StorageVolume",
    "StorageVolumeAttachment",
    "StorageVolumeCreate",
    "StorageVolumeList",
    "StorageVolumePlacement",
    "StorageVolumePlacementGpu",
    "StorageVolumeResize",
    "StorageVolumeState",
    "TerminalToken",
    "TerminalTokenCreate",
    "Timestamp",
    "Transition",
    "UsageEvent",
    "UsageEventBatch",
    "UsageEventData",
    "UsageIngestResult",
    "User",
    "UserList",
    "VolumeMount",
]

#: A UUIDv7.
Id = str
#: An RFC 3339 date-time from 1970-01-01 to 9999-12-31; the platform writes ISO 8601 UTC with milliseconds. A leap second (`…T23:59:60Z`), a date that does not exist and a year before 1970 are refused with 400 `VALIDATION_FAILED` naming the field.
Timestamp = str
#: Lower-case letters, digits and dashes; starts with a letter or digit.
Name = str
Role = Literal["owner", "member", "viewer"]
#: Pass as `cursor` to get the next page; null on the last page.
NextCursor = str | None
#: An OAuth scope the API declares on an operation (docs/auth.md lists them).
Scope = str
#: Money in integer micro-units of the currency (1 USD = 1000000), as a decimal string.
Micros = str
#: Money in integer micro-units of the currency (1 USD = 1000000), as a JSON integer (always within ±2^53, so every JSON reader keeps it exact).
MicroUnits = int
#: ISO 4217 code of the platform's one currency.
Currency = str
#: A decimal amount of the currency as a person types it, e.g. `12.50` (no sign, no exponent, at most six decimals, at most 1000000000 per operation; else 400 `AMOUNT_INVALID`).
MoneyAmount = str
#: Why, for the audit trail and the ledger (required, not blank).
BillingReason = str
#: A node's name, as its agent registers it.
NodeName = str
AllocationState = Literal["queued", "scheduled", "provisioning", "running", "releasing", "released", "failed", "preempted"]
PendingReason = Literal["quota_exceeded", "no_capacity", "model_unavailable", "request_too_large", "waiting_for_priority"]
#: A duration: a number of seconds or `90s`, `30m`, `2h`, `1d` and combinations such as `1h30m` (at most four parts of at most 7 digits each), longer than zero. Each field that takes one states its maximum; a longer duration is refused with 400 `VALIDATION_FAILED` naming the field.
Duration = str
#: `creating` until the backend made its filesystem, `available` while detached, `attached` while at least one allocation mounts it, `deleting` until its data is gone.
StorageVolumeState = Literal["creating", "available", "attached", "deleting"]
#: `submitted → verified | rejected`, `verified → approved | rejected`, `approved → published → deprecated`, approved/published/deprecated → `revoked`. Launchable: approved, published, deprecated.
AppVersionState = Literal["submitted", "verified", "rejected", "approved", "published", "deprecated", "revoked"]
#: Who may launch an approved version.
AppVersionScope = Literal["platform", "organization", "project"]
#: Who may launch a published version from the catalog: `free` and `paid` (prices charged through billing) every project its approval covers; `grant` only granted projects.
AppAccess = Literal["free", "paid", "grant"]

#: Every problem code the document lists (docs/errors.md); a newer server may send others.
ProblemCode = Literal["VALIDATION_FAILED", "MALFORMED_JSON", "CURSOR_INVALID", "TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED", "FORBIDDEN", "INSUFFICIENT_SCOPE", "NODE_CREDENTIAL_MISMATCH", "SCOPE_NOT_GRANTABLE", "NOT_FOUND", "ROUTE_NOT_FOUND", "MODEL_UNKNOWN", "ALLOCATION_UNSATISFIABLE", "ALLOCATION_NOT_RUNNING", "TERMINAL_TOKEN_INVALID", "UPGRADE_REQUIRED", "RUNTIME_UNREACHABLE", "NODE_CERTIFICATE_MISMATCH", "APP_TRUST_NOT_CONFIGURED", "APP_LAUNCH_FAILED", "APP_NOT_READY", "APP_ENDPOINT_UNREACHABLE", "APP_UI_CODE_INVALID", "USAGE_REPORTER_FORBIDDEN", "USAGE_EVENT_CONFLICT", "USAGE_EVENT_TOO_LATE", "REFUND_APPROVAL_REQUIRED", "METHOD_NOT_ALLOWED", "ALREADY_EXISTS", "LAST_OWNER", "LAST_OPERATOR", "IDEMPOTENCY_IN_FLIGHT", "PRECONDITION_FAILED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "MALFORMED_REQUEST", "REQUEST_TIMEOUT", "HEADERS_TOO_LARGE", "IDEMPOTENCY_KEY_REUSED", "PRECONDITION_REQUIRED", "RATE_LIMITED", "INTERNAL", "RESPONSE_INVALID", "PORT_IN_USE", "DATABASE_IN_USE", "SLURM_API_UNSUPPORTED", "SLURM_UNAVAILABLE", "CONFIG_INVALID", "NOT_READY", "AMOUNT_INVALID", "CURRENCY_INVALID", "CURRENCY_MISMATCH", "ACCOUNT_NOT_FOUND", "ACCOUNT_CONFLICT", "INSUFFICIENT_FUNDS", "TRANSFER_ID_CONFLICT", "TRANSFER_INVALID", "PENDING_NOT_FOUND", "PENDING_ALREADY_RESOLVED", "POST_EXCEEDS_PENDING", "CORRECTION_TARGET_NOT_FOUND", "CORRECTION_EXCEEDS_ORIGINAL", "RATING_CONFLICT", "RATING_OUT_OF_ORDER", "METER_UNKNOWN", "RATING_INPUT_INVALID", "STATEMENT_PERIOD_INVALID", "STATEMENT_PERIOD_OPEN", "STATEMENT_OUT_OF_ORDER", "BUDGET_INVALID", "PUBLISHER_KEY_INVALID", "APP_REFERENCE_INVALID", "APP_SIGNER_UNKNOWN", "APP_VERSION_STATE_CONFLICT", "APP_VERSION_NOT_APPROVED", "APP_VERSION_REVOKED", "APP_NOT_ENTITLED", "APP_CONSENT_REQUIRED", "APP_UPGRADE_FAILED", "APP_INSTANCE_STATE_CONFLICT", "PROFILE_NOT_MET", "PROFILE_UNSATISFIABLE", "REGISTRY_UNREACHABLE", "VOLUME_NAME_TAKEN", "SNAPSHOT_NAME_TAKEN", "VOLUME_IN_USE", "VOLUME_NOT_AVAILABLE", "VOLUME_SHRINK_REFUSED", "VOLUME_SITE_MISMATCH", "VOLUME_MOUNT_INVALID", "STORAGE_QUOTA_EXCEEDED", "STORAGE_BACKEND_FAILED"]
PROBLEM_CODES: tuple[ProblemCode, ...] = ("VALIDATION_FAILED", "MALFORMED_JSON", "CURSOR_INVALID", "TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED", "FORBIDDEN", "INSUFFICIENT_SCOPE", "NODE_CREDENTIAL_MISMATCH", "SCOPE_NOT_GRANTABLE", "NOT_FOUND", "ROUTE_NOT_FOUND", "MODEL_UNKNOWN", "ALLOCATION_UNSATISFIABLE", "ALLOCATION_NOT_RUNNING", "TERMINAL_TOKEN_INVALID", "UPGRADE_REQUIRED", "RUNTIME_UNREACHABLE", "NODE_CERTIFICATE_MISMATCH", "APP_TRUST_NOT_CONFIGURED", "APP_LAUNCH_FAILED", "APP_NOT_READY", "APP_ENDPOINT_UNREACHABLE", "APP_UI_CODE_INVALID", "USAGE_REPORTER_FORBIDDEN", "USAGE_EVENT_CONFLICT", "USAGE_EVENT_TOO_LATE", "REFUND_APPROVAL_REQUIRED", "METHOD_NOT_ALLOWED", "ALREADY_EXISTS", "LAST_OWNER", "LAST_OPERATOR", "IDEMPOTENCY_IN_FLIGHT", "PRECONDITION_FAILED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "MALFORMED_REQUEST", "REQUEST_TIMEOUT", "HEADERS_TOO_LARGE", "IDEMPOTENCY_KEY_REUSED", "PRECONDITION_REQUIRED", "RATE_LIMITED", "INTERNAL", "RESPONSE_INVALID", "PORT_IN_USE", "DATABASE_IN_USE", "SLURM_API_UNSUPPORTED", "SLURM_UNAVAILABLE", "CONFIG_INVALID", "NOT_READY", "AMOUNT_INVALID", "CURRENCY_INVALID", "CURRENCY_MISMATCH", "ACCOUNT_NOT_FOUND", "ACCOUNT_CONFLICT", "INSUFFICIENT_FUNDS", "TRANSFER_ID_CONFLICT", "TRANSFER_INVALID", "PENDING_NOT_FOUND", "PENDING_ALREADY_RESOLVED", "POST_EXCEEDS_PENDING", "CORRECTION_TARGET_NOT_FOUND", "CORRECTION_EXCEEDS_ORIGINAL", "RATING_CONFLICT", "RATING_OUT_OF_ORDER", "METER_UNKNOWN", "RATING_INPUT_INVALID", "STATEMENT_PERIOD_INVALID", "STATEMENT_PERIOD_OPEN", "STATEMENT_OUT_OF_ORDER", "BUDGET_INVALID", "PUBLISHER_KEY_INVALID", "APP_REFERENCE_INVALID", "APP_SIGNER_UNKNOWN", "APP_VERSION_STATE_CONFLICT", "APP_VERSION_NOT_APPROVED", "APP_VERSION_REVOKED", "APP_NOT_ENTITLED", "APP_CONSENT_REQUIRED", "APP_UPGRADE_FAILED", "APP_INSTANCE_STATE_CONFLICT", "PROFILE_NOT_MET", "PROFILE_UNSATISFIABLE", "REGISTRY_UNREACHABLE", "VOLUME_NAME_TAKEN", "SNAPSHOT_NAME_TAKEN", "VOLUME_IN_USE", "VOLUME_NOT_AVAILABLE", "VOLUME_SHRINK_REFUSED", "VOLUME_SITE_MISMATCH", "VOLUME_MOUNT_INVALID", "STORAGE_QUOTA_EXCEEDED", "STORAGE_BACKEND_FAILED")


class Health(_model.Model):
    """The `Health` object of the platform API."""

    __slots__ = ("status",)
    _FIELDS = (("status", "status"),)

    status: Literal["ok"]

    def __init__(self, *, status: Literal["ok"]) -> None:
        super().__init__()
        self.status = status

    @classmethod
    def from_json(cls, data: Any) -> Health:
        return cls(
            status=data["status"],
        )._keep_json(data)


class JwksKey(_model.Model):
    """The `JwksKey` object of the platform API."""

    __slots__ = ("kty", "kid", "alg", "use")
    _FIELDS = (("kty", "kty"), ("kid", "kid"), ("alg", "alg"), ("use", "use"))

    kty: str
    kid: str
    alg: str | None
    use: str | None

    def __init__(self, *, kty: str, kid: str, alg: str | None = None, use: str | None = None) -> None:
        super().__init__()
        self.kty = kty
        self.kid = kid
        self.alg = alg
        self.use = use

    @classmethod
    def from_json(cls, data: Any) -> JwksKey:
        return cls(
            kty=data["kty"],
            kid=data["kid"],
            alg=data.get("alg"),
            use=data.get("use"),
        )._keep_json(data)


class Jwks(_model.Model):
    """The `Jwks` object of the platform API."""

    __slots__ = ("keys",)
    _FIELDS = (("keys", "keys"),)

    keys: list[JwksKey]

    def __init__(self, *, keys: list[JwksKey]) -> None:
        super().__init__()
        self.keys = keys

    @classmethod
    def from_json(cls, data: Any) -> Jwks:
        return cls(
            keys=_model.parse_list(data["keys"], JwksKey.from_json),
        )._keep_json(data)


class User(_model.Model):
    """The `User` object of the platform API."""

    __slots__ = ("id", "email", "display_name", "operator", "created_at")
    _FIELDS = (("id", "id"), ("email", "email"), ("display_name", "display_name"), ("operator", "operator"), ("created_at", "created_at"))

    id: Id
    email: str
    display_name: str | None
    operator: bool
    created_at: Timestamp

    def __init__(self, *, id: Id, email: str, display_name: str | None, operator: bool, created_at: Timestamp) -> None:
        super().__init__()
        self.id = id
        self.email = email
        self.display_name = display_name
        self.operator = operator
        self.created_at = created_at

    @classmethod
    def from_json(cls, data: Any) -> User:
        return cls(
            id=data["id"],
            email=data["email"],
            display_name=data["display_name"],
            operator=data["operator"],
            created_at=data["created_at"],
        )._keep_json(data)


class UserList(_model.Model):
    """The `UserList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[User]
    next_cursor: NextCursor

    def __init__(self, *, items: list[User], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> UserList:
        return cls(
            items=_model.parse_list(data["items"], User.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class Organization(_model.Model):
    """The `Organization` object of the platform API."""

    __slots__ = ("id", "name", "created_at", "updated_at")
    _FIELDS = (("id", "id"), ("name", "name"), ("created_at", "created_at"), ("updated_at", "updated_at"))

    id: Id
    name: Name
    created_at: Timestamp
    updated_at: Timestamp

    def __init__(self, *, id: Id, name: Name, created_at: Timestamp, updated_at: Timestamp) -> None:
        super().__init__()
        self.id = id
        self.name = name
        self.created_at = created_at
        self.updated_at = updated_at

    @classmethod
    def from_json(cls, data: Any) -> Organization:
        return cls(
            id=data["id"],
            name=data["name"],
            created_at=data["created_at"],
            updated_at=data["updated_at"],
        )._keep_json(data)


class OrganizationList(_model.Model):
    """The `OrganizationList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[Organization]
    next_cursor: NextCursor

    def __init__(self, *, items: list[Organization], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> OrganizationList:
        return cls(
            items=_model.parse_list(data["items"], Organization.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class Project(_model.Model):
    """The `Project` object of the platform API."""

    __slots__ = ("id", "organization_id", "name", "description", "role", "created_at", "updated_at")
    _FIELDS = (("id", "id"), ("organization_id", "organization_id"), ("name", "name"), ("description", "description"), ("role", "role"), ("created_at", "created_at"), ("updated_at", "updated_at"))

    id: Id
    organization_id: Id
    name: Name
    description: str | None
    #: The caller's role in the project; null for operators and service accounts.
    role: Role | None
    created_at: Timestamp
    updated_at: Timestamp

    def __init__(self, *, id: Id, organization_id: Id, name: Name, description: str | None, role: Role | None, created_at: Timestamp, updated_at: Timestamp) -> None:
        super().__init__()
        self.id = id
        self.organization_id = organization_id
        self.name = name
        self.description = description
        self.role = role
        self.created_at = created_at
        self.updated_at = updated_at

    @classmethod
    def from_json(cls, data: Any) -> Project:
        return cls(
            id=data["id"],
            organization_id=data["organization_id"],
            name=data["name"],
            description=data["description"],
            role=data["role"],
            created_at=data["created_at"],
            updated_at=data["updated_at"],
        )._keep_json(data)


class ProjectList(_model.Model):
    """The `ProjectList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[Project]
    next_cursor: NextCursor

    def __init__(self, *, items: list[Project], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> ProjectList:
        return cls(
            items=_model.parse_list(data["items"], Project.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class Member(_model.Model):
    """The `Member` object of the platform API."""

    __slots__ = ("project_id", "user_id", "email", "role", "created_at", "updated_at")
    _FIELDS = (("project_id", "project_id"), ("user_id", "user_id"), ("email", "email"), ("role", "role"), ("created_at", "created_at"), ("updated_at", "updated_at"))

    project_id: Id
    user_id: Id
    email: str
    role: Role
    created_at: Timestamp
    updated_at: Timestamp

    def __init__(self, *, project_id: Id, user_id: Id, email: str, role: Role, created_at: Timestamp, updated_at: Timestamp) -> None:
        super().__init__()
        self.project_id = project_id
        self.user_id = user_id
        self.email = email
        self.role = role
        self.created_at = created_at
        self.updated_at = updated_at

    @classmethod
    def from_json(cls, data: Any) -> Member:
        return cls(
            project_id=data["project_id"],
            user_id=data["user_id"],
            email=data["email"],
            role=data["role"],
            created_at=data["created_at"],
            updated_at=data["updated_at"],
        )._keep_json(data)


class MemberList(_model.Model):
    """The `MemberList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[Member]
    next_cursor: NextCursor

    def __init__(self, *, items: list[Member], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> MemberList:
        return cls(
            items=_model.parse_list(data["items"], Member.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class ServiceAccount(_model.Model):
    """The `ServiceAccount` object of the platform API."""

    __slots__ = ("id", "project_id", "name", "client_id", "scopes", "created_by", "created_at", "secret_rotated_at", "revoked_at")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("name", "name"), ("client_id", "client_id"), ("scopes", "scopes"), ("created_by", "created_by"), ("created_at", "created_at"), ("secret_rotated_at", "secret_rotated_at"), ("revoked_at", "revoked_at"))

    id: Id
    project_id: Id
    name: Name
    #: OAuth client id: `sa-` and the id.
    client_id: str
    scopes: list[Scope]
    created_by: str | None
    created_at: Timestamp
    secret_rotated_at: Timestamp | None
    revoked_at: Timestamp | None

    def __init__(self, *, id: Id, project_id: Id, name: Name, client_id: str, scopes: list[Scope], created_by: str | None, created_at: Timestamp, secret_rotated_at: Timestamp | None, revoked_at: Timestamp | None) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.name = name
        self.client_id = client_id
        self.scopes = scopes
        self.created_by = created_by
        self.created_at = created_at
        self.secret_rotated_at = secret_rotated_at
        self.revoked_at = revoked_at

    @classmethod
    def from_json(cls, data: Any) -> ServiceAccount:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            name=data["name"],
            client_id=data["client_id"],
            scopes=data["scopes"],
            created_by=data["created_by"],
            created_at=data["created_at"],
            secret_rotated_at=data["secret_rotated_at"],
            revoked_at=data["revoked_at"],
        )._keep_json(data)


class ServiceAccountWithSecret(_model.Model):
    """The `ServiceAccountWithSecret` object of the platform API."""

    __slots__ = ("id", "project_id", "name", "client_id", "client_secret", "scopes", "created_by", "created_at", "secret_rotated_at", "revoked_at")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("name", "name"), ("client_id", "client_id"), ("client_secret", "client_secret"), ("scopes", "scopes"), ("created_by", "created_by"), ("created_at", "created_at"), ("secret_rotated_at", "secret_rotated_at"), ("revoked_at", "revoked_at"))

    id: Id
    project_id: Id
    name: Name
    client_id: str
    #: Shown once; store it safely.
    client_secret: str
    scopes: list[Scope]
    created_by: str | None
    created_at: Timestamp
    secret_rotated_at: Timestamp | None
    revoked_at: Timestamp | None

    def __init__(self, *, id: Id, project_id: Id, name: Name, client_id: str, client_secret: str, scopes: list[Scope], created_by: str | None, created_at: Timestamp, secret_rotated_at: Timestamp | None, revoked_at: Timestamp | None) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.name = name
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self.created_by = created_by
        self.created_at = created_at
        self.secret_rotated_at = secret_rotated_at
        self.revoked_at = revoked_at

    @classmethod
    def from_json(cls, data: Any) -> ServiceAccountWithSecret:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            name=data["name"],
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            scopes=data["scopes"],
            created_by=data["created_by"],
            created_at=data["created_at"],
            secret_rotated_at=data["secret_rotated_at"],
            revoked_at=data["revoked_at"],
        )._keep_json(data)


class ServiceAccountList(_model.Model):
    """The `ServiceAccountList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[ServiceAccount]
    next_cursor: NextCursor

    def __init__(self, *, items: list[ServiceAccount], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> ServiceAccountList:
        return cls(
            items=_model.parse_list(data["items"], ServiceAccount.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class AuditEvent(_model.Model):
    """The `AuditEvent` object of the platform API."""

    __slots__ = ("id", "occurred_at", "actor_type", "actor_id", "action", "target_type", "target_id", "project_id", "result", "status", "correlation_id", "details")
    _FIELDS = (("id", "id"), ("occurred_at", "occurred_at"), ("actor_type", "actor_type"), ("actor_id", "actor_id"), ("action", "action"), ("target_type", "target_type"), ("target_id", "target_id"), ("project_id", "project_id"), ("result", "result"), ("status", "status"), ("correlation_id", "correlation_id"), ("details", "details"))

    id: Id
    occurred_at: Timestamp
    actor_type: Literal["user", "service_account", "anonymous", "system"]
    actor_id: str | None
    action: str
    target_type: str | None
    target_id: str | None
    project_id: str | None
    result: Literal["success", "failure"]
    status: int
    correlation_id: str
    details: dict[str, Any] | None

    def __init__(self, *, id: Id, occurred_at: Timestamp, actor_type: Literal["user", "service_account", "anonymous", "system"], actor_id: str | None, action: str, target_type: str | None, target_id: str | None, project_id: str | None, result: Literal["success", "failure"], status: int, correlation_id: str, details: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.id = id
        self.occurred_at = occurred_at
        self.actor_type = actor_type
        self.actor_id = actor_id
        self.action = action
        self.target_type = target_type
        self.target_id = target_id
        self.project_id = project_id
        self.result = result
        self.status = status
        self.correlation_id = correlation_id
        self.details = details

    @classmethod
    def from_json(cls, data: Any) -> AuditEvent:
        return cls(
            id=data["id"],
            occurred_at=data["occurred_at"],
            actor_type=data["actor_type"],
            actor_id=data["actor_id"],
            action=data["action"],
            target_type=data["target_type"],
            target_id=data["target_id"],
            project_id=data["project_id"],
            result=data["result"],
            status=data["status"],
            correlation_id=data["correlation_id"],
            details=data.get("details"),
        )._keep_json(data)


class AuditEventList(_model.Model):
    """The `AuditEventList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[AuditEvent]
    next_cursor: NextCursor

    def __init__(self, *, items: list[AuditEvent], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> AuditEventList:
        return cls(
            items=_model.parse_list(data["items"], AuditEvent.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class BillingBalance(_model.Model):
    """The `BillingBalance` object of the platform API."""

    __slots__ = ("project_id", "currency", "balance_micros", "available_micros", "holds_micros", "prepaid_micros", "promotional_micros", "running_interval_micros", "funds_exhausted")
    _FIELDS = (("project_id", "project_id"), ("currency", "currency"), ("balance_micros", "balance_micros"), ("available_micros", "available_micros"), ("holds_micros", "holds_micros"), ("prepaid_micros", "prepaid_micros"), ("promotional_micros", "promotional_micros"), ("running_interval_micros", "running_interval_micros"), ("funds_exhausted", "funds_exhausted"))

    project_id: Id
    currency: Currency
    #: Prepaid balance plus unexpired promotional credit.
    balance_micros: MicroUnits
    #: balance − holds, what new spending may use.
    available_micros: MicroUnits
    #: Reserved for the next interval of running allocations.
    holds_micros: MicroUnits
    #: Top-ups − charges + refunds (may be below zero for usage already consumed).
    prepaid_micros: MicroUnits
    #: Unexpired promotional credit left.
    promotional_micros: MicroUnits
    #: What one interval of the project's running allocations costs at their prices: the next hold needs this much available, else the project's funds are exhausted.
    running_interval_micros: MicroUnits
    #: Set while the next interval of a running allocation could not be held (`billing.funds_exhausted`); the running allocations are released from `release_after` unless funds arrive first.
    funds_exhausted: BillingFundsExhausted | None

    def __init__(self, *, project_id: Id, currency: Currency, balance_micros: MicroUnits, available_micros: MicroUnits, holds_micros: MicroUnits, prepaid_micros: MicroUnits, promotional_micros: MicroUnits, running_interval_micros: MicroUnits, funds_exhausted: BillingFundsExhausted | None) -> None:
        super().__init__()
        self.project_id = project_id
        self.currency = currency
        self.balance_micros = balance_micros
        self.available_micros = available_micros
        self.holds_micros = holds_micros
        self.prepaid_micros = prepaid_micros
        self.promotional_micros = promotional_micros
        self.running_interval_micros = running_interval_micros
        self.funds_exhausted = funds_exhausted

    @classmethod
    def from_json(cls, data: Any) -> BillingBalance:
        return cls(
            project_id=data["project_id"],
            currency=data["currency"],
            balance_micros=data["balance_micros"],
            available_micros=data["available_micros"],
            holds_micros=data["holds_micros"],
            prepaid_micros=data["prepaid_micros"],
            promotional_micros=data["promotional_micros"],
            running_interval_micros=data["running_interval_micros"],
            funds_exhausted=_model.parse_optional(data["funds_exhausted"], BillingFundsExhausted.from_json),
        )._keep_json(data)


class BillingFundsExhausted(_model.Model):
    """The `BillingFundsExhausted` object of the platform API."""

    __slots__ = ("since", "release_after")
    _FIELDS = (("since", "since"), ("release_after", "release_after"))

    #: When the first interval that could not be held began.
    since: Timestamp
    #: From then on the running allocations are released (since + the grace period).
    release_after: Timestamp

    def __init__(self, *, since: Timestamp, release_after: Timestamp) -> None:
        super().__init__()
        self.since = since
        self.release_after = release_after

    @classmethod
    def from_json(cls, data: Any) -> BillingFundsExhausted:
        return cls(
            since=data["since"],
            release_after=data["release_after"],
        )._keep_json(data)


class BillingTransfer(_model.Model):
    """One immutable ledger transfer (docs/billing.md)."""

    __slots__ = ("id", "kind", "category", "currency", "amount_micros", "debit_account_id", "credit_account_id", "corrects_id", "allocation_id", "period_start", "period_end", "reason", "created_at")
    _FIELDS = (("id", "id"), ("kind", "kind"), ("category", "category"), ("currency", "currency"), ("amount_micros", "amount_micros"), ("debit_account_id", "debit_account_id"), ("credit_account_id", "credit_account_id"), ("corrects_id", "corrects_id"), ("allocation_id", "allocation_id"), ("period_start", "period_start"), ("period_end", "period_end"), ("reason", "reason"), ("created_at", "created_at"))

    #: Unique forever, e.g. `topup:…`, `gpu:<allocation>:<interval>`.
    id: str
    kind: Literal["single", "pending", "post", "void"]
    #: What the money is for, e.g. `topup`, `refund`, `promo_grant`, `gpu_time`.
    category: str
    currency: Currency
    amount_micros: MicroUnits
    debit_account_id: str
    credit_account_id: str
    #: For a refund: the charge it corrects.
    corrects_id: str | None
    allocation_id: str | None
    period_start: Timestamp | None
    period_end: Timestamp | None
    reason: str | None
    created_at: Timestamp

    def __init__(self, *, id: str, kind: Literal["single", "pending", "post", "void"], category: str, currency: Currency, amount_micros: MicroUnits, debit_account_id: str, credit_account_id: str, corrects_id: str | None, allocation_id: str | None, period_start: Timestamp | None, period_end: Timestamp | None, reason: str | None, created_at: Timestamp) -> None:
        super().__init__()
        self.id = id
        self.kind = kind
        self.category = category
        self.currency = currency
        self.amount_micros = amount_micros
        self.debit_account_id = debit_account_id
        self.credit_account_id = credit_account_id
        self.corrects_id = corrects_id
        self.allocation_id = allocation_id
        self.period_start = period_start
        self.period_end = period_end
        self.reason = reason
        self.created_at = created_at

    @classmethod
    def from_json(cls, data: Any) -> BillingTransfer:
        return cls(
            id=data["id"],
            kind=data["kind"],
            category=data["category"],
            currency=data["currency"],
            amount_micros=data["amount_micros"],
            debit_account_id=data["debit_account_id"],
            credit_account_id=data["credit_account_id"],
            corrects_id=data["corrects_id"],
            allocation_id=data["allocation_id"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            reason=data["reason"],
            created_at=data["created_at"],
        )._keep_json(data)


class BillingRefundRequestList(_model.Model):
    """The `BillingRefundRequestList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[BillingRefundRequest]
    next_cursor: NextCursor

    def __init__(self, *, items: list[BillingRefundRequest], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> BillingRefundRequestList:
        return cls(
            items=_model.parse_list(data["items"], BillingRefundRequest.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class BillingRefundRequest(_model.Model):
    """The `BillingRefundRequest` object of the platform API."""

    __slots__ = ("id", "charge_id", "project_id", "amount_micros", "reason", "requested_by", "requested_at", "approved_by", "approved_at", "transfer_id")
    _FIELDS = (("id", "id"), ("charge_id", "charge_id"), ("project_id", "project_id"), ("amount_micros", "amount_micros"), ("reason", "reason"), ("requested_by", "requested_by"), ("requested_at", "requested_at"), ("approved_by", "approved_by"), ("approved_at", "approved_at"), ("transfer_id", "transfer_id"))

    id: Id
    charge_id: str
    project_id: Id
    amount_micros: MicroUnits
    reason: str
    #: `user:<id>` of the operator who asked.
    requested_by: str
    requested_at: Timestamp
    #: `user:<id>` of the approver; null while pending.
    approved_by: str | None
    approved_at: Timestamp | None
    #: The refund transfer, once approved.
    transfer_id: str | None

    def __init__(self, *, id: Id, charge_id: str, project_id: Id, amount_micros: MicroUnits, reason: str, requested_by: str, requested_at: Timestamp, approved_by: str | None, approved_at: Timestamp | None, transfer_id: str | None) -> None:
        super().__init__()
        self.id = id
        self.charge_id = charge_id
        self.project_id = project_id
        self.amount_micros = amount_micros
        self.reason = reason
        self.requested_by = requested_by
        self.requested_at = requested_at
        self.approved_by = approved_by
        self.approved_at = approved_at
        self.transfer_id = transfer_id

    @classmethod
    def from_json(cls, data: Any) -> BillingRefundRequest:
        return cls(
            id=data["id"],
            charge_id=data["charge_id"],
            project_id=data["project_id"],
            amount_micros=data["amount_micros"],
            reason=data["reason"],
            requested_by=data["requested_by"],
            requested_at=data["requested_at"],
            approved_by=data["approved_by"],
            approved_at=data["approved_at"],
            transfer_id=data["transfer_id"],
        )._keep_json(data)


class BillingPromotion(_model.Model):
    """The `BillingPromotion` object of the platform API."""

    __slots__ = ("id", "project_id", "currency", "amount_micros", "expires_at", "reason", "transfer")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("currency", "currency"), ("amount_micros", "amount_micros"), ("expires_at", "expires_at"), ("reason", "reason"), ("transfer", "transfer"))

    #: The grant: names its ledger account.
    id: str
    project_id: Id
    currency: Currency
    amount_micros: MicroUnits
    expires_at: Timestamp
    reason: str
    transfer: BillingTransfer

    def __init__(self, *, id: str, project_id: Id, currency: Currency, amount_micros: MicroUnits, expires_at: Timestamp, reason: str, transfer: BillingTransfer) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.currency = currency
        self.amount_micros = amount_micros
        self.expires_at = expires_at
        self.reason = reason
        self.transfer = transfer

    @classmethod
    def from_json(cls, data: Any) -> BillingPromotion:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            currency=data["currency"],
            amount_micros=data["amount_micros"],
            expires_at=data["expires_at"],
            reason=data["reason"],
            transfer=BillingTransfer.from_json(data["transfer"]),
        )._keep_json(data)


class BillingCharge(_model.Model):
    """The `BillingCharge` object of the platform API."""

    __slots__ = ("id", "kind", "project_id", "currency", "allocation_id", "amount_micros", "refunded_micros", "period_start", "period_end", "transfer_ids", "created_at")
    _FIELDS = (("id", "id"), ("kind", "kind"), ("project_id", "project_id"), ("currency", "currency"), ("allocation_id", "allocation_id"), ("amount_micros", "amount_micros"), ("refunded_micros", "refunded_micros"), ("period_start", "period_start"), ("period_end", "period_end"), ("transfer_ids", "transfer_ids"), ("created_at", "created_at"))

    #: The charge transfer; what `POST /v1/billing/refunds` takes.
    id: str
    #: `gpu_time`, `app_usage` (the publisher's share), `app_fee` (the platform's fee), …
    kind: str
    project_id: Id
    currency: Currency
    allocation_id: str | None
    amount_micros: MicroUnits
    #: The sum of this charge's refunds so far.
    refunded_micros: MicroUnits
    period_start: Timestamp | None
    period_end: Timestamp | None
    #: The charge's transfer, then its refunds', oldest first.
    transfer_ids: list[str]
    created_at: Timestamp

    def __init__(self, *, id: str, kind: str, project_id: Id, currency: Currency, allocation_id: str | None, amount_micros: MicroUnits, refunded_micros: MicroUnits, period_start: Timestamp | None, period_end: Timestamp | None, transfer_ids: list[str], created_at: Timestamp) -> None:
        super().__init__()
        self.id = id
        self.kind = kind
        self.project_id = project_id
        self.currency = currency
        self.allocation_id = allocation_id
        self.amount_micros = amount_micros
        self.refunded_micros = refunded_micros
        self.period_start = period_start
        self.period_end = period_end
        self.transfer_ids = transfer_ids
        self.created_at = created_at

    @classmethod
    def from_json(cls, data: Any) -> BillingCharge:
        return cls(
            id=data["id"],
            kind=data["kind"],
            project_id=data["project_id"],
            currency=data["currency"],
            allocation_id=data["allocation_id"],
            amount_micros=data["amount_micros"],
            refunded_micros=data["refunded_micros"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            transfer_ids=data["transfer_ids"],
            created_at=data["created_at"],
        )._keep_json(data)


class BillingChargeList(_model.Model):
    """The `BillingChargeList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[BillingCharge]
    next_cursor: NextCursor

    def __init__(self, *, items: list[BillingCharge], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> BillingChargeList:
        return cls(
            items=_model.parse_list(data["items"], BillingCharge.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class BillingStatementLine(_model.Model):
    """The `BillingStatementLine` object of the platform API."""

    __slots__ = ("transfer_id", "transfer_ids", "kind", "category", "amount_micros", "allocation_id", "period_start", "period_end", "posted_at", "adjusts_period", "reason")
    _FIELDS = (("transfer_id", "transfer_id"), ("transfer_ids", "transfer_ids"), ("kind", "kind"), ("category", "category"), ("amount_micros", "amount_micros"), ("allocation_id", "allocation_id"), ("period_start", "period_start"), ("period_end", "period_end"), ("posted_at", "posted_at"), ("adjusts_period", "adjusts_period"), ("reason", "reason"))

    #: The ledger transfer this line is.
    transfer_id: str
    #: This transfer, then the hold it settled or the charge it corrects.
    transfer_ids: list[str]
    #: `earning` (app usage credited to a publisher) only on publisher statements.
    kind: Literal["charge", "refund", "topup", "credit", "earning"]
    #: The ledger category (`gpu_time`, `app_usage`, `app_fee`, `topup`, `refund`, `promo_applied`, …).
    category: str
    #: Signed: + credits the balance, − debits it.
    amount_micros: MicroUnits
    allocation_id: str | None
    period_start: Timestamp | None
    period_end: Timestamp | None
    posted_at: Timestamp
    #: For a dated adjustment, the closed month the line belongs to by its usage.
    adjusts_period: str | None
    reason: str | None

    def __init__(self, *, transfer_id: str, transfer_ids: list[str], kind: Literal["charge", "refund", "topup", "credit", "earning"], category: str, amount_micros: MicroUnits, allocation_id: str | None, period_start: Timestamp | None, period_end: Timestamp | None, posted_at: Timestamp, adjusts_period: str | None, reason: str | None) -> None:
        super().__init__()
        self.transfer_id = transfer_id
        self.transfer_ids = transfer_ids
        self.kind = kind
        self.category = category
        self.amount_micros = amount_micros
        self.allocation_id = allocation_id
        self.period_start = period_start
        self.period_end = period_end
        self.posted_at = posted_at
        self.adjusts_period = adjusts_period
        self.reason = reason

    @classmethod
    def from_json(cls, data: Any) -> BillingStatementLine:
        return cls(
            transfer_id=data["transfer_id"],
            transfer_ids=data["transfer_ids"],
            kind=data["kind"],
            category=data["category"],
            amount_micros=data["amount_micros"],
            allocation_id=data["allocation_id"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            posted_at=data["posted_at"],
            adjusts_period=data["adjusts_period"],
            reason=data["reason"],
        )._keep_json(data)


class BillingStatementTotals(_model.Model):
    """The `BillingStatementTotals` object of the platform API."""

    __slots__ = ("charges_micros", "refunds_micros", "topups_micros", "credits_micros", "net_micros", "earnings_micros")
    _FIELDS = (("charges_micros", "charges_micros"), ("refunds_micros", "refunds_micros"), ("topups_micros", "topups_micros"), ("credits_micros", "credits_micros"), ("net_micros", "net_micros"), ("earnings_micros", "earnings_micros"))

    charges_micros: MicroUnits
    refunds_micros: MicroUnits
    topups_micros: MicroUnits
    credits_micros: MicroUnits
    net_micros: MicroUnits
    #: Publisher statements: app usage credited in the month.
    earnings_micros: MicroUnits | None

    def __init__(self, *, charges_micros: MicroUnits, refunds_micros: MicroUnits, topups_micros: MicroUnits, credits_micros: MicroUnits, net_micros: MicroUnits, earnings_micros: MicroUnits | None = None) -> None:
        super().__init__()
        self.charges_micros = charges_micros
        self.refunds_micros = refunds_micros
        self.topups_micros = topups_micros
        self.credits_micros = credits_micros
        self.net_micros = net_micros
        self.earnings_micros = earnings_micros

    @classmethod
    def from_json(cls, data: Any) -> BillingStatementTotals:
        return cls(
            charges_micros=data["charges_micros"],
            refunds_micros=data["refunds_micros"],
            topups_micros=data["topups_micros"],
            credits_micros=data["credits_micros"],
            net_micros=data["net_micros"],
            earnings_micros=data.get("earnings_micros"),
        )._keep_json(data)


class BillingStatementDisplay(_model.Model):
    """Balances and totals in cents, each rounded once from its exact micros, half to even."""

    __slots__ = ("opening_balance", "closing_balance", "charges", "refunds", "topups", "credits", "net", "earnings")
    _FIELDS = (("opening_balance", "opening_balance"), ("closing_balance", "closing_balance"), ("charges", "charges"), ("refunds", "refunds"), ("topups", "topups"), ("credits", "credits"), ("net", "net"), ("earnings", "earnings"))

    opening_balance: str
    closing_balance: str
    charges: str
    refunds: str
    topups: str
    credits: str
    net: str
    earnings: str | None

    def __init__(self, *, opening_balance: str, closing_balance: str, charges: str, refunds: str, topups: str, credits: str, net: str, earnings: str | None = None) -> None:
        super().__init__()
        self.opening_balance = opening_balance
        self.closing_balance = closing_balance
        self.charges = charges
        self.refunds = refunds
        self.topups = topups
        self.credits = credits
        self.net = net
        self.earnings = earnings

    @classmethod
    def from_json(cls, data: Any) -> BillingStatementDisplay:
        return cls(
            opening_balance=data["opening_balance"],
            closing_balance=data["closing_balance"],
            charges=data["charges"],
            refunds=data["refunds"],
            topups=data["topups"],
            credits=data["credits"],
            net=data["net"],
            earnings=data.get("earnings"),
        )._keep_json(data)


class BillingStatement(_model.Model):
    """The `BillingStatement` object of the platform API."""

    __slots__ = ("project_id", "currency", "period", "period_start", "period_end", "status", "seq", "closed_at", "previous_sha256", "opening_balance_micros", "closing_balance_micros", "totals", "display", "rounding", "lines", "account")
    _FIELDS = (("project_id", "project_id"), ("currency", "currency"), ("period", "period"), ("period_start", "period_start"), ("period_end", "period_end"), ("status", "status"), ("seq", "seq"), ("closed_at", "closed_at"), ("previous_sha256", "previous_sha256"), ("opening_balance_micros", "opening_balance_micros"), ("closing_balance_micros", "closing_balance_micros"), ("totals", "totals"), ("display", "display"), ("rounding", "rounding"), ("lines", "lines"), ("account", "account"))

    project_id: Id
    currency: Currency
    period: str
    period_start: Timestamp
    period_end: Timestamp
    status: Literal["open", "closed"]
    #: Place in the project's chain of closed statements (1, 2, …); null while open.
    seq: int | None
    closed_at: Timestamp | None
    #: SHA-256 of the project's closed statement before this one; null for the first.
    previous_sha256: str | None
    opening_balance_micros: MicroUnits
    closing_balance_micros: MicroUnits
    totals: BillingStatementTotals
    #: Balances and totals in cents, each rounded once from its exact micros, half to even.
    display: BillingStatementDisplay
    #: The rounding rule, in words.
    rounding: str
    lines: list[BillingStatementLine]
    #: `publisher` on a publisher statement (the earnings account); absent on a project statement.
    account: Literal["publisher"] | None

    def __init__(self, *, project_id: Id, currency: Currency, period: str, period_start: Timestamp, period_end: Timestamp, status: Literal["open", "closed"], seq: int | None, closed_at: Timestamp | None, previous_sha256: str | None, opening_balance_micros: MicroUnits, closing_balance_micros: MicroUnits, totals: BillingStatementTotals, display: BillingStatementDisplay, rounding: str, lines: list[BillingStatementLine], account: Literal["publisher"] | None = None) -> None:
        super().__init__()
        self.project_id = project_id
        self.currency = currency
        self.period = period
        self.period_start = period_start
        self.period_end = period_end
        self.status = status
        self.seq = seq
        self.closed_at = closed_at
        self.previous_sha256 = previous_sha256
        self.opening_balance_micros = opening_balance_micros
        self.closing_balance_micros = closing_balance_micros
        self.totals = totals
        self.display = display
        self.rounding = rounding
        self.lines = lines
        self.account = account

    @classmethod
    def from_json(cls, data: Any) -> BillingStatement:
        return cls(
            project_id=data["project_id"],
            currency=data["currency"],
            period=data["period"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            status=data["status"],
            seq=data["seq"],
            closed_at=data["closed_at"],
            previous_sha256=data["previous_sha256"],
            opening_balance_micros=data["opening_balance_micros"],
            closing_balance_micros=data["closing_balance_micros"],
            totals=BillingStatementTotals.from_json(data["totals"]),
            display=BillingStatementDisplay.from_json(data["display"]),
            rounding=data["rounding"],
            lines=_model.parse_list(data["lines"], BillingStatementLine.from_json),
            account=data.get("account"),
        )._keep_json(data)


class BillingBudgetAlertsFired(_model.Model):
    """The `BillingBudgetAlertsFired` object of the platform API."""

    __slots__ = ("threshold", "fired_at")
    _FIELDS = (("threshold", "threshold"), ("fired_at", "fired_at"))

    threshold: int
    fired_at: Timestamp

    def __init__(self, *, threshold: int, fired_at: Timestamp) -> None:
        super().__init__()
        self.threshold = threshold
        self.fired_at = fired_at

    @classmethod
    def from_json(cls, data: Any) -> BillingBudgetAlertsFired:
        return cls(
            threshold=data["threshold"],
            fired_at=data["fired_at"],
        )._keep_json(data)


class BillingBudget(_model.Model):
    """The `BillingBudget` object of the platform API."""

    __slots__ = ("project_id", "currency", "limit_micros", "alert_thresholds", "period", "spent_micros", "alerts_fired")
    _FIELDS = (("project_id", "project_id"), ("currency", "currency"), ("limit_micros", "limit_micros"), ("alert_thresholds", "alert_thresholds"), ("period", "period"), ("spent_micros", "spent_micros"), ("alerts_fired", "alerts_fired"))

    project_id: Id
    currency: Currency
    #: The monthly limit; null when no budget is set.
    limit_micros: MicroUnits | None
    alert_thresholds: list[int]
    #: This month, `YYYY-MM` (UTC).
    period: str
    spent_micros: MicroUnits
    alerts_fired: list[BillingBudgetAlertsFired]

    def __init__(self, *, project_id: Id, currency: Currency, limit_micros: MicroUnits | None, alert_thresholds: list[int], period: str, spent_micros: MicroUnits, alerts_fired: list[BillingBudgetAlertsFired]) -> None:
        super().__init__()
        self.project_id = project_id
        self.currency = currency
        self.limit_micros = limit_micros
        self.alert_thresholds = alert_thresholds
        self.period = period
        self.spent_micros = spent_micros
        self.alerts_fired = alerts_fired

    @classmethod
    def from_json(cls, data: Any) -> BillingBudget:
        return cls(
            project_id=data["project_id"],
            currency=data["currency"],
            limit_micros=data["limit_micros"],
            alert_thresholds=data["alert_thresholds"],
            period=data["period"],
            spent_micros=data["spent_micros"],
            alerts_fired=_model.parse_list(data["alerts_fired"], BillingBudgetAlertsFired.from_json),
        )._keep_json(data)


class BillingBudgetOverviewAlertsFired(_model.Model):
    """The `BillingBudgetOverviewAlertsFired` object of the platform API."""

    __slots__ = ("threshold", "fired_at")
    _FIELDS = (("threshold", "threshold"), ("fired_at", "fired_at"))

    threshold: int
    fired_at: Timestamp

    def __init__(self, *, threshold: int, fired_at: Timestamp) -> None:
        super().__init__()
        self.threshold = threshold
        self.fired_at = fired_at

    @classmethod
    def from_json(cls, data: Any) -> BillingBudgetOverviewAlertsFired:
        return cls(
            threshold=data["threshold"],
            fired_at=data["fired_at"],
        )._keep_json(data)


class BillingBudgetOverview(_model.Model):
    """The `BillingBudgetOverview` object of the platform API."""

    __slots__ = ("project_id", "currency", "limit_micros", "alert_thresholds", "period", "spent_micros", "spent_percent", "alerts_fired")
    _FIELDS = (("project_id", "project_id"), ("currency", "currency"), ("limit_micros", "limit_micros"), ("alert_thresholds", "alert_thresholds"), ("period", "period"), ("spent_micros", "spent_micros"), ("spent_percent", "spent_percent"), ("alerts_fired", "alerts_fired"))

    project_id: Id
    currency: Currency
    limit_micros: MicroUnits
    alert_thresholds: list[int]
    #: This month, `YYYY-MM` (UTC).
    period: str
    spent_micros: MicroUnits
    #: Spend as a percentage of the limit, rounded down to hundredths, e.g. `42.50`.
    spent_percent: str
    alerts_fired: list[BillingBudgetOverviewAlertsFired]

    def __init__(self, *, project_id: Id, currency: Currency, limit_micros: MicroUnits, alert_thresholds: list[int], period: str, spent_micros: MicroUnits, spent_percent: str, alerts_fired: list[BillingBudgetOverviewAlertsFired]) -> None:
        super().__init__()
        self.project_id = project_id
        self.currency = currency
        self.limit_micros = limit_micros
        self.alert_thresholds = alert_thresholds
        self.period = period
        self.spent_micros = spent_micros
        self.spent_percent = spent_percent
        self.alerts_fired = alerts_fired

    @classmethod
    def from_json(cls, data: Any) -> BillingBudgetOverview:
        return cls(
            project_id=data["project_id"],
            currency=data["currency"],
            limit_micros=data["limit_micros"],
            alert_thresholds=data["alert_thresholds"],
            period=data["period"],
            spent_micros=data["spent_micros"],
            spent_percent=data["spent_percent"],
            alerts_fired=_model.parse_list(data["alerts_fired"], BillingBudgetOverviewAlertsFired.from_json),
        )._keep_json(data)


class BillingBudgetList(_model.Model):
    """The `BillingBudgetList` object of the platform API."""

    __slots__ = ("items",)
    _FIELDS = (("items", "items"),)

    items: list[BillingBudgetOverview]

    def __init__(self, *, items: list[BillingBudgetOverview]) -> None:
        super().__init__()
        self.items = items

    @classmethod
    def from_json(cls, data: Any) -> BillingBudgetList:
        return cls(
            items=_model.parse_list(data["items"], BillingBudgetOverview.from_json),
        )._keep_json(data)


class BillingEarningsLine(_model.Model):
    """The `BillingEarningsLine` object of the platform API."""

    __slots__ = ("version_id", "app", "version", "meter", "events", "charged_micros", "fee_micros", "earned_micros")
    _FIELDS = (("version_id", "version_id"), ("app", "app"), ("version", "version"), ("meter", "meter"), ("events", "events"), ("charged_micros", "charged_micros"), ("fee_micros", "fee_micros"), ("earned_micros", "earned_micros"))

    #: The app version launched; null for a launch of no registered version.
    version_id: Id | None
    #: The manifest's app name.
    app: str | None
    #: The manifest's version.
    version: str | None
    #: The metered dimension, or `hourly` for the hourly price.
    meter: str
    #: Usage events rated.
    events: int
    charged_micros: MicroUnits
    fee_micros: MicroUnits
    earned_micros: MicroUnits

    def __init__(self, *, version_id: Id | None, app: str | None, version: str | None, meter: str, events: int, charged_micros: MicroUnits, fee_micros: MicroUnits, earned_micros: MicroUnits) -> None:
        super().__init__()
        self.version_id = version_id
        self.app = app
        self.version = version
        self.meter = meter
        self.events = events
        self.charged_micros = charged_micros
        self.fee_micros = fee_micros
        self.earned_micros = earned_micros

    @classmethod
    def from_json(cls, data: Any) -> BillingEarningsLine:
        return cls(
            version_id=data["version_id"],
            app=data["app"],
            version=data["version"],
            meter=data["meter"],
            events=data["events"],
            charged_micros=data["charged_micros"],
            fee_micros=data["fee_micros"],
            earned_micros=data["earned_micros"],
        )._keep_json(data)


class BillingEarningsTransfer(_model.Model):
    """The `BillingEarningsTransfer` object of the platform API."""

    __slots__ = ("transfer_id", "category", "amount_micros", "allocation_id", "period_start", "period_end", "posted_at", "corrects_id")
    _FIELDS = (("transfer_id", "transfer_id"), ("category", "category"), ("amount_micros", "amount_micros"), ("allocation_id", "allocation_id"), ("period_start", "period_start"), ("period_end", "period_end"), ("posted_at", "posted_at"), ("corrects_id", "corrects_id"))

    transfer_id: str
    #: `app_usage` (the publisher share) or `refund`.
    category: str
    amount_micros: MicroUnits
    allocation_id: str | None
    #: The usage it is for (earliest event).
    period_start: str | None
    #: The usage it is for (latest event).
    period_end: str | None
    posted_at: Timestamp
    #: For a refund: the charge it reverses.
    corrects_id: str | None

    def __init__(self, *, transfer_id: str, category: str, amount_micros: MicroUnits, allocation_id: str | None, period_start: str | None, period_end: str | None, posted_at: Timestamp, corrects_id: str | None) -> None:
        super().__init__()
        self.transfer_id = transfer_id
        self.category = category
        self.amount_micros = amount_micros
        self.allocation_id = allocation_id
        self.period_start = period_start
        self.period_end = period_end
        self.posted_at = posted_at
        self.corrects_id = corrects_id

    @classmethod
    def from_json(cls, data: Any) -> BillingEarningsTransfer:
        return cls(
            transfer_id=data["transfer_id"],
            category=data["category"],
            amount_micros=data["amount_micros"],
            allocation_id=data["allocation_id"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            posted_at=data["posted_at"],
            corrects_id=data["corrects_id"],
        )._keep_json(data)


class BillingEarningsTotals(_model.Model):
    """The `BillingEarningsTotals` object of the platform API."""

    __slots__ = ("earned_micros", "refunds_micros", "fees_withheld_micros", "charged_micros", "net_micros")
    _FIELDS = (("earned_micros", "earned_micros"), ("refunds_micros", "refunds_micros"), ("fees_withheld_micros", "fees_withheld_micros"), ("charged_micros", "charged_micros"), ("net_micros", "net_micros"))

    earned_micros: MicroUnits
    refunds_micros: MicroUnits
    fees_withheld_micros: MicroUnits
    charged_micros: MicroUnits
    net_micros: MicroUnits

    def __init__(self, *, earned_micros: MicroUnits, refunds_micros: MicroUnits, fees_withheld_micros: MicroUnits, charged_micros: MicroUnits, net_micros: MicroUnits) -> None:
        super().__init__()
        self.earned_micros = earned_micros
        self.refunds_micros = refunds_micros
        self.fees_withheld_micros = fees_withheld_micros
        self.charged_micros = charged_micros
        self.net_micros = net_micros

    @classmethod
    def from_json(cls, data: Any) -> BillingEarningsTotals:
        return cls(
            earned_micros=data["earned_micros"],
            refunds_micros=data["refunds_micros"],
            fees_withheld_micros=data["fees_withheld_micros"],
            charged_micros=data["charged_micros"],
            net_micros=data["net_micros"],
        )._keep_json(data)


class BillingEarnings(_model.Model):
    """The `BillingEarnings` object of the platform API."""

    __slots__ = ("project_id", "currency", "period", "payable_micros", "opening_balance_micros", "closing_balance_micros", "totals", "by_app", "lines")
    _FIELDS = (("project_id", "project_id"), ("currency", "currency"), ("period", "period"), ("payable_micros", "payable_micros"), ("opening_balance_micros", "opening_balance_micros"), ("closing_balance_micros", "closing_balance_micros"), ("totals", "totals"), ("by_app", "by_app"), ("lines", "lines"))

    project_id: Id
    currency: Currency
    #: `YYYY-MM` (UTC).
    period: str
    payable_micros: MicroUnits
    opening_balance_micros: MicroUnits
    closing_balance_micros: MicroUnits
    totals: BillingEarningsTotals
    by_app: list[BillingEarningsLine]
    lines: list[BillingEarningsTransfer]

    def __init__(self, *, project_id: Id, currency: Currency, period: str, payable_micros: MicroUnits, opening_balance_micros: MicroUnits, closing_balance_micros: MicroUnits, totals: BillingEarningsTotals, by_app: list[BillingEarningsLine], lines: list[BillingEarningsTransfer]) -> None:
        super().__init__()
        self.project_id = project_id
        self.currency = currency
        self.period = period
        self.payable_micros = payable_micros
        self.opening_balance_micros = opening_balance_micros
        self.closing_balance_micros = closing_balance_micros
        self.totals = totals
        self.by_app = by_app
        self.lines = lines

    @classmethod
    def from_json(cls, data: Any) -> BillingEarnings:
        return cls(
            project_id=data["project_id"],
            currency=data["currency"],
            period=data["period"],
            payable_micros=data["payable_micros"],
            opening_balance_micros=data["opening_balance_micros"],
            closing_balance_micros=data["closing_balance_micros"],
            totals=BillingEarningsTotals.from_json(data["totals"]),
            by_app=_model.parse_list(data["by_app"], BillingEarningsLine.from_json),
            lines=_model.parse_list(data["lines"], BillingEarningsTransfer.from_json),
        )._keep_json(data)


class GpuSku(_model.Model):
    """The `GpuSku` object of the platform API."""

    __slots__ = ("id", "model", "memory_gib", "interconnect", "price_per_gpu_hour_micros", "currency", "regions", "total", "available", "max_per_allocation")
    _FIELDS = (("id", "id"), ("model", "model"), ("memory_gib", "memory_gib"), ("interconnect", "interconnect"), ("price_per_gpu_hour_micros", "price_per_gpu_hour_micros"), ("currency", "currency"), ("regions", "regions"), ("total", "total"), ("available", "available"), ("max_per_allocation", "max_per_allocation"))

    #: Stable SKU id, e.g. `h100-80gb`.
    id: str
    #: The model name as nvidia-smi reports it.
    model: str
    memory_gib: int
    #: e.g. `nvlink`, `pcie`.
    interconnect: str
    price_per_gpu_hour_micros: Micros
    currency: str
    regions: list[str]
    #: GPUs of this model on reachable nodes.
    total: int
    #: GPUs allocatable now.
    available: int
    #: Most GPUs one allocation gets now (one node).
    max_per_allocation: int

    def __init__(self, *, id: str, model: str, memory_gib: int, interconnect: str, price_per_gpu_hour_micros: Micros, currency: str, regions: list[str], total: int, available: int, max_per_allocation: int) -> None:
        super().__init__()
        self.id = id
        self.model = model
        self.memory_gib = memory_gib
        self.interconnect = interconnect
        self.price_per_gpu_hour_micros = price_per_gpu_hour_micros
        self.currency = currency
        self.regions = regions
        self.total = total
        self.available = available
        self.max_per_allocation = max_per_allocation

    @classmethod
    def from_json(cls, data: Any) -> GpuSku:
        return cls(
            id=data["id"],
            model=data["model"],
            memory_gib=data["memory_gib"],
            interconnect=data["interconnect"],
            price_per_gpu_hour_micros=data["price_per_gpu_hour_micros"],
            currency=data["currency"],
            regions=data["regions"],
            total=data["total"],
            available=data["available"],
            max_per_allocation=data["max_per_allocation"],
        )._keep_json(data)


class GpuSkuList(_model.Model):
    """The `GpuSkuList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[GpuSku]
    next_cursor: NextCursor

    def __init__(self, *, items: list[GpuSku], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> GpuSkuList:
        return cls(
            items=_model.parse_list(data["items"], GpuSku.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class NodeGpu(_model.Model):
    """The `NodeGpu` object of the platform API."""

    __slots__ = ("index", "uuid", "model", "memory_mib", "nvlink_domain", "sku_id", "allocation_id")
    _FIELDS = (("index", "index"), ("uuid", "uuid"), ("model", "model"), ("memory_mib", "memory_mib"), ("nvlink_domain", "nvlink_domain"), ("sku_id", "sku_id"), ("allocation_id", "allocation_id"))

    index: int
    uuid: str | None
    model: str
    memory_mib: int
    nvlink_domain: str
    sku_id: str | None
    allocation_id: str | None

    def __init__(self, *, index: int, uuid: str | None, model: str, memory_mib: int, nvlink_domain: str, sku_id: str | None, allocation_id: str | None) -> None:
        super().__init__()
        self.index = index
        self.uuid = uuid
        self.model = model
        self.memory_mib = memory_mib
        self.nvlink_domain = nvlink_domain
        self.sku_id = sku_id
        self.allocation_id = allocation_id

    @classmethod
    def from_json(cls, data: Any) -> NodeGpu:
        return cls(
            index=data["index"],
            uuid=data["uuid"],
            model=data["model"],
            memory_mib=data["memory_mib"],
            nvlink_domain=data["nvlink_domain"],
            sku_id=data["sku_id"],
            allocation_id=data["allocation_id"],
        )._keep_json(data)


class Node(_model.Model):
    """The `Node` object of the platform API."""

    __slots__ = ("id", "name", "region", "status", "schedulable", "labels", "agent_version", "gpus", "allocations", "last_heartbeat_at", "registered_at", "updated_at", "runtime_certificate_sha256")
    _FIELDS = (("id", "id"), ("name", "name"), ("region", "region"), ("status", "status"), ("schedulable", "schedulable"), ("labels", "labels"), ("agent_version", "agent_version"), ("gpus", "gpus"), ("allocations", "allocations"), ("last_heartbeat_at", "last_heartbeat_at"), ("registered_at", "registered_at"), ("updated_at", "updated_at"), ("runtime_certificate_sha256", "runtime_certificate_sha256"))

    id: Id
    name: str
    region: str
    #: From heartbeats.
    status: Literal["ready", "unreachable"]
    #: False while cordoned.
    schedulable: bool
    labels: dict[str, str]
    agent_version: str
    gpus: list[NodeGpu]
    #: Allocations holding GPUs here.
    allocations: list[Id]
    last_heartbeat_at: Timestamp | None
    registered_at: Timestamp
    updated_at: Timestamp
    #: The TLS certificate its runtimes are pinned to (`NodeRegistration`); null for a local node.
    runtime_certificate_sha256: str | None

    def __init__(self, *, id: Id, name: str, region: str, status: Literal["ready", "unreachable"], schedulable: bool, labels: dict[str, str], agent_version: str, gpus: list[NodeGpu], allocations: list[Id], last_heartbeat_at: Timestamp | None, registered_at: Timestamp, updated_at: Timestamp, runtime_certificate_sha256: str | None = None) -> None:
        super().__init__()
        self.id = id
        self.name = name
        self.region = region
        self.status = status
        self.schedulable = schedulable
        self.labels = labels
        self.agent_version = agent_version
        self.gpus = gpus
        self.allocations = allocations
        self.last_heartbeat_at = last_heartbeat_at
        self.registered_at = registered_at
        self.updated_at = updated_at
        self.runtime_certificate_sha256 = runtime_certificate_sha256

    @classmethod
    def from_json(cls, data: Any) -> Node:
        return cls(
            id=data["id"],
            name=data["name"],
            region=data["region"],
            status=data["status"],
            schedulable=data["schedulable"],
            labels=data["labels"],
            agent_version=data["agent_version"],
            gpus=_model.parse_list(data["gpus"], NodeGpu.from_json),
            allocations=data["allocations"],
            last_heartbeat_at=data["last_heartbeat_at"],
            registered_at=data["registered_at"],
            updated_at=data["updated_at"],
            runtime_certificate_sha256=data.get("runtime_certificate_sha256"),
        )._keep_json(data)


class NodeCredential(_model.Model):
    """The `NodeCredential` object of the platform API."""

    __slots__ = ("id", "node_name", "created_by", "created_at", "expires_at", "revoked_at", "replaces")
    _FIELDS = (("id", "id"), ("node_name", "node_name"), ("created_by", "created_by"), ("created_at", "created_at"), ("expires_at", "expires_at"), ("revoked_at", "revoked_at"), ("replaces", "replaces"))

    id: Id
    node_name: NodeName
    #: The operator who issued it (null: the gpuaas-platform CLI).
    created_by: str | None
    created_at: Timestamp
    #: Set by a rotation: the end of the overlap. Null: valid until revoked.
    expires_at: Timestamp | None
    revoked_at: Timestamp | None
    #: The credential this one rotated.
    replaces: Id | None

    def __init__(self, *, id: Id, node_name: NodeName, created_by: str | None, created_at: Timestamp, expires_at: Timestamp | None, revoked_at: Timestamp | None, replaces: Id | None) -> None:
        super().__init__()
        self.id = id
        self.node_name = node_name
        self.created_by = created_by
        self.created_at = created_at
        self.expires_at = expires_at
        self.revoked_at = revoked_at
        self.replaces = replaces

    @classmethod
    def from_json(cls, data: Any) -> NodeCredential:
        return cls(
            id=data["id"],
            node_name=data["node_name"],
            created_by=data["created_by"],
            created_at=data["created_at"],
            expires_at=data["expires_at"],
            revoked_at=data["revoked_at"],
            replaces=data["replaces"],
        )._keep_json(data)


class NodeCredentialWithSecret(_model.Model):
    """The `NodeCredentialWithSecret` object of the platform API."""

    __slots__ = ("id", "node_name", "secret", "created_by", "created_at", "expires_at", "revoked_at", "replaces")
    _FIELDS = (("id", "id"), ("node_name", "node_name"), ("secret", "secret"), ("created_by", "created_by"), ("created_at", "created_at"), ("expires_at", "expires_at"), ("revoked_at", "revoked_at"), ("replaces", "replaces"))

    id: Id
    node_name: NodeName
    #: What the agent presents as its bearer token (`gpn_…`); shown once, store it safely.
    secret: str
    created_by: str | None
    created_at: Timestamp
    expires_at: Timestamp | None
    revoked_at: Timestamp | None
    replaces: Id | None

    def __init__(self, *, id: Id, node_name: NodeName, secret: str, created_by: str | None, created_at: Timestamp, expires_at: Timestamp | None, revoked_at: Timestamp | None, replaces: Id | None) -> None:
        super().__init__()
        self.id = id
        self.node_name = node_name
        self.secret = secret
        self.created_by = created_by
        self.created_at = created_at
        self.expires_at = expires_at
        self.revoked_at = revoked_at
        self.replaces = replaces

    @classmethod
    def from_json(cls, data: Any) -> NodeCredentialWithSecret:
        return cls(
            id=data["id"],
            node_name=data["node_name"],
            secret=data["secret"],
            created_by=data["created_by"],
            created_at=data["created_at"],
            expires_at=data["expires_at"],
            revoked_at=data["revoked_at"],
            replaces=data["replaces"],
        )._keep_json(data)


class NodeCredentialList(_model.Model):
    """The `NodeCredentialList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[NodeCredential]
    next_cursor: NextCursor

    def __init__(self, *, items: list[NodeCredential], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> NodeCredentialList:
        return cls(
            items=_model.parse_list(data["items"], NodeCredential.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class NodeList(_model.Model):
    """The `NodeList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[Node]
    next_cursor: NextCursor

    def __init__(self, *, items: list[Node], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> NodeList:
        return cls(
            items=_model.parse_list(data["items"], Node.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class AssignmentGpu(_model.Model):
    """The `AssignmentGpu` object of the platform API."""

    __slots__ = ("index", "uuid", "model")
    _FIELDS = (("index", "index"), ("uuid", "uuid"), ("model", "model"))

    index: int
    uuid: str | None
    model: str

    def __init__(self, *, index: int, uuid: str | None, model: str) -> None:
        super().__init__()
        self.index = index
        self.uuid = uuid
        self.model = model

    @classmethod
    def from_json(cls, data: Any) -> AssignmentGpu:
        return cls(
            index=data["index"],
            uuid=data["uuid"],
            model=data["model"],
        )._keep_json(data)


class AssignmentVolume(_model.Model):
    """The `AssignmentVolume` object of the platform API."""

    __slots__ = ("volume_id", "source", "mount_path", "read_only")
    _FIELDS = (("volume_id", "volume_id"), ("source", "source"), ("mount_path", "mount_path"), ("read_only", "read_only"))

    volume_id: Id
    source: str
    mount_path: str
    read_only: bool

    def __init__(self, *, volume_id: Id, source: str, mount_path: str, read_only: bool) -> None:
        super().__init__()
        self.volume_id = volume_id
        self.source = source
        self.mount_path = mount_path
        self.read_only = read_only

    @classmethod
    def from_json(cls, data: Any) -> AssignmentVolume:
        return cls(
            volume_id=data["volume_id"],
            source=data["source"],
            mount_path=data["mount_path"],
            read_only=data["read_only"],
        )._keep_json(data)


class Assignment(_model.Model):
    """The `Assignment` object of the platform API."""

    __slots__ = ("allocation_id", "project_id", "desired_state", "gpus", "env", "volumes")
    _FIELDS = (("allocation_id", "allocation_id"), ("project_id", "project_id"), ("desired_state", "desired_state"), ("gpus", "gpus"), ("env", "env"), ("volumes", "volumes"))

    allocation_id: Id
    project_id: Id
    desired_state: Literal["running", "released"]
    gpus: list[AssignmentGpu]
    #: Extra environment variables for the allocation's sandbox (names are shell identifiers; the sandbox's reserved variables such as PATH, HOME and GPUAAS_* cannot be overridden).
    env: dict[str, str] | None
    #: Exactly the volumes to bind-mount into the sandbox: `source` is the folder on the node where the volume's filesystem is mounted, `mount_path` where the sandbox sees it.
    volumes: list[AssignmentVolume] | None

    def __init__(self, *, allocation_id: Id, project_id: Id, desired_state: Literal["running", "released"], gpus: list[AssignmentGpu], env: dict[str, str] | None = None, volumes: list[AssignmentVolume] | None = None) -> None:
        super().__init__()
        self.allocation_id = allocation_id
        self.project_id = project_id
        self.desired_state = desired_state
        self.gpus = gpus
        self.env = env
        self.volumes = volumes

    @classmethod
    def from_json(cls, data: Any) -> Assignment:
        return cls(
            allocation_id=data["allocation_id"],
            project_id=data["project_id"],
            desired_state=data["desired_state"],
            gpus=_model.parse_list(data["gpus"], AssignmentGpu.from_json),
            env=data.get("env"),
            volumes=_model.parse_optional(data.get("volumes"), lambda v: _model.parse_list(v, AssignmentVolume.from_json)),
        )._keep_json(data)


class HeartbeatReply(_model.Model):
    """The `HeartbeatReply` object of the platform API."""

    __slots__ = ("heartbeat_interval_ms", "assignments")
    _FIELDS = (("heartbeat_interval_ms", "heartbeat_interval_ms"), ("assignments", "assignments"))

    heartbeat_interval_ms: int
    assignments: list[Assignment]

    def __init__(self, *, heartbeat_interval_ms: int, assignments: list[Assignment]) -> None:
        super().__init__()
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.assignments = assignments

    @classmethod
    def from_json(cls, data: Any) -> HeartbeatReply:
        return cls(
            heartbeat_interval_ms=data["heartbeat_interval_ms"],
            assignments=_model.parse_list(data["assignments"], Assignment.from_json),
        )._keep_json(data)


class DrainResult(_model.Model):
    """The `DrainResult` object of the platform API."""

    __slots__ = ("node", "released", "remaining")
    _FIELDS = (("node", "node"), ("released", "released"), ("remaining", "remaining"))

    node: Node
    released: list[Id]
    remaining: list[Id]

    def __init__(self, *, node: Node, released: list[Id], remaining: list[Id]) -> None:
        super().__init__()
        self.node = node
        self.released = released
        self.remaining = remaining

    @classmethod
    def from_json(cls, data: Any) -> DrainResult:
        return cls(
            node=Node.from_json(data["node"]),
            released=data["released"],
            remaining=data["remaining"],
        )._keep_json(data)


class AllocationGpu(_model.Model):
    """The `AllocationGpu` object of the platform API."""

    __slots__ = ("index", "uuid", "model", "sku_id")
    _FIELDS = (("index", "index"), ("uuid", "uuid"), ("model", "model"), ("sku_id", "sku_id"))

    index: int
    uuid: str | None
    model: str
    sku_id: str | None

    def __init__(self, *, index: int, uuid: str | None, model: str, sku_id: str | None) -> None:
        super().__init__()
        self.index = index
        self.uuid = uuid
        self.model = model
        self.sku_id = sku_id

    @classmethod
    def from_json(cls, data: Any) -> AllocationGpu:
        return cls(
            index=data["index"],
            uuid=data["uuid"],
            model=data["model"],
            sku_id=data["sku_id"],
        )._keep_json(data)


class Transition(_model.Model):
    """The `Transition` object of the platform API."""

    __slots__ = ("from_", "to", "reason", "at", "actor")
    _FIELDS = (("from_", "from"), ("to", "to"), ("reason", "reason"), ("at", "at"), ("actor", "actor"))

    from_: AllocationState | None
    to: AllocationState
    reason: str
    at: Timestamp
    #: `user:<id>`, `sa:<id>`, `node:<id>` or `system`.
    actor: str

    def __init__(self, *, from_: AllocationState | None, to: AllocationState, reason: str, at: Timestamp, actor: str) -> None:
        super().__init__()
        self.from_ = from_
        self.to = to
        self.reason = reason
        self.at = at
        self.actor = actor

    @classmethod
    def from_json(cls, data: Any) -> Transition:
        return cls(
            from_=data["from"],
            to=data["to"],
            reason=data["reason"],
            at=data["at"],
            actor=data["actor"],
        )._keep_json(data)


class AllocationRequest(_model.Model):
    """The `AllocationRequest` object of the platform API."""

    __slots__ = ("count", "models", "min_memory_gib", "topology")
    _FIELDS = (("count", "count"), ("models", "models"), ("min_memory_gib", "min_memory_gib"), ("topology", "topology"))

    count: int
    models: list[str]
    min_memory_gib: int | None
    topology: Literal["node", "nvlink"]

    def __init__(self, *, count: int, models: list[str], min_memory_gib: int | None, topology: Literal["node", "nvlink"]) -> None:
        super().__init__()
        self.count = count
        self.models = models
        self.min_memory_gib = min_memory_gib
        self.topology = topology

    @classmethod
    def from_json(cls, data: Any) -> AllocationRequest:
        return cls(
            count=data["count"],
            models=data["models"],
            min_memory_gib=data["min_memory_gib"],
            topology=data["topology"],
        )._keep_json(data)


class Allocation(_model.Model):
    """The `Allocation` object of the platform API."""

    __slots__ = ("id", "project_id", "name", "state", "state_reason", "pending_reason", "pending_message", "request", "priority", "node_id", "node_status", "gpus", "created_by", "created_at", "updated_at", "expires_at", "idle_timeout_seconds", "last_activity_at", "released_at", "transitions", "volumes")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("name", "name"), ("state", "state"), ("state_reason", "state_reason"), ("pending_reason", "pending_reason"), ("pending_message", "pending_message"), ("request", "request"), ("priority", "priority"), ("node_id", "node_id"), ("node_status", "node_status"), ("gpus", "gpus"), ("created_by", "created_by"), ("created_at", "created_at"), ("updated_at", "updated_at"), ("expires_at", "expires_at"), ("idle_timeout_seconds", "idle_timeout_seconds"), ("last_activity_at", "last_activity_at"), ("released_at", "released_at"), ("transitions", "transitions"), ("volumes", "volumes"))

    id: Id
    project_id: Id
    name: str | None
    state: AllocationState
    #: Why the allocation is in its state (machine-readable).
    state_reason: str
    pending_reason: PendingReason | None
    pending_message: str | None
    request: AllocationRequest
    priority: int
    node_id: str | None
    #: Set while on a node; `unreachable` when its node stopped heartbeating.
    node_status: Literal["ready", "unreachable"] | None
    gpus: list[AllocationGpu]
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp
    expires_at: Timestamp | None
    idle_timeout_seconds: int | None
    last_activity_at: Timestamp | None
    released_at: Timestamp | None
    transitions: list[Transition] | None
    #: The volumes attached to it (kept after release, for history); absent when none.
    volumes: list[AllocationVolume] | None

    def __init__(self, *, id: Id, project_id: Id, name: str | None, state: AllocationState, state_reason: str, pending_reason: PendingReason | None, pending_message: str | None, request: AllocationRequest, priority: int, node_id: str | None, node_status: Literal["ready", "unreachable"] | None, gpus: list[AllocationGpu], created_by: str | None, created_at: Timestamp, updated_at: Timestamp, expires_at: Timestamp | None, idle_timeout_seconds: int | None, last_activity_at: Timestamp | None, released_at: Timestamp | None, transitions: list[Transition] | None = None, volumes: list[AllocationVolume] | None = None) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.name = name
        self.state = state
        self.state_reason = state_reason
        self.pending_reason = pending_reason
        self.pending_message = pending_message
        self.request = request
        self.priority = priority
        self.node_id = node_id
        self.node_status = node_status
        self.gpus = gpus
        self.created_by = created_by
        self.created_at = created_at
        self.updated_at = updated_at
        self.expires_at = expires_at
        self.idle_timeout_seconds = idle_timeout_seconds
        self.last_activity_at = last_activity_at
        self.released_at = released_at
        self.transitions = transitions
        self.volumes = volumes

    @classmethod
    def from_json(cls, data: Any) -> Allocation:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            name=data["name"],
            state=data["state"],
            state_reason=data["state_reason"],
            pending_reason=data["pending_reason"],
            pending_message=data["pending_message"],
            request=AllocationRequest.from_json(data["request"]),
            priority=data["priority"],
            node_id=data["node_id"],
            node_status=data["node_status"],
            gpus=_model.parse_list(data["gpus"], AllocationGpu.from_json),
            created_by=data["created_by"],
            created_at=data["created_at"],
            updated_at=data["updated_at"],
            expires_at=data["expires_at"],
            idle_timeout_seconds=data["idle_timeout_seconds"],
            last_activity_at=data["last_activity_at"],
            released_at=data["released_at"],
            transitions=_model.parse_optional(data.get("transitions"), lambda v: _model.parse_list(v, Transition.from_json)),
            volumes=_model.parse_optional(data.get("volumes"), lambda v: _model.parse_list(v, AllocationVolume.from_json)),
        )._keep_json(data)


class AllocationVolume(_model.Model):
    """A volume attached to an allocation, and where its sandbox sees it."""

    __slots__ = ("volume_id", "name", "mount_path", "read_only")
    _FIELDS = (("volume_id", "volume_id"), ("name", "name"), ("mount_path", "mount_path"), ("read_only", "read_only"))

    volume_id: Id
    name: str
    mount_path: str
    read_only: bool

    def __init__(self, *, volume_id: Id, name: str, mount_path: str, read_only: bool) -> None:
        super().__init__()
        self.volume_id = volume_id
        self.name = name
        self.mount_path = mount_path
        self.read_only = read_only

    @classmethod
    def from_json(cls, data: Any) -> AllocationVolume:
        return cls(
            volume_id=data["volume_id"],
            name=data["name"],
            mount_path=data["mount_path"],
            read_only=data["read_only"],
        )._keep_json(data)


class AllocationList(_model.Model):
    """The `AllocationList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[Allocation]
    next_cursor: NextCursor

    def __init__(self, *, items: list[Allocation], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> AllocationList:
        return cls(
            items=_model.parse_list(data["items"], Allocation.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class StorageVolumeAttachment(_model.Model):
    """The `StorageVolumeAttachment` object of the platform API."""

    __slots__ = ("allocation_id", "mount_path", "read_only")
    _FIELDS = (("allocation_id", "allocation_id"), ("mount_path", "mount_path"), ("read_only", "read_only"))

    allocation_id: Id
    mount_path: str
    read_only: bool

    def __init__(self, *, allocation_id: Id, mount_path: str, read_only: bool) -> None:
        super().__init__()
        self.allocation_id = allocation_id
        self.mount_path = mount_path
        self.read_only = read_only

    @classmethod
    def from_json(cls, data: Any) -> StorageVolumeAttachment:
        return cls(
            allocation_id=data["allocation_id"],
            mount_path=data["mount_path"],
            read_only=data["read_only"],
        )._keep_json(data)


class StorageVolume(_model.Model):
    """The `StorageVolume` object of the platform API."""

    __slots__ = ("id", "project_id", "name", "size_gib", "site", "storage_class", "state", "attachments", "created_by", "created_at", "updated_at", "source_snapshot_id")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("name", "name"), ("size_gib", "size_gib"), ("site", "site"), ("storage_class", "storage_class"), ("state", "state"), ("attachments", "attachments"), ("created_by", "created_by"), ("created_at", "created_at"), ("updated_at", "updated_at"), ("source_snapshot_id", "source_snapshot_id"))

    id: Id
    project_id: Id
    name: Name
    size_gib: int
    #: The group of nodes that can reach it (`local` for local nodes).
    site: str
    #: The backend kind, e.g. `local`.
    storage_class: str
    state: StorageVolumeState
    attachments: list[StorageVolumeAttachment]
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp
    #: The snapshot it was restored from.
    source_snapshot_id: str | None

    def __init__(self, *, id: Id, project_id: Id, name: Name, size_gib: int, site: str, storage_class: str, state: StorageVolumeState, attachments: list[StorageVolumeAttachment], created_by: str | None, created_at: Timestamp, updated_at: Timestamp, source_snapshot_id: str | None = None) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.name = name
        self.size_gib = size_gib
        self.site = site
        self.storage_class = storage_class
        self.state = state
        self.attachments = attachments
        self.created_by = created_by
        self.created_at = created_at
        self.updated_at = updated_at
        self.source_snapshot_id = source_snapshot_id

    @classmethod
    def from_json(cls, data: Any) -> StorageVolume:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            name=data["name"],
            size_gib=data["size_gib"],
            site=data["site"],
            storage_class=data["storage_class"],
            state=data["state"],
            attachments=_model.parse_list(data["attachments"], StorageVolumeAttachment.from_json),
            created_by=data["created_by"],
            created_at=data["created_at"],
            updated_at=data["updated_at"],
            source_snapshot_id=data.get("source_snapshot_id"),
        )._keep_json(data)


class StorageVolumeList(_model.Model):
    """The `StorageVolumeList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[StorageVolume]
    next_cursor: NextCursor

    def __init__(self, *, items: list[StorageVolume], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> StorageVolumeList:
        return cls(
            items=_model.parse_list(data["items"], StorageVolume.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class StorageVolumePlacementGpu(_model.Model):
    """The `StorageVolumePlacementGpu` object of the platform API."""

    __slots__ = ("model", "free_gpus", "nodes")
    _FIELDS = (("model", "model"), ("free_gpus", "free_gpus"), ("nodes", "nodes"))

    model: str
    free_gpus: int
    #: Nodes with at least one free GPU of the model.
    nodes: int

    def __init__(self, *, model: str, free_gpus: int, nodes: int) -> None:
        super().__init__()
        self.model = model
        self.free_gpus = free_gpus
        self.nodes = nodes

    @classmethod
    def from_json(cls, data: Any) -> StorageVolumePlacementGpu:
        return cls(
            model=data["model"],
            free_gpus=data["free_gpus"],
            nodes=data["nodes"],
        )._keep_json(data)


class StorageVolumePlacement(_model.Model):
    """The `StorageVolumePlacement` object of the platform API."""

    __slots__ = ("volume_id", "site", "gpus")
    _FIELDS = (("volume_id", "volume_id"), ("site", "site"), ("gpus", "gpus"))

    volume_id: Id
    site: str
    #: GPU models with free capacity on schedulable nodes of the site now.
    gpus: list[StorageVolumePlacementGpu]

    def __init__(self, *, volume_id: Id, site: str, gpus: list[StorageVolumePlacementGpu]) -> None:
        super().__init__()
        self.volume_id = volume_id
        self.site = site
        self.gpus = gpus

    @classmethod
    def from_json(cls, data: Any) -> StorageVolumePlacement:
        return cls(
            volume_id=data["volume_id"],
            site=data["site"],
            gpus=_model.parse_list(data["gpus"], StorageVolumePlacementGpu.from_json),
        )._keep_json(data)


class StorageSnapshot(_model.Model):
    """The `StorageSnapshot` object of the platform API."""

    __slots__ = ("id", "project_id", "volume_id", "name", "size_gib", "site", "created_by", "created_at")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("volume_id", "volume_id"), ("name", "name"), ("size_gib", "size_gib"), ("site", "site"), ("created_by", "created_by"), ("created_at", "created_at"))

    id: Id
    project_id: Id
    #: The volume it was taken of; null once that is deleted.
    volume_id: str | None
    name: Name
    size_gib: int
    site: str
    created_by: str | None
    created_at: Timestamp

    def __init__(self, *, id: Id, project_id: Id, volume_id: str | None, name: Name, size_gib: int, site: str, created_by: str | None, created_at: Timestamp) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.volume_id = volume_id
        self.name = name
        self.size_gib = size_gib
        self.site = site
        self.created_by = created_by
        self.created_at = created_at

    @classmethod
    def from_json(cls, data: Any) -> StorageSnapshot:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            volume_id=data["volume_id"],
            name=data["name"],
            size_gib=data["size_gib"],
            site=data["site"],
            created_by=data["created_by"],
            created_at=data["created_at"],
        )._keep_json(data)


class StorageSnapshotList(_model.Model):
    """The `StorageSnapshotList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[StorageSnapshot]
    next_cursor: NextCursor

    def __init__(self, *, items: list[StorageSnapshot], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> StorageSnapshotList:
        return cls(
            items=_model.parse_list(data["items"], StorageSnapshot.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class TerminalToken(_model.Model):
    """The `TerminalToken` object of the platform API."""

    __slots__ = ("token", "expires_at", "url")
    _FIELDS = (("token", "token"), ("expires_at", "expires_at"), ("url", "url"))

    token: str
    expires_at: Timestamp
    #: The WebSocket URL (token included).
    url: str

    def __init__(self, *, token: str, expires_at: Timestamp, url: str) -> None:
        super().__init__()
        self.token = token
        self.expires_at = expires_at
        self.url = url

    @classmethod
    def from_json(cls, data: Any) -> TerminalToken:
        return cls(
            token=data["token"],
            expires_at=data["expires_at"],
            url=data["url"],
        )._keep_json(data)


class Quota(_model.Model):
    """The `Quota` object of the platform API."""

    __slots__ = ("project_id", "nominal_gpus", "max_gpus", "used_gpus", "default")
    _FIELDS = (("project_id", "project_id"), ("nominal_gpus", "nominal_gpus"), ("max_gpus", "max_gpus"), ("used_gpus", "used_gpus"), ("default", "default"))

    project_id: Id
    #: Guaranteed share.
    nominal_gpus: int
    #: Ceiling including borrowed idle capacity.
    max_gpus: int
    used_gpus: int
    #: True when no quota was set (the platform default applies).
    default: bool

    def __init__(self, *, project_id: Id, nominal_gpus: int, max_gpus: int, used_gpus: int, default: bool) -> None:
        super().__init__()
        self.project_id = project_id
        self.nominal_gpus = nominal_gpus
        self.max_gpus = max_gpus
        self.used_gpus = used_gpus
        self.default = default

    @classmethod
    def from_json(cls, data: Any) -> Quota:
        return cls(
            project_id=data["project_id"],
            nominal_gpus=data["nominal_gpus"],
            max_gpus=data["max_gpus"],
            used_gpus=data["used_gpus"],
            default=data["default"],
        )._keep_json(data)


class UsageIngestResult(_model.Model):
    """The `UsageIngestResult` object of the platform API."""

    __slots__ = ("accepted", "duplicates")
    _FIELDS = (("accepted", "accepted"), ("duplicates", "duplicates"))

    accepted: list[str]
    duplicates: list[str]

    def __init__(self, *, accepted: list[str], duplicates: list[str]) -> None:
        super().__init__()
        self.accepted = accepted
        self.duplicates = duplicates

    @classmethod
    def from_json(cls, data: Any) -> UsageIngestResult:
        return cls(
            accepted=data["accepted"],
            duplicates=data["duplicates"],
        )._keep_json(data)


class AllocationUsageMeter(_model.Model):
    """The `AllocationUsageMeter` object of the platform API."""

    __slots__ = ("meter", "origin", "quantity", "events")
    _FIELDS = (("meter", "meter"), ("origin", "origin"), ("quantity", "quantity"), ("events", "events"))

    meter: str
    origin: Literal["app", "runtime"]
    #: Exact decimal sum.
    quantity: str
    events: int

    def __init__(self, *, meter: str, origin: Literal["app", "runtime"], quantity: str, events: int) -> None:
        super().__init__()
        self.meter = meter
        self.origin = origin
        self.quantity = quantity
        self.events = events

    @classmethod
    def from_json(cls, data: Any) -> AllocationUsageMeter:
        return cls(
            meter=data["meter"],
            origin=data["origin"],
            quantity=data["quantity"],
            events=data["events"],
        )._keep_json(data)


class AllocationUsage(_model.Model):
    """The `AllocationUsage` object of the platform API."""

    __slots__ = ("allocation_id", "meters")
    _FIELDS = (("allocation_id", "allocation_id"), ("meters", "meters"))

    allocation_id: Id
    meters: list[AllocationUsageMeter]

    def __init__(self, *, allocation_id: Id, meters: list[AllocationUsageMeter]) -> None:
        super().__init__()
        self.allocation_id = allocation_id
        self.meters = meters

    @classmethod
    def from_json(cls, data: Any) -> AllocationUsage:
        return cls(
            allocation_id=data["allocation_id"],
            meters=_model.parse_list(data["meters"], AllocationUsageMeter.from_json),
        )._keep_json(data)


class AppStatus(_model.Model):
    """The runtime's status document (docs/runtime.md); `state` is the lifecycle state."""

    __slots__ = ("state", "reason", "code", "warnings")
    _FIELDS = (("state", "state"), ("reason", "reason"), ("code", "code"), ("warnings", "warnings"))

    state: str
    reason: str | None
    #: When `state` is `failed`: the runtime's code of the failure, unchanged (docs/errors.md, "runtime"), e.g. HOOK_FAILED, APP_FAILED, ARTIFACT_PULL_FAILED.
    code: str | None
    #: Set by the platform on a launch answer: `deprecated` when the launched app version is deprecated (still launchable, but its publisher has moved on).
    warnings: list[str] | None

    def __init__(self, *, state: str, reason: str | None = None, code: str | None = None, warnings: list[str] | None = None) -> None:
        super().__init__()
        self.state = state
        self.reason = reason
        self.code = code
        self.warnings = warnings

    @classmethod
    def from_json(cls, data: Any) -> AppStatus:
        return cls(
            state=data["state"],
            reason=data.get("reason"),
            code=data.get("code"),
            warnings=data.get("warnings"),
        )._keep_json(data)


class AppUiSession(_model.Model):
    """A one-time sign-in code for an app instance's UI extension origin."""

    __slots__ = ("code", "url", "origin", "endpoint", "expires_at")
    _FIELDS = (("code", "code"), ("url", "url"), ("origin", "origin"), ("endpoint", "endpoint"), ("expires_at", "expires_at"))

    #: Single use, valid 60 seconds; part of `url`.
    code: str
    #: `<origin>/.gpuaas/signin?code=…`: open it (in the console iframe or a browser tab).
    url: str
    #: The instance origin, `http(s)://<allocation-id>.apps.<platform host>[:port]`.
    origin: str
    #: The UI extension endpoint the origin serves.
    endpoint: str
    expires_at: Timestamp

    def __init__(self, *, code: str, url: str, origin: str, endpoint: str, expires_at: Timestamp) -> None:
        super().__init__()
        self.code = code
        self.url = url
        self.origin = origin
        self.endpoint = endpoint
        self.expires_at = expires_at

    @classmethod
    def from_json(cls, data: Any) -> AppUiSession:
        return cls(
            code=data["code"],
            url=data["url"],
            origin=data["origin"],
            endpoint=data["endpoint"],
            expires_at=data["expires_at"],
        )._keep_json(data)


class PublisherKey(_model.Model):
    """A signing key (`kind: key`) or keyless OIDC identity (`kind: keyless`) a project's app versions are verified against. Retired keys no longer verify new registrations."""

    __slots__ = ("id", "project_id", "key_id", "kind", "name", "public_key", "issuer", "subject", "created_by", "created_at", "retired_at")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("key_id", "key_id"), ("kind", "kind"), ("name", "name"), ("public_key", "public_key"), ("issuer", "issuer"), ("subject", "subject"), ("created_by", "created_by"), ("created_at", "created_at"), ("retired_at", "retired_at"))

    id: Id
    project_id: Id
    #: Hex SHA-256 of the key's SPKI DER (of `issuer` and `subject` for an identity).
    key_id: str
    kind: Literal["key", "keyless"]
    name: str
    #: SPKI PEM; null for a keyless identity.
    public_key: str | None
    #: OIDC issuer URL of a keyless identity.
    issuer: str | None
    #: Certificate subject (e.g. an email or workflow URI) of a keyless identity.
    subject: str | None
    #: `user:<id>` or `service_account:<id>`.
    created_by: str
    created_at: Timestamp
    retired_at: Timestamp | None

    def __init__(self, *, id: Id, project_id: Id, key_id: str, kind: Literal["key", "keyless"], name: str, public_key: str | None, issuer: str | None, subject: str | None, created_by: str, created_at: Timestamp, retired_at: Timestamp | None) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.key_id = key_id
        self.kind = kind
        self.name = name
        self.public_key = public_key
        self.issuer = issuer
        self.subject = subject
        self.created_by = created_by
        self.created_at = created_at
        self.retired_at = retired_at

    @classmethod
    def from_json(cls, data: Any) -> PublisherKey:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            key_id=data["key_id"],
            kind=data["kind"],
            name=data["name"],
            public_key=data["public_key"],
            issuer=data["issuer"],
            subject=data["subject"],
            created_by=data["created_by"],
            created_at=data["created_at"],
            retired_at=data["retired_at"],
        )._keep_json(data)


class PublisherKeyList(_model.Model):
    """The `PublisherKeyList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[PublisherKey]
    next_cursor: NextCursor

    def __init__(self, *, items: list[PublisherKey], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> PublisherKeyList:
        return cls(
            items=_model.parse_list(data["items"], PublisherKey.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class AppVersionError(_model.Model):
    """Why a registration was rejected, one entry per problem."""

    __slots__ = ("code", "message", "pointer")
    _FIELDS = (("code", "code"), ("message", "message"), ("pointer", "pointer"))

    #: A validator code (docs/manifest.md) or the verifier's, e.g. SIGNATURE_INVALID, APP_SIGNER_UNKNOWN.
    code: str
    message: str
    #: JSON pointer into gpuaas.yaml, for validator errors.
    pointer: str | None

    def __init__(self, *, code: str, message: str, pointer: str | None = None) -> None:
        super().__init__()
        self.code = code
        self.message = message
        self.pointer = pointer

    @classmethod
    def from_json(cls, data: Any) -> AppVersionError:
        return cls(
            code=data["code"],
            message=data["message"],
            pointer=data.get("pointer"),
        )._keep_json(data)


class AppVersionApproval(_model.Model):
    """The `AppVersionApproval` object of the platform API."""

    __slots__ = ("scope", "scope_id")
    _FIELDS = (("scope", "scope"), ("scope_id", "scope_id"))

    scope: AppVersionScope
    #: The organisation or project; null for `platform`.
    scope_id: str | None

    def __init__(self, *, scope: AppVersionScope, scope_id: str | None) -> None:
        super().__init__()
        self.scope = scope
        self.scope_id = scope_id

    @classmethod
    def from_json(cls, data: Any) -> AppVersionApproval:
        return cls(
            scope=data["scope"],
            scope_id=data["scope_id"],
        )._keep_json(data)


class AppVersion(_model.Model):
    """One registered artifact (registry, repository, digest) of a publisher project."""

    __slots__ = ("id", "project_id", "registry", "repository", "reference", "tag", "digest", "app", "version", "state", "signer_key_id", "errors", "permissions", "submitted_by", "submitted_at", "updated_at", "reviewed_by", "reviewed_at", "reason", "approval", "release_reference", "revoked_at", "channels")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("registry", "registry"), ("repository", "repository"), ("reference", "reference"), ("tag", "tag"), ("digest", "digest"), ("app", "app"), ("version", "version"), ("state", "state"), ("signer_key_id", "signer_key_id"), ("errors", "errors"), ("permissions", "permissions"), ("submitted_by", "submitted_by"), ("submitted_at", "submitted_at"), ("updated_at", "updated_at"), ("reviewed_by", "reviewed_by"), ("reviewed_at", "reviewed_at"), ("reason", "reason"), ("approval", "approval"), ("release_reference", "release_reference"), ("revoked_at", "revoked_at"), ("channels", "channels"))

    id: Id
    project_id: Id
    #: host:port of the registry.
    registry: str
    #: Repository path, e.g. `acme/llm-server`.
    repository: str
    #: `registry/repository@digest`.
    reference: str
    #: The tag registered, if any (resolved once).
    tag: str | None
    digest: str
    #: The manifest's name ('' when it could not be read).
    app: str
    #: The manifest's version ('' when it could not be read).
    version: str
    state: AppVersionState
    #: The publisher key that verified the signature.
    signer_key_id: str | None
    #: Why it was rejected at registration; null otherwise.
    errors: list[AppVersionError] | None
    #: The scopes the manifest requests (`permissions.scopes`).
    permissions: list[str]
    #: `user:<id>` or `service_account:<id>`.
    submitted_by: str
    submitted_at: Timestamp
    updated_at: Timestamp
    reviewed_by: str | None
    reviewed_at: Timestamp | None
    #: Why it was rejected, deprecated or revoked.
    reason: str | None
    approval: AppVersionApproval | None
    #: Where approval promoted it: `registry/release/<publisher>/<app>@digest`.
    release_reference: str | None
    revoked_at: Timestamp | None
    #: The release channels it is published in (`AppVersionPublish.channels`).
    channels: list[str] | None

    def __init__(self, *, id: Id, project_id: Id, registry: str, repository: str, reference: str, tag: str | None, digest: str, app: str, version: str, state: AppVersionState, signer_key_id: str | None, errors: list[AppVersionError] | None, permissions: list[str], submitted_by: str, submitted_at: Timestamp, updated_at: Timestamp, reviewed_by: str | None, reviewed_at: Timestamp | None, reason: str | None, approval: AppVersionApproval | None, release_reference: str | None, revoked_at: Timestamp | None, channels: list[str] | None = None) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.registry = registry
        self.repository = repository
        self.reference = reference
        self.tag = tag
        self.digest = digest
        self.app = app
        self.version = version
        self.state = state
        self.signer_key_id = signer_key_id
        self.errors = errors
        self.permissions = permissions
        self.submitted_by = submitted_by
        self.submitted_at = submitted_at
        self.updated_at = updated_at
        self.reviewed_by = reviewed_by
        self.reviewed_at = reviewed_at
        self.reason = reason
        self.approval = approval
        self.release_reference = release_reference
        self.revoked_at = revoked_at
        self.channels = channels

    @classmethod
    def from_json(cls, data: Any) -> AppVersion:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            registry=data["registry"],
            repository=data["repository"],
            reference=data["reference"],
            tag=data["tag"],
            digest=data["digest"],
            app=data["app"],
            version=data["version"],
            state=data["state"],
            signer_key_id=data["signer_key_id"],
            errors=_model.parse_optional(data["errors"], lambda v: _model.parse_list(v, AppVersionError.from_json)),
            permissions=data["permissions"],
            submitted_by=data["submitted_by"],
            submitted_at=data["submitted_at"],
            updated_at=data["updated_at"],
            reviewed_by=data["reviewed_by"],
            reviewed_at=data["reviewed_at"],
            reason=data["reason"],
            approval=_model.parse_optional(data["approval"], AppVersionApproval.from_json),
            release_reference=data["release_reference"],
            revoked_at=data["revoked_at"],
            channels=data.get("channels"),
        )._keep_json(data)


class AppVersionChange(_model.Model):
    """The `AppVersionChange` object of the platform API."""

    __slots__ = ("field", "before", "after")
    _FIELDS = (("field", "field"), ("before", "before"), ("after", "after"))

    #: e.g. `hourlyPrice`, `metered.tokens`, `minimum.gpus.count`.
    field: str
    #: The previous approved version’s value (null when absent).
    before: Any
    #: This version’s value (null when absent).
    after: Any

    def __init__(self, *, field: str, before: Any, after: Any) -> None:
        super().__init__()
        self.field = field
        self.before = before
        self.after = after

    @classmethod
    def from_json(cls, data: Any) -> AppVersionChange:
        return cls(
            field=data["field"],
            before=data["before"],
            after=data["after"],
        )._keep_json(data)


class AppVersionSetDiff(_model.Model):
    """The `AppVersionSetDiff` object of the platform API."""

    __slots__ = ("added", "removed")
    _FIELDS = (("added", "added"), ("removed", "removed"))

    added: list[str]
    removed: list[str]

    def __init__(self, *, added: list[str], removed: list[str]) -> None:
        super().__init__()
        self.added = added
        self.removed = removed

    @classmethod
    def from_json(cls, data: Any) -> AppVersionSetDiff:
        return cls(
            added=data["added"],
            removed=data["removed"],
        )._keep_json(data)


class AppVersionDiff(_model.Model):
    """The `AppVersionDiff` object of the platform API."""

    __slots__ = ("permissions", "meters", "prices", "gpu")
    _FIELDS = (("permissions", "permissions"), ("meters", "meters"), ("prices", "prices"), ("gpu", "gpu"))

    permissions: AppVersionSetDiff
    meters: AppVersionSetDiff
    prices: list[AppVersionChange]
    gpu: list[AppVersionChange]

    def __init__(self, *, permissions: AppVersionSetDiff, meters: AppVersionSetDiff, prices: list[AppVersionChange], gpu: list[AppVersionChange]) -> None:
        super().__init__()
        self.permissions = permissions
        self.meters = meters
        self.prices = prices
        self.gpu = gpu

    @classmethod
    def from_json(cls, data: Any) -> AppVersionDiff:
        return cls(
            permissions=AppVersionSetDiff.from_json(data["permissions"]),
            meters=AppVersionSetDiff.from_json(data["meters"]),
            prices=_model.parse_list(data["prices"], AppVersionChange.from_json),
            gpu=_model.parse_list(data["gpu"], AppVersionChange.from_json),
        )._keep_json(data)


class AppVersionDetailPreviousApproved0(_model.Model):
    """The `AppVersionDetailPreviousApproved0` object of the platform API."""

    __slots__ = ("id", "version", "digest")
    _FIELDS = (("id", "id"), ("version", "version"), ("digest", "digest"))

    id: Id
    version: str
    digest: str

    def __init__(self, *, id: Id, version: str, digest: str) -> None:
        super().__init__()
        self.id = id
        self.version = version
        self.digest = digest

    @classmethod
    def from_json(cls, data: Any) -> AppVersionDetailPreviousApproved0:
        return cls(
            id=data["id"],
            version=data["version"],
            digest=data["digest"],
        )._keep_json(data)


class AppVersionDetail(_model.Model):
    """An AppVersion with its manifest and what changed since the previous approved version."""

    __slots__ = ("id", "project_id", "registry", "repository", "reference", "tag", "digest", "app", "version", "state", "signer_key_id", "errors", "permissions", "submitted_by", "submitted_at", "updated_at", "reviewed_by", "reviewed_at", "reason", "approval", "release_reference", "revoked_at", "manifest", "previous_approved", "diff", "channels")
    _FIELDS = (("id", "id"), ("project_id", "project_id"), ("registry", "registry"), ("repository", "repository"), ("reference", "reference"), ("tag", "tag"), ("digest", "digest"), ("app", "app"), ("version", "version"), ("state", "state"), ("signer_key_id", "signer_key_id"), ("errors", "errors"), ("permissions", "permissions"), ("submitted_by", "submitted_by"), ("submitted_at", "submitted_at"), ("updated_at", "updated_at"), ("reviewed_by", "reviewed_by"), ("reviewed_at", "reviewed_at"), ("reason", "reason"), ("approval", "approval"), ("release_reference", "release_reference"), ("revoked_at", "revoked_at"), ("manifest", "manifest"), ("previous_approved", "previous_approved"), ("diff", "diff"), ("channels", "channels"))

    id: Id
    project_id: Id
    #: host:port of the registry.
    registry: str
    #: Repository path, e.g. `acme/llm-server`.
    repository: str
    #: `registry/repository@digest`.
    reference: str
    #: The tag registered, if any (resolved once).
    tag: str | None
    digest: str
    #: The manifest's name ('' when it could not be read).
    app: str
    #: The manifest's version ('' when it could not be read).
    version: str
    state: AppVersionState
    #: The publisher key that verified the signature.
    signer_key_id: str | None
    #: Why it was rejected at registration; null otherwise.
    errors: list[AppVersionError] | None
    #: The scopes the manifest requests (`permissions.scopes`).
    permissions: list[str]
    #: `user:<id>` or `service_account:<id>`.
    submitted_by: str
    submitted_at: Timestamp
    updated_at: Timestamp
    reviewed_by: str | None
    reviewed_at: Timestamp | None
    #: Why it was rejected, deprecated or revoked.
    reason: str | None
    approval: AppVersionApproval | None
    #: Where approval promoted it: `registry/release/<publisher>/<app>@digest`.
    release_reference: str | None
    revoked_at: Timestamp | None
    #: The parsed gpuaas.yaml; null when it could not be read.
    manifest: dict[str, Any] | None
    #: The newest approved, published or deprecated version of the same repository.
    previous_approved: AppVersionDetailPreviousApproved0 | None
    #: This version against `previous_approved`; null without one.
    diff: AppVersionDiff | None
    #: The release channels it is published in (`AppVersionPublish.channels`).
    channels: list[str] | None

    def __init__(self, *, id: Id, project_id: Id, registry: str, repository: str, reference: str, tag: str | None, digest: str, app: str, version: str, state: AppVersionState, signer_key_id: str | None, errors: list[AppVersionError] | None, permissions: list[str], submitted_by: str, submitted_at: Timestamp, updated_at: Timestamp, reviewed_by: str | None, reviewed_at: Timestamp | None, reason: str | None, approval: AppVersionApproval | None, release_reference: str | None, revoked_at: Timestamp | None, manifest: dict[str, Any] | None, previous_approved: AppVersionDetailPreviousApproved0 | None, diff: AppVersionDiff | None, channels: list[str] | None = None) -> None:
        super().__init__()
        self.id = id
        self.project_id = project_id
        self.registry = registry
        self.repository = repository
        self.reference = reference
        self.tag = tag
        self.digest = digest
        self.app = app
        self.version = version
        self.state = state
        self.signer_key_id = signer_key_id
        self.errors = errors
        self.permissions = permissions
        self.submitted_by = submitted_by
        self.submitted_at = submitted_at
        self.updated_at = updated_at
        self.reviewed_by = reviewed_by
        self.reviewed_at = reviewed_at
        self.reason = reason
        self.approval = approval
        self.release_reference = release_reference
        self.revoked_at = revoked_at
        self.manifest = manifest
        self.previous_approved = previous_approved
        self.diff = diff
        self.channels = channels

    @classmethod
    def from_json(cls, data: Any) -> AppVersionDetail:
        return cls(
            id=data["id"],
            project_id=data["project_id"],
            registry=data["registry"],
            repository=data["repository"],
            reference=data["reference"],
            tag=data["tag"],
            digest=data["digest"],
            app=data["app"],
            version=data["version"],
            state=data["state"],
            signer_key_id=data["signer_key_id"],
            errors=_model.parse_optional(data["errors"], lambda v: _model.parse_list(v, AppVersionError.from_json)),
            permissions=data["permissions"],
            submitted_by=data["submitted_by"],
            submitted_at=data["submitted_at"],
            updated_at=data["updated_at"],
            reviewed_by=data["reviewed_by"],
            reviewed_at=data["reviewed_at"],
            reason=data["reason"],
            approval=_model.parse_optional(data["approval"], AppVersionApproval.from_json),
            release_reference=data["release_reference"],
            revoked_at=data["revoked_at"],
            manifest=data["manifest"],
            previous_approved=_model.parse_optional(data["previous_approved"], AppVersionDetailPreviousApproved0.from_json),
            diff=_model.parse_optional(data["diff"], AppVersionDiff.from_json),
            channels=data.get("channels"),
        )._keep_json(data)


class AppVersionList(_model.Model):
    """The `AppVersionList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[AppVersion]
    next_cursor: NextCursor

    def __init__(self, *, items: list[AppVersion], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> AppVersionList:
        return cls(
            items=_model.parse_list(data["items"], AppVersion.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class AppInstanceEndpoint(_model.Model):
    """The `AppInstanceEndpoint` object of the platform API."""

    __slots__ = ("name", "url")
    _FIELDS = (("name", "name"), ("url", "url"))

    name: str
    url: str

    def __init__(self, *, name: str, url: str) -> None:
        super().__init__()
        self.name = name
        self.url = url

    @classmethod
    def from_json(cls, data: Any) -> AppInstanceEndpoint:
        return cls(
            name=data["name"],
            url=data["url"],
        )._keep_json(data)


class AppInstanceFailure(_model.Model):
    """Why a `failed` instance failed (the runtime's or the platform's error code); null otherwise."""

    __slots__ = ("code", "detail")
    _FIELDS = (("code", "code"), ("detail", "detail"))

    code: str
    detail: str

    def __init__(self, *, code: str, detail: str) -> None:
        super().__init__()
        self.code = code
        self.detail = detail

    @classmethod
    def from_json(cls, data: Any) -> AppInstanceFailure:
        return cls(
            code=data["code"],
            detail=data["detail"],
        )._keep_json(data)


class AppInstance(_model.Model):
    """A catalog app launched into an allocation."""

    __slots__ = ("id", "state", "app", "version", "version_id", "project_id", "allocation_id", "reference", "endpoints", "launched_by", "launched_at", "ended_at", "warnings", "failure", "channel", "upgrades", "upgrade")
    _FIELDS = (("id", "id"), ("state", "state"), ("app", "app"), ("version", "version"), ("version_id", "version_id"), ("project_id", "project_id"), ("allocation_id", "allocation_id"), ("reference", "reference"), ("endpoints", "endpoints"), ("launched_by", "launched_by"), ("launched_at", "launched_at"), ("ended_at", "ended_at"), ("warnings", "warnings"), ("failure", "failure"), ("channel", "channel"), ("upgrades", "upgrades"), ("upgrade", "upgrade"))

    id: Id
    #: `pending` (its allocation is starting), `launching`, `failed`, `stopped`; while running, the runtime's app state (`fetching`, `ready`, …; `unknown` when unreachable) where it was asked, else `running`.
    state: str
    #: The manifest name.
    app: str | None
    version: str | None
    version_id: str | None
    project_id: Id
    allocation_id: Id
    #: What the runtime launched (the release reference).
    reference: str
    #: The app's endpoints through the platform's relay (members of the project, with their bearer token).
    endpoints: list[AppInstanceEndpoint]
    launched_by: str
    launched_at: str
    ended_at: str | None
    #: `deprecated` for a deprecated version.
    warnings: list[str] | None
    #: Why a `failed` instance failed (the runtime's or the platform's error code); null otherwise.
    failure: AppInstanceFailure | None
    #: The release channel the instance follows (default `stable`).
    channel: str | None
    #: Whether a new version in its channel is installed without asking (when it needs no fresh consent).
    upgrades: Literal["manual", "automatic"] | None
    #: In the answer of `POST …/{instance_id}/upgrade` only, how the upgrade went.
    upgrade: AppInstanceUpgradeOutcome | None

    def __init__(self, *, id: Id, state: str, app: str | None, version: str | None, version_id: str | None, project_id: Id, allocation_id: Id, reference: str, endpoints: list[AppInstanceEndpoint], launched_by: str, launched_at: str, ended_at: str | None, warnings: list[str] | None = None, failure: AppInstanceFailure | None = None, channel: str | None = None, upgrades: Literal["manual", "automatic"] | None = None, upgrade: AppInstanceUpgradeOutcome | None = None) -> None:
        super().__init__()
        self.id = id
        self.state = state
        self.app = app
        self.version = version
        self.version_id = version_id
        self.project_id = project_id
        self.allocation_id = allocation_id
        self.reference = reference
        self.endpoints = endpoints
        self.launched_by = launched_by
        self.launched_at = launched_at
        self.ended_at = ended_at
        self.warnings = warnings
        self.failure = failure
        self.channel = channel
        self.upgrades = upgrades
        self.upgrade = upgrade

    @classmethod
    def from_json(cls, data: Any) -> AppInstance:
        return cls(
            id=data["id"],
            state=data["state"],
            app=data["app"],
            version=data["version"],
            version_id=data["version_id"],
            project_id=data["project_id"],
            allocation_id=data["allocation_id"],
            reference=data["reference"],
            endpoints=_model.parse_list(data["endpoints"], AppInstanceEndpoint.from_json),
            launched_by=data["launched_by"],
            launched_at=data["launched_at"],
            ended_at=data["ended_at"],
            warnings=data.get("warnings"),
            failure=_model.parse_optional(data.get("failure"), lambda v: _model.parse_optional(v, AppInstanceFailure.from_json)),
            channel=data.get("channel"),
            upgrades=data.get("upgrades"),
            upgrade=_model.parse_optional(data.get("upgrade"), AppInstanceUpgradeOutcome.from_json),
        )._keep_json(data)


class AppInstanceUpgradeOutcome(_model.Model):
    """The `AppInstanceUpgradeOutcome` object of the platform API."""

    __slots__ = ("from_version", "to_version", "outcome", "consent_diff")
    _FIELDS = (("from_version", "from_version"), ("to_version", "to_version"), ("outcome", "outcome"), ("consent_diff", "consent_diff"))

    from_version: str
    to_version: str
    #: A rollback is `APP_UPGRADE_FAILED` instead.
    outcome: Literal["succeeded"]
    consent_diff: AppConsentDiff

    def __init__(self, *, from_version: str, to_version: str, outcome: Literal["succeeded"], consent_diff: AppConsentDiff) -> None:
        super().__init__()
        self.from_version = from_version
        self.to_version = to_version
        self.outcome = outcome
        self.consent_diff = consent_diff

    @classmethod
    def from_json(cls, data: Any) -> AppInstanceUpgradeOutcome:
        return cls(
            from_version=data["from_version"],
            to_version=data["to_version"],
            outcome=data["outcome"],
            consent_diff=AppConsentDiff.from_json(data["consent_diff"]),
        )._keep_json(data)


class AppConsentDiffPricesChanged(_model.Model):
    """The `AppConsentDiffPricesChanged` object of the platform API."""

    __slots__ = ("item", "from_", "to")
    _FIELDS = (("item", "item"), ("from_", "from"), ("to", "to"))

    item: str
    from_: str | None
    to: str | None

    def __init__(self, *, item: str, from_: str | None, to: str | None) -> None:
        super().__init__()
        self.item = item
        self.from_ = from_
        self.to = to

    @classmethod
    def from_json(cls, data: Any) -> AppConsentDiffPricesChanged:
        return cls(
            item=data["item"],
            from_=data["from"],
            to=data["to"],
        )._keep_json(data)


class AppConsentDiff(_model.Model):
    """What moving an instance from `from_version` to `to_version` changes in what the tenant consented to. `widening` (fresh consent needed): a permission or meter added, a price added or raised, or another currency. Prices are decimal text; `item` is `hourly`, `metered.<meter>` or `currency` (then `from`/`to` are currency codes)."""

    __slots__ = ("from_version", "to_version", "permissions_added", "permissions_removed", "meters_added", "meters_removed", "prices_changed", "widening")
    _FIELDS = (("from_version", "from_version"), ("to_version", "to_version"), ("permissions_added", "permissions_added"), ("permissions_removed", "permissions_removed"), ("meters_added", "meters_added"), ("meters_removed", "meters_removed"), ("prices_changed", "prices_changed"), ("widening", "widening"))

    from_version: str
    to_version: str
    permissions_added: list[str]
    permissions_removed: list[str]
    meters_added: list[str]
    meters_removed: list[str]
    prices_changed: list[AppConsentDiffPricesChanged]
    widening: bool

    def __init__(self, *, from_version: str, to_version: str, permissions_added: list[str], permissions_removed: list[str], meters_added: list[str], meters_removed: list[str], prices_changed: list[AppConsentDiffPricesChanged], widening: bool) -> None:
        super().__init__()
        self.from_version = from_version
        self.to_version = to_version
        self.permissions_added = permissions_added
        self.permissions_removed = permissions_removed
        self.meters_added = meters_added
        self.meters_removed = meters_removed
        self.prices_changed = prices_changed
        self.widening = widening

    @classmethod
    def from_json(cls, data: Any) -> AppConsentDiff:
        return cls(
            from_version=data["from_version"],
            to_version=data["to_version"],
            permissions_added=data["permissions_added"],
            permissions_removed=data["permissions_removed"],
            meters_added=data["meters_added"],
            meters_removed=data["meters_removed"],
            prices_changed=_model.parse_list(data["prices_changed"], AppConsentDiffPricesChanged.from_json),
            widening=data["widening"],
        )._keep_json(data)


class AppInstanceList(_model.Model):
    """The `AppInstanceList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[AppInstance]
    next_cursor: NextCursor

    def __init__(self, *, items: list[AppInstance], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> AppInstanceList:
        return cls(
            items=_model.parse_list(data["items"], AppInstance.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class AppEntitlement(_model.Model):
    """A project's grant to launch an app."""

    __slots__ = ("id", "app", "publisher_project_id", "project_id", "until", "active", "granted_by", "granted_at", "revoked_by", "revoked_at")
    _FIELDS = (("id", "id"), ("app", "app"), ("publisher_project_id", "publisher_project_id"), ("project_id", "project_id"), ("until", "until"), ("active", "active"), ("granted_by", "granted_by"), ("granted_at", "granted_at"), ("revoked_by", "revoked_by"), ("revoked_at", "revoked_at"))

    id: Id
    app: str
    publisher_project_id: Id
    project_id: Id
    until: str | None
    #: Not revoked and not past `until`.
    active: bool
    granted_by: str
    granted_at: str
    revoked_by: str | None
    revoked_at: str | None

    def __init__(self, *, id: Id, app: str, publisher_project_id: Id, project_id: Id, until: str | None, active: bool, granted_by: str, granted_at: str, revoked_by: str | None, revoked_at: str | None) -> None:
        super().__init__()
        self.id = id
        self.app = app
        self.publisher_project_id = publisher_project_id
        self.project_id = project_id
        self.until = until
        self.active = active
        self.granted_by = granted_by
        self.granted_at = granted_at
        self.revoked_by = revoked_by
        self.revoked_at = revoked_at

    @classmethod
    def from_json(cls, data: Any) -> AppEntitlement:
        return cls(
            id=data["id"],
            app=data["app"],
            publisher_project_id=data["publisher_project_id"],
            project_id=data["project_id"],
            until=data["until"],
            active=data["active"],
            granted_by=data["granted_by"],
            granted_at=data["granted_at"],
            revoked_by=data["revoked_by"],
            revoked_at=data["revoked_at"],
        )._keep_json(data)


class AppEntitlementList(_model.Model):
    """The `AppEntitlementList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[AppEntitlement]
    next_cursor: NextCursor

    def __init__(self, *, items: list[AppEntitlement], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> AppEntitlementList:
        return cls(
            items=_model.parse_list(data["items"], AppEntitlement.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class CatalogAppList(_model.Model):
    """The `CatalogAppList` object of the platform API."""

    __slots__ = ("items", "next_cursor")
    _FIELDS = (("items", "items"), ("next_cursor", "next_cursor"))

    items: list[CatalogApp]
    next_cursor: NextCursor

    def __init__(self, *, items: list[CatalogApp], next_cursor: NextCursor) -> None:
        super().__init__()
        self.items = items
        self.next_cursor = next_cursor

    @classmethod
    def from_json(cls, data: Any) -> CatalogAppList:
        return cls(
            items=_model.parse_list(data["items"], CatalogApp.from_json),
            next_cursor=data["next_cursor"],
        )._keep_json(data)


class CatalogAppPublisher(_model.Model):
    """The publisher project."""

    __slots__ = ("project_id", "name")
    _FIELDS = (("project_id", "project_id"), ("name", "name"))

    project_id: Id
    name: str

    def __init__(self, *, project_id: Id, name: str) -> None:
        super().__init__()
        self.project_id = project_id
        self.name = name

    @classmethod
    def from_json(cls, data: Any) -> CatalogAppPublisher:
        return cls(
            project_id=data["project_id"],
            name=data["name"],
        )._keep_json(data)


class CatalogApp(_model.Model):
    """An app in a project's catalog, with the versions the project may launch."""

    __slots__ = ("name", "publisher", "registry", "repository", "display_name", "description", "categories", "latest_version", "versions")
    _FIELDS = (("name", "name"), ("publisher", "publisher"), ("registry", "registry"), ("repository", "repository"), ("display_name", "display_name"), ("description", "description"), ("categories", "categories"), ("latest_version", "latest_version"), ("versions", "versions"))

    #: `publisher/app`: the publisher project and the repository after its namespace.
    name: str
    #: The publisher project.
    publisher: CatalogAppPublisher
    #: The registry (host:port) the versions were registered from.
    registry: str
    #: The source repository (`ns/app`).
    repository: str
    #: The manifest's displayName.
    display_name: str | None
    #: The manifest's description.
    description: str | None
    #: The manifest's catalog categories.
    categories: list[str]
    #: The newest published version (or newest deprecated one).
    latest_version: str
    #: Newest first.
    versions: list[CatalogVersion]

    def __init__(self, *, name: str, publisher: CatalogAppPublisher, registry: str, repository: str, display_name: str | None, description: str | None, categories: list[str], latest_version: str, versions: list[CatalogVersion]) -> None:
        super().__init__()
        self.name = name
        self.publisher = publisher
        self.registry = registry
        self.repository = repository
        self.display_name = display_name
        self.description = description
        self.categories = categories
        self.latest_version = latest_version
        self.versions = versions

    @classmethod
    def from_json(cls, data: Any) -> CatalogApp:
        return cls(
            name=data["name"],
            publisher=CatalogAppPublisher.from_json(data["publisher"]),
            registry=data["registry"],
            repository=data["repository"],
            display_name=data["display_name"],
            description=data["description"],
            categories=data["categories"],
            latest_version=data["latest_version"],
            versions=_model.parse_list(data["versions"], CatalogVersion.from_json),
        )._keep_json(data)


class CatalogVersionPrices1Metered(_model.Model):
    """The `CatalogVersionPrices1Metered` object of the platform API."""

    __slots__ = ("meter", "price_per_unit")
    _FIELDS = (("meter", "meter"), ("price_per_unit", "price_per_unit"))

    meter: str
    price_per_unit: str

    def __init__(self, *, meter: str, price_per_unit: str) -> None:
        super().__init__()
        self.meter = meter
        self.price_per_unit = price_per_unit

    @classmethod
    def from_json(cls, data: Any) -> CatalogVersionPrices1Metered:
        return cls(
            meter=data["meter"],
            price_per_unit=data["price_per_unit"],
        )._keep_json(data)


class CatalogVersionPrices1(_model.Model):
    """The `CatalogVersionPrices1` object of the platform API."""

    __slots__ = ("currency", "hourly_price", "metered")
    _FIELDS = (("currency", "currency"), ("hourly_price", "hourly_price"), ("metered", "metered"))

    currency: str
    hourly_price: str | None
    metered: list[CatalogVersionPrices1Metered]

    def __init__(self, *, currency: str, hourly_price: str | None, metered: list[CatalogVersionPrices1Metered]) -> None:
        super().__init__()
        self.currency = currency
        self.hourly_price = hourly_price
        self.metered = metered

    @classmethod
    def from_json(cls, data: Any) -> CatalogVersionPrices1:
        return cls(
            currency=data["currency"],
            hourly_price=data["hourly_price"],
            metered=_model.parse_list(data["metered"], CatalogVersionPrices1Metered.from_json),
        )._keep_json(data)


class CatalogVersion(_model.Model):
    """One launchable version of a catalog app."""

    __slots__ = ("id", "version", "state", "digest", "release_reference", "published_at", "gpu", "prices", "permissions", "parameters", "endpoints", "access")
    _FIELDS = (("id", "id"), ("version", "version"), ("state", "state"), ("digest", "digest"), ("release_reference", "release_reference"), ("published_at", "published_at"), ("gpu", "gpu"), ("prices", "prices"), ("permissions", "permissions"), ("parameters", "parameters"), ("endpoints", "endpoints"), ("access", "access"))

    id: Id
    version: str
    state: Literal["published", "deprecated"]
    digest: str
    #: What launches: `host/release/…:tag@sha256:…`.
    release_reference: str
    #: When it was last reviewed.
    published_at: str
    #: The manifest's `resources` (minimum and recommended workload profiles).
    gpu: dict[str, Any] | None
    #: The manifest's prices (decimal strings); null for an app without billing.
    prices: CatalogVersionPrices1 | None
    #: Scopes the app's service account asks for.
    permissions: list[str]
    #: The manifest's launch parameters (name → JSON Schema).
    parameters: dict[str, Any]
    #: Names of the endpoints it declares.
    endpoints: list[str]
    access: AppAccess

    def __init__(self, *, id: Id, version: str, state: Literal["published", "deprecated"], digest: str, release_reference: str, published_at: str, gpu: dict[str, Any] | None, prices: CatalogVersionPrices1 | None, permissions: list[str], parameters: dict[str, Any], endpoints: list[str], access: AppAccess) -> None:
        super().__init__()
        self.id = id
        self.version = version
        self.state = state
        self.digest = digest
        self.release_reference = release_reference
        self.published_at = published_at
        self.gpu = gpu
        self.prices = prices
        self.permissions = permissions
        self.parameters = parameters
        self.endpoints = endpoints
        self.access = access

    @classmethod
    def from_json(cls, data: Any) -> CatalogVersion:
        return cls(
            id=data["id"],
            version=data["version"],
            state=data["state"],
            digest=data["digest"],
            release_reference=data["release_reference"],
            published_at=data["published_at"],
            gpu=data["gpu"],
            prices=_model.parse_optional(data["prices"], CatalogVersionPrices1.from_json),
            permissions=data["permissions"],
            parameters=data["parameters"],
            endpoints=data["endpoints"],
            access=data["access"],
        )._keep_json(data)


class AppTrustApprovalKey(_model.Model):
    """The `AppTrustApprovalKey` object of the platform API."""

    __slots__ = ("key_id", "public_key")
    _FIELDS = (("key_id", "key_id"), ("public_key", "public_key"))

    key_id: str
    #: ECDSA P-256 public key, SPKI PEM.
    public_key: str

    def __init__(self, *, key_id: str, public_key: str) -> None:
        super().__init__()
        self.key_id = key_id
        self.public_key = public_key

    @classmethod
    def from_json(cls, data: Any) -> AppTrustApprovalKey:
        return cls(
            key_id=data["key_id"],
            public_key=data["public_key"],
        )._keep_json(data)


class AppTrust(_model.Model):
    """The `AppTrust` object of the platform API."""

    __slots__ = ("approval_key", "predicate_type")
    _FIELDS = (("approval_key", "approval_key"), ("predicate_type", "predicate_type"))

    approval_key: AppTrustApprovalKey
    #: The approval attestation's in-toto predicate type, `https://gpuaas.dev/attestations/approval/v1`.
    predicate_type: str

    def __init__(self, *, approval_key: AppTrustApprovalKey, predicate_type: str) -> None:
        super().__init__()
        self.approval_key = approval_key
        self.predicate_type = predicate_type

    @classmethod
    def from_json(cls, data: Any) -> AppTrust:
        return cls(
            approval_key=AppTrustApprovalKey.from_json(data["approval_key"]),
            predicate_type=data["predicate_type"],
        )._keep_json(data)


ProblemError = TypedDict("ProblemError", {"in": "Literal[\"body\", \"query\", \"path\", \"header\"]", "pointer": "str", "detail": "str"})


class _ProblemRequired(TypedDict):
    #: URI reference of the error documentation.
    type: str
    title: str
    status: int
    code: Literal["VALIDATION_FAILED", "MALFORMED_JSON", "CURSOR_INVALID", "TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED", "FORBIDDEN", "INSUFFICIENT_SCOPE", "NODE_CREDENTIAL_MISMATCH", "SCOPE_NOT_GRANTABLE", "NOT_FOUND", "ROUTE_NOT_FOUND", "MODEL_UNKNOWN", "ALLOCATION_UNSATISFIABLE", "ALLOCATION_NOT_RUNNING", "TERMINAL_TOKEN_INVALID", "UPGRADE_REQUIRED", "RUNTIME_UNREACHABLE", "NODE_CERTIFICATE_MISMATCH", "APP_TRUST_NOT_CONFIGURED", "APP_LAUNCH_FAILED", "APP_NOT_READY", "APP_ENDPOINT_UNREACHABLE", "APP_UI_CODE_INVALID", "USAGE_REPORTER_FORBIDDEN", "USAGE_EVENT_CONFLICT", "USAGE_EVENT_TOO_LATE", "REFUND_APPROVAL_REQUIRED", "METHOD_NOT_ALLOWED", "ALREADY_EXISTS", "LAST_OWNER", "LAST_OPERATOR", "IDEMPOTENCY_IN_FLIGHT", "PRECONDITION_FAILED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "MALFORMED_REQUEST", "REQUEST_TIMEOUT", "HEADERS_TOO_LARGE", "IDEMPOTENCY_KEY_REUSED", "PRECONDITION_REQUIRED", "RATE_LIMITED", "INTERNAL", "RESPONSE_INVALID", "PORT_IN_USE", "DATABASE_IN_USE", "SLURM_API_UNSUPPORTED", "SLURM_UNAVAILABLE", "CONFIG_INVALID", "NOT_READY", "AMOUNT_INVALID", "CURRENCY_INVALID", "CURRENCY_MISMATCH", "ACCOUNT_NOT_FOUND", "ACCOUNT_CONFLICT", "INSUFFICIENT_FUNDS", "TRANSFER_ID_CONFLICT", "TRANSFER_INVALID", "PENDING_NOT_FOUND", "PENDING_ALREADY_RESOLVED", "POST_EXCEEDS_PENDING", "CORRECTION_TARGET_NOT_FOUND", "CORRECTION_EXCEEDS_ORIGINAL", "RATING_CONFLICT", "RATING_OUT_OF_ORDER", "METER_UNKNOWN", "RATING_INPUT_INVALID", "STATEMENT_PERIOD_INVALID", "STATEMENT_PERIOD_OPEN", "STATEMENT_OUT_OF_ORDER", "BUDGET_INVALID", "PUBLISHER_KEY_INVALID", "APP_REFERENCE_INVALID", "APP_SIGNER_UNKNOWN", "APP_VERSION_STATE_CONFLICT", "APP_VERSION_NOT_APPROVED", "APP_VERSION_REVOKED", "APP_NOT_ENTITLED", "APP_CONSENT_REQUIRED", "APP_UPGRADE_FAILED", "APP_INSTANCE_STATE_CONFLICT", "PROFILE_NOT_MET", "PROFILE_UNSATISFIABLE", "REGISTRY_UNREACHABLE", "VOLUME_NAME_TAKEN", "SNAPSHOT_NAME_TAKEN", "VOLUME_IN_USE", "VOLUME_NOT_AVAILABLE", "VOLUME_SHRINK_REFUSED", "VOLUME_SITE_MISMATCH", "VOLUME_MOUNT_INVALID", "STORAGE_QUOTA_EXCEEDED", "STORAGE_BACKEND_FAILED"]
    correlation_id: str


class Problem(_ProblemRequired, total=False):
    """The `Problem` object of the platform API, as a dict."""
    detail: str
    instance: str
    #: With APP_LAUNCH_FAILED (and other refusals relayed from an allocation's runtime): the runtime's own code, unchanged (docs/errors.md, "runtime"), e.g. ARTIFACT_PULL_FAILED.
    runtime_code: str
    #: With APP_CONSENT_REQUIRED on an upgrade, what the new version changes.
    consent_diff: AppConsentDiffInput
    errors: list[ProblemError]


class OrganizationCreate(TypedDict):
    """The `OrganizationCreate` object of the platform API, as a dict."""
    name: Name


class _ProjectCreateRequired(TypedDict):
    name: Name


class ProjectCreate(_ProjectCreateRequired, total=False):
    """The `ProjectCreate` object of the platform API, as a dict."""
    description: str | None
    organization_id: Id


class ProjectUpdate(TypedDict, total=False):
    """The `ProjectUpdate` object of the platform API, as a dict."""
    name: Name
    description: str | None


class MemberCreate(TypedDict):
    """The `MemberCreate` object of the platform API, as a dict."""
    email: str
    role: Role


class MemberUpdate(TypedDict):
    """The `MemberUpdate` object of the platform API, as a dict."""
    role: Role


class ServiceAccountCreate(TypedDict):
    """The `ServiceAccountCreate` object of the platform API, as a dict."""
    name: Name
    scopes: list[Scope]


class BillingTopupCreate(TypedDict):
    """The `BillingTopupCreate` object of the platform API, as a dict."""
    project_id: Id
    amount: MoneyAmount
    reason: BillingReason


class _BillingRefundCreateRequired(TypedDict):
    #: The charge (`BillingCharge.id`).
    charge_id: str
    reason: BillingReason


class BillingRefundCreate(_BillingRefundCreateRequired, total=False):
    """The `BillingRefundCreate` object of the platform API, as a dict."""
    #: Default, what is left of the charge after earlier refunds.
    amount: MoneyAmount


class BillingPromotionCreate(TypedDict):
    """The `BillingPromotionCreate` object of the platform API, as a dict."""
    project_id: Id
    amount: MoneyAmount
    expires_at: Timestamp
    reason: BillingReason


class BillingBudgetSet(TypedDict):
    """The `BillingBudgetSet` object of the platform API, as a dict."""
    #: Decimal amount per month, e.g. `500.00`.
    limit: str
    #: Percentages of the limit, e.g. `[50, 80, 100]`.
    alert_thresholds: list[int]


class _InventoryGpuRequired(TypedDict):
    index: int
    model: str
    #: At most 4 TiB.
    memory_mib: int


class InventoryGpu(_InventoryGpuRequired, total=False):
    """The `InventoryGpu` object of the platform API, as a dict."""
    uuid: str | None
    nvlink_domain: str | None


class NodeRegistrationInventory(TypedDict):
    """The `NodeRegistrationInventory` object of the platform API, as a dict."""
    gpus: list[InventoryGpu]


class _NodeRegistrationRequired(TypedDict):
    name: Name
    agent_version: str
    inventory: NodeRegistrationInventory


class NodeRegistration(_NodeRegistrationRequired, total=False):
    """The `NodeRegistration` object of the platform API, as a dict."""
    region: str
    #: Where the agent can be reached, if anywhere (informational).
    endpoint: str
    #: A remote node (one that serves its runtimes on a TCP address): the SHA-256 of the DER of the TLS certificate it serves them with, lowercase hex. Every platform connection to the node's runtimes is refused (502 NODE_CERTIFICATE_MISMATCH) unless the peer shows this certificate. Each registration replaces the pinned one (rotation: the agent registers again with its new certificate); a registration without it clears the pin, so the node's TCP endpoints are refused until it registers one.
    runtime_certificate_sha256: str
    labels: dict[str, str]


class NodeCredentialCreate(TypedDict):
    """The `NodeCredentialCreate` object of the platform API, as a dict."""
    node_name: NodeName


class NodeCredentialRotate(TypedDict, total=False):
    """The `NodeCredentialRotate` object of the platform API, as a dict."""
    #: How long the old credential stays valid beside the new one (at most 7 days).
    overlap_seconds: int


class _ObservedAllocationRequired(TypedDict):
    id: Id
    state: Literal["provisioning", "running", "released", "failed"]


class ObservedAllocation(_ObservedAllocationRequired, total=False):
    """The `ObservedAllocation` object of the platform API, as a dict."""
    reason: str
    #: `unix:/path` or `ws(s)://…` of the runtime.
    endpoint: str
    runtime_secret: str
    last_activity_at: Timestamp


class Heartbeat(TypedDict):
    """The `Heartbeat` object of the platform API, as a dict."""
    allocations: list[ObservedAllocation]


class DrainRequest(TypedDict):
    """The `DrainRequest` object of the platform API, as a dict."""
    mode: Literal["release", "wait"]


class _AllocationCreateGpusRequired(TypedDict):
    #: GPUs, all or nothing: 1 to 64.
    count: int


class AllocationCreateGpus(_AllocationCreateGpusRequired, total=False):
    """The GPUs an allocation asks for (also a catalog launch's override of the app's profile)."""
    #: Acceptable SKU ids or model names, most preferred first; empty or absent means any.
    models: list[str]
    #: Per GPU, 1 to 4096 GiB.
    min_memory_gib: int
    #: `node`: all GPUs on one node (the default); `nvlink`: all in one NVLink domain.
    topology: Literal["node", "nvlink"]


class _AllocationCreateRequired(TypedDict):
    project_id: Id
    gpus: AllocationCreateGpus


class AllocationCreate(_AllocationCreateRequired, total=False):
    """The `AllocationCreate` object of the platform API, as a dict."""
    name: Name
    #: Released by the server this long after the allocation first runs (a re-created sandbox does not extend it). At most 30 days (`30d`, 2592000 seconds).
    ttl: Duration
    #: Released after this long without terminal activity. At most 7 days (`7d`, 604800 seconds).
    idle_timeout: Duration
    #: Higher goes first (default 100); 0 to 1000.
    priority: int
    #: Up to 4 of the project's volumes to mount in the sandbox (the `storage:write` scope is not needed; being allowed to create the allocation is). Read-write attachments are exclusive (409 `VOLUME_IN_USE`), read-only ones may be shared; the allocation is scheduled only on nodes of the volumes' site. Detached at release.
    volumes: list[VolumeMount]


class _StorageVolumeCreateRequired(TypedDict):
    project_id: Id
    name: Name
    #: Size in GiB, 1 to 65536.
    size_gib: int


class StorageVolumeCreate(_StorageVolumeCreateRequired, total=False):
    """The `StorageVolumeCreate` object of the platform API, as a dict."""
    #: Where it lives (default: the platform default site, `local`).
    site: str


class StorageVolumeResize(TypedDict):
    """The `StorageVolumeResize` object of the platform API, as a dict."""
    #: The new size; not smaller than the current one.
    size_gib: int


class StorageSnapshotCreate(TypedDict):
    """The `StorageSnapshotCreate` object of the platform API, as a dict."""
    volume_id: Id
    name: Name


class StorageSnapshotRestore(TypedDict):
    """The `StorageSnapshotRestore` object of the platform API, as a dict."""
    name: Name


class _VolumeMountRequired(TypedDict):
    name: Name
    #: Where the sandbox sees it, under `/mnt/` (letters, digits, `.`, `_`, `-`, `/`; no `..`).
    mount_path: str


class VolumeMount(_VolumeMountRequired, total=False):
    """The `VolumeMount` object of the platform API, as a dict."""
    #: Mount read-only (shared); read-write (the default) is exclusive.
    read_only: bool


class TerminalTokenCreate(TypedDict, total=False):
    """The `TerminalTokenCreate` object of the platform API, as a dict."""
    #: Run this argv instead of a login shell.
    command: list[str]


class QuotaUpdate(TypedDict):
    """The `QuotaUpdate` object of the platform API, as a dict."""
    nominal_gpus: int
    max_gpus: int


class _UsageEventDataRequired(TypedDict):
    meter: str
    #: Billed as an exact decimal: at most 9 digits after the decimal point and 15 significant digits (what a JSON number carries exactly), from 0 to 1e15. Float artefacts such as `0.30000000000000004` and subnormal numbers such as `5e-324` are refused with 400 naming `/events/N/data/quantity`.
    quantity: float
    allocation_id: Id
    origin: Literal["app", "runtime"]


class UsageEventData(_UsageEventDataRequired, total=False):
    """The `UsageEventData` object of the platform API, as a dict."""
    unit: str


class _UsageEventRequired(TypedDict):
    specversion: Literal["1.0"]
    id: str
    source: str
    type: Literal["dev.gpuaas.usage.v1"]
    subject: Id
    #: When the usage happened: an RFC 3339 date-time from 1970-01-01 to 9999-12-31. A leap second (`…T23:59:60Z`) and dates that do not exist are refused with 400 naming `/events/N/time`.
    time: str
    data: UsageEventData


class UsageEvent(_UsageEventRequired, total=False):
    """The `UsageEvent` object of the platform API, as a dict."""
    datacontenttype: Literal["application/json"]


class UsageEventBatch(TypedDict):
    """The `UsageEventBatch` object of the platform API, as a dict."""
    events: list[UsageEvent]


class _AppLaunchRequired(TypedDict):
    #: OCI reference, by tag or digest (a tag is pinned once).
    artifact: str


class AppLaunch(_AppLaunchRequired, total=False):
    """The `AppLaunch` object of the platform API, as a dict."""
    #: Launch parameters, checked against the app's manifest; text for a number or boolean is typed by it.
    parameters: dict[str, Any]
    #: Platform scopes the tenant grants the app (default none; `usage:write` is always added).
    scopes: list[Scope]


class AppUiSessionCreate(TypedDict, total=False):
    """Which UI extension to open; the first the manifest declares when omitted."""
    #: The name of an endpoint declared with `ui` in the running app's manifest.
    endpoint: str


class _PublisherKeyCreateRequired(TypedDict):
    project_id: Id


class PublisherKeyCreate(_PublisherKeyCreateRequired, total=False):
    """`public_key`, or `issuer` with `subject`; not both."""
    #: A label; defaults to the key id’s first 12 characters.
    name: str
    #: ECDSA P-256 public key, SPKI PEM.
    public_key: str
    issuer: str
    subject: str


class _AppInstanceCreateRequired(TypedDict):
    project_id: Id
    #: `publisher/app`.
    app: str


class AppInstanceCreate(_AppInstanceCreateRequired, total=False):
    """The `AppInstanceCreate` object of the platform API, as a dict."""
    #: A version (or version id) in the catalog; default: the newest published.
    version: str
    #: An allocation of the project to launch into (it must meet the manifest's minimum profile). Absent: the platform creates one from the manifest's profile (or `gpus`).
    allocation_id: Id
    #: Without `allocation_id`: the GPUs to ask for instead of the manifest's profile; never below its minimum (`VALIDATION_FAILED`).
    gpus: AllocationCreateGpus
    #: Without `allocation_id`, the created allocation's `ttl` (AllocationCreate).
    ttl: Duration
    #: Launch parameters, checked against the manifest's schemas. A parameter the manifest marks `secret: true` is refused here (`VALIDATION_FAILED`): pass it in `secrets`.
    parameters: dict[str, Any]
    #: Values of the parameters the manifest marks `secret: true` (only those). Kept sealed (AES-256-GCM) until the instance ends, never answered, logged or audited.
    secrets: dict[str, str]
    #: The release channel to follow (default `stable`).
    channel: str
    #: `automatic`: install new versions of its channel that need no fresh consent (default `manual`).
    upgrades: Literal["manual", "automatic"]
    #: The permissions the caller consents to give the app's service account; must include each one the version asks for.
    accepted_permissions: list[str]


class AppInstanceUpgrade(TypedDict, total=False):
    """Which version to move an instance to, and the consent to what it changes."""
    #: A version (or version id) in the project's catalog; default: the newest published in the instance's channel.
    version: str
    #: Consent to the permissions the new version adds to its service account (each one it adds).
    accepted_permissions: list[str]
    #: Consent to a meter the new version adds or a price it raises (see `consent_diff`).
    accept_changes: bool
    #: Parameters to change (merged over the instance's own), checked against the new version's schemas; a `secret: true` parameter goes in `secrets`.
    parameters: dict[str, Any]
    #: Secret parameters to change; the others stay as sealed at launch.
    secrets: dict[str, str]


class AppInstanceUpdate(TypedDict, total=False):
    """The `AppInstanceUpdate` object of the platform API, as a dict."""
    #: The release channel to follow (`stable`, `beta`, …).
    channel: str
    #: `automatic`: upgrade to each version published in the channel that needs no fresh consent.
    upgrades: Literal["manual", "automatic"]


class AppConsentDiffInput(TypedDict):
    """What moving an instance from `from_version` to `to_version` changes in what the tenant consented to. `widening` (fresh consent needed): a permission or meter added, a price added or raised, or another currency. Prices are decimal text; `item` is `hourly`, `metered.<meter>` or `currency` (then `from`/`to` are currency codes)."""
    from_version: str
    to_version: str
    permissions_added: list[str]
    permissions_removed: list[str]
    meters_added: list[str]
    meters_removed: list[str]
    prices_changed: list[AppConsentDiffPricesChanged]
    widening: bool


class AppVersionPublish(TypedDict, total=False):
    """The `AppVersionPublish` object of the platform API, as a dict."""
    access: AppAccess
    #: The release channels the version is published in (default `["stable"]`). Instances following one of them with `upgrades: automatic` are upgraded to it when it needs no fresh consent; the others get `app_instance.upgrade_available`.
    channels: list[str]


class _AppEntitlementGrantRequired(TypedDict):
    #: `publisher/app`.
    app: str
    project_id: Id


class AppEntitlementGrant(_AppEntitlementGrantRequired, total=False):
    """The `AppEntitlementGrant` object of the platform API, as a dict."""
    #: The grant ends here (exclusive).
    until: str


class AppVersionRegister(TypedDict):
    """The `AppVersionRegister` object of the platform API, as a dict."""
    project_id: Id
    #: OCI reference `host:port/ns/app:tag` or `…@sha256:…`.
    reference: str


class _AppVersionApproveRequired(TypedDict):
    scope: AppVersionScope


class AppVersionApprove(_AppVersionApproveRequired, total=False):
    """The `AppVersionApprove` object of the platform API, as a dict."""
    #: The organisation or project (required for those scopes).
    scope_id: Any


class AppVersionReason(TypedDict):
    """The `AppVersionReason` object of the platform API, as a dict."""
    reason: str


class AppVersionDeprecate(TypedDict, total=False):
    """The `AppVersionDeprecate` object of the platform API, as a dict."""
    reason: str


class _AppVersionRevokeRequired(TypedDict):
    reason: str


class AppVersionRevoke(_AppVersionRevokeRequired, total=False):
    """The `AppVersionRevoke` object of the platform API, as a dict."""
    #: Also stop the running instances of the digest (default false).
    stop_running: bool
