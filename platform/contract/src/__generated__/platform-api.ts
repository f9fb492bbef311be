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
         * @description Called by a node agent with its node credential (`createNodeCredential`; only for the node
         *     of that name, else 403 NODE_CREDENTIAL_MISMATCH) or an operator token limited to
         *     `nodes:agent`. Registering an existing name updates its inventory and keeps its id; GPUs
         *     that disappeared stop being offered (an allocation holding one is marked, not dropped).
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
    "/v1/node-credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Node credentials (never their secrets)
         * @description Operators only. Every credential issued for a node agent, oldest first, expired and
         *     revoked ones included (`expires_at`, `revoked_at`); `node_name` filters by node.
         */
        get: operations["listNodeCredentials"];
        put?: never;
        /**
         * Issue a credential for a node agent
         * @description Operators only. The response carries `secret`, shown this once (a replay with the same
         *     Idempotency-Key returns the same response); the platform keeps only its hash. The agent
         *     presents it as its bearer token (`gpuaas-platform node-agent --credential-file F`) and may
         *     then register and heartbeat the node named `node_name` and no other, on any instance.
         */
        post: operations["createNodeCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/node-credentials/{credential_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                credential_id: components["parameters"]["NodeCredentialId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a node credential
         * @description Operators only. The credential is refused from the agent's next request on, on every
         *     instance. The record stays (with `revoked_at`) for the audit trail.
         */
        delete: operations["revokeNodeCredential"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/node-credentials/{credential_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                credential_id: components["parameters"]["NodeCredentialId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a successor to a node credential, both valid during an overlap
         * @description Operators only. Returns a new credential for the same node with its `secret`, shown once.
         *     The old one stays valid for `overlap_seconds` (default 3600; 0 ends it at once), time to
         *     put the new secret in the agent's credential file (read again on every request), and can
         *     be revoked sooner. A retry with the same Idempotency-Key returns the same successor.
         */
        post: operations["rotateNodeCredential"];
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
    "/v1/allocations/{allocation_id}/app/endpoints/{endpoint}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
                /** @description The name of an http endpoint the running app's manifest declares (`endpoints[].name`). */
                endpoint: string;
            };
            cookie?: never;
        };
        /**
         * Reach an endpoint of the allocation's app (any method, any sub-path, WebSocket)
         * @description Members of the project (viewers get 403: an endpoint may change the app's state). Every
         *     method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS) and every sub-path below
         *     `…/endpoints/{endpoint}/` is relayed the same way, the query kept, to
         *     `127.0.0.1:<port><path>/<sub-path>` inside the allocation, through its runtime; an
         *     `Upgrade: websocket` request is relayed too (the bearer token in `Authorization` or as the
         *     subprotocol `gpuaas.bearer.<token>`, which is not passed on). Bodies stream both ways; the
         *     app's status, headers and body come back as the app sent them, less hop-by-hop headers and
         *     `Set-Cookie`, with `Content-Security-Policy: sandbox …` added. The app never receives the
         *     platform's credentials: no `Authorization`, no `Cookie`; it gets `X-Forwarded-For`,
         *     `X-Forwarded-Host`, `X-Forwarded-Proto`, `X-Forwarded-Prefix`, `X-Gpuaas-User`
         *     (`user:<id>` or `sa:<id>`) and `X-Correlation-Id`. 404 NOT_FOUND (`runtime_code`
         *     APP_ENDPOINT_NOT_FOUND) for a name the manifest does not declare, 409 APP_NOT_READY while
         *     the app is not ready, 502 APP_ENDPOINT_UNREACHABLE when it does not answer on its port.
         *     See docs/allocations.md.
         */
        get: operations["callAppEndpoint"];
        put?: never;
        post?: never;
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
    "/v1/allocations/{allocation_id}/app/ui-sessions": {
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
         * A one-time sign-in code for the app's console UI extension on its own origin
         * @description Members of the project, with a user token (a UI session is a person's). The app's endpoint
         *     declared as a console UI extension (`endpoints[].ui`; `endpoint` picks one, else the first)
         *     is served at the instance origin `<allocation-id>.apps.<platform host>` (on loopback
         *     `<allocation-id>.apps.localhost`), never on the platform's origin. Opening `url` there
         *     exchanges the single-use `code` (valid 60 s) for a session cookie of that origin only,
         *     holding a token bound to the instance (audience = the origin, `allocation_id` claim,
         *     valid 5 minutes, scopes = the approved manifest's permissions ∩ the user's rights), which
         *     the app receives as `X-Gpuaas-App-Token`. See docs/ui-extensions.md.
         */
        post: operations["createAppUiSession"];
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
        /**
         * Refund requests, waiting or approved (operators)
         * @description Operators only. By default the requests still waiting for a second operator
         *     (`state=pending`), oldest first, so an approver can find them without being sent the id;
         *     `state=approved` lists those already made, with their transfer.
         */
        get: operations["listBillingRefundRequests"];
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
         *     With `account=publisher`, the publisher statement of the project's earnings account
         *     (members of the publisher project and operators): one line per app-usage transfer
         *     credited (`earning`) or refund taken back (`refund`, negative), with its own chain of
         *     closed statements; its totals equal `GET /v1/billing/earnings` for the month.
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
         *     earlier month with lines left open). `account=publisher` closes the project's publisher
         *     statement, chained to its previous closed publisher statement.
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
    "/v1/apps/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project's publisher keys, retired ones included
         * @description Viewers of the project and operators. Oldest first; retired keys carry `retired_at`.
         */
        get: operations["listPublisherKeys"];
        put?: never;
        /**
         * Register a signing key (or keyless identity) for a project's published apps
         * @description Members of the project and operators. Give `public_key` (an ECDSA P-256 public key, SPKI
         *     PEM) or `issuer` and `subject` (a keyless OIDC identity), not both; else 422
         *     `PUBLISHER_KEY_INVALID`. The key id is the hex SHA-256 of the key's SPKI DER (as the SDK
         *     computes it), or of `issuer` and `subject` for an identity. Registering the same key again
         *     returns it (200). Versions the project registers are verified against its keys that are
         *     not retired.
         */
        post: operations["addPublisherKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/keys/{key_id}/retire": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key id (hex SHA-256), as `PublisherKey.key_id`. */
                key_id: components["parameters"]["PublisherKeyId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retire a publisher key (rotation)
         * @description Members of the project and operators. A retired key no longer verifies new registrations;
         *     versions already verified with it stay valid and launchable. Keys are never deleted.
         *     Retiring a retired key returns it unchanged. 404 `NOT_FOUND` when the project has no such
         *     key.
         */
        post: operations["retirePublisherKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Registered app versions, newest first
         * @description With `project_id`: that publisher project's versions (viewers of the project and
         *     operators). Without it: every project's versions (operators only; 403 `FORBIDDEN`
         *     otherwise), e.g. `state=verified` for the review queue.
         */
        get: operations["listAppVersions"];
        put?: never;
        /**
         * Register an app artifact version for review
         * @description Members of the project and operators. The platform resolves `reference` (by tag or digest;
         *     a tag is resolved once) to a digest, reads the artifact's gpuaas.yaml, validates it with
         *     the SDK's validator and verifies the publish signature against the project's registered
         *     keys that are not retired. The version is stored either way (201): `verified` with
         *     `signer_key_id`, or `rejected` with `errors` (validator codes, or the verifier's:
         *     SIGNATURE_NOT_FOUND, SIGNATURE_INVALID, APP_SIGNER_UNKNOWN). The same artifact (registry,
         *     repository, digest) registered again returns the existing version (200). 403/404 when the
         *     caller may not pull the reference; 422 `APP_REFERENCE_INVALID` for a reference that cannot
         *     be parsed or names nothing; 502 `REGISTRY_UNREACHABLE` for an external registry that does
         *     not answer.
         */
        post: operations["registerAppVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/versions/{version_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        /**
         * One app version with its manifest and the diff against the previous approved one
         * @description Viewers of the publisher project and operators (404 `NOT_FOUND` for anyone else).
         *     `previous_approved` is the newest approved, published or deprecated version of the same
         *     repository; `diff` compares this version's permissions, meters, prices and GPU profile
         *     with it (null without one).
         */
        get: operations["getAppVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/versions/{version_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a verified version for a scope (operators)
         * @description Operators only. Pinned to the version's digest: promotes the artifact by digest into the
         *     release namespace (`release/<publisher>/<app>`, tag = the manifest's version, immutable)
         *     with an approval attestation signed by the platform's approval key (`GET
         *     /v1/apps/trust`). Only projects inside `scope` may launch it. Approving one version never
         *     changes another's state. 409 `APP_VERSION_STATE_CONFLICT` unless the version is
         *     `verified`. Emits `app_version.state_changed`.
         */
        post: operations["approveAppVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/versions/{version_id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject a submitted or verified version, with a reason (operators)
         * @description Operators only. `reason` is required and shown to the publisher. 409
         *     `APP_VERSION_STATE_CONFLICT` unless the version is `submitted` or `verified`. Emits
         *     `app_version.state_changed`.
         */
        post: operations["rejectAppVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/versions/{version_id}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Publish an approved version (operators)
         * @description Operators only. Marks an approved version as published (listed for its scope); it stays
         *     launchable. 409 `APP_VERSION_STATE_CONFLICT` unless the version is `approved`. Emits
         *     `app_version.state_changed`. `access` says who may launch it from the catalog: `free` and
         *     `paid` (its prices are charged through billing) any project the approval covers, `grant`
         *     only projects granted the app (`POST /v1/apps/entitlements`); default `paid` when the
         *     manifest has prices, else `free`.
         */
        post: operations["publishAppVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/versions/{version_id}/deprecate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deprecate a published version (operators)
         * @description Operators only. A deprecated version stays launchable, with the warning `deprecated` in
         *     the launch's answer. 409 `APP_VERSION_STATE_CONFLICT` unless the version is `published`.
         *     Emits `app_version.state_changed`.
         */
        post: operations["deprecateAppVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/versions/{version_id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke an approved, published or deprecated version (operators)
         * @description Operators only. New launches of the digest are refused (409 `APP_VERSION_REVOKED`) on
         *     every platform instance within a second; with `stop_running`, running instances of the
         *     digest are stopped through their runtimes. `reason` is required. 409
         *     `APP_VERSION_STATE_CONFLICT` unless the version is approved, published or deprecated.
         *     Emits `app_version.state_changed`.
         */
        post: operations["revokeAppVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/trust": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The platform's approval public key, to verify approvals outside the platform
         * @description Any signed-in caller. The ECDSA P-256 public key (SPKI PEM) that signs the platform's
         *     approval attestations, its key id (hex SHA-256 of the SPKI DER) and the attestation's
         *     in-toto predicate type.
         */
        get: operations["getAppTrust"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The app catalog a project sees, by name
         * @description Viewers of `project_id` (operators: any project). The apps with a `published` or
         *     `deprecated` version whose approval scope covers the project (the platform, the project's
         *     organization, or the project), each named `publisher/app` (the publisher project's name
         *     and the repository after its namespace) with those versions, newest first: GPU profile,
         *     prices, permissions, parameters. `q` matches the name, display name or description
         *     (case-insensitive); `category` one of the manifest's categories. Ordered by name.
         */
        get: operations["listApps"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/entitlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Grants not revoked, newest first
         * @description With `project_id`: the grants that project holds (its viewers). With `app`: the grants
         *     of that app (viewers of its publisher project). Without either: every grant (operators
         *     only; 403 `FORBIDDEN` otherwise). Expired grants are listed with `active: false`.
         */
        get: operations["listAppEntitlements"];
        put?: never;
        /**
         * Grant a project the right to launch an app
         * @description Operators, or members (and owners) of the app's publisher project. `app` is the catalog
         *     name `publisher/app`; `until` (optional) ends the grant. Granting again while a grant is
         *     active updates its `until` (200). 404 `NOT_FOUND` for an unknown app or project.
         */
        post: operations["grantAppEntitlement"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/entitlements/{entitlement_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The grant's id. */
                entitlement_id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a grant
         * @description Operators, or members of the app's publisher project (404 `NOT_FOUND` for anyone else).
         *     Launches from then on are refused `APP_NOT_ENTITLED`; running instances keep running.
         */
        delete: operations["revokeAppEntitlement"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/instances": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's catalog app instances, newest first
         * @description Viewers of `project_id`. Every app instance of the project, live (`ended_at` null) or
         *     ended; `state` is the stored one here (`pending`, `launching`, `running`, `failed`,
         *     `stopped`); `GET …/{id}` asks the runtime of a running one.
         */
        get: operations["listAppInstances"];
        put?: never;
        /**
         * Launch a catalog app into an allocation of the project
         * @description Members of `project_id`. Launches `app` (`publisher/app`) at `version` (default: its
         *     newest published version) from the project's catalog into `allocation_id`, through the
         *     same launch as `POST /v1/allocations/{allocation_id}/app` with the version's release
         *     reference. Refusals, before the runtime hears of anything: `NOT_FOUND` (not in the
         *     project's catalog), `APP_CONSENT_REQUIRED` (`accepted_permissions` lacks a permission
         *     the app's service account gets), `VALIDATION_FAILED` (a parameter that fails its schema
         *     or that the app does not declare; an allocation of another project), `PROFILE_NOT_MET`
         *     (the allocation's GPUs do not meet the manifest's minimum profile, each shortfall in
         *     `errors`), `APP_NOT_ENTITLED`, `APP_VERSION_REVOKED`, `ALLOCATION_NOT_RUNNING`. The
         *     answer's `id` is the instance; `endpoints` are the relay URLs.
         *
         *     Without `allocation_id`, the platform picks the manifest's recommended profile when free
         *     GPUs hold it now, else its minimum (or takes `gpus`), creates the allocation as the caller
         *     (as `POST /v1/allocations`: quotas, funds, `ttl`) and answers 201 with the instance
         *     `pending`; `PROFILE_UNSATISFIABLE` (422, nothing created) when no registered node could
         *     ever hold the minimum, with each shortfall and the closest offer in `errors`.
         */
        post: operations["launchAppInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/instances/{instance_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The instance's id (its launch record). */
                instance_id: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        /**
         * One app instance, its state from the runtime
         * @description Viewers of its project (404 `NOT_FOUND` for anyone else). A running instance's `state`
         *     is the runtime's (`fetching`, `starting`, `ready`, …; `unknown` when the runtime cannot
         *     be reached); an ended one is `stopped`.
         */
        get: operations["getAppInstance"];
        put?: never;
        post?: never;
        /**
         * Uninstall an app instance
         * @description Members of its project. Stops the app, runs its uninstall hook and removes its files
         *     from the allocation (its data, logs and unpacked artifact; the usage it reported is kept
         *     and billed), then ends the instance. An ended instance is uninstalled from a running
         *     allocation all the same; the allocation stays: release it separately.
         */
        delete: operations["uninstallAppInstance"];
        options?: never;
        head?: never;
        /**
         * Choose the channel an instance follows and how it upgrades
         * @description Members of its project. `channel`: the release channel whose versions the instance
         *     follows (`AppVersionPublish.channels`); `upgrades`: `automatic` upgrades it when a
         *     version is published in its channel that needs no fresh consent (one that does emits
         *     `app_instance.upgrade_available` instead), `manual` leaves it to
         *     `POST …/{instance_id}/upgrade`. 409 `APP_INSTANCE_STATE_CONFLICT` for an ended instance.
         */
        patch: operations["updateAppInstance"];
        trace?: never;
    };
    "/v1/apps/instances/{instance_id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The instance's id (its launch record). */
                instance_id: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop an app instance
         * @description Members of its project. Stops the app through its allocation's runtime (stop hook, then
         *     signals) and ends the instance; an ended instance is returned as it is. The allocation
         *     stays: release it separately.
         */
        post: operations["stopAppInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/instances/{instance_id}/upgrade": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The instance's id (its launch record). */
                instance_id: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upgrade an app instance to another version
         * @description Members of its project. Moves the running instance to `version` (default: the newest
         *     version published in its channel) through its runtime's upgrade: the new version
         *     installs while the old one serves, and when it fails (its upgrade hook, its start, or
         *     never ready) the old version runs again. The same checks as a launch apply to the new
         *     version (catalog, entitlement, approval: `APP_VERSION_REVOKED`,
         *     `APP_VERSION_NOT_APPROVED`, `APP_NOT_ENTITLED`; parameters against its schemas).
         *     Parameters are the instance's own unless given (merged, secrets from the instance's
         *     sealed ones unless given in `secrets`). An upgrade that widens what the tenant
         *     consented to — a permission added (name it in `accepted_permissions`), a meter added or
         *     a price raised (`accept_changes: true`) — is refused `APP_CONSENT_REQUIRED` with the
         *     `consent_diff` extension. On success the instance's launch period ends and a new one
         *     begins at the new version's prices; the answer carries `upgrade` with the outcome and
         *     the diff. A rollback answers `APP_UPGRADE_FAILED` with `runtime_code`
         *     `UPGRADE_ROLLED_BACK`: the instance keeps its version and launch period. 409
         *     `APP_INSTANCE_STATE_CONFLICT` for an instance that has ended or is not launched yet;
         *     `APP_UPGRADE_FAILED` with `runtime_code` `APP_STATE_CONFLICT` when the app is not ready.
         */
        post: operations["upgradeAppInstance"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/apps/{app}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One app of a project's catalog
         * @description Viewers of `project_id` (operators: any project). `app` is `publisher/app` with its slash
         *     percent-encoded (`acme%2Fecho`). 404 `NOT_FOUND` when the project's catalog has no such
         *     app (unpublished, or approved for a scope that does not cover the project).
         */
        get: operations["getCatalogApp"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/budgets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every project's monthly budget with this month's spend (operators)
         * @description Operators only (403 `FORBIDDEN` for anyone else). Every project that has a budget, ordered
         *     by project id: its limit, thresholds, this month's (UTC) spend (`spent_micros`: charges
         *     less refunds posted this month, as `GET /v1/billing/budgets/{project_id}` counts it), the
         *     spend as a percentage of the limit (`spent_percent`, decimal text rounded down to
         *     hundredths) and the alerts fired this month.
         */
        get: operations["listBillingBudgets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/earnings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A publisher project's earnings and statement for a month
         * @description Members of the publisher project and operators (404 for anyone else). `payable_micros` is
         *     the publisher's earnings account now. For the month (UTC, default this month):
         *     `by_app` sums the rated usage events of the publisher's app launches that happened in it,
         *     per app, version and meter (`hourly` for the app's hourly price): what tenants were
         *     charged, the platform's fee withheld and the publisher's share; `lines` are the ledger
         *     transfers on the earnings account for the month (app usage +, refunds −) with the opening
         *     and closing balances. Amounts are exact integer micro-units. Publisher statements are
         *     computed on each read and never closed (docs/billing.md). 400
         *     `STATEMENT_PERIOD_INVALID` for a period that is not `YYYY-MM`.
         */
        get: operations["getBillingEarnings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/storage/volumes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project's volumes, oldest first
         * @description Viewers of the project and operators (404 for anyone else). Volumes being deleted are listed until they are gone.
         */
        get: operations["listStorageVolumes"];
        put?: never;
        /**
         * Create a persistent volume
         * @description Members of the project. The volume is `creating` until its backend made its filesystem,
         *     then `available`; a name is unique in its project (409 `VOLUME_NAME_TAKEN`). The project's
         *     storage quota (total GiB, number of volumes) is checked first (422
         *     `STORAGE_QUOTA_EXCEEDED`). Billed per GiB-second from creation to deletion.
         */
        post: operations["createStorageVolume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/storage/volumes/{volume_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                volume_id: components["parameters"]["VolumeId"];
            };
            cookie?: never;
        };
        /**
         * One volume with its attachments
         * @description Viewers of its project and operators; 404 for anyone else.
         */
        get: operations["getStorageVolume"];
        put?: never;
        post?: never;
        /**
         * Delete a volume and its data
         * @description Members of its project. Refused with 409 `VOLUME_IN_USE` while an allocation has it
         *     attached. Its snapshots are kept (delete them separately). Billing stops at deletion.
         */
        delete: operations["deleteStorageVolume"];
        options?: never;
        head?: never;
        /**
         * Grow a volume (online)
         * @description Members of its project. Grows the filesystem, attached or not. A smaller size is refused
         *     with 422 `VOLUME_SHRINK_REFUSED` (restore a snapshot into, or copy to, a smaller volume
         *     instead); growth beyond the project's quota with 422 `STORAGE_QUOTA_EXCEEDED`.
         */
        patch: operations["resizeStorageVolume"];
        trace?: never;
    };
    "/v1/storage/volumes/{volume_id}/placement": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                volume_id: components["parameters"]["VolumeId"];
            };
            cookie?: never;
        };
        /**
         * GPU models with free capacity where the volume lives
         * @description Viewers of its project and operators. An allocation that attaches the volume is scheduled
         *     only on nodes of the volume's site; this lists the GPU models free there now.
         */
        get: operations["getStorageVolumePlacement"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/storage/snapshots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project's snapshots, oldest first
         * @description Viewers of the project and operators; `volume_id` keeps one volume's.
         */
        get: operations["listStorageSnapshots"];
        put?: never;
        /**
         * Snapshot a volume
         * @description Members of the volume's project. A point-in-time copy (copy-on-write where the filesystem
         *     offers reflinks, a full copy otherwise): consistent while the volume is detached,
         *     crash-consistent while attached. Counts against the project's snapshot quota and total
         *     GiB (422 `STORAGE_QUOTA_EXCEEDED`); a name is unique in the project (409
         *     `SNAPSHOT_NAME_TAKEN`).
         */
        post: operations["createStorageSnapshot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/storage/snapshots/{snapshot_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                snapshot_id: components["parameters"]["SnapshotId"];
            };
            cookie?: never;
        };
        /**
         * One snapshot
         * @description Viewers of its project and operators; 404 for anyone else.
         */
        get: operations["getStorageSnapshot"];
        put?: never;
        post?: never;
        /**
         * Delete a snapshot
         * @description Members of its project. Volumes restored from it are not affected.
         */
        delete: operations["deleteStorageSnapshot"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/storage/snapshots/{snapshot_id}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                snapshot_id: components["parameters"]["SnapshotId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a snapshot into a new volume
         * @description Members of its project. Creates a new volume named `name` with the snapshot's contents
         *     and size, at the snapshot's site; quota and naming rules are those of a new volume.
         */
        post: operations["restoreStorageSnapshot"];
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
            code: "VALIDATION_FAILED" | "MALFORMED_JSON" | "CURSOR_INVALID" | "TOKEN_MISSING" | "TOKEN_INVALID" | "TOKEN_EXPIRED" | "FORBIDDEN" | "INSUFFICIENT_SCOPE" | "NODE_CREDENTIAL_MISMATCH" | "SCOPE_NOT_GRANTABLE" | "NOT_FOUND" | "ROUTE_NOT_FOUND" | "MODEL_UNKNOWN" | "ALLOCATION_UNSATISFIABLE" | "ALLOCATION_NOT_RUNNING" | "TERMINAL_TOKEN_INVALID" | "UPGRADE_REQUIRED" | "RUNTIME_UNREACHABLE" | "NODE_CERTIFICATE_MISMATCH" | "APP_TRUST_NOT_CONFIGURED" | "APP_LAUNCH_FAILED" | "APP_NOT_READY" | "APP_ENDPOINT_UNREACHABLE" | "APP_UI_CODE_INVALID" | "USAGE_REPORTER_FORBIDDEN" | "USAGE_EVENT_CONFLICT" | "USAGE_EVENT_TOO_LATE" | "REFUND_APPROVAL_REQUIRED" | "METHOD_NOT_ALLOWED" | "ALREADY_EXISTS" | "LAST_OWNER" | "LAST_OPERATOR" | "IDEMPOTENCY_IN_FLIGHT" | "PRECONDITION_FAILED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "MALFORMED_REQUEST" | "REQUEST_TIMEOUT" | "HEADERS_TOO_LARGE" | "IDEMPOTENCY_KEY_REUSED" | "PRECONDITION_REQUIRED" | "RATE_LIMITED" | "INTERNAL" | "RESPONSE_INVALID" | "PORT_IN_USE" | "DATABASE_IN_USE" | "SLURM_API_UNSUPPORTED" | "SLURM_UNAVAILABLE" | "CONFIG_INVALID" | "NOT_READY" | "AMOUNT_INVALID" | "CURRENCY_INVALID" | "CURRENCY_MISMATCH" | "ACCOUNT_NOT_FOUND" | "ACCOUNT_CONFLICT" | "INSUFFICIENT_FUNDS" | "TRANSFER_ID_CONFLICT" | "TRANSFER_INVALID" | "PENDING_NOT_FOUND" | "PENDING_ALREADY_RESOLVED" | "POST_EXCEEDS_PENDING" | "CORRECTION_TARGET_NOT_FOUND" | "CORRECTION_EXCEEDS_ORIGINAL" | "RATING_CONFLICT" | "RATING_OUT_OF_ORDER" | "METER_UNKNOWN" | "RATING_INPUT_INVALID" | "STATEMENT_PERIOD_INVALID" | "STATEMENT_PERIOD_OPEN" | "STATEMENT_OUT_OF_ORDER" | "BUDGET_INVALID" | "PUBLISHER_KEY_INVALID" | "APP_REFERENCE_INVALID" | "APP_SIGNER_UNKNOWN" | "APP_VERSION_STATE_CONFLICT" | "APP_VERSION_NOT_APPROVED" | "APP_VERSION_REVOKED" | "APP_NOT_ENTITLED" | "APP_CONSENT_REQUIRED" | "APP_UPGRADE_FAILED" | "APP_INSTANCE_STATE_CONFLICT" | "PROFILE_NOT_MET" | "PROFILE_UNSATISFIABLE" | "REGISTRY_UNREACHABLE" | "VOLUME_NAME_TAKEN" | "SNAPSHOT_NAME_TAKEN" | "VOLUME_IN_USE" | "VOLUME_NOT_AVAILABLE" | "VOLUME_SHRINK_REFUSED" | "VOLUME_SITE_MISMATCH" | "VOLUME_MOUNT_INVALID" | "STORAGE_QUOTA_EXCEEDED" | "STORAGE_BACKEND_FAILED";
            correlation_id: string;
            /**
             * @description With APP_LAUNCH_FAILED (and other refusals relayed from an allocation's runtime): the
             *     runtime's own code, unchanged (docs/errors.md, "runtime"), e.g. ARTIFACT_PULL_FAILED.
             */
            runtime_code?: string;
            /** @description With APP_CONSENT_REQUIRED on an upgrade, what the new version changes. */
            consent_diff?: components["schemas"]["AppConsentDiff"];
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
        BillingRefundRequestList: {
            items: components["schemas"]["BillingRefundRequest"][];
            next_cursor: components["schemas"]["NextCursor"];
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
            /**
             * @description `earning` (app usage credited to a publisher) only on publisher statements.
             * @enum {string}
             */
            kind: "charge" | "refund" | "topup" | "credit" | "earning";
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
            /**
             * @description `publisher` on a publisher statement (the earnings account); absent on a project statement.
             * @enum {string}
             */
            account?: "publisher";
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
                /** @description Publisher statements: app usage credited in the month. */
                earnings_micros?: components["schemas"]["MicroUnits"];
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
                earnings?: string;
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
        BillingBudgetOverview: {
            project_id: components["schemas"]["Id"];
            currency: components["schemas"]["Currency"];
            limit_micros: components["schemas"]["MicroUnits"];
            alert_thresholds: number[];
            /** @description This month, `YYYY-MM` (UTC). */
            period: string;
            spent_micros: components["schemas"]["MicroUnits"];
            /** @description Spend as a percentage of the limit, rounded down to hundredths, e.g. `42.50`. */
            spent_percent: string;
            alerts_fired: {
                threshold: number;
                fired_at: components["schemas"]["Timestamp"];
            }[];
        };
        BillingBudgetList: {
            items: components["schemas"]["BillingBudgetOverview"][];
        };
        BillingEarningsLine: {
            /** @description The app version launched; null for a launch of no registered version. */
            version_id: components["schemas"]["Id"] | null;
            /** @description The manifest's app name. */
            app: string | null;
            /** @description The manifest's version. */
            version: string | null;
            /** @description The metered dimension, or `hourly` for the hourly price. */
            meter: string;
            /** @description Usage events rated. */
            events: number;
            charged_micros: components["schemas"]["MicroUnits"];
            fee_micros: components["schemas"]["MicroUnits"];
            earned_micros: components["schemas"]["MicroUnits"];
        };
        BillingEarningsTransfer: {
            transfer_id: string;
            /** @description `app_usage` (the publisher share) or `refund`. */
            category: string;
            amount_micros: components["schemas"]["MicroUnits"];
            allocation_id: string | null;
            /** @description The usage it is for (earliest event). */
            period_start: string | null;
            /** @description The usage it is for (latest event). */
            period_end: string | null;
            posted_at: components["schemas"]["Timestamp"];
            /** @description For a refund: the charge it reverses. */
            corrects_id: string | null;
        };
        BillingEarnings: {
            project_id: components["schemas"]["Id"];
            currency: components["schemas"]["Currency"];
            /** @description `YYYY-MM` (UTC). */
            period: string;
            payable_micros: components["schemas"]["MicroUnits"];
            opening_balance_micros: components["schemas"]["MicroUnits"];
            closing_balance_micros: components["schemas"]["MicroUnits"];
            totals: {
                earned_micros: components["schemas"]["MicroUnits"];
                refunds_micros: components["schemas"]["MicroUnits"];
                fees_withheld_micros: components["schemas"]["MicroUnits"];
                charged_micros: components["schemas"]["MicroUnits"];
                net_micros: components["schemas"]["MicroUnits"];
            };
            by_app: components["schemas"]["BillingEarningsLine"][];
            lines: components["schemas"]["BillingEarningsTransfer"][];
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
            /**
             * @description A remote node (one that serves its runtimes on a TCP address): the SHA-256 of the DER
             *     of the TLS certificate it serves them with, lowercase hex. Every platform connection to
             *     the node's runtimes is refused (502 NODE_CERTIFICATE_MISMATCH) unless the peer shows
             *     this certificate. Each registration replaces the pinned one (rotation: the agent
             *     registers again with its new certificate); a registration without it clears the pin,
             *     so the node's TCP endpoints are refused until it registers one.
             */
            runtime_certificate_sha256?: string;
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
            /** @description The TLS certificate its runtimes are pinned to (`NodeRegistration`); null for a local node. */
            runtime_certificate_sha256?: string | null;
            gpus: components["schemas"]["NodeGpu"][];
            /** @description Allocations holding GPUs here. */
            allocations: components["schemas"]["Id"][];
            last_heartbeat_at: components["schemas"]["Timestamp"] | null;
            registered_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        /** @description A node's name, as its agent registers it. */
        NodeName: string;
        NodeCredential: {
            id: components["schemas"]["Id"];
            node_name: components["schemas"]["NodeName"];
            /** @description The operator who issued it (null: the gpuaas-platform CLI). */
            created_by: string | null;
            created_at: components["schemas"]["Timestamp"];
            /** @description Set by a rotation: the end of the overlap. Null: valid until revoked. */
            expires_at: components["schemas"]["Timestamp"] | null;
            revoked_at: components["schemas"]["Timestamp"] | null;
            /** @description The credential this one rotated. */
            replaces: components["schemas"]["Id"] | null;
        };
        NodeCredentialWithSecret: {
            id: components["schemas"]["Id"];
            node_name: components["schemas"]["NodeName"];
            /** @description What the agent presents as its bearer token (`gpn_…`); shown once, store it safely. */
            secret: string;
            created_by: string | null;
            created_at: components["schemas"]["Timestamp"];
            expires_at: components["schemas"]["Timestamp"] | null;
            revoked_at: components["schemas"]["Timestamp"] | null;
            replaces: components["schemas"]["Id"] | null;
        };
        NodeCredentialCreate: {
            node_name: components["schemas"]["NodeName"];
        };
        NodeCredentialRotate: {
            /**
             * @description How long the old credential stays valid beside the new one (at most 7 days).
             * @default 3600
             */
            overlap_seconds: number;
        };
        NodeCredentialList: {
            items: components["schemas"]["NodeCredential"][];
            next_cursor: components["schemas"]["NextCursor"];
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
            /**
             * @description Exactly the volumes to bind-mount into the sandbox: `source` is the folder on the node
             *     where the volume's filesystem is mounted, `mount_path` where the sandbox sees it.
             */
            volumes?: {
                volume_id: components["schemas"]["Id"];
                source: string;
                mount_path: string;
                read_only: boolean;
            }[];
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
        /** @description The GPUs an allocation asks for (also a catalog launch's override of the app's profile). */
        AllocationCreateGpus: {
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
        AllocationCreate: {
            project_id: components["schemas"]["Id"];
            name?: components["schemas"]["Name"];
            gpus: components["schemas"]["AllocationCreateGpus"];
            /**
             * @description Released by the server this long after the allocation first runs (a re-created
             *     sandbox does not extend it). At most 30 days (`30d`, 2592000 seconds).
             */
            ttl?: components["schemas"]["Duration"];
            /** @description Released after this long without terminal activity. At most 7 days (`7d`, 604800 seconds). */
            idle_timeout?: components["schemas"]["Duration"];
            /** @description Higher goes first (default 100); 0 to 1000. */
            priority?: number;
            /**
             * @description Up to 4 of the project's volumes to mount in the sandbox (the `storage:write` scope is not
             *     needed; being allowed to create the allocation is). Read-write attachments are exclusive
             *     (409 `VOLUME_IN_USE`), read-only ones may be shared; the allocation is scheduled only on
             *     nodes of the volumes' site. Detached at release.
             */
            volumes?: components["schemas"]["VolumeMount"][];
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
            /** @description The volumes attached to it (kept after release, for history); absent when none. */
            volumes?: components["schemas"]["AllocationVolume"][];
        };
        /** @description A volume attached to an allocation, and where its sandbox sees it. */
        AllocationVolume: {
            volume_id: components["schemas"]["Id"];
            name: string;
            mount_path: string;
            read_only: boolean;
        };
        AllocationList: {
            items: components["schemas"]["Allocation"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        /**
         * @description `creating` until the backend made its filesystem, `available` while detached, `attached`
         *     while at least one allocation mounts it, `deleting` until its data is gone.
         * @enum {string}
         */
        StorageVolumeState: "creating" | "available" | "attached" | "deleting";
        StorageVolumeAttachment: {
            allocation_id: components["schemas"]["Id"];
            mount_path: string;
            read_only: boolean;
        };
        StorageVolume: {
            id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            name: components["schemas"]["Name"];
            size_gib: number;
            /** @description The group of nodes that can reach it (`local` for local nodes). */
            site: string;
            /** @description The backend kind, e.g. `local`. */
            storage_class: string;
            state: components["schemas"]["StorageVolumeState"];
            attachments: components["schemas"]["StorageVolumeAttachment"][];
            /** @description The snapshot it was restored from. */
            source_snapshot_id?: string | null;
            created_by: string | null;
            created_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
        };
        StorageVolumeList: {
            items: components["schemas"]["StorageVolume"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        StorageVolumeCreate: {
            project_id: components["schemas"]["Id"];
            name: components["schemas"]["Name"];
            /** @description Size in GiB, 1 to 65536. */
            size_gib: number;
            /** @description Where it lives (default: the platform default site, `local`). */
            site?: string;
        };
        StorageVolumeResize: {
            /** @description The new size; not smaller than the current one. */
            size_gib: number;
        };
        StorageVolumePlacement: {
            volume_id: components["schemas"]["Id"];
            site: string;
            /** @description GPU models with free capacity on schedulable nodes of the site now. */
            gpus: {
                model: string;
                free_gpus: number;
                /** @description Nodes with at least one free GPU of the model. */
                nodes: number;
            }[];
        };
        StorageSnapshot: {
            id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            /** @description The volume it was taken of; null once that is deleted. */
            volume_id: string | null;
            name: components["schemas"]["Name"];
            size_gib: number;
            site: string;
            created_by: string | null;
            created_at: components["schemas"]["Timestamp"];
        };
        StorageSnapshotList: {
            items: components["schemas"]["StorageSnapshot"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        StorageSnapshotCreate: {
            volume_id: components["schemas"]["Id"];
            name: components["schemas"]["Name"];
        };
        StorageSnapshotRestore: {
            name: components["schemas"]["Name"];
        };
        VolumeMount: {
            name: components["schemas"]["Name"];
            /** @description Where the sandbox sees it, under `/mnt/` (letters, digits, `.`, `_`, `-`, `/`; no `..`). */
            mount_path: string;
            /** @description Mount read-only (shared); read-write (the default) is exclusive. */
            read_only?: boolean;
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
            /**
             * @description Set by the platform on a launch answer: `deprecated` when the launched app version is
             *     deprecated (still launchable, but its publisher has moved on).
             */
            warnings?: string[];
        };
        /** @description Which UI extension to open; the first the manifest declares when omitted. */
        AppUiSessionCreate: {
            /** @description The name of an endpoint declared with `ui` in the running app's manifest. */
            endpoint?: string;
        };
        /** @description A one-time sign-in code for an app instance's UI extension origin. */
        AppUiSession: {
            /** @description Single use, valid 60 seconds; part of `url`. */
            code: string;
            /**
             * Format: uri
             * @description `<origin>/.gpuaas/signin?code=…`: open it (in the console iframe or a browser tab).
             */
            url: string;
            /**
             * Format: uri
             * @description The instance origin, `http(s)://<allocation-id>.apps.<platform host>[:port]`.
             */
            origin: string;
            /** @description The UI extension endpoint the origin serves. */
            endpoint: string;
            expires_at: components["schemas"]["Timestamp"];
        };
        /**
         * @description A signing key (`kind: key`) or keyless OIDC identity (`kind: keyless`) a project's app
         *     versions are verified against. Retired keys no longer verify new registrations.
         */
        PublisherKey: {
            id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            /** @description Hex SHA-256 of the key's SPKI DER (of `issuer` and `subject` for an identity). */
            key_id: string;
            /** @enum {string} */
            kind: "key" | "keyless";
            name: string;
            /** @description SPKI PEM; null for a keyless identity. */
            public_key: string | null;
            /** @description OIDC issuer URL of a keyless identity. */
            issuer: string | null;
            /** @description Certificate subject (e.g. an email or workflow URI) of a keyless identity. */
            subject: string | null;
            /** @description `user:<id>` or `service_account:<id>`. */
            created_by: string;
            created_at: components["schemas"]["Timestamp"];
            retired_at: components["schemas"]["Timestamp"] | null;
        };
        /** @description `public_key`, or `issuer` with `subject`; not both. */
        PublisherKeyCreate: {
            project_id: components["schemas"]["Id"];
            /** @description A label; defaults to the key id’s first 12 characters. */
            name?: string;
            /** @description ECDSA P-256 public key, SPKI PEM. */
            public_key?: string;
            /** Format: uri */
            issuer?: string;
            subject?: string;
        };
        PublisherKeyList: {
            items: components["schemas"]["PublisherKey"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        /**
         * @description `submitted → verified | rejected`, `verified → approved | rejected`, `approved → published →
         *     deprecated`, approved/published/deprecated → `revoked`. Launchable: approved, published,
         *     deprecated.
         * @enum {string}
         */
        AppVersionState: "submitted" | "verified" | "rejected" | "approved" | "published" | "deprecated" | "revoked";
        /** @description Why a registration was rejected, one entry per problem. */
        AppVersionError: {
            /** @description A validator code (docs/manifest.md) or the verifier's, e.g. SIGNATURE_INVALID, APP_SIGNER_UNKNOWN. */
            code: string;
            message: string;
            /** @description JSON pointer into gpuaas.yaml, for validator errors. */
            pointer?: string;
        };
        /**
         * @description Who may launch an approved version.
         * @enum {string}
         */
        AppVersionScope: "platform" | "organization" | "project";
        AppVersionApproval: {
            scope: components["schemas"]["AppVersionScope"];
            /** @description The organisation or project; null for `platform`. */
            scope_id: string | null;
        };
        /** @description One registered artifact (registry, repository, digest) of a publisher project. */
        AppVersion: {
            id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            /** @description host:port of the registry. */
            registry: string;
            /** @description Repository path, e.g. `acme/llm-server`. */
            repository: string;
            /** @description `registry/repository@digest`. */
            reference: string;
            /** @description The tag registered, if any (resolved once). */
            tag: string | null;
            digest: string;
            /** @description The manifest's name ('' when it could not be read). */
            app: string;
            /** @description The manifest's version ('' when it could not be read). */
            version: string;
            state: components["schemas"]["AppVersionState"];
            /** @description The publisher key that verified the signature. */
            signer_key_id: string | null;
            /** @description Why it was rejected at registration; null otherwise. */
            errors: components["schemas"]["AppVersionError"][] | null;
            /** @description The scopes the manifest requests (`permissions.scopes`). */
            permissions: string[];
            /** @description `user:<id>` or `service_account:<id>`. */
            submitted_by: string;
            submitted_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
            reviewed_by: string | null;
            reviewed_at: components["schemas"]["Timestamp"] | null;
            /** @description Why it was rejected, deprecated or revoked. */
            reason: string | null;
            approval: components["schemas"]["AppVersionApproval"] | null;
            /** @description Where approval promoted it: `registry/release/<publisher>/<app>@digest`. */
            release_reference: string | null;
            revoked_at: components["schemas"]["Timestamp"] | null;
            /** @description The release channels it is published in (`AppVersionPublish.channels`). */
            channels?: string[];
        };
        AppVersionChange: {
            /** @description e.g. `hourlyPrice`, `metered.tokens`, `minimum.gpus.count`. */
            field: string;
            /** @description The previous approved version’s value (null when absent). */
            before: unknown;
            /** @description This version’s value (null when absent). */
            after: unknown;
        };
        AppVersionSetDiff: {
            added: string[];
            removed: string[];
        };
        AppVersionDiff: {
            permissions: components["schemas"]["AppVersionSetDiff"];
            meters: components["schemas"]["AppVersionSetDiff"];
            prices: components["schemas"]["AppVersionChange"][];
            gpu: components["schemas"]["AppVersionChange"][];
        };
        /** @description An AppVersion with its manifest and what changed since the previous approved version. */
        AppVersionDetail: {
            id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            /** @description host:port of the registry. */
            registry: string;
            /** @description Repository path, e.g. `acme/llm-server`. */
            repository: string;
            /** @description `registry/repository@digest`. */
            reference: string;
            /** @description The tag registered, if any (resolved once). */
            tag: string | null;
            digest: string;
            /** @description The manifest's name ('' when it could not be read). */
            app: string;
            /** @description The manifest's version ('' when it could not be read). */
            version: string;
            state: components["schemas"]["AppVersionState"];
            /** @description The publisher key that verified the signature. */
            signer_key_id: string | null;
            /** @description Why it was rejected at registration; null otherwise. */
            errors: components["schemas"]["AppVersionError"][] | null;
            /** @description The scopes the manifest requests (`permissions.scopes`). */
            permissions: string[];
            /** @description `user:<id>` or `service_account:<id>`. */
            submitted_by: string;
            submitted_at: components["schemas"]["Timestamp"];
            updated_at: components["schemas"]["Timestamp"];
            reviewed_by: string | null;
            reviewed_at: components["schemas"]["Timestamp"] | null;
            /** @description Why it was rejected, deprecated or revoked. */
            reason: string | null;
            approval: components["schemas"]["AppVersionApproval"] | null;
            /** @description Where approval promoted it: `registry/release/<publisher>/<app>@digest`. */
            release_reference: string | null;
            revoked_at: components["schemas"]["Timestamp"] | null;
            /** @description The release channels it is published in (`AppVersionPublish.channels`). */
            channels?: string[];
            /** @description The parsed gpuaas.yaml; null when it could not be read. */
            manifest: {
                [key: string]: unknown;
            } | null;
            /** @description The newest approved, published or deprecated version of the same repository. */
            previous_approved: {
                id: components["schemas"]["Id"];
                version: string;
                digest: string;
            } | null;
            /** @description This version against `previous_approved`; null without one. */
            diff: components["schemas"]["AppVersionDiff"] | null;
        };
        AppVersionList: {
            items: components["schemas"]["AppVersion"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        /**
         * @description Who may launch a published version from the catalog: `free` and `paid` (prices charged
         *     through billing) every project its approval covers; `grant` only granted projects.
         * @enum {string}
         */
        AppAccess: "free" | "paid" | "grant";
        AppInstanceCreate: {
            project_id: components["schemas"]["Id"];
            /** @description `publisher/app`. */
            app: string;
            /** @description A version (or version id) in the catalog; default: the newest published. */
            version?: string;
            /**
             * @description An allocation of the project to launch into (it must meet the manifest's minimum
             *     profile). Absent: the platform creates one from the manifest's profile (or `gpus`).
             */
            allocation_id?: components["schemas"]["Id"];
            /**
             * @description Without `allocation_id`: the GPUs to ask for instead of the manifest's profile; never
             *     below its minimum (`VALIDATION_FAILED`).
             */
            gpus?: components["schemas"]["AllocationCreateGpus"];
            /** @description Without `allocation_id`, the created allocation's `ttl` (AllocationCreate). */
            ttl?: components["schemas"]["Duration"];
            /**
             * @description Launch parameters, checked against the manifest's schemas. A parameter the manifest
             *     marks `secret: true` is refused here (`VALIDATION_FAILED`): pass it in `secrets`.
             */
            parameters?: {
                [key: string]: unknown;
            };
            /**
             * @description Values of the parameters the manifest marks `secret: true` (only those). Kept sealed
             *     (AES-256-GCM) until the instance ends, never answered, logged or audited.
             */
            secrets?: {
                [key: string]: string;
            };
            /** @description The release channel to follow (default `stable`). */
            channel?: string;
            /**
             * @description `automatic`: install new versions of its channel that need no fresh consent (default `manual`).
             * @enum {string}
             */
            upgrades?: "manual" | "automatic";
            /** @description The permissions the caller consents to give the app's service account; must include each one the version asks for. */
            accepted_permissions?: string[];
        };
        /** @description A catalog app launched into an allocation. */
        AppInstance: {
            id: components["schemas"]["Id"];
            /** @description `pending` (its allocation is starting), `launching`, `failed`, `stopped`; while running, the runtime's app state (`fetching`, `ready`, …; `unknown` when unreachable) where it was asked, else `running`. */
            state: string;
            /** @description The manifest name. */
            app: string | null;
            version: string | null;
            version_id: string | null;
            project_id: components["schemas"]["Id"];
            allocation_id: components["schemas"]["Id"];
            /** @description What the runtime launched (the release reference). */
            reference: string;
            /** @description The app's endpoints through the platform's relay (members of the project, with their bearer token). */
            endpoints: {
                name: string;
                /** Format: uri */
                url: string;
            }[];
            /** @description `deprecated` for a deprecated version. */
            warnings?: string[];
            launched_by: string;
            /** Format: date-time */
            launched_at: string;
            /** Format: date-time */
            ended_at: string | null;
            /** @description Why a `failed` instance failed (the runtime's or the platform's error code); null otherwise. */
            failure?: {
                code: string;
                detail: string;
            } | null;
            /** @description The release channel the instance follows (default `stable`). */
            channel?: string;
            /**
             * @description Whether a new version in its channel is installed without asking (when it needs no fresh consent).
             * @enum {string}
             */
            upgrades?: "manual" | "automatic";
            /** @description In the answer of `POST …/{instance_id}/upgrade` only, how the upgrade went. */
            upgrade?: components["schemas"]["AppInstanceUpgradeOutcome"];
        };
        AppInstanceUpgradeOutcome: {
            from_version: string;
            to_version: string;
            /**
             * @description A rollback is `APP_UPGRADE_FAILED` instead.
             * @enum {string}
             */
            outcome: "succeeded";
            consent_diff: components["schemas"]["AppConsentDiff"];
        };
        /** @description Which version to move an instance to, and the consent to what it changes. */
        AppInstanceUpgrade: {
            /** @description A version (or version id) in the project's catalog; default: the newest published in the instance's channel. */
            version?: string;
            /** @description Consent to the permissions the new version adds to its service account (each one it adds). */
            accepted_permissions?: string[];
            /** @description Consent to a meter the new version adds or a price it raises (see `consent_diff`). */
            accept_changes?: boolean;
            /**
             * @description Parameters to change (merged over the instance's own), checked against the new
             *     version's schemas; a `secret: true` parameter goes in `secrets`.
             */
            parameters?: {
                [key: string]: unknown;
            };
            /** @description Secret parameters to change; the others stay as sealed at launch. */
            secrets?: {
                [key: string]: string;
            };
        };
        AppInstanceUpdate: {
            /** @description The release channel to follow (`stable`, `beta`, …). */
            channel?: string;
            /**
             * @description `automatic`: upgrade to each version published in the channel that needs no fresh consent.
             * @enum {string}
             */
            upgrades?: "manual" | "automatic";
        };
        /**
         * @description What moving an instance from `from_version` to `to_version` changes in what the tenant
         *     consented to. `widening` (fresh consent needed): a permission or meter added, a price
         *     added or raised, or another currency. Prices are decimal text; `item` is `hourly`,
         *     `metered.<meter>` or `currency` (then `from`/`to` are currency codes).
         */
        AppConsentDiff: {
            from_version: string;
            to_version: string;
            permissions_added: string[];
            permissions_removed: string[];
            meters_added: string[];
            meters_removed: string[];
            prices_changed: {
                item: string;
                from: string | null;
                to: string | null;
            }[];
            widening: boolean;
        };
        AppInstanceList: {
            items: components["schemas"]["AppInstance"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        AppVersionPublish: {
            access?: components["schemas"]["AppAccess"];
            /**
             * @description The release channels the version is published in (default `["stable"]`). Instances
             *     following one of them with `upgrades: automatic` are upgraded to it when it needs no
             *     fresh consent; the others get `app_instance.upgrade_available`.
             */
            channels?: string[];
        };
        AppEntitlementGrant: {
            /** @description `publisher/app`. */
            app: string;
            project_id: components["schemas"]["Id"];
            /**
             * Format: date-time
             * @description The grant ends here (exclusive).
             */
            until?: string;
        };
        /** @description A project's grant to launch an app. */
        AppEntitlement: {
            id: components["schemas"]["Id"];
            app: string;
            publisher_project_id: components["schemas"]["Id"];
            project_id: components["schemas"]["Id"];
            /** Format: date-time */
            until: string | null;
            /** @description Not revoked and not past `until`. */
            active: boolean;
            granted_by: string;
            /** Format: date-time */
            granted_at: string;
            revoked_by: string | null;
            /** Format: date-time */
            revoked_at: string | null;
        };
        AppEntitlementList: {
            items: components["schemas"]["AppEntitlement"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        CatalogAppList: {
            items: components["schemas"]["CatalogApp"][];
            next_cursor: components["schemas"]["NextCursor"];
        };
        /** @description An app in a project's catalog, with the versions the project may launch. */
        CatalogApp: {
            /** @description `publisher/app`: the publisher project and the repository after its namespace. */
            name: string;
            /** @description The publisher project. */
            publisher: {
                project_id: components["schemas"]["Id"];
                name: string;
            };
            /** @description The registry (host:port) the versions were registered from. */
            registry: string;
            /** @description The source repository (`ns/app`). */
            repository: string;
            /** @description The manifest's displayName. */
            display_name: string | null;
            /** @description The manifest's description. */
            description: string | null;
            /** @description The manifest's catalog categories. */
            categories: string[];
            /** @description The newest published version (or newest deprecated one). */
            latest_version: string;
            /** @description Newest first. */
            versions: components["schemas"]["CatalogVersion"][];
        };
        /** @description One launchable version of a catalog app. */
        CatalogVersion: {
            id: components["schemas"]["Id"];
            version: string;
            /** @enum {string} */
            state: "published" | "deprecated";
            digest: string;
            /** @description What launches: `host/release/…:tag@sha256:…`. */
            release_reference: string;
            /**
             * Format: date-time
             * @description When it was last reviewed.
             */
            published_at: string;
            /** @description The manifest's `resources` (minimum and recommended workload profiles). */
            gpu: {
                [key: string]: unknown;
            } | null;
            /** @description The manifest's prices (decimal strings); null for an app without billing. */
            prices: null | {
                currency: string;
                hourly_price: string | null;
                metered: {
                    meter: string;
                    price_per_unit: string;
                }[];
            };
            /** @description Scopes the app's service account asks for. */
            permissions: string[];
            /** @description The manifest's launch parameters (name → JSON Schema). */
            parameters: {
                [key: string]: unknown;
            };
            /** @description Names of the endpoints it declares. */
            endpoints: string[];
            access: components["schemas"]["AppAccess"];
        };
        AppVersionRegister: {
            project_id: components["schemas"]["Id"];
            /** @description OCI reference `host:port/ns/app:tag` or `…@sha256:…`. */
            reference: string;
        };
        AppVersionApprove: {
            scope: components["schemas"]["AppVersionScope"];
            /** @description The organisation or project (required for those scopes). */
            scope_id?: components["schemas"]["Id"];
        };
        AppVersionReason: {
            reason: string;
        };
        AppVersionDeprecate: {
            reason?: string;
        };
        AppVersionRevoke: {
            reason: string;
            /** @description Also stop the running instances of the digest (default false). */
            stop_running?: boolean;
        };
        AppTrust: {
            approval_key: {
                key_id: string;
                /** @description ECDSA P-256 public key, SPKI PEM. */
                public_key: string;
            };
            /** @description The approval attestation's in-toto predicate type, `https://gpuaas.dev/attestations/approval/v1`. */
            predicate_type: string;
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
        NodeCredentialId: components["schemas"]["Id"];
        AllocationId: components["schemas"]["Id"];
        VolumeId: components["schemas"]["Id"];
        SnapshotId: components["schemas"]["Id"];
        /** @description The instance's id (its launch record). */
        AppInstanceId: components["schemas"]["Id"];
        AppVersionId: components["schemas"]["Id"];
        /** @description The key id (hex SHA-256), as `PublisherKey.key_id`. */
        PublisherKeyId: string;
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
    listNodeCredentials: {
        parameters: {
            query?: {
                node_name?: components["schemas"]["NodeName"];
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
            /** @description One page of node credentials. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeCredentialList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createNodeCredential: {
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
                "application/json": components["schemas"]["NodeCredentialCreate"];
            };
        };
        responses: {
            /** @description The credential and its secret. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeCredentialWithSecret"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    revokeNodeCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                credential_id: components["parameters"]["NodeCredentialId"];
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
    rotateNodeCredential: {
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
                credential_id: components["parameters"]["NodeCredentialId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["NodeCredentialRotate"];
            };
        };
        responses: {
            /** @description The new credential and its secret. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NodeCredentialWithSecret"];
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
    callAppEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                allocation_id: components["parameters"]["AllocationId"];
                /** @description The name of an http endpoint the running app's manifest declares (`endpoints[].name`). */
                endpoint: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switched protocols (a WebSocket upgrade the app accepted). */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The app's answer (any status the app sends is relayed as it is). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
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
    createAppUiSession: {
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
                "application/json": components["schemas"]["AppUiSessionCreate"];
            };
        };
        responses: {
            /** @description The one-time code and the URL that signs the user in on the instance origin. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppUiSession"];
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
    listBillingRefundRequests: {
        parameters: {
            query?: {
                state?: "pending" | "approved";
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
            /** @description One page of refund requests, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingRefundRequestList"];
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
                /**
                 * @description Whose statement: `project` (default), the project's prepaid balance; `publisher`, the
                 *     project's earnings payable as an app publisher (app usage credited, refunds taken back).
                 */
                account?: "project" | "publisher";
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
            query?: {
                /**
                 * @description Whose statement: `project` (default), the project's prepaid balance; `publisher`, the
                 *     project's earnings payable as an app publisher (app usage credited, refunds taken back).
                 */
                account?: "project" | "publisher";
            };
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
    listPublisherKeys: {
        parameters: {
            query: {
                project_id: components["schemas"]["Id"];
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
            /** @description One page of keys. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublisherKeyList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    addPublisherKey: {
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
                "application/json": components["schemas"]["PublisherKeyCreate"];
            };
        };
        responses: {
            /** @description The key was registered before; it is returned unchanged. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublisherKey"];
                };
            };
            /** @description The key, registered. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublisherKey"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    retirePublisherKey: {
        parameters: {
            query: {
                /** @description The project whose key it is. */
                project_id: components["schemas"]["Id"];
            };
            header?: {
                /**
                 * @description A unique key per intended operation (e.g. a UUID). A retry with the same key and body
                 *     returns the first response with `Idempotent-Replayed: true`; keys live 24 hours.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description The key id (hex SHA-256), as `PublisherKey.key_id`. */
                key_id: components["parameters"]["PublisherKeyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key, retired. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublisherKey"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listAppVersions: {
        parameters: {
            query?: {
                project_id?: components["schemas"]["Id"];
                state?: components["schemas"]["AppVersionState"];
                /** @description Only this repository (`ns/app`, without the registry). */
                repository?: string;
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
            /** @description One page of versions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersionList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    registerAppVersion: {
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
                "application/json": components["schemas"]["AppVersionRegister"];
            };
        };
        responses: {
            /** @description This artifact was registered before; the existing version. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersion"];
                };
            };
            /** @description The version, `verified` or `rejected`. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersion"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getAppVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The version. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersionDetail"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    approveAppVersion: {
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
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppVersionApprove"];
            };
        };
        responses: {
            /** @description The version, approved. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersion"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    rejectAppVersion: {
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
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppVersionReason"];
            };
        };
        responses: {
            /** @description The version, rejected. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersion"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    publishAppVersion: {
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
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["AppVersionPublish"];
            };
        };
        responses: {
            /** @description The version, published. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersion"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    deprecateAppVersion: {
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
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["AppVersionDeprecate"];
            };
        };
        responses: {
            /** @description The version, deprecated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersion"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    revokeAppVersion: {
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
                version_id: components["parameters"]["AppVersionId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppVersionRevoke"];
            };
        };
        responses: {
            /** @description The version, revoked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppVersion"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getAppTrust: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The approval key. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppTrust"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listApps: {
        parameters: {
            query: {
                /** @description The project whose catalog to list. */
                project_id: components["schemas"]["Id"];
                /** @description Case-insensitive text in the app's name, display name or description. */
                q?: string;
                /** @description Only apps listed under this manifest category. */
                category?: string;
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
            /** @description One page of catalog apps. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CatalogAppList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listAppEntitlements: {
        parameters: {
            query?: {
                /** @description The granted project. */
                project_id?: components["schemas"]["Id"];
                /** @description The app, `publisher/app`. */
                app?: string;
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
            /** @description One page of grants. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppEntitlementList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    grantAppEntitlement: {
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
                "application/json": components["schemas"]["AppEntitlementGrant"];
            };
        };
        responses: {
            /** @description The active grant, its end updated. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppEntitlement"];
                };
            };
            /** @description The grant. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppEntitlement"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    revokeAppEntitlement: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The grant's id. */
                entitlement_id: components["schemas"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The grant, revoked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppEntitlement"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listAppInstances: {
        parameters: {
            query: {
                /** @description The project. */
                project_id: components["schemas"]["Id"];
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
            /** @description One page of instances. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    launchAppInstance: {
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
                "application/json": components["schemas"]["AppInstanceCreate"];
            };
        };
        responses: {
            /**
             * @description No `allocation_id`: the allocation is created and the instance is `pending`; it is
             *     launched once the allocation runs (`failed`, with its failure, if it never does).
             */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstance"];
                };
            };
            /** @description The instance, launching. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstance"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getAppInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The instance's id (its launch record). */
                instance_id: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instance. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstance"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    uninstallAppInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The instance's id (its launch record). */
                instance_id: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Uninstalled. */
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
    updateAppInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The instance's id (its launch record). */
                instance_id: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppInstanceUpdate"];
            };
        };
        responses: {
            /** @description The instance. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstance"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    stopAppInstance: {
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
                /** @description The instance's id (its launch record). */
                instance_id: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instance, stopped. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstance"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    upgradeAppInstance: {
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
                /** @description The instance's id (its launch record). */
                instance_id: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppInstanceUpgrade"];
            };
        };
        responses: {
            /** @description The instance, on the new version. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstance"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getCatalogApp: {
        parameters: {
            query: {
                /** @description The project whose catalog to look in. */
                project_id: components["schemas"]["Id"];
            };
            header?: never;
            path: {
                /** @description The app's name, `publisher/app` (the slash percent-encoded). */
                app: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The app with its versions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CatalogApp"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listBillingBudgets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The budgets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingBudgetList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getBillingEarnings: {
        parameters: {
            query: {
                /** @description The publisher project. */
                project_id: components["schemas"]["Id"];
                /** @description A calendar month in UTC, `YYYY-MM` (default this month). */
                period?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The earnings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BillingEarnings"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listStorageVolumes: {
        parameters: {
            query: {
                project_id: components["schemas"]["Id"];
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
            /** @description One page of volumes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageVolumeList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createStorageVolume: {
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
                "application/json": components["schemas"]["StorageVolumeCreate"];
            };
        };
        responses: {
            /** @description The volume, available. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageVolume"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getStorageVolume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                volume_id: components["parameters"]["VolumeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The volume. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageVolume"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    deleteStorageVolume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                volume_id: components["parameters"]["VolumeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The volume is gone. */
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
    resizeStorageVolume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                volume_id: components["parameters"]["VolumeId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StorageVolumeResize"];
            };
        };
        responses: {
            /** @description The volume at its new size. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageVolume"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getStorageVolumePlacement: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                volume_id: components["parameters"]["VolumeId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The volume's site and the free GPUs there, by model. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageVolumePlacement"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    listStorageSnapshots: {
        parameters: {
            query: {
                project_id: components["schemas"]["Id"];
                volume_id?: components["schemas"]["Id"];
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
            /** @description One page of snapshots. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageSnapshotList"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    createStorageSnapshot: {
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
                "application/json": components["schemas"]["StorageSnapshotCreate"];
            };
        };
        responses: {
            /** @description The snapshot. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageSnapshot"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    getStorageSnapshot: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                snapshot_id: components["parameters"]["SnapshotId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The snapshot. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageSnapshot"];
                };
            };
            "4XX": components["responses"]["ClientError"];
            default: components["responses"]["Problem"];
        };
    };
    deleteStorageSnapshot: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                snapshot_id: components["parameters"]["SnapshotId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The snapshot is gone. */
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
    restoreStorageSnapshot: {
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
                snapshot_id: components["parameters"]["SnapshotId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StorageSnapshotRestore"];
            };
        };
        responses: {
            /** @description The new volume. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StorageVolume"];
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
