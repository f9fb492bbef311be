/* eslint-disable */
// Generated from platform/contract/openapi.yaml by `npm run codegen` (platform/contract/scripts/codegen.ts). Do not edit.

/** Every scope an operation may require, in the order openapi.yaml lists them. */
export const SCOPES = [
  "projects:read",
  "projects:write",
  "members:read",
  "members:write",
  "audit:read",
  "catalog:read",
  "allocations:read",
  "allocations:write",
  "terminal:open",
  "events:read",
  "nodes:read",
  "nodes:write",
  "nodes:agent",
  "usage:write",
  "users:read",
  "operators:read",
  "operators:write",
  "billing:read",
  "billing:admin",
  "registry:pull",
  "registry:push",
  "apps:read",
  "apps:write",
  "apps:review",
  "storage:read",
  "storage:write"
] as const;

export type Scope = (typeof SCOPES)[number];

/** What each scope allows (openapi.yaml). */
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  "projects:read": "Read organisations and projects.",
  "projects:write": "Create organisations and projects, change projects.",
  "members:read": "List the members and service accounts of a project.",
  "members:write": "Change members and service accounts (people only for the latter).",
  "audit:read": "Read and export a project's audit events.",
  "catalog:read": "Read the GPU catalog and its live availability.",
  "allocations:read": "Read allocations, their apps, logs, usage and quotas.",
  "allocations:write": "Create and release allocations, launch and stop apps, reach their endpoints.",
  "terminal:open": "Mint terminal tokens for an allocation.",
  "events:read": "Follow the event stream.",
  "nodes:read": "Read nodes (operators).",
  "nodes:write": "Cordon, uncordon and drain nodes, set quotas (operators).",
  "nodes:agent": "Register a node and send its heartbeats (node agents).",
  "usage:write": "Report an allocation's usage (its runtime only).",
  "users:read": "Read the signed-in user.",
  "operators:read": "List the platform's operators (operators).",
  "operators:write": "Grant and revoke the operator flag (operators).",
  "billing:read": "Read a project's balance and charges.",
  "billing:admin": "Top up balances, refund charges, grant promotional credit (operators).",
  "registry:pull": "Pull from the project's namespace of the embedded OCI registry (/v2/).",
  "registry:push": "Push to and delete from the project's namespace of the embedded OCI registry.",
  "apps:read": "Read a project's publisher keys and app versions, and the platform's approval key.",
  "apps:write": "Register publisher keys and app versions of a project, retire keys.",
  "apps:review": "Approve, reject, publish, deprecate and revoke app versions (operators).",
  "storage:read": "Read a project's volumes, snapshots and their placement.",
  "storage:write": "Create, resize and delete volumes and snapshots, restore snapshots."
};
