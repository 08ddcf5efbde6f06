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
   * Usage per namespace × action type over the period's whole UTC days. A namespace whose only usage is
   * `storage_byte_hours` (not a billable action) still had usage in the period, so it gets a zero billable row
   * and is listed with zeros.
   */
  async usageRows(organizationId: string, period: Pick<BillingPeriod, 'start_date' | 'end_date'>): Promise<BillingUsageRow[]> {
    const rows = await this.db.selectFrom('usage_rollups')
      .select(['namespace', 'project', 'environment', 'action_type', sql<bigint>`sum(quantity)::bigint`.as('raw_count')])
      .where('organization_id', '=', organizationId)
      .where('day', '>=', sql<string>`${period.start_date}::date`)
      .where('day', '<=', sql<string>`${period.end_date}::date`)
      .groupBy(['namespace', 'project', 'environment', 'action_type'])
      .execute();
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
