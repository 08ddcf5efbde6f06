import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import {
  BillingPeriod, BillingUsageRow, BillingUsageV1, buildBillingUsageDocument, DEFAULT_PRICE_BOOK, Price, PriceBook,
} from '../../../../libs/domain/usage';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** Reads of the usage rollups and price books; every query is filtered by the caller's organization. */
@Injectable()
export class BillingUsageQueries {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  private get db() {
    return this.platform.storage.db;
  }

  /** The `durable_workflow.cloud.billing_usage.v1` document of one organization and period. */
  async document(organizationId: string, period: BillingPeriod): Promise<BillingUsageV1> {
    const [rows, priceBook] = await Promise.all([this.usageRows(organizationId, period), this.priceBook(organizationId)]);
    return buildBillingUsageDocument({ period, rows, priceBook });
  }

  /**
   * Usage per namespace × action type over the period's whole UTC days. Whole months come from the monthly
   * rollups (one row per namespace and action type each), the days of a partial month at either end from
   * the daily ones. A namespace whose only usage is `storage_byte_hours` (not a billable action) still had
   * usage in the period, so it gets a zero billable row and is listed with zeros.
   */
  async usageRows(organizationId: string, period: Pick<BillingPeriod, 'start_date' | 'end_date'>): Promise<BillingUsageRow[]> {
    const months = wholeMonthsOf(period.start_date, period.end_date);
    // Day ranges [first, last], both inclusive: the partial months at either end (none for whole months).
    const days = months
      ? [[period.start_date, previousDay(months.from)], [months.to, period.end_date]].filter(([first, last]) => first <= last)
      : [[period.start_date, period.end_date]];
    const parts = [
      ...days.map(([first, last]) => sql`select namespace, project, environment, action_type, quantity from usage_rollups
          where organization_id = ${organizationId} and day >= ${first}::date and day <= ${last}::date`),
      ...(months ? [sql`select namespace, project, environment, action_type, quantity from usage_rollups_monthly
          where organization_id = ${organizationId} and month >= ${months.from}::date and month < ${months.to}::date`] : []),
    ];
    const { rows } = await sql<Pick<BillingUsageRow, 'namespace' | 'project' | 'environment' | 'action_type'> & { raw_count: bigint }>`
      select namespace, project, environment, action_type, sum(quantity)::bigint as raw_count
      from (${sql.join(parts, sql` union all `)}) usage
      group by namespace, project, environment, action_type`.execute(this.db);
    const usage = rows.map((row) => ({ ...row, raw_count: BigInt(row.raw_count) }) as BillingUsageRow);
    const listed = new Map(usage.map((row) => [JSON.stringify([row.namespace, row.project, row.environment]), row]));
    const namespaces = [...listed.values()].map(({ namespace, project, environment }): BillingUsageRow => ({
      namespace, project, environment, action_type: 'workflow_start', raw_count: 0n,
    }));
    return [...usage, ...namespaces];
  }

  /** The configured price book, or the default (2 cents per billable action). */
  async priceBook(organizationId: string): Promise<PriceBook> {
    const row = await this.db.selectFrom('price_books').select(['billable_action_cents', 'billable_action_per_units'])
      .where('organization_id', '=', organizationId).executeTakeFirst();
    if (!row) return DEFAULT_PRICE_BOOK;
    return { billable_action: Price.of(BigInt(row.billable_action_cents), BigInt(row.billable_action_per_units)) };
  }
}

const dayOffset = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const nextDay = (day: string) => dayOffset(day, 1);
const previousDay = (day: string) => dayOffset(day, -1);
const firstOfNextMonth = (day: string) => {
  const date = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 10);
};

/**
 * The whole UTC months inside `[start, end]` (dates `YYYY-MM-DD`, both inclusive) as `[from, to)`, each the
 * first day of a month; null when the period holds no whole month.
 */
export function wholeMonthsOf(start: string, end: string): { readonly from: string; readonly to: string } | null {
  const from = start.endsWith('-01') ? start : firstOfNextMonth(start);
  const after = nextDay(end);
  const to = after.endsWith('-01') ? after : `${end.slice(0, 7)}-01`;
  return from < to ? { from, to } : null;
}
