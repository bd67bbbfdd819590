import type { AuditEntryInput } from '../../audit/index.js';
import type { NodeContext } from '../context.js';
import type { Author } from './messages.js';
import type { Outbox } from './outbox.js';
import type { PartnerBook } from './partners.js';
import { putRow, type RowInput, type RowKind } from './rows.js';

/** What the stages that send (releases, consents, notices) work with: the node, its author, partners, outbox. */
export abstract class Stage {
  constructor(
    protected readonly ctx: NodeContext,
    protected readonly author: Author,
    protected readonly partners: PartnerBook,
    protected readonly outbox: Outbox,
  ) {}

  protected get party(): string {
    return this.ctx.party;
  }

  /** Files a request: its row and audit entry, with its queued message when it has one, in one transaction. */
  protected async fileRequest<K extends RowKind>(
    row: RowInput<K>,
    entry: AuditEntryInput,
    queued?: RowInput<'outbox'>,
  ): Promise<void> {
    await this.ctx.audit.appendWithin(async (tx) => {
      await putRow(tx, row);
      if (queued) await this.outbox.enqueue(tx, queued);
      return { result: undefined, entries: [entry] };
    });
  }
}
