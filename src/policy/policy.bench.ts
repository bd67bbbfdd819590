import { casbinArgs, createCasbinEnforcer } from '../bench/casbin-peer.js';
import { cedarAuthorize, cedarCall, cedarVersion, prepareCedar } from '../bench/cedar-peer.js';
import {
  buildCoreTable,
  comparability,
  coreFacts,
  createHandCheck,
  reltoCoreVerdict,
} from '../bench/core-check.js';
import { type BenchContext, best, median, type Round, registerBench, timeRounds } from '../bench/harness.js';
import { generatePolicyMix } from '../bench/policy-mix.js';
import type { Label } from '../label/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import {
  type DecisionInput,
  decide,
  type PreparedLabel,
  type PreparedPrincipal,
  prepareLabel,
  preparePrincipal,
} from './decide.js';
import type { Answer, DecisionRequest, Principal } from './schema.js';

/**
 * decisions/s of relto's `decide` on the 100,000-request mix (full rules), beside the same requests' core
 * check in Cedar (wasm, stateful), casbin (enforceSync) and plain TypeScript. Every peer must agree with
 * relto's core verdict on every comparable request (core-check.ts says which and why) before it is timed.
 *
 * The mix shares principals and labels across requests as a node does (a session's principal, a label
 * that is one marking-definition for many objects). The headline figure decides them as a node does: each
 * label and principal prepared once (prepareLabel / preparePrincipal, what the node's LabelBook and
 * Decider hold), the request objects themselves as generated. relto is also timed on the raw requests
 * (label and principal read from the JSON objects at every decision), and relto and the hand-written check
 * on the same requests with nothing shared (each request its own object tree, as parsed from JSONL).
 *
 * Timing: each round runs the whole array once; the figure is the MEDIAN round (the best round and the
 * CPU time are recorded too: on a shared machine the wall clock also bills other processes' work).
 * relto and the hand-written check take the raw request objects. Cedar's calls (entities as JSON) and
 * casbin's subject/object are built BEFORE timing: only `statefulIsAuthorized` / `enforceSync` are timed.
 */

export const POLICY_SEED = 20_161_123;
export const POLICY_COUNT = 100_000;
const TARGET = 2_000_000;

/** Pool sizes: ~1,350 people across the three nodes, ~7,000 distinct labels for 100,000 requests. */
export const POLICY_POOLS = { principals: 150, labels: 250 };

/** The bench's mix, principals and labels pooled as a node holds them. */
export function policyMix(): {
  requests: DecisionRequest[];
  registryJson: ReturnType<typeof loadBuiltinRegistry>;
} {
  const registryJson = loadBuiltinRegistry();
  const options = { seed: POLICY_SEED, count: POLICY_COUNT, pools: POLICY_POOLS };
  return { requests: generatePolicyMix(registryJson, options), registryJson };
}

interface Peer {
  name: string;
  verdict: (i: number) => boolean;
}

/** Stops the bench when a peer and relto read the core check differently, showing the first cases. */
function assertAgreement(
  peer: Peer,
  requests: readonly DecisionRequest[],
  answers: readonly Answer[],
  comparable: readonly number[],
): void {
  const disagreements: number[] = [];
  for (const i of comparable) {
    if (peer.verdict(i) !== reltoCoreVerdict(answers[i]!)) disagreements.push(i);
  }
  if (disagreements.length === 0) return;
  const shown = disagreements.slice(0, 3).map((i) =>
    JSON.stringify({
      index: i,
      peer: peer.verdict(i) ? 'permit' : 'deny',
      relto: answers[i]!.reasons.map((r) => r.code),
      request: requests[i],
    }),
  );
  throw new Error(
    `${peer.name} disagrees with relto on the core check for ${disagreements.length} of ${comparable.length} ` +
      `comparable requests; not timing it. First cases:\n${shown.join('\n')}`,
  );
}

