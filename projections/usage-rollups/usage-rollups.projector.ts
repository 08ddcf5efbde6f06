import { ColumnType, sql } from 'kysely';
import { UsageRecordedData } from '../../libs/domain/usage/usage-record';
import { usageDayOf } from '../../libs/domain/usage/usage-streams';
import { RecordedEvent } from '../../libs/event-store/src/event-store';
import { AnyDb, Projector } from '../../libs/read-model/src/projection/projector';

/**
 * Metered usage per organization × namespace (with its project and environment) × action type × UTC day
 * of the record's `window_start`. `storage_byte_hours` is an action type like the others here.
 */
export interface UsageRollupsTable {
  organization_id: string;
  day: ColumnType<Date | string, string, never>;
  namespace: string;
  project: string;
  environment: string;
  action_type: string;
  quantity: ColumnType<bigint, string, string>;
}

export interface UsageRollupRow {
  readonly organization_id: string;
  readonly day: string;
  readonly namespace: string;
  readonly project: string;
  readonly environment: string;
  readonly action_type: string;
  readonly quantity: bigint;
}

/** A rollup's identity: one row per organization, namespace (with project and environment), action type and day. */
const KEY_COLUMNS = ['organization_id', 'namespace', 'project', 'environment', 'action_type', 'day'] as const;
/** Rows per upsert statement: 7 parameters a row stays far below PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 2_000;

/** Sums a batch of `UsageRecorded` events into one row per rollup key, in key order (a stable lock order). */
export function rollUp(events: readonly RecordedEvent[]): UsageRollupRow[] {
  const rows = new Map<string, UsageRollupRow>();
  for (const event of events) {
    if (event.type !== 'UsageRecorded') continue;
    const data = event.data as UsageRecordedData;
    const row = {
      organization_id: data.organization_id, day: usageDayOf(data.window_start), namespace: data.namespace,
      project: data.project, environment: data.environment, action_type: data.action_type,
    };
    const key = JSON.stringify(KEY_COLUMNS.map((column) => row[column]));
    const quantity = (rows.get(key)?.quantity ?? 0n) + BigInt(data.quantity);
    rows.set(key, { ...row, quantity });
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** One multi-row upsert per chunk: new keys are inserted, existing ones add the batch's quantity. */
export async function upsertRollups(trx: AnyDb, rows: readonly UsageRollupRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await trx.insertInto('usage_rollups')
      .values(chunk.map((row) => ({ ...row, quantity: row.quantity.toString() })))
      .onConflict((oc) => oc.columns([...KEY_COLUMNS]).doUpdateSet({ quantity: sql`usage_rollups.quantity + excluded.quantity` }))
      .execute();
  }
}

export const usageRollupsProjector: Projector = {
  name: 'usage_rollups',
  handles: new Set<string>(['UsageRecorded']),
  tables: ['usage_rollups'],
  createTables: async (db) => {
    await db.schema.createTable('usage_rollups').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('day', 'date', (c) => c.notNull())
      .addColumn('namespace', 'text', (c) => c.notNull())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('action_type', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull().check(sql`quantity >= 0`))
      .addPrimaryKeyConstraint('usage_rollups_pk', [...KEY_COLUMNS])
      .execute();
    // The billing period query: one organization's days in a range, answered from the index alone (quantity is its
    // last column, so no table rows are read for days that autovacuum has marked all-visible).
    await db.schema.createIndex('usage_rollups_period').ifNotExists().on('usage_rollups')
      .columns(['organization_id', 'day', 'namespace', 'project', 'environment', 'action_type', 'quantity'])
      .execute();
  },
  applyBatch: async (trx, events) => upsertRollups(trx, rollUp(events)),
};
