import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { trackBusSuite } from './bus.suite.js';
import { NatsTrackBus } from './nats.js';

const url = process.env.RELTO_NATS_URL;

// Needs no server: it runs everywhere.
it('says BUS_UNAVAILABLE when the server cannot be reached', async () => {
  await expect(
    NatsTrackBus.connect({ url: 'nats://127.0.0.1:1', stream: 'X', subject: 'x' }),
  ).rejects.toMatchObject({
    code: 'BUS_UNAVAILABLE',
  });
});

if (!url) {
  process.stdout.write('NOTICE: RELTO_NATS_URL is unset: the NATS JetStream track bus tests are skipped\n');
} else {
  // A stream and subject of our own per run, deleted afterwards.
  const run = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const options = { url, stream: `RELTO_TEST_${run}`, subject: `relto.test.${run}.tracks` };
  trackBusSuite('NATS JetStream', async () => ({
    open: () => NatsTrackBus.connect(options),
    cleanup: async () => {
      const admin = await NatsTrackBus.connect(options);
      await admin.deleteStream();
      await admin.close();
    },
  }));
}
