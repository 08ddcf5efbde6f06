import fc from 'fast-check';
import { sql } from 'kysely';
import { USAGE_ACTION_TYPES } from '../../libs/domain/usage';
import { createNamespaces, csvColumnSums, ingest, tenancyPlacement, UsageRecordInput } from '../support/billing-fixtures';
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

/** Random usage split into random batches, under a random price book: every figure reconciles, and re-sending changes nothing. */
describe('billing reconciliation (property)', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  let run = 0;
  const eventCount = async () => Number((await sql<{ n: bigint }>`select count(*) as n from es_events where type like 'Usage%'`.execute(app.storage.db)).rows[0].n);

  it('CSV sums equal the JSON totals, namespaces and action types sum to the totals, and re-sent batches change nothing', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(usage, { minLength: 0, maxLength: 40 }), fc.integer({ min: 1, max: 4 }), priceBook, fc.nat(),
      async (entries, batchCount, price, resendSeed) => {
        run += 1;
        const org = await createOrganization(app, `recon-${run}`);
        await createNamespaces(org.api, 'commerce', 'prod', NAMESPACES);
        const set = await client(app.baseUrl, app.operatorToken)
          .put(`/api/v1/operator/organizations/${org.organization.id}/price-book`, { billable_action: { cents: String(price.cents), per_units: price.per_units } });
        expect(set.status).toBe(200);

        const target = `rt_recon_${run}`;
        const placement = tenancyPlacement(app, { [target]: org.organization.id });
        const records: UsageRecordInput[] = entries.map((e, i) => {
          const start = `2026-05-${String(e.day).padStart(2, '0')}T${String(e.hour).padStart(2, '0')}:00:00Z`;
          return { record_id: `rec-${i}`, namespace: e.namespace, action_type: e.action_type, quantity: e.quantity, window_start: start, window_end: start.replace(':00:00Z', ':30:00Z') };
        });
        const batches = Array.from({ length: batchCount }, (_, b) => records.filter((_, i) => i % batchCount === b));
        const outcomes = [];
        for (const batch of batches) outcomes.push(await ingest(app, target, batch, placement));
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

        if (batches.length > 0 && records.length > 0) {
          const before = await eventCount();
          const b = resendSeed % batches.length;
          expect(await ingest(app, target, batches[b], placement)).toEqual(outcomes[b]);
          expect(await eventCount()).toBe(before);
          expect((await org.api.get(`/api/v1/billing/usage${MAY}`)).body).toEqual(document);
        }
      },
    // Each run builds an organization through HTTP: shrinking would outlast the test timeout, so report the first failure.
    ), { numRuns: 12, endOnFailure: true });
  });
});
