import fc from 'fast-check';
import { BILLABLE_ACTION_TYPES, UsageActionType } from './action-types';
import { billingPeriod } from './billing-period';
import { BILLING_USAGE_CSV_COLUMNS, billingUsageCsv } from './billing-usage-csv';
import { BillingUsageRow, BillingUsageV1, buildBillingUsageDocument } from './billing-usage-document';
import { Price, PriceBook } from './price-book';

/** Minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF), enough to read our own export back. */
const parseCsv = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { record.push(field); field = ''; }
    else if (char === '\r' && text[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i++; }
    else field += char;
  }
  if (field !== '' || record.length > 0) { record.push(field); records.push(record); }
  return records;
};

const PERIOD = billingPeriod('2026-05-01', '2026-05-31');

/** Namespace, project and environment names, including characters that need CSV quoting or formula escaping. */
const name = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.constantFrom('=cmd', '+1', '-x', '@sum', 'a,b', 'say "hi"', 'line\r\nbreak'),
);

const price: fc.Arbitrary<Price> = fc.oneof(
  // Whole cents per action (the default is 2).
  fc.integer({ min: 0, max: 50 }).map((cents) => Price.of(cents)),
  // Fractional cents per million actions, e.g. 25¢ or 0.35¢ per million.
  fc.integer({ min: 0, max: 100_000 }).map((hundredths) => Price.of(BigInt(hundredths), 100_000_000n)),
  // Any rational price.
  fc.tuple(fc.bigInt({ min: 0n, max: 10_000n }), fc.bigInt({ min: 1n, max: 1_000_000n })).map(([cents, per]) => Price.of(cents, per)),
);

const rawCount = fc.oneof(
  fc.integer({ min: 0, max: 10 }),
  fc.integer({ min: 0, max: 5_000 }),
  fc.integer({ min: 0, max: 2_000_000_000 }),
);

const usage = fc
  .record({
    namespaces: fc.uniqueArray(fc.tuple(name, name, name), {
      minLength: 1,
      maxLength: 8,
      selector: ([namespace, project, environment]) => JSON.stringify([namespace, project, environment]),
    }),
    picks: fc.array(
      fc.record({ namespace: fc.nat(), action_type: fc.constantFrom(...UsageActionType.all), raw_count: rawCount }),
      { maxLength: 60 },
    ),
    price,
  })
  .map(({ namespaces, picks, price }) => ({
    priceBook: { billable_action: price } satisfies PriceBook,
    rows: picks.map(({ namespace, action_type, raw_count }): BillingUsageRow => {
      const [ns, project, environment] = namespaces[namespace % namespaces.length];
      return { namespace: ns, project, environment, action_type, raw_count };
    }),
  }));

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** |allocated − total × part / whole| < 1, exactly (bigint), or allocated = 0 when whole = 0. */
const withinOneOfShare = (allocated: number, total: bigint, part: bigint, whole: bigint): boolean => {
  if (whole === 0n) return allocated === 0;
  const difference = BigInt(allocated) * whole - total * part;
  return (difference < 0n ? -difference : difference) < whole;
};

const build = (input: { rows: readonly BillingUsageRow[]; priceBook: PriceBook }): BillingUsageV1 =>
  buildBillingUsageDocument({ period: PERIOD, ...input });

const runs = { numRuns: 300 };

