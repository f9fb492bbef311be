import { describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer.js';

describe('LogBuffer', () => {
  it('joins lines split across chunks and shows the unfinished one', () => {
    const b = new LogBuffer();
    b.push('hel');
    b.push('lo\nwor');
    expect(b.lines()).toEqual(['hello', 'wor']);
    b.push('ld\r\n');
    expect(b.lines()).toEqual(['hello', 'world']);
  });

  it('keeps only the newest lines under a flood, counting the dropped ones', () => {
    const b = new LogBuffer({ maxLines: 3, maxLineLength: 100 });
    b.push(Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(''));
    expect(b.lines()).toEqual(['line 7', 'line 8', 'line 9']);
    expect(b.dropped).toBe(7);
  });

  it('cuts long lines, and splits an endless one', () => {
    const b = new LogBuffer({ maxLines: 10, maxLineLength: 4 });
    b.push('abcdefgh\n');
    expect(b.lines()).toEqual(['abcd…']);
    b.clear();
    b.push('x'.repeat(10));
    expect(b.lines()).toEqual(['xxxx', 'xxxx', 'xx']);
  });

  it('adds notes after the unfinished line and bumps its version on change', () => {
    const b = new LogBuffer();
    const v = b.version;
    b.push('partial');
    b.note('— reconnected —');
    expect(b.lines()).toEqual(['partial', '— reconnected —']);
    expect(b.version).toBeGreaterThan(v);
  });
});
