import { RoleBindingsEvent } from '../../libs/domain/identity/role-bindings/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface RoleBindingsTable {
  id: string;
  organization_id: string;
  principal_id: string;
  principal_kind: string;
  role: string;
  project: string | null;
  environment: string | null;
  namespace: string | null;
  created_at: Timestamp;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface RoleBindingsTables {
  role_bindings: RoleBindingsTable;
}

export const roleBindingsProjector: Projector<RoleBindingsTables> = {
  name: 'role_bindings',
  handles: new Set<string>(RoleBindingsEvent.types),
  tables: ['role_bindings'],
  createTables: async (db) => {
    await db.schema.createTable('role_bindings').ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('principal_kind', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('project', 'text')
      .addColumn('environment', 'text')
      .addColumn('namespace', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('role_bindings_by_principal').ifNotExists().on('role_bindings').columns(['organization_id', 'principal_id']).execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<RoleBindingsEvent>(recorded);
    switch (event.type) {
      case 'RoleBindingCreated': {
        const d = event.data;
        await trx.insertInto('role_bindings').values({
          id: d.binding_id, organization_id: d.organization_id, principal_id: d.principal_id, principal_kind: d.principal_kind, role: d.role,
          project: d.scope.project ?? null, environment: d.scope.environment ?? null, namespace: d.scope.namespace ?? null, created_at: d.created_at,
        }).onConflict((oc) => oc.column('id').doNothing()).execute();
        return;
      }
      case 'RoleBindingDeleted':
        await trx.deleteFrom('role_bindings').where('id', '=', event.data.binding_id).execute();
        return;
    }
  }),
};
