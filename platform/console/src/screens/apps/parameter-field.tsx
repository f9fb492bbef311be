/**
 * One generated input of the launch form: a text, password, number, select, checkbox or
 * textarea, labelled with the parameter's title, described by its help text and rules, and
 * marked invalid with a message that names it. Checked as the user leaves it (and, once it was
 * wrong, as they type), so the message appears before the form is sent.
 */
import type { FieldValue, FormField } from './parameter-form.js';

/** The element id of a parameter's input (one launch form per page). */
export function fieldId(name: string): string {
  return `launch-param-${name}`;
}

export function ParameterField({
  field,
  value,
  error,
  onChange,
  onBlur,
}: {
  field: FormField;
  value: FieldValue | undefined;
  error: string | undefined;
  onChange: (value: FieldValue) => void;
  onBlur: () => void;
}) {
  const id = fieldId(field.name);
  const describedBy = [
    field.description === undefined ? undefined : `${id}-help`,
    field.hint === undefined ? undefined : `${id}-hint`,
    error === undefined ? undefined : `${id}-error`,
  ]
    .filter((x) => x !== undefined)
    .join(' ');
  const common = {
    id,
    name: field.name,
    'aria-invalid': error === undefined ? undefined : true,
    'aria-describedby': describedBy === '' ? undefined : describedBy,
    onBlur,
  } as const;
  const text = typeof value === 'string' ? value : '';

  const notes = (
    <>
      {field.description !== undefined && (
        <span id={`${id}-help`} className="field-help">
          {field.description}
        </span>
      )}
      {field.hint !== undefined && (
        <span id={`${id}-hint`} className="muted field-hint">
          {field.hint}
          {field.hasDefault ? '; empty: the default' : ''}
        </span>
      )}
      {error !== undefined && (
        <span id={`${id}-error`} className="field-error" data-testid="field-error">
          {error}
        </span>
      )}
    </>
  );

  if (field.kind === 'boolean') {
    return (
      <div className="param param-boolean" data-parameter={field.name}>
        <span className="check">
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          <label htmlFor={id}>{field.label}</label>
        </span>
        {notes}
      </div>
    );
  }

  let input;
  switch (field.kind) {
    case 'select':
      input = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {!field.hasDefault && <option value="">Not set</option>}
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'list':
    case 'json':
      input = (
        <textarea
          {...common}
          rows={field.kind === 'json' ? 4 : 3}
          spellCheck={false}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    default:
      input = (
        <input
          {...common}
          type={field.inputType}
          inputMode={field.kind === 'integer' ? 'numeric' : field.kind === 'number' ? 'decimal' : undefined}
          // Secrets: no autofill of a saved password, no autocorrect, no spell-check dictionary.
          autoComplete={field.secret ? 'new-password' : 'off'}
          spellCheck={field.secret ? false : undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className={`param param-${field.kind}`} data-parameter={field.name}>
      <label htmlFor={id}>
        {field.label}
        {field.secret && <span className="muted"> (secret)</span>}
      </label>
      {input}
      {notes}
    </div>
  );
}
