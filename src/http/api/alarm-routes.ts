import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ReltoError } from '../../errors/index.js';
import type { NodeService } from '../../node/index.js';
import { personOf } from '../auth.js';
import { documented } from '../openapi.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { apiErrors } from './shared-schemas.js';

const CLEARED_EXAMPLE = {
  id: '5f0c8f43-5a4e-4f43-9d55-0f4d1b3c2a10',
  status: 'cleared',
  alarm: 'LOG_REWRITTEN',
  message: "JPN's audit head does not extend the head held for it",
  party: 'JPN',
  at: '2026-03-02T09:14:05.120Z',
  cleared: {
    by: 'security',
    at: '2026-03-02T10:02:44.310Z',
    note: 'raised while JPN was replaced by mistake; the right keys are back',
  },
};

export const Alarm = Type.Object(
  {
    id: Type.String({ description: 'what the clear route takes' }),
    status: Type.Union([Type.Literal('raised'), Type.Literal('cleared')]),
    alarm: Type.String({ description: 'its code, e.g. LOG_REWRITTEN' }),
    message: Type.String(),
    party: Type.String({ description: 'the partner it is about' }),
    at: Type.String({ description: 'when it was raised' }),
    cleared: Type.Optional(
      Type.Object({
        by: Type.String({ description: 'the security officer who cleared it' }),
        at: Type.String(),
        note: Type.String({ description: 'why it was cleared' }),
      }),
    ),
  },
  { additionalProperties: true },
);

export const AlarmList = documented(
  Type.Object({ alarms: Type.Array(Alarm) }),
  "the exchange's alarms: a partner's audit log rewritten, a release the partner refused…",
  { alarms: [CLEARED_EXAMPLE] },
);

const ClearedAlarm = documented(Alarm, 'the alarm, now cleared with the note', CLEARED_EXAMPLE);

export const AlarmsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('raised'), Type.Literal('cleared')], {
        description: 'only alarms still raised, or only those cleared',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ClearAlarmBody = Type.Object(
  {
    note: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'why the alarm is cleared (kept with it and in the audit log)',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ note: 'raised while JPN was replaced by mistake; the right keys are back' }],
  },
);
export type ClearAlarmBody = Static<typeof ClearAlarmBody>;

const AlarmParams = Type.Object({ id: Type.String({ minLength: 1 }) });

const errors = apiErrors(400, 401, 403, 404, 501);

/**
 * Alarms the exchange raised (a partner's audit log rewritten, a head whose signature fails, e.g. after a
 * partner's keys were replaced by mistake): listed for security officers and administrators, cleared with a
 * note by a security officer.
 */
export async function alarmRoutes(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node } = opts;
  const p = '/api/v1';
  const exchange = () => {
    if (!node.exchange) {
      throw new ReltoError('NOT_IMPLEMENTED', 'this node runs without its exchange (relto serve --exchange)');
    }
    return node.exchange;
  };

  app.get(
    `${p}/exchange/alarms`,
    {
      schema: {
        tags: ['exchange'],
        summary: 'Alarms raised by the exchange, still raised first (security officers and administrators)',
        querystring: AlarmsQuery,
        response: { 200: AlarmList, ...errors },
      },
    },
    async (request) => ({
      alarms: (await exchange().alarms(personOf(request), request.query)) as Static<typeof Alarm>[],
    }),
  );
  app.post(
    `${p}/exchange/alarms/:id/clear`,
    {
      schema: {
        tags: ['exchange'],
        summary: 'Clear an alarm with a note saying why (security officers only; audited)',
        params: AlarmParams,
        body: ClearAlarmBody,
        response: { 200: ClearedAlarm, ...errors, ...apiErrors(409) },
      },
    },
    async (request) =>
      (await exchange().clearAlarm(personOf(request), request.params.id, request.body.note)) as Static<
        typeof Alarm
      >,
  );
}
