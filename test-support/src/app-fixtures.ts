/**
 * App folders and registry storage for the publishing tests of the sdk and the CLI: a copy of
 * examples/echo-llm, and tampering with stored bytes as an attacker with disk access would.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('../../examples/echo-llm', import.meta.url));

/** Copies examples/echo-llm to `dir`, plus `extra` files (to make content, and so the digest, differ). */
export async function makeApp(dir: string, extra: Record<string, string> = {}): Promise<string> {
  await cp(example, dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) await writeFile(path.join(dir, name), text);
  return dir;
}

/**
 * Replaces `from` by `to` (same length, so sizes still match) in a file of registry storage: the
 * bytes change but stay valid JSON or a plausible blob, as an attacker with disk access would leave them.
 */
export async function tamper(file: string, from: string, to: string): Promise<void> {
  if (from.length !== to.length) throw new Error('tamper keeps the size: from and to must be equally long');
  const text = await readFile(file, 'latin1');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  await writeFile(file, text.replace(from, to), 'latin1');
}

/** Flips one byte in the middle of a file of registry storage. */
export async function flipByte(file: string): Promise<void> {
  const bytes = await readFile(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  await writeFile(file, bytes);
}
