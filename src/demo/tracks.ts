import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Label } from '../label/index.js';
import { DEFAULT_FEED, DEFAULT_FEED_LABEL, loadLaunches, planFlight, replayLaunch } from '../track/index.js';
import { type Party, ports } from './layout.js';

/**
 * The missile-warning feed each node's sensor input belongs to, with its default label (contracts §7: a
 * sensor's event without a label or `<__relto feed>` takes its input's feed and that feed's label).
 * KOR-MW-1 is the simulator's feed; the US hub relays KOR's and JPN's feeds under standing consents.
 */
export const DEMO_FEEDS: Record<Party, { feed: string; label: Label }> = {
  KOR: { feed: DEFAULT_FEED, label: DEFAULT_FEED_LABEL },
  JPN: {
    feed: 'JPN-MW-1',
    label: {
      originator: 'JPN',
      classification: 'GOKUHI',
      releasableTo: ['JPN', 'KOR', 'USA'],
      topics: ['DPRK-MISSILE'],
    },
  },
  USA: {
    feed: 'USA-MW-1',
    label: {
      originator: 'USA',
      classification: 'S',
      releasableTo: ['USA', 'KOR', 'JPN'],
      topics: ['DPRK-MISSILE'],
    },
  },
};

/** The node's `--cot-feeds` file: its one feed, so its sensor input takes that feed (written at every start). */
export function feedsFile(dir: string, party: Party): string {
  const path = join(dir, `cot-feeds-${party.toLowerCase()}.json`);
  const { feed, label } = DEMO_FEEDS[party];
  writeFileSync(path, `${JSON.stringify({ [feed]: label }, null, 2)}\n`);
  return path;
}

/**
 * R24: the standing consents the US hub holds to relay each originator's missile-warning feed to the
 * other (they never widen a track's Releasable To). Given at the demo's first start.
 */
export function hubConsentsFile(dir: string): string {
  const path = join(dir, 'usa-cot-consents.json');
  if (!existsSync(path)) {
    const at = new Date().toISOString();
    const consents = [
      { feed: DEMO_FEEDS.KOR.feed, by: 'KOR', to: 'JPN', at, ref: `consent--${randomUUID()}` },
      { feed: DEMO_FEEDS.JPN.feed, by: 'JPN', to: 'KOR', at, ref: `consent--${randomUUID()}` },
    ];
    writeFileSync(path, `${JSON.stringify(consents, null, 2)}\n`);
  }
  return path;
}

/** Seconds between two replays of the launch. */
const REPLAY_PAUSE_S = 10;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Issue 5: one launch replayed through all three nodes, again and again until the demo stops, so whoever
 * connects late still sees a track. The newest launch of the shared facts goes into KOR's sensor input, sped
 * up to about two minutes; KOR strips it (R30) and streams it to the US hub, which relays it to Japan under
 * KOR's standing consent (R24).
 */
export function replayDemoLaunch(base: number, signal: AbortSignal, log: (line: string) => void): void {
  const launches = loadLaunches();
  const row = launches.length;
  const launch = launches[row - 1]!;
  const seconds = planFlight(launch, { seed: 1 }).seconds;
  const speedup = Math.max(1, Math.round(seconds / 120));
  const to = { host: '127.0.0.1', port: ports(base, 'KOR').cotTcp };
  log(
    `  live track: the ${launch.date} launch (${launch.missile}) replays into KOR's sensor input, ${speedup}× faster, every ${Math.round(seconds / speedup) + REPLAY_PAUSE_S} s;`,
  );
  log('    watch it with the TAK client certificate on any CoT TLS port, or at /api/v1/tracks/stream;');
  log(
    `    replay it yourself: npx relto simulate launch --row ${row} --to ${to.host}:${to.port} --speedup ${speedup}`,
  );
  void (async () => {
    while (!signal.aborted) {
      try {
        await replayLaunch({ launch, to, rate: 2, speedup, signal });
      } catch (e) {
        if (!signal.aborted) log(`relto demo: the launch replay stopped: ${(e as Error).message}`);
      }
      await pause(REPLAY_PAUSE_S * 1000, signal);
    }
  })();
}
