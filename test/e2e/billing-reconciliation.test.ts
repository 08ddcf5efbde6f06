import fc from 'fast-check';
import { sql } from 'kysely';
import { USAGE_ACTION_TYPES } from '../../libs/domain/usage';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { caughtUp, csvColumnSums, UsageRecordInput } from '../support/billing-fixtures';
import { TestClock } from '../support/clock';
import { createNamespace, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

const NAMESPACES = ['orders', 'billing', 'search'] as const;
const MAY = '?period_start=2026-05-01&period_end=2026-05-31';

const usage = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  action_type: fc.constantFrom(...USAGE_ACTION_TYPES),
  quantity: fc.integer({ min: 0, max: 1_000_000 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
});

const priceBook = fc.record({
  cents: fc.integer({ min: 0, max: 500 }),
  per_units: fc.constantFrom(1, 3, 7, 1000, 1_000_000),
});

/** The CSV export as rows keyed by its header. */
function csvRows(csv: string): Record<string, string>[] {
  const [header, ...rows] = csv.split('\r\n').filter((line) => line.length > 0).map((line) => line.split(','));
  return rows.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i]])));
}

/**
 * Random usage split into random batches, pushed by a real runtime target through
 * `POST /api/v1/usage-records` with its dwi_ ingest token, under a random price book: the CSV equals
 * the JSON row by row (namespace × action type), every row's count equals the usage sent for it and its
 * cents the exact share within rounding (so no cent moves between namespaces), every figure sums up,
 * and re-sending changes nothing.
 */
