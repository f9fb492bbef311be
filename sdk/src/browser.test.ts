import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
/** Packages the browser entry may load at run time (type-only imports are erased). */
const BROWSER_SAFE_PACKAGES = new Set(['openapi-fetch']);

/** Specifiers of the value imports and re-exports of a module (not `import type` / `export type`). */
function valueImports(source: string): string[] {
  const found: string[] = [];
  const statement = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*'([^']+)'/g;
  for (const match of source.matchAll(statement)) {
    if (match[2] === undefined) found.push(match[4]!);
  }
  for (const match of source.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g)) found.push(match[1]!);
  return found;
}

/** Every module the entry loads, followed through relative imports, and the packages they name. */
function walk(entry: string): { modules: string[]; packages: Map<string, string> } {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of valueImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        if (specifier.endsWith('.json')) continue;
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else {
        packages.set(specifier, file);
      }
    }
  }
  return { modules: [...seen], packages };
}

describe('the browser entry', () => {
  it('loads no Node built-in and no Node-only package, however deep', () => {
    const { modules, packages } = walk(join(SRC, 'browser.ts'));
    expect(modules.length).toBeGreaterThan(5);
    const offending = [...packages].filter(([name]) => !BROWSER_SAFE_PACKAGES.has(name));
    expect(offending.map(([name, file]) => `${name} (in ${file.slice(SRC.length + 1)})`)).toEqual([]);
  });

  it('finds a Node built-in where one is loaded (the walk is not vacuous)', () => {
    const { packages } = walk(join(SRC, 'client', 'index.ts'));
    expect([...packages.keys()]).toContain('node:crypto');
  });
});
