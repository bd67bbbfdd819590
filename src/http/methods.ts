/**
 * Which methods each route pattern of the app takes, so a request whose address exists but whose method does
 * not is answered 405 with `Allow` (not 404). Patterns are Fastify's (`/items/:id`, `/docs/*`); trailing
 * slashes are ignored, as the router ignores them.
 */
export class RouteMethods {
  private readonly routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  add(url: string, method: string | string[]): void {
    const key = trim(url);
    let r = this.routes.get(key);
    if (!r) {
      r = { pattern: patternOf(key), methods: new Set() };
      this.routes.set(key, r);
    }
    for (const m of Array.isArray(method) ? method : [method]) r.methods.add(m.toUpperCase());
  }

  /** The methods some route at `path` takes (with HEAD wherever GET is), sorted; empty for an unknown path. */
  allowed(path: string): string[] {
    const p = trim(path);
    const out = new Set<string>();
    for (const r of this.routes.values()) {
      if (!r.pattern.test(p)) continue;
      for (const m of r.methods) out.add(m);
    }
    if (out.has('GET')) out.add('HEAD');
    return [...out].sort();
  }
}

function trim(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function patternOf(url: string): RegExp {
  const body = url
    .split('/')
    .map((seg) => {
      if (seg === '*') return '.*';
      if (seg.startsWith(':')) return '[^/]+';
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${body}$`);
}
