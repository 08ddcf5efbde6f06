import { Kysely, sql } from 'kysely';
import { NamespacePlacementEvent } from '../../libs/domain/placement/namespace-placement/events';
import { NamespaceDeleted } from '../../libs/domain/tenancy/namespace/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { RecordedEvent } from '../../libs/event-store/src/event-store';
import { Timestamp, NullableTimestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

/**
 * Placement history: one row per period a namespace was placed on a target. The open row
 * (`unassigned_at` null) is the active placement; billing asks which target served a namespace
 * during a usage record's window.
 */
export interface NamespacePlacementsTable {
  organization_id: string;
  namespace: string;
  namespace_id: string;
  runtime_target_id: string;
  runtime_namespace: string;
  assigned_at: Timestamp;
  unassigned_at: NullableTimestamp;
  provisioning_status: string;
  provisioning_detail: string | null;
  /** Why the namespace came to this target by migration; null for a first assignment. */
  migration_reason: string | null;
  stream_id: string;
  /** Revision of the event that opened this placement (the row's key within the stream). */
  stream_revision: Int8;
  /** Last event applied to the row, so a replayed event is skipped. */
  last_revision: Int8;
}

const HANDLED = new Set<string>([...NamespacePlacementEvent.types, 'NamespaceDeleted']);

async function openPlacement(trx: Kysely<NamespacePlacementsTables>, recorded: RecordedEvent, row: {
  organization_id: string; namespace: string; namespace_id: string; runtime_target_id: string; runtime_namespace: string;
  assigned_at: string; migration_reason: string | null;
}) {
  const revision = recorded.revision.toString();
  await trx.insertInto('namespace_placements').values({
    ...row, unassigned_at: null, provisioning_status: 'pending', provisioning_detail: null,
    stream_id: recorded.streamId, stream_revision: revision, last_revision: revision,
  }).onConflict((oc) => oc.columns(['stream_id', 'stream_revision']).doNothing()).execute();
}

/** The open placement of the event's stream, when the event is newer than what the row has seen. */
const updateOpen = (trx: Kysely<NamespacePlacementsTables>, recorded: RecordedEvent) => trx.updateTable('namespace_placements')
  .where('stream_id', '=', recorded.streamId).where('unassigned_at', 'is', null)
  .where('last_revision', '<', sql<bigint>`${recorded.revision.toString()}::bigint`);

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface NamespacePlacementsTables {
  namespace_placements: NamespacePlacementsTable;
}

export const namespacePlacementsProjector: Projector<NamespacePlacementsTables> = {
  name: 'namespace_placements',
  handles: HANDLED,
  tables: ['namespace_placements'],
  createTables: async (db) => {
    await db.schema.createTable('namespace_placements').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('namespace_id', 'text', (c) => c.notNull())
      .addColumn('runtime_target_id', 'text', (c) => c.notNull())
      .addColumn('runtime_namespace', 'text', (c) => c.notNull())
      .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
      .addColumn('unassigned_at', 'timestamptz')
      .addColumn('provisioning_status', 'text', (c) => c.notNull())
      .addColumn('provisioning_detail', 'text')
      .addColumn('migration_reason', 'text')
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .addColumn('last_revision', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('namespace_placements_pk', ['stream_id', 'stream_revision'])
      .execute();
    await db.schema.createIndex('namespace_placements_namespace').ifNotExists().on('namespace_placements')
      .columns(['organization_id', 'namespace', 'assigned_at']).execute();
    await db.schema.createIndex('namespace_placements_runtime').ifNotExists().on('namespace_placements')
      .columns(['runtime_target_id', 'runtime_namespace', 'assigned_at']).execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<NamespacePlacementEvent | NamespaceDeleted>(recorded);
    const revision = recorded.revision.toString();
    switch (event.type) {
      case 'NamespaceRuntimeTargetAssigned': {
        const { organization_id, namespace, namespace_id, runtime_target_id, runtime_namespace, assigned_at } = event.data;
        await openPlacement(trx, recorded, { organization_id, namespace, namespace_id, runtime_target_id, runtime_namespace, assigned_at, migration_reason: null });
        return;
      }
      case 'NamespaceMigrated': {
        const d = event.data;
        await updateOpen(trx, recorded).set({ unassigned_at: d.migrated_at, last_revision: revision }).execute();
        await openPlacement(trx, recorded, {
          organization_id: d.organization_id, namespace: d.namespace, namespace_id: d.namespace_id, runtime_target_id: d.to_runtime_target_id,
          runtime_namespace: d.to_runtime_namespace, assigned_at: d.migrated_at, migration_reason: d.reason,
        });
        return;
      }
      case 'NamespaceProvisioned':
        await updateOpen(trx, recorded).where('runtime_target_id', '=', event.data.runtime_target_id)
          .set({ provisioning_status: 'provisioned', provisioning_detail: null, last_revision: revision }).execute();
        return;
      case 'NamespaceProvisioningRetried':
        await updateOpen(trx, recorded).where('runtime_target_id', '=', event.data.runtime_target_id)
          .set({ provisioning_status: 'pending', provisioning_detail: null, last_revision: revision }).execute();
        return;
      case 'NamespaceProvisioningFailed':
        await updateOpen(trx, recorded).where('runtime_target_id', '=', event.data.runtime_target_id)
          .set({ provisioning_status: 'failed', provisioning_detail: `${event.data.reason}: ${event.data.detail}`, last_revision: revision }).execute();
        return;
      case 'NamespaceDeleted':
        // A deleted namespace is served by no target from then on; its placement stream is left behind.
        await trx.updateTable('namespace_placements').set({ unassigned_at: event.data.deleted_at })
          .where('organization_id', '=', event.data.organization_id).where('namespace', '=', event.data.name)
          .where('unassigned_at', 'is', null).execute();
        return;
    }
  }),
};
