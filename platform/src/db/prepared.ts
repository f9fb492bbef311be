/**
 * Prepared queries for the hot path. Kysely rebuilds and recompiles a query on every call; a
 * prepared query is built and compiled once per database (with placeholder values), then run with
 * new parameter values only. With the SQLite statement cache (database.ts) the statement itself
 * is prepared once too.
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Tables } from './schema.js';

type Params = Record<string, string | number | null>;
type Slot<P> = { name: keyof P } | { value: unknown };

const MARK = '\u0000gpuaas-param:';

/**
 * Declares a prepared query: `build` receives placeholder params (use them only as values) and
 * returns a Kysely query; the result runs it with real values.
 *
 * @example
 * const byId = prepare((db, p: { id: string }) => db.selectFrom('users').selectAll().where('id', '=', p.id));
 * const rows = await byId(db, { id });
 */
export function prepare<P extends Params, R>(
  build: (db: Kysely<Tables>, params: P) => Compilable<R>,
): (db: Kysely<Tables>, params: P) => Promise<R[]> {
  const compiledFor = new WeakMap<Kysely<Tables>, { compiled: CompiledQuery<R>; slots: Slot<P>[] }>();
  return async (db, params) => {
    let entry = compiledFor.get(db);
    if (entry === undefined) {
      const placeholders = new Proxy({} as P, { get: (_t, key) => `${MARK}${String(key)}` });
      const compiled = build(db, placeholders).compile();
      if (compiled.sql.includes(MARK))
        throw new Error('prepare(): a parameter was inlined into the SQL text');
      const slots = compiled.parameters.map((value): Slot<P> =>
        typeof value === 'string' && value.startsWith(MARK) ? { name: value.slice(MARK.length) } : { value },
      );
      entry = { compiled, slots };
      compiledFor.set(db, entry);
    }
    const parameters = entry.slots.map((slot) => ('name' in slot ? params[slot.name] : slot.value));
    const result = await db.executeQuery<R>({ ...entry.compiled, parameters });
    return result.rows;
  };
}
