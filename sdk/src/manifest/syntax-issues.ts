/**
 * Diagnostics for text that is not well-formed: `yaml`'s errors and warnings, and JSON.parse's
 * complaint, each placed where the author has to fix it and explained for the usual slips.
 */
import type { Document, ErrorCode, YAMLError } from 'yaml';
import type { RawIssue } from './issue.js';
import { jsonErrorOffset } from './json-position.js';
import { pointerAt, pointerSegments } from './positions.js';

const YAML_HINTS: Partial<Record<ErrorCode, string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs for indentation',
  MULTIPLE_DOCS: 'a manifest is a single YAML document; remove the second "---" and what follows it',
  BAD_INDENT: 'check the indentation: keys of one mapping must line up, nested keys go further right',
  MISSING_CHAR: 'a quote or bracket is not closed: this one has no partner',
  BAD_DQ_ESCAPE: 'inside double quotes write a backslash as \\\\, or use single quotes',
  BLOCK_AS_IMPLICIT_KEY: 'a value that contains ": " must be quoted',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; a value that contains ": " must be quoted',
  BAD_SCALAR_START: 'quote the value: a plain value cannot start with @ or `',
  UNEXPECTED_TOKEN: 'check the line for a stray character, an unclosed quote or a missing ":"',
  RESOURCE_EXHAUSTION: 'aliases expand too much; write the values out',
};

/** Index of the unmatched `open` before `pos` (scanning back), or -1. */
function openerBefore(text: string, pos: number, open: string, close: string): number {
  let depth = 0;
  for (let i = Math.min(pos, text.length) - 1; i >= 0; i--) {
    const c = text[i];
    if (c === close) depth++;
    else if (c === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/**
 * Where an unterminated construct starts. yaml reports these at the end of the damage (often the
 * end of the file); the opening quote or bracket is what the author has to fix.
 */
function startOfDamage(text: string, e: YAMLError): number | undefined {
  if (e.code === 'MISSING_CHAR' && /quote/.test(e.message)) {
    // An unclosed "…" swallows everything up to the end, so its opening quote is the last one.
    for (let i = Math.min(e.pos[0], text.length) - 1; i >= 0; i--) {
      if (text[i] !== '"') continue;
      let slashes = 0;
      while (text[i - 1 - slashes] === '\\') slashes++;
      if (slashes % 2 === 0) return i;
    }
  }
  const flow = /end with a ([\]}])/.exec(e.message)?.[1];
  if (flow !== undefined) {
    const at = openerBefore(text, e.pos[0], flow === ']' ? '[' : '{', flow);
    if (at >= 0) return at;
  }
  return undefined;
}

export function yamlIssue(
  text: string,
  doc: Document,
  e: YAMLError,
  severity: 'error' | 'warning',
): RawIssue {
  const start = startOfDamage(text, e) ?? e.pos[0];
  const offsets: [number, number] = [start, Math.max(start + 1, e.pos[1])];
  // yaml's wording is for programmers in one case: it recommends one of its own functions.
  const message =
    e.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one YAML document'
      : (e.message.split('\n')[0] ?? e.message);
  if (e.code === 'DUPLICATE_KEY') {
    const pointer = pointerAt(doc, e.pos[0]);
    const key = pointerSegments(pointer).at(-1) ?? '?';
    return {
      pointer,
      anchor: 'key',
      code: 'duplicate-key',
      message: `key ${JSON.stringify(key)} appears twice in the same mapping`,
      hint: 'YAML keeps only one of them; remove or rename the other',
      severity,
      offsets: [e.pos[0], e.pos[0] + Math.max(1, key.length)],
    };
  }
  const flow = /end with a ([\]}])/.exec(message)?.[1];
  return {
    pointer: '',
    anchor: 'value',
    code: severity === 'error' ? 'yaml-syntax' : 'yaml-warning',
    message: `YAML ${severity === 'error' ? 'syntax error' : 'warning'}: ${message}`,
    hint:
      flow !== undefined
        ? `this ${flow === ']' ? '[' : '{'} is never closed with ${flow}`
        : YAML_HINTS[e.code],
    severity,
    offsets: startOfDamage(text, e) !== undefined ? [start, start + 1] : offsets,
  };
}

/** JSON.parse's complaint, placed where V8 says and explained for the usual slips. */
export function jsonIssue(text: string, err: unknown): RawIssue {
  const raw = err instanceof Error ? err.message : String(err);
  let offset = Math.max(0, jsonErrorOffset(text));
  let hint: string | undefined;
  let before = offset - 1;
  while (before >= 0 && /\s/.test(text[before] ?? '')) before--;
  const c = text[offset] ?? '';
  if ((c === '}' || c === ']') && text[before] === ',') {
    offset = before;
    hint = 'JSON does not allow a trailing comma; remove it';
  } else if (c === '/')
    hint = 'JSON does not allow comments; remove them, or write the manifest as gpuaas-app.yaml';
  else if (c === "'") hint = 'JSON strings and keys need double quotes';
  else if (/[A-Za-z_$]/.test(c)) hint = 'JSON keys and strings need double quotes';
  return {
    pointer: '',
    anchor: 'value',
    code: 'json-syntax',
    message: `invalid JSON: ${raw.replace(/ in JSON at position.*$/s, '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')}`,
    hint,
    severity: 'error',
    offsets: [offset, Math.min(text.length, offset + 1)],
  };
}
