# Generated from platform/contract/openapi.yaml by `npm run codegen` (sdk/python/scripts/codegen.ts). Do not edit.
"""One request builder per operation of the platform API; the client sends what they build."""

from __future__ import annotations

from typing import Any, Literal

from .. import _model
from .._request import ApiRequest
from . import models


def get_health() -> ApiRequest[models.Health]:
    """Liveness probe

    `GET /healthz` (getHealth)."""
    return ApiRequest(
        "getHealth",
        "GET",
        "/healthz",
        models.Health.from_json,
    )


def get_readiness() -> ApiRequest[models.Health]:
    """Readiness probe

    `GET /readyz` (getReadiness)."""
    return ApiRequest(
        "getReadiness",
        "GET",
        "/readyz",
        models.Health.from_json,
    )


def get_metrics() -> ApiRequest[str]:
    """Prometheus metrics

    `GET /metrics` (getMetrics)."""
    return ApiRequest(
        "getMetrics",
        "GET",
        "/metrics",
        _model.parse_text,
        response_kind="text",
    )


def get_jwks() -> ApiRequest[models.Jwks]:
    """Public keys that verify the platform's tokens

    `GET /.well-known/jwks.json` (getJwks)."""
    return ApiRequest(
        "getJwks",
        "GET",
        "/.well-known/jwks.json",
        models.Jwks.from_json,
    )


def get_open_api_document() -> ApiRequest[dict[str, Any]]:
    """This document, as JSON

    `GET /v1/openapi.json` (getOpenApiDocument)."""
    return ApiRequest(
        "getOpenApiDocument",
        "GET",
        "/v1/openapi.json",
        _model.parse_object,
    )


def get_current_user() -> ApiRequest[models.User]:
    """The authenticated user

    `GET /v1/users/me` (getCurrentUser)."""
    return ApiRequest(
        "getCurrentUser",
        "GET",
        "/v1/users/me",
        models.User.from_json,
    )


def list_operators(*, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.UserList]:
    """The platform's operators (operators only)

    `GET /v1/operators` (listOperators)."""
    return ApiRequest(
        "listOperators",
        "GET",
        "/v1/operators",
        models.UserList.from_json,
        query={"limit": limit, "cursor": cursor},
    )


def grant_operator(user: str) -> ApiRequest[models.User]:
    """Make a user an operator (operators only)

    `PUT /v1/operators/{user}` (grantOperator)."""
    return ApiRequest(
        "grantOperator",
        "PUT",
        f"/v1/operators/{_model.quote_path(user)}",
        models.User.from_json,
    )


def revoke_operator(user: str) -> ApiRequest[None]:
    """Remove a user's operator flag (operators only)

    `DELETE /v1/operators/{user}` (revokeOperator)."""
    return ApiRequest(
        "revokeOperator",
        "DELETE",
        f"/v1/operators/{_model.quote_path(user)}",
        _model.parse_empty,
        response_kind="empty",
    )


def list_organizations(*, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.OrganizationList]:
    """Organisations the caller can see

    `GET /v1/organizations` (listOrganizations)."""
    return ApiRequest(
        "listOrganizations",
        "GET",
        "/v1/organizations",
        models.OrganizationList.from_json,
        query={"limit": limit, "cursor": cursor},
    )


