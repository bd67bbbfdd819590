import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNode } from '../node/index.js';
import { SmtpCatcher } from '../node/test-support/smtp-catcher.js';
import { runCliAsync } from './test-support/run-cli.js';

/** A SQLite folder: a RELTO_PG_URL in the environment must not send these commands to PostgreSQL. */
const env = { ...process.env, RELTO_PG_URL: '' };

describe('relto brief send', () => {
  let root: string;
  let data: string;
  const smtp = new SmtpCatcher();

  beforeAll(async () => {
    await smtp.start();
    root = mkdtempSync(join(tmpdir(), 'relto-cli-brief-'));
    data = join(root, 'usa');
    expect((await runCliAsync(['node', 'init', '--party', 'USA', '--data', data], env)).status).toBe(0);
    // A person subscribed and confirmed, as the workspace and the mailed link do it.
    const node = await openNode({ dataDir: data });
    try {
      await node.admin.addUser({
        name: 'analyst',
        password: 'a long password',
        clearance: 'S',
        roles: ['analyst'],
      });
      const person = (await node.authenticateBasic('analyst', 'a long password'))!;
      node.brief.configure({ transport: undefined });
      await node.brief.subscribe(person, {
        email: 'analyst@usa.test',
        time: '06:30',
        timeZone: 'America/New_York',
        lang: 'en',
        topics: [],
      });
      const [held] = await node.store.listMail({ kind: 'confirm' });
      const token = /token=([\w-]+)/.exec(JSON.parse(held!.message).text)![1]!;
      await node.brief.confirm(token);
    } finally {
      await node.close();
    }
  }, 60_000);
  afterAll(async () => {
    await smtp.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends the day’s briefs through the relay once (and the confirmation that waited), printing what it did', async () => {
    const args = [
      'brief',
      'send',
      '--data',
      data,
      '--smtp',
      smtp.url,
      '--public-url',
      'https://relto.usa.test',
    ];
    const first = await runCliAsync([...args, '--date', '2026-12-08'], env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ queued: 1, sent: 2, retrying: 0, failed: 0, relay: true });
    const brief = smtp
      .to('analyst@usa.test')
      .find((m) => m.parsed.subject === 'relto daily brief, 2026-12-08');
    expect(brief?.parsed.text).toContain('Unsubscribe: https://relto.usa.test/brief/unsubscribe?token=');
    expect(brief?.parsed.from?.text).toBe('relto-usa@localhost');
    const again = await runCliAsync([...args, '--date', '2026-12-08'], env);
    expect(JSON.parse(again.stdout)).toEqual({ queued: 0, sent: 0, retrying: 0, failed: 0, relay: true });
    expect(smtp.mails).toHaveLength(2);
  });

  it('names the option that is wrong', async () => {
    const noRelay = await runCliAsync(['brief', 'send', '--data', data], env);
    expect(noRelay.status).not.toBe(0);
    expect(noRelay.stderr).toContain('--smtp');
    const http = await runCliAsync(['brief', 'send', '--data', data, '--smtp', 'http://127.0.0.1:25'], env);
    expect(http.status).not.toBe(0);
    expect(http.stderr).toContain('smtp:// or smtps://');
    const date = await runCliAsync(
      ['brief', 'send', '--data', data, '--smtp', smtp.url, '--date', '8 Dec'],
      env,
    );
    expect(date.status).not.toBe(0);
    expect(date.stderr).toContain('YYYY-MM-DD');
    const dkim = await runCliAsync(
      ['brief', 'send', '--data', data, '--smtp', smtp.url, '--dkim-selector', 's1'],
      env,
    );
    expect(dkim.stderr).toContain('--dkim-key');
  });
});
