import { Generated, sql } from 'kysely';
import { OrganizationEvent } from '../../libs/domain/tenancy/organization/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface OrganizationsTable {
  id: string;
  name: string;
  billing_restricted: Generated<boolean>;
  restriction_reason: string | null;
  created_at: Timestamp;
  stream_revision: Int8;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface OrganizationsTables {
  organizations: OrganizationsTable;
}

export const organizationsProjector: Projector<OrganizationsTables> = {
  name: 'organizations',
  handles: new Set<OrganizationEvent['type']>(['OrganizationCreated', 'OrganizationBillingRestricted', 'OrganizationBillingRestrictionLifted']),
  tables: ['organizations'],
  createTables: async (db) => {
    await db.schema.createTable('organizations').ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('billing_restricted', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('restriction_reason', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<OrganizationEvent>(recorded);
    const revision = recorded.revision.toString();
    switch (event.type) {
      case 'OrganizationCreated':
        await trx.insertInto('organizations').values({
          id: event.data.organization_id, name: event.data.name, created_at: event.data.created_at, stream_revision: revision,
        }).onConflict((oc) => oc.column('id').doNothing()).execute();
        return;
      case 'OrganizationBillingRestricted':
      case 'OrganizationBillingRestrictionLifted':
        await trx.updateTable('organizations').set({
          billing_restricted: event.type === 'OrganizationBillingRestricted',
          restriction_reason: event.type === 'OrganizationBillingRestricted' ? event.data.reason : null,
          stream_revision: revision,
        }).where('id', '=', event.data.organization_id).where('stream_revision', '<', sql<bigint>`${revision}::bigint`).execute();
        return;
    }
  }),
};
