import { sql } from 'kysely';
import { assertNever } from '../../libs/domain/shared/decider';
import { PriceBookEvent } from '../../libs/domain/usage/price-book/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

/** Configured price books; an organization without a row bills at the default price. The price is exact: integers kept as decimal strings. */
export interface PriceBooksTable {
  organization_id: string;
  billable_action_cents: string;
  billable_action_per_units: string;
  set_at: Timestamp;
  stream_revision: Int8;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface PriceBooksTables {
  price_books: PriceBooksTable;
}

export const priceBooksProjector: Projector<PriceBooksTables> = {
  name: 'price_books',
  handles: new Set<string>(PriceBookEvent.types),
  tables: ['price_books'],
  createTables: async (db) => {
    await db.schema.createTable('price_books').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.primaryKey())
      .addColumn('billable_action_cents', 'text', (c) => c.notNull())
      .addColumn('billable_action_per_units', 'text', (c) => c.notNull())
      .addColumn('set_at', 'timestamptz', (c) => c.notNull())
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<PriceBookEvent>(recorded);
    const revision = recorded.revision.toString();
    switch (event.type) {
      case 'PriceBookSet': {
        const { organization_id, billable_action, set_at } = event.data;
        const values = { billable_action_cents: billable_action.cents, billable_action_per_units: billable_action.per_units, set_at, stream_revision: revision };
        // An event at or below the stored revision was applied already: skip it.
        await trx.insertInto('price_books').values({ organization_id, ...values })
          .onConflict((oc) => oc.column('organization_id').doUpdateSet(values)
            .where('price_books.stream_revision', '<', sql<bigint>`${revision}::bigint`))
          .execute();
        return;
      }
      default:
        assertNever(event.type);
    }
  }),
};
