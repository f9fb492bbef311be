/**
 * Indexes of placement groups (a node's GPUs of one SKU, or one NVLink domain's) by free count, so
 * that finding where a request fits costs O(largest node²) or O(log groups), never a scan of the
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
  /** For a node-level group: its NVLink domains' groups of the same SKU. */
  readonly domains: Group[];
  /** For an NVLink domain: its node's group of the same SKU. */
  readonly parent: Group | undefined;
}

export interface FitIndex {
  /** Moves `group` to `free` free GPUs and sets `group.free`. */
  update(group: Group, free: number): void;
  /** Re-files a domain whose node's free count changed. */
  refresh(group: Group): void;
  /** The group this policy places a `count`-GPU request on, if any has room. */
  find(count: number): Group | undefined;
}

/**
 * Best fit: groups filed by exact free count (and, for NVLink domains, by their node's free count
 * too); the fullest group that still fits comes first, and among equals the first in node order.
 * Node order matters under churn: like first fit, it leaves the nodes late in the order alone to
 * drain into whole nodes, where taking any member of a bucket scatters small requests over them.
 * A domain's node counts before the domain itself, so that an NVLink request takes a domain on a
 * busy node before one on an idle node, which stays whole.
 */
export class BestFitIndex implements FitIndex {
  /** Sets of group ordinals by (node free count, free count). */
  private readonly sets: OrderedSet[];
  private readonly width: number;
  private readonly slot: Int32Array;

  constructor(
    private readonly groups: readonly Group[],
    private readonly maxSize: number,
    /** Largest node (for domain groups; 0 for node groups). */
    private readonly maxNode: number,
  ) {
    this.width = maxSize + 1;
    this.sets = Array.from({ length: (maxNode + 1) * this.width }, () => new OrderedSet(groups.length));
    this.slot = new Int32Array(groups.length);
    for (const group of groups) this.file(group);
  }

  update(group: Group, free: number): void {
    if (group.free === free) return;
    this.sets[this.slot[group.ord]!]!.delete(group.ord);
    group.free = free;
    this.file(group);
  }

  refresh(group: Group): void {
    this.sets[this.slot[group.ord]!]!.delete(group.ord);
    this.file(group);
  }

  find(count: number): Group | undefined {
    if (this.maxNode === 0) {
      for (let k = count; k <= this.maxSize; k++) {
        const first = this.sets[k]!.first();
        if (first >= 0) return this.groups[first];
      }
      return undefined;
    }
    for (let n = count; n <= this.maxNode; n++) {
      for (let k = count; k <= Math.min(n, this.maxSize); k++) {
        const first = this.sets[n * this.width + k]!.first();
        if (first >= 0) return this.groups[first];
      }
    }
    return undefined;
  }

  private file(group: Group): void {
    const slot = (this.maxNode === 0 ? 0 : group.parent!.free * this.width) + group.free;
    this.slot[group.ord] = slot;
    this.sets[slot]!.add(group.ord);
  }
}

/**
 * A set of integers in [0, size) with O(log₃₂ size) add, delete and smallest member: a bitmap
 * with a summary bitmap above it (a bit per non-empty word), and so on up to one word.
 */
export class OrderedSet {
  private readonly levels: Uint32Array[] = [];

  constructor(size: number) {
    let words = size;
    do {
      words = Math.max(1, Math.ceil(words / 32));
      this.levels.push(new Uint32Array(words));
    } while (words > 1);
  }

  add(value: number): void {
    let i = value;
    for (const level of this.levels) {
      const w = i >>> 5;
      const wasEmpty = level[w] === 0;
      level[w]! |= 1 << (i & 31);
      if (!wasEmpty) return;
      i = w;
    }
  }

  delete(value: number): void {
    let i = value;
    for (const level of this.levels) {
      const w = i >>> 5;
      level[w]! &= ~(1 << (i & 31));
      if (level[w] !== 0) return;
      i = w;
    }
  }

  has(value: number): boolean {
    return (this.levels[0]![value >>> 5]! & (1 << (value & 31))) !== 0;
  }

  /** The smallest member, or -1 when empty. */
  first(): number {
    let i = 0;
    for (let l = this.levels.length - 1; l >= 0; l--) {
      const word = this.levels[l]![i]!;
      if (word === 0) return -1;
      i = i * 32 + (31 - Math.clz32(word & -word));
    }
    return i;
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

  refresh(): void {
    // Node order alone decides first fit.
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
