import { useCallback, useEffect, useState } from 'react';
import { get } from '../api/client.js';

/** One GET of the node's API, with its error, and `reload` after a change; null path loads nothing. */
export function useLoad<T>(path: string | null): {
  data: T | undefined;
  error: unknown;
  reload: () => void;
} {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    // tick: a reload asks again for the same path.
    void tick;
    get<T>(path)
      .then((d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, reload };
}

/** The time now, moving every `everyMs` (for countdowns). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

/** Titles of the items the person may read, by id (one request; an id they may not read stays absent). */
export function useItemTitles(ids: readonly string[]): Map<string, string> {
  const key = [...new Set(ids)].sort().join(',');
  const [titles, setTitles] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    if (!key) return;
    let live = true;
    const query = key
      .split(',')
      .map((id) => `id=${encodeURIComponent(id)}`)
      .join('&');
    get<{ items: { id: string; name?: string }[] }>(`/items?${query}`)
      .then((page) => {
        if (!live) return;
        const m = new Map<string, string>();
        for (const item of page.items) if (typeof item.name === 'string') m.set(item.id, item.name);
        setTitles(m);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key]);
  return titles;
}
