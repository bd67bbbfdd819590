import nodemailer from 'nodemailer';
import type { MailMessage } from '../../brief/index.js';
import { ReltoError } from '../../errors/index.js';
import type { MailTransport } from './outbox.js';

/** DKIM signing with the node's key (RFC 6376), when the node has one. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  /** PEM. */
  privateKey: string;
}

/**
 * The node's mail relay, from `smtp://` or `smtps://` with optional credentials (user:password@host:port): a
 * pool of connections, so a morning's briefs share a few of them; STARTTLS is used when the relay offers it.
 */
export function smtpTransport(url: string, options: { dkim?: DkimKey } = {}): MailTransport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `"${url}" is not a mail relay address (smtp://host:port)`,
      '/smtp',
    );
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `a mail relay is smtp:// or smtps://, not ${parsed.protocol}//`,
      '/smtp',
    );
  }
  const secure = parsed.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 4,
    maxMessages: Number.POSITIVE_INFINITY,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 25,
    secure,
    ...(parsed.username
      ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(options.dkim ? { dkim: options.dkim } : {}),
  });
  return {
    async send(m: MailMessage): Promise<void> {
      await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        date: new Date(m.date),
        headers: m.headers,
      });
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}
