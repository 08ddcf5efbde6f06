import fc from 'fast-check';
import { UsageActionType } from './action-types';
import {
  UsageEvent,
  usageEventFor,
  UsageRecordValidation,
  validateUsageRecord,
  validateUsageRecords,
} from './usage-record';

const now = new Date('2026-05-17T12:00:00.000Z');

const incoming = (overrides: Record<string, unknown> = {}) => ({
  record_id: 'rt_eu1:2026-05-17T11:00:00Z:orders:signal',
  namespace: 'orders',
  action_type: 'signal',
  quantity: 5,
  window_start: '2026-05-17T11:00:00Z',
  window_end: '2026-05-17T12:00:00Z',
  ...overrides,
});

const fieldsOf = (result: UsageRecordValidation) => (result.ok ? [] : result.errors.map((error) => error.field));

describe('validateUsageRecord', () => {
  it('accepts a well-formed record and normalizes its window to UTC', () => {
    expect(validateUsageRecord(incoming({ window_start: '2026-05-17T13:00:00+02:00', window_end: '2026-05-17T11:59:59.123456Z' }), now)).toEqual({
      ok: true,
      record: {
        record_id: 'rt_eu1:2026-05-17T11:00:00Z:orders:signal',
        namespace: 'orders',
        action_type: 'signal',
        quantity: 5,
        window_start: '2026-05-17T11:00:00.000Z',
        window_end: '2026-05-17T11:59:59.123Z',
      },
    });
  });

  it('accepts every metered action type, storage included, and a zero quantity', () => {
    for (const action_type of UsageActionType.all) {
      expect(validateUsageRecord(incoming({ action_type, quantity: 0 }), now).ok).toBe(true);
    }
    const negativeZero = validateUsageRecord(incoming({ quantity: -0 }), now);
    expect(negativeZero.ok && Object.is(negativeZero.record.quantity, 0)).toBe(true);
  });

  it('reports every invalid field by name', () => {
    const result = validateUsageRecord(
      { record_id: '', namespace: '  ', action_type: 'cancel', quantity: -1, window_start: 'yesterday', window_end: '2026-05-17' },
      now,
    );
    expect(result.ok).toBe(false);
    expect(fieldsOf(result)).toEqual(['record_id', 'namespace', 'action_type', 'quantity', 'window_start', 'window_end']);
    expect(result).toMatchObject({ record_id: null });
  });

  it.each([
    ['a string', '5'],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['beyond 2^53', 2 ** 53],
    ['a bigint', 5n],
    ['missing', undefined],
  ])('refuses a quantity that is %s', (_, quantity) => {
    const result = validateUsageRecord(incoming({ quantity }), now);
    expect(fieldsOf(result)).toEqual(['quantity']);
    // The record id is valid, so the rejection can be correlated with it.
    expect(result).toMatchObject({ ok: false, record_id: 'rt_eu1:2026-05-17T11:00:00Z:orders:signal' });
  });

  it('limits record_id to 200 characters, counted as code points', () => {
    expect(validateUsageRecord(incoming({ record_id: 'x'.repeat(200) }), now).ok).toBe(true);
    expect(validateUsageRecord(incoming({ record_id: '🧾'.repeat(200) }), now).ok).toBe(true);
    expect(fieldsOf(validateUsageRecord(incoming({ record_id: 'x'.repeat(201) }), now))).toEqual(['record_id']);
    expect(fieldsOf(validateUsageRecord(incoming({ record_id: 42 }), now))).toEqual(['record_id']);
  });

  it.each([
    '2026-05-17 11:00:00Z',
    '2026-05-17T11:00:00',
    '2026-02-30T11:00:00Z',
    '2026-05-17T24:00:00Z',
    '2026-05-17T11:60:00Z',
    '2026-05-17T11:00:60Z',
    '2026-05-17T11:00:00+24:00',
    '2026-05-17T11:00:00.1234567890Z',
    '1779015600',
  ])('refuses window_start %j', (window_start) => {
    expect(fieldsOf(validateUsageRecord(incoming({ window_start }), now))).toEqual(['window_start']);
  });

  it('refuses an inverted window, to the nanosecond, and accepts an empty one', () => {
    expect(validateUsageRecord(incoming({ window_start: '2026-05-17T11:00:00Z', window_end: '2026-05-17T11:00:00Z' }), now).ok).toBe(true);
    const inverted = validateUsageRecord(
      incoming({ window_start: '2026-05-17T11:00:00.000000002Z', window_end: '2026-05-17T11:00:00.000000001Z' }),
      now,
    );
    expect(inverted).toMatchObject({ ok: false, errors: [{ field: 'window_end', message: 'must not be before window_start' }] });
    expect(fieldsOf(validateUsageRecord(incoming({ window_start: '2026-05-17T12:00:00+01:00', window_end: '2026-05-17T10:59:00Z' }), now))).toEqual(['window_end']);
  });

  it('refuses a window that ends after now, unless within the allowed clock skew', () => {
    expect(validateUsageRecord(incoming({ window_end: '2026-05-17T12:00:00Z' }), now).ok).toBe(true);
    const future = validateUsageRecord(incoming({ window_end: '2026-05-17T12:00:00.000001Z' }), now);
    expect(future).toMatchObject({ ok: false, errors: [{ field: 'window_end', message: 'must not be in the future' }] });
    expect(validateUsageRecord(incoming({ window_end: '2026-05-17T12:00:05Z' }), now, { allowed_clock_skew_ms: 5_000 }).ok).toBe(true);
    expect(validateUsageRecord(incoming({ window_end: '2026-05-17T12:00:05.001Z' }), now, { allowed_clock_skew_ms: 5_000 }).ok).toBe(false);
  });

  it('refuses anything that is not an object', () => {
    for (const input of [null, 'record', 42, [incoming()]]) {
      expect(validateUsageRecord(input, now)).toEqual({ ok: false, record_id: null, errors: [{ field: 'record', message: 'must be a JSON object' }] });
    }
  });

  it('(property) accepts every well-formed record in the past and keeps its values', () => {
    const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: now.getTime() });
    fc.assert(
      fc.property(
        fc.record({
          record_id: fc.string({ minLength: 1, maxLength: 200 }).filter((id) => id.trim() !== ''),
          namespace: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
          action_type: fc.constantFrom(...UsageActionType.all),
          quantity: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        }),
        instant,
        instant,
        (fields, a, b) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          const window_start = new Date(start).toISOString();
          const window_end = new Date(end).toISOString();
          expect(validateUsageRecord({ ...fields, window_start, window_end }, now)).toEqual({
            ok: true,
            record: { ...fields, window_start, window_end },
          });
        },
      ),
    );
  });
});

