import { ColumnType, Kysely, sql } from 'kysely';
import { UsageRecordedData } from '../../libs/domain/usage/usage-record';
import { usageDayOf } from '../../libs/domain/usage/usage-streams';
import { RecordedEvent } from '../../libs/event-store/src/event-store';
import { Projector } from '../../libs/read-model/src/projection/projector';

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
const MONTHLY_KEY_COLUMNS = ['organization_id', 'namespace', 'project', 'environment', 'action_type', 'month'] as const;
/** Rows per upsert statement: 7 parameters a row stays far below PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 2_000;

/** The first day of the UTC month of a `YYYY-MM-DD` day: the monthly rollups' bucket. */
export const usageMonthOf = (day: string): string => `${day.slice(0, 7)}-01`;

/**
 * Sums a batch of `UsageRecorded` events into one row per rollup key, in key order (a stable lock order).
 * `bucket` maps the record's UTC day to the row's `day`: the day itself, or (monthly) its month's first day.
 */
export function rollUp(events: readonly RecordedEvent[], bucket: (day: string) => string = (day) => day): UsageRollupRow[] {
  const rows = new Map<string, UsageRollupRow>();
  for (const event of events) {
    if (event.type !== 'UsageRecorded') continue;
    const data = event.data as UsageRecordedData;
    const row = {
      organization_id: data.organization_id, day: bucket(usageDayOf(data.window_start)), namespace: data.namespace,
      project: data.project, environment: data.environment, action_type: data.action_type,
    };
    const key = JSON.stringify(KEY_COLUMNS.map((column) => row[column]));
    const quantity = (rows.get(key)?.quantity ?? 0n) + BigInt(data.quantity);
    rows.set(key, { ...row, quantity });
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** One multi-row upsert per chunk: new keys are inserted, existing ones add the batch's quantity. */
export async function upsertRollups(trx: Kysely<UsageRollupsTables>, rows: readonly UsageRollupRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await trx.insertInto('usage_rollups')
      .values(chunk.map((row) => ({ ...row, quantity: row.quantity.toString() })))
      .onConflict((oc) => oc.columns([...KEY_COLUMNS]).doUpdateSet({ quantity: sql`usage_rollups.quantity + excluded.quantity` }))
      .execute();
  }
}

/** The same upsert into the monthly rollups (`rows` bucketed by `usageMonthOf`). */
export async function upsertMonthlyRollups(trx: Kysely<UsageRollupsMonthlyTables>, rows: readonly UsageRollupRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await trx.insertInto('usage_rollups_monthly')
      .values(chunk.map(({ day, ...row }) => ({ ...row, month: day, quantity: row.quantity.toString() })))
      .onConflict((oc) => oc.columns([...MONTHLY_KEY_COLUMNS]).doUpdateSet({ quantity: sql`usage_rollups_monthly.quantity + excluded.quantity` }))
      .execute();
  }
}

/**
 * A rollup table, daily or monthly (`period` is its bucket column), and the index the billing period query is
 * answered from alone (quantity is its last column, so no table rows are read for periods that autovacuum has
 * marked all-visible).
 */
async function createRollupTable(db: Pick<Kysely<unknown>, 'schema'>, table: string, period: 'day' | 'month',
  key: readonly (typeof KEY_COLUMNS[number] | typeof MONTHLY_KEY_COLUMNS[number])[]): Promise<void> {
  await db.schema.createTable(table).ifNotExists()
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn(period, 'date', (c) => c.notNull())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('action_type', 'text', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull().check(sql`quantity >= 0`))
    .addPrimaryKeyConstraint(`${table}_pk`, [...key])
    .execute();
  await db.schema.createIndex(`${table}_period`).ifNotExists().on(table)
    .columns(['organization_id', period, 'namespace', 'project', 'environment', 'action_type', 'quantity'])
    .execute();
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface UsageRollupsTables {
  usage_rollups: UsageRollupsTable;
}

export const usageRollupsProjector: Projector<UsageRollupsTables> = {
  name: 'usage_rollups',
  handles: new Set<string>(['UsageRecorded']),
  tables: ['usage_rollups'],
  createTables: (db) => createRollupTable(db, 'usage_rollups', 'day', KEY_COLUMNS),
  applyBatch: async (trx, events) => upsertRollups(trx, rollUp(events)),
};

/** The same sums per UTC month (`month` is the month's first day): a month of billing reads one row per namespace and action type. */
export interface UsageRollupsMonthlyTable {
  organization_id: string;
  month: ColumnType<Date | string, string, never>;
  namespace: string;
  project: string;
  environment: string;
  action_type: string;
  quantity: ColumnType<bigint, string, string>;
}

export interface UsageRollupsMonthlyTables {
  usage_rollups_monthly: UsageRollupsMonthlyTable;
}

/**
 * Monthly rollups beside the daily ones, a projector of its own: added to a running deployment it starts
 * from the beginning of the log like any new read model, and replicas that do not know it never write it.
 * The billing query reads whole months here and only the days of a partial month from the daily rollups.
 */
export const usageRollupsMonthlyProjector: Projector<UsageRollupsMonthlyTables> = {
  name: 'usage_rollups_monthly',
  handles: new Set<string>(['UsageRecorded']),
  tables: ['usage_rollups_monthly'],
  createTables: (db) => createRollupTable(db, 'usage_rollups_monthly', 'month', MONTHLY_KEY_COLUMNS),
  applyBatch: async (trx, events) => upsertMonthlyRollups(trx, rollUp(events, usageMonthOf)),
};
