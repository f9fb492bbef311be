/**
 * What a storage backend does for the storage service. Every operation is idempotent (a restart
 * repeats whatever it was doing when it stopped: StorageService.reconcile), and the service calls
 * them outside database transactions. A network backend (docs/storage.md: an NFS export per volume,
 * or an S3-compatible bucket mounted) implements the same interface; `hostPath` is then the node's
 * mount of the export.
 */
export interface StorageBackend {
  /** The `storage_class` of the volumes it holds (e.g. `local`). */
  readonly storageClass: string;
  /** Whether sizes are enforced by the file system (false: a documented fallback without a limit). */
  readonly enforcesSize: boolean;
  /** Makes an empty file system of `sizeGib` for volume `id` and mounts it at `hostPath(id)`. */
  create(id: string, sizeGib: number): Promise<void>;
  /**
   * Grows volume `id` to `sizeGib`, online where the node allows it; `inUse`: an allocation has
   * it attached, so it must not be unmounted to grow it.
   */
  grow(id: string, sizeGib: number, options: { inUse: boolean }): Promise<void>;
  /** Unmounts and deletes volume `id`'s data; nothing when it is already gone. */
  remove(id: string): Promise<void>;
  /** Mounts volume `id` again where it is not (after a reboot); true when it exists. */
  ensureMounted(id: string): Promise<boolean>;
  /** Copies volume `volumeId` into snapshot `snapshotId` (copy-on-write where the file system can). */
  snapshot(volumeId: string, snapshotId: string): Promise<void>;
  /** Makes volume `volumeId` from snapshot `snapshotId` and mounts it. */
  restore(snapshotId: string, volumeId: string): Promise<void>;
  /** Deletes snapshot `snapshotId`; nothing when it is already gone. */
  removeSnapshot(snapshotId: string): Promise<void>;
  /** The folder on the node where volume `id`'s file system is mounted (what sandboxes bind). */
  hostPath(id: string): string;
}

/** A backend failure, as the service reports it (STORAGE_BACKEND_FAILED). */
export class StorageBackendError extends Error {
  override readonly name = 'StorageBackendError';
}
