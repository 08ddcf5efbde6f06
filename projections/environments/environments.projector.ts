import { EnvironmentEvent } from '../../libs/domain/tenancy/environment/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface EnvironmentsTable {
  organization_id: string;
  project: string;
  name: string;
  id: string;
  description: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  resource_version: Int8;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface EnvironmentsTables {
  environments: EnvironmentsTable;
}

export const environmentsProjector: Projector<EnvironmentsTables> = {
  name: 'environments',
  handles: new Set<EnvironmentEvent['type']>(['EnvironmentCreated', 'EnvironmentUpdated']),
  tables: ['environments'],
  createTables: async (db) => {
    await db.schema.createTable('environments').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('resource_version', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('environments_pk', ['organization_id', 'project', 'name'])
      .execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<EnvironmentEvent>(recorded);
    const resource_version = recorded.revision.toString();
    switch (event.type) {
      case 'EnvironmentCreated': {
        const { organization_id, environment_id, project, name, description, created_at } = event.data;
        await trx.insertInto('environments').values({
          organization_id, project, name, id: environment_id, description, created_at, updated_at: created_at, resource_version,
        }).onConflict((oc) => oc.columns(['organization_id', 'project', 'name']).doNothing()).execute();
        return;
      }
      case 'EnvironmentUpdated':
        await trx.updateTable('environments').set({ description: event.data.description, updated_at: event.data.updated_at, resource_version })
          .where('organization_id', '=', event.data.organization_id).where('project', '=', event.data.project)
          .where('name', '=', event.data.name).execute();
        return;
    }
  }),
};
