/**
 * Which items a person has opened, so the inbox can say "unread". Kept in the browser's localStorage, per
 * node (origin) and person: it is a reading aid, not a record (the node's custody and audit logs are), so it
 * needs no server state; another browser starts with everything unread.
 */

/** The little of the Storage API this needs (localStorage in the page, a map in tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Ids kept at most: the oldest opened are forgotten first. */
export const OPENED_CAP = 50_000;

export class OpenedStore {
  private readonly key: string;
  /** Insertion-ordered: the oldest opened first. */
  private ids: Set<string> | null = null;

  constructor(
    private readonly storage: KeyValue,
    node: string,
    person: string,
    private readonly cap = OPENED_CAP,
  ) {
    this.key = `relto.opened.${node}.${person}`;
  }

  private load(): Set<string> {
    if (this.ids) return this.ids;
    try {
      const parsed = JSON.parse(this.storage.getItem(this.key) ?? '[]') as unknown;
      this.ids = new Set(
        Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [],
      );
    } catch {
      this.ids = new Set();
    }
    return this.ids;
  }

  /** The opened ids, for many lookups. */
  set(): Set<string> {
    return new Set(this.load());
  }

  isOpened(id: string): boolean {
    return this.load().has(id);
  }

  markOpened(id: string): void {
    const ids = this.load();
    ids.delete(id);
    ids.add(id);
    for (const old of ids) {
      if (ids.size <= this.cap) break;
      ids.delete(old);
    }
    try {
      this.storage.setItem(this.key, JSON.stringify([...ids]));
    } catch {
      // Storage full or refused (a private window): unread marks then last as long as the page.
    }
  }
}

/** The store of the signed-in person on this node, or one that forgets when the page has no storage. */
export function openedStore(person: string): OpenedStore {
  let storage: KeyValue;
  try {
    storage = window.localStorage;
  } catch {
    const m = new Map<string, string>();
    storage = { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
  }
  return new OpenedStore(storage, window.location.host, person);
}
