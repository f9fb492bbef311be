/**
 * The main thread's side of the upload thread (upload-worker.ts): one worker per process,
 * started on the first upload, shared by every BlobStore, kept referenced only while it has
 * work (so a CLI or a test that never uploads, or has finished, can exit).
 *
 * Why a thread: at the bench's load (2 shared cores, load average 10+) a GiB push spent ~0.75 s
 * of CPU in SHA-256 and ~0.4 s handing writes to libuv's pool on the one JavaScript thread that
 * also parses every request; Distribution hashes and writes on goroutines of their own. Here the
 * main thread only copies socket chunks into batch buffers and passes them on (transferred, not
 * copied); the upload thread hashes and writes them in order.
 */
import { Worker } from 'node:worker_threads';
import type { UploadThreadReply, UploadThreadRequest } from './upload-worker.js';

// The tests run the TypeScript sources (Node strips the worker's types), the server dist/.
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './upload-worker.ts' : './upload-worker.js',
  import.meta.url,
);

interface Waiter {
  resolve: (reply: UploadThreadReply) => void;
  reject: (error: Error) => void;
}

/** An upload thread's failed write, with the errno code the main thread would have seen. */
export class UploadWriteError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'UploadWriteError';
    this.code = code;
  }
}

class UploadThread {
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, Waiter>();
  #seq = 0;

  /**
   * Appends `buffer[0, length)`, bytes `at…` of `upload`, to `fd` (open for appending until this
   * resolves) and hashes them when they continue its running hash; resolves with the buffer,
   * handed back.
   */
  async write(
    upload: string,
    fd: number,
    buffer: ArrayBuffer,
    length: number,
    at: number,
  ): Promise<ArrayBuffer> {
    const seq = ++this.#seq;
    const reply = this.#send({ op: 'write', seq, upload, fd, buffer, length, at }, [buffer]);
    const { buffer: back, error } = await reply;
    if (error !== undefined) throw new UploadWriteError(error.message, error.code);
    if (back === undefined) throw new Error('the upload thread did not hand the buffer back');
    return back;
  }

  /**
   * The hex SHA-256 of `upload`'s `size` bytes from its running hash (which it then forgets);
   * undefined when the hash does not cover exactly those bytes (hash the file instead).
   */
  async digest(upload: string, size: number): Promise<string | undefined> {
    // No thread, no hash (nothing was written since this process started).
    if (this.#worker === undefined) return undefined;
    const seq = ++this.#seq;
    return (await this.#send({ op: 'digest', seq, upload, size })).hex;
  }

  /** Forgets `upload`'s running hash (a cancelled upload, or a chunk cut off after it was hashed). */
  drop(upload: string): void {
    this.#worker?.postMessage({ op: 'drop', upload } satisfies UploadThreadRequest);
  }

  #send(
    request: UploadThreadRequest & { seq: number },
    transfer: ArrayBuffer[] = [],
  ): Promise<UploadThreadReply> {
    const worker = this.#start();
    const reply = new Promise<UploadThreadReply>((resolve, reject) =>
      this.#waiting.set(request.seq, { resolve, reject }),
    );
    if (this.#waiting.size === 1) worker.ref();
    worker.postMessage(request, transfer);
    return reply;
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', (reply: UploadThreadReply) => {
      const waiter = this.#waiting.get(reply.seq);
      this.#waiting.delete(reply.seq);
      if (this.#waiting.size === 0) worker.unref();
      waiter?.resolve(reply);
    });
    // A dead thread fails what it was doing; the next upload starts a new one. Hashes it held are
    // lost: their uploads are hashed from their files when they finish (BlobStore.finishUpload).
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      const waiting = [...this.#waiting.values()];
      this.#waiting.clear();
      for (const waiter of waiting) waiter.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the upload thread exited with ${code}`)));
    this.#worker = worker;
    return worker;
  }
}

/** The process's one upload thread. */
export const uploadThread = new UploadThread();
