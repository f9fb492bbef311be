/**
 * The launch form: the inputs generated from the version's parameters, where to run it (a new
 * allocation sized from the app's GPU profile, or one of the project's running allocations) and
 * the release channel to follow. Sending it leads to the consent step, not to a launch.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import type { FormEvent } from 'react';
import { DURATION_PATTERN } from '../../format.js';
import { shortId } from '../../format.js';
import { fieldId, ParameterField } from './parameter-field.js';
import type { FieldValue, FormField, FormValues } from './parameter-form.js';

type Allocation = PlatformComponents['schemas']['Allocation'];

/** What the launch form keeps across an expired session (never a secret). */
export interface LaunchDraft {
  values: FormValues;
  target: 'new' | 'existing';
  allocationId: string;
  ttl: string;
  channel: string;
  upgrades: 'manual' | 'automatic';
}

/** Ids of the inputs beside the parameters, for error placement and focus. */
export const OTHER_FIELDS = {
  allocation: 'launch-allocation',
  ttl: 'launch-ttl',
  channel: 'launch-channel',
} as const;

export const CHANNEL_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';

export function LaunchForm({
  fields,
  values,
  errors,
  draft,
  allocations,
  onValue,
  onBlur,
  onDraft,
  onSubmit,
}: {
  fields: FormField[];
  values: FormValues;
  errors: Record<string, string>;
  draft: LaunchDraft;
  allocations: Allocation[] | undefined;
  onValue: (field: FormField, value: FieldValue) => void;
  onBlur: (field: FormField) => void;
  onDraft: (next: Partial<LaunchDraft>) => void;
  onSubmit: () => void;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  const problems = Object.entries(errors);
  return (
    <form noValidate onSubmit={submit} aria-labelledby="launch-heading">
      {problems.length > 0 && (
        <div role="alert" className="error" data-testid="form-errors">
          <p>
            <strong>
              Fix {problems.length === 1 ? 'this field' : `these ${problems.length} fields`} before launching:
            </strong>
          </p>
          <ul>
            {problems.map(([name, message]) => (
              <li key={name}>
                <a
                  href={`#${fields.some((f) => f.name === name) ? fieldId(name) : name}`}
                  onClick={(e) => {
                    e.preventDefault();
                    document
                      .getElementById(fields.some((f) => f.name === name) ? fieldId(name) : name)
                      ?.focus();
                  }}
                >
                  {message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset>
        <legend>Parameters</legend>
        {fields.length === 0 ? (
          <p className="muted">This version takes no parameters.</p>
        ) : (
          <div className="params">
            {fields.map((f) => (
              <ParameterField
                key={f.name}
                field={f}
                value={values[f.name]}
                error={errors[f.name]}
                onChange={(v) => onValue(f, v)}
                onBlur={() => onBlur(f)}
              />
            ))}
          </div>
        )}
        {fields.some((f) => !f.secret) && (
          <p className="muted">Empty fields are left out: the app uses its default, if it has one.</p>
        )}
      </fieldset>
      <fieldset>
        <legend>Where it runs</legend>
        <div className="check">
          <input
            type="radio"
            id="launch-target-new"
            name="target"
            checked={draft.target === 'new'}
            onChange={() => onDraft({ target: 'new' })}
          />
          <label htmlFor="launch-target-new">New allocation from the app&apos;s GPU profile</label>
        </div>
        <div className="check">
          <input
            type="radio"
            id="launch-target-existing"
            name="target"
            checked={draft.target === 'existing'}
            onChange={() => onDraft({ target: 'existing' })}
          />
          <label htmlFor="launch-target-existing">An allocation already running</label>
        </div>
        <div className="fields">
          {draft.target === 'new' ? (
            <Text
              id={OTHER_FIELDS.ttl}
              label="Time to live (optional)"
              hint="e.g. 2h or 1d; empty: until you release it"
              value={draft.ttl}
              error={errors[OTHER_FIELDS.ttl]}
              onChange={(ttl) => onDraft({ ttl })}
            />
          ) : (
            <div>
              <label htmlFor={OTHER_FIELDS.allocation}>Allocation</label>
              <select
                id={OTHER_FIELDS.allocation}
                value={draft.allocationId}
                aria-invalid={errors[OTHER_FIELDS.allocation] === undefined ? undefined : true}
                aria-describedby={`${OTHER_FIELDS.allocation}-error`}
                onChange={(e) => onDraft({ allocationId: e.target.value })}
              >
                <option value="">Choose a running allocation</option>
                {allocations?.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name ?? shortId(a.id)} ({a.request.count} GPU{a.request.count === 1 ? '' : 's'})
                  </option>
                ))}
              </select>
              <span id={`${OTHER_FIELDS.allocation}-error`} className="field-error">
                {errors[OTHER_FIELDS.allocation] ??
                  (allocations?.length === 0 ? 'No allocation of this project is running.' : '')}
              </span>
            </div>
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>Updates</legend>
        <div className="fields">
          <Text
            id={OTHER_FIELDS.channel}
            label="Release channel"
            hint="The channel whose new versions it follows"
            value={draft.channel}
            error={errors[OTHER_FIELDS.channel]}
            onChange={(channel) => onDraft({ channel })}
          />
          <div>
            <label htmlFor="launch-upgrades">Upgrades</label>
            <select
              id="launch-upgrades"
              value={draft.upgrades}
              onChange={(e) => onDraft({ upgrades: e.target.value === 'automatic' ? 'automatic' : 'manual' })}
            >
              <option value="manual">Manual: I upgrade it</option>
              <option value="automatic">Automatic, unless it needs fresh consent</option>
            </select>
          </div>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary">
          Review and launch
        </button>
      </div>
    </form>
  );
}

function Text(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        value={props.value}
        aria-invalid={props.error === undefined ? undefined : true}
        aria-describedby={`${props.id}-hint`}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <span
        id={`${props.id}-hint`}
        className={props.error === undefined ? 'muted field-hint' : 'field-error'}
      >
        {props.error ?? props.hint}
      </span>
    </div>
  );
}

/** The browser's checks of the inputs beside the parameters. */
export function checkOthers(draft: LaunchDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  if (draft.target === 'existing' && draft.allocationId === '') {
    errors[OTHER_FIELDS.allocation] = 'Allocation: choose a running allocation.';
  }
  if (draft.target === 'new' && draft.ttl !== '' && !new RegExp(DURATION_PATTERN).test(draft.ttl)) {
    errors[OTHER_FIELDS.ttl] = 'Time to live must be a duration such as 30m, 2h or 1d.';
  }
  if (!new RegExp(CHANNEL_PATTERN).test(draft.channel)) {
    errors[OTHER_FIELDS.channel] =
      'Release channel must be lower-case letters, digits, dots, dashes or underscores.';
  }
  return errors;
}
