import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationSeconds } from '../feeds/index.js';
import { runCli as runWithEnv } from './test-support/run-cli.js';

/** A SQLite folder: a RELTO_PG_URL in the environment must not send these commands to PostgreSQL. */
function runCli(args: string[]) {
  const saved = process.env.RELTO_PG_URL;
  delete process.env.RELTO_PG_URL;
  try {
    return runWithEnv(args);
  } finally {
    if (saved !== undefined) process.env.RELTO_PG_URL = saved;
  }
}

const FEED = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tokyo Wire</title><link>http://x/</link><description>d</description>
<item><guid>t1</guid><title>防衛相が会見</title><description>本文</description></item>
<item><guid>t2</guid><title>日米が協議</title><description>本文二</description></item></channel></rss>`;

describe('relto feed add|list|poll', () => {
  let root: string;
  let data: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'relto-cli-feed-'));
    data = join(root, 'jpn');
    expect(runCli(['node', 'init', '--party', 'JPN', '--data', data]).status).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('adds a feed file, polls it into reports, and lists it with its status', () => {
    const file = join(root, 'tokyo.xml');
    writeFileSync(file, FEED);
    const added = runCli(['feed', 'add', '--data', data, '--file', file, '--every', '30m', '--lang', 'ja']);
    expect(added.stderr).toBe('');
    const feed = JSON.parse(added.stdout) as { id: string; everySeconds: number; status: string };
    expect(feed).toMatchObject({ everySeconds: 1800, status: 'new' });
    const polled = runCli(['feed', 'poll', '--data', data, '--id', feed.id]);
    expect(JSON.parse(polled.stdout)).toMatchObject({ status: 'ok', taken: 2 });
    const again = runCli(['feed', 'poll', '--data', data]);
    expect(JSON.parse(again.stdout)).toEqual([
      expect.objectContaining({ status: 'ok', taken: 0, unchanged: 2 }),
    ]);
    const listed = JSON.parse(runCli(['feed', 'list', '--data', data]).stdout) as {
      title: string;
      status: string;
    }[];
    expect(listed).toEqual([expect.objectContaining({ title: 'Tokyo Wire', status: 'ok' })]);
  });

  it('shows a failing feed as failing, with what went wrong, and exits 0 (the feed, not the command, failed)', () => {
    const bad = join(root, 'bad.xml');
    writeFileSync(bad, '<rss version="2.0"><channel><title>x</titl></channel></rss>');
    const feed = JSON.parse(runCli(['feed', 'add', '--data', data, '--file', bad]).stdout) as { id: string };
    const polled = runCli(['feed', 'poll', '--data', data, '--id', feed.id]);
    expect(polled.status).toBe(0);
    expect(JSON.parse(polled.stdout)).toMatchObject({ status: 'failing', problem: { kind: 'malformed' } });
    const listed = JSON.parse(runCli(['feed', 'list', '--data', data]).stdout) as {
      id: string;
      status: string;
    }[];
    expect(listed.find((f) => f.id === feed.id)).toMatchObject({ status: 'failing' });
  });

  it('refuses bad input with a clear error: no source, both sources, a relative path, a bad duration', () => {
    const none = runCli(['feed', 'add', '--data', data]);
    expect(none.status).toBe(2);
    expect(JSON.parse(none.stderr).error.message).toMatch(/one of url or file/);
    const both = runCli([
      'feed',
      'add',
      '--data',
      data,
      '--url',
      'http://127.0.0.1/x',
      '--file',
      '/tmp/x.xml',
    ]);
    expect(JSON.parse(both.stderr).error.message).toMatch(/one of url or file/);
    expect(
      JSON.parse(runCli(['feed', 'add', '--data', data, '--file', 'x.xml']).stderr).error.message,
    ).toMatch(/absolute path/);
    const every = runCli(['feed', 'add', '--data', data, '--url', 'http://127.0.0.1/x', '--every', 'often']);
    expect(JSON.parse(every.stderr).error.message).toMatch(/not a duration/);
    expect(durationSeconds('2h')).toBe(7200);
    expect(durationSeconds('90')).toBe(90);
  });
});
