import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReltoApp } from '../app.js';
import { LOW_MARKING, mixedReport, SECRET_MARKING } from '../test-support/fixtures.js';
import { closing, realNode } from '../test-support/nodes.js';

/*
 * The conformance tour with the OASIS TAXII 2.1 client (`taxii2-client`, Python) where Python and that
 * package are present; elsewhere it is skipped with a printed notice.
 */

const TOUR = fileURLToPath(new URL('../test-support/oasis_taxii2_client_tour.py', import.meta.url));

function oasisClient(): string | null {
  try {
    return execFileSync('python3', ['-c', 'import taxii2client; print(taxii2client.__version__)'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

const version = oasisClient();
if (version === null) {
  console.log(
    'notice: the OASIS taxii2-client tour is skipped: python3 with the taxii2client package is not here (pip install taxii2-client)',
  );
}

interface Tour {
  title: string;
  max_content_length: number;
  collection: string;
  status: { status: string; total: number; success: number; failure: number };
  page_sizes: number[];
  objects: string[];
  typed: string[];
  typed_count: number;
  manifest: string[];
  polled: string[];
  one: string[];
  versions: string[];
  warnings: string[];
}

describe.skipIf(version === null)(`the OASIS taxii2-client ${version ?? ''} against a node`, () => {
  let app: ReltoApp;
  let node: Awaited<ReturnType<typeof closing>>;
  let discovery: string;
  const dir = mkdtempSync(join(tmpdir(), 'relto-oasis-tour-'));
  const reports = Array.from({ length: 23 }, (_, n) => mixedReport(n));

  beforeAll(async () => {
    node = closing(await realNode('sqlite'));
    app = await buildApp(node);
    discovery = `${await app.listen({ port: 0, host: '127.0.0.1' })}/taxii2/`;
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds, pages, filters, polls and reads as the standard says, and the client warns of nothing', async () => {
    const envelope = join(dir, 'envelope.json');
    const objects = [LOW_MARKING, SECRET_MARKING, ...reports];
    writeFileSync(envelope, JSON.stringify({ objects }));
    const { stdout } = await promisify(execFile)(
      'python3',
      [TOUR, discovery, 'analyst', 'analyst-password', envelope],
      {
        timeout: 60_000,
      },
    );
    const tour = JSON.parse(stdout) as Tour;
    expect(tour.status).toEqual({ status: 'complete', total: 25, success: 25, failure: 0 });
    // No "TAXII Server Response with different amount of objects!": every full page is the size asked.
    expect(tour.warnings).toEqual([]);
    expect(tour.page_sizes.slice(0, -1).every((n) => n === 10)).toBe(true);
    expect(tour.page_sizes.at(-1)).toBeLessThanOrEqual(10);
    expect(new Set(tour.objects).size).toBe(tour.objects.length);
    for (const o of objects) expect(tour.objects).toContain(o.id);
    expect(tour.polled).toEqual(tour.objects);
    expect(tour.typed).toEqual(['report']);
    expect(tour.typed_count).toBe(reports.length);
    expect(tour.manifest).toEqual(tour.objects);
    expect(tour.one).toEqual([reports.at(-1)!.id]);
    expect(tour.versions).toHaveLength(1);
  });
});
