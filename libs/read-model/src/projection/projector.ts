import { Kysely } from 'kysely';
import { RecordedEvent } from '../../../event-store/src/event-store';

/**
 * A database handle whose tables are not known here. The runner and checkpoints use it: they serve every
 * projector, and this library may not know the projectors' tables (the arrow points from projections/ to
 * libs/, never back). Projectors themselves write through `Kysely<TheirTables>`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kysely's own "any database" type; see above
export type AnyDb = Kysely<any>;

/**
 * A projector owns its tables: it creates them, and it turns a batch of the events it handles into rows
 * inside the transaction the runner gives it (the same one that moves its checkpoint). `Tables` maps the
 * names of the tables it owns to their kysely table types, so every write it makes is type-checked; the
 * composition root assembles the whole `Database` from these maps.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the runner holds projectors of different tables in one list
export interface Projector<Tables = any> {
  readonly name: string;
  /** The event types it applies; the runner still moves its checkpoint over all others. */
  readonly handles: { has(type: string): boolean };
  /** Tables this projector owns, in the order rebuild comparisons read them. */
  readonly tables: readonly (keyof Tables & string)[];
  readonly createTables: (db: Kysely<Tables>) => Promise<void>;
  readonly applyBatch: (trx: Kysely<Tables>, events: readonly RecordedEvent[]) => Promise<void>;
}

/** For projectors whose events are rare (tenancy, identity): one small write per event is clearest. */
export const eventByEvent =
  <Tables>(apply: (trx: Kysely<Tables>, event: RecordedEvent) => Promise<void>) =>
  async (trx: Kysely<Tables>, events: readonly RecordedEvent[]) => {
    for (const event of events) await apply(trx, event);
  };
