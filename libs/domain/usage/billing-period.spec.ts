import { DomainError } from '../shared/errors';
import { billingPeriod, MAX_BILLING_PERIOD_DAYS, resolveBillingPeriod } from './billing-period';

const refusal = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
};

describe('resolveBillingPeriod', () => {
  const now = new Date('2026-05-17T13:45:00Z');

  it('defaults to the current UTC calendar month, written as the page writes times', () => {
    expect(resolveBillingPeriod({}, now)).toEqual({
      start_date: '2026-05-01',
      end_date: '2026-05-31',
      starts_at: '2026-05-01T00:00:00+00:00',
      ends_at: '2026-05-31T23:59:59+00:00',
      end_exclusive: '2026-06-01T00:00:00+00:00',
      days: 31,
    });
    expect(resolveBillingPeriod({ period_start: null, period_end: undefined }, now).start_date).toBe('2026-05-01');
  });

  it.each([
    ['2026-02-10T00:00:00Z', '2026-02-01', '2026-02-28', 28, '2026-03-01T00:00:00+00:00'],
    ['2028-02-29T23:59:59.999Z', '2028-02-01', '2028-02-29', 29, '2028-03-01T00:00:00+00:00'],
    ['2024-02-01T00:00:00Z', '2024-02-01', '2024-02-29', 29, '2024-03-01T00:00:00+00:00'],
    ['2100-02-15T00:00:00Z', '2100-02-01', '2100-02-28', 28, '2100-03-01T00:00:00+00:00'],
    ['2026-12-31T23:59:59.999Z', '2026-12-01', '2026-12-31', 31, '2027-01-01T00:00:00+00:00'],
    ['2026-04-30T12:00:00Z', '2026-04-01', '2026-04-30', 30, '2026-05-01T00:00:00+00:00'],
  ])('the month of now=%s is %s..%s', (instant, start, end, days, endExclusive) => {
    const period = resolveBillingPeriod({}, new Date(instant));
    expect(period).toMatchObject({ start_date: start, end_date: end, days, end_exclusive: endExclusive });
    expect(period.ends_at).toBe(`${end}T23:59:59+00:00`);
  });

  it('uses the UTC month even when local time is already in the next month', () => {
    // 2026-05-31T23:30 UTC is June 1st in UTC+2: still May.
    expect(resolveBillingPeriod({}, new Date('2026-06-01T01:30:00+02:00')).start_date).toBe('2026-05-01');
  });

  it('takes an explicit range as given', () => {
    expect(resolveBillingPeriod({ period_start: '2026-05-01', period_end: '2026-05-31' }, now)).toMatchObject({
      starts_at: '2026-05-01T00:00:00+00:00',
      ends_at: '2026-05-31T23:59:59+00:00',
    });
    expect(resolveBillingPeriod({ period_start: '2026-05-17', period_end: '2026-05-17' }, now).days).toBe(1);
  });

  it("fills an omitted bound from the given bound's calendar month", () => {
    expect(resolveBillingPeriod({ period_start: '2026-02-10' }, now)).toMatchObject({ start_date: '2026-02-10', end_date: '2026-02-28' });
    expect(resolveBillingPeriod({ period_end: '2026-03-15' }, now)).toMatchObject({ start_date: '2026-03-01', end_date: '2026-03-15' });
  });

  it.each([
    ['period_start', { period_start: '2026-5-01' }],
    ['period_start', { period_start: '2026-02-30' }],
    ['period_start', { period_start: '2026-13-01' }],
    ['period_start', { period_start: '2026-00-10' }],
    ['period_start', { period_start: '' }],
    ['period_start', { period_start: '2026-05-01T00:00:00Z' }],
    ['period_start', { period_start: 'yesterday', period_end: '2026-05-31' }],
    ['period_end', { period_start: '2026-05-01', period_end: '2025-02-29' }],
    ['period_end', { period_end: ' 2026-05-31' }],
    ['period_end', { period_end: '0000-01-01' }],
  ])('refuses an invalid date and names %s: %j', (field, query) => {
    const error = refusal(() => resolveBillingPeriod(query, now));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('refuses a reversed range, naming period_end', () => {
    const error = refusal(() => resolveBillingPeriod({ period_start: '2026-05-31', period_end: '2026-05-01' }, now));
    expect(error).toMatchObject({ code: 'invalid', field: 'period_end' });
    expect(error.message).toMatch(/must not be before period_start/);
  });

  it(`accepts up to ${MAX_BILLING_PERIOD_DAYS} days and refuses longer periods`, () => {
    expect(resolveBillingPeriod({ period_start: '2024-01-01', period_end: '2024-12-31' }, now).days).toBe(366);
    expect(resolveBillingPeriod({ period_start: '2025-05-01', period_end: '2026-05-01' }, now).days).toBe(366);
    const error = refusal(() => resolveBillingPeriod({ period_start: '2025-05-01', period_end: '2026-05-02' }, now));
    expect(error).toMatchObject({ code: 'invalid', field: 'period_end' });
    expect(error.message).toMatch(/at most 366 days, got 367/);
  });

  it('refuses an invalid now: that is a programming error, not a request error', () => {
    expect(() => resolveBillingPeriod({}, new Date('not a date'))).toThrow(TypeError);
  });
});

describe('billingPeriod', () => {
  it('counts days inclusively and handles years below 100', () => {
    expect(billingPeriod('2026-03-01', '2026-03-31').days).toBe(31);
    expect(billingPeriod('0099-12-31', '0100-01-01')).toMatchObject({ days: 2, end_exclusive: '0100-01-02T00:00:00+00:00' });
  });
});
