import { type ConsentRecord, toLabelConsent } from '../exchange/index.js';
import type { Consent } from '../label/index.js';
import type { Store } from '../store/index.js';

/** The exchange-table kind of an originator-signed consent held for an item (ref = the item's id). */
export const CONSENT_ROW = 'consent';

/**
 * The originator-signed consents this node holds, by item (R15–R17): they join the item's label consents in
 * every decision on that item (read, copy, translate, print, export, release). Loaded once from the store;
 * the exchange adds each consent after the transaction that stored it commits.
 */
export class HeldConsents {
  private readonly byItem = new Map<string, Map<string, Consent>>();

  constructor(private readonly store: Store) {}

  /** (Re)reads every held consent row. */
  async load(): Promise<void> {
    const rows = await this.store.listExchange({ kind: CONSENT_ROW });
    this.byItem.clear();
    for (const r of rows) {
      const consent = (r.body as { consent?: ConsentRecord }).consent;
      if (consent && r.ref) this.add(r.ref, consent);
    }
  }

  /** A consent just stored for `itemId`. */
  add(itemId: string, record: ConsentRecord): void {
    let m = this.byItem.get(itemId);
    if (!m) {
      m = new Map();
      this.byItem.set(itemId, m);
    }
    m.set(record.ref, toLabelConsent(record));
  }

  /** The ids of the items some consent is held for. */
  items(): string[] {
    return [...this.byItem.keys()];
  }

  /** The consents held for an item, or undefined when none are. */
  readonly of = (itemId: string): Consent[] | undefined => {
    const m = this.byItem.get(itemId);
    return m && m.size > 0 ? [...m.values()] : undefined;
  };
}
