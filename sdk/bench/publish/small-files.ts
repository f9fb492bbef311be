/**
 * The app of the "many small files" pack figure: 5,000 Python-like source files of exactly 4 KB in
 * 50 packages, plus a valid gpuaas-app.yaml. The text is seeded pseudo-source (identifiers drawn
 * from a 4,000-word vocabulary with a skewed frequency, keywords, indentation, comments) that
 * gzip -6 shrinks about 3×, as it does real source code, so that neither side's compressor gets an
 * unrealistically easy or hard job. No file imports gpuaas_runtime, so packing adds no helper.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SMALL_FILE_BYTES = 4096;
const PACKAGES = 50;

const SMALL_MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: many-small-files
version: 1.0.0
publisher: gpuaas-bench
run:
  entrypoint: [python3, -u, src/pkg00/mod0000.py]
resources:
  minimum:
    gpus:
      count: 0
`;

/** mulberry32: the same text on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYWORDS = [
  'def',
  'return',
  'if',
  'for',
  'in',
  'not',
  'and',
  'self',
  'None',
  'import',
  'from',
  'class',
];

/** Writes `count` files of 4 KB under `dir`/src and the manifest; returns the content bytes. */
export function writeSmallFilesApp(dir: string, count: number): number {
  const random = prng(20);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = (): string =>
    Array.from({ length: 3 + Math.floor(random() * 7) }, () => pick([...letters])).join('');
  const vocabulary = Array.from({ length: 4000 }, () => (random() < 0.5 ? word() : `${word()}_${word()}`));
  // Skewed towards the start of the vocabulary, as names in code are.
  const name = (): string => vocabulary[Math.floor(vocabulary.length * random() ** 4)] as string;
  const line = (): string => {
    const indent = '    '.repeat(Math.floor(random() * 3));
    const r = random();
    if (r < 0.1) return `${indent}def ${name()}(self, ${name()}, ${name()}=${Math.floor(random() * 100)}):`;
    if (r < 0.2) return `${indent}return ${name()}.${name()}(${name()})`;
    if (r < 0.25) return `${indent}# ${Array.from({ length: 3 + Math.floor(random() * 8) }, name).join(' ')}`;
    if (r < 0.3) return '';
    if (r < 0.4) return `${indent}${pick(KEYWORDS)} ${name()} ${pick(KEYWORDS)} ${name()}:`;
    return `${indent}${name()} = ${name()}.${name()}(${name()}, ${Math.floor(random() * 16)})`;
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'gpuaas-app.yaml'), SMALL_MANIFEST);
  for (let i = 0; i < count; i++) {
    const folder = join(dir, 'src', `pkg${String(i % PACKAGES).padStart(2, '0')}`);
    mkdirSync(folder, { recursive: true });
    let text = '';
    while (text.length < SMALL_FILE_BYTES) text += `${line()}\n`;
    writeFileSync(join(folder, `mod${String(i).padStart(4, '0')}.py`), text.slice(0, SMALL_FILE_BYTES));
  }
  return count * SMALL_FILE_BYTES;
}
