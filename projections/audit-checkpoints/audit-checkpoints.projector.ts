import { AuditCheckpointSigned } from '../../libs/domain/audit/checkpoints/events';
import { AuditSigningKeyEvent } from '../../libs/domain/audit/signing-keys/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface AuditCheckpointsTable {
  organization_id: string;
  commit_position: string;
  prepare_position: string;
  key_id: string;
  entries: string;
  head_hash: string;
  algorithm: string;
  signature: string;
  signed_at: Date | string;
}

export interface AuditSigningKeysTable {
  key_id: string;
  algorithm: string;
  public_key_pem: string;
  created_at: Date | string;
  retired_at: Date | string | null;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface AuditCheckpointsTables {
  audit_checkpoints: AuditCheckpointsTable;
  audit_signing_keys: AuditSigningKeysTable;
}

/** Signed checkpoints of every organization's audit chain head, and the public keys that check them. */
export const auditCheckpointsProjector: Projector<AuditCheckpointsTables> = {
  name: 'audit_checkpoints',
  handles: new Set<string>(['AuditCheckpointSigned', 'AuditSigningKeyRegistered', 'AuditSigningKeyRetired']),
  tables: ['audit_checkpoints', 'audit_signing_keys'],
  createTables: async (db) => {
    await db.schema.createTable('audit_checkpoints').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('commit_position', 'bigint', (c) => c.notNull())
      .addColumn('prepare_position', 'bigint', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('entries', 'bigint', (c) => c.notNull())
      .addColumn('head_hash', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_checkpoints_pk', ['organization_id', 'commit_position', 'prepare_position', 'key_id'])
      .execute();
    await db.schema.createTable('audit_signing_keys').ifNotExists()
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('public_key_pem', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('retired_at', 'timestamptz')
      .execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<AuditCheckpointSigned | AuditSigningKeyEvent>(recorded);
    switch (event.type) {
      case 'AuditCheckpointSigned': {
        const d = event.data;
        const [commit, prepare] = d.position.split('.');
        await trx.insertInto('audit_checkpoints').values({
          organization_id: d.organization_id, commit_position: commit, prepare_position: prepare, key_id: d.key_id, entries: String(d.entries),
          head_hash: d.head_hash, algorithm: d.algorithm, signature: d.signature, signed_at: d.signed_at,
        }).onConflict((oc) => oc.doNothing()).execute();
        return;
      }
      case 'AuditSigningKeyRegistered': {
        const d = event.data;
        await trx.insertInto('audit_signing_keys').values({ key_id: d.key_id, algorithm: d.algorithm, public_key_pem: d.public_key_pem, created_at: d.registered_at, retired_at: null })
          .onConflict((oc) => oc.column('key_id').doNothing()).execute();
        return;
      }
      case 'AuditSigningKeyRetired':
        await trx.updateTable('audit_signing_keys').set({ retired_at: event.data.retired_at }).where('key_id', '=', event.data.key_id).execute();
        return;
    }
  }),
};
