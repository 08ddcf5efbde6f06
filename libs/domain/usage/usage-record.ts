import { DomainEvent } from '../shared/event';
import { UsageActionType } from './action-types';

/**
 * Usage-record ingestion: a runtime target reports metered usage for a namespace it serves; Cloud validates
 * each record and appends `UsageRecorded` or `UsageRecordRejected`. Pure: `now` is passed in.
 * Whether the namespace belongs to the organization and is served by the reporting runtime target, and
 * whether `record_id` was already recorded (idempotent retry), need state and are the handler's checks.
 */

export const MAX_RECORD_ID_LENGTH = 200;

/** A validated usage record. Timestamps are normalized to UTC `toISOString()` form (millisecond precision). */
export interface UsageRecord {
  readonly record_id: string;
  readonly namespace: string;
  readonly action_type: UsageActionType;
  readonly quantity: number;
  readonly window_start: string;
  readonly window_end: string;
}

export type UsageRecordField = keyof UsageRecord;

export interface UsageRecordFieldError {
  /** The offending field, or `record` when the record itself is not an object. */
  readonly field: UsageRecordField | 'record';
  readonly message: string;
}

export type UsageRecordValidation =
  | { readonly ok: true; readonly record: UsageRecord }
  | {
      readonly ok: false;
      /** The record's id when it is itself valid, so the rejection can be correlated; otherwise null. */
      readonly record_id: string | null;
      readonly errors: readonly UsageRecordFieldError[];
    };

