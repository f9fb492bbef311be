import type { Kysely } from 'kysely';

/** Migrations operate on whatever schema exists at that point in history, not on today's `Tables`. */
export type AnyDb = Kysely<Record<string, never>>;
