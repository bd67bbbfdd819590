import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the sink kept: where it is, to whom, and its plain text (to follow a link in it). */
export interface SunkMail {
  file: string;
  to: string[];
  subject: string;
  text: string;
}

/**
 * The demo's SMTP sink on loopback: every mail the nodes send is kept as an `.eml` file in the mail folder,
 * so the daily briefs and their confirmations can be opened in any mail program.
 */
export class DemoMailSink {
  readonly mails: SunkMail[] = [];
  private server: SMTPServer | undefined;
  private count = 0;

  constructor(readonly dir: string) {}

  async start(port: number): Promise<number> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 << 20,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          const to = session.envelope.rcptTo.map((r) => r.address);
          const stamp = new Date().toISOString().replace(/[:.]/g, '-');
          const who = (to[0] ?? 'nobody').replace(/[^\w.@-]/g, '_');
          const file = join(this.dir, `${stamp}-${who}-${++this.count}.eml`);
          writeFileSync(file, raw, { mode: 0o600 });
          simpleParser(raw).then(
            (parsed) => {
              this.mails.push({ file, to, subject: parsed.subject ?? '', text: parsed.text ?? '' });
              callback();
            },
            () => callback(),
          );
        });
      },
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return (server.server.address() as AddressInfo).port;
  }

  /** The first mail kept that `test` accepts, waiting for it up to `ms`. */
  async waitFor(test: (m: SunkMail) => boolean, ms = 30_000): Promise<SunkMail> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.mails.find(test);
      if (found) return found;
      if (Date.now() > end) throw new Error('the expected mail did not reach the demo mail folder');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
