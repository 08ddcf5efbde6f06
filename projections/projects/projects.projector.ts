import { ProjectEvent } from '../../libs/domain/tenancy/project/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface ProjectsTable {
  organization_id: string;
  name: string;
  id: string;
  description: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  resource_version: Int8;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface ProjectsTables {
  projects: ProjectsTable;
}

export const projectsProjector: Projector<ProjectsTables> = {
  name: 'projects',
  handles: new Set<ProjectEvent['type']>(['ProjectCreated', 'ProjectUpdated']),
  tables: ['projects'],
  createTables: async (db) => {
    await db.schema.createTable('projects').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('resource_version', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('projects_pk', ['organization_id', 'name'])
      .execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<ProjectEvent>(recorded);
    const resource_version = recorded.revision.toString();
    switch (event.type) {
      case 'ProjectCreated': {
        const { organization_id, project_id, name, description, created_at } = event.data;
        await trx.insertInto('projects').values({
          organization_id, name, id: project_id, description, created_at, updated_at: created_at, resource_version,
        }).onConflict((oc) => oc.columns(['organization_id', 'name']).doNothing()).execute();
        return;
      }
      case 'ProjectUpdated':
        await trx.updateTable('projects').set({ description: event.data.description, updated_at: event.data.updated_at, resource_version })
          .where('organization_id', '=', event.data.organization_id).where('name', '=', event.data.name).execute();
        return;
    }
  }),
};
