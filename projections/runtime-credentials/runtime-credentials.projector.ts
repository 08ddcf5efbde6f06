import { sql } from 'kysely';
import { RuntimeCredentialEvent } from '../../libs/domain/placement/runtime-credential/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, NullableTimestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

/** Namespace-scoped runtime credentials, without secrets: the token's public prefix only. */
export interface RuntimeCredentialsTable {
  id: string;
  organization_id: string;
  namespace: string;
  namespace_id: string;
  name: string;
  role: string;
  runtime_target_id: string;
  runtime_namespace: string;
  token_prefix: string;
  state: string;
  issued_at: Timestamp;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  stream_revision: Int8;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface RuntimeCredentialsTables {
  runtime_credentials: RuntimeCredentialsTable;
}

export const runtimeCredentialsProjector: Projector<RuntimeCredentialsTables> = {
  name: 'runtime_credentials',
  handles: new Set<string>(RuntimeCredentialEvent.types),
  tables: ['runtime_credentials'],
  createTables: async (db) => {
    await db.schema.createTable('runtime_credentials').ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('runtime_target_id', 'text', (c) => c.notNull())
      .addColumn('runtime_namespace', 'text', (c) => c.notNull())
      .addColumn('token_prefix', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
      .addColumn('rotated_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('runtime_credentials_namespace').ifNotExists().on('runtime_credentials')
      .columns(['organization_id', 'namespace_id', 'id']).execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<RuntimeCredentialEvent>(recorded);
    const revision = recorded.revision.toString();
    const newer = sql<bigint>`${revision}::bigint`;
    switch (event.type) {
      // Requests without an outcome are no credentials: the list shows issued ones only.
      case 'RuntimeCredentialRequested':
      case 'RuntimeCredentialAbandoned':
        return;
      case 'RuntimeCredentialIssued': {
        const d = event.data;
        await trx.insertInto('runtime_credentials').values({
          id: d.credential_id, organization_id: d.organization_id, namespace: d.namespace, namespace_id: d.namespace_id, name: d.name, role: d.role,
          runtime_target_id: d.runtime_target_id, runtime_namespace: d.runtime_namespace, token_prefix: d.token_prefix, state: 'active',
          issued_at: d.issued_at, rotated_at: null, revoked_at: null, stream_revision: revision,
        }).onConflict((oc) => oc.column('id').doNothing()).execute();
        return;
      }
      case 'RuntimeCredentialRotated':
        await trx.updateTable('runtime_credentials').set({ token_prefix: event.data.token_prefix, rotated_at: event.data.rotated_at, stream_revision: revision })
          .where('id', '=', event.data.credential_id).where('organization_id', '=', event.data.organization_id).where('stream_revision', '<', newer).execute();
        return;
      case 'RuntimeCredentialRevoked':
        await trx.updateTable('runtime_credentials').set({ state: 'revoked', revoked_at: event.data.revoked_at, stream_revision: revision })
          .where('id', '=', event.data.credential_id).where('organization_id', '=', event.data.organization_id).where('stream_revision', '<', newer).execute();
        return;
    }
  }),
};
