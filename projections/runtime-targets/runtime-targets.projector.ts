import { sql } from 'kysely';
import { RuntimeTargetEvent } from '../../libs/domain/placement/runtime-target/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, NullableTimestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface RuntimeTargetsTable {
  id: string;
  /** Owner; null for a platform (hosted) target. */
  organization_id: string | null;
  name: string;
  base_url: string;
  region: string;
  provider: string;
  /** The sealed credential (JSON of a SealedSecret); never served. */
  credential: string;
  ingest_token_prefix: string;
  ingest_token_hash: string;
  server_id: string;
  server_version: string | null;
  health_status: string;
  health_checked_at: NullableTimestamp;
  health_detail: string | null;
  registered_at: Timestamp;
  stream_revision: Int8;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface RuntimeTargetsTables {
  runtime_targets: RuntimeTargetsTable;
}

export const runtimeTargetsProjector: Projector<RuntimeTargetsTables> = {
  name: 'runtime_targets',
  handles: new Set<string>(RuntimeTargetEvent.types),
  tables: ['runtime_targets'],
  createTables: async (db) => {
    await db.schema.createTable('runtime_targets').ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('base_url', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('credential', 'text', (c) => c.notNull())
      .addColumn('ingest_token_prefix', 'text', (c) => c.notNull())
      .addColumn('ingest_token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('server_id', 'text', (c) => c.notNull())
      .addColumn('server_version', 'text')
      .addColumn('health_status', 'text', (c) => c.notNull().defaultTo('unknown'))
      .addColumn('health_checked_at', 'timestamptz')
      .addColumn('health_detail', 'text')
      .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('runtime_targets_owner').ifNotExists().on('runtime_targets').columns(['organization_id', 'id']).execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<RuntimeTargetEvent>(recorded);
    const revision = recorded.revision.toString();
    switch (event.type) {
      case 'RuntimeTargetRegistered': {
        const d = event.data;
        await trx.insertInto('runtime_targets').values({
          id: d.runtime_target_id, organization_id: d.organization_id, name: d.name, base_url: d.base_url, region: d.region, provider: d.provider,
          credential: JSON.stringify(d.credential), ingest_token_prefix: d.ingest_token_prefix, ingest_token_hash: d.ingest_token_hash,
          server_id: d.verification.server_id, server_version: d.verification.server_version, health_status: 'unknown',
          registered_at: d.registered_at, stream_revision: revision,
        }).onConflict((oc) => oc.column('id').doNothing()).execute();
        return;
      }
      case 'RuntimeTargetHealthChanged':
        await trx.updateTable('runtime_targets')
          .set({ health_status: event.data.status, health_checked_at: event.data.checked_at, health_detail: event.data.detail, stream_revision: revision })
          .where('id', '=', event.data.runtime_target_id).where('stream_revision', '<', sql<bigint>`${revision}::bigint`).execute();
        return;
    }
  }),
};
