/**
 * Freeing a buffer's memory at once instead of at the next full garbage collection.
 *
 * V8 frees a Buffer's bytes (memory outside its heap) only when a garbage collection finds the
 * Buffer dead, and it counts such memory: every ~64 MiB of it allocated since the last full
 * collection forces another. A GiB upload arrives as 16,384 fresh 64 KiB chunks (Node's HTTP
 * parser copies each body piece into a Buffer of its own), so the platform ran a full collection
 * every ~32–64 MiB (32 per GiB, ~4 s at the load of the shared bench machine) and its resident
 * memory grew by the ~70 MiB waiting to be collected; a pull's 8 MiB of read buffers did the
 * same every few requests (docs/benchmarks.md, registry). Detaching the ArrayBuffer
 * (`transfer(0)`) hands its bytes back to the allocator and takes them off V8's count.
 */

/**
 * Frees `buffer`'s memory now, when it is the whole of its ArrayBuffer (never a slice of a pool
 * or of a larger buffer, whose other users would lose their bytes). Afterwards `buffer` is empty.
 * The caller must be the last user: no read, write or pending I/O may still touch the bytes.
 */
export function releaseBuffer(buffer: Buffer): void {
  const backing = buffer.buffer;
  if (!(backing instanceof ArrayBuffer) || buffer.byteOffset !== 0) return;
  if (backing.byteLength === buffer.byteLength) releaseArrayBuffer(backing);
}

/** Frees `buffer`'s memory now (it is then detached: empty); the caller must be its last user. */
export function releaseArrayBuffer(buffer: ArrayBuffer): void {
  if (buffer.byteLength === 0 || buffer.detached) return;
  try {
    buffer.transfer(0);
  } catch {
    // Not detachable (Node marks some ArrayBuffers so): the garbage collector frees it as before.
  }
}
