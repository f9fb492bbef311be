import { describe, expect, it } from 'vitest';
import { loadApiDocument } from '../http/openapi.js';
import { bindHandlers, handlerGroups } from './handlers.js';
import type { Handlers, Services } from './services.js';

const operationIds = loadApiDocument().operations.map((o) => o.operationId);
const ok = () => undefined;

describe('binding operations to handlers', () => {
  it('binds every operation of openapi.yaml to exactly one handler, and no handler to anything else', () => {
    // Building the groups only closes over the services; no handler runs here.
    const bound = bindHandlers(operationIds, handlerGroups({} as Services));
    expect([...bound.keys()].sort()).toEqual([...operationIds].sort());
  });

  it.each<[string, { documented: string[]; groups: Handlers[]; error: RegExp }]>([
    [
      'an operation without a handler',
      {
        documented: ['getHealth', 'getMetrics'],
        groups: [{ getHealth: ok }],
        error: /no handler for operation getMetrics/,
      },
    ],
    [
      'an operation with two handlers',
      {
        documented: ['getHealth'],
        groups: [{ getHealth: ok }, { getHealth: ok }],
        error: /getHealth has two handlers/,
      },
    ],
    [
      'a handler for an operation the document lacks',
      {
        documented: ['getHealth'],
        groups: [{ getHealth: ok, getMetrics: ok }],
        error: /the document lacks: getMetrics/,
      },
    ],
  ])('refuses %s', (_name, { documented, groups, error }) => {
    expect(() => bindHandlers(documented, groups)).toThrow(error);
  });
});

// Type-level cases, checked by `tsc --build` (this file is part of the platform's project): a
// handler's response is typed by its operation's success response in the contract.
export const typed: Handlers = {
  getHealth: (_req, res) => {
    res.json({ status: 'ok' });
  },
  getReadiness: (_req, res) => {
    // @ts-expect-error the health document has no `healthy` field
    res.json({ healthy: true });
  },
  listMembers: (_req, res) => {
    // @ts-expect-error a page of members is `{ items, next_cursor }`, not an array
    res.json([]);
  },
  removeMember: (_req, res) => {
    // @ts-expect-error 204: no body
    res.json({ removed: true });
  },
};

// …and its request body by the operation's request schema.
export const typedBodies: Handlers = {
  addMember: (req, res) => {
    const { email, role } = req.body;
    // @ts-expect-error MemberCreate has no `nickname`
    const nickname: unknown = req.body.nickname;
    res
      .status(201)
      .json({ project_id: 'p', user_id: 'u', email, role, created_at: '', updated_at: String(nickname) });
  },
  createTerminalToken: (req) => {
    // @ts-expect-error the body is optional: absent, Express leaves it undefined
    void req.body.command;
    void req.body?.command;
  },
};
