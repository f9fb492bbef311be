/**
 * What the console's forms share: a field whose label, hint and error are wired for assistive
 * technology, the notices a form shows (values restored after a new sign-in, a change done), and
 * the busy/error state of sending a change.
 */
import { useId, useState } from 'react';
import type { ReactNode } from 'react';

/** What a field's control takes from its Field. */
export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}

/**
 * A labelled control with its hint and error read out with it. `error` (given, even undefined)
 * marks a checked field: aria-invalid follows it unless `invalid` says otherwise. `note` draws
 * its own description (e.g. what an amount was read as) under the id it is given.
 */
export function Field(props: {
  label: ReactNode;
  children: (control: ControlProps) => ReactNode;
  /** The control's id, when something else needs it (e.g. to move the focus there). */
  id?: string;
  className?: string;
  hint?: ReactNode;
  error?: string | undefined;
  invalid?: boolean;
  note?: (id: string) => ReactNode;
  /** Ids of descriptions outside the field (a hint several fields share). */
  describedBy?: string;
}) {
  const { label, children, className, hint, error, invalid, note, describedBy } = props;
  const ownId = useId();
  const id = props.id ?? ownId;
  // A checked field says whether it is valid (aria-invalid="false" too), an unchecked one nothing.
  const checked = 'error' in props;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const noteId = `${id}-note`;
  const describers = [
    error !== undefined ? errorId : undefined,
    note !== undefined ? noteId : undefined,
    hint !== undefined ? hintId : undefined,
    describedBy,
  ].filter((d) => d !== undefined);
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(describers.length > 0 ? { 'aria-describedby': describers.join(' ') } : {}),
        ...(invalid !== undefined || checked ? { 'aria-invalid': invalid ?? error !== undefined } : {}),
      })}
      {error !== undefined && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
      {note?.(noteId)}
      {hint !== undefined && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
    </div>
  );
}

/** After a new sign-in the form came back with what had been typed: say so. */
export function RestoredNotice({ restored }: { restored: boolean }) {
  if (!restored) return null;
  return (
    <p role="status" className="notice">
      Your unsaved values were restored after signing in again.
    </p>
  );
}

/** What a change did, announced politely. */
export function DoneNotice({ text }: { text: string | undefined }) {
  if (text === undefined) return null;
  return (
    <p role="status" className="notice">
      {text}
    </p>
  );
}

/** Sends a change with a busy flag and the error it ended with; `run` says whether it went through. */
export function useAction() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (change: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await change();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}
