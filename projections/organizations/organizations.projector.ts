import { sql } from 'kysely';
import { OrganizationEvent } from '../../libs/domain/tenancy/organization/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';

export interface OrganizationsTable {
  id: string;
  name: string;
  billing_restricted: boolean;
  restriction_reason: string | null;
  created_at: Date;
  stream_revision: bigint;
}

export const organizationsProjector: Projector = {
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
    const event = { type: recorded.type, data: recorded.data } as OrganizationEvent;
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
