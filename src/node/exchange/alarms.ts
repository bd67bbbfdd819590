import { ReltoError } from '../../errors/index.js';
import { deciderFor, type NodeContext } from '../context.js';
import type { Person } from '../service.js';
import { type AlarmRow, getRow, listRows, ROWS, updateRow } from './rows.js';

/** The longest note a security officer may leave on a cleared alarm. */
export const MAX_ALARM_NOTE = 2000;

/** An alarm as stored: what was raised, by whom it is about, and its clearing once cleared. */
type AlarmBody = AlarmRow;

/** An alarm as the security officer sees it: the stored alarm with its id (what `clear` takes) and state. */
export type AlarmView = AlarmBody & { id: string; status: 'raised' | 'cleared' };

function view(row: { key: string; status: string; body: AlarmBody }): AlarmView {
  return { ...row.body, id: row.key, status: row.status === 'cleared' ? 'cleared' : 'raised' };
}

/**
 * R29: the alarms raised on this node (a partner's audit log rewritten, a head that fails its signature…),
 * raised first, then cleared, each in the order raised. Read by security officers and administrators.
 */
export async function listAlarms(
  ctx: NodeContext,
  actor: Person,
  filter: { status?: 'raised' | 'cleared' } = {},
): Promise<AlarmView[]> {
  const me = await ctx.people.require(actor);
  deciderFor(ctx, me).require('read-alarms');
  const rows = await listRows(ctx.store, {
    kind: ROWS.alarm,
    ...(filter.status ? { status: filter.status } : {}),
  });
  const all = rows.map(view);
  return [...all.filter((a) => a.status === 'raised'), ...all.filter((a) => a.status === 'cleared')];
}

/**
 * Clears an alarm with a note saying why (e.g. raised by a mistaken partner replacement, since undone): only a
 * security officer may, and the clearing is audited with the note. The alarm is kept, marked cleared.
 */
export async function clearAlarm(
  ctx: NodeContext,
  actor: Person,
  id: string,
  note: string,
): Promise<AlarmView> {
  const me = await ctx.people.require(actor);
  const at = new Date(ctx.clock()).toISOString();
  const decider = deciderFor(ctx, me);
  if (!decider.may('clear-alarm')) {
    ctx.audit.record({
      kind: 'refusal',
      at,
      actor: me.name,
      action: 'alarm-clear',
      decision: 'deny',
      subjects: [id],
      reasons: ['ROLE_REQUIRED'],
    });
    decider.require('clear-alarm');
  }
  const text = note.trim();
  if (text === '') throw new ReltoError('MALFORMED_REQUEST', 'say why the alarm is cleared', '/note');
  if (text.length > MAX_ALARM_NOTE) {
    throw new ReltoError('MALFORMED_REQUEST', `a note is at most ${MAX_ALARM_NOTE} characters`, '/note');
  }
  return ctx.audit.appendWithin(async (tx) => {
    const row = await getRow(tx, ROWS.alarm, id);
    if (!row) throw new ReltoError('NOT_FOUND', `no alarm ${id}`);
    if (row.status === 'cleared') {
      const by = row.body.cleared;
      throw new ReltoError(
        'CONFLICT',
        `alarm ${id} was cleared already${by ? ` by ${by.by} at ${by.at}` : ''}`,
      );
    }
    const body: AlarmBody = { ...row.body, cleared: { by: me.name, at, note: text } };
    const updated = await updateRow(tx, ROWS.alarm, id, { status: 'cleared', body });
    const alarm = view(updated ?? { ...row, status: 'cleared', body });
    return {
      result: alarm,
      entries: [
        {
          kind: 'head',
          at,
          actor: me.name,
          action: 'alarm-clear',
          subjects: [id],
          details: { alarm: alarm.alarm, party: alarm.party, raisedAt: alarm.at, note: text },
        },
      ],
    };
  });
}
