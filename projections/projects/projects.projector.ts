import { ProjectEvent } from '../../libs/domain/tenancy/project/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';

export interface ProjectsTable {
  organization_id: string;
  name: string;
  id: string;
  description: string;
  created_at: Date;
  updated_at: Date;
  resource_version: bigint;
}

export const projectsProjector: Projector = {
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
    const event = { type: recorded.type, data: recorded.data } as ProjectEvent;
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
