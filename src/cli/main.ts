import { main } from './program.js';

/** The `relto` binary's entry (contracts §5): see program.ts for the commands and how they load. */
await main(process.argv);