def create_organization(body: models.OrganizationCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.Organization]:
    """Create an organisation

    `POST /v1/organizations` (createOrganization)."""
    return ApiRequest(
        "createOrganization",
        "POST",
        "/v1/organizations",
        models.Organization.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_organization(organization_id: models.Id) -> ApiRequest[models.Organization]:
    """One organisation

    `GET /v1/organizations/{organization_id}` (getOrganization)."""
    return ApiRequest(
        "getOrganization",
        "GET",
        f"/v1/organizations/{_model.quote_path(organization_id)}",
        models.Organization.from_json,
    )


def list_projects(*, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.ProjectList]:
    """Projects the caller can see

    `GET /v1/projects` (listProjects)."""
    return ApiRequest(
        "listProjects",
        "GET",
        "/v1/projects",
        models.ProjectList.from_json,
        query={"limit": limit, "cursor": cursor},
    )


def create_project(body: models.ProjectCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.Project]:
    """Create a project

    `POST /v1/projects` (createProject)."""
    return ApiRequest(
        "createProject",
        "POST",
        "/v1/projects",
        models.Project.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_project(project_id: models.Id) -> ApiRequest[models.Project]:
    """One project

    `GET /v1/projects/{project_id}` (getProject)."""
    return ApiRequest(
        "getProject",
        "GET",
        f"/v1/projects/{_model.quote_path(project_id)}",
        models.Project.from_json,
    )


def update_project(project_id: models.Id, body: models.ProjectUpdate, *, if_match: str | None = None) -> ApiRequest[models.Project]:
    """Change a project's name or description

    `PATCH /v1/projects/{project_id}` (updateProject)."""
    return ApiRequest(
        "updateProject",
        "PATCH",
        f"/v1/projects/{_model.quote_path(project_id)}",
        models.Project.from_json,
        headers={"If-Match": if_match},
        body=body,
    )


def list_members(project_id: models.Id, *, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.MemberList]:
    """Members of a project and their roles

    `GET /v1/projects/{project_id}/members` (listMembers)."""
    return ApiRequest(
        "listMembers",
        "GET",
        f"/v1/projects/{_model.quote_path(project_id)}/members",
        models.MemberList.from_json,
        query={"limit": limit, "cursor": cursor},
    )


def add_member(project_id: models.Id, body: models.MemberCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.Member]:
    """Give a user a role in the project

    `POST /v1/projects/{project_id}/members` (addMember)."""
    return ApiRequest(
        "addMember",
        "POST",
        f"/v1/projects/{_model.quote_path(project_id)}/members",
        models.Member.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def update_member(project_id: models.Id, user_id: models.Id, body: models.MemberUpdate, *, if_match: str | None = None) -> ApiRequest[models.Member]:
    """Change a member's role

    `PATCH /v1/projects/{project_id}/members/{user_id}` (updateMember)."""
    return ApiRequest(
        "updateMember",
        "PATCH",
        f"/v1/projects/{_model.quote_path(project_id)}/members/{_model.quote_path(user_id)}",
        models.Member.from_json,
        headers={"If-Match": if_match},
        body=body,
    )


def remove_member(project_id: models.Id, user_id: models.Id) -> ApiRequest[None]:
    """Remove a member from the project

    `DELETE /v1/projects/{project_id}/members/{user_id}` (removeMember)."""
    return ApiRequest(
        "removeMember",
        "DELETE",
        f"/v1/projects/{_model.quote_path(project_id)}/members/{_model.quote_path(user_id)}",
        _model.parse_empty,
        response_kind="empty",
    )


def list_service_accounts(project_id: models.Id, *, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.ServiceAccountList]:
    """Service accounts of a project (never their secrets)

    `GET /v1/projects/{project_id}/service-accounts` (listServiceAccounts)."""
    return ApiRequest(
        "listServiceAccounts",
        "GET",
        f"/v1/projects/{_model.quote_path(project_id)}/service-accounts",
        models.ServiceAccountList.from_json,
        query={"limit": limit, "cursor": cursor},
    )


def create_service_account(project_id: models.Id, body: models.ServiceAccountCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.ServiceAccountWithSecret]:
    """Create a service account (OAuth client for the client_credentials grant)

    `POST /v1/projects/{project_id}/service-accounts` (createServiceAccount)."""
    return ApiRequest(
        "createServiceAccount",
        "POST",
        f"/v1/projects/{_model.quote_path(project_id)}/service-accounts",
        models.ServiceAccountWithSecret.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_service_account(project_id: models.Id, service_account_id: models.Id) -> ApiRequest[models.ServiceAccount]:
    """One service account (never its secret)

    `GET /v1/projects/{project_id}/service-accounts/{service_account_id}` (getServiceAccount)."""
    return ApiRequest(
        "getServiceAccount",
        "GET",
        f"/v1/projects/{_model.quote_path(project_id)}/service-accounts/{_model.quote_path(service_account_id)}",
        models.ServiceAccount.from_json,
    )


def revoke_service_account(project_id: models.Id, service_account_id: models.Id) -> ApiRequest[None]:
    """Revoke a service account

    `DELETE /v1/projects/{project_id}/service-accounts/{service_account_id}` (revokeServiceAccount)."""
    return ApiRequest(
        "revokeServiceAccount",
        "DELETE",
        f"/v1/projects/{_model.quote_path(project_id)}/service-accounts/{_model.quote_path(service_account_id)}",
        _model.parse_empty,
        response_kind="empty",
    )


def rotate_service_account_secret(project_id: models.Id, service_account_id: models.Id, *, idempotency_key: str | None = None) -> ApiRequest[models.ServiceAccountWithSecret]:
    """Replace a service account's secret

    `POST /v1/projects/{project_id}/service-accounts/{service_account_id}/rotate` (rotateServiceAccountSecret)."""
    return ApiRequest(
        "rotateServiceAccountSecret",
        "POST",
        f"/v1/projects/{_model.quote_path(project_id)}/service-accounts/{_model.quote_path(service_account_id)}/rotate",
        models.ServiceAccountWithSecret.from_json,
        headers={"Idempotency-Key": idempotency_key},
    )


def list_audit_events(*, project_id: models.Id | None = None, actor: str | None = None, action: str | None = None, target: str | None = None, since: str | None = None, until: str | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.AuditEventList]:
    """Audit events, newest first

    `GET /v1/audit` (listAuditEvents)."""
    return ApiRequest(
        "listAuditEvents",
        "GET",
        "/v1/audit",
        models.AuditEventList.from_json,
        query={"project_id": project_id, "actor": actor, "action": action, "target": target, "since": since, "until": until, "limit": limit, "cursor": cursor},
    )


def export_audit_events(*, format: Literal["jsonl", "csv"], project_id: models.Id | None = None, actor: str | None = None, action: str | None = None, target: str | None = None, since: str | None = None, until: str | None = None) -> ApiRequest[str]:
    """Every matching audit event as JSON Lines or CSV, streamed

    `GET /v1/audit/export` (exportAuditEvents)."""
    return ApiRequest(
        "exportAuditEvents",
        "GET",
        "/v1/audit/export",
        _model.parse_text,
        query={"format": format, "project_id": project_id, "actor": actor, "action": action, "target": target, "since": since, "until": until},
        response_kind="text",
    )


def list_gpu_skus(*, region: str | None = None) -> ApiRequest[models.GpuSkuList]:
    """GPU models on offer, with live availability

    `GET /v1/catalog/gpus` (listGpuSkus)."""
    return ApiRequest(
        "listGpuSkus",
        "GET",
        "/v1/catalog/gpus",
        models.GpuSkuList.from_json,
        query={"region": region},
    )


def get_gpu_sku(sku_id: str) -> ApiRequest[models.GpuSku]:
    """One GPU SKU with live availability

    `GET /v1/catalog/gpus/{sku_id}` (getGpuSku)."""
    return ApiRequest(
        "getGpuSku",
        "GET",
        f"/v1/catalog/gpus/{_model.quote_path(sku_id)}",
        models.GpuSku.from_json,
    )


def list_nodes(*, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.NodeList]:
    """GPU nodes (operators)

    `GET /v1/nodes` (listNodes)."""
    return ApiRequest(
        "listNodes",
        "GET",
        "/v1/nodes",
        models.NodeList.from_json,
        query={"limit": limit, "cursor": cursor},
    )


def register_node(body: models.NodeRegistration, *, idempotency_key: str | None = None) -> ApiRequest[models.Node]:
    """Register a node agent (or update its inventory)

    `POST /v1/nodes` (registerNode)."""
    return ApiRequest(
        "registerNode",
        "POST",
        "/v1/nodes",
        models.Node.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_node(node_id: models.Id) -> ApiRequest[models.Node]:
    """One node with its GPUs and the allocations on it

    `GET /v1/nodes/{node_id}` (getNode)."""
    return ApiRequest(
        "getNode",
        "GET",
        f"/v1/nodes/{_model.quote_path(node_id)}",
        models.Node.from_json,
    )


def node_heartbeat(node_id: models.Id, body: models.Heartbeat) -> ApiRequest[models.HeartbeatReply]:
    """Node agent heartbeat — report observed allocations, receive assignments

    `POST /v1/nodes/{node_id}/heartbeat` (nodeHeartbeat)."""
    return ApiRequest(
        "nodeHeartbeat",
        "POST",
        f"/v1/nodes/{_model.quote_path(node_id)}/heartbeat",
        models.HeartbeatReply.from_json,
        body=body,
    )


def cordon_node(node_id: models.Id, *, idempotency_key: str | None = None) -> ApiRequest[models.Node]:
    """Stop placing new allocations on a node

    `POST /v1/nodes/{node_id}/cordon` (cordonNode)."""
    return ApiRequest(
        "cordonNode",
        "POST",
        f"/v1/nodes/{_model.quote_path(node_id)}/cordon",
        models.Node.from_json,
        headers={"Idempotency-Key": idempotency_key},
    )


def uncordon_node(node_id: models.Id, *, idempotency_key: str | None = None) -> ApiRequest[models.Node]:
    """Place allocations on a node again

    `POST /v1/nodes/{node_id}/uncordon` (uncordonNode)."""
    return ApiRequest(
        "uncordonNode",
        "POST",
        f"/v1/nodes/{_model.quote_path(node_id)}/uncordon",
        models.Node.from_json,
        headers={"Idempotency-Key": idempotency_key},
    )


def drain_node(node_id: models.Id, body: models.DrainRequest, *, idempotency_key: str | None = None) -> ApiRequest[models.DrainResult]:
    """Cordon a node and release (or wait for) its allocations

    `POST /v1/nodes/{node_id}/drain` (drainNode)."""
    return ApiRequest(
        "drainNode",
        "POST",
        f"/v1/nodes/{_model.quote_path(node_id)}/drain",
        models.DrainResult.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def list_node_credentials(*, node_name: models.NodeName | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.NodeCredentialList]:
    """Node credentials (never their secrets)

    `GET /v1/node-credentials` (listNodeCredentials)."""
    return ApiRequest(
        "listNodeCredentials",
        "GET",
        "/v1/node-credentials",
        models.NodeCredentialList.from_json,
        query={"node_name": node_name, "limit": limit, "cursor": cursor},
    )


def create_node_credential(body: models.NodeCredentialCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.NodeCredentialWithSecret]:
    """Issue a credential for a node agent

    `POST /v1/node-credentials` (createNodeCredential)."""
    return ApiRequest(
        "createNodeCredential",
        "POST",
        "/v1/node-credentials",
        models.NodeCredentialWithSecret.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def revoke_node_credential(credential_id: models.Id) -> ApiRequest[None]:
    """Revoke a node credential

    `DELETE /v1/node-credentials/{credential_id}` (revokeNodeCredential)."""
    return ApiRequest(
        "revokeNodeCredential",
        "DELETE",
        f"/v1/node-credentials/{_model.quote_path(credential_id)}",
        _model.parse_empty,
        response_kind="empty",
    )


def rotate_node_credential(credential_id: models.Id, *, body: models.NodeCredentialRotate | None = None, idempotency_key: str | None = None) -> ApiRequest[models.NodeCredentialWithSecret]:
    """Issue a successor to a node credential, both valid during an overlap

    `POST /v1/node-credentials/{credential_id}/rotate` (rotateNodeCredential)."""
    return ApiRequest(
        "rotateNodeCredential",
        "POST",
        f"/v1/node-credentials/{_model.quote_path(credential_id)}/rotate",
        models.NodeCredentialWithSecret.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def list_allocations(*, project_id: models.Id | None = None, state: str | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.AllocationList]:
    """Allocations the caller can see, newest first

    `GET /v1/allocations` (listAllocations)."""
    return ApiRequest(
        "listAllocations",
        "GET",
        "/v1/allocations",
        models.AllocationList.from_json,
        query={"project_id": project_id, "state": state, "limit": limit, "cursor": cursor},
    )


def create_allocation(body: models.AllocationCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.Allocation]:
    """Request GPUs

    `POST /v1/allocations` (createAllocation)."""
    return ApiRequest(
        "createAllocation",
        "POST",
        "/v1/allocations",
        models.Allocation.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_allocation(allocation_id: models.Id) -> ApiRequest[models.Allocation]:
    """One allocation with its state history

    `GET /v1/allocations/{allocation_id}` (getAllocation)."""
    return ApiRequest(
        "getAllocation",
        "GET",
        f"/v1/allocations/{_model.quote_path(allocation_id)}",
        models.Allocation.from_json,
    )


def release_allocation(allocation_id: models.Id, *, idempotency_key: str | None = None) -> ApiRequest[models.Allocation]:
    """Release an allocation (idempotent)

    `POST /v1/allocations/{allocation_id}/release` (releaseAllocation)."""
    return ApiRequest(
        "releaseAllocation",
        "POST",
        f"/v1/allocations/{_model.quote_path(allocation_id)}/release",
        models.Allocation.from_json,
        headers={"Idempotency-Key": idempotency_key},
    )


def create_terminal_token(allocation_id: models.Id, *, body: models.TerminalTokenCreate | None = None, idempotency_key: str | None = None) -> ApiRequest[models.TerminalToken]:
    """Mint a single-use terminal token (valid 60 s)

    `POST /v1/allocations/{allocation_id}/terminal-tokens` (createTerminalToken)."""
    return ApiRequest(
        "createTerminalToken",
        "POST",
        f"/v1/allocations/{_model.quote_path(allocation_id)}/terminal-tokens",
        models.TerminalToken.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_app(allocation_id: models.Id) -> ApiRequest[models.AppStatus]:
    """The app running in the allocation, as its runtime reports it

    `GET /v1/allocations/{allocation_id}/app` (getApp)."""
    return ApiRequest(
        "getApp",
        "GET",
        f"/v1/allocations/{_model.quote_path(allocation_id)}/app",
        models.AppStatus.from_json,
    )


def launch_app(allocation_id: models.Id, body: models.AppLaunch, *, idempotency_key: str | None = None) -> ApiRequest[models.AppStatus]:
    """Launch a signed app artifact in a running allocation

    `POST /v1/allocations/{allocation_id}/app` (launchApp)."""
    return ApiRequest(
        "launchApp",
        "POST",
        f"/v1/allocations/{_model.quote_path(allocation_id)}/app",
        models.AppStatus.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def stop_app(allocation_id: models.Id, *, idempotency_key: str | None = None) -> ApiRequest[models.AppStatus]:
    """Stop the app (stop hook, signal, then the whole process group after the grace period)

    `POST /v1/allocations/{allocation_id}/app/stop` (stopApp)."""
    return ApiRequest(
        "stopApp",
        "POST",
        f"/v1/allocations/{_model.quote_path(allocation_id)}/app/stop",
        models.AppStatus.from_json,
        headers={"Idempotency-Key": idempotency_key},
    )


def create_app_ui_session(allocation_id: models.Id, *, body: models.AppUiSessionCreate | None = None, idempotency_key: str | None = None) -> ApiRequest[models.AppUiSession]:
    """A one-time sign-in code for the app's console UI extension on its own origin

    `POST /v1/allocations/{allocation_id}/app/ui-sessions` (createAppUiSession)."""
    return ApiRequest(
        "createAppUiSession",
        "POST",
        f"/v1/allocations/{_model.quote_path(allocation_id)}/app/ui-sessions",
        models.AppUiSession.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_app_logs(allocation_id: models.Id, *, stream: Literal["stdout", "stderr"] | None = None, tail: int | None = None, follow: bool | None = None) -> ApiRequest[str]:
    """The app's stdout or stderr (`follow=true` streams new lines)

    `GET /v1/allocations/{allocation_id}/app/logs` (getAppLogs)."""
    return ApiRequest(
        "getAppLogs",
        "GET",
        f"/v1/allocations/{_model.quote_path(allocation_id)}/app/logs",
        _model.parse_text,
        query={"stream": stream, "tail": tail, "follow": follow},
        response_kind="text",
    )


def get_project_quota(project_id: models.Id) -> ApiRequest[models.Quota]:
    """A project's GPU quota and usage

    `GET /v1/projects/{project_id}/quota` (getProjectQuota)."""
    return ApiRequest(
        "getProjectQuota",
        "GET",
        f"/v1/projects/{_model.quote_path(project_id)}/quota",
        models.Quota.from_json,
    )


def set_project_quota(project_id: models.Id, body: models.QuotaUpdate) -> ApiRequest[models.Quota]:
    """Set a project's GPU quota (operators)

    `PUT /v1/projects/{project_id}/quota` (setProjectQuota)."""
    return ApiRequest(
        "setProjectQuota",
        "PUT",
        f"/v1/projects/{_model.quote_path(project_id)}/quota",
        models.Quota.from_json,
        body=body,
    )


def ingest_usage_events(body: models.UsageEventBatch, *, idempotency_key: str | None = None) -> ApiRequest[models.UsageIngestResult]:
    """Report usage events (runtimes), deduplicated by event id within the allocation

    `POST /v1/usage-events` (ingestUsageEvents)."""
    return ApiRequest(
        "ingestUsageEvents",
        "POST",
        "/v1/usage-events",
        models.UsageIngestResult.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_allocation_usage(allocation_id: models.Id) -> ApiRequest[models.AllocationUsage]:
    """Usage recorded for an allocation, summed per meter

    `GET /v1/allocations/{allocation_id}/usage` (getAllocationUsage)."""
    return ApiRequest(
        "getAllocationUsage",
        "GET",
        f"/v1/allocations/{_model.quote_path(allocation_id)}/usage",
        models.AllocationUsage.from_json,
    )


def get_billing_balance(*, project_id: models.Id) -> ApiRequest[models.BillingBalance]:
    """A project's balance, holds and what it may still spend

    `GET /v1/billing/balance` (getBillingBalance)."""
    return ApiRequest(
        "getBillingBalance",
        "GET",
        "/v1/billing/balance",
        models.BillingBalance.from_json,
        query={"project_id": project_id},
    )


def list_billing_charges(*, project_id: models.Id | None = None, allocation_id: models.Id | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.BillingChargeList]:
    """Charges to a project (or one allocation), oldest first

    `GET /v1/billing/charges` (listBillingCharges)."""
    return ApiRequest(
        "listBillingCharges",
        "GET",
        "/v1/billing/charges",
        models.BillingChargeList.from_json,
        query={"project_id": project_id, "allocation_id": allocation_id, "limit": limit, "cursor": cursor},
    )


def create_billing_topup(body: models.BillingTopupCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.BillingTransfer]:
    """Credit a project's prepaid balance (operators)

    `POST /v1/billing/topups` (createBillingTopup)."""
    return ApiRequest(
        "createBillingTopup",
        "POST",
        "/v1/billing/topups",
        models.BillingTransfer.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def create_billing_refund(body: models.BillingRefundCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.BillingTransfer]:
    """Refund a charge, wholly or in part (operators)

    `POST /v1/billing/refunds` (createBillingRefund)."""
    return ApiRequest(
        "createBillingRefund",
        "POST",
        "/v1/billing/refunds",
        models.BillingTransfer.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def list_billing_refund_requests(*, state: Literal["pending", "approved"] | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.BillingRefundRequestList]:
    """Refund requests, waiting or approved (operators)

    `GET /v1/billing/refund-requests` (listBillingRefundRequests)."""
    return ApiRequest(
        "listBillingRefundRequests",
        "GET",
        "/v1/billing/refund-requests",
        models.BillingRefundRequestList.from_json,
        query={"state": state, "limit": limit, "cursor": cursor},
    )


def create_billing_refund_request(body: models.BillingRefundCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.BillingRefundRequest]:
    """Ask for a refund a second operator must approve (operators)

    `POST /v1/billing/refund-requests` (createBillingRefundRequest)."""
    return ApiRequest(
        "createBillingRefundRequest",
        "POST",
        "/v1/billing/refund-requests",
        models.BillingRefundRequest.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def approve_billing_refund_request(request_id: models.Id, *, idempotency_key: str | None = None) -> ApiRequest[models.BillingTransfer]:
    """Approve another operator's refund request, making the refund (operators)

    `POST /v1/billing/refund-requests/{request_id}/approve` (approveBillingRefundRequest)."""
    return ApiRequest(
        "approveBillingRefundRequest",
        "POST",
        f"/v1/billing/refund-requests/{_model.quote_path(request_id)}/approve",
        models.BillingTransfer.from_json,
        headers={"Idempotency-Key": idempotency_key},
    )


def create_billing_promotion(body: models.BillingPromotionCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.BillingPromotion]:
    """Grant a project promotional credit that expires (operators)

    `POST /v1/billing/promotions` (createBillingPromotion)."""
    return ApiRequest(
        "createBillingPromotion",
        "POST",
        "/v1/billing/promotions",
        models.BillingPromotion.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_billing_statement(project_id: models.Id, period: str, *, account: Literal["project", "publisher"] | None = None, format: Literal["json", "csv"] | None = None) -> ApiRequest[models.BillingStatement]:
    """A project's statement for a month (JSON or CSV)

    `GET /v1/billing/statements/{project_id}/{period}` (getBillingStatement)."""
    return ApiRequest(
        "getBillingStatement",
        "GET",
        f"/v1/billing/statements/{_model.quote_path(project_id)}/{_model.quote_path(period)}",
        models.BillingStatement.from_json,
        query={"account": account, "format": format},
    )


def close_billing_statement(project_id: models.Id, period: str, *, account: Literal["project", "publisher"] | None = None, idempotency_key: str | None = None) -> ApiRequest[models.BillingStatement]:
    """Close a month's statement, making it immutable (operators)

    `POST /v1/billing/statements/{project_id}/{period}/close` (closeBillingStatement)."""
    return ApiRequest(
        "closeBillingStatement",
        "POST",
        f"/v1/billing/statements/{_model.quote_path(project_id)}/{_model.quote_path(period)}/close",
        models.BillingStatement.from_json,
        query={"account": account},
        headers={"Idempotency-Key": idempotency_key},
    )


def get_billing_budget(project_id: models.Id) -> ApiRequest[models.BillingBudget]:
    """A project's monthly budget, this month's spend and the alerts fired

    `GET /v1/billing/budgets/{project_id}` (getBillingBudget)."""
    return ApiRequest(
        "getBillingBudget",
        "GET",
        f"/v1/billing/budgets/{_model.quote_path(project_id)}",
        models.BillingBudget.from_json,
    )


def set_billing_budget(project_id: models.Id, body: models.BillingBudgetSet) -> ApiRequest[models.BillingBudget]:
    """Set a project's monthly budget and alert thresholds (owners, operators)

    `PUT /v1/billing/budgets/{project_id}` (setBillingBudget)."""
    return ApiRequest(
        "setBillingBudget",
        "PUT",
        f"/v1/billing/budgets/{_model.quote_path(project_id)}",
        models.BillingBudget.from_json,
        body=body,
    )


def list_publisher_keys(*, project_id: models.Id, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.PublisherKeyList]:
    """A project's publisher keys, retired ones included

    `GET /v1/apps/keys` (listPublisherKeys)."""
    return ApiRequest(
        "listPublisherKeys",
        "GET",
        "/v1/apps/keys",
        models.PublisherKeyList.from_json,
        query={"project_id": project_id, "limit": limit, "cursor": cursor},
    )


def add_publisher_key(body: models.PublisherKeyCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.PublisherKey]:
    """Register a signing key (or keyless identity) for a project's published apps

    `POST /v1/apps/keys` (addPublisherKey)."""
    return ApiRequest(
        "addPublisherKey",
        "POST",
        "/v1/apps/keys",
        models.PublisherKey.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def retire_publisher_key(key_id: str, *, project_id: models.Id, idempotency_key: str | None = None) -> ApiRequest[models.PublisherKey]:
    """Retire a publisher key (rotation)

    `POST /v1/apps/keys/{key_id}/retire` (retirePublisherKey)."""
    return ApiRequest(
        "retirePublisherKey",
        "POST",
        f"/v1/apps/keys/{_model.quote_path(key_id)}/retire",
        models.PublisherKey.from_json,
        query={"project_id": project_id},
        headers={"Idempotency-Key": idempotency_key},
    )


def list_app_versions(*, project_id: models.Id | None = None, state: models.AppVersionState | None = None, repository: str | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.AppVersionList]:
    """Registered app versions, newest first

    `GET /v1/apps/versions` (listAppVersions)."""
    return ApiRequest(
        "listAppVersions",
        "GET",
        "/v1/apps/versions",
        models.AppVersionList.from_json,
        query={"project_id": project_id, "state": state, "repository": repository, "limit": limit, "cursor": cursor},
    )


def register_app_version(body: models.AppVersionRegister, *, idempotency_key: str | None = None) -> ApiRequest[models.AppVersion]:
    """Register an app artifact version for review

    `POST /v1/apps/versions` (registerAppVersion)."""
    return ApiRequest(
        "registerAppVersion",
        "POST",
        "/v1/apps/versions",
        models.AppVersion.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_app_version(version_id: models.Id) -> ApiRequest[models.AppVersionDetail]:
    """One app version with its manifest and the diff against the previous approved one

    `GET /v1/apps/versions/{version_id}` (getAppVersion)."""
    return ApiRequest(
        "getAppVersion",
        "GET",
        f"/v1/apps/versions/{_model.quote_path(version_id)}",
        models.AppVersionDetail.from_json,
    )


def approve_app_version(version_id: models.Id, body: models.AppVersionApprove, *, idempotency_key: str | None = None) -> ApiRequest[models.AppVersion]:
    """Approve a verified version for a scope (operators)

    `POST /v1/apps/versions/{version_id}/approve` (approveAppVersion)."""
    return ApiRequest(
        "approveAppVersion",
        "POST",
        f"/v1/apps/versions/{_model.quote_path(version_id)}/approve",
        models.AppVersion.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def reject_app_version(version_id: models.Id, body: models.AppVersionReason, *, idempotency_key: str | None = None) -> ApiRequest[models.AppVersion]:
    """Reject a submitted or verified version, with a reason (operators)

    `POST /v1/apps/versions/{version_id}/reject` (rejectAppVersion)."""
    return ApiRequest(
        "rejectAppVersion",
        "POST",
        f"/v1/apps/versions/{_model.quote_path(version_id)}/reject",
        models.AppVersion.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def publish_app_version(version_id: models.Id, *, body: models.AppVersionPublish | None = None, idempotency_key: str | None = None) -> ApiRequest[models.AppVersion]:
    """Publish an approved version (operators)

    `POST /v1/apps/versions/{version_id}/publish` (publishAppVersion)."""
    return ApiRequest(
        "publishAppVersion",
        "POST",
        f"/v1/apps/versions/{_model.quote_path(version_id)}/publish",
        models.AppVersion.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def deprecate_app_version(version_id: models.Id, *, body: models.AppVersionDeprecate | None = None, idempotency_key: str | None = None) -> ApiRequest[models.AppVersion]:
    """Deprecate a published version (operators)

    `POST /v1/apps/versions/{version_id}/deprecate` (deprecateAppVersion)."""
    return ApiRequest(
        "deprecateAppVersion",
        "POST",
        f"/v1/apps/versions/{_model.quote_path(version_id)}/deprecate",
        models.AppVersion.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def revoke_app_version(version_id: models.Id, body: models.AppVersionRevoke, *, idempotency_key: str | None = None) -> ApiRequest[models.AppVersion]:
    """Revoke an approved, published or deprecated version (operators)

    `POST /v1/apps/versions/{version_id}/revoke` (revokeAppVersion)."""
    return ApiRequest(
        "revokeAppVersion",
        "POST",
        f"/v1/apps/versions/{_model.quote_path(version_id)}/revoke",
        models.AppVersion.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_app_trust() -> ApiRequest[models.AppTrust]:
    """The platform's approval public key, to verify approvals outside the platform

    `GET /v1/apps/trust` (getAppTrust)."""
    return ApiRequest(
        "getAppTrust",
        "GET",
        "/v1/apps/trust",
        models.AppTrust.from_json,
    )


def list_apps(*, project_id: models.Id, q: str | None = None, category: str | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.CatalogAppList]:
    """The app catalog a project sees, by name

    `GET /v1/apps` (listApps)."""
    return ApiRequest(
        "listApps",
        "GET",
        "/v1/apps",
        models.CatalogAppList.from_json,
        query={"project_id": project_id, "q": q, "category": category, "limit": limit, "cursor": cursor},
    )


def list_app_entitlements(*, project_id: models.Id | None = None, app: str | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.AppEntitlementList]:
    """Grants not revoked, newest first

    `GET /v1/apps/entitlements` (listAppEntitlements)."""
    return ApiRequest(
        "listAppEntitlements",
        "GET",
        "/v1/apps/entitlements",
        models.AppEntitlementList.from_json,
        query={"project_id": project_id, "app": app, "limit": limit, "cursor": cursor},
    )


def grant_app_entitlement(body: models.AppEntitlementGrant, *, idempotency_key: str | None = None) -> ApiRequest[models.AppEntitlement]:
    """Grant a project the right to launch an app

    `POST /v1/apps/entitlements` (grantAppEntitlement)."""
    return ApiRequest(
        "grantAppEntitlement",
        "POST",
        "/v1/apps/entitlements",
        models.AppEntitlement.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def revoke_app_entitlement(entitlement_id: models.Id) -> ApiRequest[models.AppEntitlement]:
    """Revoke a grant

    `DELETE /v1/apps/entitlements/{entitlement_id}` (revokeAppEntitlement)."""
    return ApiRequest(
        "revokeAppEntitlement",
        "DELETE",
        f"/v1/apps/entitlements/{_model.quote_path(entitlement_id)}",
        models.AppEntitlement.from_json,
    )


def list_app_instances(*, project_id: models.Id, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.AppInstanceList]:
    """The project's catalog app instances, newest first

    `GET /v1/apps/instances` (listAppInstances)."""
    return ApiRequest(
        "listAppInstances",
        "GET",
        "/v1/apps/instances",
        models.AppInstanceList.from_json,
        query={"project_id": project_id, "limit": limit, "cursor": cursor},
    )


def launch_app_instance(body: models.AppInstanceCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.AppInstance]:
    """Launch a catalog app into an allocation of the project

    `POST /v1/apps/instances` (launchAppInstance)."""
    return ApiRequest(
        "launchAppInstance",
        "POST",
        "/v1/apps/instances",
        models.AppInstance.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_app_instance(instance_id: models.Id) -> ApiRequest[models.AppInstance]:
    """One app instance, its state from the runtime

    `GET /v1/apps/instances/{instance_id}` (getAppInstance)."""
    return ApiRequest(
        "getAppInstance",
        "GET",
        f"/v1/apps/instances/{_model.quote_path(instance_id)}",
        models.AppInstance.from_json,
    )


def update_app_instance(instance_id: models.Id, body: models.AppInstanceUpdate) -> ApiRequest[models.AppInstance]:
    """Choose the channel an instance follows and how it upgrades

    `PATCH /v1/apps/instances/{instance_id}` (updateAppInstance)."""
    return ApiRequest(
        "updateAppInstance",
        "PATCH",
        f"/v1/apps/instances/{_model.quote_path(instance_id)}",
        models.AppInstance.from_json,
        body=body,
    )


def uninstall_app_instance(instance_id: models.Id) -> ApiRequest[None]:
    """Uninstall an app instance

    `DELETE /v1/apps/instances/{instance_id}` (uninstallAppInstance)."""
    return ApiRequest(
        "uninstallAppInstance",
        "DELETE",
        f"/v1/apps/instances/{_model.quote_path(instance_id)}",
        _model.parse_empty,
        response_kind="empty",
    )


def stop_app_instance(instance_id: models.Id, *, idempotency_key: str | None = None) -> ApiRequest[models.AppInstance]:
    """Stop an app instance

    `POST /v1/apps/instances/{instance_id}/stop` (stopAppInstance)."""
    return ApiRequest(
        "stopAppInstance",
        "POST",
        f"/v1/apps/instances/{_model.quote_path(instance_id)}/stop",
        models.AppInstance.from_json,
        headers={"Idempotency-Key": idempotency_key},
    )


def upgrade_app_instance(instance_id: models.Id, body: models.AppInstanceUpgrade, *, idempotency_key: str | None = None) -> ApiRequest[models.AppInstance]:
    """Upgrade an app instance to another version

    `POST /v1/apps/instances/{instance_id}/upgrade` (upgradeAppInstance)."""
    return ApiRequest(
        "upgradeAppInstance",
        "POST",
        f"/v1/apps/instances/{_model.quote_path(instance_id)}/upgrade",
        models.AppInstance.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_catalog_app(app: str, *, project_id: models.Id) -> ApiRequest[models.CatalogApp]:
    """One app of a project's catalog

    `GET /v1/apps/{app}` (getCatalogApp)."""
    return ApiRequest(
        "getCatalogApp",
        "GET",
        f"/v1/apps/{_model.quote_path(app)}",
        models.CatalogApp.from_json,
        query={"project_id": project_id},
    )


def list_billing_budgets() -> ApiRequest[models.BillingBudgetList]:
    """Every project's monthly budget with this month's spend (operators)

    `GET /v1/billing/budgets` (listBillingBudgets)."""
    return ApiRequest(
        "listBillingBudgets",
        "GET",
        "/v1/billing/budgets",
        models.BillingBudgetList.from_json,
    )


def get_billing_earnings(*, project_id: models.Id, period: str | None = None) -> ApiRequest[models.BillingEarnings]:
    """A publisher project's earnings and statement for a month

    `GET /v1/billing/earnings` (getBillingEarnings)."""
    return ApiRequest(
        "getBillingEarnings",
        "GET",
        "/v1/billing/earnings",
        models.BillingEarnings.from_json,
        query={"project_id": project_id, "period": period},
    )


def list_storage_volumes(*, project_id: models.Id, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.StorageVolumeList]:
    """A project's volumes, oldest first

    `GET /v1/storage/volumes` (listStorageVolumes)."""
    return ApiRequest(
        "listStorageVolumes",
        "GET",
        "/v1/storage/volumes",
        models.StorageVolumeList.from_json,
        query={"project_id": project_id, "limit": limit, "cursor": cursor},
    )


def create_storage_volume(body: models.StorageVolumeCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.StorageVolume]:
    """Create a persistent volume

    `POST /v1/storage/volumes` (createStorageVolume)."""
    return ApiRequest(
        "createStorageVolume",
        "POST",
        "/v1/storage/volumes",
        models.StorageVolume.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_storage_volume(volume_id: models.Id) -> ApiRequest[models.StorageVolume]:
    """One volume with its attachments

    `GET /v1/storage/volumes/{volume_id}` (getStorageVolume)."""
    return ApiRequest(
        "getStorageVolume",
        "GET",
        f"/v1/storage/volumes/{_model.quote_path(volume_id)}",
        models.StorageVolume.from_json,
    )


def resize_storage_volume(volume_id: models.Id, body: models.StorageVolumeResize) -> ApiRequest[models.StorageVolume]:
    """Grow a volume (online)

    `PATCH /v1/storage/volumes/{volume_id}` (resizeStorageVolume)."""
    return ApiRequest(
        "resizeStorageVolume",
        "PATCH",
        f"/v1/storage/volumes/{_model.quote_path(volume_id)}",
        models.StorageVolume.from_json,
        body=body,
    )


def delete_storage_volume(volume_id: models.Id) -> ApiRequest[None]:
    """Delete a volume and its data

    `DELETE /v1/storage/volumes/{volume_id}` (deleteStorageVolume)."""
    return ApiRequest(
        "deleteStorageVolume",
        "DELETE",
        f"/v1/storage/volumes/{_model.quote_path(volume_id)}",
        _model.parse_empty,
        response_kind="empty",
    )


def get_storage_volume_placement(volume_id: models.Id) -> ApiRequest[models.StorageVolumePlacement]:
    """GPU models with free capacity where the volume lives

    `GET /v1/storage/volumes/{volume_id}/placement` (getStorageVolumePlacement)."""
    return ApiRequest(
        "getStorageVolumePlacement",
        "GET",
        f"/v1/storage/volumes/{_model.quote_path(volume_id)}/placement",
        models.StorageVolumePlacement.from_json,
    )


def list_storage_snapshots(*, project_id: models.Id, volume_id: models.Id | None = None, limit: int | None = None, cursor: str | None = None) -> ApiRequest[models.StorageSnapshotList]:
    """A project's snapshots, oldest first

    `GET /v1/storage/snapshots` (listStorageSnapshots)."""
    return ApiRequest(
        "listStorageSnapshots",
        "GET",
        "/v1/storage/snapshots",
        models.StorageSnapshotList.from_json,
        query={"project_id": project_id, "volume_id": volume_id, "limit": limit, "cursor": cursor},
    )


def create_storage_snapshot(body: models.StorageSnapshotCreate, *, idempotency_key: str | None = None) -> ApiRequest[models.StorageSnapshot]:
    """Snapshot a volume

    `POST /v1/storage/snapshots` (createStorageSnapshot)."""
    return ApiRequest(
        "createStorageSnapshot",
        "POST",
        "/v1/storage/snapshots",
        models.StorageSnapshot.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


def get_storage_snapshot(snapshot_id: models.Id) -> ApiRequest[models.StorageSnapshot]:
    """One snapshot

    `GET /v1/storage/snapshots/{snapshot_id}` (getStorageSnapshot)."""
    return ApiRequest(
        "getStorageSnapshot",
        "GET",
        f"/v1/storage/snapshots/{_model.quote_path(snapshot_id)}",
        models.StorageSnapshot.from_json,
    )


def delete_storage_snapshot(snapshot_id: models.Id) -> ApiRequest[None]:
    """Delete a snapshot

    `DELETE /v1/storage/snapshots/{snapshot_id}` (deleteStorageSnapshot)."""
    return ApiRequest(
        "deleteStorageSnapshot",
        "DELETE",
        f"/v1/storage/snapshots/{_model.quote_path(snapshot_id)}",
        _model.parse_empty,
        response_kind="empty",
    )


def restore_storage_snapshot(snapshot_id: models.Id, body: models.StorageSnapshotRestore, *, idempotency_key: str | None = None) -> ApiRequest[models.StorageVolume]:
    """Restore a snapshot into a new volume

    `POST /v1/storage/snapshots/{snapshot_id}/restore` (restoreStorageSnapshot)."""
    return ApiRequest(
        "restoreStorageSnapshot",
        "POST",
        f"/v1/storage/snapshots/{_model.quote_path(snapshot_id)}/restore",
        models.StorageVolume.from_json,
        headers={"Idempotency-Key": idempotency_key},
        body=body,
    )


#: Every operation of the document: id -> (method, path template).
OPERATIONS: dict[str, tuple[str, str]] = {
    "getHealth": ("GET", "/healthz"),
    "getReadiness": ("GET", "/readyz"),
    "getMetrics": ("GET", "/metrics"),
    "getJwks": ("GET", "/.well-known/jwks.json"),
    "getOpenApiDocument": ("GET", "/v1/openapi.json"),
    "getCurrentUser": ("GET", "/v1/users/me"),
    "listOperators": ("GET", "/v1/operators"),
    "grantOperator": ("PUT", "/v1/operators/{user}"),
    "revokeOperator": ("DELETE", "/v1/operators/{user}"),
    "listOrganizations": ("GET", "/v1/organizations"),
    "createOrganization": ("POST", "/v1/organizations"),
    "getOrganization": ("GET", "/v1/organizations/{organization_id}"),
    "listProjects": ("GET", "/v1/projects"),
    "createProject": ("POST", "/v1/projects"),
    "getProject": ("GET", "/v1/projects/{project_id}"),
    "updateProject": ("PATCH", "/v1/projects/{project_id}"),
    "listMembers": ("GET", "/v1/projects/{project_id}/members"),
    "addMember": ("POST", "/v1/projects/{project_id}/members"),
    "updateMember": ("PATCH", "/v1/projects/{project_id}/members/{user_id}"),
    "removeMember": ("DELETE", "/v1/projects/{project_id}/members/{user_id}"),
    "listServiceAccounts": ("GET", "/v1/projects/{project_id}/service-accounts"),
    "createServiceAccount": ("POST", "/v1/projects/{project_id}/service-accounts"),
    "getServiceAccount": ("GET", "/v1/projects/{project_id}/service-accounts/{service_account_id}"),
    "revokeServiceAccount": ("DELETE", "/v1/projects/{project_id}/service-accounts/{service_account_id}"),
    "rotateServiceAccountSecret": ("POST", "/v1/projects/{project_id}/service-accounts/{service_account_id}/rotate"),
    "listAuditEvents": ("GET", "/v1/audit"),
    "exportAuditEvents": ("GET", "/v1/audit/export"),
    "listGpuSkus": ("GET", "/v1/catalog/gpus"),
    "getGpuSku": ("GET", "/v1/catalog/gpus/{sku_id}"),
    "listNodes": ("GET", "/v1/nodes"),
    "registerNode": ("POST", "/v1/nodes"),
    "getNode": ("GET", "/v1/nodes/{node_id}"),
    "nodeHeartbeat": ("POST", "/v1/nodes/{node_id}/heartbeat"),
    "cordonNode": ("POST", "/v1/nodes/{node_id}/cordon"),
    "uncordonNode": ("POST", "/v1/nodes/{node_id}/uncordon"),
    "drainNode": ("POST", "/v1/nodes/{node_id}/drain"),
    "listNodeCredentials": ("GET", "/v1/node-credentials"),
    "createNodeCredential": ("POST", "/v1/node-credentials"),
    "revokeNodeCredential": ("DELETE", "/v1/node-credentials/{credential_id}"),
    "rotateNodeCredential": ("POST", "/v1/node-credentials/{credential_id}/rotate"),
    "listAllocations": ("GET", "/v1/allocations"),
    "createAllocation": ("POST", "/v1/allocations"),
    "getAllocation": ("GET", "/v1/allocations/{allocation_id}"),
    "releaseAllocation": ("POST", "/v1/allocations/{allocation_id}/release"),
    "createTerminalToken": ("POST", "/v1/allocations/{allocation_id}/terminal-tokens"),
    "openTerminal": ("GET", "/v1/allocations/{allocation_id}/terminal"),
    "getApp": ("GET", "/v1/allocations/{allocation_id}/app"),
    "launchApp": ("POST", "/v1/allocations/{allocation_id}/app"),
    "callAppEndpoint": ("GET", "/v1/allocations/{allocation_id}/app/endpoints/{endpoint}"),
    "stopApp": ("POST", "/v1/allocations/{allocation_id}/app/stop"),
    "createAppUiSession": ("POST", "/v1/allocations/{allocation_id}/app/ui-sessions"),
    "getAppLogs": ("GET", "/v1/allocations/{allocation_id}/app/logs"),
    "getProjectQuota": ("GET", "/v1/projects/{project_id}/quota"),
    "setProjectQuota": ("PUT", "/v1/projects/{project_id}/quota"),
    "ingestUsageEvents": ("POST", "/v1/usage-events"),
    "getAllocationUsage": ("GET", "/v1/allocations/{allocation_id}/usage"),
    "getBillingBalance": ("GET", "/v1/billing/balance"),
    "listBillingCharges": ("GET", "/v1/billing/charges"),
    "createBillingTopup": ("POST", "/v1/billing/topups"),
    "createBillingRefund": ("POST", "/v1/billing/refunds"),
    "listBillingRefundRequests": ("GET", "/v1/billing/refund-requests"),
    "createBillingRefundRequest": ("POST", "/v1/billing/refund-requests"),
    "approveBillingRefundRequest": ("POST", "/v1/billing/refund-requests/{request_id}/approve"),
    "createBillingPromotion": ("POST", "/v1/billing/promotions"),
    "getBillingStatement": ("GET", "/v1/billing/statements/{project_id}/{period}"),
    "closeBillingStatement": ("POST", "/v1/billing/statements/{project_id}/{period}/close"),
    "getBillingBudget": ("GET", "/v1/billing/budgets/{project_id}"),
    "setBillingBudget": ("PUT", "/v1/billing/budgets/{project_id}"),
    "listPublisherKeys": ("GET", "/v1/apps/keys"),
    "addPublisherKey": ("POST", "/v1/apps/keys"),
    "retirePublisherKey": ("POST", "/v1/apps/keys/{key_id}/retire"),
    "listAppVersions": ("GET", "/v1/apps/versions"),
    "registerAppVersion": ("POST", "/v1/apps/versions"),
    "getAppVersion": ("GET", "/v1/apps/versions/{version_id}"),
    "approveAppVersion": ("POST", "/v1/apps/versions/{version_id}/approve"),
    "rejectAppVersion": ("POST", "/v1/apps/versions/{version_id}/reject"),
    "publishAppVersion": ("POST", "/v1/apps/versions/{version_id}/publish"),
    "deprecateAppVersion": ("POST", "/v1/apps/versions/{version_id}/deprecate"),
    "revokeAppVersion": ("POST", "/v1/apps/versions/{version_id}/revoke"),
    "getAppTrust": ("GET", "/v1/apps/trust"),
    "listApps": ("GET", "/v1/apps"),
    "listAppEntitlements": ("GET", "/v1/apps/entitlements"),
    "grantAppEntitlement": ("POST", "/v1/apps/entitlements"),
    "revokeAppEntitlement": ("DELETE", "/v1/apps/entitlements/{entitlement_id}"),
    "listAppInstances": ("GET", "/v1/apps/instances"),
    "launchAppInstance": ("POST", "/v1/apps/instances"),
    "getAppInstance": ("GET", "/v1/apps/instances/{instance_id}"),
    "updateAppInstance": ("PATCH", "/v1/apps/instances/{instance_id}"),
    "uninstallAppInstance": ("DELETE", "/v1/apps/instances/{instance_id}"),
    "stopAppInstance": ("POST", "/v1/apps/instances/{instance_id}/stop"),
    "upgradeAppInstance": ("POST", "/v1/apps/instances/{instance_id}/upgrade"),
    "getCatalogApp": ("GET", "/v1/apps/{app}"),
    "listBillingBudgets": ("GET", "/v1/billing/budgets"),
    "getBillingEarnings": ("GET", "/v1/billing/earnings"),
    "listStorageVolumes": ("GET", "/v1/storage/volumes"),
    "createStorageVolume": ("POST", "/v1/storage/volumes"),
    "getStorageVolume": ("GET", "/v1/storage/volumes/{volume_id}"),
    "resizeStorageVolume": ("PATCH", "/v1/storage/volumes/{volume_id}"),
    "deleteStorageVolume": ("DELETE", "/v1/storage/volumes/{volume_id}"),
    "getStorageVolumePlacement": ("GET", "/v1/storage/volumes/{volume_id}/placement"),
    "listStorageSnapshots": ("GET", "/v1/storage/snapshots"),
    "createStorageSnapshot": ("POST", "/v1/storage/snapshots"),
    "getStorageSnapshot": ("GET", "/v1/storage/snapshots/{snapshot_id}"),
    "deleteStorageSnapshot": ("DELETE", "/v1/storage/snapshots/{snapshot_id}"),
    "restoreStorageSnapshot": ("POST", "/v1/storage/snapshots/{snapshot_id}/restore"),
    "streamEvents": ("GET", "/v1/events"),
}

#: Operations answered by a WebSocket upgrade or an event stream: id -> kind.
STREAMING_OPERATIONS: dict[str, str] = {
    "openTerminal": "websocket",
    "callAppEndpoint": "websocket",
    "streamEvents": "text/event-stream",
}
