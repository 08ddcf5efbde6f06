import { Kysely } from 'kysely';
import { RecordedEvent } from '../../../event-store/src/event-store';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;

/**
 * A projector owns its tables: it creates them, and it turns a batch of the events it handles into rows
 * inside the transaction the runner gives it (the same one that moves its checkpoint).
 */
export interface Projector {
  readonly name: string;
  /** The event types it applies; the runner still moves its checkpoint over all others. */
  readonly handles: { has(type: string): boolean };
  /** Tables this projector owns, in the order rebuild comparisons read them. */
  readonly tables: readonly string[];
  readonly createTables: (db: AnyDb) => Promise<void>;
  readonly applyBatch: (trx: AnyDb, events: readonly RecordedEvent[]) => Promise<void>;
}

/** For projectors whose events are rare (tenancy, identity): one small write per event is clearest. */
export const eventByEvent =
  (apply: (trx: AnyDb, event: RecordedEvent) => Promise<void>) =>
  async (trx: AnyDb, events: readonly RecordedEvent[]) => {
    for (const event of events) await apply(trx, event);
  };
