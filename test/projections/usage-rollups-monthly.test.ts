import fc from 'fast-check';
import { sql } from 'kysely';
import { BillingUsageQueries, wholeMonthsOf } from '../../apps/control-plane/src/billing/billing-usage.queries';
import { Platform } from '../../apps/control-plane/src/platform/platform';
import { UsageRecordedData } from '../../libs/domain/usage/usage-record';
import { RecordedEvent } from '../../libs/event-store/src/event-store';
import { AnyDb, Projector } from '../../libs/read-model/src/projection/projector';
import { usageRollupsMonthlyProjector, usageRollupsProjector } from '../../projections/usage-rollups/usage-rollups.projector';
import { openTestStorage, TestStorage } from '../support/test-storage';

const projectors: readonly Projector[] = [usageRollupsProjector, usageRollupsMonthlyProjector];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.parse('2025-12-20T00:00:00Z');
const dayAt = (offset: number) => new Date(FIRST_DAY + offset * DAY_MS).toISOString().slice(0, 10);

const recorded = (n: number, namespace: string, actionType: string, day: string, quantity: number): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, streamId: `usage-org_a.${namespace}.${day}`, revision: 0n,
  position: { commit: BigInt(n), prepare: BigInt(n) }, type: 'UsageRecorded', metadata: {} as RecordedEvent['metadata'],
  data: {
    organization_id: 'org_a', namespace, project: 'web', environment: 'prod', runtime_target_id: 'rt_1', runtime_namespace: namespace,
    record_id: `r${n}`, action_type: actionType, quantity, window_start: `${day}T10:00:00Z`, window_end: `${day}T11:00:00Z`,
  } satisfies Omit<UsageRecordedData, 'action_type'> & { action_type: string },
});

/**
 * The billing query reads whole months from the monthly rollups and the edge days from the daily ones:
 * for any period it must sum exactly what the daily rollups alone sum.
 */
describe('monthly usage rollups', () => {
  let storage: TestStorage;
  let queries: BillingUsageQueries;
  beforeAll(async () => {
    storage = await openTestStorage();
    await usageRollupsProjector.createTables(storage.db);
    await usageRollupsMonthlyProjector.createTables(storage.db);
    queries = new BillingUsageQueries({ storage } as unknown as Platform);
    // About three months of usage over four namespaces and two action types, in three batches.
    const events = Array.from({ length: 600 }, (_, n) =>
      recorded(n, `ns-${n % 4}`, n % 3 === 0 ? 'activity_execution' : 'workflow_start', dayAt((n * 7) % 100), 1 + (n % 5)));
    for (let start = 0; start < events.length; start += 200) {
      const batch = events.slice(start, start + 200);
      await (storage.db as AnyDb).transaction().execute(async (trx) => {
        for (const projector of projectors) await projector.applyBatch(trx, batch);
      });
    }
  });
  afterAll(() => storage.close());

  const dailyOnly = async (start: string, end: string) => (await sql<{ namespace: string; action_type: string; raw_count: bigint }>`
    select namespace, action_type, sum(quantity)::bigint as raw_count from usage_rollups
    where organization_id = 'org_a' and day between ${start}::date and ${end}::date group by namespace, action_type`.execute(storage.db))
    .rows.map((row) => `${row.namespace}/${row.action_type}=${BigInt(row.raw_count)}`).sort();

  it('finds the whole months of a period', () => {
    expect(wholeMonthsOf('2026-01-01', '2026-01-31')).toEqual({ from: '2026-01-01', to: '2026-02-01' });
    expect(wholeMonthsOf('2025-12-20', '2026-03-02')).toEqual({ from: '2026-01-01', to: '2026-03-01' });
    expect(wholeMonthsOf('2026-02-01', '2026-02-28')).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(wholeMonthsOf('2024-02-01', '2024-02-28')).toBeNull();
    expect(wholeMonthsOf('2026-01-02', '2026-01-31')).toBeNull();
    expect(wholeMonthsOf('2026-01-05', '2026-01-05')).toBeNull();
  });

  it('sums every period exactly as the daily rollups alone do', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 110 }), fc.integer({ min: 0, max: 110 }), async (a, b) => {
      const [start, end] = [dayAt(Math.min(a, b)), dayAt(Math.max(a, b))];
      const rows = await queries.usageRows('org_a', { start_date: start, end_date: end });
      const billed = rows.filter((row) => row.raw_count > 0n).map((row) => `${row.namespace}/${row.action_type}=${row.raw_count}`).sort();
      expect(billed).toEqual(await dailyOnly(start, end));
    }), { numRuns: 60 });
  });

  it('holds one row per namespace, action type and month', async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from usage_rollups_monthly`.execute(storage.db);
    // 4 namespaces × 2 action types × 4 calendar months touched (Dec, Jan, Feb, Mar).
    expect(rows[0].n).toBe(32);
  });
});
