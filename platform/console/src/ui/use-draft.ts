/**
 * A form's values that survive an expired session: registered with the draft registry (saved to
 * sessionStorage only when the session expires) and taken back when the form mounts again after
 * the sign-in. Never use it for secrets (passwords, service-account secrets, secret parameters).
 */
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../context.js';

export function useDraft<T extends object>(id: string, initial: () => T): [T, (next: T) => void, boolean] {
  const { auth } = useConsole();
  const [restored] = useState(() => auth.drafts.take<Partial<T>>(id));
  const [values, setValues] = useState<T>(() => ({ ...initial(), ...restored }));
  const current = useRef(values);
  current.current = values;
  useEffect(() => auth.drafts.register(id, () => current.current), [auth, id]);
  return [values, setValues, restored !== undefined];
}
