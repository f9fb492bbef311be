/** A callback that runs once, `ms` after the last of a burst of calls (and never after unmount). */
import { useCallback, useEffect, useRef } from 'react';

export function useDebounced(callback: () => void, ms: number): () => void {
  const saved = useRef(callback);
  saved.current = callback;
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => saved.current(), ms);
  }, [ms]);
}
