import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository's `src/` folder. */
export const srcRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A production file: shipped code, not a test, test support, a bench or generated declarations. */
export function isProduction(path: string): boolean {
  return (
    path.endsWith('.ts') &&
    !path.endsWith('.d.ts') &&
    !path.endsWith('.test.ts') &&
    !path.endsWith('.bench.ts') &&
    !path.split('/').includes('test-support') &&
    !path.startsWith('bench/')
  );
}

/** An import of one `src/` file by another. */
export interface Import {
  /** The imported file, relative to `src/`. */
  readonly to: string;
  readonly line: number;
  /** `import type` / `export type`: erased by the compiler, it loads nothing at run time. */
  readonly typeOnly: boolean;
}

/**
 * The imports and re-exports of one file that point at other files of `src/`. `import type` and
 * `export type` are marked type-only; an import with inline `type` specifiers only is not (under
 * verbatimModuleSyntax it stays as `import {} from`, which still loads the module).
 */
export function importsOf(file: string, text: string): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Import[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(statement)) {
      typeOnly = statement.importClause?.isTypeOnly ?? false;
      specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement)) {
      typeOnly = statement.isTypeOnly;
      specifier = statement.moduleSpecifier;
    }
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const target = resolve(dirname(join(srcRoot, file)), specifier.text.replace(/\.js$/, '.ts'));
    found.push({
      to: relative(srcRoot, target),
      line: source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1,
      typeOnly,
    });
  }
  return found;
}

/** The imports of one file that load another `src/` file when it runs. */
export function runtimeImports(file: string, text: string): Import[] {
  return importsOf(file, text).filter((i) => !i.typeOnly);
}

/** Every production file of `src/` (relative paths) with its imports of other `src/` files. */
export function productionImports(): Map<string, Import[]> {
  const files = readdirSync(srcRoot, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split('\\').join('/'))
    .filter(isProduction)
    .sort();
  const graph = new Map<string, Import[]>();
  for (const file of files) graph.set(file, importsOf(file, readFileSync(join(srcRoot, file), 'utf8')));
  return graph;
}

/** Every production file of `src/` with the imports that load other `src/` files when it runs. */
export function productionGraph(): Map<string, Import[]> {
  const graph = productionImports();
  for (const [file, imports] of graph)
    graph.set(
      file,
      imports.filter((i) => !i.typeOnly),
    );
  return graph;
}

/**
 * The imports by which one top-level folder of `src/` reaches into another past its public surface, as
 * `from.ts:line → to.ts`. A folder's public surface is an `index.ts` (its own or a sub-folder's), or its
 * `schema.ts`: the TypeBox schema values, which index.ts leaves out so that a CLI call need not load TypeBox.
 */
export function importsPastIndex(graph: Map<string, readonly Import[]>): string[] {
  const top = (f: string) => f.split('/')[0];
  const surface = (f: string) => f.endsWith('/index.ts') || f.endsWith('/schema.ts');
  const found: string[] = [];
  for (const [file, imports] of graph) {
    for (const i of imports) {
      if (top(i.to) !== top(file) && !surface(i.to)) found.push(`${file}:${i.line} → ${i.to}`);
    }
  }
  return found.sort();
}

/**
 * The import cycles of a graph, each as the path of files that closes it (`a.ts → b.ts → a.ts`), found
 * as the strongly connected components of more than one file (or a file importing itself), one shortest
 * cycle through each component's first file.
 */
export function importCycles(graph: Map<string, readonly Import[]>): string[] {
  const edges = (f: string) => (graph.get(f) ?? []).map((i) => i.to).filter((t) => graph.has(t));
  // Tarjan's strongly connected components.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component.sort());
    }
  };
  for (const f of [...graph.keys()].sort()) if (!index.has(f)) visit(f);

  const cycles: string[] = [];
  for (const component of components) {
    const start = component[0]!;
    if (component.length === 1 && !edges(start).includes(start)) continue;
    // Breadth-first from the start, within the component, back to the start.
    const members = new Set(component);
    const previous = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    while (queue.length > 0 && closing === undefined) {
      const v = queue.shift()!;
      for (const w of edges(v)) {
        if (!members.has(w)) continue;
        if (w === start) {
          closing = v;
          break;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = closing!; v !== start; v = previous.get(v)!) path.splice(1, 0, v);
    const others =
      component.length > path.length ? ` (and ${component.length - path.length} more files)` : '';
    cycles.push(`${[...path, start].join(' → ')}${others}`);
  }
  return cycles.sort();
}