describe('billing reconciliation (property)', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  const clock = new TestClock(Date.parse('2026-04-30T00:00:00Z'));
  beforeAll(async () => {
    app = await startTestApp({ clock: clock.now, probeIntervalMs: 0 });
    [sim] = await startSimulators(1, 'recon');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  let run = 0;
  const eventCount = async () => Number((await sql<{ n: bigint }>`select count(*) as n from es_events where type like 'Usage%'`.execute(app.storage.db)).rows[0].n);

  it('CSV sums equal the JSON totals, namespaces and action types sum to the totals, and re-sent batches change nothing', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(usage, { minLength: 0, maxLength: 40 }), fc.integer({ min: 1, max: 4 }), priceBook, fc.nat(),
      async (entries, batchCount, price, resendSeed) => {
        run += 1;
        const org = await createOrganization(app, `recon-${run}`);
        // The namespaces are placed on the target before May; the usage arrives in July.
        clock.set('2026-04-30T00:00:00Z');
        const target = await registerTarget(org.api, sim);
        const runtimeNamespaces: Record<string, string> = {};
        for (const namespace of NAMESPACES) runtimeNamespaces[namespace] = (await createNamespace(org.api, namespace, target.id)).runtime_namespace;
        clock.set('2026-07-01T00:00:00Z');
        const ingestApi = client(app.baseUrl, target.ingest_token);
        const push = async (batch: UsageRecordInput[]) => {
          const response = await ingestApi.post('/api/v1/usage-records', { records: batch });
          expect(response.status).toBe(200);
          await caughtUp(app);
          return response.body.results as { record_id: string; status: string }[];
        };
        const set = await client(app.baseUrl, app.operatorToken)
          .put(`/api/v1/operator/organizations/${org.organization.id}/price-book`, { billable_action: { cents: String(price.cents), per_units: price.per_units } });
        expect(set.status).toBe(200);

        const records: UsageRecordInput[] = entries.map((e, i) => {
          const start = `2026-05-${String(e.day).padStart(2, '0')}T${String(e.hour).padStart(2, '0')}:00:00Z`;
          return { record_id: `rec-${i}`, namespace: runtimeNamespaces[e.namespace], action_type: e.action_type, quantity: e.quantity,
            window_start: start, window_end: start.replace(':00:00Z', ':30:00Z') };
        });
        const batches = Array.from({ length: batchCount }, (_, b) => records.filter((_, i) => i % batchCount === b));
        const outcomes = [];
        for (const batch of batches) outcomes.push(await push(batch));
        expect(outcomes.flat().every((r) => r.status === 'accepted')).toBe(true);

        const document = (await org.api.get(`/api/v1/billing/usage${MAY}`)).body;
        const csv = (await org.api.get(`/api/v1/billing/usage/export${MAY}`)).body as string;
        const report = (await org.api.get(`/api/v1/billing/usage/report${MAY}`)).body;
        const { totals } = document;
        const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

        expect(report).toEqual(document);
        expect(csvColumnSums(csv)).toEqual({
          raw_count: totals.billable_action_count, billing_units: totals.billable_action_count, estimated_cost_cents: totals.estimated_cost_cents,
        });
        expect(sum(document.by_action_type.map((r: { estimated_cost_cents: number }) => r.estimated_cost_cents))).toBe(totals.estimated_cost_cents);
        expect(sum(document.by_namespace.map((n: { usage: { estimated_cost_cents: number } }) => n.usage.estimated_cost_cents))).toBe(totals.estimated_cost_cents);
        const quantityOf = (type: string) => sum(entries.filter((e) => e.action_type === type).map((e) => e.quantity));
        expect(totals.storage_byte_hours).toBe(quantityOf('storage_byte_hours'));
        expect(totals.billable_action_count).toBe(sum(entries.filter((e) => e.action_type !== 'storage_byte_hours').map((e) => e.quantity)));
        // The exact total rounded half up once: units × cents / per_units.
        const exact = BigInt(totals.billable_action_count) * BigInt(price.cents);
        expect(BigInt(totals.estimated_cost_cents)).toBe((2n * exact + BigInt(price.per_units)) / (2n * BigInt(price.per_units)));
        expect(document.by_namespace.map((n: { namespace: string }) => n.namespace))
          .toEqual([...new Set(entries.map((e) => e.namespace))].sort());

        // Row by row: the CSV is the JSON's namespace × action type rows, each row's count is what was sent for
        // it, and each row's cents are its exact share rounded (so no cent moved to another namespace or action).
        const jsonRows = document.by_namespace.flatMap((n: { namespace: string; project: string; environment: string;
          action_types: { action_type: string; raw_count: number; billing_units: number; estimated_cost_cents: number }[] }) =>
          n.action_types.map((row) => ({ project: n.project, environment: n.environment, namespace: n.namespace, action_type: row.action_type,
            raw_count: String(row.raw_count), billing_units: String(row.billing_units), estimated_cost_cents: String(row.estimated_cost_cents) })));
        const exported = csvRows(csv).map(({ project, environment, namespace, action_type, raw_count, billing_units, estimated_cost_cents }) =>
          ({ project, environment, namespace, action_type, raw_count, billing_units, estimated_cost_cents }));
        expect(exported).toEqual(jsonRows);
        for (const row of jsonRows) {
          const sent = sum(entries.filter((e) => e.namespace === row.namespace && e.action_type === row.action_type).map((e) => e.quantity));
          expect({ row: `${row.namespace}/${row.action_type}`, raw_count: Number(row.raw_count) }).toEqual({ row: `${row.namespace}/${row.action_type}`, raw_count: sent });
          const exactCents = (sent * price.cents) / price.per_units;
          expect(Math.abs(Number(row.estimated_cost_cents) - exactCents)).toBeLessThan(1);
        }
        for (const namespace of document.by_namespace as { namespace: string; usage: { billable_action_count: number; estimated_cost_cents: number } }[]) {
          const rows = jsonRows.filter((row: { namespace: string }) => row.namespace === namespace.namespace);
          expect(namespace.usage.estimated_cost_cents).toBe(sum(rows.map((row: { estimated_cost_cents: string }) => Number(row.estimated_cost_cents))));
          expect(namespace.usage.billable_action_count).toBe(sum(entries.filter((e) => e.namespace === namespace.namespace && e.action_type !== 'storage_byte_hours').map((e) => e.quantity)));
        }

        if (batches.length > 0 && records.length > 0) {
          const before = await eventCount();
          const b = resendSeed % batches.length;
          // A re-sent record is answered as it was the first time (idempotent by record_id) and appends nothing.
          expect(await push(batches[b])).toEqual(outcomes[b]);
          expect(await eventCount()).toBe(before);
          expect((await org.api.get(`/api/v1/billing/usage${MAY}`)).body).toEqual(document);
        }
      },
    // Each run builds an organization through HTTP: shrinking would outlast the test timeout, so report the first failure.
    ), { numRuns: 12, endOnFailure: true });
  }, 240_000); // a property over many ingested batches: minutes on a loaded 2-core machine
});
