import { NamespaceEvent } from '../../libs/domain/tenancy/namespace/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface NamespacesTable {
  organization_id: string;
  name: string;
  id: string;
  project: string;
  environment: string;
  description: string;
  state: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  resource_version: Int8;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface NamespacesTables {
  namespaces: NamespacesTable;
}

export const namespacesProjector: Projector<NamespacesTables> = {
  name: 'namespaces',
  handles: new Set<NamespaceEvent['type']>(['NamespaceCreated', 'NamespaceUpdated', 'NamespaceDeleted']),
  tables: ['namespaces'],
  createTables: async (db) => {
    await db.schema.createTable('namespaces').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('resource_version', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('namespaces_pk', ['organization_id', 'name'])
      .execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<NamespaceEvent>(recorded);
    const resource_version = recorded.revision.toString();
    switch (event.type) {
      case 'NamespaceCreated': {
        const { organization_id, namespace_id, name, project, environment, description, created_at } = event.data;
        // A name freed by a delete can be taken again: the new namespace replaces the deleted row.
        await trx.insertInto('namespaces').values({
          organization_id, name, id: namespace_id, project, environment, description, state: 'active',
          created_at, updated_at: created_at, resource_version,
        }).onConflict((oc) => oc.columns(['organization_id', 'name']).doUpdateSet({
          id: namespace_id, project, environment, description, state: 'active', created_at, updated_at: created_at, resource_version,
        })).execute();
        return;
      }
      case 'NamespaceUpdated':
        await trx.updateTable('namespaces').set({ description: event.data.description, updated_at: event.data.updated_at, resource_version })
          .where('organization_id', '=', event.data.organization_id).where('name', '=', event.data.name).execute();
        return;
      case 'NamespaceDeleted':
        await trx.updateTable('namespaces').set({ state: 'deleted', updated_at: event.data.deleted_at, resource_version })
          .where('organization_id', '=', event.data.organization_id).where('name', '=', event.data.name).execute();
        return;
    }
  }),
};
