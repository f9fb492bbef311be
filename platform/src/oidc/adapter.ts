/**
 * oidc-provider's storage over our database (`oidc_payloads`), so sessions, grants, codes,
 * refresh tokens and device codes survive restarts and are shared by every instance on one
 * database. Service-account clients are not stored here: `Client` lookups read the
 * service_accounts table (see clients.ts).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';

/** One oidc-provider model (Session, Grant, RefreshToken, …) stored as JSON rows keyed by model and id. */
export class DatabaseAdapter implements Adapter {
  readonly #db: Kysely<Tables>;
  readonly #model: string;

  constructor(db: Kysely<Tables>, model: string) {
    this.#db = db;
    this.#model = model;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const values = {
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expires_at: expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
    };
    await this.#db
      .insertInto('oidc_payloads')
      .values({ model: this.#model, id, consumed_at: null, ...values })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
      .execute();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('id', id);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('user_code', userCode);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('uid', uid);
  }

  async consume(id: string): Promise<void> {
    await this.#db
      .updateTable('oidc_payloads')
      .set({ consumed_at: new Date().toISOString() })
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.#db
      .deleteFrom('oidc_payloads')
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#db
      .deleteFrom('oidc_payloads')
      .where('model', '=', this.#model)
      .where('grant_id', '=', grantId)
      .execute();
  }

  async #findBy(column: 'id' | 'user_code' | 'uid', value: string): Promise<AdapterPayload | undefined> {
    const row = await this.#db
      .selectFrom('oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', this.#model)
      .where(column, '=', value)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    if (row.expires_at !== null && row.expires_at <= new Date().toISOString()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    // oidc-provider detects reuse of codes and refresh tokens by a truthy `consumed`.
    if (row.consumed_at !== null) payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
    return payload;
  }
}

/** Deletes expired payloads (called by the platform's sweeper). */
export async function sweepExpiredPayloads(db: Kysely<Tables>): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('expires_at', '<=', new Date().toISOString()).execute();
}
