import { invalid } from '../shared/errors';

/** Longest period a billing usage request may cover, in calendar days, both ends included. */
export const MAX_BILLING_PERIOD_DAYS = 366;

/**
 * An inclusive range of whole UTC calendar days.
 * `starts_at`/`ends_at` are written the way the product page writes them (`2026-05-31T23:59:59+00:00`);
 * `end_exclusive` is the half-open upper bound that usage queries should use, so usage in the last
 * second of the period (`23:59:59.5`) is not lost.
 */
export interface BillingPeriod {
  /** First day, `YYYY-MM-DD`. */
  readonly start_date: string;
  /** Last day (inclusive), `YYYY-MM-DD`. */
  readonly end_date: string;
  /** `${start_date}T00:00:00+00:00` */
  readonly starts_at: string;
  /** `${end_date}T23:59:59+00:00` */
  readonly ends_at: string;
  /** Midnight after `end_date`: `${end_date + 1 day}T00:00:00+00:00`. */
  readonly end_exclusive: string;
  /** Number of days in the period, both ends included. */
  readonly days: number;
}

/** The optional query parameters of `GET /api/v1/billing/usage` (also `/export` and `/report`). */
export interface BillingPeriodQuery {
  readonly period_start?: string | null | undefined;
  readonly period_end?: string | null | undefined;
}

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** UTC midnight of a calendar day; `setUTCFullYear` avoids `Date.UTC`'s 19xx mapping of years below 100. */
const utcMidnight = (year: number, monthIndex: number, day: number): Date => {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date;
};

const pad = (value: number, width: number) => String(value).padStart(width, '0');

const formatDate = (date: Date): string =>
  `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;

/** Parses a strict ISO-8601 calendar date (`YYYY-MM-DD`, year 0001–9999) that exists in the calendar. */
const parseDate = (value: unknown, field: string): Date => {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!match) throw invalid(`${field} must be an ISO-8601 date (YYYY-MM-DD), got ${JSON.stringify(value)}`, field);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = utcMidnight(year, month - 1, day);
  if (year < 1 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw invalid(`${field} is not a calendar date: ${value as string}`, field);
  }
  return date;
};

const given = (value: string | null | undefined): value is string => value !== undefined && value !== null;

/** A billing period from two `YYYY-MM-DD` dates that are already known to be valid and ordered. */
export const billingPeriod = (startDate: string, endDate: string): BillingPeriod => {
  const start = parseDate(startDate, 'period_start');
  const end = parseDate(endDate, 'period_end');
  const days = Math.round((end.getTime() - start.getTime()) / MS_PER_DAY) + 1;
  if (days < 1) throw invalid(`period_end (${endDate}) must not be before period_start (${startDate})`, 'period_end');
  const start_date = formatDate(start);
  const end_date = formatDate(end);
  return Object.freeze({
    start_date,
    end_date,
    starts_at: `${start_date}T00:00:00+00:00`,
    ends_at: `${end_date}T23:59:59+00:00`,
    end_exclusive: `${formatDate(new Date(end.getTime() + MS_PER_DAY))}T00:00:00+00:00`,
    days,
  });
};

/**
 * The billing period a request asks for. Pure: `now` is passed in, never read from a clock.
 *
 * - Neither bound given: the UTC calendar month containing `now` (first day to last day).
 * - Only `period_start`: from it to the last day of its calendar month.
 * - Only `period_end`: from the first day of its calendar month to it.
 * - Both: exactly that range.
 *
 * Refusals (`DomainError` code `invalid`, `field` naming the parameter): a bound that is not a strict
 * `YYYY-MM-DD` calendar date (`period_start` / `period_end`); `period_end` before `period_start`
 * (`period_end`); a period longer than `MAX_BILLING_PERIOD_DAYS` days (`period_end`).
 * An empty string is a malformed date, not an omitted one.
 */
export const resolveBillingPeriod = (query: BillingPeriodQuery, now: Date): BillingPeriod => {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date');
  const hasStart = given(query.period_start);
  const hasEnd = given(query.period_end);
  const start = hasStart ? parseDate(query.period_start, 'period_start') : undefined;
  const end = hasEnd ? parseDate(query.period_end, 'period_end') : undefined;

  // The month that supplies any omitted bound: the given bound's month, or now's month when none is given.
  const anchor = start ?? end ?? now;
  const monthStart = utcMidnight(anchor.getUTCFullYear(), anchor.getUTCMonth(), 1);
  const monthEnd = utcMidnight(anchor.getUTCFullYear(), anchor.getUTCMonth() + 1, 0);
  const first = start ?? monthStart;
  const last = end ?? monthEnd;

  if (last.getTime() < first.getTime()) {
    throw invalid(`period_end (${formatDate(last)}) must not be before period_start (${formatDate(first)})`, 'period_end');
  }
  const days = Math.round((last.getTime() - first.getTime()) / MS_PER_DAY) + 1;
  if (days > MAX_BILLING_PERIOD_DAYS) {
    throw invalid(`the billing period may cover at most ${MAX_BILLING_PERIOD_DAYS} days, got ${days}`, 'period_end');
  }
  return billingPeriod(formatDate(first), formatDate(last));
};
