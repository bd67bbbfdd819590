import { createServer } from 'node:net';

/*
 * Ports below Linux's ephemeral range (32768–60999 by default). A port the kernel hands out for `listen(0)` comes
 * from that range, and once released it can be taken by any outgoing connection on the machine before the
 * test binds it again (EADDRINUSE under load); outgoing connections never take a port below the range.
 */
const LOW = 20_000;
const HIGH = 32_000;

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free TCP port on loopback (checked, then released), for tests and benches that start nodes. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await tryListen(port)) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} on 127.0.0.1`);
}
