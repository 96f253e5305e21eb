import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';

export const POLL_SECONDS = 10;

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  updatedAt: Date | undefined;
  reload: () => void;
}

/**
 * Loads data and keeps it current: refetches every POLL_SECONDS while the tab is visible and on focus, so changes
 * made elsewhere (another ministry approving, a reminder going out) show without a reload. The API has no push
 * channel the dashboard relies on; polling a read-model query is cheap.
 */
export function useApi<T>(
  load: ((signal: AbortSignal) => Promise<T>) | null,
  deps: unknown[],
  opts: { poll?: boolean } = {},
): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<Date>();
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((n) => n + 1), []);

  // `deps` name what the data depends on (the caller's inputs); `load` itself is read through a ref
  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, deps);

  useEffect(() => {
    const fn = loadRef.current;
    if (!fn) {
      setLoading(false);
      return;
    }
    const ctrl = new AbortController();
    setLoading(true);
    fn(ctrl.signal).then(
      (d) => {
        if (ctrl.signal.aborted) return;
        setData(d);
        setError(undefined);
        setUpdatedAt(new Date());
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(
          e instanceof ApiError
            ? e
            : new ApiError(0, { title: 'Error', detail: String((e as Error)?.message ?? e) }),
        );
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [...deps, tick]);

  useEffect(() => {
    if (!opts.poll) return;
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, POLL_SECONDS * 1000);
    const onFocus = () => setTick((n) => n + 1);
    window.addEventListener('focus', onFocus);
    return () => {
      window.clearInterval(id);
      window.removeEventListener('focus', onFocus);
    };
  }, [opts.poll]);

  return { data, error, loading, updatedAt, reload };
}
