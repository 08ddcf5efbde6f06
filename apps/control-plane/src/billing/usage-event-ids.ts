import { createHash } from 'node:crypto';
import { deterministicEventId } from '../../../../libs/event-store/src';
import { canonicalJson } from '../http/canonical-json';

/**
 * Event ids of ingestion, derived from what was reported so that re-sending it appends nothing new.
 * A record is identified by its reporting target and `record_id`; a refusal by the target, the exact
 * input and the reason (an input without a usable record id is still recognised when re-sent).
 */
export const recordedEventId = (runtimeTargetId: string, recordId: string): string =>
  deterministicEventId(`usage:${runtimeTargetId}:${recordId}`, 0);

export const rejectedEventId = (runtimeTargetId: string, input: unknown, reason: string): string => {
  const digest = createHash('sha256').update(fingerprintOf(input)).update('\u0000').update(reason).digest('hex');
  return deterministicEventId(`usage-rejected:${runtimeTargetId}:${digest}`, 0);
};

const fingerprintOf = (input: unknown): string => {
  try {
    return canonicalJson(input) ?? 'undefined';
  } catch {
    return String(input);
  }
};
