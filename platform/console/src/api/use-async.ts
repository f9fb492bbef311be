/**
 * Loading data for a screen: the latest result, the error if the last load failed (the previous
 * data stays on screen meanwhile), and `reload` for events and timers. A load started for older
 * inputs never overwrites a newer one.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** When the data was last loaded. */
  at: Date | undefined;
  reload: () => void;
}

export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): AsyncState<T> {
  const [state, setState] = useState<{
    data: T | undefined;
    error: unknown;
    loading: boolean;
    at: Date | undefined;
  }>({ data: undefined, error: undefined, loading: true, at: undefined });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  // The caller's deps decide when `load` is a new one (as with useEffect).
  const stableLoad = useCallback(load, deps);

  useEffect(() => {
    const id = ++latest.current;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    stableLoad(controller.signal).then(
      (data) => {
        if (id === latest.current) setState({ data, error: undefined, loading: false, at: new Date() });
      },
      (error: unknown) => {
        if (id === latest.current && !controller.signal.aborted)
          setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [stableLoad, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** Calls `tick` every `ms` while the page is visible, and once when it becomes visible again. */
export function useInterval(tick: () => void, ms: number): void {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') saved.current();
    }, ms);
    const onVisible = () => {
      if (document.visibilityState === 'visible') saved.current();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [ms]);
}
