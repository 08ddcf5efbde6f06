/**
 * Metered action types of the billing usage contract (`durable_workflow.cloud.billing_usage.v1`).
 *
 * The six standard action types are billable, in the order the product page lists them; that order is
 * the order of `by_action_type`, of each namespace's `action_types`, and of the CSV rows.
 * `storage_byte_hours` is metered but is not a billable action: it is reported only in
 * `totals.storage_byte_hours`.
 *
 * These strings are a storage contract (they appear in `UsageRecorded` events): never rename them.
 */

export const BILLABLE_ACTION_TYPES = Object.freeze([
  'workflow_start',
  'activity_execution',
  'timer_fire',
  'signal',
  'update',
  'query',
] as const);

export type BillableActionType = (typeof BILLABLE_ACTION_TYPES)[number];

export const USAGE_ACTION_TYPES = Object.freeze([...BILLABLE_ACTION_TYPES, 'storage_byte_hours'] as const);

/** Every action type a usage record may carry. */
export type UsageActionType = (typeof USAGE_ACTION_TYPES)[number];

/** The one billing unit of the v1 contract. */
export const BILLING_UNIT = 'billable_action';
export type BillingUnit = typeof BILLING_UNIT;

/** `totals` field that counts each action type. */
export type TotalsCountField =
  | 'workflow_execution_count'
  | 'activity_execution_count'
  | 'timer_fire_count'
  | 'signal_delivery_count'
  | 'update_delivery_count'
  | 'query_task_count'
  | 'storage_byte_hours';

const TOTALS_FIELD: Readonly<Record<UsageActionType, TotalsCountField>> = Object.freeze({
  workflow_start: 'workflow_execution_count',
  activity_execution: 'activity_execution_count',
  timer_fire: 'timer_fire_count',
  signal: 'signal_delivery_count',
  update: 'update_delivery_count',
  query: 'query_task_count',
  storage_byte_hours: 'storage_byte_hours',
});

/**
 * Billable actions per raw meter count (`billing_units = raw_count × factor`).
 * 1 for each of the six standard types; kept as data so a future type can weigh differently.
 */
const BILLABLE_ACTIONS_PER_COUNT: Readonly<Record<BillableActionType, bigint>> = Object.freeze({
  workflow_start: 1n,
  activity_execution: 1n,
  timer_fire: 1n,
  signal: 1n,
  update: 1n,
  query: 1n,
});

const USAGE_SET: ReadonlySet<string> = new Set<string>(USAGE_ACTION_TYPES);
const BILLABLE_SET: ReadonlySet<string> = new Set<string>(BILLABLE_ACTION_TYPES);

export const UsageActionType = Object.freeze({
  /** All metered types: the six billable ones in page order, then `storage_byte_hours`. */
  all: USAGE_ACTION_TYPES,
  /** The six billable types in page order. */
  billable: BILLABLE_ACTION_TYPES,
  is: (value: unknown): value is UsageActionType => typeof value === 'string' && USAGE_SET.has(value),
  isBillable: (value: unknown): value is BillableActionType => typeof value === 'string' && BILLABLE_SET.has(value),
  /** Name of the `totals` field that reports this action type. */
  totalsField: (type: UsageActionType): TotalsCountField => TOTALS_FIELD[type],
  /** Billable-action quantity of `rawCount` meter counts of `type`. */
  billingUnits: (type: BillableActionType, rawCount: bigint): bigint => rawCount * BILLABLE_ACTIONS_PER_COUNT[type],
});

export const isUsageActionType = UsageActionType.is;
export const isBillableActionType = UsageActionType.isBillable;
