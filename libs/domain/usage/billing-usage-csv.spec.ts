import { billingPeriod } from './billing-period';
import { billingFileName, billingUsageCsv } from './billing-usage-csv';
import { BillingUsageRow, buildBillingUsageDocument } from './billing-usage-document';
import { DEFAULT_PRICE_BOOK } from './price-book';

const period = billingPeriod('2026-05-01', '2026-05-31');
const row = (namespace: string, action_type: BillingUsageRow['action_type'], raw_count: number, project = 'commerce'): BillingUsageRow =>
  ({ namespace, project, environment: 'prod', action_type, raw_count });

describe('billingUsageCsv', () => {
  it('writes the product page example as one row per namespace × action type', () => {
    const document = buildBillingUsageDocument({
      period,
      rows: [
        row('orders', 'workflow_start', 20),
        row('orders', 'activity_execution', 80),
        row('orders', 'timer_fire', 10),
        row('orders', 'signal', 5),
        row('orders', 'update', 3),
        row('orders', 'query', 2),
        row('orders', 'storage_byte_hours', 123456),
      ],
      priceBook: DEFAULT_PRICE_BOOK,
    });
    expect(billingUsageCsv(document)).toBe(
      [
        'period_start,period_end,project,environment,namespace,action_type,raw_count,billing_unit,billing_units,estimated_cost_cents',
        '2026-05-01,2026-05-31,commerce,prod,orders,workflow_start,20,billable_action,20,40',
        '2026-05-01,2026-05-31,commerce,prod,orders,activity_execution,80,billable_action,80,160',
        '2026-05-01,2026-05-31,commerce,prod,orders,timer_fire,10,billable_action,10,20',
        '2026-05-01,2026-05-31,commerce,prod,orders,signal,5,billable_action,5,10',
        '2026-05-01,2026-05-31,commerce,prod,orders,update,3,billable_action,3,6',
        '2026-05-01,2026-05-31,commerce,prod,orders,query,2,billable_action,2,4',
        '',
      ].join('\r\n'),
    );
  });

  it('writes only the header when there is no usage', () => {
    const document = buildBillingUsageDocument({ period, rows: [], priceBook: DEFAULT_PRICE_BOOK });
    expect(billingUsageCsv(document)).toBe(
      'period_start,period_end,project,environment,namespace,action_type,raw_count,billing_unit,billing_units,estimated_cost_cents\r\n',
    );
  });

  it('quotes separators and neutralizes spreadsheet formulas in text fields', () => {
    const document = buildBillingUsageDocument({
      period,
      rows: [row('=HYPERLINK("x")', 'signal', 1, 'a,b')],
      priceBook: DEFAULT_PRICE_BOOK,
    });
    const lines = billingUsageCsv(document).split('\r\n');
    expect(lines[4]).toBe(`2026-05-01,2026-05-31,"a,b",prod,"'=HYPERLINK(""x"")",signal,1,billable_action,1,2`);
  });
});

describe('billingFileName', () => {
  it('names exports and reports after the period', () => {
    expect(billingFileName('csv', period)).toBe('billing-usage-2026-05-01-to-2026-05-31.csv');
    expect(billingFileName('json', billingPeriod('2026-02-01', '2026-02-28'))).toBe('billing-usage-2026-02-01-to-2026-02-28.json');
  });
});
