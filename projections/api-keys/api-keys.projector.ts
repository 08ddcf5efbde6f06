import { ApiKeyEvent } from '../../libs/domain/identity/api-keys/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, NullableTimestamp } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  principal_id: string;
  principal_kind: string;
  name: string;
  token_prefix: string;
  state: 'active' | 'disabled' | 'revoked';
  expires_at: NullableTimestamp;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

/** Lookup by token prefix: the current credential, and replaced ones until their grace ends. */
export interface ApiKeyCredentialsTable {
  token_prefix: string;
  key_id: string;
  organization_id: string;
  secret_hash: string;
  valid_until: NullableTimestamp;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface ApiKeysTables {
  api_keys: ApiKeysTable;
  api_key_credentials: ApiKeyCredentialsTable;
}

export const apiKeysProjector: Projector<ApiKeysTables> = {
  name: 'api_keys',
  handles: new Set<string>(ApiKeyEvent.types),
  tables: ['api_keys', 'api_key_credentials'],
  createTables: async (db) => {
    await db.schema.createTable('api_keys').ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('principal_kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_prefix', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('revoked_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('api_keys_by_organization').ifNotExists().on('api_keys').columns(['organization_id', 'id']).execute();
    await db.schema.createTable('api_key_credentials').ifNotExists()
      .addColumn('token_prefix', 'text', (c) => c.primaryKey())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'timestamptz')
      .execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<ApiKeyEvent>(recorded);
    switch (event.type) {
      case 'ApiKeyIssued': {
        const d = event.data;
        await trx.insertInto('api_keys').values({
          id: d.key_id, organization_id: d.organization_id, principal_id: d.principal_id, principal_kind: d.principal_kind, name: d.name,
          token_prefix: d.token_prefix, state: 'active', expires_at: d.expires_at, created_at: d.issued_at, revoked_at: null,
        }).onConflict((oc) => oc.column('id').doNothing()).execute();
        await trx.insertInto('api_key_credentials').values({
          token_prefix: d.token_prefix, key_id: d.key_id, organization_id: d.organization_id, secret_hash: d.secret_hash, valid_until: null,
        }).onConflict((oc) => oc.column('token_prefix').doNothing()).execute();
        return;
      }
      case 'ApiKeyRotated': {
        const d = event.data;
        await trx.updateTable('api_key_credentials').set({ valid_until: d.previous_valid_until })
          .where('token_prefix', '=', d.previous_token_prefix).execute();
        await trx.insertInto('api_key_credentials').values({
          token_prefix: d.token_prefix, key_id: d.key_id, organization_id: d.organization_id, secret_hash: d.secret_hash, valid_until: null,
        }).onConflict((oc) => oc.column('token_prefix').doNothing()).execute();
        await trx.updateTable('api_keys').set({ token_prefix: d.token_prefix }).where('id', '=', d.key_id).execute();
        return;
      }
      case 'ApiKeyRevoked':
        await trx.updateTable('api_keys').set({ state: 'revoked', revoked_at: event.data.revoked_at }).where('id', '=', event.data.key_id).execute();
        // A revoked key's secrets are of no use to anyone: drop them from the lookup table.
        await trx.deleteFrom('api_key_credentials').where('key_id', '=', event.data.key_id).execute();
        return;
      case 'ApiKeyDisabled':
        await trx.updateTable('api_keys').set({ state: 'disabled' }).where('id', '=', event.data.key_id).execute();
        return;
      case 'ApiKeyEnabled':
        await trx.updateTable('api_keys').set({ state: 'active' }).where('id', '=', event.data.key_id).execute();
        return;
    }
  }),
};
