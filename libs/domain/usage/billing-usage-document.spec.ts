import { DEFAULT_PRICE_BOOK, Price } from './price-book';
import { billingPeriod, resolveBillingPeriod } from './billing-period';
import { BillingUsageRow, buildBillingUsageDocument } from './billing-usage-document';

/** The example response of "Billing Usage API" on the product page, copied verbatim. */
const PAGE_EXAMPLE = {
  "schema": "durable_workflow.cloud.billing_usage.v1",
  "access_control": {
    "scope": "organization_billing_usage",
    "api": {
      "authentication": "organization_api_key"
    }
  },
  "current_period": {
    "starts_at": "2026-05-01T00:00:00+00:00",
    "ends_at": "2026-05-31T23:59:59+00:00"
  },
  "totals": {
    "workflow_execution_count": 20,
    "activity_execution_count": 80,
    "timer_fire_count": 10,
    "signal_delivery_count": 5,
    "update_delivery_count": 3,
    "query_task_count": 2,
    "storage_byte_hours": 123456,
    "billable_action_count": 120,
    "estimated_cost_cents": 240
  },
  "by_action_type": [
    {
      "action_type": "workflow_start",
      "raw_count": 20,
      "billing_unit": "billable_action",
      "billing_units": 20,
      "estimated_cost_cents": 40
    },
    {
      "action_type": "activity_execution",
      "raw_count": 80,
      "billing_unit": "billable_action",
      "billing_units": 80,
      "estimated_cost_cents": 160
    },
    {
      "action_type": "timer_fire",
      "raw_count": 10,
      "billing_unit": "billable_action",
      "billing_units": 10,
      "estimated_cost_cents": 20
    },
    {
      "action_type": "signal",
      "raw_count": 5,
      "billing_unit": "billable_action",
      "billing_units": 5,
      "estimated_cost_cents": 10
    },
    {
      "action_type": "update",
      "raw_count": 3,
      "billing_unit": "billable_action",
      "billing_units": 3,
      "estimated_cost_cents": 6
    },
    {
      "action_type": "query",
      "raw_count": 2,
      "billing_unit": "billable_action",
      "billing_units": 2,
      "estimated_cost_cents": 4
    }
  ],
  "by_namespace": [
    {
      "namespace": "orders",
      "project": "commerce",
      "environment": "prod",
      "usage": {
        "billable_action_count": 120,
        "estimated_cost_cents": 240
      },
      "action_types": [
        {
          "action_type": "workflow_start",
          "raw_count": 20,
          "billing_units": 20,
          "estimated_cost_cents": 40
        },
        {
          "action_type": "activity_execution",
          "raw_count": 80,
          "billing_units": 80,
          "estimated_cost_cents": 160
        },
        {
          "action_type": "timer_fire",
          "raw_count": 10,
          "billing_units": 10,
          "estimated_cost_cents": 20
        },
        {
          "action_type": "signal",
          "raw_count": 5,
          "billing_units": 5,
          "estimated_cost_cents": 10
        },
        {
          "action_type": "update",
          "raw_count": 3,
          "billing_units": 3,
          "estimated_cost_cents": 6
        },
        {
          "action_type": "query",
          "raw_count": 2,
          "billing_units": 2,
          "estimated_cost_cents": 4
        }
      ]
    }
  ]
};

const ordersRow = (action_type: BillingUsageRow['action_type'], raw_count: number | bigint): BillingUsageRow => ({
  namespace: 'orders',
  project: 'commerce',
  environment: 'prod',
  action_type,
  raw_count,
});

const PAGE_ROWS: readonly BillingUsageRow[] = [
  ordersRow('workflow_start', 20),
  ordersRow('activity_execution', 80),
  ordersRow('timer_fire', 10),
  ordersRow('signal', 5),
  ordersRow('update', 3),
  ordersRow('query', 2),
  ordersRow('storage_byte_hours', 123456),
];