describe('billing usage reconciliation (property)', () => {
  it('action rows sum to their namespace, namespaces and action types sum to the totals', () => {
    fc.assert(
      fc.property(usage, (input) => {
        const document = build(input);
        const { totals } = document;
        for (const namespace of document.by_namespace) {
          expect(namespace.action_types.map((row) => row.action_type)).toEqual([...BILLABLE_ACTION_TYPES]);
          expect(sum(namespace.action_types.map((row) => row.estimated_cost_cents))).toBe(namespace.usage.estimated_cost_cents);
          expect(sum(namespace.action_types.map((row) => row.billing_units))).toBe(namespace.usage.billable_action_count);
        }
        expect(sum(document.by_namespace.map((n) => n.usage.estimated_cost_cents))).toBe(totals.estimated_cost_cents);
        expect(sum(document.by_namespace.map((n) => n.usage.billable_action_count))).toBe(totals.billable_action_count);
        expect(document.by_action_type.map((row) => row.action_type)).toEqual([...BILLABLE_ACTION_TYPES]);
        expect(sum(document.by_action_type.map((row) => row.estimated_cost_cents))).toBe(totals.estimated_cost_cents);
        expect(sum(document.by_action_type.map((row) => row.billing_units))).toBe(totals.billable_action_count);
        for (const row of document.by_action_type) {
          const namespaceRows = document.by_namespace.map((n) => n.action_types.find((r) => r.action_type === row.action_type)!);
          expect(sum(namespaceRows.map((r) => r.raw_count))).toBe(row.raw_count);
          expect(sum(namespaceRows.map((r) => r.billing_units))).toBe(row.billing_units);
          expect(totals[UsageActionType.totalsField(row.action_type)]).toBe(row.raw_count);
        }
        const storage = input.rows.filter((row) => row.action_type === 'storage_byte_hours');
        expect(totals.storage_byte_hours).toBe(sum(storage.map((row) => Number(row.raw_count))));
      }),
      runs,
    );
  });

  it('the total is the exact price-book cost rounded half up', () => {
    fc.assert(
      fc.property(usage, (input) => {
        const document = build(input);
        const units = input.rows
          .filter((row) => UsageActionType.isBillable(row.action_type))
          .reduce((total, row) => total + BigInt(row.raw_count), 0n);
        const { cents, per_units } = input.priceBook.billable_action;
        // Nearest cent, halves up:  −½ < total − exact ≤ ½  ⇔  −per_units < 2·total·per_units − 2·units·cents ≤ per_units
        const difference = 2n * BigInt(document.totals.estimated_cost_cents) * per_units - 2n * units * cents;
        expect(difference > -per_units && difference <= per_units).toBe(true);
        expect(BigInt(document.totals.billable_action_count)).toBe(units);
      }),
      runs,
    );
  });

  it('every allocated amount differs from its exact proportional share by less than 1 cent', () => {
    fc.assert(
      fc.property(usage, (input) => {
        const document = build(input);
        const total = BigInt(document.totals.estimated_cost_cents);
        // With a single price per billable action, exact costs are proportional to billing units.
        const orgUnits = BigInt(document.totals.billable_action_count);
        for (const namespace of document.by_namespace) {
          const namespaceUnits = BigInt(namespace.usage.billable_action_count);
          expect(withinOneOfShare(namespace.usage.estimated_cost_cents, total, namespaceUnits, orgUnits)).toBe(true);
          for (const row of namespace.action_types) {
            const share = BigInt(namespace.usage.estimated_cost_cents);
            expect(withinOneOfShare(row.estimated_cost_cents, share, BigInt(row.billing_units), namespaceUnits)).toBe(true);
          }
        }
        for (const row of document.by_action_type) {
          expect(withinOneOfShare(row.estimated_cost_cents, total, BigInt(row.billing_units), orgUnits)).toBe(true);
        }
      }),
      runs,
    );
  });

  it('each namespace amount is within 1.5 cents of its exact price-book cost', () => {
    fc.assert(
      fc.property(usage, (input) => {
        const document = build(input);
        const { cents, per_units } = input.priceBook.billable_action;
        for (const namespace of document.by_namespace) {
          // |allocated − units × cents / per_units| < 3/2  ⇔  |2·allocated·per_units − 2·units·cents| < 3·per_units
          const difference = 2n * BigInt(namespace.usage.estimated_cost_cents) * per_units - 2n * BigInt(namespace.usage.billable_action_count) * cents;
          expect((difference < 0n ? -difference : difference) < 3n * per_units).toBe(true);
        }
      }),
      runs,
    );
  });

  it('does not depend on the order of the input rows', () => {
    fc.assert(
      fc.property(
        usage.chain((input) => fc.shuffledSubarray([...input.rows], { minLength: input.rows.length }).map((shuffled) => ({ input, shuffled }))),
        ({ input, shuffled }) => {
          expect(build({ ...input, rows: shuffled })).toEqual(build(input));
        },
      ),
      runs,
    );
  });

  it('the CSV export has one row per namespace × action type and reconciles with the JSON totals', () => {
    fc.assert(
      fc.property(usage, (input) => {
        const document = build(input);
        const [header, ...records] = parseCsv(billingUsageCsv(document));
        expect(header).toEqual([...BILLING_USAGE_CSV_COLUMNS]);
        expect(records).toHaveLength(document.by_namespace.length * BILLABLE_ACTION_TYPES.length);
        const column = (name: (typeof BILLING_USAGE_CSV_COLUMNS)[number]) => {
          const index = BILLING_USAGE_CSV_COLUMNS.indexOf(name);
          return records.map((record) => record[index]);
        };
        const numbers = (name: (typeof BILLING_USAGE_CSV_COLUMNS)[number]) =>
          column(name).map((value) => {
            expect(value).toMatch(/^\d+$/);
            return Number(value);
          });
        expect(sum(numbers('estimated_cost_cents'))).toBe(document.totals.estimated_cost_cents);
        expect(sum(numbers('billing_units'))).toBe(document.totals.billable_action_count);
        for (const row of document.by_action_type) {
          const raw = numbers('raw_count').filter((_, i) => column('action_type')[i] === row.action_type);
          expect(sum(raw)).toBe(row.raw_count);
        }
        expect(new Set(column('billing_unit'))).toEqual(new Set(records.length ? ['billable_action'] : []));
        expect(new Set(column('period_start'))).toEqual(new Set(records.length ? ['2026-05-01'] : []));
        expect(new Set(column('period_end'))).toEqual(new Set(records.length ? ['2026-05-31'] : []));
        // Text reads back as written, apart from the formula-escaping quote.
        const expectedNamespaces = document.by_namespace.flatMap((n) =>
          BILLABLE_ACTION_TYPES.map(() => (/^[=+\-@\t\r]/.test(n.namespace) ? `'${n.namespace}` : n.namespace)),
        );
        expect(column('namespace')).toEqual(expectedNamespaces);
      }),
      runs,
    );
  });
});
