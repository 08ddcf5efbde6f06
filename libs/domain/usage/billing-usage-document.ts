import { BILLABLE_ACTION_TYPES, BILLING_UNIT, BillableActionType, BillingUnit, UsageActionType } from './action-types';
import { BillingPeriod, billingPeriod } from './billing-period';
import { allocateLargestRemainder } from './largest-remainder';
import { exactCostCents, PriceBook, roundHalfUpCents } from './price-book';

export const BILLING_USAGE_SCHEMA_V1 = 'durable_workflow.cloud.billing_usage.v1';

export interface BillingUsageTotals {
  readonly workflow_execution_count: number;
  readonly activity_execution_count: number;
  readonly timer_fire_count: number;
  readonly signal_delivery_count: number;
  readonly update_delivery_count: number;
  readonly query_task_count: number;
  readonly storage_byte_hours: number;
  readonly billable_action_count: number;
  readonly estimated_cost_cents: number;
}

export interface BillingUsageActionType {
  readonly action_type: BillableActionType;
  readonly raw_count: number;
  readonly billing_unit: BillingUnit;
  readonly billing_units: number;
  readonly estimated_cost_cents: number;
}

export interface BillingUsageNamespaceActionType {
  readonly action_type: BillableActionType;
  readonly raw_count: number;
  readonly billing_units: number;
  readonly estimated_cost_cents: number;
}

export interface BillingUsageNamespace {
  readonly namespace: string;
  readonly project: string;
  readonly environment: string;
  readonly usage: {
    readonly billable_action_count: number;
    readonly estimated_cost_cents: number;
  };
  readonly action_types: readonly BillingUsageNamespaceActionType[];
}

/** The `durable_workflow.cloud.billing_usage.v1` response document, field for field as on the product page. */
export interface BillingUsageV1 {
  readonly schema: typeof BILLING_USAGE_SCHEMA_V1;
  readonly access_control: {
    readonly scope: 'organization_billing_usage';
    readonly api: { readonly authentication: 'organization_api_key' };
  };
  readonly current_period: {
    readonly starts_at: string;
    readonly ends_at: string;
  };
  readonly totals: BillingUsageTotals;
  /** The six billable action types, in page order, always all present (zeros included). */
  readonly by_action_type: readonly BillingUsageActionType[];
  /** Namespaces sorted by name (then project, then environment), ordinal string order. */
  readonly by_namespace: readonly BillingUsageNamespace[];
}

/** One metered usage aggregate for the period, as read from the usage projection. */
export interface BillingUsageRow {
  readonly namespace: string;
  readonly project: string;
  readonly environment: string;
  readonly action_type: UsageActionType;
  readonly raw_count: number | bigint;
}

export interface BuildBillingUsageInput {
  readonly period: Pick<BillingPeriod, 'start_date' | 'end_date'>;
  /** Rows may repeat a namespace × action type; their counts add up. */
  readonly rows: readonly BillingUsageRow[];
  readonly priceBook: PriceBook;
}

interface NamespaceAccumulator {
  readonly namespace: string;
  readonly project: string;
  readonly environment: string;
  readonly raw: Map<BillableActionType, bigint>;
}

const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const checkedCount = (value: unknown, index: number): bigint => {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`rows[${index}].raw_count must be non-negative, got ${value}`);
    return value;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`rows[${index}].raw_count must be a non-negative safe integer, got ${String(value)}`);
  }
  return BigInt(value);
};

