import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { type BriefSettings, type DkimKey, smtpTransport } from '../node/index.js';

/** The mail options of `relto serve` and `relto brief send`. */
export interface MailOptions {
  smtp?: string;
  publicUrl?: string;
  mailFrom?: string;
  dkimKey?: string;
  dkimSelector?: string;
  dkimDomain?: string;
}

export function addMailOptions(cmd: Command, smtpRequired: boolean): Command {
  const smtp = '--smtp <url>';
  const smtpHelp =
    'the mail relay for the daily brief: smtp://host:port or smtps://, user:password@ optional';
  (smtpRequired ? cmd.requiredOption(smtp, smtpHelp) : cmd.option(smtp, smtpHelp))
    .option('--public-url <url>', "the node's address as readers reach it, for the links in mail")
    .option('--mail-from <address>', 'the From address of mail (default relto-<party>@localhost)')
    .option('--dkim-key <file>', 'sign mail with DKIM: the private key (PEM)')
    .option('--dkim-selector <selector>', 'the DKIM selector its public key is published under')
    .option('--dkim-domain <domain>', 'the domain the DKIM key belongs to (default the From domain)');
  return cmd;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** The brief's settings from the options, each checked, naming the option that is wrong. */
export function mailSettings(opts: MailOptions): BriefSettings {
  const settings: BriefSettings = {};
  if (opts.publicUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(opts.publicUrl);
    } catch {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        `--public-url "${opts.publicUrl}" is not a URL`,
        '--public-url',
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ReltoError('INVALID_ARGUMENT', '--public-url is an http or https address', '--public-url');
    }
    settings.publicUrl = opts.publicUrl;
  }
  if (opts.mailFrom !== undefined) {
    if (!ADDRESS.test(opts.mailFrom)) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        `--mail-from "${opts.mailFrom}" is not an e-mail address`,
        '--mail-from',
      );
    }
    settings.from = opts.mailFrom;
  }
  let dkim: DkimKey | undefined;
  if (opts.dkimKey !== undefined || opts.dkimSelector !== undefined) {
    if (!opts.dkimKey || !opts.dkimSelector) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        'DKIM needs both --dkim-key and --dkim-selector',
        '--dkim-key',
      );
    }
    let privateKey: string;
    try {
      privateKey = readFileSync(opts.dkimKey, 'utf8');
    } catch (e) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        `cannot read --dkim-key: ${(e as Error).message}`,
        '--dkim-key',
      );
    }
    const domainName = opts.dkimDomain ?? settings.from?.split('@')[1];
    if (!domainName) {
      throw new ReltoError('INVALID_ARGUMENT', 'DKIM needs --dkim-domain (or --mail-from)', '--dkim-domain');
    }
    dkim = { domainName, keySelector: opts.dkimSelector, privateKey };
  }
  if (opts.smtp !== undefined) settings.transport = smtpTransport(opts.smtp, dkim ? { dkim } : {});
  else if (dkim) throw new ReltoError('INVALID_ARGUMENT', 'DKIM signs mail sent through --smtp', '--smtp');
  return settings;
}
