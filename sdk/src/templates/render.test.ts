import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultDisplayName, isDnsLabel, renderTemplateText } from './render.js';

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
// Display names as a person types them: any printable text on one line, 1 to 80 code points.
const displayName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  // eslint-disable-next-line no-control-regex
  .filter((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s) && [...s].length <= 80);

function decodeHtml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

describe('renderTemplateText', () => {
  it('keeps any display name intact in YAML, JSON and HTML', () => {
    fc.assert(
      fc.property(dnsLabel, dnsLabel, displayName, (name, publisher, title) => {
        const values = { name, publisher, displayName: title };
        const yaml = renderTemplateText(
          "name: '{{name}}'\ndisplayName: '{{displayName}}'\n",
          values,
          'a.yaml',
        );
        expect(parse(yaml)).toEqual({ name, displayName: title });
        const json = renderTemplateText('{"name":"{{name}}","d":"{{displayName}}"}', values, 'package.json');
        expect(JSON.parse(json)).toEqual({ name, d: title });
        const html = renderTemplateText('<title>{{displayName}}</title>', values, 'index.html');
        expect(html).not.toMatch(/<(?!\/?title>)/);
        expect(decodeHtml(html.slice('<title>'.length, -'</title>'.length))).toBe(title);
      }),
    );
  });

  it('accepts spaces inside the braces and leaves ${{ }} expressions alone', () => {
    const values = { name: 'a', publisher: 'b', displayName: 'C' };
    expect(renderTemplateText('{{ name }}/{{publisher}} ${{ github.sha }}', values, 'x.yml')).toBe(
      'a/b ${{ github.sha }}',
    );
  });

  it('does not mistake a value that looks like a placeholder for a template bug', () => {
    const values = { name: 'a', publisher: 'b', displayName: '{{version}}' };
    expect(renderTemplateText('{{displayName}}', values, 'README.md')).toBe('{{version}}');
  });

  it('refuses unknown placeholders', () => {
    const values = { name: 'a', publisher: 'b', displayName: 'C' };
    expect(() => renderTemplateText('v{{version}}', values, 'x.md')).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_INVALID' }),
    );
  });
});

describe('names', () => {
  it.each([
    ['my-app', true],
    ['a', true],
    ['0ab', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['My-app', false],
    ['my_app', false],
    ['app-', false],
    ['', false],
  ])('isDnsLabel(%j) is %s', (value, want) => {
    expect(isDnsLabel(value)).toBe(want);
  });

  it('every DNS label gets a non-empty display name that init accepts', () => {
    fc.assert(
      fc.property(dnsLabel, (name) => {
        const title = defaultDisplayName(name);
        return title.length > 0 && title.length <= 80 && !title.includes('-');
      }),
    );
    expect(defaultDisplayName('my-cool-app')).toBe('My Cool App');
  });
});
