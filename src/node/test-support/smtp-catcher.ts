import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the loopback relay took: its raw bytes as received, parsed, and its envelope recipients. */
export interface CaughtMail {
  raw: string;
  parsed: ParsedMail;
  to: string[];
}

/**
 * A real SMTP server on loopback (smtp-server) keeping what it is handed, for tests of what relto sends. It can
 * refuse the next mails with a given reply (451: try later, 550: never), as a relay does.
 */
export class SmtpCatcher {
  readonly mails: CaughtMail[] = [];
  private refusals: { code: number; message: string }[] = [];
  private server!: SMTPServer;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` mails are refused with `code` at the end of DATA. */
  refuseNext(code: number, count = 1): void {
    for (let i = 0; i < count; i++) this.refusals.push({ code, message: `${code} refused by the test relay` });
  }

  to(address: string): CaughtMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on loopback: the relay offers no STARTTLS, so nothing asks for a certificate.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const refusal = this.refusals.shift();
          if (refusal) {
            const err = new Error(refusal.message) as Error & { responseCode: number };
            err.responseCode = refusal.code;
            return callback(err);
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const to = session.envelope.rcptTo.map((r) => r.address);
          simpleParser(raw).then(
            (parsed) => {
              this.mails.push({ raw, parsed, to });
              callback();
            },
            (e: Error) => callback(e),
          );
        });
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Waits until `count` mails are here (or fails after `ms`). */
  async waitFor(count: number, ms = 10_000): Promise<CaughtMail[]> {
    const end = Date.now() + ms;
    while (this.mails.length < count) {
      if (Date.now() > end) throw new Error(`expected ${count} mails, the relay has ${this.mails.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.mails;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
