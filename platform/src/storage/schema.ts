/** Row types of the storage tables (migration 0012_storage). */

/** A volume's lifecycle; `deleted` rows stay for billing and history. */
export type VolumeState = 'creating' | 'available' | 'attached' | 'deleting' | 'deleted';
export type SnapshotState = 'creating' | 'available' | 'deleting' | 'deleted';

export interface StorageVolumesTable {
  id: string;
  project_id: string;
  name: string;
  size_gib: number;
  /** A grow in progress: the size being applied. */
  pending_size_gib: number | null;
  site: string;
  storage_class: string;
  state: VolumeState;
  source_snapshot_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  billed_until: string | null;
  /** Decimal text: the fraction of a micro carried to the next rating. */
  billing_carry: string;
  version: number;
}

export interface StorageSnapshotsTable {
  id: string;
  project_id: string;
  volume_id: string | null;
  name: string;
  size_gib: number;
  site: string;
  storage_class: string;
  state: SnapshotState;
  created_by: string | null;
  created_at: string;
  deleted_at: string | null;
  billed_until: string | null;
  billing_carry: string;
}

export interface VolumeAttachmentsTable {
  volume_id: string;
  allocation_id: string;
  project_id: string;
  mount_path: string;
  /** 0/1. */
  read_only: number;
  /** The node folder the agent binds into the sandbox. */
  source: string;
  attached_at: string;
  detached_at: string | null;
}

export interface StorageQuotasTable {
  project_id: string;
  max_gib: number;
  max_volumes: number;
  max_snapshots: number;
  updated_at: string;
}

export interface StorageTables {
  storage_volumes: StorageVolumesTable;
  storage_snapshots: StorageSnapshotsTable;
  volume_attachments: VolumeAttachmentsTable;
  storage_quotas: StorageQuotasTable;
}
