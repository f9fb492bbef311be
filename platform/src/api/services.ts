/**
 * What operation handlers may use. Handlers are keyed by the OpenAPI `operationId`; a test checks
 * that every operation in openapi.yaml has exactly one handler.
 */
import type { Request, Response } from 'express';
import type { operations } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { SigningKeyStore } from '../auth/keys.js';
import type { UserDirectory } from '../auth/standing.js';
import type { TokenService } from '../auth/tokens.js';
import type { ComputeService } from '../compute/service.js';
import type { PlatformConfig } from '../config.js';
import type { PlatformDatabase } from '../db/database.js';
import type { Tables } from '../db/schema.js';
import type { ApiDocument } from '../http/openapi.js';
import type { CursorCodec } from '../http/pagination.js';
import type { Logger } from '../logger.js';
import type { PlatformMetrics } from '../metrics.js';

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
  compute: ComputeService;
  /** False while starting or shutting down. */
  accepting(): boolean;
}

export type Handler = (req: Request, res: Response) => Promise<void> | void;
/** Keyed by the contract's operationIds: a handler for an operation the document lacks does not compile. */
export type Handlers = Readonly<Partial<Record<keyof operations, Handler>>>;
