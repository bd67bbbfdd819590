import { sha256Hex } from '../canon/index.js';
import type { ComposedMail } from './compose.js';

/**
 * A mail as the outbox keeps it: everything the relay is handed, fixed when it is composed, so a retry sends
 * the same message (same Message-ID and Date) and a reader's client can tell a repeat.
 */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  date: string;
  headers: Record<string, string>;
}

/** Where a node's mail comes from and points to. */
export interface MailSender {
  /** The From address, e.g. `relto-kor@localhost`. */
  from: string;
  /** The node's base URL as readers reach it (links in mail). */
  publicUrl: string;
}

/** The domain of the From address (Message-ID, List-Id). */
export function mailDomain(from: string): string {
  const at = from.lastIndexOf('@');
  return (at >= 0 ? from.slice(at + 1) : from).replace(/[>\s].*$/, '') || 'localhost';
}

function shortHash(text: string): string {
  return sha256Hex(text).slice(0, 24);
}

/** What every mail of the node has: sender, recipient, the composed parts, and when it was composed. */
function envelope(input: { sender: MailSender; to: string; composedAt: Date; mail: ComposedMail }) {
  return {
    from: input.sender.from,
    to: input.to,
    subject: input.mail.subject,
    text: input.mail.text,
    html: input.mail.html,
    date: input.composedAt.toUTCString(),
  };
}

/**
 * A brief as a message: multipart text and HTML, a Message-ID fixed by person and date, List-Id, and
 * one-click unsubscribe (RFC 8058: an http(s) URL taking one POST, plus a mailto).
 */
export function briefMessage(input: {
  sender: MailSender;
  party: string;
  person: string;
  to: string;
  date: string;
  composedAt: Date;
  mail: ComposedMail;
  unsubscribeUrl: string;
  unsubscribeToken: string;
}): MailMessage {
  const domain = mailDomain(input.sender.from);
  const mailto = `mailto:${input.sender.from}?subject=${encodeURIComponent(`unsubscribe ${input.unsubscribeToken}`)}`;
  return {
    ...envelope(input),
    messageId: `<brief.${input.date}.${shortHash(`${input.party}/${input.person}`)}@${domain}>`,
    headers: {
      'List-Id': `relto daily brief <brief.${input.party.toLowerCase()}.${domain}>`,
      'List-Unsubscribe': `<${input.unsubscribeUrl}>, <${mailto}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    },
  };
}

export function confirmationMessage(input: {
  sender: MailSender;
  person: string;
  to: string;
  composedAt: Date;
  mail: ComposedMail;
  tokenHash: string;
}): MailMessage {
  return {
    ...envelope(input),
    messageId: `<confirm.${input.tokenHash.slice(0, 24)}@${mailDomain(input.sender.from)}>`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
