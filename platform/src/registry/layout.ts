/**
 * Where everything lives under `<data-dir>/registry/` (README.md in this folder):
 *
 *   blobs/sha256/<hex>                           content, manifests included, written once by rename
 *   uploads/<uuid>/data, uploads/<uuid>/info     an upload in progress (info: its repository)
 *   repositories/<name>/_blobs/<hex>             the blob is part of this repository (empty file)
 *   repositories/<name>/_manifests/revisions/<hex>   a manifest of this repository (its media type)
 *   repositories/<name>/_manifests/tags/<tag>    the digest the tag points at
 *   repositories/<name>/_referrers/<subject-hex>/<hex>  a referrer's descriptor (JSON)
 *   repositories/<namespace>/_project            the project that owns the namespace
 */
import { join } from 'node:path';

export class RegistryLayout {
  constructor(readonly root: string) {}

  get blobsDir(): string {
    return join(this.root, 'blobs', 'sha256');
  }
  blob(hex: string): string {
    return join(this.blobsDir, hex);
  }
  get uploadsDir(): string {
    return join(this.root, 'uploads');
  }
  upload(id: string): string {
    return join(this.uploadsDir, id);
  }
  get repositoriesDir(): string {
    return join(this.root, 'repositories');
  }
  repository(name: string): string {
    return join(this.repositoriesDir, ...name.split('/'));
  }
  blobLink(name: string, hex: string): string {
    return join(this.repository(name), '_blobs', hex);
  }
  revisionsDir(name: string): string {
    return join(this.repository(name), '_manifests', 'revisions');
  }
  revision(name: string, hex: string): string {
    return join(this.revisionsDir(name), hex);
  }
  tagsDir(name: string): string {
    return join(this.repository(name), '_manifests', 'tags');
  }
  tag(name: string, tag: string): string {
    return join(this.tagsDir(name), tag);
  }
  referrersDir(name: string, subjectHex: string): string {
    return join(this.repository(name), '_referrers', subjectHex);
  }
  namespaceOwner(namespace: string): string {
    return join(this.repositoriesDir, namespace, '_project');
  }
  /** A temporary file next to `path` (same filesystem, so the rename is atomic). */
  temp(path: string, suffix: string): string {
    return `${path}.tmp-${suffix}`;
  }
}
