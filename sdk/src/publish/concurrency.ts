/**
 * Bounded parallelism for blob transfers: enough requests in flight to hide round trips, few
 * enough not to swamp the registry or open a file handle per layer.
 */

/** Default number of blobs transferred at once. */
export const DEFAULT_CONCURRENCY = 4;

/**
 * Runs `task` over `items` with at most `limit` running at once; results keep the input order.
 * After the first failure no new task starts, and that failure is what rejects.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  const settled = await Promise.allSettled(Array.from({ length: workers }, () => worker()));
  // Wait for every worker before rejecting, so no transfer is still writing when the caller cleans up.
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  return results;
}
