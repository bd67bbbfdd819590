import { PORTIONS_EXTENSION_ID } from './ids.js';

/** A selector's path: property names and list indexes (`description`, `object_refs.[2]` → ['object_refs', 2]). */
export type SelectorPath = (string | number)[];

/** Parses a STIX granular-marking selector. */
export function parseSelector(selector: string): SelectorPath {
  return selector.split('.').map((t) => {
    const m = /^\[(\d+)\]$/.exec(t);
    return m ? Number(m[1]) : t;
  });
}

/**
 * What a selector withholds when its marking cannot be read (contracts §6): a portion is withheld alone;
 * an item of any other list withholds the whole list property; otherwise the property selected. An
 * extension's `extension_type` stands for the extension itself.
 */
export type Unit =
  | { kind: 'portion'; index: number; path: SelectorPath }
  | { kind: 'property'; path: SelectorPath };

export function unitOf(selector: string): Unit {
  const tokens = parseSelector(selector);
  if (
    tokens.length >= 4 &&
    tokens[0] === 'extensions' &&
    tokens[1] === PORTIONS_EXTENSION_ID &&
    tokens[2] === 'portions' &&
    typeof tokens[3] === 'number'
  ) {
    return { kind: 'portion', index: tokens[3], path: tokens.slice(0, 4) };
  }
  const firstIndex = tokens.findIndex((t) => typeof t === 'number');
  let path = firstIndex >= 0 ? tokens.slice(0, firstIndex) : tokens;
  if (path.length === 3 && path[0] === 'extensions' && path[2] === 'extension_type') path = path.slice(0, 2);
  return { kind: 'property', path };
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix: SelectorPath, path: SelectorPath): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

/** The value a selector path points at, or undefined when it points at nothing. */
export function valueAt(object: unknown, path: SelectorPath): unknown {
  let cur: unknown = object;
  for (const t of path) {
    if (typeof t === 'number') {
      if (!Array.isArray(cur) || t >= cur.length) return undefined;
      cur = cur[t];
    } else {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, t))
        return undefined;
      cur = (cur as Record<string, unknown>)[t];
    }
  }
  return cur;
}