function recordRate(
  ctx: BenchContext,
  subject: string,
  count: number,
  rounds: Round[],
  variant = '',
): { median: number } {
  const wall = rounds.map((r) => r.wall);
  const rates = {
    median: count / median(wall),
    best: count / best(wall),
    cpu: count / median(rounds.map((r) => r.cpu)),
  };
  ctx.record(subject, `decisions/s${variant} (median round, wall clock)`, rates.median);
  ctx.record(subject, `decisions/s${variant} (best round, wall clock)`, rates.best);
  ctx.record(subject, `decisions per CPU-second${variant} (median round)`, rates.cpu);
  ctx.log(
    `${subject}${variant}: ${fmt(rates.median)} decisions/s (median of ${rounds.length} rounds), ${fmt(rates.best)} ` +
      `(best), ${fmt(rates.cpu)} per CPU-second`,
  );
  return rates;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function policyBench(ctx: BenchContext): Promise<void> {
  const { requests, registryJson } = policyMix();
  const n = requests.length;
  const compiled = compileRegistry(registryJson);
  const labels = new Set(requests.map((r) => r.item.label)).size;
  const people = new Set(requests.map((r) => r.principal)).size;
  ctx.log(
    `generated ${fmt(n)} requests (seed ${POLICY_SEED}): ${fmt(labels)} labels, ${fmt(people)} principals`,
  );

  // relto's answers first: they are the reference every peer must agree with.
  const answers = requests.map((r, i) => {
    try {
      return decide(compiled, r);
    } catch (e) {
      throw new Error(`relto refused generated request ${i} (${(e as Error).message}): ${JSON.stringify(r)}`);
    }
  });
  const permits = answers.filter((a) => a.decision === 'permit').length;

  // As a node holds them: every pooled label and principal prepared once; the answers must not change.
  const preparedLabels = new Map<Label, PreparedLabel>();
  const preparedPeople = new Map<Principal, PreparedPrincipal>();
  const prepared: DecisionInput[] = requests.map((r) => {
    let label = preparedLabels.get(r.item.label);
    if (!label) {
      label = prepareLabel(compiled, r.item.label);
      preparedLabels.set(r.item.label, label);
    }
    let principal = preparedPeople.get(r.principal);
    if (!principal) {
      principal = preparePrincipal(compiled, r.principal);
      preparedPeople.set(r.principal, principal);
    }
    return { ...r, principal, item: { ...r.item, label } };
  });
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(decide(compiled, prepared[i]!)) !== JSON.stringify(answers[i])) {
      throw new Error(
        `prepared request ${i} is answered differently from the raw one: ${JSON.stringify(requests[i])}`,
      );
    }
  }
  const comparable: number[] = [];
  const excluded = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const why = comparability(requests[i]!, answers[i]!);
    if (why === null) comparable.push(i);
    else excluded.set(why, (excluded.get(why) ?? 0) + 1);
  }
  ctx.log(
    `relto permits ${permits} of ${n}; ${comparable.length} requests comparable on the core check ` +
      `(excluded: ${[...excluded].map(([k, v]) => `${k} ${v}`).join(', ')})`,
  );
  ctx.record('mix', 'requests', n);
  ctx.record('mix', 'distinct labels', labels);
  ctx.record('mix', 'distinct principals', people);
  ctx.record('mix', 'relto permits', permits);
  ctx.record('mix', 'requests compared on the core check', comparable.length);

  /*
   * Every engine is timed with only its own data alive: a peer's inputs (Cedar's entity JSON, casbin's
   * argument lists) are built, checked against relto and timed in turn, then dropped. Otherwise every
   * forced collection between rounds (harness.ts) sweeps hundreds of MB of other engines' data on the
   * second core while the round runs, and whoever is timed last or first pays for it.
   */
  const table = buildCoreTable(registryJson);
  const hand = createHandCheck(table);

  // Every loop keeps a count of permits so the work cannot be optimised away.
  let sink = 0;
  const relto = recordRate(
    ctx,
    'relto decide (full rules)',
    n,
    timeRounds(
      () => {
        for (let i = 0; i < n; i++) if (decide(compiled, prepared[i]!).decision === 'permit') sink++;
      },
      { warmup: 2, rounds: 7 },
    ),
  );
  recordRate(
    ctx,
    'relto decide (full rules), raw requests',
    n,
    timeRounds(
      () => {
        for (let i = 0; i < n; i++) if (decide(compiled, requests[i]!).decision === 'permit') sink++;
      },
      { warmup: 2, rounds: 7 },
    ),
  );

  assertAgreement(
    { name: 'hand-written core check', verdict: (i) => hand(requests[i]!) },
    requests,
    answers,
    comparable,
  );
  recordRate(
    ctx,
    'hand-written core check',
    n,
    timeRounds(
      () => {
        for (let i = 0; i < n; i++) if (hand(requests[i]!)) sink++;
      },
      { warmup: 2, rounds: 7 },
    ),
  );

  {
    prepareCedar();
    const facts = requests.map((r) => coreFacts(table, r));
    const cedarCalls = requests.map((r, i) => cedarCall(table, facts[i]!, r.action));
    const name = `cedar-wasm ${cedarVersion()}`;
    assertAgreement({ name, verdict: (i) => cedarAuthorize(cedarCalls[i]!) }, requests, answers, comparable);
    recordRate(
      ctx,
      name,
      n,
      timeRounds(
        () => {
          for (let i = 0; i < n; i++) if (cedarAuthorize(cedarCalls[i]!)) sink++;
        },
        { warmup: 0, rounds: 3 },
      ),
    );
  }

  {
    const enforcer = await createCasbinEnforcer(table);
    const casbinInputs = requests.map((r) => casbinArgs(coreFacts(table, r)));
    assertAgreement(
      { name: 'casbin', verdict: (i) => enforcer.enforceSync(...casbinInputs[i]!) },
      requests,
      answers,
      comparable,
    );
    recordRate(
      ctx,
      'casbin enforceSync',
      n,
      timeRounds(
        () => {
          for (let i = 0; i < n; i++) if (enforcer.enforceSync(...casbinInputs[i]!)) sink++;
        },
        { warmup: 0, rounds: 3 },
      ),
    );
  }
  ctx.log(`every peer agreed with relto on the ${comparable.length} comparable requests before it was timed`);

  // The same requests with nothing shared, each its own object tree as parsed from a JSONL line: the
  // working set no longer fits the CPU's caches, which costs every engine alike.
  const unshared = requests.map((r) => JSON.parse(JSON.stringify(r)) as DecisionRequest);
  const variant = ', unshared objects';
  recordRate(
    ctx,
    'relto decide (full rules), raw requests',
    n,
    timeRounds(
      () => {
        for (let i = 0; i < n; i++) if (decide(compiled, unshared[i]!).decision === 'permit') sink++;
      },
      { warmup: 2, rounds: 7 },
    ),
    variant,
  );
  recordRate(
    ctx,
    'hand-written core check',
    n,
    timeRounds(
      () => {
        for (let i = 0; i < n; i++) if (hand(unshared[i]!)) sink++;
      },
      { warmup: 2, rounds: 7 },
    ),
    variant,
  );
  ctx.log(
    `relto ${relto.median >= TARGET ? 'meets' : 'MISSES'} the target of ${TARGET.toLocaleString('en-US')} ` +
      `decisions/s (median round) [sink ${sink}]`,
  );
}

registerBench('policy:decide', policyBench);
