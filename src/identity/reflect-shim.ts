/**
 * The few Reflect metadata functions @peculiar/x509's dependency injection (tsyringe) needs, installed only
 * when no polyfill is present. The project carries no reflect-metadata package, and x509 refuses to load
 * without one. Imported before @peculiar/x509 (ESM evaluates imports in order).
 */
type MetaMap = Map<unknown, unknown>;
const store = new WeakMap<object, Map<PropertyKey | undefined, MetaMap>>();

function own(target: object, property: PropertyKey | undefined, create: boolean): MetaMap | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let map = byProperty.get(property);
  if (!map && create) {
    map = new Map();
    byProperty.set(property, map);
  }
  return map;
}

const shim = {
  defineMetadata(key: unknown, value: unknown, target: object, property?: PropertyKey): void {
    own(target, property, true)!.set(key, value);
  },
  getOwnMetadata(key: unknown, target: object, property?: PropertyKey): unknown {
    return own(target, property, false)?.get(key);
  },
  getMetadata(key: unknown, target: object, property?: PropertyKey): unknown {
    // Inherited metadata: walk the prototype chain as reflect-metadata does.
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t)) {
      const map = own(t, property, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  },
  metadata(key: unknown, value: unknown) {
    return (target: object, property?: PropertyKey): void =>
      shim.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(shim)) {
  if (typeof reflect[name] !== 'function') reflect[name] = fn;
}