describe('buildBillingUsageDocument', () => {
  it('reproduces the product page example exactly', () => {
    const period = resolveBillingPeriod({ period_start: '2026-05-01', period_end: '2026-05-31' }, new Date('2026-06-03T10:00:00Z'));
    const document = buildBillingUsageDocument({ period, rows: PAGE_ROWS, priceBook: DEFAULT_PRICE_BOOK });

    expect(document).toEqual(PAGE_EXAMPLE);
    // Same fields in the same order as the page when serialized.
    expect(JSON.stringify(document)).toBe(JSON.stringify(PAGE_EXAMPLE));
  });

  it('adds up repeated rows and accepts bigint counts', () => {
    const split = PAGE_ROWS.flatMap((row) => [
      { ...row, raw_count: BigInt(row.raw_count) / 2n },
      { ...row, raw_count: BigInt(row.raw_count) - BigInt(row.raw_count) / 2n },
    ]);
    const document = buildBillingUsageDocument({ period: billingPeriod('2026-05-01', '2026-05-31'), rows: split, priceBook: DEFAULT_PRICE_BOOK });
    expect(document).toEqual(PAGE_EXAMPLE);
  });

  it('lists every action type with zeros, for the organization and for each namespace', () => {
    const document = buildBillingUsageDocument({
      period: billingPeriod('2026-02-01', '2026-02-28'),
      rows: [
        { namespace: 'billing', project: 'finance', environment: 'prod', action_type: 'signal', raw_count: 7 },
        { namespace: 'audit', project: 'finance', environment: 'prod', action_type: 'storage_byte_hours', raw_count: 99 },
      ],
      priceBook: DEFAULT_PRICE_BOOK,
    });

    expect(document.current_period).toEqual({ starts_at: '2026-02-01T00:00:00+00:00', ends_at: '2026-02-28T23:59:59+00:00' });
    expect(document.by_action_type).toEqual([
      { action_type: 'workflow_start', raw_count: 0, billing_unit: 'billable_action', billing_units: 0, estimated_cost_cents: 0 },
      { action_type: 'activity_execution', raw_count: 0, billing_unit: 'billable_action', billing_units: 0, estimated_cost_cents: 0 },
      { action_type: 'timer_fire', raw_count: 0, billing_unit: 'billable_action', billing_units: 0, estimated_cost_cents: 0 },
      { action_type: 'signal', raw_count: 7, billing_unit: 'billable_action', billing_units: 7, estimated_cost_cents: 14 },
      { action_type: 'update', raw_count: 0, billing_unit: 'billable_action', billing_units: 0, estimated_cost_cents: 0 },
      { action_type: 'query', raw_count: 0, billing_unit: 'billable_action', billing_units: 0, estimated_cost_cents: 0 },
    ]);
    // storage_byte_hours is reported only in the totals, and does not create a namespace entry.
    expect(document.totals.storage_byte_hours).toBe(99);
    expect(document.by_namespace.map((namespace) => namespace.namespace)).toEqual(['billing']);
    expect(document.by_namespace[0].action_types.map((row) => [row.action_type, row.raw_count, row.estimated_cost_cents])).toEqual([
      ['workflow_start', 0, 0],
      ['activity_execution', 0, 0],
      ['timer_fire', 0, 0],
      ['signal', 7, 14],
      ['update', 0, 0],
      ['query', 0, 0],
    ]);
  });

  it('returns an empty, zeroed document when there is no usage', () => {
    const document = buildBillingUsageDocument({ period: billingPeriod('2026-05-01', '2026-05-31'), rows: [], priceBook: DEFAULT_PRICE_BOOK });
    expect(document.totals).toEqual({
      workflow_execution_count: 0,
      activity_execution_count: 0,
      timer_fire_count: 0,
      signal_delivery_count: 0,
      update_delivery_count: 0,
      query_task_count: 0,
      storage_byte_hours: 0,
      billable_action_count: 0,
      estimated_cost_cents: 0,
    });
    expect(document.by_action_type).toHaveLength(6);
    expect(document.by_namespace).toEqual([]);
  });

  it('sorts namespaces by name in ordinal order, then by project and environment', () => {
    const row = (namespace: string, project: string, environment: string): BillingUsageRow =>
      ({ namespace, project, environment, action_type: 'query', raw_count: 1 });
    const document = buildBillingUsageDocument({
      period: billingPeriod('2026-05-01', '2026-05-31'),
      rows: [row('orders', 'shop', 'prod'), row('Zeta', 'a', 'b'), row('alpha', 'x', 'y'), row('orders', 'shop', 'dev'), row('orders', 'commerce', 'prod')],
      priceBook: DEFAULT_PRICE_BOOK,
    });
    expect(document.by_namespace.map((n) => `${n.namespace}/${n.project}/${n.environment}`)).toEqual([
      'Zeta/a/b',
      'alpha/x/y',
      'orders/commerce/prod',
      'orders/shop/dev',
      'orders/shop/prod',
    ]);
  });

  it('rounds the exact organization total half up, then allocates it by largest remainder', () => {
    // 0.5 cent per action: 3 namespaces with 1 query each → exact 1.5 cents → 2 cents.
    const halfCent = { billable_action: Price.of(1n, 2n) };
    const rows: BillingUsageRow[] = ['a', 'b', 'c'].map((namespace) => ({ namespace, project: 'p', environment: 'e', action_type: 'query', raw_count: 1 }));
    const document = buildBillingUsageDocument({ period: billingPeriod('2026-05-01', '2026-05-31'), rows, priceBook: halfCent });
    expect(document.totals.estimated_cost_cents).toBe(2);
    // Equal remainders and equal weights: the earlier namespaces (by name) get the extra cents.
    expect(document.by_namespace.map((n) => n.usage.estimated_cost_cents)).toEqual([1, 1, 0]);
    expect(document.by_action_type.find((row) => row.action_type === 'query')?.estimated_cost_cents).toBe(2);

    // 1.4 cents rounds down.
    const fourteenTenths = { billable_action: Price.of(7n, 5n) };
    const one = buildBillingUsageDocument({ period: billingPeriod('2026-05-01', '2026-05-31'), rows: rows.slice(0, 1), priceBook: fourteenTenths });
    expect(one.totals.estimated_cost_cents).toBe(1);
  });

  it('prices per million actions exactly', () => {
    const perMillion = { billable_action: Price.fromDecimalCents('25', 1_000_000n) };
    const rows: BillingUsageRow[] = [
      { namespace: 'big', project: 'p', environment: 'e', action_type: 'activity_execution', raw_count: 3_000_000 },
      { namespace: 'big', project: 'p', environment: 'e', action_type: 'workflow_start', raw_count: 1_000_000 },
      { namespace: 'small', project: 'p', environment: 'e', action_type: 'signal', raw_count: 1_000 },
    ];
    const document = buildBillingUsageDocument({ period: billingPeriod('2026-05-01', '2026-05-31'), rows, priceBook: perMillion });
    // 4_001_000 actions × 25 / 1_000_000 = 100.025 cents → 100.
    expect(document.totals.estimated_cost_cents).toBe(100);
    expect(document.totals.billable_action_count).toBe(4_001_000);
    expect(document.by_namespace.map((n) => n.usage.estimated_cost_cents)).toEqual([100, 0]);
  });

  it('refuses malformed rows and values a JSON number cannot carry', () => {
    const period = billingPeriod('2026-05-01', '2026-05-31');
    const build = (rows: readonly BillingUsageRow[]) => () => buildBillingUsageDocument({ period, rows, priceBook: DEFAULT_PRICE_BOOK });
    expect(build([ordersRow('signal', -1)])).toThrow(RangeError);
    expect(build([ordersRow('signal', 1.5)])).toThrow(RangeError);
    expect(build([{ ...ordersRow('signal', 1), action_type: 'cancel' as never }])).toThrow(TypeError);
    expect(build([ordersRow('signal', BigInt(Number.MAX_SAFE_INTEGER) + 1n)])).toThrow(/safe-integer/);
  });
});
