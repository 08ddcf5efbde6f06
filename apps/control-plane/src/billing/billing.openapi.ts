import { documentRoutes } from '../openapi/operations';
import { arr, dateTime, int, named, nullable, obj, oneOf, str } from '../openapi/schema';
import { UsageRecordsController } from '../usage-ingest/usage-records.controller';
import { BillingController } from './billing.controller';
import { PriceBookController } from './price-book.controller';

const counts = (...names: string[]) => Object.fromEntries(names.map((name) => [name, int()]));

const BillingUsage = named('BillingUsageV1', obj({
  schema: oneOf('durable_workflow.cloud.billing_usage.v1'),
  access_control: obj({ scope: oneOf('organization_billing_usage'), api: obj({ authentication: oneOf('organization_api_key') }) }),
  current_period: obj({ starts_at: dateTime(), ends_at: dateTime() }),
  totals: obj(counts('workflow_execution_count', 'activity_execution_count', 'timer_fire_count', 'signal_delivery_count',
    'update_delivery_count', 'query_task_count', 'storage_byte_hours', 'billable_action_count', 'estimated_cost_cents')),
  by_action_type: arr(obj({ action_type: str(), raw_count: int(), billing_unit: str(), billing_units: int(), estimated_cost_cents: int() })),
  by_namespace: arr(obj({
    namespace: str(), project: str(), environment: str(),
    usage: obj(counts('billable_action_count', 'estimated_cost_cents')),
    action_types: arr(obj({ action_type: str(), raw_count: int(), billing_units: int(), estimated_cost_cents: int() })),
  })),
}));

const PriceBook = named('PriceBook', obj({
  organization_id: str(), source: oneOf('default', 'configured'),
  billable_action: obj({ cents: str('a decimal string'), per_units: str('a decimal string') }),
  set_at: nullable(dateTime()), resource_version: nullable(str()),
}));

const UsageReport = named('UsageReportResult', obj({
  runtime_target_id: str(), accepted: int(), duplicate: int(), rejected: int(),
  results: arr(obj({
    record_id: nullable(str()), status: oneOf('accepted', 'duplicate', 'rejected'),
    errors: arr(obj({ field: str(), message: str() })),
  }, ['errors'])),
}));

documentRoutes(BillingController, {
  usage: { summary: 'The organization\'s billing usage for a period (default: the current UTC month)', returns: BillingUsage },
  export: { summary: 'The billing usage as CSV (one row per namespace and action type), as a download', returns: { type: 'string' }, produces: 'text/csv' },
  report: { summary: 'The billing usage document as a JSON download', returns: BillingUsage },
});

documentRoutes(PriceBookController, {
  set: { summary: 'Set an organization\'s price book', returns: PriceBook },
  get: { summary: 'An organization\'s price book (the default until one is set)', returns: PriceBook },
});

documentRoutes(UsageRecordsController, {
  report: { summary: 'Report usage records from a runtime target (idempotent by record_id)', returns: UsageReport },
});
