import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { addPartner } from '../node/exchange/index.js';
import { openNode } from '../node/index.js';
import { action, printJson } from './output.js';

/** `relto partner add --data DIR --url URL --key FILE` (contracts §5): a partner node's public identity. */
export function registerPartner(program: Command): void {
  const partner = program.command('partner').description('partner nodes this node exchanges with');
  partner
    .command('add')
    .description('store a partner: its exchange URL and the JSON `relto node key` printed on its node')
    .requiredOption('--data <dir>', 'the data folder')
    .requiredOption('--url <url>', "the partner's exchange address, e.g. https://127.0.0.1:7425")
    .requiredOption('--key <file>', "the partner's public identity (JSON from `relto node key`)")
    .option('--pg <url>', 'PostgreSQL URL of a node kept there (else RELTO_PG_URL)')
    .action(
      action(async (opts: { data: string; url: string; key: string; pg?: string }) => {
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
          const p = await addPartner(node.store, opts.url, text);
          if (p.party === node.party) {
            throw new ReltoError('INVALID_ARGUMENT', 'a node is not its own partner', '/key/party');
          }
          await node.appendAudit({
            kind: 'node',
            at: new Date().toISOString(),
            actor: `node:${node.party}`,
            action: 'partner-add',
            subjects: [p.party],
            details: { url: p.url, caFingerprint: p.caFingerprint },
          });
          printJson({ party: p.party, url: p.url, caFingerprint: p.caFingerprint });
        } finally {
          await node.close();
        }
      }),
    );
}
