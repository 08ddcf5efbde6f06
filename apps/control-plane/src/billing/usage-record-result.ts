import { UsageRecord, UsageRecordedData, UsageRecordFieldError } from '../../../../libs/domain/usage';
import { StoredEvent } from './usage-event-index';

export type UsageRecordStatus = 'accepted' | 'duplicate' | 'rejected';

/** The outcome of one reported usage record, in the order the records came. */
export interface UsageRecordResult {
  /** The record's id, or null when it had no usable one. */
  readonly record_id: string | null;
  /**
   * `accepted`: recorded (now, or by an earlier identical report: re-sending a batch answers as the first time);
   * `duplicate`: this record id was already recorded with different content, which stands (nothing changed);
   * `rejected`: refused, with the reasons in `errors` (the refusal is recorded as `UsageRecordRejected`).
   */
  readonly status: UsageRecordStatus;
  readonly errors?: readonly UsageRecordFieldError[];
}

export const NOT_PLACED: UsageRecordFieldError = {
  field: 'namespace', message: 'is not a namespace assigned to this runtime target during the record window',
};

const CONFLICTING: UsageRecordFieldError = {
  field: 'record_id', message: 'was already recorded by this runtime target with different content; the first recording stands',
};

/** A record whose id is already recorded: the same report again is answered as the first time; other content is a duplicate. */
export const outcomeOfEarlier = (stored: StoredEvent, record: UsageRecord): UsageRecordResult => {
  const data = stored.data as UsageRecordedData;
  const same = stored.type === 'UsageRecorded' && data.runtime_namespace === record.namespace && data.action_type === record.action_type
    && data.quantity === record.quantity && data.window_start === record.window_start && data.window_end === record.window_end;
  return same ? { record_id: record.record_id, status: 'accepted' } : { record_id: record.record_id, status: 'duplicate', errors: [CONFLICTING] };
};
