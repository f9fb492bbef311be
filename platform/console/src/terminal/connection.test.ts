import { describe, expect, it } from 'vitest';
import { WriteFlow, terminalSocketUrl } from './connection.js';

describe('WriteFlow', () => {
  it('pauses above the high mark and resumes only below the low mark', () => {
    const sent: string[] = [];
    const flow = new WriteFlow((m) => sent.push(m), 100, 40);
    const done = [flow.queued(60), flow.queued(60)];
    expect(sent).toEqual(['pause']);
    const more = flow.queued(10);
    expect(sent).toEqual(['pause']);
    done[0]!();
    expect(flow.pending).toBe(70);
    expect(sent).toEqual(['pause']);
    done[1]!();
    expect(sent).toEqual(['pause', 'resume']);
    more();
    expect(flow.pending).toBe(0);
    expect(flow.paused).toBe(false);
    expect(sent).toEqual(['pause', 'resume']);
    expect(flow.peak).toBe(130);
  });
});

describe('terminalSocketUrl', () => {
  it('drops the token from the URL and adds the size', () => {
    const url = terminalSocketUrl(
      'ws://127.0.0.1:8080/v1/allocations/a1/terminal?token=SECRET',
      'http://127.0.0.1:8080',
      120,
      40,
    );
    expect(url).toBe('ws://127.0.0.1:8080/v1/allocations/a1/terminal?cols=120&rows=40');
  });

  it('uses wss behind https', () => {
    expect(
      terminalSocketUrl(
        'https://gpu.example.com/v1/allocations/a/terminal?token=x',
        'https://gpu.example.com',
        80,
        24,
      ),
    ).toBe('wss://gpu.example.com/v1/allocations/a/terminal?cols=80&rows=24');
  });
});
