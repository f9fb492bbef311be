/**
 * Builds the console into dist/: index.html (no inline script, so the platform's CSP can forbid
 * them) and content-hashed files under assets/ that the platform caches as immutable. The terminal
 * (xterm.js) is split into its own chunk, loaded only when a terminal opens.
 */
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Fails the build when browser code imports a Node built-in (Vite would only warn and stub it). */
function forbidNodeBuiltins(): Plugin {
  return {
    name: 'gpuaas-forbid-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (NODE_BUILTINS.has(source)) {
        throw new Error(`${importer ?? 'the console'} imports the Node built-in "${source}"`);
      }
      return null;
    },
  };
}

/**
 * A package.json imported by a library (the sdk reads its version from it) becomes only its name
 * and version: the rest (scripts, dependency lists) has no business in the page.
 */
function packageJsonVersionOnly(): Plugin {
  return {
    name: 'gpuaas-package-json-version-only',
    enforce: 'pre',
    async load(id) {
      if (!id.endsWith('/package.json')) return null;
      const { name, version } = JSON.parse(await readFile(id, 'utf8')) as { name?: string; version?: string };
      return JSON.stringify({ name, version });
    },
  };
}

export default defineConfig({
  plugins: [forbidNodeBuiltins(), packageJsonVersionOnly(), react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
