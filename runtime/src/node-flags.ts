/**
 * Node flags `gpuaas-runtime serve` runs with: the node agent puts them before the bin, the bin's
 * `#!/usr/bin/env -S node …` line carries the same ones, and `npm run bench:runtime` measures the
 * runtime with them (peak RSS target ≤ 120 MiB during a 1 GiB launch). Free of imports, and
 * exported as `@gpuaas/runtime/node-flags`, so the agent reads it without loading the runtime.
 *
 * Why each (measured on a 1 GiB cold launch, see docs/benchmarks.md "runtime"):
 * - `--max-semi-space-size=1`: the fetch streams 1 GiB through 64 KiB network chunks; with V8's
 *   default young generation (up to 16 MiB per semi-space) the dead chunks and their wrappers
 *   pile up between scavenges: peak RSS ~185 MiB instead of ~120.
 * - `--max-opt=2`: no TurboFan. The runtime's hot paths are native (hashing, file and socket
 *   I/O); TurboFan's compile zones (malloc'd on background threads, kept in per-thread arenas)
 *   cost ~5 MiB of RSS for no measurable speed here. Maglev still optimises hot JS.
 * - `--single-threaded`: GC and compilation on the main thread, so no helper thread grows a
 *   malloc arena of its own; with the two above, the peak is ~108 MiB and steady from run to run
 *   (112–120 without it). The runtime is I/O-bound; the allocation's cores are the app's.
 */
export const RUNTIME_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--max-opt=2',
  '--single-threaded',
];
