import { BILLABLE_ACTION_TYPES, UsageActionType } from './action-types';

describe('UsageActionType', () => {
  it('lists the billable action types in the product page order, then storage', () => {
    expect(BILLABLE_ACTION_TYPES).toEqual(['workflow_start', 'activity_execution', 'timer_fire', 'signal', 'update', 'query']);
    expect(UsageActionType.all).toEqual([...BILLABLE_ACTION_TYPES, 'storage_byte_hours']);
    expect(Object.isFrozen(UsageActionType.all)).toBe(true);
  });

  it('guards unknown values', () => {
    expect(UsageActionType.is('storage_byte_hours')).toBe(true);
    expect(UsageActionType.isBillable('storage_byte_hours')).toBe(false);
    expect(UsageActionType.isBillable('query')).toBe(true);
    for (const value of ['cancel', 'Query', '', 'toString', '__proto__', 1, null, undefined]) {
      expect(UsageActionType.is(value)).toBe(false);
    }
  });

  it('maps each type to its totals field and billing units', () => {
    expect(UsageActionType.all.map(UsageActionType.totalsField)).toEqual([
      'workflow_execution_count',
      'activity_execution_count',
      'timer_fire_count',
      'signal_delivery_count',
      'update_delivery_count',
      'query_task_count',
      'storage_byte_hours',
    ]);
    for (const type of BILLABLE_ACTION_TYPES) expect(UsageActionType.billingUnits(type, 7n)).toBe(7n);
  });
});
