/**
 * The embedded OCI registry's storage, in one object: blobs and uploads, manifests, tags and
 * referrers, namespace ownership, garbage collection. Everything is on the filesystem under
 * `<data-dir>/registry/` (README.md says why).
 *
 * @example
 * const registry = new Registry(join(dataDir, 'registry'));
 * await registry.blobs.putMonolithic('team/app', digest, stream);
 */
import { BlobStore } from './blobs.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readOptional } from './files.js';
import { collectGarbage } from './gc.js';
import type { GcOptions, GcReport } from './gc.js';
import { RegistryLayout } from './layout.js';
import { ManifestStore } from './manifests.js';

/** A namespace bound to its project by a first push (Registry.claimNamespace). */
export interface NamespaceClaim {
  namespace: string;
  projectId: string;
}

export class Registry {
  readonly layout: RegistryLayout;
  readonly blobs: BlobStore;
  readonly manifests: ManifestStore;
  readonly #claimListeners = new Set<(claim: NamespaceClaim) => Promise<void>>();

  constructor(root: string) {
    this.layout = new RegistryLayout(root);
    this.blobs = new BlobStore(this.layout);
    this.manifests = new ManifestStore(this.layout, this.blobs);
  }

  /** The project id that owns `namespace`, once something was pushed there. */
  async namespaceOwner(namespace: string): Promise<string | undefined> {
    return (await readOptional(this.layout.namespaceOwner(namespace)))?.trim() || undefined;
  }

  /**
   * Binds `namespace` to `projectId` on its first push and returns the owner: the first claim
   * wins (exclusive create), so two projects of the same name never share a namespace.
   */
  async claimNamespace(namespace: string, projectId: string): Promise<string> {
    const path = this.layout.namespaceOwner(namespace);
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeFile(path, projectId, { flag: 'wx' });
      for (const listener of this.#claimListeners) await listener({ namespace, projectId });
      return projectId;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return (await this.namespaceOwner(namespace)) ?? projectId;
    }
  }

  /**
   * Calls `listener` after each claim this instance wins (the audit trail records them), before
   * the claiming request goes on. Returns the unsubscribe function.
   */
  onNamespaceClaimed(listener: (claim: NamespaceClaim) => Promise<void>): () => void {
    this.#claimListeners.add(listener);
    return () => this.#claimListeners.delete(listener);
  }

  collectGarbage(options?: GcOptions): Promise<GcReport> {
    return collectGarbage(this.layout, this.manifests, options);
  }
}
