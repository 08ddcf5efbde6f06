import { addUserWithKey, createNamespaces, csvColumnSums, ingest, tenancyPlacement, usageRecord } from '../support/billing-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/** The product page's example response, verbatim (namespace orders / project commerce / environment prod). */
const PRODUCT_PAGE_DOCUMENT = {
  schema: 'durable_workflow.cloud.billing_usage.v1',
  access_control: { scope: 'organization_billing_usage', api: { authentication: 'organization_api_key' } },
  current_period: { starts_at: '2026-05-01T00:00:00+00:00', ends_at: '2026-05-31T23:59:59+00:00' },
  totals: {
    workflow_execution_count: 20, activity_execution_count: 80, timer_fire_count: 10, signal_delivery_count: 5,
    update_delivery_count: 3, query_task_count: 2, storage_byte_hours: 123456, billable_action_count: 120, estimated_cost_cents: 240,
  },
  by_action_type: [
    { action_type: 'workflow_start', raw_count: 20, billing_unit: 'billable_action', billing_units: 20, estimated_cost_cents: 40 },
    { action_type: 'activity_execution', raw_count: 80, billing_unit: 'billable_action', billing_units: 80, estimated_cost_cents: 160 },
    { action_type: 'timer_fire', raw_count: 10, billing_unit: 'billable_action', billing_units: 10, estimated_cost_cents: 20 },
    { action_type: 'signal', raw_count: 5, billing_unit: 'billable_action', billing_units: 5, estimated_cost_cents: 10 },
    { action_type: 'update', raw_count: 3, billing_unit: 'billable_action', billing_units: 3, estimated_cost_cents: 6 },
    { action_type: 'query', raw_count: 2, billing_unit: 'billable_action', billing_units: 2, estimated_cost_cents: 4 },
  ],
  by_namespace: [
    {
      namespace: 'orders',
      project: 'commerce',
      environment: 'prod',
      usage: { billable_action_count: 120, estimated_cost_cents: 240 },
      action_types: [
        { action_type: 'workflow_start', raw_count: 20, billing_units: 20, estimated_cost_cents: 40 },
        { action_type: 'activity_execution', raw_count: 80, billing_units: 80, estimated_cost_cents: 160 },
        { action_type: 'timer_fire', raw_count: 10, billing_units: 10, estimated_cost_cents: 20 },
        { action_type: 'signal', raw_count: 5, billing_units: 5, estimated_cost_cents: 10 },
        { action_type: 'update', raw_count: 3, billing_units: 3, estimated_cost_cents: 6 },
        { action_type: 'query', raw_count: 2, billing_units: 2, estimated_cost_cents: 4 },
      ],
    },
  ],
};

const MAY = '?period_start=2026-05-01&period_end=2026-05-31';

/** The page's counts, spread over several records, days and windows of May 2026 (and one record in June). */
const pageUsage = (prefix: string) => [
  usageRecord(`${prefix}-ws-1`, 'orders', 'workflow_start', 12, '2026-05-01T00:00:00Z'),
  usageRecord(`${prefix}-ws-2`, 'orders', 'workflow_start', 8, '2026-05-31T23:00:00Z'),
  usageRecord(`${prefix}-act-1`, 'orders', 'activity_execution', 50, '2026-05-02T10:00:00Z'),
  usageRecord(`${prefix}-act-2`, 'orders', 'activity_execution', 30, '2026-05-20T10:00:00Z'),
  usageRecord(`${prefix}-timer`, 'orders', 'timer_fire', 10),
  usageRecord(`${prefix}-signal`, 'orders', 'signal', 5),
  usageRecord(`${prefix}-update`, 'orders', 'update', 3),
  usageRecord(`${prefix}-query`, 'orders', 'query', 2),
  usageRecord(`${prefix}-storage-1`, 'orders', 'storage_byte_hours', 100_000, '2026-05-03T00:00:00Z'),
  usageRecord(`${prefix}-storage-2`, 'orders', 'storage_byte_hours', 23_456, '2026-05-04T00:00:00Z'),
  // Outside the period: 1 June (UTC) and 30 April belong to other months.
  usageRecord(`${prefix}-june`, 'orders', 'workflow_start', 7, '2026-06-01T00:00:00Z'),
  usageRecord(`${prefix}-april`, 'orders', 'workflow_start', 9, '2026-04-30T23:00:00Z'),
];

