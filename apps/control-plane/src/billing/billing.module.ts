import { Module } from '@nestjs/common';
import { PlacementModule } from '../placement/placement.module';
import { IngestTokenGuard } from '../usage-ingest/ingest-token.guard';
import { PlacementHistoryLookup } from '../usage-ingest/placement-history.lookup';
import { UsageCollector } from '../usage-ingest/usage-collector';
import { UsageCursors } from '../usage-ingest/usage-cursors';
import { UsageRecordsController } from '../usage-ingest/usage-records.controller';
import { BillingUsageQueries } from './billing-usage.queries';
import { BillingController } from './billing.controller';
import { PriceBookCommandHandler } from './billing.commands';
import { PriceBookController } from './price-book.controller';
import { UsageIngestion } from './usage-ingestion';
import { BillingRestrictionEnforcer } from './billing-restriction-enforcer';
import './billing.openapi';

/**
 * Usage and billing: usage records from runtime targets (pushed with a `dwi_` ingest token or pulled by
 * the collector, usage-ingest/), price books, and the billing usage document and exports (billing/).
 */
@Module({
  imports: [PlacementModule],
  controllers: [BillingController, PriceBookController, UsageRecordsController],
  providers: [PriceBookCommandHandler, BillingUsageQueries, UsageIngestion, BillingRestrictionEnforcer, PlacementHistoryLookup, IngestTokenGuard, UsageCursors, UsageCollector],
  exports: [UsageCollector],
})
export class UsageBillingModule {}
