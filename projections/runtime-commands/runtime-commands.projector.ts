import { RuntimeCommandEvent } from '../../libs/domain/runtime-commands/events';
import { Projector } from '../../libs/read-model/src/projection/projector';

export interface RuntimeCommandsTable {
  organization_id: string;
  namespace: string;
  audit_id: string;
  commit_position: bigint | string;
  prepare_position: bigint | string;
  occurred_at: Date | string;
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

/** One row per command; appended in bulk, since forwarding is the busiest write path. */
export const runtimeCommandsProjector: Projector = {
  name: 'runtime_commands',
  handles: new Set<string>(RuntimeCommandEvent.types),
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
    const rows = events.map((recorded) => {
      const event = { type: recorded.type, data: recorded.data } as RuntimeCommandEvent;
      const d = event.data;
      const refusal = event.type === 'RuntimeCommandRefused' ? event.data : null;
      return {
        organization_id: d.organization_id, namespace: d.namespace, audit_id: d.audit_id,
        commit_position: recorded.position.commit.toString(), prepare_position: recorded.position.prepare.toString(),
        occurred_at: d.occurred_at, actor: JSON.stringify(d.actor), capability: d.capability, resource: JSON.stringify(d.resource),
        auth_outcome: d.auth_outcome, request_fingerprint: d.request_fingerprint, correlation_id: d.correlation_id,
        runtime_target_id: d.runtime_target_id, runtime_namespace: d.runtime_namespace, runtime_status: d.runtime_status,
        runtime_outcome: d.runtime_outcome, duration_ms: d.duration_ms,
        refusal_status: refusal?.status ?? null, refusal_reason: refusal?.reason ?? null,
      };
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx.insertInto('runtime_commands').values(rows.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.columns(['organization_id', 'audit_id']).doNothing()).execute();
    }
  },
};
