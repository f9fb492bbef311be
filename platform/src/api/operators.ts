/**
 * The operator flag, managed by operators through the API (`gpuaas ops operators`). The flag is
 * read from the database on every request (auth/standing.ts), so a change here applies to tokens
 * already issued: this instance forgets its cached row at once, and the `access.changed` event
 * closes the user's open event streams on every instance.
 */
import type { Response } from 'express';
import { requirePrincipal } from '../auth/middleware.js';
import { PlatformError } from '../errors.js';
import { publishAccessChange } from '../events/access.js';
import { setAuditTarget } from '../http/audit.js';
import { pageOf } from '../http/pagination.js';
import { operationOf } from '../http/pipeline.js';
import { isOperator } from '../identity/access.js';
import { ensureUser, normalizeEmail } from '../identity/store.js';
import type { UserRow } from '../identity/store.js';
import { isoTime } from '../ids.js';
import { pageRequest } from './identity.js';
import type { Handlers, Services } from './services.js';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

function userView(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    display_name: user.display_name,
    operator: user.operator === 1,
    created_at: user.created_at,
  };
}

export function operatorHandlers(s: Services): Handlers {
  const { db } = s;

  const requireOperator = (res: Response, action: string) => {
    const principal = requirePrincipal(res);
    if (!isOperator(principal)) throw new PlatformError('FORBIDDEN', `only operators may ${action}`);
    return principal;
  };

  /** The `{user}` path parameter: an id, or an email address. */
  const userRef = (res: Response): { id: string } | { email: string } => {
    const ref = operationOf(res).params.user ?? '';
    if (ID.test(ref)) return { id: ref };
    if (EMAIL.test(ref)) return { email: normalizeEmail(ref) };
    throw new PlatformError('VALIDATION_FAILED', `"${ref}" is neither a user id nor an email address`, {
      errors: [{ in: 'path', pointer: '/user', detail: 'a user id (UUID) or an email address' }],
    });
  };

  const findUser = async (ref: { id: string } | { email: string }) => {
    const query = db.selectFrom('users').selectAll();
    const row = await (
      'id' in ref ? query.where('id', '=', ref.id) : query.where('email', '=', ref.email)
    ).executeTakeFirst();
    if (row === undefined) {
      throw new PlatformError('NOT_FOUND', `user ${'id' in ref ? ref.id : ref.email} not found`);
    }
    return row;
  };

  return {
    listOperators: async (_req, res) => {
      requireOperator(res, 'list operators');
      const { limit, after } = pageRequest(s, res);
      let query = db
        .selectFrom('users')
        .selectAll()
        .where('operator', '=', 1)
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) query = query.where('id', '>', after);
      const page = pageOf(await query.execute(), limit, (last) =>
        s.cursors.encode('listOperators', [last.id]),
      );
      res.json({ items: page.items.map(userView), next_cursor: page.next_cursor });
    },

    grantOperator: async (_req, res) => {
      requireOperator(res, 'grant the operator flag');
      const ref = userRef(res);
      const user = 'email' in ref ? await ensureUser(db, ref.email) : await findUser(ref);
      setAuditTarget(res, { id: user.id, details: { email: user.email } });
      if (user.operator !== 1) {
        await db
          .updateTable('users')
          .set((eb) => ({ operator: 1, updated_at: isoTime(), version: eb('version', '+', 1) }))
          .where('id', '=', user.id)
          .execute();
        s.users.invalidate(user.id);
        await publishAccessChange(s.compute.bus, db, {
          change: 'operator_granted',
          principalType: 'user',
          principalId: user.id,
          projectId: null,
        });
      }
      res.json(userView({ ...user, operator: 1 }));
    },

    revokeOperator: async (_req, res) => {
      requireOperator(res, 'remove the operator flag');
      const user = await findUser(userRef(res));
      setAuditTarget(res, { id: user.id, details: { email: user.email } });
      if (user.operator !== 1) throw new PlatformError('NOT_FOUND', `${user.email} is not an operator`);
      await db.transaction().execute(async (trx) => {
        // A no-op write locks every operator row (PostgreSQL; SQLite serialises transactions), so
        // two concurrent removals cannot both see the other's operator still there.
        await trx
          .updateTable('users')
          .set((eb) => ({ version: eb.ref('version') }))
          .where('operator', '=', 1)
          .execute();
        await trx
          .updateTable('users')
          .set((eb) => ({ operator: 0, updated_at: isoTime(), version: eb('version', '+', 1) }))
          .where('id', '=', user.id)
          .execute();
        const left = await trx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('operator', '=', 1)
          .executeTakeFirstOrThrow();
        if (Number(left.n) === 0) {
          throw new PlatformError(
            'LAST_OPERATOR',
            `${user.email} is the last operator: grant the flag to someone else first (gpuaas ops operators add)`,
          );
        }
      });
      s.users.invalidate(user.id);
      await publishAccessChange(s.compute.bus, db, {
        change: 'operator_removed',
        principalType: 'user',
        principalId: user.id,
        projectId: null,
      });
      res.status(204).end();
    },
  };
}
