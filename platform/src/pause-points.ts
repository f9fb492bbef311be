/**
 * Test-only pause points, so a crash test can kill the platform inside an operation rather than
 * somewhere around it. `GPUAAS_TEST_PAUSE_AT=storage.resize,storage.snapshot` makes the process
 * print `gpuaas-test-pause: <point>` on stderr when it reaches a named point and then wait there
 * forever (the test kills it). Honoured only when NODE_ENV is `test`, so the variable alone
 * changes nothing in production.
 *
 * Points: `storage.create` (the image made, not yet under its name), `storage.attach` (the
 * attachments written, the allocation's transaction not committed), `storage.resize` (the image
 * and its loop device grown, the file system not yet), `storage.snapshot` (the copy made, not yet
 * under its name), `allocations.created` (an allocation created and committed, the answer to its
 * create not yet stored under its Idempotency-Key).
 */
export type PausePoint =
  'storage.create' | 'storage.attach' | 'storage.resize' | 'storage.snapshot' | 'allocations.created';

export const PAUSE_MARKER = 'gpuaas-test-pause:';

/** Waits forever at `point` when a test asked for it; resolves at once otherwise. */
export async function pausePoint(point: PausePoint): Promise<void> {
  if (process.env.NODE_ENV !== 'test') return;
  const points = (process.env.GPUAAS_TEST_PAUSE_AT ?? '').split(',').map((p) => p.trim());
  if (!points.includes(point)) return;
  process.stderr.write(`${PAUSE_MARKER} ${point}\n`);
  await new Promise<never>(() => undefined);
}

/**
 * Test-only fault points: `GPUAAS_TEST_FAIL_AT=api.records` makes the process throw at that point,
 * as an unexpected failure would (a lost database connection, a bug), so an in-process test sees
 * what is left after it. Honoured only when NODE_ENV is `test`.
 *
 * Points: `api.records` (an idempotent request's change made in its transaction, its audit record
 * and stored response not yet written: http/request-transaction.ts), `allocations.created` (an
 * allocation created and committed, the answer to its create not yet written), `app-instances.created`
 * (an instance created with its allocation and committed, the answer not yet written).
 */
export type FaultPoint = 'api.records' | 'allocations.created' | 'app-instances.created';

export const FAULT_MARKER = 'gpuaas-test-fault:';

/** Throws at `point` when a test asked for it; returns at once otherwise. */
export function faultPoint(point: FaultPoint): void {
  if (process.env.NODE_ENV !== 'test') return;
  const points = (process.env.GPUAAS_TEST_FAIL_AT ?? '').split(',').map((p) => p.trim());
  if (points.includes(point)) throw new Error(`${FAULT_MARKER} ${point}`);
}
