/**
 * A tiny benchmark registry and the timing helpers the benches share. A bench registers itself by name;
 * `npm run bench -- NAME` runs the benches whose name matches, and every figure a bench records ends up in
 * bench-results.json as {bench, subject, metric, value}.
 */

export interface BenchResult {
  bench: string;
  subject: string;
  metric: string;
  value: number;
}

export interface BenchContext {
  /** Records one figure. The first subject recorded for a metric is the reference its peers are shown against. */
  record(subject: string, metric: string, value: number): void;
  /** Prints a progress line (to stderr, so stdout stays the table). */
  log(message: string): void;
}

export type BenchFn = (ctx: BenchContext) => Promise<void> | void;

const benches = new Map<string, BenchFn>();

/** Registers a bench under a unique name. */
export function registerBench(name: string, fn: BenchFn): void {
  if (benches.has(name)) throw new Error(`bench ${name} is registered twice`);
  benches.set(name, fn);
}

/** The names registered so far, in registration order. */
export function registeredBenches(): string[] {
  return [...benches.keys()];
}

/** The registered benches whose name equals or starts with one of `filters` (all when none given). */
export function selectBenches(filters: readonly string[]): [string, BenchFn][] {
  const all = [...benches.entries()];
  if (filters.length === 0) return all;
  return all.filter(([name]) => filters.some((f) => name === f || name.startsWith(`${f}:`)));
}

/** Runs the selected benches in registration order and returns every figure they recorded. */
export async function runBenches(selected: [string, BenchFn][]): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [name, fn] of selected) {
    const ctx: BenchContext = {
      record: (subject, metric, value) => results.push({ bench: name, subject, metric, value }),
      log: (message) => process.stderr.write(`[${name}] ${message}\n`),
    };
    await fn(ctx);
  }
  return results;
}

/** Runs a full collection when node was started with --expose-gc, so one round's garbage is not billed to the next. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

export interface RoundsOptions {
  /** Untimed rounds first, so the JIT has compiled the hot path. */
  warmup: number;
  /** Timed rounds. */
  rounds: number;
}

/** One timed round: wall-clock seconds, and CPU seconds (user + system) spent by the process doing it. */
export interface Round {
  wall: number;
  cpu: number;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/**
 * Times `fn` (one round of work) `rounds` times after `warmup` untimed rounds. CPU time is kept beside wall
 * time because on a shared machine the wall clock also counts the time other processes held the CPU.
 */
export function timeRounds(fn: () => void, options: RoundsOptions): Round[] {
  for (let i = 0; i < options.warmup; i++) fn();
  const rounds: Round[] = [];
  for (let i = 0; i < options.rounds; i++) {
    collectGarbage();
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    fn();
    rounds.push({ wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: cpuSeconds(cpu) });
  }
  return rounds;
}

/**
 * The same for asynchronous work. When `fn` resolves to a number, that is the round's CPU seconds (a child
 * process reports its own); otherwise this process's CPU time is taken.
 */
export async function timeRoundsAsync(
  fn: () => Promise<number | undefined>,
  options: RoundsOptions,
): Promise<Round[]> {
  for (let i = 0; i < options.warmup; i++) await fn();
  const rounds: Round[] = [];
  for (let i = 0; i < options.rounds; i++) {
    collectGarbage();
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const reported = await fn();
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    rounds.push({ wall, cpu: reported ?? cpuSeconds(cpu) });
  }
  return rounds;
}

/** The p-th percentile (0..100) by nearest rank; p=50 is the median (lower middle for an even count). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The fastest round: the least disturbed by the machine's other work. */
export function best(values: readonly number[]): number {
  return Math.min(...values);
}

/** Formats a number for the table: thousands separated, at most 3 significant decimals for small values. */
export function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

/**
 * A readable table: rows grouped by bench and metric, the group's first subject as the reference, and for
 * each peer the ratio reference ÷ peer (how many times the reference's figure the peer's is divided into).
 */
export function formatTable(results: readonly BenchResult[]): string {
  const groups = new Map<string, BenchResult[]>();
  for (const r of results) {
    const key = `${r.bench}\u0000${r.metric}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const rows: string[][] = [['bench', 'metric', 'subject', 'value', 'reference ÷ subject']];
  for (const g of groups.values()) {
    const ref = g[0]!;
    for (const r of g) {
      const ratio = r === ref ? '(reference)' : r.value === 0 ? '—' : `${formatNumber(ref.value / r.value)}×`;
      rows.push([r.bench, r.metric, r.subject, formatNumber(r.value), ratio]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
