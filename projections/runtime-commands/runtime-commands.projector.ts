import { RuntimeCommandAccepted, RuntimeCommandAcceptedEvent, RuntimeCommandEvent } from '../../libs/domain/runtime-commands/events';
import { Insertable } from 'kysely';
import { Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp, Int8 } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

export interface RuntimeCommandsTable {
  organization_id: string;
  namespace: string;
  audit_id: string;
  commit_position: Int8;
  prepare_position: Int8;
  occurred_at: Timestamp;
  /** JSON of the actor summary. */
  actor: string;
  capability: string;
  /** JSON of `{namespace, method, path}`. */
  resource: string;
  auth_outcome: string;
  request_fingerprint: string;
  correlation_id: string;
  runtime_target_id: string | null;
  runtime_namespace: string | null;
  runtime_status: number | null;
  runtime_outcome: string;
  duration_ms: number;
  /** What Cloud answered a refused command; null for forwarded ones. */
  refusal_status: number | null;
  refusal_reason: string | null;
}

const INSERT_CHUNK = 500;

/**
 * One row per command; appended in bulk, since forwarding is the busiest write path. An accepted
 * command's row says `runtime_outcome: "pending"` until its outcome arrives, which fills it in.
 */
/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface RuntimeCommandsTables {
  runtime_commands: RuntimeCommandsTable;
}

export const runtimeCommandsProjector: Projector<RuntimeCommandsTables> = {
  name: 'runtime_commands',
  handles: new Set<string>([...RuntimeCommandEvent.types, ...RuntimeCommandAcceptedEvent.types]),
  tables: ['runtime_commands'],
  createTables: async (db) => {
    await db.schema.createTable('runtime_commands').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('audit_id', 'text', (c) => c.notNull())
      .addColumn('commit_position', 'bigint', (c) => c.notNull())
      .addColumn('prepare_position', 'bigint', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('capability', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('auth_outcome', 'text', (c) => c.notNull())
      .addColumn('request_fingerprint', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text', (c) => c.notNull())
      .addColumn('runtime_target_id', 'text')
      .addColumn('runtime_namespace', 'text')
      .addColumn('runtime_status', 'integer')
      .addColumn('runtime_outcome', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'double precision', (c) => c.notNull())
      .addColumn('refusal_status', 'integer')
      .addColumn('refusal_reason', 'text')
      .addPrimaryKeyConstraint('runtime_commands_pk', ['organization_id', 'audit_id'])
      .execute();
    await db.schema.createIndex('runtime_commands_namespace').ifNotExists().on('runtime_commands')
      .columns(['organization_id', 'namespace', 'commit_position', 'prepare_position']).execute();
  },
  applyBatch: async (trx, events) => {
    // Collapsed per command first: an acceptance and its outcome may arrive in one batch.
    const byCommand = new Map<string, Insertable<RuntimeCommandsTable> & { outcome: boolean }>();
    for (const recorded of events) {
      const event = decodeEvent<RuntimeCommandEvent | RuntimeCommandAccepted>(recorded);
      const key = `${event.data.organization_id}\u0000${event.data.audit_id}`;
      if (event.type === 'RuntimeCommandAccepted') {
        const d = event.data;
        byCommand.set(key, {
          organization_id: d.organization_id, namespace: d.namespace, audit_id: d.audit_id,
          commit_position: recorded.position.commit.toString(), prepare_position: recorded.position.prepare.toString(),
          occurred_at: d.accepted_at, actor: JSON.stringify(d.actor), capability: d.capability, resource: JSON.stringify(d.resource),
          auth_outcome: 'allowed', request_fingerprint: d.request_fingerprint, correlation_id: d.correlation_id,
          runtime_target_id: d.runtime_target_id, runtime_namespace: d.runtime_namespace, runtime_status: null,
          runtime_outcome: 'pending', duration_ms: 0, refusal_status: null, refusal_reason: null, outcome: false,
        });
        continue;
      }
      const d = event.data;
      const refusal = event.type === 'RuntimeCommandRefused' ? event.data : null;
      const accepted = byCommand.get(key);
      byCommand.set(key, {
        organization_id: d.organization_id, namespace: d.namespace, audit_id: d.audit_id,
        commit_position: accepted?.commit_position ?? recorded.position.commit.toString(),
        prepare_position: accepted?.prepare_position ?? recorded.position.prepare.toString(),
        occurred_at: d.occurred_at, actor: JSON.stringify(d.actor), capability: d.capability, resource: JSON.stringify(d.resource),
        auth_outcome: d.auth_outcome, request_fingerprint: d.request_fingerprint, correlation_id: d.correlation_id,
        runtime_target_id: d.runtime_target_id, runtime_namespace: d.runtime_namespace, runtime_status: d.runtime_status,
        runtime_outcome: d.runtime_outcome, duration_ms: d.duration_ms,
        refusal_status: refusal?.status ?? null, refusal_reason: refusal?.reason ?? null, outcome: true,
      });
    }
    const rows = [...byCommand.values()];
    const strip = ({ outcome: _, ...row }: Insertable<RuntimeCommandsTable> & { outcome: boolean }) => row;
    const pending = rows.filter((r) => !r.outcome).map(strip);
    const finished = rows.filter((r) => r.outcome).map(strip);
    for (let i = 0; i < pending.length; i += INSERT_CHUNK) {
      await trx.insertInto('runtime_commands').values(pending.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.columns(['organization_id', 'audit_id']).doNothing()).execute();
    }
    for (let i = 0; i < finished.length; i += INSERT_CHUNK) {
      await trx.insertInto('runtime_commands').values(finished.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.columns(['organization_id', 'audit_id']).doUpdateSet((eb) => ({
          occurred_at: eb.ref('excluded.occurred_at'), auth_outcome: eb.ref('excluded.auth_outcome'), runtime_status: eb.ref('excluded.runtime_status'),
          runtime_outcome: eb.ref('excluded.runtime_outcome'), duration_ms: eb.ref('excluded.duration_ms'),
          refusal_status: eb.ref('excluded.refusal_status'), refusal_reason: eb.ref('excluded.refusal_reason'),
        }))).execute();
    }
  },
};
