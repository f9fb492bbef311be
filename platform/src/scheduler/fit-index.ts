/**
 * Indexes of placement groups (a node's GPUs of one SKU, or one NVLink domain's) by free count, so
 * that finding where a request fits costs O(largest group) or O(log groups), never a scan of the
 * cluster.
 */

/** A set of GPUs that one request may be placed on as a whole. */
export interface Group {
  /** Position in its index's group list: node order. */
  readonly ord: number;
  readonly node: number;
  readonly sku: number;
  /** Global GPU numbers, ordered by device index. */
  readonly gpus: readonly number[];
  free: number;
  /** Slot in its free-count bucket (best-fit index only). */
  slot: number;
  /** For a node-level group: its NVLink domains' groups of the same SKU. */
  readonly domains: Group[];
}

export interface FitIndex {
  /** Moves `group` to `free` free GPUs and sets `group.free`. */
  update(group: Group, free: number): void;
  /** The group this policy places a `count`-GPU request on, if any has room. */
  find(count: number): Group | undefined;
}

/**
 * Best fit: buckets of groups by exact free count; the fullest group that still fits comes from the
 * first non-empty bucket at or above the count. Each bucket is an array with swap-removal.
 */
export class BestFitIndex implements FitIndex {
  private readonly buckets: Group[][];

  constructor(groups: readonly Group[], maxSize: number) {
    this.buckets = Array.from({ length: maxSize + 1 }, () => []);
    for (const group of groups) this.insert(group);
  }

  update(group: Group, free: number): void {
    if (group.free === free) return;
    this.remove(group);
    group.free = free;
    this.insert(group);
  }

  find(count: number): Group | undefined {
    for (let k = count; k < this.buckets.length; k++) {
      const bucket = this.buckets[k]!;
      if (bucket.length > 0) return bucket[bucket.length - 1];
    }
    return undefined;
  }

  private insert(group: Group): void {
    // Full groups can host nothing; leaving them out keeps the churn of small placements cheap.
    if (group.free === 0) return;
    const bucket = this.buckets[group.free]!;
    group.slot = bucket.length;
    bucket.push(group);
  }

  private remove(group: Group): void {
    if (group.free === 0) return;
    const bucket = this.buckets[group.free]!;
    const last = bucket.pop()!;
    if (last !== group) {
      bucket[group.slot] = last;
      last.slot = group.slot;
    }
  }
}

/** First fit: a max-segment tree over groups in node order; the leftmost group with room. */
export class FirstFitIndex implements FitIndex {
  private readonly size: number;
  private readonly tree: Int32Array;

  constructor(private readonly groups: readonly Group[]) {
    let size = 1;
    while (size < groups.length) size *= 2;
    this.size = size;
    this.tree = new Int32Array(2 * size);
    for (const group of groups) this.tree[size + group.ord] = group.free;
    for (let i = size - 1; i >= 1; i--) this.tree[i] = Math.max(this.tree[2 * i]!, this.tree[2 * i + 1]!);
  }

  update(group: Group, free: number): void {
    group.free = free;
    let i = this.size + group.ord;
    this.tree[i] = free;
    for (i >>= 1; i >= 1; i >>= 1) {
      const max = Math.max(this.tree[2 * i]!, this.tree[2 * i + 1]!);
      if (this.tree[i] === max) break;
      this.tree[i] = max;
    }
  }

  find(count: number): Group | undefined {
    if (this.groups.length === 0 || this.tree[1]! < count) return undefined;
    let i = 1;
    while (i < this.size) i = this.tree[2 * i]! >= count ? 2 * i : 2 * i + 1;
    return this.groups[i - this.size];
  }
}
