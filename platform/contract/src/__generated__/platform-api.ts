/* eslint-disable */
// Generated from platform/contract/openapi.yaml by `npm run codegen` (platform/contract/scripts/codegen.ts). Do not edit.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness probe
         * @description Answers 200 while the process runs; it does not touch the database.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness probe
         * @description Answers 200 when the database answers and the server is not shutting down, 503 otherwise.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description HTTP request counts and durations per route template (and Node.js process metrics when
         *     enabled), in the Prometheus text format. Public, like the probes: protect it at the network
         *     edge. Query parameters are ignored.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Public keys that verify the platform's tokens
         * @description Every ES256 public key that verifies the platform's access tokens, for resource servers
         *     that check tokens themselves. Query parameters are ignored.
         */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document, as JSON
         * @description This OpenAPI 3.1 document, as JSON: the contract the server validates requests against.
         *     Query parameters are ignored.
         */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The authenticated user
         * @description The user the bearer token belongs to, with the operator flag as the database holds it now.
         */
        get: operations["getCurrentUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The platform's operators (operators only)
         * @description Users whose operator flag is set, by id. The flag lives in the database and is read on every
         *     request, so a change applies before the affected tokens expire (docs/auth.md).
         */
        get: operations["listOperators"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operators/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's id, or their email address. */
                user: string;
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Make a user an operator (operators only)
         * @description Idempotent. An email address that no user has yet creates the user (as adding a member
         *     does), so an operator can be named before their first sign-in.
         */
        put: operations["grantOperator"];
        post?: never;
        /**
         * Remove a user's operator flag (operators only)
         * @description Takes effect at once on this instance (within 5 s on others): the user's tokens, still
         *     valid, stop carrying operator rights and their open event streams are closed. The last
         *     operator cannot be removed (409 LAST_OPERATOR); 404 when the user is not an operator.
         */
        delete: operations["revokeOperator"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Organisations the caller can see
         * @description Operators see every organisation; users those they created or hold a project role in.
         */
        get: operations["listOrganizations"];
        put?: never;
        /**
         * Create an organisation
         * @description Any signed-in user may create one; it groups projects. Send an Idempotency-Key: a retry
         *     returns the same organisation.
         */
        post: operations["createOrganization"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/organizations/{organization_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                organization_id: components["parameters"]["OrganizationId"];
            };
            cookie?: never;
        };
        /**
         * One organisation
         * @description Visible to operators, its creator and anyone with a role in one of its projects; 404
         *     otherwise.
         */
        get: operations["getOrganization"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Projects the caller can see
         * @description Operators see every project; users those they hold a role in; a service account its own.
         */
        get: operations["listProjects"];
        put?: never;
        /**
         * Create a project
         * @description The caller becomes its owner. Without `organization_id` the project goes into the caller's
         *     personal organisation, created on first use.
         */
        post: operations["createProject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        /**
         * One project
         * @description Visible to its members (any role), its service accounts and operators; 404 otherwise. The
         *     ETag is the version to send back in `If-Match`.
         */
        get: operations["getProject"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a project's name or description
         * @description Owners only. Needs `If-Match` with the ETag of the last read (412 when stale, 428 when missing).
         */
        patch: operations["updateProject"];
        trace?: never;
    };
    "/v1/projects/{project_id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        /**
         * Members of a project and their roles
         * @description Any member of the project (viewer and up) may list them.
         */
        get: operations["listMembers"];
        put?: never;
        /**
         * Give a user a role in the project
         * @description Owners only. The user is created by email when the platform does not know it yet.
         */
        post: operations["addMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
                user_id: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a member from the project
         * @description Owners only. The last owner cannot be removed (409 LAST_OWNER).
         */
        delete: operations["removeMember"];
        options?: never;
        head?: never;
        /**
         * Change a member's role
         * @description Owners only; needs `If-Match`. The last owner cannot be demoted (409 LAST_OWNER).
         */
        patch: operations["updateMember"];
        trace?: never;
    };
    "/v1/projects/{project_id}/service-accounts": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        /**
         * Service accounts of a project (never their secrets)
         * @description Project owners (and operators) only; service accounts cannot manage service accounts.
         */
        get: operations["listServiceAccounts"];
        put?: never;
        /**
         * Create a service account (OAuth client for the client_credentials grant)
         * @description Owners only. The response carries `client_secret`, shown this once (a replay with the same
         *     Idempotency-Key returns the same response). The account gets tokens at the OIDC token
         *     endpoint with `grant_type=client_credentials` and acts only in this project, within `scopes`.
         */
        post: operations["createServiceAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/service-accounts/{service_account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
                service_account_id: components["parameters"]["ServiceAccountId"];
            };
            cookie?: never;
        };
        /**
         * One service account (never its secret)
         * @description Project owners (and operators) only. The secret is never shown again after creation or
         *     rotation.
         */
        get: operations["getServiceAccount"];
        put?: never;
        post?: never;
        /**
         * Revoke a service account
         * @description Owners only. Its secret stops working at once and tokens it already holds are refused on
         *     their next request. The record stays (with `revoked_at`) for the audit trail.
         */
        delete: operations["revokeServiceAccount"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/service-accounts/{service_account_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
                service_account_id: components["parameters"]["ServiceAccountId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace a service account's secret
         * @description Owners only. Returns the new `client_secret`, shown once. The old secret stops working at
         *     once, and tokens issued before the rotation are refused. A retry with the same
         *     Idempotency-Key returns the same new secret instead of rotating again.
         */
        post: operations["rotateServiceAccountSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit events, newest first
         * @description Operators may read every event; a project owner (or a service account with `audit:read`)
         *     reads the events of one project and must give `project_id`.
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every matching audit event as JSON Lines or CSV, streamed
         * @description The same filters and access rules as `listAuditEvents`, without pagination: every matching
         *     event, newest first, streamed as it is read.
         */
        get: operations["exportAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/catalog/gpus": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * GPU models on offer, with live availability
         * @description `available` is the number of GPUs of the model that could be allocated right now: free GPUs
         *     on reachable, schedulable nodes. `max_per_allocation` is the largest single allocation
         *     that would be placed at once (the most free GPUs of the model on one node).
         */
        get: operations["listGpuSkus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/catalog/gpus/{sku_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku_id: components["parameters"]["SkuId"];
            };
            cookie?: never;
        };
        /**
         * One GPU SKU with live availability
         * @description The SKU with the same live figures as the catalog list (`total`, `available`,
         *     `max_per_allocation`).
         */
        get: operations["getGpuSku"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * GPU nodes (operators)
         * @description Operators only: every registered node with its status, inventory and the allocations
         *     holding its GPUs.
         */
        get: operations["listNodes"];
        put?: never;
        /**
         * Register a node agent (or update its inventory)
         * @description Called by a node agent with an operator token limited to `nodes:agent`. Registering an
         *     existing name updates its inventory and keeps its id; GPUs that disappeared stop being
         *     offered (an allocation holding one is marked, not dropped).
         */
        post: operations["registerNode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/nodes/{node_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        /**
         * One node with its GPUs and the allocations on it
         * @description Operators only. `gpus[].allocation_id` says which allocation holds each GPU.
         */
        get: operations["getNode"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/nodes/{node_id}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Node agent heartbeat — report observed allocations, receive assignments
         * @description The agent reports what it observes; the answer says what the platform wants: every
         *     allocation that should run on the node (`desired_state: running`) or be torn down
         *     (`released`). A node that misses heartbeats for `nodeUnreachableSeconds` becomes
         *     `unreachable` and its allocations are marked. Only refused heartbeats are audited.
         *     A heartbeat is safe to retry as it is (it reports what the node observes and is answered
         *     with what the platform wants now), so it takes no idempotency key: a stored answer would
         *     be stale by the next beat, and one stored per beat would be a row a second per node.
         */
        post: operations["nodeHeartbeat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/nodes/{node_id}/cordon": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop placing new allocations on a node
         * @description Operators only. Allocations already on the node keep running; `uncordon` places on it
         *     again.
         */
        post: operations["cordonNode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/nodes/{node_id}/uncordon": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Place allocations on a node again
         * @description Operators only. Undoes a cordon (or the cordon part of a drain); queued requests may be
         *     placed at once.
         */
        post: operations["uncordonNode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/nodes/{node_id}/drain": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cordon a node and release (or wait for) its allocations
         * @description `mode: release` releases every allocation on the node now (reason `node_drained`);
         *     `mode: wait` only cordons and reports what still runs, so the operator can wait for it.
         *     Each released allocation is audited and published like any other release.
         */
        post: operations["drainNode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Allocations the caller can see, newest first
         * @description Members see their projects' allocations; operators see all.
         */
        get: operations["listAllocations"];
        put?: never;
        /**
         * Request GPUs
         * @description Members of the project only. The allocation starts `queued`; the scheduler places it
         *     all-or-nothing (`scheduled`), the node agent builds its sandbox (`provisioning`) and starts
         *     its runtime (`running`). While it waits, `pending_reason` says why. Send an
         *     Idempotency-Key: a retry returns the same allocation instead of a second one. A request
         *     no registered node could ever hold (cordoned and unreachable nodes count: they may come
         *     back) is refused with 422 `ALLOCATION_UNSATISFIABLE`, naming the largest request possible
         *     and the models on offer; with no node registered yet, every request queues.
         */
        post: operations["createAllocation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations/{allocation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        /**
         * One allocation with its state history
         * @description Viewers of its project and operators; 404 for anyone else. `transitions` lists every state
         *     change with its reason and actor.
         */
        get: operations["getAllocation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations/{allocation_id}/release": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Release an allocation (idempotent)
         * @description Moves the allocation to `releasing`; the node agent stops its sandbox and the GPUs are
         *     freed when it confirms (`released`). Releasing a finished allocation returns it unchanged.
         */
        post: operations["releaseAllocation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations/{allocation_id}/terminal-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mint a single-use terminal token (valid 60 s)
         * @description Bound to the caller and the allocation, usable once, within 60 seconds. With `command`,
         *     the session runs that argv instead of a login shell (what `gpuaas exec` uses); the command
         *     is bound to the token and audited.
         */
        post: operations["createTerminalToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations/{allocation_id}/terminal": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        /**
         * The terminal WebSocket (protocol `gpuaas.terminal.v1`)
         * @description Upgrade to a WebSocket with the token as `?token=` or the subprotocol `gpuaas.token.<token>`
         *     next to `gpuaas.terminal.v1`. Binary frames carry terminal bytes both ways; text frames
         *     carry JSON control messages (`resize`, `pause`, `resume`; `exit` with the code). See
         *     docs/terminal.md. A plain GET (no upgrade) answers 426. The single-use terminal token
         *     (from `createTerminalToken`, scope `terminal:open`) is the only credential it takes.
         */
        get: operations["openTerminal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations/{allocation_id}/app": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        /**
         * The app running in the allocation, as its runtime reports it
         * @description Viewers of the project. The status document of the allocation's runtime (docs/runtime.md);
         *     409 ALLOCATION_NOT_RUNNING when the allocation does not run, 502 RUNTIME_UNREACHABLE when
         *     its runtime does not answer.
         */
        get: operations["getApp"];
        put?: never;
        /**
         * Launch a signed app artifact in a running allocation
         * @description The allocation's runtime pulls the artifact by digest, verifies it against the platform's
         *     app trust policy, runs its hooks and starts it; poll `GET …/app` (or follow the logs) until
         *     `state` is `ready`. The platform creates a service account for this launch, limited to
         *     `scopes` (what the tenant grants; the runtime further limits tokens to what the manifest
         *     declares) plus `usage:write`, and revokes it when the allocation ends.
         */
        post: operations["launchApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations/{allocation_id}/app/stop": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop the app (stop hook, signal, then the whole process group after the grace period)
         * @description Members of the project. The runtime runs the app's stop hook, signals the app and kills its
         *     whole process group once the grace period has passed (docs/runtime.md).
         */
        post: operations["stopApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations/{allocation_id}/app/logs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        /**
         * The app's stdout or stderr (`follow=true` streams new lines)
         * @description Viewers of the project. Sends the last `tail` lines of the chosen stream; with
         *     `follow=true` the response stays open and carries new lines as they are written.
         */
        get: operations["getAppLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project_id}/quota": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        /**
         * A project's GPU quota and usage
         * @description Viewers of the project and operators. Without a quota of its own the project shows the
         *     platform default (`default: true`).
         */
        get: operations["getProjectQuota"];
        /**
         * Set a project's GPU quota (operators)
         * @description Operators only. `nominal_gpus` is the guaranteed share, `max_gpus` the ceiling including
         *     borrowed idle capacity; the scheduler applies it from its next cycle.
         */
        put: operations["setProjectQuota"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report usage events (runtimes), deduplicated by event id within the allocation
         * @description CloudEvents-shaped usage reports from an allocation's runtime, in batches of up to 1000.
         *     Only the runtime of the allocation may call this: the caller must be the service account
         *     the platform created for a launch in that allocation (its token carries `usage:write`),
         *     and every event's `subject` must be that allocation. People, operators, other service
         *     accounts (even with `usage:write`) and the runtime of another allocation get 403
         *     `USAGE_REPORTER_FORBIDDEN`.
         *
         *     Each event id is counted once, forever, within its allocation (ids of different
         *     allocations never meet). A repeated id with the same meter, quantity, unit and origin is
         *     a duplicate: a retried batch (or one re-sent after a crash) answers it under `duplicates`,
         *     and both lists mean "stored" (`time` and `source` are not compared). A repeated id that
         *     reports other usage is refused: 409 `USAGE_EVENT_CONFLICT`, `errors[]` points at each
         *     conflicting event, nothing of the batch is stored, the stored event is kept, and the
         *     refusal is audited. Times must be real instants (no leap second `…:60`, from 1970 on) and
         *     quantities exact decimals (see `UsageEvent.data.quantity`), else 400 `VALIDATION_FAILED`
         *     naming the field. Events that happened longer ago than the billing late window
         *     (`billing.lateWindowDays`, 35 days by default) are refused: 422 `USAGE_EVENT_TOO_LATE`,
         *     `errors[]` points at each, nothing of the batch is stored, and the refusal is counted
         *     (`gpuaas_usage_events_refused_total{reason="too_late"}` on `/metrics`).
         */
        post: operations["ingestUsageEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/allocations/{allocation_id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        /**
         * Usage recorded for an allocation, summed per meter
         * @description Viewers of the project and operators: every meter's exact decimal total and event count,
         *     per origin (app or runtime).
         */
        get: operations["getAllocationUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/balance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project's balance, holds and what it may still spend
         * @description Viewers of the project and operators. `balance_micros` is the prepaid balance plus
         *     unexpired promotional credit (`prepaid_micros` + `promotional_micros`); `holds_micros`
         *     is reserved for the next interval of the project's running allocations; and
         *     `available_micros` = balance − holds is what new spending may use. Amounts are integer
         *     micro-units of `currency` (1 USD = 1000000). docs/billing.md explains each.
         */
        get: operations["getBillingBalance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/charges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Charges to a project (or one allocation), oldest first
         * @description Viewers of the project and operators. Each charge is one ledger transfer from the
         *     project's balance (GPU time per interval, app usage, app fees) with what was refunded of
         *     it so far. Give `project_id`, `allocation_id` or both; with only `allocation_id` the
         *     project is the allocation's. 400 `VALIDATION_FAILED` when neither is given.
         */
        get: operations["listBillingCharges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/topups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Credit a project's prepaid balance (operators)
         * @description Operators only (403 `FORBIDDEN` otherwise). `amount` is a decimal in the platform's
         *     currency (e.g. `12.50`, at most six decimals; else 400 `AMOUNT_INVALID`) and `reason` is
         *     required. The transfer's id derives from the caller and the Idempotency-Key, so a retry —
         *     even after the key's 24 hours — returns the same transfer (200) instead of a second
         *     top-up. Emits `billing.balance_changed`.
         */
        post: operations["createBillingTopup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refund a charge, wholly or in part (operators)
         * @description Operators only. A correction transfer that moves money back the way the charge came
         *     (`corrects_id` names the charge). Without `amount`, what is left of the charge; the
         *     refunds of a charge never add up to more than it (422 `CORRECTION_EXCEEDS_ORIGINAL`).
         *     404 `CORRECTION_TARGET_NOT_FOUND` when `charge_id` names no charge. `reason` is required.
         *     Above the configured amount (`billing.refundApprovalAbove`) a second operator must approve:
         *     403 `REFUND_APPROVAL_REQUIRED`, use `POST /v1/billing/refund-requests` instead.
         *     Idempotent like top-ups. Emits `billing.balance_changed`.
         */
        post: operations["createBillingRefund"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/refund-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a refund a second operator must approve (operators)
         * @description Operators only. Files a refund of `charge_id` (by default what is left of it, fixed now)
         *     for another operator to approve; nothing moves yet. Needed above the configured amount
         *     (`billing.refundApprovalAbove`: `POST /v1/billing/refunds` answers 403
         *     `REFUND_APPROVAL_REQUIRED` there), allowed at any amount. 422 `CORRECTION_EXCEEDS_ORIGINAL`
         *     when more than what is left is asked for. A retry with the same Idempotency-Key returns
         *     the first request (200).
         */
        post: operations["createBillingRefundRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/refund-requests/{request_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve another operator's refund request, making the refund (operators)
         * @description Operators only, and not the one who asked (403 `FORBIDDEN`). Makes the refund the request
         *     describes (the answer is its transfer, as `POST /v1/billing/refunds` gives) and records
         *     who approved it; approving it again returns the same transfer (200). 404 `NOT_FOUND` for
         *     no such request; 422 `CORRECTION_EXCEEDS_ORIGINAL` when other refunds have since left less
         *     of the charge. Emits `billing.balance_changed`.
         */
        post: operations["approveBillingRefundRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/promotions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Grant a project promotional credit that expires (operators)
         * @description Operators only. The credit pays for charges before the prepaid balance, earliest expiry
         *     first; what is left at `expires_at` (which must be in the future) returns to the platform.
         *     `reason` is required. Idempotent like top-ups. Emits `billing.balance_changed`.
         */
        post: operations["createBillingPromotion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/statements/{project_id}/{period}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["schemas"]["Id"];
                /** @description A calendar month in UTC, `YYYY-MM`. */
                period: components["parameters"]["StatementPeriod"];
            };
            cookie?: never;
        };
        /**
         * A project's statement for a month (JSON or CSV)
         * @description Viewers of the project and operators. Every posted transfer that moved the project's
         *     prepaid balance in the month (UTC) is one line (`charge`, `refund`, `topup`, `credit`
         *     for promotional credit applied), signed (+ credits the balance), with the ledger transfer
         *     ids it comes from; opening and closing balances and totals in exact micros, plus `display`
         *     values rounded once to cents, half to even. A closed statement is served from storage
         *     byte-for-byte; `X-Statement-Sha256` is the SHA-256 of the JSON body (of the stored body
         *     for CSV too). Anything posted for a closed month later is a dated adjustment
         *     (`adjusts_period`) on the next open statement. CSV with `format=csv` or
         *     `Accept: text/csv`. 400 `STATEMENT_PERIOD_INVALID` for a period that is not `YYYY-MM`.
         */
        get: operations["getBillingStatement"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/statements/{project_id}/{period}/close": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["schemas"]["Id"];
                /** @description A calendar month in UTC, `YYYY-MM`. */
                period: components["parameters"]["StatementPeriod"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close a month's statement, making it immutable (operators)
         * @description Operators only. Stores the statement as it is now, with the SHA-256 of its canonical JSON
         *     and the hash of the project's previous closed statement (`previous_sha256`, a chain);
         *     from then on it is served from storage and never changes. Closing a closed statement
         *     returns it (200). 409 `STATEMENT_PERIOD_OPEN` before the month is over; 409
         *     `STATEMENT_OUT_OF_ORDER` unless the month after the last closed one (the first close: no
         *     earlier month with lines left open).
         */
        post: operations["closeBillingStatement"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/budgets/{project_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        /**
         * A project's monthly budget, this month's spend and the alerts fired
         * @description Viewers of the project and operators. `spent_micros` is what the project was charged this
         *     month (UTC) less what was refunded, by when each was posted. Without a budget,
         *     `limit_micros` is null and `alert_thresholds` empty.
         */
        get: operations["getBillingBudget"];
        /**
         * Set a project's monthly budget and alert thresholds (owners, operators)
         * @description Owners of the project and operators (403 `FORBIDDEN` for other members). Idempotent: the
         *     budget is replaced. `limit` is a decimal in the platform's currency (more than zero);
         *     `alert_thresholds` are whole percentages of it (1 to 1000, at most 10; 400
         *     `BUDGET_INVALID`). Each threshold fires `billing.budget_alert` on the event stream and an
         *     audit record once per month, every month, when the month's spend reaches it.
         */
        put: operations["setBillingBudget"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Platform events as Server-Sent Events (or a WebSocket on upgrade)
         * @description Events the caller may see (their projects' allocations; operators: everything), as
         *     `text/event-stream` with `id:` lines; reconnect with `Last-Event-ID` to resume. A WebSocket
         *     upgrade on the same path sends each event as one JSON text frame. asyncapi.yaml describes
         *     the payloads.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A UUIDv7. */
        Id: string;
        /**
         * Format: date-time
         * @description An RFC 3339 date-time from 1970-01-01 to 9999-12-31; the platform writes ISO 8601 UTC with
         *     milliseconds. A leap second (`…T23:59:60Z`), a date that does not exist and a year before
         *     1970 are refused with 400 `VALIDATION_FAILED` naming the field.
         */
        Timestamp: string;
        /** @description Lower-case letters, digits and dashes; starts with a letter or digit. */
        Name: string;
        /** @enum {string} */
        Role: "owner" | "member" | "viewer";
        /** @description Pass as `cursor` to get the next page; null on the last page. */
        NextCursor: string | null;
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        Jwks: {
            keys: {
                kty: string;
                kid: string;
                alg?: string;
                use?: string;
            }[];
        };
        Problem: {
            /** @description URI reference of the error documentation. */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            /** @enum {string} */
            code: "VALIDATION_FAILED" | "MALFORMED_JSON" | "CURSOR_INVALID" | "TOKEN_MISSING" | "TOKEN_INVALID" | "TOKEN_EXPIRED" | "FORBIDDEN" | "INSUFFICIENT_SCOPE" | "SCOPE_NOT_GRANTABLE" | "NOT_FOUND" | "ROUTE_NOT_FOUND" | "MODEL_UNKNOWN" | "ALLOCATION_UNSATISFIABLE" | "ALLOCATION_NOT_RUNNING" | "TERMINAL_TOKEN_INVALID" | "UPGRADE_REQUIRED" | "RUNTIME_UNREACHABLE" | "APP_TRUST_NOT_CONFIGURED" | "APP_LAUNCH_FAILED" | "USAGE_REPORTER_FORBIDDEN" | "USAGE_EVENT_CONFLICT" | "USAGE_EVENT_TOO_LATE" | "REFUND_APPROVAL_REQUIRED" | "METHOD_NOT_ALLOWED" | "ALREADY_EXISTS" | "LAST_OWNER" | "LAST_OPERATOR" | "IDEMPOTENCY_IN_FLIGHT" | "PRECONDITION_FAILED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "MALFORMED_REQUEST" | "REQUEST_TIMEOUT" | "HEADERS_TOO_LARGE" | "IDEMPOTENCY_KEY_REUSED" | "PRECONDITION_REQUIRED" | "RATE_LIMITED" | "INTERNAL" | "RESPONSE_INVALID" | "PORT_IN_USE" | "CONFIG_INVALID" | "NOT_READY" | "AMOUNT_INVALID" | "CURRENCY_INVALID" | "CURRENCY_MISMATCH" | "ACCOUNT_NOT_FOUND" | "ACCOUNT_CONFLICT" | "INSUFFICIENT_FUNDS" | "TRANSFER_ID_CONFLICT" | "TRANSFER_INVALID" | "PENDING_NOT_FOUND" | "PENDING_ALREADY_RESOLVED" | "POST_EXCEEDS_PENDING" | "CORRECTION_TARGET_NOT_FOUND" | "CORRECTION_EXCEEDS_ORIGINAL" | "RATING_CONFLICT" | "RATING_OUT_OF_ORDER" | "METER_UNKNOWN" | "RATING_INPUT_INVALID" | "STATEMENT_PERIOD_INVALID" | "STATEMENT_PERIOD_OPEN" | "STATEMENT_OUT_OF_ORDER" | "BUDGET_INVALID";
            correlation_id: string;
            /**
             * @description With APP_LAUNCH_FAILED (and other refusals relayed from an allocation's runtime): the
             *     runtime's own code, unchanged (docs/errors.md, "runtime"), e.g. ARTIFACT_PULL_FAILED.
             */
            runtime_code?: string;
            errors?: {
                /** @enum {string} */
                in: "body" | "query" | "path" | "header";
                pointer: string;
                detail: string;
            }[];
        };
        User: {
            id: components["schemas"]["Id"];
            email: string;
            display_name: string | null;
            operator: boolean;
            created_at: components["schemas"]["Timestamp"];
        };
        UserList: {
            items: components["schemas"]["User"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        Organization: {
            id: components["schemas"]["Id"];
            name: components["schemas"]["Name"];
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        OrganizationCreate: {
            name: components["schemas"]["Name"];
        };
        OrganizationList: {
            items: components["schemas"]["Organization"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        Project: {
            id: components["schemas"]["Id"];
            organization_id: components["schemas"]["Id"];
            name: components["schemas"]["Name"];
            description: string | null;
            /** @description The caller's role in the project; null for operators and service accounts. */
            role: components["schemas"]["Role"] | null;
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        ProjectCreate: {
            name: components["schemas"]["Name"];
            description?: string | null;
            organization_id?: components["schemas"]["Id"];
        };
        ProjectUpdate: {
            name?: components["schemas"]["Name"];
            description?: string | null;
        };
        ProjectList: {
            items: components["schemas"]["Project"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        Member: {
            project_id: components["schemas"]["Id"];
            user_id: components["schemas"]["Id"];
            email: string;
            role: components["schemas"]["Role"];
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        MemberCreate: {
            /** Format: email */
            email: string;
            role: components["schemas"]["Role"];
        };
        MemberUpdate: {
            role: components["schemas"]["Role"];
        };
        MemberList: {
            items: components["schemas"]["Member"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        /** @description An OAuth scope the API declares on an operation (docs/auth.md lists them). */
        Scope: string;
        ServiceAccount: {
            id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            name: components["schemas"]["Name"];
            /** @description OAuth client id: `sa-` and the id. */
            client_id: string;
            scopes: components["schemas"]["Scope"][];
            created_by: string | null;
            created_at: components["schemas"]["Timestamp"];
            secret_rotated_at: components["schemas"]["Timestamp"] | null;
            revoked_at: components["schemas"]["Timestamp"] | null;
        };
        ServiceAccountWithSecret: {
            id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            name: components["schemas"]["Name"];
            client_id: string;
            /** @description Shown once; store it safely. */
            client_secret: string;
            scopes: components["schemas"]["Scope"][];
            created_by: string | null;
            created_at: components["schemas"]["Timestamp"];
            secret_rotated_at: components["schemas"]["Timestamp"] | null;
            revoked_at: components["schemas"]["Timestamp"] | null;
        };
        ServiceAccountCreate: {
            name: components["schemas"]["Name"];
            scopes: components["schemas"]["Scope"][];
        };
        ServiceAccountList: {
            items: components["schemas"]["ServiceAccount"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        AuditEvent: {
            id: components["schemas"]["Id"];
            occurred_at: components["schemas"]["Timestamp"];
            /** @enum {string} */
            actor_type: "user" | "service_account" | "anonymous" | "system";
            actor_id: string | null;
            action: string;
            target_type: string | null;
            target_id: string | null;
            project_id: string | null;
            /** @enum {string} */
            result: "success" | "failure";
            status: number;
            correlation_id: string;
            details?: {
                [key: string]: unknown;
            };
        };
        AuditEventList: {
            items: components["schemas"]["AuditEvent"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        /** @description Money in integer micro-units of the currency (1 USD = 1000000), as a decimal string. */
        Micros: string;
        /**
         * @description Money in integer micro-units of the currency (1 USD = 1000000), as a JSON integer (always
         *     within ±2^53, so every JSON reader keeps it exact).
         */
        MicroUnits: number;
        /** @description ISO 4217 code of the platform's one currency. */
        Currency: string;
        /**
         * @description A decimal amount of the currency as a person types it, e.g. `12.50` (no sign, no exponent,
         *     at most six decimals, at most 1000000000 per operation; else 400 `AMOUNT_INVALID`).
         */
        MoneyAmount: string;
        /** @description Why, for the audit trail and the ledger (required, not blank). */
        BillingReason: string;
        BillingBalance: {
            project_id: components["schemas"]["Id"];
            currency: components["schemas"]["Currency"];
            /** @description Prepaid balance plus unexpired promotional credit. */
            balance_micros: components["schemas"]["MicroUnits"];
            /** @description balance − holds, what new spending may use. */
            available_micros: components["schemas"]["MicroUnits"];
            /** @description Reserved for the next interval of running allocations. */
            holds_micros: components["schemas"]["MicroUnits"];
            /** @description Top-ups − charges + refunds (may be below zero for usage already consumed). */
            prepaid_micros: components["schemas"]["MicroUnits"];
            /** @description Unexpired promotional credit left. */
            promotional_micros: components["schemas"]["MicroUnits"];
            /**
             * @description What one interval of the project's running allocations costs at their prices: the next
             *     hold needs this much available, else the project's funds are exhausted.
             */
            running_interval_micros: components["schemas"]["MicroUnits"];
            /**
             * @description Set while the next interval of a running allocation could not be held
             *     (`billing.funds_exhausted`); the running allocations are released from `release_after`
             *     unless funds arrive first.
             */
            funds_exhausted: components["schemas"]["BillingFundsExhausted"] | null;
        };
        BillingFundsExhausted: {
            /** @description When the first interval that could not be held began. */
            since: components["schemas"]["Timestamp"];
            /** @description From then on the running allocations are released (since + the grace period). */
            release_after: components["schemas"]["Timestamp"];
        };
        /** @description One immutable ledger transfer (docs/billing.md). */
        BillingTransfer: {
            /** @description Unique forever, e.g. `topup:…`, `gpu:<allocation>:<interval>`. */
            id: string;
            /** @enum {string} */
            kind: "single" | "pending" | "post" | "void";
            /** @description What the money is for, e.g. `topup`, `refund`, `promo_grant`, `gpu_time`. */
            category: string;
            currency: components["schemas"]["Currency"];
            amount_micros: components["schemas"]["MicroUnits"];
            debit_account_id: string;
            credit_account_id: string;
            /** @description For a refund: the charge it corrects. */
            corrects_id: string | null;
            allocation_id: string | null;
            period_start: components["schemas"]["Timestamp"] | null;
            period_end: components["schemas"]["Timestamp"] | null;
            reason: string | null;
            created_at: components["schemas"]["Timestamp"];
        };
        BillingTopupCreate: {
            project_id: components["schemas"]["Id"];
            amount: components["schemas"]["MoneyAmount"];
            reason: components["schemas"]["BillingReason"];
        };
        BillingRefundCreate: {
            /** @description The charge (`BillingCharge.id`). */
            charge_id: string;
            /** @description Default, what is left of the charge after earlier refunds. */
            amount?: components["schemas"]["MoneyAmount"];
            reason: components["schemas"]["BillingReason"];
        };
        BillingRefundRequest: {
            id: components["schemas"]["Id"];
            charge_id: string;
            project_id: components["schemas"]["Id"];
            amount_micros: components["schemas"]["MicroUnits"];
            reason: string;
            /** @description `user:<id>` of the operator who asked. */
            requested_by: string;
            requested_at: components["schemas"]["Timestamp"];
            /** @description `user:<id>` of the approver; null while pending. */
            approved_by: string | null;
            approved_at: components["schemas"]["Timestamp"] | null;
            /** @description The refund transfer, once approved. */
            transfer_id: string | null;
        };
        BillingPromotionCreate: {
            project_id: components["schemas"]["Id"];
            amount: components["schemas"]["MoneyAmount"];
            expires_at: components["schemas"]["Timestamp"];
            reason: components["schemas"]["BillingReason"];
        };
        BillingPromotion: {
            /** @description The grant: names its ledger account. */
            id: string;
            project_id: components["schemas"]["Id"];
            currency: components["schemas"]["Currency"];
            amount_micros: components["schemas"]["MicroUnits"];
            expires_at: components["schemas"]["Timestamp"];
            reason: string;
            transfer: components["schemas"]["BillingTransfer"];
        };
        BillingCharge: {
            /** @description The charge transfer; what `POST /v1/billing/refunds` takes. */
            id: string;
            /** @description `gpu_time`, `app_usage` (the publisher's share), `app_fee` (the platform's fee), … */
            kind: string;
            project_id: components["schemas"]["Id"];
            currency: components["schemas"]["Currency"];
            allocation_id: string | null;
            amount_micros: components["schemas"]["MicroUnits"];
            /** @description The sum of this charge's refunds so far. */
            refunded_micros: components["schemas"]["MicroUnits"];
            period_start: components["schemas"]["Timestamp"] | null;
            period_end: components["schemas"]["Timestamp"] | null;
            /** @description The charge's transfer, then its refunds', oldest first. */
            transfer_ids: string[];
            created_at: components["schemas"]["Timestamp"];
        };
        BillingChargeList: {
            items: components["schemas"]["BillingCharge"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        BillingStatementLine: {
            /** @description The ledger transfer this line is. */
            transfer_id: string;
            /** @description This transfer, then the hold it settled or the charge it corrects. */
            transfer_ids: string[];
            /** @enum {string} */
            kind: "charge" | "refund" | "topup" | "credit";
            /** @description The ledger category (`gpu_time`, `app_usage`, `app_fee`, `topup`, `refund`, `promo_applied`, …). */
            category: string;
            /** @description Signed: + credits the balance, − debits it. */
            amount_micros: components["schemas"]["MicroUnits"];
            allocation_id: string | null;
            period_start: components["schemas"]["Timestamp"] | null;
            period_end: components["schemas"]["Timestamp"] | null;
            posted_at: components["schemas"]["Timestamp"];
            /** @description For a dated adjustment, the closed month the line belongs to by its usage. */
            adjusts_period: string | null;
            reason: string | null;
        };
        BillingStatement: {
            project_id: components["schemas"]["Id"];
            currency: components["schemas"]["Currency"];
            period: string;
            period_start: components["schemas"]["Timestamp"];
            period_end: components["schemas"]["Timestamp"];
            /** @enum {string} */
            status: "open" | "closed";
            /** @description Place in the project's chain of closed statements (1, 2, …); null while open. */
            seq: number | null;
            closed_at: components["schemas"]["Timestamp"] | null;
            /** @description SHA-256 of the project's closed statement before this one; null for the first. */
            previous_sha256: string | null;
            opening_balance_micros: components["schemas"]["MicroUnits"];
            closing_balance_micros: components["schemas"]["MicroUnits"];
            totals: {
                charges_micros: components["schemas"]["MicroUnits"];
                refunds_micros: components["schemas"]["MicroUnits"];
                topups_micros: components["schemas"]["MicroUnits"];
                credits_micros: components["schemas"]["MicroUnits"];
                net_micros: components["schemas"]["MicroUnits"];
            };
            /** @description Balances and totals in cents, each rounded once from its exact micros, half to even. */
            display: {
                opening_balance: string;
                closing_balance: string;
                charges: string;
                refunds: string;
                topups: string;
                credits: string;
                net: string;
            };
            /** @description The rounding rule, in words. */
            rounding: string;
            lines: components["schemas"]["BillingStatementLine"][];
        };
        BillingBudgetSet: {
            /** @description Decimal amount per month, e.g. `500.00`. */
            limit: string;
            /** @description Percentages of the limit, e.g. `[50, 80, 100]`. */
            alert_thresholds: number[];
        };
        BillingBudget: {
            project_id: components["schemas"]["Id"];
            currency: components["schemas"]["Currency"];
            /** @description The monthly limit; null when no budget is set. */
            limit_micros: components["schemas"]["MicroUnits"] | null;
            alert_thresholds: number[];
            /** @description This month, `YYYY-MM` (UTC). */
            period: string;
            spent_micros: components["schemas"]["MicroUnits"];
            alerts_fired: {
                threshold: number;
                fired_at: components["schemas"]["Timestamp"];
            }[];
        };
        GpuSku: {
            /** @description Stable SKU id, e.g. `h100-80gb`. */
            id: string;
            /** @description The model name as nvidia-smi reports it. */
            model: string;
            memory_gib: number;
            /** @description e.g. `nvlink`, `pcie`. */
            interconnect: string;
            price_per_gpu_hour_micros: components["schemas"]["Micros"];
            currency: string;
            regions: string[];
            /** @description GPUs of this model on reachable nodes. */
            total: number;
            /** @description GPUs allocatable now. */
            available: number;
            /** @description Most GPUs one allocation gets now (one node). */
            max_per_allocation: number;
        };
        GpuSkuList: {
            items: components["schemas"]["GpuSku"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        InventoryGpu: {
            index: number;
            uuid?: string | null;
            model: string;
            /** @description At most 4 TiB. */
            memory_mib: number;
            nvlink_domain?: string | null;
        };
        NodeGpu: {
            index: number;
            uuid: string | null;
            model: string;
            memory_mib: number;
            nvlink_domain: string;
            sku_id: string | null;
            allocation_id: string | null;
        };
        NodeRegistration: {
            name: components["schemas"]["Name"];
            region?: string;
            agent_version: string;
            /** @description Where the agent can be reached, if anywhere (informational). */
            endpoint?: string;
            labels?: {
                [key: string]: string;
            };
            inventory: {
                gpus: components["schemas"]["InventoryGpu"][];
            };
        };
        Node: {
            id: components["schemas"]["Id"];
            name: string;
            region: string;
            /**
             * @description From heartbeats.
             * @enum {string}
             */
            status: "ready" | "unreachable";
            /** @description False while cordoned. */
            schedulable: boolean;
            labels: {
                [key: string]: string;
            };
            agent_version: string;
            gpus: components["schemas"]["NodeGpu"][];
            /** @description Allocations holding GPUs here. */
            allocations: components["schemas"]["Id"][];
            last_heartbeat_at: components["schemas"]["Timestamp"] | null;
            registered_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        NodeList: {
            items: components["schemas"]["Node"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        ObservedAllocation: {
            id: components["schemas"]["Id"];
            /** @enum {string} */
            state: "provisioning" | "running" | "released" | "failed";
            reason?: string;
            /** @description `unix:/path` or `ws(s)://…` of the runtime. */
            endpoint?: string;
            runtime_secret?: string;
            last_activity_at?: components["schemas"]["Timestamp"];
        };
        Heartbeat: {
            allocations: components["schemas"]["ObservedAllocation"][];
        };
        Assignment: {
            allocation_id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            /** @enum {string} */
            desired_state: "running" | "released";
            gpus: {
                index: number;
                uuid: string | null;
                model: string;
            }[];
            /** @description Extra environment variables for the allocation's sandbox (names are shell identifiers; the sandbox's reserved variables such as PATH, HOME and GPUAAS_* cannot be overridden). */
            env?: {
                [key: string]: string;
            };
        };
        HeartbeatReply: {
            heartbeat_interval_ms: number;
            assignments: components["schemas"]["Assignment"][];
        };
        DrainRequest: {
            /** @enum {string} */
            mode: "release" | "wait";
        };
        DrainResult: {
            node: components["schemas"]["Node"];
            released: components["schemas"]["Id"][];
            remaining: components["schemas"]["Id"][];
        };
        /** @enum {string} */
        AllocationState: "queued" | "scheduled" | "provisioning" | "running" | "releasing" | "released" | "failed" | "preempted";
        /** @enum {string} */
        PendingReason: "quota_exceeded" | "no_capacity" | "model_unavailable" | "request_too_large" | "waiting_for_priority";
        /**
         * @description A duration: a number of seconds or `90s`, `30m`, `2h`, `1d` and combinations such as
         *     `1h30m` (at most four parts of at most 7 digits each), longer than zero. Each field that
         *     takes one states its maximum; a longer duration is refused with 400 `VALIDATION_FAILED`
         *     naming the field.
         */
        Duration: string;
        AllocationCreate: {
            project_id: components["schemas"]["Id"];
            name?: components["schemas"]["Name"];
            gpus: {
                /** @description GPUs, all or nothing: 1 to 64. */
                count: number;
                /** @description Acceptable SKU ids or model names, most preferred first; empty or absent means any. */
                models?: string[];
                /** @description Per GPU, 1 to 4096 GiB. */
                min_memory_gib?: number;
                /**
                 * @description `node`: all GPUs on one node (the default); `nvlink`: all in one NVLink domain.
                 * @enum {string}
                 */
                topology?: "node" | "nvlink";
            };
            /**
             * @description Released by the server this long after the allocation first runs (a re-created
             *     sandbox does not extend it). At most 30 days (`30d`, 2592000 seconds).
             */
            ttl?: components["schemas"]["Duration"];
            /** @description Released after this long without terminal activity. At most 7 days (`7d`, 604800 seconds). */
            idle_timeout?: components["schemas"]["Duration"];
            /** @description Higher goes first (default 100); 0 to 1000. */
            priority?: number;
        };
        AllocationGpu: {
            index: number;
            uuid: string | null;
            model: string;
            sku_id: string | null;
        };
        Transition: {
            from: components["schemas"]["AllocationState"] | null;
            to: components["schemas"]["AllocationState"];
            reason: string;
            at: components["schemas"]["Timestamp"];
            /** @description `user:<id>`, `sa:<id>`, `node:<id>` or `system`. */
            actor: string;
        };
        Allocation: {
            id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            name: string | null;
            state: components["schemas"]["AllocationState"];
            /** @description Why the allocation is in its state (machine-readable). */
            state_reason: string;
            pending_reason: components["schemas"]["PendingReason"] | null;
            pending_message: string | null;
            request: {
                count: number;
                models: string[];
                min_memory_gib: number | null;
                /** @enum {string} */
                topology: "node" | "nvlink";
            };
            priority: number;
            node_id: string | null;
            /**
             * @description Set while on a node; `unreachable` when its node stopped heartbeating.
             * @enum {string|null}
             */
            node_status: "ready" | "unreachable" | null;
            gpus: components["schemas"]["AllocationGpu"][];
            created_by: string | null;
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
            expires_at: components["schemas"]["Timestamp"] | null;
            idle_timeout_seconds: number | null;
            last_activity_at: components["schemas"]["Timestamp"] | null;
            released_at: components["schemas"]["Timestamp"] | null;
            transitions?: components["schemas"]["Transition"][];
        };
        AllocationList: {
            items: components["schemas"]["Allocation"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        TerminalTokenCreate: {
            /** @description Run this argv instead of a login shell. */
            command?: string[];
        };
        TerminalToken: {
            token: string;
            expires_at: components["schemas"]["Timestamp"];
            /** @description The WebSocket URL (token included). */
            url: string;
        };
        Quota: {
            project_id: components["schemas"]["Id"];
            /** @description Guaranteed share. */
            nominal_gpus: number;
            /** @description Ceiling including borrowed idle capacity. */
            max_gpus: number;
            used_gpus: number;
            /** @description True when no quota was set (the platform default applies). */
            default: boolean;
        };
        QuotaUpdate: {
            nominal_gpus: number;
            max_gpus: number;
        };
        UsageEvent: {
            /** @constant */
            specversion: "1.0";
            id: string;
            source: string;
            /** @constant */
            type: "dev.gpuaas.usage.v1";
            subject: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description When the usage happened: an RFC 3339 date-time from 1970-01-01 to 9999-12-31. A leap
             *     second (`…T23:59:60Z`) and dates that do not exist are refused with 400 naming
             *     `/events/N/time`.
             */
            time: string;
            /** @constant */
            datacontenttype?: "application/json";
            data: {
                meter: string;
                /**
                 * @description Billed as an exact decimal: at most 9 digits after the decimal point and 15
                 *     significant digits (what a JSON number carries exactly), from 0 to 1e15. Float
                 *     artefacts such as `0.30000000000000004` and subnormal numbers such as `5e-324`
                 *     are refused with 400 naming `/events/N/data/quantity`.
                 */
                quantity: number;
                unit?: string;
                allocation_id: components["schemas"]["Id"];
                /** @enum {string} */
                origin: "app" | "runtime";
            };
        };
        UsageEventBatch: {
            events: components["schemas"]["UsageEvent"][];
        };
        UsageIngestResult: {
            accepted: string[];
            duplicates: string[];
        };
        AllocationUsage: {
            allocation_id: components["schemas"]["Id"];
            meters: {
                meter: string;
                /** @enum {string} */
                origin: "app" | "runtime";
                /** @description Exact decimal sum. */
                quantity: string;
                events: number;
            }[];
        };
        AppLaunch: {
            /** @description OCI reference, by tag or digest (a tag is pinned once). */
            artifact: string;
            /** @description Launch parameters, checked against the app's manifest; text for a number or boolean is typed by it. */
            parameters?: {
                [key: string]: unknown;
            };
            /** @description Platform scopes the tenant grants the app (default none; `usage:write` is always added). */
            scopes?: components["schemas"]["Scope"][];
        };
        /** @description The runtime's status document (docs/runtime.md); `state` is the lifecycle state. */
        AppStatus: {
            state: string;
            reason?: string | null;
            /**
             * @description When `state` is `failed`: the runtime's code of the failure, unchanged (docs/errors.md,
             *     "runtime"), e.g. HOOK_FAILED, APP_FAILED, ARTIFACT_PULL_FAILED.
             */
            code?: string;
        };
    };
    responses: {
        /** @description An RFC 9457 problem; `code` is listed in docs/errors.md. */
        Problem: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description A client error as an RFC 9457 problem; `code` is listed in docs/errors.md. Any operation
         *     may answer 400 `MALFORMED_REQUEST` (a header with a control character, a request that is
         *     not HTTP/1.1), 408 `REQUEST_TIMEOUT` or 431 `HEADERS_TOO_LARGE` (headers over 16 KiB),
         *     besides its own 4xx answers.
         */
        ClientError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description A calendar month in UTC, `YYYY-MM`. */
        StatementPeriod: string;
        /** @description Page size, 1 to 100 (default 20). */
        Limit: number;
        /** @description The `next_cursor` of the previous page; opaque. */
        Cursor: string;
        /**
         * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
         *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
         */
        IdempotencyKey: string;
        /** @description The ETag from the last read of the resource. Required by the server (428 PRECONDITION_REQUIRED when missing). */
        IfMatch: string;
        ProjectId: components["schemas"]["Id"];
        OrganizationId: components["schemas"]["Id"];
        UserId: components["schemas"]["Id"];
        ServiceAccountId: components["schemas"]["Id"];
        AuditProject: components["schemas"]["Id"];
        /** @description Actor id (user or service account). */
        AuditActor: string;
        /** @description Action name, e.g. `project.update`. */
        AuditAction: string;
        /** @description Target id. */
        AuditTarget: string;
        /** @description Only events at or after this time (an RFC 3339 date-time; see `Timestamp`). */
        AuditSince: string;
        /** @description Only events before this time (an RFC 3339 date-time; see `Timestamp`). */
        AuditUntil: string;
        SkuId: string;
        NodeId: components["schemas"]["Id"];
        AllocationId: components["schemas"]["Id"];
    };
    requestBodies: never;
    headers: {
        /** @description Strong validator of the resource's current version; send it back in `If-Match`. */
        ETag: string;
        /** @description SHA-256 (hex) of the statement's canonical JSON; a closed statement's is stored with it. */
        StatementSha256: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            "4XX": components["responses"]["ClientError"];
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            503: components["responses"]["Problem"];
            "4XX": components["responses"]["ClientError"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metrics in the Prometheus text exposition format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            "4XX": components["responses"]["ClientError"];
        };
    };
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A JSON Web Key Set (ES256 public keys). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
            "4XX": components["responses"]["ClientError"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            "4XX": components["responses"]["ClientError"];
        };
    };
    getCurrentUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user the token belongs to. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listOperators: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of operators, by id. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    grantOperator: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's id, or their email address. */
                user: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user, now an operator. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    revokeOperator: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's id, or their email address. */
                user: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user is no longer an operator. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listOrganizations: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of organisations, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrganizationList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createOrganization: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrganizationCreate"];
            };
        };
        responses: {
            /** @description The new organisation. */
            201: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Organization"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getOrganization: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                organization_id: components["parameters"]["OrganizationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The organisation. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Organization"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listProjects: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of projects, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createProject: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectCreate"];
            };
        };
        responses: {
            /** @description The new project. */
            201: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The project. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    updateProject: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag from the last read of the resource. Required by the server (428 PRECONDITION_REQUIRED when missing). */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProjectUpdate"];
            };
        };
        responses: {
            /** @description The updated project. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listMembers: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of members, ordered by user id. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    addMember: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberCreate"];
            };
        };
        responses: {
            /** @description The new membership. */
            201: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    removeMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
                user_id: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    updateMember: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag from the last read of the resource. Required by the server (428 PRECONDITION_REQUIRED when missing). */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                project_id: components["parameters"]["ProjectId"];
                user_id: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberUpdate"];
            };
        };
        responses: {
            /** @description The updated membership. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listServiceAccounts: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of service accounts, oldest first, revoked ones included. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAccountList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createServiceAccount: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ServiceAccountCreate"];
            };
        };
        responses: {
            /** @description The new service account and its secret. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAccountWithSecret"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getServiceAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
                service_account_id: components["parameters"]["ServiceAccountId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The service account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAccount"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    revokeServiceAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
                service_account_id: components["parameters"]["ServiceAccountId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    rotateServiceAccountSecret: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                project_id: components["parameters"]["ProjectId"];
                service_account_id: components["parameters"]["ServiceAccountId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The service account and its new secret. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAccountWithSecret"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                project_id?: components["parameters"]["AuditProject"];
                /** @description Actor id (user or service account). */
                actor?: components["parameters"]["AuditActor"];
                /** @description Action name, e.g. `project.update`. */
                action?: components["parameters"]["AuditAction"];
                /** @description Target id. */
                target?: components["parameters"]["AuditTarget"];
                /** @description Only events at or after this time (an RFC 3339 date-time; see `Timestamp`). */
                since?: components["parameters"]["AuditSince"];
                /** @description Only events before this time (an RFC 3339 date-time; see `Timestamp`). */
                until?: components["parameters"]["AuditUntil"];
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of audit events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEventList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    exportAuditEvents: {
        parameters: {
            query: {
                format: "jsonl" | "csv";
                project_id?: components["parameters"]["AuditProject"];
                /** @description Actor id (user or service account). */
                actor?: components["parameters"]["AuditActor"];
                /** @description Action name, e.g. `project.update`. */
                action?: components["parameters"]["AuditAction"];
                /** @description Target id. */
                target?: components["parameters"]["AuditTarget"];
                /** @description Only events at or after this time (an RFC 3339 date-time; see `Timestamp`). */
                since?: components["parameters"]["AuditSince"];
                /** @description Only events before this time (an RFC 3339 date-time; see `Timestamp`). */
                until?: components["parameters"]["AuditUntil"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One event per line (JSON Lines), or a CSV file with a header row. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                    "text/csv": string;
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listGpuSkus: {
        parameters: {
            query?: {
                /** @description Only SKUs offered in this region. */
                region?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every SKU (the catalog is small; one page). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GpuSkuList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getGpuSku: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku_id: components["parameters"]["SkuId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The SKU. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GpuSku"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listNodes: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of nodes, in registration order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    registerNode: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NodeRegistration"];
            };
        };
        responses: {
            /** @description The node, registered or updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Node"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getNode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The node. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Node"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    nodeHeartbeat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Heartbeat"];
            };
        };
        responses: {
            /** @description What the platform wants on the node. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HeartbeatReply"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    cordonNode: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The node. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Node"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    uncordonNode: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The node. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Node"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    drainNode: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                node_id: components["parameters"]["NodeId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DrainRequest"];
            };
        };
        responses: {
            /** @description The node and the allocations still on it. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DrainResult"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listAllocations: {
        parameters: {
            query?: {
                project_id?: components["schemas"]["Id"];
                /** @description Only allocations in these states (comma-separated). */
                state?: string;
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of allocations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AllocationList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createAllocation: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AllocationCreate"];
            };
        };
        responses: {
            /** @description The allocation, queued (or already placed). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Allocation"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getAllocation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The allocation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Allocation"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    releaseAllocation: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The allocation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Allocation"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createTerminalToken: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TerminalTokenCreate"];
            };
        };
        responses: {
            /** @description The token and the WebSocket URL to open with it. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TerminalToken"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    openTerminal: {
        parameters: {
            query?: {
                token?: string;
            };
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switched to the WebSocket protocol. */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getApp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The runtime's status of the app (docs/runtime.md). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppStatus"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    launchApp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppLaunch"];
            };
        };
        responses: {
            /** @description Launching; the status as the runtime reports it. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppStatus"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    stopApp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The app's status once stopped. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppStatus"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getAppLogs: {
        parameters: {
            query?: {
                stream?: "stdout" | "stderr";
                /** @description How many of the last lines to send first, 0 to 100000 (default 200). */
                tail?: number;
                follow?: boolean;
            };
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Log lines. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getProjectQuota: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The quota (the platform default when none was set). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Quota"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    setProjectQuota: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["parameters"]["ProjectId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["QuotaUpdate"];
            };
        };
        responses: {
            /** @description The quota. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Quota"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    ingestUsageEvents: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UsageEventBatch"];
            };
        };
        responses: {
            /** @description Which ids were stored now and which had been stored before. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageIngestResult"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getAllocationUsage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Totals per meter and origin. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AllocationUsage"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getBillingBalance: {
        parameters: {
            query: {
                project_id: components["schemas"]["Id"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The balance. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingBalance"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listBillingCharges: {
        parameters: {
            query?: {
                project_id?: components["schemas"]["Id"];
                allocation_id?: components["schemas"]["Id"];
                /** @description Page size, 1 to 100 (default 20). */
                limit?: components["parameters"]["Limit"];
                /** @description The `next_cursor` of the previous page; opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of charges. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingChargeList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createBillingTopup: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BillingTopupCreate"];
            };
        };
        responses: {
            /** @description The transfer this key had made before (nothing changed). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingTransfer"];
                };
            };
            /** @description The top-up's transfer. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingTransfer"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createBillingRefund: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BillingRefundCreate"];
            };
        };
        responses: {
            /** @description The transfer this key had made before (nothing changed). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingTransfer"];
                };
            };
            /** @description The refund's transfer. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingTransfer"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createBillingRefundRequest: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BillingRefundCreate"];
            };
        };
        responses: {
            /** @description The request this key had filed before. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingRefundRequest"];
                };
            };
            /** @description The request, waiting for approval. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingRefundRequest"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    approveBillingRefundRequest: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                request_id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The refund this request had made before (nothing changed). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingTransfer"];
                };
            };
            /** @description The refund's transfer. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingTransfer"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createBillingPromotion: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BillingPromotionCreate"];
            };
        };
        responses: {
            /** @description The credit this key had granted before (nothing changed). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingPromotion"];
                };
            };
            /** @description The credit. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingPromotion"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getBillingStatement: {
        parameters: {
            query?: {
                /** @description `csv` for CSV (as `Accept: text/csv` gives); JSON otherwise. */
                format?: "json" | "csv";
            };
            header?: never;
            path: {
                project_id: components["schemas"]["Id"];
                /** @description A calendar month in UTC, `YYYY-MM`. */
                period: components["parameters"]["StatementPeriod"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The statement. */
            200: {
                headers: {
                    "X-Statement-Sha256": components["headers"]["StatementSha256"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingStatement"];
                    "text/csv": string;
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    closeBillingStatement: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                project_id: components["schemas"]["Id"];
                /** @description A calendar month in UTC, `YYYY-MM`. */
                period: components["parameters"]["StatementPeriod"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The statement was closed before; it is returned unchanged. */
            200: {
                headers: {
                    "X-Statement-Sha256": components["headers"]["StatementSha256"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingStatement"];
                };
            };
            /** @description The closed statement. */
            201: {
                headers: {
                    "X-Statement-Sha256": components["headers"]["StatementSha256"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingStatement"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getBillingBudget: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The budget. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingBudget"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    setBillingBudget: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                project_id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BillingBudgetSet"];
            };
        };
        responses: {
            /** @description The budget as set. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingBudget"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                project_id?: components["schemas"]["Id"];
                /** @description Only these event types (comma-separated), e.g. `allocation.state_changed`. */
                types?: string;
            };
            header?: {
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An endless event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
}