/** JSON numbers are IEEE doubles: refuse to emit a count or amount that would silently lose precision. */
const jsonNumber = (value: bigint, what: string): number => {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} (${value}) exceeds the JSON safe-integer range`);
  return Number(value);
};

const sum = (values: Iterable<bigint>): bigint => {
  let total = 0n;
  for (const value of values) total += value;
  return total;
};

const lcm = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return (a / x) * b;
};

/**
 * Builds the billing usage document for an organization and period. Pure: no I/O, no clock.
 *
 * Money:
 * - every namespace × action type has an exact rational cost (billing units × price book price);
 * - the exact organization total is rounded once, half up, to whole cents → `totals.estimated_cost_cents`;
 * - that total is apportioned with the largest-remainder (Hamilton) method, weights = exact costs:
 *   over namespaces (→ `usage.estimated_cost_cents`), then each namespace's amount over its six action
 *   types (→ `action_types[].estimated_cost_cents`), and separately the organization total over the six
 *   action types (→ `by_action_type[].estimated_cost_cents`).
 *   So action rows sum exactly to their namespace, namespaces and `by_action_type` each sum exactly to the
 *   total, and every amount is within 1 cent of its exact proportional share. (Summing one action type's
 *   rows across namespaces may differ from its `by_action_type` amount by a few cents: both cannot hold
 *   together with the 1-cent bound in general.)
 * - ties between equal remainders go to the larger exact cost, then to the earlier namespace (sorted by
 *   name) or action type (page order).
 *
 * `storage_byte_hours` is not billable: it only feeds `totals.storage_byte_hours`.
 * Throws `RangeError`/`TypeError` on rows that cannot come from a well-formed projection (negative or
 * non-integer counts, unknown action types) and on any value beyond `Number.MAX_SAFE_INTEGER`.
 */
export const buildBillingUsageDocument = ({ period, rows, priceBook }: BuildBillingUsageInput): BillingUsageV1 => {
  const { starts_at, ends_at } = billingPeriod(period.start_date, period.end_date);

  const namespaces = new Map<string, NamespaceAccumulator>();
  let storageByteHours = 0n;
  rows.forEach((row, index) => {
    const count = checkedCount(row.raw_count, index);
    if (!UsageActionType.is(row.action_type)) {
      throw new TypeError(`rows[${index}].action_type is not a known action type: ${String(row.action_type)}`);
    }
    for (const field of ['namespace', 'project', 'environment'] as const) {
      if (typeof row[field] !== 'string') throw new TypeError(`rows[${index}].${field} must be a string`);
    }
    if (row.action_type === 'storage_byte_hours') {
      storageByteHours += count;
      return;
    }
    const key = JSON.stringify([row.namespace, row.project, row.environment]);
    let entry = namespaces.get(key);
    if (!entry) {
      entry = { namespace: row.namespace, project: row.project, environment: row.environment, raw: new Map() };
      namespaces.set(key, entry);
    }
    entry.raw.set(row.action_type, (entry.raw.get(row.action_type) ?? 0n) + count);
  });

  const sorted = [...namespaces.values()].sort(
    (a, b) => ordinal(a.namespace, b.namespace) || ordinal(a.project, b.project) || ordinal(a.environment, b.environment),
  );

  // Per namespace × action type: raw count, billing units and exact cost.
  const cells = sorted.map((entry) =>
    BILLABLE_ACTION_TYPES.map((actionType) => {
      const raw = entry.raw.get(actionType) ?? 0n;
      const units = UsageActionType.billingUnits(actionType, raw);
      return { actionType, raw, units, cost: exactCostCents(units, priceBook) };
    }),
  );

  // Exact costs over one common denominator become integer Hamilton weights.
  const denominator = cells.flat().reduce((common, cell) => lcm(common, cell.cost.denominator), 1n);
  const weights = cells.map((row) => row.map((cell) => cell.cost.numerator * (denominator / cell.cost.denominator)));
  const totalCents = roundHalfUpCents({ numerator: sum(weights.flat()), denominator });

  const namespaceCents = allocateLargestRemainder(totalCents, weights.map((row) => sum(row)));
  const actionTypeCents = allocateLargestRemainder(
    totalCents,
    BILLABLE_ACTION_TYPES.map((_, column) => sum(weights.map((row) => row[column]))),
  );

  const by_namespace: BillingUsageNamespace[] = sorted.map((entry, n) => {
    const cellCents = allocateLargestRemainder(namespaceCents[n], weights[n]);
    return {
      namespace: entry.namespace,
      project: entry.project,
      environment: entry.environment,
      usage: {
        billable_action_count: jsonNumber(sum(cells[n].map((cell) => cell.units)), `billable_action_count of ${entry.namespace}`),
        estimated_cost_cents: jsonNumber(namespaceCents[n], `estimated_cost_cents of ${entry.namespace}`),
      },
      action_types: cells[n].map((cell, a) => ({
        action_type: cell.actionType,
        raw_count: jsonNumber(cell.raw, `${cell.actionType} raw_count of ${entry.namespace}`),
        billing_units: jsonNumber(cell.units, `${cell.actionType} billing_units of ${entry.namespace}`),
        estimated_cost_cents: jsonNumber(cellCents[a], `${cell.actionType} estimated_cost_cents of ${entry.namespace}`),
      })),
    };
  });

  const rawByType = BILLABLE_ACTION_TYPES.map((_, a) => sum(cells.map((row) => row[a].raw)));
  const unitsByType = BILLABLE_ACTION_TYPES.map((_, a) => sum(cells.map((row) => row[a].units)));
  const by_action_type: BillingUsageActionType[] = BILLABLE_ACTION_TYPES.map((actionType, a) => ({
    action_type: actionType,
    raw_count: jsonNumber(rawByType[a], `${actionType} raw_count`),
    billing_unit: BILLING_UNIT,
    billing_units: jsonNumber(unitsByType[a], `${actionType} billing_units`),
    estimated_cost_cents: jsonNumber(actionTypeCents[a], `${actionType} estimated_cost_cents`),
  }));

  const rawOf = (actionType: BillableActionType) => by_action_type[BILLABLE_ACTION_TYPES.indexOf(actionType)].raw_count;
  const totals: BillingUsageTotals = {
    workflow_execution_count: rawOf('workflow_start'),
    activity_execution_count: rawOf('activity_execution'),
    timer_fire_count: rawOf('timer_fire'),
    signal_delivery_count: rawOf('signal'),
    update_delivery_count: rawOf('update'),
    query_task_count: rawOf('query'),
    storage_byte_hours: jsonNumber(storageByteHours, 'storage_byte_hours'),
    billable_action_count: jsonNumber(sum(unitsByType), 'billable_action_count'),
    estimated_cost_cents: jsonNumber(totalCents, 'estimated_cost_cents'),
  };

  return {
    schema: BILLING_USAGE_SCHEMA_V1,
    access_control: {
      scope: 'organization_billing_usage',
      api: { authentication: 'organization_api_key' },
    },
    current_period: { starts_at, ends_at },
    totals,
    by_action_type,
    by_namespace,
  };
};