describe('billing usage through HTTP', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  async function organizationWithPageUsage(name: string) {
    const org = await createOrganization(app, name);
    await createNamespaces(org.api, 'commerce', 'prod', ['orders']);
    const target = `rt_${name}`;
    const results = await ingest(app, target, pageUsage(name), tenancyPlacement(app, { [target]: org.organization.id }));
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    return org;
  }

  it('serves the product page example exactly', async () => {
    const { api } = await organizationWithPageUsage('page');
    const response = await api.get(`/api/v1/billing/usage${MAY}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual(PRODUCT_PAGE_DOCUMENT);
  });

  it('exports the same evidence as CSV and as a JSON report file', async () => {
    const { api } = await organizationWithPageUsage('files');
    const csv = await api.get(`/api/v1/billing/usage/export${MAY}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="billing-usage-2026-05-01-to-2026-05-31.csv"');
    const lines = (csv.body as string).split('\r\n');
    expect(lines[0]).toBe('period_start,period_end,project,environment,namespace,action_type,raw_count,billing_unit,billing_units,estimated_cost_cents');
    expect(lines[1]).toBe('2026-05-01,2026-05-31,commerce,prod,orders,workflow_start,20,billable_action,20,40');
    expect(csvColumnSums(csv.body)).toEqual({ raw_count: 120, billing_units: 120, estimated_cost_cents: 240 });

    const report = await api.get(`/api/v1/billing/usage/report${MAY}`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^application\/json/);
    expect(report.headers.get('content-disposition')).toBe('attachment; filename="billing-usage-2026-05-01-to-2026-05-31.json"');
    expect(report.body).toEqual(PRODUCT_PAGE_DOCUMENT);
  });

  it('defaults to the current UTC calendar month', async () => {
    const { api } = await createOrganization(app, 'default-period');
    const now = new Date();
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    const response = await api.get('/api/v1/billing/usage');
    expect(response.status).toBe(200);
    expect(response.body.current_period).toEqual({ starts_at: `${first}T00:00:00+00:00`, ends_at: `${last}T23:59:59+00:00` });
    expect(response.body.by_namespace).toEqual([]);
    expect(response.body.by_action_type.map((row: { raw_count: number }) => row.raw_count)).toEqual([0, 0, 0, 0, 0, 0]);
    const csv = await api.get('/api/v1/billing/usage/export');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="billing-usage-${first}-to-${last}.csv"`);
  });

  it('lists every namespace with usage in the period, zero action types included, storage-only ones too', async () => {
    const org = await createOrganization(app, 'listing');
    await createNamespaces(org.api, 'commerce', 'prod', ['orders', 'archive', 'idle']);
    await createNamespaces(org.api, 'search', 'staging', ['index']);
    const target = 'rt_listing';
    await ingest(app, target, [
      usageRecord('l-1', 'orders', 'signal', 4),
      usageRecord('l-2', 'index', 'query', 1, '2026-05-31T23:30:00Z'),
      usageRecord('l-3', 'archive', 'storage_byte_hours', 5000),
    ], tenancyPlacement(app, { [target]: org.organization.id }));
    const document = (await org.api.get(`/api/v1/billing/usage${MAY}`)).body;
    expect(document.by_namespace.map((n: { namespace: string; project: string; environment: string }) => [n.namespace, n.project, n.environment]))
      .toEqual([['archive', 'commerce', 'prod'], ['index', 'search', 'staging'], ['orders', 'commerce', 'prod']]);
    expect(document.by_namespace[0].usage).toEqual({ billable_action_count: 0, estimated_cost_cents: 0 });
    expect(document.by_namespace[0].action_types).toHaveLength(6);
    expect(document.by_namespace[2].action_types.map((row: { raw_count: number }) => row.raw_count)).toEqual([0, 0, 0, 4, 0, 0]);
    expect(document.totals).toMatchObject({ storage_byte_hours: 5000, billable_action_count: 5, estimated_cost_cents: 10 });
  });

  it.each([
    ['organization_id', '?organization_id=org_00000000000000000000000000'],
    ['customer_id', '?customer_id=cus_1'],
    ['org', '?period_start=2026-05-01&org=other'],
  ])('refuses an organization selector (%s) with a 400 naming it, on every billing route', async (field, query) => {
    const { api } = await createOrganization(app, `selector-${field.replace('_', '-')}`);
    for (const path of ['/api/v1/billing/usage', '/api/v1/billing/usage/export', '/api/v1/billing/usage/report']) {
      const response = await api.get(`${path}${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 400, field });
    }
  });

  it.each([
    ['period_start', '?period_start=2026-5-1'],
    ['period_start', '?period_start='],
    ['period_end', '?period_start=2026-05-01&period_end=2026-02-30'],
    ['period_end', '?period_start=2026-05-31&period_end=2026-05-01'],
    ['period_end', '?period_start=2025-01-01&period_end=2026-05-01'],
    ['period_start', '?period_start=2026-05-01&period_start=2026-05-02'],
  ])('refuses a bad period with a 400 naming %s (%s)', async (field, query) => {
    const { api } = await createOrganization(app, `bad-period-${Math.random().toString(36).slice(2, 8)}`);
    const response = await api.get(`/api/v1/billing/usage${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 400, field });
    expect((await api.get(`/api/v1/billing/usage/export${query}`)).status).toBe(400);
  });

  it('shows an organization only its own usage, even for a namespace of the same name', async () => {
    const a = await organizationWithPageUsage('iso-a');
    const b = await createOrganization(app, 'iso-b');
    await createNamespaces(b.api, 'commerce', 'prod', ['orders']);
    const other = await b.api.get(`/api/v1/billing/usage${MAY}`);
    expect(other.status).toBe(200);
    expect(other.body.by_namespace).toEqual([]);
    expect(other.body.totals).toMatchObject({ billable_action_count: 0, estimated_cost_cents: 0, storage_byte_hours: 0 });
    expect((await b.api.get(`/api/v1/billing/usage/export${MAY}`)).body.split('\r\n').filter(Boolean)).toHaveLength(1);
    expect((await a.api.get(`/api/v1/billing/usage${MAY}`)).body).toEqual(PRODUCT_PAGE_DOCUMENT);
  });

  it('lets owner, admin and finance read billing, refuses members (403) and anonymous callers (401)', async () => {
    const org = await organizationWithPageUsage('roles');
    const finance = await addUserWithKey(app, org.organization.id, 'finance');
    const admin = await addUserWithKey(app, org.organization.id, 'admin');
    const member = await addUserWithKey(app, org.organization.id, 'member');
    for (const reader of [org.api, admin, finance]) {
      expect((await reader.get(`/api/v1/billing/usage${MAY}`)).body).toEqual(PRODUCT_PAGE_DOCUMENT);
      expect((await reader.get(`/api/v1/billing/usage/export${MAY}`)).status).toBe(200);
    }
    const refused = await member.get(`/api/v1/billing/usage${MAY}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ capability: 'billing.read' });
    expect((await member.get(`/api/v1/billing/usage/report${MAY}`)).status).toBe(403);
    expect((await client(app.baseUrl).get(`/api/v1/billing/usage${MAY}`)).status).toBe(401);
    expect((await client(app.baseUrl, app.operatorToken).get(`/api/v1/billing/usage${MAY}`)).status).toBe(401);
  });

  it('keeps billing reads and exports working while the organization is billing-restricted', async () => {
    const org = await organizationWithPageUsage('restricted');
    const finance = await addUserWithKey(app, org.organization.id, 'finance');
    const operator = client(app.baseUrl, app.operatorToken);
    const restricted = await operator.put(`/api/v1/operator/organizations/${org.organization.id}/billing-restriction`, { restricted: true, reason: 'invoice overdue' });
    expect(restricted.status).toBe(200);
    expect(restricted.body.billing_restriction.restricted).toBe(true);
    // Provisioning is paused…
    expect((await org.api.post('/api/v1/projects/commerce/environments/prod/namespaces', { name: 'more' })).status).toBe(403);
    // …billing is not.
    for (const reader of [org.api, finance]) {
      expect((await reader.get(`/api/v1/billing/usage${MAY}`)).body).toEqual(PRODUCT_PAGE_DOCUMENT);
      const csv = await reader.get(`/api/v1/billing/usage/export${MAY}`);
      expect(csv.status).toBe(200);
      expect(csvColumnSums(csv.body).estimated_cost_cents).toBe(240);
      expect((await reader.get(`/api/v1/billing/usage/report${MAY}`)).status).toBe(200);
    }
  });

  it('prices with the organization price book the operator sets', async () => {
    const org = await organizationWithPageUsage('priced');
    const operator = client(app.baseUrl, app.operatorToken);
    const set = await operator.put(`/api/v1/operator/organizations/${org.organization.id}/price-book`, { billable_action: { cents: '25', per_units: '1000' } });
    expect(set.status).toBe(200);
    const document = (await org.api.get(`/api/v1/billing/usage${MAY}`)).body;
    // 120 actions × 0.025 ¢ = 3 ¢, apportioned 80:20:10:5:3:2.
    expect(document.totals.estimated_cost_cents).toBe(3);
    expect(document.by_action_type.map((row: { estimated_cost_cents: number }) => row.estimated_cost_cents)).toEqual([1, 2, 0, 0, 0, 0]);
    expect(csvColumnSums((await org.api.get(`/api/v1/billing/usage/export${MAY}`)).body).estimated_cost_cents).toBe(3);
  });
});
