import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { action } from './output.js';

/** `relto demo [--base-port B]` (contracts §5, §8): what `npm start` runs. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the three-nation demo: KOR, JPN and USA nodes on loopback, the scenario played at first start',
    )
    .option(
      '--base-port <port>',
      'KOR listens on B, JPN on B+10, USA on B+20 (CoT TLS +1, CoT TCP +2, exchange +5)',
      '7410',
    )
    .option('--dir <dir>', 'the demo folder', '.relto-demo')
    .action(
      action(async (opts: { basePort: string; dir: string }) => {
        const basePort = Number(opts.basePort);
        if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65_500) {
          throw new ReltoError(
            'INVALID_ARGUMENT',
            `--base-port takes a port, not ${opts.basePort}`,
            '/basePort',
          );
        }
        const { runDemo } = await import('../demo/index.js');
        await runDemo({ basePort, dir: opts.dir });
        process.exit(0);
      }),
    );
}
