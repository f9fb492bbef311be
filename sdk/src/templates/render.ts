/**
 * Placeholder substitution for template files. Values are escaped for the file they land in,
 * because a display name such as `Tom's "fast" <GPU> app` must come out as a valid YAML string,
 * JSON string and HTML text alike.
 */
import { extname } from 'node:path';
import { SdkError } from '../errors.js';

/** The values init substitutes for `{{name}}`, `{{publisher}}` and `{{displayName}}`. */
export interface TemplateValues {
  name: string;
  publisher: string;
  displayName: string;
}

const PLACEHOLDER = /\{\{\s*(name|publisher|displayName)\s*\}\}/g;
// `${{ … }}` is GitHub Actions expression syntax, left alone; any other `{{word}}` is a template bug.
const UNKNOWN_PLACEHOLDER = /(?<!\$)\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** True for a DNS label: lower-case letters, digits and '-', 1 to 63 characters, no '-' at either end. */
export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

/** "my-cool-app" → "My Cool App": the display name init offers when none is given. */
export function defaultDisplayName(name: string): string {
  return name
    .split('-')
    .filter((part) => part !== '')
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join(' ');
}

/**
 * Checks the three values and throws `NAME_INVALID` naming the first bad one. Display names are
 * 1 to 80 code points (the manifest's limit) without control characters.
 */
export function checkTemplateValues(values: TemplateValues): void {
  for (const field of ['name', 'publisher'] as const) {
    if (!isDnsLabel(values[field])) {
      throw new SdkError('NAME_INVALID', `${field} "${values[field]}" is not a DNS label`, {
        details: {
          field,
          hint: 'use lower-case letters, digits and "-", at most 63 characters, starting and ending with a letter or digit (e.g. my-app)',
        },
      });
    }
  }
  const length = [...values.displayName].length;
  // eslint-disable-next-line no-control-regex
  if (length < 1 || length > 80 || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(values.displayName)) {
    throw new SdkError(
      'NAME_INVALID',
      `display name ${JSON.stringify(values.displayName)} is not acceptable`,
      {
        details: { field: 'displayName', hint: 'use 1 to 80 printable characters on one line' },
      },
    );
  }
}

type Escape = (value: string) => string;

const escapes: Record<string, Escape> = {
  // Placeholders in YAML sit inside single-quoted scalars, where the only escape is '' for '.
  yaml: (v) => v.replaceAll("'", "''"),
  json: (v) => JSON.stringify(v).slice(1, -1),
  html: (v) =>
    v
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&#39;'),
};

function escapeFor(fileName: string): Escape {
  switch (extname(fileName).toLowerCase()) {
    case '.yaml':
    case '.yml':
      return escapes.yaml ?? String;
    case '.json':
      return escapes.json ?? String;
    case '.html':
    case '.htm':
    case '.svg':
    case '.xml':
      return escapes.html ?? String;
    default:
      return String;
  }
}

/**
 * Replaces the placeholders in one file's text, escaping values for the file's type (by
 * extension). Throws `TEMPLATE_INVALID` when an unknown `{{placeholder}}` would be left behind.
 */
export function renderTemplateText(text: string, values: TemplateValues, fileName: string): string {
  const escape = escapeFor(fileName);
  // Checked on the template text, so a value that itself contains "{{x}}" is not mistaken for one.
  const leftover = UNKNOWN_PLACEHOLDER.exec(text.replace(PLACEHOLDER, ''));
  if (leftover) {
    throw new SdkError('TEMPLATE_INVALID', `${fileName} uses an unknown placeholder ${leftover[0]}`, {
      details: { file: fileName, hint: 'templates may use {{name}}, {{publisher}} and {{displayName}}' },
    });
  }
  return text.replace(PLACEHOLDER, (_match, key: keyof TemplateValues) => escape(values[key]));
}
