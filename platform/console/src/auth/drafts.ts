/**
 * Form drafts that outlive a sign-in: when the session expires, every mounted form's draft is
 * written to sessionStorage before the browser goes to the sign-in page, and the form takes it
 * back when it mounts again after the return. Only what a form registers is kept (never tokens;
 * forms must not register secret fields), in this tab only, and each draft is read once.
 */

const PREFIX = 'gpuaas.console.draft.';

export class DraftRegistry {
  readonly #snapshots = new Map<string, () => unknown>();

  constructor(private readonly storage: Storage) {}

  /** Registers a form's current values; returns the function that unregisters it. */
  register(id: string, snapshot: () => unknown): () => void {
    this.#snapshots.set(id, snapshot);
    return () => {
      if (this.#snapshots.get(id) === snapshot) this.#snapshots.delete(id);
    };
  }

  /** Writes every registered form's draft (before leaving for the sign-in page). */
  saveAll(): number {
    let saved = 0;
    for (const [id, snapshot] of this.#snapshots) {
      try {
        this.storage.setItem(PREFIX + id, JSON.stringify(snapshot()));
        saved++;
      } catch {
        // A full or disabled storage loses the draft, not the sign-in.
      }
    }
    return saved;
  }

  /** The draft saved for `id`, removed as it is read. */
  take<T>(id: string): T | undefined {
    const text = this.storage.getItem(PREFIX + id);
    if (text === null) return undefined;
    this.storage.removeItem(PREFIX + id);
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }
}