export interface UsageRecordValidationOptions {
  /** How far `window_end` may lie after `now`, to tolerate runtime-target clock skew. Default 0. */
  readonly allowed_clock_skew_ms?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Events (storage contract: type strings never change; a changed shape is a new type or version).

export interface UsageRecordedData {
  readonly organization_id: string;
  /** The Cloud namespace the record was resolved to. */
  readonly namespace: string;
  /** Project and environment of that namespace when the record was accepted (billing groups by them). */
  readonly project: string;
  readonly environment: string;
  readonly runtime_target_id: string;
  /** The namespace name exactly as the runtime target reported it. */
  readonly runtime_namespace: string;
  readonly record_id: string;
  readonly action_type: UsageActionType;
  readonly quantity: number;
  readonly window_start: string;
  readonly window_end: string;
}

export interface UsageRecordRejectedData {
  /** Null when the incoming record had no valid `record_id`. */
  readonly record_id: string | null;
  readonly reason: string;
  /** The runtime target that reported the record. */
  readonly runtime_target_id: string;
}

export type UsageRecorded = DomainEvent<'UsageRecorded', UsageRecordedData>;
export type UsageRecordRejected = DomainEvent<'UsageRecordRejected', UsageRecordRejectedData>;
export type UsageEvent = UsageRecorded | UsageRecordRejected;

/**
 * Where a record was reported from (the authenticated runtime target) and where its namespace sits: the
 * organization, Cloud namespace, project and environment that the reported namespace was placed on that
 * target as during the record's window (the handler's placement lookup).
 */
export interface UsageRecordSource {
  readonly organization_id: string;
  readonly runtime_target_id: string;
  readonly namespace: string;
  readonly project: string;
  readonly environment: string;
}

export const usageRecorded = (record: UsageRecord, source: UsageRecordSource): UsageRecorded => ({
  type: 'UsageRecorded',
  data: {
    organization_id: source.organization_id,
    namespace: source.namespace,
    project: source.project,
    environment: source.environment,
    runtime_target_id: source.runtime_target_id,
    runtime_namespace: record.namespace,
    record_id: record.record_id,
    action_type: record.action_type,
    quantity: record.quantity,
    window_start: record.window_start,
    window_end: record.window_end,
  },
});

export const usageRecordRejected = (record_id: string | null, reason: string, runtime_target_id: string): UsageRecordRejected => ({
  type: 'UsageRecordRejected',
  data: { record_id, reason, runtime_target_id },
});

/** Human-readable reason built from field errors: `field: message; field: message`. */
export const rejectionReason = (errors: readonly UsageRecordFieldError[]): string =>
  errors.map((error) => `${error.field}: ${error.message}`).join('; ');

/** The event that records the outcome of one validation. */
export const usageEventFor = (validation: UsageRecordValidation, source: UsageRecordSource): UsageEvent =>
  validation.ok
    ? usageRecorded(validation.record, source)
    : usageRecordRejected(validation.record_id, rejectionReason(validation.errors), source.runtime_target_id);

// ---------------------------------------------------------------------------------------------------------
// Validation

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Exact instant in nanoseconds since the epoch plus its normalized form, or null if not RFC 3339. */
const parseTimestamp = (value: string): { readonly ns: bigint; readonly iso: string } | null => {
  const match = TIMESTAMP.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const fraction = (match[7] ?? '').padEnd(9, '0');
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (year < 1 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (match[8] === undefined) {
    const [offsetHours, offsetMins] = [Number(match[10]), Number(match[11])];
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const ms = date.getTime() + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000;
  const ns = BigInt(ms) * 1_000_000n + BigInt(fraction);
  const iso = new Date(ms + Number(fraction.slice(0, 3))).toISOString();
  return { ns, iso };
};

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const codePoints = (value: string): number => [...value].length;

const isBlank = (value: string): boolean => value.trim().length === 0;

/**
 * Validates one incoming record `{ record_id, namespace, action_type, quantity, window_start, window_end }`.
 * Every failing field is reported (not just the first):
 * - `record_id`: non-blank string of at most 200 characters (Unicode code points);
 * - `namespace`: non-blank string;
 * - `action_type`: one of the metered action types (the six billable ones or `storage_byte_hours`);
 * - `quantity`: non-negative safe integer (a JSON number; strings are refused);
 * - `window_start`/`window_end`: RFC 3339 timestamps with `Z` or an offset; `window_end` not before
 *   `window_start` (compared to the nanosecond), and not after `now` (+ `allowed_clock_skew_ms`).
 * Unknown extra fields are ignored.
 */
export const validateUsageRecord = (
  input: unknown,
  now: Date,
  options: UsageRecordValidationOptions = {},
): UsageRecordValidation => {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date');
  const skew = options.allowed_clock_skew_ms ?? 0;
  if (!Number.isSafeInteger(skew) || skew < 0) throw new RangeError('allowed_clock_skew_ms must be a non-negative integer');
  if (!isRecord(input)) return { ok: false, record_id: null, errors: [{ field: 'record', message: 'must be a JSON object' }] };

  const errors: UsageRecordFieldError[] = [];
  const fail = (field: UsageRecordField, message: string) => errors.push({ field, message });

  const { record_id, namespace, action_type, quantity, window_start, window_end } = input;

  let validRecordId: string | null = null;
  if (typeof record_id !== 'string' || isBlank(record_id)) fail('record_id', 'must be a non-empty string');
  else if (codePoints(record_id) > MAX_RECORD_ID_LENGTH) fail('record_id', `must be at most ${MAX_RECORD_ID_LENGTH} characters`);
  else validRecordId = record_id;

  if (typeof namespace !== 'string' || isBlank(namespace)) fail('namespace', 'must be a non-empty string');

  if (!UsageActionType.is(action_type)) {
    fail('action_type', `must be one of ${UsageActionType.all.join(', ')}`);
  }

  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) {
    fail('quantity', 'must be a non-negative safe integer');
  }

  const start = typeof window_start === 'string' ? parseTimestamp(window_start) : null;
  if (!start) fail('window_start', 'must be an RFC 3339 timestamp with a time zone offset');
  const end = typeof window_end === 'string' ? parseTimestamp(window_end) : null;
  if (!end) fail('window_end', 'must be an RFC 3339 timestamp with a time zone offset');
  if (start && end && end.ns < start.ns) fail('window_end', 'must not be before window_start');
  if (end && end.ns > (BigInt(now.getTime()) + BigInt(skew)) * 1_000_000n) fail('window_end', 'must not be in the future');

  if (errors.length > 0 || !start || !end) return { ok: false, record_id: validRecordId, errors };
  return {
    ok: true,
    record: {
      record_id: record_id as string,
      namespace: namespace as string,
      action_type: action_type as UsageActionType,
      quantity: (quantity as number) === 0 ? 0 : (quantity as number),
      window_start: start.iso,
      window_end: end.iso,
    },
  };
};

/**
 * Validates a batch, one result per input in input order. Besides the per-record rules, a `record_id`
 * that already appeared earlier in the same batch is refused (`record_id: duplicates record N of this batch`);
 * the first occurrence is kept.
 */
export const validateUsageRecords = (
  inputs: readonly unknown[],
  now: Date,
  options: UsageRecordValidationOptions = {},
): readonly UsageRecordValidation[] => {
  const firstIndex = new Map<string, number>();
  return inputs.map((input, index): UsageRecordValidation => {
    const result = validateUsageRecord(input, now, options);
    const recordId = result.ok ? result.record.record_id : result.record_id;
    if (recordId === null) return result;
    const earlier = firstIndex.get(recordId);
    if (earlier === undefined) {
      firstIndex.set(recordId, index);
      return result;
    }
    const duplicate: UsageRecordFieldError = { field: 'record_id', message: `duplicates record ${earlier} of this batch` };
    return { ok: false, record_id: recordId, errors: result.ok ? [duplicate] : [duplicate, ...result.errors] };
  });
};
