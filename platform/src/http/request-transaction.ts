/**
 * An idempotent request commits once: the Idempotency-Key, the change the handler makes, its audit
 * record and the stored response are one database transaction (db/joined-transaction.ts), so there
 * is never a change without its audit record, nor a stored answer for a change that did not happen.
 *
 * http/idempotency.ts opens the transaction and runs the rest of the request inside it; the
 * handler's queries join it. As the answer ends (before-end.ts):
 * - below 500: the records (the audit trail's, added with `addRecord`) and the stored response are
 *   written in the transaction and it commits; should any of that fail, it rolls back and the
 *   client gets 500 INTERNAL instead of an answer for a change that is not there;
 * - 500 and above: it rolls back (the key is free for a retry) and the records are written on
 *   their own, so the failure is on the audit trail.
 *
 * Operations whose handler waits for work done outside the request (a scheduling cycle that must
 * see the committed allocation) or changes what a rollback cannot undo (files, loop devices) keep
 * committing step by step: `OWN_COMMITS` names them and why.
 */
import type { Response } from 'express';
import type { Kysely } from 'kysely';
import type { JoinedTransaction } from '../db/joined-transaction.js';
import { openJoinedTransaction } from '../db/joinable-dialect.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { Logger } from '../logger.js';
import { faultPoint } from '../pause-points.js';
import { beforeEnd } from './before-end.js';
import type { Replacement } from './before-end.js';
import { problemDocument } from './problem.js';
import type { RequestContext } from '../context.js';

/** Idempotent operations that do not run in one request transaction, and why. */
export const OWN_COMMITS: ReadonlyMap<string, string> = new Map([
  ['createAllocation', 'waits for a scheduling cycle, which must see the committed allocation'],
  ['releaseAllocation', 'starts a scheduling cycle and nudges the node agent'],
  ['launchApp', 'hands the app to the node agent of a running allocation'],
  ['stopApp', 'hands the stop to the node agent of a running allocation'],
  ['launchAppInstance', 'creates an allocation and waits for its scheduling cycle'],
  ['stopAppInstance', 'releases an allocation (a scheduling cycle, a node nudge)'],
  ['upgradeAppInstance', 'hands the new version to the node agent of a running allocation'],
  ['registerNode', 'starts a scheduling cycle for the new capacity'],
  ['cordonNode', 'changes what the scheduler may place, under its in-memory inventory'],
  ['uncordonNode', 'starts a scheduling cycle for the capacity it frees'],
  ['drainNode', 'releases allocations (scheduling cycles, node nudges)'],
  ['createStorageVolume', 'makes a disk image that a rollback would not remove'],
  ['createStorageSnapshot', 'copies a disk image that a rollback would not remove'],
  ['restoreStorageSnapshot', 'rewrites a disk image that a rollback would not restore'],
  // The embedded registry answers over loopback HTTP, in requests of their own that need the
  // database: on SQLite they would wait for the transaction that waits for them.
  ['registerAppVersion', 'reads the artifact and its signatures from the registry'],
  ['approveAppVersion', 'promotes the artifact into the release repository through the registry'],
  ['revokeAppVersion', 'stops running instances through their node agents'],
]);

/** What a request in a transaction carries: the transaction and what to write with the answer. */
export interface RequestTransaction {
  transaction: JoinedTransaction;
  /** Writes that go with the answer (the audit record): in the transaction, or after a rollback. */
  records: (() => Promise<void>)[];
}

const KEY = 'requestTransaction';

/** The open request transaction of a response, if it has one. */
export function requestTransactionOf(res: Response): RequestTransaction | undefined {
  const tx = res.locals[KEY] as RequestTransaction | undefined;
  return tx?.transaction.state === 'open' ? tx : undefined;
}

/**
 * Writes `record` with the answer: in the request transaction when there is one (it commits with
 * the change, or is written on its own after a rollback), at once otherwise.
 */
export async function addRecord(res: Response, record: () => Promise<void>): Promise<void> {
  const tx = requestTransactionOf(res);
  if (tx === undefined) await record();
  else tx.records.push(record);
}

/** Opens the request transaction of `res`; `settle` writes the stored response in it. */
export async function beginRequestTransaction(
  db: Kysely<Tables>,
  res: Response,
  logger: Logger,
  storeResponse: (body: Buffer | undefined) => Promise<void>,
): Promise<RequestTransaction> {
  const tx: RequestTransaction = { transaction: await openJoinedTransaction(db), records: [] };
  res.locals[KEY] = tx;
  beforeEnd(
    res,
    (body) => settle(tx, res, logger, () => storeResponse(body)),
    (error) => logger.error({ err: error }, 'could not settle the request transaction'),
  );
  return tx;
}

async function settle(
  tx: RequestTransaction,
  res: Response,
  logger: Logger,
  storeResponse: () => Promise<void>,
): Promise<Replacement | undefined> {
  const { transaction, records } = tx;
  if (transaction.state !== 'open') return undefined; // answered before the handler ran (a replay)
  let replacement: Replacement | undefined;
  if (res.statusCode < 500) {
    try {
      await transaction.runUnguarded(async () => {
        faultPoint('api.records');
        for (const record of records) await record();
        await storeResponse();
      });
      await transaction.commit();
      return undefined;
    } catch (error) {
      logger.error({ err: error }, 'the request transaction did not commit; answering 500');
      await transaction.rollback().catch((e: unknown) => logger.error({ err: e }, 'rollback failed'));
      replacement = internalError(res);
    }
  } else {
    await transaction.rollback();
  }
  for (const record of records) await record();
  return replacement;
}

/** Turns the answer into 500 INTERNAL (the audit record, written next, reads the status). */
function internalError(res: Response): Replacement {
  const error = new PlatformError('INTERNAL', 'the change could not be committed; retry the request');
  const context = res.locals.context as RequestContext | undefined;
  const op = res.locals.op as { def: { path: string } } | undefined;
  const problem = problemDocument(error, op?.def.path ?? '', context?.correlationId ?? '');
  res.statusCode = error.status;
  res.locals.problem = problem;
  return { body: JSON.stringify(problem), contentType: 'application/problem+json; charset=utf-8' };
}
