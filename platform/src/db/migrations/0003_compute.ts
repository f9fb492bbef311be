/**
 * Migration 0003: the GPU catalog, nodes and their GPUs, allocations and their state history,
 * terminal tokens, project quotas and the event outbox. The atomic GPU reservation is
 * `allocation_gpus` keyed by `gpu_id`: whichever instance inserts a GPU's row first holds it, so
 * no GPU is ever given to two allocations, whatever the number of platform instances.
 */
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

const STATES = `'queued', 'scheduled', 'provisioning', 'running', 'releasing', 'released', 'failed', 'preempted'`;

export const computeMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('gpu_skus')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('model', 'text', (c) => c.notNull().unique())
      .addColumn('memory_gib', 'integer', (c) => c.notNull())
      .addColumn('interconnect', 'text', (c) => c.notNull())
      .addColumn('price_micros', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('regions', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('nodes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ready', 'unreachable')`))
      .addColumn('schedulable', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('agent_version', 'text', (c) => c.notNull())
      .addColumn('last_heartbeat_at', 'text')
      .addColumn('registered_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();

    await db.schema
      .createTable('gpus')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('node_id', 'text', (c) => c.notNull().references('nodes.id').onDelete('cascade'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('uuid', 'text')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('memory_mib', 'integer', (c) => c.notNull())
      .addColumn('nvlink_domain', 'text', (c) => c.notNull())
      .addColumn('present', 'integer', (c) => c.notNull().defaultTo(1))
      .addUniqueConstraint('gpus_node_idx_unique', ['node_id', 'idx'])
      .execute();

    await db.schema
      .createTable('allocations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('name', 'text')
      .addColumn('created_by', 'text')
      .addColumn('state', 'text', (c) => c.notNull().check(sql.raw(`state in (${STATES})`)))
      .addColumn('state_reason', 'text', (c) => c.notNull())
      .addColumn('pending_reason', 'text')
      .addColumn('pending_message', 'text')
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('gpu_count', 'integer', (c) => c.notNull())
      .addColumn('models', 'text', (c) => c.notNull())
      .addColumn('min_memory_mib', 'integer')
      .addColumn('topology', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text')
      .addColumn('gpus', 'text', (c) => c.notNull())
      .addColumn('ttl_seconds', 'integer')
      .addColumn('expires_at', 'text')
      .addColumn('idle_timeout_seconds', 'integer')
      .addColumn('last_activity_at', 'text')
      .addColumn('provisioning_deadline', 'text')
      .addColumn('endpoint', 'text')
      .addColumn('runtime_secret', 'text')
      .addColumn('torn_down', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('released_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .createIndex('allocations_state_idx')
      .on('allocations')
      .columns(['state', 'priority'])
      .execute();
    await db.schema
      .createIndex('allocations_project_idx')
      .on('allocations')
      .columns(['project_id', 'id'])
      .execute();
    await db.schema
      .createIndex('allocations_node_idx')
      .on('allocations')
      .columns(['node_id', 'state'])
      .execute();

    await db.schema
      .createTable('allocation_gpus')
      .addColumn('gpu_id', 'text', (c) => c.primaryKey())
      .addColumn('allocation_id', 'text', (c) => c.notNull().references('allocations.id'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('allocation_gpus_allocation_idx')
      .on('allocation_gpus')
      .column('allocation_id')
      .execute();

    await db.schema
      .createTable('allocation_transitions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('allocation_id', 'text', (c) => c.notNull().references('allocations.id'))
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('allocation_transitions_allocation_idx')
      .on('allocation_transitions')
      .columns(['allocation_id', 'id'])
      .execute();

    await db.schema
      .createTable('terminal_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('allocation_id', 'text', (c) => c.notNull())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('command', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();

    await db.schema
      .createTable('project_quotas')
      .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
      .addColumn('nominal_gpus', 'integer', (c) => c.notNull())
      .addColumn('max_gpus', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('platform_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('platform_events_occurred_idx')
      .on('platform_events')
      .column('occurred_at')
      .execute();
  },
  async down(db: AnyDb) {
    for (const table of [
      'platform_events',
      'project_quotas',
      'terminal_tokens',
      'allocation_transitions',
      'allocation_gpus',
      'allocations',
      'gpus',
      'nodes',
      'gpu_skus',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
