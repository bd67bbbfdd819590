import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { addPartnerAudited, keyFingerprints } from '../node/exchange/index.js';
import { openNode } from '../node/index.js';
import { PG_OPTION } from './option-values.js';
import { action, printJson } from './output.js';

/** Who runs a command at the node's console, for its audit entry. */
function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * `relto partner add --data DIR --url URL --key FILE [--replace]` (contracts §5): a partner node's public
 * identity. A party already present is refused (PARTNER_EXISTS, exit 1) unless --replace is given.
 */
export function registerPartner(program: Command): void {
  const partner = program.command('partner').description('partner nodes this node exchanges with');
  partner
    .command('add')
    .description(
      'store a partner: its exchange URL and the JSON `relto node key` printed on its node; a running node trusts it at once',
    )
    .requiredOption('--data <dir>', 'the data folder')
    .requiredOption('--url <url>', "the partner's exchange address, e.g. https://127.0.0.1:7425")
    .requiredOption('--key <file>', "the partner's public identity (JSON from `relto node key`)")
    .option(
      '--replace',
      'replace the keys and address held for a party that is already a partner (audited; prints the old and new key fingerprints)',
    )
    .option(...PG_OPTION)
    .action(
      action(async (opts: { data: string; url: string; key: string; replace?: boolean; pg?: string }) => {
        let url: URL;
        try {
          url = new URL(opts.url);
        } catch {
          throw new ReltoError('INVALID_ARGUMENT', `--url takes an https URL, not ${opts.url}`, '/url');
        }
        if (url.protocol !== 'https:') {
          throw new ReltoError('INVALID_ARGUMENT', 'partners talk over HTTPS with mutual TLS', '/url');
        }
        let text: string;
        try {
          text = readFileSync(opts.key, 'utf8');
        } catch (e) {
          throw new ReltoError(
            'INVALID_ARGUMENT',
            `cannot read ${opts.key}: ${(e as Error).message}`,
            '/key',
          );
        }
        const pgUrl = opts.pg ?? process.env.RELTO_PG_URL;
        const node = await openNode({ dataDir: opts.data, ...(pgUrl ? { pgUrl } : {}) });
        try {
          const { partner: p, replaced } = await addPartnerAudited(node.context, opts.url, text, {
            replace: opts.replace === true,
            operator: operator(),
          });
          printJson({
            party: p.party,
            url: p.url,
            caFingerprint: p.caFingerprint,
            keys: keyFingerprints(p),
            replaced: replaced ? { url: replaced.url, keys: keyFingerprints(replaced) } : null,
          });
        } finally {
          await node.close();
        }
      }),
    );
}
