import { BillingUsageQueries } from './billing-usage.queries';
import { BillingController } from './billing.controller';
import { PriceBookController } from './price-book.controller';
import { UsageIngestion } from './usage-ingestion';

/** What the billing slice adds to the application module. */
export const billingControllers = [BillingController, PriceBookController];
export const billingProviders = [BillingUsageQueries, UsageIngestion];
