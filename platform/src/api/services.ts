/**
 * What operation handlers may use. Handlers are keyed by the OpenAPI `operationId`; a test checks
 * that every operation in openapi.yaml has exactly one handler.
 */
import type { Request, Response } from 'express';
import type { operations } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { SigningKeyStore } from '../auth/keys.js';
import type { BillingService } from '../billing/service.js';
import type { UserDirectory } from '../auth/standing.js';
import type { TokenService } from '../auth/tokens.js';
import type { NodeService } from '../nodes/node-service.js';
import type { QuotaService } from '../allocations/quotas.js';
import type { AllocationService } from '../allocations/service.js';
import type { PlatformConfig } from '../config.js';
import type { PlatformDatabase } from '../db/database.js';
import type { Tables } from '../db/schema.js';
import type { ApiDocument } from '../http/openapi.js';
import type { MemberService } from '../identity/members.js';
import type { ServiceAccountService } from '../identity/service-accounts.js';
import type { CursorCodec } from '../http/pagination.js';
import type { Logger } from '../logger.js';
import type { PlatformMetrics } from '../metrics.js';
import type { UsageService } from '../usage/service.js';
import type { StorageService } from '../storage/service.js';
import type { ApprovalKey } from '../apps/approval-key.js';
import type { InstanceSecretsKey } from '../apps/instance-secrets.js';
import type { EmbeddedRegistry } from '../apps/release.js';
import type { ReviewService } from '../apps/review.js';
import type { AppInstanceWatcher } from '../apps/instance-watcher.js';
import type { InternalRegistryCaller, RegistryAccess } from '../registry/access.js';
import type { Registry } from '../registry/registry.js';

export interface Services {
  db: Kysely<Tables>;
  database: PlatformDatabase;
  config: PlatformConfig;
  api: ApiDocument;
  keys: SigningKeyStore;
  tokens: TokenService;
  /** Users' operator flag and existence, read per request (briefly cached). */
  users: UserDirectory;
  cursors: CursorCodec;
  metrics: PlatformMetrics;
  logger: Logger;
  compute: AllocationService;
  members: MemberService;
  serviceAccounts: ServiceAccountService;
  nodes: NodeService;
  quotas: QuotaService;
  usage: UsageService;
  billing: BillingService;
  /** Persistent project volumes and snapshots (storage/service.ts). */
  storage: StorageService;
  /** The app registry's platform side: its own registry, approval key and review. */
  apps: {
    /** The embedded OCI registry's storage (one instance over the data folder). */
    registry: Registry;
    /** Who may pull and push where in it (registry/access.ts). */
    access: RegistryAccess;
    /** The platform's own registry caller (an in-process credential). */
    internal: InternalRegistryCaller;
    /** The embedded registry as an OCI client acting as the platform. */
    embedded: EmbeddedRegistry;
    /** Signs approvals; its public half is GET /v1/apps/trust. */
    approvalKey: ApprovalKey;
    /** Seals app instances' secrets at rest (<data-dir>/keys/instance-secrets.key). */
    instanceSecrets: InstanceSecretsKey;
    /** The operator's policy for references the platform does not manage (re-read when its file changes). */
    operatorTrustPolicy: () => Promise<string | undefined>;
    review: ReviewService;
    /** Follows live app launches' runtimes onto the event stream (app_instance.* events). */
    instanceEvents: AppInstanceWatcher;
  };
  /** False while starting or shutting down. */
  accepting(): boolean;
  /** Why readiness is held by start-up work still running, if it is (readyz answers 503). */
  readinessHeld?(): string | undefined;
}

/** An operation of the contract, by its `operationId`. */
export type OperationId = keyof operations;

type SuccessStatus = 200 | 201 | 202 | 204;
type ResponsesOf<Op extends OperationId> = operations[Op]['responses'];
// A response without content (204) or an operation without a 2xx (101) has no body: `undefined`.
type BodyOf<R> = R extends { content: infer C }
  ? [C] extends [undefined]
    ? undefined
    : C[keyof C]
  : undefined;
type OrNoBody<B> = [B] extends [never] ? undefined : B;

/**
 * What an operation's success responses (2xx) carry, from the generated contract: the JSON body,
 * or the text of a text response (metrics, logs, the event stream); `undefined` for 204 and 101.
 */
export type SuccessBody<Op extends OperationId> = OrNoBody<
  { [S in keyof ResponsesOf<Op> & SuccessStatus]: BodyOf<ResponsesOf<Op>[S]> }[keyof ResponsesOf<Op> &
    SuccessStatus]
>;

type BodyOfRequest<R> = [NonNullable<R>] extends [never]
  ? undefined
  : NonNullable<R> extends { content: infer C }
    ? // An optional body (e.g. createTerminalToken's) may be absent: Express leaves `req.body` undefined.
      C[keyof C] | (undefined extends R ? undefined : never)
    : undefined;

/**
 * An operation's JSON request body, from the generated contract (`undefined` when it takes none).
 * The pipeline validates every body against the document before a handler runs (validateRequest).
 */
export type RequestBody<Op extends OperationId> = BodyOfRequest<operations[Op]['requestBody']>;

/**
 * The handler of one operation. Its request and response are Express's, typed by the operation's
 * request body and success body, so reading a field the body lacks or `res.json(…)` with the
 * wrong shape does not compile; failures are thrown as PlatformError and become problem+json in
 * the one error middleware (http/problem.ts).
 */
export type Handler<Op extends OperationId> = (
  // Path parameters are read from the matched operation (http/pipeline.ts operationOf), not req.params.
  req: Request<Record<string, string>, SuccessBody<Op>, RequestBody<Op>>,
  res: Response<SuccessBody<Op>>,
) => Promise<void> | void;

/** A handler of whichever operation matched (what the dispatcher calls). */
export type AnyHandler = (req: Request, res: Response) => Promise<void> | void;

/** A group of handlers keyed by the contract's operationIds, each typed by its own operation. */
export type Handlers = { readonly [Op in OperationId]?: Handler<Op> };
