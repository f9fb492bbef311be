import { describe, expect, it } from 'vitest';
import { checkField, collectInputs, draftable, fieldsOf, initialValues, toInput } from './parameter-form.js';
import type { FormField } from './parameter-form.js';
import { placeProblems } from './parameter-problems.js';

const PARAMETERS = {
  greeting: { type: 'string', title: 'Greeting', minLength: 2, maxLength: 8, default: 'hello' },
  api_key: { type: 'string', secret: true, description: 'Your API key' },
  replicas: { type: 'integer', minimum: 1, maximum: 8, default: 1, title: 'Replicas' },
  temperature: { type: 'number', minimum: 0, maximum: 2 },
  verbose: { type: 'boolean', default: true },
  model: { type: 'string', enum: ['small', 'large'], default: 'small' },
  tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' }, maxItems: 3, default: ['a', 'b'] },
  ports: { type: 'array', items: { type: 'integer', minimum: 1 } },
  extra: { type: 'object', required: ['host'], properties: { host: { type: 'string' } } },
  contact: { type: 'string', format: 'email' },
  code: { type: 'string', pattern: '^[A-Z]{3}$' },
  broken: 'not a schema',
};

const fields = fieldsOf(PARAMETERS);
const field = (name: string): FormField => {
  const found = fields.find((f) => f.name === name);
  if (found === undefined) throw new Error(name);
  return found;
};

describe('fieldsOf', () => {
  it('gives each parameter a sensible input, in the manifest order', () => {
    expect(fields.map((f) => [f.name, f.kind, f.inputType])).toEqual([
      ['greeting', 'text', 'text'],
      ['api_key', 'text', 'password'],
      ['replicas', 'integer', 'text'],
      ['temperature', 'number', 'text'],
      ['verbose', 'boolean', 'text'],
      ['model', 'select', 'text'],
      ['tags', 'list', 'text'],
      ['ports', 'list', 'text'],
      ['extra', 'json', 'text'],
      ['contact', 'text', 'email'],
      ['code', 'text', 'text'],
    ]);
    expect(field('api_key')).toMatchObject({ secret: true, label: 'api_key', description: 'Your API key' });
    expect(field('model').options).toEqual(['small', 'large']);
    expect(field('greeting').hint).toBe('2 to 8 characters');
    expect(field('replicas').hint).toBe('1 to 8; a whole number');
    expect(field('tags').hint).toBe('one per line; at most 3 items');
  });

  it('prefills the defaults, never a secret', () => {
    expect(initialValues(fields)).toEqual({
      greeting: 'hello',
      api_key: '',
      replicas: '1',
      temperature: '',
      verbose: true,
      model: 'small',
      tags: 'a\nb',
      ports: '',
      extra: '',
      contact: '',
      code: '',
    });
    expect(toInput(field('extra'), { host: 'x' })).toBe('{\n  "host": "x"\n}');
  });

  it('keeps secrets out of drafts', () => {
    const values = { ...initialValues(fields), api_key: 'sk-123' };
    expect(draftable(fields, values)).not.toHaveProperty('api_key');
    expect(draftable(fields, values)).toHaveProperty('greeting', 'hello');
  });
});

describe('collectInputs', () => {
  it('types the values, leaves empty inputs out and puts secrets apart', () => {
    const got = collectInputs(fields, {
      ...initialValues(fields),
      api_key: 'sk-123',
      replicas: '4',
      temperature: '0.5',
      verbose: false,
      model: 'large',
      ports: '80\n443\n',
      extra: '{"host":"h"}',
    });
    expect(got.errors).toEqual({});
    expect(got.secrets).toEqual({ api_key: 'sk-123' });
    expect(got.parameters).toEqual({
      greeting: 'hello',
      replicas: 4,
      temperature: 0.5,
      verbose: false,
      model: 'large',
      tags: ['a', 'b'],
      ports: [80, 443],
      extra: { host: 'h' },
    });
  });

  it.each<[string, string, string | boolean, string | undefined]>([
    ['too short', 'greeting', 'x', 'Greeting must be at least 2 characters long.'],
    ['too long', 'greeting', 'x'.repeat(9), 'Greeting must be at most 8 characters long.'],
    ['code points, not UTF-16 units', 'greeting', '😀😀', undefined],
    ['not a number', 'replicas', 'four', 'Replicas must be a number.'],
    ['hex is not a number', 'replicas', '0x10', 'Replicas must be a number.'],
    ['not whole', 'replicas', '1.5', 'Replicas must be a whole number.'],
    ['below the minimum', 'replicas', '0', 'Replicas must be at least 1.'],
    ['above the maximum', 'temperature', '2.5', 'temperature must be at most 2.'],
    ['pattern', 'code', 'abc', 'code must match ^[A-Z]{3}$.'],
    ['pattern ok', 'code', 'ABC', undefined],
    ['format', 'contact', 'nobody', 'contact must be a valid email.'],
    ['item pattern', 'tags', 'ok\nNOT', 'tags, item 2, must match ^[a-z]+$.'],
    ['too many items', 'tags', 'a\nb\nc\nd', 'tags takes at most 3 items.'],
    ['item number', 'ports', '80\nx', 'ports: item 2 must be a number.'],
    ['item minimum', 'ports', '0', 'ports, item 1, must be at least 1.'],
    ['bad JSON', 'extra', '{', 'extra must be valid JSON (an object).'],
    ['JSON of another type', 'extra', '[1]', 'extra must be an object.'],
    ['required field', 'extra', '{}', 'extra needs the field host.'],
    ['nested type', 'extra', '{"host":1}', 'extra.host must be text.'],
    ['empty means not given', 'temperature', '  ', undefined],
  ])('%s', (_, name, value, want) => {
    expect(checkField(field(name), value)).toBe(want);
  });

  it('never repeats a secret value in its message', () => {
    const secret = fieldsOf({ token: { type: 'string', secret: true, minLength: 20 } });
    const got = collectInputs(secret, { token: 'sk-short' });
    expect(got.errors.token).toBe('token must be at least 20 characters long.');
    expect(got.secrets).toEqual({});
  });

  it('reports every field at once', () => {
    const got = collectInputs(fields, { ...initialValues(fields), greeting: 'x', replicas: '99' });
    expect(Object.keys(got.errors)).toEqual(['greeting', 'replicas']);
  });
});

describe('placeProblems', () => {
  it("puts the platform's problems at the fields they name", () => {
    const placed = placeProblems(fields, [
      { pointer: '/parameters/greeting', detail: 'must NOT have fewer than 2 characters' },
      { pointer: '/secrets/api_key', detail: 'a secret: pass it in secrets' },
      { pointer: '/parameters/tags/1', detail: 'must match pattern' },
      { pointer: '/accepted_permissions', detail: 'missing storage:read' },
      { pointer: '/parameters/nope', detail: 'the app has no such parameter' },
    ]);
    expect(placed.fields).toEqual({
      greeting: 'Greeting: must NOT have fewer than 2 characters',
      api_key: 'api_key: a secret: pass it in secrets',
      tags: 'tags: must match pattern',
    });
    expect(placed.others.map((o) => o.pointer)).toEqual(['/accepted_permissions', '/parameters/nope']);
  });
});
