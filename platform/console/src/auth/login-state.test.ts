import { describe, expect, it } from 'vitest';
import { DraftRegistry } from './drafts.js';
import {
  isMarkedSignedOut,
  markSignedOut,
  safeReturnPath,
  savePendingLogin,
  takePendingLogin,
} from './login-state.js';

/** The Storage interface over a Map (Node has no sessionStorage). */
class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

describe('pending login', () => {
  const login = { state: 's1', verifier: 'v'.repeat(43), returnTo: '/allocations?x=1', createdAt: 1000 };

  it('is taken once, for its own state only', () => {
    const storage = new MemoryStorage();
    savePendingLogin(storage, login);
    expect(takePendingLogin(storage, 's1', 2000)).toEqual(login);
    expect(takePendingLogin(storage, 's1', 2000)).toBeUndefined();
    savePendingLogin(storage, login);
    expect(takePendingLogin(storage, 'forged', 2000)).toBeUndefined();
    // A forged state also spends the real one: the attempt must start again.
    expect(takePendingLogin(storage, 's1', 2000)).toBeUndefined();
  });

  it('expires after an hour', () => {
    const storage = new MemoryStorage();
    savePendingLogin(storage, login);
    expect(takePendingLogin(storage, 's1', 1000 + 3_600_001)).toBeUndefined();
  });

  it.each([
    ['/allocations/1', '/allocations/1'],
    ['//evil.example.com/x', '/'],
    ['/\\evil.example.com', '/'],
    ['https://evil.example.com', '/'],
    ['', '/'],
  ])('returns only to a path of this origin: %s → %s', (given, want) => {
    expect(safeReturnPath(given)).toBe(want);
  });

  it('remembers a sign-out for the tab', () => {
    const storage = new MemoryStorage();
    expect(isMarkedSignedOut(storage)).toBe(false);
    markSignedOut(storage, true);
    expect(isMarkedSignedOut(storage)).toBe(true);
    markSignedOut(storage, false);
    expect(isMarkedSignedOut(storage)).toBe(false);
  });
});

describe('drafts', () => {
  it('saves every registered form and gives each draft back once', () => {
    const storage = new MemoryStorage();
    const drafts = new DraftRegistry(storage);
    let values = { gpus: 2, ttl: '1h' };
    const unregister = drafts.register('allocation-create', () => values);
    drafts.register('other', () => ({ a: 1 }));
    values = { gpus: 4, ttl: '2h' };
    expect(drafts.saveAll()).toBe(2);
    unregister();
    expect(drafts.take('allocation-create')).toEqual({ gpus: 4, ttl: '2h' });
    expect(drafts.take('allocation-create')).toBeUndefined();
    expect(drafts.saveAll()).toBe(1);
  });
});
