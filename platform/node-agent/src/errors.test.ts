import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_AGENT_ERRORS, NodeAgentError, isNodeAgentError } from './errors.js';
import type { NodeAgentErrorCode } from './errors.js';

function documentedCodes(): Map<string, { exit: string; meaning: string }> {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('node-agent'));
  expect(section, 'docs/errors.md has a "## node-agent" section').toBeDefined();
  const rows = new Map<string, { exit: string; meaning: string }>();
  for (const line of (section ?? '').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const code = cells[1];
    if (code && /^[A-Z][A-Z0-9_]+$/.test(code))
      rows.set(code, { exit: cells[2] ?? '', meaning: cells[3] ?? '' });
  }
  return rows;
}

describe('node agent error catalog', () => {
  it('docs/errors.md lists every code with its exit status and meaning, and nothing else', () => {
    const documented = documentedCodes();
    const defined = Object.keys(NODE_AGENT_ERRORS) as NodeAgentErrorCode[];
    expect([...documented.keys()].sort()).toEqual([...defined].sort());
    for (const code of defined) {
      const { exit, meaning } = NODE_AGENT_ERRORS[code];
      expect(documented.get(code), code).toEqual({ exit: String(exit), meaning });
    }
  });

  it('keeps its code and cause', () => {
    const cause = new Error('exit 9');
    const error = new NodeAgentError('NVIDIA_SMI_FAILED', 'nvidia-smi failed', { cause });
    expect(isNodeAgentError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'NodeAgentError', code: 'NVIDIA_SMI_FAILED', cause });
    expect(isNodeAgentError(new Error('x'))).toBe(false);
  });
});
