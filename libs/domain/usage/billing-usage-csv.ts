import { stringify } from 'csv-stringify/sync';
import { BILLING_UNIT } from './action-types';
import { BillingPeriod } from './billing-period';
import { BillingUsageV1 } from './billing-usage-document';

export const BILLING_USAGE_CSV_COLUMNS = Object.freeze([
  'period_start',
  'period_end',
  'project',
  'environment',
  'namespace',
  'action_type',
  'raw_count',
  'billing_unit',
  'billing_units',
  'estimated_cost_cents',
] as const);

export type BillingUsageCsvColumn = (typeof BILLING_USAGE_CSV_COLUMNS)[number];

/**
 * The billing usage export (`GET /api/v1/billing/usage/export`): a header row, then one row per
 * namespace × billable action type, in document order (namespaces by name, action types in page order;
 * zero rows included). `period_start`/`period_end` are the `YYYY-MM-DD` dates of `current_period`. The cost and unit
 * columns are the document's own values, so their sums equal `totals.estimated_cost_cents` and
 * `totals.billable_action_count`.
 *
 * RFC 4180: CRLF record delimiters, fields quoted when needed. Text fields that begin with `=`, `+`, `-`,
 * `@`, tab or CR are prefixed with `'` (csv-stringify `escape_formulas`) so spreadsheets do not evaluate
 * them; numeric columns are never affected.
 */
export const billingUsageCsv = (document: BillingUsageV1): string => {
  const period = periodOf(document);
  const records = document.by_namespace.flatMap((namespace) =>
    namespace.action_types.map((row) => [
      period.start_date,
      period.end_date,
      namespace.project,
      namespace.environment,
      namespace.namespace,
      row.action_type,
      row.raw_count,
      BILLING_UNIT,
      row.billing_units,
      row.estimated_cost_cents,
    ]),
  );
  return stringify([[...BILLING_USAGE_CSV_COLUMNS], ...records], {
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    escape_formulas: true,
  });
};

/** The `YYYY-MM-DD` dates of the document's period (`starts_at`/`ends_at` are `YYYY-MM-DDT…+00:00`). */
const periodOf = (document: BillingUsageV1): Pick<BillingPeriod, 'start_date' | 'end_date'> => ({
  start_date: document.current_period.starts_at.slice(0, 10),
  end_date: document.current_period.ends_at.slice(0, 10),
});

export type BillingFileKind = 'csv' | 'json';

/** Download file name of an export (`csv`) or report (`json`), e.g. `billing-usage-2026-05-01-to-2026-05-31.csv`. */
export const billingFileName = (kind: BillingFileKind, period: Pick<BillingPeriod, 'start_date' | 'end_date'>): string =>
  `billing-usage-${period.start_date}-to-${period.end_date}.${kind}`;
