/**
 * The operator's trust policy file (`serve --app-trust-policy FILE`) for references the platform
 * does not manage: re-read when its modification time or size changes, so operators change keys
 * and rules without a restart. Each load is logged (file, keys, policies); a file that became
 * invalid is logged and the last good policy stays in force, so a half-saved edit never opens the
 * door nor stops every launch.
 */
import { stat } from 'node:fs/promises';
import { inlineTrustPolicyFile, parseTrustPolicy } from '@gpuaas/sdk';
import type { Logger } from '../logger.js';

export class TrustPolicyFile {
  readonly path: string;
  readonly #logger: Logger;
  #stamp: string | undefined;
  #text: string | undefined;

  constructor(path: string, logger: Logger, loaded?: string) {
    this.path = path;
    this.#logger = logger;
    this.#text = loaded;
  }

  /** The last policy loaded (self-contained text), without looking at the file. */
  get latest(): string | undefined {
    return this.#text;
  }

  /** The policy now in force: the file's, re-read first if it changed since the last read. */
  async current(): Promise<string | undefined> {
    let stamp: string;
    try {
      const info = await stat(this.path);
      stamp = `${info.mtimeMs}:${info.size}`;
    } catch (error) {
      this.#logger.error(
        { err: error, file: this.path },
        'the app trust policy file cannot be read: keeping the last one',
      );
      return this.#text;
    }
    if (stamp === this.#stamp) return this.#text;
    try {
      const text = await inlineTrustPolicyFile(this.path);
      const policy = parseTrustPolicy(text, { baseDir: '/nonexistent' }).value;
      this.#text = text;
      this.#stamp = stamp;
      this.#logger.info(
        {
          file: this.path,
          keys: policy === undefined ? [] : [...policy.authorities.keys()],
          policies: policy?.policies.map((p) => ({ name: p.name, scopes: p.scopes })) ?? [],
        },
        'app trust policy loaded',
      );
    } catch (error) {
      this.#stamp = stamp;
      this.#logger.error(
        { err: error, file: this.path },
        'the app trust policy file is invalid: keeping the last one',
      );
    }
    return this.#text;
  }
}