describe('validateUsageRecords', () => {
  it('validates each record and refuses a record_id repeated in the same batch', () => {
    const results = validateUsageRecords(
      [incoming({ record_id: 'a' }), incoming({ record_id: 'b', quantity: -1 }), incoming({ record_id: 'a' }), incoming({ record_id: 'b' })],
      now,
    );
    expect(results.map((result) => result.ok)).toEqual([true, false, false, false]);
    expect(results[2]).toEqual({ ok: false, record_id: 'a', errors: [{ field: 'record_id', message: 'duplicates record 0 of this batch' }] });
    expect(fieldsOf(results[3])).toEqual(['record_id']);
  });
});

describe('usage events', () => {
  const source = { organization_id: 'org_acme', runtime_target_id: 'rt_eu1', namespace: 'orders', project: 'commerce', environment: 'prod' };

  it('records a valid record as UsageRecorded', () => {
    const event: UsageEvent = usageEventFor(validateUsageRecord(incoming(), now), source);
    expect(event).toEqual({
      type: 'UsageRecorded',
      data: {
        organization_id: 'org_acme',
        namespace: 'orders',
        project: 'commerce',
        environment: 'prod',
        runtime_target_id: 'rt_eu1',
        runtime_namespace: 'orders',
        record_id: 'rt_eu1:2026-05-17T11:00:00Z:orders:signal',
        action_type: 'signal',
        quantity: 5,
        window_start: '2026-05-17T11:00:00.000Z',
        window_end: '2026-05-17T12:00:00.000Z',
      },
    });
  });

  it('records an invalid record as UsageRecordRejected with the field errors as the reason', () => {
    const event = usageEventFor(validateUsageRecord(incoming({ action_type: 'cancel', quantity: -3 }), now), source);
    expect(event).toEqual({
      type: 'UsageRecordRejected',
      data: {
        record_id: 'rt_eu1:2026-05-17T11:00:00Z:orders:signal',
        reason:
          'action_type: must be one of workflow_start, activity_execution, timer_fire, signal, update, query, storage_byte_hours; ' +
          'quantity: must be a non-negative safe integer',
        runtime_target_id: 'rt_eu1',
      },
    });
  });
});
