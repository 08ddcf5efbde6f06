import { sql } from 'kysely';
import { UsageRecordedData } from '../../libs/domain/usage/usage-record';
import { createEventStoreSchema, deterministicEventId, PostgresEventStore, RecordedEvent } from '../../libs/event-store/src';
import { AnyDb, Projector } from '../../libs/read-model/src/projection/projector';
import { ProjectionRunner } from '../../libs/read-model/src/projection/projection-runner';
import { openTestStorage, TestStorage } from '../../test/support/test-storage';
import { rollUp, usageRollupsProjector } from './usage-rollups.projector';

const recorded = (n: number, data: Partial<UsageRecordedData>, type = 'UsageRecorded'): RecordedEvent => ({
  id: deterministicEventId('usage-spec', n), streamId: 'usage-spec', revision: BigInt(n), position: { commit: 1n, prepare: BigInt(n) }, type,
  data: {
    organization_id: 'org_a', namespace: 'orders', project: 'commerce', environment: 'prod', runtime_target_id: 'rt_1', runtime_namespace: 'orders',
    record_id: `r-${n}`, action_type: 'signal', quantity: 1, window_start: '2026-05-10T10:00:00.000Z', window_end: '2026-05-10T11:00:00.000Z', ...data,
  },
  metadata: { organization_id: 'org_a', actor: { id: 'rt_1', kind: 'runtime_target' }, cause: 'spec', correlation_id: 'spec', occurred_at: '2026-05-10T11:00:00.000Z', schema_version: 1 },
});

const rows = async (db: AnyDb) => (await sql<Record<string, unknown>>`
  select organization_id, day::text as day, namespace, project, environment, action_type, quantity::text as quantity
  from usage_rollups order by organization_id, day, namespace, project, environment, action_type`.execute(db)).rows;

/** The projector as the runner holds it (in a list of projectors over different tables). */
const asRun: Projector = usageRollupsProjector;

describe('usage rollups: rolling a batch up in memory', () => {
  it('sums quantities per organization × namespace (with project, environment) × action type × day, in key order, ignoring other events', () => {
    expect(rollUp([
      recorded(0, { quantity: 2 }),
      recorded(1, { quantity: 3, window_start: '2026-05-10T23:59:59.999Z' }),
      recorded(2, { quantity: 4, window_start: '2026-05-11T00:00:00.000Z' }),
      recorded(3, { quantity: 5, action_type: 'storage_byte_hours' }),
      recorded(4, { quantity: 6, organization_id: 'org_b' }),
      recorded(5, { quantity: 7, project: 'other' }),
      recorded(6, { quantity: 99 }, 'UsageRecordRejected'),
    ])).toEqual([
      { organization_id: 'org_a', day: '2026-05-10', namespace: 'orders', project: 'commerce', environment: 'prod', action_type: 'signal', quantity: 5n },
      { organization_id: 'org_a', day: '2026-05-11', namespace: 'orders', project: 'commerce', environment: 'prod', action_type: 'signal', quantity: 4n },
      { organization_id: 'org_a', day: '2026-05-10', namespace: 'orders', project: 'commerce', environment: 'prod', action_type: 'storage_byte_hours', quantity: 5n },
      { organization_id: 'org_a', day: '2026-05-10', namespace: 'orders', project: 'other', environment: 'prod', action_type: 'signal', quantity: 7n },
      { organization_id: 'org_b', day: '2026-05-10', namespace: 'orders', project: 'commerce', environment: 'prod', action_type: 'signal', quantity: 6n },
    ]);
  });

  it('keeps sums exact beyond 2^53', () => {
    const big = Number.MAX_SAFE_INTEGER;
    expect(rollUp([recorded(0, { quantity: big }), recorded(1, { quantity: big })])[0].quantity).toBe(2n * BigInt(big));
  });
});

describe('usage rollups projector: given events, then rows', () => {
  let storage: TestStorage;
  beforeAll(async () => { storage = await openTestStorage(); });
  afterAll(() => storage.close());

  it('adds each batch onto the stored rows with one upsert', async () => {
    const db = storage.db;
    await usageRollupsProjector.createTables(db);
    await db.transaction().execute((trx) => asRun.applyBatch(trx, [recorded(0, { quantity: 2 }), recorded(1, { quantity: 3, action_type: 'query' })]));
    await db.transaction().execute((trx) => asRun.applyBatch(trx, [recorded(2, { quantity: 10 }), recorded(3, { quantity: 1, namespace: 'billing' })]));
    expect(await rows(db)).toEqual([
      { organization_id: 'org_a', day: '2026-05-10', namespace: 'billing', project: 'commerce', environment: 'prod', action_type: 'signal', quantity: '1' },
      { organization_id: 'org_a', day: '2026-05-10', namespace: 'orders', project: 'commerce', environment: 'prod', action_type: 'query', quantity: '3' },
      { organization_id: 'org_a', day: '2026-05-10', namespace: 'orders', project: 'commerce', environment: 'prod', action_type: 'signal', quantity: '12' },
    ]);
    await sql`drop table usage_rollups`.execute(db);
  });

  it('gives the same rows whatever the batch boundaries, live or rebuilt from position 0', async () => {
    const db = storage.db;
    await createEventStoreSchema(db);
    const store = new PostgresEventStore(db, { pollIntervalMs: 10 });
    const days = ['2026-05-01', '2026-05-02', '2026-05-03'];
    let last = await store.headPosition();
    for (let n = 0; n < 120; n++) {
      const event = recorded(n, {
        namespace: ['orders', 'billing', 'search'][n % 3], action_type: ['signal', 'query', 'update', 'storage_byte_hours'][n % 4] as UsageRecordedData['action_type'],
        quantity: n, window_start: `${days[n % 3 === 0 ? 0 : n % 2 ? 1 : 2]}T0${n % 10}:00:00.000Z`,
      });
      const stream = `usage-org_a.${(event.data as UsageRecordedData).namespace}.x`;
      ({ position: last } = await store.append(stream, [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }], 'any'));
    }
    // The last append's own position: headPosition() may still be behind it while another transaction of the server runs.
    const head = last;
    const results: Record<string, unknown>[][] = [];
    for (const [schema, batchSize] of [['small_batches', 7], ['large_batches', 500]] as const) {
      await sql`create schema ${sql.id(schema)}`.execute(db);
      const scoped = db.withSchema(schema);
      const runner = new ProjectionRunner(store, scoped, [usageRollupsProjector], { batchSize });
      await runner.migrate();
      runner.start();
      expect(await runner.waitFor(head, 20_000)).toBe(true);
      await runner.stop();
      results.push((await sql<Record<string, unknown>>`
        select organization_id, day::text as day, namespace, project, environment, action_type, quantity::text as quantity
        from ${sql.table(`${schema}.usage_rollups`)} order by 2, 3, 6`.execute(db)).rows);
    }
    expect(results[0]).toEqual(results[1]);
    const total = results[0].reduce((sum, row) => sum + Number(row.quantity), 0);
    expect(total).toBe((119 * 120) / 2);
    expect(results[0].length).toBeGreaterThan(10);
  });
});
