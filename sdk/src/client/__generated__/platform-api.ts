/* eslint-disable */
// Generated from platform/openapi.yaml by `npm run codegen` (sdk/scripts/codegen-client.ts). Do not edit.

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
        /** Prometheus metrics */
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
        /** Public keys that verify the platform's tokens */
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
        /** This document, as JSON */
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
        /** The authenticated user */
        get: operations["getCurrentUser"];
        put?: never;
        post?: never;
        delete?: never;
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
        /** Create an organisation */
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
        /** One organisation */
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
        /** One project */
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
        /** Members of a project and their roles */
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
        /** One service account (never its secret) */
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
        /** Every matching audit event as JSON Lines or CSV, streamed */
        get: operations["exportAuditEvents"];
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
        /** Format: date-time */
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
            code: "VALIDATION_FAILED" | "MALFORMED_JSON" | "CURSOR_INVALID" | "TOKEN_MISSING" | "TOKEN_INVALID" | "TOKEN_EXPIRED" | "FORBIDDEN" | "INSUFFICIENT_SCOPE" | "NOT_FOUND" | "ROUTE_NOT_FOUND" | "METHOD_NOT_ALLOWED" | "ALREADY_EXISTS" | "LAST_OWNER" | "IDEMPOTENCY_IN_FLIGHT" | "PRECONDITION_FAILED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "IDEMPOTENCY_KEY_REUSED" | "PRECONDITION_REQUIRED" | "RATE_LIMITED" | "INTERNAL" | "RESPONSE_INVALID" | "CONFIG_INVALID" | "NOT_READY";
            correlation_id: string;
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
            details?: Record<string, never>;
        };
        AuditEventList: {
            items: components["schemas"]["AuditEvent"][];
            next_cursor: components["schemas"]["NextCursor"];
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
    };
    parameters: {
        /** @description Page size. */
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
        /** @description Only events at or after this time. */
        AuditSince: string;
        /** @description Only events before this time. */
        AuditUntil: string;
    };
    requestBodies: never;
    headers: {
        /** @description Strong validator of the resource's current version; send it back in `If-Match`. */
        ETag: string;
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
                    "application/json": Record<string, never>;
                };
            };
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
            default: components["responses"]["Problem"];
        };
    };
    listOrganizations: {
        parameters: {
            query?: {
                /** @description Page size. */
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
            default: components["responses"]["Problem"];
        };
    };
    listProjects: {
        parameters: {
            query?: {
                /** @description Page size. */
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
            default: components["responses"]["Problem"];
        };
    };
    listMembers: {
        parameters: {
            query?: {
                /** @description Page size. */
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
            default: components["responses"]["Problem"];
        };
    };
    listServiceAccounts: {
        parameters: {
            query?: {
                /** @description Page size. */
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
                /** @description Only events at or after this time. */
                since?: components["parameters"]["AuditSince"];
                /** @description Only events before this time. */
                until?: components["parameters"]["AuditUntil"];
                /** @description Page size. */
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
                /** @description Only events at or after this time. */
                since?: components["parameters"]["AuditSince"];
                /** @description Only events before this time. */
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
            default: components["responses"]["Problem"];
        };
    };
}
