import { Projector } from '../../libs/read-model/src/projection/projector';
import { AuditEntry, auditFacts, chainHash, GENESIS_HASH } from './audit-entry';
import { Timestamp } from '../../libs/read-model/src/column-types';

export interface AuditLogTable {
  organization_id: string;
  commit_position: string;
  prepare_position: string;
  event_id: string;
  occurred_at: Timestamp;
  actor_id: string;
  actor_kind: string;
  key_id: string | null;
  action: string;
  resource: string;
  namespace: string | null;
  outcome: string;
  request_id: string;
  previous_hash: string;
  hash: string;
}

export interface AuditChainHeadsTable {
  organization_id: string;
  hash: string;
  entries: string;
}

const INSERT_CHUNK = 1000;

/**
 * One row per organization event, hash-chained per organization. A batch is one multi-row insert plus
 * one upsert of the chain heads it moved, so catching up over a long log stays fast.
 */
/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface AuditLogTables {
  audit_log: AuditLogTable;
  audit_chain_heads: AuditChainHeadsTable;
}

export const auditLogProjector: Projector<AuditLogTables> = {
  name: 'audit_log',
  handles: { has: () => true },
  tables: ['audit_log', 'audit_chain_heads'],
  createTables: async (db) => {
    await db.schema.createTable('audit_log').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('commit_position', 'bigint', (c) => c.notNull())
      .addColumn('prepare_position', 'bigint', (c) => c.notNull())
      .addColumn('event_id', 'uuid', (c) => c.notNull().unique())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('namespace', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('previous_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_pk', ['organization_id', 'commit_position', 'prepare_position'])
      .execute();
    // The auditor's filters (actor, namespace, action, time range) each have an index that serves them in
    // chain order within the organization (test/e2e/audit-indexes.e2e.test.ts shows the plans); the
    // resource index links a forwarded command's acceptance and outcome entries.
    for (const [name, column] of [['actor', 'actor_id'], ['namespace', 'namespace'], ['action', 'action'], ['time', 'occurred_at'], ['resource', 'resource']] as const) {
      await db.schema.createIndex(`audit_log_by_${name}`).ifNotExists().on('audit_log')
        .columns(['organization_id', column, 'commit_position', 'prepare_position']).execute();
    }
    await db.schema.createTable('audit_chain_heads').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('entries', 'bigint', (c) => c.notNull())
      .execute();
  },
  applyBatch: async (trx, events) => {
    const facts = events.map(auditFacts).filter((f): f is NonNullable<typeof f> => f !== null);
    if (facts.length === 0) return;
    const organizations = [...new Set(facts.map((f) => f.organization_id))];
    const heads = new Map<string, { hash: string; entries: bigint }>();
    const stored = await trx.selectFrom('audit_chain_heads').selectAll().where('organization_id', 'in', organizations).execute();
    for (const row of stored) heads.set(row.organization_id, { hash: row.hash, entries: BigInt(row.entries) });
    const rows: AuditEntry[] = facts.map((fact) => {
      const head = heads.get(fact.organization_id) ?? { hash: GENESIS_HASH, entries: 0n };
      const hash = chainHash(head.hash, fact);
      heads.set(fact.organization_id, { hash, entries: head.entries + 1n });
      return { ...fact, previous_hash: head.hash, hash };
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx.insertInto('audit_log').values(rows.slice(i, i + INSERT_CHUNK)).execute();
    }
    await trx.insertInto('audit_chain_heads')
      .values(organizations.map((organization_id) => {
        const head = heads.get(organization_id)!;
        return { organization_id, hash: head.hash, entries: head.entries.toString() };
      }))
      .onConflict((oc) => oc.column('organization_id').doUpdateSet((eb) => ({ hash: eb.ref('excluded.hash'), entries: eb.ref('excluded.entries') })))
      .execute();
  },
};
